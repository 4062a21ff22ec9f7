"""Scoring extracted claims against an annotated development set (precision, recall, dates, every miss).

A *change* is a reported capture or advance: the claims that move lines. An expected change matches an
extracted one with the same type, faction and place (any of the place ids the annotation accepts); each
extracted claim matches at most one expected change. Dates are scored on the matched pairs.

>>> exp = [Expected("p1", "capture", ("aleppo-hanano",), "government", "2016-11-26")]
>>> got = [Got("p1", "capture", "aleppo-hanano", "government", "2016-11-26", "...")]
>>> s = score(exp, got)
>>> (s.precision, s.recall, s.date_accuracy)
(1.0, 1.0, 1.0)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from geo.model import Claim

CHANGE_TYPES = ("capture", "advance")


@dataclass(frozen=True)
class Expected:
    passage: str
    type: str
    places: tuple[str, ...]
    faction: str
    date: str


@dataclass(frozen=True)
class Got:
    passage: str
    type: str
    place: str
    faction: str
    date: str
    sentence: str = ""


@dataclass
class Score:
    expected: int = 0
    extracted: int = 0
    matched: int = 0
    dates_right: int = 0
    missed: list[Expected] = field(default_factory=list)
    spurious: list[Got] = field(default_factory=list)
    wrong_dates: list[tuple[Expected, Got]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    @property
    def date_accuracy(self) -> float:
        return self.dates_right / self.matched if self.matched else 1.0

    def report(self) -> str:
        """A plain-text report: the figures, then every miss, spurious claim and wrong date."""
        lines = [f"expected changes {self.expected}, extracted {self.extracted}, matched {self.matched}",
                 f"precision {self.precision:.3f}  recall {self.recall:.3f}  dates right {self.date_accuracy:.3f}"]
        lines += [f"  MISSED   {e.passage}: {e.type} {'|'.join(e.places)} by {e.faction} on {e.date}"
                  for e in self.missed]
        lines += [f"  SPURIOUS {g.passage}: {g.type} {g.place} by {g.faction} on {g.date}: {g.sentence[:120]!r}"
                  for g in self.spurious]
        lines += [f"  DATE     {e.passage}: {e.type} {'|'.join(e.places)} expected {e.date}, got {g.date}"
                  for e, g in self.wrong_dates]
        return "\n".join(lines)


def changes(passage: str, claims: Iterable[Claim]) -> list[Got]:
    """The reported captures and advances among ``claims``, as scoring rows."""
    return [Got(passage, c.type, c.place.id, c.faction, c.event_date, c.sentence) for c in claims
            if c.type in CHANGE_TYPES and c.status == "reported"]


def same_place(got: str, accepted: tuple[str, ...], parents: Mapping[str, str] | None = None) -> bool:
    """``got`` is one of the accepted places, or one is the other's parent: a finer or coarser place the
    gazetteer gained after annotation ("Tareeq al-Bab" for its polygon al-Helwaniyeh, "al-Hamdaniyeh" for
    al-Hamdaniyeh V). The city and its halves hold everything and never count as parents.

    >>> same_place("t", ("h",), {"t": "h"}), same_place("h", ("t",), {"t": "h"}), same_place("x", ("h",), {})
    (True, True, False)
    """
    if got in accepted:
        return True
    up = parents or {}
    coarse = {"aleppo", "aleppo-east", "aleppo-west", ""}
    return up.get(got, "") in set(accepted) - coarse or (got not in coarse and any(up.get(a) == got for a in accepted))


def score(expected: list[Expected], got: list[Got], parents: Mapping[str, str] | None = None) -> Score:
    """Match per passage; see the module doc for what counts as a match (``parents`` lets a place's parent or
    child match it, see :func:`same_place`)."""
    s = Score(expected=len(expected), extracted=len(got))
    pool = list(got)
    for e in expected:
        hit = next((g for g in pool if g.passage == e.passage and g.type == e.type and g.faction == e.faction
                    and same_place(g.place, e.places, parents)), None)
        if hit is None:
            s.missed.append(e)
            continue
        pool.remove(hit)
        s.matched += 1
        if hit.date == e.date:
            s.dates_right += 1
        else:
            s.wrong_dates.append((e, hit))
    s.spurious = pool
    return s
