"""A coarse outline of Syria, to catch coordinates outside the country or with lat/lon swapped.

Derived from Natural Earth's 1:50m admin-0 outline (public domain): buffered by 0.05 degrees (about 5 km)
and simplified at 0.05 degrees, so it errs on the side of accepting points near the border.

>>> inside_syria(37.16, 36.20), inside_syria(36.20, 37.16), looks_swapped(36.20, 37.16)
(True, False, True)
"""

from __future__ import annotations

import shapely

#: (lon, lat) vertices, EPSG:4326.
OUTLINE = [
    (35.86, 35.95),
    (36.12, 35.89),
    (36.30, 36.04),
    (36.34, 36.21),
    (36.58, 36.28),
    (36.49, 36.46),
    (36.65, 36.85),
    (36.96, 36.81),
    (37.08, 36.70),
    (37.43, 36.69),
    (38.19, 36.95),
    (38.46, 36.91),
    (38.77, 36.74),
    (39.35, 36.73),
    (40.00, 36.87),
    (40.70, 37.15),
    (41.51, 37.14),
    (42.19, 37.35),
    (42.31, 37.31),
    (42.41, 37.12),
    (42.38, 37.02),
    (41.82, 36.56),
    (41.44, 36.47),
    (41.34, 36.36),
    (41.29, 36.08),
    (41.40, 35.63),
    (41.26, 35.28),
    (41.24, 34.76),
    (41.02, 34.39),
    (39.08, 33.47),
    (36.83, 32.27),
    (36.36, 32.34),
    (35.74, 32.72),
    (35.85, 32.95),
    (35.79, 33.33),
    (35.95, 33.58),
    (35.93, 33.76),
    (36.07, 33.88),
    (36.23, 33.89),
    (36.53, 34.23),
    (36.47, 34.40),
    (36.28, 34.48),
    (36.36, 34.61),
    (35.93, 34.61),
    (35.84, 34.94),
    (35.86, 35.40),
    (35.71, 35.57),
    (35.86, 35.95),
]
_SHAPE = shapely.Polygon(OUTLINE)
shapely.prepare(_SHAPE)


def inside_syria(lon: float, lat: float) -> bool:
    """True when (lon, lat) lies in (or within about 5 km of) Syria."""
    return bool(shapely.contains_xy(_SHAPE, lon, lat))


def looks_swapped(lon: float, lat: float) -> bool:
    """True when the point is outside Syria but inside once lon and lat trade places."""
    return not inside_syria(lon, lat) and inside_syria(lat, lon)
