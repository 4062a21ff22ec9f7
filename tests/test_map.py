"""The map built from fixtures: timeline, legend, popups data, escaping, offline assets."""

import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from geo.map.assets import AssetError, cdn_urls, inline_assets
from geo.map.render import build_map
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
    """The events as the browser decodes them: base64, gzip, JSON."""
    import base64
    import gzip

    b64 = re.search(r'atob\("([A-Za-z0-9+/=]+)"\)', html).group(1)
    return json.loads(gzip.decompress(base64.b64decode(b64)))


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
