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

import functools
import hashlib
import itertools
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from geo import __version__
from geo.io import FileDigests, files_under, write_text
from geo.model import _JSON_UTF8, Article, Claim
from geo.read import claims_from_mentions, load_factions, load_lexicons
from geo.settings import Settings

#: One article's reading: its claims and its unresolved names (name, sentence).
Reading = tuple[Sequence[Claim], list[tuple[str, str]]]


_GEO = Path(__file__).resolve().parent


def hash_paths(paths: list[Path], digests: FileDigests | None = None) -> str:
    """One hash of files and directory trees (names and contents) and of geo's version; ``digests``: the
    build's record of file hashes, so that files unchanged since the last build are not read again."""
    h = hashlib.sha1(__version__.encode())
    for p in sorted(paths, key=str):
        h.update(str(p.name).encode())
        if p.is_dir():
            h.update(_hash_files(files_under(p), digests).encode())
        elif p.exists():
            h.update(_file_digest(p, digests).encode())
        else:
            h.update(b"<missing>")
    return h.hexdigest()


def _hash_files(files: list[str], digests: FileDigests | None) -> str:
    """:func:`hash_paths` of files known to be there, given as strings (a directory of ten thousand reports
    is hashed without a ``Path`` for each)."""
    h = hashlib.sha1(__version__.encode())
    for f in sorted(files):
        h.update(os.path.basename(f).encode())
        h.update(_file_digest(f, digests).encode())
    return h.hexdigest()


def _file_digest(p: str | Path, digests: FileDigests | None) -> str:
    if digests is not None:
        return digests.digest(p)
    with open(p, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


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
    """Everything extraction needs, loaded once, when first used: gazetteer, factions, lexicons. Naming the
    cache (``fingerprint``) loads nothing, so a build whose articles are all cached never loads them."""

    def __init__(self, s: Settings) -> None:
        self.settings = s
        self.fingerprint = reading_fingerprint(s)

    @functools.cached_property
    def gazetteer(self) -> Any:
        from geo.places import load_gazetteer

        return load_gazetteer(self.settings.gazetteer_dir)

    @functools.cached_property
    def factions(self) -> Any:
        return load_factions(self.settings.factions_file)

    @functools.cached_property
    def lexicons(self) -> Any:
        return load_lexicons(self.settings.lexicon_dir)

    def load(self) -> Reader:
        """Load everything now (before forking workers, which then inherit it loaded)."""
        _ = self.gazetteer, self.factions, self.lexicons
        return self

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


def _read_one_as_lines(a: Article) -> tuple[ClaimLines, list[tuple[str, str]]]:
    assert _WORKER_READER is not None
    return read_lines(_WORKER_READER, a)


def read_lines(reader: Reader, a: Article) -> tuple[ClaimLines, list[tuple[str, str]]]:
    """One article's reading, its claims already written as claims.jsonl's lines (in the worker that read it)."""
    cs, names = reader.read(a)
    return ClaimLines.of(cs), names


class _Readers:
    """Reads a list of articles in order: in this process, or in ``jobs`` forked ones. Nothing is loaded and no
    process started until some article is not in the cache; a handful (fewer than :data:`MIN_PER_JOB`) before the
    workers exist are read here, as forking would cost more than it saves. ``lines``: claims come as
    :class:`ClaimLines` (encoded where they were read), without the why of each field."""

    def __init__(self, reader: Reader, jobs: int, lines: bool = False) -> None:
        self.reader, self.jobs, self.lines, self.pool = reader, jobs, lines, None

    def __call__(self, arts: list[Article]) -> Iterable[Reading]:
        global _WORKER_READER
        if not arts:
            return []
        if self.pool is None and (self.jobs <= 1 or len(arts) < MIN_PER_JOB):
            return [read_lines(self.reader, a) if self.lines else self.reader.read(a) for a in arts]
        if self.pool is None:
            import multiprocessing

            _WORKER_READER = self.reader.load()
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs)
        return self.pool.imap(_read_one_as_lines if self.lines else _read_one, arts, chunksize=CHUNK)

    def close(self) -> None:
        global _WORKER_READER
        if self.pool is not None:
            self.pool.terminate()
            self.pool = None
        _WORKER_READER = None


class ClaimLines(Sequence[Claim]):
    """An article's claims, with the lines of claims.jsonl that hold them (one JSON object a line). A cached
    reading is written back as these lines and parsed into :class:`Claim` only when someone looks at one:
    decoding and encoding 85k claims again was most of a second build's extraction.

    >>> from geo.model import PlaceRef
    >>> cs = ClaimLines.of([Claim("c1", "a", "2016-11-08", "capture", PlaceRef("x", "X", "X", 37.1, 36.2))])
    >>> len(cs), cs.sideless, cs[0].place.id, cs.lines.count(chr(10))
    (1, 1, 'x', 1)
    """

    __slots__ = ("lines", "sideless", "_claims")

    def __init__(self, lines: str, sideless: int, claims: list[Claim] | None = None) -> None:
        self.lines, self.sideless, self._claims = lines, sideless, claims

    @classmethod
    def of(cls, claims: list[Claim]) -> ClaimLines:
        lines = "".join(_JSON_UTF8(c.to_dict()) + "\n" for c in claims)
        return cls(lines, sum(1 for c in claims if sideless(c)), list(claims))

    def _parsed(self) -> list[Claim]:
        if self._claims is None:
            # split on "\n" only: a sentence may hold U+2028 or U+0085, which splitlines() would break on
            self._claims = [Claim.from_dict(json.loads(x)) for x in self.lines.split("\n") if x]
        return self._claims

    def __len__(self) -> int:
        return len(self._claims) if self._claims is not None else self.lines.count("\n")

    def __getitem__(self, i: Any) -> Any:
        return self._parsed()[i]

    def __iter__(self) -> Iterator[Claim]:
        return iter(self._parsed())

    def __getstate__(self) -> tuple[str, int]:
        return self.lines, self.sideless  # a worker sends the text; the claims are parsed again if asked for

    def __setstate__(self, state: tuple[str, int]) -> None:
        self.lines, self.sideless, self._claims = *state, None


