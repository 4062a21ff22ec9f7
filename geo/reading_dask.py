"""Reading many articles on a Dask cluster (``geo build --engine dask``): the same stream as
:func:`geo.reading.iter_extract`, read by Dask workers.

What is partitioned: the articles, :data:`geo.reading.BATCH` at most to a partition (fewer when the corpus is
small, so that every worker gets some). Each partition is one Dask task, :func:`read_partition`, which reads its
articles with a :class:`~geo.reading.Reader` the worker process built once and keeps for its later tasks.

What stays on the client: taking articles from the input, the per-article claim cache (looked up before a
partition is sent, written when its readings come back: workers never need to see the build directory, so a
remote cluster needs no shared disk for it), putting the readings back in input order, and everything the
caller does with them (``claims.jsonl``, ``unresolved.csv``, events, layers, map).

Why futures with a sliding window rather than a ``dask.bag``: a bag is a graph over a sequence known in
advance, and computing it gathers every result before the first is written; computing it in windows puts a
barrier after each window, where workers wait for the slowest partition. Here articles are taken from the
iterable one partition at a time, and at most two partitions per worker thread are on the cluster or waiting
to be written: the client holds a bounded number of articles whatever the corpus, and the workers stay busy
unless one partition lags far behind the next ones (they are written in order). A task lost with its worker
is run again by Dask elsewhere (a reading has no side effect); an error in a task stops the stream with it.

Workers must run the same geo and see the same data directory (gazetteer, lexicons, factions) at the
client's path, or at ``GEO_DATA_DIR`` in their environment: a worker whose reading fingerprint differs from
the client's refuses to read, rather than fill the build with claims of another reading. Dask and
distributed are imported here only, and only when the engine is used (``pip install 'geo[dask]'``).

Example (``geo build --engine dask --scheduler tcp://10.0.0.5:8786`` does this)::

    for article, claims, names, cached in iter_extract_dask(arts, settings, cache_dir, "tcp://10.0.0.5:8786"):
        ...
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.io import InputError
from geo.model import Article, Claim
from geo.reading import (
    BATCH,
    CACHE_SUFFIX,
    MIN_PER_JOB,
    Reader,
    Reading,
    cache_key,
    read_cached,
    read_lines,
    reading_fingerprint,
    write_cached,
)
from geo.settings import Settings

#: Seconds to wait for a scheduler given with ``--scheduler`` before saying it cannot be reached.
CONNECT_TIMEOUT = 5.0
#: What to install when the engine is asked for without its packages.
INSTALL_HINT = "pip install 'geo[dask]'"

Stream = Iterator[tuple[Article, list[Claim], list[tuple[str, str]], bool]]


# ---------------------------------------------------------------- on the workers

#: The Reader of this worker process, by (data dir, fingerprint): built by its first task, kept for the next.
_READERS: dict[tuple[str, str], Reader] = {}
_READERS_LOCK = threading.Lock()  # a worker with several threads builds its Reader once


def worker_reader(data_dir: str, fingerprint: str) -> Reader:
    """This process's Reader for ``data_dir`` (the worker's ``GEO_DATA_DIR`` when the client's path is not
    there), checked against the client's ``fingerprint``."""
    with _READERS_LOCK:
        if (reader := _READERS.get((data_dir, fingerprint))) is not None:
            return reader
        here = data_dir if Path(data_dir).is_dir() else os.environ.get("GEO_DATA_DIR", "")
        if not here or not Path(here).is_dir():
            raise InputError(f"{data_dir}: no such data directory on Dask worker {_worker_name()} (give the "
                             "workers the same path, or set GEO_DATA_DIR in their environment)")
        reader = Reader(Settings.resolve(here))
        if reader.fingerprint != fingerprint:
            raise InputError(f"Dask worker {_worker_name()}: its geo or its data directory {here} (gazetteer, "
                             "lexicons, factions) differs from the client's: install the same geo and copy the "
                             "same data directory to every worker")
        _READERS.clear()  # a long-lived worker keeps one Reader, not one per version it has met
        _READERS[(data_dir, fingerprint)] = reader
        return reader


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):  # not inside a Dask worker (a test calling read_partition directly)
        return socket.gethostname()


