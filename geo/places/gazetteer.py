"""Places and aliases (data/gazetteer/), name folding, and look-up.

Folding turns every spelling seen in print into one key, token by token, with an ordered rule list:

1. Unicode: NFKD, accents and Arabic diacritics/tatweel removed; alef forms -> ا, taa marbuta -> ه,
   alef maqsura -> ي; lower case; apostrophes and ʿ ʾ dropped.
2. Articles: a token ``al``/``el``/``ad``/``ash``/``as``/``ar``/``at``/``az``/``an``/``aj``/``ad`` followed by
   another token, French ``l'``/``d'`` prefixes, and the Arabic ``ال`` prefix are dropped.
3. Titles: Cheikh/Sheikh/Shaykh/Shekh/Sheik/Chaikh -> ``shk``.
4. Transliteration (Latin tokens of 3+ letters; endings only on 6+): ch->sh, ou->u, ee->i, y->i, q->k, doubled letters once,
   a plural ``s`` dropped, the endings -iyeh/-iye/-iya/-iyah/-ieh/-eh/-ah/-a/-e dropped, then vowels
   after the first letter dropped: a consonant skeleton ("Haydariyé", "Haidariya", "al-Haydariyeh" -> ``hdr``)
   unless that leaves fewer than 3 letters ("Bab" stays ``bab``). A token with no vowel after its first
   letter is taken as a key already and kept as is, which makes folding idempotent.

>>> fold("al-Haydariyeh") == fold("Haydariyé") == fold("Haidariya")
True
>>> fold("Cheikh Saïd") == fold("Sheikh Saeed"), fold("Massaken Hanano") == fold("Masaken Hananou")
(True, True)
>>> fold("1070 Appartement") == fold("1070 Apartments"), fold("d'Alep")
(True, 'alp')
"""

from __future__ import annotations

import csv
import functools
import gc
import itertools
import operator
import os
import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import shapely
import shapely.prepared
import shapely.validation

from geo.io import read_vector
from geo.model import CRS_STORAGE, Place

if TYPE_CHECKING:  # the spellings module imports this one
    from geo.places.variants import Descriptors

#: Not a name: a web address, a citation, a note ("contains UNOSAT 'X' centroid -> Y": an arrow, quotes, or a
#: run of more than six words).
JUNK_ALIAS = re.compile(r"(?:^|\s)[\w-]+(?:\.[\w-]+)*\.(?:com|fr|org|net|ir|cn|info|africa|press|uk|lb)\b|https?:|"
                        r"[()\[\]\"“”→⇒]|->|=>|^\s*(?:\S+\s+){9,}\S")

_ARTICLES = frozenset({"al", "el", "ad", "ash", "as", "ar", "at", "az", "an", "aj", "ag", "ak", "ach", "ech", "es", "et"})
#: Articles that are also English/French words ("at", "as", "an", "et"): only when hyphenated.
_SPACED_ARTICLES = {"al", "el"}
_SHEIKH = {"cheikh", "sheikh", "shaykh", "shekh", "sheik", "cheik", "chaikh", "shaikh", "cheykh",
           "sheykh", "shiekh", "sh"}
#: "spring" before a name, as English, French and older maps write it ("Ain", "Ayn", "Ein", "Aïn"): one word.
_AIN = {"ain", "ayn", "ein", "aen", "ayin", "aine"}
_AR_MAP = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})
# A word: letters plus combining marks (Arabic tashkeel and decomposed Latin accents are not \w).
_MARKS = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
_WORD = rf"[^\W\d_](?:[^\W\d_]|[{_MARKS}])*"
_TOKEN = re.compile(rf"[0-9]+|{_WORD}(?:['’ʼʿʾ`]{_WORD})*", re.UNICODE)
_TOKEN_SPLIT = re.compile(rf"([0-9]+|{_WORD}(?:['’ʼʿʾ`]{_WORD})*)", re.UNICODE)
# The same tokens, twice as fast, for text whose \w runs are all plain words or plain ASCII numbers.
# _token_parts checks the few other tokens (with a digit glued to a letter, an underscore, a combining
# mark, an apostrophe...) against _TOKEN_SPLIT and falls back to it for the whole text if one differs.
_FAST_SPLIT = re.compile(rf"([\w{_MARKS}]+(?:['’ʼʿʾ`][\w{_MARKS}]+)*)")
_JOIN = re.compile(r"[\s\-‐-―'’‘`ʿʾ]{1,3}")  # between an article and its name: "al-‘Amiriyeh", "Dar el `Izze"
_ENDING = re.compile(r"(?:i{1,2}(?:eh|ah|e|a)|eh|ah|a|e)$")
_VOWELS = re.compile(r"[aeiou]")


