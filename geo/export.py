"""Events in other people's formats: an ACLED table by ACLED's codebook (plus geo's provenance columns).

Territory taken in a fight is a *Battle* in ACLED's scheme: "Government regains territory" when state
forces take it, "Non-state actor overtakes territory" otherwise; fights are "Battles / Armed clash";
strikes are "Explosions/Remote violence", from the air or shelling. Control *statements* are not events
and are left out. The codebook and the actor names live in ``data/acled/`` (see its README).

>>> acled = load_acled(Path(__file__).resolve().parents[1] / "data" / "acled")
>>> row = acled_row({"id": "abc", "type": "capture", "faction": "government", "opponent": "opposition",
...     "date": "2016-11-28", "precision": 1, "place_name": "Sakhour", "sources": '["SOHR"]',
...     "sentences": '["The army took Sakhour."]', "status": "claimed"}, 37.19, 36.22, acled, stamp=0)
>>> row["event_type"], row["sub_event_type"], row["actor1"], row["interaction"]
('Battles', 'Government regains territory', 'Military Forces of Syria (2000-)', 12)
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from geo.io import load_yaml
from geo.model import json_list as _list

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type", "sub_event_type",
    "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags", "timestamp",
]
#: geo's own columns after ACLED's: what a claim is, who gained and lost, and the evidence.
EXTENSION_COLUMNS = ["claim_status", "modality", "n_sources", "wire_copies", "actor_gaining", "actor_losing",
                     "control_before", "control_after", "check", "quote", "source_url", "articles", "geo_event_id",
                     "review", "review_notes"]
#: The actor ACLED writes for armed men a report does not name, when actors.yaml's location gives no country.
UNIDENTIFIED = ("Unidentified Armed Group", 3)


@dataclass(frozen=True)
class Acled:
    """``data/acled/``: the codebook table, geo's sides and the forces reports name, as ACLED actors."""

    codebook: dict[str, Any]
    sides: dict[str, tuple[str, int]]  # side id -> (actor, inter)
    forces: dict[str, dict[str, Any]]  # force id -> actor, inter, side, words (one pattern, all languages)
    air: re.Pattern[str]
    fatalities: list[re.Pattern[str]]
    outlet_scale: dict[str, str]
    #: actors.yaml's ``location``: iso, iso3, region, country, admin1, city, admin2, admin3
    location: dict[str, Any] = field(default_factory=dict)

    def disorder(self, event_type: str) -> str:
        return self.codebook["event_types"][event_type]["disorder"]


def _words(words: list[str]) -> re.Pattern[str]:
    alt = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    return re.compile(rf"(?i)(?<!\w)(?:{alt})(?!\w)")


def load_acled(directory: Path) -> Acled:
    """Read ``codebook.yaml`` and ``actors.yaml`` of ``directory`` (every language's words together:
    an event's sentences may be French or English)."""
    book = load_yaml((directory / "codebook.yaml").read_text(encoding="utf-8"))
    act = load_yaml((directory / "actors.yaml").read_text(encoding="utf-8"))
    forces = {k: {**v, "words": _words([w for ws in v["words"].values() for w in ws])} for k, v in act["forces"].items()}
    deaths = [re.compile(r"(?i)(?<!\w)" + re.escape(p).replace(re.escape("{n}"), r"(\d{1,5})") + r"(?!\w)")
              for ps in act["fatalities"].values() for p in ps]
    return Acled(codebook=book, sides={k: (v["actor"], int(v["inter"])) for k, v in act["sides"].items()},
                 forces=forces, air=_words([w for ws in act["air_words"].values() for w in ws]),
                 fatalities=deaths, outlet_scale=dict(act.get("outlet_scale") or {}),
                 location=dict(act.get("location") or {}))


