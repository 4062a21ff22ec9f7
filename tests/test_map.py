"""The map built from fixtures: timeline, legend, popups data, escaping, offline assets."""

import base64
import gzip
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

import geo.map.render as render_mod
from geo.io import DiskMemo
from geo.map.assets import AssetError, cdn_urls, inline_assets
from geo.map.render import _ROW_LISTS, _ROW_STRINGS, build_map, event_blocks, event_payload
from geo.model import CRS_STORAGE, EVENT_COLUMNS
from geo.read.factions import load_factions

ROOT = Path(__file__).resolve().parent.parent
FACTIONS = load_factions(ROOT / "data" / "factions.yaml")
HAVE_ASSETS = (ROOT / "node_modules" / "leaflet").is_dir()
HOSTILE = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=1\">\"'><svg onload=window.__xss=1>"


def control_fixture():
    a, b = box(37.10, 36.20, 37.12, 36.22), box(37.12, 36.20, 37.14, 36.22)
    return gpd.GeoDataFrame({"faction": ["government", "opposition", "government"],
                             "valid_from": ["2016-11-01", "2016-11-01", "2016-11-05"],
                             "valid_to": ["2016-11-05", "2016-11-05", ""]},
                            geometry=[a, b, a.union(b)], crs=CRS_STORAGE)


def events_fixture(sentence="The army took Sakhour.", url="https://example.org/a", title="A title"):
    row = {c: "" for c in EVENT_COLUMNS}
    row.update(id="e1", type="capture", status="corroborated", modality="reported", faction="government",
               opponent="opposition", place_id="aleppo-x", place_name="Sakhour", precision=1, date="2016-11-05",
               date_first="2016-11-05", date_last="2016-11-05", n_claims=2, claim_ids="[]", n_sources=2,
               sources=json.dumps(["SOHR", HOSTILE]), loser_confirms=False, claim_statuses='["reported"]',
               articles='["a1"]', sentences=json.dumps([sentence]), urls=json.dumps([url]),
               titles=json.dumps([title]), confidence=0.8, held_before="opposition", held_after="government",
               check="consistent")
    return gpd.GeoDataFrame([row], geometry=[Point(37.13, 36.21)], crs=CRS_STORAGE)


def render(events=None):
    m = build_map(control_fixture(), events if events is not None else events_fixture(), FACTIONS,
                  title="Test <map>")
    return m.get_root().render()


def test_timeline_has_dated_polygons_and_events():
    html = render()
    assert "L.timeline(" in html and "L.timelineSliderControl(" in html
    # 2016-11-01 and 2016-11-05 at 00:00 UTC, in milliseconds
    assert "1477958400000" in html and "1478304000000" in html
    assert "Sakhour" in payload(html)["s"] and "geoPopup" in html


def payload(html: str) -> dict:
    """The events as the browser decodes them: a list of blocks, each base64 of gzip of JSON; their strings
    (``s``) and rows (``e``) put together, each row's strings looked up in its own block."""

    blocks = json.loads(re.search(r"var blocks = (\[[A-Za-z0-9+/=\",]*\]), end = \d+;", html).group(1))
    docs = [json.loads(gzip.decompress(base64.b64decode(b))) for b in blocks]
    return {"s": [t for d in docs for t in d["s"]], "e": [r for d in docs for r in d["e"]], "blocks": len(docs)}


def test_legend_lists_every_faction_colour_and_title_is_escaped():
    html = render()
    for f in FACTIONS.ids:
        assert FACTIONS.colour(f) in html and FACTIONS.names[f].split(" (")[0] in html
    assert "Test &lt;map&gt;" in html and "Test <map>" not in html


def test_hostile_text_is_data_never_markup():
    html = render(events_fixture(sentence=HOSTILE, url="javascript:window.__xss=1", title=HOSTILE))
    # the only <script> tags are the page's own; the hostile ones only exist JSON-escaped inside data
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and not any("xss" in s for s in scripts)
    assert "<script>window.__xss" not in html and "<img src=x" not in html
    # the hostile strings travel as data inside the compressed payload, and only there
    strings = payload(html)["s"]
    assert HOSTILE in strings and "javascript:window.__xss=1" in strings
    assert "window.__xss" not in html
    # links are made in the browser only for http(s)
    assert "/^https?:\\/\\//i.test(u)" in html


