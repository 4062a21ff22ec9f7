"""The stage graph: which stage reads what, writes what, and whether it is stale.

Stages: ingest -> extract -> events -> layers -> render. Each writes one file a person can open.
A stage is skipped by :func:`build` when the fingerprint of its inputs (file contents, the code
of the modules it runs and the package version) matches the one recorded in ``<build>/manifest.json``
and its output exists. Extraction also caches claims per article, keyed by the article's content
hash and the reading knowledge, so one new article re-reads one article.

>>> sorted(STAGES)
['events', 'extract', 'ingest', 'layers', 'render']
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import sys
import time
from collections.abc import Callable, Collection, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.articles import read_articles, undated
from geo.events import merge_claims
from geo.io import (
    DiskMemo,
    FileDigests,
    InputError,
    atomic_path,
    build_lock,
    count_jsonl,
    iter_jsonl,
    read_csv,
    read_events,
    read_jsonl,
    read_vector,
    vector_layers,
    write_csv,
    write_gpkg_layers,
    write_jsonl,
    write_lines,
    write_text,
)
from geo.model import CRS_METRIC, CRS_STORAGE, EVENT_COLUMNS, Article, Claim, Event, json_list
from geo.read import Factions, load_factions, load_lexicons
from geo.reading import (  # noqa: F401 - Reader, extract_articles and available_cores are part of the chain's API
    CACHE_SUFFIX,
    Reader,
    Tally,
    available_cores,
    cache_key,
    code_paths,
    extract_articles,
    hash_paths,
    iter_extract,
    reading_code,
    reading_fingerprint,
)
from geo.settings import Settings

Log = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


#: Whether long loops show a progress bar (the command line turns it on; the API and the tests stay quiet).
_BARS: contextvars.ContextVar[bool] = contextvars.ContextVar("geo_bars", default=False)


@contextlib.contextmanager
def progress_bars(on: bool = True) -> Iterator[None]:
    """Progress bars on stderr for the long loops (articles read, articles extracted) inside the block.
    tqdm hides them when stderr is not a terminal, so logs and pipes never hold them."""
    token = _BARS.set(on)
    try:
        yield
    finally:
        _BARS.reset(token)


def progress(items: Any, desc: str, unit: str, total: int | None = None) -> Any:
    """``items``, behind a progress bar (articles/s, time left) when bars are on and stderr is a terminal;
    ``total`` for an iterator (a list gives its own length)."""
    total = len(items) if total is None else total
    if not _BARS.get() or total < 2:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, disable=None,
                mininterval=0.5, dynamic_ncols=True)


#: Within one build (:func:`build_until`): the layers each stage wrote, by file, with the file's size and time
#: when written. The next stage takes the same frames instead of reading the GeoPackage back (reading 50k events
#: took 0.7 s); a file changed since is read.
_HANDOFF: contextvars.ContextVar[dict[Path, tuple[tuple[int, int], dict[str, gpd.GeoDataFrame]]] | None] = \
    contextvars.ContextVar("geo_handoff", default=None)


#: Within one build: the record of file hashes by size and time (``<build>/cache/files.json``).
_DIGESTS: contextvars.ContextVar[FileDigests | None] = contextvars.ContextVar("geo_digests", default=None)


def _write_layers(path: Path, layers: dict[str, gpd.GeoDataFrame]) -> None:
    """:func:`write_gpkg_layers`, the frames handed to the next stage of the same build."""
    layers = {k: _as_written(v) for k, v in layers.items()}
    write_gpkg_layers(path, layers)
    if (handoff := _HANDOFF.get()) is not None:
        st = path.stat()
        handoff[path] = ((st.st_size, st.st_mtime_ns), dict(layers))


#: A layer mixing these single and multi types is stored as the multi type (GeoPackage layers have one type).
_MULTI = {"Polygon": "MultiPolygon", "LineString": "MultiLineString", "Point": "MultiPoint"}


def _as_written(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame as a GeoPackage gives it back: single parts in a layer that mixes them with multi parts
    promoted (as the writer promotes them), so a frame handed on equals the one read back.

    >>> import shapely
    >>> g = gpd.GeoDataFrame(geometry=[shapely.box(0, 0, 1, 1), shapely.MultiPolygon([shapely.box(2, 2, 3, 3)])])
    >>> list(_as_written(g).geom_type)
    ['MultiPolygon', 'MultiPolygon']
    """
    if "geometry" not in gdf or gdf.empty:
        return gdf
    kinds = set(gdf.geom_type.dropna())
    single = next((k for k in kinds if _MULTI.get(k) in kinds), None)
    if single is None or len(kinds) != 2:
        return gdf
    import shapely

    promote = {"Polygon": shapely.multipolygons, "LineString": shapely.multilinestrings,
               "Point": shapely.multipoints}[single]
    geoms = gdf.geometry.to_numpy().copy()
    sel = (gdf.geom_type == single).to_numpy()
    geoms[sel] = [promote([g]) for g in geoms[sel]]
    return gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))


