"""The districts of the map: outlines with their names, who held each on every date, and why it changed.

The map shows control as one polygon per side and period; a reader asks about a district. For each
footprint of the gazetteer (neighbourhoods, camps, military sites, the project's drawn outskirts) this
module works out the side holding most of its area in each period of the control layer, keeps the runs
(a new entry only when the holder changes), and links each change to the row of the ``changes`` layer
that moved it (its rule, why, and the reports behind it). The browser builds popups from this data
with ``textContent`` only.

>>> import geopandas as gpd, shapely
>>> fp = gpd.GeoDataFrame({"id": ["a"], "source": ["csr"]}, geometry=[shapely.box(0, 0, 0.01, 0.01)], crs=4326)
>>> ctl = gpd.GeoDataFrame({"faction": ["government", "opposition"], "valid_from": ["2016-11-01", "2016-11-08"],
...                         "valid_to": ["2016-11-08", ""]}, geometry=[shapely.box(0, 0, 1, 1)] * 2, crs=4326)
>>> district_runs(fp, ctl, metric="EPSG:32637")[0]
[['2016-11-01', 'government'], ['2016-11-08', 'opposition']]
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from jinja2 import Template

from geo.io import DiskMemo, json_lists
from geo.map.raw import OnceRendered
from geo.model import CRS_METRIC, CRS_STORAGE, json_list

#: A holder needs this share of a district's area (else the district is shown as split between sides).
MAJORITY = 0.5
#: Outline simplification (metres) and coordinate rounding (decimal degrees, about 1 m) for the page.
SIMPLIFY_M = 4.0
ROUND = 5
#: Places without an outline whose names are written on the map when zoomed in (landmarks, hills, villages).
POINT_KINDS = {"landmark", "roundabout", "hill", "village", "town", "military_site", "camp", "airport", "road"}
#: How far around the districts such places are named (degrees, about 10 km).
POINT_REACH = 0.1
#: Gaps between districts narrower than this (metres) are closed in the city's outline.
OUTLINE_CLOSE_M = 60.0


def district_runs(footprints: gpd.GeoDataFrame, control: gpd.GeoDataFrame, metric: str = CRS_METRIC,
                  memo: DiskMemo | None = None) -> list[list[list[str]]]:
    """For each footprint (in order): ``[[day, holder], ...]``, a new entry each time the side holding
    the largest share of its area changes; "split" when no side holds more than half of it, "" when no
    side holds any of it. ``memo`` keeps each day's holders by content between builds (the same runs
    either way): a build after one more report works out only the days whose polygons it changed.
    """
    fpm = footprints if footprints.crs == metric else footprints.to_crs(metric)
    fg = np.asarray(fpm.geometry.values, dtype=object)  # plain shapely arrays: no pandas dispatch per call
    fkey = hashlib.sha1(b"".join(shapely.to_wkb(fg))).hexdigest()  # once, not once per day
    runs: list[list[list[str]]] = [[] for _ in range(len(fg))]
    for day, cur in control.groupby("valid_from", sort=True):
        if memo is None:
            holders = _day_holders(fg, cur, metric)
        else:
            key = memo.key("holders", metric, fkey, *(x for f, g in zip(cur["faction"].astype(str), cur.geometry.values,
                                                                           strict=True)
                                                       for x in (f, b"" if g is None else shapely.to_wkb(g))))
            holders = memo.get(key, lambda cur=cur: _day_holders(fg, cur, metric))
        for i, holder in enumerate(holders):
            if not runs[i] or runs[i][-1][1] != holder:
                runs[i].append([str(day), holder])
    return runs


def _day_holders(fg: np.ndarray, cur: gpd.GeoDataFrame, metric: str) -> list[str]:
    """The holder of each footprint (``fg``, in metres) under one day's control rows (``cur``, any CRS).

    Whole footprints inside a side's polygon are found with prepared ``contains``; only those a front
    line crosses are intersected.
    """
    total = np.maximum(shapely.area(fg), 1e-9)
    cur = cur if cur.crs == metric else cur.to_crs(metric)
    share: dict[str, np.ndarray] = {}
    for fac, g in zip(cur["faction"].astype(str), cur.geometry.values, strict=True):
        if g is None or g.is_empty:
            continue
        if not g.is_valid:  # valid in degrees, a hair self-touching once projected to metres
            g = shapely.make_valid(g)
        shapely.prepare(g)
        inside = shapely.contains(g, fg)
        partial = shapely.intersects(g, fg) & ~inside
        got = inside.astype(float)
        if partial.any():
            got[partial] = shapely.area(shapely.intersection(fg[partial], g)) / total[partial]
        share[fac] = share.get(fac, 0) + got
    names = sorted(share)
    if not names:
        return [""] * len(fg)
    table = np.vstack([share[n] for n in names])
    best = table.argmax(axis=0)
    top = table[best, np.arange(len(fg))]
    return ["" if t <= 0 else names[k] if t > MAJORITY else "split" for k, t in zip(best, top, strict=True)]


def event_summaries(events: gpd.GeoDataFrame | None, changes: gpd.GeoDataFrame | None = None
                    ) -> dict[str, list[str]]:
    """Event id -> ``[type, place, date, sources, place id]``: how a popup or the panel names a report; with
    ``changes``, only the events a change names (a few hundred of 50k)."""
    if events is None or events.empty:
        return {}
    if changes is not None and "events" in changes and "id" in events:
        named = {i for x in json_lists(changes["events"].tolist()) for i in (x if isinstance(x, list) else json_list(x))}
        events = events[events["id"].isin(named).to_numpy()]

    def col(name: str, default: str = "") -> list[Any]:  # column by column: itertuples boxed every cell
        return events[name].tolist() if name in events else [default] * len(events)

    sources = [x if isinstance(x, list) else json_list(x) for x in json_lists(col("sources", "[]"))]  # one parse
    return {str(i): [str(ty), str(pn), str(d), ", ".join(map(str, src)), str(pid)]
            for i, ty, pn, d, src, pid in zip(col("id"), col("type"), col("place_name"), col("date"),
                                              sources, col("place_id"), strict=True)}


def _change_rows(changes: gpd.GeoDataFrame | None, events: gpd.GeoDataFrame | None) -> list[dict]:
    """The changes layer as plain rows, each with the reports (events) behind it."""
    if changes is None or changes.empty:
        return []
    by_id = event_summaries(events, changes)
    rows = []
    for r in changes.itertuples():
        ids = json_list(r.events)
        rows.append({"day": str(r.valid_from), "from": str(r.from_faction), "to": str(r.to_faction),
                     "rule": str(getattr(r, "rule", "") or ""), "why": str(getattr(r, "why", "") or ""),
                     "reports": [by_id[i] for i in ids if i in by_id], "geometry": r.geometry})
    return rows


def _link(runs: list[list[list[str]]], footprints: gpd.GeoDataFrame, rows: list[dict], metric: str,
          memo: DiskMemo | None = None) -> list[list[list]]:
    """Each run after the first gets the index of the change row that moved the district to its holder
    (the largest such change polygon over the district on that day), or -1 (a drawn snapshot). ``memo`` keeps
    the answer of each (day, holder) by its change polygons and the districts that need it: one more report
    links the days it changed."""
    if not rows:
        return [[[*r, -1] for r in rr] for rr in runs]
    fg = footprints.geometry.values if footprints.crs == metric else footprints.to_crs(metric).geometry.values
    by_day: dict[tuple[str, str], list[int]] = {}  # the change rows of each (day, holder), in order
    for j, r in enumerate(rows):
        by_day.setdefault((r["day"], r["to"]), []).append(j)
    wanted: dict[tuple[str, str], set[int]] = {}  # the districts that entered each (day, holder) then
    for i, rr in enumerate(runs):
        for day, holder in rr[1:]:
            if (day, holder) in by_day:
                wanted.setdefault((day, holder), set()).add(i)
    fg_wkb = shapely.to_wkb(fg) if memo is not None else None
    best: dict[tuple[str, str], dict[int, int]] = {}
    for dh, idx in wanted.items():
        js, ids = by_day[dh], sorted(idx)

        def compute(js: list[int] = js, ids: list[int] = ids) -> dict[int, int]:
            return _largest([rows[j]["geometry"] for j in js], [fg[i] for i in ids], ids, metric)

        if memo is None:
            got = compute()
        else:  # kept by content, so the answer is a position among the day's changes, not a row number
            shapes = [shapely.to_wkb(rows[j]["geometry"]) if rows[j]["geometry"] is not None else b"" for j in js]
            got = memo.get(memo.key("district link", metric, json.dumps(ids), *shapes, *fg_wkb[ids]), compute)
        best[dh] = {i: js[n] for i, n in got.items()}
    return [[[day, holder, best.get((day, holder), {}).get(i, -1) if k else -1] for k, (day, holder) in enumerate(rr)]
            for i, rr in enumerate(runs)]


def _largest(changes: list[Any], districts: list[Any], ids: list[int], metric: str) -> dict[int, int]:
    """``{district id: position in changes}``: of ``changes`` (EPSG:4326), the one covering most of each district
    (``districts``, in ``metric``), the first on a tie; districts no change touches are left out."""
    cg = gpd.GeoSeries(changes, crs=CRS_STORAGE).to_crs(metric).values
    cg = [g if g is None or g.is_valid else shapely.make_valid(g) for g in cg]  # a hair self-touching in metres
    out = {}
    for i, f in zip(ids, districts, strict=True):
        pick, area = -1, 0.0
        for j, g in enumerate(cg):
            if g is not None and g.intersects(f):
                a = g.intersection(f).area
                if a > area:
                    pick, area = j, a
        if pick >= 0:
            out[i] = pick
    return out


def district_data(footprints: gpd.GeoDataFrame, places: pd.DataFrame, aliases: pd.DataFrame,
                  control: gpd.GeoDataFrame, changes: gpd.GeoDataFrame | None = None,
                  events: gpd.GeoDataFrame | None = None, metric: str = CRS_METRIC,
                  memo: DiskMemo | None = None) -> dict:
    """What the map's district layer needs, as JSON-ready data: ``districts`` (a FeatureCollection of
    simplified outlines with name, Arabic name, kind, estimate flag and label point), ``runs`` (per
    district, ``[day, holder, change index]``) and ``changes`` (day, from, to, rule, why, reports); ``memo``:
    the build's cache of daily holders."""
    fp = footprints[footprints.geometry.notna() & ~footprints.geometry.is_empty].reset_index(drop=True)
    info = places.set_index("id") if "id" in places else places
    arabic = _first_alias(aliases, "ar")
    fpm = fp.to_crs(metric)  # metres: areas, simplification, label points
    runs = _link(district_runs(fpm, control, metric, memo), fpm, rows := _change_rows(changes, events), metric, memo)
    simple = fpm.simplify(SIMPLIFY_M).to_crs(fp.crs)
    label = fpm.representative_point().to_crs(fp.crs)  # inside the polygon, not its centroid
    area = fpm.area.to_numpy()
    rank = np.argsort(np.argsort(-area))  # 0 = largest: the label shown first when zoomed out
    feats = []
    for i, r in fp.iterrows():
        pid = str(r["id"])
        name = str(info.loc[pid, "name"]) if pid in info.index else pid
        kind = str(info.loc[pid, "kind"]) if pid in info.index else str(r.get("kind", ""))
        geom = json.loads(shapely.to_geojson(shapely.set_precision(simple.iloc[i], 10 ** -ROUND)))
        feats.append({"type": "Feature", "geometry": geom, "properties": {
            "i": i, "id": pid, "name": name, "ar": arabic.get(pid, ""), "kind": kind,
            "drawn": str(r.get("source", "")) == "drawn", "rank": int(rank[i]),
            "lx": round(float(label.iloc[i].x), ROUND), "ly": round(float(label.iloc[i].y), ROUND)}})
    return {"districts": {"type": "FeatureCollection", "features": feats}, "runs": runs,
            "changes": [[r["day"], r["from"], r["to"], r["rule"], r["why"], r["reports"]] for r in rows],
            "outline": _outline(fpm, fp.crs), "points": _points(places, set(fp["id"].astype(str)), fp.total_bounds)}


