"""The command line end to end: help, extract on the seed article, validate, build and its failure modes."""

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from geo.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SHARED = ROOT.parent / "shared"
SEED = SHARED / "corpus" / "2016-11-08-mee-alep-1070.fr.md"
GOLD = SHARED / "corpus" / "2016-11-08-mee-alep-1070.fr.gold.yaml"
HAVE_ASSETS = (ROOT / "node_modules" / "leaflet").is_dir()

COMMANDS = ["build", "ingest", "extract", "events", "layers", "render", "validate", "gazetteer", "control", "diff", "stats",
            "export", "compare-acled"]


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env, catch_exceptions=False)


def copy_inputs(dst: Path) -> Path:
    """A private copy of the hand-made inputs (never the build dir)."""
    d = dst / "data"
    shutil.copytree(DATA, d, ignore=shutil.ignore_patterns("build"))
    return d


def test_help_lists_every_command_and_each_has_an_example():
    out = run("--help").output
    for cmd in COMMANDS:
        assert cmd in out
    groups = {"gazetteer": ["import", "add", "alias", "lookup", "stats"], "control": ["import", "draft"]}
    calls = [[c] for c in COMMANDS if c not in groups] + [[g, c] for g, cs in groups.items() for c in cs]
    for cmd in calls:
        res = run(*cmd, "--help")
        assert res.exit_code == 0, cmd
        assert "Example" in res.output and "--data-dir" in res.output and "--build-dir" in res.output, cmd


@pytest.mark.skipif(not SEED.exists(), reason="../shared/corpus is not beside the checkout")
def test_seed_article_meets_its_expected_reading():
    res = run("extract", SEED, "--data-dir", DATA)
    assert res.exit_code == 0, res.output
    claims = [json.loads(line) for line in res.stdout.splitlines() if line.strip()]
    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    names = {"1070 Apartments": "aleppo-1070-apartments", "eastern Aleppo": "aleppo-east",
             "western Aleppo": "aleppo-west", "Aleppo": "aleppo"}

    def matches(c, want):
        if c["place"]["id"] != names[want["place"]]:
            return False
        for key in ("type", "faction", "opponent", "status"):
            if key in want and c[key] != want[key]:
                return False
        if "event_date" in want and c["event_date"] != str(want["event_date"]):
            return False
        if "attributed_to_any_of" in want:
            wanted = {s.lower() for s in want["attributed_to_any_of"]}
            if not wanted & {s.lower() for s in c["attributed_to"]}:
                return False
        return True

    missing = [w for w in gold["must"] if not any(matches(c, w) for c in claims)]
    assert not missing, f"missing: {missing}"
    # must_not: no claim at Damascus / abroad, no opposition capture of the west, nothing from the footer
    assert not [c for c in claims if c["place"]["id"] in {"damascus"} or c["place"]["lat"] < 32.3]
    assert not [c for c in claims if c["type"] == "capture" and c["place"]["id"] == "aleppo-west"
                and c["faction"] == "opposition"]
    assert not [c for c in claims if "Middle East Eye propose" in c["sentence"]]
    assert all(c["article"] == "2016-11-08-mee-alep-1070.fr" and c["published"] == "2016-11-08" for c in claims)
    cap = [c for c in claims if c["type"] == "capture" and c["place"]["id"] == "aleppo-1070-apartments"]
    assert cap[0]["place"]["name"] == "1070 Apartments"
    assert any(c["loser_confirms"] for c in cap)


def test_extract_csv_to_file(tmp_path):
    art = tmp_path / "2016-11-28-a.en.md"
    art.write_text("---\ndate: 2016-11-28\n---\nOn Sunday the Syrian army captured Jabal Badro, state TV said.\n")
    out = tmp_path / "claims.csv"
    res = run("extract", art, "--format", "csv", "-o", out, "--data-dir", DATA)
    assert res.exit_code == 0, res.output
    text = out.read_text()
    assert text.splitlines()[0].startswith("id,article,published,type")
    assert ",capture," in text and "2016-11-27" in text and "Jabal Badro" in text