def _is_arabic(tok: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in tok)


def _strip_marks(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c) and not ("\u064b" <= c <= "\u065f"))


_HARD_G = re.compile(r"g(?!h)")
#: Numbers of numbered neighbourhoods ("al-Hamdaniyeh III"): kept whole, never squeezed ("iii" is not "i").
_ROMAN = frozenset({"iii", "vii", "viii", "xii", "xiii"})


#: An article glued to a capitalised name, as text copied from a PDF or a page's markup writes it ("alJazmati").
_GLUED_ARTICLE = re.compile(r"(?<![^\W_])[AaEe]l(?=[A-Z][a-z])")


@functools.lru_cache(maxsize=1 << 17)
def fold_token(tok: str) -> str:
    """The key of one token ("" when it carries no name: an article).

    >>> fold_token("alJazmati") == fold_token("Jazmati"), fold_token("Aleppo") == fold_token("Leppo")
    (True, False)
    """
    t = _GLUED_ARTICLE.sub("", _strip_marks(tok)).translate(_AR_MAP).lower()
    if _is_arabic(t):
        while t.startswith("ال") and len(t) > 3:  # "الألمجي": the article, then a name starting with alef-lam
            t = t[2:]
        return t
    t = re.sub(r"^(?:l|d|qu)['’ʼ`]", "", t)
    t = re.sub(r"['’ʼʿʾ`]", "", t)
    if t in _SHEIKH:
        return "shk"
    if t in _AIN:
        return "ain"
    if t.isdigit() or len(t) < 3 or t in _ROMAN or not _VOWELS.search(t[1:].replace("y", "a")):
        return t  # numbers, short words, and keys already reduced to a skeleton (idempotence)
    t = t.replace("ch", "sh").replace("ou", "u").replace("ee", "i").replace("y", "i").replace("q", "k")
    t = _HARD_G.sub("k", t)  # qaf is written g as often as q ("Agyul" for Aqyul); "gh" is ghayn, kept
    t = re.sub(r"(.)\1+", r"\1", t)
    if len(t) > 5 and t.endswith("s"):
        t = t[:-1]
    t = _ENDING.sub("", t) if len(t) > 5 else t
    skeleton = t[0] + _VOWELS.sub("", t[1:])
    return skeleton if len(skeleton) >= 3 else t  # "Bab", "Tal", "Mari" keep their vowels


@functools.lru_cache(maxsize=1 << 17)
def _article_form(tok: str) -> str:
    """The article a token is ("al", "ash", "d'Al" -> "al"), or ""."""
    if len(tok) > 5:
        return ""
    low = re.sub(r"^(?:l|d|qu)['’ʼ`]", "", _strip_marks(tok).lower())  # "d'Al-Assad"
    return low if low in _ARTICLES else ""


def _token_parts(text: str) -> list[str]:
    """``_TOKEN_SPLIT.split(text)``, computed with the faster pattern whenever that gives the same."""
    parts = _FAST_SPLIT.split(text)
    toks = parts[1::2]
    # C-level filters: only tokens that are not plain words are looked at in Python
    odd = {t for t in set(itertools.compress(toks, map(operator.not_, map(str.isalpha, toks))))
           if not (t.isascii() and t.isdigit())}
    if any(_TOKEN_SPLIT.split(t) != ["", t, ""] for t in odd):
        return _TOKEN_SPLIT.split(text)
    return parts


def _raw_arrays(text: str) -> tuple[list[int], list[int], list[str], list[int]]:
    """Starts, ends and keys of every token, articles included, and the indices of the tokens whose
    key is an article's: with regular expressions."""
    # One C-level split gives tokens and the gaps between them; offsets are running sums of lengths.
    # parts = [gap0, tok0, gap1, tok1, ..., gapN]; token k is parts[2k + 1].
    parts = _token_parts(text)
    toks = parts[1::2]
    offsets = list(itertools.accumulate(map(len, parts), initial=0))
    keys = list(map(fold_token, toks))
    # an article's key is the article itself: a C-level look-up over the keys finds the candidates
    flagged = list(itertools.compress(range(len(keys)), map(_ARTICLES.__contains__, keys)))
    return offsets[1::2][:len(toks)], offsets[2::2][:len(toks)], keys, flagged


