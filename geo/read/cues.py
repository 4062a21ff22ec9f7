"""What a sentence says, found in one pass over an article's folded text: cues (the per-language
patterns of data/lexicon/), faction names, named sources and the speech verbs that date a statement.

The mechanics only; the words live in the lexicons. One Aho-Corasick pass per article finds the words the
cues cannot match without, and each cue is tried only in the sentences that hold one of its words.

>>> import yaml, pathlib
>>> from geo.read.lexicon import parse_lexicon
>>> root = pathlib.Path(__file__).resolve().parents[2] / "data"
>>> lex = parse_lexicon(yaml.safe_load((root / "lexicon/en.yaml").read_text()), "en.yaml")
>>> text = fold_keep_length("The army retook Sakhour on Sunday, state TV said.")
>>> [(text[a:b], c.type) for a, b, c in sentence_cues(text, [(0, 0, len(text))], lex)[0]]
[('retook', 'capture')]
>>> named_sources("The army retook Sakhour, state TV said.", fold_keep_length("The army retook Sakhour, state TV said."), lex)
['state TV']
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from typing import NamedTuple

import ahocorasick
import numpy as np

from geo.read.factions import Factions
from geo.read.lexicon import Cue, Lexicon, fold_keep_length, literal_alternation
from geo.read.literals import required_literals

_SPEAKER = re.compile(r"\s*,?\s*(?:l[ea]s?\s+|the\s+)?((?:[A-Z][\w’'\-]+)(?:\s+(?:al-|el-|de\s|du\s|bin\s)?[A-Z][\w’'\-]+){0,3})")


#: Compiled per Factions object and language (the object is kept to tell a reused id() apart).
_FACTION_RE: dict[tuple[int, str], tuple[re.Pattern[str] | None, dict[str, str], Factions]] = {}


def faction_regex(factions: Factions, lang: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """One alternation of every faction name of a language (longest first), and name -> faction id."""
    key = (id(factions), lang)
    if key not in _FACTION_RE or _FACTION_RE[key][2] is not factions:
        _FACTION_RE[key] = (*_faction_regex(factions, lang), factions)
    return _FACTION_RE[key][0], _FACTION_RE[key][1]


def _faction_regex(factions: Factions, lang: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    names = factions.aliases.get(lang, {})
    if not names:
        return None, {}
    folded = {fold_keep_length(k): v for k, v in names.items()}
    # a trie of the names: hundreds of names cost a few branches per position, and the longest still wins
    return re.compile(rf"(?<!\w)(?:{literal_alternation(folded)})(?!\w)"), folded


def side_names(folded: str, fac_re: re.Pattern[str] | None) -> list[re.Match[str]]:
    """Every side name in ``folded``, longest first where two overlap: a name that starts inside another and
    runs past it is the one meant ("l'armée de la conquête" is not "l'armée").

    >>> rx = re.compile(r"(?<!\\w)(?:l'armee|armee de la conquete)(?!\\w)")
    >>> [m.group(0) for m in side_names("l'armee de la conquete a pris x", rx)]
    ['armee de la conquete']
    """
    out: list[re.Match[str]] = []
    if fac_re is None:
        return out
    pos = 0
    while m := fac_re.search(folded, pos):
        best = m
        for k in range(m.start() + 1, m.end()):
            if not folded[k - 1].isalnum() and folded[k].isalnum():
                n = fac_re.match(folded, k)
                if n and n.end() > best.end():
                    best = n
        out.append(best)
        pos = best.end()
    return out


#: The word-start test every cue and filler pattern of the lexicons opens with.
_LOOKBEHIND = "(?<![\\w])"
_WORD_CHAR = re.compile(r"\w")


def drop_fillers(folded: str, filler: re.Pattern[str] | None) -> tuple[str, list[int]]:
    """``folded`` with filler words (and the space before each) removed, and the original offset of each
    kept character, so that cue patterns match across "est tombé *mercredi* aux mains de".

    >>> import re
    >>> drop_fillers("la chute, samedi, de x", re.compile("samedi"))[0]
    'la chute de x'
