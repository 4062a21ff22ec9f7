"""Merge claims into events: same type, place and faction, dates within a day; count who says so.

- An event's sources are the claims' named sources, or the outlet when a claim names none.
  Sources are independent when their canonical names differ (OSDH and SOHR are one source).
- ``status``: ``corroborated`` with two or more independent sources, else ``claimed``;
  ``disputed`` when a claim denies it or the place is reported taken by another side within a day.
- ``modality``: ``reported`` when any claim reports it done; planned or attempted claims make
  events of their own that never move a control line.

>>> from geo.model import Claim, PlaceRef
>>> p = PlaceRef("aleppo-x", "X", "X", 37.1, 36.2, 1)
>>> cs = [Claim("a", "art1", "2016-11-08", "capture", p, faction="government", event_date="2016-11-08",
...             attributed_to=("SOHR",)),
...       Claim("b", "art2", "2016-11-09", "capture", p, faction="government", event_date="2016-11-09",
...             attributed_to=("AFP",))]
>>> [(e.type, e.status, e.n_sources, e.date) for e in merge_claims(cs)]
[('capture', 'corroborated', 2, '2016-11-08')]
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from geo.model import Claim, Event, stable_id

#: Claims this many days apart or less belong to the same event (reports lag by a day).
DAY_WINDOW = 1
#: Canonical names of sources that are the same outlet under another name.
SOURCE_ALIASES = {"osdh": "SOHR", "syrian observatory": "SOHR", "observatoire syrien": "SOHR",
                  "sana": "SANA", "state tv": "state media", "state media": "state media"}


def canonical_source(name: str) -> str:
    """The name under which a source counts once.

    >>> canonical_source("OSDH"), canonical_source("Reuters")
    ('SOHR', 'Reuters')
    """
    key = name.strip().lower()
    for alias, canon in SOURCE_ALIASES.items():
        if key == alias or key.startswith(alias):
            return canon
    return name.strip()


def _claim_sources(c: Claim, wire: dict[str, tuple[str, str]]) -> list[str]:
    """Who a claim's words come from: the sources it names, else its wire story's agency, else its outlet."""
    if c.attributed_to:
        return [canonical_source(s) for s in c.attributed_to]
    if c.article in wire:
        return [canonical_source(wire[c.article][0])]
    return [c.source or c.article]


def _copies(articles: tuple[str, ...], wire: dict[str, tuple[str, str]]) -> tuple[str, ...]:
    """The articles that only republish a wire story an earlier article of the same event tells."""
    seen: set[str] = set()
    out = []
    for a in articles:
        if a in wire:
            story = wire[a][1]
            if story in seen:
                out.append(a)
            seen.add(story)
    return tuple(out)


def _modality(c: Claim) -> str:
    return c.status if c.status in ("planned", "attempted") else "reported"


def _days(a: str, b: str) -> int:
    """Days between two ISO dates; an undated claim ("") is near only another undated one.

    >>> _days("2016-11-08", "2016-11-06"), _days("", ""), _days("", "2016-11-08") > DAY_WINDOW
    (2, 0, True)
    """
    if not a or not b:
        return 0 if a == b else 10**6
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def when_known(c: Claim) -> str:
    """The day by which a claim's change had happened: its day, or the last day of a vaguer period.

    "In July" is known to have happened by 31 July, not on 1 July: a line moved on the period's first day
    would move before every report of it.

    >>> from geo.model import PlaceRef
    >>> p = PlaceRef("x", "X", "X", 37.1, 36.2, 1)
    >>> when_known(Claim("a", "art", "2016-10-04", "capture", p, event_date="2016-07-01", date_precision="month",
    ...                  event_date_end="2016-07-31"))
    '2016-07-31'
    """
    if c.date_precision not in ("", "day", "none") and c.event_date_end:
        return c.event_date_end
    return c.event_date


def _review(cl: list[Claim]) -> str:
    """An event is "edited" when an analyst changed one of its claims, else "accepted" when one confirmed one."""
    states = {c.review for c in cl}
    return "edited" if "edited" in states else "accepted" if "accepted" in states else ""


def merge_claims(claims: list[Claim], wire: dict[str, tuple[str, str]] | None = None) -> list[Event]:
    """Events from claims (sorted by date, place, type), each keeping all its claims' provenance.

    A claim dated to a week, a month or a year counts from the last day of its period (:func:`when_known`).
    ``wire`` (:func:`geo.wire.wire_stories`): article -> (source, story) for republished wire copies, which
    count as one source, the agency; all but the first copy of a story in an event are its ``copies``.
    """
    wire = wire or {}
    claims = [c if when_known(c) == c.event_date else replace(c, event_date=when_known(c)) for c in claims]
    groups: dict[tuple[str, str, str, str], list[Claim]] = defaultdict(list)
    for c in claims:
        groups[(c.type, c.place.id, c.faction, _modality(c))].append(c)
    clusters: list[list[Claim]] = []
    for key in sorted(groups):
        run: list[Claim] = []
        for c in sorted(groups[key], key=lambda c: (c.event_date, c.id)):
            if run and _days(c.event_date, run[-1].event_date) > DAY_WINDOW:
                clusters.append(run)
                run = []
            run.append(c)
        clusters.append(run)

    # Captures of the same place by different sides within a day dispute each other.
    # (by place: looking through every capture for each cluster grew with the square of the corpus)
    captures: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for cl in clusters:
        if cl[0].type == "capture" and _modality(cl[0]) == "reported":
            captures[cl[0].place.id].append((cl[0].faction, cl[0].event_date, cl[-1].event_date))
    events = []
    for cl in clusters:
        first = cl[0]
        dates = sorted(c.event_date for c in cl)
        sources: list[str] = []
        for c in cl:
            for s in _claim_sources(c, wire):
                if s not in sources:
                    sources.append(s)
        reported = [c for c in cl if c.status == "reported"]
        denied = [c for c in cl if c.status == "denied"]
        rival = first.type == "capture" and any(
            fac != first.faction and min(_days(dates[0], d1), _days(dates[-1], d0), _days(dates[0], d0)) <= DAY_WINDOW
            for fac, d0, d1 in captures.get(first.place.id, ()))
        if denied or rival:
            status = "disputed"
        elif len(sources) >= 2:
            status = "corroborated"
        else:
            status = "claimed"
        # The event's day: the most common claimed day (earliest on a tie).
        counts: dict[str, int] = defaultdict(int)
        for c in reported or cl:
            counts[c.event_date] += 1
        day = sorted(counts, key=lambda d: (-counts[d], d))[0]
        conf = max(c.confidence for c in cl)
        conf = min(0.99, conf + 0.1 * (len(sources) - 1) + (0.05 if any(c.loser_confirms for c in cl) else 0))
        conf -= 0.3 if status == "disputed" else 0
        precision = min(c.place.precision for c in cl)

        by_article: dict[str, Claim] = {}
        for c in cl:
            by_article.setdefault(c.article, c)  # the first claim of each article, in order

        def uniq(values: list[str]) -> tuple[str, ...]:
            return tuple(dict.fromkeys(v for v in values if v))

        events.append(Event(
            id=stable_id(first.type, first.place.id, first.faction, _modality(first), dates[0]),
            type=first.type, place_id=first.place.id, place_name=first.place.name,
            lon=first.place.lon, lat=first.place.lat, precision=precision,
            faction=first.faction, opponent=next((c.opponent for c in cl if c.opponent), ""),
            date=day, date_first=dates[0], date_last=dates[-1], status=status,
            modality=_modality(first), claim_ids=tuple(c.id for c in cl), sources=tuple(sources),
            n_sources=len(sources), loser_confirms=any(c.loser_confirms for c in cl),
            claim_statuses=uniq([c.status for c in cl]), articles=tuple(by_article),
            sentences=uniq([c.sentence for c in cl]),
            # one title and one URL per article, index-aligned with ``articles`` ("" when absent)
            urls=tuple(c.url for c in by_article.values()),
            titles=tuple(c.title or c.article for c in by_article.values()),
            confidence=round(max(0.05, conf), 2),
            extent="most" if any(c.extent == "most" for c in reported or cl) else "",
            copies=_copies(tuple(by_article), wire),
            review=_review(cl), review_notes=uniq([c.review_note for c in cl]),
        ))
    return sorted(events, key=lambda e: (e.date, e.place_id, e.type, e.id))
