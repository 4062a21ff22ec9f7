"""Turn sentences with place mentions into claims: who took, held, hit or besieged what, when, per whom.

The reading is driven by the per-language lexicon (data/lexicon/<lang>.yaml) and the faction names
(data/factions.yaml). The reading is a short sequence of steps, each a function with its own tests:

1. sentences and clauses (:mod:`geo.read.sentences`);
2. what each sentence contains: cues, sides, dates, places with their coreferences ("the district"),
   sources (:func:`read_sentence`; :mod:`geo.read.cues`, :mod:`geo.read.dates`, :mod:`geo.read.governs`);
3. which places each cue governs (:func:`geo.read.governs.governed`);
4. who gained: an agent, the clause's subject, a loser's framing, then the sentence and the paragraph
   (:mod:`geo.read.sides`), then an earlier report of the same place;
5. the change's type and modality (:func:`geo.read.when.change_type`, :func:`geo.read.when.modality`);
6. its date (:func:`geo.read.when.cue_date`); 7. its sources;
8. the claim, with why each field was read (``Claim.explain``, shown by ``geo extract --explain``);
9. tidying: a whole area beside a place inside it, a headline the body tells again.

Places used as actors ("Damas et ses alliés") or as a source's base ("basé au Royaume-Uni") are dropped.

>>> from geo.model import Mention, Place
>>> from geo.read.factions import parse_factions
>>> from geo.read.lexicon import parse_lexicon
>>> import yaml, pathlib
>>> root = pathlib.Path(__file__).resolve().parents[2] / "data"
>>> lex = parse_lexicon(yaml.safe_load((root / "lexicon/en.yaml").read_text()), "en.yaml")
>>> fac = parse_factions(yaml.safe_load((root / "factions.yaml").read_text()))
>>> from geo.model import Article
>>> art = Article(id="a", title="", date="2016-11-28", text="On Sunday the army retook Sakhour.", lang="en")
>>> places = {"aleppo-sakhour": Place("aleppo-sakhour", "Sakhour", "neighbourhood", 37.18, 36.21)}
>>> [(c.type, c.place.id, c.faction, c.event_date) for c in
...  claims_from_mentions(art, [Mention("aleppo-sakhour", "Sakhour", 26, 33)], places, fac, lex)]
[('capture', 'aleppo-sakhour', 'government', '2016-11-27')]
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import replace

from geo.model import Article, Claim, Mention, Place, PlaceRef, stable_id
from geo.read.cues import faction_regex, named_sources, sentence_cues, side_names, source_faction
from geo.read.dates import DateMention, date_trigger, find_dates, publication
from geo.read.factions import Factions
from geo.read.governs import (
    COARSE_KINDS,
    governed,
    located_mentions,
    rejected,
    sentence_targets,
    sides_outside_places,
)
from geo.read.lexicon import Lexicon, fold_keep_length
from geo.read.record import Dated, Sentence, Side, Span, Story, Target
from geo.read.sentences import split_sentences
from geo.read.sides import DEFAULT_OPPONENT, cue_sides, gained, opponent_of
from geo.read.when import background, change_type, cue_date, modality

#: Kinds of derived areas ("eastern Aleppo") that a finer place of the same sentence makes redundant.
AREA_KINDS = {"area", "region"}


class _Article:
    """One article being read: its text, the sides and places found in it, and its dating."""

    def __init__(self, article: Article, mentions: list[Mention], places: dict[str, Place],
                 factions: Factions, lex: Lexicon) -> None:
        self.article, self.places, self.lex = article, places, lex
        self.text = article.text
        self.folded = fold_keep_length(self.text)
        self.published, self.vague = publication(article.date)
        # with no date of its own, a report is as of publication: a day, a month, or nothing known
        self.as_published = (self.published.replace(day=1).isoformat(), "month") if self.vague == "month" else \
            (article.date, "day") if self.vague == "day" else ("", "none")
        self.fac_re, self.fac_names = faction_regex(factions, lex.lang)
        sides = [Span(m.start(), m.end(), self.fac_names[m.group(0)]) for m in side_names(self.folded, self.fac_re)]
        self.located = located_mentions(mentions, places, sides, self.folded, lex)
        self.sides = sides_outside_places(sides, self.located)
        self.located_starts = [m.start for m in self.located]
        self.side_starts = [f.start for f in self.sides]


def _between(items: list, starts: list[int], a: int, b: int) -> list:
    """The items whose start is in ``[a, b)`` (``starts`` sorted)."""
    return items[bisect.bisect_left(starts, a):bisect.bisect_left(starts, b)]


def read_sentence(r: _Article, para: int, s0: int, s1: int, cues: list, story: Story) -> Sentence:
    """What sentence ``[s0, s1)`` contains: places (with coreferences), sides, dates and sources;
    updates the paragraph's and the story's date."""
    text, sf = r.text[s0:s1], r.folded[s0:s1]
    mentions = _between(r.located, r.located_starts, s0, s1)
    # coreferences ("the district") matter only to a cue: a sentence without one keeps its mentions alone
    targets = sentence_targets(text, sf, s0, mentions, story.history, r.places, r.lex) if cues else \
        [Target(m, m.start - s0, m.end - s0, m.surface, kind=r.places[m.place_id].kind) for m in mentions]
    context = story.para_date or story.story_date
    dates = find_dates(sf, r.published, r.lex, context.mention.day if context else None, r.vague)
    days = [x for x in dates if x.precision == "day"]
    if days:
        # a recalled year ("taken by the rebels in 2012") does not move the story's date, nor does a
        # day counted back from another ("a day after X fell")
        lex = r.lex
        ahead = [x for x in days if not (lex.anchored_re and lex.anchored_re.match(sf, x.start)
                                         and lex.anchored.get(sf[x.start:x.end], 0) < 0)]
        pick = ahead[-1] if ahead else None
        if pick is not None:
            story.para_date = Dated(pick, text[pick.start:pick.end])
        elif story.para_date is None:
            story.para_date = Dated(days[-1], text[days[-1].start:days[-1].end])
        story.story_date = story.para_date
    sides = [Span(f.start - s0, f.end - s0, f.value)
             for f in _between(r.sides, r.side_starts, s0, s1)]
    speakers = [f for f in sides if _labels_a_speaker(sf, f, r.lex)]
    actors = [f for f in sides if f not in speakers]
    return Sentence(para, s0, text, sf, cues, mentions, targets, actors, dates, speakers=speakers)


_SPACE = re.compile(r"\s+")


def _labels_a_speaker(folded: str, f: Span, lex: Lexicon) -> bool:
    """Whether side name ``f`` labels someone who speaks ("an opposition activist said", "selon un responsable
    rebelle"): then it says who speaks, not who acts. A labelled person who acts ("a rebel official
    acknowledged the loss of X") still names the side."""
    after = _SPACE.match(folded, f.end)
    if lex.role_after and after and (role := lex.role_after.match(folded, after.end())):
        start, end = f.start, role.end()
    elif lex.role_before and (role := lex.role_before.search(folded, max(0, f.start - 40), f.start)):
        start, end = role.start(), f.end
    else:
        return False
    return bool(lex.speech and (lex.speech.search(folded, end, end + 60)
                                or lex.speech.search(folded[max(0, start - 30):start])))


def claims_from_mentions(article: Article, mentions: list[Mention], places: dict[str, Place],
                         factions: Factions, lex: Lexicon) -> list[Claim]:
    """Every claim of one article, given its place mentions (spans into ``article.text``)."""
    r = _Article(article, mentions, places, factions, lex)
    story = Story()
    claims: dict[str, Claim] = {}
    spans = split_sentences(r.text)
    for (para, s0, s1), cues in zip(spans, sentence_cues(r.folded, spans, lex), strict=True):
        story.new_paragraph(para)
        if r.text[s0:s1].lstrip().startswith("#"):
            continue  # a Markdown heading ("### Capture of Hanano") names a topic, it reports nothing
        if _entry_header(r, s0, s1, cues, story):
            continue
        if not cues and _says_nothing_to_keep(r, s0, s1):
            continue  # no cue, place, side or date: nothing the story carries on from it
        s = read_sentence(r, para, s0, s1, cues, story)
        sides = cue_sides(s, story, lex)
        if s.targets and s.cues:
            s.sources = named_sources(s.text, s.folded, lex)
            for c in _sentence_claims(r, s, sides, story, claims):
                claims[c.id] = c
            _tidy_sentence(r, s, claims)
        elif s.cues:
            story.unplaced_gains += [sd.value for i, sd in sides.items()
                                     if sd and s.cues[i][2].type in ("capture", "advance") and not s.cues[i][2].loser]
        story.history.extend(m for m in s.mentions if places[m.place_id].kind not in COARSE_KINDS)
    claims = _sides_from_the_story(_headline(r.text, spans), claims, story.unplaced_gains)
    claims = _told_twice(claims)
    return sorted(_tidy_headline(r.text, spans, claims).values(),
                  key=lambda c: (c.event_date, c.place.id, c.type, c.id))


def _says_nothing_to_keep(r: _Article, s0: int, s1: int) -> bool:
    """Whether sentence ``[s0, s1)`` names no place, no side and no date: without a cue, what the story keeps
    from a sentence (its places for "the district", its side for "they", its date for "the next day") is all
    it could give, so reading it changes nothing. Most sentences of a long report are like that."""
    if _between(r.located_starts, r.located_starts, s0, s1) or _between(r.side_starts, r.side_starts, s0, s1):
        return False
    trigger = date_trigger(r.lex)
    return trigger is None or trigger.search(r.folded, s0, s1) is None


#: Share of an article's reported changes one side must have gained to be its main actor.
MAIN_ACTOR_SHARE = 2 / 3


def _sides_from_the_story(headline: str, claims: dict[str, Claim], unplaced: Sequence[str] = ()
                          ) -> dict[str, Claim]:
    """A change still without a side takes the side the headline's changes go to, else the article's
    main actor (the side that gained at least two thirds of its reported changes, counting those told
    without a place we know); else it stays side-less (``faction`` null) for review: never guessed."""
    gains = [c for c in claims.values() if c.faction and c.status == "reported" and c.type in ("capture", "advance")]
    top = {c.faction for c in gains if headline and c.sentence == headline}
    sides = [c.faction for c in gains] + list(unplaced)
    side = None
    if len(top) == 1:
        side = Side(top.pop(), headline, "headline")
    elif sides:
        count = {f: sides.count(f) for f in set(sides)}
        best = max(sorted(count), key=count.__getitem__)
        if count[best] >= MAIN_ACTOR_SHARE * len(sides):
            side = Side(best, "", "article")
    if side is None:
        return claims
    out = {}
    for c in claims.values():
        if not c.faction and c.type in ("capture", "advance") and c.place.precision < 3:
            why = {**(c.explain or {}), "side": {"words": side.words or None, "from": side.origin}}
            cid = stable_id(c.article, c.id, side.value)
            c = replace(c, id=cid, faction=side.value, opponent=c.opponent or DEFAULT_OPPONENT.get(side.value, ""),
                        explain=why)
        out[c.id] = c
    return out


def _entry_header(r: _Article, s0: int, s1: int, cues: list, story: Story) -> bool:
    """A live blog's entry header ("14:32 GMT", "Sunday 27 November, 11:05"): it dates the entries below it,
    with the day it names, else the day of the entry before it, else the publication day. Returns whether
    the sentence was one."""
    line = r.folded[s0:s1]
    if cues or not r.lex.timestamp or not r.lex.timestamp.match(line.strip()) or r.published is None:
        return False
    days = [d for d in find_dates(line, r.published, r.lex, None, r.vague) if d.precision == "day"]
    if days:
        day = days[-1]
        story.entry_date = Dated(day, r.text[s0 + day.start:s0 + day.end])
    else:  # a clock time alone: the same day as the entry before it
        day = story.entry_date.mention if story.entry_date else DateMention(0, 0, r.published, "day")
        story.entry_date = Dated(day, r.text[s0:s1].strip())
    story.story_date = story.entry_date
    return True


def _sentence_claims(r: _Article, s: Sentence, sides: dict[int, Side], story: Story,
                     claims: dict[str, Claim]) -> list[Claim]:
    """The claims of one sentence, cue by cue (``claims``: the article's so far, for earlier reports)."""
    lex = r.lex
    src_factions = source_faction(s.sources, r.fac_re, r.fac_names)
    # the sides this sentence's changes with a named side go to
    gains = {DEFAULT_OPPONENT.get(sides[k].value, "") if s.cues[k][2].loser else sides[k].value
             for k in range(len(s.cues)) if sides.get(k) and s.cues[k][2].type in ("capture", "advance")} - {""}
    whole_area = AREA_KINDS | COARSE_KINDS  # a whole area changes hands only with a side named for it
    prev_before: list[Target] = []
    said: set[tuple[str, str, str, str]] = set()
    out: list[Claim] = []
    last_change: list[Target] = []  # the places of the sentence's last change, for a loser that names none
    for i, (c0, c1, cue) in enumerate(s.cues):
        picked, how = governed(s, i, lex, prev_before)
        if cue.place == "before":
            prev_before = picked
        if not picked and cue.loser and cue.place == "after" and last_change and _ends_clause(s, c1):
            # "seized the hill at dawn but was forced to pull out under fire": the place changed hands back
            picked, how = last_change, "previous change"
        if not picked or rejected(s, i, picked, lex):
            continue
        if cue.type in ("capture", "advance"):
            last_change = picked
        side = sides.get(i)
        actor = side.value if side else ""
        winner, loser = gained(s, i, picked, side)
        ctype, as_of_now, types, extents = change_type(s, i, picked, lex)
        opponent = opponent_of(s, ctype, winner.value if winner else "", loser, actor)
        status, status_words = modality(s, i, ctype, picked, lex)
        if status != "reported" and last_change is picked:
            last_change = []  # "entered X but pulled back": the pull-back is this push's end, not X's loss
        event_date, dprec, event_end, date_why = cue_date(s, i, ctype, as_of_now, story, r.as_published, lex)
        if ctype in ("capture", "advance") and (period := background(s, i, picked, event_date, dprec, r.published, lex)):
            # "taken by the rebels in 2012", "held since 2012": what the news stands on, not news
            types = ["control"] * len(types)
            event_date, dprec, event_end = period[0], "year", period[1]
            date_why["background"] = True
        loser_confirms = bool(ctype in ("capture", "advance") and opponent and opponent in src_factions
                              and (winner.value if winner else "") not in src_factions)
        hedged = bool(lex.hedges and lex.hedges.search(s.folded))
        if date_why.get("from") == "publication":
            date_why["words"], date_why["counted_from"] = None, r.article.date or None
        for t, ttype, extent in zip(picked, types, extents, strict=True):
            p = r.places[t.mention.place_id]
            if not winner and ttype in ("capture", "advance"):
                # "the fall of X ...": an earlier report of X, the one side this sentence's other changes
                # go to, the side the paragraph's last change went to
                winner = _earlier_report(p.id, [*claims.values(), *out]) or \
                    (Side(next(iter(gains)), "", "sentence") if len(gains) == 1 else None) or \
                    (story.para_gain.borrowed("paragraph") if story.para_gain and p.kind not in whole_area else None)
                opponent = opponent or DEFAULT_OPPONENT.get(winner.value if winner else "", "")
            if not winner and ttype in ("capture", "advance") and p.kind in whole_area:
                continue  # "no aid has entered eastern Aleppo": a whole area moving with no side says nothing
            wv = winner.value if winner else ""
            if (ttype, p.id, wv, status) in said:
                continue  # one sentence, two cues, one change ("pressed into X, seizing a third of it")
            said.add((ttype, p.id, wv, status))
            if wv and status == "reported" and ttype in ("capture", "advance"):
                story.para_gain = winner
            precision = max(p.precision, t.mention.precision)
            if lex.near and lex.near.search(s.folded[max(0, t.start - 22):t.start]):
                precision = max(precision, 2)
            conf = 0.5 + (0.15 if s.sources else 0) - (0.15 if hedged else 0) + (0.1 if loser_confirms else 0)
            conf -= 0.1 if not wv and ctype in ("capture", "advance", "control") else 0
            conf -= 0.05 * (precision - 1)
            cid = stable_id(r.article.id, s.start + c0, ttype, p.id, wv)
            explain = {
                "cue": {"words": s.words(c0, c1), "type": cue.type},
                "place": {"words": t.surface, "via": how if t.via == "name" else f"{how}, {t.via}",
                          **({"resolved": t.mention.reason} if t.mention.reason else {})},
                "side": {"words": winner.words, "from": winner.origin} if winner else {"from": None},
                "status": {"status": status, "words": status_words or None},
                "date": date_why, "sources": list(s.sources),
            }
            out.append(Claim(
                id=cid, article=r.article.id, published=r.article.date, type=ttype, status=status,
                faction=wv, opponent=opponent if opponent != wv else "",
                place=PlaceRef(p.id, p.name, t.surface, p.lon, p.lat, precision),
                event_date=event_date, date_precision=dprec, event_date_end=event_end,
                attributed_to=tuple(s.sources), sentence=s.text.strip(),
                confidence=round(min(0.95, max(0.05, conf)), 2), loser_confirms=loser_confirms,
                extent=extent if ttype == "advance" else "", title=r.article.title, url=r.article.url, source=r.article.source, lang=lex.lang, explain=explain,
            ))
    return out


#: What may follow a cue that has no object: the end of the clause, or an adverbial.
_NO_OBJECT = re.compile(r"\s*(?:$|[,.;:]|(?:after|before|amid|under|following|towards?|east|west|north|south|"
                        r"overnight|later|again|quickly|apres|avant|vers|sous|face|rapidement)\b|"
                        r"(?:[\w-]+ ){1,2}(?:later|afterwards|plus tard)\b)")  # "... withdraw two days later"


def _ends_clause(s: Sentence, c1: int) -> bool:
    """Whether nothing but an adverbial follows a cue ("was forced to pull out under fire", "were forced to
    withdraw east"): the cue has no object of its own."""
    return bool(_NO_OBJECT.match(s.folded, c1))


def _earlier_report(place_id: str, claims: list[Claim]) -> Side | None:
    """The side the latest dated report of the same change of ``place_id`` gave it ("The fall of X ...
    leaves the army in control"): never a recalled year; a statement of who holds X does not count."""
    c = next((c for c in reversed(claims) if c.place.id == place_id and c.faction
              and c.type in ("capture", "advance") and c.status == "reported" and c.date_precision == "day"), None)
    return Side(c.faction, (c.explain or {}).get("side", {}).get("words") or "", "earlier report") if c else None


def _tidy_sentence(r: _Article, s: Sentence, claims: dict[str, Claim]) -> None:
    """Drop what a sentence's other claims already say.

    "entered Hanano ..., their deepest push into the rebel-held east": a change of a whole area
    (precision 3) beside a change of a place inside it, by the same side, is that same change.
    """
    sentence = s.text.strip()
    mine = [c for c in claims.values() if c.type in ("capture", "advance") and c.status == "reported"
            and c.sentence == sentence]
    fine = {c.faction for c in mine if c.place.precision < 3}
    taken = {(c.place.id, c.faction) for c in mine if c.type == "capture"}

    def whole(c: Claim) -> bool:
        """A totality word just before the place: "all of eastern Aleppo", "l'intégralité d'Alep-Est"."""
        at = sentence.find(c.place.mention)
        return bool(r.lex.whole and at >= 0 and r.lex.whole.search(s.folded[max(0, at - 30):at]))

    for c in mine:
        kind = r.places[c.place.id].kind
        if c.place.precision >= 3 and c.faction in fine and kind in AREA_KINDS and not whole(c):
            del claims[c.id]
        elif c.type == "advance" and (c.place.id, c.faction) in taken:
            del claims[c.id]  # "moved into X as rebels retreated from it": the capture says it all
        elif kind in COARSE_KINDS and not whole(c):
            # "rebels lost a third of their enclave in Aleppo": the city says where, not what changed;
            # a change of the whole city is written as one ("full control of Aleppo", "tout Alep")
            del claims[c.id]


def _told_twice(claims: dict[str, Claim]) -> dict[str, Claim]:
    """A change told twice, once with its day and once within a vaguer period that holds that day ("last
    week ... on Sunday"), is one change: the telling with the day stands for both.

    >>> from geo.model import PlaceRef
    >>> p = PlaceRef("x", "X", "X", 37.1, 36.2, 1)
    >>> wk = Claim("w", "a", "2016-09-29", "capture", p, faction="opposition", event_date="2016-09-22",
    ...            date_precision="week", event_date_end="2016-09-28")
    >>> day = Claim("d", "a", "2016-09-29", "capture", p, faction="opposition", event_date="2016-09-25")
    >>> sorted(_told_twice({"w": wk, "d": day}))
    ['d']
    """
    days: dict[tuple[str, str, str, str], list[str]] = {}
    for c in claims.values():
        if c.date_precision == "day" and c.event_date:
            days.setdefault((c.type, c.place.id, c.faction, c.status), []).append(c.event_date)
    out = {}
    for k, c in claims.items():
        within = days.get((c.type, c.place.id, c.faction, c.status), [])
        if c.date_precision in ("week", "month") and c.event_date_end and any(
                c.event_date <= d <= c.event_date_end for d in within):
            continue
        out[k] = c
    return out


def _tidy_headline(text: str, spans: list[tuple[int, int, int]], claims: dict[str, Claim]) -> dict[str, Claim]:
    """A headline restates the story: its change is kept only when the body does not tell it."""
    headline = _headline(text, spans)
    if not headline:
        return claims
    told = {(c.type, c.place.id, c.faction) for c in claims.values() if c.sentence != headline}
    return {k: c for k, c in claims.items() if c.sentence != headline or (c.type, c.place.id, c.faction) not in told}


#: Longest first line read as a headline (characters).
HEADLINE_MAX = 200


def _headline(text: str, spans: list[tuple[int, int, int]]) -> str:
    """The first line of ``text`` when it reads as a headline: a paragraph of its own, short, with no
    full stop at its end, followed by more text ("Syrie : l'armée entre dans la vieille ville d'Alep").

    >>> t = "Alep : l'armée reprend Hanano\\n\\nL'armée a repris samedi le quartier."
    >>> _headline(t, split_sentences(t))
    "Alep : l'armée reprend Hanano"
    """
    first = [(a, b) for p, a, b in spans if p == spans[0][0]] if spans else []
    if len(first) != 1 or len(spans) < 2:
        return ""
    line = text[first[0][0]:first[0][1]].strip()
    return line if len(line) <= HEADLINE_MAX and not line.endswith((".", "!", "?", "…", "»", '"', "”")) else ""
