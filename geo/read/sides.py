"""Who gained: the side each cue speaks of, then the side that holds each place afterwards.

A cue's side comes, in this order, from an agent after it ("taken by the army"), its clause's subject,
the cue itself ("rebel-held"), the main clause for a participle, or the story so far (the sentence's
other changes, the paragraph). A loser's framing ("rebels withdrew from X") gives the place to the other
side; the side named right after the places ("the fall of X to the army") took them. Each side keeps the
words that named it and where they were found (:class:`~geo.read.record.Side`), for ``--explain``.

>>> DEFAULT_OPPONENT["government"]
'opposition'
"""

from __future__ import annotations

import re

from geo.read.lexicon import Lexicon
from geo.read.record import Sentence, Side, Span, Story, Target
from geo.read.sentences import CLAUSE_BREAK, clause_start

#: The other side of a two-sided fight, when a sentence names only the loser or only the winner.
DEFAULT_OPPONENT = {"government": "opposition", "opposition": "government", "isis": "government",
                    "kurdish": "opposition"}
#: How far (characters) after a cue an agent may stand.
AGENT_REACH = 70

#: Between a place and the side that took it: "X par les rebelles", "X to the army", "X aux mains de".
_GAINER = re.compile(r"[\s,]*(?:by|to|par|into the hands of|aux mains d(?:e|u|es)|au profit d(?:e|u|es))"
                     r"\s+(?:the\s+|les?\s+|la\s+|l'|des\s+)?(?:[\w-]+\s+){0,2}?$")
#: A possessive after a passive's "par" / "by": the agent is the sentence's subject ("par ses troupes").
_POSSESSIVE = re.compile(r"\s*(?:ses|leurs|sa|son|its|their)\b")
#: Words after a passive cue that introduce an agent ("by", "par") with no known faction after them.
_AGENT = re.compile(r"\s*(?:by|par|aux|to)\b")
#: A sentence opening on a participial clause whose subject comes after it ("Après avoir repris X, l'armée").
_PARTICIPIAL = re.compile(r"^\W*(?:apres avoir|apres etre|apres s'etre|apres|after having|having|after|by|en|since)\b[^,]*$")
#: Opens reported speech: a participle right after it starts its own sentence ("said that by seizing X, ...").
_THAT = re.compile(r"\b(?:that|que|qu')\s*")
#: A relative pronoun opening a clause whose subject is the noun just before it.
_RELATIVE = re.compile(r",?\s*\b(?:qui|which|who)\s*$")
#: A determiner opening a noun phrase before a cue: the clause has a subject of its own.
_OTHER_SUBJECT = re.compile(r"(?:^|\s)(?:aucune?|nul|nulle|no|the|a|an|le|la|les|un|une|des)\s+[a-z]")
#: A subordinate clause with a subject of its own ("after tens of fighters stormed", "alors que des hommes
#: armés"), unlike a participle ("after seizing", "après avoir pris"), which shares the main clause's subject.
_SUBORDINATE = re.compile(r"\b(?:after|as|while|when|whereas|apres que|alors que|tandis que|lorsque|quand)\s+(?=[\w'-]+)")
_PARTICIPIAL_START = re.compile(r"(?:[\w-]+ing|avoir|etre|having|being|it|they|he|she|its|their|ils|elles|il|elle)\b")
#: A finite verb right after a side: the side is a clause's subject ("les forces du régime *ont poursuivi*").
_FINITE = re.compile(r"\s+(?:[\w-]+\s+){0,2}?(?:ont|a|avaient|avait|sont|est|se sont|s'est|have|has|had|were|was|"
                     r"are|is|pressed|pushed|moved|continued|advanced|poursuivent|poursuivi)\b")
#: Opening quotes and spaces before a clause's first word.
_QUOTES = " \t«»\"“”'‘’("


def _side(s: Sentence, f: Span, origin: str) -> Side:
    return Side(f.value, s.words(f.start, f.end), origin)


