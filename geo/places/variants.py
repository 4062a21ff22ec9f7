"""The spellings a report writes a place in beyond its aliases: the name inside a generic word ("Sheikh
Saeed district", "le camp de réfugiés de Handarat"), the distinctive part of a compound name ("Qaterji" for
Karm al-Qaterji), and the French forms of English names ending in a generic noun ("rond-point de X"). The
words live in the lexicons (``descriptors``, ``descriptor_links``, ``compound_heads``, ``place_nouns``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from geo.io import load_yaml
from geo.model import Place
from geo.places.gazetteer import ALEPPO_CENTRE, COMMON_WORDS, fold


def _lexicon_docs(lexicon_dir: Path) -> list[dict]:
    """Every lexicon file of ``lexicon_dir``, parsed (none when the folder is absent)."""
    files = sorted(lexicon_dir.glob("*.yaml")) if lexicon_dir.is_dir() else []
    return [load_yaml(f.read_text(encoding="utf-8")) or {} for f in files]


def _place_nouns(lexicon_dir: Path) -> dict[str, dict[str, list[str]]]:
    """``{lang: {english noun: [patterns with {name}]}}`` from the lexicons' ``place_nouns``."""
    return {str(doc.get("lang")): {str(k).lower(): list(v) for k, v in doc["place_nouns"].items()}
            for doc in _lexicon_docs(lexicon_dir) if doc.get("place_nouns")}


@dataclass(frozen=True)
class Descriptors:
    """Generic words written around place names, with the kinds each agrees with, from the lexicons'
    ``descriptors`` and ``descriptor_links``.

    >>> d = Descriptors({"district": frozenset({"neighbourhood"}), "village": frozenset({"village"})}, ("the", "of"))
    >>> d.strip("Sheikh Saeed district"), d.strip("the village of Minian")
    ([('Sheikh Saeed', frozenset({'neighbourhood'}))], [('Minian', frozenset({'village'})), ('village of Minian', None)])
    """

    kinds: dict[str, frozenset[str]]
    links: tuple[str, ...]
    #: the definite articles ("the", "la"): a landmark's common-noun name written after one names it
    definite: tuple[str, ...] = ()

    def is_generic(self, text: str) -> bool:
        """Whether ``text`` is only a generic word of the lexicons ("Youth Housing", "quartier").

        >>> Descriptors({"youth housing": frozenset({"neighbourhood"})}, ()).is_generic("Youth  Housing")
        True
        """
        return " ".join(_plain(text).split()) in self.kinds

    def definite_before(self, text: str, start: int) -> bool:
        """Whether a definite article, and at most one word after it, comes right before ``text[start:]``
        ("the old citadel", "la fameuse citadelle", "l'ancienne citadelle").

        >>> d = Descriptors({}, (), ("the", "la", "l'"))
        >>> d.definite_before("near the old citadel", 13), d.definite_before("a citadel", 2)
        (True, False)
        """
        rx = self.__dict__.get("_definite")
        if rx is None:
            words = "|".join(re.escape(w) for w in sorted(self.definite, key=len, reverse=True))
            rx = re.compile(rf"(?<![^\W_])(?:{words})(?:\s+|(?<=')){_ONE_WORD}$" if words else r"(?!)")
            object.__setattr__(self, "_definite", rx)
        return rx.search(_plain(text[max(0, start - 40):start]) + " ") is not None

    def city_references(self, text: str) -> list[tuple[int, int, frozenset[str]]]:
        """The spans of "the city", "la ville" in ``text`` (a definite article and a generic word of a
        city), with the kinds the word agrees with; not when a name follows ("the city of Homs", "la ville
        d'Alep", "la ville Idleb"): that name is the place.

        >>> d = Descriptors({"city": frozenset({"city"})}, ("of",), ("the",))
        >>> d.city_references("They left the city. The city of Homs")
        [(10, 18, frozenset({'city'}))]
        """
        rx = self.__dict__.get("_city")
        if rx is None:
            nouns = "|".join(re.escape(w) for w, ks in self.kinds.items() if "city" in ks)
            words = "|".join(re.escape(w) for w in sorted(self.definite, key=len, reverse=True))
            link = "|".join(re.escape(w) for w in sorted(self.links, key=len, reverse=True))
            rx = (re.compile(rf"(?<![^\W_])(?:{words})(?:\s+|(?<='))(?P<noun>{nouns})(?![\w-])"
                             rf"(?!\s*(?:(?:{link})(?:\s+|(?<='))\s*)*(?-i:[A-ZÀ-Þ]))", re.IGNORECASE)
                  if nouns and words else None)
            object.__setattr__(self, "_city", rx)
        if rx is None:
            return []
        return [(m.start(), m.end(), self.kinds[_plain(m.group("noun"))]) for m in rx.finditer(text)]

    def _patterns(self) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
        cached = self.__dict__.get("_compiled")
        if cached is None:
            nouns = "|".join(re.escape(n) for n in sorted(self.kinds, key=len, reverse=True))
            link = "|".join(re.escape(w) for w in sorted(self.links, key=len, reverse=True))
            links = rf"(?:(?:{link})(?:\s+|(?<=')))*" if link else ""
            cached = (re.compile(rf"^{links}(?P<noun>{nouns})(?:\s+|$){links}(?P<name>\S.*)$"),
                      re.compile(rf"^{links}(?P<name>\S.*?)\s+(?P<noun>{nouns})$"),
                      re.compile(rf"^(?:(?:{link})(?:\s+|(?<=')))+(?P<name>\S.*)$") if link else re.compile(r"(?!)"))
            object.__setattr__(self, "_compiled", cached)
        return cached

    def strip(self, name: str) -> list[tuple[str, frozenset[str] | None]]:
        """``(the name without its generic word, the kinds the word agrees with)``; ``None`` kinds when only
        small words ("the", "le") were taken off."""
        plain = _plain(name)
        before, after, article = self._patterns()
        out = []
        for rx in (before, after):
            if m := rx.match(plain):
                out.append((_span_of(name, plain, m.start("name"), m.end("name")), self.kinds[m.group("noun")]))
        if m := article.match(plain):
            out.append((_span_of(name, plain, m.start("name"), m.end("name")), None))
        return out