def _types(e: dict[str, Any], sentences: list[str], acled: Acled) -> tuple[str, str] | None:
    t, fac = e.get("type"), e.get("faction")
    if t == "capture":
        state = acled.sides.get(str(fac), ("", 0))[1] == 1  # inter 1: state forces
        return "Battles", "Government regains territory" if state else "Non-state actor overtakes territory"
    if t in ("advance", "clash"):
        return "Battles", "Armed clash"
    if t == "strike":
        air = any(acled.air.search(s) for s in sentences)
        return "Explosions/Remote violence", "Air/drone strike" if air else "Shelling/artillery/missile attack"
    if t == "siege":
        return "Strategic developments", "Change to group/activity"
    return None


def unidentified(acled: Acled) -> tuple[str, int]:
    """ACLED's actor for armed men a report does not name: "Unidentified Armed Group (Syria)"."""
    country = acled.location.get("country")
    return (f"{UNIDENTIFIED[0]} ({country})" if country else UNIDENTIFIED[0], UNIDENTIFIED[1])


def _actors(e: dict[str, Any], sentences: list[str], acled: Acled) -> tuple[tuple[str, int], str, tuple[str, int] | None, str]:
    """(actor1, its associated actors, actor2 or None, its associated actors): the side, else the forces the
    report names; foreign forces named with a side are that side's associates."""
    named = [k for k, f in acled.forces.items() if any(f["words"].search(s) for s in sentences)]
    fac, opp = str(e.get("faction") or ""), str(e.get("opponent") or "")
    if fac in acled.sides:
        a1 = acled.sides[fac]
    elif named:  # "Russian and Syrian warplanes": the state force named first in the codebook's order leads
        lead = min(named, key=lambda k: (acled.forces[k]["inter"] != 1, list(acled.forces).index(k)))
        a1, fac = (acled.forces[lead]["actor"], int(acled.forces[lead]["inter"])), acled.forces[lead]["side"]
    else:
        a1 = unidentified(acled)

    def assoc(side: str, lead: str) -> str:
        return "; ".join(sorted({acled.forces[k]["actor"] for k in named
                                 if acled.forces[k]["side"] == side and acled.forces[k]["actor"] != lead}))

    a2 = acled.sides.get(opp) if opp else None
    return a1, assoc(fac, a1[0]), a2, assoc(opp, a2[0]) if a2 else ""


def fatalities(sentences: list[str], acled: Acled) -> int:
    """The smallest death toll the reports give (ACLED keeps the most conservative figure), else 0.

    >>> acled = load_acled(Path(__file__).resolve().parents[1] / "data" / "acled")
    >>> fatalities(["Shelling hit the market, killing 12.", "At least 15 people were killed."], acled)
    12
    """
    found = [int(m.group(1)) for s in sentences for p in acled.fatalities for m in p.finditer(s)]
    return min(found) if found else 0


def export_stamp() -> int:
    """ACLED's ``timestamp`` is when the row was written (Unix seconds); ``SOURCE_DATE_EPOCH`` fixes it, so
    that a rebuild is byte-identical."""
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(env) if env.isdigit() else int(time.time())


def _time_precision(e: dict[str, Any]) -> int:
    """1 a day, 2 a span of up to a week (the reports disagree, or a period), 3 longer."""
    first, last = str(e.get("date_first") or e.get("date") or ""), str(e.get("date_last") or e.get("date") or "")
    try:
        span = (date.fromisoformat(last) - date.fromisoformat(first)).days
    except ValueError:
        return 1
    return 1 if span <= 0 else 2 if span <= 7 else 3