def _outline(fpm: gpd.GeoDataFrame, crs: str) -> dict | None:
    """The city's outline: the surveyed districts' union (``fpm`` in metres) with the streets between them
    closed, as GeoJSON in ``crs``."""
    csr = fpm[fpm.get("source", pd.Series("", index=fpm.index)).astype(str) != "drawn"]
    if csr.empty:
        return None
    whole = shapely.union_all(csr.buffer(OUTLINE_CLOSE_M).values).buffer(-OUTLINE_CLOSE_M)
    geom = gpd.GeoSeries([whole.simplify(20)], crs=fpm.crs).to_crs(crs).iloc[0]
    return json.loads(shapely.to_geojson(shapely.set_precision(geom.boundary, 10 ** -ROUND)))


def _points(places: pd.DataFrame, outlined: set[str], bounds: np.ndarray) -> list[list]:
    """``[name, lon, lat, kind]`` of the places near the districts that have no outline of their own."""
    if places is None or places.empty or not {"lon", "lat", "kind"} <= set(places.columns):
        return []
    ids = places["id"] if "id" in places else places.index.to_series()
    near = (places["lon"].between(bounds[0] - POINT_REACH, bounds[2] + POINT_REACH)
            & places["lat"].between(bounds[1] - POINT_REACH, bounds[3] + POINT_REACH))
    keep = places[near & places["kind"].isin(POINT_KINDS) & ~ids.astype(str).isin(outlined)]
    return [[str(r.name), round(float(r.lon), ROUND), round(float(r.lat), ROUND), str(r.kind)] for r in keep.itertuples()]


