"""Paths and defaults, overridable by environment variables ``GEO_*`` and CLI options.

>>> s = Settings.resolve(data_dir="data")
>>> s.build_dir.as_posix()
'data/build'
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Name of the map file written under ``<build>/maps/`` when the data directory declares no study area.
DEFAULT_MAP_NAME = "aleppo-2016"
USER_AGENT = "geo-conflict-mapper/0.1 (offline-first; opt-in geocoding)"


def repo_root() -> Path:
    """The checkout this package lives in (where ``node_modules/`` with the map assets is)."""
    return Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Where the inputs are and where the outputs go."""

    data_dir: Path
    build_dir: Path

    @classmethod
    def resolve(cls, data_dir: str | Path | None = None, build_dir: str | Path | None = None) -> Settings:
        """Options win over ``GEO_DATA_DIR`` / ``GEO_BUILD_DIR``, which win over ``./data`` and ``<data>/build``."""
        d = Path(data_dir or os.environ.get("GEO_DATA_DIR") or "data")
        b = Path(build_dir or os.environ.get("GEO_BUILD_DIR") or d / "build")
        return cls(d, b)

    # Inputs (hand-made; never written by the pipeline except through explicit import commands).
    @property
    def articles_dir(self) -> Path:
        return self.data_dir / "articles"

    @property
    def gazetteer_dir(self) -> Path:
        return self.data_dir / "gazetteer"

    @property
    def control_dir(self) -> Path:
        return self.data_dir / "control"

    @property
    def lexicon_dir(self) -> Path:
        return self.data_dir / "lexicon"

    @property
    def factions_file(self) -> Path:
        return self.data_dir / "factions.yaml"

    @property
    def area_file(self) -> Path:
        return self.data_dir / "area.yaml"

    @property
    def agencies_file(self) -> Path:
        """News agencies and how datelines name them: wire copies count once (geo/wire.py)."""
        return self.data_dir / "agencies.yaml"

    @property
    def decisions_csv(self) -> Path:
        """The analyst's review decisions (``geo review accept|reject|edit``), applied on every build."""
        return self.data_dir / "review" / "decisions.csv"

    @property
    def acled_dir(self) -> Path:
        """ACLED's codebook and actor names, for ``geo export --format acled``."""
        return self.data_dir / "acled"

    def area(self) -> StudyArea | None:
        """The study area the data directory declares (``area.yaml``), or None when it declares none."""
        return load_area(self.area_file) if self.area_file.exists() else None

    # Outputs (all under the build dir; deleting it is always safe).
    @property
    def articles_jsonl(self) -> Path:
        return self.build_dir / "articles.jsonl"

    @property
    def claims_jsonl(self) -> Path:
        return self.build_dir / "claims.jsonl"

    @property
    def unresolved_csv(self) -> Path:
        return self.build_dir / "unresolved.csv"

    @property
    def skipped_csv(self) -> Path:
        """The inputs ``geo build --keep-going`` left out, with why (empty when every input was read)."""
        return self.build_dir / "skipped.csv"

    @property
    def events_gpkg(self) -> Path:
        return self.build_dir / "events.gpkg"

    @property
    def control_gpkg(self) -> Path:
        return self.build_dir / "control.gpkg"

    @property
    def maps_dir(self) -> Path:
        return self.build_dir / "maps"

    def map_file(self, name: str | None = None) -> Path:
        """``<build>/maps/<name>.html``; by default the name the study area gives (``map:`` in area.yaml)."""
        if not name:
            area = self.area()
            name = area.map_name if area and area.map_name else DEFAULT_MAP_NAME
        return self.maps_dir / f"{name}.html"


def assets_dir() -> Path:
    """Where ``npm ci`` put the pinned Leaflet/plugin assets (``GEO_ASSETS_DIR`` overrides)."""
    env = os.environ.get("GEO_ASSETS_DIR")
    return Path(env) if env else repo_root() / "node_modules"