"""
    cuts = []
    if filler is not None:
        for m in filler.finditer(folded):
            if m.end() < len(folded) and folded[m.end()] not in " ,.;:":
                continue
            a = m.start() - 1 if m.start() and folded[m.start() - 1] == " " else m.start()
            b = m.end()
            if folded[max(0, m.start() - 2):m.start()] == ", " and folded[b:b + 1] == ",":
                a, b = m.start() - 2, b + 1  # "après la chute*, samedi,* de X": the commas go with it
            if cuts and a < cuts[-1][1]:
                a = cuts[-1][1]
            cuts.append((a, b))
    if not cuts:
        return folded, range(len(folded) + 1)  # type: ignore[return-value]
    keep, pos = [], 0
    for a, b in cuts:
        keep.append((pos, a))
        pos = b
    keep.append((pos, len(folded)))
    back = np.concatenate([np.arange(a, b) for a, b in keep] + [np.array([len(folded)])])
    return "".join(folded[a:b] for a, b in keep), back.tolist()


_RANK: dict[int, tuple[Lexicon, dict[int, int]]] = {}


def _longest(hits: list[tuple[int, int, Cue]], lex: Lexicon) -> list[tuple[int, int, Cue]]:
    """Keep the longest of overlapping matches; between equal ones, the cue listed first in the lexicon."""
    rank = _RANK.get(id(lex))
    if rank is None or rank[0] is not lex:
        rank = _RANK[id(lex)] = (lex, {id(c): k for k, c in enumerate(lex.cues)})
    order = rank[1]
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[0], order.get(id(h[2]), 0)))
    kept: list[tuple[int, int, Cue]] = []
    for h in hits:
        if all(h[1] <= k[0] or h[0] >= k[1] for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h[0])


_CueList = list[tuple[Cue, re.Pattern[str]]]


class CueIndex(NamedTuple):
    """A lexicon's cues made ready for :func:`sentence_cues`."""

    #: each free cue with its pattern's body (the leading word-start test removed)
    free: _CueList
    #: each sentence-initial cue with its pattern's body (the ``^`` removed)
    anchored: _CueList
    #: the words the free cues cannot match without (:mod:`geo.read.literals`) -> indices into ``free``
    words: ahocorasick.Automaton | None
    #: the free cues no word announces, tried wherever a word starts
    unfiltered: _CueList


_CUE_INDEX: dict[int, tuple[Lexicon, CueIndex]] = {}


def cue_index(lex: Lexicon) -> CueIndex:
    """A lexicon's :class:`CueIndex`, built once (the lexicon object is kept to tell a reused id() apart)."""
    cached = _CUE_INDEX.get(id(lex))
    if cached is None or cached[0] is not lex:
        free, anchored = [], []
        for c in lex.cues:
            p = c.regex.pattern
            body = p[len(_LOOKBEHIND):] if p.startswith(_LOOKBEHIND) else p
            if body.startswith("^"):
                anchored.append((c, re.compile(body[1:])))
            else:
                free.append((c, re.compile(body)))
        words: dict[str, list[int]] = {}
        unfiltered: _CueList = []
        for i, (c, body) in enumerate(free):
            req = required_literals(body.pattern)
            if req is None:
                unfiltered.append((c, body))
            for w in req or ():
                words.setdefault(w, []).append(i)
        auto = None
        if words:
            auto = ahocorasick.Automaton()
            for w, ids in words.items():
                auto.add_word(w, tuple(ids))
            auto.make_automaton()
        cached = _CUE_INDEX[id(lex)] = (lex, CueIndex(free, anchored, auto, unfiltered))
    return cached[1]


#: Characters after a sentence a cue's lookahead may read ("coupé(?= la route)"): searches stop there.
_LOOKAHEAD_MARGIN = 200


def sentence_cues(folded: str, spans: list[tuple[int, int, int]], lex: Lexicon
                  ) -> list[list[tuple[int, int, Cue]]]:
    """The cues of every sentence (offsets relative to it).

    One Aho-Corasick pass finds, for every cue, the sentences holding a word the cue cannot match
    without (:mod:`geo.read.literals`); the cue's pattern is tried in those sentences only, at each place
    it matches (overlapping matches included: the longest is kept below). That, rather than running each
    pattern over each sentence, is what keeps extraction fast. A match across a sentence boundary is
    dropped; sentence-initial cues are tried at each sentence's start.
    """
    compact, back = drop_fillers(folded, lex.filler)
    free, anchored, auto, unfiltered = cue_index(lex)
    # each sentence's bounds in the compact text (fillers removed)
    bounds = [(bisect.bisect_left(back, s0), bisect.bisect_left(back, s1)) for _, s0, s1 in spans]
    lows = [lo for lo, _ in bounds]
    tried: set[tuple[int, int]] = set()  # (cue, sentence) pairs already searched
    hits: list[tuple[int, int, Cue]] = []
    for end, ids in auto.iter(compact) if auto is not None else ():
        k = bisect.bisect_right(lows, end) - 1
        if k < 0 or end >= bounds[k][1]:
            continue  # the word is not inside a sentence (a blank, a cut between pieces)
        for i in ids:
            if (i, k) not in tried:
                tried.add((i, k))
                hits += _matches(compact, back, bounds[k], free[i][1], free[i][0])
    if unfiltered:
        hits += _triggered(compact, back, unfiltered)
    if anchored:
        for _, s0, _ in spans:
            j = bisect.bisect_left(back, s0)
            for c, rx in anchored:
                m = rx.match(compact, j)
                if m and m.end() > j:
                    hits.append((back[j], back[m.end() - 1] + 1, c))
    starts = [s0 for _, s0, _ in spans]
    per: list[list[tuple[int, int, Cue]]] = [[] for _ in spans]
    for a, b, c in hits:
        k = bisect.bisect_right(starts, a) - 1
        if k >= 0 and b <= spans[k][2]:
            per[k].append((a - spans[k][1], b - spans[k][1], c))
    return [_longest(x, lex) if x else x for x in per]


