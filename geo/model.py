"""The records every stage speaks: Article, Place, Mention, Claim, Event, and layer schemas.

Stages meet here, not in each other. Coordinates are always ``(lon, lat)`` in EPSG:4326.

>>> Claim.from_dict(Claim(id="c1", article="a", published="2016-11-08", type="capture",
...     place=PlaceRef("aleppo-x", "X", "X", 37.1, 36.2, 1)).to_dict()).place.lon
37.1
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

#: Storage and display CRS; areas and buffers use UTM 37N (metres), right for Aleppo.
CRS_STORAGE = "EPSG:4326"
CRS_METRIC = "EPSG:32637"

CLAIM_TYPES = ("capture", "advance", "clash", "strike", "siege", "control", "other")
#: Claim modality (see ARCHITECTURE.md): never a change of control unless "reported".
CLAIM_STATUSES = ("reported", "planned", "attempted", "denied")
#: Event corroboration states.
EVENT_STATUSES = ("claimed", "corroborated", "disputed")
#: Types that move a footprint to ``faction`` in the control layers.
CHANGING_TYPES = ("capture",)
#: A control footprint state that is not a faction.
CONTESTED = "contested"

#: Columns of the GeoPackage layers (geometry column excluded).
CONTROL_COLUMNS = ("faction", "valid_from", "valid_to")
EVENT_COLUMNS = (
    "id", "type", "status", "modality", "faction", "opponent", "place_id", "place_name", "precision",
    "date", "date_first", "date_last", "n_claims", "claim_ids", "n_sources", "sources", "loser_confirms",
    "claim_statuses", "articles", "sentences", "urls", "titles", "confidence", "extent", "copies",
    "review", "review_notes",
)


#: ``json.dumps`` without and with ``ensure_ascii=False``, made once: dumps builds a new encoder on every call
#: given an option, which was most of the cost of writing 100k events. Same text either way.
_JSON = json.JSONEncoder().encode
_JSON_UTF8 = json.JSONEncoder(ensure_ascii=False).encode


def json_list(value: Any) -> list[str]:
    """A list column read back from a GeoPackage (JSON text), a list, or a bare string.

    >>> json_list('["a", "b"]'), json_list("plain"), json_list(None)
    (['a', 'b'], ['plain'], [])
    """
    if isinstance(value, str):
        try:
            out = json.loads(value)
        except ValueError:
            return [value] if value else []
        return [str(x) for x in out] if isinstance(out, list) else [str(out)]
    return [str(x) for x in value] if isinstance(value, list | tuple) else []


def week_runs(days: Any, most: int) -> list[tuple[int, int]]:
    """``(start, stop)`` of each run of consecutive rows whose days (a numpy array of datetime64[D], or of day
    numbers since 1970-01-01) fall in one week, Monday to Sunday, cut every ``most`` rows. Events come sorted by
    date, so a run is a week's events, and one more report changes the runs of its week only: the caches of
    work done by the week (the page's event blocks, the points located in a partition) are keyed by run.

    >>> import numpy as np
    >>> week_runs(np.array(["2016-11-06", "2016-11-07", "2016-11-08", "2016-11-13"], dtype="datetime64[D]"), 2)
    [(0, 1), (1, 3), (3, 4)]
    """
    import numpy as np

    week = (np.asarray(days).astype("datetime64[D]").astype(np.int64) + 3) // 7  # 1970-01-01 was a Thursday
    cuts = [0, *(np.flatnonzero(week[1:] != week[:-1]) + 1).tolist(), len(week)]
    return [(lo, min(lo + most, hi)) for a, hi in zip(cuts, cuts[1:], strict=False) for lo in range(a, hi, most)]


def stable_id(*parts: Any, n: int = 16) -> str:
    """A short, stable hash of the parts (same inputs, same id).

    >>> stable_id("a", 1) == stable_id("a", 1)
    True
    """
    raw = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()[:n]


@dataclass(frozen=True)
class Article:
    """One report: text plus the metadata from its front matter.

    ``date`` is the ISO publication date (``YYYY-MM-DD``); ``hash`` is the sha1 of the raw file.
    """

    id: str
    title: str
    date: str
    text: str
    source: str = ""
    url: str = ""
    lang: str = ""
    path: str = ""
    hash: str = ""

    def to_dict(self) -> dict[str, Any]:
        # every field is a string: no deep copy to make (dataclasses.asdict copies each value it walks)
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Article:
        return cls(**{k: d.get(k, "") or "" for k in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Place:
    """A gazetteer entry. ``precision``: 1 trusted point, 2 estimated / part of, 3 city or region."""

    id: str
    name: str
    kind: str
    lon: float
    lat: float
    precision: int = 1
    parent: str = ""
    source: str = ""


@dataclass(frozen=True)
class Mention:
    """A place named in a text: the span ``text[start:end]`` resolved to ``place_id``."""

    place_id: str
    surface: str
    start: int
    end: int
    precision: int = 1
    #: why this place was chosen among candidates ("" when there was one candidate)
    reason: str = ""


@dataclass(frozen=True)
class PlaceRef:
    """The place of a claim, as the claim contract spells it."""

    id: str
    name: str
    mention: str
    lon: float
    lat: float
    precision: int = 1


@dataclass(frozen=True)
class Claim:
    """One claim read from one sentence: the contract between extraction and everything after it."""

    id: str
    article: str
    published: str
    type: str
    place: PlaceRef
    status: str = "reported"
    faction: str = ""
    opponent: str = ""
    #: the day of the event, or a period's first day; "" (null in JSON) when the report gives no date
    event_date: str = ""
    #: day, week, month, year or none (see ARCHITECTURE.md)
    date_precision: str = "day"
    #: a period's last day (week, month, year); "" (null in JSON) for a day or no date
    event_date_end: str = ""
    attributed_to: tuple[str, ...] = ()
    sentence: str = ""
    confidence: float = 0.5
    #: the losing side confirms the change ("confirming the army had taken the district")
    loser_confirms: bool = False
    #: "most" for an advance that leaves the gainer most of the place ("seized most of X"), else ""
    extent: str = ""
    title: str = ""
    url: str = ""
    source: str = ""
    lang: str = ""
    #: "accepted" or "edited" once an analyst decided on it (``geo review``), else ""
    review: str = ""
    review_note: str = ""
    #: why each field was read (cue, place, side, status, date, sources): ``geo extract --explain``
    explain: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """The claim as JSON wants it; ``explain`` keeps the why of each field."""
        # built field by field, in the fields' order: dataclasses.asdict deep-copied every value, which was most
        # of the cost of writing 100k claims
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        p = self.place
        d["place"] = {"id": p.id, "name": p.name, "mention": p.mention, "lon": p.lon, "lat": p.lat,
                      "precision": p.precision}
        if self.explain is not None:
            d["explain"] = copy.deepcopy(self.explain)
        d["attributed_to"] = list(self.attributed_to)
        d["faction"] = self.faction or None  # a change nobody named a side for: null, for review
        d["event_date"] = self.event_date or None
        d["event_date_end"] = self.event_date_end or None
        if not explain or self.explain is None:
            d.pop("explain")
        if not self.review:  # the reading's own output stays as it was; a reviewed claim says so
            d.pop("review")
            d.pop("review_note")
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        d = dict(d)
        d["place"] = PlaceRef(**d["place"])
        d["faction"] = d.get("faction") or ""
        d["event_date"] = d.get("event_date") or ""
        d["event_date_end"] = d.get("event_date_end") or ""
        d["attributed_to"] = tuple(d.get("attributed_to") or ())
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass(frozen=True)
class Event:
    """Claims of the same type, place and faction within a day of each other, merged.

    ``status`` is ``claimed`` (one independent source), ``corroborated`` (two or more) or
    ``disputed`` (a source denies it, or says the fight goes on, or the place is retaken).
    """

    id: str
    type: str
    place_id: str
    place_name: str
    lon: float
    lat: float
    precision: int
    faction: str
    opponent: str
    date: str
    date_first: str
    date_last: str
    status: str
    #: "reported" when at least one claim reports it as done; else "planned" or "attempted".
    #: Only reported events move control lines.
    modality: str = "reported"
    claim_ids: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    n_sources: int = 0
    loser_confirms: bool = False
    claim_statuses: tuple[str, ...] = ()
    articles: tuple[str, ...] = ()
    sentences: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    confidence: float = 0.5
    #: "most" when a report says the gainer took most of the place (an advance the map counts as a change)
    extent: str = ""
    #: articles that republish a wire story another article of the event already tells (counted once)
    copies: tuple[str, ...] = ()
    #: "edited" when an analyst changed one of its claims, "accepted" when one confirmed it, else ""
    review: str = ""
    review_notes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def to_row(self) -> dict[str, Any]:
        """A flat row for a GeoPackage layer: lists are JSON strings (GPKG has no list type)."""
        return {
            "id": self.id, "type": self.type, "status": self.status, "modality": self.modality,
            "faction": self.faction,
            "opponent": self.opponent, "place_id": self.place_id, "place_name": self.place_name,
            "precision": self.precision, "date": self.date, "date_first": self.date_first,
            "date_last": self.date_last, "n_claims": len(self.claim_ids),
            "claim_ids": _JSON(list(self.claim_ids)),
            "n_sources": self.n_sources, "sources": _JSON_UTF8(list(self.sources)),
            "loser_confirms": self.loser_confirms,
            "claim_statuses": _JSON(list(self.claim_statuses)),
            "articles": _JSON_UTF8(list(self.articles)),
            "sentences": _JSON_UTF8(list(self.sentences)),
            "urls": _JSON_UTF8(list(self.urls)),
            "titles": _JSON_UTF8(list(self.titles)),
            "confidence": self.confidence, "extent": self.extent,
            "copies": _JSON_UTF8(list(self.copies)),
            "review": self.review, "review_notes": _JSON_UTF8(list(self.review_notes)),
        }

    @classmethod
    def from_row(cls, row: dict[str, Any], lon: float, lat: float) -> Event:
        """The inverse of :meth:`to_row` (a GeoPackage row plus its point)."""

        def lst(key: str) -> tuple[str, ...]:
            return tuple(json_list(row.get(key)))

        return cls(
            id=str(row["id"]), type=str(row["type"]), place_id=str(row["place_id"]),
            place_name=str(row.get("place_name") or ""), lon=float(lon), lat=float(lat),
            precision=int(row.get("precision") or 1), faction=str(row.get("faction") or ""),
            opponent=str(row.get("opponent") or ""), date=str(row["date"]),
            date_first=str(row.get("date_first") or row["date"]),
            date_last=str(row.get("date_last") or row["date"]), status=str(row.get("status") or "claimed"),
            modality=str(row.get("modality") or "reported"), claim_ids=lst("claim_ids"),
            sources=lst("sources"), n_sources=int(row.get("n_sources") or 0),
            loser_confirms=bool(row.get("loser_confirms")), claim_statuses=lst("claim_statuses"),
            articles=lst("articles"), sentences=lst("sentences"), urls=lst("urls"), titles=lst("titles"),
            confidence=float(row.get("confidence") or 0.5), extent=str(row.get("extent") or ""),
            copies=lst("copies"), review=str(row.get("review") or ""), review_notes=lst("review_notes"),
        )

