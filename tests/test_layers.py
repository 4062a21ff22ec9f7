"""Control layers on small synthetic fixtures built in code (squares near Aleppo)."""

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from geo.control.layers import build_layers, control_at, load_snapshots, read_control_file
from geo.io import InputError
from geo.model import CRS_STORAGE, Event
from geo.read.factions import load_factions

ROOT = Path(__file__).resolve().parent.parent
FACTIONS = load_factions(ROOT / "data" / "factions.yaml")
# Three neighbouring ~0.9 x 1.1 km cells in a row, west to east.
W, M, E = box(37.10, 36.20, 37.11, 36.21), box(37.11, 36.20, 37.12, 36.21), box(37.12, 36.20, 37.13, 36.21)
FOOT = gpd.GeoDataFrame({"id": ["w", "m", "e"], "kind": ["neighbourhood"] * 3}, geometry=[W, M, E], crs=CRS_STORAGE)


def snap(**parts):
    return gpd.GeoDataFrame({"faction": list(parts)}, geometry=list(parts.values()), crs=CRS_STORAGE)


def event(eid, place, day, faction, type="capture", status="claimed", lon=None, lat=None, precision=1):
    g = {"w": W, "m": M, "e": E}.get(place)
    c = g.centroid if g is not None else None
    return Event(eid, type, place, place, lon if lon is not None else c.x, lat if lat is not None else c.y,
                 precision, faction, "opposition", day, day, day, status)


def area(g):
    return gpd.GeoSeries([g], crs=CRS_STORAGE).to_crs("EPSG:32637").area.iloc[0]


def test_a_capture_moves_exactly_its_footprint():
    snaps = {"2016-11-01": snap(government=W, opposition=M.union(E))}
    out = build_layers(snaps, [event("e1", "m", "2016-11-05", "government")], FOOT)
    ctl = out["control"]
    assert list(zip(ctl.faction, ctl.valid_from, ctl.valid_to, strict=False)) == [
        ("government", "2016-11-01", "2016-11-05"), ("opposition", "2016-11-01", "2016-11-05"),
        ("government", "2016-11-05", ""), ("opposition", "2016-11-05", "")]
    after = control_at(ctl, "2016-11-06").set_index("faction").geometry
    assert after["government"].symmetric_difference(W.union(M)).area < 1e-12
    assert after["opposition"].symmetric_difference(E).area < 1e-12
    ch = out["changes"]
    assert list(zip(ch.from_faction, ch.to_faction, strict=False)) == [("opposition", "government")]
    assert json.loads(ch.events.iloc[0]) == ["e1"]
    assert ch.km2.iloc[0] == pytest.approx(area(M) / 1e6, rel=0.01)


def test_a_snapshot_overrides_events_on_its_date_and_advance_is_contested():
    snaps = {"2016-11-01": snap(government=W, opposition=M.union(E)),
             "2016-11-10": snap(government=W, opposition=M.union(E))}
    evs = [event("e1", "m", "2016-11-05", "government"),
           event("e2", "e", "2016-11-06", "government", "advance", status="corroborated")]
    ctl = build_layers(snaps, evs, FOOT)["control"]
    mid = control_at(ctl, "2016-11-07").set_index("faction").geometry
    assert mid["contested"].symmetric_difference(E).area < 1e-12
    end = control_at(ctl, "2016-11-11").set_index("faction").geometry
    assert set(end.index) == {"government", "opposition"}
    assert end["opposition"].symmetric_difference(M.union(E)).area < 1e-12


def test_one_report_of_an_advance_moves_nothing_and_an_advance_never_costs_its_side_ground():
    snaps = {"2016-11-01": snap(government=W, opposition=M.union(E))}
    evs = [event("a1", "e", "2016-11-03", "government", "advance"),  # one source: no front line from it
           event("c1", "m", "2016-11-04", "government"),
           event("a2", "m", "2016-11-05", "government", "advance", status="corroborated")]
    ctl = build_layers(snaps, evs, FOOT)["control"]
    day3 = control_at(ctl, "2016-11-03").set_index("faction").geometry
    assert "contested" not in day3.index and day3["opposition"].symmetric_difference(M.union(E)).area < 1e-12
    day5 = control_at(ctl, "2016-11-05").set_index("faction").geometry
    assert "contested" not in day5.index  # m was already the government's: its own advance leaves it so
    assert day5["government"].symmetric_difference(W.union(M)).area < 1e-12


