"""Merging place by place (geo/merging.py) gives the events a merge of every claim at once gives, decisions and
wire stories included, and a second merge after one more claim takes the other places from the cache."""

from __future__ import annotations

import json
import random

from geo.events import merge_claims
from geo.io import DiskMemo
from geo.merging import claim_place, merge_lines
from geo.model import Claim, PlaceRef
from geo.review import Decision, apply_decisions

PLACES = {pid: PlaceRef(pid, name, name, 37.1 + k / 100, 36.2, 1)
          for k, (pid, name) in enumerate([("p1", "One"), ("p2", "Two"), ("p3", "Three"), ("p4", "Four")])}


def claims(n: int, seed: int = 3) -> list[Claim]:
    rnd = random.Random(seed)
    out = []
    for k in range(n):
        day = f"2016-11-{rnd.randint(1, 12):02d}"
        out.append(Claim(f"c{k}", f"art{rnd.randint(0, 9)}", day, rnd.choice(["capture", "capture", "advance"]),
                         PLACES[rnd.choice(["p1", "p2", "p3"])], faction=rnd.choice(["government", "opposition"]),
                         event_date=day, attributed_to=(rnd.choice(["SOHR", "AFP", "SANA"]),),
                         status=rnd.choice(["reported", "reported", "denied"])))
    return out


def rows_at_once(cs: list[Claim], wire: dict, decisions: list[Decision]) -> list[dict]:
    """What the events stage wrote before it merged place by place."""
    if decisions:
        event_claims = {e.id: list(e.claim_ids) for e in merge_claims(cs, wire)}
        cs, _ = apply_decisions(cs, decisions, event_claims, PLACES.__getitem__)
    return [{**e.to_row(), "lon": e.lon, "lat": e.lat} for e in merge_claims(cs, wire)]


def lines(cs: list[Claim]) -> list[str]:
    return [json.dumps(c.to_dict(), ensure_ascii=False) for c in cs]


def test_a_claim_line_gives_its_article_and_place_without_being_decoded_and_odd_lines_are_decoded():
    (line,) = lines(claims(1))
    assert claim_place(line) == (json.loads(line)["article"], json.loads(line)["place"]["id"])
    odd = json.dumps({"place": {"id": "p\"2", "name": "x"}, "article": "a\\b", "id": "c"})
    assert claim_place(odd) == ("a\\b", 'p"2')


def test_place_by_place_equals_all_at_once_with_wire_stories_and_decisions():
    cs = claims(60)
    wire = {"art1": ("AFP", "art1"), "art2": ("AFP", "art1"), "art3": ("Reuters", "art3")}
    first_event = merge_claims(cs, wire)[0]
    decisions = [Decision("c3", "reject"), Decision("c5", "accept", note="seen"),
                 Decision("c7", "edit", place="p4"),  # moved to a place with no claim of its own
                 Decision("c8", "edit", place="p2", faction="government"),  # moved among another place's claims
                 Decision(first_event.id, "edit", faction="kurdish"),  # a decision on an event
                 Decision("gone", "reject")]
    for ds in ([], decisions):
        rows, review = merge_lines(lines(cs), wire, ds, PLACES.__getitem__)
        assert rows == rows_at_once(cs, wire, ds)
    assert review.rejected == 1 and review.matched == {d.id for d in decisions} - {"gone"}
    assert any(r["place_id"] == "p4" for r in rows)


def test_one_more_claim_merges_its_place_again_and_takes_the_others_from_the_cache(tmp_path):
    cs = claims(60)
    memo = DiskMemo(tmp_path / "events.pickle", "v1")
    merge_lines(lines(cs), memo=memo)
    memo.save()
    more = [*cs, Claim("c-new", "art-new", "2016-11-30", "capture", PLACES["p2"], faction="opposition",
                       event_date="2016-11-30")]
    memo = DiskMemo(tmp_path / "events.pickle", "v1")
    rows, _ = merge_lines(lines(more), memo=memo)
    assert rows == rows_at_once(more, {}, [])
    assert (memo.hits, memo.misses) == (2, 1)  # p1 and p3 kept, p2 merged again


def test_a_sentence_holding_a_line_separator_stays_one_claim(tmp_path):
    from geo.reading import ClaimLines

    odd = Claim("c1", "art1", "2016-11-08", "capture", PLACES["p1"], faction="government", event_date="2016-11-08",
                sentence="The army took One\u2028 on Monday\x85 a source said.")
    cs = ClaimLines.of([odd, *claims(2)])
    again = ClaimLines(cs.lines, cs.sideless)  # as read back from the cache: parsed from its lines
    assert [c.to_dict() for c in again] == [c.to_dict() for c in cs] and len(again) == 3
    rows, _ = merge_lines(cs.lines.split("\n")[:-1])
    assert rows == rows_at_once(list(cs), {}, [])


def test_the_table_frames_as_the_rows_frame_column_for_column():
    import pandas as pd

    from geo.merging import merge_table
    from geo.pipeline import rows_frame, table_frame

    cs = claims(60)
    table, _ = merge_table(lines(cs), {"art1": ("AFP", "art1"), "art2": ("AFP", "art1")})
    want = rows_frame(rows_at_once(cs, {"art1": ("AFP", "art1"), "art2": ("AFP", "art1")}, []))
    got = table_frame(table)
    pd.testing.assert_frame_equal(pd.DataFrame(got.drop(columns="geometry")), pd.DataFrame(want.drop(columns="geometry")))
    assert got.geometry.equals(want.geometry) and got.crs == want.crs and len(got) > 10
