"""The stage graph: events round-trip through GeoPackage, staleness fingerprints, atomic writes."""

from pathlib import Path

import pytest

from geo import pipeline
from geo.io import InputError, write_gpkg_layers, write_text
from geo.model import Event
from geo.settings import Settings


def event(**kw):
    base = dict(id="e1", type="capture", place_id="aleppo-sakhour", place_name="Sakhour", lon=37.19, lat=36.22,
                precision=1, faction="government", opponent="opposition", date="2016-11-28",
                date_first="2016-11-27", date_last="2016-11-28", status="corroborated", modality="reported",
                claim_ids=("c1", "c2"), sources=("SOHR", "state media"), n_sources=2, loser_confirms=True,
                claim_statuses=("reported",), articles=("a1", "a2"), sentences=("<b>x</b>", "y"),
                urls=("https://example.org/a",), titles=("T",), confidence=0.8)
    base.update(kw)
    return Event(**base)


def test_events_round_trip_through_geopackage(tmp_path):
    evs = [event(), event(id="e2", lon=37.15, lat=36.2, modality="planned", sources=())]
    path = tmp_path / "events.gpkg"
    write_gpkg_layers(path, {"events": pipeline.events_frame(evs)})
    back = pipeline.read_events(path)
    assert [e.id for e in back] == ["e1", "e2"]
    assert back[0].sources == ("SOHR", "state media") and back[0].claim_ids == ("c1", "c2")
    assert back[0].sentences == ("<b>x</b>", "y") and back[0].loser_confirms is True
    assert (back[1].lon, back[1].lat, back[1].modality) == (37.15, 36.2, "planned")


def test_fingerprint_changes_with_content_not_with_time(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("one")
    h1 = pipeline.hash_paths([tmp_path])
    f.write_text("one")
    assert pipeline.hash_paths([tmp_path]) == h1
    f.write_text("two")
    assert pipeline.hash_paths([tmp_path]) != h1


def test_every_stage_declares_inputs_and_one_output(tmp_path):
    s = Settings.resolve(tmp_path / "data", tmp_path / "build")
    for stage in pipeline.ORDER:
        assert pipeline.stage_inputs(stage, s)
        assert str(pipeline.stage_output(stage, s)).startswith(str(s.build_dir))


def test_a_stages_fingerprint_holds_the_code_of_its_wing_that_writes_its_output(tmp_path):
    """A change to that code runs the stage again (the caches are salted with it, but a stage judged up to
    date would not even look at them)."""
    import ast

    geo_dir = Path(pipeline.__file__).parent
    s = Settings.resolve(tmp_path / "data", tmp_path / "build")

    def listed(stage):
        return {p.relative_to(geo_dir).with_suffix("").as_posix() for p in pipeline.stage_inputs(stage, s)
                if p.suffix == ".py"}

    def imports(module):  # the geo modules a module imports by name
        tree = ast.parse((geo_dir / f"{module}.py").read_text(encoding="utf-8"))
        return {n.module.removeprefix("geo.").replace(".", "/") for n in ast.walk(tree)
                if isinstance(n, ast.ImportFrom) and n.module and n.module.startswith("geo.")}

    assert "merging" in listed("events") and imports("merging") & {"events", "review"} <= listed("events")
    wing = {m for m in imports("map/render") if m.startswith("map/")}
    assert wing and wing | {"map/render"} <= listed("render")
    assert {m for m in imports("control/layers") if m.startswith("control/")} <= listed("layers")


def test_ingest_without_articles_names_the_directory(tmp_path):
    s = Settings.resolve(tmp_path / "data")
    with pytest.raises(InputError, match="articles"):
        pipeline.ingest(s)


def test_atomic_write_keeps_previous_file_when_writing_fails(tmp_path):
    target = tmp_path / "out.txt"
    write_text(target, "good")

    def rows():
        yield {"x": 1}
        raise RuntimeError("the stage failed half-way")

    with pytest.raises(RuntimeError):
        pipeline.write_jsonl(target, rows())
    assert target.read_text() == "good"
    assert [p.name for p in Path(tmp_path).iterdir()] == ["out.txt"]


def test_render_writes_a_png_per_date_and_keeps_cdn_links_only_when_asked(tmp_path):
    import shutil

    from geo.map.assets import cdn_urls

    root = Path(__file__).resolve().parent.parent
    data = tmp_path / "data"
    shutil.copytree(root / "data", data, ignore=shutil.ignore_patterns("build"))
    s = Settings.resolve(data, tmp_path / "build")
    offline = pipeline.build(s)
    assert cdn_urls(offline.read_text(encoding="utf-8")) == []
    cdn = pipeline.render(s, name="cdn", cdn=True, png_dir=tmp_path / "png", image_size=(400, 300))
    links = cdn_urls(cdn.read_text(encoding="utf-8"))
    assert any("leaflet" in u for u in links) and cdn.stat().st_size < offline.stat().st_size
    control = pipeline._read_layer(s.control_gpkg, "control")
    pngs = sorted(p.name for p in (tmp_path / "png").glob("control-*.png"))
    assert pngs == [f"control-{d}.png" for d in sorted(set(control.valid_from))]
    assert (tmp_path / "png" / pngs[0]).read_bytes()[:4] == b"\x89PNG"
    import matplotlib.image

    assert matplotlib.image.imread(tmp_path / "png" / pngs[-1]).shape[:2] == (300, 400)


def test_two_builds_of_the_same_inputs_are_byte_identical(tmp_path):
    import shutil

    root = Path(__file__).resolve().parent.parent
    data = tmp_path / "data"
    shutil.copytree(root / "data", data, ignore=shutil.ignore_patterns("build"))
    for name in ("one", "two"):
        pipeline.build(Settings.resolve(data, tmp_path / name))
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file()
                   and p.name != "files.json")  # the record of when each input was hashed: times, not content
    assert {"claims.jsonl", "events.gpkg", "control.gpkg", "manifest.json"} <= {str(f) for f in files}
    differ = [str(f) for f in files if (tmp_path / "one" / f).read_bytes() != (tmp_path / "two" / f).read_bytes()]
    assert differ == []  # GeoPackage stamps fixed, map ids derived from the page, not random


