"""Score the extractor on the claims development set (tests/dev/*.yaml) and print every miss.

Example::

    .venv/bin/python scripts/score_dev.py            # both languages
    .venv/bin/python scripts/score_dev.py --lang fr  # one
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.model import Article  # noqa: E402
from geo.pipeline import Reader  # noqa: E402
from geo.read.evaluate import Expected, changes, score  # noqa: E402
from geo.settings import Settings  # noqa: E402


def load_dev(paths: list[Path]) -> list[dict]:
    out = []
    for p in paths:
        out += yaml.safe_load(p.read_text(encoding="utf-8"))
    return out


def run(passages: list[dict], reader: Reader):
    expected, got = [], []
    for p in passages:
        art = Article(id=p["id"], title=p["id"], date=str(p["published"]), text=p["text"], lang=p["lang"])
        claims, _ = reader.read(art)
        got += changes(p["id"], claims)
        for c in p.get("changes") or []:
            places = c["place"] if isinstance(c["place"], list) else [c["place"]]
            expected.append(Expected(p["id"], c["type"], tuple(places), c["faction"], str(c["date"])))
    return score(expected, got, {i: q.parent for i, q in reader.gazetteer.places.items()})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lang", choices=["fr", "en"], help="only this language")
    ap.add_argument("--heldout", action="store_true", help="score the held-out set instead")
    ap.add_argument("--set", help="score this file of tests/dev/ instead (e.g. claims_blind.yaml)")
    a = ap.parse_args(argv)
    files = sorted((ROOT / "tests" / "dev").glob(a.set if a.set else "claims_heldout.yaml" if a.heldout else
                                                 f"claims_dev_{a.lang or '*'}.yaml"))
    reader = Reader(Settings.resolve(ROOT / "data"))
    passages = [p for p in load_dev(files) if not a.lang or p["lang"] == a.lang]
    print(f"{len(passages)} passages from {', '.join(f.name for f in files)}")
    print(run(passages, reader).report())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
