"""Benchmark of the map: HTML size, write time and time until interactive in headless Chromium.

For 1k, 10k and 100k synthetic events (each with a sentence, a title, a link and sources, as real ones
have) it builds, in the same run:

- geo's map (``geo.map.render.build_map`` + offline inlining): events as GeoJSON timeline layers on a canvas,
  popups built in the browser from the features' properties;
- folium's per-marker approach: one ``folium.CircleMarker`` with an HTML ``folium.Popup`` per event;
- a bare canvas layer of the same points (one ``folium.GeoJson``, no popups, no slider): the floor for
  time until interactive.

"Interactive" is measured as a person would feel it: from navigation until the page's load event and
the next two animation frames (the map drawn), in Debian's Chromium with the network off. Ratios are
what to quote; the machine sets the seconds.

Example::

    .venv/bin/python bench/bench_map.py --sizes 1000,10000,100000
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import folium  # noqa: E402
import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
from common import write_figures  # noqa: E402

from geo.map.assets import inline_assets  # noqa: E402
from geo.map.render import build_map  # noqa: E402
from geo.model import CRS_STORAGE, EVENT_COLUMNS  # noqa: E402
from geo.read.factions import load_factions  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
        "--disable-component-update", "--disable-sync"]
TYPES = ["capture", "advance", "clash", "strike", "control"]


def control() -> gpd.GeoDataFrame:
    w, e = shapely.box(37.08, 36.14, 37.16, 36.27), shapely.box(37.16, 36.14, 37.23, 36.27)
    return gpd.GeoDataFrame({"faction": ["government", "opposition", "government"],
                             "valid_from": ["2016-09-01", "2016-09-01", "2016-12-22"],
                             "valid_to": ["2016-12-22", "2016-12-22", ""]},
                            geometry=[w, e, w.union(e)], crs=CRS_STORAGE)


def events(n: int, seed: int = 5) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    days = (np.datetime64("2016-09-01") + rng.integers(0, 112, n)).astype(str)
    xs, ys = rng.uniform(37.08, 37.23, n), rng.uniform(36.14, 36.27, n)
    rows = []
    for i in range(n):
        t = TYPES[i % len(TYPES)]
        rows.append({c: "" for c in EVENT_COLUMNS} | {
            "id": f"e{i}", "type": t, "status": "claimed", "modality": "reported",
            "faction": "government" if i % 3 else "opposition", "opponent": "opposition",
            "place_id": f"p{i % 500}", "place_name": f"District {i % 500}", "precision": 1,
            "date": days[i], "date_first": days[i], "date_last": days[i], "n_claims": 1,
            "claim_ids": json.dumps([f"c{i}"]), "n_sources": 1, "sources": json.dumps(["SOHR"]),
            "loser_confirms": False, "claim_statuses": json.dumps(["reported"]), "articles": json.dumps([f"a{i}"]),
            "sentences": json.dumps([f"Government forces took District {i % 500} on the {i % 28 + 1}th after "
                                     "heavy fighting, the Observatory said."]),
            "urls": json.dumps([f"https://example.org/report/{i}"]), "titles": json.dumps([f"Report {i}"]),
            "confidence": 0.65, "held_before": "opposition", "held_after": "government", "check": "consistent"})
    return gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy(xs, ys), crs=CRS_STORAGE)


def geo_map(evs: gpd.GeoDataFrame, path: Path) -> None:
    m = build_map(control(), evs, load_factions(ROOT / "data" / "factions.yaml"), title="bench")
    path.write_text(inline_assets(m.get_root().render()), encoding="utf-8")


def per_marker(evs: gpd.GeoDataFrame, path: Path) -> None:
    """folium's usual way: a marker and an HTML popup per event (text escaped, as it must be)."""
    m = folium.Map(location=[36.2, 37.16], zoom_start=12, tiles=None, prefer_canvas=True)
    for r in evs.itertuples():
        text = (f"<b>{html.escape(r.type)} at {html.escape(r.place_name)}</b><br>{html.escape(r.date)}<br>"
                f"<i>{html.escape(json.loads(r.sentences)[0])}</i><br>"
                f'<a href="{html.escape(json.loads(r.urls)[0])}">{html.escape(json.loads(r.titles)[0])}</a>')
        folium.CircleMarker([r.geometry.y, r.geometry.x], radius=6, fill=True,
                            popup=folium.Popup(text, max_width=300)).add_to(m)
    path.write_text(inline_assets(m.get_root().render()), encoding="utf-8")


