"""geo's Python API: the command line's steps in memory, the same results as `geo build`."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

import geo
from geo import pipeline
from geo.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def test_the_public_names_are_the_api_and_nothing_else():
    assert set(geo.__all__) == {"read_articles", "extract", "claims_frame", "build_events", "build_layers",
                                "render_map", "load_build", "build", "diff", "lookup", "review_queue", "decide",
                                "shipped_data", "__version__"}
    with pytest.raises(AttributeError, match="no public name"):
        geo.pipeline_internals  # noqa: B018 - the attribute access is the test


def test_the_chain_in_memory_gives_what_geo_build_writes(tmp_path):
    arts = geo.read_articles(DATA / "articles")
    claims, unread = geo.extract(arts)
    assert claims and list(unread.columns) == ["name", "count", "articles", "sentence"]
    table = geo.claims_frame(claims)
    assert {"id", "type", "faction", "event_date", "sentence"} <= set(table.columns) and len(table) == len(claims)
    events = geo.build_events(claims)
    assert isinstance(events, gpd.GeoDataFrame) and events.crs.to_epsg() == 4326
    layers = geo.build_layers(events)
    assert set(layers) == {"control", "frontlines", "changes", "stats", "events"}
    assert set(layers["control"]["faction"]) >= {"government", "opposition"}
    # `geo build` on the same data writes the same events and control
    data = tmp_path / "data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("build"))
    s = Settings.resolve(data, tmp_path / "build")
    pipeline.build_until(s, "layers")
    built = geo.load_build(tmp_path / "build", data)
    assert isinstance(built["claims"], pd.DataFrame) and len(built["claims"]) == len(claims)
    assert sorted(built["events"]["id"]) == sorted(events["id"])
    assert len(built["control"]) == len(layers["control"]) and len(built["joined"]) == len(layers["events"])
    assert sorted(built["changes"]["valid_from"]) == sorted(layers["changes"]["valid_from"])
    # a table of one's own without the columns that only describe (titles, notes) is read row by row: same control
    own = events.drop(columns=["titles", "urls", "copies", "review_notes"])
    assert geo.build_layers(own)["control"].geometry.equals(layers["control"].geometry)


@pytest.mark.skipif(not (ROOT / "node_modules" / "leaflet").is_dir(), reason="run `make install` (npm ci)")
def test_render_map_returns_the_map_and_writes_it_offline(tmp_path):
    layers = geo.build_layers(geo.build_events(geo.extract(geo.read_articles(DATA / "articles"))[0]))
    m = geo.render_map(layers, tmp_path / "m.html")
    assert type(m).__name__ == "Map"
    html = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert "geoDistricts" in html and "https://unpkg" not in html and "cdn.jsdelivr" not in html


def test_load_build_of_nothing_is_empty(tmp_path):
    assert geo.load_build(tmp_path / "none") == {}


def test_build_diff_lookup_review_and_decide_from_python(tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv("GEO_REVIEWER", "API test")
    data = tmp_path / "data"
    shutil.copytree(geo.shipped_data(), data, ignore=shutil.ignore_patterns("build"))
    out = geo.build(data, tmp_path / "b")
    assert out.name == "aleppo-2016.html" and out.exists()
    changed = geo.diff("2016-11-08", "2016-11-28", tmp_path / "b", data)
    assert {"from_faction", "to_faction", "km2", "events"} <= set(changed.columns) and len(changed)
    found = geo.lookup("Cheikh Said", "nowhere at all", data_dir=data)
    assert found["id"].iloc[0] == "aleppo-sheikh-saeed" and found["id"].isna().iloc[1]
    queue = geo.review_queue(data, tmp_path / "b")
    first = queue.iloc[0]
    row = geo.decide(first["id"], "accept", data, note="checked")
    assert row.who == "API test" and (data / "review" / "decisions.csv").exists()
    geo.build(data, tmp_path / "b")
    assert first["id"] not in set(geo.review_queue(data, tmp_path / "b")["id"])
