"""Control polygons: read and repair hand-drawn snapshots, move footprints by events, derive layers.

Between two hand-drawn snapshots each reported capture moves its place's footprint (its neighbourhood
polygon, else a buffer sized by precision) to the capturing faction from the event's day; an advance,
or a disputed capture, makes the footprint ``contested``. A snapshot always wins on its date.
Areas are computed in UTM 37N (EPSG:32637, metres); storage is EPSG:4326.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import shape

from geo.factions import Factions
from geo.io import InputError, read_json
from geo.model import CONTESTED, CRS_METRIC, CRS_STORAGE, Event
from geo.syria import inside_syria, looks_swapped

#: Buffer radius (metres) for a place without a polygon, by precision; precision 3 never moves a line.
BUFFER_M = {1: 250.0, 2: 600.0}
#: Tolerance for front lines between polygons drawn separately (degrees; 0.0003 is about 30 m here).
FRONT_TOL_DEG = 0.0003
_DATE_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.geojson$")


def _polygonal(g: shapely.Geometry) -> shapely.Geometry:
    if g.geom_type in ("Polygon", "MultiPolygon"):
        return g
    parts = [p for p in getattr(g, "geoms", []) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def read_control_file(path: Path, factions: Factions) -> tuple[gpd.GeoDataFrame, list[str]]:
    """One snapshot: ``(GeoDataFrame[faction, note, geometry], warnings)``; bad input raises InputError."""
    path = Path(path)
    if not _DATE_FILE.match(path.name):
        raise InputError(f"{path}: a snapshot file is named YYYY-MM-DD.geojson")
    try:
        date.fromisoformat(path.name[:10])
    except ValueError:
        raise InputError(f"{path}: {path.name[:10]} is not a date") from None
    doc = read_json(path)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection" or not isinstance(doc.get("features"), list):
        raise InputError(f"{path}: not a GeoJSON FeatureCollection")
    warnings, rows = [], []
    known = ", ".join([*factions.ids, CONTESTED])
    for i, f in enumerate(doc["features"]):
        where = f"{path}: feature {i}"
        props = (f or {}).get("properties") or {}
        fac = props.get("faction")
        if not fac:
            raise InputError(f"{where}: no 'faction' property (known: {known})")
        if not factions.is_valid(str(fac)):
            raise InputError(f"{where}: unknown faction {fac!r} (known: {known})")
        try:
            g = shape(f["geometry"])
        except Exception:
            raise InputError(f"{where}: missing or unreadable geometry") from None
        if g.geom_type not in ("Polygon", "MultiPolygon"):
            raise InputError(f"{where}: {g.geom_type} is not a polygon")
        pt = g.representative_point() if not g.is_empty else shapely.Point(0, 0)
        if not inside_syria(pt.x, pt.y):
            if looks_swapped(pt.x, pt.y):
                raise InputError(f"{where}: coordinates look swapped (lat, lon); GeoJSON is (lon, lat)")
            raise InputError(f"{where}: coordinates outside Syria ({pt.x:.3f}, {pt.y:.3f}); EPSG:4326 expected")
        if not g.is_valid:
            reason = shapely.is_valid_reason(g)
            g = _polygonal(shapely.make_valid(g))
            warnings.append(f"{where}: invalid polygon repaired with make_valid ({reason})")
        rows.append({"faction": str(fac), "note": str(props.get("note") or ""), "geometry": g})
    gdf = gpd.GeoDataFrame(rows, columns=["faction", "note", "geometry"], geometry="geometry", crs=CRS_STORAGE)
    # Overlaps between different factions: reported with their area; the later feature wins.
    m = gdf.to_crs(CRS_METRIC)
    for i in range(len(m)):
        for j in range(i + 1, len(m)):
            if m.faction.iat[i] != m.faction.iat[j] and m.geometry.iat[i].intersects(m.geometry.iat[j]):
                a = m.geometry.iat[i].intersection(m.geometry.iat[j]).area / 1e6
                if a > 1e-4:
                    warnings.append(f"{path}: features {i} and {j} overlap ({m.faction.iat[i]} / "
                                    f"{m.faction.iat[j]}, {a:.3f} km2): feature {j} wins")
                    gdf.loc[i, "geometry"] = gdf.geometry.iat[i].difference(gdf.geometry.iat[j])
    return gdf, warnings


def load_snapshots(control_dir: Path, factions: Factions) -> tuple[dict[str, gpd.GeoDataFrame], list[str]]:
    """Every ``YYYY-MM-DD.geojson`` of a directory, by date, and the warnings of all of them."""
    snaps, warnings = {}, []
    for p in sorted(Path(control_dir).glob("*.geojson")):
        g, w = read_control_file(p, factions)
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


def event_footprint(e: Event, index: dict[str, shapely.Geometry]) -> shapely.Geometry | None:
    """The area an event moves: its place's polygon, else a buffer by precision (None for precision 3)."""
    if e.place_id in index:
        return index[e.place_id]
    r = BUFFER_M.get(int(e.precision))
    if not r:
        return None
    pt = gpd.GeoSeries([shapely.Point(e.lon, e.lat)], crs=CRS_STORAGE).to_crs(CRS_METRIC)
    return pt.buffer(r, quad_segs=8).to_crs(CRS_STORAGE).iloc[0]