def acled_row(e: dict[str, Any], lon: float, lat: float, acled: Acled, outlets: list[str] | None = None,
              stamp: int | None = None) -> dict[str, Any] | None:
    """One ACLED row (plus extension columns) for an event row, or None for a control statement or an
    undated event (ACLED rows need a date). ``outlets``: the publications that printed the reports."""
    sentences = _list(e.get("sentences"))
    types = _types(e, sentences, acled)
    if types is None or not e.get("date"):
        return None
    event_type, sub = types
    (a1, i1), assoc1, second, assoc2 = _actors(e, sentences, acled)
    a2, i2 = second if second and second[0] != a1 else ("", 0)
    day = str(e["date"])
    speakers = _list(e.get("sources"))
    outlets = sorted(set(outlets or []))
    urls = [u for u in _list(e.get("urls")) if u.startswith(("http://", "https://"))]
    gaining = e.get("faction", "") if e.get("type") == "capture" else ""
    where = acled.location
    city = str(where.get("city") or "")
    pid = str(e.get("place_id", ""))
    in_city = bool(city) and (pid == city or pid.startswith(city + "-"))
    return {
        "event_id_cnty": f"{where.get('iso3', '')}GEO{str(e['id'])[:10].upper()}", "event_date": day, "year": int(day[:4]),
        "time_precision": _time_precision(e), "disorder_type": acled.disorder(event_type), "event_type": event_type,
        "sub_event_type": sub, "actor1": a1, "assoc_actor_1": assoc1, "inter1": i1, "actor2": a2,
        "assoc_actor_2": assoc2 if a2 else "", "inter2": i2,  # 0: no second actor
        "interaction": int(f"{min(i1, i2)}{max(i1, i2)}") if i2 else i1 * 10, "civilian_targeting": "",
        "iso": where.get("iso", ""), "region": where.get("region", ""), "country": where.get("country", ""),
        "admin1": where.get("admin1", ""), "admin2": where.get("admin2", "") if in_city else "",
        "admin3": where.get("admin3", "") if in_city else "",
        "location": e.get("place_name", ""), "latitude": round(lat, 5), "longitude": round(lon, 5),
        "geo_precision": min(3, max(1, int(e.get("precision") or 1))),
        "source": "; ".join(outlets) or "; ".join(speakers), "source_scale": _scale(outlets, acled),
        "notes": _notes(e, day, a1, a2, speakers, sentences), "fatalities": fatalities(sentences, acled), "tags": "",
        "timestamp": export_stamp() if stamp is None else stamp,
        "claim_status": e.get("status", ""), "modality": e.get("modality", "reported"),
        "n_sources": e.get("n_sources", len(speakers)), "wire_copies": len(_list(e.get("copies"))),
        "actor_gaining": gaining,
        "actor_losing": e.get("opponent", "") if gaining else "", "control_before": e.get("held_before", ""),
        "control_after": e.get("held_after", ""), "check": e.get("check", ""),
        "quote": sentences[0] if sentences else "", "source_url": urls[0] if urls else "",
        "articles": " ".join(_list(e.get("articles"))), "geo_event_id": e["id"],
        # an analyst's decision (geo review): "accepted" (confirmed as read) or "edited" (fields corrected)
        "review": e.get("review") or "", "review_notes": " | ".join(_list(e.get("review_notes"))),
    }


_VERB = {"capture": "took", "advance": "advanced in", "clash": "fought at", "strike": "struck", "siege": "besieged"}


def _notes(e: dict[str, Any], day: str, actor1: str, actor2: str, speakers: list[str], sentences: list[str]) -> str:
    """The claim in a sentence with who says it, its status, and the first report's words."""
    who = actor1 if not actor1.startswith(UNIDENTIFIED[0]) else "an unnamed armed group"
    against = f" from {actor2}" if actor2 and e.get("type") == "capture" else ""
    said = f", according to {', '.join(speakers)}" if speakers else ""
    note = (f"On {day}, {who} {_VERB.get(str(e.get('type')), str(e.get('type')))} {e.get('place_name')}{against}{said} "
            f"({e.get('status')}; {len(speakers)} source{'s' if len(speakers) != 1 else ''}).")
    return note + (f' Reported: "{sentences[0]}"' if sentences else "")


def _scale(outlets: list[str], acled: Acled) -> str:
    """ACLED's source_scale of the outlets: one reach, or two joined ("National-International")."""
    scales = sorted({acled.outlet_scale.get(o, "Other") for o in outlets} - {"Other"})
    return "-".join(scales[:2]) if scales else "Other"
