"""Wire copies: the same agency story republished by many outlets is one source, not many.

Articles whose texts are near-duplicates (MinHash over word 5-shingles, datasketch's LSH: about 0.7
Jaccard similarity or more) form one *wire story*. Its source is the agency a copy's dateline names
("BEYROUTH, 25 sept (AFP) -"), else the outlet of its earliest copy. Events then count the story once.

>>> from geo.model import Article
>>> text = "Government forces took the district of Sakhour on Monday after heavy fighting overnight, " * 3
>>> arts = [Article(id=f"a{i}", title="", date="2016-11-28", text=("ALEP (AFP) - " if i == 0 else "") + text,
...                 source=f"Outlet {i}") for i in range(3)]
>>> stories = wire_stories(arts, {"AFP": ["AFP"]})
>>> sorted(stories.items())
[('a0', ('AFP', 'a0')), ('a1', ('AFP', 'a0')), ('a2', ('AFP', 'a0'))]
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import datasketch
import numpy as np
from datasketch import MinHash, MinHashLSH

from geo.io import DiskMemo, load_yaml
from geo.model import Article

#: Word shingles this long; texts at least this similar (estimated Jaccard) are copies of one story.
SHINGLE = 5
SIMILAR = 0.7
PERMUTATIONS = 128
#: Texts shorter than this many words are too short to call copies (a headline, a one-line brief).
MIN_WORDS = 30
_WORD = re.compile(r"\w+")
#: Signatures kept between builds are only valid for the datasketch that computed them.
_DATASKETCH = getattr(datasketch, "__version__", "")


def load_agencies(path: Path) -> dict[str, list[str]]:
    """``data/agencies.yaml``: agency -> the ways a dateline names it (empty when the file is absent)."""
    if not path.exists():
        return {}
    doc = load_yaml(path.read_text(encoding="utf-8")) or {}
    return {str(k): [str(x) for x in v] for k, v in (doc.get("agencies") or {}).items()}


def dateline_agency(text: str, agencies: dict[str, list[str]]) -> str:
    """The agency the opening lines name in a dateline ("(AFP)", "AFP -", "— Reuters"), or "".

    >>> dateline_agency("BEYROUTH, 25 sept 2016 (AFP) - Les forces ...", {"AFP": ["AFP"], "Reuters": ["Reuters"]})
    'AFP'
    """
    head = text[:300]
    for agency, names in agencies.items():
        alt = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        if re.search(rf"\((?:{alt})\)|(?:^|\n)\s*(?:{alt})\s*[-–—:]|[-–—]\s*(?:{alt})\s*$", head, re.MULTILINE):
            return agency
    return ""


def _minhash(text: str) -> MinHash | None:
    words = _WORD.findall(text.lower())
    if len(words) < MIN_WORDS:
        return None
    m = MinHash(num_perm=PERMUTATIONS, seed=7)  # a fixed seed: the same stories on every build
    m.update_batch([" ".join(words[i:i + SHINGLE]).encode("utf-8") for i in range(len(words) - SHINGLE + 1)])
    return m


def _signature(text: str, memo: DiskMemo | None) -> np.ndarray | None:
    """A text's MinHash values, kept in ``memo`` by the text's content (as bytes: the cache holds plain data)."""
    if memo is None:
        m = _minhash(text)
        return None if m is None else m.hashvalues
    values = memo.get(memo.key("minhash", _DATASKETCH, text), lambda: None if (m := _minhash(text)) is None
                      else m.hashvalues.tobytes())
    return None if values is None else np.frombuffer(values, dtype=_dtype())


@functools.cache
def _dtype() -> np.dtype:
    return MinHash(num_perm=PERMUTATIONS, seed=7).hashvalues.dtype


@functools.cache
def _bands() -> tuple[int, int]:
    """datasketch's bands and rows per band for :data:`SIMILAR` and :data:`PERMUTATIONS` (14 x 9): the texts
    that share every value of one band are candidates, as its ``MinHashLSH.query`` finds them."""
    lsh = MinHashLSH(threshold=SIMILAR, num_perm=PERMUTATIONS)
    return lsh.b, lsh.r


def _band_keys(signatures: np.ndarray) -> list[tuple[bytes, ...]]:
    """Each signature's (rows of ``signatures``) band keys: the band's number and values, as bytes (one table
    then holds every band: a key of one band never meets another band's)."""
    b, r = _bands()
    n, width = len(signatures), signatures.dtype.itemsize * r
    bands = np.empty((n, b, width + 1), dtype=np.uint8)
    bands[:, :, 0] = np.arange(b, dtype=np.uint8)
    bands[:, :, 1:] = np.ascontiguousarray(signatures[:, :b * r]).view(np.uint8).reshape(n, b, width)
    keys = bands.reshape(n * b, width + 1).view(np.dtype((np.void, width + 1))).ravel().tolist()
    return [tuple(keys[k * b:(k + 1) * b]) for k in range(n)]


def wire_stories(articles: list[Article], agencies: dict[str, list[str]],
                 memo: DiskMemo | None = None) -> dict[str, tuple[str, str]]:
    """``{article id: (source, story id)}`` for every article that is a copy in a story of two or more
    texts; the story id is its earliest copy's id. Articles with no copy are left out. ``memo``: the build's
    cache of signatures, so that one more article costs one signature.

    The candidates are found by banding the signatures as datasketch's ``MinHashLSH`` does (the same texts),
    all bands of all texts at once: inserting 10k texts one by one into its index took a second a build.
    """
    arts = sorted(articles, key=lambda a: (a.date or "9999", a.id))
    signed = [(a, m) for a in arts if (m := _signature(a.text, memo)) is not None]
    story: dict[str, str] = {}
    order = {a.id: k for k, a in enumerate(arts)}
    if signed:
        buckets: dict[bytes, list[str]] = {}
        for (a, _), keys in zip(signed, _band_keys(np.stack([m for _, m in signed])), strict=True):
            near = {story[x] for key in keys for x in buckets.get(key, ())}
            story[a.id] = min(near, key=order.__getitem__) if near else a.id  # the earliest copy's story
            for key in keys:
                buckets.setdefault(key, []).append(a.id)
    members: dict[str, list[Article]] = {}
    by_id = {a.id: a for a in arts}
    for aid, sid in story.items():
        members.setdefault(sid, []).append(by_id[aid])
    out: dict[str, tuple[str, str]] = {}
    for sid, copies in members.items():
        if len(copies) < 2:
            continue
        agency = next((x for x in (dateline_agency(c.text, agencies) for c in copies) if x), "")
        source = agency or by_id[sid].source or sid
        out.update({c.id: (source, sid) for c in copies})
    return out
