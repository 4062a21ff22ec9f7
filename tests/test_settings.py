"""Settings: paths, and the study area a data directory declares (data/area.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.io import InputError
from geo.settings import Settings, load_area

ROOT = Path(__file__).resolve().parent.parent


def test_the_default_study_area_is_aleppo_and_its_countryside():
    a = Settings.resolve(ROOT / "data").area()
    assert a is not None and a.crs == "EPSG:32637" and a.window == ("2016-07-01", "2016-12-31")
    assert a.contains(37.163, 36.199)  # the Citadel
    assert a.contains(37.06, 36.186) and a.contains(37.176, 36.279)  # Minyan, Handarat
    assert not a.contains(36.28, 33.51)  # Damascus
    assert 250 < a.distance_km(36.28, 33.51) < 270  # 2.3 degrees of latitude south of the box


@pytest.mark.parametrize("text, says", [
    ("name: x\nbbox: [37, 36]\ncrs: EPSG:32637\nwindow: [2016-07-01, 2016-12-31]\n", "bbox must be"),
    ("name: x\nbbox: [37.2, 36, 37.1, 36.5]\ncrs: EPSG:32637\nwindow: [2016-07-01, 2016-12-31]\n", "bbox must be"),
    ("name: x\nbbox: [37, 36, 37.5, 36.5]\ncrs: EPSG:4326\nwindow: [2016-07-01, 2016-12-31]\n", "not projected"),
    ("name: x\nbbox: [37, 36, 37.5, 36.5]\ncrs: nonsense\nwindow: [2016-07-01, 2016-12-31]\n", "not a CRS"),
    ("name: x\nbbox: [37, 36, 37.5, 36.5]\ncrs: EPSG:32637\nwindow: [2016-12-31, 2016-07-01]\n", "starts after"),
    ("name: x\nbbox: [37, 36, 37.5, 36.5]\ncrs: EPSG:32637\nwindow: [July, December]\n", "two dates"),
])
def test_a_bad_study_area_is_one_line_naming_the_file_and_field(tmp_path, text, says):
    p = tmp_path / "area.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_area(p)
    assert str(p) in str(err.value) and says in str(err.value) and "\n" not in str(err.value)


def test_no_area_file_means_no_area(tmp_path):
    assert Settings.resolve(tmp_path).area() is None
