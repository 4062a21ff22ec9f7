"""ACLED-compatible export: column order, territory categories, strikes, provenance columns."""

from geo.export import ACLED_COLUMNS, EXTENSION_COLUMNS, acled_row


def ev(**kw):
    base = {"id": "abcdef1234567890", "type": "capture", "faction": "government", "opponent": "opposition",
            "date": "2016-11-28", "precision": 1, "place_id": "aleppo-as-sakhour", "place_name": "as-Sakhour",
            "sources": '["SOHR", "state media"]', "sentences": '["The army took Sakhour."]',
            "urls": '["javascript:alert(1)", "https://example.org/a"]', "status": "corroborated",
            "held_before": "opposition", "held_after": "government", "check": "consistent", "n_sources": 2}
    base.update(kw)
    return base


def test_columns_are_acled_in_order_then_extensions():
    row = acled_row(ev(), 37.19, 36.22)
    assert list(row) == ACLED_COLUMNS + EXTENSION_COLUMNS
    assert ACLED_COLUMNS[0] == "event_id_cnty" and ACLED_COLUMNS[-1] == "timestamp" and len(ACLED_COLUMNS) == 31


def test_territory_categories_by_who_gains():
    assert acled_row(ev(), 37.19, 36.22)["sub_event_type"] == "Government regains territory"
    row = acled_row(ev(faction="opposition", opponent="government"), 37.19, 36.22)
    assert row["sub_event_type"] == "Non-state actor overtakes territory"
    assert row["actor1"] == "Opposition Rebels (Syria)" and row["interaction"] == "12"


def test_clashes_strikes_and_control_statements():
    assert acled_row(ev(type="clash"), 37.1, 36.2)["sub_event_type"] == "Armed clash"
    assert acled_row(ev(type="strike", sentences='["Barrel bombs hit the district."]'), 37.1, 36.2)[
        "sub_event_type"] == "Air/drone strike"
    assert acled_row(ev(type="strike", sentences='["Artillery shelled the district."]'), 37.1, 36.2)[
        "sub_event_type"] == "Shelling/artillery/missile attack"
    assert acled_row(ev(type="control"), 37.1, 36.2) is None


def test_provenance_columns_keep_the_evidence_and_only_http_links():
    row = acled_row(ev(), 37.19, 36.22)
    assert row["source"] == "SOHR; state media" and row["quote"] == "The army took Sakhour."
    assert row["source_url"] == "https://example.org/a"
    assert (row["actor_gaining"], row["actor_losing"]) == ("government", "opposition")
    assert (row["control_before"], row["control_after"], row["claim_status"]) == ("opposition", "government",
                                                                                 "corroborated")
    assert (row["latitude"], row["longitude"], row["geo_precision"]) == (36.22, 37.19, 1)
