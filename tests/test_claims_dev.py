"""The extractor against the claims development set (tests/dev/, README there) and against arbitrary text.

The dev set is scored end to end (gazetteer, toponyms, claims) with geo.read.evaluate; on failure the
assertion message lists every miss. `scripts/score_dev.py` prints the same report.
"""

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.model import Article
from geo.pipeline import Reader
from geo.read.evaluate import Expected, changes, score
from geo.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "dev"


@pytest.fixture(scope="module")
def reader():
    return Reader(Settings.resolve(ROOT / "data"))


def _score(reader, files):
    expected, got = [], []
    for f in files:
        for p in yaml.safe_load(f.read_text(encoding="utf-8")):
            art = Article(id=p["id"], title=p["id"], date=str(p["published"]), text=p["text"], lang=p["lang"])
            got += changes(p["id"], reader.read(art)[0])
            for c in p.get("changes") or []:
                places = c["place"] if isinstance(c["place"], list) else [c["place"]]
                expected.append(Expected(p["id"], c["type"], tuple(places), c["faction"], str(c["date"])))
    return score(expected, got, {i: q.parent for i, q in reader.gazetteer.places.items()})


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_dev_set_has_its_size_and_valid_places(reader, lang):
    passages = yaml.safe_load((DEV / f"claims_dev_{lang}.yaml").read_text(encoding="utf-8"))
    assert len(passages) >= 40
    assert len({p["id"] for p in passages}) == len(passages)
    for p in passages:
        for c in p["changes"]:
            for pid in c["place"] if isinstance(c["place"], list) else [c["place"]]:
                assert pid in reader.gazetteer.places, (p["id"], pid)
            assert c["type"] in ("capture", "advance") and c["faction"] in ("government", "opposition", "kurdish", "isis")


def test_dev_set_change_claims_precision_recall_and_dates(reader):
    s = _score(reader, sorted(DEV.glob("claims_dev_*.yaml")))
    assert s.expected >= 70
    assert s.precision >= 0.95 and s.recall >= 0.95 and s.date_accuracy >= 0.95, s.report()


#: Floors for the sets written after the rules, a little under their scores when this test was written:
#: a change to the rules that loses ground on text it was not built on fails here.
FLOORS = {"claims_heldout.yaml": (0.95, 0.85), "claims_blind.yaml": (0.9, 0.8), "claims_blind2.yaml": (0.9, 0.85),
          "claims_blind3.yaml": (0.8, 0.8), "claims_blind4.yaml": (0.8, 0.9), "claims_blind5.yaml": (0.8, 0.78)}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_later_sets_keep_their_ground(reader, name):
    s = _score(reader, [DEV / name])
    precision, recall = FLOORS[name]
    assert s.expected >= 30
    assert s.precision >= precision and s.recall >= recall and s.date_accuracy >= 0.9, s.report()


WORDS = ["Alep", "Aleppo", "l'armée", "rebels", "a repris", "seized", "mardi", "on Sunday", "«", "»", "\"", "quartier",
         "Sheikh Saeed", "حلب", "fell to", "tombé aux mains de", "including", "dont", "qui", "\x00", "\ufeff", " ", ", ",
         ". ", "\n", "(", ")", "'", "-", "1070", "Appartements", "dans la nuit de", "à", "la veille", "since"]
TEXTS = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from(WORDS), max_size=80).map("".join),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS, lang=st.sampled_from(["fr", "en"]))
def test_arbitrary_text_never_crashes_the_extractor(reader, text, lang):
    claims, unresolved = reader.read(Article(id="h", title="", date="2016-11-28", text=text, lang=lang))
    for c in claims:
        assert c.sentence and c.place.id in reader.gazetteer.places and c.event_date


def test_a_huge_unbalanced_mixed_script_text_is_read(reader):
    chunk = "« L'armée a repris mardi le quartier de Cheikh Saïd (selon l'OSDH. حلب \"quote "
    claims, _ = reader.read(Article(id="big", title="", date="2016-12-13", text=chunk * 5000, lang="fr"))  # 400 KB
    assert {c.place.id for c in claims} == {"aleppo-sheikh-saeed"}
