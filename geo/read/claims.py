"""Turn sentences with place mentions into claims: who took, held, hit or besieged what, when, per whom.

The reading is driven by the per-language lexicon (data/lexicon/<lang>.yaml) and the faction names
(data/factions.yaml); this module holds only the mechanics:

1. split the text into paragraphs and sentences (offsets kept);
2. in each sentence find *cues* (verbs and nouns of capture, advance, clash, strike, siege, control),
   faction names, date expressions and attribution;
3. for each cue take the place(s) on its side (``after``: "a repris X, Y et Z"; ``before``: "X fell to"),
   resolving "le quartier" / "the area" to the place last named;
4. the faction is the clause subject (or the agent after "held by" / "aux mains de"); a loser's framing
   ("rebels withdrew from X") gives the place to the other side;
5. modality (planned, attempted, denied) and hedges come from words in the clause before the cue.

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
from dataclasses import dataclass
from datetime import date

from geo.model import Article, Claim, Mention, Place, PlaceRef, stable_id
from geo.read.cues import dates_statement, faction_regex, named_sources, sentence_cues, source_faction
from geo.read.dates import find_dates, period_end, publication
from geo.read.factions import Factions
from geo.read.lexicon import Lexicon, fold_keep_length
from geo.read.sentences import CLAUSE_BREAK, clause_start, split_sentences

#: How far (characters) a cue reaches to find its first place, and how close list items must be.
CUE_REACH = 70
LIST_GAP = 32
#: The other side of a two-sided fight, when a sentence names only the loser or only the winner.
DEFAULT_OPPONENT = {"government": "opposition", "opposition": "government", "isis": "government",
                    "kurdish": "opposition"}
#: Kinds a district coreference ("le quartier", "the district") may point to.
DISTRICT_KINDS = {"neighbourhood", "camp", "village", "town", "district", "landmark", "military_site"}
#: Kinds of derived areas ("eastern Aleppo") that a finer place of the same sentence makes redundant.
AREA_KINDS = {"area", "region"}
#: Kinds too coarse for a coreference: "the area" after "Aleppo" is not Aleppo.
COARSE_KINDS = {"city", "region", "country"}

_LIST_GAP = re.compile(r"^[\s,;]*(?:(?:et|and|ainsi que|as well as|ou|or|puis|then|plus)\b)?[\s,]*"
                       r"(?:(?:the|le|la|les|l'|de|du|des|d'|of|in|a|au|aux)\s*)*"
                       # "A et la totalité de B", "A as well as neighbouring B"
                       r"(?:(?:la totalite|l'ensemble|l'integralite|the whole|the entire|all|neighbou?ring|nearby|adjacent|"
                       r"voisine?s?|proches?)\s*(?:de|du|des|d'|of|the|le|la)?\s*)?"
                       r"(?:(?:districts?|quartiers?|neighbou?rhoods?|areas?|villages?|localites?|zones?|secteurs?)\s*"
                       r"(?:(?:voisine?s?|proches?|adjacente?s?)\s*)?(?:of|de|d')?\s*)?$")
_MODIFIER = re.compile(r"(?:'s\b|\s+(?:province|governorate|countryside|district|offensive|battle|city council|"
                       r"region|province's))")
#: Between a district noun and the place it introduces: "quartier (voisin|rebelle) de X", "district of X".
_NOUN_OF = re.compile(r"\s*(?:[\w-]+\s+){0,2}?(?:de|du|des|d'|of|called|named)\s*(?:l'|la\s|le\s|the\s)?\s*$")
#: Between a place and a district noun after it: "Hanano district", "Hanano's housing district".
_NOUN_AFTER = re.compile(r"(?:'s)?\s*(?:[\w-]+\s+)?$")
#: A share that is what is left, not what was won: "rebels now hold less than a fifth of", "ne ... plus que".
_SHRINKING = re.compile(r"\b(?:less than|fewer than|only|just|barely|moins d|a peine|plus qu|seulement)")
#: A capture's object follows its verb directly: words that open an adverbial instead ("ont repris *sur*
#: plusieurs fronts, notamment à X") or end in a place preposition ("lost everything *in* X") mean the
#: place is where, not what.
_ADVERBIAL_START = re.compile(r"\s*(?:sur|dans|vers|depuis|pendant|contre|on|in|at|into|towards?|during|against|across)\b")
_LOCATIVE_END = re.compile(r"\w.*\s(?:in|inside|at|dans|sur)\s+(?:the\s+|le\s+|la\s+|les\s+|l')?$")


def _direct_object(gap: str, lex: Lexicon) -> bool:
    """Whether a place after ``gap`` (the words between a capture verb and it) is the verb's object."""
    bare = lex.filler.sub(" ", gap) if lex.filler else gap  # "a repris *dimanche* le quartier de X"
    if _ADVERBIAL_START.match(bare):
        return False
    return not (_LOCATIVE_END.search(bare) and not (lex.partial and lex.partial.search(bare)))


