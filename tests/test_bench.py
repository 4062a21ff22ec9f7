"""The benchmarks run (as a smoke test, tiny sizes); their figures come from `make bench`, never from tests."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_bench(name: str):
    """The module ``bench/<name>.py`` (the benchmarks are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_bench_control_runs_and_its_join_agrees_with_the_floor(tmp_path, capsys):
    mod = load_bench("bench_control")
    out = tmp_path / "control.json"
    assert mod.main(["--sizes", "50", "--join", "5000", "--repeat", "1", "-o", str(out)]) == 0
    res = json.loads(out.read_text())
    assert res["rebuild"][0]["events"] == 50 and res["rebuild"][0]["seconds"] > 0
    assert res["join"]["same_answer_as_floor"] is True
    assert res["join"]["join_agreement"] > 0.999
    assert "interval_holders" in capsys.readouterr().out


def test_bench_control_joins_on_dask_like_here(tmp_path, capsys):
    pytest.importorskip("dask_geopandas")
    mod = load_bench("bench_control")
    out = tmp_path / "control.json"
    assert mod.main(["--sizes", "", "--join", "0", "--dask-join", "3000", "-o", str(out)]) == 0
    row = json.loads(out.read_text())["dask_join"]
    assert row["events"] == 3000 and row["same"] is True and row["local_s"] > 0 and row["dask_first_s"] > 0
    assert "2 local Dask workers, dask-geopandas" in capsys.readouterr().out


def test_bench_map_runs_without_a_browser(tmp_path, capsys):
    mod = load_bench("bench_map")
    out = tmp_path / "map.json"
    assert mod.main(["--sizes", "300", "--no-browser", "-o", str(out)]) == 0
    row = json.loads(out.read_text())[0]
    assert row["events"] == 300 and row["geo_mb"] > 0 and row["per_marker_mb"] > 0
    assert "| 300 |" in capsys.readouterr().out


def test_bench_reading_runs_and_finds_the_places_it_inserted(tmp_path, capsys, monkeypatch):
    mod = load_bench("bench_reading")
    monkeypatch.setattr(mod, "_load_spacy", lambda: None)  # spaCy is only installed by `make bench`
    monkeypatch.setattr(mod, "ROUNDS", 1)
    out = tmp_path / "reading.json"
    assert mod.main(["--mb", "0.05", "--spacy-kb", "10", "-o", str(out)]) == 0
    res = json.loads(out.read_text())
    assert res["mentions"]["recall"] > 0.95 and res["mentions"]["mb_s"] > 0
    assert res["extraction"]["claims"] > 0 and res["tokeniser"] in ("c", "python")
    assert "spacy_ner_mb_s" not in res["slice"]
    assert "geo mentions" in capsys.readouterr().out


def test_bench_build_runs_on_a_tiny_corpus(tmp_path, capsys):
    mod = load_bench("bench_build")
    out = tmp_path / "build.json"
    # the same size for both, as `make bench` asks (1000 and 10000 for each): each corpus in its own folder
    assert mod.main(["--articles", "20", "--memory", "20", "-o", str(out)]) == 0
    figures = json.loads(out.read_text())
    (row,) = figures["builds"]
    assert row["articles"] == 20 and row["full_s"] > 0 and row["incremental"] > 0 and row["jobs"] > 0
    assert set(row["one_more_stages_s"]) == {"ingest", "extract", "events", "layers", "render"}
    (mem,) = figures["extraction_memory"]
    assert mem["articles"] == 20 and mem["peak_mb"] > 10 and mem["articles_s"] > 0
    printed = capsys.readouterr().out
    assert "| 20 articles |" in printed and "| extraction, 20 articles |" in printed


def test_the_dask_benchmark_runs_and_both_engines_agree(tmp_path, capsys):
    pytest.importorskip("distributed")
    mod = load_bench("bench_build")
    out = tmp_path / "build.json"
    assert mod.main(["--articles", "", "--memory", "", "--dask", "24", "-o", str(out)]) == 0
    (row,) = json.loads(out.read_text())["dask"]
    assert row["articles"] == 24 and row["same_claims"] is True and row["claims"] > 0 and row["overhead"] > 0
    assert "Dask engine on 2 local workers" in capsys.readouterr().out