def recalled(s: Sentence, c0: int, c1: int) -> bool:
    """A cue in a clause dated by a year only ("which rebels had taken in 2012"): background, whose side
    is not the one the paragraph goes on with."""
    nb = CLAUSE_BREAK.search(s.folded, c1)
    a, b = clause_start(s.folded, c0, 0), nb.start() if nb else len(s.folded)
    return any(x.precision == "year" and a <= x.start < b for x in s.dates)


def cue_sides(s: Sentence, story: Story, lex: Lexicon) -> dict[int, Side]:
    """The side each cue of ``s`` speaks of (the loser for a loser's cue), by cue index; updates the
    paragraph's side in ``story`` as the sentence goes."""
    sides: dict[int, Side] = {}
    consumed = _agents(s, story, sides)
    for i, (c0, c1, cue) in enumerate(s.cues):
        if cue.actor == "main":
            # a participle ("en s'emparant de X") has the main clause's subject: the first side named
            main = [f for f in s.sides if f.end <= c0 and f.start not in consumed]
            after = _main_subject_after(s, c0)  # "Selon X, en s'emparant de Y, l'armée a coupé ..."
            side = _side(s, main[0], "clause") if main else _side(s, after, "clause") if after else \
                story.para_side.borrowed("paragraph") if story.para_side else None
            if side:
                sides[i] = side
        elif cue.actor not in ("after", "subject", "none"):
            sides[i] = Side(cue.actor, s.words(c0, c1), "cue")  # "rebel-held", "loyalist gains"
        elif cue.actor == "subject":
            side = _subject(s, i, consumed, story, lex) or _nominal_agent(s, i, consumed)
            if side:
                sides[i] = side
                if not recalled(s, c0, c1):
                    story.para_side = side  # the subject a later "they" continues
        # cue.actor "none" ("the fall of X"): the side comes from after the place or from the story
    named = sorted(s.sides + s.speakers, key=lambda f: f.start)
    if named:
        story.last_named = _side(s, named[-1], "sentence")
    if not sides and s.sides and (s.sides[0].start < 40 or len({f.value for f in s.sides}) == 1):
        # "Government forces advanced on Friday. They captured X": a sentence opening on a side, or
        # naming one side only, makes it the subject "they" continues, even with no cue of its own.
        story.para_side = _side(s, s.sides[0], "clause")
    return sides


#: Right before a side: "by" or "par" and at most a few words of its noun phrase ("par les forces de", "by").
_BY_BEFORE = re.compile(r"\b(?:by|par)\s+(?:(?:the|les|la|le|l'|des|du|de|d')\s*)?$")
#: How far after a nominal change its agent may come (characters): past the place and its apposition.
NOMINAL_REACH = 110


def _nominal_agent(s: Sentence, i: int, consumed: set[int]) -> Side | None:
    """The agent of a change told as a noun, after its object: "la reprise de X par les forces syriennes",
    "the capture of X by government forces", when no subject names the side (the next cue ends the search)."""
    c0, c1, cue = s.cues[i]
    if cue.type not in ("capture", "advance") or cue.loser:
        return None
    end = min(s.cues[i + 1][0] if i + 1 < len(s.cues) else len(s.folded), c1 + NOMINAL_REACH)
    for f in s.sides:
        if c1 <= f.start < end and f.start not in consumed and _BY_BEFORE.search(s.folded, max(0, f.start - 12), f.start) \
                and any(c1 <= t.start and t.end <= f.start for t in s.targets):  # the object first, then its agent
            return _side(s, f, "agent")
    return None