#: Between a place and the side that took it: "X par les rebelles", "X to the army", "X aux mains de".
_GAINER = re.compile(r"[\s,]*(?:by|to|par|into the hands of|aux mains d(?:e|u|es)|au profit d(?:e|u|es))"
                     r"\s+(?:the\s+|les?\s+|la\s+|l'|des\s+)?(?:[\w-]+\s+){0,2}?$")
#: In the words between a cue and its first place, a conjunction followed by a word that cannot start
#: a noun phrase opens another clause: "captured the hospital and came within 500 m of X".
_NEW_CLAUSE = re.compile(
    r"\s(?:which|that|who|where|qui|ou|dont|lequel|laquelle)\s|"  # a relative clause: "a hill which overlooks X"
    r"\s(?:and|et|then|puis)\s+(?!(?:the|a|an|its|their|all|both|parts?|most|much|large|several|some|le|la|les|l'|un|une|"
    r"des|du|de|d'|ses|leurs|sa|son|tout|toute|tous|toutes|plusieurs|une|districts?|quartiers?|neighbou?rhoods?|"
    r"areas?|villages?|secteurs?|zones?|parties|partie|de l')\b)[a-z]")
#: A bearing from a place named after an object: "the Y areas, south of X", "une colline au nord de X".
_BEARING = re.compile(r"\w.*\b(?:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+of|au\s+(?:nord|sud)(?:-est|-ouest)?\s+d|"
                      r"a\s+l'(?:est|ouest)\s+d|overlook(?:s|ing)?|near|next\s+to|close\s+to|surplombant|pres\s+d|"
                      r"a\s+proximite\s+d|non\s+loin\s+d)(?:e|u|es|')?\s*(?:the\s+|la\s+|le\s+|les\s+|l')?$")
#: A gap between two places that puts the second around the first ("A in B", "A dans B"), not after it.
_CONTAINED = re.compile(r"^\s*(?:in|inside|dans|a|au|aux)\s")
#: A possessive after a passive's "par" / "by": the agent is the sentence's subject ("par ses troupes").
_POSSESSIVE = re.compile(r"\s*(?:ses|leurs|sa|son|its|their)\b")
#: Words after a passive cue that introduce an agent ("by", "par") with no known faction after them.
_AGENT = re.compile(r"\s*(?:by|par|aux|to)\b")
#: Between a place and the coarse place that contains it: "X project in southwest Aleppo", "X, dans l'est d'".
_CONTAINER = re.compile(r"[\s,]*(?:[\w-]+\s+){0,2}?(?:in|of|a|dans|de|d'|du|near|pres de)\s+(?:[\w-]+\s+){0,2}?(?:l'|d')?$")
#: A sentence opening on a participial clause whose subject comes after it ("Après avoir repris X, l'armée").
_PARTICIPIAL = re.compile(r"^\W*(?:apres avoir|apres etre|apres s'etre|apres|after having|having|after|en|since)\b[^,]*$")
#: A relative pronoun opening a clause whose subject is the noun just before it.
_RELATIVE = re.compile(r",?\s*\b(?:qui|which|who)\s*$")
#: A determiner opening a noun phrase before a cue: the clause has a subject of its own.
_OTHER_SUBJECT = re.compile(r"(?:^|\s)(?:aucune?|nul|nulle|no|the|a|an|le|la|les|un|une|des)\s+[a-z]")
#: A finite verb right after a side: the side is a clause's subject ("les forces du régime *ont poursuivi*").
_FINITE = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:ont|a|avaient|avait|sont|est|se sont|s'est|have|has|had|were|was|"
                     r"are|is|pressed|pushed|moved|continued|advanced|poursuivent|poursuivi)\b")
