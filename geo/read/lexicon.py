"""Per-language reading knowledge (data/lexicon/<lang>.yaml), compiled once.

Patterns are matched on :func:`fold_keep_length` text, which has exactly the same length as the
original, so every match offset is also an offset into the original sentence.

>>> fold_keep_length("S’est EMPARÉE d’Alep")
"s'est emparee d'alep"
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from geo.io import InputError, read_yaml
from geo.read.literals import required_literals

_END = sys.maxsize

_APOSTROPHES = dict.fromkeys(map(ord, "’‘ʼʻ`´"), "'")
_DASHES = dict.fromkeys(map(ord, "‐‑‒–—"), "-")
_SPACES = dict.fromkeys(map(ord, "\u00a0\u202f\u2009"), " ")


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    base = unicodedata.normalize("NFKD", ch)[:1] or ch
    low = base.lower()
    return low if len(low) == 1 else base


#: The whole fold of every character of the basic plane (ASCII capitals, Latin accents, Greek, Cyrillic, Arabic
#: presentation marks...) as one string indexed by code point: ``str.translate`` then does it in C, one char
#: for one char, and indexing a string is faster than looking up a dict (a character past the basic plane is
#: past the string's end: translate leaves it as it is).
_FOLD_TABLE: list[str] = []


def _fold_table() -> str:
    if not _FOLD_TABLE:
        table = {}
        for i in range(0x10000):
            c = chr(i)
            f = _fold_char(c)
            if f != c:
                table[i] = f
        for extra in (_APOSTROPHES, _DASHES, _SPACES):  # applied last: they win over the letter fold
            table.update(extra)
        _FOLD_TABLE.append("".join(table.get(i, chr(i)) for i in range(0x10000)))
    return _FOLD_TABLE[0]


def fold_keep_length(text: str) -> str:
    """Lower-case, strip accents, unify apostrophes/dashes/spaces, one output char per input char."""
    return text.translate(_fold_table())


def literal_alternation(words: list[str] | set[str]) -> str:
    """One regular expression for many literal words, factored as a trie: Python's engine then tries a
    handful of branches at each position instead of every word, and the longest word still wins (an
    optional tail is greedy).

    >>> print(literal_alternation(["army", "army troops", "arms"]))
    arm(?:s|y(?:\\ troops)?)
    >>> import re; re.match(literal_alternation(["army", "army troops"]) + r"(?!\\w)", "army troops said").group(0)
    'army troops'
    """
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if end:
            return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else f"{body}?"
        return body

    return build(trie)


def _wb(pattern: str) -> str:
    # Word boundaries that also work next to apostrophes and hyphens inside the pattern.
    return rf"(?<![\w]){pattern}(?![\w])"


def _compile(pattern: str | None, source: str) -> re.Pattern[str] | None:
    if not pattern:
        return None
    try:
        rx = re.compile(_wb(pattern))
    except re.error as exc:
        raise InputError(f"{source}: bad pattern {pattern[:40]!r}: {exc}") from None
    return guarded(rx)


#: Most words a guard looks for one by one (``str.find``); more are looked for with one literal pattern.
GUARD_FINDS = 3


class Guarded:
    r"""A compiled pattern that first makes sure the text holds one of the words every match of it holds
    (:func:`geo.read.literals.required_literals`). Most sentences hold none of them, and that test runs in C
    without the look-behind that opens every lexicon pattern, which makes Python's engine try each position in
    turn. The answers are the pattern's own; attributes other than the matching methods are the pattern's.

    >>> g = guarded(re.compile(r"(?<![\w])(?:pris|repris) (?:le )?controle(?![\w])"))
    >>> g.search("ils ont repris le controle de x").group(0), g.search("rien ici") is None
    ('repris le controle', True)
    """

    __slots__ = ("rx", "words", "gate")

    def __init__(self, rx: re.Pattern[str], words: frozenset[str]) -> None:
        self.rx, self.words = rx, tuple(sorted(words))
        self.gate = None if len(words) <= GUARD_FINDS else re.compile(literal_alternation(words))

    def holds(self, string: str, pos: int = 0, endpos: int = _END) -> bool:
        """Whether ``string[pos:endpos]`` holds one of the required words (else nothing matches there)."""
        if self.gate is not None:
            return self.gate.search(string, pos, endpos) is not None
        return any(string.find(w, pos, endpos) >= 0 for w in self.words)

    def search(self, string: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        return self.rx.search(string, pos, endpos) if self.holds(string, pos, endpos) else None

    def match(self, string: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        return self.rx.match(string, pos, endpos) if self.holds(string, pos, endpos) else None

    def fullmatch(self, string: str, pos: int = 0, endpos: int = _END) -> re.Match[str] | None:
        return self.rx.fullmatch(string, pos, endpos) if self.holds(string, pos, endpos) else None

    def finditer(self, string: str, pos: int = 0, endpos: int = _END) -> Iterator[re.Match[str]]:
        return self.rx.finditer(string, pos, endpos) if self.holds(string, pos, endpos) else iter(())

    def findall(self, string: str, pos: int = 0, endpos: int = _END) -> list[Any]:
        return self.rx.findall(string, pos, endpos) if self.holds(string, pos, endpos) else []

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        return self.rx.sub(repl, string, count) if self.holds(string) else string

    def __getattr__(self, name: str) -> Any:  # pattern, groupindex, groups, flags, split...
        return getattr(self.rx, name)

    def __repr__(self) -> str:
        return f"Guarded({self.rx!r})"


def guarded(rx: re.Pattern[str]) -> re.Pattern[str]:
    """``rx`` behind a :class:`Guarded` test when its required words are known, else ``rx`` itself."""
    words = required_literals(rx.pattern)
    return Guarded(rx, words) if words else rx  # type: ignore[return-value]


@dataclass(frozen=True)
class Cue:
    """A way of saying that something happened: ``type`` at a place on one side of the words."""

    type: str
    place: str  # "after" | "before"
    actor: str  # "subject" | "main" (the main clause's, for participles) | "after" | "none" | a faction id
    loser: bool
    regex: re.Pattern[str]


@dataclass(frozen=True)
class Lexicon:
    """Compiled reading knowledge for one language."""

    lang: str
    cues: tuple[Cue, ...]
    partial: re.Pattern[str] | None
    modality: dict[str, re.Pattern[str]]
    hedges: re.Pattern[str] | None
    speech: re.Pattern[str] | None
    speaker_after: re.Pattern[str] | None
    coreference: dict[str, re.Pattern[str]]
    near: re.Pattern[str] | None
    not_location: re.Pattern[str] | None
    weekdays: tuple[str, ...]
    months: tuple[str, ...]
    relative: dict[str, int]
    relative_re: re.Pattern[str] | None
    weekday_re: re.Pattern[str] | None
    explicit_date: re.Pattern[str] | None
    year_date: re.Pattern[str] | None
    #: words that may stand between the words of a cue ("est tombé *mercredi* aux mains de")
    filler: re.Pattern[str] | None = None
    #: words before a date that make it the start of a period ("depuis le 15 novembre"), not the event's day
    since: re.Pattern[str] | None = None
    #: after a period's opening date, the words of a clause that happened on that date ("since July, when")
    then_when: re.Pattern[str] | None = None
    #: of the partial gains, those that leave the gainer most of the place ("most of", "la quasi-totalité de")
    majority: re.Pattern[str] | None = None
    #: introduces the members of a list: "including A and B", "dont A et B"
    including: re.Pattern[str] | None = None
    #: marks a statement as new: "now control 40 percent of" is a partial gain
    now: re.Pattern[str] | None = None
    #: a control statement with one of these is a change ("de nouveau sous le contrôle de")
    again: re.Pattern[str] | None = None
    #: subject pronouns that continue the paragraph's last side
    pronoun: re.Pattern[str] | None = None
    #: first-person subjects ("nous", "we"): the side of the speaker the sentence names
    first_person: re.Pattern[str] | None = None
    #: words before a place that make it a destination ("withdrew towards X"), not the place left
    direction: re.Pattern[str] | None = None
    #: a change of a whole city needs one of these words in its sentence
    whole: re.Pattern[str] | None = None
    #: a counted plural of places before a place ("three quarters of", "huit quartiers dans"): the place
    #: after it holds what changed hands, it is not what changed hands
    plural_places: re.Pattern[str] | None = None
    #: an unnamed place inside the container named after it ("a district of eastern Aleppo"): no claim
    unnamed_place: re.Pattern[str] | None = None
    #: a speaker's label after a side ("an opposition *activist*") or before it ("un *responsable* rebelle"):
    #: the side names who speaks, not who acts
    role_after: re.Pattern[str] | None = None
    #: an object pronoun that stands for the place last named: after the cue in English ("retook *it*"),
    #: before it in French ("*l'*a reprise")
    object_pronoun: re.Pattern[str] | None = None
    #: a live blog entry's header line (a clock time): it dates the entries below it
    timestamp: re.Pattern[str] | None = None
    role_before: re.Pattern[str] | None = None
    #: a night between two weekdays, dated to the first ("dans la nuit de mardi à mercredi")
    night: re.Pattern[str] | None = None
    #: day words relative to another date of the sentence ("la veille"): offset in days
    anchored: dict[str, int] = field(default_factory=dict)
    anchored_re: re.Pattern[str] | None = None
    #: periods counted back from publication ("last week", "il y a quelques jours"): first and last day offsets,
    #: or "weekend" / "weekend-1" for the latest Saturday-Sunday on or before publication / the one before it
    periods: dict[str, tuple[int, int] | str] = field(default_factory=dict)
    periods_re: re.Pattern[str] | None = None
    #: a month named without a day ("in October", "en octobre 2016"): groups month, year
    month_date: re.Pattern[str] | None = None
    sources: tuple[tuple[str, re.Pattern[str]], ...] = field(default_factory=tuple)


def parse_lexicon(doc: dict[str, Any], source: str) -> Lexicon:
    """Compile a lexicon document (the parsed YAML)."""
    if not isinstance(doc, dict) or "cues" not in doc:
        raise InputError(f"{source}: expected a mapping with 'cues'")
    cues = []
    for i, c in enumerate(doc["cues"], 1):
        try:
            cues.append(Cue(c["type"], c.get("place", "after"), c.get("actor", "subject"),
                            bool(c.get("loser", False)), _compile(c["pattern"], source)))
        except (KeyError, TypeError):
            raise InputError(f"{source}: cue {i}: needs 'type' and 'pattern'") from None
    dates = doc.get("dates") or {}
    relative = {k: int(v) for k, v in (dates.get("relative") or {}).items()}
    rel_alt = "|".join(sorted((re.escape(k) for k in relative), key=len, reverse=True))
    weekdays = tuple(dates.get("weekdays") or ())
    sources = []
    for name, pats in (doc.get("sources") or {}).items():
        sources.append((str(name), _compile("(?:" + "|".join(pats) + ")", source)))
    return Lexicon(
        lang=str(doc.get("lang", Path(source).stem)),
        cues=tuple(cues),
        partial=_compile(doc.get("partial"), source),
        majority=_compile(doc.get("majority"), source),
        modality={k: _compile(v, source) for k, v in (doc.get("modality") or {}).items()},
        hedges=_compile(doc.get("hedges"), source),
        speech=_compile(doc.get("speech"), source),
        speaker_after=_compile(doc.get("speaker_after"), source),
        coreference={k: _compile(v, source) for k, v in (doc.get("coreference") or {}).items()},
        near=_compile(doc.get("near"), source),
        not_location=_compile(doc.get("not_location"), source),
        weekdays=weekdays,
        months=tuple(dates.get("months") or ()),
        relative=relative,
        relative_re=_compile(f"(?:{rel_alt})", source) if rel_alt else None,
        weekday_re=_compile("(?:" + "|".join(weekdays) + ")", source) if weekdays else None,
        explicit_date=_compile(dates.get("explicit"), source),
        year_date=_compile(dates.get("year"), source),
        filler=_compile(doc.get("filler"), source),
        since=_compile(dates.get("since"), source),
        then_when=_compile(dates.get("then_when"), source),
        night=_compile(dates.get("night"), source),
        including=_compile(doc.get("including"), source),
        now=_compile(doc.get("now"), source),
        again=_compile(doc.get("again"), source),
        whole=_compile(doc.get("whole"), source),
        plural_places=_compile(doc.get("plural_places"), source),
        unnamed_place=_compile(doc.get("unnamed_place"), source),
        role_after=_compile(doc.get("role_after"), source),
        object_pronoun=re.compile(doc["object_pronoun"]) if doc.get("object_pronoun") else None,
        timestamp=re.compile(doc["timestamp"]) if doc.get("timestamp") else None,
        role_before=_compile(f"(?:{doc['role_before']}) ?$" if doc.get("role_before") else None, source),
        pronoun=_compile(doc.get("pronoun"), source),
        first_person=_compile(doc.get("first_person"), source),
        direction=_compile(doc.get("direction"), source),
        periods={k: str(v) if isinstance(v, str) else (int(v[0]), int(v[1]))
                 for k, v in (dates.get("periods") or {}).items()},
        periods_re=_compile("(?:" + "|".join(sorted((re.escape(k) for k in dates["periods"]), key=len, reverse=True))
                            + ")", source) if dates.get("periods") else None,
        month_date=_compile(dates.get("month"), source),
        anchored={k: int(v) for k, v in (dates.get("anchored") or {}).items()},
        anchored_re=_compile("(?:" + "|".join(re.escape(k) for k in (dates.get("anchored") or {})) + ")", source)
        if dates.get("anchored") else None,
        sources=tuple(sources),
    )


def load_lexicons(directory: Path) -> dict[str, Lexicon]:
    """Every ``<lang>.yaml`` in ``directory``, keyed by language code."""
    out = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        lex = parse_lexicon(read_yaml(path), str(path))
        out[lex.lang] = lex
    if not out:
        raise InputError(f"{directory}: no lexicon files (<lang>.yaml)")
    return out
