"""Publishable still images: size, legend with km2, date, scale bar and source line."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from geo.map.image import Still, draw_still, parse_size, scale_length

METRIC = "EPSG:32637"


def still() -> Still:
    ctl = gpd.GeoDataFrame({"faction": ["government", "opposition"]},
                           geometry=[shapely.box(37.10, 36.18, 37.15, 36.22), shapely.box(37.15, 36.18, 37.20, 36.22)],
                           crs="EPSG:4326")
    dist = gpd.GeoDataFrame({"name": ["Wadi Road", "Eastside"], "rank": [1, 0]},
                            geometry=[shapely.box(37.11, 36.19, 37.13, 36.21), shapely.box(37.16, 36.19, 37.19, 36.21)],
                            crs="EPSG:4326")
    return Still(day="2016-11-28", control=ctl, colours={"government": "#d7301f", "opposition": "#31a354"},
                 names={"government": "Government and allies", "opposition": "Opposition"},
                 km2={"government": 20.0, "opposition": 20.5}, reports=12,
                 snapshots=["2016-07-01", "2016-11-28"], districts=dist, credit="Outlines: test shapes.")


def test_an_svg_says_the_date_the_sides_with_km2_the_scale_and_its_sources(tmp_path):
    out = tmp_path / "a.svg"
    draw_still(still(), out, METRIC, (900, 700), "svg")
    text = out.read_text(encoding="utf-8")
    for words in ("28 November 2016", "Government and allies: 20.0 km²", "Opposition: 20.5 km²", "2 km",
                  "from 12 reports", "drawn snapshots of 2016-07-01, 2016-11-28", "Outlines: test shapes.",
                  "Eastside", "Wadi Road"):
        assert words in text, words
    assert 'width="648pt" height="504pt"' in text  # 900x700 px at 100 dpi, in points


def test_a_png_has_the_size_asked_for(tmp_path):
    import matplotlib.image

    out = tmp_path / "a.png"
    draw_still(still(), out, METRIC, (800, 600), "png")
    assert matplotlib.image.imread(out).shape[:2] == (600, 800)


def test_sizes_and_scale_lengths():
    assert parse_size("1600x1200") == (1600, 1200)
    for bad in ("1600", "big", "10x10", "1600x-2"):
        with pytest.raises(ValueError, match="WIDTHxHEIGHT|200 to 10000"):
            parse_size(bad)
    assert scale_length([0, 0, 9000, 1]) == 2000 and scale_length([0, 0, 400, 1]) == 100
