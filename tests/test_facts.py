"""The control record as a test: dated facts read, checked against layers, and the default data's score."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner
from shapely.geometry import box

from geo.cli import main
from geo.control import check_facts, fact_score, place_points, read_facts
from geo.io import InputError
from geo.model import CRS_STORAGE

ROOT = Path(__file__).resolve().parent.parent
HEADER = "place_id,date,faction,source,other_date,note\n"


def facts_file(tmp_path: Path, rows: str) -> Path:
    p = tmp_path / "facts.csv"
    p.write_text(HEADER + rows, encoding="utf-8")
    return p


def test_a_fact_is_right_on_its_date_or_on_the_other_tables_date(tmp_path):
    # government holds the square from 5 November; before, the opposition
    ctl = gpd.GeoDataFrame({"faction": ["opposition", "government"], "valid_from": ["2016-11-01", "2016-11-05"],
                            "valid_to": ["2016-11-05", ""]}, geometry=[box(0, 0, 1, 1)] * 2, crs=CRS_STORAGE)
    facts = read_facts(facts_file(tmp_path, "p,2016-11-04,government,table B,2016-11-06,a day early in B\n"
                                            "p,2016-11-04,government,table A,,\n"
                                            "p,2016-11-02,opposition,both,,\n"), {"government", "opposition"}, {"p"})
    verdicts = check_facts(ctl, facts, {"p": (0.5, 0.5)})
    assert [v.right for v in verdicts] == [True, False, True]
    assert fact_score(verdicts) == pytest.approx(2 / 3)
    line = verdicts[1].line()
    assert "2016-11-04 p: layers say opposition, fact government" in line and "row 3" in line


@pytest.mark.parametrize("row, says", [
    ("nowhere,2016-11-04,government,x,,\n", "row 2: place 'nowhere' is not in the gazetteer"),
    ("p,2016-13-04,government,x,,\n", "row 2: date '2016-13-04' is not a YYYY-MM-DD date"),
    ("p,2016-11-04,martians,x,,\n", "row 2: unknown faction 'martians'"),
    ("p,2016-11-04,government,x,4 Nov,\n", "row 2: other_date '4 Nov'"),
])
def test_a_bad_fact_is_one_line_naming_its_row(tmp_path, row, says):
    with pytest.raises(InputError, match="facts.csv") as err:
        read_facts(facts_file(tmp_path, row), {"government"}, {"p"})
    assert says in str(err.value) and "\n" not in str(err.value)


def test_a_place_is_checked_at_its_point_or_inside_its_own_footprint():
    fp = gpd.GeoDataFrame({"id": ["a"]}, geometry=[box(0, 0, 1, 1)], crs=CRS_STORAGE)
    pts = place_points(["a"], {"a": (3.0, 3.0)}, fp)
    assert box(0, 0, 1, 1).contains(gpd.points_from_xy([pts["a"][0]], [pts["a"][1]])[0])


def test_the_default_layers_agree_with_the_projects_facts(tmp_path):
    """`geo validate --facts` on the default data: at least 95% of the dated facts hold (the README's figure)."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("build"))
    run = CliRunner()
    assert run.invoke(main, ["build", "--data-dir", str(data)]).exit_code == 0
    r = run.invoke(main, ["validate", "--facts", "--data-dir", str(data)])
    assert r.exit_code == 0, r.output
    right, total = (int(x) for x in r.output.split("facts: ")[1].split(" right")[0].split("/"))
    assert total >= 60 and right / total >= 0.95
    # and the acceptance's own dates: the 1070 Apartments, the Ramouseh academies, Dahiyat al-Assad
    ctl = gpd.read_file(data / "build" / "control.gpkg", layer="control")
    from geo.control.layers import holders

    def at(day: str, lon: float, lat: float) -> str:
        return holders(ctl, [day], [lon], [lat])[0]

    assert at("2016-11-01", 37.1175, 36.1718) == "opposition" and at("2016-11-09", 37.1175, 36.1718) == "government"
    assert at("2016-08-20", 37.1174, 36.1628) == "opposition"  # Armament Academy
    assert at("2016-10-27", 37.095, 36.19) == "government" and at("2016-11-12", 37.095, 36.19) == "government"
    assert at("2016-10-29", 37.095, 36.19) == "opposition"  # "most of Dahiyat al-Assad" (28-29 Oct)
    # On a snapshot's date the changes layer names the reports behind each change (28 November: the captures of
    # the north-east), and says which rule moved it
    import json

    ch = gpd.read_file(data / "build" / "control.gpkg", layer="changes")
    nov28 = ch[ch.valid_from == "2016-11-28"]
    assert set(nov28.rule) == {"snapshot"} and sum(len(json.loads(e)) for e in nov28.events) >= 4
    assert set(ch.rule) <= {"capture", "majority", "disputed", "advance", "snapshot"}
    # Too strict a bar exits 1 with the share in one line
    r = run.invoke(main, ["validate", "--facts", "--min-score", "1", "--data-dir", str(data)])
    assert r.exit_code == 1 and "below --min-score" in r.output


def test_facts_before_a_build_say_what_to_run(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("build"))
    r = CliRunner().invoke(main, ["validate", "--facts", "--data-dir", str(data)])
    assert r.exit_code == 1 and "geo build" in r.output
