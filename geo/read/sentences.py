"""Where sentences and clauses are: offsets into the original text, so that every match maps back.

>>> text = "L'armée a repris Sakhour. Les rebelles, qui tenaient le quartier, ont reculé."
>>> [text[a:b] for _, a, b in split_sentences(text)]
["L'armée a repris Sakhour.", 'Les rebelles, qui tenaient le quartier, ont reculé.']
>>> from geo.read.lexicon import fold_keep_length
>>> s = fold_keep_length(text[26:])
>>> s[clause_start(s, s.index("ont"), 0):]
'ont recule.'
"""

from __future__ import annotations

import re

#: Longest sentence read as one (characters); longer runs without a full stop are cut at clause marks.
MAX_SENTENCE = 1200


_SENT_SPLIT = re.compile(r"(?<=[.!?…»\"”])\s+(?=[«\"“(]?[A-ZÀ-ÖØ-Þ0-9])|(?<=[a-zà-ÿ]{3}\.)(?=[A-ZÀ-Þ][a-zà-ÿ])")
#: Where a clause ends: punctuation, dashes, conjunctions and relative pronouns.
CLAUSE_BREAK = re.compile(
    r"(?:[,;:(]\s|\s[-–—]\s|\b(?:que|qu'|qui|while|whereas|tandis que|alors que|but|mais|after|apres que|"
    r"before|avant que|as|when|lorsque|quand|and then|puis)\b)")


def split_sentences(text: str) -> list[tuple[int, int, int]]:
    """``(paragraph_index, start, end)`` for every sentence; offsets into ``text``.

    >>> split_sentences("A b c. D e f.\\nG h.")
    [(0, 0, 6), (0, 7, 13), (1, 14, 18)]
    """
    out = []
    pos = 0
    for pi, para in enumerate(text.split("\n")):
        p0 = pos
        pos += len(para) + 1
        if not para.strip():
            continue
        s = 0
        for m in _SENT_SPLIT.finditer(para):
            if para[s:m.start()].strip():
                out.append((pi, p0 + s, p0 + len(para[:m.start()].rstrip())))
            s = m.end()
        if para[s:].strip():
            out.append((pi, p0 + s, p0 + len(para.rstrip())))
    return [piece for sent in out for piece in _cap(text, sent)]


def _cap(text: str, sent: tuple[int, int, int]) -> list[tuple[int, int, int]]:
    """A sentence longer than MAX_SENTENCE (text with no full stops) cut at clause marks or spaces,
    so that reading stays linear in the text's length."""
    pi, a, b = sent
    out = []
    while b - a > MAX_SENTENCE:
        cut = max(text.rfind("; ", a, a + MAX_SENTENCE), text.rfind(", ", a, a + MAX_SENTENCE))
        if cut <= a + MAX_SENTENCE // 2:
            cut = text.rfind(" ", a, a + MAX_SENTENCE)
        cut = cut + 1 if cut > a else a + MAX_SENTENCE
        out.append((pi, a, cut))
        a = cut
    return [*out, (pi, a, b)]


def clause_start(folded: str, pos: int, floor: int) -> int:
    """Start of the clause that contains ``pos`` (after the last clause break before it)."""
    best = floor
    for m in CLAUSE_BREAK.finditer(folded, floor, pos):
        best = m.end()
    return best