def test_extract_reads_an_undated_report_beside_dated_ones_and_warns(tmp_path):
    (tmp_path / "a.en.md").write_text("The Syrian army captured Jabal Badro on 27 November 2016.\n")
    (tmp_path / "b.en.md").write_text("---\ndate: 2016-11\n---\nOn Sunday the Syrian army captured Jabal Badro.\n")
    (tmp_path / "c.en.md").write_text("---\ndate: 2016-11-28\n---\nOn Sunday the Syrian army captured Jabal Badro.\n")
    res = CliRunner().invoke(main, ["extract", str(tmp_path), "--data-dir", str(DATA)])
    assert res.exit_code == 0, res.output
    rows = {r["article"]: r for r in map(json.loads, res.stdout.splitlines())}
    assert (rows["a.en"]["published"], rows["a.en"]["event_date"], rows["a.en"]["date_precision"]) == \
        ("", "2016-11-27", "day")
    assert (rows["b.en"]["event_date"], rows["b.en"]["event_date_end"], rows["b.en"]["date_precision"]) == \
        ("2016-11-01", "2016-11-30", "month")
    assert rows["c.en"]["event_date"] == "2016-11-27"
    assert "a.en.md: no publication date" in res.stderr and "b.en.md: publication date 2016-11 has no day" in res.stderr


def test_extract_counts_the_changes_that_name_no_side(tmp_path):
    (tmp_path / "a.en.md").write_text("---\ndate: 2016-11-28\n---\nResidents said Jabal Badro fell on Monday.\n")
    res = CliRunner().invoke(main, ["extract", str(tmp_path), "--data-dir", str(DATA)])
    assert res.exit_code == 0, res.output
    (row,) = [json.loads(x) for x in res.stdout.splitlines()]
    assert row["faction"] is None and row["type"] == "capture"
    assert "1 change(s) name no side" in res.stderr


def test_validate_accepts_the_default_data():
    res = run("validate", "--data-dir", DATA)
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("content,expected", [
    ("{not json", "invalid JSON"),
    ('{"type": "Feature", "properties": {}, "geometry": null}', "FeatureCollection"),
    ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"faction": "rebelz"},'
     ' "geometry": {"type": "Polygon", "coordinates": [[[37.1,36.2],[37.2,36.2],[37.2,36.3],[37.1,36.2]]]}}]}',
     "rebelz"),
])
def test_validate_reports_a_broken_control_file(tmp_path, content, expected):
    d = copy_inputs(tmp_path)
    bad = d / "control" / "2016-10-01.geojson"
    bad.write_text(content)
    res = CliRunner().invoke(main, ["validate", "--data-dir", str(d)])
    assert res.exit_code == 1
    assert "2016-10-01.geojson" in res.stderr and expected in res.stderr


def test_validate_repairs_a_bow_tie_with_a_warning(tmp_path):
    d = copy_inputs(tmp_path)
    (d / "control" / "2016-10-01.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"faction": "government"}, "geometry": {"type": "Polygon", "coordinates": [
            [[37.10, 36.20], [37.12, 36.22], [37.12, 36.20], [37.10, 36.22], [37.10, 36.20]]]}}]}))
    res = CliRunner().invoke(main, ["validate", "--data-dir", str(d)])
    assert res.exit_code == 0, res.stderr
    assert "2016-10-01.geojson" in res.stderr and "warning" in res.stderr


@pytest.mark.skipif(not HAVE_ASSETS, reason="node_modules missing: run `make install` (npm ci)")
def test_build_is_incremental_and_a_failed_build_keeps_the_previous_map(tmp_path):
    d = copy_inputs(tmp_path)
    b = tmp_path / "build"
    res = CliRunner().invoke(main, ["build"], env={"GEO_DATA_DIR": str(d), "GEO_BUILD_DIR": str(b)})
    assert res.exit_code == 0, res.stderr
    html = b / "maps" / "aleppo-2016.html"
    assert html.exists() and (b / "claims.jsonl").exists() and (b / "control.gpkg").exists()
    assert (b / "events.gpkg").exists() and (b / "unresolved.csv").exists()
    before = html.read_bytes()
    res = run("build", "--data-dir", d, "--build-dir", b)
    assert res.stderr.count("up to date") == 5
    # a new article re-runs the reading stages, from the per-article cache for the others
    (d / "articles" / "2016-12-23-extra.en.md").write_text(
        "---\ndate: 2016-12-23\n---\nOn Thursday the army said it had taken Sheikh Saeed.\n")
    res = run("build", "--data-dir", d, "--build-dir", b)
    assert "from cache" in res.stderr and "ingest: running" in res.stderr
    # break a control file: the build fails with one line, and the previous map stays
    after_good = html.read_bytes()
    assert after_good and before
    (d / "control" / "2016-11-08.geojson").write_text("{broken")
    res = CliRunner().invoke(main, ["build", "--data-dir", str(d), "--build-dir", str(b), "--force"])
    assert res.exit_code == 1
    assert len(res.stderr.strip().splitlines()[-1]) < 300 and "2016-11-08.geojson" in res.stderr
    assert html.read_bytes() == after_good
    assert not list((b / "maps").glob(".*"))  # no temporary file left behind


