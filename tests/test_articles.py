"""Parsing reports: front matter, ids, dates, language, formats, bad input."""

import json
from pathlib import Path

import pytest

from geo.articles import (
    detect_language,
    find_article_files,
    normalise_text,
    parse_article_text,
    read_article_file,
    read_articles,
    undated,
)
from geo.io import InputError


def test_front_matter_and_id_from_file_name(tmp_path):
    p = tmp_path / "2016-11-08-mee-alep-1070.fr.md"
    p.write_text("---\ntitle: \"Titre\"\ndate: 2016-11-08\nsource: MEE\nlang: fr\n---\nTexte de l'article.\n")
    (a,) = read_article_file(p)
    assert (a.id, a.title, a.date, a.source, a.lang) == ("2016-11-08-mee-alep-1070.fr", "Titre", "2016-11-08",
                                                         "MEE", "fr")
    assert a.text == "Texte de l'article.\n" and len(a.hash) == 40


def test_front_matter_id_wins_and_date_from_name_when_absent(tmp_path):
    a = parse_article_text("---\nid: custom\ndate: 2016-11-08\n---\nThe army took the town.", tmp_path / "x.md")
    assert a.id == "custom"
    # an undated report is read, not refused: its claims carry the dates the text gives
    undated_art = parse_article_text("The army took the town.", tmp_path / "x.md")
    assert undated_art.date == "" and "no publication date" in undated(undated_art)
    month = parse_article_text("---\ndate: 2016-10\n---\nThe army took the town.", tmp_path / "y.md")
    assert month.date == "2016-10" and "has no day" in undated(month)
    with pytest.raises(InputError, match="not an ISO date"):
        parse_article_text("---\ndate: 2016-13\n---\nThe army took the town.", tmp_path / "z.md")
    b = parse_article_text("The army took the town.", tmp_path / "2016-12-22-final.en.txt")
    assert b.date == "2016-12-22" and b.lang == "en"


def test_bad_front_matter_and_date_name_the_file(tmp_path):
    with pytest.raises(InputError, match=r"x\.md: date 'yesterday'"):
        parse_article_text("---\ndate: yesterday\n---\nText", tmp_path / "x.md")
    with pytest.raises(InputError, match=r"x\.md: front matter is not valid YAML"):
        parse_article_text("---\ntitle: [unclosed\n---\nText", tmp_path / "x.md")


def test_html_is_stripped_and_scripts_dropped(tmp_path):
    p = tmp_path / "2016-12-01-a.html"
    p.write_text("<html><script>alert(1)</script><p>The army took <b>Sakhour</b>.</p></html>")
    (a,) = read_article_file(p)
    assert "alert" not in a.text and "The army took Sakhour" in " ".join(a.text.split())


def test_jsonl_holds_many_articles_and_reports_bad_lines(tmp_path):
    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"id": "a", "date": "2016-11-08", "text": "Le régime a repris le quartier."}) + "\n"
                 + json.dumps({"date": "2016-11-09", "text": "The army took it."}) + "\n")
    arts = read_article_file(p)
    assert [(a.id, a.lang) for a in arts] == [("a", "fr"), ("feed-2", "en")]
    p.write_text('{"id": "a", "date": "2016-11-08"}\n')
    with pytest.raises(InputError, match=r"feed\.jsonl: line 1: an article needs a 'text' field"):
        read_article_file(p)


def test_directory_expansion_skips_readme_and_duplicate_ids_are_refused(tmp_path):
    (tmp_path / "README.md").write_text("# not an article")
    (tmp_path / "a.md").write_text("---\nid: same\ndate: 2016-11-08\n---\nx")
    (tmp_path / "b.md").write_text("---\nid: same\ndate: 2016-11-08\n---\ny")
    files = find_article_files([tmp_path])
    assert [f.name for f in files] == ["a.md", "b.md"]
    with pytest.raises(InputError, match="already used"):
        read_articles([tmp_path])
    with pytest.raises(InputError, match="no such file"):
        find_article_files([tmp_path / "missing.md"])


def test_detect_language():
    assert detect_language("Selon l'OSDH, les forces du régime ont pris le contrôle du quartier") == "fr"
    assert detect_language("According to the monitor, the army has taken the district") == "en"