def sideless(c: Claim) -> bool:
    """A reported change that names no side anywhere in its report (faction null: for review)."""
    return not c.faction and c.type in ("capture", "advance") and c.status == "reported"


def cache_key(a: Article, reader: Reader | str) -> str:
    """The name of an article's cached reading: its content, its id and what reading depends on (a
    :class:`Reader`, or its fingerprint: :func:`reading_fingerprint`)."""
    fingerprint = reader if isinstance(reader, str) else reader.fingerprint
    return hashlib.sha1(f"{a.hash}:{a.id}:{fingerprint}".encode()).hexdigest()[:20]


#: A cached reading's file: a first line with its unresolved names and counts, then its claims' lines.
CACHE_SUFFIX = ".jsonl"


def read_cached(path: Path | None) -> tuple[ClaimLines, list[tuple[str, str]]] | None:
    """The reading cached at ``path`` (None when there is none, or it is damaged: it is then read again)."""
    if path is None:
        return None
    try:
        head, _, lines = path.read_text(encoding="utf-8").partition("\n")
        doc = json.loads(head)
        return ClaimLines(lines, int(doc["sideless"])), [(n[0], n[1]) for n in doc["unresolved"]]
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def write_cached(path: Path, reading: Reading | tuple[ClaimLines, list[tuple[str, str]]]) -> None:
    """Cache one article's reading at ``path`` (written whole or not at all)."""
    cs, names = reading
    cs = cs if isinstance(cs, ClaimLines) else ClaimLines.of(cs)
    head = _JSON_UTF8({"sideless": cs.sideless, "unresolved": [list(n) for n in names]})
    write_text(path, head + "\n" + cs.lines)


def iter_extract(arts: Iterable[Article], reader: Reader, cache_dir: Path | None = None, jobs: int = 1,
                 total: int | None = None, lines: bool = False
                 ) -> Iterator[tuple[Article, Sequence[Claim], list[tuple[str, str]], bool]]:
    """``(article, claims, unresolved names, from cache)`` for each article, in order, one batch at a time.

    Readings are cached per article content when ``cache_dir`` is given; the others are read in ``jobs``
    processes (one when ``total``, the number of articles if known, is too small to share). The stream is
    the same whatever ``jobs`` is. Cached claims, and all of them with ``lines``, come as :class:`ClaimLines`
    (what ``geo build`` writes: the lines, never decoded).
    """
    if total is not None:
        jobs = max(1, min(jobs, total // MIN_PER_JOB))
    it = iter(arts)
    read_many = _Readers(reader, jobs, lines)
    try:
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
    finally:
        read_many.close()


class _Batch:
    """A batch of articles: the readings found in the cache, and the others being read (in the workers)."""

    def __init__(self, batch: list[Article], paths: list[Path | None], done: dict[int, Reading],
                 todo: list[int], reading: Iterable[Reading]) -> None:
        self.batch, self.paths, self.done, self.todo, self.reading = batch, paths, done, todo, reading
        self.hits = set(done)

    @classmethod
    def start(cls, batch: list[Article], reader: Reader, cache_dir: Path | None,
              read_many: Callable[[list[Article]], Iterable[Reading]]) -> _Batch:
        paths = [cache_dir / f"{cache_key(a, reader)}{CACHE_SUFFIX}" if cache_dir else None for a in batch]
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

    def claims(self, stream: Iterable[tuple[Article, Sequence[Claim], list[tuple[str, str]], bool]]) -> Iterator[Claim]:
        for item in stream:
            self._count(*item)
            yield from item[1]

    def lines(self, stream: Iterable[tuple[Article, Sequence[Claim], list[tuple[str, str]], bool]]) -> Iterator[str]:
        """Each article's claims as claims.jsonl's lines (a cached reading's lines are not parsed)."""
        for item in stream:
            self._count(*item)
            cs = item[1]
            yield cs.lines if isinstance(cs, ClaimLines) else ClaimLines.of(list(cs)).lines

    def _count(self, a: Article, cs: Sequence[Claim], names: list[tuple[str, str]], hit: bool) -> None:
        self.articles += 1
        self.hits += hit
        self.count += len(cs)
        self.sideless += cs.sideless if isinstance(cs, ClaimLines) else sum(1 for c in cs if sideless(c))
        for name, sentence in names:
            row = self.unresolved.setdefault(name, {"name": name, "count": 0, "articles": {}, "sentence": sentence})
            row["count"] += 1
            row["articles"][a.id] = None  # a dict: the articles in order, each once, looked up in O(1)

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