def test_render_refuses_an_image_size_it_cannot_draw(tmp_path):
    res = run("render", "--data-dir", DATA, "--build-dir", tmp_path / "build", "--png", tmp_path / "png",
              "--size", "big")
    assert res.exit_code == 2 and "WIDTHxHEIGHT" in res.output
    assert not (tmp_path / "png").exists() and not (tmp_path / "build").exists()  # nothing half-written


def test_acled_export_of_the_default_build_is_by_the_codebook_and_reproducible(tmp_path):
    import pandas as pd

    d, b = copy_inputs(tmp_path), tmp_path / "build"
    env = {"SOURCE_DATE_EPOCH": "1480000000"}
    for out in ("a.csv", "b.csv"):
        res = run("export", "--format", "acled", "-o", tmp_path / out, "--data-dir", d, "--build-dir", b, env=env)
        assert res.exit_code == 0, res.output
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()  # a rebuild is byte-identical
    rows = pd.read_csv(tmp_path / "a.csv")
    captures = rows[rows["sub_event_type"].str.contains("territory")]
    assert len(captures) > 10 and set(captures["event_type"]) == {"Battles"}
    assert set(rows["timestamp"]) == {1480000000}
    # the outlets that printed the reports, not the people quoted in them
    assert rows["source"].str.contains("geo sample dispatch").all() and not rows["source"].str.contains("SOHR").any()
    # appended to rows shaped as an ACLED download, the export reads back with ACLED's types
    from geo.export import ACLED_COLUMNS

    theirs = pd.DataFrame([{c: "" for c in ACLED_COLUMNS} | {
        "event_id_cnty": "SYR1", "event_date": "2016-11-27", "year": 2016, "time_precision": 1, "inter1": 1,
        "inter2": 2, "interaction": 12, "iso": 760, "latitude": 36.2, "longitude": 37.16, "geo_precision": 1,
        "fatalities": 3, "timestamp": 1480300000, "event_type": "Battles", "sub_event_type": "Armed clash"}])
    both = pd.concat([theirs, rows[ACLED_COLUMNS]], ignore_index=True)
    both.to_csv(tmp_path / "both.csv", index=False)
    back = pd.read_csv(tmp_path / "both.csv")
    for col in ("year", "time_precision", "inter1", "inter2", "interaction", "iso", "geo_precision", "fatalities",
                "timestamp"):
        assert pd.api.types.is_integer_dtype(back[col]), col
    shutil.rmtree(d / "acled")
    res = run("export", "--format", "acled", "--data-dir", d, "--build-dir", b)
    assert res.exit_code != 0 and "acled" in res.output and "codebook" in res.output


def test_compare_acled_on_the_default_build(tmp_path):
    import pandas as pd

    from geo.acled_compare import REQUIRED

    d, b = copy_inputs(tmp_path), tmp_path / "build"
    assert run("layers", "--data-dir", d, "--build-dir", b).exit_code == 0
    evs = __import__("geopandas").read_file(b / "control.gpkg", layer="events")
    cap = evs[(evs["type"] == "capture") & (evs["faction"] == "government")].iloc[0]
    rows = [{c: "" for c in REQUIRED} | {  # the same capture as ACLED would code it, and one geo lacks
        "event_id_cnty": "SYR1", "event_date": cap["date"], "event_type": "Battles",
        "sub_event_type": "Government regains territory", "actor1": "Military Forces of Syria (2000-)",
        "latitude": cap.geometry.y, "longitude": cap.geometry.x, "geo_precision": 1}, {c: "" for c in REQUIRED} | {
        "event_id_cnty": "SYR2", "event_date": cap["date"], "event_type": "Battles", "sub_event_type": "Armed clash",
        "actor1": "Military Forces of Syria (2000-)", "latitude": 35.0, "longitude": 38.0, "geo_precision": 1}]
    pd.DataFrame(rows).to_csv(tmp_path / "acled.csv", index=False)
    res = run("compare-acled", tmp_path / "acled.csv", "--data-dir", d, "--build-dir", b, "-o", tmp_path / "cmp.csv")
    assert res.exit_code == 0, res.output
    assert "matched: 1; conflicting: 0; only in ACLED: 1; only in geo: " in res.output
    out = pd.read_csv(tmp_path / "cmp.csv")
    assert set(out.loc[out["acled_id"] == "SYR1", "status"]) == {"matched"}
    res = run("compare-acled", d / "factions.yaml", "--data-dir", d, "--build-dir", b)
    assert res.exit_code != 0 and "factions.yaml" in res.output


