"""The event join on a Dask cluster (dask-geopandas) gives the local join's frame row for row, and the threshold
that sends a build's join to the cluster reads from the environment with a one-line error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

pytest.importorskip("dask_geopandas")
distributed = pytest.importorskip("distributed")

import geopandas as gpd  # noqa: E402

from geo.control.join import join_events  # noqa: E402
from geo.control.join_dask import dask_join_from, join_events_dask, partitions_for  # noqa: E402
from geo.io import InputError  # noqa: E402
from geo.model import CRS_STORAGE, EVENT_COLUMNS  # noqa: E402


def events_frame(n: int, seed: int = 3) -> gpd.GeoDataFrame:
    """``n`` events with every column of the events layer, scattered over two squares and around them, on days
    either side of a control change."""
    rng = np.random.default_rng(seed)
    rows = {c: [""] * n for c in EVENT_COLUMNS}
    rows["id"] = [f"e{k}" for k in range(n)]
    rows["type"] = rng.choice(["capture", "clash", "advance", "strike"], n).tolist()
    rows["faction"] = rng.choice(["government", "rebels", ""], n).tolist()
    rows["date"] = [str(np.datetime64("2016-11-01") + int(d)) for d in rng.integers(0, 20, n)]
    df = pd.DataFrame(rows, columns=list(EVENT_COLUMNS))
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(rng.uniform(-0.5, 2.5, n), rng.uniform(-0.5, 1.5, n)),
                            crs=CRS_STORAGE)


def control_frame() -> gpd.GeoDataFrame:
    """Two squares side by side; the right one changes hands on 10 November."""
    return gpd.GeoDataFrame({"faction": ["government", "rebels", "government", "government"],
                             "valid_from": ["2016-11-01", "2016-11-01", "2016-11-10", "2016-11-10"],
                             "valid_to": ["2016-11-10", "2016-11-10", "", ""]},
                            geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 0, 2, 1)] * 2, crs=CRS_STORAGE)


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.mark.parametrize("parts", [1, 3, 7])
def test_the_join_on_the_cluster_is_the_local_join_row_for_row(client, parts):
    evs, ctl = events_frame(2000), control_frame()
    want = join_events(evs, ctl)
    got = join_events_dask(evs, ctl, None, client, npartitions=parts)
    pd.testing.assert_frame_equal(pd.DataFrame(got.drop(columns="geometry")),
                                  pd.DataFrame(want.drop(columns="geometry")))
    assert got.geometry.equals(want.geometry) and got.crs == want.crs
    assert set(want["check"]) == {"consistent", "already_held", "outside"}  # every branch of the join is met


def test_a_frame_with_a_gapped_index_joins_like_the_local_join(client):
    evs = events_frame(300).iloc[::3]  # a selection, as the build's reported events are
    want, got = join_events(evs, control_frame()), join_events_dask(evs, control_frame(), None, client)
    assert list(got.index) == list(range(len(evs))) and got.drop(columns="geometry").equals(
        want.drop(columns="geometry"))


def test_partitions_are_two_per_thread_and_bounded_in_rows():
    assert partitions_for(0, 2) == 1 and partitions_for(3, 8) == 3
    assert partitions_for(10_000, 2) == 4 and partitions_for(10_000_000, 2) == 40


def test_the_threshold_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("GEO_DASK_JOIN_FROM", "1_000")
    assert dask_join_from() == 1000
    monkeypatch.setenv("GEO_DASK_JOIN_FROM", "many")
    with pytest.raises(InputError, match="GEO_DASK_JOIN_FROM='many': a whole number"):
        dask_join_from()


def test_no_events_join_on_the_cluster_to_an_empty_layer(client):
    evs = events_frame(10).iloc[:0]
    got, want = join_events_dask(evs, control_frame(), None, client), join_events(evs, control_frame())
    assert got.empty and list(got.columns) == list(want.columns)
