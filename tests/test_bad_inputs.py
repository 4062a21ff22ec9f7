"""The catalogue of bad inputs: every case `geo build` (and `geo extract PATHS`) meets, what it says, its exit code.

Each case edits a copy of the default data directory after a good build, then builds again:
- exit 1: one line on stderr names the file (and row or feature) and says what is wrong; every earlier output
  is byte for byte what the good build wrote;
- exit 0: the input is readable (an old encoding, a page, an undated report) and is read;
- an article that cannot be read stops `geo build` (exit 1) but is left out by `geo build --keep-going` and by
  `geo extract PATHS` (exit 3, each skipped input named).

The README's table "Bad inputs and exit codes" is this catalogue: ``python tests/test_bad_inputs.py`` prints it,
and a test checks the README holds exactly that.
"""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GEO = Path(sys.executable).parent / "geo"

Edit = Callable[[Path], None]
SAKHOUR = "aleppo-as-sakhour-i"  # the district the sample sentence names, with its own footprint


@dataclass(frozen=True)
class Case:
    kind: str  # which input: articles, gazetteer, control, factions, lexicons, review, area
    name: str  # the case, as the README's table names it
    edit: Edit  # what goes wrong, done to a copy of data/
    says: str  # the words the one line holds (exit 1 and 3) or the warning it gives (exit 0, "" when silent)
    code: int  # geo build's exit code

    @property
    def article(self) -> bool:
        return self.kind == "articles"


# ------------------------------------------------------------------ the edits (own words, no real report)

ARTICLE = ("Government forces took the Sakhour district of eastern Aleppo on Monday after a night of shelling, "
           "a military source said.\n")
FRENCH = ("Les forces du régime ont repris lundi le quartier de Sakhour, à l'est d'Alep, après une nuit de combats, "
          "selon une source militaire. Des familles déplacées ont trouvé refuge dans les écoles.\n")
ARABIC = ("سيطرت القوات الحكومية يوم الاثنين على حي الصاخور في شرق حلب بعد ليلة من القصف، بحسب مصدر عسكري. "
          "ولجأت عائلات نازحة إلى المدارس في غرب المدينة.\n")


def article(name: str, content: str | bytes) -> Edit:
    def edit(d: Path) -> None:
        path = d / "articles" / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return edit


def front(body: str = ARTICLE, **meta: str) -> str:
    return "---\n" + "".join(f"{k}: {v}\n" for k, v in meta.items()) + "---\n" + body


def huge_file(d: Path) -> None:
    with (d / "articles" / "2016-11-30-dump.md").open("wb") as fh:
        fh.truncate(200_000_000)  # 200 MB, sparse: its size is real, its bytes cost no disk


def duplicate_id(d: Path) -> None:
    first = sorted((d / "articles").glob("*.md"))[0]
    article("zz-copy.md", front(id=first.name.rsplit(".", 1)[0], date="2016-11-30"))(d)


def page(d: Path) -> None:
    body = ("<html><head><title>Army takes Sakhour</title>"
            '<meta property="article:published_time" content="2016-11-28T09:00:00Z"></head><body>'
            "<nav><a href='/'>Home</a></nav><article><h1>Army takes Sakhour</h1><p>" + ARTICLE.strip() + "</p>"
            "<p>Families fled west through the night as the fighting moved street by street.</p></article>"
            "<footer>Subscribe</footer></body></html>")
    article("2016-11-28-page.html", body)(d)


def noise(d: Path) -> None:
    rng = random.Random(7)
    article("2016-11-30-noise.md", bytes(rng.randrange(0x80, 0x100) for _ in range(4000)))(d)


def table(rel: str, change: Callable[[list[dict[str, str]]], list[dict[str, str]]]) -> Edit:
    def edit(d: Path) -> None:
        path = d / rel
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        fields = list(rows[0])
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fields)
            w.writeheader()
            w.writerows(change(rows))
    return edit


def place(row: int, **values: str) -> Edit:
    return table("gazetteer/places.csv", lambda rows: [{**r, **values} if i == row else r
                                                       for i, r in enumerate(rows)])


