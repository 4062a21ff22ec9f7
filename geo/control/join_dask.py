"""The event-to-control join on a Dask cluster, with dask-geopandas (``geo build --engine dask`` on many events).

The join of :func:`geo.control.join.join_events` is a function of each event row alone (its point, its day, its
type and side) and of the rebuild's intervals, so it partitions by rows: those four columns become a
dask-geopandas frame of partitions, each partition is answered on a worker against the same intervals (who
held the point the day before and after, and the ``check``), and the answers come back in order and join the
rest of each row on the client. The result is the local join's frame, row for row.

What is sent: each partition's points, days, types and sides, and with each task the intervals pickled once
(their partitions of the city into atoms and each day's labels; the drawings and the reasons of the changes
stay on the client). What stays on the client: the events layer itself, the intervals, built from the few
events that may move a line (captures, and the advances that count), and writing the layers.

The local join answers about a million events a second on one core (``make bench``): on one machine a cluster
only adds its round trips, and it pays when the events outnumber what one process joins comfortably. Below
:data:`DASK_JOIN_FROM` events (``GEO_DASK_JOIN_FROM`` in the environment) a build on the Dask engine joins
locally. dask-geopandas is imported here only, and only when the join goes to the cluster
(``pip install 'geo[dask]'``).

Example (``client``: a ``distributed.Client``)::

    joined = join_events_dask(events_layer, control, intervals, client)
"""

from __future__ import annotations

import dataclasses
import math
import os
import pickle
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.control.join import held_and_check, joined_frame
from geo.io import DiskMemo, InputError
from geo.model import EVENT_COLUMNS

if TYPE_CHECKING:
    from geo.control.layers import _Interval

#: From this many events on, a build on the Dask engine joins them on the cluster.
DASK_JOIN_FROM = 2_000_000
#: Rows per partition at most: a partition is one task, its rows one worker's memory for that task.
PARTITION_ROWS = 250_000


def dask_join_from() -> int:
    """The events count from which the Dask engine joins on the cluster: ``GEO_DASK_JOIN_FROM`` when set.

    >>> os.environ["GEO_DASK_JOIN_FROM"] = "0"; dask_join_from()
    0
    >>> del os.environ["GEO_DASK_JOIN_FROM"]; dask_join_from() == DASK_JOIN_FROM
    True
    """
    raw = os.environ.get("GEO_DASK_JOIN_FROM", "").strip()
    if not raw:
        return DASK_JOIN_FROM
    try:
        n = int(raw.replace("_", ""))
    except ValueError:
        n = -1
    if n < 0:
        raise InputError(f"GEO_DASK_JOIN_FROM={raw!r}: a whole number of events (0 or more)")
    return n


def partitions_for(rows: int, threads: int) -> int:
    """Partitions of ``rows`` events: at least two per worker thread (none empty), at most
    :data:`PARTITION_ROWS` rows each.

    >>> partitions_for(10, 2), partitions_for(1_000_000, 2), partitions_for(3_000_000, 4)
    (4, 4, 12)
    """
    return max(1, min(max(rows, 1), max(2 * threads, math.ceil(rows / PARTITION_ROWS))))


def _light(ivs: list[_Interval]) -> list[_Interval]:
    """The intervals with only what the join reads (day, partition, labels): the drawings, the reasons and their
    areas are the client's. Intervals of one period keep sharing one partition object (the join relies on it),
    and pickling one list keeps that sharing."""
    return [dataclasses.replace(iv, ids=[], snapshot=None, reasons=None, areas=None, area_wkb=None) for iv in ivs]


def join_events_dask(events: gpd.GeoDataFrame, control: gpd.GeoDataFrame, ivs: list[_Interval] | None,
                     client: Any, npartitions: int | None = None, memo: DiskMemo | None = None) -> gpd.GeoDataFrame:
    """:func:`geo.control.join.join_events` of an events layer, partition by partition on ``client``'s cluster;
    the same frame as the local join (index 0..n-1, same columns, same order). Only what the join reads goes to
    the cluster (each event's point, day, type and side); its three columns come back and join the rest here.
    ``memo`` is not used: the workers do not share the build's cache, and every point is located there."""
    import dask
    import dask_geopandas

    if npartitions is None:
        npartitions = partitions_for(len(events), max(1, sum(client.nthreads().values())))
    pts = events.geometry.to_numpy()
    xs, ys = shapely.get_x(pts).astype(float), shapely.get_y(pts).astype(float)
    day = events["date"].to_numpy(dtype="datetime64[D]")
    slim = gpd.GeoDataFrame({"day": day.astype(np.int64), "type": pd.Categorical(events["type"].to_numpy(object)),
                             "faction": pd.Categorical(events["faction"].to_numpy(object))},
                            geometry=gpd.points_from_xy(xs, ys), crs=events.crs)
    # Dask would store text columns in its own string type: kept as they are
    with dask.config.set({"dataframe.convert-string": False}):
        frame = dask_geopandas.from_geopandas(slim, npartitions=npartitions, sort=False)
        # Pickled once here and sent with each task (a few hundred kB for a city's intervals): a scattered copy
        # took seconds to broadcast on a loaded machine, and dask would hash every atom to name a delayed one.
        shared = pickle.dumps(_light(ivs) if ivs is not None else control, protocol=pickle.HIGHEST_PROTOCOL)
        meta = pd.DataFrame({c: pd.Series([], dtype=object) for c in ANSWER})
        joined = frame.map_partitions(_join_part, shared, ivs is not None, meta=meta)
        # partitions gathered here and put together once (computing the frame whole would first gather them
        # on one worker)
        parts = client.gather(client.compute(joined.to_delayed()))
    got = pd.concat(parts, ignore_index=True) if parts else meta
    cols = [got[c].to_numpy(dtype=object) for c in ANSWER]
    return joined_frame(pd.DataFrame(events[list(EVENT_COLUMNS)]), *cols, xs, ys)


#: The join's answer, the columns a worker sends back.
ANSWER = ("held_before", "held_after", "check")


def _join_part(part: gpd.GeoDataFrame, shared: bytes, intervals: bool) -> pd.DataFrame:
    """One partition's answer, worked out on a worker (a module-level function: the task pickles by reference);
    ``shared``: the intervals pickled, or the drawn control when there are none (the client's own objects,
    never text from elsewhere)."""
    held = pickle.loads(shared)  # noqa: S301 - pickled by join_events_dask in the same build
    pts = part.geometry.to_numpy()
    answer = held_and_check(part["day"].to_numpy(dtype=np.int64).astype("datetime64[D]"), shapely.get_x(pts),
                            shapely.get_y(pts), part["type"].to_numpy(dtype=object),
                            part["faction"].to_numpy(dtype=object), None if intervals else held,
                            held if intervals else None)
    return pd.DataFrame(dict(zip(ANSWER, answer, strict=True)), index=part.index)