def _handed(path: Path) -> dict[str, gpd.GeoDataFrame] | None:
    """The layers an earlier stage of this build wrote to ``path``, if the file is still what it wrote."""
    handoff = _HANDOFF.get()
    if not handoff or path not in handoff:
        return None
    (size, mtime), layers = handoff[path]
    st = path.stat() if path.exists() else None
    return layers if st is not None and (st.st_size, st.st_mtime_ns) == (size, mtime) else None


# ---------------------------------------------------------------- fingerprints

def stage_inputs(stage: str, s: Settings) -> list[Path]:
    """The files whose contents decide a stage's output."""
    reading = [s.gazetteer_dir, s.lexicon_dir, s.factions_file, *reading_code(), *code_paths("articles")]
    return {
        "ingest": [s.articles_dir, s.lexicon_dir, *code_paths("articles")],
        "extract": [s.articles_jsonl, *reading],
        "events": [s.claims_jsonl, s.articles_jsonl, s.agencies_file, s.decisions_csv, s.factions_file,
                   s.gazetteer_dir / "places.csv", *code_paths("events", "merging", "model", "wire", "review")],
        "layers": [s.events_gpkg, s.control_dir, s.gazetteer_dir / "footprints.geojson",
                   s.gazetteer_dir / "places.csv", s.factions_file, s.area_file,
                   *code_paths("control/layers", "control/join", "control/snapshot", "model")],
        "render": [s.control_gpkg, s.skipped_csv, s.gazetteer_dir / "places.csv", s.gazetteer_dir / "footprints.geojson",
                   s.gazetteer_dir / "aliases.csv", s.factions_file, s.area_file,
                   *code_paths("map/render", "map/assets", "map/districts", "map/feed", "map/raw", "map/search",
                               "places/gazetteer")],
    }[stage]


def stage_output(stage: str, s: Settings) -> Path:
    return {"ingest": s.articles_jsonl, "extract": s.claims_jsonl, "events": s.events_gpkg,
            "layers": s.control_gpkg, "render": s.map_file()}[stage]


def _manifest_path(s: Settings) -> Path:
    return s.build_dir / "manifest.json"


def _read_manifest(s: Settings) -> dict[str, str]:
    try:
        return json.loads(_manifest_path(s).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _record(s: Settings, stage: str, fingerprint: str) -> None:
    m = _read_manifest(s)
    m[stage] = fingerprint
    write_text(_manifest_path(s), json.dumps(m, indent=1, sort_keys=True) + "\n")


# ---------------------------------------------------------------- stages

def load_articles(paths: list[Path | str], log: Log = _quiet, published: str | None = None, *,
                  languages: Collection[str] | None = None,
                  skipped: list[tuple[str, str]] | None = None, memo: DiskMemo | None = None,
                  digests: FileDigests | None = None) -> list[Article]:
    """Parse every article file under ``paths`` (directories expanded); ``published`` overrides dates.
    The first input that cannot be read raises InputError, unless a ``skipped`` list is given: then each
    is appended to it as ``(where, reason)`` and the rest is read. ``memo``: parsed files kept by content."""
    skip = None if skipped is None else (lambda where, why: skipped.append((where, why)))
    arts = read_articles(paths, published, log, skip, languages, lambda files: progress(files, "read", "file"), memo,
                         digests)
    for a in arts:
        if why := undated(a):
            log(f"warning: {why} (give --published YYYY-MM-DD or a 'date:' in the front matter)")
    log(f"read {len(arts)} article(s)" + (f"; skipped {len(skipped)} unreadable input(s)" if skipped else ""))
    return arts


def lexicon_languages(s: Settings) -> set[str]:
    """The languages geo can read in this data directory: one lexicon file each (``en.yaml``, ``fr.yaml``)."""
    return {p.stem for p in s.lexicon_dir.glob("*.yaml")}


def ingest(s: Settings, log: Log = _quiet, keep_going: bool = False) -> Path:
    """data/articles -> <build>/articles.jsonl (text, metadata, language, hash), and <build>/skipped.csv:
    the inputs left out (only with ``keep_going``; otherwise the first unreadable input stops it)."""
    if not s.articles_dir.is_dir():
        raise InputError(f"{s.articles_dir}: no articles directory")
    skipped: list[tuple[str, str]] | None = [] if keep_going else None
    memo = code_memo(s, "ingest", "articles")  # one more report parses one file
    try:
        arts = load_articles([s.articles_dir], log, languages=lexicon_languages(s) or None, skipped=skipped,
                             memo=memo, digests=_DIGESTS.get())
    except InputError as exc:
        raise InputError(f"{exc} (--keep-going leaves unreadable articles out)") from None
    write_csv(s.skipped_csv, [{"input": w, "reason": r} for w, r in skipped or []], ["input", "reason"])
    write_jsonl(s.articles_jsonl, (a.to_dict() for a in sorted(arts, key=lambda a: (a.date, a.id))))
    memo.save()
    return s.articles_jsonl


def skipped_inputs(s: Settings) -> list[tuple[str, str]]:
    """What the last ingest left out, as ``(where, reason)`` (empty when it read everything)."""
    if not s.skipped_csv.exists():
        return []
    return [(r["input"], r["reason"]) for r in read_csv(s.skipped_csv)]


#: How articles are read: ``local`` (this machine's processes) or ``dask`` (a Dask cluster, geo/reading_dask.py).
ENGINES = ("local", "dask")


def extract(s: Settings, log: Log = _quiet, jobs: int = 1, engine: str = "local",
            scheduler: str | None = None) -> Path:
    """<build>/articles.jsonl -> <build>/claims.jsonl and <build>/unresolved.csv (the review queue), the
    articles read in ``jobs`` processes, one batch at a time: claims are written as they are read, so memory
    does not grow with the corpus. With ``engine="dask"`` they are read on the Dask scheduler at
    ``scheduler``, or on a local cluster of ``jobs`` worker processes; the outputs are the same."""
    _check_engine(engine, scheduler)
    if not s.articles_jsonl.exists():
        ingest(s, log)
    total = count_jsonl(s.articles_jsonl)
    cache = s.build_dir / "cache" / "claims"
    reader = Reader(s) if engine != "dask" else None
    fingerprint = reader.fingerprint if reader is not None else reading_fingerprint(s)
    used: set[str] = set()

    def articles() -> Iterator[Article]:  # each article's cached reading is noted as it goes by
        for d in iter_jsonl(s.articles_jsonl):
            a = Article.from_dict(d)
            used.add(f"{cache_key(a, fingerprint)}{CACHE_SUFFIX}")
            yield a

    if reader is None:
        from geo.reading_dask import iter_extract_dask  # imports dask only when it is asked for

        stream = iter_extract_dask(articles(), s, cache, scheduler, jobs, total=total, log=log)
    else:
        stream = iter_extract(articles(), reader, cache, jobs, total, lines=True)
    tally = Tally()
    with contextlib.closing(stream):  # a failed write stops the workers (or the cluster) at once
        write_lines(s.claims_jsonl, tally.lines(progress(stream, "extract", "article", total)))
    write_csv(s.unresolved_csv, tally.rows(), ["name", "count", "articles", "sentence"])
    tally.report(log)
    _prune_readings(cache, used)
    return s.claims_jsonl


def _prune_readings(cache: Path, used: set[str]) -> None:
    """Delete the cached readings this extraction did not use: articles gone, or readings made with other
    knowledge (a lexicon or the reading code changed). Each such change left one stale file per article."""
    if cache.is_dir():
        for f in cache.iterdir():
            if f.name not in used and f.is_file():
                f.unlink(missing_ok=True)


def _check_engine(engine: str, scheduler: str | None) -> None:
    """A one-line error before any work when the engine cannot run (dask missing, scheduler unreachable)."""
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r}: one of {', '.join(ENGINES)}")
    if engine == "dask":
        from geo.control import dask_join_from
        from geo.reading_dask import check_engine

        check_engine(scheduler)
        dask_join_from()  # a bad GEO_DASK_JOIN_FROM is said now, not after reading every article