#: At most one word (an adjective: "old", "fameuse") and the space after it.
_ONE_WORD = r"(?:[^\W\d_][\w'-]*\s+)?"


def _plain(text: str) -> str:
    """Lower case, no accents, one kind of apostrophe, one space: the same length as ``text`` when the
    text has no decomposable characters beyond accents (the usual case)."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    return re.sub(r"[’ʼ`]", "'", t).lower().strip()


def _span_of(name: str, plain: str, a: int, b: int) -> str:
    """The part of ``name`` that ``plain[a:b]`` came from (the plain form when the lengths differ)."""
    return name.strip()[a:b] if len(name.strip()) == len(plain) else plain[a:b]


def load_descriptors(lexicon_dir: Path) -> Descriptors | None:
    """Every lexicon's ``descriptors`` (word -> kinds), ``descriptor_links`` and ``definite_articles``, merged,
    or None."""
    kinds: dict[str, set[str]] = {}
    links: set[str] = set()
    definite: set[str] = set()
    for doc in _lexicon_docs(lexicon_dir):
        for word, ks in (doc.get("descriptors") or {}).items():
            kinds.setdefault(_plain(str(word)), set()).update(str(k) for k in ks)
        links.update(_plain(str(w)) for w in doc.get("descriptor_links") or ())
        definite.update(_plain(str(w)) for w in doc.get("definite_articles") or ())
    if not kinds:
        return None
    return Descriptors({k: frozenset(v) for k, v in kinds.items()}, tuple(sorted(links)), tuple(sorted(definite)))


#: A short form with fewer skeleton letters than this (the folded key drops vowels) is too likely to be
#: something else: "Badro" (bdr) stays a part of Jabal Badro, "Qaterji" (ktrj) stands alone.
SHORT_FORM_MIN = 4
#: First words of landmark names that are everyday words, never a place on their own ("State hospital").
EVERYDAY_NAMES = frozenset(["state", "national", "central", "public", "main", "old", "new", "city", "general", "military", "university", "civil", "children", "women", "martyrs"])


def _compound_heads(lexicon_dir: Path) -> set[str]:
    """Every lexicon's ``compound_heads``."""
    return {str(h) for doc in _lexicon_docs(lexicon_dir) for h in doc.get("compound_heads") or ()}


#: Kinds whose generic last word may be dropped from an English name ("Kindi hospital" -> "Kindi"): not the
#: military sites, whose names are generic words themselves ("Air Force Technical College" -> "Air Force").
TAIL_KINDS = frozenset({"neighbourhood", "landmark", "roundabout", "camp", "hill", "road", "village"})


def _tail_nouns(lexicon_dir: Path) -> dict[str, frozenset[str]]:
    """The descriptors that may be dropped from the end of a name, with the kinds they agree with."""
    d = load_descriptors(lexicon_dir)
    return {} if d is None else {n: k for n, k in d.kinds.items() if k and k <= TAIL_KINDS}