#: token -> key, for the C tokeniser (bounded: cleared when it grows past FOLD_CACHE).
_FOLDED: dict[str, str] = {}
FOLD_CACHE = 1 << 17


def _scanned_arrays(text: str) -> tuple[list[int], list[int], list[str], list[int]]:
    """The same as :func:`_raw_arrays`, in one C-level pass (geo/places/_scan.pyx)."""
    if len(_FOLDED) > FOLD_CACHE:
        _FOLDED.clear()
    return _scan.scan(text, _FOLDED, fold_token, _ARTICLES)


try:  # the optional C tokeniser, built at install time when a compiler is there (setup.py)
    from geo.places import _scan  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on the install
    _scan = None
if os.environ.get("GEO_PURE_PYTHON"):  # GEO_PURE_PYTHON=1: the regular expressions (for comparisons)
    _scan = None
#: Which tokeniser token_arrays uses: "c" (geo/places/_scan.pyx) or "python" (regular expressions).
TOKENISER = "c" if _scan is not None else "python"


def token_arrays(text: str) -> tuple[list[int], list[int], list[str]]:
    """Starts, ends and keys of the tokens of ``text`` (see :func:`tokens`), as three lists."""
    starts, ends, keys, flagged = _scanned_arrays(text) if _scan is not None else _raw_arrays(text)
    if not keys:
        return [], [], []
    drop = False
    # Only the few article tokens need a look: "al-Bab", "ash Sheikh" fold the article into the name
    # after it (not part of the key, but part of the span).
    for i in flagged:
        art = _article_form(text[starts[i]:ends[i]])
        if art and i + 1 < len(keys):
            gap = text[ends[i]:starts[i + 1]]
            if _JOIN.fullmatch(gap) and (art in _SPACED_ARTICLES or not gap.isspace()):
                starts[i + 1] = starts[i]
                keys[i] = ""
                drop = True
    if drop or "" in keys:  # an empty key (an article) is dropped with its offsets
        if _scan is not None:
            return _scan.drop_empty(starts, ends, keys)
        return (list(itertools.compress(starts, keys)), list(itertools.compress(ends, keys)),
                list(filter(None, keys)))
    return starts, ends, keys


