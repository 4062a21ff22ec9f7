# cython: language_level=3, boundscheck=False, wraparound=False
"""The tokeniser of mention finding in one C-level pass: what geo.places.gazetteer.token_arrays computes with
regular expressions, character by character. Optional: built at install time when a C compiler is
there; geo.places.gazetteer falls back to the regular expressions otherwise, and tests/test_scan.py checks
that both give the same tokens, offsets and keys.

Tokens are those of geo.places.gazetteer._TOKEN_SPLIT, i.e. Python's ``re`` rules:

- a run of ASCII digits ``[0-9]+``;
- or a word: a letter (``\\w`` that is neither a decimal digit nor ``_``), then letters and combining
  marks (Arabic tashkeel, decomposed accents), then any number of ``'word`` continuations with one of
  the apostrophes ' ’ ʼ ʿ ʾ `.

Everything else is a gap.
"""

from cpython.unicode cimport Py_UNICODE_ISALNUM, Py_UNICODE_ISDECIMAL

cdef extern from "Python.h":
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index) nogil


cdef inline bint _letter(Py_UCS4 c):
    # [^\W\d_]: \w is alnum or "_"; "_" is not alnum, so alnum minus decimal digits (ASCII answered first)
    if c < 128:
        return ((<unsigned int>c | 32) - 97) < 26
    return Py_UNICODE_ISALNUM(c) and not Py_UNICODE_ISDECIMAL(c)


cdef inline bint _mark(Py_UCS4 c):
    # geo.places.gazetteer._MARKS
    return (0x300 <= c <= 0x36F or 0x610 <= c <= 0x61A or 0x64B <= c <= 0x65F or c == 0x670
            or 0x6D6 <= c <= 0x6ED)


cdef inline bint _apostrophe(Py_UCS4 c):
    return c == 0x27 or c == 0x2019 or c == 0x2BC or c == 0x2BF or c == 0x2BE or c == 0x60


def scan(str text, dict cache, object fold, frozenset flagged):
    """``(starts, ends, keys, hits)`` of every token of ``text``; ``fold`` gives a token's key, remembered
    in ``cache`` (token -> key), so that each distinct token is folded once; ``hits`` lists the indices
    of the tokens whose key is in ``flagged`` (the articles)."""
    cdef Py_ssize_t n = len(text), i = 0, start, j
    cdef Py_UCS4 c
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef list starts = [], ends = [], keys = [], hits = []
    cdef str tok
    cdef object key
    while i < n:
        c = PyUnicode_READ(kind, data, i)
        start = i
        if 0x30 <= c <= 0x39:
            i += 1
            while i < n and 0x30 <= PyUnicode_READ(kind, data, i) <= 0x39:
                i += 1
        elif _letter(c):
            i += 1
            while True:
                while i < n and (_letter(PyUnicode_READ(kind, data, i)) or _mark(PyUnicode_READ(kind, data, i))):
                    i += 1
                # "'word" continues the token only when a letter follows the apostrophe
                if i + 1 < n and _apostrophe(PyUnicode_READ(kind, data, i)) and _letter(PyUnicode_READ(kind, data, i + 1)):
                    i += 2
                else:
                    break
        else:
            i += 1
            continue
        tok = text[start:i]
        key = cache.get(tok)
        if key is None:
            key = fold(tok)
            cache[tok] = key
        if key in flagged:
            hits.append(len(keys))
        starts.append(start)
        ends.append(i)
        keys.append(key)
    return starts, ends, keys, hits


def drop_empty(list starts, list ends, list keys):
    """The three lists without the tokens whose key is empty."""
    cdef list s = [], e = [], k = []
    cdef Py_ssize_t i
    for i in range(len(keys)):
        if keys[i]:
            s.append(starts[i])
            e.append(ends[i])
            k.append(keys[i])
    return s, e, k


def stream(list keys):
    """The folded stream ``" k1 k2 ... "`` and the offset of each key in it."""
    cdef Py_ssize_t pos = 1
    cdef list starts = []
    cdef str k
    for k in keys:
        starts.append(pos)
        pos += len(k) + 1
    return " " + " ".join(keys) + " ", starts


def matches(object hits, list starts, list tstarts, list tends, str text, dict verdicts, object verdict,
            frozenset described):
    """The automaton's ``hits`` (``(end, (key, candidates))`` over the folded stream) that start on a token's
    first character, with the places each names: ``(d, i - j, o0 - o1, o0, o1, i, j, pids)`` for each hit with a
    place, where ``text[o0:o1]`` is tokens ``i`` to ``j`` and ``d`` is 1 for a key in ``described`` (a part of a
    name written with a generic word). Sorted, a name comes before such a part (a last resort), then the most
    tokens, then the most characters, then the leftmost. What geo.places.toponyms._matches computes in Python; ``verdict``
    (surface, key, candidates) decides the places once per spelling, remembered in ``verdicts``."""
    cdef Py_ssize_t n = len(starts), first, lo, hi, mid, i, j, k, o0, o1
    cdef list found = []
    cdef str key, surface
    cdef tuple pair
    cdef object pids
    for end, kc in hits:
        key = kc[0]
        first = <Py_ssize_t>end - len(key)
        lo, hi = 0, n  # bisect_left over the tokens' starts in the stream
        while lo < hi:
            mid = (lo + hi) // 2
            if <Py_ssize_t>starts[mid] < first:
                lo = mid + 1
            else:
                hi = mid
        i = lo
        if i >= n or <Py_ssize_t>starts[i] != first:
            continue
        j = i
        for k in range(len(key)):
            if key[k] == u" ":
                j += 1
        o0, o1 = tstarts[i], tends[j]
        surface = text[o0:o1]
        pair = (surface, key)
        pids = verdicts.get(pair)
        if pids is None:
            pids = verdicts[pair] = verdict(surface, key, kc[1])
        if pids:
            found.append((1 if key in described else 0, i - j, o0 - o1, o0, o1, i, j, pids))
    return found


def longest(list found, Py_ssize_t ntokens):
    """The matches of :func:`matches` that no better one overlaps (in :func:`matches`' order; a token belongs to
    one mention at most), as ``(o0, o1, i, pids)`` sorted by start."""
    cdef bytearray taken = bytearray(ntokens)
    cdef unsigned char[:] t = taken
    cdef list kept = []
    cdef Py_ssize_t i, j, k
    cdef bint free
    found.sort()
    for f in found:
        i, j = f[5], f[6]
        free = True
        for k in range(i, j + 1):
            if t[k]:
                free = False
                break
        if free:
            for k in range(i, j + 1):
                t[k] = 1
            kept.append((f[3], f[4], i, f[7]))
    kept.sort()
    return kept
