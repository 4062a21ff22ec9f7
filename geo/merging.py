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

from geo.events import merge_claims
from geo.io import DiskMemo
from geo.model import Claim, PlaceRef
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
    place is merged there.
    """
    wire = wire or {}
    decisions = decisions or []
    groups: dict[str, list[str]] = {}
    articles: dict[str, set[str]] = {}
    for line in lines:
        art, pid = claim_place(line)
        groups.setdefault(pid, []).append(line)
        articles.setdefault(pid, set()).add(art)
    review = Review()
    rows: list[dict[str, Any]] = []
    moved: dict[str, list[Claim]] = {}
    for pid, group in groups.items():
        stories = [f"{a}\x1e{wire[a][0]}\x1e{wire[a][1]}" for a in sorted(articles[pid]) if a in wire]

        def compute(group: list[str] = group) -> tuple[list[dict[str, Any]], list[str], int, list[dict[str, Any]]]:
            return _place_rows([Claim.from_dict(json.loads(x)) for x in group], wire, decisions, place_of)

        got = compute() if memo is None else memo.get(memo.key("place", salt, "\x1f".join(stories), *group), compute)
        place_rows, matched, rejected, away = got
        review.matched.update(matched)
        review.rejected += rejected
        for d in away:
            moved.setdefault(d["place"]["id"], []).append(Claim.from_dict(d))
        rows += place_rows
    for pid, extra in moved.items():  # places an edit moved claims to: merged again with them (rare)
        rows = [r for r in rows if r["place_id"] != pid]
        own = [Claim.from_dict(json.loads(x)) for x in groups.get(pid, [])]
        kept, _ = apply_decisions(own, decisions, _event_claims(own, wire), place_of) if decisions else (own, [])
        rows += _rows(merge_claims([c for c in kept if c.place.id == pid] + extra, wire))
    rows.sort(key=lambda r: (r["date"], r["place_id"], r["type"], r["id"]))
    return rows, review


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
