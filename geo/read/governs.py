"""Which places a cue governs: its object ("a repris X, Y et Z"), its subject ("X fell to"), a list after
"including", a coreference ("the district") resolved to a place named before.

Also which mentions are places at all: a place named as an actor ("Damas et ses alliés") or as a source's
base ("basé au Royaume-Uni") is not a location.

>>> import re
>>> from geo.model import Mention
>>> folded = "l'armee a repris sakhour et haydariye."
>>> ts = [Target(Mention("s", "Sakhour", 17, 24), 17, 24, "Sakhour"), Target(Mention("h", "Haydariye", 28, 37), 28, 37, "H")]
>>> [t.mention.place_id for t in places_after(16, len(folded), ts, folded)]
['s', 'h']
"""

from __future__ import annotations

import bisect
import re

from geo.model import Mention, Place
from geo.read.lexicon import Lexicon
from geo.read.record import Sentence, Span, Target

#: How far (characters) a cue reaches to find its first place, and how close list items must be.
CUE_REACH = 70
LIST_GAP = 32
#: Kinds a district coreference ("le quartier", "the district") may point to.
DISTRICT_KINDS = {"neighbourhood", "camp", "village", "town", "district", "landmark", "military_site"}
#: Kinds too coarse for a coreference: "the area" after "Aleppo" is not Aleppo.
COARSE_KINDS = {"city", "region", "country"}

_LIST_GAP = re.compile(r"^[\s,;]*(?:(?:et|and|ainsi que|as well as|in addition to|en plus de|ou|or|puis|then|plus)\b)?[\s,]*"
                       # "A et celui de B", "A and that of B"
                       r"(?:(?:celui|celle|ceux|celles)\s+(?=d)|(?:that|those)\s+(?=of))?"
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
#: After a district noun, a capitalised name: the noun introduces a place of its own ("le village de Tal Aren").
_NAMED_AFTER = re.compile(r"\s+(?:de|du|des|d'|d’|of|called|named)\s*(?:l'|l’|la\s|le\s|the\s)?[A-Z]")
#: A capture's object follows its verb directly: words that open an adverbial instead ("ont repris *sur*
#: plusieurs fronts, notamment à X") or end in a place preposition ("lost everything *in* X") mean the
#: place is where, not what.
_ADVERBIAL_START = re.compile(r"\s*(?:sur|dans|vers|depuis|pendant|contre|on|in|at|into|towards?|during|against|across)\b")
_LOCATIVE_END = re.compile(r"\w.*\s(?:in|inside|at|dans|sur)\s+(?:the\s+|le\s+|la\s+|les\s+|l'|this\s+|that\s+|"
                           r"these\s+|cette\s+|ce\s+|cet\s+|ces\s+)?$")
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
                      r"a\s+proximite\s+d|non\s+loin\s+d)(?:e|u|es|')?\s*(?:the\s+|la\s+|le\s+|les\s+|l')?$|"
                      # "the factories between the X roundabout and ...", "entre le rond-point de X et ..."
                      r"\b(?:between|entre)\s+(?:[\w'-]+\s+){0,3}?(?:(?:de|du|des|d'|of)\s*(?:the\s+|la\s+|le\s+|l')?)?$")
#: An apposition set off by commas right before a cue ("X, un quartier stratégique tenu par les rebelles, est
#: tombé"): the cue's subject is the place before it.
_APPOSED = re.compile(r",\s[^,.;:]{3,100},\s*$")
#: A relative clause set off by commas inside a list ("A, where ammunition is stored, and B", "A, où se trouvent
#: des munitions, et B"): an aside, skipped when deciding whether the list goes on.
_ASIDE = re.compile(r",\s*(?:which|where|that|who|ou|qui|que|dont|lequel|laquelle)\b[^,.;:]{1,60},")
#: An item of the list that names no place geo knows ("A, the Sadcop fuel depot, B", "A, la zone industrielle,
#: B"): a short noun phrase opening on an article between two commas, skipped like an aside.
#: Also a name no article opens but that reads as one: an Arabic article joined to it ("al-Inzarat"), or a
#: generic word of places at its end ("Scientific Research Housing", "la station de pompage").
_UNKNOWN_ITEM = re.compile(r",\s*(?:(?:the|le|la|les|l')\s*(?:[\w'-]+\s+){0,3}[\w'-]+"
                           r"|(?:al|el|ad|ar|as|at|az|ash|an)-[\w'-]+(?:\s+[\w'-]+){0,2}"
                           r"|(?:[\w'-]+\s+){0,3}(?:housings?|districts?|neighbou?rhoods?|quarters?|camps?|projects?|"
                           r"stations?|schools?|academ(?:y|ies)|colleges?|hospitals?|factor(?:y|ies)|bases?|hills?|"
                           r"villages?|quartiers?|secteurs?|collines?|ecoles?|hopitaux|hopital|usines?))\s*(?=,)")
