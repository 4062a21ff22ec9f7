"""How and when: a cue's modality (reported, planned, attempted, denied), its type refined by quantity
("much of X" is an advance), and the day it happened.

>>> from datetime import date
>>> from geo.read.dates import DateMention
>>> nearest_date([DateMention(0, 6, date(2016, 11, 27), "day")], [False], 10, 0, 30).day
datetime.date(2016, 11, 27)
"""

from __future__ import annotations

import re
from datetime import date

from geo.read.cues import dates_statement
from geo.read.dates import DateMention, period_end
from geo.read.lexicon import Lexicon
from geo.read.record import Sentence, Story, Target
from geo.read.sentences import CLAUSE_BREAK, clause_start

#: A share that is what is left, not what was won: "rebels now hold less than a fifth of", "ne ... plus que".
_SHRINKING = re.compile(r"\b(?:less than|fewer than|only|just|barely|moins d|a peine|plus qu|seulement)")


def change_type(s: Sentence, i: int, picked: list[Target], lex: Lexicon
                ) -> tuple[str, bool, list[str], list[str]]:
    """The cue's type as the sentence qualifies it, whether it is "as of now", one type and one extent per place.

    "troops now control 40 percent of X" is an advance as of now; "de nouveau sous l'autorité de l'État"
    a capture; "seized much of X" an advance; "seized A and much of B" a capture of A and an advance into B.
    An advance whose quantity leaves the gainer most of the place ("most of", "la quasi-totalité de") has
    the extent "most" (the map gives it the place); other extents are "".
    """
    c0, c1, cue = s.cues[i]
    sf = s.folded
    ctype, as_of_now = cue.type, False
    quantity = ""
    if ctype == "control" and lex.partial and lex.now and cue.place == "after" and \
            lex.partial.search(sf[c1:picked[0].start]) and lex.now.search(sf[clause_start(sf, c0, 0):picked[0].start]) \
            and not _SHRINKING.search(sf[c0:picked[0].start]):  # "now control", "contrôle désormais"
        ctype, as_of_now, quantity = "advance", True, sf[c1:picked[0].start]
    elif ctype == "control" and lex.again and lex.again.search(sf[clause_start(sf, c0, 0):c1]):
        ctype = "capture"
    if ctype == "capture" and lex.partial:
        # the quantity stands between cue and place, or inside the cue ("avaient en grande partie conquis")
        span = sf[c0:picked[0].start] if cue.place == "after" else sf[max(0, picked[0].start - 40):picked[0].start]
        if cue.place == "after" and lex.including and (inc := list(lex.including.finditer(span))):
            # "... to a number of districts in the east of the city, including A, B": the members of a list
            # after "including" are named whole; a quantity before it measures the container, not them
            span = span[inc[-1].end():]
        if lex.partial.search(span):
            ctype, quantity = "advance", span
    types = [ctype] * len(picked)
    extents = [_extent(quantity, lex)] * len(picked)
    if lex.partial and cue.place == "after":
        prev = c1
        for k, t in enumerate(picked):
            if k and lex.partial.search(sf[prev:t.start]):
                # "most of A and part of B": each place keeps the quantity written before it
                types[k] = "advance" if ctype == "capture" else types[k]
                extents[k] = _extent(sf[prev:t.start], lex)
            prev = t.end
    return ctype, as_of_now, types, extents


def _extent(quantity: str, lex: Lexicon) -> str:
    return "most" if quantity and lex.majority and lex.majority.search(quantity) else ""


