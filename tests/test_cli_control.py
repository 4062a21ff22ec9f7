"""``geo control import|draft``, ``geo diff`` and ``geo stats`` on a private copy of the default data."""

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    t = tmp_path_factory.mktemp("ctl")
    d = t / "data"
    shutil.copytree(ROOT / "data", d, ignore=shutil.ignore_patterns("build"))
    return d, t / "build"


def run(dirs, *args):
    d, b = dirs
    return CliRunner().invoke(main, [*map(str, args), "--data-dir", str(d), "--build-dir", str(b)])


def test_draft_then_import_is_a_round_trip(dirs, tmp_path):
    d, b = dirs
    res = run(dirs, "control", "draft", "--date", "2016-11-20", "-o", tmp_path / "draft.geojson")
    assert res.exit_code == 0, res.output
    doc = json.loads((tmp_path / "draft.geojson").read_text())
    assert {f["properties"]["faction"] for f in doc["features"]} >= {"government", "opposition", "kurdish"}
    # Leaflet.draw drops properties: strip them and let the colours carry the faction
    colours = {"government": "#d7301f", "opposition": "#31a354", "kurdish": "#f2c200", "contested": "#9e6ac8"}
    for f in doc["features"]:
        f["properties"] = {"fill": colours[f["properties"]["faction"]]}
    (tmp_path / "drawn.geojson").write_text(json.dumps(doc))
    res = run(dirs, "control", "import", tmp_path / "drawn.geojson", "--date", "2016-11-20")
    assert res.exit_code == 0, res.output
    out = json.loads((d / "control" / "2016-11-20.geojson").read_text())
    assert [f["properties"]["faction"] for f in out["features"]] == [f["properties"]["faction"] for f in
                                                                   json.loads((tmp_path / "draft.geojson").read_text())["features"]]
    # an existing snapshot is never replaced without --force; a bad date is refused
    res = run(dirs, "control", "import", tmp_path / "drawn.geojson", "--date", "2016-11-20")
    assert res.exit_code == 1 and "exists; use --force" in res.output
    res = run(dirs, "control", "import", tmp_path / "drawn.geojson", "--date", "2016-13-01")
    assert res.exit_code == 2 and "not a date" in res.output
    (d / "control" / "2016-11-20.geojson").unlink()


def test_import_refuses_overlaps_on_request_and_keeps_nothing(dirs, tmp_path):
    d, _ = dirs
    sq = lambda x: {"type": "Polygon", "coordinates": [[[x, 36.2], [x + .01, 36.2], [x + .01, 36.21], [x, 36.21], [x, 36.2]]]}  # noqa: E731
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"side": "regime"}, "geometry": sq(37.10)},
        {"type": "Feature", "properties": {"side": "rebels"}, "geometry": sq(37.105)}]}
    (tmp_path / "o.geojson").write_text(json.dumps(doc))
    res = run(dirs, "control", "import", tmp_path / "o.geojson", "--date", "2016-11-21", "--faction-field", "side",
              "--resolve", "error")
    assert res.exit_code == 1 and "features 0 (government) and 1 (opposition) overlap by" in res.output
    assert not (d / "control" / "2016-11-21.geojson").exists()
    res = run(dirs, "control", "import", tmp_path / "o.geojson", "--date", "2016-11-21", "--faction-field", "side",
              "--dry-run", "--allow-gaps")  # two small squares: a full import would leave most of the city bare
    assert res.exit_code == 0 and "feature 1 wins" in res.output and "not covered" in res.output
    assert not (d / "control" / "2016-11-21.geojson").exists()


def test_diff_names_the_events_behind_each_change(dirs):
    res = run(dirs, "diff", "2016-11-08", "2016-11-28")
    assert res.exit_code == 0, res.output
    assert "opposition -> government" in res.output and "capture" in res.output and "Net:" in res.output
    res = run(dirs, "diff", "2016-11-08", "2016-11-28", "--format", "jsonl")
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    gov = next(r for r in rows if (r["from_faction"], r["to_faction"]) == ("opposition", "government"))
    assert gov["km2"] > 5 and gov["events"] and all(lab.startswith("2016-11-") for lab in gov["event_labels"])


def test_stats_table_and_chart(dirs, tmp_path):
    res = run(dirs, "stats", "--format", "csv", "--chart", tmp_path / "c.png")
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines[0].startswith("date,") and "opposition" in lines[0]
    last = dict(zip(lines[0].split(","), lines[-1].split(","), strict=True))
    assert last["date"] == "2016-12-22" and float(last["opposition"]) == 0.0
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"


def polygon(ring, **props):
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


def square(lon, lat, d=0.003):
    return [[lon - d, lat - d], [lon + d, lat - d], [lon + d, lat + d], [lon - d, lat + d], [lon - d, lat - d]]