def _distinctive(pid: str, alias: str, places: dict[str, Place], heads: set[str],
                 tails: dict[str, frozenset[str]]) -> str | None:
    """The distinctive part of a compound name: after a head word ("Karm al-Qaterji"), or before a generic
    last word that agrees with the place's kind ("al-Ma'saraniyah Youth Housing", "Kindi hospital")."""
    words = alias.split(maxsplit=1)
    if len(words) == 2 and fold(words[0]) in heads:
        return words[1].strip()
    if alias != places[pid].name:
        return None  # a generic last word is dropped from the display name only, not from every alias
    low = _plain(alias)
    for noun in sorted(tails, key=len, reverse=True):
        if low.endswith(" " + noun) and places[pid].kind in tails[noun]:
            return alias.strip()[:len(alias.strip()) - len(noun) - 1].strip() if len(low) == len(alias.strip()) \
                else None
    return None


def short_forms(aliases: list[tuple[str, str, str]], places: dict[str, Place], heads: set[str] | Path,
                tails: dict[str, frozenset[str]] | None = None,
                centre: tuple[float, float] = ALEPPO_CENTRE, described: list[tuple[str, str, str]] | None = None
                ) -> list[tuple[str, str, str]]:
    """The distinctive part of compound names ("Karm al-Qaterji" -> "al-Qaterji", "Zarzour hospital" -> "Zarzour"),
    as aliases of the one place it names: never when another place already goes by it, when two compounds
    share it, or when it is short, a head word itself or an everyday word. ``heads`` may be the lexicon
    folder, which also gives the generic last words (``tails``). A part too short to stand alone ("al-Assad" of
    Dahiyat al-Assad) is added to ``described``, when given: it names the place with a generic word beside it
    (:func:`described_forms`).

    >>> p = {"k": Place("k", "Karm al-Qaterji", "neighbourhood", 37.18, 36.20),
    ...      "h": Place("h", "Zarzour hospital", "landmark", 37.18, 36.26)}
    >>> short_forms([("k", "Karm al-Qaterji", "en"), ("h", "Zarzour hospital", "en")], p, {"karm"},
    ...             {"hospital": frozenset({"landmark"})})
    [('k', 'al-Qaterji', 'en'), ('h', 'Zarzour', 'en')]
    """
    if isinstance(heads, Path):
        tails = _tail_nouns(heads) if tails is None else tails
        heads = _compound_heads(heads)
    heads = {fold(h) for h in heads}
    tails = tails or {}
    taken = {fold(a) for _, a, _ in aliases}
    found: dict[str, list[tuple[str, str, str]]] = {}
    short: dict[str, list[tuple[str, str, str]]] = {}
    for pid, alias, lang in aliases:
        if pid not in places or not _near(places[pid], centre):
            continue
        rest = _distinctive(pid, alias, places, heads, tails)
        if not rest or not rest[:1].isalpha() or any(ch in rest for ch in ",;()"):
            continue  # "Bab Antakya, Market": a description, not a compound name
        key = fold(rest)
        # a name's own first word before its generic one ("Kindi hospital") may be shorter in letters: it is
        # a proper name by construction, not a part of a compound that may be an everyday word
        least = SHORT_FORM_MIN - 1 if alias == places[pid].name and len(rest) >= 5 and " " not in rest \
            and rest[:1].isupper() and fold(alias.split(maxsplit=1)[0]) not in heads \
            and rest.lower() not in EVERYDAY_NAMES else SHORT_FORM_MIN
        if key in taken or key in heads or key in COMMON_WORDS:
            continue
        if len(key.replace(" ", "")) < least:
            if described is not None and len(key.replace(" ", "")) >= DESCRIBED_MIN:
                short.setdefault(key, []).append((pid, rest, lang))
            continue
        found.setdefault(key, []).append((pid, rest, lang))
    if described is not None:
        described += [row for rows in short.values() if len({r[0] for r in rows}) == 1 for row in rows[:1]]
    return [row for rows in found.values() if len({r[0] for r in rows}) == 1 for row in rows[:1]]


#: A part of a compound name shorter than this (skeleton letters) names nothing even with a generic word beside it.
DESCRIBED_MIN = 3


