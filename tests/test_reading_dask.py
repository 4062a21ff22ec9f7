"""``--engine dask``: extraction on a Dask cluster gives the local engine's outputs byte for byte; a missing
package or an unreachable scheduler is one line; article inputs may be fsspec URLs (``memory://`` here).

The corpus is written here (30 short French and English reports in the test's own words, with the shipped
gazetteer's names and a few names it does not know), in a copy of the shipped data directory.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import socket
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo import pipeline
from geo.cli.main import main
from geo.io import InputError
from geo.model import Article
from geo.reading import Reader, iter_extract
from geo.settings import Settings

distributed = pytest.importorskip("distributed")
reading_dask = pytest.importorskip("geo.reading_dask")

ROOT = Path(__file__).resolve().parent.parent

PLACES = ["Hanano", "Jabal Badro", "Sakhour", "Bustan al-Basha", "Sheikh Fares", "Bustan al-Qaser",
          "Sheikh Saeed", "al-Ansari", "Sukkari", "Karm al-Jabal"]
UNKNOWN = ["Tell Barqoum", "Kafr Zaytoun", "Marj Sabeel"]  # names no gazetteer has: the review queue's
FR = ["Les forces gouvernementales ont repris {p} {day}, selon une source militaire.",
      "Les rebelles affirment avoir repoussé un assaut contre {p}, près de {u}.",
      "Des frappes ont touché {q} dans la nuit, a indiqué un secouriste.",
      "L'armée a progressé vers {q} depuis {u}, selon la télévision d'État."]
EN = ["Government troops took control of {p} {day}, a military source said.",
      "Rebel fighters said they pushed back an attack on {p}, close to {u}.",
      "Shelling hit {q} overnight, a rescue worker reported.",
      "The army advanced towards {q} from {u}, state media said."]
DAYS = {"fr": ["dimanche", "lundi", "mardi"], "en": ["on Sunday", "on Monday", "on Tuesday"]}


def reports(n: int = 30) -> list[tuple[str, str, str]]:
    """``(file name, date, text)`` of ``n`` short reports, two French for one English."""
    out = []
    for k in range(n):
        lang = "en" if k % 3 == 0 else "fr"
        p, q, u = PLACES[k % len(PLACES)], PLACES[(3 * k + 1) % len(PLACES)], UNKNOWN[k % len(UNKNOWN)]
        sentences = (EN if lang == "en" else FR)[: 2 + k % 3]
        text = " ".join(s.format(p=p, q=q, u=u, day=DAYS[lang][k % 3]) for s in sentences)
        day = (dt.date(2016, 11, 1) + dt.timedelta(days=k % 20)).isoformat()
        out.append((f"{day}-test-{k:02d}.{lang}.md", day, text))
    return out


def markdown(day: str, text: str) -> str:
    return f"---\ndate: {day}\nsource: test {day[-2:]}\n---\n{text}\n"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data with its articles replaced by :func:`reports` (as bench/bench_build.py does)."""
    d = tmp_path_factory.mktemp("dask") / "data"
    shutil.copytree(ROOT / "data", d, ignore=shutil.ignore_patterns("build", "articles", "review"))
    (d / "articles").mkdir()
    for name, day, text in reports():
        (d / "articles" / name).write_text(markdown(day, text), encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as c:
        yield c


def run(*args: object) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def events_json(build: Path) -> list[dict]:
    """The events of a build, as GeoJSON features sorted by id (a GeoPackage's bytes hold its write time)."""
    import geopandas as gpd

    evs = gpd.read_file(build / "events.gpkg", layer="events")
    return sorted(json.loads(evs.to_json())["features"], key=lambda f: f["properties"]["id"])


def control_layers(build: Path) -> dict[str, list]:
    """Every layer of a build's control.gpkg as records (a GeoPackage's bytes hold its write time)."""
    import geopandas as gpd
    import pyogrio

    return {name: json.loads(gpd.read_file(build / "control.gpkg", layer=name).to_json(na="null"))["features"]
            for name, _ in pyogrio.list_layers(build / "control.gpkg")}


def test_a_dask_build_writes_the_local_builds_outputs_byte_for_byte(data_dir, cluster, tmp_path, monkeypatch):
    local, on_dask = tmp_path / "local", tmp_path / "dask"
    res = run("build", "--data-dir", data_dir, "--build-dir", local, "-j", "2")
    assert res.exit_code == 0, res.output
    monkeypatch.setenv("GEO_DASK_JOIN_FROM", "0")  # the event join goes to the cluster too (dask-geopandas)
    res = run("build", "--data-dir", data_dir, "--build-dir", on_dask, "--engine", "dask",
              "--scheduler", cluster.scheduler_address)
    assert res.exit_code == 0, res.output
    assert f"dask: 2 worker thread(s) at {cluster.scheduler_address}" in res.stderr
    assert "extracted" in res.stderr and "(0 from cache)" in res.stderr
    for name in ("claims.jsonl", "unresolved.csv"):
        assert (on_dask / name).read_bytes() == (local / name).read_bytes(), name
    claims = (local / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(claims) > 30 and "Tell Barqoum" in (local / "unresolved.csv").read_text(encoding="utf-8")
    assert events_json(on_dask) == events_json(local) != []
    assert "events with control on the Dask cluster (dask-geopandas)" in res.stderr
    assert control_layers(on_dask) == control_layers(local) and control_layers(local)["events"]
    page = "maps/aleppo-2016.html"
    assert (on_dask / page).read_bytes() == (local / page).read_bytes()
    # the client wrote the per-article cache: extracting again reads it all and sends nothing to a cluster
    res = run("extract", "--data-dir", data_dir, "--build-dir", on_dask, "--engine", "dask",
              "--scheduler", cluster.scheduler_address)
    assert res.exit_code == 0, res.output
    assert "(30 from cache)" in res.stderr and "dask:" not in res.stderr
    assert (on_dask / "claims.jsonl").read_bytes() == (local / "claims.jsonl").read_bytes()


def test_small_partitions_come_back_in_input_order(data_dir, cluster):
    s = Settings.resolve(data_dir)
    arts = pipeline.load_articles([data_dir / "articles"])
    want = [(a.id, [c.to_dict() for c in cs], names) for a, cs, names, _ in iter_extract(arts, Reader(s))]
    got = [(a.id, [c.to_dict() for c in cs], names)
           for a, cs, names, hit in reading_dask.iter_extract_dask(iter(arts), s, None, cluster.scheduler_address,
                                                                   partition=3)]
    assert got == want and len(got) == 30


def test_a_worker_with_another_reading_refuses(data_dir):
    art = Article(id="a", title="", date="2016-11-28", text="L'armée a repris Sakhour dimanche.", lang="fr")
    (claims, _), = reading_dask.read_partition([art], str(data_dir), reading_dask.reading_fingerprint(
        Settings.resolve(data_dir)))
    assert [c.place.id for c in claims] == ["aleppo-as-sakhour"]
    with pytest.raises(InputError, match="differs from the client's"):
        reading_dask.read_partition([art], str(data_dir), "another-version")
    with pytest.raises(InputError, match="no such data directory"):
        reading_dask.read_partition([art], str(data_dir / "nowhere"), "x")


def one_error_line(res: object) -> str:
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert res.exit_code == 1 and len(lines) == 1, res.stderr
    return lines[0]


def test_without_dask_the_engine_says_what_to_install(data_dir, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    res = run("build", "--data-dir", data_dir, "--build-dir", tmp_path / "b", "--engine", "dask")
    assert "pip install 'geo[dask]'" in one_error_line(res)
    assert not (tmp_path / "b" / "articles.jsonl").exists()  # said before any stage ran


def test_an_unreachable_scheduler_is_one_line_and_stops_before_any_work(data_dir, tmp_path, monkeypatch):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setattr(reading_dask, "CONNECT_TIMEOUT", 0.5)
    res = run("build", "--data-dir", data_dir, "--build-dir", tmp_path / "b", "--engine", "dask",
              "--scheduler", f"tcp://127.0.0.1:{port}")
    line = one_error_line(res)
    assert f"--scheduler tcp://127.0.0.1:{port}: no Dask scheduler answered within 0.5 s" in line
    assert not (tmp_path / "b" / "articles.jsonl").exists()
    assert "not a scheduler address" in one_error_line(
        run("extract", "--data-dir", data_dir, "--build-dir", tmp_path / "b", "--engine", "dask", "--scheduler", "nohost"))


def test_a_scheduler_without_workers_is_one_line(data_dir, tmp_path, monkeypatch):
    monkeypatch.setattr(reading_dask, "CONNECT_TIMEOUT", 0.5)
    with distributed.LocalCluster(n_workers=0, processes=True, dashboard_address=":0") as empty:
        res = run("extract", "--data-dir", data_dir, "--build-dir", tmp_path / "b", "--engine", "dask",
                  "--scheduler", empty.scheduler_address)
    assert res.exit_code == 1 and "no Dask worker joined it within 0.5 s" in res.stderr.splitlines()[-1]
    assert not (tmp_path / "b" / "claims.jsonl").exists()  # ingested, but nothing extracted


def test_scheduler_without_the_dask_engine_is_a_usage_error(data_dir, tmp_path):
    for args in (["build", "--scheduler", "tcp://127.0.0.1:8786"], ["extract", "--scheduler", "tcp://h:1"],
                 ["extract", data_dir / "articles", "--engine", "dask"]):
        res = run(*args, "--data-dir", data_dir, "--build-dir", tmp_path / "b")
        assert res.exit_code == 2 and ("--scheduler needs --engine dask" in res.output
                                       or "geo extract without PATHS" in res.output), res.output


@pytest.fixture()
def memory_wires():
    """Five of the reports in fsspec's in-memory filesystem, under ``memory://wires/``."""
    fsspec = pytest.importorskip("fsspec")
    fs = fsspec.filesystem("memory")
    for name, day, text in reports(5):
        fs.pipe(f"/wires/{name[:7]}/{name}", markdown(day, text).encode())
    fs.pipe("/wires/README.md", b"not a report")
    yield fs
    fs.rm("/wires", recursive=True)


def test_urls_are_read_through_fsspec_like_paths(data_dir, memory_wires, tmp_path):
    local = tmp_path / "wires"
    for name, day, text in reports(5):
        (local / name[:7]).mkdir(parents=True, exist_ok=True)
        (local / name[:7] / name).write_text(markdown(day, text), encoding="utf-8")
    want = run("extract", local, "--data-dir", data_dir)
    assert want.exit_code == 0 and want.stdout.count("\n") > 5, want.output
    for url in ("memory://wires/", "memory://wires/**/*.md"):
        got = run("extract", url, "--data-dir", data_dir)
        assert got.exit_code == 0, got.output
        assert got.stdout == want.stdout, url
    res = run("extract", "memory://wires/nothing-*.md", "--data-dir", data_dir)
    assert res.exit_code == 3 and "memory://wires/nothing-*.md: no file matches" in res.stderr


def test_a_url_without_fsspec_names_the_package(data_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "fsspec", None)
    res = run("extract", "s3://bucket/wires/", "--data-dir", data_dir)
    assert res.exit_code == 3 and "s3://bucket/wires/: reading a URL needs fsspec: pip install fsspec" in res.stderr


def test_a_bad_join_threshold_is_one_line_before_any_work(data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_DASK_JOIN_FROM", "lots")
    res = run("build", "--data-dir", data_dir, "--build-dir", tmp_path / "b", "--engine", "dask")
    assert res.exit_code != 0 and "GEO_DASK_JOIN_FROM='lots': a whole number" in res.output
    assert len(res.output.strip().splitlines()) == 1 and not (tmp_path / "b" / "articles.jsonl").exists()