def events_frame(events: list[Event]) -> gpd.GeoDataFrame:
    """Events as a point GeoDataFrame (EPSG:4326) with the EVENT_COLUMNS."""
    return rows_frame([{**e.to_row(), "lon": e.lon, "lat": e.lat} for e in events])


def rows_frame(rows: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """Event rows (:meth:`Event.to_row` with ``lon`` and ``lat``) as a point GeoDataFrame (EPSG:4326)."""
    df = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy([r["lon"] for r in rows], [r["lat"] for r in rows]),
                            crs=CRS_STORAGE)


def table_frame(table: Any) -> gpd.GeoDataFrame:
    """Event rows as an Arrow table (:data:`geo.merging.SCHEMA`) as the point GeoDataFrame :func:`rows_frame`
    makes of the same rows."""
    df = table.drop_columns(["lon", "lat"]).to_pandas()
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(table["lon"].to_numpy(), table["lat"].to_numpy()),
                            crs=CRS_STORAGE)


def events(s: Settings, log: Log = _quiet) -> Path:
    """<build>/claims.jsonl -> <build>/events.gpkg (layer ``events``): claims merged, sources counted, the
    analyst's decisions applied. Each place's events are kept in ``<build>/cache/events.sqlite`` by what they
    were merged from (geo/merging.py): one more report merges the places it names."""
    from geo.merging import merge_table
    from geo.review import load_decisions

    if not s.claims_jsonl.exists():
        extract(s, log)
    # "\n" ends a line of JSON Lines; splitlines() would also break on a U+2028 or U+0085 inside a sentence
    lines = [x for x in s.claims_jsonl.read_text(encoding="utf-8").split("\n") if x.strip()]
    wire = _wire(s)
    decisions = load_decisions(s.decisions_csv, *review_checks(s))
    # what decisions depend on besides the claims: the decisions themselves, and the gazetteer (an edited place)
    salt = hash_paths([s.decisions_csv, s.gazetteer_dir / "places.csv"]) if decisions else ""
    memo = code_memo(s, "events", "events", "merging", "review", "model")
    try:
        table, review = merge_table(lines, wire, decisions, _place_ref(s) if decisions else None, memo, salt)
    except (ValueError, KeyError, TypeError):
        read_jsonl(s.claims_jsonl)  # names the line that is not JSON
        raise InputError(f"{s.claims_jsonl}: a line is not a claim (run geo extract again)") from None
    if decisions:
        vanished = [d for d in decisions if d.id not in review.matched]
        vanished = [d for d in vanished if not d.id.startswith(("name:", "change-"))]  # queue items, not claims
        _warn_vanished(s, log, vanished)
        log(f"review: {len(decisions) - len(vanished)} decision(s) applied, {review.rejected} claim(s) rejected"
            + (f", {len(vanished)} on claims that are gone" if vanished else ""))
    frame = table_frame(table)
    _write_layers(s.events_gpkg, {"events": frame})
    memo.save()
    by = frame["status"].value_counts().to_dict() if len(frame) else {}
    log(f"merged {len(lines) - review.rejected} claim(s) into {len(frame)} event(s) {by}")
    return s.events_gpkg


