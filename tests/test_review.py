"""The analyst's loop: the review queue, decisions in data/review/decisions.csv, and builds that keep them."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geo.io import InputError
from geo.model import Claim, PlaceRef
from geo.review import Decision, apply_decisions, check_decision, load_decisions, queue, record_decision

ROOT = Path(__file__).resolve().parent.parent
GEO = Path(sys.executable).parent / "geo"
P = PlaceRef("p1", "Place one", "Place one", 37.1, 36.2, 1)


def claim(cid: str, **kw) -> Claim:
    return Claim(cid, "a1", "2016-11-28", kw.pop("type", "capture"), kw.pop("place", P), event_date="2016-11-28",
                 **kw)


# ------------------------------------------------------------------ decisions on records

def test_reject_edit_accept_and_a_vanished_decision():
    claims = [claim("c1", faction="opposition"), claim("c2", faction=""), claim("c3", faction="government")]
    decisions = [Decision("c1", "reject"), Decision("c2", "edit", faction="government", date="2016-11-27",
                                                    note="the headline names the army"),
                 Decision("c3", "accept", note="two agencies"), Decision("gone", "reject")]
    kept, vanished = apply_decisions(claims, decisions)
    assert [c.id for c in kept] == ["c2", "c3"]
    c2, c3 = kept
    assert (c2.faction, c2.event_date, c2.date_precision, c2.review, c2.review_note) == \
        ("government", "2016-11-27", "day", "edited", "the headline names the army")
    assert (c3.review, c3.faction) == ("accepted", "government")
    assert [d.id for d in vanished] == ["gone"]


def test_an_event_decision_covers_its_claims_unless_a_claim_has_its_own():
    claims = [claim("c1", faction="opposition"), claim("c2", faction="opposition")]
    kept, _ = apply_decisions(claims, [Decision("e1", "edit", faction="government"), Decision("c2", "accept")],
                              event_claims={"e1": ["c1", "c2"]})
    assert [(c.id, c.faction, c.review) for c in kept] == [("c1", "government", "edited"),
                                                           ("c2", "opposition", "accepted")]


def test_an_edited_place_takes_the_gazetteer_point_and_keeps_the_words():
    other = PlaceRef("p2", "Place two", "", 37.2, 36.3, 1)
    (c,) = apply_decisions([claim("c1", faction="government")], [Decision("c1", "edit", place="p2")],
                           place_of=lambda pid: other)[0]
    assert (c.place.id, c.place.lon, c.place.mention) == ("p2", 37.2, "Place one")


@pytest.mark.parametrize("d,says", [
    (Decision("c1", "maybe"), "not one of accept, reject, edit"),
    (Decision("c1", "edit"), "changes at least one"),
    (Decision("c1", "reject", faction="government"), "only an edit changes fields"),
    (Decision("c1", "edit", date="28/11/2016"), "not YYYY-MM-DD"),
    (Decision("c1", "edit", type="party"), "type 'party'"),
    (Decision("c1", "edit", faction="martians"), "faction 'martians'"),
])
def test_a_decision_that_cannot_apply_is_refused(d, says):
    with pytest.raises(InputError, match=says):
        check_decision(d, "decisions.csv: row 2", valid_faction=lambda f: f in ("government", "opposition"))


def test_the_file_keeps_history_and_the_last_decision_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_REVIEWER", "Analyst A")
    path = tmp_path / "review" / "decisions.csv"
    record_decision(path, Decision("c1", "accept"))
    record_decision(path, Decision("c1", "reject", note="on second reading, about Homs"))
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [r["decision"] for r in rows] == ["accept", "reject"] and rows[0]["who"] == "Analyst A"
    assert rows[0]["when"].endswith("Z")
    (d,) = load_decisions(path)
    assert (d.decision, d.note) == ("reject", "on second reading, about Homs")


def test_the_queue_leaves_decided_items_out_and_filters():
    from geo.review import Item

    items = [Item("a", "low confidence", "x", date="2016-11-01"), Item("b", "disputed", "y", date="2016-12-01",
                                                                    place="p1", type="capture"),
             Item("c", "no side", "z", date="2016-11-15", articles=("art",))]
    assert [i.id for i in queue(items)] == ["b", "c", "a"]  # most useful first
    assert [i.id for i in queue(items, [Decision("b", "accept")])] == ["c", "a"]
    assert [i.id for i in queue(items, first="2016-11-10", last="2016-11-30")] == ["c"]
    assert [i.id for i in queue(items, place="p1")] == ["b"] and [i.id for i in queue(items, article="art")] == ["c"]


def test_changes_with_no_side_low_confidence_and_what_the_control_contradicts_are_listed():
    from geo.review import claim_items, event_items

    items = claim_items([claim("c1"), claim("c2", faction="government", confidence=0.4),
                         claim("c3", type="strike"), claim("c4", faction="government", confidence=0.7)])
    assert [(i.id, i.kind) for i in items] == [("c1", "no side"), ("c2", "low confidence")]
    event = {"id": "e1", "date": "2016-11-28", "place_id": "p1", "faction": "government", "type": "capture",
             "articles": ("a1",), "sentences": ("s",), "status": "claimed", "claim_statuses": ("reported",),
             "modality": "reported", "precision": 1}
    held = event_items([event], held_before=lambda e: "government", in_footprints=lambda e: True)
    outside = event_items([event], held_before=lambda e: "opposition", in_footprints=lambda e: False)
    fine = event_items([event], held_before=lambda e: "opposition", in_footprints=lambda e: True)
    disputed = event_items([{**event, "status": "disputed", "claim_statuses": ("reported", "denied")}])
    assert [i.kind for i in held + outside + fine] == ["already held", "outside footprints"]
    assert [(i.kind, i.why) for i in disputed] == [("disputed", "a source denies it")]


# ------------------------------------------------------------------ the loop, end to end

def geo(*args: object, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(GEO), *map(str, args)], capture_output=True, text=True, timeout=900,
                          env={**os.environ, "GEO_REVIEWER": "Test Analyst", **(env or {})})


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("review")
    shutil.copytree(ROOT / "data", base / "data", ignore=shutil.ignore_patterns("build"))
    assert geo("build", "--data-dir", base / "data").returncode == 0
    return base


@pytest.fixture
def work(built, tmp_path) -> Path:
    shutil.copytree(built, tmp_path / "w")
    return tmp_path / "w" / "data"


def events_of(d: Path) -> list[dict]:
    import geopandas as gpd

    return gpd.read_file(d / "build" / "events.gpkg", layer="events").to_dict("records")


def moving_capture(d: Path) -> tuple[str, dict]:
    """A claim whose event alone moved a footprint in the layers (so editing its side must show)."""
    import geopandas as gpd

    changes = gpd.read_file(d / "build" / "control.gpkg", layer="changes")
    movers = {e for row in changes["events"] for e in json.loads(row or "[]")}
    for e in events_of(d):
        ids = json.loads(e["claim_ids"])
        if e["id"] in movers and e["type"] == "capture" and e["faction"] == "government" and len(ids) == 1:
            return ids[0], e
    raise AssertionError("no capture with one claim moves a footprint")


def test_a_rejected_claim_stays_out_after_rebuilds(work):
    d = work
    cid, event = moving_capture(d)
    res = geo("review", "reject", cid, "--note", "misread", "--data-dir", d)
    assert res.returncode == 0 and "recorded: reject" in res.stdout, res.stderr
    rows = list(csv.DictReader((d / "review" / "decisions.csv").open(encoding="utf-8")))
    assert [(r["id"], r["decision"], r["who"], r["note"]) for r in rows] == [(cid, "reject", "Test Analyst", "misread")]
    for _ in range(2):  # the decision holds on every build, forced or not
        res = geo("build", "--force", "--data-dir", d)
        assert res.returncode == 0 and "1 claim(s) rejected" in res.stderr, res.stderr
        assert all(cid not in json.loads(e["claim_ids"]) for e in events_of(d))
    listed = geo("review", "--format", "jsonl", "--data-dir", d)
    assert listed.returncode == 0 and cid not in listed.stdout and event["id"] not in listed.stdout


def test_an_edit_of_the_side_changes_the_layers_and_shows_on_map_and_export(work):
    import geopandas as gpd

    d = work
    cid, event = moving_capture(d)
    before = gpd.read_file(d / "build" / "control.gpkg", layer="control")
    res = geo("review", "edit", cid, "--faction", "kurdish", "--note", "the YPG statement", "--data-dir", d)
    assert res.returncode == 0, res.stderr
    assert geo("build", "--data-dir", d).returncode == 0
    edited = [e for e in events_of(d) if cid in json.loads(e["claim_ids"])]
    assert [(e["faction"], e["review"], json.loads(e["review_notes"])) for e in edited] == \
        [("kurdish", "edited", ["the YPG statement"])]
    after = gpd.read_file(d / "build" / "control.gpkg", layer="control")
    kurdish = lambda g: g[g.faction == "kurdish"].to_crs(32637).area.sum()  # noqa: E731
    assert kurdish(after) > kurdish(before)  # the footprint it moved now goes to the Kurdish side
    assert geo("export", "--format", "acled", "-o", d / "x.csv", "--data-dir", d).returncode == 0
    rows = [r for r in csv.DictReader((d / "x.csv").open(encoding="utf-8")) if r["geo_event_id"] == edited[0]["id"]]
    assert [(r["review"], r["review_notes"]) for r in rows] == [("edited", "the YPG statement")]


def test_a_decision_on_a_claim_that_is_gone_is_reported_on_each_build(work):
    d = work
    (d / "review").mkdir()
    (d / "review" / "decisions.csv").write_text(
        "id,decision,place,faction,date,type,note,who,when\n"
        "0000000000000000,reject,,,,,old misreading,A,2016-12-01T00:00:00Z\n", encoding="utf-8")
    for _ in range(2):
        res = geo("build", "--data-dir", d)
        assert res.returncode == 0
        assert "decision reject on 0000000000000000" in res.stderr and "matches no claim" in res.stderr


def test_the_queue_lists_why_and_an_empty_queue_says_so(work):
    d = work
    res = geo("review", "--format", "jsonl", "--data-dir", d)
    items = [json.loads(line) for line in res.stdout.splitlines()]
    assert res.returncode == 0 and items
    assert {"disputed", "already held", "no event", "unresolved name"} <= {i["kind"] for i in items}
    assert all(i["id"] and i["why"] for i in items)
    kinds = [i["kind"] for i in items]
    assert kinds.index("disputed") < kinds.index("unresolved name")  # most useful first
    none = geo("review", "--place", "no-such-place", "--data-dir", d)
    assert none.returncode == 0 and "nothing to review" in none.stdout
    wrong = geo("review", "accept", "not-an-id", "--data-dir", d)
    assert wrong.returncode == 1 and "no claim, event or review item" in wrong.stderr


def test_the_map_draws_reviewed_events_apart_with_the_note():
    import base64
    import gzip

    import geopandas as gpd
    from shapely.geometry import Point

    from geo.map.render import _ROW_LISTS, _ROW_STRINGS, POPUP_JS, REVIEWED_RING, event_payload

    ev = gpd.GeoDataFrame({"id": ["e1"], "type": ["capture"], "date": ["2016-11-28"], "review": ["edited"],
                           "review_notes": ['["the YPG statement"]'], "faction": ["kurdish"]},
                          geometry=[Point(37.1, 36.2)], crs="EPSG:4326")
    doc = json.loads(gzip.decompress(base64.b64decode(event_payload(ev, 0))))
    row = doc["e"][0]
    assert doc["s"][row[_ROW_STRINGS.index("review")]] == "edited"
    notes = row[len(_ROW_STRINGS) + _ROW_LISTS.index("review_notes")]
    assert [doc["s"][k] for k in notes] == ["the YPG statement"]
    assert "Edited by an analyst" in POPUP_JS and "textContent = (p.review" in POPUP_JS and REVIEWED_RING in POPUP_JS