def read_partition(arts: list[Article], data_dir: str, fingerprint: str) -> list[Reading]:
    """The Dask task: the readings (claims, unresolved names) of one partition of articles, in order."""
    reader = worker_reader(data_dir, fingerprint)
    return [read_lines(reader, a) for a in arts]  # claims as JSON lines: encoded on the workers, in parallel


# ---------------------------------------------------------------- on the client

def _import_distributed() -> Any:
    try:
        import dask  # noqa: F401 - both packages are needed; distributed alone may come without dask's extras
        import distributed
    except ImportError:
        raise InputError(f"--engine dask needs dask and distributed, which are not installed: {INSTALL_HINT}") from None
    return distributed


def check_reachable(address: str, timeout: float | None = None) -> None:
    """Raise a one-line InputError unless something listens at a scheduler ``address`` (``tcp://HOST:PORT``)
    within ``timeout`` seconds (:data:`CONNECT_TIMEOUT`): distributed's own failure is a traceback and a
    stalled clean-up."""
    from distributed.comm import get_address_host_port

    timeout = CONNECT_TIMEOUT if timeout is None else timeout
    try:
        host, port = get_address_host_port(address)
    except (ValueError, TypeError) as exc:
        if "://" in address and not address.startswith(("tcp://", "tls://")):
            return  # another transport (ucx://, inproc://): the Client connects and says what fails
        raise InputError(f"--scheduler {address}: not a scheduler address ({exc}; e.g. tcp://HOST:8786)") from None
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection((host, port), timeout=max(0.1, deadline - time.monotonic())).close()
            return
        except OSError as exc:
            if time.monotonic() >= deadline:
                raise InputError(f"--scheduler {address}: no Dask scheduler answered within {timeout:g} s "
                                 f"({exc.strerror or exc}); start one with `dask scheduler`, or leave out "
                                 "--scheduler for a cluster on this machine") from None
            time.sleep(0.2)  # a scheduler that is starting refuses connections for a moment


def check_engine(scheduler: str | None = None) -> None:
    """Fail early, in one line, when the engine cannot run: dask missing, or no scheduler at ``scheduler``
    (a build checks before its first stage, not after ingesting the corpus)."""
    _import_distributed()
    if scheduler:
        check_reachable(scheduler)


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int, log: Callable[[str], None] = lambda _: None) -> Iterator[Any]:
    """A ``distributed.Client`` on the scheduler at ``scheduler``, or on a LocalCluster of ``workers``
    single-threaded worker processes started for the block (and stopped after it)."""
    distributed = _import_distributed()
    with contextlib.ExitStack() as stack:
        if scheduler:
            check_reachable(scheduler)
            try:
                client = distributed.Client(scheduler, timeout=f"{CONNECT_TIMEOUT}s", set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise InputError(f"--scheduler {scheduler}: {' '.join(str(exc).split())}") from None
        else:
            import logging

            # single-threaded processes: reading is pure Python, threads would share one GIL; ":0": any free
            # port for the scheduler's web server (8787 may be another cluster's)
            cluster = stack.enter_context(distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                silence_logs=logging.CRITICAL))  # a task's error reaches the client, which says it in one line
            client = distributed.Client(cluster, set_as_default=False)
        stack.callback(client.close)
        try:  # a scheduler with no worker would take the tasks and never run them
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except (TimeoutError, OSError):
            raise InputError(f"--scheduler {scheduler}: no Dask worker joined it within {CONNECT_TIMEOUT:g} s "
                             "(start some with `dask worker ADDRESS --nthreads 1`)") from None
        log(f"dask: {worker_threads(client)} worker thread(s) at {client.scheduler.address}"
            + ("" if scheduler else " (a local cluster started for this run)"))
        yield client


def worker_threads(client: Any) -> int:
    """The threads of every worker the client's scheduler has now."""
    return sum(client.nthreads().values())


