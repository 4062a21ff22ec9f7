"""Hand-drawn control snapshots: read, check and repair them, whatever tool drew them.

A snapshot is the control of one date, drawn by an analyst: polygons with a faction each. The files in
``data/control/`` are GeoJSON named ``YYYY-MM-DD.geojson`` (EPSG:4326, property ``faction``);
:func:`import_features` turns what QGIS, geojson.io or the map's Draw tool export into that form.

Checks, in order, each problem naming the file and the feature:

- CRS: anything with a known CRS is reprojected to EPSG:4326; a file without one is refused (GeoJSON is
  EPSG:4326 by definition); a representative point outside Syria is an error, and says so when the
  coordinates look like (lat, lon).
- faction: from a property (``faction`` or the field given), matched on ids and on the names of
  ``factions.yaml``; else from the feature's colour (geojson.io's ``fill``/``stroke``, Leaflet's ``color``);
  else a default or a question per feature.
- geometry: polygons only; an invalid polygon is repaired with ``make_valid`` and reported with its reason
  and the area it gained or lost; slivers (parts under :data:`SLIVER_KM2`) are dropped and reported.
- overlaps between factions are reported with their area; ``resolve="later-wins"`` cuts the overlap out of
  the earlier feature, ``resolve="error"`` refuses the file.
- gaps: holes inside the drawn area, and the parts of the city outline no feature covers, above
  :data:`GAP_KM2`, are reported (warnings: a drawing may cover only part of the city on purpose).

Areas are in UTM 37N (EPSG:32637, metres).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping, shape

from geo.control.area import inside_syria, looks_swapped
from geo.io import InputError, read_json
from geo.model import CONTESTED, CRS_METRIC, CRS_STORAGE
from geo.read import Factions

#: Polygon parts smaller than this (km2, i.e. 500 m2) are slivers: digitising noise, dropped.
SLIVER_KM2 = 0.0005
#: Holes and uncovered pieces of the city outline larger than this (km2) are reported as gaps.
GAP_KM2 = 0.01
#: Overlaps between factions under this area (km2, 100 m2) are tracing noise and not reported.
OVERLAP_KM2 = 0.0001
#: Properties that carry a feature's colour in the tools analysts use (geojson.io simplestyle, Leaflet, QGIS).
COLOUR_FIELDS = ("faction_colour", "fill", "stroke", "color", "colour", "fillColor", "marker-color")
#: Largest RGB distance (0-441) for a colour to count as a faction's colour.
COLOUR_TOLERANCE = 60.0
_DATE_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.geojson$")


@dataclass
class Checked:
    """A checked snapshot: ``gdf`` has faction, note, geometry (EPSG:4326); ``warnings`` what was repaired."""

    gdf: gpd.GeoDataFrame
    warnings: list[str] = field(default_factory=list)


def _rgb(colour: str) -> tuple[int, int, int] | None:
    """``"#d7301f"`` or ``"d7301f"`` or ``"#f00"`` -> (215, 48, 31); anything else None.

    >>> _rgb("#f00"), _rgb("D7301F"), _rgb("red")
    ((255, 0, 0), (215, 48, 31), None)
    """
    c = str(colour).strip().lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", c):
        return None
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)


def faction_from_colour(colour: str, factions: Factions) -> str | None:
    """The faction (or ``contested``) whose map colour is nearest to ``colour``, if near enough."""
    rgb = _rgb(colour)
    if rgb is None:
        return None
    best, dist = None, COLOUR_TOLERANCE
    for fid in [*factions.ids, CONTESTED]:
        ref = _rgb(factions.colour(fid))
        if ref is None:
            continue
        d = float(np.sqrt(sum((a - b) ** 2 for a, b in zip(rgb, ref, strict=True))))
        if d <= dist:
            best, dist = fid, d
    return best


def faction_from_name(value: Any, factions: Factions) -> str | None:
    """A faction id from an id or any name of factions.yaml, in any language, case-insensitive."""
    v = str(value or "").strip()
    if not v:
        return None
    if factions.is_valid(v):
        return v
    low = v.lower()
    if factions.is_valid(low):
        return low
    for names in factions.aliases.values():
        if low in names:
            return names[low]
    return None


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in getattr(g, "geoms", []) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _km2(geoms: list[shapely.Geometry]) -> np.ndarray:
    if not geoms:
        return np.zeros(0)
    return np.asarray(gpd.GeoSeries(geoms, crs=CRS_STORAGE).to_crs(CRS_METRIC).area) / 1e6


def _where(source: str, i: int) -> str:
    return f"{source}: feature {i}"


def _drop_slivers(g: shapely.Geometry, where: str, warnings: list[str]) -> shapely.Geometry:
    parts = list(getattr(g, "geoms", [g]))
    if len(parts) < 2:
        return g
    areas = _km2(parts)
    keep = [p for p, a in zip(parts, areas, strict=True) if a >= SLIVER_KM2]
    if len(keep) < len(parts) and keep:
        warnings.append(f"{where}: {len(parts) - len(keep)} sliver(s) under {SLIVER_KM2 * 1e6:.0f} m2 dropped "
                        f"({(areas[areas < SLIVER_KM2].sum() * 1e6):.0f} m2 in all)")
        return shapely.union_all(keep)
    return g


def check_features(features: list[tuple[dict[str, Any], shapely.Geometry | None]], factions: Factions,
                   source: str, *, faction_field: str = "faction", default_faction: str | None = None,
                   ask: Callable[[int, dict[str, Any]], str] | None = None, resolve: str = "later-wins",
                   outline: shapely.Geometry | None = None, area: Any = None) -> Checked:
    """Check ``(properties, geometry)`` pairs already in EPSG:4326; raise InputError on what cannot be fixed.

    >>> from geo.read.factions import parse_factions
    >>> f = parse_factions({"factions": {"government": {"colour": "#d7301f"}, "opposition": {"colour": "#31a354"}}})
    >>> sq = shapely.box(37.10, 36.20, 37.11, 36.21)
    >>> c = check_features([({"fill": "#d7301f"}, sq)], f, "x.geojson")
    >>> list(c.gdf.faction), c.warnings
    (['government'], [])
    """
    if resolve not in ("later-wins", "error"):
        raise ValueError(f"resolve must be 'later-wins' or 'error', not {resolve!r}")
    known = ", ".join([*factions.ids, CONTESTED])
    warnings: list[str] = []
    rows: list[dict[str, Any]] = []
    for i, (props, g) in enumerate(features):
        where = _where(source, i)
        props = props or {}
        fac = None
        raw = props.get(faction_field)
        if raw not in (None, ""):
            fac = faction_from_name(raw, factions)
            if fac is None:
                raise InputError(f"{where}: unknown faction {raw!r} in {faction_field!r} (known: {known})")
        if fac is None:
            for key in COLOUR_FIELDS:
                if props.get(key):
                    fac = faction_from_colour(str(props[key]), factions)
                    if fac:
                        break
        if fac is None and default_faction:
            fac = default_faction
        if fac is None and ask is not None:
            fac = faction_from_name(ask(i, props), factions)
        if fac is None:
            raise InputError(f"{where}: no faction (no {faction_field!r} property and no faction colour); "
                             f"known: {known}")
        if g is None or g.is_empty:
            raise InputError(f"{where}: missing or empty geometry")
        if g.geom_type not in ("Polygon", "MultiPolygon"):
            raise InputError(f"{where}: {g.geom_type} is not a polygon")
        pt = g.representative_point() if g.is_valid else shapely.centroid(g)
        _check_place(pt.x, pt.y, where, area)
        if not g.is_valid:
            reason = shapely.is_valid_reason(g)
            before = float(_km2([shapely.Polygon(shapely.get_exterior_ring(p)) for p in getattr(g, "geoms", [g])
                                 ]).sum())
            g = _polygonal(shapely.make_valid(g))
            after = float(_km2([g]).sum()) if not g.is_empty else 0.0
            warnings.append(f"{where}: invalid polygon repaired with make_valid ({reason}; "
                            f"{before:.3f} -> {after:.3f} km2)")
            if g.is_empty:
                raise InputError(f"{where}: polygon has no area once repaired ({reason})")
        g = _drop_slivers(g, where, warnings)
        note = str(props.get("note") or props.get("name") or "")
        rows.append({"faction": fac, "note": note, "geometry": g})
    gdf = gpd.GeoDataFrame(rows, columns=["faction", "note", "geometry"], geometry="geometry", crs=CRS_STORAGE)
    gdf = _overlaps(gdf, source, resolve, warnings)
    warnings += gaps(gdf, source, outline)
    return Checked(gdf, warnings)


def _check_place(lon: float, lat: float, where: str, area: Any) -> None:
    """A drawing must lie in the study area (``area``, a :class:`geo.settings.StudyArea`; without one, Syria)."""
    if area is None:
        if not inside_syria(lon, lat):
            if looks_swapped(lon, lat):
                raise InputError(f"{where}: coordinates look swapped (lat, lon); GeoJSON is (lon, lat)")
            raise InputError(f"{where}: coordinates outside Syria ({lon:.3f}, {lat:.3f}); EPSG:4326 expected")
        return
    if area.contains(lon, lat):
        return
    if area.contains(lat, lon):
        raise InputError(f"{where}: coordinates look swapped (lat, lon); GeoJSON is (lon, lat)")
    raise InputError(f"{where}: coordinates outside the study area ({area.name}): ({lon:.3f}, {lat:.3f}) is "
                     f"{area.distance_km(lon, lat):.0f} km away; EPSG:4326 expected")


def _overlaps(gdf: gpd.GeoDataFrame, source: str, resolve: str, warnings: list[str]) -> gpd.GeoDataFrame:
    """Overlaps between features of different factions, found through an STRtree (not all pairs)."""
    if len(gdf) < 2:
        return gdf
    geoms = list(gdf.geometry)
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = sorted({(int(a), int(b)) for a, b in zip(left, right, strict=True) if a < b})
    for i, j in pairs:
        if gdf.faction.iat[i] == gdf.faction.iat[j]:
            continue
        inter = _polygonal(geoms[i].intersection(geoms[j]))
        if inter.is_empty:
            continue
        a = float(_km2([inter])[0])
        if a < OVERLAP_KM2:
            continue
        c = inter.representative_point()
        msg = (f"{source}: features {i} ({gdf.faction.iat[i]}) and {j} ({gdf.faction.iat[j]}) overlap by "
               f"{a:.3f} km2 near ({c.x:.4f}, {c.y:.4f})")
        if resolve == "error":
            raise InputError(f"{msg}; redraw them or resolve with 'later-wins'")
        warnings.append(f"{msg}: feature {j} wins")
        geoms[i] = _polygonal(geoms[i].difference(geoms[j]))
    gdf = gdf.copy()
    gdf["geometry"] = geoms
    return gdf[~gdf.geometry.is_empty].reset_index(drop=True)


def gaps(gdf: gpd.GeoDataFrame, source: str, outline: shapely.Geometry | None = None) -> list[str]:
    """Warnings for holes inside the drawn area and parts of ``outline`` left uncovered (over GAP_KM2)."""
    if gdf.empty:
        return []
    drawn = shapely.union_all(list(gdf.geometry))
    out: list[str] = []
    holes = [shapely.Polygon(r) for p in getattr(drawn, "geoms", [drawn]) for r in p.interiors]
    for h, a in zip(holes, _km2(holes), strict=True):
        if a >= GAP_KM2:
            c = h.representative_point()
            out.append(f"{source}: a gap of {a:.3f} km2 inside the drawn area near ({c.x:.4f}, {c.y:.4f})")
    if outline is not None and not outline.is_empty:
        # Holes were reported above: only what lies outside the drawn area's outer rings counts here.
        shells = shapely.union_all([shapely.Polygon(p.exterior) for p in getattr(drawn, "geoms", [drawn])])
        rest = _polygonal(outline.difference(shells))
        pieces = [p for p in getattr(rest, "geoms", [rest]) if not p.is_empty]
        areas = _km2(pieces)
        big = [(p, a) for p, a in zip(pieces, areas, strict=True) if a >= GAP_KM2]
        if big:
            p, a = max(big, key=lambda t: t[1])
            c = p.representative_point()
            out.append(f"{source}: {len(big)} part(s) of the city outline not covered ({sum(a for _, a in big):.3f} "
                       f"km2; the largest, {a:.3f} km2, near ({c.x:.4f}, {c.y:.4f}))")
    return out


def snapshot_date(path: Path) -> str:
    """The date a snapshot file is named for; InputError for any other name."""
    path = Path(path)
    if not _DATE_FILE.match(path.name):
        raise InputError(f"{path}: a snapshot file is named YYYY-MM-DD.geojson")
    try:
        return date.fromisoformat(path.name[:10]).isoformat()
    except ValueError:
        raise InputError(f"{path}: {path.name[:10]} is not a date") from None


def geojson_features(doc: Any, source: str) -> list[tuple[dict[str, Any], shapely.Geometry | None]]:
    """``(properties, geometry)`` of a parsed GeoJSON FeatureCollection, refusing a declared non-WGS84 CRS."""
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise InputError(f"{source}: not a GeoJSON FeatureCollection")
    crs = ((doc.get("crs") or {}).get("properties") or {}).get("name", "")
    if crs and not re.search(r"(CRS84|EPSG:{1,2}4326)$", str(crs)):
        raise InputError(f"{source}: declares CRS {crs}; snapshots are EPSG:4326 (import it with "
                         f"'geo control import', which reprojects)")
    out = []
    for i, f in enumerate(doc["features"]):
        if not isinstance(f, dict):
            raise InputError(f"{_where(source, i)}: not a GeoJSON Feature")
        try:
            g = shape(f["geometry"]) if f.get("geometry") else None
        except Exception:
            raise InputError(f"{_where(source, i)}: missing or unreadable geometry") from None
        out.append((f.get("properties") or {}, g))
    return out


def read_snapshot(path: Path, factions: Factions, *, outline: shapely.Geometry | None = None,
                  area: Any = None) -> Checked:
    """One ``data/control/YYYY-MM-DD.geojson`` snapshot, checked (overlaps: the later feature wins)."""
    path = Path(path)
    snapshot_date(path)
    return check_features(geojson_features(read_json(path), str(path)), factions, str(path), outline=outline,
                          area=area)


def read_vector(path: Path, crs: str | None = None, layer: str | None = None
                ) -> tuple[list[tuple[dict[str, Any], shapely.Geometry | None]], list[str]]:
    """Features of any file pyogrio reads (GeoJSON, GeoPackage, Shapefile...), reprojected to EPSG:4326.

    ``crs`` declares the CRS of the coordinates when the file does not (a Shapefile without .prj, a GeoJSON
    written in UTM metres); a file with no CRS and no ``crs`` is refused rather than guessed, and so is a
    GeoJSON whose coordinates are not degrees. A file of several layers needs ``layer``. Returns the
    features and notes on what was done.
    """
    import pyogrio
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    notes: list[str] = []
    if crs:
        try:
            crs = CRS.from_user_input(crs).to_string()
        except CRSError:
            raise InputError(f"--crs {crs!r}: not a CRS (give e.g. EPSG:32637 or EPSG:4326)") from None
    is_json = path.suffix.lower() in (".geojson", ".json")
    if is_json:
        doc = read_json(path)
        declared = ((doc.get("crs") or {}).get("properties") or {}).get("name", "") if isinstance(doc, dict) else ""
        if not declared and not crs:
            feats = geojson_features(doc, str(path))
            _degrees_or_refuse(feats, path)
            return feats, notes
    else:
        try:
            names = [n for n, _ in pyogrio.list_layers(path)]
        except Exception as exc:
            raise InputError(f"{path}: cannot read ({' '.join(str(exc).split())})") from None
        if layer is not None and layer not in names:
            raise InputError(f"{path}: no layer {layer!r} (layers: {', '.join(names)})")
        if layer is None and len(names) > 1:
            raise InputError(f"{path}: {len(names)} layers ({', '.join(names)}); choose one with --layer")
    try:
        gdf = gpd.read_file(path, engine="pyogrio", **({"layer": layer} if layer else {}))
    except Exception as exc:  # pyogrio's errors name the driver problem; keep them on one line
        raise InputError(f"{path}: cannot read ({' '.join(str(exc).split())})") from None
    if crs and (gdf.crs is None or is_json):
        # a GeoJSON's CRS is WGS84 by definition: --crs says what its coordinates really are
        gdf = gdf.set_crs(crs, allow_override=True)
        notes.append(f"{path}: coordinates read as {crs} (--crs)")
    if gdf.crs is None:
        raise InputError(f"{path}: no CRS (a Shapefile without its .prj?); give it with --crs, e.g. EPSG:32637")
    if gdf.crs.to_epsg() != 4326:
        notes.append(f"{path}: reprojected from {gdf.crs.to_string()} to EPSG:4326")
        gdf = gdf.to_crs(CRS_STORAGE)
    props = gdf.drop(columns=gdf.geometry.name).to_dict("records")
    clean = [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in p.items()} for p in props]
    feats = list(zip(clean, list(gdf.geometry), strict=True))
    _degrees_or_refuse(feats, path)
    return feats, notes


def _degrees_or_refuse(feats: list[tuple[dict[str, Any], shapely.Geometry | None]], path: Path) -> None:
    """Coordinates beyond +-180/+-90 are metres read as degrees: say which CRS option to give."""
    for i, (_, g) in enumerate(feats):
        if g is not None and not g.is_empty:
            x0, y0, x1, y1 = g.bounds
            if min(x0, y0) < -180 or x1 > 180 or y1 > 90 or y0 < -90:
                raise InputError(f"{path}: feature {i}: coordinates ({x0:.0f}, {y0:.0f}) are not degrees; "
                                 "give the file's CRS with --crs, e.g. EPSG:32637")


def snapshot_geojson(gdf: gpd.GeoDataFrame, drawn_by: str) -> str:
    """The text of a snapshot file: a FeatureCollection, coordinates rounded to 6 decimals (about 0.1 m)."""
    feats = []
    for fac, note, g in zip(gdf.faction, gdf.note, gdf.geometry, strict=True):
        g = shapely.set_precision(g, 1e-6) if not g.is_empty else g
        feats.append({"type": "Feature", "properties": {"faction": fac, "note": note, "drawn_by": drawn_by},
                      "geometry": mapping(g)})
    return json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False) + "\n"