def test_an_advance_that_took_most_of_a_place_moves_it_like_a_capture():
    snaps = {"2016-11-01": snap(government=W, opposition=M.union(E))}
    most = Event("a", "advance", "m", "m", M.centroid.x, M.centroid.y, 1, "government", "opposition",
                 "2016-11-03", "2016-11-03", "2016-11-03", "claimed", extent="most")
    out = build_layers(snaps, [most], FOOT)
    day = control_at(out["control"], "2016-11-04").set_index("faction").geometry
    assert day["government"].symmetric_difference(W.union(M)).area < 1e-12
    assert list(out["changes"].rule) == ["majority"]


def test_changes_say_which_rule_moved_them_and_a_snapshot_lists_the_reports_behind_it():
    snaps = {"2016-11-01": snap(government=W, opposition=M.union(E)),
             "2016-11-10": snap(government=W.union(M).union(E))}
    evs = [event("c1", "m", "2016-11-05", "government"),
           event("d1", "e", "2016-11-07", "government", status="disputed"),
           event("c2", "e", "2016-11-10", "government")]  # on the snapshot's own date
    ch = build_layers(snaps, evs, FOOT)["changes"]
    rows = {(r.valid_from, r.to_faction): r for r in ch.itertuples()}
    assert rows[("2016-11-05", "government")].rule == "capture"
    assert json.loads(rows[("2016-11-05", "government")].events) == ["c1"]
    assert rows[("2016-11-07", "contested")].rule == "disputed"
    snap_row = rows[("2016-11-10", "government")]
    assert snap_row.rule == "snapshot" and json.loads(snap_row.events) == ["d1", "c2"]
    assert "snapshot" in snap_row.why


def test_a_point_without_footprint_moves_only_the_footprint_it_lies_in():
    snaps = {"2016-11-01": snap(government=W, opposition=M.union(E))}
    x = M.bounds[0] + 0.0005  # 50 m inside m, next to w: its 300 m buffer would spill into w
    evs = [event("p", "x", "2016-11-02", "kurdish", lon=x, lat=M.centroid.y, precision=2)]
    kur = control_at(build_layers(snaps, evs, FOOT)["control"], "2016-11-03").set_index("faction").geometry["kurdish"]
    assert kur.difference(M).area < 1e-12 and 0 < area(kur) < area(M)


def test_a_point_without_polygon_moves_a_buffer_and_precision_3_moves_nothing():
    snaps = {"2016-11-01": snap(opposition=W.union(M).union(E))}
    c = M.centroid
    evs = [event("p", "x", "2016-11-02", "government", lon=c.x, lat=c.y, precision=1),
           event("q", "city", "2016-11-03", "government", lon=37.105, lat=36.205, precision=3)]
    ctl = build_layers(snaps, evs, FOOT)["control"]
    gov = control_at(ctl, "2016-11-04").set_index("faction").geometry["government"]
    assert area(gov) == pytest.approx(3.14159 * 250**2, rel=0.02)  # a 250 m buffer, nothing for precision 3


def test_events_are_joined_to_control_the_day_before_and_after():
    snaps = {"2016-11-01": snap(government=W, opposition=M.union(E))}
    evs = [event("e1", "m", "2016-11-05", "government"), event("e2", "w", "2016-11-06", "government"),
           event("e3", "x", "2016-11-06", "government", lon=37.5, lat=36.5)]
    ev = build_layers(snaps, evs, FOOT)["events"].set_index("id")
    assert (ev.loc["e1", "held_before"], ev.loc["e1", "held_after"], ev.loc["e1", "check"]) == (
        "opposition", "government", "consistent")
    assert ev.loc["e2", "check"] == "already_held"
    assert ev.loc["e3", "check"] == "outside" and ev.loc["e3", "held_before"] == ""


def test_frontlines_between_factions_not_on_the_outer_edge_and_stats_in_km2():
    out = build_layers({"2016-11-01": snap(government=W.union(M), opposition=E)}, [], FOOT)
    fl = out["frontlines"]
    assert len(fl) == 1 and set(fl[["faction_a", "faction_b"]].iloc[0]) == {"government", "opposition"}
    # the shared edge is the meridian 37.12 from lat 36.20 to 36.21 (about 1.1 km)
    assert fl.geometry.iloc[0].length == pytest.approx(0.01, abs=0.001)  # plus the ~30 m tolerance at the ends
    st = out["stats"].set_index("faction").km2
    assert st["opposition"] == pytest.approx(area(E) / 1e6, rel=0.01)
    assert st["government"] == pytest.approx(2 * area(E) / 1e6, rel=0.02)


def fc(*features):
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": p, "geometry": g} for p, g in features]}


def square(x0, y0, d=0.01):
    return {"type": "Polygon", "coordinates": [[[x0, y0], [x0 + d, y0], [x0 + d, y0 + d], [x0, y0 + d], [x0, y0]]]}