def _agents(s: Sentence, story: Story, sides: dict[int, Side]) -> set[int]:
    """Sides after passive cues ("tenus par le gouvernement"), found first so that a subject search
    skips them; returns the starts of the side names so used."""
    consumed: set[int] = set()
    cues, sf = s.cues, s.folded
    for i, (_c0, c1, cue) in enumerate(cues):
        if cue.actor != "after":
            continue
        nxt = cues[i + 1][0] if i + 1 < len(cues) else len(sf)
        # a loser is only named by an agent ("was lost by the rebels"), never by a side further on
        agent = _AGENT.match(sf, c1) or sf[max(0, c1 - 4):c1].endswith((" by", " par")) or (
            cue.loser and sf[max(0, c1 - 5):c1].endswith((" aux", " au", " a la", " a l'", " from")))  # "repris aux X"
        reach = c1 + AGENT_REACH if not cue.loser else (c1 + 30 if agent else c1)
        for f in s.sides:
            if c1 <= f.start < min(nxt, reach):
                sides[i] = _side(s, f, "agent")
                consumed.add(f.start)
                break
        else:
            # "reprise par ses troupes", "taken by its forces": the possessive points at the subject
            first = [f for f in s.sides if f.end <= cues[i][0]]
            if first and _POSSESSIVE.match(sf, c1):
                sides[i] = _side(s, first[0], "clause")
            elif cue.type == "capture" and not cue.loser and not _AGENT.match(sf, c1):
                # "X fell to the army, a day after Y and Z were taken": an agentless passive
                # continues the side of the sentence's previous change, else the paragraph's
                prev = [sides[j] for j in range(i) if sides.get(j) and cues[j][2].type == "capture"]
                if prev:
                    sides[i] = prev[-1].borrowed("sentence")
                elif story.para_side:
                    sides[i] = story.para_side.borrowed("paragraph")
        if sides.get(i) and cue.type in ("capture", "advance") and not cue.loser:
            story.para_side = sides[i]
    return consumed


#: Before a side: it is the object of "against" (a noun phrase of at most three words between them).
_AGAINST = re.compile(r"\b(?:against|contre)\s+(?:[\w'’-]+\s+){0,3}$")


def _subject(s: Sentence, i: int, consumed: set[int], story: Story, lex: Lexicon) -> Side | None:
    """The subject of cue ``i``'s clause, or whom a pronoun, a first person or a participle points at."""
    sf = s.folded
    c0 = s.cues[i][0]
    cl = clause_start(sf, c0, 0)
    before = [f for f in s.sides if f.end <= c0 and f.start not in consumed]
    # "the army advanced in its operations against the gatherings of the terrorists and secured X": a side
    # named after "against" is what the subject fought, not the subject
    in_clause = [f for f in before if f.start >= cl and not _AGAINST.search(sf, max(0, f.start - 45), f.start)]
    rel = _RELATIVE.search(sf[:cl])
    if not in_clause and rel:
        # "l'armée, qui a aussi avancé dans X": the antecedent just before "qui" is the subject
        ante = [f for f in s.sides if rel.start() - 3 <= f.end <= rel.start()]
        in_clause = ante[-1:]
    # "-held": the faction is the word glued to the cue ("rebel-held")
    subj_at = cl + len(sf[cl:c0]) - len(sf[cl:c0].lstrip(_QUOTES))
    para = story.para_side
    if in_clause:
        return _side(s, in_clause[-1], "clause")
    c1 = s.cues[i][1]
    inside = [f for f in s.sides if c0 < f.start and f.end <= c1]
    if inside:
        return _side(s, inside[0], "cue")  # "la percée rebelle dans X": the side's adjective is in the cue
    if para and lex.pronoun and lex.pronoun.match(sf, subj_at):
        return para.borrowed("paragraph")  # "Elles ont également pris pied dans X": the last side named
    named = sorted(s.sides + s.speakers, key=lambda f: f.start)
    if lex.first_person and lex.first_person.match(sf, subj_at):
        if len({f.value for f in named}) == 1:
            # "« Nous avons dû abandonner X », a reconnu un commandant rebelle": the speaker's side
            return _side(s, named[0], "sentence")
        if not named and story.last_named:
            # "« Nous avons perdu la caserne »", from a commander a sentence before: the side named last
            return story.last_named.borrowed("paragraph")
    if before and (sub := _SUBORDINATE.search(sf, before[-1].end, c0)) and not _PARTICIPIAL_START.match(
            sf, sub.end()):
        # "X retreated from Y, after tens of infiltrators stormed Z": a clause of its own, whose subject is
        # no side geo knows; the side named before it is another clause's
        return None
    if before:
        # the side a finite verb follows is a subject ("les forces du régime ont capturé X, après avoir
        # repris Y"): the nearest such, else the first side named
        subjects = [f for f in before if _FINITE.match(sf, f.end)]
        return _side(s, subjects[-1] if subjects else before[0], "sentence")
    if not s.sides and para and not _OTHER_SUBJECT.search(sf, cl, c0):
        # "They captured X": a sentence naming no side continues the paragraph's last subject,
        # unless its clause has a subject of its own that is no side ("Aucune aide n'est entrée")
        return para.borrowed("paragraph")
    that = [m.end() for m in _THAT.finditer(sf, 0, c0)]
    if _PARTICIPIAL.match(sf[:c0]) or _PARTICIPIAL.match(sf[sf.rfind(", ", 0, c0) + 2:c0]) \
            or that and _PARTICIPIAL.match(sf[that[-1]:c0]):  # "... said that by seizing X, the army ..."
        # "Après avoir arraché Tariq al-Bab aux insurgés, l'armée a poursuivi": the main
        # clause's subject, after the comma, did it
        after = _main_subject_after(s, c0)
        if after:
            return _side(s, after, "clause")
    return None


