"""Events in other people's formats: an ACLED-compatible table (plus geo's provenance columns).

ACLED codes territorial change as "Strategic developments" with the sub-events "Government regains
territory" and "Non-state actor overtakes territory"; fights as "Battles / Armed clash"; strikes as
"Explosions/Remote violence" with "Air/drone strike" or "Shelling/artillery/missile attack".
Control *statements* are not events and are left out.

>>> import pandas as pd
>>> row = acled_row({"id": "abc", "type": "capture", "faction": "government", "opponent": "opposition",
...     "date": "2016-11-28", "precision": 1, "place_name": "Sakhour", "sources": '["SOHR"]',
...     "sentences": '["The army took Sakhour."]', "status": "claimed"}, 37.19, 36.22)
>>> row["event_type"], row["sub_event_type"], row["actor1"], row["interaction"]
('Strategic developments', 'Government regains territory', 'Military Forces of Syria (2000-)', '12')
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from geo.model import json_list as _list

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]
#: geo's own columns after ACLED's: what a claim is, who gained and lost, and the evidence.
EXTENSION_COLUMNS = ["claim_status", "modality", "n_sources", "actor_gaining", "actor_losing", "control_before",
                     "control_after", "check", "quote", "source_url", "articles", "geo_event_id"]

ACTORS = {"government": ("Military Forces of Syria (2000-)", 1),
          "opposition": ("Opposition Rebels (Syria)", 2),
          "kurdish": ("YPG: People's Protection Units", 2),
          "isis": ("Islamic State (Syria)", 2)}
_AIR = re.compile(r"(?i)\b(air|aérien|aerien|warplane|jets?|raids?|aviation|helicopter|hélicoptère|barrel)")


def _types(e: dict[str, Any]) -> tuple[str, str, str] | None:
    t, fac = e.get("type"), e.get("faction")
    if t == "capture":
        sub = "Government regains territory" if fac == "government" else "Non-state actor overtakes territory"
        return "Strategic developments", sub, "Strategic developments"
    if t in ("advance", "clash"):
        return "Battles", "Armed clash", "Political violence"
    if t == "strike":
        air = any(_AIR.search(s) for s in _list(e.get("sentences")))
        return ("Explosions/Remote violence", "Air/drone strike" if air else "Shelling/artillery/missile attack",
                "Political violence")
    if t == "siege":
        return "Strategic developments", "Other", "Strategic developments"
    return None


def acled_row(e: dict[str, Any], lon: float, lat: float) -> dict[str, Any] | None:
    """One ACLED row (plus extension columns) for an event row, or None for a control statement or an
    undated event (ACLED rows need a date)."""
    types = _types(e)
    if types is None or not e.get("date"):
        return None
    event_type, sub, disorder = types
    a1, i1 = ACTORS.get(str(e.get("faction") or ""), ("Unidentified Armed Group (Syria)", 3))
    opp = str(e.get("opponent") or "")
    a2, i2 = ACTORS.get(opp, ("", 0)) if opp else ("", 0)
    day = str(e["date"])
    sources = _list(e.get("sources"))
    sentences = _list(e.get("sentences"))
    urls = [u for u in _list(e.get("urls")) if u.startswith(("http://", "https://"))]
    gaining = e.get("faction", "") if e.get("type") == "capture" else ""
    notes = f"On {day}, {e.get('type')} at {e.get('place_name')} ({e.get('status')}; {len(sources)} source(s))."
    if sentences:
        notes += f" Reported: \"{sentences[0]}\""
    in_city = str(e.get("place_id", "")).startswith("aleppo")
    return {
        "event_id_cnty": f"SYRGEO{str(e['id'])[:10].upper()}", "event_date": day, "year": int(day[:4]),
        "time_precision": 1, "disorder_type": disorder, "event_type": event_type, "sub_event_type": sub,
        "actor1": a1, "assoc_actor_1": "", "inter1": i1, "actor2": a2, "assoc_actor_2": "", "inter2": i2 or "",
        "interaction": f"{min(i1, i2)}{max(i1, i2)}" if i2 else f"{i1}0", "civilian_targeting": "",
        "iso": 760, "region": "Middle East", "country": "Syria", "admin1": "Aleppo",
        "admin2": "Jebel Saman" if in_city else "", "admin3": "Jebel Saman" if in_city else "",
        "location": e.get("place_name", ""), "latitude": round(lat, 5), "longitude": round(lon, 5),
        "geo_precision": int(e.get("precision") or 1), "source": "; ".join(sources), "source_scale": "Other",
        "notes": notes, "fatalities": 0, "tags": "",
        "timestamp": int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()),
        "claim_status": e.get("status", ""), "modality": e.get("modality", "reported"),
        "n_sources": e.get("n_sources", len(sources)), "actor_gaining": gaining,
        "actor_losing": opp if gaining else "", "control_before": e.get("held_before", ""),
        "control_after": e.get("held_after", ""), "check": e.get("check", ""),
        "quote": sentences[0] if sentences else "", "source_url": urls[0] if urls else "",
        "articles": " ".join(_list(e.get("articles"))), "geo_event_id": e["id"],
    }
