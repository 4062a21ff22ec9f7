"""The map's districts: who held each footprint in each period, and which change moved it."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geo.map.districts import district_data, district_runs, event_summaries
from geo.model import CRS_STORAGE

METRIC = "EPSG:32637"
WEST, EAST = shapely.box(37.10, 36.18, 37.12, 36.20), shapely.box(37.12, 36.18, 37.14, 36.20)


def footprints() -> gpd.GeoDataFrame:
    # a district wholly in the west, one astride the line (mostly east), one outside every control polygon
    return gpd.GeoDataFrame({"id": ["w", "x", "far"], "source": ["csr", "drawn", "csr"]},
                            geometry=[shapely.box(37.102, 36.182, 37.108, 36.188),
                                      shapely.box(37.118, 36.182, 37.130, 36.188),
                                      shapely.box(37.30, 36.30, 37.31, 36.31)], crs=CRS_STORAGE)


def control() -> gpd.GeoDataFrame:
    rows = [("government", "2016-11-01", "2016-11-10", WEST), ("opposition", "2016-11-01", "2016-11-10", EAST),
            ("government", "2016-11-10", "", WEST.union(EAST))]
    return gpd.GeoDataFrame({"faction": [r[0] for r in rows], "valid_from": [r[1] for r in rows],
                             "valid_to": [r[2] for r in rows]}, geometry=[r[3] for r in rows], crs=CRS_STORAGE)


def test_runs_keep_the_holder_of_most_of_the_area_and_only_its_changes():
    runs = district_runs(footprints(), control(), METRIC)
    assert runs[0] == [["2016-11-01", "government"]]  # held throughout: one run
    assert runs[1] == [["2016-11-01", "opposition"], ["2016-11-10", "government"]]  # 5/6 of it east of the line
    assert runs[2] == [["2016-11-01", ""]]  # no side holds any of it


def test_a_memo_of_daily_holders_gives_the_same_runs_and_works_out_only_new_days(tmp_path):
    from geo.io import DiskMemo

    path = tmp_path / "districts.pickle"
    cold = DiskMemo(path, "v")
    assert district_runs(footprints(), control(), METRIC, cold) == district_runs(footprints(), control(), METRIC)
    cold.save()
    later = control()
    later.loc[len(later)] = ["opposition", "2016-11-20", "", EAST]  # one more day
    later.loc[2, "valid_to"] = "2016-11-20"
    warm = DiskMemo(path, "v")
    runs = district_runs(footprints(), later, METRIC, warm)
    assert (warm.hits, warm.misses) == (2, 1)  # the valid_to of a day is not what its holders depend on
    assert runs[1] == [["2016-11-01", "opposition"], ["2016-11-10", "government"], ["2016-11-20", "opposition"]]


def test_a_district_no_side_holds_most_of_is_split():
    half = gpd.GeoDataFrame({"id": ["h"]}, geometry=[shapely.box(37.115, 36.182, 37.125, 36.188)], crs=CRS_STORAGE)
    # 40% government, 20% contested, 40% opposition
    three = gpd.GeoDataFrame({"faction": ["government", "contested", "opposition"], "valid_from": ["2016-11-01"] * 3,
                              "valid_to": [""] * 3},
                             geometry=[shapely.box(37.10, 36.18, 37.119, 36.20), shapely.box(37.119, 36.18, 37.121, 36.20),
                                       shapely.box(37.121, 36.18, 37.14, 36.20)], crs=CRS_STORAGE)
    assert district_runs(half, three, METRIC)[0] == [["2016-11-01", "split"]]


def test_district_data_links_each_change_to_its_reports():
    changes = gpd.GeoDataFrame({"valid_from": ["2016-11-10"], "from_faction": ["opposition"],
                                "to_faction": ["government"], "km2": [2.0], "rule": ["capture"],
                                "why": ["a reported capture moved it"], "events": ['["e1"]']},
                               geometry=[EAST], crs=CRS_STORAGE)
    events = gpd.GeoDataFrame({"id": ["e1"], "type": ["capture"], "place_id": ["x"], "place_name": ["Ex"],
                               "date": ["2016-11-09"], "sources": ['["SOHR", "state TV"]']},
                              geometry=[shapely.Point(37.125, 36.185)], crs=CRS_STORAGE)
    places = pd.DataFrame({"id": ["w", "x", "far"], "name": ["Wadi", "Ex", "Far"],
                           "kind": ["neighbourhood", "neighbourhood", "village"]})
    aliases = pd.DataFrame({"place_id": ["x", "x"], "alias": ["إكس", "Ex"], "lang": ["ar", "en"]})
    d = district_data(footprints(), places, aliases, control(), changes, events, METRIC)
    props = [f["properties"] for f in d["districts"]["features"]]
    assert [p["name"] for p in props] == ["Wadi", "Ex", "Far"]
    assert props[1]["ar"] == "إكس" and props[1]["drawn"] and not props[0]["drawn"]
    # the label point is inside its district (a representative point, not a centroid)
    assert all(shapely.Point(p["lx"], p["ly"]).within(g) for p, g in zip(props, footprints().geometry, strict=True))
    assert [p["rank"] for p in props] == [2, 1, 0]  # the largest district is labelled first
    assert d["runs"][1] == [["2016-11-01", "opposition", -1], ["2016-11-10", "government", 0]]
    assert d["changes"][0][:5] == ["2016-11-10", "opposition", "government", "capture", "a reported capture moved it"]
    assert d["changes"][0][5] == [["capture", "Ex", "2016-11-09", "SOHR, state TV", "x"]]


def test_event_summaries_name_each_report():
    assert event_summaries(None) == {}
    ev = gpd.GeoDataFrame({"id": ["a"], "type": ["advance"], "place_id": ["p"], "place_name": ["P"],
                           "date": ["2016-12-01"], "sources": ["[]"]}, geometry=[shapely.Point(0, 0)])
    assert event_summaries(ev) == {"a": ["advance", "P", "2016-12-01", "", "p"]}


def test_the_city_outline_and_the_places_named_without_an_outline():
    places = pd.DataFrame({"id": ["w", "x", "far", "mosque", "hill", "moon"],
                           "name": ["Wadi", "Ex", "Far", "Old Mosque", "Tall Zarzour", "Nowhere"],
                           "kind": ["neighbourhood", "neighbourhood", "village", "landmark", "hill", "landmark"],
                           "lon": [37.105, 37.124, 37.305, 37.11, 37.20, 39.0],
                           "lat": [36.185, 36.185, 36.305, 36.19, 36.25, 34.0]})
    d = district_data(footprints(), places, pd.DataFrame(columns=["place_id", "alias", "lang"]), control(), metric=METRIC)
    # a place with an outline is named by it; one far from every district is not named at all
    assert [p[0] for p in d["points"]] == ["Old Mosque", "Tall Zarzour"] and d["points"][0][1:] == [37.11, 36.19, "landmark"]
    # the city outline is drawn around the surveyed districts, not around the drawn ones (estimates)
    outline = shapely.from_geojson(__import__("json").dumps(d["outline"]))
    assert outline.geom_type in ("LineString", "MultiLineString")
    assert outline.distance(shapely.Point(37.125, 36.185)) > 0.0005  # the drawn district is not in the outline


def test_a_kept_link_names_the_change_of_its_own_day_when_two_days_change_the_same_area(tmp_path):
    from geo.io import DiskMemo
    from geo.map.districts import _link

    fp = footprints().to_crs(METRIC)
    runs = [[["2016-11-01", "opposition"], ["2016-11-05", "government"], ["2016-11-08", "opposition"],
             ["2016-11-12", "government"]], [["2016-11-01", ""]], [["2016-11-01", ""]]]
    change = {"from": "opposition", "to": "government", "geometry": WEST}  # the same polygon on two days
    rows = [{**change, "day": "2016-11-05"}, {**change, "day": "2016-11-08", "to": "opposition"},
            {**change, "day": "2016-11-12"}]
    want = [[["2016-11-01", "opposition", -1], ["2016-11-05", "government", 0], ["2016-11-08", "opposition", 1],
             ["2016-11-12", "government", 2]], [["2016-11-01", "", -1]], [["2016-11-01", "", -1]]]
    assert _link(runs, fp, rows, METRIC) == want
    memo = DiskMemo(tmp_path / "map.sqlite", "v1")
    assert _link(runs, fp, rows, METRIC, memo) == want
    assert memo.misses == 1  # one question asked three times (same polygon, same district): one answer
    memo.save()
    again = DiskMemo(tmp_path / "map.sqlite", "v1")
    assert _link(runs, fp, rows, METRIC, again) == want and (again.hits, again.misses) == (1, 0)
