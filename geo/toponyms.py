"""Find place mentions in text: one Aho-Corasick automaton over every folded alias, with spans.

The text is cut into tokens (:func:`geo.gazetteer.tokens`); each token's key is written into a folded
stream, with a map from stream offsets back to the original text. Matches must start and end on token
boundaries; overlapping matches keep the longest (then the leftmost). A key shared by several places
is resolved by context: the candidate nearest to the article's unambiguous places.

>>> from geo.model import Place
>>> import geopandas as gpd
>>> from geo.gazetteer import Gazetteer
>>> g = Gazetteer({"aleppo": Place("aleppo", "Aleppo", "city", 37.16, 36.2, 3)},
...               [("aleppo", "Alep", "fr")], gpd.GeoDataFrame({"id": []}, geometry=[]))
>>> [(m.place_id, m.surface) for m in find_mentions("Au nord d'Alep, mardi.", g)]
[('aleppo', "d'Alep")]
"""

from __future__ import annotations

import math
import re

import ahocorasick

from geo.gazetteer import Gazetteer, tokens
from geo.model import Mention

#: Kinds whose aliases are descriptors written in lower case ("les quartiers-ouest").
LOWERCASE_OK = {"area"}
_STOP_CAPS = set("""Le La Les Un Une Des Du De Selon Lundi Mardi Mercredi Jeudi Vendredi Samedi Dimanche Il Elle
Ils Elles Ce Cette Ces Dans Pour Sur Mais Et The A An In On At Of According Monday Tuesday Wednesday Thursday
Friday Saturday Sunday He She They It This That These Those But And After Before While When Since Syrian Syria
Syrie Russian Russia Russie Kurdish Turkish Turkey Iran Iranian US United States Nations UN Reuters AFP AP
Observatory Observatoire OSDH SOHR Army Armée État Islamic Islamique Free Libre Front Hezbollah Damascus
Damas Moscow Moscou Ankara Washington Geneva Genève Kremlin Times Middle East Eye November December October
September Novembre Décembre Octobre Septembre Janvier January Le Mr M Al El""".split())


def _automaton(g: Gazetteer) -> ahocorasick.Automaton:
    if g._automaton is None:
        a = ahocorasick.Automaton()
        for key, pids in g.by_key.items():
            a.add_word(f" {key} ", (key, tuple(pids)))
        a.make_automaton()
        g._automaton = a
    return g._automaton  # type: ignore[return-value]


def _capitalised(surface: str) -> bool:
    return any(w[:1].isupper() or w[:1].isdigit() or "\u0600" <= w[:1] <= "\u06ff"
               for w in re.findall(r"[^\W_]+", surface))


def find_mentions(text: str, gaz: Gazetteer, lang: str | None = None) -> list[Mention]:
    """Place mentions of ``text`` (spans into the original), sorted by start, non-overlapping."""
    toks = tokens(text)
    if not toks:
        return []
    # Folded stream " k1 k2 k3 " with, for each token, its start offset in the stream.
    parts, starts = [" "], []
    pos = 1
    for _, _, k in toks:
        starts.append(pos)
        parts.append(k + " ")
        pos += len(k) + 1
    stream = "".join(parts)
    index = {s: i for i, s in enumerate(starts)}
    found = []
    for end, (key, pids) in _automaton(gaz).iter(stream):
        s = end - len(key)  # iter() gives the last char of " key "; this is the key's first char
        i = index.get(s)
        if i is None:
            continue
        j = i + key.count(" ")
        o0, o1 = toks[i][0], toks[j][1]
        # "d'Alep": include the elided article in the surface only when it is part of the token
        found.append((o0, o1, j - i + 1, pids))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    chosen: list[tuple[int, int, int, tuple[str, ...]]] = []
    for f in found:
        if all(f[1] <= c[0] or f[0] >= c[1] for c in chosen):
            chosen.append(f)
    chosen.sort()
    # Drop lower-case matches of proper names ("bab" in running text) unless descriptors.
    kept = []
    for o0, o1, _n, pids in chosen:
        surface = text[o0:o1]
        kinds = {gaz.places[p].kind for p in pids}
        if not _capitalised(surface) and not kinds & LOWERCASE_OK:
            continue
        kept.append((o0, o1, pids))
    # Context: the mean point of unambiguous mentions decides between homonyms (else Aleppo's centre).
    sure = [gaz.places[p[0]] for _, _, p in kept if len(p) == 1]
    cx = sum(p.lon for p in sure) / len(sure) if sure else 37.16
    cy = sum(p.lat for p in sure) / len(sure) if sure else 36.20
    out = []
    for o0, o1, pids in kept:
        reason = ""
        if len(pids) > 1:
            best = min(pids, key=lambda p: (math.hypot(gaz.places[p].lon - cx, gaz.places[p].lat - cy),
                                            gaz.places[p].precision))
            reason = f"{len(pids)} candidates; nearest to the article's other places ({best})"
            pids = (best,)
        p = gaz.places[pids[0]]
        out.append(Mention(p.id, text[o0:o1], o0, o1, p.precision, reason))
    return out


def unresolved_candidates(text: str, mentions: list[Mention]) -> list[tuple[str, str]]:
    """Capitalised names not covered by a mention, with their sentence: the review queue."""
    covered = [(m.start, m.end) for m in mentions]
    out = []
    for m in re.finditer(r"(?<![\w'’])((?:[A-Z][\w'’-]+)(?:\s+(?:al-|el-|de\s|d'|du\s)?[A-Z][\w'’-]+){0,3})", text):
        name = m.group(1)
        if name in _STOP_CAPS or any(a < m.end() and m.start() < b for a, b in covered):
            continue
        if name.split()[0] in _STOP_CAPS and len(name.split()) == 1:
            continue
        # sentence-initial single words are usually not names
        before = text[max(0, m.start() - 2):m.start()]
        if len(name.split()) == 1 and (m.start() == 0 or before.strip() in (".", "\n", "") and "." in before):
            continue
        s0 = max(text.rfind(". ", 0, m.start()) + 2, text.rfind("\n", 0, m.start()) + 1, 0)
        s1 = min([x for x in (text.find(". ", m.end()), text.find("\n", m.end())) if x >= 0] or [len(text)])
        out.append((name, text[s0:s1 + 1].strip()))
    return out