#: A gap between two places that puts the second around the first ("A in B", "A dans B"), not after it.
_CONTAINED = re.compile(r"^\s*(?:in|inside|dans|a|au|aux)\s")
#: Between a place and the coarse place that contains it: "X project in southwest Aleppo", "X, dans l'est d'".
_CONTAINER = re.compile(r"[\s,]*(?:[\w-]+\s+){0,2}?(?:in|of|a|dans|de|d'|du|near|pres de)\s+(?:[\w-]+\s+){0,2}?(?:l'|d')?$")


# ---------------------------------------------------------------- which mentions are places

def located_mentions(mentions: list[Mention], places: dict[str, Place], sides: list[Span], folded: str,
                     lex: Lexicon) -> list[Mention]:
    """The mentions that name a location, sorted by start (not an actor, a source's base, or a city
    used as a modifier: "Aleppo's", "Aleppo province")."""
    starts = [f.start for f in sides]  # one regex's matches: sorted, never overlapping

    def side_around(a: int, b: int) -> Span | None:
        k = bisect.bisect_right(starts, a)
        return sides[k - 1] if k and sides[k - 1].end >= b else None

    def is_location(m: Mention) -> bool:
        f = side_around(m.start, m.end)
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
        # "Aleppo's", "Aleppo province", "the eastern Aleppo districts of X": the city or area names another place
        return not (places[m.place_id].kind in COARSE_KINDS | {"area"} and _MODIFIER.match(folded, m.end))

    return sorted((m for m in mentions if is_location(m)), key=lambda m: m.start)


def sides_outside_places(sides: list[Span], located: list[Mention]) -> list[Span]:
    """Faction names that are not part of a longer place name ("Assad" in "Dahiyat al-Assad")."""
    starts = [m.start for m in located]

    def inside_place(f: Span) -> bool:
        k = bisect.bisect_right(starts, f.start)
        return any(m.start <= f.start and f.end <= m.end and (m.end - m.start) > (f.end - f.start)
                   for m in located[max(0, k - 3):k])

    return [f for f in sides if not inside_place(f)]


# ---------------------------------------------------------------- targets: names and coreferences

def sentence_targets(text: str, folded: str, s0: int, mentions: list[Mention], history: list[Mention],
                     places: dict[str, Place], lex: Lexicon) -> list[Target]:
    """The sentence's place mentions, plus each coreference ("le quartier", "the area") resolved to the
    place last named (in this sentence, else before it), sorted by position (sentence offsets)."""
    targets = [Target(m, m.start - s0, m.end - s0, m.surface, kind=places[m.place_id].kind) for m in mentions]
    for kind, rx in lex.coreference.items():
        for cm in rx.finditer(folded):
            if any(t.start <= cm.start() < t.end or cm.start() <= t.start < cm.end() for t in targets):
                continue
            if any(t.start >= cm.end() and (_NOUN_OF.match(folded, cm.end(), t.start)
                                            or not folded[cm.end():t.start].strip()) for t in targets):
                continue  # "le quartier (voisin) de X", "the nearby district of X": X itself follows
            if any(t.end <= cm.start() and _NOUN_AFTER.match(folded, t.end, cm.start()) for t in targets):
                continue  # "the Hanano district", "X neighbourhood": the noun belongs to X
            if _NAMED_AFTER.match(text, cm.end()):
                continue  # "le village de Tal Aren", "the district of Karm": a name follows, known or not
            prior = [m for m in mentions if m.end - s0 <= cm.start()]
            pool = list(reversed(prior)) + list(reversed(history))
            ok = [m for m in pool if places[m.place_id].kind not in COARSE_KINDS and
                  (kind != "district" or places[m.place_id].kind in DISTRICT_KINDS)]
            if ok:
                targets.append(Target(ok[0], cm.start(), cm.end(), text[cm.start():cm.end()], "coreference",
                                      places[ok[0].place_id].kind))
    return sorted(targets, key=lambda t: t.start)


