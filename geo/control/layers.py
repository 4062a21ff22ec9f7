"""Control polygons: read and repair hand-drawn snapshots, move footprints by events, derive layers.

Between two hand-drawn snapshots reported events move footprints (a place's polygon, drawn footprints cut
out of the neighbourhood they lie in, else a buffer sized by precision inside the footprint the point lies
in) by the rule of :func:`paint_for`; a snapshot always wins on its date. The ``changes`` layer says which
rule moved each change and the events behind it. Areas and buffers are computed in the study area's
projected CRS (default UTM 37N, EPSG:32637, metres); storage is EPSG:4326.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.control.join import holders, interval_holders, join_events  # noqa: F401  (holders: re-exported)
from geo.control.snapshot import _polygonal, read_snapshot
from geo.io import DiskMemo, InputError
from geo.model import CONTESTED, CRS_METRIC, CRS_STORAGE, Event
from geo.read import Factions

#: Buffer radius (metres) for a place without a polygon, by precision; precision 3 never moves a line. The buffer
#: stands for the place's own extent (a quarter, a compound): an estimated point (2) gets a little more room, not
#: a district's worth, which would move the neighbours a report never named.
BUFFER_M = {1: 250.0, 2: 300.0}
#: Parts smaller than this (square degrees; 5e-8 is about 500 m2 here) left by cutting a drawn footprint out
#: of a neighbourhood are crumbs of two hand-drawn edges that do not meet exactly, not places.
SLIVER_DEG2 = 5e-8
#: Parents that are no whole made of parts: none. (The city and its halves, places of precision 3, are left
#: out of the parents by the caller: geo.pipeline.read_parents.)
CITY_IDS = frozenset({""})
#: Tolerance for front lines between polygons drawn separately (degrees; 0.0003 is about 30 m here).
FRONT_TOL_DEG = 0.0003


def read_control_file(path: Path, factions: Factions, outline: shapely.Geometry | None = None,
                      area: Any = None) -> tuple[gpd.GeoDataFrame, list[str]]:
    """One snapshot: ``(GeoDataFrame[faction, note, geometry], warnings)``; bad input raises InputError.
    ``area`` (the data directory's :class:`geo.settings.StudyArea`): where the drawings must lie."""
    checked = read_snapshot(path, factions, outline=outline, area=area)
    return checked.gdf, checked.warnings


def load_snapshots(control_dir: Path, factions: Factions, outline: shapely.Geometry | None = None,
                   area: Any = None, memo: DiskMemo | None = None) -> tuple[dict[str, gpd.GeoDataFrame], list[str]]:
    """Every ``YYYY-MM-DD.geojson`` of a directory, by date, and the warnings of all of them. ``memo`` keeps
    each checked drawing by the file's content and what it is checked against (the checks, repairs and gap
    tests of ten drawings took half a second of every build)."""
    snaps, warnings = {}, []
    context = [repr(factions), repr(area), b"" if outline is None else shapely.to_wkb(outline)]
    for p in sorted(Path(control_dir).glob("*.geojson")):
        if memo is None:
            g, w = read_control_file(p, factions, outline, area)
        else:
            g, w = _checked(memo.get(memo.key("snapshot", p.name, p.read_bytes(), *context),
                                     lambda p=p: _plain_checked(*read_control_file(p, factions, outline, area))))
        snaps[p.name[:10]] = g
        warnings += w
    return snaps, warnings


def _plain_checked(gdf: gpd.GeoDataFrame, warnings: list[str]) -> tuple[dict[str, list[Any]], list[Any], list[str]]:
    """A checked drawing as plain lists (what the cache holds)."""
    return {c: gdf[c].tolist() for c in gdf.columns if c != "geometry"}, list(gdf.geometry), list(warnings)


def _checked(plain: tuple[dict[str, list[Any]], list[Any], list[str]]) -> tuple[gpd.GeoDataFrame, list[str]]:
    cols, geoms, warnings = plain
    return gpd.GeoDataFrame(cols, geometry=geoms, crs=CRS_STORAGE), warnings


def _dissolve(state: dict[str, shapely.Geometry]) -> dict[str, shapely.Geometry]:
    return {f: g for f, g in sorted(state.items()) if g is not None and not g.is_empty}


def control_footprints(footprints: gpd.GeoDataFrame, parents: dict[str, str] | None = None
                       ) -> dict[str, shapely.Geometry]:
    """``{place id: polygon}`` as control sees them: a drawn footprint takes its area out of the others.

    The CSR layer folds outskirts and compounds into the neighbourhood they lie in (the 1070 Apartments in
    al-Hamdaniyeh V); a footprint drawn for such a child (``source`` "drawn") is cut out of its parent, so
    the two can be held by different sides. With ``parents`` (``{place id: parent id}`` from the gazetteer)
    a whole is the union of its parts and a part with no shape takes its whole's (:func:`_with_family`).

    >>> fp = gpd.GeoDataFrame({"id": ["big", "part"], "source": ["csr", "drawn"]},
    ...                       geometry=[shapely.box(0, 0, 2, 1), shapely.box(0, 0, 1, 1)], crs=CRS_STORAGE)
    >>> {k: v.area for k, v in control_footprints(fp).items()}
    {'big': 1.0, 'part': 1.0}
    """
    if footprints is None or footprints.empty:
        return {}
    polys = footprints[footprints.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    index = dict(zip(polys["id"], polys.geometry, strict=True))
    if "source" in polys and (polys["source"] == "drawn").any():
        _cut_drawn(index, polys)
    index = {k: v for k, v in index.items() if not v.is_empty}
    return _with_family(index, parents) if parents else index


def _with_family(index: dict[str, shapely.Geometry], parents: dict[str, str]) -> dict[str, shapely.Geometry]:
    """A whole moves with its parts, a part without a shape with its whole: "al-Hamdaniyeh" is the union of
    al-Hamdaniyeh I-V (and of its own shape, if it has one); "Tareeq al-Bab", a district the polygon layer
    folds into al-Helwaniyeh, moves al-Helwaniyeh until it is drawn a footprint of its own.

    >>> idx = {"i": shapely.box(0, 0, 1, 1), "ii": shapely.box(1, 0, 2, 1), "h": shapely.box(5, 5, 6, 6)}
    >>> out = _with_family(idx, {"i": "w", "ii": "w", "t": "h", "h": "aleppo"})
    >>> out["w"].area, out["t"].equals(out["h"])
    (2.0, True)
    """
    out = dict(index)
    kids: dict[str, list[shapely.Geometry]] = {}
    for child, parent in parents.items():
        if child in index and parent:
            kids.setdefault(parent, []).append(index[child])
    for parent, shapes in kids.items():
        if parent in CITY_IDS:
            continue  # the city is everything: a report of "Aleppo" moves nothing
        out[parent] = shapely.union_all(shapes + ([index[parent]] if parent in index else []))
    for child, parent in parents.items():
        if child not in out and parent in out and parent not in CITY_IDS:
            out[child] = out[parent]
    return out


def _cut_drawn(index: dict[str, shapely.Geometry], polys: gpd.GeoDataFrame) -> None:
    """Cut each drawn footprint out of the other shapes it overlaps (in place)."""
    drawn = polys[polys["source"] == "drawn"]
    tree = shapely.STRtree(drawn.geometry.to_numpy())
    for pid, g, src in zip(polys["id"], polys.geometry, polys["source"], strict=True):
        if src == "drawn":
            continue
        hits = tree.query(g, predicate="intersects")
        if len(hits):
            cut = _polygonal(shapely.difference(g, shapely.union_all(drawn.geometry.to_numpy()[hits])))
            parts = [q for q in shapely.get_parts(cut) if q.area >= SLIVER_DEG2]  # crumbs of the cut
            index[pid] = shapely.set_precision(shapely.union_all(parts), 1e-7) if parts else shapely.Polygon()


def city_outline(footprints: gpd.GeoDataFrame) -> shapely.Geometry | None:
    """The union of the neighbourhood footprints: the area a snapshot of the city should cover."""
    if footprints is None or footprints.empty or "kind" not in footprints:
        return None
    hood = footprints[(footprints["kind"] == "neighbourhood")
                      & footprints.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    return shapely.union_all(list(hood.geometry)) if len(hood) else None


def _buffer(lon: float, lat: float, metres: float, metric: str = CRS_METRIC) -> shapely.Geometry:
    pt = gpd.GeoSeries([shapely.Point(lon, lat)], crs=CRS_STORAGE).to_crs(metric)
    return pt.buffer(metres, quad_segs=8).to_crs(CRS_STORAGE).iloc[0]


def event_footprint(e: Event, index: dict[str, shapely.Geometry], metric: str = CRS_METRIC) -> shapely.Geometry | None:
    """The area an event moves: its place's polygon, else a buffer by precision (None for precision 3)."""
    if e.place_id in index:
        return index[e.place_id]
    r = BUFFER_M.get(int(e.precision))
    return _buffer(e.lon, e.lat, r, metric) if r else None


@dataclass
class _Period:
    """The planar partition of one snapshot period: its faction polygons and every footprint painted in it.

    ``atoms`` are the faces of all their edges noded together, so each footprint is exactly a set of atoms
    and a state is a label per atom: painting is an index assignment, areas are sums, unions are coverage
    unions (no overlay per event). ``km2`` is each atom's area in UTM 37N.
    """

    atoms: np.ndarray
    km2: np.ndarray
    base: np.ndarray
    members: dict[str, np.ndarray]

    def key(self) -> str:
        """A digest of the partition's content (its faces, in order), for a cache of its states: made once,
        not once per day of the period."""
        if (k := self.__dict__.get("_key")) is None:
            k = self.__dict__["_key"] = hashlib.sha1(b"".join(shapely.to_wkb(self.atoms))).hexdigest()
        return k

    def geometries(self, labels: np.ndarray) -> dict[str, shapely.Geometry]:
        """``{faction: geometry}`` of a labelling, sorted by faction, factions with no atom left out."""
        out = {}
        for f in sorted(set(labels) - {""}):
            parts = self.atoms[labels == f]
            out[f] = _coverage_union(parts)
        return out


def _coverage_union(parts: np.ndarray) -> shapely.Geometry:
    """The union of atoms of one partition: their coverage union (fast); for atoms a hair off their shared
    edges, which GEOS refuses, the full union, else the same snapped to a 1e-9 degree grid (about 0.1 mm),
    which nodes what floating point left apart."""
    try:
        out = shapely.coverage_union_all(parts)
    except shapely.errors.GEOSException:
        try:
            out = shapely.union_all(parts)
        except shapely.errors.GEOSException:
            out = shapely.union_all(shapely.make_valid(parts), grid_size=1e-9)
    return _polygonal(out if out.is_valid else shapely.make_valid(out))  # the layers hold valid polygons only


def _partition(base: dict[str, shapely.Geometry], areas: dict[str, shapely.Geometry], metric: str = CRS_METRIC
               ) -> _Period:
    geoms = [*base.values(), *areas.values()]
    edges = shapely.union_all(shapely.boundary(np.array(geoms, dtype=object)))
    atoms = np.array(shapely.get_parts(shapely.polygonize(shapely.get_parts(edges))), dtype=object)
    atoms = atoms[shapely.area(atoms) > 1e-12]  # drop zero-area faces of coincident edges
    inner = shapely.point_on_surface(atoms)
    tree = shapely.STRtree(inner)
    labels = np.full(len(atoms), "", dtype=object)
    for f, g in base.items():
        hit = tree.query(g, predicate="intersects")
        labels[hit[labels[hit] == ""]] = f
    members = {k: tree.query(g, predicate="intersects") for k, g in areas.items()}
    km2 = gpd.GeoSeries(atoms, crs=CRS_STORAGE).to_crs(metric).area.to_numpy() / 1e6
    return _Period(atoms, km2, labels, members)


#: How a change of hands came about, for the ``changes`` layer (the README states the rule in words).
RULES = {
    "capture": "a reported capture moved the footprint to the side that took it",
    "disputed": "a capture another report denies (or a retake within a day): the footprint is contested",
    "advance": "an advance told by two or more independent sources: the footprint is contested",
    "majority": "a report that a side took most of the place: the footprint goes to that side",
    "snapshot": "the hand-drawn snapshot of that date decided it; events: the reports behind it since the last one",
}


def paint_for(e: Event) -> str | None:
    """The label an event paints its footprint with between snapshots, or None when it moves nothing.

    A reported capture gives the footprint to the side that took it; a disputed one makes it contested; an
    advance that took most of the place counts as a capture; another advance makes it contested only when
    corroborated (one report of progress is not a front line).

    >>> ev = Event("e", "advance", "p", "P", 0, 0, 1, "government", "", "2016-11-20", "", "", "claimed")
    >>> paint_for(ev) is None, paint_for(Event(**{**ev.__dict__, "type": "capture"}))
    (True, 'government')
    """
    if e.type == "capture" or e.type == "advance" and e.extent == "most":
        return CONTESTED if e.status == "disputed" else e.faction
    if e.type == "advance" and e.status == "corroborated":
        return CONTESTED
    return None


@dataclass
class _Interval:
    day: str
    period: _Period
    labels: np.ndarray
    ids: list[str]
    snapshot: dict[str, shapely.Geometry] | None = None  # the drawn geometry, on a snapshot's own date
    #: the events that may explain this interval's changes: ``(id, area key, rule)``, and the areas by key
    reasons: list[tuple[str, str, str]] | None = None
    areas: dict[str, shapely.Geometry] | None = None
    #: the areas' WKB by key, made once for every interval (the caches' keys hash them)
    area_wkb: dict[str, bytes] | None = None

    def state(self) -> dict[str, shapely.Geometry]:
        return dict(self.snapshot) if self.snapshot is not None else self.period.geometries(self.labels)

    def content(self) -> list[bytes | str]:
        """What the state depends on: the drawing on a snapshot's date, else the partition and its labels."""
        if self.snapshot is not None:
            if (drawn := self.__dict__.get("_drawn")) is None:  # a digest of the drawing, made once
                h = hashlib.sha1()
                for f, g in sorted(self.snapshot.items()):
                    h.update(f.encode() + b"\0" + shapely.to_wkb(g) + b"\0")
                drawn = self.__dict__["_drawn"] = h.hexdigest()
            return ["snapshot", drawn]
        return ["painted", self.period.key(), "\x1f".join(self.labels)]


def _state_and_fronts(iv: _Interval, memo: DiskMemo | None
                      ) -> tuple[dict[str, shapely.Geometry], list[tuple[str, str, shapely.Geometry]]]:
    """An interval's ``{faction: geometry}`` and its front lines: the costly part of the layers (unions and
    buffers), taken from ``memo`` when an earlier build met the same content."""
    def compute() -> tuple[dict[str, shapely.Geometry], list[tuple[str, str, shapely.Geometry]]]:
        st = iv.state()
        return st, _frontlines(st)

    return compute() if memo is None else memo.get(memo.key("interval", *iv.content()), compute)


def _paints(events: list[Event], first: str, index: dict[str, shapely.Geometry], metric: str = CRS_METRIC
            ) -> tuple[dict[str, list[tuple[str, str, str, str, str]]], dict[str, shapely.Geometry]]:
    """Each day's paints in order, ``(area key, label, event id, rule, side)``, and the areas by key."""
    paints: dict[str, list[tuple[str, str, str, str, str]]] = {}
    areas: dict[str, shapely.Geometry] = {}
    shapes = np.empty(len(index), dtype=object)
    shapes[:] = list(index.values())  # element-wise: np.array() would try to unpack multi-part geometries
    tree = shapely.STRtree(shapes) if len(shapes) else None
    moving = [(e, label) for e in sorted(events, key=lambda e: (e.date, e.id))
              if (label := paint_for(e) if e.faction and e.date >= first else None) is not None]
    buffers = _buffers([e for e, _ in moving if e.place_id not in index], metric, shapes, tree)
    for e, label in moving:
        if e.place_id in index:
            key, area = e.place_id, index[e.place_id]
        else:
            bkey = (round(e.lon, 6), round(e.lat, 6), int(e.precision))
            key, area = f"{bkey}", buffers[bkey]
        if area is None or area.is_empty:
            continue
        areas[key] = area
        rule = ("advance" if label == CONTESTED and e.type == "advance" else "disputed" if label == CONTESTED
                else "majority" if e.type == "advance" else "capture")
        paints.setdefault(e.date, []).append((key, label, e.id, rule, e.faction))
    return paints, areas


def _buffers(events: list[Event], metric: str, shapes: np.ndarray, tree: shapely.STRtree | None
             ) -> dict[tuple[float, float, int], shapely.Geometry | None]:
    """The area each place without a footprint moves, by ``(lon, lat, precision)``: its buffer by precision
    (:data:`BUFFER_M`), clipped by :func:`_clipped`; all projected in one go (one projection per place cost
    more than the rest of the painting)."""
    todo: dict[tuple[float, float, int], Event] = {}
    for e in events:
        todo.setdefault((round(e.lon, 6), round(e.lat, 6), int(e.precision)), e)
    out: dict[tuple[float, float, int], shapely.Geometry | None] = {k: None for k in todo}
    sized = [(k, e, BUFFER_M[int(e.precision)]) for k, e in todo.items() if BUFFER_M.get(int(e.precision))]
    if sized:
        pts = gpd.GeoSeries([shapely.Point(e.lon, e.lat) for _, e, _ in sized], crs=CRS_STORAGE).to_crs(metric)
        rings = pts.buffer(np.array([r for _, _, r in sized]), quad_segs=8).to_crs(CRS_STORAGE).to_numpy()
        for (k, e, _), ring in zip(sized, rings, strict=True):
            out[k] = _clipped(ring, shapely.Point(e.lon, e.lat), shapes, tree)
    return out


def _clipped(area: shapely.Geometry | None, pt: shapely.Point, shapes: np.ndarray,
             tree: shapely.STRtree | None) -> shapely.Geometry | None:
    """A place without a footprint moves only the footprint its point lies in, within its buffer.

    Its point is an estimate (precision 2 is 0.5-1.5 km): its buffer would otherwise paint slices of the
    neighbouring districts, which then flip back at the next snapshot with no report behind them.
    """
    if area is None or tree is None:
        return area
    hits = tree.query(pt, predicate="within")
    if not len(hits):
        return area
    inner = hits[np.argmin(shapely.area(shapes[hits]))]  # the part, not the whole made of it
    return _polygonal(shapely.intersection(area, shapes[inner]))


def _wkb_by_key(shapes: dict[str, shapely.Geometry]) -> dict[str, bytes]:
    """Each shape's WKB, in one vectorised call."""
    geoms = np.empty(len(shapes), dtype=object)
    geoms[:] = list(shapes.values())
    return dict(zip(shapes, shapely.to_wkb(geoms).tolist(), strict=True)) if len(geoms) else {}


def _cached_partition(base: dict[str, shapely.Geometry], areas: dict[str, shapely.Geometry], metric: str,
                      memo: DiskMemo | None, area_wkb: dict[str, bytes] | None = None) -> _Period:
    """:func:`_partition`, from ``memo`` when an earlier build partitioned the same shapes (noding and
    polygonizing every edge of a period is the costly part of a period that one more report does not touch)."""
    if memo is None:
        return _partition(base, areas, metric)
    known = area_wkb or {}
    parts = [*(x for k, g in base.items() for x in (k, shapely.to_wkb(g))),
             *(x for k, g in areas.items() for x in (k, known[k] if k in known else shapely.to_wkb(g)))]
    key = memo.key("partition", metric, str(len(base)), *parts)

    def compute() -> tuple[list[shapely.Geometry], list[float], list[str], dict[str, list[int]]]:
        p = _partition(base, areas, metric)  # kept as plain lists: the cache holds plain data and geometries
        return list(p.atoms), p.km2.tolist(), p.base.tolist(), {k: v.tolist() for k, v in p.members.items()}

    atoms, km2, labels, members = memo.get(key, compute)
    shapes = np.empty(len(atoms), dtype=object)
    shapes[:] = atoms
    period = _Period(shapes, np.array(km2, dtype=float), np.array(labels, dtype=object),
                     {k: np.array(v, dtype=np.intp) for k, v in members.items()})
    period.__dict__["_key"] = key  # its content is what it was made from
    return period


def _intervals(snapshots: dict[str, gpd.GeoDataFrame], events: list[Event], footprints: gpd.GeoDataFrame,
               metric: str = CRS_METRIC, parents: dict[str, str] | None = None,
               memo: DiskMemo | None = None) -> list[_Interval]:
    if not snapshots:
        raise InputError("no control snapshots")
    paints, areas = _paints(events, min(snapshots), control_footprints(footprints, parents), metric)
    area_wkb = _wkb_by_key(areas) if memo is not None else None
    snap_days = sorted(snapshots)
    out: list[_Interval] = []
    for k, sd in enumerate(snap_days):
        nxt = snap_days[k + 1] if k + 1 < len(snap_days) else "9999"
        prev = snap_days[k - 1] if k else ""
        s = snapshots[sd]
        base = _dissolve({f: shapely.union_all(list(g.geometry)) for f, g in s.groupby("faction")})
        days = sorted(d for d in paints if sd < d < nxt)
        period = _cached_partition(base, {key: areas[key] for d in days for key, *_ in paints[d]}, metric, memo,
                                   area_wkb)
        labels = period.base.copy()
        # A snapshot's reasons: the reports since the previous snapshot, up to and including its own date.
        since = [(eid, key, r) for d in sorted(paints) if prev < d <= sd for key, _, eid, r, _ in paints[d]]
        out.append(_Interval(sd, period, labels.copy(), [], base, since))
        for d in days:
            for key, fac, _, _, side in paints[d]:
                hit = period.members[key]
                if fac == CONTESTED:  # a side's own advance or disputed claim never costs it ground it holds
                    hit = hit[labels[hit] != side]
                labels[hit] = fac  # later paints win: applied in order
            out.append(_Interval(d, period, labels.copy(), [p[2] for p in paints[d]],
                                 reasons=[(eid, key, r) for key, _, eid, r, _ in paints[d]]))
    for iv in out:
        iv.areas, iv.area_wkb = areas, area_wkb  # the reasons' shapes, for the changes layer
    return out


def control_states(snapshots: dict[str, gpd.GeoDataFrame], events: list[Event], footprints: gpd.GeoDataFrame
                   ) -> list[tuple[str, dict[str, shapely.Geometry], list[str]]]:
    """``[(day, {faction: geometry}, ids of the events that moved lines that day)]``, one per interval.

    Only reported captures and advances on or after the first snapshot move lines; a snapshot resets the
    state on its date. Each period is partitioned once; a day costs one label assignment per event.
    """
    return [(iv.day, iv.state(), iv.ids) for iv in _intervals(snapshots, events, footprints)]


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


def _changes(prev: _Interval, cur: _Interval, st_prev: dict[str, shapely.Geometry],
             st: dict[str, shapely.Geometry], metric: str = CRS_METRIC
             ) -> list[tuple[str, str, shapely.Geometry, float, np.ndarray | None]]:
    """``(from, to, geometry, km2, atoms)`` of what changed hands between two consecutive intervals; ``atoms``
    are the indices of the period's faces that changed (None across a snapshot, whose partition differs)."""
    if prev.period is cur.period:
        # Same partition: the atoms whose label changed, grouped by (from, to); no overlay needed.
        moved = np.flatnonzero(prev.labels != cur.labels)
        out = []
        pairs = sorted({(prev.labels[i], cur.labels[i]) for i in moved if prev.labels[i] and cur.labels[i]})
        for fa, fb in pairs:
            sel = moved[(prev.labels[moved] == fa) & (cur.labels[moved] == fb)]
            out.append((fa, fb, _coverage_union(cur.period.atoms[sel]), float(cur.period.km2[sel].sum()),
                        sel))
        return out
    pairs = [(fa, fb, _polygonal(ga.intersection(gb))) for fa, ga in st_prev.items()
             for fb, gb in st.items() if fa != fb and ga.intersects(gb)]
    pairs = [p for p in pairs if not p[2].is_empty]
    km2 = gpd.GeoSeries([p[2] for p in pairs], crs=CRS_STORAGE).to_crs(metric).area / 1e6
    return [(fa, fb, g, float(a), None) for (fa, fb, g), a in zip(pairs, km2, strict=True)]


def _why(iv: _Interval, g: shapely.Geometry, atoms: np.ndarray | None = None) -> dict[str, str]:
    """``rule``, ``why`` and ``events`` (a JSON list of ids) of one change: the reasons whose area overlaps it.

    Within a period the overlap is read from the partition (the change's faces against each area's faces);
    across a snapshot each distinct area is tested once, all of them in one vectorised call.
    """
    areas = iv.areas or {}
    reasons = iv.reasons or []
    keys = list(dict.fromkeys(k for _, k, _ in reasons if k in areas))
    touching: set[str] = set()
    if keys and atoms is not None:
        changed = np.zeros(len(iv.period.atoms), dtype=bool)
        changed[atoms] = True
        touching = {k for k in keys if k in iv.period.members and changed[iv.period.members[k]].any()}
    elif keys:
        geoms = np.empty(len(keys), dtype=object)
        geoms[:] = [areas[k] for k in keys]
        shapely.prepare(g)
        idx = np.flatnonzero(shapely.intersects(g, geoms))
        if len(idx):
            overlap = shapely.area(shapely.intersection(geoms[idx], g)) > 1e-10
            touching = {keys[i] for i, ok in zip(idx, overlap, strict=True) if ok}
    found: dict[str, str] = {}  # event id -> rule, in the order of the reasons
    for eid, key, rule in reasons:
        if key in touching:
            found.setdefault(eid, rule)
    rule = "snapshot" if iv.snapshot is not None else (list(found.values())[-1] if found else "capture")
    return {"rule": rule, "why": RULES[rule], "events": json.dumps(list(found))}


def build_layers(snapshots: dict[str, gpd.GeoDataFrame], events: list[Event] | gpd.GeoDataFrame,
                 footprints: gpd.GeoDataFrame, metric: str = CRS_METRIC, parents: dict[str, str] | None = None,
                 memo: DiskMemo | None = None, join: Callable[..., gpd.GeoDataFrame] | None = None,
                 ) -> dict[str, gpd.GeoDataFrame]:
    """Layers ``control``, ``frontlines``, ``changes``, ``stats`` and ``events`` (see the module doc).

    ``events``: records, or the events layer as a frame (its rows are then joined as they are, never decoded);
    ``metric`` is the projected CRS (metres) of the study area: buffers and km2 are computed in it;
    ``parents`` the gazetteer's ``{place: parent}``, so a whole moves with its parts (see control_footprints);
    ``memo`` keeps each period's partition, each interval's polygons and front lines and each change by content
    between builds (the same layers either way): one more report redoes the intervals of its period only;
    ``join``: how the events are joined with the intervals, given ``memo`` too (by default
    :func:`geo.control.join.join_events`; or the same on a Dask cluster: :func:`geo.control.join_dask.join_events_dask`
    with its client bound).
    """
    movers = _movers(events) if isinstance(events, gpd.GeoDataFrame) else events
    ivs = _intervals(snapshots, movers, footprints, metric, parents, memo)
    rows, fronts, stats, changes = [], [], [], []
    prev_st: dict[str, shapely.Geometry] = {}
    for k, iv in enumerate(ivs):
        d, (st, lines) = iv.day, _state_and_fronts(iv, memo)
        nxt = ivs[k + 1].day if k + 1 < len(ivs) else ""
        for f, g in st.items():
            rows.append({"faction": f, "valid_from": d, "valid_to": nxt, "geometry": g})
        fronts += [{"faction_a": a, "faction_b": b, "valid_from": d, "valid_to": nxt, "geometry": line}
                   for a, b, line in lines]
        if iv.snapshot is not None:
            drawn_km2 = gpd.GeoSeries(list(st.values()), crs=CRS_STORAGE).to_crs(metric).area / 1e6
            km2 = dict(zip(st, drawn_km2, strict=True))
        else:
            km2 = {f: float(iv.period.km2[iv.labels == f].sum()) for f in st}
        stats += [{"date": d, "faction": f, "km2": round(float(km2[f]), 3)} for f in st]
        if k:
            changes += _change_rows(ivs[k - 1], iv, prev_st, st, metric, memo)
        prev_st = st
    control = gpd.GeoDataFrame(rows, columns=["faction", "valid_from", "valid_to", "geometry"],
                               geometry="geometry", crs=CRS_STORAGE)
    return {
        "control": control,
        "frontlines": gpd.GeoDataFrame(fronts, columns=["faction_a", "faction_b", "valid_from", "valid_to",
                                                        "geometry"], geometry="geometry", crs=CRS_STORAGE),
        "changes": gpd.GeoDataFrame(changes, columns=["valid_from", "from_faction", "to_faction", "km2", "rule",
                                                      "why", "events", "geometry"], geometry="geometry",
                                    crs=CRS_STORAGE),
        "stats": pd.DataFrame(stats, columns=["date", "faction", "km2"]),
        "events": (join or join_events)(events, control, ivs, memo=memo),
    }


def _change_rows(prev: _Interval, iv: _Interval, st_prev: dict[str, shapely.Geometry],
                 st: dict[str, shapely.Geometry], metric: str, memo: DiskMemo | None) -> list[dict[str, Any]]:
    """The ``changes`` rows between two consecutive intervals, from ``memo`` when an earlier build met the same
    states and the same reasons (with their areas)."""
    def compute() -> list[dict[str, Any]]:
        return [{"valid_from": iv.day, "from_faction": fa, "to_faction": fb, "km2": round(a, 3),
                 **_why(iv, g, atoms), "geometry": g}
                for fa, fb, g, a, atoms in _changes(prev, iv, st_prev, st, metric) if a >= 1e-3]

    if memo is None:
        return compute()
    areas = iv.areas or {}
    reasons = iv.reasons or []
    known = iv.area_wkb or {}
    shapes = [x for key in dict.fromkeys(k for _, k, _ in reasons) if key in areas
              for x in (key, known[key] if key in known else shapely.to_wkb(areas[key]))]
    key = memo.key("changes", metric, iv.day, *prev.content(), "\x1d", *iv.content(), json.dumps(reasons), *shapes)
    return memo.get(key, compute)


def _movers(frame: gpd.GeoDataFrame) -> list[Event]:
    """The events of an events layer that may move a line (:func:`paint_for`), as records with what painting
    reads: the other rows are only joined, and never become records."""
    df = frame
    may = (df["type"] == "capture") | ((df["type"] == "advance") & ((df["extent"] == "most")
                                                                    | (df["status"] == "corroborated")))
    sel = df[may.to_numpy()]
    pts = sel.geometry.to_numpy()
    cols = [sel[c].tolist() for c in ("id", "type", "place_id", "precision", "faction", "date", "status", "extent")]
    return [Event(id=i, type=ty, place_id=pid, place_name="", lon=x, lat=y, precision=int(pr), faction=fac or "",
                  opponent="", date=d, date_first=d, date_last=d, status=st, extent=ext or "")
            for i, ty, pid, pr, fac, d, st, ext, x, y in zip(*cols, shapely.get_x(pts).tolist(),
                                                              shapely.get_y(pts).tolist(), strict=True)]


def control_at(control: gpd.GeoDataFrame, day: str) -> gpd.GeoDataFrame:
    """The rows of ``control`` in force on ``day`` (valid_from <= day < valid_to)."""
    return control[(control.valid_from <= day) & ((control.valid_to == "") | (control.valid_to > day))]