def described_forms(parts: list[tuple[str, str, str]], places: dict[str, Place], descriptors: Descriptors | None
                    ) -> list[tuple[str, str, str]]:
    """Aliases for parts of compound names too short to stand alone, each written with a generic word that agrees
    with its place's kind, before or after it, as reports write them ("al-Assad neighborhood", "quartier
    d'al-Assad", "the district of al-Assad").

    >>> d = Descriptors({"district": frozenset({"neighbourhood"}), "camp": frozenset({"camp"})}, ("of",))
    >>> described_forms([("x", "al-Assad", "en")], {"x": Place("x", "Dahiyat al-Assad", "neighbourhood", 37, 36)}, d)
    [('x', 'al-Assad district', 'en'), ('x', 'district al-Assad', 'en'), ('x', 'district of al-Assad', 'en')]
    """
    if descriptors is None:
        return []
    out = []
    for pid, part, lang in parts:
        if places[pid].kind not in DESCRIBED_KINDS or _plain(part) in descriptors.kinds or _plain(part) in EVERYDAY_NAMES:
            continue  # "State" (hospital), "Mosque" (Karamiya): a landmark's generic or everyday word, not a name
        for word, kinds in sorted(descriptors.kinds.items()):
            if places[pid].kind not in kinds:
                continue
            out += [(pid, f"{part} {word}", lang), (pid, f"{word} {part}", lang)]
            out += [(pid, f"{word} {link}{'' if link.endswith(chr(39)) else ' '}{part}", lang)
                    for link in descriptors.links if link in _OF_LINKS]
    return out


#: Kinds of places named by compounds whose distinctive part reports write with a generic word ("al-Assad
#: neighborhood", "le village de Minian"); not landmarks, whose first words are often generic themselves.
DESCRIBED_KINDS = frozenset({"neighbourhood", "district", "village", "town", "camp", "hill"})
#: The descriptor links that join a generic word to its name ("quartier d'X", "district of X").
_OF_LINKS = frozenset({"of", "de", "d'", "du"})


#: How far from the study area's centre (degrees, about 50 km) a place may be and still lend its short form.
SHORT_FORM_REACH = 0.5


def _near(p: Place, centre: tuple[float, float]) -> bool:
    """Whether a place is in the study area's reach: a short form of a far place (a Damascus suburb) would
    be read into every report of the city."""
    return abs(p.lon - centre[0]) <= SHORT_FORM_REACH and abs(p.lat - centre[1]) <= SHORT_FORM_REACH


def generic_forms(aliases: list[tuple[str, str, str]], nouns: dict[str, dict[str, list[str]]] | Path
                  ) -> list[tuple[str, str, str]]:
    """Aliases in other languages for English names ending in a generic noun.

    >>> generic_forms([("j", "Jandoul roundabout", "en")], {"fr": {"roundabout": ["rond-point de {name}"]}})
    [('j', 'rond-point de Jandoul', 'fr')]
    """
    if isinstance(nouns, Path):
        nouns = _place_nouns(nouns)
    out = []
    for pid, alias, lang in aliases:
        if lang != "en":
            continue
        low = alias.lower()
        for lg, table in nouns.items():
            for noun, forms in table.items():
                if low.endswith(" " + noun) and len(alias) > len(noun) + 2:
                    name = alias[:-len(noun) - 1].strip()
                    out += [(pid, f.format(name=name), lg) for f in forms]
    return out


def school_forms(places: dict[str, Place], lexicon_dir: Path | list[dict]) -> list[tuple[str, str, str]]:
    """Aliases for military schools in every lexicon's words: academy, college and school are one thing in
    reports of them, and the branch is written in the report's language ("Armament Academy" is also the
    "Weaponry College" and "l'école d'armement"). From the lexicons' ``school_nouns`` and ``branch_words``
    (keyed by the English branch of the display name).

    >>> docs = [{"lang": "en", "school_nouns": ["academy", "college"], "branch_words": {"armament": ["weaponry"]}},
    ...         {"lang": "fr", "school_nouns": ["école"], "branch_words": {"armament": ["d'armement"]}}]
    >>> school_forms({"a": Place("a", "Armament Academy", "military_site", 37.1, 36.2)}, docs)
    [('a', 'weaponry academy', 'en'), ('a', 'weaponry college', 'en'), ('a', "école d'armement", 'fr')]
    """
    docs = _lexicon_docs(lexicon_dir) if isinstance(lexicon_dir, Path) else lexicon_dir
    en_nouns = [str(n) for d in docs if d.get("lang") == "en" for n in d.get("school_nouns") or ()]
    if not en_nouns:
        return []
    tail = re.compile(rf"^(?P<branch>.+?)\s+(?:{'|'.join(map(re.escape, en_nouns))})$", re.I)
    out = []
    for pid, p in places.items():
        m = tail.match(p.name.strip()) if p.kind == "military_site" else None
        if not m:
            continue
        branch = m.group("branch").lower()
        for d in docs:
            words = (d.get("branch_words") or {}).get(branch) or []
            for noun in d.get("school_nouns") or ():
                for w in words:
                    form = f"{w} {noun}" if d.get("lang") == "en" else f"{noun} {w}"
                    out.append((pid, form, str(d.get("lang"))))
    return out
