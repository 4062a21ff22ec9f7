"""Dates in reports, resolved against the publication date."""

from datetime import date
from pathlib import Path

import pytest

from geo.read.dates import find_dates, resolve_day_month, resolve_weekday
from geo.read.lexicon import fold_keep_length, load_lexicons

LEX = load_lexicons(Path(__file__).resolve().parent.parent / "data" / "lexicon")
PUB = date(2016, 11, 8)  # a Tuesday


@pytest.mark.parametrize("weekday,expected", [(1, "2016-11-08"), (0, "2016-11-07"), (6, "2016-11-06"),
                                              (2, "2016-11-02")])
def test_weekday_is_latest_on_or_before_publication(weekday, expected):
    assert resolve_weekday(weekday, PUB).isoformat() == expected


def test_explicit_date_without_year_takes_publication_year_unless_in_future():
    assert resolve_day_month(29, 10, None, PUB) == date(2016, 10, 29)
    # "le 30 décembre" read in early January is last year's
    assert resolve_day_month(30, 12, None, date(2017, 1, 3)) == date(2016, 12, 30)
    # an explicit year is kept, even far from publication
    assert resolve_day_month(12, 3, 2013, PUB) == date(2013, 3, 12)
    assert resolve_day_month(31, 2, None, PUB) is None


@pytest.mark.parametrize("lang,text,expected", [
    ("fr", "L'armée a repris mardi le quartier", "2016-11-08"),
    ("fr", "Hier, les rebelles se sont retirés", "2016-11-07"),
    ("fr", "Le 29 octobre, les rebelles ont contre-attaqué", "2016-10-29"),
    ("fr", "le 1er novembre 2016", "2016-11-01"),
    ("fr", "en mars 2013 puis le 12 mars 2013", "2013-03-12"),
    ("en", "On Sunday the army took the district", "2016-11-06"),
    ("en", "Rebels withdrew overnight", "2016-11-07"),  # the night before publication began the day before
    ("fr", "dans la nuit de lundi à mardi", "2016-11-07"),
    ("fr", "Le régime a annoncé mardi que le quartier a été repris la veille", "2016-11-07"),
    ("en", "Fighting has raged since 1 November", None),
    ("en", "on 7 November", "2016-11-07"),
    ("en", "on 27 November", "2015-11-27"),  # three weeks after publication: last year
    ("en", "on November 3, 2016", "2016-11-03"),
    ("en", "yesterday", "2016-11-07"),
])
def test_find_dates(lang, text, expected):
    found = find_dates(fold_keep_length(text), PUB, LEX[lang])
    if expected is None:  # "since 1 November" opens a period: no event date
        assert found == [], text
        return
    assert found, text
    assert found[-1].day.isoformat() == expected


def test_find_dates_gives_spans_into_the_sentence():
    text = "Le 29 octobre, mardi"
    found = find_dates(fold_keep_length(text), PUB, LEX["fr"])
    assert [text[d.start:d.end].strip() for d in found] == ["Le 29 octobre", "mardi"]


def test_a_bare_other_year_keeps_its_year_with_year_precision():
    found = find_dates(fold_keep_length("the first district taken by the rebels in 2012"), PUB, LEX["en"])
    assert [(d.day.isoformat(), d.precision) for d in found] == [("2012-01-01", "year")]
    assert find_dates(fold_keep_length("pris par les rebelles en 2012"), PUB, LEX["fr"])[0].day.year == 2012
    assert find_dates(fold_keep_length("in 2016 the army"), PUB, LEX["en"]) == []