def partition_size(total: int | None, workers: int) -> int:
    """Articles per partition: :data:`BATCH`, or fewer when ``total`` is known and small, so that each worker
    gets about four partitions (none smaller than :data:`geo.reading.MIN_PER_JOB`).

    >>> partition_size(None, 2), partition_size(100_000, 8), partition_size(30, 2), partition_size(1000, 2)
    (256, 256, 8, 125)
    """
    if total is None:
        return BATCH
    return max(MIN_PER_JOB, min(BATCH, math.ceil(total / (4 * max(1, workers)))))


@dataclass
class _Partition:
    """One partition between being taken from the input and being yielded: its articles, the cache paths of
    its readings, the readings found in the cache, and the future of the others."""

    arts: list[Article]
    paths: list[Path | None]
    done: dict[int, Reading] = field(default_factory=dict)
    todo: list[int] = field(default_factory=list)
    future: Any = None


class _Session:
    """The client, connected at the first partition that needs one: a build whose claims are all cached
    starts no cluster."""

    def __init__(self, stack: contextlib.ExitStack, scheduler: str | None, workers: int,
                 log: Callable[[str], None]) -> None:
        self.stack, self.scheduler, self.workers, self.log = stack, scheduler, workers, log
        self.client: Any = None
        self.slots = 2  # partitions ahead of the one being written, until the cluster's size is known

    def submit(self, arts: list[Article], data_dir: str, fingerprint: str) -> Any:
        if self.client is None:
            self.client = self.stack.enter_context(dask_client(self.scheduler, self.workers, self.log))
            self.slots = max(2, 2 * worker_threads(self.client))
        # pure=False: two partitions with equal articles are still two tasks (and their texts are not hashed)
        return self.client.submit(read_partition, arts, data_dir, fingerprint, pure=False)


def iter_extract_dask(arts: Iterable[Article], settings: Settings, cache_dir: Path | None = None,
                      scheduler: str | None = None, workers: int = 2, partition: int | None = None,
                      total: int | None = None, log: Callable[[str], None] = lambda _: None) -> Stream:
    """``(article, claims, unresolved names, from cache)`` for each article, in input order, read on Dask:
    the same stream as :func:`geo.reading.iter_extract`.

    ``scheduler``: a scheduler's address (``tcp://HOST:8786``); without one a LocalCluster of ``workers``
    processes runs for the stream. ``partition``: articles per task (default :func:`partition_size` of
    ``total``, the number of articles if known). Readings are cached per article in ``cache_dir`` by this
    process, never by the workers.
    """
    size = partition or partition_size(total, workers)
    fingerprint = reading_fingerprint(settings)
    data_dir = str(Path(settings.data_dir).resolve())
    it = iter(arts)
    pending: deque[_Partition] = deque()
    with contextlib.ExitStack() as stack:
        # the client is closed when the stream ends or is closed early: the scheduler then drops its tasks
        session = _Session(stack, scheduler, workers, log)
        while True:
            while len(pending) < session.slots and (batch := list(itertools.islice(it, size))):
                pending.append(_start(batch, cache_dir, fingerprint, session, data_dir))
            if not pending:
                return
            yield from _finish(pending.popleft())


def _start(batch: list[Article], cache_dir: Path | None, fingerprint: str, session: _Session,
           data_dir: str) -> _Partition:
    """Look a partition's articles up in the cache, and send the others to the cluster."""
    paths = [cache_dir / f"{cache_key(a, fingerprint)}{CACHE_SUFFIX}" if cache_dir else None for a in batch]
    part = _Partition(batch, paths)
    part.done = {i: r for i, p in enumerate(paths) if (r := read_cached(p)) is not None}
    part.todo = [i for i in range(len(batch)) if i not in part.done]
    if part.todo:
        part.future = session.submit([batch[i] for i in part.todo], data_dir, fingerprint)
    return part


def _finish(part: _Partition) -> Stream:
    """Wait for a partition's readings, cache them, and yield its articles in order."""
    hits = set(part.done)
    if part.future is not None:
        for i, reading in zip(part.todo, part.future.result(), strict=True):
            part.done[i] = reading
            if (path := part.paths[i]) is not None:
                write_cached(path, reading)
        part.future = None
    for i, a in enumerate(part.arts):
        yield a, part.done[i][0], part.done[i][1], i in hits
