"""``geo extract --explain``: why each field of a claim was read, on passages written for these tests."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli.explain import claim_text
from geo.cli.main import main
from geo.model import Article
from geo.pipeline import Reader
from geo.settings import Settings

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture(scope="module")
def reader():
    return Reader(Settings.resolve(DATA))


def why(reader, text, lang="en", published="2016-11-28", place=None, kind=None):
    """The claim (of ``place``, of type ``kind``) the text makes, and its explain object."""
    claims, _ = reader.read(Article(id="t", title="", date=published, text=text, lang=lang))
    found = [c for c in claims if place in (None, c.place.id) and kind in (None, c.type)]
    assert len(found) == 1, [(c.type, c.place.id, c.faction) for c in claims]
    return found[0], found[0].explain


def test_cue_place_side_date_and_sources(reader):
    c, w = why(reader, "On Sunday government troops retook Sakhour, a military source told state media.")
    assert (c.type, c.place.id, c.faction) == ("capture", "aleppo-as-sakhour", "government")
    assert w["cue"] == {"words": "retook", "type": "capture"}
    assert w["place"] == {"words": "Sakhour", "via": "object"}
    assert w["side"] == {"words": "government troops", "from": "clause"}
    assert w["date"] == {"words": "Sunday", "from": "sentence", "counted_from": "2016-11-28"}
    assert w["status"] == {"status": "reported", "words": None}
    assert w["sources"] == ["military source", "state TV"]


def test_side_from_an_agent_and_place_as_subject(reader):
    c, w = why(reader, "Sakhour was captured by the rebels on Friday.")
    assert (c.faction, w["side"]) == ("opposition", {"words": "rebels", "from": "agent"})
    assert w["place"]["via"] == "subject"


def test_side_from_the_paragraph_and_date_from_the_paragraph(reader):
    text = "Rebel fighters pushed into the west of the city on 3 November. They captured Sakhour after a night of fighting."
    c, w = why(reader, text, place="aleppo-as-sakhour")
    assert c.faction == "opposition" and w["side"] == {"words": "Rebel fighters", "from": "paragraph"}
    assert w["date"] == {"words": "on 3 November", "from": "paragraph", "counted_from": None}


def test_side_from_a_losers_framing(reader):
    c, w = why(reader, "Rebels withdrew from Sakhour on Saturday.")
    assert c.faction == "government" and w["side"] == {"words": "Rebels", "from": "loser"}


def test_side_from_the_words_after_the_place(reader):
    c, w = why(reader, "La chute de Sakhour aux mains de l'armée syrienne a été confirmée samedi.", lang="fr",
               kind="capture")
    assert c.faction == "government" and w["side"]["from"] == "gainer"


def test_a_coreference_says_which_place_it_stood_for(reader):
    text = "Les combats se concentrent sur Sakhour. L'armée a repris le quartier dimanche."
    c, w = why(reader, text, lang="fr", place="aleppo-as-sakhour", kind="capture")
    assert c.type == "capture" and w["place"] == {"words": "quartier", "via": "object, coreference"}


def test_modality_words_and_publication_date(reader):
    c, w = why(reader, "The army is preparing to retake Sakhour.")
    assert c.status == "planned" and w["status"]["words"] == "preparing"
    c, w = why(reader, "Rebels tried to retake Sakhour.")
    assert c.status == "attempted" and "tried to" in w["status"]["words"]
    c, w = why(reader, "The rebels hold Sakhour.")
    assert w["date"] == {"from": "publication", "words": None, "counted_from": "2016-11-28"}


def test_a_side_nobody_named_is_explained_as_none(reader):
    c, w = why(reader, "Sakhour fell on Sunday.")
    assert c.faction == "" and w["side"] == {"from": None}


def test_cli_explain_in_json_lines_and_text(tmp_path):
    art = tmp_path / "a.en.md"
    art.write_text("---\ndate: 2016-11-28\n---\nOn Sunday the Syrian army captured Jabal Badro, state TV said.\n")
    res = CliRunner().invoke(main, ["extract", str(art), "--explain", "--data-dir", str(DATA)])
    assert res.exit_code == 0, res.output
    (row,) = [json.loads(x) for x in res.stdout.splitlines()]
    assert row["explain"]["side"] == {"words": "Syrian army", "from": "clause"}
    plain = CliRunner().invoke(main, ["extract", str(art), "--data-dir", str(DATA)])
    assert "explain" not in json.loads(plain.stdout.splitlines()[0])  # only when asked
    text = CliRunner().invoke(main, ["extract", str(art), "--format", "text", "--explain", "--data-dir", str(DATA)])
    lines = text.stdout.splitlines()
    assert lines[0].startswith("2016-11-27  capture  Jabal Badro  government  reported")
    assert '    side:     "Syrian army" (from the clause)' in lines
    assert '    date:     "Sunday" (from the sentence, counted from 2016-11-28)' in lines
    art.write_text("---\ndate: 2016-11-28\n---\nThe rebels hold Jabal Badro.\n")
    text = CliRunner().invoke(main, ["extract", str(art), "--format", "text", "--explain", "--data-dir", str(DATA)])
    assert "    date:     none in the text: as of publication (2016-11-28)" in text.stdout.splitlines()


def test_a_misspelled_place_read_from_its_list_says_so(reader):
    text = "Army units retook Sheikh Khodr, Haydariyeh and Bustan al-Bashsa on Sunday, a monitor said."
    c, w = why(reader, text, place="aleppo-bustan-al-basha")
    assert (c.type, c.faction, c.place.mention) == ("capture", "government", "Bustan al-Bashsa")
    assert w["place"]["resolved"].startswith("listed with places; spelled like Bustan al-Basha")
    assert "spelled like Bustan al-Basha" in claim_text(c, explain=True)
    alone, unread = reader.read(Article(id="t", title="", date="2016-11-28", lang="en",
                                        text="Army units retook Bustan al-Bashsa on Sunday."))
    assert alone == [] and unread[0][0] == "Bustan al-Bashsa"  # alone, the name waits for review