def test_a_patch_changes_its_polygon_and_leaves_every_other_footprint_as_it_was(tmp_path):
    import geopandas as gpd
    import numpy as np

    from geo.control.layers import holders

    d = tmp_path / "data"
    shutil.copytree(ROOT / "data", d, ignore=shutil.ignore_patterns("build"))
    mine = (d, tmp_path / "build")
    assert run(mine, "build").exit_code == 0
    before = gpd.read_file(tmp_path / "build" / "control.gpkg", layer="control")
    fps = gpd.read_file(d / "gazetteer" / "footprints.geojson")
    pts = fps[fps.geom_type.isin(["Polygon", "MultiPolygon"])].representative_point()
    fix = tmp_path / "fix.geojson"  # one district drawn again, coloured as the map's Draw tool exports it
    fix.write_text(json.dumps({"type": "FeatureCollection",
                               "features": [polygon(square(37.1445, 36.2275), fill="#d7301f")]}))
    res = run(mine, "control", "import", fix, "--date", "2016-10-20", "--patch")
    assert res.exit_code == 0, res.output
    assert run(mine, "build").exit_code == 0
    after = gpd.read_file(tmp_path / "build" / "control.gpkg", layer="control")
    day = np.array(["2016-10-20"] * len(pts))
    was = holders(before, day, pts.x.to_numpy(), pts.y.to_numpy())
    now = holders(after, day, pts.x.to_numpy(), pts.y.to_numpy())
    inside = np.array([abs(x - 37.1445) < 0.003 and abs(y - 36.2275) < 0.003 for x, y in zip(pts.x, pts.y, strict=True)])
    assert (was[~inside] == now[~inside]).all()  # every other footprint as it was
    assert holders(after, np.array(["2016-10-20"]), np.array([37.1445]), np.array([36.2275]))[0] == "government"


def test_a_full_import_of_one_polygon_is_refused_unless_allowed(dirs, tmp_path):
    fix = tmp_path / "one.geojson"
    fix.write_text(json.dumps({"type": "FeatureCollection",
                               "features": [polygon(square(37.15, 36.22), faction="government")]}))
    res = run(dirs, "control", "import", fix, "--date", "2016-10-21", "--dry-run")
    assert res.exit_code == 1 and "uncovered" in res.output and "--patch" in res.output
    res = run(dirs, "control", "import", fix, "--date", "2016-10-21", "--dry-run", "--allow-gaps")
    assert res.exit_code == 0, res.output


def test_crs_for_geojson_layers_and_the_study_area(dirs, tmp_path):
    from pyproj import Transformer

    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32637", always_xy=True)
    ring = [list(to_utm.transform(x, y)) for x, y in square(37.15, 36.22)]
    utm = tmp_path / "utm.geojson"
    utm.write_text(json.dumps({"type": "FeatureCollection", "features": [polygon(ring, faction="government")]}))
    res = run(dirs, "control", "import", utm, "--date", "2016-10-22", "--dry-run")
    assert res.exit_code == 1 and "not degrees" in res.output and "--crs" in res.output
    res = run(dirs, "control", "import", utm, "--date", "2016-10-22", "--dry-run", "--patch", "--crs", "EPSG:32637")
    assert res.exit_code == 0, res.output
    res = run(dirs, "control", "import", utm, "--date", "2016-10-22", "--dry-run", "--crs", "EPSG:99999999")
    assert res.exit_code == 1 and "not a CRS" in res.output and "Traceback" not in res.output
    far = tmp_path / "far.geojson"  # lat/lon swapped: lands in Turkey
    far.write_text(json.dumps({"type": "FeatureCollection",
                               "features": [polygon([[y, x] for x, y in square(37.15, 36.22)], faction="opposition")]}))
    res = run(dirs, "control", "import", far, "--date", "2016-10-22", "--dry-run", "--patch")
    assert res.exit_code == 1 and "outside the study area" in res.output and "km from it" in res.output
    import geopandas as gpd
    from shapely.geometry import box

    two = tmp_path / "two.gpkg"
    for name in ("mine", "theirs"):
        gpd.GeoDataFrame({"faction": ["government"]}, geometry=[box(37.147, 36.217, 37.153, 36.223)],
                         crs="EPSG:4326").to_file(two, layer=name, engine="pyogrio")
    res = run(dirs, "control", "import", two, "--date", "2016-10-22", "--dry-run", "--patch")
    assert res.exit_code == 1 and "--layer" in res.output and "mine" in res.output
    res = run(dirs, "control", "import", two, "--date", "2016-10-22", "--dry-run", "--patch", "--layer", "mine")
    assert res.exit_code == 0, res.output
