"""geo from Python: the same steps as the command line, as functions that take and return tables.

Every function works in memory on the defaults of a data directory (the embedded Aleppo dataset when none is
given); nothing is written unless a path is given. The command line runs the same steps (geo/pipeline.py).

Example (in a notebook)::

    import geo
    arts = geo.read_articles("data/articles")               # list of geo.model.Article
    claims, unread = geo.extract(arts)                      # list of Claim, DataFrame of names to review
    events = geo.build_events(claims)                       # GeoDataFrame, EPSG:4326
    layers = geo.build_layers(events)                       # {"control": GeoDataFrame, "changes": ..., ...}
    m = geo.render_map(layers, "aleppo.html")               # a folium.Map, also written offline to aleppo.html
    built = geo.load_build("data/build")                    # what `geo build` wrote, as GeoDataFrames
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo.events import merge_claims
from geo.io import read_vector, write_text
from geo.model import EVENT_COLUMNS, Article, Claim, Event
from geo.pipeline import (
    Reader,
    events_frame,
    extract_articles,
    layers_from,
    load_articles,
    map_from,
    read_layers,
)
from geo.settings import Settings

PathLike = str | Path


def _settings(data_dir: PathLike | None = None, build_dir: PathLike | None = None) -> Settings:
    return Settings.resolve(data_dir, build_dir)


def read_articles(*paths: PathLike, published: str | None = None) -> list[Article]:
    """Articles from files or directories (Markdown with front matter, text, JSON Lines); ``published``
    (YYYY-MM-DD) dates those that carry no date.

    >>> arts = read_articles(Settings.resolve().articles_dir)
    >>> len(arts) > 5 and all(a.text for a in arts)
    True
    """
    return load_articles([Path(p) for p in paths], published=published)


def extract(articles: list[Article], data_dir: PathLike | None = None) -> tuple[list[Claim], pd.DataFrame]:
    """The claims of the articles, and the names geo could not place (name, count, articles, sentence)."""
    claims, unresolved = extract_articles(articles, Reader(_settings(data_dir)))
    return claims, pd.DataFrame(unresolved, columns=["name", "count", "articles", "sentence"])


def claims_frame(claims: list[Claim], explain: bool = False) -> pd.DataFrame:
    """Claims as a table, one row each, as ``geo extract --format csv`` writes them; ``explain`` adds the why
    of each claim (``geo extract --explain``) as a column of dicts."""
    return pd.DataFrame([c.to_dict(explain=explain) for c in claims])


def build_events(claims: list[Claim]) -> gpd.GeoDataFrame:
    """Claims merged into events (one per place, type and side within a day, every source kept)."""
    return events_frame(merge_claims(claims))


def build_layers(events: gpd.GeoDataFrame | list[Event], data_dir: PathLike | None = None) -> dict[str, gpd.GeoDataFrame]:
    """The control layers (control, frontlines, changes, stats, events) from the data directory's drawn
    snapshots and these events (a frame with every column of the events layer is joined as it is; one
    with fewer, a table of one's own, is read row by row, its missing fields at their defaults)."""
    if isinstance(events, gpd.GeoDataFrame) and not set(EVENT_COLUMNS) <= set(events.columns):
        events = [Event.from_row(r, g.x, g.y) for r, g in
                  zip(events.drop(columns="geometry").to_dict("records"), events.geometry, strict=True)]
    return layers_from(_settings(data_dir), events)


def render_map(layers: dict[str, gpd.GeoDataFrame], path: PathLike | None = None, data_dir: PathLike | None = None,
               offline: bool = True) -> Any:
    """The interactive map of these layers (a folium.Map; shown inline in Jupyter); with ``path``, also
    written there as one HTML file (offline: every script inlined)."""
    from geo.map import render_page

    m, _ = map_from(_settings(data_dir), layers)
    if path is not None:
        write_text(Path(path), render_page(m.get_root(), offline=offline))
    return m


def diff(date1: str, date2: str, build_dir: PathLike | None = None, data_dir: PathLike | None = None
         ) -> gpd.GeoDataFrame:
    """``geo diff``: what changed hands between two dates of the last build, one row per pair of sides
    (from_faction, to_faction, km2, events, event_labels); an empty ``events`` list is a change a drawing made
    with no report behind it."""
    from geo.control import diff as compare

    s = _settings(data_dir, build_dir)
    built = read_layers(s.control_gpkg)
    area = s.area()
    return compare(built["control"], built.get("events"), date1, date2, *([area.crs] if area else []))


def shipped_data() -> Path:
    """The data directory geo ships (Aleppo 2016): its lexicons (``lexicon/en.yaml``, ``fr.yaml``) read
    reports of any city, so a new data directory may start from a copy of them."""
    from geo.settings import repo_root

    return repo_root() / "data"


def build(data_dir: PathLike | None = None, build_dir: PathLike | None = None, *, force: bool = False,
          keep_going: bool = False, quiet: bool = True) -> Path:
    """``geo build``: every stage that is out of date, into ``build_dir`` (default ``<data_dir>/build``);
    returns the map's path. ``quiet=False`` prints the progress lines."""
    from geo.pipeline import build as run
    from geo.pipeline import stderr_log

    return run(_settings(data_dir, build_dir), (lambda _: None) if quiet else stderr_log, force=force,
               keep_going=keep_going)


def lookup(*names: str, data_dir: PathLike | None = None, explain: bool = False) -> pd.DataFrame:
    """``geo gazetteer lookup``: the place each name resolves to (id null when none), and with ``explain``
    the rule that found it and every candidate."""
    from geo.places import load_gazetteer

    g = load_gazetteer(_settings(data_dir).gazetteer_dir)
    return pd.DataFrame([g.lookup_row(q, explain) for q in names])


def review_queue(data_dir: PathLike | None = None, build_dir: PathLike | None = None) -> pd.DataFrame:
    """``geo review``: what needs a person after the last build, most useful first (id, kind, why, date,
    place, faction, type, articles, text, count)."""
    from geo.review import build_items, load_decisions, queue

    s = _settings(data_dir, build_dir)
    items = queue(build_items(s), load_decisions(s.decisions_csv))
    return pd.DataFrame([i.row() for i in items],
                        columns=["id", "kind", "why", "date", "place", "faction", "type", "articles", "text", "count"])


def decide(item_id: str, decision: str, data_dir: PathLike | None = None, *, note: str = "", **fields: str) -> Any:
    """``geo review accept|reject|edit``: record a decision in ``<data_dir>/review/decisions.csv`` (fields:
    place, faction, date, type, for an edit); the next :func:`build` applies it. Returns the row recorded."""
    from geo.pipeline import review_checks
    from geo.review import Decision, check_decision, record_decision

    s = _settings(data_dir)
    d = Decision(item_id, decision, note=note, **fields)
    check_decision(d, f"decision on {item_id}", *review_checks(s))
    return record_decision(s.decisions_csv, d)


def load_build(build_dir: PathLike | None = None, data_dir: PathLike | None = None) -> dict[str, Any]:
    """What ``geo build`` wrote, as tables: ``claims`` (DataFrame), ``events`` (every event, as
    :func:`build_events` gives them), the control layers ``control``, ``frontlines``, ``changes``, ``stats``,
    and ``joined`` (the reported events with the control before and after each); a missing output is left out."""
    s = _settings(data_dir, build_dir)
    out: dict[str, Any] = {}
    if s.claims_jsonl.exists():
        out["claims"] = pd.read_json(s.claims_jsonl, lines=True)
    if s.events_gpkg.exists():
        out["events"] = read_vector(s.events_gpkg, "events", built=True)
    if s.control_gpkg.exists():
        layers = read_layers(s.control_gpkg)
        if "events" in layers:
            layers["joined"] = layers.pop("events")
        out.update(layers)
    return out