def test_bad_snapshots_are_refused_with_file_and_feature(tmp_path):
    p = tmp_path / "2016-11-01.geojson"
    cases = [
        ("{oops", "invalid JSON"),
        (json.dumps({"type": "Feature"}), "not a GeoJSON FeatureCollection"),
        (json.dumps(fc(({"faction": "rebelz"}, square(37.1, 36.2)))), "feature 0: unknown faction 'rebelz'"),
        (json.dumps(fc(({"faction": "government"}, square(37.1, 36.2)), ({}, square(37.2, 36.2)))),
         "feature 1: no faction"),
        (json.dumps(fc(({"faction": "government"}, square(36.2, 37.1)))), "feature 0: coordinates look swapped"),
        (json.dumps(fc(({"faction": "government"}, {"type": "Point", "coordinates": [37.1, 36.2]}))),
         "Point is not a polygon"),
    ]
    for content, message in cases:
        p.write_text(content)
        with pytest.raises(InputError, match=message) as info:
            read_control_file(p, FACTIONS)
        assert "2016-11-01.geojson" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(InputError, match="YYYY-MM-DD"):
        (tmp_path / "latest.geojson").write_text(json.dumps(fc()))
        read_control_file(tmp_path / "latest.geojson", FACTIONS)


def test_bow_tie_is_repaired_and_overlap_reported(tmp_path):
    bow = {"type": "Polygon", "coordinates": [[[37.10, 36.20], [37.12, 36.22], [37.12, 36.20], [37.10, 36.22],
                                               [37.10, 36.20]]]}
    p = tmp_path / "2016-11-01.geojson"
    p.write_text(json.dumps(fc(({"faction": "government"}, bow))))
    gdf, warnings = read_control_file(p, FACTIONS)
    assert gdf.geometry.iloc[0].is_valid and gdf.geometry.iloc[0].area > 0
    assert len(warnings) == 1 and "feature 0" in warnings[0] and "make_valid" in warnings[0]
    p.write_text(json.dumps(fc(({"faction": "government"}, square(37.10, 36.20)),
                               ({"faction": "opposition"}, square(37.105, 36.20)))))
    gdf, warnings = read_control_file(p, FACTIONS)
    assert any("overlap" in w and "km2" in w for w in warnings)
    assert gdf.geometry.iloc[0].intersection(gdf.geometry.iloc[1]).area < 1e-12  # the later feature wins


def test_the_default_snapshots_load_cleanly():
    snaps, warnings = load_snapshots(ROOT / "data" / "control", FACTIONS)
    assert warnings == []
    assert {"2016-09-01", "2016-11-08", "2016-11-28", "2016-12-13", "2016-12-22"} <= set(snaps)
    first, last = snaps["2016-09-01"], snaps["2016-12-22"]
    assert {"government", "opposition", "kurdish"} <= set(first.faction)
    assert "opposition" not in set(last.faction) and "kurdish" in set(last.faction)
    for g in snaps.values():
        assert g.geometry.is_valid.all()


def test_the_rebuild_join_agrees_with_the_polygon_join_and_later_paints_win():
    import numpy as np

    from geo.control.layers import _intervals, holders, interval_holders

    snaps = {"2016-11-01": snap(government=W, opposition=M.union(E)),
             "2016-11-10": snap(government=W.union(M), opposition=E)}
    # Two captures of m on one day: the later id wins; a point event (no footprint) paints a 250 m buffer.
    evs = [event("e1", "m", "2016-11-05", "government"), event("e2", "m", "2016-11-05", "kurdish"),
           event("e3", "x", "2016-11-07", "government", lon=37.125, lat=36.205),
           event("e4", "e", "2016-11-12", "government", "advance", status="corroborated")]
    out = build_layers(snaps, evs, FOOT)
    ctl = out["control"]
    assert control_at(ctl, "2016-11-06").set_index("faction").geometry["kurdish"].symmetric_difference(M).area < 1e-12
    rng = np.random.default_rng(0)
    n = 5000
    xs, ys = rng.uniform(37.095, 37.135, n), rng.uniform(36.195, 36.215, n)
    days = np.datetime64("2016-10-30") + rng.integers(0, 20, n)
    a = interval_holders(_intervals(snaps, evs, FOOT), days, xs, ys)
    b = holders(ctl, days, xs, ys)
    assert (a == b).mean() > 0.999  # only points on an edge may differ
    assert {"", "government", "opposition", "kurdish", "contested"} == set(a)
    assert list(out["events"].set_index("id").loc[["e1", "e4"], "held_before"]) == ["opposition", "opposition"]