def _apply(state: dict[str, shapely.Geometry], area: shapely.Geometry, to: str) -> dict[str, shapely.Geometry]:
    out = {f: g.difference(area) for f, g in state.items()}
    out[to] = shapely.union_all([out.get(to, shapely.Polygon()), area])
    return _dissolve(out)


def build_layers(snapshots: dict[str, gpd.GeoDataFrame], events: list[Event], footprints: gpd.GeoDataFrame
                 ) -> dict[str, gpd.GeoDataFrame]:
    """Layers ``control``, ``frontlines``, ``changes``, ``stats`` and ``events`` (see the module doc)."""
    if not snapshots:
        raise InputError("no control snapshots")
    first = min(snapshots)
    index = _footprint_index(footprints)
    moving = [e for e in events if e.type in ("capture", "advance") and e.faction and e.date >= first]
    by_day: dict[str, list[Event]] = {}
    for e in moving:
        by_day.setdefault(e.date, []).append(e)
    days = sorted(set(snapshots) | set(by_day))
    states: list[tuple[str, dict[str, shapely.Geometry], list[str]]] = []
    state: dict[str, shapely.Geometry] = {}
    for d in days:
        ids: list[str] = []
        if d in snapshots:
            s = snapshots[d]
            state = _dissolve({f: shapely.union_all(list(g.geometry)) for f, g in s.groupby("faction")})
        else:
            for e in sorted(by_day.get(d, []), key=lambda e: e.id):
                area = event_footprint(e, index)
                if area is None or area.is_empty:
                    continue
                to = e.faction if e.type == "capture" and e.status != "disputed" else CONTESTED
                state = _apply(state, area, to)
                ids.append(e.id)
        if states and not ids and d not in snapshots:
            continue
        states.append((d, dict(state), ids))
    # control: one row per faction per interval
    rows, fronts, stats, changes = [], [], [], []
    for k, (d, st, ids) in enumerate(states):
        nxt = states[k + 1][0] if k + 1 < len(states) else ""
        for f, g in st.items():
            rows.append({"faction": f, "valid_from": d, "valid_to": nxt, "geometry": g})
        facs = sorted(st)
        for i, a in enumerate(facs):
            for b in facs[i + 1:]:
                # Hand-drawn neighbours rarely share exact vertices: the front is the part of a's edge
                # lying within FRONT_TOL of b (about 30 m), not the exact intersection of the two edges.
                line = shapely.intersection(st[a].boundary, st[b].buffer(FRONT_TOL_DEG))
                line = shapely.line_merge(shapely.union_all([p for p in getattr(line, "geoms", [line])
                                                             if p.geom_type in ("LineString", "MultiLineString")]))
                if not line.is_empty:
                    fronts.append({"faction_a": a, "faction_b": b, "valid_from": d, "valid_to": nxt,
                                   "geometry": line})
        metric = gpd.GeoSeries(list(st.values()), crs=CRS_STORAGE).to_crs(CRS_METRIC).area / 1e6
        stats += [{"date": d, "faction": f, "km2": round(float(a), 3)} for f, a in zip(st, metric, strict=True)]
        if k:
            prev = states[k - 1][1]
            for fa, ga in prev.items():
                for fb, gb in st.items():
                    if fa == fb:
                        continue
                    inter = ga.intersection(gb)
                    if inter.is_empty:
                        continue
                    km2 = float(gpd.GeoSeries([inter], crs=CRS_STORAGE).to_crs(CRS_METRIC).area.iloc[0] / 1e6)
                    if km2 < 1e-3:
                        continue
                    changes.append({"valid_from": d, "from_faction": fa, "to_faction": fb, "km2": round(km2, 3),
                                    "events": json.dumps(ids), "geometry": _polygonal(inter)})
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


def join_events(events: list[Event], control: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each event with the faction holding its point the day before and after, and a ``check``."""
    rows = []
    prepared: dict[str, list[tuple[str, shapely.Geometry]]] = {}

    def holder(day: str, x: float, y: float) -> str:
        if day not in prepared:
            cur = control_at(control, day)
            prepared[day] = [(f, g) for f, g in zip(cur.faction, cur.geometry, strict=True)]
            for _, g in prepared[day]:
                shapely.prepare(g)
        for f, g in prepared[day]:
            if shapely.contains_xy(g, x, y):
                return f
        return ""

    for e in events:
        d = date.fromisoformat(e.date)
        before = holder((d - timedelta(days=1)).isoformat(), e.lon, e.lat)
        after = holder((d + timedelta(days=1)).isoformat(), e.lon, e.lat)
        if not before:
            check = "outside"
        elif e.type == "capture" and before == e.faction:
            check = "already_held"
        else:
            check = "consistent"
        rows.append({**e.to_row(), "held_before": before, "held_after": after, "check": check})
    from geo.model import EVENT_COLUMNS

    df = pd.DataFrame(rows, columns=[*EVENT_COLUMNS, "held_before", "held_after", "check"])
    return gpd.GeoDataFrame(df, geometry=gpd.points_from_xy([e.lon for e in events], [e.lat for e in events]),
                            crs=CRS_STORAGE)
