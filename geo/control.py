"""Control polygons: read and repair hand-drawn snapshots, move footprints by events, derive layers.

Between two hand-drawn snapshots each reported capture moves its place's footprint (its neighbourhood
polygon, else a buffer sized by precision) to the capturing faction from the event's day; an advance,
or a disputed capture, makes the footprint ``contested``. A snapshot always wins on its date.
Areas are computed in UTM 37N (EPSG:32637, metres); storage is EPSG:4326.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.factions import Factions
from geo.io import InputError
from geo.model import CONTESTED, CRS_METRIC, CRS_STORAGE, EVENT_COLUMNS, Event
from geo.snapshot import _polygonal, read_snapshot

#: Buffer radius (metres) for a place without a polygon, by precision; precision 3 never moves a line.
BUFFER_M = {1: 250.0, 2: 600.0}
#: Tolerance for front lines between polygons drawn separately (degrees; 0.0003 is about 30 m here).
FRONT_TOL_DEG = 0.0003


def read_control_file(path: Path, factions: Factions, outline: shapely.Geometry | None = None
                      ) -> tuple[gpd.GeoDataFrame, list[str]]:
    """One snapshot: ``(GeoDataFrame[faction, note, geometry], warnings)``; bad input raises InputError."""
    checked = read_snapshot(path, factions, outline=outline)
    return checked.gdf, checked.warnings


def load_snapshots(control_dir: Path, factions: Factions, outline: shapely.Geometry | None = None
                   ) -> tuple[dict[str, gpd.GeoDataFrame], list[str]]:
    """Every ``YYYY-MM-DD.geojson`` of a directory, by date, and the warnings of all of them."""
    snaps, warnings = {}, []
    for p in sorted(Path(control_dir).glob("*.geojson")):
        g, w = read_control_file(p, factions, outline)
        snaps[p.name[:10]] = g
        warnings += w
    return snaps, warnings


def _dissolve(state: dict[str, shapely.Geometry]) -> dict[str, shapely.Geometry]:
    return {f: g for f, g in sorted(state.items()) if g is not None and not g.is_empty}


def _footprint_index(footprints: gpd.GeoDataFrame) -> dict[str, shapely.Geometry]:
    if footprints is None or footprints.empty:
        return {}
    polys = footprints[footprints.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    return dict(zip(polys["id"], polys.geometry, strict=True))


def city_outline(footprints: gpd.GeoDataFrame) -> shapely.Geometry | None:
    """The union of the neighbourhood footprints: the area a snapshot of the city should cover."""
    if footprints is None or footprints.empty or "kind" not in footprints:
        return None
    hood = footprints[(footprints["kind"] == "neighbourhood")
                      & footprints.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    return shapely.union_all(list(hood.geometry)) if len(hood) else None


def _buffer(lon: float, lat: float, metres: float) -> shapely.Geometry:
    pt = gpd.GeoSeries([shapely.Point(lon, lat)], crs=CRS_STORAGE).to_crs(CRS_METRIC)
    return pt.buffer(metres, quad_segs=8).to_crs(CRS_STORAGE).iloc[0]


def event_footprint(e: Event, index: dict[str, shapely.Geometry]) -> shapely.Geometry | None:
    """The area an event moves: its place's polygon, else a buffer by precision (None for precision 3)."""
    if e.place_id in index:
        return index[e.place_id]
    r = BUFFER_M.get(int(e.precision))
    return _buffer(e.lon, e.lat, r) if r else None


def _paint(base: dict[str, shapely.Geometry], paints: dict[str, tuple[int, str, shapely.Geometry]]
           ) -> dict[str, shapely.Geometry]:
    """A snapshot's factions with footprints repainted on top; where two footprints overlap the later wins.

    This is what applying the events one by one gives, computed once per interval: each faction keeps its
    snapshot area minus every repainted footprint, plus the footprints last painted its colour.
    """
    if not paints:
        return dict(base)
    order = sorted(paints.values(), key=lambda t: t[0])
    areas = [a for _, _, a in order]
    tree = shapely.STRtree(areas)
    pieces: dict[str, list[shapely.Geometry]] = {}
    for k, (_, fac, area) in enumerate(order):
        later = [int(j) for j in tree.query(area, predicate="intersects") if j > k]
        if later:
            area = area.difference(shapely.union_all([areas[j] for j in later]))
        pieces.setdefault(fac, []).append(area)
    painted = shapely.union_all(areas)
    out = {f: g.difference(painted) for f, g in base.items()}
    for fac, parts in pieces.items():
        out[fac] = shapely.union_all([out.get(fac, shapely.Polygon()), *parts])
    return _dissolve({f: _polygonal(g) for f, g in out.items()})