def bare_canvas(evs: gpd.GeoDataFrame, path: Path) -> None:
    """The floor: the same points as one GeoJSON layer on a canvas, nothing else."""
    m = folium.Map(location=[36.2, 37.16], zoom_start=12, tiles=None, prefer_canvas=True)
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y]}, "properties": {}}
        for x, y in zip(evs.geometry.x, evs.geometry.y, strict=True)]}
    folium.GeoJson(fc, marker=folium.CircleMarker(radius=6, fill=True)).add_to(m)
    path.write_text(inline_assets(m.get_root().render()), encoding="utf-8")


def time_to_interactive(browser, path: Path, timeout_s: float) -> float | None:
    page = browser.new_page(viewport={"width": 1200, "height": 850})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    t = time.perf_counter()
    try:
        page.goto(path.as_uri(), wait_until="load", timeout=timeout_s * 1000)
        # geo fills its event layers once the compressed payload is decoded: wait for that too
        page.wait_for_function("() => window.__geoReady !== false", timeout=timeout_s * 1000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        return time.perf_counter() - t
    except Exception:  # noqa: BLE001 - a page that does not become interactive in time
        return None
    finally:
        page.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000", help="event counts (comma-separated)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds a page may take to load")
    ap.add_argument("--quick", action="store_true", help="1k and 5k events only (a smoke test)")
    ap.add_argument("--no-browser", action="store_true", help="sizes and write times only")
    ap.add_argument("-o", "--output", type=Path, help="also write the figures as JSON here")
    a = ap.parse_args(argv)
    sizes = [1000, 5000] if a.quick else [int(s) for s in a.sizes.split(",")]

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        browser = ctx = None
        if not a.no_browser and CHROMIUM.exists():
            from playwright.sync_api import sync_playwright

            ctx = sync_playwright().start()
            browser = ctx.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for n in sizes:
                evs = events(n)
                row = {"events": n}
                for name, fn in (("geo", geo_map), ("per_marker", per_marker), ("bare_canvas", bare_canvas)):
                    path = Path(tmp) / f"{name}-{n}.html"
                    t = time.perf_counter()
                    fn(evs, path)
                    row[f"{name}_write_s"] = round(time.perf_counter() - t, 2)
                    row[f"{name}_mb"] = round(path.stat().st_size / 1e6, 2)
                    if browser is not None:
                        tti = time_to_interactive(browser, path, a.timeout)
                        row[f"{name}_interactive_s"] = round(tti, 2) if tti is not None else None
                    log(f"{n} events, {name}: {row[f'{name}_mb']} MB written in {row[f'{name}_write_s']} s"
                        + (f", interactive in {row.get(f'{name}_interactive_s')} s" if browser else ""))
                row["size_ratio"] = round(row["per_marker_mb"] / row["geo_mb"], 1)
                row["write_ratio"] = round(row["per_marker_write_s"] / row["geo_write_s"], 1)
                if browser is not None and row.get("geo_interactive_s") and row.get("bare_canvas_interactive_s"):
                    row["interactive_vs_bare"] = round(row["geo_interactive_s"] / row["bare_canvas_interactive_s"], 2)
                rows.append(row)
        finally:
            if browser is not None:
                browser.close()
                ctx.stop()
    print("\n| events | geo MB | per-marker MB | smaller by | geo write s | per-marker write s | faster by "
          "| geo interactive s | per-marker interactive s | bare canvas interactive s | geo / bare |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['events']} | {r['geo_mb']} | {r['per_marker_mb']} | {r['size_ratio']}x | {r['geo_write_s']} | "
              f"{r['per_marker_write_s']} | {r['write_ratio']}x | {r.get('geo_interactive_s')} | "
              f"{r.get('per_marker_interactive_s')} | {r.get('bare_canvas_interactive_s')} | "
              f"{r.get('interactive_vs_bare')} |")
    if a.output:
        write_figures(a.output, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
