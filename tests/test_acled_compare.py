"""geo's events beside an ACLED download: matched, conflicting, only in one of them."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.acled_compare import COLUMNS, REQUIRED, compare, read_acled, sides_from
from geo.export import load_acled
from geo.io import InputError

BOOK = load_acled(Path(__file__).resolve().parent.parent / "data" / "acled")
SIDES = sides_from(BOOK.sides, BOOK.forces)


def acled_file(tmp_path, rows):
    """An ACLED-shaped download written by the project (only the columns a comparison reads, and one more)."""
    df = pd.DataFrame([{c: "" for c in REQUIRED} | {"location": "", "fatalities": 0} | r for r in rows])
    path = tmp_path / "acled.csv"
    df.to_csv(path, index=False)
    return path


def row(n, day, etype, sub, a1, lon, lat, a2="", prec=1, place=""):
    return {"event_id_cnty": f"SYR{n}", "event_date": day, "event_type": etype, "sub_event_type": sub,
            "actor1": a1, "actor2": a2, "longitude": lon, "latitude": lat, "geo_precision": prec, "location": place}


def events():
    ev = [("e1", "capture", "government", "2016-11-28", 37.180, 36.230, "Hay"),   # ACLED says so the day before
          ("e2", "capture", "government", "2016-11-28", 37.200, 36.220, "Khodr"),  # ACLED: the Kurds took it
          ("e3", "strike", "", "2016-11-20", 37.160, 36.200, "Market"),           # an air strike both record
          ("e4", "clash", "", "2016-11-25", 37.100, 36.150, "South"),             # geo only
          ("e5", "capture", "opposition", "2016-07-01", 37.15, 36.2, "Early")]      # before the ACLED file: not counted
    return gpd.GeoDataFrame({"id": [e[0] for e in ev], "type": [e[1] for e in ev], "faction": [e[2] for e in ev],
                             "date": [e[3] for e in ev], "place_name": [e[6] for e in ev]},
                            geometry=[shapely.Point(e[4], e[5]) for e in ev], crs="EPSG:4326")


def test_matched_conflicting_and_missing_on_either_side(tmp_path):
    path = acled_file(tmp_path, [
        row(1, "2016-11-27", "Battles", "Government regains territory", "Military Forces of Syria (2000-)", 37.181, 36.231),
        row(2, "2016-11-28", "Battles", "Non-state actor overtakes territory", "YPG: People's Protection Units",
            37.201, 36.221, a2="Opposition Rebels (Syria)"),
        row(3, "2016-11-20", "Explosions/Remote violence", "Air/drone strike", "Military Forces of Russia (2000-)", 37.165, 36.205),
        row(4, "2016-11-22", "Battles", "Armed clash", "Military Forces of Syria (2000-)", 37.40, 36.40),  # far away
        row(5, "2016-11-24", "Protests", "Peaceful protest", "Protesters (Syria)", 37.18, 36.23),          # not compared
        row(6, "2016-11-23", "Battles", "Government regains territory", "Military Forces of Syria (2000-)", 37.181,
            36.231),  # the right place, five days off
    ])
    result = compare(read_acled(path), events(), SIDES, window=1)
    assert result.counts() == {"matched": 2, "conflicting": 1, "only in ACLED": 2, "only in geo": 1}
    by = {(r["acled_id"], r["geo_event_id"]): r for r in result.rows}
    assert by[("SYR1", "e1")]["status"] == "matched" and by[("SYR1", "e1")]["days_apart"] == 1
    assert by[("SYR2", "e2")]["status"] == "conflicting" and by[("SYR2", "e2")]["why"] == \
        "ACLED: kurdish gained; geo: government gained"
    assert by[("SYR3", "e3")]["status"] == "matched"
    assert by[("", "e4")]["status"] == "only in geo" and ("", "e5") not in by
    assert all(list(r) == COLUMNS for r in result.rows)
    # pairs are one to one: with a wider window the row five days off still does not take the event a closer
    # row has
    wide = compare(read_acled(path), events(), SIDES, window=5)
    assert wide.counts()["only in ACLED"] == 2 and any(r["acled_id"] == "SYR6" and not r["geo_event_id"] for r in wide.rows)


def test_a_file_that_is_not_an_acled_table_is_one_line(tmp_path):
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.csv: not an ACLED table: no column event_id_cnty"):
        read_acled(bad)
    path = acled_file(tmp_path, [row(1, "yesterday", "Battles", "Armed clash", "X", 37.1, 36.2)])
    with pytest.raises(InputError, match=r"acled\.csv: row 2: bad event_date 'yesterday'"):
        read_acled(path)


def test_older_downloads_write_dates_in_words(tmp_path):
    path = acled_file(tmp_path, [row(1, "27 November 2016", "Battles", "Armed clash", "X", 37.1, 36.2)])
    assert list(read_acled(path)["day"]) == ["2016-11-27"]
