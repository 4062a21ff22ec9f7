"""The correction round trip: lay a drawn correction over the control in force, and check what a drawing covers.

An analyst who sees one wrong district draws it again (the map's Draw tool, QGIS) and imports it for a date.
``--patch`` keeps everything else as the layers show it on that date; a full import replaces the whole
snapshot, so it is refused when it would leave much of the drawn footprints uncovered.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

from geo.control.snapshot import _polygonal
from geo.model import CRS_STORAGE

#: A full import leaving more than this share of the footprints' area uncovered is refused without --allow-gaps.
MAX_UNCOVERED = 0.2


def lay_over(base: gpd.GeoDataFrame, patch: gpd.GeoDataFrame, note: str) -> gpd.GeoDataFrame:
    """``base`` (faction, note, geometry) with ``patch`` laid over it: one feature per faction.

    Each patch polygon is cut out of every base faction and added to its own; what the patch does not
    touch stays exactly as it was.

    >>> b = gpd.GeoDataFrame({"faction": ["a", "b"], "note": ["", ""]},
    ...                      geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)], crs=CRS_STORAGE)
    >>> p = gpd.GeoDataFrame({"faction": ["b"], "note": [""]}, geometry=[shapely.box(0.5, 0, 1, 1)], crs=CRS_STORAGE)
    >>> out = lay_over(b, p, "fix")
    >>> {f: round(g.area, 2) for f, g in zip(out.faction, out.geometry)}
    {'a': 0.5, 'b': 1.5}
    """
    cover = shapely.union_all(list(patch.geometry))
    parts: dict[str, list[shapely.Geometry]] = {}
    for fac, g in zip(base.faction, base.geometry, strict=True):
        rest = _polygonal(shapely.difference(g, cover))
        if not rest.is_empty:
            parts.setdefault(fac, []).append(rest)
    for fac, g in zip(patch.faction, patch.geometry, strict=True):
        parts.setdefault(fac, []).append(g)
    facs = sorted(parts)
    return gpd.GeoDataFrame({"faction": facs, "note": [note] * len(facs)},
                            geometry=[_polygonal(shapely.union_all(parts[f])) for f in facs], crs=CRS_STORAGE)


def uncovered_share(drawing: gpd.GeoDataFrame, footprints: shapely.Geometry | None) -> float:
    """The share of ``footprints`` (the study area's drawn places, as one geometry) no feature covers.

    >>> d = gpd.GeoDataFrame({"faction": ["a"]}, geometry=[shapely.box(0, 0, 1, 1)], crs=CRS_STORAGE)
    >>> uncovered_share(d, shapely.box(0, 0, 4, 1))
    0.75
    """
    if footprints is None or footprints.is_empty or footprints.area == 0:
        return 0.0
    rest = shapely.difference(footprints, shapely.union_all(list(drawing.geometry)))
    return float(rest.area / footprints.area)