#: Opening quotes and spaces before a clause's first word.
_QUOTES = " \t«»\"“”'‘’("


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    value: str


@dataclass(frozen=True)
class _Target:
    """A place a cue points at: a real mention or a coreference resolved to an earlier mention."""

    mention: Mention
    start: int
    end: int
    surface: str




def _places_after(cue_end: int, limit: int, targets: list[_Target], folded: str,
                  partial: re.Pattern[str] | None = None) -> list[_Target]:
    out: list[_Target] = []
    last = cue_end
    for t in targets:
        if t.start < cue_end or t.start >= limit:
            continue
        gap = folded[last:t.start]
        if not out:
            if t.start - cue_end > CUE_REACH or "." in gap or ";" in gap:
                break
            if _NEW_CLAUSE.search(gap) or _BEARING.search(gap):
                # "captured the Eye Hospital and came within 500 m of X": the object came first, X is
                # another verb's; "the Y areas, south of X": X is where the object is, not the object
                break
        elif len(gap) > LIST_GAP or not (_LIST_GAP.match(gap) or partial and _LIST_GAP.match(partial.sub(" ", gap))):
            break  # "A and much of B" continues the list: B's own quantity makes it an advance
        elif _CONTAINED.match(gap):
            break  # "the artillery college and the armament academy in X": X is where they are
        out.append(t)
        last = t.end
    return out


def _places_before(cue_start: int, floor: int, targets: list[_Target], folded: str) -> list[_Target]:
    out: list[_Target] = []
    last = cue_start
    for t in reversed(targets):
        if t.end > cue_start or t.end <= floor:
            continue
        gap = folded[t.end:last]
        if not out:
            if cue_start - t.end > CUE_REACH or "." in gap:
                break
        elif len(gap) > LIST_GAP or not _LIST_GAP.match(gap):
            break
        out.append(t)
        last = t.start
    if out and len(targets) > 1:
        # "The 1070 Apartments project in southwest Aleppo was recaptured": a container named after the
        # place ("in Aleppo", "d'Alep") is where it is, not what was taken
        first = out[0]
        k = targets.index(first) if first in targets else -1
        if k > 0 and first.mention.precision >= 3 and _CONTAINER.match(folded, targets[k - 1].end, first.start):
            out[0] = targets[k - 1]
    if len(out) == 1 and folded[out[0].end:cue_start].lstrip().startswith(","):
        # "Le quartier de X, le plus vaste du nord-est d'Alep, est passé ...": the place nearest the cue
        # is inside an apposition; the subject is the place just before the apposition's opening comma.
        comma = folded.rfind(",", floor, out[0].start)
        subj = [t for t in targets if floor < t.end <= comma and not folded[t.end:comma].strip()]
        if subj:
            return subj[-1:]
    return list(reversed(out))