def test_a_map_needs_control_polygons():
    with pytest.raises(ValueError, match="no control polygons"):
        build_map(control_fixture().iloc[0:0], None, FACTIONS)


@pytest.mark.skipif(not HAVE_ASSETS, reason="node_modules missing: run `make install` (npm ci)")
def test_inlined_map_has_no_cdn_link_left():
    html = inline_assets(render())
    assert cdn_urls(html) == []
    assert "L.timelineSliderControl" in html and len(html) > 300_000


def test_unknown_cdn_url_and_missing_assets_are_reported(tmp_path):
    page = '<script src="https://cdn.example.org/new-plugin.js"></script>'
    if HAVE_ASSETS:
        with pytest.raises(AssetError, match="new-plugin.js"):
            inline_assets(page)
    with pytest.raises(AssetError, match="make install"):
        inline_assets(render(), tmp_path)


def test_the_study_area_bounds_the_map():
    html = build_map(control_fixture(), None, FACTIONS, bounds=(36.71, 35.84, 37.61, 36.56)).get_root().render()
    opts = re.sub(r"\s+", "", html)
    assert '"maxBounds":[[35.84,36.71,],[36.56,37.61,],]' in opts  # Leaflet's (lat, lon) corners
    assert "maxBounds" not in re.sub(r"\s+", "", build_map(control_fixture(), None, FACTIONS).get_root().render())


def many_events(days: list[str]) -> gpd.GeoDataFrame:
    """One event a day in ``days`` (the fixture's row, with its own id, place and sentence)."""
    rows = [events_fixture(sentence=f"Report {k}.").assign(id=f"e{k}", place_name=f"Place {k % 3}", date=d)
            for k, d in enumerate(days)]
    return gpd.GeoDataFrame(pd.concat(rows, ignore_index=True), geometry="geometry", crs=CRS_STORAGE)


def rows_of(blocks: list[str]) -> list[list]:
    """Every row of the blocks with its strings looked up (a block's indices are its own)."""
    out = []
    for b in blocks:
        d = render_mod._unpack(b)
        n, m = len(_ROW_STRINGS), len(_ROW_LISTS)
        out += [[d["s"][x] for x in r[:n]] + [[d["s"][x] for x in xs] for xs in r[n:n + m]] + r[n + m:]
                for r in d["e"]]
    return out


def test_event_blocks_are_weeks_in_order_and_read_as_the_whole_payload():
    days = ["2016-10-31", "2016-11-01", "2016-11-06", "2016-11-07", "2016-11-20", "2016-11-20"]  # Mon..Sun, Mon
    evs = many_events(days)
    blocks = event_blocks(evs)
    assert [len(render_mod._unpack(b)["e"]) for b in blocks] == [3, 1, 2]
    assert rows_of(blocks) == rows_of([event_payload(evs, 0)])


def test_a_week_longer_than_a_block_is_cut(monkeypatch):
    monkeypatch.setattr(render_mod, "BLOCK_ROWS", 2)
    evs = many_events(["2016-11-01"] * 5)
    assert len(event_blocks(evs)) == 3 and rows_of(event_blocks(evs)) == rows_of([event_payload(evs, 0)])


def test_one_more_event_encodes_only_the_block_of_its_week_again(tmp_path, monkeypatch):
    days = [f"2016-11-{d:02d}" for d in range(1, 29)]
    memo = DiskMemo(tmp_path / "map.sqlite", "salt")
    first = event_blocks(many_events(days), memo)
    encoded = []
    real = render_mod._payload_doc
    monkeypatch.setattr(render_mod, "_payload_doc", lambda ev: encoded.append(len(ev)) or real(ev))
    evs = many_events(days)
    one = many_events(["2016-11-10"]).assign(id="new")  # one more on a Thursday, in date order
    later = event_blocks(pd.concat([evs.iloc[:10], one, evs.iloc[10:]], ignore_index=True), memo)
    assert len(later) == len(first) and encoded == [8]  # the week of 7-13 November, now eight events
    assert [a == b for a, b in zip(first, later, strict=True)] == [True, False, True, True, True]