def control_states(snapshots: dict[str, gpd.GeoDataFrame], events: list[Event], footprints: gpd.GeoDataFrame
                   ) -> list[tuple[str, dict[str, shapely.Geometry], list[str]]]:
    """``[(day, {faction: geometry}, ids of the events that moved lines that day)]``, one per interval.

    Only reported captures and advances on or after the first snapshot move lines; a snapshot resets the
    state on its date. The cost is one repaint per day with events, whatever the number of events.
    """
    if not snapshots:
        raise InputError("no control snapshots")
    first = min(snapshots)
    index = _footprint_index(footprints)
    by_day: dict[str, list[Event]] = {}
    for e in events:
        if e.type in ("capture", "advance") and e.faction and e.date >= first:
            by_day.setdefault(e.date, []).append(e)
    buffers: dict[tuple[float, float, int], shapely.Geometry | None] = {}
    states: list[tuple[str, dict[str, shapely.Geometry], list[str]]] = []
    base: dict[str, shapely.Geometry] = {}
    paints: dict[str, tuple[int, str, shapely.Geometry]] = {}
    seq = 0
    for d in sorted(set(snapshots) | set(by_day)):
        ids: list[str] = []
        if d in snapshots:
            s = snapshots[d]
            base = _dissolve({f: shapely.union_all(list(g.geometry)) for f, g in s.groupby("faction")})
            paints = {}
        else:
            for e in sorted(by_day[d], key=lambda e: e.id):
                if e.place_id in index:
                    key, area = e.place_id, index[e.place_id]
                else:
                    bkey = (round(e.lon, 6), round(e.lat, 6), int(e.precision))
                    if bkey not in buffers:
                        buffers[bkey] = event_footprint(e, {})
                    key, area = f"{bkey}", buffers[bkey]
                if area is None or area.is_empty:
                    continue
                seq += 1
                paints[key] = (seq, e.faction if e.type == "capture" and e.status != "disputed" else CONTESTED, area)
                ids.append(e.id)
            if not ids:
                continue
        states.append((d, _paint(base, paints), ids))
    return states


def _frontlines(st: dict[str, shapely.Geometry]) -> list[tuple[str, str, shapely.Geometry]]:
    out = []
    facs = sorted(st)
    for i, a in enumerate(facs):
        for b in facs[i + 1:]:
            # Hand-drawn neighbours rarely share exact vertices: the front is the part of a's edge lying
            # within FRONT_TOL of b (about 30 m), not the exact intersection of the two edges.
            line = shapely.intersection(st[a].boundary, st[b].buffer(FRONT_TOL_DEG))
            line = shapely.line_merge(shapely.union_all([p for p in getattr(line, "geoms", [line])
                                                         if p.geom_type in ("LineString", "MultiLineString")]))
            if not line.is_empty:
                out.append((a, b, line))
    return out


