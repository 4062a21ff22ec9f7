"""Wire copies: one agency story republished by many outlets counts as one source."""

from __future__ import annotations

from pathlib import Path

from geo.events import merge_claims
from geo.model import Article
from geo.pipeline import Reader
from geo.settings import Settings
from geo.wire import dateline_agency, load_agencies, wire_stories

DATA = Path(__file__).resolve().parent.parent / "data"
AGENCIES = load_agencies(DATA / "agencies.yaml")
READER = Reader(Settings.resolve(DATA))

# two dispatches written for this test: the same capture told by two agencies in their own words
AFP = ("ALEPPO, Syria, Nov 28 (AFP) - Syrian government troops captured the Sakhour district of eastern Aleppo on "
       "Monday, pushing deeper into the rebel-held half of the divided city after a night of heavy shelling. "
       "Thousands of residents fled towards the west as the fighting moved street by street, and aid workers "
       "warned that food and fuel were running out in the neighbourhoods still outside government control.")
REUTERS = ("BEIRUT (Reuters) - Army units seized Sakhour in east Aleppo on Monday, a further blow to insurgents who "
           "have lost a string of districts in a week of fast advances. Families carrying what they could walk "
           "through the rubble to reach the government side, and doctors said the last working clinic had closed.")


def copies(text: str, n: int) -> list[Article]:
    """``n`` outlets reprinting one dispatch, each with its own headline and footer around it."""
    return [Article(id=f"{text[:6]}-{i:02d}", title=f"Outlet {i}: Aleppo", date="2016-11-28", lang="en",
                    source=f"Outlet {i}", text=f"{text}\nRead more from Outlet {i} on our website.")
            for i in range(n)]


def events_of(arts: list[Article]):
    claims = [c for a in arts for c in READER.read(a)[0] if c.type == "capture" and c.place.id == "aleppo-as-sakhour"]
    assert claims, "the dispatch reads as a capture of Sakhour"
    return [e for e in merge_claims(claims, wire_stories(arts, AGENCIES)) if e.type == "capture"]


def test_twenty_copies_of_one_dispatch_are_one_source():
    (e,) = events_of(copies(AFP, 20))
    assert e.sources == ("AFP",) and e.n_sources == 1 and e.status == "claimed"
    assert len(e.articles) == 20 and len(e.copies) == 19  # every outlet kept, the copies marked
    # without the wire check the same twenty would have been twenty "independent" sources
    claims = [c for a in copies(AFP, 20) for c in READER.read(a)[0] if c.type == "capture"]
    assert merge_claims(claims)[0].n_sources == 20


def test_two_agencies_are_two_sources():
    (e,) = events_of(copies(AFP, 5) + copies(REUTERS, 4))
    assert sorted(e.sources) == ["AFP", "Reuters"] and e.n_sources == 2 and e.status == "corroborated"
    assert len(e.copies) == 4 + 3


def test_a_story_whose_dateline_names_no_agency_is_its_first_outlet():
    arts = copies(AFP.replace("(AFP) ", ""), 3)
    stories = wire_stories(arts, AGENCIES)
    assert {v for v in stories.values()} == {("Outlet 0", arts[0].id)}


def test_datelines_and_short_texts():
    assert dateline_agency("BEYROUTH, 25 sept 2016 (AFP) - Les forces", AGENCIES) == "AFP"
    assert dateline_agency("Reuters - Army units seized", AGENCIES) == "Reuters"
    assert dateline_agency("The AFP reporter saw the army seize it.", AGENCIES) == ""
    short = [Article(id=f"s{i}", title="", date="2016-11-28", text="Army takes Sakhour.", source=f"O{i}")
             for i in range(3)]
    assert wire_stories(short, AGENCIES) == {}  # a one-line brief is too short to call a copy


def test_signatures_kept_between_builds_find_the_same_stories(tmp_path):
    from geo.io import DiskMemo

    arts = copies(AFP, 3) + copies(REUTERS, 2)
    path = tmp_path / "wire.pickle"
    cold = DiskMemo(path, "v")
    first = wire_stories(arts, AGENCIES, cold)
    cold.save()
    warm = DiskMemo(path, "v")
    assert wire_stories(arts, AGENCIES, warm) == first == wire_stories(arts, AGENCIES)
    assert (warm.hits, warm.misses) == (5, 0)