def test_a_whole_moves_with_its_parts_and_a_part_without_shape_with_its_whole():
    snaps = {"2016-11-01": snap(government=W, opposition=M.union(E))}
    parents = {"m": "whole", "e": "whole", "t": "e"}  # "whole" is made of m and e; "t" lies in e, undrawn
    evs = [event("w1", "whole", "2016-11-03", "government", lon=37.12, lat=36.205, precision=2)]
    out = build_layers(snaps, evs, FOOT, parents=parents)
    day = control_at(out["control"], "2016-11-04").set_index("faction").geometry
    assert day["government"].symmetric_difference(W.union(M).union(E)).area < 1e-12
    evs = [event("t1", "t", "2016-11-03", "government", lon=37.125, lat=36.205, precision=2)]
    day = control_at(build_layers(snaps, evs, FOOT, parents=parents)["control"], "2016-11-04").set_index("faction")
    assert day.geometry["government"].symmetric_difference(W.union(E)).area < 1e-12


def test_a_memo_of_daily_states_gives_the_same_layers_and_one_more_report_redoes_only_its_period(tmp_path):
    from geo.io import DiskMemo

    snaps = {"2016-11-01": snap(government=W, opposition=M.union(E)),
             "2016-11-10": snap(government=W.union(M), opposition=E)}
    evs = [event("e1", "m", "2016-11-05", "government"), event("e2", "e", "2016-11-12", "government")]
    plain = build_layers(snaps, evs, FOOT)
    path = tmp_path / "layers.pickle"
    cold = DiskMemo(path, "v")
    first = build_layers(snaps, evs, FOOT, memo=cold)
    cold.save()
    warm = DiskMemo(path, "v")
    second = build_layers(snaps, evs, FOOT, memo=warm)
    for name in ("control", "frontlines", "changes"):
        assert plain[name].equals(first[name]) and first[name].equals(second[name]), name
    # 4 intervals (2 snapshots, 2 painted days), 2 periods' partitions, 3 changes between intervals, and the
    # points of each period's one week located (the days before and after an event fall in the same week here)
    assert (cold.hits, warm.misses) == (0, 0) and warm.hits == cold.misses == 4 + 2 + 3 + 2
    warm.save()
    # a report in the second period: the first period's intervals are read back, the second's worked out again
    later = DiskMemo(path, "v")
    more = build_layers(snaps, [*evs, event("e3", "w", "2016-11-15", "opposition")], FOOT, memo=later)
    # kept: the intervals of 2016-11-01, 11-05 and 11-10, the first period's partition, the changes up to 11-10;
    # worked out again: the second period's partition, its intervals 11-12 and 11-15, and the changes into them;
    # located: the first period's week is kept, the second period's two weeks (a new partition) are not
    assert (later.hits, later.misses) == (3 + 1 + 2 + 1, 2 + 1 + 2 + 2)
    assert control_at(more["control"], "2016-11-16").set_index("faction").geometry["opposition"].contains(W.centroid)
    # another code version (salt) is a cold cache
    other = DiskMemo(path, "v2")
    build_layers(snaps, evs, FOOT, memo=other)
    assert other.hits == 0


def test_points_located_week_by_week_from_a_memo_are_where_one_pass_puts_them(tmp_path):
    import numpy as np

    from geo.control.join import _locate, _located
    from geo.control.layers import _Period
    from geo.io import DiskMemo

    atoms = np.array([W, M, E], dtype=object)
    period = _Period(atoms, np.zeros(3), np.zeros(3, dtype=object), {})
    rng = np.random.default_rng(5)
    n = 300
    xs, ys = rng.uniform(37.095, 37.145, n), rng.uniform(36.195, 36.215, n)
    days = np.sort(np.datetime64("2016-11-01") + rng.integers(0, 30, n)).astype("datetime64[D]")
    memo = DiskMemo(tmp_path / "layers.sqlite", "v")
    want = _locate(atoms, xs, ys)
    assert (_located(period, xs, ys, days, memo) == want).all() and memo.hits == 0 and memo.misses == 5  # 5 weeks
    memo.save()
    # one more point on the last day: the four earlier weeks come from the memo, the last one is located again
    again = DiskMemo(tmp_path / "layers.sqlite", "v")
    xs2, ys2, days2 = np.append(xs, 37.13), np.append(ys, 36.205), np.append(days, days[-1])
    got = _located(period, xs2, ys2, days2, again)
    assert (got == _locate(atoms, xs2, ys2)).all() and (again.hits, again.misses) == (4, 1)
