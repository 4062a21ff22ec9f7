"""The small records the reading steps pass along: a sentence as read, a side and where it came from, the
story so far. Offsets inside a :class:`Sentence` are relative to the sentence.

>>> Side("government", "the army", "clause").borrowed("paragraph")
Side(value='government', words='the army', origin='paragraph')
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from geo.model import Mention
from geo.read.dates import DateMention
from geo.read.lexicon import Cue


@dataclass(frozen=True)
class Span:
    """A faction name in the text: where, and the faction id it names."""

    start: int
    end: int
    value: str


@dataclass(frozen=True)
class Target:
    """A place a cue may point at: a real mention, or a coreference ("the district") resolved to an
    earlier mention. ``via`` says which."""

    mention: Mention
    start: int
    end: int
    surface: str
    via: str = "name"  # "name" | "coreference"
    kind: str = ""  # the place's kind in the gazetteer (city, area, neighbourhood ...)


@dataclass(frozen=True)
class Side:
    """A side (faction id), the words that named it, and where they were found: ``clause`` (the cue's
    subject), ``agent`` ("by the army"), ``gainer`` ("the fall of X to the army"), ``cue`` (the cue names
    it), ``loser`` (the other side of the one that lost), ``sentence`` (another change of the sentence),
    ``paragraph``, ``earlier report`` (an earlier change of the same place), ``headline`` or ``article``."""

    value: str
    words: str
    origin: str

    def borrowed(self, origin: str) -> Side:
        """The same side, taken over by a later cue from ``origin``."""
        return replace(self, origin=origin)


@dataclass(frozen=True)
class Dated:
    """A date expression and its words, kept so that a later sentence can say what it borrowed."""

    mention: DateMention
    words: str


@dataclass
class Sentence:
    """One sentence and what it contains, found before any cue is read."""

    para: int
    start: int  # offset of the sentence in the article
    text: str
    folded: str  # ``text`` folded (lower case, no accents), same length
    cues: list[tuple[int, int, Cue]]
    mentions: list[Mention]  # located place mentions (article offsets)
    targets: list[Target]  # mentions and resolved coreferences (sentence offsets)
    sides: list[Span]  # faction names (sentence offsets)
    dates: list[DateMention]
    sources: list[str] = field(default_factory=list)
    #: sides named as a speaker's label ("an opposition activist", "un responsable rebelle"), not as actors
    speakers: list[Span] = field(default_factory=list)

    def words(self, a: int, b: int) -> str:
        return self.text[a:b]


@dataclass
class Story:
    """What the reading carries from sentence to sentence: the paragraph's date, subject and gaining side,
    the story's date, and the places named so far."""

    para: int = -1
    para_date: Dated | None = None
    story_date: Dated | None = None
    para_side: Side | None = None
    #: the side the paragraph's last reported change went to (what a side-less change of it borrows)
    para_gain: Side | None = None
    history: list[Mention] = field(default_factory=list)
    #: the last side named, as an actor or as a speaker's label: whom a later "we" speaks for
    last_named: Side | None = None
    #: a live blog's last entry header: the date of what follows it (None outside live blogs)
    entry_date: Dated | None = None
    #: the sides of changes told without a place we know ("retook the last supply road"): they count
    #: towards the article's main actor
    unplaced_gains: list[str] = field(default_factory=list)

    def new_paragraph(self, para: int) -> None:
        if para != self.para:
            self.para, self.para_date, self.para_side, self.para_gain = para, None, None, None