def _main_subject_after(s: Sentence, c0: int) -> Span | None:
    """The subject of the main clause after a participial one that holds the cue at ``c0``: the side that a
    verb follows ("..., l'un des bastions de la rébellion, les forces du régime ont poursuivi"), else the
    first side right after the comma that closes the participle."""
    comma = s.folded.find(", ", c0)
    if comma < 0:
        return None
    after = [f for f in s.sides if comma < f.start and _FINITE.match(s.folded, f.end)] or \
        [f for f in s.sides if comma < f.start < comma + 40]
    return after[0] if after else None


def gained(s: Sentence, i: int, picked: list[Target], side: Side | None) -> tuple[Side | None, str]:
    """The side that holds cue ``i``'s places afterwards, and the side that lost them ("" if unknown).

    A loser's cue gives the places to the other side named in the sentence, else to its usual opponent;
    a side named right after the places ("la prise de X par les rebelles", "the fall of X to the army",
    "rebels lost X to the army") took them.
    """
    c0, c1, cue = s.cues[i]
    winner, loser = side, ""
    if cue.loser and side:
        loser = side.value
        others = [f for f in s.sides if f.value != side.value]
        winner = _side(s, others[0], "sentence") if others else \
            Side(DEFAULT_OPPONENT[side.value], side.words, "loser") if side.value in DEFAULT_OPPONENT else None
    if cue.type == "capture" and cue.place == "after":
        gainer = next((f for f in s.sides if 0 <= f.start - picked[-1].end <= 40
                       and _GAINER.match(s.folded, picked[-1].end, f.start)), None)
        if gainer is not None and gainer.value != loser:
            actor = side.value if side else ""
            winner, loser = _side(s, gainer, "gainer"), loser or (actor if actor != gainer.value else "")
    return winner, loser


def opponent_of(s: Sentence, ctype: str, winner: str, loser: str, actor: str) -> str:
    """The other side: the loser, else another side the sentence names, else the winner's usual opponent
    (for changes); for fighting, strikes and sieges the other side named, if any."""
    if ctype in ("capture", "advance", "control"):
        return loser or next((f.value for f in s.sides if winner and f.value != winner), "") \
            or DEFAULT_OPPONENT.get(winner, "")
    return next((f.value for f in s.sides if actor and f.value != actor), "")