@dataclass(frozen=True)
class StudyArea:
    """Where and when a data directory's map is: its outline, the CRS for areas and buffers, the window.

    ``bbox`` is ``(lon_min, lat_min, lon_max, lat_max)`` in EPSG:4326; ``crs`` a projected CRS in metres
    (areas in km2 and buffers are computed in it); ``window`` the default first and last day (ISO).

    >>> a = StudyArea("Aleppo", (36.71, 35.84, 37.61, 36.56), "EPSG:32637", ("2016-07-01", "2016-12-31"))
    >>> a.contains(37.16, 36.20), a.contains(36.20, 37.16), round(a.distance_km(37.16, 37.0))
    (True, False, 49)
    """

    name: str
    bbox: tuple[float, float, float, float]
    crs: str
    window: tuple[str, str]
    #: the place the map is of, for its title ("Aleppo"); the map file's name ("aleppo-2016")
    city: str = ""
    map_name: str = ""
    #: who drew the outlines, for the credit line of published images
    credit: str = ""
    #: (lon, lat) homonyms are ranked by nearness to (default: the box's middle)
    centre: tuple[float, float] = (0.0, 0.0)
    #: ISO 3166 two-letter code of the country, for the opt-in online geocoders ("sy")
    country: str = ""

    def middle(self) -> tuple[float, float]:
        """``centre`` when declared, else the middle of the box (lon, lat)."""
        if self.centre != (0.0, 0.0):
            return self.centre
        x0, y0, x1, y1 = self.bbox
        return ((x0 + x1) / 2, (y0 + y1) / 2)

    def contains(self, lon: float, lat: float) -> bool:
        x0, y0, x1, y1 = self.bbox
        return x0 <= lon <= x1 and y0 <= lat <= y1

    def distance_km(self, lon: float, lat: float) -> float:
        """Distance from a point to the area's box, in km (0 inside); degrees scaled at the box's latitude."""
        import math

        x0, y0, x1, y1 = self.bbox
        dx = max(x0 - lon, 0.0, lon - x1) * 111.32 * math.cos(math.radians((y0 + y1) / 2))
        dy = max(y0 - lat, 0.0, lat - y1) * 110.57
        return math.hypot(dx, dy)


def load_area(path: Path) -> StudyArea:
    """Read ``area.yaml``; a missing or malformed field raises InputError naming the file and the field."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    from geo.io import InputError, read_yaml

    doc: Any = read_yaml(path)
    if not isinstance(doc, dict):
        raise InputError(f"{path}: expected a mapping (name, bbox, crs, window)")
    bbox = doc.get("bbox")
    if not (isinstance(bbox, list) and len(bbox) == 4 and all(isinstance(v, int | float) for v in bbox)
            and bbox[0] < bbox[2] and bbox[1] < bbox[3]):
        raise InputError(f"{path}: bbox must be [lon_min, lat_min, lon_max, lat_max] (EPSG:4326, min < max)")
    try:
        crs = CRS.from_user_input(str(doc.get("crs", "")))
    except CRSError:
        raise InputError(f"{path}: crs {doc.get('crs')!r} is not a CRS (e.g. EPSG:32637)") from None
    if not crs.is_projected:
        raise InputError(f"{path}: crs {doc.get('crs')!r} is not projected: areas and buffers need metres")
    window = doc.get("window") or []
    try:
        first, last = (dt.date.fromisoformat(str(d)).isoformat() for d in window)
    except ValueError:
        raise InputError(f"{path}: window must be two dates [YYYY-MM-DD, YYYY-MM-DD]") from None
    if first > last:
        raise InputError(f"{path}: window starts after it ends ({first} > {last})")
    name = str(doc.get("name") or path.parent.name)
    city = str(doc.get("city") or name)
    map_name = str(doc.get("map") or f"{city}-{first[:4]}")
    map_name = "-".join(re.findall(r"[a-z0-9]+", map_name.lower())) or DEFAULT_MAP_NAME
    return StudyArea(name, tuple(float(v) for v in bbox),  # type: ignore[arg-type]
                     crs.to_string(), (first, last), city, map_name, str(doc.get("credit") or ""),
                     _centre(doc.get("centre"), path), str(doc.get("country") or "").lower())


def _centre(value: Any, path: Path) -> tuple[float, float]:
    """``centre: [lon, lat]`` of area.yaml, or (0, 0) when it declares none."""
    from geo.io import InputError

    if value is None:
        return (0.0, 0.0)
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int | float) for v in value)):
        raise InputError(f"{path}: centre must be [lon, lat] (EPSG:4326)")
    return (float(value[0]), float(value[1]))