def _first_alias(aliases: pd.DataFrame, lang: str) -> dict[str, str]:
    """The first alias of each place in one language ("ar": the Arabic spelling shown under the name)."""
    if aliases is None or aliases.empty:
        return {}
    sub = aliases[aliases["lang"] == lang]
    return {str(p): str(a) for p, a in sub.drop_duplicates("place_id")[["place_id", "alias"]].itertuples(index=False)}


# The district layer in the browser: outlines (under the events, above nothing clickable), a popup built
# with DOM calls at the slider's date, and labels placed inside each district, the largest first, never
# two overlapping, more of them as the reader zooms in. Names are set with textContent.
DISTRICTS_JS = """
function geoDistricts(map, data, ctl, names, start) {
  var runs = data.runs, changes = data.changes;
  function day() { return new Date(ctl.time || start).toISOString().slice(0, 10); }
  function side(f) { return f === 'split' ? 'split between sides' : (names[f] || f || 'no side recorded'); }
  function runAt(i, d) { var cur = null; (runs[i] || []).forEach(function (r) { if (r[0] <= d) cur = r; }); return cur; }
  function line(root, label, value, cls) {
    if (!value) return;
    var el = document.createElement('div'); if (cls) el.className = cls;
    if (label) { var b = document.createElement('b'); b.textContent = label + ': '; el.appendChild(b); }
    el.appendChild(document.createTextNode(value)); root.appendChild(el);
  }
  function popup(p) {
    var d = day(), run = runAt(p.i, d), root = document.createElement('div'); root.className = 'geo-popup';
    line(root, '', p.name + (p.kind ? ' (' + p.kind.replace('_', ' ') + ')' : ''), 'geo-popup-title');
    if (p.ar) { line(root, '', p.ar, 'geo-ar'); }
    if (!run) { line(root, 'On ' + d, 'before the first snapshot'); return root; }
    line(root, 'Held on ' + d, side(run[1]));
    var first = run === runs[p.i][0];
    line(root, 'Since', run[0] + (first ? ' (the first snapshot; earlier changes are not recorded here)' : ''));
    var c = run[2] >= 0 ? changes[run[2]] : null;
    if (c) {
      line(root, 'Changed hands', c[0] + ': ' + side(c[1]) + ' → ' + side(c[2]) + (c[3] ? ' (rule: ' + c[3] + ')' : ''));
      line(root, 'Why', c[4]);
      // the reports about this district, else every report behind the change (it moved a wider area)
      var all = c[5] || [], mine = all.filter(function (e) { return e[4] === p.id; });
      if (!mine.length && all.length) line(root, '', 'Reports behind this change, about places near it:', 'geo-note');
      (mine.length ? mine : all).forEach(function (e) {
        line(root, '', e[0] + ' at ' + e[1] + ', ' + e[2] + (e[3] ? ' (' + e[3] + ')' : ''), 'geo-report');
      });
    } else if (!first) {
      line(root, 'Changed hands', run[0] + ': a drawn snapshot moved it (no report)');
    }
    if (p.drawn) line(root, '', 'Outline drawn by the project from the reports: an estimate, not a survey.', 'geo-note');
    return root;
  }
  var outlines = L.geoJSON(data.districts, {
    style: function (f) { return {color: '#444', weight: f.properties.drawn ? 1 : 0.6, dashArray: f.properties.drawn ? '3 3' : null,
                                  fill: true, fillOpacity: 0.01}; },
    onEachFeature: function (f, l) { l.bindPopup(function () { return popup(f.properties); }, {maxWidth: 360}); }
  });
  function label(name, lat, lon, rank, cls) {
    var el = document.createElement('span'); el.textContent = name;
    var icon = L.divIcon({className: 'geo-label' + (cls ? ' ' + cls : ''), html: el, iconSize: null});
    return {rank: rank, len: name.length, marker: L.marker([lat, lon], {icon: icon, interactive: false, keyboard: false})};
  }
  // districts first (the largest first); places without an outline after them, written only zoomed in
  var labels = data.districts.features.map(function (f) {
    return label(f.properties.name, f.properties.ly, f.properties.lx, f.properties.rank, '');
  }).concat((data.points || []).map(function (p, k) { return label(p[0], p[2], p[1], 1000 + k, 'geo-point'); }))
    .sort(function (a, b) { return a.rank - b.rank; });
  var shown = L.layerGroup();
  function declutter() {
    var z = map.getZoom(), most = z < 11 ? 0 : z < 12 ? 12 : z < 13 ? 25 : z < 14 ? 70 : z < 15 ? 1000 : 1e9, placed = [];
    labels.forEach(function (l) {
      var keep = l.rank < most && shown._map;
      if (keep) {
        var p = map.latLngToContainerPoint(l.marker.getLatLng()), w = l.len * 6.2 + 6, h = 14;
        var box = [p.x - w / 2, p.y - h / 2, p.x + w / 2, p.y + h / 2];
        keep = !placed.some(function (q) { return box[0] < q[2] && q[0] < box[2] && box[1] < q[3] && q[1] < box[3]; });
        if (keep) placed.push(box);
      }
      if (keep && !shown.hasLayer(l.marker)) shown.addLayer(l.marker);
      if (!keep && shown.hasLayer(l.marker)) shown.removeLayer(l.marker);
    });
  }
  map.on('zoomend moveend overlayadd', declutter);
  // open what a search found: its district's popup, or its name and kind where it has no outline
  function open(pl) {
    var hit = null;
    outlines.eachLayer(function (l) { if (l.feature.properties.id === pl[0]) hit = l; });
    if (hit) { hit.openPopup(L.latLng(hit.feature.properties.ly, hit.feature.properties.lx)); return; }
    var root = document.createElement('div'); root.className = 'geo-popup';
    line(root, '', pl[1] + ' (' + pl[2].replace('_', ' ') + ')', 'geo-popup-title');
    L.popup({maxWidth: 360}).setLatLng([pl[4], pl[3]]).setContent(root).openOn(map);
  }
  var base = L.layerGroup([outlines]);
  if (data.outline) base.addLayer(L.geoJSON(data.outline, {interactive: false, style: {color: '#333', weight: 1.6, opacity: 0.7}}));
  return {outlines: outlines, base: base, labels: shown, declutter: declutter, open: open};
}
"""