@pytest.mark.parametrize("edit,expected", [
    (lambda rows: rows + [rows[1]], "duplicate id"),  # a place listed twice
    (lambda rows: rows[:1] + [{**rows[1], "lon": rows[1]["lat"], "lat": rows[1]["lon"]}] + rows[2:], "swapped"),
])
def test_build_stops_on_a_gazetteer_geo_validate_refuses(tmp_path, edit, expected):
    import csv

    d, b = copy_inputs(tmp_path), tmp_path / "build"
    assert run("build", "--data-dir", d, "--build-dir", b).exit_code == 0
    before = {p.name: p.read_bytes() for p in b.glob("*.*") if p.is_file()}
    path = d / "gazetteer" / "places.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fields)
        w.writeheader()
        w.writerows(edit(rows))
    res = CliRunner().invoke(main, ["build", "--data-dir", str(d), "--build-dir", str(b)])
    assert res.exit_code == 1 and expected in res.output and "places.csv: row" in res.output
    assert len(res.output.strip().splitlines()) == 1  # one line, no traceback
    assert {p.name: p.read_bytes() for p in b.glob("*.*") if p.is_file()} == before  # earlier outputs untouched


@pytest.mark.parametrize("args", [["build"], ["ingest"], ["layers"], ["render"], ["export", "--format", "acled"],
                                  ["stats"], ["diff", "2016-11-01", "2016-12-01"], ["extract", "{d}/articles"]])
def test_a_broken_input_is_one_line_never_a_traceback(tmp_path, args):
    d = copy_inputs(tmp_path)
    (d / "factions.yaml").write_text("factions: [unclosed\n", encoding="utf-8")  # YAML that cannot parse
    (d / "area.yaml").write_text("name: x\nbbox: [1, 2]\n", encoding="utf-8")  # a study area with half a box
    (d / "articles" / "zz-binary.md").write_bytes(bytes(range(256)) * 8)  # not text in any encoding
    cmd = [a.format(d=d) for a in args]
    res = CliRunner().invoke(main, [*cmd, "--data-dir", str(d), "--build-dir", str(tmp_path / "b")])
    assert res.exit_code == 1, res.output
    errors = [line for line in res.stderr.splitlines() if "error" in line]  # progress lines aside
    assert len(errors) == 1 and errors[0].startswith(f"geo {args[0]}: error: ") and "Traceback" not in res.output
    assert res.stderr.strip().splitlines()[-1] == errors[0]  # the last word is the error


def test_debug_shows_the_traceback(tmp_path):
    d = copy_inputs(tmp_path)
    (d / "factions.yaml").write_text("factions: [unclosed\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["--debug", "layers", "--data-dir", str(d), "--build-dir", str(tmp_path / "b")])
    assert res.exit_code == 1 and res.exception is not None  # raised, not folded into a line


def test_build_ends_with_a_summary_and_quiet_says_nothing_but_warnings(tmp_path):
    d, b = copy_inputs(tmp_path), tmp_path / "build"
    res = CliRunner().invoke(main, ["build", "--data-dir", str(d), "--build-dir", str(b)])
    assert res.exit_code == 0, res.output
    (summary,) = [line for line in res.stderr.splitlines() if line.startswith("summary: ")]
    n = len([p for p in (d / "articles").glob("*.md") if p.name != "README.md"])
    assert f"{n} article(s) read, 0 skipped" in summary and "claim(s)" in summary and "event(s) (" in summary
    assert all(f"{stage} " in summary for stage in ("ingest", "extract", "events", "layers", "render"))
    assert "\r" not in res.stderr  # no progress bar when stderr is not a terminal
    (d / "articles" / "2016-11-30-undated-name.md").write_text("---\ntitle: T\n---\nThe army took Sakhour.\n")
    quiet = CliRunner().invoke(main, ["build", "-q", "--data-dir", str(d), "--build-dir", str(b)])
    assert quiet.exit_code == 0 and quiet.stdout.startswith("map: ")
    assert quiet.stderr.strip() == "" or all(line.startswith("warning") for line in quiet.stderr.splitlines())


def test_progress_is_the_items_themselves_unless_bars_are_on():
    from geo import pipeline

    items = list(range(5))
    assert pipeline.progress(items, "x", "item") is items  # the API and the tests: no bar
    with pipeline.progress_bars():
        assert list(pipeline.progress(items, "x", "item")) == items  # behind tqdm, the same items
    assert pipeline.progress(items, "x", "item") is items  # off again after the block
