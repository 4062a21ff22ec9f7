"""Paths and defaults, overridable by environment variables ``GEO_*`` and CLI options.

>>> s = Settings.resolve(data_dir="data")
>>> s.build_dir.as_posix()
'data/build'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Name of the default map file written under ``<build>/maps/``.
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
    def events_gpkg(self) -> Path:
        return self.build_dir / "events.gpkg"

    @property
    def control_gpkg(self) -> Path:
        return self.build_dir / "control.gpkg"

    @property
    def maps_dir(self) -> Path:
        return self.build_dir / "maps"

    def map_file(self, name: str = DEFAULT_MAP_NAME) -> Path:
        return self.maps_dir / f"{name}.html"


def assets_dir() -> Path:
    """Where ``npm ci`` put the pinned Leaflet/plugin assets (``GEO_ASSETS_DIR`` overrides)."""
    env = os.environ.get("GEO_ASSETS_DIR")
    return Path(env) if env else repo_root() / "node_modules"
