"""Merging claims into events: corroboration, disputes, modality, provenance."""

from geo.events import canonical_source, merge_claims
from geo.model import Claim, PlaceRef

P = PlaceRef("aleppo-sakhour", "Sakhour", "Sakhour", 37.185, 36.212, 1)
Q = PlaceRef("aleppo-haydariyeh", "Haydariyeh", "Haydariyé", 37.193, 36.236, 1)


def claim(cid, day, *, place=P, type="capture", faction="government", status="reported", sources=(),
          article="a1", source="Outlet", loser=False):
    return Claim(cid, article, day, type, place, status=status, faction=faction, opponent="opposition",
                 event_date=day, attributed_to=tuple(sources), sentence=f"sentence {cid}",
                 source=source, url=f"https://example.org/{article}", loser_confirms=loser)


def test_same_place_type_faction_within_a_day_is_one_event_with_all_sources():
    evs = merge_claims([claim("a", "2016-11-28", sources=["SOHR"]),
                        claim("b", "2016-11-29", sources=["OSDH"], article="a2"),
                        claim("c", "2016-11-28", sources=["Fastaqim"], article="a3", loser=True)])
    assert len(evs) == 1
    e = evs[0]
    assert e.sources == ("SOHR", "Fastaqim")  # OSDH and SOHR are one source
    assert e.n_sources == 2 and e.status == "corroborated" and e.loser_confirms
    assert e.date == "2016-11-28" and e.date_first == "2016-11-28" and e.date_last == "2016-11-29"
    assert set(e.articles) == {"a1", "a2", "a3"} and len(e.sentences) == 3
    assert set(e.claim_ids) == {"a", "b", "c"}


def test_days_apart_are_separate_events_and_places_stay_apart():
    evs = merge_claims([claim("a", "2016-11-20"), claim("b", "2016-11-28"), claim("c", "2016-11-28", place=Q)])
    assert [(e.place_id, e.date) for e in evs] == [
        ("aleppo-sakhour", "2016-11-20"), ("aleppo-haydariyeh", "2016-11-28"), ("aleppo-sakhour", "2016-11-28")]
    assert all(e.status == "claimed" for e in evs)


def test_unattributed_claims_count_their_outlet():
    evs = merge_claims([claim("a", "2016-11-28", source="AFP"), claim("b", "2016-11-28", source="Reuters")])
    assert evs[0].sources == ("AFP", "Reuters") and evs[0].status == "corroborated"


def test_denial_or_rival_capture_makes_it_disputed():
    evs = merge_claims([claim("a", "2016-11-30", sources=["army"]),
                        claim("b", "2016-11-30", status="denied", sources=["rebel commander"])])
    assert len(evs) == 1 and evs[0].status == "disputed"
    evs = merge_claims([claim("a", "2016-11-30"), claim("b", "2016-12-01", faction="opposition")])
    assert {e.status for e in evs} == {"disputed"}


def test_planned_and_attempted_claims_are_their_own_events_and_never_reported():
    evs = merge_claims([claim("a", "2016-11-30", status="planned"), claim("b", "2016-11-30")])
    assert sorted(e.modality for e in evs) == ["planned", "reported"]


def test_event_ids_are_stable():
    cs = [claim("a", "2016-11-28"), claim("b", "2016-11-29")]
    assert [e.id for e in merge_claims(cs)] == [e.id for e in merge_claims(list(reversed(cs)))]


def test_canonical_source():
    assert canonical_source("Syrian Observatory for Human Rights") == "SOHR"
    assert canonical_source("state TV") == "state media"


def test_titles_and_urls_stay_aligned_with_their_articles():
    a = claim("a", "2016-11-28", article="a1")
    b = Claim("b", "a2", "2016-11-28", "capture", P, faction="government", event_date="2016-11-28",
              title="No link here", url="")
    c = claim("c", "2016-11-28", article="a3")
    e = merge_claims([a, b, c])[0]
    assert e.articles == ("a1", "a2", "a3")
    assert e.urls == ("https://example.org/a1", "", "https://example.org/a3")
    assert e.titles[1] == "No link here" and len(e.titles) == 3


def test_a_change_known_to_a_month_counts_from_the_months_last_day():
    vague = Claim("m", "a1", "2016-10-04", "capture", P, faction="government", event_date="2016-07-01",
                  date_precision="month", event_date_end="2016-07-31", attributed_to=("SOHR",))
    exact = Claim("d", "a2", "2016-07-31", "capture", P, faction="government", event_date="2016-07-31",
                  attributed_to=("AFP",))
    [ev] = merge_claims([vague, exact])
    assert (ev.date, ev.n_sources, ev.status) == ("2016-07-31", 2, "corroborated")
    [alone] = merge_claims([vague])
    assert alone.date == "2016-07-31"  # never 1 July: that would move a line before any report of it
