"""The analyst's decisions on claims and events (``data/review/decisions.csv``), applied on every build.

A decision names a claim id or an event id (both are stable: a claim's id hashes its article, sentence and
place; an event's its type, place, side and first day). ``reject`` drops it before events are merged;
``edit`` replaces the fields the analyst gave (place, faction, date, type) and marks it edited;
``accept`` marks it confirmed by an analyst. A decision on an event applies to every claim merged into it,
unless the claim has a decision of its own. The file keeps every decision ever made (who and when): for one
id the last row wins. A decision whose id no longer exists is reported on each build, never dropped.

>>> d = Decision("c1", "edit", faction="government", note="the headline names the army")
>>> c = Claim("c1", "a", "2016-11-28", "capture", PlaceRef("p", "P", "P", 37.1, 36.2, 1))
>>> kept, vanished = apply_decisions([c], [d])
>>> kept[0].faction, kept[0].review, vanished
('government', 'edited', [])
"""

from __future__ import annotations

import csv
import getpass
import hashlib
import os
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from geo.io import InputError, atomic_path, read_csv, read_events, read_jsonl, read_vector, vector_layers
from geo.model import Claim, PlaceRef, json_list
from geo.settings import Settings

DECISIONS = ("accept", "reject", "edit")
#: What an edit may change, as the file's columns name them.
EDITABLE = ("place", "faction", "date", "type")
COLUMNS = ("id", "decision", *EDITABLE, "note", "who", "when")
#: The claim types an edit may give (those the reading writes).
CLAIM_TYPES = ("capture", "advance", "withdrawal", "siege", "clash", "strike", "control")


@dataclass(frozen=True)
class Decision:
    """One row of ``decisions.csv``: what an analyst decided about one claim or event id."""

    id: str
    decision: str
    place: str = ""
    faction: str = ""
    date: str = ""
    type: str = ""
    note: str = ""
    who: str = ""
    when: str = ""

    def changes(self) -> str:
        """The fields an edit sets, as ``faction=government; date=2016-11-28``."""
        return "; ".join(f"{k}={getattr(self, k)}" for k in EDITABLE if getattr(self, k))


def reviewer() -> str:
    """Who decides: ``GEO_REVIEWER``, else git's ``user.name``, else the login name."""
    if who := os.environ.get("GEO_REVIEWER", "").strip():
        return who
    try:
        out = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return getpass.getuser()


def check_decision(d: Decision, where: str, valid_place: Callable[[str], bool] | None = None,
                   valid_faction: Callable[[str], bool] | None = None) -> None:
    """Raise InputError (naming ``where``) when a decision cannot be applied as written."""
    if not d.id:
        raise InputError(f"{where}: no id")
    if d.decision not in DECISIONS:
        raise InputError(f"{where}: decision {d.decision!r} is not one of {', '.join(DECISIONS)}")
    if d.decision == "edit" and not any(getattr(d, k) for k in EDITABLE):
        raise InputError(f"{where}: an edit changes at least one of {', '.join(EDITABLE)}")
    if d.decision != "edit" and any(getattr(d, k) for k in EDITABLE):
        raise InputError(f"{where}: only an edit changes fields ({d.changes()})")
    if d.date:
        try:
            date.fromisoformat(d.date)
        except ValueError:
            raise InputError(f"{where}: date {d.date!r} is not YYYY-MM-DD") from None
    if d.type and d.type not in CLAIM_TYPES:
        raise InputError(f"{where}: type {d.type!r} is not one of {', '.join(CLAIM_TYPES)}")
    if d.place and valid_place is not None and not valid_place(d.place):
        raise InputError(f"{where}: place {d.place!r} is not in the gazetteer")
    if d.faction and valid_faction is not None and not valid_faction(d.faction):
        raise InputError(f"{where}: faction {d.faction!r} is not in factions.yaml")


def load_decisions(path: Path, valid_place: Callable[[str], bool] | None = None,
                   valid_faction: Callable[[str], bool] | None = None) -> list[Decision]:
    """The decisions in force (the last row for each id), in the file's order; none when there is no file."""
    path = Path(path)
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in ("id", "decision") if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path}: no {' or '.join(missing)} column (expected {', '.join(COLUMNS)})")
        latest: dict[str, Decision] = {}
        for n, row in enumerate(reader, 2):
            d = Decision(**{k: (row.get(k) or "").strip() for k in COLUMNS})
            check_decision(d, f"{path}: row {n}", valid_place, valid_faction)
            latest.pop(d.id, None)  # a later decision on the same id replaces the earlier one
            latest[d.id] = d
    return list(latest.values())


