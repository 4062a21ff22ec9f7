"""Questions asked of the built control layers: what changed hands between two dates, the control of a
date as a draft snapshot, and km2 per faction as a table.

Everything here reads the layers of ``control.gpkg`` (see :mod:`geo.control.layers`) and returns frames; the CLI
prints or writes them. Areas in UTM 37N (EPSG:32637), storage in EPSG:4326.
"""

from __future__ import annotations

import json
from datetime import date

import geopandas as gpd
import pandas as pd
import shapely

from geo.control.layers import control_at
from geo.control.snapshot import _polygonal
from geo.model import CRS_METRIC, CRS_STORAGE

#: Pieces that changed hands under this area (km2) are tracing noise, not changes.
MIN_CHANGE_KM2 = 1e-3
#: An event's point counts for a changed piece within this distance of it (degrees, about 50 m): events
#: sit on their footprint's centroid or on the gazetteer point, which can fall just outside a drawn line.
NEAR_DEG = 0.0005


def _iso(day: str) -> str:
    try:
        return date.fromisoformat(str(day)).isoformat()
    except ValueError:
        raise ValueError(f"{day!r} is not a date (YYYY-MM-DD)") from None


def diff(control: gpd.GeoDataFrame, events: gpd.GeoDataFrame | None, d1: str, d2: str,
         metric: str = CRS_METRIC) -> gpd.GeoDataFrame:
    """What changed hands between the control in force on ``d1`` and on ``d2``, with the events behind it.

    One row per (from_faction, to_faction): ``km2``, ``events`` (ids of the reported captures and advances
    dated in (d1, d2] whose point lies on the piece) and ``event_labels`` ("2016-11-26 capture Masaken
    Hanano"); an empty list means a drawing moved the line with no report behind it.

    >>> from shapely.geometry import box
    >>> ctl = gpd.GeoDataFrame({"faction": ["opposition", "government", "opposition"],
    ...     "valid_from": ["2016-11-01", "2016-11-01", "2016-11-05"], "valid_to": ["2016-11-05", "2016-11-05", ""]},
    ...     geometry=[box(37.1, 36.2, 37.12, 36.21), box(37.12, 36.2, 37.13, 36.21), box(37.1, 36.2, 37.13, 36.21)],
    ...     crs=CRS_STORAGE)
    >>> d = diff(ctl, None, "2016-11-02", "2016-11-06")
    >>> list(zip(d.from_faction, d.to_faction)), round(float(d.km2.iloc[0]), 1)
    ([('government', 'opposition')], 1.0)
    """
    d1, d2 = _iso(d1), _iso(d2)
    if d2 < d1:
        d1, d2 = d2, d1
    a = control_at(control, d1)
    b = control_at(control, d2)
    evs = _moving_events(events, d1, d2)
    rows = []
    for fa, ga in zip(a.faction, a.geometry, strict=True):
        for fb, gb in zip(b.faction, b.geometry, strict=True):
            if fa == fb or not ga.intersects(gb):
                continue
            piece = _polygonal(ga.intersection(gb))
            if piece.is_empty:
                continue
            km2 = float(gpd.GeoSeries([piece], crs=CRS_STORAGE).to_crs(metric).area.iloc[0]) / 1e6
            if km2 < MIN_CHANGE_KM2:
                continue
            near = piece.buffer(NEAR_DEG)
            shapely.prepare(near)
            inside = evs[shapely.contains_xy(near, evs.geometry.x.to_numpy(), evs.geometry.y.to_numpy())] \
                if len(evs) else evs
            rows.append({"from_faction": fa, "to_faction": fb, "km2": round(km2, 3),
                         "events": json.dumps(list(inside["id"]) if len(inside) else []),
                         "event_labels": json.dumps([f"{r.date} {r.type} {r.place_name} ({r.status})"
                                                     for r in inside.itertuples()] if len(inside) else [],
                                                    ensure_ascii=False),
                         "geometry": piece})
    out = gpd.GeoDataFrame(rows, columns=["from_faction", "to_faction", "km2", "events", "event_labels", "geometry"],
                           geometry="geometry", crs=CRS_STORAGE)
    out.attrs.update({"from": d1, "to": d2})
    return out.sort_values("km2", ascending=False).reset_index(drop=True)


def _moving_events(events: gpd.GeoDataFrame | None, d1: str, d2: str) -> gpd.GeoDataFrame:
    if events is None or events.empty:
        return gpd.GeoDataFrame({"id": [], "date": [], "type": [], "place_name": [], "status": []},
                                geometry=[], crs=CRS_STORAGE)
    e = events[(events["date"] > d1) & (events["date"] <= d2) & events["type"].isin(["capture", "advance"])]
    if "modality" in e:
        e = e[e["modality"] == "reported"]
    return e.sort_values(["date", "id"])


def balance(d: gpd.GeoDataFrame) -> dict[str, float]:
    """Net km2 gained (+) or lost (-) by each faction in a :func:`diff`.

    >>> balance(pd.DataFrame({"from_faction": ["opposition"], "to_faction": ["government"], "km2": [2.5]}))
    {'government': 2.5, 'opposition': -2.5}
    """
    net: dict[str, float] = {}
    for fa, fb, km2 in zip(d.from_faction, d.to_faction, d.km2, strict=True):
        net[fb] = net.get(fb, 0.0) + float(km2)
        net[fa] = net.get(fa, 0.0) - float(km2)
    return {k: round(v, 3) for k, v in sorted(net.items())}


def draft(control: gpd.GeoDataFrame, day: str) -> gpd.GeoDataFrame:
    """The control in force on ``day`` as a snapshot (faction, note, geometry), for an analyst to correct."""
    day = _iso(day)
    cur = control_at(control, day)
    if cur.empty:
        first = min(control.valid_from) if len(control) else "none"
        raise ValueError(f"no control in force on {day} (the layers start on {first})")
    since = cur.valid_from.iloc[0]
    notes = [f"drafted by geo from the layers in force on {day} (since {since})"] * len(cur)
    return gpd.GeoDataFrame({"faction": list(cur.faction), "note": notes}, geometry=list(cur.geometry),
                            crs=CRS_STORAGE)


def stats_table(stats: pd.DataFrame) -> pd.DataFrame:
    """The ``stats`` layer pivoted: one row per date, one column per faction, km2 (0 where none).

    >>> t = stats_table(pd.DataFrame({"date": ["d1", "d1", "d2"], "faction": ["a", "b", "a"], "km2": [1.0, 2.0, 3.0]}))
    >>> t.to_dict("index")
    {'d1': {'a': 1.0, 'b': 2.0}, 'd2': {'a': 3.0, 'b': 0.0}}
    """
    t = stats.pivot_table(index="date", columns="faction", values="km2", aggfunc="sum", fill_value=0.0)
    return t.astype(float).round(3)


def area_chart(table: pd.DataFrame, colours: dict[str, str], path: str, title: str = "") -> None:
    """A step chart of km2 per faction over time (matplotlib, Agg backend), written to ``path`` (PNG/SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dates = pd.to_datetime(table.index)
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=120)
    for fac in table.columns:
        ax.step(dates, table[fac].to_numpy(), where="post", label=fac, color=colours.get(fac, "#888888"), lw=2)
    ax.set_ylabel("km²")
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, fontsize=8, ncol=min(5, len(table.columns)))
    if title:
        ax.set_title(title, fontsize=10)
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)

