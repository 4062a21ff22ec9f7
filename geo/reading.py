"""Reading many articles: the reader, the per-article cache, worker processes, one batch at a time.

:func:`iter_extract` streams: it takes articles from any iterable and yields each one's claims as soon as they
are read, holding one batch (:data:`BATCH` articles) at a time, so that the memory extraction needs does not
grow with the corpus. :func:`extract_articles` collects the stream for callers that want lists.

>>> from geo.settings import Settings
>>> from pathlib import Path
>>> from geo.model import Article
>>> reader = Reader(Settings.resolve(Path(__file__).resolve().parent.parent / "data"))
>>> art = Article(id="a", title="", date="2016-11-28", text="L'armée a repris Sakhour dimanche.", lang="fr")
>>> [(c.type, c.place.id, c.faction) for _, cs, _, _ in iter_extract([art], reader) for c in cs]
[('capture', 'aleppo-as-sakhour', 'government')]
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from geo import __version__
from geo.io import write_text
from geo.model import Article, Claim
from geo.read import claims_from_mentions, load_factions, load_lexicons
from geo.settings import Settings

#: One article's reading: its claims and its unresolved names (name, sentence).
Reading = tuple[list[Claim], list[tuple[str, str]]]


_GEO = Path(__file__).resolve().parent


def hash_paths(paths: list[Path]) -> str:
    """One hash of files and directory trees (names and contents) and of geo's version."""
    h = hashlib.sha1(__version__.encode())
    for p in sorted(paths, key=str):
        h.update(str(p.name).encode())
        if p.is_dir():
            h.update(hash_paths([q for q in p.rglob("*") if q.is_file()]).encode())
        elif p.exists():
            h.update(p.read_bytes())
        else:
            h.update(b"<missing>")
    return h.hexdigest()


def code_paths(*modules: str) -> list[Path]:
    """Source files of ``geo/`` by path without suffix: ``code_paths("read/claims")``."""
    return [_GEO / f"{m}.py" for m in modules]


def reading_code() -> list[Path]:
    """The code a claim depends on: every module of the reading wing, place finding, this module, the claim
    record."""
    return [*sorted((_GEO / "read").glob("*.py")),
            *code_paths("places/toponyms", "places/gazetteer", "places/variants", "reading", "model")]


def reading_fingerprint(s: Settings) -> str:
    """What a cached reading depends on: the gazetteer, lexicons, factions and the reading code (a hash; no
    file is parsed, so a process that reads nothing can name the cache). Each part is hashed on its own: paths
    sorted together would sort by where the data directory is, and a Dask worker or a relative ``--data-dir``
    would then see another fingerprint for the same files."""
    parts = [hash_paths([p]) for p in (s.gazetteer_dir, s.lexicon_dir, s.factions_file)]
    return hashlib.sha1("".join([*parts, hash_paths(reading_code())]).encode()).hexdigest()


class Reader:
    """Everything extraction needs, loaded once: gazetteer, factions, lexicons."""

    def __init__(self, s: Settings) -> None:
        from geo.places import load_gazetteer

        self.gazetteer = load_gazetteer(s.gazetteer_dir)
        self.factions = load_factions(s.factions_file)
        self.lexicons = load_lexicons(s.lexicon_dir)
        self.fingerprint = reading_fingerprint(s)

    def read(self, article: Article) -> Reading:
        """Claims and unresolved names (name, sentence) of one article."""
        from geo.places import mentions_and_names

        lex = self.lexicons.get(article.lang)
        if lex is None:
            return [], []  # no lexicon for its language: nothing to read it with (ingest warned)
        mentions, names = mentions_and_names(article.text, self.gazetteer, article.lang)
        claims = claims_from_mentions(article, mentions, self.gazetteer.places, self.factions, lex)
        return claims, [(name, sentence) for _, _, name, sentence in names]


#: Articles taken from the input per batch: extraction holds one batch's texts and claims at a time.
BATCH = 256
#: Fewer articles than this per process are read in one: a worker's start costs more than it saves.
MIN_PER_JOB = 8
#: Articles sent to a worker at a time (fewer round trips; 16 measured best on 2 cores).
CHUNK = 16
#: The process that forks the workers leaves its Reader here: they inherit it, loaded (no pickling).
_WORKER_READER: Reader | None = None


def available_cores() -> int:
    """The cores this process may run on (a container's share, not the machine's)."""
    import os

    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _read_one(a: Article) -> Reading:
    assert _WORKER_READER is not None
    return _WORKER_READER.read(a)


@contextlib.contextmanager
def _readers(reader: Reader, jobs: int) -> Iterator[Callable[[list[Article]], Iterable[Reading]]]:
    """A function reading a list of articles in order: in this process, or in ``jobs`` forked ones (one pool
    for the whole stream)."""
    global _WORKER_READER
    if jobs <= 1:
        yield lambda arts: map(reader.read, arts)
        return
    import multiprocessing

    _WORKER_READER = reader
    try:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            yield lambda arts: pool.imap(_read_one, arts, chunksize=CHUNK)
    finally:
        _WORKER_READER = None


def cache_key(a: Article, reader: Reader | str) -> str:
    """The name of an article's cached reading: its content, its id and what reading depends on (a
    :class:`Reader`, or its fingerprint: :func:`reading_fingerprint`)."""
    fingerprint = reader if isinstance(reader, str) else reader.fingerprint
    return hashlib.sha1(f"{a.hash}:{a.id}:{fingerprint}".encode()).hexdigest()[:20]


