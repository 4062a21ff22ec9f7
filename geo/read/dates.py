"""Resolve the dates reports use ("mardi", "on Sunday", "hier", "le 29 octobre") against publication.

A weekday means the most recent such day on or before the publication date (wire copy speaks of
the past); an explicit day without a year takes the publication year unless that would put it more
than a week after publication, in which case it is the previous year; an explicit year is kept.

>>> from datetime import date
>>> resolve_weekday(1, date(2016, 11, 8))   # Tuesday in an article of Tuesday 8 Nov 2016
datetime.date(2016, 11, 8)
>>> resolve_day_month(29, 10, None, date(2016, 11, 8))
datetime.date(2016, 10, 29)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from geo.read.lexicon import Lexicon, literal_alternation

#: How far after publication an explicit date may fall and still be read in the same year (days).
FUTURE_SLACK_DAYS = 7


@dataclass(frozen=True)
class DateMention:
    """A date expression in a folded sentence: where it is, the day it means, and how precise.

    For a period (``precision`` month or year) ``day`` is its first day; :func:`period_end` gives its last.
    """

    start: int
    end: int
    day: date
    precision: str  # "day" | "week" | "month" | "year"
    #: the day a relative expression was counted from ("Sunday", "yesterday", "a day later"); None if explicit
    counted_from: date | None = None
    #: a period's last day when the expression says it ("last week"); else :func:`period_end` of ``day``
    last: date | None = None


def period_end(first: date, precision: str) -> date:
    """The last day of the period that starts on ``first``.

    >>> period_end(date(2016, 2, 1), "month"), period_end(date(2012, 1, 1), "year")
    (datetime.date(2016, 2, 29), datetime.date(2012, 12, 31))
    """
    if precision == "year":
        return date(first.year, 12, 31)
    if precision == "month":
        nxt = date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return nxt - timedelta(days=1)
    if precision == "week":
        return first + timedelta(days=6)
    return first


def publication(value: str) -> tuple[date | None, str]:
    """The day relative dates count from, and how precise the publication date is.

    A month-only date counts from the month's last day (an explicit "29 October" keeps its year);
    an undated article has nothing to count from.

    >>> publication("2016-11-08"), publication("2016-10"), publication("")
    ((datetime.date(2016, 11, 8), 'day'), (datetime.date(2016, 10, 31), 'month'), (None, 'none'))
    """
    if not value:
        return None, "none"
    if len(value) == 7:
        return period_end(date.fromisoformat(value + "-01"), "month"), "month"
    return date.fromisoformat(value), "day"


def resolve_weekday(weekday: int, published: date) -> date:
    """The latest ``weekday`` (Monday 0) on or before ``published``."""
    return published - timedelta(days=(published.weekday() - weekday) % 7)


def resolve_day_month(day: int, month: int, year: int | None, published: date) -> date | None:
    """An explicit day and month, with the year inferred from publication when absent."""
    y = year or published.year
    try:
        d = date(y, month, day)
    except ValueError:
        return None
    if year is None and d > published + timedelta(days=FUTURE_SLACK_DAYS):
        d = date(y - 1, month, day)
    return d


_COMMA_GAP = re.compile(r"[ ,]*")


def month_number(token: str, months: tuple[str, ...]) -> int | None:
    """1-12 for a month name or a unique abbreviation of at least three letters ("sept.", "aug").

    >>> month_number("sept.", ("january", "february", "march", "april", "may", "june", "july", "august",
    ...                        "september", "october", "november", "december"))
    9
    """
    t = token.rstrip(".")
    if t in months:
        return months.index(t) + 1
    hits = [i for i, m in enumerate(months) if len(t) >= 3 and m.startswith(t)]
    return hits[0] + 1 if len(hits) == 1 else None


_DIGIT = re.compile(r"\d")
_TRIGGERS: dict[int, tuple[Lexicon, re.Pattern[str] | None]] = {}


def date_trigger(lex: Lexicon) -> re.Pattern[str] | None:
    """One pattern matching wherever any date expression of ``lex`` may be: a cheap test that lets a
    sentence with no date skip :func:`find_dates`.

    Every expression holds a digit, a weekday, a month (or the start of one: "sept."), or one of the
    relative, anchored or period words: a trie of those literal words finds them all, and much faster than
    the expressions themselves.
    """
    cached = _TRIGGERS.get(id(lex))
    if cached is None or cached[0] is not lex:
        words = {*lex.weekdays, *(m[:3] for m in lex.months), *lex.relative, *lex.anchored, *lex.periods}
        cached = _TRIGGERS[id(lex)] = (lex, re.compile(r"\d|" + literal_alternation(words)) if words else None)
    return cached[1]


def _period(spec: tuple[int, int] | str, published: date) -> tuple[date, date]:
    """First and last day of a period counted back from publication: offsets in days, or a weekend.

    >>> _period("weekend", date(2016, 11, 28)), _period((-7, -1), date(2016, 11, 28))[0]
    ((datetime.date(2016, 11, 26), datetime.date(2016, 11, 27)), datetime.date(2016, 11, 21))
    >>> _period("weekend-1", date(2016, 11, 27))[0], _period("weekend-1", date(2016, 11, 28))[0]
    (datetime.date(2016, 11, 19), datetime.date(2016, 11, 26))
    """
    if isinstance(spec, str):
        # "weekend": the latest Saturday-Sunday on or before publication; "weekend-1" ("last weekend"): the
        # latest one that was over before publication day
        saturday = resolve_weekday(5, published - timedelta(days=2 if spec == "weekend-1" else 0))
        return saturday, min(saturday + timedelta(days=1), published)
    return published + timedelta(days=spec[0]), published + timedelta(days=spec[1])


def find_dates(folded: str, published: date | None, lex: Lexicon, context: date | None = None,
               vague: str = "day") -> list[DateMention]:
    """Every date expression in a folded sentence, resolved, sorted by position.

    ``context`` is the date the story is at (the paragraph's last date): "the next day" counts from it
    when the sentence has no date of its own. A relative day never falls after publication.
    ``vague`` is how precise ``published`` is (:func:`publication`): with "month", a weekday or a
    relative day is only known to the month; with "none" (``published`` None) only explicit dates are read.
    """
    trigger = date_trigger(lex)
    if trigger is None or not trigger.search(folded):
        return []
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def relative(s: int, e: int, day: date | None) -> DateMention | None:
        """A day counted from publication, as precise as publication is."""
        if day is None or vague == "none":
            return None
        if vague == "month":
            return DateMention(s, e, published.replace(day=1), "month", published)
        return DateMention(s, e, day, "day", published)

    def add(d: DateMention | None, take: bool = True) -> None:
        if d is not None:
            found.append(d)
            if take:
                taken.append((d.start, d.end))

    anchor = published or date.max  # undated: explicit dates without a year are not read (see below)
    if lex.night:
        for m in lex.night.finditer(folded):
            wd = lex.weekdays.index(m.group("weekday"))
            add(relative(m.start(), m.end(), resolve_weekday(wd, anchor) if published else None))
            taken.append((m.start(), m.end()))
    digits = _DIGIT.search(folded) is not None  # explicit days and years hold digits
    if lex.explicit_date and digits:
        for m in lex.explicit_date.finditer(folded):
            g = m.groupdict()
            day = g.get("day") or g.get("day2")
            month = g.get("month") or g.get("month2")
            num = month_number(month or "", lex.months)
            if not day or not num:
                continue
            if published is None and not g.get("year"):
                taken.append((m.start(), m.end()))  # undated and no year: the day is there, the year is not
                continue
            d = resolve_day_month(int(day), num, int(g["year"]) if g.get("year") else None, anchor)
            if d:
                add(DateMention(m.start(), m.end(), d, "day"))
    if lex.year_date and digits:
        for m in lex.year_date.finditer(folded):
            y = int(m.group("year"))
            # only a year other than the publication's says something ("in 2012"); its own year is kept
            if free(m.start(), m.end()) and (published is None or y != published.year):
                add(DateMention(m.start(), m.end(), date(y, 1, 1), "year"))
    if lex.periods_re and published is not None:
        for m in lex.periods_re.finditer(folded):
            if free(m.start(), m.end()):
                first, last = _period(lex.periods[m.group(0)], published)
                if vague == "month":  # "last week" in a report dated only to the month: that month, roughly
                    first, last = published.replace(day=1), published
                # "four years ago" is a year (a recollection), "last week" a week
                prec = "year" if (last - first).days >= 300 else "week"
                add(DateMention(m.start(), m.end(), date(first.year, 1, 1) if prec == "year" else first, prec,
                                published, None if prec == "year" else last))
    if lex.month_date:
        for m in lex.month_date.finditer(folded):
            num = month_number(m.group("month"), lex.months)
            if not num or not free(m.start("month"), m.end()) or (published is None and not m.group("year")):
                continue
            year = int(m.group("year")) if m.group("year") else anchor.year - (num > anchor.month)
            add(DateMention(m.start(), m.end(), date(year, num, 1), "month"))
    if lex.relative_re:
        for m in lex.relative_re.finditer(folded):
            if free(m.start(), m.end()):
                add(relative(m.start(), m.end(),
                             published + timedelta(days=lex.relative[m.group(0)]) if published else None))
                taken.append((m.start(), m.end()))
    if lex.weekday_re:
        for m in lex.weekday_re.finditer(folded):
            if free(m.start(), m.end()):
                wd = lex.weekdays.index(m.group(0))
                add(relative(m.start(), m.end(), resolve_weekday(wd, anchor) if published else None), take=False)
    if lex.anchored_re:
        for m in lex.anchored_re.finditer(folded):
            if not free(m.start(), m.end()):
                continue
            # "la veille" is the day before the sentence's own date when it has one ("jeudi ... la veille")
            own = [d for d in found if d.precision == "day"]
            base = min(own, key=lambda d: abs(d.start - m.start())).day if own else (context or published)
            if base is None:
                taken.append((m.start(), m.end()))
                continue
            day = min(base + timedelta(days=lex.anchored[m.group(0)]), anchor)
            # counted from a day the text gives, it is a day even when publication is vague
            add(DateMention(m.start(), m.end(), day, "day", base) if own or context else relative(m.start(), m.end(), day))
            taken.append((m.start(), m.end()))
    if lex.since:
        # "depuis le 15 novembre", "since Sunday": the start of a period, not the day of the event
        def opens_period(d: DateMention) -> bool:
            before = folded[max(0, d.start - 14):d.start]
            if lex.then_when and lex.then_when.match(folded, _COMMA_GAP.match(folded, d.end).end()):
                return False  # "since July, when they cut the road": the cut is July's
            if lex.since.match(folded, d.start):
                return True  # the expression itself opens on "since" ("since July")
            return any(m.end() >= len(before.rstrip()) for m in lex.since.finditer(before))

        found = [d for d in found if not opens_period(d)]
    return sorted(found, key=lambda d: d.start)
