"""Importing hand-drawn snapshots: factions from fields, names or colours, CRS, repairs, overlaps, gaps."""

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import box

from geo.control.snapshot import check_features, faction_from_colour, read_vector, snapshot_geojson
from geo.io import InputError
from geo.read.factions import load_factions

ROOT = Path(__file__).resolve().parent.parent
FACTIONS = load_factions(ROOT / "data" / "factions.yaml")
A, B = box(37.10, 36.20, 37.11, 36.21), box(37.11, 36.20, 37.12, 36.21)


def test_faction_from_an_id_a_name_in_any_language_or_a_colour():
    feats = [({"faction": "government"}, A), ({"faction": "Rebelles"}, B),
             ({"fill": "#f2c201"}, box(37.12, 36.20, 37.13, 36.21)), ({"color": "#31A354"}, box(37.13, 36.2, 37.14, 36.21))]
    c = check_features(feats, FACTIONS, "t.geojson")
    assert list(c.gdf.faction) == ["government", "opposition", "kurdish", "opposition"]
    assert faction_from_colour("#0000ff", FACTIONS) is None


def test_a_feature_with_no_faction_is_named_or_asked_for():
    with pytest.raises(InputError, match=r"t.geojson: feature 1: no faction"):
        check_features([({"faction": "government"}, A), ({"name": "x"}, B)], FACTIONS, "t.geojson")
    asked = []
    c = check_features([({"name": "x"}, B)], FACTIONS, "t.geojson",
                       ask=lambda i, p: asked.append((i, p)) or "kurdish")
    assert asked == [(0, {"name": "x"})] and list(c.gdf.faction) == ["kurdish"]
    c = check_features([({}, B)], FACTIONS, "t.geojson", default_faction="isis")
    assert list(c.gdf.faction) == ["isis"]
    with pytest.raises(InputError, match="unknown faction 'blue team' in 'side'"):
        check_features([({"side": "blue team"}, A)], FACTIONS, "t.geojson", faction_field="side")


def test_overlap_is_reported_with_its_area_and_resolved_or_refused():
    over = box(37.105, 36.20, 37.115, 36.21)
    feats = [({"faction": "government"}, A), ({"faction": "opposition"}, over)]
    c = check_features(feats, FACTIONS, "t.geojson")
    assert len(c.warnings) == 1 and "overlap by 0.4" in c.warnings[0] and "feature 1 wins" in c.warnings[0]
    assert c.gdf.geometry.iloc[0].intersection(c.gdf.geometry.iloc[1]).area < 1e-12
    with pytest.raises(InputError, match=r"features 0 \(government\) and 1 \(opposition\) overlap"):
        check_features(feats, FACTIONS, "t.geojson", resolve="error")


def test_invalid_polygon_is_repaired_and_reported_and_slivers_dropped():
    bow = shapely.Polygon([(37.10, 36.20), (37.12, 36.22), (37.12, 36.20), (37.10, 36.22), (37.10, 36.20)])
    c = check_features([({"faction": "government"}, bow)], FACTIONS, "t.geojson")
    assert c.gdf.geometry.iloc[0].is_valid and "make_valid" in c.warnings[0] and "Self-intersection" in c.warnings[0]
    sliver = box(37.13, 36.20, 37.1301, 36.2001)  # about 9 m x 11 m
    c = check_features([({"faction": "government"}, shapely.MultiPolygon([A, sliver]))], FACTIONS, "t.geojson")
    assert c.gdf.geometry.iloc[0].geom_type == "Polygon" and "1 sliver(s)" in c.warnings[0]


def test_swapped_and_foreign_coordinates_are_refused():
    with pytest.raises(InputError, match="feature 0: coordinates look swapped"):
        check_features([({"faction": "government"}, box(36.20, 37.10, 36.21, 37.11))], FACTIONS, "t.geojson")
    with pytest.raises(InputError, match="outside Syria"):
        check_features([({"faction": "government"}, box(2.3, 48.8, 2.4, 48.9))], FACTIONS, "t.geojson")
    with pytest.raises(InputError, match="LinearRing is not a polygon"):
        check_features([({"faction": "government"}, A.exterior)], FACTIONS, "t.geojson")


def test_gaps_inside_the_drawing_and_against_the_city_outline():
    ring = A.union(B).difference(box(37.108, 36.203, 37.112, 36.207))
    c = check_features([({"faction": "government"}, ring)], FACTIONS, "t.geojson",
                       outline=box(37.10, 36.20, 37.13, 36.21))
    assert any("a gap of 0.16" in w for w in c.warnings)
    assert any("1 part(s) of the city outline not covered (0.99" in w for w in c.warnings)


def test_a_projected_geopackage_is_reprojected_and_a_shapefile_without_crs_refused(tmp_path):
    gdf = gpd.GeoDataFrame({"side": ["government"]}, geometry=[A], crs="EPSG:4326").to_crs("EPSG:32637")
    gdf.to_file(tmp_path / "drawn.gpkg", engine="pyogrio")
    feats, notes = read_vector(tmp_path / "drawn.gpkg")
    assert "reprojected from EPSG:32637" in notes[0]
    assert feats[0][0]["side"] == "government" and feats[0][1].symmetric_difference(A).area < 1e-10
    gdf.to_file(tmp_path / "drawn.shp", engine="pyogrio")
    (tmp_path / "drawn.prj").unlink()
    with pytest.raises(InputError, match=r"drawn.shp: no CRS .* --crs"):
        read_vector(tmp_path / "drawn.shp")
    feats, _ = read_vector(tmp_path / "drawn.shp", crs="EPSG:32637")
    assert feats[0][1].symmetric_difference(A).area < 1e-10


def test_a_geojson_declaring_another_crs_is_reprojected_on_import(tmp_path):
    g = gpd.GeoSeries([A], crs="EPSG:4326").to_crs("EPSG:3857").iloc[0]
    doc = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
           "features": [{"type": "Feature", "properties": {"faction": "isis"}, "geometry": shapely.geometry.mapping(g)}]}
    (tmp_path / "m.geojson").write_text(json.dumps(doc))
    feats, notes = read_vector(tmp_path / "m.geojson")
    assert notes and feats[0][1].symmetric_difference(A).area < 1e-10


def test_snapshot_text_round_trips():
    c = check_features([({"faction": "government", "note": "west"}, A)], FACTIONS, "t.geojson")
    doc = json.loads(snapshot_geojson(c.gdf, "test"))
    assert doc["features"][0]["properties"] == {"faction": "government", "note": "west", "drawn_by": "test"}
    assert shapely.geometry.shape(doc["features"][0]["geometry"]).symmetric_difference(A).area < 1e-10