def read_cached(path: Path | None) -> Reading | None:
    """The reading cached at ``path`` (None when there is none)."""
    if path is None or not path.exists():
        return None
    doc = json.loads(path.read_text(encoding="utf-8"))
    return [Claim.from_dict(d) for d in doc["claims"]], [(n[0], n[1]) for n in doc["unresolved"]]


def write_cached(path: Path, reading: Reading) -> None:
    """Cache one article's reading at ``path`` (written whole or not at all)."""
    cs, names = reading
    write_text(path, json.dumps({"claims": [c.to_dict() for c in cs], "unresolved": [list(n) for n in names]},
                                ensure_ascii=False))


def iter_extract(arts: Iterable[Article], reader: Reader, cache_dir: Path | None = None, jobs: int = 1,
                 total: int | None = None) -> Iterator[tuple[Article, list[Claim], list[tuple[str, str]], bool]]:
    """``(article, claims, unresolved names, from cache)`` for each article, in order, one batch at a time.

    Readings are cached per article content when ``cache_dir`` is given; the others are read in ``jobs``
    processes (one when ``total``, the number of articles if known, is too small to share). The stream is
    the same whatever ``jobs`` is.
    """
    if total is not None:
        jobs = max(1, min(jobs, total // MIN_PER_JOB))
    it = iter(arts)
    with _readers(reader, jobs) as read_many:
        # One batch ahead: the workers read the next batch while this process writes the claims of the one
        # before (waiting at the end of every batch left the workers idle: 1.36x on 2 cores instead of 1.55x).
        ahead: _Batch | None = None
        while batch := list(itertools.islice(it, BATCH)):
            started = _Batch.start(batch, reader, cache_dir, read_many)
            if ahead is not None:
                yield from ahead.finish()
            ahead = started
        if ahead is not None:
            yield from ahead.finish()


class _Batch:
    """A batch of articles: the readings found in the cache, and the others being read (in the workers)."""

    def __init__(self, batch: list[Article], paths: list[Path | None], done: dict[int, Reading],
                 todo: list[int], reading: Iterable[Reading]) -> None:
        self.batch, self.paths, self.done, self.todo, self.reading = batch, paths, done, todo, reading
        self.hits = set(done)

    @classmethod
    def start(cls, batch: list[Article], reader: Reader, cache_dir: Path | None,
              read_many: Callable[[list[Article]], Iterable[Reading]]) -> _Batch:
        paths = [cache_dir / f"{cache_key(a, reader)}.json" if cache_dir else None for a in batch]
        done: dict[int, Reading] = {i: r for i, p in enumerate(paths) if (r := read_cached(p)) is not None}
        todo = [i for i in range(len(batch)) if i not in done]
        return cls(batch, paths, done, todo, read_many([batch[i] for i in todo]))  # the pool starts at once

    def finish(self) -> Iterator[tuple[Article, list[Claim], list[tuple[str, str]], bool]]:
        for i, (cs, names) in zip(self.todo, self.reading, strict=True):
            self.done[i] = (cs, names)
            if self.paths[i] is not None:
                write_cached(self.paths[i], (cs, names))
        for i, a in enumerate(self.batch):
            yield a, self.done[i][0], self.done[i][1], i in self.hits


class Tally:
    """What a stream of readings adds up to besides its claims: the review queue of unresolved names, and
    counts for the log. :meth:`claims` passes the claims through while counting."""

    def __init__(self) -> None:
        self.articles = self.hits = self.count = self.sideless = 0
        self.unresolved: dict[str, dict[str, Any]] = {}

    def claims(self, stream: Iterable[tuple[Article, list[Claim], list[tuple[str, str]], bool]]) -> Iterator[Claim]:
        for a, cs, names, hit in stream:
            self.articles += 1
            self.hits += hit
            self.count += len(cs)
            self.sideless += sum(1 for c in cs if not c.faction and c.type in ("capture", "advance")
                                 and c.status == "reported")
            for name, sentence in names:
                row = self.unresolved.setdefault(name, {"name": name, "count": 0, "articles": {}, "sentence": sentence})
                row["count"] += 1
                row["articles"][a.id] = None  # a dict: the articles in order, each once, looked up in O(1)
            yield from cs

    def rows(self) -> list[dict[str, Any]]:
        """The unresolved names, most frequent first, with the articles that name them."""
        rows = sorted(self.unresolved.values(), key=lambda r: (-r["count"], r["name"]))
        return [{**r, "articles": " ".join(r["articles"])} for r in rows]

    def report(self, log: Callable[[str], None]) -> None:
        log(f"extracted {self.count} claim(s) from {self.articles} article(s) ({self.hits} from cache)")
        if self.sideless:
            log(f"{self.sideless} change(s) name no side anywhere in their report (faction null): "
                "review them with geo extract --explain")


def extract_articles(arts: list[Article], reader: Reader, cache_dir: Path | None = None,
                     log: Callable[[str], None] = lambda _: None, jobs: int = 1,
                     progress: Callable[..., Any] = lambda items, *a, **k: items
                     ) -> tuple[list[Claim], list[dict[str, Any]]]:
    """Claims of many articles (cached per article content when ``cache_dir`` is given), read in ``jobs``
    processes, and the unresolved names; the result is the same whatever ``jobs`` is (articles keep their
    order). ``progress`` wraps the article stream (a progress bar)."""
    tally = Tally()
    claims = list(tally.claims(progress(iter_extract(arts, reader, cache_dir, jobs, len(arts)), "extract", "article",
                                        len(arts))))
    tally.report(log)
    return claims, tally.rows()
