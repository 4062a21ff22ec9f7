"""Which words a pattern cannot match without: a prefilter for the cue patterns of the lexicons.

Every match of ``(?:a|ont) (?:repris|pris)`` contains "repris" or "pris"; a sentence holding neither
cannot hold that cue, so the cue is never tried there. One Aho-Corasick pass over a text finds every such
word of every cue (the same technique RE2 and Hyperscan call a prefilter); the patterns then run only
in the sentences that hold one of their words.

>>> sorted(required_literals(r"(?:a|ont)(?: \\w+)? (?:repris|pris)(?![\\w])"))
['pris', 'repris']
>>> sorted(required_literals(r"chute (?:totale )?(?:du|de la)"))
['chute ']
>>> required_literals(r"\\w+ d") is None, required_literals("(?i)prise") is None
(True, True)
"""

from __future__ import annotations

import re
from typing import Any

#: Shortest word a prefilter may rest on: shorter ones ("a", "de") are in every sentence.
MIN_LITERAL = 3


def required_literals(pattern: str) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains, chosen to be as long as possible; None
    when none is known (an optional-only pattern, a case-insensitive one, or only words shorter than
    MIN_LITERAL)."""
    try:
        from re import _constants as k  # the standard library's pattern parser (sre_parse before 3.11)
        from re import _parser
        parsed = _parser.parse(pattern)
    except (ImportError, re.error):  # pragma: no cover - another Python, or a bad pattern (reported elsewhere)
        return None
    if parsed.state.flags & re.IGNORECASE:
        return None

    def seq(items: Any) -> set[str] | None:
        """The best required set of a sequence: its longest literal run, or its best required element."""
        found: list[set[str]] = []
        run = ""
        for op, av in items:
            if op == k.LITERAL:
                run += chr(av)
                continue
            if run:
                found.append({run})
                run = ""
            part = None
            if op == k.SUBPATTERN and not av[1] & re.IGNORECASE:
                part = seq(av[-1])
            elif op == k.BRANCH:
                alts = [seq(b) for b in av[1]]
                part = None if any(a is None for a in alts) else set().union(*alts)  # type: ignore[arg-type]
            elif op in (k.MAX_REPEAT, k.MIN_REPEAT, k.POSSESSIVE_REPEAT) and av[0] >= 1:
                part = seq(av[2])
            if part:
                found.append(part)
        if run:
            found.append({run})
        return max(found, key=lambda s: (min(map(len, s)), -len(s))) if found else None

    best = seq(parsed)
    if not best or min(map(len, best)) < MIN_LITERAL:
        return None
    return frozenset(best)