def tokens(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, key)`` per token of ``text``; an article is folded into the name after it.

    >>> tokens("à al-Bab, d'Alep")
    [(0, 1, 'a'), (2, 8, 'bab'), (10, 16, 'alp')]
    """
    return list(zip(*token_arrays(text), strict=True))


def fold(text: str) -> str:
    """The matching key of a whole name: token keys joined by spaces."""
    return " ".join(k for _, _, k in tokens(text))


def slug(text: str) -> str:
    """ASCII, lower case, runs of anything else -> ``-``.

    >>> slug("Sheikh Sa’eed"), slug("1070 Apartments")
    ('sheikh-saeed', '1070-apartments')
    """
    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    t = re.sub(r"['’ʼʿʾ`]", "", t)
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")


#: The Citadel (lon, lat): where a name with no context most likely is.
ALEPPO_CENTRE = (37.1629, 36.1996)  # the Citadel: the importers' reference, and the fallback


@dataclass
class Gazetteer:
    """Places by id, their aliases, folded keys and footprints (EPSG:4326)."""

    places: dict[str, Place]
    aliases: list[tuple[str, str, str]]
    footprints: gpd.GeoDataFrame
    by_key: dict[str, list[str]] = field(default_factory=dict)
    _automaton: object = None
    _spellings: dict[str, list[str]] | None = None
    _with_footprint: set[str] | None = None
    _close_cache: dict[tuple[str, str], float] = field(default_factory=dict)
    _name_cache: dict[tuple[str, str], float] = field(default_factory=dict)
    #: find_mentions' verdict per (surface, key): the candidates a written name really names.
    _verdicts: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    #: generic words around a name ("X district", "le village de X") and the kinds they agree with
    descriptors: Descriptors | None = None
    #: folded keys that come from short forms of compound names ("Qaterji"), for explanations
    short_keys: frozenset[str] = frozenset()
    #: folded keys of too-short parts written with a generic word ("al-Assad district"), for explanations
    described_keys: frozenset[str] = frozenset()
    #: (lon, lat) homonyms are ranked by nearness to: the study area's centre (:func:`study_centre`)
    centre: tuple[float, float] = ALEPPO_CENTRE

    def __post_init__(self) -> None:
        if not self.by_key:
            for pid, alias, _lang in self.aliases:
                key = fold(alias)
                if len(key) >= 3 and pid not in self.by_key.setdefault(key, []):
                    self.by_key[key].append(pid)

    def place(self, pid: str) -> Place:
        """The place with id ``pid`` (KeyError when unknown)."""
        return self.places[pid]

    def closeness(self, name: str, pid: str, sounded: bool = False) -> float:
        """How close ``name`` is to the nearest spelling of ``pid`` before folding (0..1): a tie-break.
        ``sounded`` compares the spellings as they sound (:func:`_sounded`: "Kwayress" and "Kweires" are one).

        >>> g = Gazetteer({}, [("a", "as-Sakhour", "en"), ("b", "as-Sakhour I", "en")], None)
        >>> g.closeness("Sakhour", "a") > g.closeness("Sakhour", "b")
        True
        """
        if self._spellings is None:
            self._spellings = {}
            for p, alias, _lang in self.aliases:
                self._spellings.setdefault(p, []).append(_light(alias))
            self._close_cache = {}
        hit = self._close_cache.get((name, pid, sounded))
        if hit is None:
            shape = _sounded if sounded else str
            q = shape(_light(name))
            hit = max((SequenceMatcher(None, q, shape(a)).ratio() for a in self._spellings.get(pid, [])), default=0.0)
            self._close_cache[(name, pid, sounded)] = hit
        return hit

    def confirms(self, surface: str, key: str, pid: str) -> bool:
        """Whether a match of ``key`` really names ``pid``: short one-word skeletons collide with common
        words ("SOHR" ~ Sha'ar, "Syrian" ~ as-Siryan, "Madina" ~ Midan), so those need a close spelling.

        >>> g = Gazetteer({}, [("a", "ash-Sha'ar", "en")], None)
        >>> g.confirms("Chaar", fold("Chaar"), "a"), g.confirms("SOHR", fold("SOHR"), "a")
        (True, False)
        """
        if " " in key or key.isdigit() or _is_arabic(key):
            return True
        if _light(surface) in COMMON_WORDS:
            return False
        return (len(key) > SHORT_KEY or self.closeness(surface, pid) >= SHORT_CLOSENESS
                or self.closeness(surface, pid, sounded=True) >= SHORT_CLOSENESS)

    def rank(self, name: str, pids: list[str] | tuple[str, ...], centre: tuple[float, float] = (0.0, 0.0)
             ) -> list[str]:
        """Homonyms ``pids`` of ``name``, best first.

        Rules, in order: spellings more than :data:`SPELLING_GAP` below the closest one go last ("Haydariyé"
        is not "al-Hadir"); then candidates within :data:`NEAR_DEG` of the one nearest to ``centre`` (lon,
        lat; default the gazetteer's :attr:`centre`) come first; among those, the closest spelling, the closest display name
        ("Sakhour": as-Sakhour before as-Sakhour I), a place with a footprint, the better precision.
        """
        cx, cy = centre if centre != (0.0, 0.0) else self.centre
        if self._with_footprint is None:
            fp = self.footprints
            self._with_footprint = set(fp["id"]) if fp is not None and "id" in fp else set()
        close = {p: round(self.closeness(name, p), 2) for p in pids}
        top = max(close.values())
        dist = {p: ((self.places[p].lon - cx) ** 2 + (self.places[p].lat - cy) ** 2) ** 0.5 for p in pids}
        d0 = min(dist[p] for p in pids if close[p] >= top - SPELLING_GAP)
        q = _light(name)

        def key(p: str) -> tuple:
            return (close[p] < top - SPELLING_GAP, dist[p] - d0 > NEAR_DEG, -close[p],
                    -self._name_closeness(q, p),
                    p not in self._with_footprint, self.places[p].precision, dist[p])

        return sorted(pids, key=key)

    def _name_closeness(self, light: str, pid: str) -> float:
        """difflib ratio (2 decimals) of a light spelling to ``pid``'s display name, remembered."""
        hit = self._name_cache.get((light, pid))
        if hit is None:
            hit = self._name_cache[(light, pid)] = round(
                SequenceMatcher(None, light, _light(self.places[pid].name)).ratio(), 2)
        return hit

    def lookup_row(self, name: str, explain: bool = False) -> dict[str, object]:
        """The best answer for a name as ``geo gazetteer lookup`` prints it: query, id, name, kind, lon, lat,
        precision, score (None when nothing resolves), and with ``explain`` how it was found."""
        hits = self.lookup(name)
        p, score = hits[0] if hits else (None, 0.0)
        row: dict[str, object] = {"query": name, "id": p.id if p else None, "name": p.name if p else None,
                                  "kind": p.kind if p else None, "lon": p.lon if p else None,
                                  "lat": p.lat if p else None, "precision": p.precision if p else None,
                                  "score": score}
        if explain:
            row["explain"] = self.explain_lookup(name)
        return row

    def lookup(self, name: str, min_score: float = 0.85) -> list[tuple[Place, float]]:
        """Best candidates for a name: exact folded key 1.0; the name inside a generic word that agrees
        with its kind ("Sheikh Saeed district", "le camp de réfugiés de Handarat") 0.98; else a fuzzy ratio
        of keys (>= min_score).

        Equal scores are ordered by :meth:`rank` around Aleppo.
        """
        scored, _ = self._scored(name, min_score)
        if not scored:
            return []
        ranked = self.rank(name, list(scored))
        order = sorted(scored, key=lambda p: (-round(scored[p], 3), ranked.index(p)))
        return [(self.places[p], round(scored[p], 3)) for p in order]

    def explain_lookup(self, name: str, min_score: float = 0.85) -> dict:
        """Why :meth:`lookup` answers what it does: the rule that found the candidates (``exact alias``,
        ``folded`` spelling, ``descriptor stripped``, ``short form``, ``fuzzy``, ``named inside`` a longer
        spelling), each candidate with its
        score, and whether the best ones tie (then :meth:`rank` orders them: spelling, then nearness to the study area's centre).

        >>> g = Gazetteer({"a": Place("a", "Hanano", "neighbourhood", 37.2, 36.23)}, [("a", "Hanano", "en")],
        ...               gpd.GeoDataFrame({"id": []}, geometry=[], crs=CRS_STORAGE))
        >>> g.explain_lookup("Hananou")["rule"], g.explain_lookup("Hanano")["rule"]
        ('folded', 'exact alias')
        """
        scored, rule = self._scored(name, min_score)
        hits = self.lookup(name, min_score)
        best = [p for p, s in hits if s == hits[0][1]] if hits else []
        return {"query": name, "rule": rule if hits else None, "tie": len(best) > 1,
                "candidates": [{"id": p.id, "name": p.name, "kind": p.kind, "score": s} for p, s in hits]}

    def _scored(self, name: str, min_score: float) -> tuple[dict[str, float], str]:
        """Candidate ids with their scores, and the rule that found them."""
        key = re.sub(r"\b(\d{1,3}) (\d{3})\b", r"\1\2", fold(name))  # "1 070 appartements": one number
        described = [] if key in self.by_key or self.descriptors is None else self.descriptors.strip(name)
        hits = {p: DESCRIBED for bare, kinds in described for p in self.by_key.get(fold(bare), ())
                if kinds is None or self.places[p].kind in kinds}
        if key in self.by_key:
            scored = {p: 1.0 for p in self.by_key[key] if self.confirms(name, key, p)}
            plain = name.strip().casefold()
            rule = "short form" if key in self.short_keys else "short form with a generic word" if (
                key in self.described_keys) else "exact alias" if any(
                a.casefold() == plain for pid, a, _ in self.aliases if pid in scored) else "folded"
            return scored, rule
        if hits:
            return hits, "descriptor stripped"
        scored = {}
        digits = set(re.findall(r"\d+", key))
        short = len(key.replace(" ", "")) <= FUZZY_SHORT
        for k, pids in self.by_key.items():
            if abs(len(k) - len(key)) > 4 or set(re.findall(r"\d+", k)) != digits:
                continue  # "3000 apartments project" is never the 1070 project
            if short and k[:1] != key[:1]:
                continue  # a short key fuzzily matched must start alike: "msrn" (Ma'saraniyeh) is not "srn"
            r = SequenceMatcher(None, key, k).ratio()
            if r >= min_score:
                for p in pids:
                    scored[p] = max(scored.get(p, 0), r)
        if scored:
            return scored, "fuzzy"
        if any(kinds is not None and self.by_key.get(fold(bare)) for bare, kinds in described):
            return {}, "descriptor disagrees"  # "village of Haydariyeh": a village, and Haydariyeh is none
        return self._named_inside(name), "named inside"

    def _named_inside(self, text: str) -> dict[str, float]:
        """A place the mention finder reads inside a longer spelling ("the nearby village of Minyan", "dans le
        quartier de Fardos"): the longest mention that is not a whole city or region, else the longest."""
        from geo.places.toponyms import find_mentions  # the finder reads this gazetteer: imported on use

        found = [m for m in find_mentions(text, self) if m.place_id in self.places]
        if not found:
            return {}
        local = [m for m in found if self.places[m.place_id].precision < 3] or found
        best = max(local, key=lambda m: (m.end - m.start, -m.start))
        return {best.place_id: NAMED_INSIDE}


#: Folded keys this short (letters) match fuzzily only a key with the same first letter.
FUZZY_SHORT = 5
#: The score of a name found inside a generic word that agrees with the place's kind.
DESCRIBED = 0.98
#: The score of a place found by the mention finder inside a longer spelling ("l'hôpital voisin de Kindi").
NAMED_INSIDE = 0.9


#: One-word keys this short (skeleton letters) must also look like a known spelling (difflib ratio).
SHORT_KEY = 4
SHORT_CLOSENESS = 0.7
#: Everyday words of war reports whose skeleton equals a place's ("Syrian" ~ as-Siryan, "Square" ~ Sukkari).
COMMON_WORDS = frozenset("""syria syrian syrians syrie syrien syrienne syriens syriennes syriac square ansar sharia
charia nusra nosra jamil suleiman anadolu madina medina halabi sohr osdh marea sunni sunnite shia chiite shiite
kurd kurde kurds kurdes arab arabe arabs arabes army armee rebel rebels rebelle rebelles""".split())  # noqa: SIM905
#: A spelling this much further (difflib ratio) from the name than the closest one loses to it.
SPELLING_GAP = 0.15
#: Candidates this close (degrees, ~3 km) to the nearest one are neighbours: the spelling decides.
NEAR_DEG = 0.03
_ARTICLE_PREFIX = re.compile(r"(?<![^\W_])(?:al|el|an|as|ash|az|ad|at|ar|aj)[-\s‐-―]+(?=\w)")


def _light(text: str) -> str:
    """Lower case, no accents or articles, letters and digits only: the spelling for tie-breaks.

    >>> _light("az-Zahra'"), _light("Cheikh Saïd")
    ('zahra', 'sheikhsaid')
    """
    t = _ARTICLE_PREFIX.sub("", _strip_marks(text).lower())
    t = " ".join("sheikh" if w in _SHEIKH else w for w in t.split())  # the title's spelling tells nothing
    return re.sub(r"[\W_]+", "", t)


_DOUBLED = re.compile(r"(\w)\1+")
#: Vowels written several ways in transliterations of one Arabic sound: the diphthong ay (ay, ai, ei, ey, ee), and
#: u (ou, oo).
_DIPHTHONGS = re.compile(r"a[iy]|e[iey]|o[ou]")


def _sounded(light: str) -> str:
    """A :func:`_light` spelling as it sounds: doubled letters single, ay/ai/ei/ey/ee one vowel, ou/oo one.

    >>> _sounded("kwayress"), _sounded("kweires"), _sounded("qouwayq")
    ('kweres', 'kweres', 'quweq')
    """
    return _DIPHTHONGS.sub(lambda m: "u" if m.group(0)[0] == "o" else "e", _DOUBLED.sub(r"\1", light))


#: Syria, coarse: Natural Earth 10m admin-0 (public domain) buffered 6 km and simplified; (lon, lat) pairs.
_SYRIA_WKT = ("POLYGON(("
               "35.86 35.39, 35.67 35.61, 35.78 35.76, 35.76 35.89, 35.98 35.99, 36.11 35.91, 36.16 36.0, "
               "36.3 36.06, 36.32 36.26, 36.55 36.28, 36.47 36.49, 36.63 36.89, 36.97 36.82, 37.08 36.71, "
               "37.43 36.69, 38.22 36.97, 38.5 36.91, 38.74 36.75, 39.23 36.72, 39.96 36.86, 40.7 37.16, "
               "41.47 37.13, 41.99 37.23, 42.21 37.38, 42.41 37.24, 42.42 37.02, 41.88 36.57, 41.42 36.47, "
               "41.33 36.33, 41.3 36.07, 41.41 35.84, 41.42 35.62, 41.26 35.23, 41.25 34.75, 41.0 34.36, "
               "40.71 34.27, 38.8 33.32, 36.83 32.26, 36.36 32.32, 36.17 32.46, 36.04 32.47, 35.87 32.66, "
               "35.7 32.72, 35.81 32.95, 35.71 33.35, 35.91 33.58, 35.9 33.74, 36.02 33.87, 36.21 33.91, "
               "36.52 34.2, 36.46 34.39, 36.27 34.48, 36.32 34.59, 36.03 34.57, 35.92 34.62, 35.81 34.92, "
               "35.89 35.21, 35.86 35.39"
               "))")




PLACE_COLUMNS = ["id", "name", "kind", "lon", "lat", "precision", "parent", "source"]
ALIAS_COLUMNS = ["place_id", "alias", "lang"]
_CACHE: dict[tuple, Gazetteer] = {}


def read_places(path: Path) -> dict[str, Place]:
    out = {}
    with Path(path).open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            out[r["id"]] = Place(r["id"], r["name"], r["kind"], float(r["lon"]), float(r["lat"]),
                                 int(r["precision"] or 1), r.get("parent") or "", r.get("source") or "")
    return out


def study_centre(area_file: Path, places: dict[str, Place]) -> tuple[float, float]:
    """(lon, lat) of the data directory's study area (``centre`` in area.yaml, else its box's middle); with no
    area.yaml, the median point of the places."""
    import statistics

    if area_file.exists():
        from geo.settings import load_area

        return load_area(area_file).middle()
    if not places:
        return ALEPPO_CENTRE
    return (statistics.median(p.lon for p in places.values()), statistics.median(p.lat for p in places.values()))


def load_gazetteer(directory: Path) -> Gazetteer:
    """Read places.csv, aliases.csv and footprints.geojson (cached while the files are unchanged)."""
    d = Path(directory)
    files = [d / "places.csv", d / "aliases.csv", d / "footprints.geojson"]
    if not files[0].exists():
        from geo.io import InputError

        raise InputError(f"{files[0]}: gazetteer not found (see data/gazetteer/README.md)")
    area_file = d.parent / "area.yaml"
    key = tuple((str(f), f.stat().st_mtime_ns if f.exists() else 0) for f in [*files, area_file])
    if key in _CACHE:
        return _CACHE[key]
    places = read_places(files[0])
    aliases = []
    if files[1].exists():
        with files[1].open(encoding="utf-8", newline="") as fh:
            aliases = [(r["place_id"], r["alias"], r["lang"]) for r in csv.DictReader(fh)]
        for n, (_, alias, _) in enumerate(aliases, 2):
            if JUNK_ALIAS.search(alias or ""):  # a note read as a name would be found in every report
                from geo.io import InputError

                raise InputError(f"{files[1]}: row {n}: alias {alias!r} is a note, a citation or a web address, "
                                 "not a name")
    aliases += [(p.id, p.name, "en") for p in places.values()]
    from geo.places.variants import (
        described_forms,
        generic_forms,
        load_descriptors,
        school_forms,
        short_forms,
    )

    aliases += generic_forms(aliases, d.parent / "lexicon") + school_forms(places, d.parent / "lexicon")
    centre = study_centre(area_file, places)
    too_short: list[tuple[str, str, str]] = []
    shorts = short_forms(aliases, places, d.parent / "lexicon", centre=centre, described=too_short)
    descriptors = load_descriptors(d.parent / "lexicon")
    described = described_forms(too_short, places, descriptors)
    aliases += shorts + described
    fps = (read_vector(files[2]) if files[2].exists()
           else gpd.GeoDataFrame({"id": []}, geometry=[], crs=CRS_STORAGE))
    g = Gazetteer(places, aliases, fps, descriptors=descriptors, short_keys=frozenset(fold(a) for _, a, _ in shorts),
                  described_keys=frozenset(fold(a) for _, a, _ in described),
                  centre=centre)
    _CACHE[key] = g
    # The gazetteer lives as long as the process and holds a few hundred thousand objects: out of the cyclic
    # collector's sight, they are not walked again at each collection that reading a corpus sets off (a fifth
    # of mention finding's time otherwise). Garbage first, so that nothing already unreachable is kept.
    gc.collect()
    gc.freeze()
    return g


def _in_syria(lon: float, lat: float) -> bool:
    """Whether (lon, lat) falls in Syria's coarse outline.

    >>> _in_syria(37.16, 36.20), _in_syria(36.20, 37.16)
    (True, False)
    """
    global _SYRIA
    if _SYRIA is None:
        _SYRIA = shapely.prepared.prep(shapely.from_wkt(_SYRIA_WKT))
    return bool(_SYRIA.contains(shapely.Point(lon, lat)))


_SYRIA = None


#: A place this far (km) from the study area's box is a typo, not a town reports name from afar.
REACH_KM = 500.0


def validate_gazetteer(directory: Path, area: Any = None) -> list[str]:
    """Problems as one-line messages naming the file and row. ``area`` (a
    :class:`geo.settings.StudyArea`) judges the coordinates: a point outside it whose swap lies inside
    was typed lat-first; one more than :data:`REACH_KM` away is a typo. Without an area, Syria's outline."""
    d = Path(directory)
    probs: list[str] = []
    pfile = d / "places.csv"
    if not pfile.exists():
        return [f"{pfile}: missing"]
    seen: dict[str, tuple[float, float]] = {}
    with pfile.open(encoding="utf-8", newline="") as fh:
        for n, r in enumerate(csv.DictReader(fh), 2):
            pid = r.get("id", "")
            if pid in seen:
                probs.append(f"{pfile}: row {n}: duplicate id {pid!r}")
            try:
                lon, lat = float(r["lon"]), float(r["lat"])
            except (TypeError, ValueError):
                probs.append(f"{pfile}: row {n}: {pid}: lon/lat are not numbers")
                seen.setdefault(pid, (float("nan"), float("nan")))
                continue
            seen.setdefault(pid, (lon, lat))
            if why := _misplaced(lon, lat, area):
                probs.append(f"{pfile}: row {n}: {pid}: {why}")
    afile = d / "aliases.csv"
    if afile.exists():
        with afile.open(encoding="utf-8", newline="") as fh:
            for n, r in enumerate(csv.DictReader(fh), 2):
                if r.get("place_id") not in seen:
                    probs.append(f"{afile}: row {n}: alias {r.get('alias')!r} points to no place {r.get('place_id')!r}")
                elif JUNK_ALIAS.search(r.get("alias") or ""):
                    probs.append(f"{afile}: row {n}: alias {r.get('alias')!r} looks like a web address or a citation "
                                 "fragment, not a name")
    ffile = d / "footprints.geojson"
    if ffile.exists():
        probs += _footprint_problems(ffile, seen)
    return probs


def _misplaced(lon: float, lat: float, area: Any) -> str:
    """Why a point cannot be where it says ("" when it can)."""
    if area is None:
        # In Syria, lon 35.7-42.4 and lat 32.3-37.4 overlap, so a swap is told by the outline, not the ranges.
        if _in_syria(lon, lat):
            return ""
        return f"lat/lon look swapped ({lon}, {lat})" if _in_syria(lat, lon) else f"outside Syria ({lon}, {lat})"
    if area.contains(lon, lat):
        return ""
    if area.contains(lat, lon):
        return f"lat/lon look swapped ({lon}, {lat}): ({lat}, {lon}) is inside the study area ({area.name})"
    km = area.distance_km(lon, lat)
    if km > REACH_KM:
        return f"({lon}, {lat}) is {km:.0f} km from the study area ({area.name}): a typo?"
    return ""  # a town reports name from afar (Damascus, Manbij): kept


def _footprint_problems(ffile: Path, points: dict[str, tuple[float, float]]) -> list[str]:
    """A footprint of no place, a broken one, or one that does not hold its place's point (50 m slack:
    a point typed from a map sits on the outline)."""
    try:
        fps = gpd.read_file(ffile, engine="pyogrio")
    except Exception as exc:  # noqa: BLE001 - GDAL's errors are many; the message names the file
        return [f"{ffile}: not a readable GeoJSON ({' '.join(str(exc).split())})"]
    probs = []
    for i, row in fps.iterrows():
        fid, geom = row.get("id"), row.geometry
        if fid not in points:
            probs.append(f"{ffile}: feature {i}: id {fid!r} has no place")
        if geom is None or geom.is_empty or not geom.is_valid:
            probs.append(f"{ffile}: feature {i}: {fid}: invalid geometry"
                         + (f" ({shapely.validation.explain_validity(geom)})" if geom is not None else " (none)"))
        elif fid in points and not geom.is_empty:
            lon, lat = points[fid]
            gap_m = geom.distance(shapely.Point(lon, lat)) * 111_000  # degrees to metres, near enough for slack
            if gap_m > 50:
                probs.append(f"{ffile}: feature {i}: {fid}: its outline does not hold its point ({lon}, {lat}) "
                             f"in places.csv ({gap_m:.0f} m away)")
    return probs