# ---------------------------------------------------------------- the places a cue governs

#: Between two items of a list: a comma, "and", "et" (how the names no gazetteer holds are told apart).
_ITEM_SEP = re.compile(r"\s*(?:,|;|\band\b|\bet\b)\s*")
#: A name as reports write one: capitalised words, or a word behind an Arabic article ("al-Inzarat").
_BARE_NAME = re.compile(r"(?:(?:the|le|la|les|l'|l’)\s*)?"
                        r"(?:(?:[A-Z\u00c0-\u00de][\w'’-]*|(?:al|el|ad|ar|as|at|az|ash|an)-[\w'’-]+)\s*){1,4}")


def _names_only(text: str) -> bool:
    """Whether ``text`` (a gap between two places of a list) holds only separators and names geo does not
    know: "Qastal Harami, Beit Qanas et Salihine" between two districts it knows."""
    pieces = [x for x in _ITEM_SEP.split(text) if x.strip()]
    return bool(pieces) and bool(_ITEM_SEP.match(text)) and all(_BARE_NAME.fullmatch(x.strip()) for x in pieces)


def places_after(cue_end: int, limit: int, targets: list[Target], folded: str,
                 partial: re.Pattern[str] | None = None, text: str | None = None) -> list[Target]:
    """The object of a cue: the first place within reach after it, and the list that follows it (``text``,
    the sentence as written, lets the list run over names geo does not know)."""
    out: list[Target] = []
    last = cue_end
    for t in targets:
        if t.start < cue_end or t.start >= limit:
            continue
        gap = folded[last:t.start]
        if out and text is not None and _names_only(text[last:t.start]):
            gap = ", "
        if not out:
            if t.start - cue_end > CUE_REACH or "." in gap or ";" in gap:
                break
            if _NEW_CLAUSE.search(gap) or _BEARING.search(gap):
                # "captured the Eye Hospital and came within 500 m of X": the object came first, X is
                # another verb's; "the Y areas, south of X": X is where the object is, not the object
                break
        elif len(gap := _UNKNOWN_ITEM.sub("", _ASIDE.sub(",", gap))) > LIST_GAP or not (
                _LIST_GAP.match(gap) or partial and _LIST_GAP.match(partial.sub(" ", gap))):
            break  # "A and much of B" continues the list: B's own quantity makes it an advance
        elif _CONTAINED.match(gap):
            break  # "the artillery college and the armament academy in X": X is where they are
        out.append(t)
        last = t.end
    return out


def places_before(cue_start: int, floor: int, targets: list[Target], folded: str,
                  including: re.Pattern[str] | None = None) -> list[Target]:
    """The subject of a cue ("X fell", "X and Y were taken"), with the list that ends at it."""
    out: list[Target] = []
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
        if comma >= 0 and including and including.match(folded[comma + 1:out[0].start].lstrip()):
            return out  # "Five districts, including X, fell": the apposition names the subject
        subj = [t for t in targets if floor < t.end <= comma and not folded[t.end:comma].strip()]
        if subj:
            return subj[-1:]
        if comma >= 0 and out[0].kind in COARSE_KINDS | {"area", "region"}:
            # "A, B et C, qui se trouvent dans l'est d'Alep, ont été pris": the list before the relative
            # clause, even when an unknown name ends it
            listed = places_before(comma, floor, targets, folded)
            if listed:
                return listed
    return list(reversed(out))


def direct_object(gap: str, lex: Lexicon, motion: bool = False) -> bool:
    """Whether a place after ``gap`` (the words between a capture verb and it) is the verb's object.

    For a verb of motion (an advance) a preposition may open the gap ("stormed *into* X"); an object with a
    place preposition after it still makes the place where ("stormed army positions *in* X").
    """
    bare = lex.filler.sub(" ", gap) if lex.filler else gap  # "a repris *dimanche* le quartier de X"
    if not motion and _ADVERBIAL_START.match(bare):
        return False
    return not (_LOCATIVE_END.search(bare) and not (lex.partial and lex.partial.search(bare)))