def build_layers(snapshots: dict[str, gpd.GeoDataFrame], events: list[Event], footprints: gpd.GeoDataFrame
                 ) -> dict[str, gpd.GeoDataFrame]:
    """Layers ``control``, ``frontlines``, ``changes``, ``stats`` and ``events`` (see the module doc)."""
    states = control_states(snapshots, events, footprints)
    rows, fronts, stats, changes = [], [], [], []
    for k, (d, st, ids) in enumerate(states):
        nxt = states[k + 1][0] if k + 1 < len(states) else ""
        for f, g in st.items():
            rows.append({"faction": f, "valid_from": d, "valid_to": nxt, "geometry": g})
        fronts += [{"faction_a": a, "faction_b": b, "valid_from": d, "valid_to": nxt, "geometry": line}
                   for a, b, line in _frontlines(st)]
        metric = gpd.GeoSeries(list(st.values()), crs=CRS_STORAGE).to_crs(CRS_METRIC).area / 1e6
        stats += [{"date": d, "faction": f, "km2": round(float(a), 3)} for f, a in zip(st, metric, strict=True)]
        if k:
            pairs = [(fa, fb, _polygonal(ga.intersection(gb))) for fa, ga in states[k - 1][1].items()
                     for fb, gb in st.items() if fa != fb and ga.intersects(gb)]
            pairs = [p for p in pairs if not p[2].is_empty]
            km2 = gpd.GeoSeries([p[2] for p in pairs], crs=CRS_STORAGE).to_crs(CRS_METRIC).area / 1e6
            changes += [{"valid_from": d, "from_faction": fa, "to_faction": fb, "km2": round(float(a), 3),
                         "events": json.dumps(ids), "geometry": g}
                        for (fa, fb, g), a in zip(pairs, km2, strict=True) if a >= 1e-3]
    control = gpd.GeoDataFrame(rows, columns=["faction", "valid_from", "valid_to", "geometry"],
                               geometry="geometry", crs=CRS_STORAGE)
    return {
        "control": control,
        "frontlines": gpd.GeoDataFrame(fronts, columns=["faction_a", "faction_b", "valid_from", "valid_to",
                                                        "geometry"], geometry="geometry", crs=CRS_STORAGE),
        "changes": gpd.GeoDataFrame(changes, columns=["valid_from", "from_faction", "to_faction", "km2", "events",
                                                      "geometry"], geometry="geometry", crs=CRS_STORAGE),
        "stats": pd.DataFrame(stats, columns=["date", "faction", "km2"]),
        "events": join_events(events, control),
    }


def control_at(control: gpd.GeoDataFrame, day: str) -> gpd.GeoDataFrame:
    """The rows of ``control`` in force on ``day`` (valid_from <= day < valid_to)."""
    return control[(control.valid_from <= day) & ((control.valid_to == "") | (control.valid_to > day))]


def holders(control: gpd.GeoDataFrame, days: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The faction holding each point ``(xs[i], ys[i])`` (lon, lat) on ``days[i]`` (ISO), "" where none.

    Points are grouped by the control interval their day falls in; each interval's polygons are prepared
    once and tested against the whole group with ``shapely.contains_xy`` (no per-point Python).

    >>> ctl = gpd.GeoDataFrame({"faction": ["government"], "valid_from": ["2016-11-01"], "valid_to": [""]},
    ...                        geometry=[shapely.box(0, 0, 1, 1)], crs=CRS_STORAGE)
    >>> holders(ctl, np.array(["2016-10-30", "2016-11-02", "2016-11-02"]), np.array([.5, .5, 2]), np.array([.5] * 3))
    array(['', 'government', ''], dtype=object)
    """
    days = np.asarray(days, dtype="U10")
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    out = np.full(len(days), "", dtype=object)
    if control is None or control.empty or not len(days):
        return out
    starts = np.array(sorted(set(control.valid_from)), dtype="U10")
    interval = np.searchsorted(starts, days, side="right") - 1
    for k, start in enumerate(starts):
        sel = np.flatnonzero(interval == k)
        if not sel.size:
            continue
        rows = control[control.valid_from == start]
        free = np.ones(sel.size, dtype=bool)
        for fac, to, g in zip(rows.faction, rows.valid_to, rows.geometry, strict=True):
            live = free & (days[sel] < to) if to else free
            if not live.any():
                continue
            shapely.prepare(g)
            hit = np.zeros(sel.size, dtype=bool)
            hit[live] = shapely.contains_xy(g, xs[sel[live]], ys[sel[live]])
            out[sel[hit]] = fac
            free &= ~hit
    return out


def join_events(events: list[Event], control: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each event with the faction holding its point the day before and after, and a ``check``."""
    xs = np.array([e.lon for e in events], dtype=float)
    ys = np.array([e.lat for e in events], dtype=float)
    day = np.array([e.date for e in events], dtype="datetime64[D]")
    before = holders(control, (day - 1).astype("U10"), xs, ys)
    after = holders(control, (day + 1).astype("U10"), xs, ys)
    rows = []
    for e, b, a in zip(events, before, after, strict=True):
        check = "outside" if not b else "already_held" if e.type == "capture" and b == e.faction else "consistent"
        rows.append({**e.to_row(), "held_before": b, "held_after": a, "check": check})
    df = pd.DataFrame(rows, columns=[*EVENT_COLUMNS, "held_before", "held_after", "check"])
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(xs, ys), crs=CRS_STORAGE)