def swapped(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    i = next(i for i, r in enumerate(rows) if r["id"] == SAKHOUR)
    return rows[:i] + [{**rows[i], "lon": rows[i]["lat"], "lat": rows[i]["lon"]}] + rows[i + 1:]


def features(rel: str, change: Callable[[list[dict]], list[dict]]) -> Edit:
    def edit(d: Path) -> None:
        path = d / rel
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["features"] = change(doc["features"])
        path.write_text(json.dumps(doc), encoding="utf-8")
    return edit


def footprint_of(pid: str, change: Callable[[dict], dict]) -> Edit:
    return features("gazetteer/footprints.geojson",
                    lambda fs: [change(f) if f["properties"]["id"] == pid else f for f in fs])


def moved_away(f: dict) -> dict:
    """The footprint drawn 3 km east of where its place's point is."""
    def shift(ring: list) -> list:
        return [[x + 0.035, y] for x, y in ring]
    g = f["geometry"]
    rings = [[shift(r) for r in poly] for poly in g["coordinates"]] if g["type"] == "MultiPolygon" \
        else [shift(r) for r in g["coordinates"]]
    return {**f, "geometry": {**g, "coordinates": rings}}


BOW_TIE = {"type": "Polygon", "coordinates": [[[37.17, 36.21], [37.18, 36.22], [37.18, 36.21], [37.17, 36.22],
                                               [37.17, 36.21]]]}


def write(rel: str, text: str) -> Edit:
    def edit(d: Path) -> None:
        (d / rel).parent.mkdir(exist_ok=True)
        (d / rel).write_text(text, encoding="utf-8")
    return edit


def yaml_edit(rel: str, change: Callable[[dict], None]) -> Edit:
    def edit(d: Path) -> None:
        import yaml

        path = d / rel
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(doc)
        path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return edit


def decisions(*rows: str) -> Edit:
    def edit(d: Path) -> None:
        (d / "review").mkdir(exist_ok=True)
        (d / "review" / "decisions.csv").write_text("id,decision,place,faction,date,type,note,who,when\n"
                                                     + "".join(r + "\n" for r in rows), encoding="utf-8")
    return edit


def control_feature(change: Callable[[dict], dict]) -> Edit:
    return features("control/2016-11-28.geojson", lambda fs: [change(fs[0]), *fs[1:]])


CASES = [
    # articles: readable
    Case("articles", "no front matter (date from the file name)", article("2016-11-30-plain.md", ARTICLE), "", 0),
    Case("articles", "no date anywhere", article("plain-undated.md", ARTICLE), "no publication date", 0),
    Case("articles", "a saved web page (HTML)", page, "", 0),
    Case("articles", "Windows-1256 (Arabic; read, no claims: no Arabic lexicon)",
         article("2016-11-30-ar.md", ARABIC.encode("cp1256")), "language 'ar' has no lexicon", 0),
    Case("articles", "Latin-1 (French)", article("2016-11-30-fr.md", FRENCH.encode("latin-1")), "not UTF-8; read as", 0),
    Case("articles", "a language with no lexicon (read, no claims)", article("2016-11-30-de.md", front(lang="de")),
         "language 'de' has no lexicon", 0),
    Case("articles", "UTF-8 with a byte-order mark", article("2016-11-30-bom.md", FRENCH.encode("utf-8-sig")), "", 0),
    Case("articles", "UTF-16 with a byte-order mark", article("2016-11-30-u16.md", FRENCH.encode("utf-16")),
         "not UTF-8; read as utf-16", 0),
    Case("articles", "Windows line ends (CRLF)",
         article("2016-11-30-crlf.md", front(date="2016-11-30").replace("\n", "\r\n")), "", 0),
    # articles: unreadable (build: 1; build --keep-going and extract PATHS: 3)
    Case("articles", "front matter that is not YAML", article("a.md", front(date="[2016")), "front matter is not valid YAML", 1),
    Case("articles", "front matter that is not a mapping", article("a.md", "---\n- a\n- b\n---\n" + ARTICLE),
         "front matter must be a mapping", 1),
    Case("articles", "a date that is not a date", article("a.md", front(date="last Monday")), "is not an ISO date", 1),
    Case("articles", "a date in the future", article("a.md", front(date="2061-11-28")), "is in the future", 1),
    Case("articles", "an empty file", article("2016-11-30-empty.md", ""), "article has no text", 1),
    Case("articles", "front matter and no text", article("2016-11-30-head.md", front("", title="T")),
         "article has no text", 1),
    Case("articles", "binary data", article("2016-11-30-bin.md", bytes(range(256)) * 16), "binary data, not text", 1),
    Case("articles", "bytes in no encoding geo can tell", noise, "not text in an encoding geo can tell", 1),
    Case("articles", "a 200 MB file", huge_file, "too large for one report", 1),
    Case("articles", "the same id in two files", duplicate_id, "already used by", 1),
    Case("articles", "JSON Lines: a line that is not JSON",
         article("batch.jsonl", json.dumps({"text": ARTICLE, "date": "2016-11-30"}) + "\n{broken\n"),
         "line 2: invalid JSON", 1),
    Case("articles", "JSON Lines: a record with no text",
         article("batch.jsonl", json.dumps({"title": "T", "date": "2016-11-30"}) + "\n"),
         "an article needs a 'text' field", 1),
    # gazetteer
    Case("gazetteer", "a place id listed twice", table("gazetteer/places.csv", lambda r: r + [r[1]]), "duplicate id", 1),
    Case("gazetteer", "latitude and longitude swapped", table("gazetteer/places.csv", swapped), "lat/lon look swapped", 1),
    Case("gazetteer", "a point far out of the study area", place(3, lon="2.35", lat="48.85"),
         "km from the study area", 1),
    Case("gazetteer", "coordinates that are not numbers", place(3, lon="37,16"), "lon/lat are not numbers", 1),
    Case("gazetteer", "an alias of no place",
         table("gazetteer/aliases.csv", lambda r: r + [{**r[0], "place_id": "nowhere"}]), "points to no place", 1),
    Case("gazetteer", "a footprint that does not hold its point", footprint_of(SAKHOUR, moved_away),
         "does not hold its point", 1),
    Case("gazetteer", "a footprint with broken geometry", footprint_of(SAKHOUR, lambda f: {**f, "geometry": BOW_TIE}),
         "invalid geometry", 1),
    Case("gazetteer", "a footprint of no place",
         features("gazetteer/footprints.geojson", lambda fs: fs + [{**fs[0], "properties": {**fs[0]["properties"],
                                                                                            "id": "nowhere"}}]),
         "has no place", 1),
    Case("gazetteer", "footprints that are not GeoJSON", write("gazetteer/footprints.geojson", "{broken"),
         "not a readable GeoJSON", 1),
    # control snapshots (the checks geo control import makes)
    Case("control", "a snapshot that is not JSON", write("control/2016-11-28.geojson", "{broken"), "invalid JSON", 1),
    Case("control", "not a FeatureCollection", write("control/2016-11-28.geojson", '{"type": "Feature"}'),
         "not a GeoJSON FeatureCollection", 1),
    Case("control", "a faction no one declared",
         control_feature(lambda f: {**f, "properties": {**f["properties"], "faction": "martians"}}),
         "unknown faction 'martians'", 1),
    Case("control", "a line where a polygon belongs",
         control_feature(lambda f: {**f, "geometry": {"type": "LineString", "coordinates": [[37.1, 36.2],
                                                                                            [37.2, 36.2]]}}),
         "is not a polygon", 1),
    Case("control", "a polygon with lat and lon swapped",
         control_feature(lambda f: {**f, "geometry": {"type": "Polygon", "coordinates": [[[36.2, 37.1], [36.21, 37.1],
                                                                                          [36.21, 37.11], [36.2, 37.1]]]}}),
         "coordinates look swapped", 1),
    Case("control", "a snapshot named with no date", write("control/latest.geojson", '{"type": "FeatureCollection", '
                                                                                    '"features": []}'),
         "is named YYYY-MM-DD.geojson", 1),
    # factions and lexicons
    Case("factions", "factions.yaml that is not YAML", write("factions.yaml", "factions: [unclosed\n"), "invalid YAML", 1),
    Case("factions", "a colour that is not a colour",
         yaml_edit("factions.yaml", lambda d: d["factions"]["isis"].update(colour="blackish")), "is not a colour", 1),
    Case("factions", "a faction with no colour",
         yaml_edit("factions.yaml", lambda d: d["factions"]["isis"].pop("colour")), "needs at least a colour", 1),
    Case("factions", "a faction with no names in a language",
         yaml_edit("factions.yaml", lambda d: d["factions"]["kurdish"]["aliases"].pop("fr")),
         "has no names in 'fr'", 1),
    Case("lexicons", "a lexicon that is not YAML", write("lexicon/fr.yaml", "verbs: [unclosed\n"), "invalid YAML", 1),
    # review decisions (geo review accept|reject|edit writes them; a hand edit can break them)
    Case("review", "a decision that is not accept, reject or edit", decisions("c1,maybe,,,,,,A,2016-12-01"),
         "is not one of accept, reject, edit", 1),
    Case("review", "an edit to a date that is not a date", decisions("c1,edit,,,28/11/2016,,,A,2016-12-01"),
         "is not YYYY-MM-DD", 1),
    Case("review", "an edit to a faction no one declared", decisions("c1,edit,,martians,,,,A,2016-12-01"),
         "faction 'martians' is not in factions.yaml", 1),
    Case("review", "an edit to a place the gazetteer lacks", decisions("c1,edit,atlantis,,,,,A,2016-12-01"),
         "place 'atlantis' is not in the gazetteer", 1),
    Case("review", "a file with no id column", write("review/decisions.csv", "claim,decision\nc1,reject\n"),
         "no id column", 1),
    # study area
    Case("area", "a study area with half a box", write("area.yaml", "name: x\nbbox: [1, 2]\ncrs: EPSG:32637\n"),
         "bbox must be", 1),
    Case("area", "a CRS in degrees", yaml_edit("area.yaml", lambda d: d.update(crs="EPSG:4326")), "is not projected", 1),
]

OUTPUTS = ("articles.jsonl", "claims.jsonl", "unresolved.csv", "events.gpkg", "control.gpkg", "manifest.json",
           "maps/aleppo-2016.html", "skipped.csv")


# ------------------------------------------------------------------ the tests

@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The default data and a good build of it, copied for each case."""
    base = tmp_path_factory.mktemp("good")
    shutil.copytree(DATA, base / "data", ignore=shutil.ignore_patterns("build"))
    res = geo("build", "--data-dir", base / "data", "--build-dir", base / "build")
    assert res.returncode == 0, res.stderr
    return base


def geo(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([str(GEO), *map(str, args)], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "GEO_DEBUG": ""})


def snapshot(build: Path) -> dict[str, bytes]:
    return {o: (build / o).read_bytes() for o in OUTPUTS if (build / o).exists()}


@pytest.fixture
def case_dirs(built, tmp_path) -> tuple[Path, Path]:
    shutil.copytree(built, tmp_path / "w")
    return tmp_path / "w" / "data", tmp_path / "w" / "build"


@pytest.mark.parametrize("case", CASES, ids=[f"{c.kind}: {c.name}" for c in CASES])
def test_each_bad_input_is_one_line_and_leaves_earlier_outputs(case, case_dirs):
    d, b = case_dirs
    before = snapshot(b)
    case.edit(d)
    res = geo("build", "--data-dir", d, "--build-dir", b)
    assert res.returncode == case.code, res.stderr
    if case.code == 0:
        assert case.says in res.stderr and "error" not in res.stderr and (b / "maps/aleppo-2016.html").exists()
        return
    errors = [line for line in res.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and errors[0].startswith("geo build: error: ") and case.says in errors[0], res.stderr
    assert "Traceback" not in res.stderr and res.stderr.strip().splitlines()[-1] == errors[0]
    named = [p for p in d.rglob("*") if p.is_file() and str(p) in errors[0]]
    assert named, f"the line names no file: {errors[0]}"
    assert snapshot(b) == before  # every earlier output byte for byte


UNREADABLE = [c for c in CASES if c.article and c.code == 1]


@pytest.mark.parametrize("case", UNREADABLE, ids=[c.name for c in UNREADABLE])
def test_keep_going_leaves_an_unreadable_article_out_and_says_so(case, case_dirs):
    d, b = case_dirs
    case.edit(d)
    res = geo("build", "--keep-going", "--data-dir", d, "--build-dir", b)
    assert res.returncode == 3, res.stderr
    skipped = [line for line in res.stderr.splitlines() if line.startswith("geo build: skipped: ")]
    assert len(skipped) == 1 and case.says in skipped[0] and "error" not in res.stderr
    with (b / "skipped.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == 1
    assert "1 input(s) could not be read" in (b / "maps/aleppo-2016.html").read_text(encoding="utf-8")
    strict = geo("build", "--data-dir", d, "--build-dir", b)  # the same inputs without the flag: stop again
    assert strict.returncode == 1 and case.says in strict.stderr


@pytest.mark.parametrize("case", [c for c in CASES if c.article], ids=[c.name for c in CASES if c.article])
def test_extract_reads_what_it_can_and_exits_3_on_the_rest(case, tmp_path):
    d = tmp_path / "data"
    shutil.copytree(DATA, d, ignore=shutil.ignore_patterns("build", "articles"))
    (d / "articles").mkdir()
    good = tmp_path / "2016-11-28-good.md"
    good.write_text(ARTICLE, encoding="utf-8")
    if case.name == "the same id in two files":  # its twin lives in the default articles
        shutil.copy(sorted((DATA / "articles").glob("*.md"))[0], d / "articles")
    case.edit(d)
    res = geo("extract", "--data-dir", d, good, d / "articles")
    claims = [json.loads(line) for line in res.stdout.splitlines()]
    assert any(c["place"]["id"].startswith("aleppo-as-sakhour") and c["article"] == "2016-11-28-good" for c in claims)
    assert res.returncode == (3 if case.code == 1 else 0), res.stderr
    if case.code == 1:
        assert any(line.startswith("geo extract: skipped: ") and case.says in line for line in res.stderr.splitlines())


def test_the_readme_table_is_this_catalogue():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_table() in readme, "README's bad-input table is stale: python tests/test_bad_inputs.py prints it"


def readme_table() -> str:
    rows = ["| input | case | what geo says | `geo build` | `--keep-going`, `geo extract PATHS` |",
            "|---|---|---|---|---|"]
    for c in CASES:
        lenient = ("3" if c.code == 1 else "0") if c.article else "1"
        says = f"`{c.says}`" if c.says else "(read silently)"
        if c.code == 0 and c.says:
            says = f"warning `{c.says}`"
        rows.append(f"| {c.kind} | {c.name} | {says} | {c.code} | {lenient} |")
    return "\n".join(rows) + "\n"


# ------------------------------------------------------------------ kill -9 during a build

def whole(path: Path) -> bool:
    """Whether an output opens and reads to its end."""
    if path.suffix == ".gpkg":
        import pyogrio

        return all(len(pyogrio.read_dataframe(path, layer=name)) >= 0 for name, _ in pyogrio.list_layers(path))
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        return all(json.loads(line) is not None for line in text.splitlines())
    if path.suffix == ".json":
        return isinstance(json.loads(text), dict)
    if path.suffix == ".html":
        return text.rstrip().endswith("</html>")
    if path.suffix == ".csv":
        return len(list(csv.reader(text.splitlines()))) >= 1
    return True


def test_kill_9_at_random_moments_never_leaves_a_partial_output(built, tmp_path):
    shutil.copytree(built, tmp_path / "w")
    d, b = tmp_path / "w" / "data", tmp_path / "w" / "build"
    start = time.monotonic()
    assert geo("build", "--force", "--data-dir", d, "--build-dir", b).returncode == 0
    full = time.monotonic() - start
    rng = random.Random(20)
    for _ in range(20):
        proc = subprocess.Popen([str(GEO), "build", "--force", "--data-dir", str(d), "--build-dir", str(b)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.1, full))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for o in OUTPUTS:
            assert not (b / o).exists() or whole(b / o), f"{o} is partial after kill -9"
    res = geo("build", "--data-dir", d, "--build-dir", b)
    assert res.returncode == 0, res.stderr
    assert all(whole(b / o) for o in OUTPUTS if (b / o).exists())
    assert not list(b.rglob(".*.part-*")), "a killed build's temporary files outlive the next build"


# ------------------------------------------------------------------ every command, broken inputs: one line

EVERY_COMMAND = [
    ["build"], ["build", "--keep-going"], ["ingest"], ["extract"], ["extract", "{d}/articles"], ["events"],
    ["layers"], ["render"], ["export", "--format", "acled"], ["export", "--format", "geojson"],
    ["compare-acled", "{d}/acled-download.csv"], ["diff", "2016-11-01", "2016-12-01"], ["stats"], ["geocode"],
    ["control", "import", "{d}/drawing.geojson", "--date", "2016-12-01"], ["control", "draft", "--date", "2016-12-01"],
    ["gazetteer", "add", "x", "--name", "X", "--lon", "37.1", "--lat", "36.2"], ["gazetteer", "alias", "x", "en:y"],
    ["gazetteer", "import", "{d}/drawing.geojson", "--format", "drawn"], ["gazetteer", "lookup", "Aleppo"],
    ["gazetteer", "nest"], ["gazetteer", "parent", "a", "b"], ["gazetteer", "stats"], ["validate"],
    ["review"], ["review", "accept", "x"], ["review", "edit", "x", "--faction", "government"],
]


def break_everything(d: Path) -> None:
    """Every input of a data directory wrong at once."""
    (d / "factions.yaml").write_text("factions: [unclosed\n", encoding="utf-8")
    (d / "area.yaml").write_text("name: x\nbbox: [1, 2]\n", encoding="utf-8")
    (d / "articles" / "zz-binary.md").write_bytes(bytes(range(256)) * 8)
    with (d / "gazetteer" / "places.csv").open("a", encoding="utf-8") as fh:
        fh.write("broken,Broken,place,east,north,1,,geo\n")
    (d / "drawing.geojson").write_text('{"type": "FeatureCollection", "features": [{"type": "Feature"}]}')
    (d / "acled-download.csv").write_bytes(bytes(range(256)) * 8)


def break_outputs(b: Path) -> None:
    """The build's own files damaged by hand (the commands that read only them have nothing else to trip on)."""
    with (b / "claims.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"id": "cut short\n')
    (b / "events.gpkg").write_bytes(b"not a geopackage" * 64)
    (b / "control.gpkg").write_bytes(b"not a geopackage" * 64)
    (b / "unresolved.csv").write_bytes(bytes(range(256)) * 8)


@pytest.mark.parametrize("args", EVERY_COMMAND, ids=[" ".join(a[:2]) for a in EVERY_COMMAND])
def test_every_command_says_a_broken_input_in_one_line_never_a_traceback(args, built, tmp_path):
    shutil.copytree(built, tmp_path / "w")
    d, b = tmp_path / "w" / "data", tmp_path / "w" / "build"
    break_everything(d)
    break_outputs(b)
    res = geo(*[a.format(d=d) for a in args], "--data-dir", d, "--build-dir", b)
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    last = res.stderr.strip().splitlines()[-1]
    name = args[1] if args[0] in ("control", "gazetteer") or args[0] == "review" and len(args) > 1 else args[0]
    assert last.startswith(f"geo {name}: error: ")
    if args[0] != "validate":  # validate lists every problem, then says how many
        assert [line for line in res.stderr.splitlines() if "error" in line] == [last]


if __name__ == "__main__":
    sys.stdout.write(readme_table())