def test_hard_wrapped_wire_copy_is_joined_back_into_sentences():
    raw = ("    BEYROUTH (Reuters) - Des rebelles ont lancé \nune offensive contre la \nbase de Sakhour.\n"
           "    Vendredi, les insurgés ont investi le bâtiment.\n\nA headline\nThe body starts here.\n- a bullet\n")
    assert normalise_text(raw) == (
        "BEYROUTH (Reuters) - Des rebelles ont lancé une offensive contre la base de Sakhour.\n"
        "    Vendredi, les insurgés ont investi le bâtiment.\n\nA headline\nThe body starts here.\n- a bullet\n")


def test_french_elisions_whose_apostrophe_became_a_question_mark_are_mended():
    assert normalise_text("L?Armée a pris l?académie d?armement. Qu?il vienne? Oui? Is it?") == \
        "L'Armée a pris l'académie d'armement. Qu'il vienne? Oui? Is it?\n"


SAVED_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Army takes Sakhour in east Aleppo | The Northern Courier</title>
<meta property="og:title" content="Army takes Sakhour in east Aleppo">
<meta property="og:site_name" content="The Northern Courier">
<meta property="article:published_time" content="2016-11-28T09:30:00+00:00">
<link rel="canonical" href="https://courier.example/world/aleppo-sakhour">
<script>window.dataLayer = []; function track() { return "Rebels recaptured Hanano"; }</script>
<style>nav { color: red }</style></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/x">Rebels recaptured Hanano, live updates</a></li></ul></nav>
<main><article>
<h1>Army takes Sakhour in east Aleppo</h1>
<p class="byline">By a staff reporter</p>
<p>Syrian government troops captured the Sakhour district of eastern Aleppo on Monday, pushing deeper
into the rebel-held half of the city after a night of heavy shelling, a military source said.</p>
<p>Thousands of residents fled towards the west as the fighting moved street by street, and aid workers
warned that food and fuel were running out in the districts still outside government control.</p>
</article></main>
<aside class="most-read"><h2>Most read</h2><ol><li><a href="/a">Rebels seized the Kindi hospital</a></li>
<li><a href="/b">Kurdish fighters took Sheikh Maqsoud</a></li></ol></aside>
<footer><p>© The Northern Courier. Subscribe to our newsletter.</p></footer>
</body></html>
"""


def test_a_saved_web_page_is_read_as_a_page(tmp_path):
    from geo.pipeline import Reader
    from geo.settings import Settings

    page = tmp_path / "courier-sakhour.html"
    page.write_text(SAVED_PAGE, encoding="utf-8")
    (art,) = read_article_file(page)
    assert (art.title, art.date, art.url, art.source) == ("Army takes Sakhour in east Aleppo", "2016-11-28",
                                                          "https://courier.example/world/aleppo-sakhour",
                                                          "The Northern Courier")
    assert "Syrian government troops captured the Sakhour district" in art.text
    for boiler in ("Home", "Most read", "Kindi", "Hanano", "newsletter", "dataLayer", "Army takes Sakhour in east"):
        assert boiler not in art.text, boiler  # menus, boxes, footer, scripts, and the headline once only
    claims, _ = Reader(Settings.resolve(Path(__file__).resolve().parent.parent / "data")).read(art)
    changes = [(c.type, c.place.id) for c in claims if c.type in ("capture", "advance")]
    assert changes == [("capture", "aleppo-as-sakhour")]  # nothing from the menus or the "most read" box


def test_the_front_matter_wins_over_what_the_page_says(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("---\ndate: 2016-11-29\nsource: Wire desk\n---\n" + SAVED_PAGE, encoding="utf-8")
    (art,) = read_article_file(page)
    assert (art.date, art.source, art.title) == ("2016-11-29", "Wire desk", "Army takes Sakhour in east Aleppo")
    (over,) = read_article_file(page, published="2016-12-01")
    assert over.date == "2016-12-01"


FRENCH = ("---\ndate: 2016-11-28\n---\nLes forces du régime ont repris lundi le quartier de Sakhour, à l'est d'Alep, "
          "après une nuit de combats acharnés, selon l'Observatoire syrien des droits de l'homme. Des milliers "
          "d'habitants ont fui vers l'ouest de la ville, où les écoles accueillent déjà des familles déplacées.\n")
ARABIC = ("---\ndate: 2016-11-28\nlang: ar\n---\nسيطرت القوات الحكومية السورية يوم الاثنين على حي الصاخور في شرق "
          "مدينة حلب بعد ليلة من المعارك العنيفة، بحسب المرصد السوري لحقوق الإنسان. وفر آلاف السكان نحو غرب "
          "المدينة حيث تستقبل المدارس عائلات نازحة.\n")


@pytest.mark.parametrize("text,encoding", [(FRENCH, "latin-1"), (FRENCH, "cp1252"), (ARABIC, "cp1256"),
                                           (FRENCH, "utf-8-sig")])
def test_legacy_encodings_and_a_byte_order_mark_are_read(tmp_path, text, encoding):
    path = tmp_path / "a.md"
    path.write_bytes(text.encode(encoding))
    said: list[str] = []
    (art,) = read_article_file(path, warn=said.append)
    assert art.text.strip() == text.split("---\n")[-1].strip() and art.date == "2016-11-28"
    assert bool(said) == (encoding != "utf-8-sig")  # a legacy encoding is named; a BOM is just UTF-8
    assert not said or (str(path) in said[0] and "read as" in said[0])


def test_crlf_line_ends_are_read_and_binary_is_refused(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(FRENCH.replace("\n", "\r\n").encode("utf-8"))
    (art,) = read_article_file(path)
    assert art.date == "2016-11-28" and "\r" not in art.text
    binary = tmp_path / "b.md"
    binary.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(InputError, match=r"b\.md: binary data, not text"):
        read_article_file(binary)


def test_glob_patterns_pick_files_and_json_lines_across_a_tree(tmp_path):
    from geo.articles import read_articles

    (tmp_path / "nov" / "afp").mkdir(parents=True)
    (tmp_path / "dec").mkdir()
    (tmp_path / "nov" / "afp" / "2016-11-28-a.md").write_text("The army took Sakhour.", encoding="utf-8")
    (tmp_path / "dec" / "batch.jsonl").write_text(
        '{"id": "d1", "date": "2016-12-01", "text": "Rebels held Sheikh Saeed."}\n'
        '{"id": "d2", "date": "2016-12-02", "text": "Troops entered Sheikh Saeed."}\n', encoding="utf-8")
    (tmp_path / "dec" / "notes.md").write_text("Not wanted here.", encoding="utf-8")
    arts = read_articles([tmp_path / "nov" / "**" / "*.md", tmp_path / "dec" / "*.jsonl"])
    assert [a.id for a in arts] == ["2016-11-28-a", "d1", "d2"]
    skipped: list[tuple[str, str]] = []
    assert read_articles([tmp_path / "jan" / "*.md"], skip=lambda w, why: skipped.append((w, why))) == []
    assert skipped and "no file matches this pattern" in skipped[0][1]


def test_parsed_files_are_kept_by_content_and_what_they_said_is_said_again(tmp_path):
    from geo.io import DiskMemo

    d = tmp_path / "articles"
    d.mkdir()
    (d / "2016-11-28-a.md").write_bytes(FRENCH.encode("latin-1"))  # warns: not UTF-8
    (d / "b.jsonl").write_text('{"text": "Aleppo, the army said.", "date": "2016-11-29"}\nnot json\n',
                               encoding="utf-8")  # one record skipped
    memo_path = tmp_path / "memo.pickle"

    def read(strict: bool = False) -> tuple[list, list, list, DiskMemo]:
        said: list[str] = []
        skipped: list[tuple[str, str]] = []
        memo = DiskMemo(memo_path, "v1")
        arts = read_articles([d], warn=said.append, memo=memo,
                             skip=None if strict else lambda where, why: skipped.append((where, why)))
        memo.save()
        return [a.to_dict() for a in arts], said, skipped, memo

    first = read()
    second = read()
    assert second[:3] == first[:3] and len(first[0]) == 2 and first[1] and first[2]
    assert (second[3].hits, second[3].misses) == (2, 0)
    # a strict read of a file a lenient one skipped a record of still stops there, with the same words
    with pytest.raises(InputError, match=r"b\.jsonl: line 2: invalid JSON"):
        read(strict=True)
    (d / "2016-11-28-a.md").write_text(FRENCH.replace("2016-11-28", "2016-11-30"), encoding="utf-8")
    third = read()
    assert (third[3].hits, third[3].misses) == (1, 1) and not third[1]  # UTF-8 now: no warning
    assert third[0][0]["date"] == "2016-11-30"