def _warn_vanished(s: Settings, log: Log, vanished: list[Any] | None = None) -> None:
    """Name each decision whose claim or event no longer exists (found again from the last build when not given)."""
    if vanished is None:
        from geo.review import load_decisions

        if not s.decisions_csv.exists():
            return
        ids = claim_and_event_ids(s)
        vanished = [d for d in load_decisions(s.decisions_csv) if d.id not in ids]
        # a rejected claim is in claims.jsonl but in no event; a rejected event is in neither: still applied
        applied = _applied_ids(s)
        vanished = [d for d in vanished if d.id not in applied and not d.id.startswith(("name:", "change-"))]
    for d in vanished:
        log(f"warning: {s.decisions_csv}: decision {d.decision} on {d.id} ({d.when}, {d.who}) matches no claim or "
            "event any more (the report or the reading changed): review it again or delete the row")


def _applied_ids(s: Settings) -> set[str]:
    """The event ids the claims of the last extraction merge into before any decision."""
    claims = [Claim.from_dict(d) for d in read_jsonl(s.claims_jsonl)] if s.claims_jsonl.exists() else []
    return {e.id for e in merge_claims(claims, _wire(s))}


def claim_and_event_ids(s: Settings) -> set[str]:
    """Every claim id and event id of the last build (what a review decision may name)."""
    ids = {d["id"] for d in read_jsonl(s.claims_jsonl)} if s.claims_jsonl.exists() else set()
    return ids | ({e.id for e in read_events(s.events_gpkg)} if s.events_gpkg.exists() else set())


def review_checks(s: Settings) -> tuple[Callable[[str], bool], Callable[[str], bool]]:
    """Whether a place id is in the gazetteer and a faction in factions.yaml (to check decisions)."""
    ids = set(pd.read_csv(s.gazetteer_dir / "places.csv", dtype=str, usecols=["id"])["id"]) \
        if (s.gazetteer_dir / "places.csv").exists() else set()
    factions = load_factions(s.factions_file)
    return ids.__contains__, factions.is_valid


def _place_ref(s: Settings) -> Callable[[str], Any]:
    from geo.model import PlaceRef

    df = pd.read_csv(s.gazetteer_dir / "places.csv", dtype={"id": str}).set_index("id")

    def place_of(pid: str) -> PlaceRef:
        r = df.loc[pid]
        return PlaceRef(pid, str(r["name"]), "", float(r["lon"]), float(r["lat"]), int(r["precision"]))
    return place_of


def _wire(s: Settings) -> dict[str, tuple[str, str]]:
    """Republished wire copies among the ingested articles (geo/wire.py)."""
    from geo.wire import load_agencies, wire_stories

    if not s.articles_jsonl.exists():
        return {}
    arts = [Article.from_dict(d) for d in read_jsonl(s.articles_jsonl)]
    memo = code_memo(s, "wire", "wire")
    out = wire_stories(arts, load_agencies(s.agencies_file), memo)
    memo.save()
    return out


def layers(s: Settings, log: Log = _quiet, engine: str = "local", scheduler: str | None = None,
           jobs: int = 1) -> Path:
    """Snapshots in data/control + events -> <build>/control.gpkg (control, frontlines, changes, stats, events).
    With ``engine="dask"`` and at least :func:`geo.control.dask_join_from` events, the events are joined with
    the intervals on the Dask scheduler at ``scheduler`` (or a local cluster of ``jobs`` workers); the same
    layers either way."""
    if not s.events_gpkg.exists():
        events(s, log)
    memo = code_memo(s, "layers", "control/layers", "control/snapshot", "control/join")
    evs = _read_layer(s.events_gpkg, "events")
    if evs is None:
        raise InputError(f"{s.events_gpkg}: no events layer; run geo events")
    with contextlib.ExitStack() as stack:
        join = _dask_join(stack, len(evs), log, scheduler, jobs) if engine == "dask" else None
        out = layers_from(s, evs, log, memo, join)
    _write_layers(s.control_gpkg, out)
    memo.save()
    return s.control_gpkg


