"""Write data/control/YYYY-MM-DD.geojson from the decision table data/control/districts.csv.

Each snapshot dissolves the gazetteer's footprints (the CSR neighbourhoods and the project's drawn
outskirts, a drawn footprint cut out of the neighbourhood it lies in) by the faction the table gives them
on that date: one feature per faction. Run from the repository root:

    .venv/bin/python scripts/build_snapshots.py
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import geopandas as gpd
import shapely

from geo.control import control_footprints

ROOT = Path(__file__).resolve().parent.parent
CONTROL = ROOT / "data" / "control"


def main() -> None:
    fps = gpd.read_file(ROOT / "data" / "gazetteer" / "footprints.geojson", engine="pyogrio")
    geoms = control_footprints(fps)
    with (CONTROL / "districts.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    dates = [c for c in rows[0] if c[:4].isdigit()]
    missing = [r["place_id"] for r in rows if r["place_id"] not in geoms]
    if missing:
        raise SystemExit(f"districts.csv: no footprint for {missing}")
    for d in dates:
        by: dict[str, list] = {}
        for r in rows:
            by.setdefault(r[d], []).append(geoms[r["place_id"]])
        feats = []
        for fac in sorted(by):
            g = shapely.make_valid(shapely.union_all(by[fac]))
            g = shapely.set_precision(g, 1e-6)
            feats.append({"type": "Feature", "properties": {
                "faction": fac, "note": f"{len(by[fac])} footprint(s), see districts.csv",
                "drawn_by": "geo project, from data/control/districts.csv"},
                "geometry": json.loads(shapely.to_geojson(g))})
        out = CONTROL / f"{d}.geojson"
        out.write_text(json.dumps({"type": "FeatureCollection", "features": feats}) + "\n", encoding="utf-8")
        print(f"{out.relative_to(ROOT)}: {', '.join(f'{k} {len(v)}' for k, v in sorted(by.items()))}")


if __name__ == "__main__":
    main()