def modality(s: Sentence, i: int, ctype: str, picked: list[Target], lex: Lexicon) -> tuple[str, str]:
    """``(status, words)``: reported, or planned / attempted / denied with the words that said so."""
    c0, c1, _ = s.cues[i]
    sf = s.folded
    status, words = "reported", ""
    if ctype != "control":
        cl = clause_start(sf, c0, 0)
        nb = CLAUSE_BREAK.search(sf, picked[-1].end)
        tail = picked[-1].end, nb.start() if nb else len(sf)
        attempted, planned = lex.modality.get("attempted"), lex.modality.get("planned")
        # before the cue; after it for fighting; after the places ("a push into X last week was halted")
        for at, text in ((0, sf[:c0]), (c1, sf[c1:] if ctype == "clash" else ""), (tail[0], sf[tail[0]:tail[1]])):
            if attempted and (m := attempted.search(text)):
                return _denied(s, i, ctype, lex) or ("attempted", s.words(at + m.start(), at + m.end()))
        reversal = lex.modality.get("reversal")
        if ctype == "advance" and reversal and (m := reversal.search(sf, picked[-1].end)):
            # "moved into X but pulled back hours later": a push taken back in the same sentence never held X;
            # "took X but had to withdraw after two days" held it: a change, then its loss (read from the loser)
            return _denied(s, i, ctype, lex) or ("attempted", s.words(m.start(), m.end()))
        at = cl if cl < c0 else max(0, c0 - 60)  # the clause before the cue, else the words just before it
        consequence = lex.modality.get("consequence")
        if planned and (m := planned.search(sf[at:c0])):
            status, words = "planned", s.words(at + m.start(), at + m.end())
        elif consequence and _opens_clause(sf[cl:c0]) and (m := consequence.search(
                sf, picked[-1].end, sf.find(".", picked[-1].end) % (len(sf) + 1))):
            # "La prise de X permettrait ...": the change is what would follow, not what happened
            status, words = "planned", s.words(m.start(), m.end())
    return _denied(s, i, ctype, lex) or (status, words)


def _denied(s: Sentence, i: int, ctype: str, lex: Lexicon) -> tuple[str, str] | None:
    """A denied or negated change: "rebels denied that X had fallen", "X n'a pas été repris"."""
    if ctype not in ("capture", "advance"):
        return None
    c0 = s.cues[i][0]
    sf = s.folded
    denied, negated = lex.modality.get("denied"), lex.modality.get("negated")
    if denied and (m := denied.search(sf[:c0])):  # the denial comes before what it denies
        return "denied", s.words(m.start(), m.end())
    near = sf[max(0, c0 - 30):c0].rstrip()
    if negated and (m := negated.search(near)):
        at = max(0, c0 - 30)
        return "denied", s.words(at + m.start(), at + m.end())
    return None


def nearest_date(dates: list[DateMention], stated: list[bool], c0: int, cl0: int, cl1: int,
                 apart: list[DateMention] | None = None) -> DateMention | None:
    """The date of a cue at ``c0`` whose clause is ``[cl0, cl1)``, among the sentence's dates.

    The cue's own clause first: "said on Monday that its fighters had retaken X overnight", where Monday
    dates the statement (``stated``); outside it, a day, and a date in a later clause ("..., followed
    on 28 November by Y") is that clause's. A date in a clause of its own that opens a period (``apart``:
    "since the city was divided four years ago") dates that clause only: None when nothing else is left.
    """
    own = [x for x in dates if cl0 <= x.start < cl1]
    near = ([x for x, st in zip(dates, stated, strict=True) if cl0 <= x.start < cl1 and not st] or own
            or [x for x, st in zip(dates, stated, strict=True) if not st and x.precision == "day" and x.start < cl1]
            or [x for x, st in zip(dates, stated, strict=True) if not st and x.precision == "day"]
            or [x for x in dates if x not in (apart or [])])
    return min(near, key=lambda x: abs(x.start - c0)) if near else None


