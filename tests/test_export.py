"""ACLED export by ACLED's codebook: types, actors, codes, sources, fatalities, and the provenance columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from geo.export import ACLED_COLUMNS, EXTENSION_COLUMNS, acled_row, export_stamp, fatalities, load_acled

ACLED_DIR = Path(__file__).resolve().parent.parent / "data" / "acled"
ACLED = load_acled(ACLED_DIR)
CODEBOOK = yaml.safe_load((ACLED_DIR / "codebook.yaml").read_text(encoding="utf-8"))


def ev(**kw):
    base = {"id": "abcdef1234567890", "type": "capture", "faction": "government", "opponent": "opposition",
            "date": "2016-11-28", "precision": 1, "place_id": "aleppo-as-sakhour", "place_name": "as-Sakhour",
            "sources": '["SOHR", "state media"]', "sentences": '["The army took Sakhour."]',
            "urls": '["javascript:alert(1)", "https://example.org/a"]', "status": "corroborated",
            "held_before": "opposition", "held_after": "government", "check": "consistent", "n_sources": 2}
    base.update(kw)
    return base


def row(outlets=None, **kw):
    return acled_row(ev(**kw), 37.19, 36.22, ACLED, outlets, stamp=1_700_000_000)


VARIETY = [ev(), ev(faction="opposition", opponent="government"), ev(faction="kurdish", opponent="opposition"),
           ev(type="clash", faction="", opponent=""), ev(type="advance"), ev(type="siege"),
           ev(type="strike", faction="", opponent="", sentences='["Russian and Syrian warplanes struck Sakhour."]'),
           ev(type="strike", sentences='["Artillery shelled the district, killing 4."]', precision=2),
           ev(date_first="2016-11-25", date_last="2016-11-28"), ev(date_first="2016-10-01", date_last="2016-11-28")]


@pytest.mark.parametrize("e", VARIETY)
def test_every_column_holds_a_value_the_codebook_allows(e):
    r = acled_row(e, 37.19, 36.22, ACLED, ["AFP"], stamp=1_700_000_000)
    assert list(r) == ACLED_COLUMNS + EXTENSION_COLUMNS
    types = CODEBOOK["event_types"]
    assert r["event_type"] in types and r["sub_event_type"] in types[r["event_type"]]["sub_event_types"]
    assert r["disorder_type"] == types[r["event_type"]]["disorder"]
    assert r["inter1"] in CODEBOOK["inter"] and (r["inter2"] == 0 or r["inter2"] in CODEBOOK["inter"])
    assert bool(r["actor2"]) == (r["inter2"] != 0)
    i1, i2 = r["inter1"], r["inter2"]
    assert r["interaction"] == (min(i1, i2) * 10 + max(i1, i2) if i2 else i1 * 10)  # the two codes, lower first
    assert r["time_precision"] in CODEBOOK["time_precision"] and r["geo_precision"] in CODEBOOK["geo_precision"]
    assert isinstance(r["year"], int) and r["year"] == int(r["event_date"][:4]) and r["iso"] == 760
    assert isinstance(r["fatalities"], int) and r["fatalities"] >= 0 and r["timestamp"] == 1_700_000_000
    assert r["event_id_cnty"].startswith("SYR") and r["source"] == "AFP"


def test_captures_are_battles_by_who_gains():
    assert (row()["event_type"], row()["sub_event_type"]) == ("Battles", "Government regains territory")
    r = row(faction="opposition", opponent="government")
    assert (r["event_type"], r["sub_event_type"]) == ("Battles", "Non-state actor overtakes territory")
    assert r["actor1"] == "Opposition Rebels (Syria)" and r["interaction"] == 12 and r["disorder_type"] == "Political violence"


def test_strikes_by_the_forces_the_report_names():
    r = row(type="strike", faction="", opponent="", sentences='["Russian and Syrian warplanes struck Sakhour."]')
    assert (r["event_type"], r["sub_event_type"]) == ("Explosions/Remote violence", "Air/drone strike")
    assert (r["actor1"], r["inter1"], r["assoc_actor_1"]) == ("Military Forces of Syria (2000-)", 1,
                                                             "Military Forces of Russia (2000-)")
    r = row(type="strike", faction="", opponent="", sentences='["Des avions russes ont bombardé le quartier."]')
    assert (r["actor1"], r["inter1"], r["interaction"]) == ("Military Forces of Russia (2000-)", 8, 80)
    r = row(type="strike", sentences='["Artillery shelled the district."]')
    assert r["sub_event_type"] == "Shelling/artillery/missile attack"
    assert row(type="strike", faction="", opponent="", sentences='["Shells fell."]')["actor1"] == \
        "Unidentified Armed Group (Syria)"
    assert row(type="control") is None


def test_foreign_forces_named_with_a_side_are_its_associates():
    r = row(sentences='["Government forces backed by Hezbollah and Iranian militias took Sakhour."]')
    assert r["assoc_actor_1"] == "Hezbollah; Military Forces of Iran (1989-)" and r["assoc_actor_2"] == ""


def test_source_is_the_outlets_and_the_speakers_go_to_the_notes():
    r = row(["AFP", "SANA", "AFP"])
    assert r["source"] == "AFP; SANA" and r["source_scale"] == "International-National"
    assert r["notes"].startswith("On 2016-11-28, Military Forces of Syria (2000-) took as-Sakhour from Opposition "
                                 "Rebels (Syria), according to SOHR, state media (corroborated; 2 sources).")
    assert row(["Aleppo 24"])["source_scale"] == "Other"
    assert row()["source"] == "SOHR; state media"  # no outlet known: the speakers, rather than nothing


def test_fatalities_take_the_most_conservative_figure_the_reports_give():
    assert fatalities(["Shelling hit the market, killing 12 people.", "At least 15 people were killed."], ACLED) == 12
    assert fatalities(["Le bombardement a fait 7 morts selon les secouristes."], ACLED) == 7
    assert fatalities(["The army took 3 districts."], ACLED) == 0
    assert row(type="strike", sentences='["A strike killed 9 in Sakhour."]')["fatalities"] == 9


def test_time_precision_follows_how_far_the_reports_disagree():
    assert row()["time_precision"] == 1
    assert row(date_first="2016-11-25", date_last="2016-11-28")["time_precision"] == 2
    assert row(date_first="2016-10-01", date_last="2016-11-28")["time_precision"] == 3


def test_the_export_time_is_fixed_by_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1480000000")
    assert export_stamp() == 1480000000
    assert acled_row(ev(), 37.19, 36.22, ACLED)["timestamp"] == 1480000000


def test_provenance_columns_keep_the_evidence_and_only_http_links():
    r = row()
    assert r["quote"] == "The army took Sakhour." and r["source_url"] == "https://example.org/a"
    assert (r["actor_gaining"], r["actor_losing"]) == ("government", "opposition")
    assert (r["control_before"], r["control_after"], r["claim_status"]) == ("opposition", "government", "corroborated")
    assert (r["latitude"], r["longitude"], r["geo_precision"]) == (36.22, 37.19, 1)


def test_an_export_appended_to_acled_data_reads_back_with_its_types(tmp_path):
    # a few rows shaped as an ACLED download, written by the project
    acled = pd.DataFrame([{c: "" for c in ACLED_COLUMNS} | {
        "event_id_cnty": f"SYR{n}", "event_date": "2016-11-27", "year": 2016, "time_precision": 1,
        "disorder_type": "Political violence", "event_type": "Battles", "sub_event_type": "Armed clash",
        "actor1": "Military Forces of Syria (2000-)", "inter1": 1, "actor2": "Opposition Rebels (Syria)", "inter2": 2,
        "interaction": 12, "iso": 760, "region": "Middle East", "country": "Syria", "admin1": "Aleppo",
        "location": "Aleppo", "latitude": 36.2, "longitude": 37.16, "geo_precision": 1, "source": "SOHR",
        "source_scale": "Other", "notes": "Clashes.", "fatalities": 3, "timestamp": 1480300000} for n in (1, 2)])
    acled.to_csv(tmp_path / "acled.csv", index=False)
    ours = pd.DataFrame([acled_row(e, 37.19, 36.22, ACLED, ["AFP"], 1_700_000_000) for e in VARIETY])
    ours[ACLED_COLUMNS].to_csv(tmp_path / "geo.csv", index=False)
    both = pd.concat([pd.read_csv(tmp_path / "acled.csv"), pd.read_csv(tmp_path / "geo.csv")], ignore_index=True)
    for col in ("year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision", "fatalities",
                "timestamp"):
        assert pd.api.types.is_integer_dtype(both[col]), col
    assert pd.api.types.is_float_dtype(both["latitude"]) and len(both) == 2 + len(VARIETY)
    assert (both["event_type"] == "Battles").sum() >= 5  # captures too: a Battles filter keeps them
