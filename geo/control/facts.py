"""The record as a test: dated facts of who held a place, checked against the built control layers.

``data/control/facts.csv`` restates dated facts from the reference control tables, one per row:
``place_id, date, faction, source, other_date, note``. A fact is right when the layers give ``faction`` at
the place's point on ``date``, or on ``other_date`` (the same fact dated by the other table, which may
differ by a day or two): a layer is wrong only when it moves before both dates or after both.

The point of a place is its gazetteer point when that point lies in its own footprint, else a point
inside the footprint (a drawn footprint is the better estimate of where the place is).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo.control.join import holders
from geo.io import InputError
from geo.model import CONTESTED

FACT_COLUMNS = ["place_id", "date", "faction", "source", "other_date", "note"]


@dataclass(frozen=True)
class Fact:
    """One dated fact: ``faction`` held ``place_id`` on ``date`` (or on ``other_date``, the other table's)."""

    place_id: str
    date: str
    faction: str
    source: str
    other_date: str = ""
    note: str = ""
    row: int = 0


@dataclass(frozen=True)
class Verdict:
    """A fact and what the layers say on each of its dates (``got``, ``got_other``)."""

    fact: Fact
    got: str
    got_other: str

    @property
    def right(self) -> bool:
        return self.got == self.fact.faction or bool(self.fact.other_date) and self.got_other == self.fact.faction

    def line(self) -> str:
        """One line for a person: ``2016-11-01 aleppo-1070-apartments: layers say government, fact opposition``."""
        other = f" ({self.fact.other_date}: {self.got_other or 'nobody'})" if self.fact.other_date else ""
        return (f"{self.fact.date} {self.fact.place_id}: layers say {self.got or 'nobody'}{other}, "
                f"fact {self.fact.faction} [{self.fact.source}] (facts row {self.fact.row})")


def _day(text: str, path: Path, row: int, column: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise InputError(f"{path}: row {row}: {column} {text!r} is not a YYYY-MM-DD date") from None


def read_facts(path: Path, factions: set[str], places: set[str]) -> list[Fact]:
    """The facts of a CSV file; a bad row raises InputError naming the file, the row and the reason.

    ``factions`` are the ids a fact may name (``contested`` is always allowed); ``places`` the gazetteer ids.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no facts file")
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in FACT_COLUMNS[:4] if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(missing)} (need {', '.join(FACT_COLUMNS)})")
        out = []
        for row, r in enumerate(reader, start=2):  # row 1 is the header
            pid, fac = (r.get("place_id") or "").strip(), (r.get("faction") or "").strip()
            if pid not in places:
                raise InputError(f"{path}: row {row}: place {pid!r} is not in the gazetteer")
            if fac not in factions and fac != CONTESTED:
                raise InputError(f"{path}: row {row}: unknown faction {fac!r}")
            other = (r.get("other_date") or "").strip()
            out.append(Fact(pid, _day((r.get("date") or "").strip(), path, row, "date"), fac,
                            (r.get("source") or "").strip(), _day(other, path, row, "other_date") if other else "",
                            (r.get("note") or "").strip(), row))
    return out


def place_points(ids: list[str], points: dict[str, tuple[float, float]], footprints: gpd.GeoDataFrame | None
                 ) -> dict[str, tuple[float, float]]:
    """``{id: (lon, lat)}``: the gazetteer point if it lies in the place's own footprint, else a point inside it.

    >>> fp = gpd.GeoDataFrame({"id": ["a"]}, geometry=[shapely.box(0, 0, 1, 1)], crs="EPSG:4326")
    >>> place_points(["a", "b"], {"a": (5.0, 5.0), "b": (2.0, 3.0)}, fp)
    {'a': (0.5, 0.5), 'b': (2.0, 3.0)}
    """
    shapes = {} if footprints is None or footprints.empty else dict(zip(footprints["id"], footprints.geometry,
                                                                        strict=True))
    out = {}
    for pid in ids:
        lon, lat = points[pid]
        g = shapes.get(pid)
        if g is not None and g.geom_type in ("Polygon", "MultiPolygon") and not g.contains(shapely.Point(lon, lat)):
            p = g.point_on_surface()
            lon, lat = round(p.x, 6), round(p.y, 6)
        out[pid] = (lon, lat)
    return out


def check_facts(control: gpd.GeoDataFrame, facts: list[Fact], points: dict[str, tuple[float, float]]
                ) -> list[Verdict]:
    """Each fact with the faction the ``control`` layer gives at its place's point on its dates."""
    if not facts:
        return []
    xs = np.array([points[f.place_id][0] for f in facts], dtype=float)
    ys = np.array([points[f.place_id][1] for f in facts], dtype=float)
    got = holders(control, np.array([f.date for f in facts]), xs, ys)
    other = holders(control, np.array([f.other_date or f.date for f in facts]), xs, ys)
    return [Verdict(f, g, o if f.other_date else "") for f, g, o in zip(facts, got, other, strict=True)]


def fact_score(verdicts: list[Verdict]) -> float:
    """The share of facts the layers get right (1.0 with no facts)."""
    return sum(v.right for v in verdicts) / len(verdicts) if verdicts else 1.0
