"""Benchmark of a whole build at scale: full build, one article added, and reading in two processes.

Run with ``make bench`` (or ``.venv/bin/python bench/bench_build.py --articles 1000,10000``). The corpus is the
synthetic one of ``bench/corpus.py`` (templates written for the benchmarks, the gazetteer's own names, about
2 kB an article, dated over the study window), written as Markdown files into a temporary copy of the shipped
data directory. Figures are wall-clock seconds on this machine; quote them only as ratios measured in the
same run:

- ``incremental``: ``geo build`` after one new article, against the full build of the same corpus (goal 5%);
- ``jobs``: reading every article in 2 processes against 1, as ``geo build -j N`` reads them (claims written as
  lines in the workers; no cache), goal 1.8x on 2 cores;
- ``per_1k``: seconds of a full build per thousand articles, at each size (linear growth keeps it flat);
- ``memory``: the peak resident memory of the extraction stage alone (``geo extract`` after ``geo ingest``, in
  its own process) at 1k, 10k and 100k articles: streaming keeps it flat;
- ``dask`` (``--dask N``, needs ``geo[dask]``): reading N articles with the Dask engine on a LocalCluster of 2
  single-threaded workers, against the local engine in 2 processes: the overhead of the engine on one machine,
  with and without the cluster's start.

Example::

    .venv/bin/python bench/bench_build.py --articles 1000,10000 -o data/build/bench/build.json
    .venv/bin/python bench/bench_build.py --articles '' --memory '' --dask 1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from geo.pipeline import Reader, build, extract_articles, load_articles
from geo.reading import Tally, iter_extract
from geo.settings import Settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import write_figures  # noqa: E402
from corpus import corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def data_dir(base: Path, n: int, seed: int = 0) -> Path:
    """The shipped data with its articles replaced by ``n`` synthetic ones, dated across the window."""
    d = base / f"data-{n}-{seed}"  # one per corpus: the memory runs use another seed in the same folder
    shutil.copytree(ROOT / "data", d, ignore=shutil.ignore_patterns("build", "articles", "review"))
    (d / "articles").mkdir()
    first = dt.date(2016, 7, 2)
    for k, a in enumerate(corpus(n * 2000, seed=seed)[:n]):
        day = first + dt.timedelta(days=k % 170)
        write_article(d / "articles" / f"{a.id}.{a.lang}.md", day.isoformat(), a.text)
    return d


def write_article(path: Path, day: str, text: str) -> None:
    path.write_text(f"---\ndate: {day}\nsource: synthetic (bench)\n---\n{text}\n", encoding="utf-8")


def timed(fn, *args, **kw) -> float:  # noqa: ANN001 - any callable
    start = time.perf_counter()
    fn(*args, **kw)
    return time.perf_counter() - start


def read_as_built(arts: list, reader: Reader, jobs: int) -> int:
    """Every article read (no cache) as ``geo build -j N`` reads them: each worker writes its claims as the lines of
    claims.jsonl, which this process counts and passes on (the build writes them). Returns their length."""
    return sum(len(x) for x in Tally().lines(iter_extract(arts, reader, None, jobs, len(arts), lines=True)))


def measure(base: Path, n: int) -> dict[str, float | int]:
    d = data_dir(base, n)
    s = Settings.resolve(d, base / f"build-{n}")
    full = timed(build, s, jobs=1)
    write_article(d / "articles" / "zz-one-more.en.md", "2016-12-20",
                  "Government forces captured Sheikh Saeed on Tuesday, a military source said.")
    stages: dict[str, float] = {}
    one_more = timed(build, s, jobs=1, times=stages)
    arts = load_articles([d / "articles"])
    reader = Reader(s).load()
    one, two = timed(read_as_built, arts, reader, 1), timed(read_as_built, arts, reader, 2)
    return {"articles": n, "full_s": round(full, 2), "one_more_s": round(one_more, 2),
            "incremental": round(one_more / full, 3), "one_more_stages_s": {k: round(v, 2) for k, v in stages.items()},
            "per_1k_s": round(full / n * 1000, 2),
            "extract_1_s": round(one, 2), "extract_2_s": round(two, 2), "jobs": round(one / two, 2)}


def _peak_mb(cmd: list[str]) -> tuple[float, float]:
    """(seconds, peak resident memory in MB) of one command (``[module, args...]`` run by ``python -m``),
    as the process itself counts it (``bench/peak.py``: the kernel's ``ru_maxrss`` for a child would also
    count this benchmark's own memory, which the child holds between fork and exec)."""
    with tempfile.TemporaryDirectory(prefix="geo-peak-") as tmp:
        out = Path(tmp) / "peak.kb"
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(Path(__file__).resolve().parent / "peak.py"), str(out), *cmd],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        secs = time.perf_counter() - start
        if proc.returncode != 0 or not out.exists():
            raise SystemExit(f"{' '.join(cmd)}: failed: {proc.stderr.decode()[-300:]}")
        return secs, int(out.read_text()) / 1024