class Districts(OnceRendered):
    """The district outlines (clickable) and their labels, two overlays of the layer control; when the
    first tile fails to load (offline), the base switches to the blank one so the reader sees the
    project's own outlines and names on paper, not grey squares."""

    _template = Template("""
{% macro script(this, kwargs) %}
;(function () {
  var map = {{ this.map_name }};
  var d = geoDistricts(map, {{ this.data }}, {{ this.control_layer }}, {{ this.names }}, {{ this.start }});
  d.base.addTo(map); d.labels.addTo(map);
  {{ this.layer_control }}.addOverlay(d.base, 'Districts and city outline (click a district)');
  {{ this.layer_control }}.addOverlay(d.labels, 'Place names');
  d.outlines.bringToBack();
  d.declutter();
  {% if this.search %}geoSearch(map, {{ this.search }}, d.open);{% endif %}
  var tiles = {{ this.tiles }}, blank = {{ this.blank }};
  tiles.once('tileerror', function () {
    if (!map.hasLayer(tiles)) return;
    map.removeLayer(tiles); map.addLayer(blank);
    map.getContainer().classList.add('geo-offline');
  });
})();
{% endmacro %}""")

    def __init__(self, data: dict, map_name: str, control_layer: str, layer_control: str, tiles: str, blank: str,
                 names: dict[str, str], start: int, search: dict | None = None) -> None:
        super().__init__()
        self.search = json.dumps(search, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/") if search else ""
        # json.dumps escapes nothing HTML-special: "</" is broken up so a name can never end the script
        self.data = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        self.names = json.dumps(names, ensure_ascii=True).replace("</", "<\\/")
        self.map_name, self.control_layer, self.layer_control = map_name, control_layer, layer_control
        self.tiles, self.blank, self.start = tiles, blank, int(start)