def claims_from_mentions(article: Article, mentions: list[Mention], places: dict[str, Place],
                         factions: Factions, lex: Lexicon) -> list[Claim]:
    """Every claim of one article, given its place mentions (spans into ``article.text``)."""
    text = article.text
    folded = fold_keep_length(text)
    published, vague = publication(article.date)
    # with no date of its own, a report is as of publication: a day, a month, or nothing known
    as_published = (published.replace(day=1).isoformat(), "month") if vague == "month" else \
        (article.date, "day") if vague == "day" else ("", "none")
    fac_re, fac_names = faction_regex(factions, lex.lang)
    fac_spans = [_Span(m.start(), m.end(), fac_names[m.group(0)]) for m in fac_re.finditer(folded)] if fac_re else []

    # Places named as actors ("Damas et ses alliés") or as a base ("basé au Royaume-Uni") are not locations.
    fac_starts = [f.start for f in fac_spans]  # one regex's matches: sorted, never overlapping

    def faction_around(a: int, b: int) -> _Span | None:
        """The faction span that starts at or before ``a`` and reaches ``b``, if any."""
        k = bisect.bisect_right(fac_starts, a)
        return fac_spans[k - 1] if k and fac_spans[k - 1].end >= b else None

    def is_location(m: Mention) -> bool:
        f = faction_around(m.start, m.end)
        if f is not None and (f.end - f.start) > (m.end - m.start):
            return False
        if f is not None and f.start == m.start and f.end == m.end:
            # the same words are a faction name (e.g. "Damas a déclaré"): an actor when a verb follows
            return False
        if lex.not_location:
            before = folded[max(0, m.start - 25):m.start]
            if any(x.end() >= len(before) - 1 for x in lex.not_location.finditer(before)):
                return False
        if m.place_id not in places:
            return False
        # "Aleppo's", "the Aleppo district of X", "Aleppo province": the city names something else
        return not (places[m.place_id].kind in COARSE_KINDS and _MODIFIER.match(folded, m.end))

    located = sorted((m for m in mentions if is_location(m)), key=lambda m: m.start)
    # A faction name inside a longer place name is part of the name: "Assad" in "Dahiyat al-Assad".
    loc_starts = [m.start for m in located]

    def inside_place(f: _Span) -> bool:
        k = bisect.bisect_right(loc_starts, f.start)
        return any(m.start <= f.start and f.end <= m.end and (m.end - m.start) > (f.end - f.start)
                   for m in located[max(0, k - 3):k])

    fac_spans = [f for f in fac_spans if not inside_place(f)]
    fac_starts = [f.start for f in fac_spans]
    history: list[Mention] = []
    claims: dict[str, Claim] = {}
    last_para, para_date, para_actor = -1, None, ""
    story_date = None  # the last date the article reached, across paragraphs: what "a day after" counts from

    spans = split_sentences(text)
    all_cues = sentence_cues(folded, spans, lex)
    for (para, s0, s1), cues in zip(spans, all_cues, strict=True):
        if para != last_para:
            last_para, para_date, para_actor = para, None, ""
        sentence, sf = text[s0:s1], folded[s0:s1]
        if sentence.lstrip().startswith("#"):
            continue  # a Markdown heading ("### Capture of Hanano") names a topic, it reports nothing
        sent_mentions = located[bisect.bisect_left(loc_starts, s0):bisect.bisect_left(loc_starts, s1)]
        targets = [_Target(m, m.start - s0, m.end - s0, m.surface) for m in sent_mentions]
        # Coreference: "le quartier" / "the area" -> the place last named (this sentence or earlier).
        for kind, rx in lex.coreference.items():
            for cm in rx.finditer(sf):
                if any(t.start <= cm.start() < t.end or cm.start() <= t.start < cm.end() for t in targets):
                    continue
                if any(t.start >= cm.end() and (_NOUN_OF.match(sf, cm.end(), t.start)
                                                or not sf[cm.end():t.start].strip()) for t in targets):
                    continue  # "le quartier (voisin) de X", "the nearby district of X": X itself follows
                if any(t.end <= cm.start() and _NOUN_AFTER.match(sf, t.end, cm.start()) for t in targets):
                    continue  # "the Hanano district", "X neighbourhood": the noun belongs to X
                prior = [m for m in sent_mentions if m.end - s0 <= cm.start()] or []
                pool = list(reversed(prior)) + list(reversed(history))
                ok = [m for m in pool if places[m.place_id].kind not in COARSE_KINDS and
                      (kind != "district" or places[m.place_id].kind in DISTRICT_KINDS)]
                if ok:
                    targets.append(_Target(ok[0], cm.start(), cm.end(), sentence[cm.start():cm.end()]))
        targets.sort(key=lambda t: t.start)
        context = para_date or story_date
        dates = find_dates(sf, published, lex, context.day if context else None, vague)
        days = [x for x in dates if x.precision == "day"]
        if days:
            # a recalled year ("taken by the rebels in 2012") does not move the story's date, nor does a
            # day counted back from another ("a day after X fell")
            ahead = [x for x in days if not (lex.anchored_re and lex.anchored_re.match(sf, x.start)
                                             and lex.anchored.get(sf[x.start:x.end], 0) < 0)]
            para_date = ahead[-1] if ahead else para_date or days[-1]
            story_date = para_date
        sfacs = fac_spans[bisect.bisect_left(fac_starts, s0):bisect.bisect_left(fac_starts, s1)]
        sfacs = [_Span(f.start - s0, f.end - s0, f.value) for f in sfacs]
        consumed: set[int] = set()
        actors: dict[int, str] = {}

        def recalled(c0: int, c1: int, sf: str = sf, dates: list = dates) -> bool:
            """A cue in a clause dated by a year only ("which rebels had taken in 2012"): background, whose
            side is not the one the paragraph goes on with."""
            nb = CLAUSE_BREAK.search(sf, c1)
            a, b = clause_start(sf, c0, 0), nb.start() if nb else len(sf)
            return any(x.precision == "year" and a <= x.start < b for x in dates)

        # Agents after the cue first ("tenus par le gouvernement"), so a subject search skips them.
        for i, (_c0, c1, cue) in enumerate(cues):
            if cue.actor == "after":
                nxt = cues[i + 1][0] if i + 1 < len(cues) else len(sf)
                # a loser is only named by an agent ("was lost by the rebels"), never by a side further on
                agent = _AGENT.match(sf, c1) or sf[max(0, c1 - 4):c1].endswith((" by", " par"))
                reach = c1 + CUE_REACH if not cue.loser else (c1 + 30 if agent else c1)
                for f in sfacs:
                    if c1 <= f.start < min(nxt, reach):
                        actors[i] = f.value
                        consumed.add(f.start)
                        break
                else:
                    # "reprise par ses troupes", "taken by its forces": the possessive points at the subject
                    first = [f for f in sfacs if f.end <= cues[i][0]]
                    if first and _POSSESSIVE.match(sf, c1):
                        actors[i] = first[0].value
                    elif cue.type == "capture" and not cue.loser and not _AGENT.match(sf, c1):
                        # "X fell to the army, a day after Y and Z were taken": an agentless passive
                        # continues the side of the sentence's previous change, else the paragraph's
                        prev = [actors[j] for j in range(i) if actors.get(j) and cues[j][2].type == "capture"]
                        if prev or para_actor:
                            actors[i] = prev[-1] if prev else para_actor
                if actors.get(i) and cue.type in ("capture", "advance") and not cue.loser:
                    para_actor = actors[i]
        for i, (c0, _c1, cue) in enumerate(cues):
            if cue.actor == "main":
                # a participle ("en s'emparant de X") has the main clause's subject: the first side named
                main = [f for f in sfacs if f.end <= c0 and f.start not in consumed]
                actors[i] = main[0].value if main else para_actor
            elif cue.actor == "none":
                pass  # "the fall of X": the side comes from after the place or from the rest of the report
            elif cue.actor not in ("after", "subject"):
                actors[i] = cue.actor
            elif cue.actor == "subject":
                cl = clause_start(sf, c0, 0)
                before = [f for f in sfacs if f.end <= c0 and f.start not in consumed]
                in_clause = [f for f in before if f.start >= cl]
                rel = _RELATIVE.search(sf[:cl])
                if not in_clause and rel:
                    # "l'armée, qui a aussi avancé dans X": the antecedent just before "qui" is the subject
                    ante = [f for f in sfacs if rel.start() - 3 <= f.end <= rel.start()]
                    in_clause = ante[-1:]
                # "-held": the faction is the word glued to the cue ("rebel-held")
                subj_at = cl + len(sf[cl:c0]) - len(sf[cl:c0].lstrip(_QUOTES))
                if in_clause:
                    actors[i] = in_clause[-1].value
                elif para_actor and lex.pronoun and lex.pronoun.match(sf, subj_at):
                    actors[i] = para_actor  # "Elles ont également pris pied dans X": the last side named
                elif lex.first_person and lex.first_person.match(sf, subj_at) and len({f.value for f in sfacs}) == 1:
                    # "« Nous avons dû abandonner X », a reconnu un commandant rebelle": the speaker's side
                    actors[i] = sfacs[0].value
                elif before:
                    actors[i] = before[0].value
                elif not sfacs and para_actor and not _OTHER_SUBJECT.search(sf, cl, c0):
                    # "They captured X": a sentence naming no side continues the paragraph's last subject,
                    # unless its clause has a subject of its own that is no side ("Aucune aide n'est entrée")
                    actors[i] = para_actor
                elif _PARTICIPIAL.match(sf[:c0]) or _PARTICIPIAL.match(sf[sf.rfind(", ", 0, c0) + 2:c0]):
                    # "Après avoir arraché Tariq al-Bab aux insurgés, l'armée a poursuivi": the main
                    # clause's subject, after the comma, did it
                    comma = sf.find(", ", c0)
                    # the side that a verb follows ("..., l'un des bastions de la rébellion, les forces du
                    # régime ont poursuivi"), else the first side right after the comma
                    after = [f for f in sfacs if comma >= 0 and comma < f.start and _FINITE.match(sf, f.end)] or \
                        [f for f in sfacs if comma >= 0 and comma < f.start < comma + 40]
                    if after:
                        actors[i] = after[0].value
                if actors.get(i) and not recalled(c0, _c1):
                    para_actor = actors[i]
        if not any(actors.values()) and sfacs and (sfacs[0].start < 40 or len({f.value for f in sfacs}) == 1):
            # "Government forces advanced on Friday. They captured X": a sentence opening on a side, or
            # naming one side only, makes it the subject "they" continues, even with no cue of its own.
            para_actor = sfacs[0].value
        if not targets or not cues:
            # no place or nothing said of it: the sentence only carries its date, subject and places on
            history.extend(m for m in sent_mentions if places[m.place_id].kind not in COARSE_KINDS)
            continue
        sources = named_sources(sentence, sf, lex)
        src_factions = source_faction(sources, fac_re, fac_names)
        # the sides this sentence's changes with a named side go to
        gains = {DEFAULT_OPPONENT.get(actors[k], "") if cues[k][2].loser else actors[k] for k in range(len(cues))
                 if actors.get(k) and cues[k][2].type in ("capture", "advance")} - {""}
        prev_before: list[_Target] = []
        said: set[tuple[str, str, str, str]] = set()
        for i, (c0, c1, cue) in enumerate(cues):
            prev_end = cues[i - 1][1] if i > 0 else 0
            nxt = cues[i + 1][0] if i + 1 < len(cues) else len(sf)
            picked = (_places_after(c1, nxt, targets, sf, lex.partial) if cue.place == "after"
                      else _places_before(c0, prev_end, targets, sf))
            if not picked and cue.place == "after" and cue.type in ("capture", "advance") and lex.including:
                # "retook all the ground lost in the offensive, including A and B": the list after
                # "including" is the object, unless another change cue comes first
                inc = lex.including.search(sf, c1)
                if inc and "." not in sf[c1:inc.start()] and ";" not in sf[c1:inc.start()] and not any(
                        c1 <= o0 < inc.start() and oc.type in ("capture", "advance") for o0, _, oc in cues):
                    picked = _places_after(inc.end(), len(sf), targets, sf)
            if not picked and cue.place == "before" and i and cues[i - 1][2].place == "before":
                picked = prev_before  # "X, which was taken by ... in 2012, fell to the army": one subject
            if cue.place == "before":
                prev_before = picked
            if picked and cue.loser and cue.place == "after" and lex.direction and \
                    lex.direction.search(sf[c1:picked[0].start]):
                picked = []  # "the last defenders withdrew towards X": X is where they went, not what they lost
            if picked and cue.type == "capture" and cue.place == "after" and not _direct_object(
                    sf[c1:picked[0].start], lex):
                picked = []  # "les combats ont repris sur plusieurs fronts, à X", "we lost everything in X"
            if not picked:
                continue
            ctype = cue.type
            as_of_now = False
            actor = actors.get(i, "")
            winner, loser = actor, ""
            if cue.loser and actor:
                loser = actor
                others = [f.value for f in sfacs if f.value != actor]
                winner = others[0] if others else DEFAULT_OPPONENT.get(actor, "")
            if ctype == "capture" and cue.place == "after":
                # "la prise du village de X par les rebelles", "the fall of X to the army", "rebels lost X
                # to the army": the side named right after the places took them
                gainer = next((f for f in sfacs if 0 <= f.start - picked[-1].end <= 40
                               and _GAINER.match(sf, picked[-1].end, f.start)), None)
                if gainer is not None and gainer.value != loser:
                    winner, loser = gainer.value, loser or (actor if actor != gainer.value else "")
            if ctype in ("capture", "advance", "control"):
                opponent = loser or next((f.value for f in sfacs if winner and f.value != winner), "") \
                    or DEFAULT_OPPONENT.get(winner, "")
            else:
                opponent = next((f.value for f in sfacs if actor and f.value != actor), "")
            if ctype == "control" and lex.partial and lex.now and cue.place == "after" and \
                    lex.partial.search(sf[c1:picked[0].start]) and lex.now.search(sf[clause_start(sf, c0, 0):c1]) \
                    and not _SHRINKING.search(sf[c0:picked[0].start]):
                ctype = "advance"  # "troops now control 40 percent of X": a partial gain, as of now
                as_of_now = True
            elif ctype == "control" and lex.again and lex.again.search(sf[clause_start(sf, c0, 0):c1]):
                ctype = "capture"  # "de nouveau sous l'autorité de l'État": back in the hands of
            if ctype == "capture" and lex.partial:
                # the quantity stands between cue and place, or inside the cue ("avaient en grande partie conquis")
                span = sf[c0:picked[0].start] if cue.place == "after" else sf[max(0, picked[0].start - 40):picked[0].start]
                if lex.partial.search(span):
                    ctype = "advance"
            types = [ctype] * len(picked)
            if ctype == "capture" and lex.partial and cue.place == "after":
                prev = c1
                for k, t in enumerate(picked):  # "seized A and much of B": B is an advance
                    if k and lex.partial.search(sf[prev:t.start]):
                        types[k] = "advance"
                    prev = t.end
            status = "reported"
            window = sf[clause_start(sf, c0, 0):c0] if ctype != "control" else ""
            whole_window = sf[:c0]
            if ctype != "control":
                nb = CLAUSE_BREAK.search(sf, picked[-1].end)
                if lex.modality.get("attempted") and (lex.modality["attempted"].search(whole_window)
                                                      or lex.modality["attempted"].search(sf[c1:])
                                                      and ctype == "clash"
                                                      # "a push into X last week was halted"
                                                      or lex.modality["attempted"].search(
                                                          sf[picked[-1].end:nb.start() if nb else len(sf)])):
                    status = "attempted"
                elif lex.modality.get("planned") and lex.modality["planned"].search(window or whole_window[-60:]):
                    status = "planned"
            if ctype in ("capture", "advance") and (
                    # "rebels denied that X had fallen": the denial comes before what it denies
                    lex.modality.get("denied") and lex.modality["denied"].search(sf[:c0])
                    # "X n'a pas été repris", "the army has not entered X"
                    or lex.modality.get("negated") and lex.modality["negated"].search(sf[max(0, c0 - 30):c0].rstrip())):
                status = "denied"
            # Dates: the expression nearest the cue; else the paragraph's last date for events;
            # a control or siege statement with no date of its own is as of publication.
            if as_of_now and not dates:
                event_date, dprec = as_published
            elif dates:
                cl0 = clause_start(sf, c0, 0)
                nb = CLAUSE_BREAK.search(sf, c1)
                cl1 = nb.start() if nb else len(sf)
                # The cue's own clause first: "said on Monday that its fighters had retaken X overnight",
                # where Monday dates the statement; outside it, a day before a recalled year.
                stated = [dates_statement(sf, x.start, lex) for x in dates]
                own = [x for x in dates if cl0 <= x.start < cl1]
                # Outside it, a date in a later clause ("..., followed on 28 November by Y") is that clause's.
                near = ([x for x, st in zip(dates, stated, strict=True) if cl0 <= x.start < cl1 and not st] or own
                        or [x for x, st in zip(dates, stated, strict=True)
                            if not st and x.precision == "day" and x.start < cl1]
                        or [x for x, st in zip(dates, stated, strict=True) if not st and x.precision == "day"]
                        or [x for x in dates if x.precision == "day"] or dates)
                d = min(near, key=lambda x: abs(x.start - c0))
                event_date, dprec = d.day.isoformat(), d.precision
            elif para_date and ctype not in ("control", "siege"):
                event_date, dprec = para_date.day.isoformat(), para_date.precision
            else:
                event_date, dprec = as_published
            event_end = period_end(date.fromisoformat(event_date), dprec).isoformat() \
                if event_date and dprec not in ("day", "none") else ""
            loser_confirms = bool(ctype in ("capture", "advance") and opponent and opponent in src_factions
                                  and winner not in src_factions)
            hedged = bool(lex.hedges and lex.hedges.search(sf))
            for t, ttype in zip(picked, types, strict=True):
                p = places[t.mention.place_id]
                if not winner and ttype in ("capture", "advance"):
                    # "The fall of X ... leaves the army in control": the side an earlier report of
                    # this article gave the same change of X
                    # (the latest such report, never a recalled year; a statement of who holds X may come before or after)
                    winner = next((c.faction for c in reversed(claims.values()) if c.place.id == p.id
                                   and c.faction and c.type in ("capture", "advance")
                                   and c.status == "reported" and c.date_precision == "day"), "")
                    if not winner and len(gains) == 1:
                        # "Jabal Badro passed to the army, a day after the fall of X": one side gains here
                        winner = next(iter(gains))
                    opponent = opponent or DEFAULT_OPPONENT.get(winner, "")
                if not winner and ttype in ("capture", "advance") and p.kind in AREA_KINDS | COARSE_KINDS:
                    continue  # "no aid has entered eastern Aleppo": a whole area moving with no side says nothing
                if (ttype, p.id, winner, status) in said:
                    continue  # one sentence, two cues, one change ("pressed into X, seizing a third of it")
                said.add((ttype, p.id, winner, status))
                precision = max(p.precision, t.mention.precision)
                if lex.near and lex.near.search(sf[max(0, t.start - 22):t.start]):
                    precision = max(precision, 2)
                conf = 0.5 + (0.15 if sources else 0) - (0.15 if hedged else 0) + (0.1 if loser_confirms else 0)
                conf -= 0.1 if not winner and ctype in ("capture", "advance", "control") else 0
                conf -= 0.05 * (precision - 1)
                cid = stable_id(article.id, s0 + c0, ttype, p.id, winner)
                claims[cid] = Claim(
                    id=cid, article=article.id, published=article.date, type=ttype, status=status,
                    faction=winner, opponent=opponent if opponent != winner else "",
                    place=PlaceRef(p.id, p.name, t.surface, p.lon, p.lat, precision),
                    event_date=event_date, date_precision=dprec, event_date_end=event_end, attributed_to=tuple(sources),
                    sentence=sentence.strip(), confidence=round(min(0.95, max(0.05, conf)), 2),
                    loser_confirms=loser_confirms, title=article.title, url=article.url,
                    source=article.source, lang=lex.lang,
                )
        # "entered Hanano ..., their deepest push into the rebel-held east": a change of a whole area (precision 3)
        # beside a change of a place inside it, by the same side in the same sentence, is that same change.
        mine = [c for c in claims.values() if c.type in ("capture", "advance") and c.status == "reported"
                and c.sentence == sentence.strip()]
        fine = {c.faction for c in mine if c.place.precision < 3}
        taken = {(c.place.id, c.faction) for c in mine if c.type == "capture"}
        def whole(c: Claim, sentence: str = sentence, sf: str = sf) -> bool:
            """A totality word just before the place: "all of eastern Aleppo", "l'intégralité d'Alep-Est"."""
            at = sentence.find(c.place.mention)
            return bool(lex.whole and at >= 0 and lex.whole.search(sf[max(0, at - 30):at]))

        for c in mine:
            if c.place.precision >= 3 and c.faction in fine and places[c.place.id].kind in AREA_KINDS \
                    and not whole(c):
                del claims[c.id]
            elif c.type == "advance" and (c.place.id, c.faction) in taken:
                del claims[c.id]  # "moved into X as rebels retreated from it": the capture says it all
            elif places[c.place.id].kind in COARSE_KINDS and not whole(c):
                # "rebels lost a third of their enclave in Aleppo": the city says where, not what changed;
                # a change of the whole city is written as one ("full control of Aleppo", "tout Alep")
                del claims[c.id]
        history.extend(m for m in sent_mentions if places[m.place_id].kind not in COARSE_KINDS)
    headline = _headline(text, spans)
    if headline:
        # A headline restates the story: its change is kept only when the body does not tell it.
        told = {(c.type, c.place.id, c.faction) for c in claims.values() if c.sentence != headline}
        claims = {k: c for k, c in claims.items() if c.sentence != headline or (c.type, c.place.id, c.faction) not in told}
    return sorted(claims.values(), key=lambda c: (c.event_date, c.place.id, c.type, c.id))


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
