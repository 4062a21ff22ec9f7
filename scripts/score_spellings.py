"""Score `Gazetteer.lookup` on tests/data/spellings.csv: the share resolved to the right place, and every miss.

Example::

    .venv/bin/python scripts/score_spellings.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.places.gazetteer import Gazetteer, load_gazetteer  # noqa: E402


def score(gaz: Gazetteer, rows: list[dict]) -> tuple[float, list[str]]:
    """(share right, lines describing each miss). A row is right when the best candidate is expected, or
    its parent or child (a whole the gazetteer gained: "al-Hamdaniyeh" for al-Hamdaniyeh I-V)."""
    from geo.read.evaluate import same_place

    parents = {i: p.parent for i, p in gaz.places.items()}
    misses = []
    for r in rows:
        expected = tuple(r["expected"].split("|"))
        hits = gaz.lookup(r["spelling"])
        got = hits[0][0].id if hits else None
        if got is None or not same_place(got, expected, parents):
            misses.append(f"{r['spelling']!r} ({r['lang']}, {r['kind_of_variant']}): expected "
                          f"{r['expected']}, got {got} {[(p.id, s) for p, s in hits[:3]]}")
    return 1 - len(misses) / len(rows), misses


def main() -> int:
    rows = list(csv.DictReader((ROOT / "tests" / "data" / "spellings.csv").open(encoding="utf-8")))
    share, misses = score(load_gazetteer(ROOT / "data" / "gazetteer"), rows)
    print(f"{len(rows)} spellings, {len({r['expected'] for r in rows})} places: {share:.1%} right, {len(misses)} misses")
    for m in misses:
        print("  MISS", m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
