"""Who held a point on a day: the event-to-control join, over polygons or over the rebuild's own partition.

Each event gets the faction holding its point the day before and the day after it, and a ``check``
(consistent, already held, outside every footprint). :func:`holders` works from any ``control`` layer;
:func:`interval_holders` from the rebuild's partition, locating each point once per snapshot period.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.io import DiskMemo
from geo.model import CRS_STORAGE, EVENT_COLUMNS, Event, week_runs

if TYPE_CHECKING:  # the intervals are the layers' own records; only their shape is used here
    from geo.control.layers import _Interval


def holders(control: gpd.GeoDataFrame, days: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """The faction holding each point ``(xs[i], ys[i])`` (lon, lat) on ``days[i]`` (ISO), "" where none.

    Points are grouped by the control interval their day falls in; each interval's polygons are prepared
    once and tested against the whole group with ``shapely.contains_xy`` (no per-point Python).

    >>> ctl = gpd.GeoDataFrame({"faction": ["government"], "valid_from": ["2016-11-01"], "valid_to": [""]},
    ...                        geometry=[shapely.box(0, 0, 1, 1)], crs=CRS_STORAGE)
    >>> holders(ctl, np.array(["2016-10-30", "2016-11-02", "2016-11-02"]), np.array([.5, .5, 2]), np.array([.5] * 3))
    array(['', 'government', ''], dtype=object)
    """
    # Dates as day numbers: comparing integers is many times cheaper than comparing ISO strings.
    dn = np.asarray(days)
    dn = (dn if dn.dtype.kind == "M" else dn.astype("datetime64[D]")).astype("datetime64[D]").astype(np.int64)
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    if control is None or control.empty or not len(dn):
        return np.full(len(dn), "", dtype=object)
    frm = control["valid_from"].to_numpy(dtype="datetime64[D]").astype(np.int64)
    to = pd.to_datetime(control["valid_to"].replace("", None)).to_numpy(dtype="datetime64[D]")
    to = np.where(np.isnat(to), np.iinfo(np.int64).max, to.astype(np.int64))
    names = np.array(["", *sorted(set(control["faction"]))], dtype=object)
    codes = np.searchsorted(names[1:], control["faction"].to_numpy()) + 1
    geoms = control.geometry.to_numpy()
    starts = np.unique(frm)
    interval = np.searchsorted(starts, dn, side="right") - 1
    # Sort the points by interval once: each interval is then a contiguous slice (views, no gathers).
    order = np.argsort(interval, kind="stable")
    bounds = np.searchsorted(interval[order], np.arange(len(starts) + 1))
    ox, oy, od = xs[order], ys[order], dn[order]
    got = np.zeros(len(dn), dtype=np.int16)
    for k, start in enumerate(starts):
        lo, hi = bounds[k], bounds[k + 1]
        if lo == hi:
            continue
        px, py, pday, res = ox[lo:hi], oy[lo:hi], od[lo:hi], got[lo:hi]
        last = pday.max()
        for r in np.flatnonzero(frm == start):
            g = geoms[r]
            shapely.prepare(g)
            if to[r] > last:  # the row covers every point of the slice: no date mask needed
                hit = shapely.contains_xy(g, px, py)
            else:
                live = np.flatnonzero(pday < to[r])
                hit = np.zeros(hi - lo, dtype=bool)
                hit[live] = shapely.contains_xy(g, px[live], py[live])
            res[hit & (res == 0)] = codes[r]
    out = np.empty(len(dn), dtype=object)
    out[order] = names[got]
    return out


def _x_order(xs: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """Points ordered by x bucket: ``(order, sorted bucket keys, x0, buckets per degree)``.

    Buckets are 16-bit integers so numpy sorts them with a radix sort (several times faster than sorting
    the floats); a bounding box then maps to a contiguous run of the order.
    """
    x0, x1 = float(xs.min()), float(xs.max())
    scale = 65000.0 / (x1 - x0) if x1 > x0 else 1.0
    keys = ((xs - x0) * scale).astype(np.uint16)
    order = np.argsort(keys, kind="stable")
    return order, keys[order], x0, scale


def _locate(atoms: np.ndarray, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """Index of the atom holding each point ``(xs[i], ys[i])``, -1 where none.

    Points are bucketed by x once; each atom is prepared and tested with ``intersects_xy`` only on the
    points of its bounding box, so the cost is close to one point-in-polygon test per point. (A grid of
    cells wholly inside one atom was tried: building it cost as much as the exact tests it saved.)
    """
    px, py = xs, ys
    got = np.full(len(px), -1, dtype=np.int64)
    if not len(atoms) or not len(px):
        return got
    o, keys, x0, scale = _x_order(px)
    sx, sy = px[o], py[o]
    b = shapely.bounds(atoms)
    kb = np.clip((b[:, [0, 2]] - x0) * scale, -1, 65001)
    lo = np.searchsorted(keys, np.floor(kb[:, 0]), side="left")
    hi = np.searchsorted(keys, np.floor(kb[:, 1]), side="right")
    for k in np.flatnonzero(hi > lo):
        yy = sy[lo[k]:hi[k]]  # buckets are ~1/65000 of the extent wide: x needs no finer check
        idx = np.flatnonzero((yy >= b[k, 1]) & (yy <= b[k, 3])) + lo[k]
        if not idx.size:
            continue
        shapely.prepare(atoms[k])
        hit = o[idx[shapely.intersects_xy(atoms[k], sx[idx], sy[idx])]]
        got[hit[got[hit] < 0]] = k  # a point on a shared edge goes to the first atom
    return got


def interval_holders(ivs: list[_Interval], days: np.ndarray, xs: np.ndarray, ys: np.ndarray,
                     memo: DiskMemo | None = None) -> np.ndarray:
    """Like :func:`holders`, from the rebuild's own partition: each point is located once per snapshot
    period among its atoms, then each day's holder is a label lookup (no geometry per interval). ``memo``
    keeps where the points of each week are (:func:`_located`)."""
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    out = np.full(len(xs), "", dtype=object)
    if not ivs or not len(xs):
        return out
    starts = np.array([iv.day for iv in ivs], dtype="datetime64[D]")
    k = np.searchsorted(starts, np.asarray(days, dtype="datetime64[D]"), side="right") - 1
    spans, first = [], 0
    while first < len(ivs):  # runs of intervals sharing one partition (one snapshot period)
        last = first
        while last + 1 < len(ivs) and ivs[last + 1].period is ivs[first].period:
            last += 1
        spans.append((first, last))
        first = last + 1
    for first, last in spans:
        sel = np.flatnonzero((k >= first) & (k <= last))
        if not sel.size:
            continue
        period = ivs[first].period
        names = np.array(["", *sorted({f for j in range(first, last + 1) for f in ivs[j].labels} - {""})],
                         dtype=object)
        codes = np.stack([np.searchsorted(names, ivs[j].labels.astype(str)) for j in range(first, last + 1)])
        atom = _located(period, xs[sel], ys[sel], np.asarray(days, dtype="datetime64[D]")[sel], memo)
        ok = atom >= 0
        got = np.zeros(sel.size, dtype=np.int64)
        got[ok] = codes[k[sel[ok]] - first, atom[ok]]
        out[sel] = names[got]
    return out


#: Points located together at most, for the cache of :func:`_located`.
WEEK_ROWS = 4000


def _located(period: Any, xs: np.ndarray, ys: np.ndarray, days: np.ndarray, memo: DiskMemo | None) -> np.ndarray:
    """:func:`_locate` among ``period``'s atoms, with ``memo`` keeping the answer for each run of points of one
    week (at most :data:`WEEK_ROWS`) by the partition and the points: events come sorted by date, so one more
    report locates the points of its week again. The points of every run not kept are located in one pass."""
    if memo is None or not len(xs):
        return _locate(period.atoms, xs, ys)
    runs = week_runs(days, WEEK_ROWS)
    keys = [memo.key("located", period.key(), xs[lo:hi].tobytes(), ys[lo:hi].tobytes()) for lo, hi in runs]
    out = np.full(len(xs), -1, dtype=np.int64)
    todo = []
    for (lo, hi), key in zip(runs, keys, strict=True):
        kept = memo.peek(key)
        if kept is None:
            todo.append((lo, hi, key))
        else:
            out[lo:hi] = np.frombuffer(kept, dtype=np.int64)
    if todo:
        sel = np.concatenate([np.arange(lo, hi) for lo, hi, _ in todo])
        out[sel] = _locate(period.atoms, xs[sel], ys[sel])
        for lo, hi, key in todo:
            memo.put(key, out[lo:hi].tobytes())
    return out


def join_events(events: list[Event] | gpd.GeoDataFrame, control: gpd.GeoDataFrame,
                ivs: list[_Interval] | None = None, memo: DiskMemo | None = None) -> gpd.GeoDataFrame:
    """Each event with the faction holding its point the day before and after, and a ``check``.

    ``events``: records, or a frame of event rows (the events layer: EVENT_COLUMNS and points), whose columns
    are kept as they are (list columns stay JSON text). With ``ivs`` (the rebuild's intervals) the join uses
    their partition, where ``memo`` keeps each week's points located; else the ``control`` polygons.
    """
    if isinstance(events, gpd.GeoDataFrame):
        df = pd.DataFrame(events[list(EVENT_COLUMNS)])
        pts = events.geometry.to_numpy()
        xs, ys = shapely.get_x(pts).astype(float), shapely.get_y(pts).astype(float)
        day = df["date"].to_numpy(dtype="datetime64[D]")
        types, factions = df["type"].to_numpy(dtype=object), df["faction"].to_numpy(dtype=object)
    else:
        df = pd.DataFrame([e.to_row() for e in events], columns=list(EVENT_COLUMNS))
        xs = np.array([e.lon for e in events], dtype=float)
        ys = np.array([e.lat for e in events], dtype=float)
        day = np.array([e.date for e in events], dtype="datetime64[D]")
        types = np.array([e.type for e in events], dtype=object)
        factions = np.array([e.faction for e in events], dtype=object)
    before, after, check = held_and_check(day, xs, ys, types, factions, control, ivs, memo)
    return joined_frame(df, before, after, check, xs, ys)


def held_and_check(day: np.ndarray, xs: np.ndarray, ys: np.ndarray, types: np.ndarray, factions: np.ndarray,
                   control: gpd.GeoDataFrame | None, ivs: list[_Interval] | None = None,
                   memo: DiskMemo | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The join's answer for points ``(xs, ys)`` (lon, lat) on days ``day`` (datetime64[D]): who held each the day
    before and the day after, and the ``check`` of an event of that type and side there (what
    :func:`join_events` adds; a cluster computes it from these columns alone)."""
    if ivs is not None:
        before, after = interval_holders(ivs, day - 1, xs, ys, memo), interval_holders(ivs, day + 1, xs, ys, memo)
    else:
        before, after = holders(control, day - 1, xs, ys), holders(control, day + 1, xs, ys)
    before, after = np.asarray(before, dtype=object), np.asarray(after, dtype=object)
    held = (types == "capture") & (before == factions)
    check = np.where(before == "", "outside", np.where(held, "already_held", "consistent")).astype(object)
    return before, after, check


def joined_frame(df: pd.DataFrame, before: np.ndarray, after: np.ndarray, check: np.ndarray, xs: np.ndarray,
                 ys: np.ndarray) -> gpd.GeoDataFrame:
    """The events' columns with the join's three, as points (EPSG:4326)."""
    df = df.reset_index(drop=True).assign(held_before=before, held_after=after, check=check)
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(xs, ys), crs=CRS_STORAGE)