def test_a_build_after_one_more_article_equals_a_full_build_of_the_same_inputs(tmp_path):
    import shutil

    root = Path(__file__).resolve().parent.parent
    data = tmp_path / "data"
    shutil.copytree(root / "data", data, ignore=shutil.ignore_patterns("build"))
    s = Settings.resolve(data, tmp_path / "kept")
    pipeline.build(s)
    before = (s.build_dir / "control.gpkg").read_bytes()
    (data / "articles" / "zz-one-more.en.md").write_text(
        "---\ndate: 2016-12-05\nsource: test\n---\nRebels took back Bustan al-Basha on Monday, activists said.\n",
        encoding="utf-8")
    times: dict[str, float] = {}
    pipeline.build(s, times=times)
    assert set(times) == {"ingest", "extract", "events", "layers", "render"}
    assert (s.build_dir / "control.gpkg").read_bytes() != before  # the report moved a line: the memo was not stale
    fresh = Settings.resolve(data, tmp_path / "fresh")
    pipeline.build(fresh)
    for name in ("claims.jsonl", "events.gpkg", "control.gpkg", "maps/aleppo-2016.html"):
        assert (s.build_dir / name).read_bytes() == (fresh.build_dir / name).read_bytes(), name


def test_one_build_at_a_time_and_a_killed_build_leaves_no_lock(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    from geo.io import build_lock

    hold = ("import sys, time; from pathlib import Path; from geo.io import build_lock\n"
            "with build_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(float(sys.argv[2]))\n"
            "    (Path(sys.argv[1]) / 'done').write_text('done')\n")

    def holder(seconds: float) -> subprocess.Popen:
        p = subprocess.Popen([sys.executable, "-c", hold, str(tmp_path), str(seconds)], stdout=subprocess.PIPE,
                             text=True, cwd=Path(__file__).resolve().parent.parent)
        assert p.stdout.readline().strip() == "held"
        return p

    p = holder(1.5)
    said: list[str] = []
    with build_lock(tmp_path, said.append):
        finished = (tmp_path / "done").exists()  # written by the holder just before it let go
    p.wait()
    assert said == [f"{tmp_path}: a build is running (pid {p.pid}); waiting for it to finish"] and finished
    # a build killed with -9 holds nothing: the next one starts at once
    p = holder(60)
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    said.clear()
    with build_lock(tmp_path, said.append):
        pass
    assert said == []


def test_two_processes_read_the_same_claims_as_one():
    from geo.pipeline import Reader, extract_articles, load_articles
    from geo.settings import Settings

    s = Settings.resolve(Path(__file__).resolve().parents[1] / "data")
    arts = load_articles([s.articles_dir])
    assert len(arts) >= 16  # enough for two workers (MIN_PER_JOB each)
    one = extract_articles(arts, Reader(s), None, jobs=1)
    two = extract_articles(arts, Reader(s), None, jobs=2)
    assert [c.to_dict(explain=True) for c in one[0]] == [c.to_dict(explain=True) for c in two[0]]
    assert one[1] == two[1]


def test_an_extraction_whose_articles_are_all_cached_loads_no_gazetteer(tmp_path, monkeypatch):
    import shutil

    import geo.places

    root = Path(__file__).resolve().parent.parent
    data = tmp_path / "data"
    shutil.copytree(root / "data", data, ignore=shutil.ignore_patterns("build"))
    s = Settings.resolve(data, tmp_path / "build")
    pipeline.build_until(s, "extract")
    claims = (s.build_dir / "claims.jsonl").read_bytes()
    said: list[str] = []

    def refuse(*_a, **_k):
        raise AssertionError("the gazetteer was loaded with every reading in the cache")

    monkeypatch.setattr(geo.places, "load_gazetteer", refuse)
    pipeline.extract(s, said.append, jobs=2)
    assert (s.build_dir / "claims.jsonl").read_bytes() == claims  # the cached lines, written back as they were
    n = len((s.build_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines())
    assert any(f"from {n} article(s) ({n} from cache)" in line for line in said), said


def test_layers_handed_from_stage_to_stage_in_a_build_equal_those_read_back_from_disk(tmp_path):
    import shutil

    root = Path(__file__).resolve().parent.parent
    data = tmp_path / "data"
    shutil.copytree(root / "data", data, ignore=shutil.ignore_patterns("build"))
    s = Settings.resolve(data, tmp_path / "build")
    pipeline.build(s)  # each stage takes the frames the one before wrote
    outputs = {name: (s.build_dir / name).read_bytes() for name in ("control.gpkg", "maps/aleppo-2016.html")}
    pipeline.layers(s)  # alone: each reads its input back from the GeoPackage
    pipeline.render(s)
    for name, before in outputs.items():
        assert (s.build_dir / name).read_bytes() == before, name


def test_an_extraction_keeps_only_the_cached_readings_it_used(tmp_path):
    import shutil

    root = Path(__file__).resolve().parent.parent
    data = tmp_path / "data"
    shutil.copytree(root / "data", data, ignore=shutil.ignore_patterns("build"))
    s = Settings.resolve(data, tmp_path / "build")
    pipeline.build_until(s, "extract")
    cache = s.build_dir / "cache" / "claims"
    n = len((s.build_dir / "articles.jsonl").read_text(encoding="utf-8").splitlines())
    assert len(list(cache.iterdir())) == n
    (cache / "0123456789abcdef0123.json").write_text("{}")  # a reading made by an older version
    gone = sorted((data / "articles").iterdir())[0]
    gone.unlink()  # an article taken out of the corpus
    pipeline.build_until(s, "extract")
    assert len(list(cache.iterdir())) == n - 1  # the stale file and the gone article's reading were deleted
