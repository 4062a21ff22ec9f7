"""Gazetteer look-up on 170 spellings seen or plausible in print (tests/data/spellings.csv, README there)."""

import csv
import importlib.util
from pathlib import Path

from geo.places.gazetteer import load_gazetteer

ROOT = Path(__file__).resolve().parent.parent
ROWS = list(csv.DictReader((ROOT / "tests" / "data" / "spellings.csv").open(encoding="utf-8")))


def _scorer():
    spec = importlib.util.spec_from_file_location("score_spellings", ROOT / "scripts" / "score_spellings.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.score


def test_the_set_is_large_varied_and_points_at_real_places():
    gaz = load_gazetteer(ROOT / "data" / "gazetteer")
    assert len(ROWS) >= 150
    assert {r["lang"] for r in ROWS} == {"en", "fr", "ar"}
    assert sum(r["lang"] == "ar" for r in ROWS) >= 20
    for r in ROWS:
        for pid in r["expected"].split("|"):
            assert pid in gaz.places, (r["spelling"], pid)


def test_at_least_97_percent_resolve_to_the_right_place():
    share, misses = _scorer()(load_gazetteer(ROOT / "data" / "gazetteer"), ROWS)
    assert share >= 0.97, "\n".join(misses)
