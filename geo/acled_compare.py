"""geo's events beside an ACLED download: which changes both record, which only one does, and where they
disagree on who gained.

An ACLED row and a geo event are the same when they are of a kind (a battle or territory change against a
capture, advance or clash; a remote-violence row against a strike), their dates are at most ``window`` days
apart, and their points are within the distance ACLED's ``geo_precision`` allows. They *conflict* when both
say territory changed hands and name different gainers. Pairs are made one to one, closest first.

>>> sides = {"Military Forces of Syria (2000-)": "government", "Hezbollah": "government"}
>>> to_side("Military Forces of Syria (2000-)", sides), to_side("Hezbollah", sides), to_side("Civilians (Syria)", sides)
('government', 'government', '')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.io import InputError

#: Columns an ACLED file must have for a comparison.
REQUIRED = ["event_id_cnty", "event_date", "event_type", "sub_event_type", "actor1", "actor2", "latitude",
            "longitude", "geo_precision"]
#: How far (km) an ACLED point may be from geo's, by its geo_precision (1 the place, 2 near it, 3 a region).
REACH_KM = {1: 3.0, 2: 8.0, 3: 30.0}
KINDS = {"Battles": {"capture", "advance", "clash"}, "Explosions/Remote violence": {"strike"}}
TERRITORY = {"Government regains territory", "Non-state actor overtakes territory"}
STATUSES = ("matched", "conflicting", "only in ACLED", "only in geo")
COLUMNS = ["status", "acled_id", "geo_event_id", "acled_date", "geo_date", "days_apart", "distance_km",
           "acled_type", "geo_type", "acled_gainer", "geo_gainer", "acled_location", "geo_place", "why"]


def to_side(actor: str, sides: dict[str, str]) -> str:
    """geo's side of an ACLED actor name ("Opposition Rebels (Syria)" -> opposition), "" if none."""
    actor = str(actor or "").strip()
    if actor in sides:
        return sides[actor]
    low = actor.lower()
    return next((v for k, v in sides.items() if k.lower().split(" (")[0] == low.split(" (")[0]), "")


def sides_from(acled_actors: dict[str, tuple[str, int]], forces: dict[str, dict]) -> dict[str, str]:
    """ACLED actor name -> geo side, from :func:`geo.export.load_acled`'s sides and forces."""
    out = {name: side for side, (name, _) in acled_actors.items()}
    out.update({f["actor"]: f["side"] for f in forces.values()})
    return out


def read_acled(path: Path) -> pd.DataFrame:
    """An ACLED CSV's battle and remote-violence rows, dates parsed; one line naming the file, or the row,
    for anything that cannot be read."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        raise InputError(f"{path}: not a readable CSV ({str(e).splitlines()[0]})") from None
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputError(f"{path}: not an ACLED table: no column {', '.join(missing)}")
    df = df[df["event_type"].isin(KINDS)].copy()
    for i, r in df.iterrows():
        try:
            date.fromisoformat(_iso(r["event_date"]))
            float(r["latitude"]), float(r["longitude"])
        except ValueError:
            raise InputError(f"{path}: row {i + 2}: bad event_date {r['event_date']!r} or coordinates") from None
    df["day"] = df["event_date"].map(_iso)
    return df


def _iso(text: str) -> str:
    """ACLED writes dates as YYYY-MM-DD, or "28 November 2016" in older downloads."""
    text = str(text).strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        from datetime import datetime

        return datetime.strptime(text, "%d %B %Y").date().isoformat()


def _km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine, km) between two (lon, lat) points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


@dataclass
class Comparison:
    rows: list[dict]

    def counts(self) -> dict[str, int]:
        return {s: sum(r["status"] == s for r in self.rows) for s in STATUSES}


def compare(acled: pd.DataFrame, events: gpd.GeoDataFrame, sides: dict[str, str], window: int = 1) -> Comparison:
    """Pair ACLED rows with geo's events (see the module doc); geo events outside the ACLED file's dates
    (give or take ``window``) are not counted as missing from it."""
    evs = events[events["type"].isin(set().union(*KINDS.values())) & (events["date"].astype(str) != "")]
    gpts = [(i, str(e["date"]), e.geometry.x, e.geometry.y) for i, e in evs.iterrows()]
    pairs = []
    for a, r in acled.iterrows():
        reach = REACH_KM.get(int(r["geo_precision"] or 1), REACH_KM[3])
        for i, day, x, y in gpts:
            if evs.at[i, "type"] not in KINDS[r["event_type"]]:
                continue
            days = abs((date.fromisoformat(day) - date.fromisoformat(r["day"])).days)
            km = _km(float(r["longitude"]), float(r["latitude"]), x, y)
            if days <= window and km <= reach:
                pairs.append((days, km, a, i))
    used_a, used_g, rows = set(), set(), []
    for days, km, a, i in sorted(pairs):
        if a in used_a or i in used_g:
            continue
        used_a.add(a)
        used_g.add(i)
        rows.append(_row(acled.loc[a], evs.loc[i], sides, days, km))
    for a, r in acled.iterrows():
        if a not in used_a:
            rows.append(_row(r, None, sides, None, None))
    if len(acled):
        lo, hi = acled["day"].min(), acled["day"].max()
        lo = (date.fromisoformat(lo).toordinal() - window, date.fromisoformat(hi).toordinal() + window)
        for i, e in evs.iterrows():
            if i not in used_g and lo[0] <= date.fromisoformat(str(e["date"])).toordinal() <= lo[1]:
                rows.append(_row(None, e, sides, None, None))
    return Comparison(rows)


def _gainer(r: pd.Series, sides: dict[str, str]) -> str:
    """Who gained ground by an ACLED row: state forces when the government regains territory, else actor1."""
    if r["sub_event_type"] == "Government regains territory":
        return "government"
    if r["sub_event_type"] == "Non-state actor overtakes territory":
        return to_side(r["actor1"], sides) or "a non-state side"
    return ""


def _row(r: pd.Series | None, e: pd.Series | None, sides: dict[str, str], days: int | None, km: float | None) -> dict:
    ag = _gainer(r, sides) if r is not None else ""
    gg = str(e["faction"]) if e is not None and e["type"] == "capture" else ""
    if r is None:
        status, why = "only in geo", "no ACLED row of its kind within the window and the place's reach"
    elif e is None:
        status, why = "only in ACLED", "no geo event of its kind within the window and the place's reach"
    elif ag and gg and ag != gg:
        status, why = "conflicting", f"ACLED: {ag} gained; geo: {gg} gained"
    else:
        status, why = "matched", ""
    return {"status": status, "acled_id": r["event_id_cnty"] if r is not None else "",
            "geo_event_id": e["id"] if e is not None else "", "acled_date": r["day"] if r is not None else "",
            "geo_date": str(e["date"]) if e is not None else "", "days_apart": "" if days is None else days,
            "distance_km": "" if km is None else round(km, 2),
            "acled_type": f"{r['event_type']} / {r['sub_event_type']}" if r is not None else "",
            "geo_type": str(e["type"]) if e is not None else "", "acled_gainer": ag, "geo_gainer": gg,
            "acled_location": r.get("location", "") if r is not None else "",
            "geo_place": str(e["place_name"]) if e is not None else "", "why": why}