def extraction_memory(base: Path, n: int) -> dict[str, float | int]:
    """Peak memory and speed of the extraction stage alone on ``n`` articles (one process)."""
    d = data_dir(base, n, seed=1)
    where = ["--data-dir", str(d), "--build-dir", str(base / f"build-mem-{n}")]
    subprocess.run([sys.executable, "-m", "geo", "ingest", *where], check=True, capture_output=True)
    secs, mb = _peak_mb(["geo", "extract", *where])  # the stage reads in one process
    shutil.rmtree(d, ignore_errors=True)
    shutil.rmtree(base / f"build-mem-{n}", ignore_errors=True)
    return {"articles": n, "extract_s": round(secs, 1), "articles_s": round(n / secs, 1), "peak_mb": round(mb, 1)}


def dask_overhead(base: Path, n: int) -> dict[str, float | int]:
    """Seconds to read ``n`` articles (no cache) with the local engine in 2 processes, and with the Dask engine
    on a 2-worker LocalCluster: its start, a first run (each worker loads its Reader) and a second one."""
    from distributed import LocalCluster

    from geo.reading_dask import iter_extract_dask

    d = data_dir(base, n, seed=2)
    s = Settings.resolve(d, base / f"build-dask-{n}")
    arts = load_articles([d / "articles"])
    start = time.perf_counter()
    reader = Reader(s)  # its load counts on both sides: each Dask worker loads one in its first task
    loaded = time.perf_counter() - start
    want, _ = extract_articles(arts, reader, None, jobs=2)
    local = time.perf_counter() - start
    start = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.CRITICAL) as cluster:
        started = time.perf_counter() - start

        def on_dask() -> list:
            return list(iter_extract_dask(arts, s, None, cluster.scheduler_address, 2, total=n))

        first, second = timed(on_dask), timed(on_dask)
        same = [c.to_dict() for _, cs, _, _ in on_dask() for c in cs] == [c.to_dict() for c in want]
    shutil.rmtree(d, ignore_errors=True)
    return {"articles": n, "local_2_s": round(local, 2), "reader_load_s": round(loaded, 2),
            "cluster_start_s": round(started, 2),
            "dask_first_s": round(first, 2), "dask_second_s": round(second, 2),
            "overhead": round(first / local, 2), "overhead_with_start": round((started + first) / local, 2),
            "overhead_warm": round(second / local, 2), "overhead_warm_reading": round(second / (local - loaded), 2),
            "claims": len(want), "same_claims": same}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", default="1000,10000", help="Corpus sizes, comma-separated.")
    ap.add_argument("--memory", default="1000,10000,100000",
                    help="Corpus sizes for the extraction's peak memory, comma-separated ('' to skip).")
    ap.add_argument("--dask", default="",
                    help="Corpus sizes to read with the Dask engine against the local one, comma-separated "
                         "('' to skip; needs geo[dask]).")
    ap.add_argument("-o", "--output", type=Path, help="Write the figures here (JSON).")
    args = ap.parse_args(argv)
    rows: list[dict] = []
    memory: list[dict] = []
    dask: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="geo-bench-build-") as tmp:
        for n in (int(x) for x in args.articles.split(",") if x):
            rows.append(measure(Path(tmp), n))
            print(f"| {n} articles | full {rows[-1]['full_s']} s ({rows[-1]['per_1k_s']} s per 1k) | "
                  f"one more: {rows[-1]['incremental']:.1%} of full | 2 processes: {rows[-1]['jobs']}x |", flush=True)
        for n in (int(x) for x in args.memory.split(",") if x):
            memory.append(extraction_memory(Path(tmp), n))
            print(f"| extraction, {n} articles | {memory[-1]['extract_s']} s ({memory[-1]['articles_s']} articles/s) | "
                  f"peak {memory[-1]['peak_mb']} MB |", flush=True)
        for n in (int(x) for x in args.dask.split(",") if x):
            dask.append(r := dask_overhead(Path(tmp), n))
            print(f"| reading {n} articles, Dask engine on 2 local workers | {r['dask_first_s']} s (second run "
                  f"{r['dask_second_s']} s; cluster start {r['cluster_start_s']} s) | local engine, 2 processes: "
                  f"{r['local_2_s']} s ({r['reader_load_s']} s loading the Reader) | {r['overhead']}x the local time "
                  f"({r['overhead_with_start']}x with the start; warm {r['overhead_warm']}x, "
                  f"{r['overhead_warm_reading']}x its reading alone); same {r['claims']} claims: {r['same_claims']} |",
                  flush=True)
    if args.output:
        write_figures(args.output, {"builds": rows, "extraction_memory": memory, "dask": dask})
    return 0


if __name__ == "__main__":
    sys.exit(main())
