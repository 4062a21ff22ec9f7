"""Find place mentions in text: one Aho-Corasick automaton over every folded alias, with spans.

The text is cut into tokens (:func:`geo.places.gazetteer.tokens`); each token's key is written into a folded
stream, with a map from stream offsets back to the original text. Matches must start and end on token
boundaries; overlapping matches keep the longest (then the leftmost). A key shared by several places
is resolved by context: the candidate nearest to the article's unambiguous places.

>>> from geo.model import Place
>>> import geopandas as gpd
>>> from geo.places.gazetteer import Gazetteer
>>> g = Gazetteer({"aleppo": Place("aleppo", "Aleppo", "city", 37.16, 36.2, 3)},
...               [("aleppo", "Alep", "fr")], gpd.GeoDataFrame({"id": []}, geometry=[]))
>>> [(m.place_id, m.surface) for m in find_mentions("Au nord d'Alep, mardi.", g)]
[('aleppo', "d'Alep")]
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import operator
import re
import statistics
import unicodedata
from collections.abc import Callable, Iterable

import ahocorasick

from geo.model import Mention
from geo.places.gazetteer import _GLUED_ARTICLE, NEAR_DEG, Gazetteer, _scan, fold, token_arrays

#: Kinds whose aliases are descriptors written in lower case ("les quartiers-ouest").
LOWERCASE_OK = {"area"}
#: Kinds named with common nouns, often written in lower case ("the artillery college", "l'académie
#: d'armement"): a lower-case match of two words or more counts when it is spelled as one of the aliases.
LOWERCASE_SPELLED = {"military_site", "airport"}
#: Kinds named with a common noun that, in lower case, names the place only after a definite article (and at
#: most one adjective): "the old citadel", "la fameuse citadelle" (the lexicons' ``definite_articles``).
LOWERCASE_DEFINITE = {"landmark"}
#: ... spelled this close to one of its aliases (difflib ratio: "citadelle" is 0.875 from "Citadel").
DEFINITE_CLOSENESS = 0.85
#: How close a part of a name written with a generic word ("quartier d'al-Assad") must be spelled to its generated
#: alias: its key is a skeleton ("Qaysariya" and "al-Qaser" are both ksr), so the spelling confirms it.
DESCRIBED_CLOSENESS = 0.85
_STOP_CAPS = frozenset("""Le La Les Un Une Des Du De Selon Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche Il Elle
Ils Elles Ce Cette Ces Dans Pour Sur Mais Et The A An In On At Of According Monday Tuesday Wednesday Thursday
Friday Saturday Sunday He She They It This That These Those But And After Before While When Since Syrian Syria
Syrie Russian Russia Russie Kurdish Turkish Turkey Iran Iranian US United States Nations UN Reuters AFP AP
Observatory Observatoire OSDH SOHR Army Armée État Islamic Islamique Free Libre Front Hezbollah Damascus
Damas Moscow Moscou Ankara Washington Geneva Genève Kremlin Times Middle East Eye November December October
September Novembre Décembre Octobre Septembre Janvier January Le Mr M Al El Défense Defence Defense Nord Sud
Est Ouest North South East West Royaume-Uni États-Unis Etats-Unis Moyen-Orient Unis Uni Europe Union Ministry
Ministère Council Conseil Security Sécurité Human Rights Droits Homme Monsieur President Président Pour Avec
Selon Ainsi Alors Après Avant Depuis Lors Mais Or Donc Car Ni Si Quand Tandis Une Des Aux Au En Par Sans
Voici I We You Their Our His Her Its There Here However Meanwhile Also Yet So Then Russes Syriens Kurdes""".split())  # noqa: SIM905


def _spelled(text: str) -> str:
    """Lower case, no accents, one kind of apostrophe, single spaces; hyphens kept."""
    t = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return " ".join("".join(c for c in t if not unicodedata.combining(c)).lower().split())


def _descriptor_ok(gaz: Gazetteer, surface: str, pid: str) -> bool:
    """A descriptor ("Alep-Est", "les quartiers-ouest") must be written as one of its aliases, or end
    with a capital ("Alep Est"): "d'Alep est tombée" is Aleppo followed by a verb, not eastern Aleppo.

    >>> import geopandas as gpd
    >>> from geo.model import Place
    >>> g = Gazetteer({"e": Place("e", "eastern Aleppo", "area", 37.2, 36.2, 3)}, [("e", "Alep-Est", "fr")],
    ...               gpd.GeoDataFrame({"id": []}, geometry=[]))
    >>> _descriptor_ok(g, "Alep-est", "e"), _descriptor_ok(g, "Alep Est", "e"), _descriptor_ok(g, "Alep est", "e")
    (True, True, False)
    """
    if gaz.places[pid].kind not in LOWERCASE_OK:
        return True
    cache = gaz.__dict__.setdefault("_descriptor_spellings", {})
    if pid not in cache:
        spellings: dict[str, int] = {}
        for p, a, _ in gaz.aliases:
            if p == pid:  # hyphen-blind spelling -> fewest hyphens any alias writes it with
                k = _spelled(a).replace("-", " ")
                spellings[k] = min(spellings.get(k, 99), a.count("-"))
        cache[pid] = spellings
    last = surface.split()[-1].split("-")[-1] if surface.split() else ""
    # "quartiers-est d'Alep" may hyphenate an alias written with a space, never the reverse:
    # "d'Alep est tombée" has no hyphen where "Alep-Est" has one.
    key = _spelled(surface).replace("-", " ")
    return (key in cache[pid] and surface.count("-") >= cache[pid][key]) or last[:1].isupper()


def _automaton(g: Gazetteer) -> ahocorasick.Automaton:
    if g._automaton is None:
        a = ahocorasick.Automaton()
        for key, pids in g.by_key.items():
            a.add_word(f" {key} ", (key, tuple(pids)))
        a.make_automaton()
        g._automaton = a
    return g._automaton  # type: ignore[return-value]


def _capitalised(surface: str) -> bool:
    """Whether a word of ``surface`` is written as a name: capitalised (after a glued article: "alJazmati"),
    a number, or Arabic script."""
    return any(w[:1].isupper() or w[:1].isdigit() or "\u0600" <= w[:1] <= "\u06ff"
               for w in re.findall(r"[^\W_]+", _GLUED_ARTICLE.sub("", surface)))


def _choose(gaz: Gazetteer, pids: tuple[str, ...], surface: str, cx: float, cy: float,
            around: str = "the text's places") -> tuple[str, str]:
    """The homonym :meth:`Gazetteer.rank` puts first around ``(cx, cy)`` (the centre of ``around``), and why."""
    best = gaz.rank(surface, pids, (cx, cy))[0]
    others = [p for p in pids if p != best]
    near = all(math.hypot(gaz.places[p].lon - gaz.places[best].lon, gaz.places[p].lat - gaz.places[best].lat)
               <= NEAR_DEG for p in others)
    return best, "neighbours; closest spelling" if near else f"closest spelling, then nearest to {around}"


def folded_stream(keys: list[str]) -> tuple[str, list[int]]:
    """``" k1 k2 ... "`` and the offset of each key in it.

    >>> folded_stream(["bab", "hdd"])
    (' bab hdd ', [1, 5])
    """
    if _scan is not None:
        return _scan.stream(keys)
    # token i starts at 1 + i + (length of the keys before it): computed without a Python-level loop
    # (accumulate with initial=0 gives one sum too many: the keys' lengths bound the map)
    return " " + " ".join(keys) + " ", list(map(operator.add, itertools.accumulate(map(len, keys), initial=0),
                                                range(1, len(keys) + 1)))


#: How many (surface, key) verdicts a gazetteer keeps before starting afresh (memory stays bounded).
VERDICTS_KEPT = 200_000


def _spelled_as_alias(gaz: Gazetteer, surface: str, pid: str) -> bool:
    """Whether ``surface`` is written as one of ``pid``'s aliases, case, accents, hyphens and a leading
    elision aside ("l'académie d'armement" ~ "Académie d'armement")."""
    cache = gaz.__dict__.setdefault("_alias_spellings", {})
    if pid not in cache:
        cache[pid] = {_ELISION.sub("", _spelled(a)).replace("-", " ") for p, a, _ in gaz.aliases if p == pid}
    said = _ELISION.sub("", _spelled(surface)).replace("-", " ")
    head, _, rest = said.partition(" ")  # "les écoles de l'armée de l'air": the plural of an alias's first noun
    return said in cache[pid] or (head.endswith(("s", "x")) and f"{head[:-1]} {rest}".strip() in cache[pid])


_ELISION = re.compile(r"^(?:l|d|qu)'")


def _verdict(gaz: Gazetteer, surface: str, key: str, pids: tuple[str, ...]) -> tuple[str, ...]:
    """The candidates ``surface`` (matched as ``key``) really names: none for a lower-case proper name
    ("bab" in running text is a word, unless a descriptor or a site spelled as its alias), none that the
    spelling does not confirm."""
    if not _capitalised(surface):
        pids = tuple(p for p in pids if gaz.places[p].kind in LOWERCASE_OK or (
            gaz.places[p].kind in LOWERCASE_SPELLED and " " in key and _spelled_as_alias(gaz, surface, p)) or (
            gaz.places[p].kind in LOWERCASE_DEFINITE and gaz.closeness(surface, p) >= DEFINITE_CLOSENESS))
    if key in gaz.described_keys:  # a part of a name with a generic word: the part must be spelled closely
        pids = tuple(p for p in pids if gaz.closeness(surface, p) >= DESCRIBED_CLOSENESS)
    return tuple(p for p in pids if gaz.confirms(surface, key, p) and _descriptor_ok(gaz, surface, p))


def _matches(hits: Iterable[tuple[int, tuple[str, tuple[str, ...]]]], starts: list[int], tstarts: list[int],
             tends: list[int], text: str, verdicts: dict, verdict: Callable, described: frozenset[str]) -> list[tuple]:
    """The automaton's ``hits`` (``(end, (key, candidates))`` over the folded stream) that start on a token's
    first character, with the places each names: ``(d, i - j, o0 - o1, o0, o1, i, j, pids)`` for each hit with a
    place, where ``text[o0:o1]`` is tokens ``i`` to ``j`` and ``d`` is 1 for a key in ``described`` (a part of a
    name written with a generic word, :attr:`Gazetteer.described_keys`). Sorted, a name comes before such a part,
    a last resort ("Jabal Badro districts" is Jabal Badro, not "Badro districts"), then the most tokens, then the
    most characters, then the leftmost (geo/places/_scan.pyx ``matches`` does the same in C)."""
    found = []
    for end, (key, cands) in hits:
        # iter() gives the last char of " key ": end - len(key) is the key's first char, which must
        # be a token's first char (looked up only for the few hits, not indexed for every token)
        i = bisect.bisect_left(starts, end - len(key))
        if i >= len(starts) or starts[i] != end - len(key):
            continue
        j = i + key.count(" ")
        o0, o1 = tstarts[i], tends[j]
        surface = text[o0:o1]
        pids = verdicts.get((surface, key))
        if pids is None:
            pids = verdicts[(surface, key)] = verdict(surface, key, cands)
        if pids:
            found.append((1 if key in described else 0, i - j, o0 - o1, o0, o1, i, j, pids))
    return found


def _longest(found: list[tuple], ntokens: int) -> list[tuple[int, int, int, tuple[str, ...]]]:
    """The matches of :func:`_matches` that no better one overlaps (in :func:`_matches`' order; a token belongs
    to one mention at most), as ``(o0, o1, i, pids)`` sorted by start (``_scan.longest`` in C)."""
    found.sort()
    taken = bytearray(ntokens)
    kept = []
    for _, _, _, o0, o1, i, j, pids in found:
        if not any(taken[i:j + 1]):
            taken[i:j + 1] = b"\x01" * (j - i + 1)
            kept.append((o0, o1, i, pids))
    kept.sort()
    return kept


def find_mentions(text: str, gaz: Gazetteer, lang: str | None = None) -> list[Mention]:
    """Place mentions of ``text`` (spans into the original), sorted by start, non-overlapping."""
    tstarts, tends, keys = token_arrays(text)
    if not keys:
        return []
    # Folded stream " k1 k2 k3 " with, for each token, its start offset in the stream.
    stream, starts = folded_stream(keys)
    verdicts = gaz._verdicts
    if len(verdicts) > VERDICTS_KEPT:
        verdicts.clear()
    hits = _automaton(gaz).iter(stream)
    verdict = functools.partial(_verdict, gaz)
    found = (_scan.matches if _scan is not None else _matches)(hits, starts, tstarts, tends, text, verdicts, verdict,
                                                               gaz.described_keys)
    kept = (_scan.longest if _scan is not None else _longest)(found, len(keys))
    centre = (_text_centre(gaz, kept) or gaz.centre) if any(len(k[3]) > 1 for k in kept) else gaz.centre
    out: list[Mention] = []
    for o0, o1, i, pids in kept:
        if out and _describes_the_name_before(gaz, text, out[-1], o0, o1):
            continue  # "Hanano Youth Housing": Hanano's housing, not a youth housing named elsewhere
        reason = ""
        if len(pids) > 1:
            # the place named nearest to it first ("the youth housing in Jazmati"), else the whole text's
            near = _nearest_place(gaz, kept, o0, o1)
            best, why = _choose(gaz, pids, text[o0:o1], *(near or centre),
                                around="the places named near it" if near else "the text's places")
            reason = f"{len(pids)} candidates ({', '.join(pids)}): {why}"
            pids = (best,)
        p = gaz.places[pids[0]]
        if i and _another_kind_before(gaz, text[tstarts[i - 1]:tends[i - 1]], text[tends[i - 1]:o0], p.kind):
            continue  # "Tall Zouhor" is a hill geo does not know, not the Zouhour neighbourhood
        if p.kind in LOWERCASE_DEFINITE and not _capitalised(text[o0:o1]) and not (
                gaz.descriptors and gaz.descriptors.definite_before(text, o0)):
            continue  # "a citadel of resistance" names no place; "the citadel" does
        out.append(Mention(p.id, text[o0:o1], o0, o1, p.precision, reason))
    return out


#: How far (characters) from an ambiguous name the place that decides between its homonyms is looked for first.
NEARBY_CHARS = 150


def _describes_the_name_before(gaz: Gazetteer, text: str, before: Mention, o0: int, o1: int) -> bool:
    """Whether ``text[o0:o1]``, written right after the mention ``before`` (spaces between), is only a generic
    word (a descriptor of the lexicons: "Youth Housing", "District"): with the name before it, it names a part of
    that place, not a place of its own that goes by the generic word."""
    d = gaz.descriptors
    return d is not None and before.end < o0 and text[before.end:o0].isspace() and d.is_generic(text[o0:o1])


def _nearest_place(gaz: Gazetteer, kept: list[tuple[int, int, int, tuple[str, ...]]], o0: int, o1: int
                   ) -> tuple[float, float] | None:
    """The point of the unambiguous mention nearest to ``text[o0:o1]`` in the text, when it is within
    :data:`NEARBY_CHARS` (None otherwise)."""
    gaps = [(o0 - k[1] if k[1] <= o0 else k[0] - o1, k[3][0]) for k in kept if len(k[3]) == 1 and (k[1] <= o0 or k[0] >= o1)]
    gap, pid = min(gaps, default=(NEARBY_CHARS + 1, ""))
    return (gaz.places[pid].lon, gaz.places[pid].lat) if gap <= NEARBY_CHARS else None


def _text_centre(gaz: Gazetteer, kept: list[tuple[int, int, int, tuple[str, ...]]]) -> tuple[float, float] | None:
    """The median point of the unambiguous mentions among ``kept`` (None without any): it decides between
    homonyms. A median, not a mean, so that one "Damascus" in an Aleppo story does not drag the centre south."""
    sure = [gaz.places[k[3][0]] for k in kept if len(k[3]) == 1]
    if not sure:
        return None
    return statistics.median(p.lon for p in sure), statistics.median(p.lat for p in sure)


def _another_kind_before(gaz: Gazetteer, word: str, gap: str, kind: str) -> bool:
    """Whether ``word``, the token right before a mention (``gap`` between them), is a generic word for another
    kind of place written as part of the name ("Tall Zouhor", "Tal Zuhur": a hill named like the Zouhour
    district): the text names a place geo does not know. Only a capitalised word one space or more away counts
    (a name's own part), and only a descriptor whose kinds the place's kind is not among.

    >>> from geo.places.variants import Descriptors
    >>> g = Gazetteer({}, [], {}, descriptors=Descriptors({"tall": frozenset({"hill"})}, ()))
    >>> _another_kind_before(g, "Tall", " ", "neighbourhood"), _another_kind_before(g, "tall", " ", "neighbourhood")
    (True, False)
    """
    d = gaz.descriptors
    if d is None or not word[:1].isupper() or not gap or not gap.isspace():
        return False
    kinds = d.kinds.get(word.lower())
    return bool(kinds) and kind not in kinds


#: How far (characters) to look for the sentence around an unresolved name.
SENTENCE_WINDOW = 600
_CAP_WORD = r"[^\W\d_a-z\u00df-\u00ff][\w'’-]*"
_NAME_RUN = re.compile(rf"(?<![\w'’-]){_CAP_WORD}(?:\s+(?:(?:al|el|ad|ash|as|ar|at|az|an|de|du|des)[-\s]|d['’])?{_CAP_WORD}){{0,4}}")


def unresolved_candidates(text: str, mentions: list[Mention]) -> list[tuple[str, str]]:
    """Capitalised names not covered by a mention, with their sentence: the review queue.

    Leading stop words ("La Russie" -> "Russie") are dropped; names made only of stop words, and lone
    words opening a sentence, are skipped.

    >>> unresolved_candidates("Les rebelles ont repris Bustan Qasr. La Russie dément.", [])
    [('Bustan Qasr', 'Les rebelles ont repris Bustan Qasr.')]
    """
    return [(name, sentence) for _, _, name, sentence in unresolved_spans(text, mentions)]


def unresolved_spans(text: str, mentions: list[Mention]) -> list[tuple[int, int, str, str]]:
    """:func:`unresolved_candidates` with each name's span: (start, end, name, sentence)."""
    covered = sorted((m.start, m.end) for m in mentions)
    cstarts = [a for a, _ in covered]
    out = []
    for m in _NAME_RUN.finditer(text):
        words = m.group(0).split()  # the run starts and ends on a word: the same as re.split(r"\s+")
        if len(words) == 1 and words[0] in _STOP_CAPS:
            continue
        start = m.start()
        while words and (words[0] in _STOP_CAPS or words[0].upper() == words[0]):
            start = text.index(words[0], start) + len(words[0])
            words = words[1:]
        if not words or all(w in _STOP_CAPS for w in words):
            continue
        name = " ".join(words)
        start = text.index(words[0], start)
        end = start + len(name) if text.startswith(name, start) else m.end()
        k = bisect.bisect_left(cstarts, end)  # covered spans starting before the name ends
        if k and covered[k - 1][1] > start or any(b > start for _, b in covered[max(0, k - 8):k]):
            continue
        j = start - 1
        while j >= 0 and text[j].isspace():
            j -= 1
        if len(words) == 1 and (j < 0 or text[j] in ".!?:\n»«\"" or text[start - 1:start] == "\n"):
            continue  # a lone capitalised word opening a sentence is usually not a name
        # the sentence around the name, looked for within a bounded window (texts may lack full stops)
        lo, hi = max(0, start - SENTENCE_WINDOW), min(len(text), end + SENTENCE_WINDOW)
        dot = text.rfind(". ", lo, start)
        s0 = max(dot + 2 if dot >= 0 else lo, text.rfind("\n", lo, start) + 1)
        ends = [x for x in (text.find(". ", end, hi), text.find("\n", end, hi)) if x >= 0] or [hi]
        s1 = min(ends) if ends else len(text)
        out.append((start, end, name, text[s0:s1 + 1].strip()))
    return out


#: Between two items of a list: a comma, a conjunction, or both ("A, B et C", "A and B", "A, or B").
_COORDINATION = re.compile(r"\s*(?:,\s*|;\s*)?(?:(?:et|and|ou|or|&)\s+)?$", re.IGNORECASE)
#: A misspelled list item must fold to at least this many letters to be looked up fuzzily.
LISTED_MIN_LETTERS = 4
#: ... and to spell a place this closely (the lookup's ratio of folded keys; 0.85 lets "Aqrab" be al-Aqabeh).
LISTED_MIN_SCORE = 0.88


def listed_misspellings(text: str, mentions: list[Mention], gaz: Gazetteer,
                        spans: list[tuple[int, int, str, str]] | None = None) -> list[Mention]:
    """Names the exact finder missed that are listed alongside places it found, read with the
    gazetteer's fuzzy lookup: a report that lists "A, B et C" names three places of one kind, so a
    misspelled C ("Karml al-Jabal") next to known A and B is a place too, where the same word alone
    would not be trusted. Returns the new mentions (the caller merges them).

    Only local places (precision < 3) are listed and found: a city in a list of districts is not one
    of them.
    """
    spans = unresolved_spans(text, mentions) if spans is None else spans
    known = sorted((m.start, m.end) for m in mentions if m.precision < 3)
    found: list[Mention] = []
    pending = list(spans)
    grew = True
    while grew:  # "A, x, y et B": a rescued item lets its own neighbour be listed in turn
        grew, left = False, []
        for span in pending:
            m = _fuzzy_local(gaz, text, *span[:3]) if _listed(text, span[0], span[1], known) else None
            if m is None:
                left.append(span)
            else:
                found.append(m)
                bisect.insort(known, (m.start, m.end))
                grew = True
        pending = left
    return sorted(found, key=lambda m: m.start)


def _listed(text: str, start: int, end: int, known: list[tuple[int, int]]) -> bool:
    """Whether the span at ``start:end`` is coordinated with a known span right before or after it."""
    k = bisect.bisect_left(known, (start, start))
    before = known[k - 1] if k else None
    after = known[k] if k < len(known) else None
    if before and before[1] <= start and _COORDINATION.fullmatch(text[before[1]:start]):
        return True
    return bool(after and after[0] >= end and _COORDINATION.fullmatch(text[end:after[0]]))


def _fuzzy_local(gaz: Gazetteer, text: str, start: int, end: int, name: str) -> Mention | None:
    """The local place a listed name spells, if the gazetteer's lookup finds one best spelling (homonyms
    of that spelling are ordered by the lookup, nearest the study area first)."""
    if len(fold(name).replace(" ", "")) < LISTED_MIN_LETTERS:
        return None
    hits = [(p, s) for p, s in gaz.lookup(name, LISTED_MIN_SCORE) if p.precision < 3]
    if not hits or any(s == hits[0][1] and p.name != hits[0][0].name for p, s in hits[1:]):
        return None  # two names spelled alike: the review queue decides
    p = hits[0][0]
    return Mention(p.id, text[start:end], start, end, p.precision, f"listed with places; spelled like {p.name}")


#: How far up the parents a place's city is looked for (district -> half -> city).
CITY_DEPTH = 4


def _city_of(gaz: Gazetteer, pid: str, kinds: frozenset[str]) -> str | None:
    """The place itself or its nearest parent whose kind is one of ``kinds``, or None."""
    for _ in range(CITY_DEPTH):
        p = gaz.places.get(pid)
        if p is None:
            return None
        if p.kind in kinds:
            return p.id
        pid = p.parent
    return None


def city_references(text: str, mentions: list[Mention], gaz: Gazetteer) -> list[Mention]:
    """"the city", "la ville" written after places of a city are named: that city, as reports refer back
    to the city they are about ("rebels were driven from the city"). The nearest place named before
    decides; a reference before any city's place, or inside a name, is left alone.

    >>> import geopandas as gpd
    >>> from geo.model import Place
    >>> from geo.places.variants import Descriptors
    >>> g = Gazetteer({"a": Place("a", "Aleppo", "city", 37.16, 36.2, 3),
    ...                "h": Place("h", "Hanano", "neighbourhood", 37.18, 36.22, parent="a")},
    ...               [("a", "Aleppo", "en"), ("h", "Hanano", "en")], gpd.GeoDataFrame({"id": []}, geometry=[]),
    ...               descriptors=Descriptors({"city": frozenset({"city"})}, ("of",), ("the",)))
    >>> ms = find_mentions("The army took Hanano and pushed on into the city.", g, "en")
    >>> [(m.place_id, m.surface) for m in city_references("The army took Hanano and pushed on into the city.", ms, g)]
    [('a', 'the city')]
    """
    if gaz.descriptors is None or not mentions:
        return []
    out = []
    for s, e, kinds in gaz.descriptors.city_references(text):
        if any(m.start < e and s < m.end for m in mentions):
            continue  # part of a name ("the city's eastern districts")
        for m in reversed([m for m in mentions if m.end <= s]):
            if (city := _city_of(gaz, m.place_id, kinds)) is not None:
                p = gaz.places[city]
                out.append(Mention(city, text[s:e], s, e, p.precision, f"the city of the place named before ({m.surface})"))
                break
    return out


def mentions_and_names(text: str, gaz: Gazetteer, lang: str | None = None
                       ) -> tuple[list[Mention], list[tuple[int, int, str, str]]]:
    """The mentions of a text (the finder's, and the misspelled names listed with them) and the names
    still unread, for the review queue: what the reading starts from.

    >>> import geopandas as gpd
    >>> from geo.model import Place
    >>> g = Gazetteer({"k": Place("k", "Karm al-Jabal", "neighbourhood", 37.17, 36.21),
    ...                "s": Place("s", "Sha'ar", "neighbourhood", 37.18, 36.21)},
    ...               [("k", "Karm al-Jabal", "en"), ("s", "Sha'ar", "en")], gpd.GeoDataFrame({"id": []}, geometry=[]))
    >>> ms, names = mentions_and_names("Ils ont pris Sha'ar et Karml al-Jabal, selon Rami.", g)
    >>> [(m.surface, m.place_id) for m in ms], [n[2] for n in names]
    ([("Sha'ar", 's'), ('Karml al-Jabal', 'k')], ['Rami'])
    """
    mentions = find_mentions(text, gaz, lang)
    names = unresolved_spans(text, mentions)
    listed = listed_misspellings(text, mentions, gaz, names)
    if listed:
        starts = {m.start for m in listed}
        mentions, names = sorted(mentions + listed, key=lambda m: m.start), [n for n in names if n[0] not in starts]
    if cities := city_references(text, mentions, gaz):
        mentions = sorted(mentions + cities, key=lambda m: m.start)
    return mentions, names
