"""Publishable still images of the control map: one per date, with what a map desk prints around it.

Each image has the control polygons in their sides' colours, the districts' outlines and the names of
the largest ones (never two overlapping), a legend with each side's km2 on that date, a scale bar, the
date in the title and a source line (how many reports and which drawn snapshots the layers stand on).
Drawn with matplotlib in the study area's projected CRS, so that the scale bar is in true metres.

>>> import geopandas as gpd, shapely
>>> ctl = gpd.GeoDataFrame({"faction": ["government"]}, geometry=[shapely.box(37.1, 36.1, 37.2, 36.2)], crs=4326)
>>> scale_length(ctl.to_crs("EPSG:32637").total_bounds)
2000
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np

#: Image sizes a reader may ask for ("1600x1200"), in pixels; drawn at this many dots per inch.
DPI = 100
DEFAULT_SIZE = (1600, 1200)
#: At most this many district names on one image (the largest districts first).
MOST_LABELS = 45


def parse_size(text: str) -> tuple[int, int]:
    """``"1600x1200"`` -> ``(1600, 1200)``; a ValueError that says what is expected otherwise.

    >>> parse_size("800x600"), parse_size(" 1600X1200 ")
    ((800, 600), (1600, 1200))
    """
    try:
        w, h = (int(x) for x in text.lower().strip().split("x"))
    except ValueError:
        raise ValueError(f"size {text!r}: expected WIDTHxHEIGHT in pixels, e.g. 1600x1200") from None
    if not (200 <= w <= 10000 and 200 <= h <= 10000):
        raise ValueError(f"size {text!r}: each side must be 200 to 10000 pixels")
    return w, h


def scale_length(bounds: np.ndarray) -> int:
    """A round scale-bar length (metres) about a fifth of the map's width."""
    width = float(bounds[2] - bounds[0])
    for metres in (100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000):
        if metres >= width / 5:
            return metres
    return 100000


@dataclass
class Still:
    """What one image shows: the control on ``day`` and what is printed around it."""

    day: str
    control: gpd.GeoDataFrame  # faction, geometry (EPSG:4326): the polygons valid on ``day``
    colours: dict[str, str]
    names: dict[str, str]  # faction id -> display name
    km2: dict[str, float]  # faction id -> km2 on ``day``
    reports: int  # reports (articles) behind the layers up to ``day``
    snapshots: list[str] = field(default_factory=list)  # drawn snapshot dates up to ``day``
    districts: gpd.GeoDataFrame | None = None  # name, rank, geometry (EPSG:4326)
    title: str = "Reported control"
    credit: str = ""


def draw_still(still: Still, path: Path, metric: str, size: tuple[int, int] = DEFAULT_SIZE, fmt: str = "png") -> None:
    """Write one image (PNG or SVG) of ``still`` to ``path``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    plt.rcParams["svg.fonttype"] = "none"  # SVG text stays text: a desk can edit and restyle it
    fig = plt.figure(figsize=(size[0] / DPI, size[1] / DPI), dpi=DPI)
    ax = fig.add_axes((0.02, 0.08, 0.96, 0.84))
    ctl = still.control.to_crs(metric)
    for fac, part in ctl.groupby("faction"):
        part.plot(ax=ax, color=still.colours.get(str(fac), "#888"), alpha=0.6, edgecolor="white", linewidth=0.4)
    if still.districts is not None and not still.districts.empty:
        d = still.districts.to_crs(metric)
        d.boundary.plot(ax=ax, color="#555", linewidth=0.3)
        _labels(ax, fig, d)
    ax.set_aspect("equal")
    ax.set_axis_off()
    _scale_bar(ax, ctl.total_bounds)
    day = date.fromisoformat(still.day)
    fig.suptitle(f"{still.title}, {day:%d %B %Y}", fontsize=max(12, size[0] // 80), fontweight="bold", y=0.975)
    handles = [Patch(facecolor=still.colours.get(f, "#888"), alpha=0.6, edgecolor="#444",
                     label=f"{still.names.get(f, f)}: {still.km2.get(f, 0):.1f} km²")
               for f in sorted(still.km2, key=lambda f: -still.km2[f]) if still.km2.get(f, 0) > 0]
    ax.legend(handles=handles, loc="lower right", fontsize=max(8, size[0] // 140), framealpha=0.9, title="Reported control")
    fig.text(0.02, 0.02, _source_line(still), fontsize=max(7, size[0] // 170), color="#333", ha="left", va="bottom",
             wrap=True)
    fig.savefig(path, dpi=DPI, format=fmt)
    plt.close(fig)


def _source_line(still: Still) -> str:
    snaps = still.snapshots
    drawn = (f"drawn snapshots of {', '.join(snaps)}" if len(snaps) <= 4 else
             f"{len(snaps)} drawn snapshots, {snaps[0]} to {snaps[-1]}") if snaps else "no drawn snapshot"
    line = f"geo: reported control from {still.reports} report{'s' if still.reports != 1 else ''}; {drawn}."
    return f"{line} {still.credit}".strip()


def _labels(ax, fig, districts: gpd.GeoDataFrame) -> None:  # noqa: ANN001 - matplotlib objects
    """Names of the largest districts inside them, skipping any that would overlap one already placed."""
    fig.canvas.draw()  # a renderer, to measure each name
    renderer = fig.canvas.get_renderer()
    placed = []
    # a light box rather than a stroked halo: in SVG the names then stay text a desk can edit
    halo = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.65}
    for r in districts.sort_values("rank").head(MOST_LABELS * 3).itertuples():
        if len(placed) >= MOST_LABELS:
            break
        pt = r.geometry.representative_point()
        t = ax.text(pt.x, pt.y, str(r.name), fontsize=8, ha="center", va="center", bbox=halo, color="#222")
        box = t.get_window_extent(renderer=renderer)
        if any(box.overlaps(b) for b in placed):
            t.remove()
        else:
            placed.append(box)


def _scale_bar(ax, bounds: np.ndarray) -> None:  # noqa: ANN001 - a matplotlib Axes
    """A black bar of a round length in the lower left corner, labelled in km or m (the axes are metres)."""
    metres = scale_length(bounds)
    x0 = bounds[0] + (bounds[2] - bounds[0]) * 0.03
    y0 = bounds[1] + (bounds[3] - bounds[1]) * 0.03
    ax.plot([x0, x0 + metres], [y0, y0], color="black", linewidth=4, solid_capstyle="butt")
    label = f"{metres // 1000} km" if metres >= 1000 else f"{metres} m"
    ax.text(x0 + metres / 2, y0 + (bounds[3] - bounds[1]) * 0.012, label, ha="center", va="bottom", fontsize=9)