def record_decision(path: Path, d: Decision) -> Decision:
    """Append a decision to the file (created with its header), stamped with who and when; the file's
    earlier rows stay as they were (the history of decisions is kept)."""
    d = replace(d, who=d.who or reviewer(), when=d.when or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    path = Path(path)
    rows: list[dict[str, str]] = []
    if path.exists():
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    rows.append(asdict(d))
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(COLUMNS), extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return d


def apply_decisions(claims: list[Claim], decisions: list[Decision],
                    event_claims: dict[str, list[str]] | None = None,
                    place_of: Callable[[str], PlaceRef] | None = None) -> tuple[list[Claim], list[Decision]]:
    """The claims with the decisions applied (rejected ones left out), and the decisions whose id is no
    longer a claim or an event. ``event_claims``: event id -> its claim ids (the events the claims merge
    into before any decision); ``place_of``: the gazetteer's reference for a place id (for an edited place)."""
    claim_ids = {c.id for c in claims}
    by_claim = {d.id: d for d in decisions if d.id in claim_ids}
    vanished = []
    for d in decisions:
        if d.id in claim_ids:
            continue
        if event_claims and d.id in event_claims:
            for cid in event_claims[d.id]:
                by_claim.setdefault(cid, d)  # a claim's own decision wins over its event's
        else:
            vanished.append(d)
    out = []
    for c in claims:
        d = by_claim.get(c.id)
        if d is None:
            out.append(c)
        elif d.decision == "accept":
            out.append(replace(c, review="accepted", review_note=d.note))
        elif d.decision == "edit":
            out.append(_edited(c, d, place_of))
    return out, vanished


def _edited(c: Claim, d: Decision, place_of: Callable[[str], PlaceRef] | None) -> Claim:
    place = c.place
    if d.place and d.place != c.place.id:
        if place_of is None:
            raise InputError(f"decision on {d.id}: a new place needs the gazetteer")
        ref = place_of(d.place)
        place = replace(ref, mention=c.place.mention)
    return replace(c, place=place, faction=d.faction or c.faction, type=d.type or c.type,
                   event_date=d.date or c.event_date, date_precision="day" if d.date else c.date_precision,
                   event_date_end="" if d.date else c.event_date_end, review="edited", review_note=d.note)


def decided(decisions: Iterable[Decision]) -> set[str]:
    """The ids an analyst has decided on (the review queue leaves them out)."""
    return {d.id for d in decisions}


# ---------------------------------------------------------------- the review queue

#: A change (capture, advance) read at or under this confidence is listed for a look (0.4: the weakest reads).
LOW_CONFIDENCE = 0.4
#: The kinds of item, most useful first.
KINDS = ("disputed", "no side", "already held", "outside footprints", "no event", "unresolved name",
         "low confidence")


@dataclass(frozen=True)
class Item:
    """One thing a person should look at: ``id`` is what ``geo review accept|reject|edit`` takes."""

    id: str
    kind: str
    why: str
    date: str = ""
    place: str = ""
    faction: str = ""
    type: str = ""
    articles: tuple[str, ...] = ()
    text: str = ""
    count: int = 1

    def row(self) -> dict[str, str | int]:
        return {**asdict(self), "articles": " ".join(self.articles)}


def claim_items(claims: Iterable[Claim]) -> list[Item]:
    """Changes that name no side, and changes read with low confidence."""
    out = []
    for c in claims:
        base = {"date": c.event_date or c.published, "place": c.place.id, "faction": c.faction, "type": c.type,
                "articles": (c.article,), "text": c.sentence}
        if c.type in ("capture", "advance") and c.status == "reported" and not c.faction:
            out.append(Item(c.id, "no side", "a change of hands whose report names no side anywhere", **base))
        elif c.type in ("capture", "advance") and c.confidence <= LOW_CONFIDENCE:
            out.append(Item(c.id, "low confidence", f"read with confidence {c.confidence:.2f}", **base))
    return out


def event_items(events: Iterable[dict], held_before: Callable[[dict], str] | None = None,
                in_footprints: Callable[[dict], bool] | None = None) -> list[Item]:
    """Disputed events, and changes the drawn control contradicts: the gainer already held the place the
    day before (``held_before`` gives who did), or the place lies outside every footprint."""
    out = []
    for e in events:
        base = {"date": str(e["date"]), "place": str(e["place_id"]), "faction": str(e["faction"] or ""),
                "type": str(e["type"]), "articles": tuple(e["articles"]), "text": (e["sentences"] or [""])[0]}
        if e["status"] == "disputed":
            why = ("a source denies it" if "denied" in e["claim_statuses"]
                   else "another side is reported taking the same place within a day")
            out.append(Item(e["id"], "disputed", why, **base))
            continue
        if (e["type"] not in ("capture", "advance") or e["modality"] != "reported" or not e["faction"]
                or int(e.get("precision") or 1) >= 3):  # a whole city or region: held in part by every side
            continue
        if in_footprints is not None and not in_footprints(e):
            out.append(Item(e["id"], "outside footprints", "the place lies outside every footprint: this change "
                            "moves no control (draw its footprint, or edit the place)", **base))
        elif held_before is not None and held_before(e) == e["faction"]:
            out.append(Item(e["id"], "already held", f"the control layers give {e['place_id']} to {e['faction']} "
                            "the day before: a capture of a place the side held (a date, a side or a snapshot "
                            "is wrong)", **base))
    return out


def queue(items: Iterable[Item], decisions: Iterable[Decision] = (), *, first: str = "", last: str = "",
          place: str = "", type_: str = "", article: str = "") -> list[Item]:
    """The items no decision covers, filtered, most useful first (by kind, then most told, then date)."""
    done = decided(decisions)
    out = [i for i in items if i.id not in done
           and (not first or not i.date or i.date >= first) and (not last or not i.date or i.date <= last)
           and (not place or i.place == place) and (not type_ or i.type == type_)
           and (not article or article in i.articles)]
    return sorted(out, key=lambda i: (KINDS.index(i.kind), -i.count, i.date, i.id))


# ---------------------------------------------------------------- the queue of a build

def build_items(s: Settings) -> list[Item]:
    """Everything the last build in ``s.build_dir`` gives a person to look at, decided or not."""
    import shapely
    from shapely.prepared import prep

    claims = [Claim.from_dict(d) for d in read_jsonl(s.claims_jsonl)] if s.claims_jsonl.exists() else []
    items = claim_items(claims)
    evs = read_events(s.events_gpkg) if s.events_gpkg.exists() else []
    rows = [{**e.to_row(), "articles": e.articles, "sentences": e.sentences, "claim_statuses": e.claim_statuses,
             "lon": e.lon, "lat": e.lat} for e in evs]
    control = _layer(s.control_gpkg, "control")
    fps = _footprints(s)
    inside = prep(shapely.union_all(fps.geometry.values)) if len(fps) else None
    items += event_items(rows, _holder_before(control) if control is not None else None,
                         (lambda e: inside.intersects(shapely.Point(e["lon"], e["lat"]))) if inside else None)
    changes = _layer(s.control_gpkg, "changes")
    for r in (changes.itertuples() if changes is not None else []):
        if r.rule == "snapshot" and not json_list(r.events):
            hit = fps[fps.representative_point().within(r.geometry)] if len(fps) else fps
            key = hashlib.sha1(r.geometry.wkb).hexdigest()[:8]
            items.append(Item(f"change-{r.valid_from}-{r.from_faction}-{r.to_faction}-{key}", "no event",
                              f"{r.km2:.2f} km2 went from {r.from_faction} to {r.to_faction} in the snapshot of "
                              f"{r.valid_from} with no report behind it ({len(hit)} footprint(s))",
                              date=str(r.valid_from), place=str(hit["id"].iloc[0]) if len(hit) else "",
                              faction=str(r.to_faction), text=", ".join(map(str, hit["id"].head(5)))))
    if s.unresolved_csv.exists():
        for r in read_csv(s.unresolved_csv):
            n = int(r.get("count") or 1)
            items.append(Item(f"name:{r['name']}", "unresolved name", f"named {n} time(s) and in no gazetteer: "
                              "geo gazetteer add or alias, or reject it if it is not a place", count=n,
                              articles=tuple((r.get("articles") or "").split()), text=r.get("sentence") or ""))
    return items


def _layer(path: Path, name: str) -> Any:
    return read_vector(path, name, built=True) if path.exists() and name in vector_layers(path, built=True) \
        else None


def _footprints(s: Settings) -> Any:
    import geopandas as gpd

    path = s.gazetteer_dir / "footprints.geojson"
    return read_vector(path) if path.exists() else gpd.GeoDataFrame({"id": []}, geometry=[], crs="EPSG:4326")


def _holder_before(control: Any) -> Callable[[dict], str]:
    """Who the control layers give an event's point to on the day before it ("" when no polygon holds it)."""
    import shapely

    def holder(e: dict) -> str:
        day = (date.fromisoformat(str(e["date"])[:10]) - timedelta(days=1)).isoformat()
        valid = control[(control["valid_from"] <= day)
                        & ((control["valid_to"].fillna("") == "") | (control["valid_to"] > day))]
        hit = valid[valid.contains(shapely.Point(e["lon"], e["lat"]))]
        return str(hit["faction"].iloc[0]) if len(hit) else ""
    return holder