def cue_date(s: Sentence, i: int, ctype: str, as_of_now: bool, story: Story, as_published: tuple[str, str],
             lex: Lexicon) -> tuple[str, str, str, dict[str, str]]:
    """``(event_date, precision, event_date_end, why)``: the expression nearest the cue; else the
    paragraph's last date for events; a control or siege statement with no date of its own, or a report
    with no date at all, is as of publication (``as_published``: the day, the month, or nothing)."""
    c0, c1, _ = s.cues[i]
    last = None  # a period's last day, when its expression says it
    if as_of_now and not s.dates:
        day, prec, why = *as_published, {"from": "publication"}
    elif s.dates and (d := _sentence_date(s, c0, c1, lex)):
        day, prec, why = d.day.isoformat(), d.precision, {"words": s.words(d.start, d.end), "from": "sentence",
                                                          "counted_from": _iso(d.counted_from)}
        last = d.last
    elif story.para_date and ctype not in ("control", "siege"):
        d = story.para_date.mention
        day, prec, why = d.day.isoformat(), d.precision, {"words": story.para_date.words, "from": "paragraph",
                                                          "counted_from": _iso(d.counted_from)}
        last = d.last
    elif story.entry_date and ctype not in ("control", "siege"):
        d = story.entry_date.mention  # a live blog entry: the date of its header
        day, prec, why = d.day.isoformat(), d.precision, {"words": story.entry_date.words, "from": "entry",
                                                          "counted_from": _iso(d.counted_from)}
    else:
        day, prec, why = *as_published, {"from": "publication"}
    end = (last or period_end(date.fromisoformat(day), prec)).isoformat() if day and prec not in ("day", "none") else ""
    return day, prec, end, why



def _sentence_date(s: Sentence, c0: int, c1: int, lex: Lexicon) -> DateMention | None:
    sf = s.folded
    nb = CLAUSE_BREAK.search(sf, c1)
    stated = [dates_statement(sf, x.start, lex) for x in s.dates]
    # "since the city was divided four years ago": a clause opening on "since" dates the start of a period
    apart = [x for x in s.dates if lex.since and lex.since.search(sf, clause_start(sf, x.start, 0), x.start)]
    # "took back X, which rebels had seized in 2012": a relative clause after the cue dates its own verb
    apart += [x for x in s.dates if x.start > c1 and _RELATIVE_AFTER.search(sf, c1, x.start)]
    return nearest_date(s.dates, stated, c0, clause_start(sf, c0, 0), nb.start() if nb else len(sf), apart)


_RELATIVE_AFTER = re.compile(r",\s*(?:which|who|that|qui|que|qu'|dont|ou|where)\b")


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


_YEAR = re.compile(r"(?:(?:the )?(?:summer|spring|autumn|fall|winter|end|beginning|start|middle) (?:of )?|(?:l'ete|le printemps|l'automne|l'hiver|la fin|le debut) (?:de |d')?)?((?:19|20)\d{2})\b")


def background(s: Sentence, i: int, picked: list[Target], day: str, prec: str, published: date | None,
               lex: Lexicon) -> tuple[str, str] | None:
    """A change recalled as background, as ``(first day, last day)`` of the period it speaks of, or None.

    "taken by the rebels in 2012" (a year before the publication's) is a control statement of that year;
    "held since 2012", "qu'ils contrôlaient depuis 2012" one that runs from that year to publication. News is
    what happened lately; a recalled year is what the news stands on.
    """
    if published is None:
        return None
    if prec == "year" and day and int(day[:4]) < published.year:
        return day, f"{day[:4]}-12-31"
    if lex.since is None:
        return None
    c0, c1, _ = s.cues[i]
    nb = CLAUSE_BREAK.search(s.folded, picked[-1].end)
    for m in lex.since.finditer(s.folded, clause_start(s.folded, c0, 0), nb.start() if nb else len(s.folded)):
        y = _YEAR.match(s.folded, m.end() + 1)
        if y and int(y.group(1)) < published.year:
            return f"{y.group(1)}-01-01", published.isoformat()
    return None


def _opens_clause(before: str) -> bool:
    """Whether a cue stands at the start of its clause: at most a determiner or a pronoun before it
    ("*La* chute de X", "*Le* reprendre", "Capturing X")."""
    return len(before.split()) <= 1