def _matches(compact: str, back: list[int], bound: tuple[int, int], rx: re.Pattern[str], cue: Cue
             ) -> list[tuple[int, int, Cue]]:
    """Every non-empty match of cue body ``rx`` starting in one sentence at a word's start (overlapping
    ones too), in original offsets. The word-start test is made here, not in the pattern: a pattern that
    opens with a look-behind cannot use the engine's fast scan for its first characters."""
    lo, hi = bound
    stop = min(len(compact), hi + _LOOKAHEAD_MARGIN)
    out = []
    while (m := rx.search(compact, lo, stop)) and m.start() < hi:
        a = m.start()
        if m.end() > a and not (a and _WORD_CHAR.match(compact, a - 1)):
            out.append((back[a], back[m.end() - 1] + 1, cue))
        lo = a + 1
    return out


def _triggered(compact: str, back: list[int], cues: _CueList) -> list[tuple[int, int, Cue]]:
    """Matches of cues no word announces: a trigger finds where one may start, and each is tried there."""
    trigger = re.compile(_LOOKBEHIND + "(?=(?:" + "|".join(r.pattern for _, r in cues) + "))")
    out = []
    for t in trigger.finditer(compact):
        p = t.start()
        for c, rx in cues:
            m = rx.match(compact, p)
            if m and m.end() > p:
                out.append((back[p], back[m.end() - 1] + 1, c))
    return out


_SOURCE_INDEX: dict[int, tuple[Lexicon, re.Pattern[str] | None, list[tuple[str, re.Pattern[str]]]]] = {}


def _source_index(lex: Lexicon) -> tuple[re.Pattern[str] | None, list[tuple[str, re.Pattern[str]]]]:
    """A trigger for every named source of a lexicon, and each source's pattern without its boundary check."""
    cached = _SOURCE_INDEX.get(id(lex))
    if cached is None or cached[0] is not lex:
        bodies = [(name, re.compile(rx.pattern[len(_LOOKBEHIND):] if rx.pattern.startswith(_LOOKBEHIND)
                                    else rx.pattern)) for name, rx in lex.sources]
        trigger = (re.compile(_LOOKBEHIND + "(?=(?:" + "|".join(r.pattern for _, r in bodies) + "))")
                   if bodies else None)
        cached = _SOURCE_INDEX[id(lex)] = (lex, trigger, bodies)
    return cached[1], cached[2]


def named_sources(sentence: str, folded: str, lex: Lexicon) -> list[str]:
    """Named sources of a sentence that reports somebody's words (canonical names, in order)."""
    if not lex.speech or not lex.speech.search(folded):
        return []
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    trigger, bodies = _source_index(lex)
    if trigger is not None:
        seen: set[str] = set()
        for t in trigger.finditer(folded):  # positions where some source may start; each tried there
            for name, rx in bodies:
                if name in seen:
                    continue
                m = rx.match(folded, t.start())
                if m:
                    seen.add(name)
                    found.append((m.start(), name))
                    spans.append((m.start(), m.end()))
    if lex.speaker_after:
        for m in lex.speaker_after.finditer(folded):
            sm = _SPEAKER.match(sentence, m.end())
            if sm and sm.group(1):
                a, b = sm.start(1), sm.end(1)
                if not any(a < e and s < b for s, e in spans):  # a known source already covers it
                    found.append((a, sm.group(1).strip()))
                    spans.append((a, b))
    out: list[str] = []
    for _, n in sorted(found):
        if n not in out:
            out.append(n)
    return out


#: Words that may stand between a speech verb and the date of the statement ("said in a statement on").
_STATEMENT_GAP = re.compile(r"(?:\s+(?:in|on|at|late|early|dans|un|une|a|an|the|le|la|its|their|son|sa|statement|communique|interview|entretien|video|conference|press|de|presse|tard|soir|matin|evening|morning|\w+day))*\s+$")


def dates_statement(folded: str, at: int, lex: Lexicon) -> bool:
    """Whether the date at ``at`` follows a speech verb ("said on Monday", "a indiqué lundi", "said in a
    statement on Monday"): it dates the words, not what they report."""
    if not lex.speech:
        return False
    before = folded[max(0, at - 40):at]
    return any(_STATEMENT_GAP.fullmatch(before, m.end()) for m in lex.speech.finditer(before))


def source_faction(sources: Iterable[str], fac_re: re.Pattern[str] | None, names: dict[str, str]) -> set[str]:
    """Factions the sources belong to (a rebel spokesman speaks for the opposition)."""
    out = set()
    for s in sources:
        f = fold_keep_length(s)
        if fac_re:
            for m in fac_re.finditer(f):
                out.add(names[m.group(0)])
        if "rebel" in f:
            out.add("opposition")
    return out