def governed(s: Sentence, i: int, lex: Lexicon, prev_before: list[Target]) -> tuple[list[Target], str]:
    """The places cue ``i`` of sentence ``s`` governs, and how they were found: ``object``, ``subject``,
    ``including`` (the list after "including"), ``shared subject`` (the previous cue's) or "" for none.

    ``prev_before`` is what the previous cue took from before it ("X, which was taken in 2012, fell ...").
    """
    cues, sf, targets = s.cues, s.folded, s.targets
    c0, c1, cue = cues[i]
    prev_end = cues[i - 1][1] if i > 0 else 0
    nxt = cues[i + 1][0] if i + 1 < len(cues) else len(sf)
    if cue.place == "after":
        picked, how = places_after(c1, nxt, targets, sf, lex.partial, s.text), "object"
    else:
        picked, how = places_before(c0, prev_end, targets, sf, lex.including), "subject"
    changes = cue.type in ("capture", "advance")
    if changes and cue.place == "after" and lex.including and (not picked or container(s, c1, picked[0], lex)):
        # "retook all the ground lost in the offensive, including A and B", "seized three quarters of the
        # Old City, including A and B": the list after "including" is the object, unless another change
        # cue comes first
        inc = lex.including.search(sf, picked[-1].end if picked else c1)
        if inc and "." not in sf[c1:inc.start()] and ";" not in sf[c1:inc.start()] and not any(
                c1 < o0 < inc.start() and oc.type in ("capture", "advance") for o0, _, oc in cues):
            members = places_after(inc.end(), len(sf), targets, sf, text=s.text)
            if members or not picked:
                picked, how = members, "including"
        if how != "including" and picked and lex.unnamed_place and picked[0].kind in COARSE_KINDS | {"area", "region"} \
                and lex.unnamed_place.search(sf, c1, picked[0].start):
            picked = []  # "pushed into a district of eastern Aleppo": an unnamed place in a container
    if not picked and changes and cue.place == "after" and lex.object_pronoun and _pronoun_object(sf, c0, c1, lex):
        # "the rebels captured X on Saturday but the army retook it", "l'armée l'a reprise": the place last named
        last = [t for t in targets if t.end <= c0]
        if last:
            picked, how = last[-1:], "pronoun"
    if not picked and cue.place == "before" and (m := _APPOSED.search(sf, 0, c0)):
        # "le quartier de X, l'un des plus importants de la partie rebelle, a été repris": the subject comes
        # before an apposition set off by commas (which may hold cues and places of its own)
        subject = [t for t in targets if t.end <= m.start() and not sf[t.end:m.start()].strip()]
        if subject:
            picked, how = subject[-1:], "subject"
    if not picked and cue.place == "before" and i and cues[i - 1][2].place == "before":
        picked, how = prev_before, "shared subject"  # "X, which was taken by ... in 2012, fell": one subject
    return picked, how if picked else ""


def _pronoun_object(folded: str, c0: int, c1: int, lex: Lexicon) -> bool:
    """Whether an object pronoun stands right after the cue ("retook *it*") or right before it ("*l'*a")."""
    rx = lex.object_pronoun
    after = re.match(r"\s+", folded[c1:])
    if after and (m := rx.match(folded, c1 + after.end())) and not folded[m.end():m.end() + 1].isalnum():
        return True
    return folded[max(0, c0 - 2):c0] == "l'" and bool(rx.match(folded, c0 - 2))


def container(s: Sentence, c1: int, first: Target, lex: Lexicon) -> bool:
    """Whether the first place after a cue holds what changed hands rather than being it: a city or an area
    ("eight districts in the centre of *eastern Aleppo*"), or a place after a counted plural of places
    ("three quarters of *the Old City*")."""
    if first.kind in COARSE_KINDS or first.kind in ("area", "region"):
        return True
    return bool(lex.plural_places and lex.plural_places.search(s.folded, c1, first.start))


def rejected(s: Sentence, i: int, picked: list[Target], lex: Lexicon) -> bool:
    """Whether the places found after a cue are where, or whither, rather than what."""
    _, c1, cue = s.cues[i]
    if not picked or cue.place != "after":
        return False
    if cue.loser and lex.direction and lex.direction.search(s.folded[c1:picked[0].start]):
        return True  # "the last defenders withdrew towards X": X is where they went, not what they lost
    # "les combats ont repris sur plusieurs fronts, à X", "we lost everything in X", "stormed army positions
    # in X": the place is where the object is
    gap = s.folded[c1:picked[0].start]
    return cue.type in ("capture", "advance") and not direct_object(gap, lex, motion=cue.type == "advance")
