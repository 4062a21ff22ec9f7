"""Merging many claims into events, place by place: the events stage of a build, with a cache.

A merge never crosses places: :func:`geo.events.merge_claims` groups claims by type, place and side, and
rival captures are captures of one place. The events of a place therefore depend only on its claims, on the
wire stories of their articles and on the analyst's decisions. Each place's events are kept in the build's
cache under a hash of exactly those, so one more report merges again only the places it names; the others
come back as the rows the events layer holds, never decoded into claims.

>>> from geo.model import Claim, PlaceRef
>>> p = PlaceRef("aleppo-x", "X", "X", 37.1, 36.2, 1)
>>> line = json.dumps(Claim("c1", "art1", "2016-11-08", "capture", p, faction="government",
...                         event_date="2016-11-08").to_dict())
>>> claim_place(line)
('art1', 'aleppo-x')
>>> rows, review = merge_lines([line])
>>> [(r["type"], r["place_id"], r["status"], r["lon"]) for r in rows], review.rejected
([('capture', 'aleppo-x', 'claimed', 37.1)], 0)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from geo.events import merge_claims
from geo.io import DiskMemo
from geo.model import EVENT_COLUMNS, Claim, PlaceRef
from geo.review import Decision, apply_decisions

Wire = dict[str, tuple[str, str]]
#: A claim line's article and place id, as geo writes claims (id, article, published, type, place, ...). A line
#: written otherwise, or with an escape in these fields, is decoded instead.
_HEAD = re.compile(r'"article": "([^"\\]*)", (?:"[a-z_]+": "[^"\\]*", )*"place": \{"id": "([^"\\]*)"')


def claim_place(line: str) -> tuple[str, str]:
    """``(article id, place id)`` of one line of claims.jsonl, read without decoding the whole line."""
    m = _HEAD.search(line, 0, 4096)
    if m is not None:
        return m.group(1), m.group(2)
    d = json.loads(line)
    return str(d["article"]), str(d["place"]["id"])


@dataclass
class Review:
    """What the analyst's decisions did: the ids they matched, and how many claims they rejected."""

    matched: set[str] = field(default_factory=set)
    rejected: int = 0


def merge_lines(lines: list[str], wire: Wire | None = None, decisions: list[Decision] | None = None,
                place_of: Callable[[str], PlaceRef] | None = None, memo: DiskMemo | None = None,
                salt: str = "") -> tuple[list[dict[str, Any]], Review]:
    """Events rows (:meth:`geo.model.Event.to_row` with ``lon`` and ``lat``) of claims given as the lines of
    claims.jsonl, sorted as :func:`geo.events.merge_claims` sorts events; and what the decisions did.

    ``memo`` keeps each place's rows under its claims' lines, its articles' wire stories and ``salt`` (what
    else the decisions depend on: the decisions file and the gazetteer). A claim an edit moves to another
    place is merged there. The rows of :func:`merge_table`, as dicts.
    """
    table, review = merge_table(lines, wire, decisions, place_of, memo, salt)
    return table.to_pylist(), review


#: The events layer's columns as Arrow types (those pandas gives :meth:`geo.model.Event.to_row`'s values), and
#: the point.
SCHEMA = pa.schema([(c, {"precision": pa.int64(), "n_claims": pa.int64(), "n_sources": pa.int64(),
                         "loser_confirms": pa.bool_(), "confidence": pa.float64()}.get(c, pa.large_string()))
                    for c in EVENT_COLUMNS] + [("lon", pa.float64()), ("lat", pa.float64())])
_ORDER = [("date", "ascending"), ("place_id", "ascending"), ("type", "ascending"), ("id", "ascending")]