def _dask_join(stack: contextlib.ExitStack, n: int, log: Log, scheduler: str | None, jobs: int
               ) -> Callable[..., gpd.GeoDataFrame] | None:
    """The join of ``n`` events on a Dask cluster (held open by ``stack``), or None below the threshold:
    a cluster's round trips cost more than joining a few events here."""
    from geo.control import dask_join_from, join_events_dask
    from geo.reading_dask import dask_client

    if n < dask_join_from():
        return None
    client = stack.enter_context(dask_client(scheduler, jobs, log))
    log(f"joining {n} events with control on the Dask cluster (dask-geopandas)")
    return functools.partial(join_events_dask, client=client)


def code_memo(s: Settings, name: str, *modules: str) -> DiskMemo:
    """The build's cache ``<build>/cache/<name>.sqlite`` of work that depends on content and on ``modules``'
    code (and on GEOS, which computes the geometries): a change of either is a cold cache."""
    import shapely

    salt = hash_paths(code_paths(*modules)) + shapely.geos_version_string
    for old in (s.build_dir / "cache").glob("*.pickle"):  # the single-pickle caches of earlier versions
        old.unlink(missing_ok=True)
    return DiskMemo(s.build_dir / "cache" / f"{name}.sqlite", salt)


def layers_from(s: Settings, evs: list[Event] | gpd.GeoDataFrame, log: Log = _quiet, memo: DiskMemo | None = None,
                join: Callable[..., gpd.GeoDataFrame] | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The control layers (control, frontlines, changes, stats, events) from ``s``'s snapshots and these
    events (records, or an events layer), in memory: what :func:`layers` writes (``memo``: the build's cache
    of partitions, daily states and changes; ``join``: the event join, when not the local one)."""
    from geo.control import build_layers, city_outline, load_snapshots

    factions = load_factions(s.factions_file)
    footprints = read_footprints(s)
    area = s.area()
    snaps, warnings = load_snapshots(s.control_dir, factions, city_outline(footprints), area, memo)
    for w in warnings:
        log(f"warning: {w}")
    if not snaps:
        raise InputError(f"{s.control_dir}: no control snapshots (YYYY-MM-DD.geojson)")
    reported = evs[evs["modality"] == "reported"] if isinstance(evs, gpd.GeoDataFrame) else \
        [e for e in evs if e.modality == "reported"]
    out = build_layers(snaps, reported, footprints, area.crs if area else CRS_METRIC, parents=read_parents(s),
                       memo=memo, join=join)
    log(f"built {', '.join(f'{k} ({len(v)})' for k, v in out.items())} from {len(snaps)} snapshot(s)")
    return {k: _as_gdf(v) for k, v in out.items()}


def read_parents(s: Settings) -> dict[str, str]:
    """``{place id: parent id}`` from the gazetteer's places.csv (empty without one). A parent of precision 3
    (the city, a half of it) is left out: it is never the whole its parts make, or a report of "the city"
    would move every district."""
    path = s.gazetteer_dir / "places.csv"
    if not path.exists():
        return {}
    df = pd.read_csv(path, dtype=str, keep_default_na=False, usecols=["id", "parent", "precision"])
    cities = set(df.loc[df["precision"] == "3", "id"])
    return {i: p for i, p in zip(df["id"], df["parent"], strict=True) if p and p not in cities}


def read_footprints(s: Settings) -> gpd.GeoDataFrame:
    """The gazetteer's place polygons (id, kind, geometry); empty when the gazetteer has none."""
    fp_path = s.gazetteer_dir / "footprints.geojson"
    if fp_path.exists():
        return read_vector(fp_path)
    return gpd.GeoDataFrame({"id": [], "kind": []}, geometry=[], crs=CRS_STORAGE)


def check_facts_file(s: Settings, facts_file: Path | None = None) -> list[Any]:
    """The facts of ``data/control/facts.csv`` (or ``facts_file``) checked against <build>/control.gpkg.

    Returns the verdicts (``geo.control`` facts) in file order; bad input raises InputError.
    """
    from geo.control import check_facts, place_points, read_facts
    from geo.places import read_places

    path = facts_file or s.control_dir / "facts.csv"
    if not s.control_gpkg.exists():
        raise InputError(f"{s.control_gpkg}: not built yet; run `geo build` (or `geo layers`) first")
    places = read_places(s.gazetteer_dir / "places.csv")
    rows = read_facts(path, set(load_factions(s.factions_file).ids), set(places))
    points = place_points(sorted({f.place_id for f in rows}),
                             {pid: (p.lon, p.lat) for pid, p in places.items()}, read_footprints(s))
    return check_facts(_read_layer(s.control_gpkg, "control"), rows, points)


def _as_gdf(df: Any) -> gpd.GeoDataFrame:
    if isinstance(df, gpd.GeoDataFrame):
        return df
    return gpd.GeoDataFrame(df, geometry=[None] * len(df), crs=CRS_STORAGE)


def _read_layer(path: Path, layer: str) -> gpd.GeoDataFrame | None:
    """One layer of a GeoPackage the build wrote (None when it has no such layer)."""
    if (handed := _handed(path)) is not None:
        return handed.get(layer)
    return read_vector(path, layer, built=True) if layer in vector_layers(path, built=True) else None


def render(s: Settings, log: Log = _quiet, *, name: str | None = None, cdn: bool = False,
           png_dir: Path | None = None, image_size: tuple[int, int] = (1600, 1200), image_format: str = "png") -> Path:
    """<build>/control.gpkg -> <build>/maps/<name>.html (offline unless ``cdn``)."""
    from geo.map import render_page

    if not s.control_gpkg.exists():
        layers(s, log)
    built = read_layers(s.control_gpkg)
    memo = code_memo(s, "map", "map/districts", "map/render")
    m, districts = map_from(s, built, memo)
    html = render_page(m.get_root(), offline=not cdn)
    out = s.map_file(name)
    write_text(out, html)
    memo.save()
    log(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB{', CDN links' if cdn else ', offline'})")
    if png_dir is not None:
        area = s.area()
        _stills(s, built["control"], built.get("events"), _plain(built.get("stats")), districts,
                load_factions(s.factions_file), png_dir, log, image_size, image_format, area.crs if area else CRS_METRIC)
    return out


LAYERS = ("control", "frontlines", "changes", "stats", "events")


def read_layers(path: Path) -> dict[str, gpd.GeoDataFrame]:
    """The layers of a control GeoPackage written by :func:`layers` (those it has)."""
    out = {name: _read_layer(path, name) for name in LAYERS}
    return {k: v for k, v in out.items() if v is not None}


def _plain(df: gpd.GeoDataFrame | None) -> pd.DataFrame | None:
    """A table stored with an empty geometry (stats) as a plain DataFrame."""
    return pd.DataFrame(df.drop(columns="geometry")) if df is not None and "geometry" in df else df


def map_from(s: Settings, built: dict[str, gpd.GeoDataFrame], memo: DiskMemo | None = None
             ) -> tuple[Any, dict | None]:
    """The interactive map (a folium.Map) of these layers, with ``s``'s gazetteer for districts and search;
    and the district data it drew (``memo``: the build's cache of the districts' daily holders and of the
    layers' GeoJSON text)."""
    from geo.map import build_map

    control, evs, changes = built["control"], built.get("events"), built.get("changes")
    pcsv, acsv = s.gazetteer_dir / "places.csv", s.gazetteer_dir / "aliases.csv"
    places = pd.read_csv(pcsv) if pcsv.exists() else None
    aliases = pd.read_csv(acsv, dtype=str).fillna("") if acsv.exists() else pd.DataFrame()
    area = s.area()
    districts = _districts(s, places, aliases, control, changes, evs, area.crs if area else CRS_METRIC, memo)
    m = build_map(control, evs, load_factions(s.factions_file), frontlines=built.get("frontlines"),
                  stats=_plain(built.get("stats")), changes=changes, title=_title(control, area.city if area else ""),
                  bounds=area.bbox if area else None, districts=districts, search=_search(places, aliases),
                  notice=_skipped_notice(s), memo=memo)
    return m, districts


def _skipped_notice(s: Settings) -> str:
    """What the map says when ``geo build --keep-going`` left articles out ("" when none were)."""
    n = len(skipped_inputs(s))
    return f"{n} input(s) could not be read and are not on this map: see {s.skipped_csv.name}" if n else ""


def _districts(s: Settings, places: pd.DataFrame | None, aliases: pd.DataFrame, control: gpd.GeoDataFrame,
               changes: gpd.GeoDataFrame | None, events: gpd.GeoDataFrame | None, metric: str,
               memo: DiskMemo | None = None) -> dict | None:
    """The map's district layer (outlines, names, holders by date), from the gazetteer's footprints."""
    from geo.map import district_data

    footprints = read_footprints(s)
    if places is None or footprints.empty:
        return None
    return district_data(footprints, places, aliases, control, changes, events, metric, memo)


def _search(places: pd.DataFrame | None, aliases: pd.DataFrame) -> dict | None:
    """Every spelling of every place, with the reader's key, for the map's search box."""
    from geo.map import search_data
    from geo.places import fold

    if places is None or places.empty:
        return None
    return search_data(places, aliases, fold)


def _title(control: gpd.GeoDataFrame | None, city: str = "") -> str:
    """The map's title: the study area's city and the dates of the layers."""
    if control is None or control.empty:
        return city or "Reported control"
    d0, d1 = min(control.valid_from), max(control.valid_from)
    return (f"Reported control, {city + ' ' if city else ''}"
            f"{date.fromisoformat(d0):%d %b %Y} – {date.fromisoformat(d1):%d %b %Y}")


def _stills(s: Settings, control: gpd.GeoDataFrame, evs: gpd.GeoDataFrame | None, stats: pd.DataFrame | None,
            districts: dict | None, factions: Factions, out_dir: Path, log: Log, size: tuple[int, int], fmt: str,
            metric: str) -> None:
    """A publishable image per date the control changes (geo/map/image.py): ``control-YYYY-MM-DD.png``."""
    from geo.map import Still, draw_still

    area = s.area()
    out_dir.mkdir(parents=True, exist_ok=True)
    snaps = sorted(p.stem for p in s.control_dir.glob("*.geojson") if _is_day(p.stem))
    dist = None
    if districts:
        feats = districts["districts"]["features"]
        dist = gpd.GeoDataFrame.from_features(feats, crs=CRS_STORAGE)
    arts: list[tuple[str, list[str]]] = []
    if evs is not None and not evs.empty:
        arts = [(str(d), json_list(a)) for d, a in zip(evs["date"], evs["articles"], strict=True)]
    km2 = {}
    if stats is not None and not stats.empty:
        for r in stats.itertuples():
            km2.setdefault(str(r.date), {})[str(r.faction)] = float(r.km2)
    days = sorted(set(control.valid_from))
    for d in days:
        cur = control[(control.valid_from <= d) & ((control.valid_to == "") | (control.valid_to > d))]
        still = Still(day=d, control=cur, colours={f: factions.colour(f) for f in set(cur.faction)},
                      names=dict(factions.names), km2=km2.get(d, {}),
                      reports=len({a for day, ids in arts if day <= d for a in ids}),
                      snapshots=[x for x in snaps if x <= d], districts=dist,
                      title=f"Reported control, {area.city}" if area and area.city else "Reported control",
                      credit=area.credit if area and area.credit else "Outlines: the data directory's gazetteer.")
        target = out_dir / f"control-{d}.{fmt}"
        with atomic_path(target) as tmp:
            draw_still(still, tmp, metric, size, fmt)
    log(f"wrote {len(days)} {fmt.upper()} image(s) to {out_dir}")


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def export(s: Settings, fmt: str, output: Path | None = None, log: Log = _quiet) -> Path:
    """The joined events of <build>/control.gpkg as ACLED CSV, GeoJSON or GeoPackage."""
    from geo.export import ACLED_COLUMNS, EXTENSION_COLUMNS, acled_row, export_stamp, load_acled
    from geo.io import write_geojson

    if not s.control_gpkg.exists():
        layers(s, log)
    evs = _read_layer(s.control_gpkg, "events")
    if evs is None:
        raise InputError(f"{s.control_gpkg}: no events layer; run `geo layers`")
    ext = {"acled": "csv", "geojson": "geojson", "gpkg": "gpkg"}[fmt]
    out = output or s.build_dir / "exports" / f"events.{ext}"
    if fmt == "acled":
        if not (s.acled_dir / "codebook.yaml").exists():
            raise InputError(f"{s.acled_dir}: no ACLED codebook (codebook.yaml, actors.yaml)")
        acled, stamp, outlet = load_acled(s.acled_dir), export_stamp(), _outlets(s)
        rows = [r for r in (acled_row(e, g.x, g.y, acled, [outlet[a] for a in json_list(e.get("articles"))
                                                           if outlet.get(a)], stamp)
                            for e, g in zip(evs.drop(columns="geometry").to_dict("records"), evs.geometry,
                                            strict=True)) if r]
        write_csv(out, rows, ACLED_COLUMNS + EXTENSION_COLUMNS)
        log(f"wrote {len(rows)} event(s) to {out} (control statements are not ACLED events)")
    elif fmt == "geojson":
        write_geojson(out, evs)
    else:
        write_gpkg_layers(out, {"events": evs})
    return out


def compare_acled(s: Settings, acled_file: Path, window: int = 1, output: Path | None = None,
                  log: Log = _quiet) -> tuple[Path, dict[str, int]]:
    """An ACLED download beside <build>/control.gpkg's events -> a CSV of matched, conflicting, only in
    ACLED and only in geo, and the counts."""
    from geo.acled_compare import COLUMNS, compare, read_acled, sides_from
    from geo.export import load_acled

    rows = read_acled(acled_file)
    if not s.control_gpkg.exists():
        layers(s, log)
    evs = _read_layer(s.control_gpkg, "events")
    if evs is None:
        raise InputError(f"{s.control_gpkg}: no events layer; run `geo layers`")
    book = load_acled(s.acled_dir)
    result = compare(rows, evs, sides_from(book.sides, book.forces), window)
    out = output or s.build_dir / "exports" / "acled-compare.csv"
    write_csv(out, result.rows, COLUMNS)
    return out, result.counts()


def _outlets(s: Settings) -> dict[str, str]:
    """Article id -> the outlet that published it (its ``source``), from the ingested articles."""
    if not s.articles_jsonl.exists():
        return {}
    return {str(d.get("id")): str(d.get("source") or "") for d in read_jsonl(s.articles_jsonl)}


STAGES: dict[str, Callable[..., Path]] = {"ingest": ingest, "extract": extract, "events": events,
                                          "layers": layers, "render": render}
ORDER = ["ingest", "extract", "events", "layers", "render"]


def build(s: Settings, log: Log = _quiet, force: bool = False, keep_going: bool = False,
          times: dict[str, float] | None = None, jobs: int = 1, engine: str = "local",
          scheduler: str | None = None) -> Path:
    """Run every stale stage in order; return the map path. A failing stage leaves earlier outputs.
    With ``keep_going`` an article that cannot be read is left out (:func:`skipped_inputs` lists them)
    instead of stopping the build. ``times`` gets each stage's seconds (absent: up to date); ``jobs``: the
    processes that read articles; ``engine`` and ``scheduler``: where (:func:`extract`). One build at a time
    per build directory (:func:`geo.io.build_lock`)."""
    with build_lock(s.build_dir, log):
        build_until(s, ORDER[-1], log, force, keep_going, times, jobs, engine, scheduler)
    return s.map_file()


def build_until(s: Settings, last: str, log: Log = _quiet, force: bool = False, keep_going: bool = False,
                times: dict[str, float] | None = None, jobs: int = 1, engine: str = "local",
                scheduler: str | None = None) -> Path:
    """Run the stale stages up to and including ``last``; return its output. The gazetteer is checked
    first, with ``geo validate``'s own checks: a duplicate id or swapped coordinates stop the build. The
    engine is not part of a stage's fingerprint: every engine writes the same claims."""
    _check_engine(engine, scheduler)
    token = _HANDOFF.set({})
    digests = FileDigests(s.build_dir / "cache" / "files.json")
    known = _DIGESTS.set(digests)
    try:
        return _build_stages(s, last, log, force, keep_going, times, jobs, engine, scheduler)
    finally:
        _HANDOFF.reset(token)
        _DIGESTS.reset(known)
        with contextlib.suppress(OSError):  # a record not kept costs the next build a read of each file
            digests.save()


def _build_stages(s: Settings, last: str, log: Log, force: bool, keep_going: bool, times: dict[str, float] | None,
                  jobs: int, engine: str, scheduler: str | None) -> Path:
    manifest = _read_manifest(s)
    for key, inputs, check in (("gazetteer checked", [s.gazetteer_dir, s.area_file], check_gazetteer),
                               ("reading checked", [s.factions_file, s.lexicon_dir], check_reading)):
        fp = hash_paths(inputs, _DIGESTS.get())
        if manifest.get(key) != fp:  # checked once per version of these inputs, not on every build
            check(s)
            _record(s, key, fp)
    for stage in ORDER[:ORDER.index(last) + 1]:
        fp = hash_paths(stage_inputs(stage, s), _DIGESTS.get())
        if stage == "ingest" and keep_going:
            fp += "+keep-going"  # a strict build after a lenient one reads again, and stops where it must
        out = stage_output(stage, s)
        if not force and manifest.get(stage) == fp and out.exists():
            log(f"{stage}: up to date")
            if stage == "events":
                _warn_vanished(s, log)  # said on every build, not only when the events stage runs
            continue
        log(f"{stage}: running")
        start = time.perf_counter()
        if stage == "ingest":
            ingest(s, log, keep_going)
        elif stage == "extract":
            extract(s, log, jobs, engine, scheduler)
        elif stage == "layers":
            layers(s, log, engine, scheduler, jobs)
        else:
            STAGES[stage](s, log)
        if times is not None:
            times[stage] = time.perf_counter() - start
        _record(s, stage, fp)  # a stage never writes its own inputs, so fp still describes them
    return stage_output(last, s)


def build_summary(s: Settings, times: dict[str, float]) -> str:
    """What a build holds, in one line: articles read and skipped, claims, events by status, unresolved
    names, and the seconds of each stage that ran."""
    import pyogrio

    n_arts = sum(1 for _ in s.articles_jsonl.open(encoding="utf-8")) if s.articles_jsonl.exists() else 0
    n_claims = sum(1 for _ in s.claims_jsonl.open(encoding="utf-8")) if s.claims_jsonl.exists() else 0
    by: dict[str, int] = {}
    if s.events_gpkg.exists():
        for st in pyogrio.read_dataframe(s.events_gpkg, layer="events", columns=["status"],
                                         read_geometry=False)["status"]:
            by[st] = by.get(st, 0) + 1
    names = len(read_csv(s.unresolved_csv)) if s.unresolved_csv.exists() else 0
    ran = ", ".join(f"{k} {v:.1f} s" for k, v in times.items()) or "no stage redone"
    events = f"{sum(by.values())} event(s)" + (f" ({', '.join(f'{v} {k}' for k, v in sorted(by.items()))})"
                                               if by else "")
    return (f"summary: {n_arts} article(s) read, {len(skipped_inputs(s))} skipped; {n_claims} claim(s); {events}; "
            f"{names} unresolved name(s); {ran}")


def check_reading(s: Settings) -> None:
    """The factions and lexicons the reading needs, with ``geo validate``'s checks (one code path)."""
    from geo.read import check_faction_languages

    problems = check_faction_languages(load_factions(s.factions_file), load_lexicons(s.lexicon_dir))
    if problems:
        raise InputError(problems[0])


def check_gazetteer(s: Settings) -> None:
    """The first problem :func:`geo.places.validate_gazetteer` finds, as the build's one-line error."""
    from geo.places import validate_gazetteer

    if not s.gazetteer_dir.is_dir():
        return  # the stages that need it say so
    probs = validate_gazetteer(s.gazetteer_dir, s.area())
    if probs:
        more = f" (and {len(probs) - 1} more: geo validate lists them)" if len(probs) > 1 else ""
        raise InputError(probs[0] + more)


def stderr_log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)