def merge_table(lines: list[str], wire: Wire | None = None, decisions: list[Decision] | None = None,
                place_of: Callable[[str], PlaceRef] | None = None, memo: DiskMemo | None = None,
                salt: str = "") -> tuple[pa.Table, Review]:
    """:func:`merge_lines` as one Arrow table (:data:`SCHEMA`), the same rows in the same order. ``memo`` keeps
    each place's rows as an Arrow stream: a build after one more report puts ten thousand places' events
    together column by column, instead of unpickling and framing fifty thousand rows one by one.

    >>> from geo.model import Claim, PlaceRef
    >>> line = json.dumps(Claim("c1", "art1", "2016-11-08", "capture", PlaceRef("x", "X", "X", 37.1, 36.2, 1),
    ...                         faction="government", event_date="2016-11-08").to_dict())
    >>> table, _ = merge_table([line]); table.num_rows, table["lon"][0].as_py()
    (1, 37.1)
    """
    wire = wire or {}
    decisions = decisions or []
    groups, articles = _by_place(lines)
    review = Review()
    tables: list[pa.Table] = []
    moved: dict[str, list[Claim]] = {}
    for pid, group in groups.items():
        def compute(group: list[str] = group) -> tuple[bytes, list[str], int, list[dict[str, Any]]]:
            rows, matched, rejected, away = _place_rows([Claim.from_dict(json.loads(x)) for x in group], wire,
                                                        decisions, place_of)
            return _stream(rows), matched, rejected, away

        stream, matched, rejected, away = compute() if memo is None else memo.get(
            memo.key("place table", salt, _stories(articles[pid], wire), *group), compute)
        review.matched.update(matched)
        review.rejected += rejected
        for d in away:
            moved.setdefault(d["place"]["id"], []).append(Claim.from_dict(d))
        tables.append(pa.ipc.open_stream(stream).read_all())
    table = pa.concat_tables(tables) if tables else SCHEMA.empty_table()
    if moved:  # places an edit moved claims to: merged again with them (rare)
        table = table.filter(pc.invert(pc.is_in(table["place_id"], pa.array(list(moved), pa.large_string()))))
        for pid, extra in moved.items():
            own = [Claim.from_dict(json.loads(x)) for x in groups.get(pid, [])]
            kept, _ = apply_decisions(own, decisions, _event_claims(own, wire), place_of) if decisions else (own, [])
            rows = _rows(merge_claims([c for c in kept if c.place.id == pid] + extra, wire))
            table = pa.concat_tables([table, pa.Table.from_pylist(rows, schema=SCHEMA)])
    return table.sort_by(_ORDER), review  # Arrow sorts text by its UTF-8 bytes: code points, as Python does


def _stream(rows: list[dict[str, Any]]) -> bytes:
    """Rows as an Arrow IPC stream (bytes: what the cache holds is plain data)."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, SCHEMA) as w:
        w.write_table(pa.Table.from_pylist(rows, schema=SCHEMA))
    return sink.getvalue().to_pybytes()


def _by_place(lines: list[str]) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """Claim lines by place id, and each place's article ids."""
    groups: dict[str, list[str]] = {}
    articles: dict[str, set[str]] = {}
    for line in lines:
        art, pid = claim_place(line)
        groups.setdefault(pid, []).append(line)
        articles.setdefault(pid, set()).add(art)
    return groups, articles


def _stories(articles: set[str], wire: Wire) -> str:
    """The wire stories of a place's articles, as a cache key's part."""
    return "\x1f".join(f"{a}\x1e{wire[a][0]}\x1e{wire[a][1]}" for a in sorted(articles) if a in wire)


def _place_rows(claims: list[Claim], wire: Wire, decisions: list[Decision],
                place_of: Callable[[str], PlaceRef] | None
                ) -> tuple[list[dict[str, Any]], list[str], int, list[dict[str, Any]]]:
    """One place's event rows, the decision ids it matched, the claims they rejected, and the claims an edit
    moved to another place (as dicts: the cache holds plain data)."""
    if not decisions:
        return _rows(merge_claims(claims, wire)), [], 0, []
    here = claims[0].place.id
    event_claims = _event_claims(claims, wire)
    ids = {c.id for c in claims} | set(event_claims)
    mine = [d for d in decisions if d.id in ids]
    kept, _ = apply_decisions(claims, mine, event_claims, place_of)
    stay = [c for c in kept if c.place.id == here]
    away = [c.to_dict() for c in kept if c.place.id != here]
    return _rows(merge_claims(stay, wire)), [d.id for d in mine], len(claims) - len(kept), away


def _event_claims(claims: list[Claim], wire: Wire) -> dict[str, list[str]]:
    """Event id -> its claim ids, as the claims merge before any decision."""
    return {e.id: list(e.claim_ids) for e in merge_claims(claims, wire)}


def _rows(events: list[Any]) -> list[dict[str, Any]]:
    return [{**e.to_row(), "lon": e.lon, "lat": e.lat} for e in events]
