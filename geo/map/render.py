"""Control layers and events -> a folium.Map with a time slider, popups, legend and layer control.

Never writes files (the pipeline does). Untrusted text (titles, sentences, sources, URLs) is never
turned into HTML in Python: features carry it as data, and the popup is built in the browser with
``textContent``; only http(s) URLs become links. Events are canvas circle markers from one GeoJSON
timeline layer, not one folium.Marker each.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
from datetime import UTC
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from folium.plugins import Draw, Fullscreen, MeasureControl, Timeline, TimelineSlider
from folium.template import Template as FoliumTemplate  # with folium's filters (tojavascript)
from folium.utilities import JsCode
from jinja2 import Template

from geo.io import DiskMemo
from geo.map.assets import data_block, set_aside
from geo.map.districts import DISTRICTS_JS, Districts, event_summaries
from geo.map.feed import FEED_CSS, FEED_JS, Feed
from geo.map.raw import OnceRendered
from geo.map.search import FOLD_JS, SEARCH_JS
from geo.model import json_list, week_runs
from geo.read import Factions

TYPE_RADIUS = {"capture": 8, "advance": 7, "control": 5, "siege": 6, "clash": 6, "strike": 5, "other": 4}

# Builds popups from feature properties with DOM APIs only: no HTML string from the data is parsed.
#: The ring of an event an analyst has confirmed or edited (geo review): it stands apart from the machine's.
REVIEWED_RING = "#0057b8"

POPUP_JS = """
var geoReviewed = '""" + REVIEWED_RING + """';
function geoPopup(p) {
  var root = document.createElement('div'); root.className = 'geo-popup';
  function line(label, value) {
    if (value === undefined || value === null || value === '') return;
    var d = document.createElement('div'); var b = document.createElement('b');
    b.textContent = label + ': '; d.appendChild(b); d.appendChild(document.createTextNode(String(value)));
    root.appendChild(d);
  }
  var h = document.createElement('div'); h.className = 'geo-popup-title';
  h.textContent = (p.type || '') + ' at ' + (p.place_name || '') + ' (' + (p.status || '') + ')';
  root.appendChild(h);
  if (p.review) {
    var r = document.createElement('div'); r.className = 'geo-reviewed';
    r.textContent = (p.review === 'edited' ? 'Edited by an analyst' : 'Confirmed by an analyst') +
      ((p.review_notes || []).length ? ': ' + p.review_notes.join('; ') : '');
    root.appendChild(r);
  }
  line('Date', p.date + (p.date_first !== p.date_last ? ' (reports ' + p.date_first + ' to ' + p.date_last + ')' : ''));
  line('Side', (p.faction_name || p.faction) + (p.opponent ? ' (against ' + (p.opponent_name || p.opponent) + ')' : ''));
  line('Modality', p.modality);
  line('Place precision', p.precision);
  line('Held the day before', p.held_before);
  line('Sources (' + p.n_sources + ')', (p.sources || []).join(', '));
  if ((p.copies || []).length) line('Copies of one wire story, counted once', p.copies.length);
  line('Confidence', p.confidence);
  var sents = p.sentences || [], urls = p.urls || [], titles = p.titles || [];
  for (var i = 0; i < sents.length; i++) {
    var q = document.createElement('blockquote'); q.textContent = sents[i]; root.appendChild(q);
  }
  for (var j = 0; j < titles.length; j++) {
    var u = urls[j] || '';
    var el;
    if (/^https?:\\/\\//i.test(u)) {
      el = document.createElement('a'); el.href = u; el.target = '_blank'; el.rel = 'noopener noreferrer';
    } else { el = document.createElement('div'); }
    el.textContent = titles[j] || u; root.appendChild(el);
  }
  return root;
}
"""

# The side panel (km2 per faction at the slider's date, and what changed hands on that date) and the
# highlighting of recent events, redrawn whenever the slider moves. Data arrive as JSON; text is set
# with textContent only.
PANEL_JS = """
function geoPanel(t, data, events) {
  var panel = document.getElementById('geo-panel'); if (!panel) return;
  var day = new Date(t).toISOString().slice(0, 10), dates = data.dates, cur = null, prev = null;
  for (var i = 0; i < dates.length; i++) { if (dates[i] <= day) { prev = cur; cur = dates[i]; } }
  while (panel.firstChild) panel.removeChild(panel.firstChild);
  var h = document.createElement('h4'); h.textContent = 'Control on ' + day; panel.appendChild(h);
  if (!cur) return;
  var tab = document.createElement('table');
  (data.stats[cur] || []).forEach(function (r) {
    var tr = document.createElement('tr'), a = document.createElement('td'), b = document.createElement('td');
    var sw = document.createElement('i'); sw.style.background = data.colours[r[0]] || '#888';
    a.appendChild(sw); a.appendChild(document.createTextNode(data.names[r[0]] || r[0]));
    b.className = 'n'; b.textContent = r[1].toFixed(1) + ' km²';
    tr.appendChild(a); tr.appendChild(b); tab.appendChild(tr);
  });
  panel.appendChild(tab);
  var ch = data.changes[cur] || [];
  var h2 = document.createElement('h4');
  h2.textContent = ch.length ? 'Changed hands on ' + cur + (prev ? ' (since ' + prev + ')' : '') : 'No change on ' + cur;
  panel.appendChild(h2);
  ch.forEach(function (c) {
    var d = document.createElement('div'), reports = c[5] || [];
    d.textContent = (data.names[c[0]] || c[0]) + ' → ' + (data.names[c[1]] || c[1]) + ': ' + c[2].toFixed(2)
      + ' km²' + (c[4] ? ', rule: ' + c[4] : '') + (reports.length ? '' : ' (no report: a drawing moved it)');
    panel.appendChild(d);
    reports.forEach(function (e) {  // the events behind the change, as geo diff lists them
      var r = document.createElement('div'); r.className = 'geo-report';
      r.textContent = e[0] + ' at ' + e[1] + ', ' + e[2] + (e[3] ? ' (' + e[3] + ')' : '');
      panel.appendChild(r);
    });
  });
  // Events of the last RECENT_DAYS days stand out: thicker outline, full opacity; older ones fade.
  (events || []).forEach(function (layer) {
    layer.eachLayer(function (l) {
      if (!l.feature || !l.setStyle) return;
      var age = (t - l.feature.properties.start) / 86400000;
      var recent = age >= 0 && age < data.recent;
      var rv = l.feature.properties.review;  // an analyst's decision keeps its ring, recent or not
      l.setStyle({weight: recent ? 3 : (rv ? 2.5 : 1), color: rv ? geoReviewed : (recent ? '#000' : '#444'),
                  fillOpacity: recent ? 0.95 : 0.55});
      if (l.setRadius) l.setRadius(l.feature.properties.radius + (recent ? 3 : 0));
    });
  });
}
"""

CSS = """
<style>
.geo-popup { max-width: 340px; font: 12px/1.35 sans-serif; }
.geo-popup-title { font-weight: bold; font-size: 13px; margin-bottom: 4px; }
.geo-popup blockquote { margin: 4px 0; padding-left: 6px; border-left: 3px solid #999; font-style: italic; }
.leaflet-timeline-control output { font: bold 20px sans-serif; }
.geo-legend { position: fixed; bottom: 130px; right: 10px; z-index: 9999; background: rgba(255,255,255,.92);
  padding: 6px 10px; border-radius: 4px; font: 12px sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.geo-legend i { display: inline-block; width: 14px; height: 14px; margin-right: 6px; vertical-align: middle; }
.geo-panel { position: fixed; bottom: 130px; left: 10px; z-index: 9999; background: rgba(255,255,255,.94);
  padding: 6px 10px; border-radius: 4px; font: 12px sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3);
  max-width: 300px; max-height: max(120px, calc(100vh - 530px)); overflow: auto; }  /* under the left tools */
.geo-panel h4 { margin: 0 0 4px; font-size: 13px; }
.geo-panel table { border-collapse: collapse; } .geo-panel td { padding: 1px 6px 1px 0; }
.geo-panel td.n { text-align: right; font-variant-numeric: tabular-nums; }
.geo-panel i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; }
.geo-label { white-space: nowrap; font: 600 11px/1.1 sans-serif; color: #222; pointer-events: none;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; }
.geo-label span { display: inline-block; transform: translate(-50%, -50%); }
.geo-point span { font-weight: normal; font-style: italic; color: #333; }
.geo-point span::before { content: "\\2022  "; font-style: normal; }
.geo-ar { direction: rtl; font-size: 13px; color: #333; }
.geo-report { margin-left: 8px; } .geo-note { color: #555; font-style: italic; margin-top: 4px; }
.leaflet-container.geo-offline { background: #f3f0e8; }
.geo-search { background: #fff; padding: 4px; }
.geo-search input { width: 210px; font: 13px sans-serif; padding: 3px 5px; border: 1px solid #aaa; border-radius: 3px; }
.geo-search ul { list-style: none; margin: 2px 0 0; padding: 0; max-width: 260px; font: 12px sans-serif; }
.geo-search li { padding: 3px 5px; cursor: pointer; border-top: 1px solid #eee; }
.geo-search li:hover { background: #eef; }
.geo-legend summary, .geo-panel summary { cursor: pointer; font-weight: bold; margin-bottom: 2px; }
.leaflet-control-layers-toggle { background-image: none !important; width: auto !important; height: auto !important;
  padding: 6px 8px; font: bold 13px sans-serif; color: #222; text-decoration: none; }
.leaflet-control-layers-toggle::after { content: "Layers"; }
.geo-title { position: fixed; top: 10px; left: 50%; transform: translateX(-50%); z-index: 9999; background: rgba(255,255,255,.9);
  padding: 4px 10px; border-radius: 4px; font: bold 15px sans-serif; }
.geo-notice { font: 12px sans-serif; color: #a50f15; }
.geo-reviewed { color: #0057b8; font-weight: bold; margin: 2px 0 4px; }
@media (max-width: 700px) {
  .geo-title { top: 0; left: 0; right: 0; transform: none; border-radius: 0; font: bold 12px sans-serif; text-align: center;
    padding: 4px 6px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .leaflet-container .leaflet-top { top: 26px; }
  .geo-legend, .geo-panel { bottom: 175px; max-width: calc(50% - 20px); max-height: 30vh; overflow: auto;
    box-sizing: border-box; }
  .geo-search input { width: 150px; }
  /* prefixed: the plugin injects its own rules after this sheet */
  .leaflet-container .leaflet-control.leaflet-timeline-control .sldr-ctrl-container { width: 34%; }
  .leaflet-container .leaflet-control.leaflet-timeline-control input[type="range"] { height: 30px; width: 62%; }
  .leaflet-container .leaflet-control.leaflet-timeline-control .button-container button { height: 30px; }
  .leaflet-timeline-control output { font-size: 15px; }
}
</style>
"""


class _Timeline(Timeline, OnceRendered):
    """folium's Timeline, its data written once (geo.map.raw) from GeoJSON text made beforehand
    (:func:`_collection`): folium would walk every coordinate of every polygon in Python, twice (to a dict,
    then to JSON), which was a third of writing a map of 10k reports."""

    _template = FoliumTemplate("""
        {% macro script(this, kwargs) %}
          var {{ this.get_name() }}_options = {{ this.options|tojavascript }};

          var {{ this.get_name() }} = L.timeline(
              {{ this.script_text() }},
              {{ this.get_name() }}_options
          );
          {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        super().__init__({"type": "FeatureCollection", "features": []}, **kwargs)
        self.text = text or _collection([], [])

    def script_text(self) -> str:
        """The layer's GeoJSON as the template writes it (set aside while a build renders the page)."""
        return set_aside(self.text)


def _collection(geoms: list[Any], props: list[dict[str, Any]], memo: DiskMemo | None = None) -> str:
    """A GeoJSON FeatureCollection as text safe inside a script: geometries written by GEOS (the same numbers
    as Python writes them), properties by json; ``<``, ``>``, ``&`` and ``'`` escaped as jinja's ``tojson``
    escapes them.

    >>> import shapely
    >>> _collection([shapely.Point(37.1, 36.2)], [{"name": "<b>"}])[:56]
    '/*geo:data*/{"type": "FeatureCollection", "features": [{'
    >>> "<" in _collection([shapely.Point(37.1, 36.2)], [{"name": "</script>"}])
    False
    """
    shapes = np.empty(len(geoms), dtype=object)
    shapes[:] = geoms
    if memo is None or not len(geoms):
        texts = shapely.to_geojson(shapes).tolist() if len(geoms) else []
    else:  # each polygon's text kept by its content: a build after one more report writes the new ones
        texts = [memo.get(memo.key("geojson", w), lambda g=g: shapely.to_geojson(g))
                 for g, w in zip(shapes, shapely.to_wkb(shapes), strict=True)]
    feats = ", ".join(f'{{"type": "Feature", "geometry": {g}, "properties": {json.dumps(p)}}}'
                      for g, p in zip(texts, props, strict=True))
    text = '{"type": "FeatureCollection", "features": [' + feats + "]}"
    return data_block(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                      .replace("'", "\\u0027"))


class Legend(MacroElement):
    """Faction colours in a fixed box (folium has no legend of its own)."""

    _template = Template("""{% macro html(this, kwargs) %}<details class="geo-legend" id="geo-legend" open>"""
                         """<summary>Sides</summary>{{ this.body }}</details>{% endmacro %}""")

    def __init__(self, factions: Factions, present: set[str] | None = None) -> None:
        super().__init__()
        items = [f for f in [*factions.ids, "contested"] if present is None or f in present]
        self.body = "".join(f'<div><i style="background:{html.escape(factions.colour(f))}"></i>'
                            f"{html.escape(factions.names.get(f, f))}</div>" for f in items)


class Panel(OnceRendered):
    """The side panel and event highlighting, hooked to the control timeline's ``change`` event."""

    _template = Template("""
{% macro html(this, kwargs) %}<details class="geo-panel" id="geo-panel-box" open><summary>Control and changes</summary>
<div id="geo-panel"></div></details>{% endmacro %}
{% macro script(this, kwargs) %}
;(function () {
  var data = {{ this.data }};
  var events = [{% for n in this.event_layers %}{{ n }}{% if not loop.last %}, {% endif %}{% endfor %}];
  var ctl = {{ this.control_layer }};
  ctl.on('change', function () { geoPanel(ctl.time, data, events); });
  // a phone: the legend and the panel start folded, one tap away (the layer list is always folded)
  if (window.matchMedia('(max-width: {{ this.narrow }}px)').matches) {
    ['geo-legend', 'geo-panel-box'].forEach(function (id) { var e = document.getElementById(id); if (e) e.open = false; });
  }
  document.addEventListener('geo-events-ready', function () { geoPanel(ctl.time || data.start, data, events); });
  setTimeout(function () { geoPanel(ctl.time || data.start, data, events); }, 0);
})();
{% endmacro %}""")

    def __init__(self, data: dict, control_layer: str, event_layers: list[str], map_name: str) -> None:
        super().__init__()
        self.map_name, self.narrow = map_name, NARROW_PX
        # json.dumps escapes nothing HTML-special: "</" is broken up so a name can never end the script
        self.data = json.dumps(data, ensure_ascii=True).replace("</", "<\\/")
        self.control_layer = control_layer
        self.event_layers = event_layers


#: Screens this narrow (CSS pixels: phones) get the folded layout.
NARROW_PX = 700
#: Events this recent (days before the slider's date) are drawn larger with a dark outline.
RECENT_DAYS = 3


def _panel_data(stats: pd.DataFrame | None, changes: gpd.GeoDataFrame | None, factions: Factions,
                colours: dict[str, str], start: int, events: gpd.GeoDataFrame | None = None) -> dict:
    by_date: dict[str, list] = {}
    if stats is not None and not stats.empty:
        for r in stats.sort_values(["date", "km2"], ascending=[True, False]).itertuples():
            by_date.setdefault(str(r.date), []).append([str(r.faction), round(float(r.km2), 3)])
    ch: dict[str, list] = {}
    reports = event_summaries(events, changes)
    if changes is not None and not changes.empty:
        for r in changes.itertuples():
            ids = json_list(r.events)
            ch.setdefault(str(r.valid_from), []).append([str(r.from_faction), str(r.to_faction),
                                                         round(float(r.km2), 3), len(ids),
                                                         str(getattr(r, "rule", "") or ""),
                                                         [reports[i] for i in ids if i in reports]])
    return {"dates": sorted(by_date), "stats": by_date, "changes": ch, "colours": colours,
            "names": {f: factions.names.get(f, f) for f in colours}, "recent": RECENT_DAYS, "start": start}


#: Event properties the popup and the styling read, in the order of each row of the payload.
_ROW_STRINGS = ("id", "type", "status", "modality", "faction", "opponent", "place_name", "date", "date_first",
                "date_last", "held_before", "review")
_ROW_LISTS = ("sources", "sentences", "urls", "titles", "copies", "review_notes")


def event_payload(events: gpd.GeoDataFrame, end_ms: int) -> str:
    """Events as compact JSON, gzip-compressed, base64: ``{"s": strings, "e": rows, "end": ms}``.

    Every string (place names, sources, sentences, titles, URLs) is stored once in ``s`` and referred
    to by index, rows are arrays, coordinates are rounded to 5 decimals (about 1 m): a payload many
    times smaller than one folium marker and HTML popup per event. Being base64, the text of the
    reports never appears in the page at all until the browser decodes it as data. The page holds the
    same documents without ``end``, a block of rows each (:func:`event_blocks`).
    """
    return _pack({**_payload_doc(events), "end": end_ms})


#: Rows of one block of the page's events at most; a block is otherwise the rows of one week.
BLOCK_ROWS = 4000
#: The columns a payload reads (with the points): a block is kept by their values.
_PAYLOAD_COLUMNS = (*_ROW_STRINGS, *_ROW_LISTS, "n_sources", "confidence", "precision")


def event_blocks(events: gpd.GeoDataFrame, memo: DiskMemo | None = None) -> list[str]:
    """The events as the page holds them: :func:`event_payload` documents (without ``end``) of consecutive
    rows, cut where the week of ``date`` changes and every :data:`BLOCK_ROWS` rows; the browser reads them in
    order, so the events keep the frame's order. ``memo`` keeps each block by its rows' values: events come
    sorted by date, so one more report changes the blocks of its dates only, and the others are not
    encoded again (a third of writing the map of 10,000 reports).

    >>> import shapely
    >>> ev = gpd.GeoDataFrame({"id": ["a", "b", "c"], "date": ["2016-11-01", "2016-11-02", "2016-11-30"]},
    ...                       geometry=[shapely.Point(37.1, 36.2)] * 3)
    >>> [len(_unpack(b)["e"]) for b in event_blocks(ev)]
    [2, 1]
    """
    if events.empty:
        return []
    days = pd.to_datetime(events["date"].astype(str)).to_numpy(dtype="datetime64[D]")
    spans = week_runs(days, BLOCK_ROWS)
    if memo is None:
        return [_pack(_payload_doc(events.iloc[lo:hi])) for lo, hi in spans]
    frame = pd.DataFrame({c: events[c].astype(str) if c in events else "" for c in _PAYLOAD_COLUMNS})
    frame["date"] = days.astype(np.int64)
    frame["x"], frame["y"] = events.geometry.x.to_numpy(), events.geometry.y.to_numpy()
    rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()  # one 64-bit hash per row
    return [memo.get(memo.key("events block", rows[lo:hi].tobytes()), lambda lo=lo, hi=hi: _pack(_payload_doc(
        events.iloc[lo:hi]))) for lo, hi in spans]


def _pack(doc: dict[str, Any]) -> str:
    raw = json.dumps(doc, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")


def _unpack(block: str) -> dict[str, Any]:
    """A block or payload as the browser reads it (base64, gzip, JSON)."""
    return json.loads(gzip.decompress(base64.b64decode(block)))


def _payload_doc(events: gpd.GeoDataFrame) -> dict[str, Any]:
    """``{"s": strings, "e": rows}`` of :func:`event_payload`."""
    strings: dict[str, int] = {}

    def ix(t: str) -> int:
        if t not in strings:
            strings[t] = len(strings)
        return strings[t]

    def col(c: str) -> pd.Series:
        return events[c] if c in events else pd.Series([""] * len(events), index=events.index)

    # Column by column: each distinct value is handled once, rows are then C-level zips of columns.
    cols: list[list] = []
    for c in _ROW_STRINGS:
        codes, uniq = pd.factorize(col(c).fillna("").astype(str))
        table = np.array([ix(u) for u in uniq] or [ix("")], dtype=np.int64)
        cols.append(table[np.maximum(codes, 0)].tolist())
    for c in _ROW_LISTS:
        codes, uniq = pd.factorize(col(c).astype(str).where(col(c).notna(), "[]"))
        try:  # one C-level parse of every distinct list at once; row by row only if one is not JSON
            lists = json.loads("[" + ",".join(uniq) + "]") if len(uniq) else []
            if not all(isinstance(x, list) for x in lists):
                raise ValueError
        except ValueError:
            lists = [json_list(u) for u in uniq]
        parsed = [[ix(str(v)) for v in x] for x in lists] or [[]]
        cols.append([parsed[k] for k in np.maximum(codes, 0)])
    n = pd.to_numeric(col("n_sources"), errors="coerce").fillna(0).astype(int)
    conf = pd.to_numeric(col("confidence"), errors="coerce").fillna(0).round(2)
    prec = pd.to_numeric(col("precision"), errors="coerce").fillna(1).astype(int)
    # ms since the epoch at 00:00 UTC (leaflet.timeline compares numbers)
    start = (pd.to_datetime(col("date").astype(str)).to_numpy(dtype="datetime64[ms]").astype(np.int64))
    cols += [n.tolist(), conf.tolist(), prec.tolist(), start.tolist(),
             np.round(events.geometry.x.to_numpy(), 5).tolist(), np.round(events.geometry.y.to_numpy(), 5).tolist()]
    rows = list(map(list, zip(*cols, strict=True)))
    return {"s": list(strings), "e": rows}


#: From this many events on, the map opens on one clustered events layer instead of the per-type layers.
CLUSTER_FROM = 5000


class ClusterAssets(JSCSSMixin, MacroElement):
    """Leaflet.markercluster's script and styles (inlined offline like every other asset)."""

    _template = Template("")
    default_js = [("markercluster", "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/"
                                    "leaflet.markercluster.js")]
    default_css = [("markerclustercss", "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/"
                                        "MarkerCluster.css"),
                   ("markerclusterdefaultcss", "https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/"
                                               "1.1.0/MarkerCluster.Default.css")]


class EventData(OnceRendered):
    """Decodes the event payload in the browser and fills the (initially empty) event timelines."""

    _template = Template("""
{% macro script(this, kwargs) %}
;(function () {
  window.__geoReady = false;
  var map = {{ this.map_name }};
  // Many events: one clustered layer of every event up to the slider's date replaces the per-type
  // layers at first (they stay in the layer control), redrawn after the slider stops for 150 ms.
  function geoCluster(by, layers, now) {
    var all = [];
    Object.keys(by).forEach(function (type) { by[type].forEach(function (f) {
      var p = f.properties, c = f.geometry.coordinates;
      var m = L.circleMarker([c[1], c[0]], {radius: p.radius, color: p.review ? geoReviewed : '#222',
                                            weight: p.review ? 3 : 1, fillColor: p.colour, fillOpacity: 0.9});
      m.feature = f; m.bindPopup(function () { return geoPopup(p); }, {maxWidth: 360});
      all.push([p.start, m]);
    }); });
    all.sort(function (a, b) { return a[0] - b[0]; });
    var starts = all.map(function (x) { return x[0]; }), marks = all.map(function (x) { return x[1]; });
    var cl = L.markerClusterGroup({chunkedLoading: true, maxClusterRadius: 45, disableClusteringAtZoom: 16});
    var shown = -1, timer = null;
    function refresh(t) {
      var lo = 0, hi = starts.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (starts[mid] <= t) lo = mid + 1; else hi = mid; }
      if (lo === shown) return;
      shown = lo; cl.clearLayers(); cl.addLayers(marks.slice(0, lo));
    }
    var first = layers[Object.keys(layers)[0]];
    first.on('change', function () { clearTimeout(timer); var t = first.time; timer = setTimeout(function () { refresh(t); }, 150); });
    Object.keys(layers).forEach(function (k) { map.removeLayer(layers[k]); });
    // the layer control is declared after this script: it is only read here, once events are decoded
    {{ this.control_name }}.addOverlay(cl, 'Events, clustered (' + all.length + ')');
    map.addLayer(cl);
    refresh(now);
  }
  var layers = {{ this.layers }}, colours = {{ this.colours }}, radius = {{ this.radius }};
  var slider = {{ this.slider }};
  // the events come in blocks (base64 of gzip of JSON, each with its own string table), read in order
  var blocks = {{ this.script_payload() }}, end = {{ this.end }};
  function inflate(b64) {
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text();
  }
  Promise.all(blocks.map(inflate)).then(function (texts) {
    var by = {}, count = 0;
    var names = {{ this.names }}, lists = {{ this.lists }}, sideNames = {{ this.side_names }};
    texts.forEach(function (t) {
      var d = JSON.parse(t), S = d.s;
      count += d.e.length;
      d.e.forEach(function (r) {
        var p = {};
        for (var k = 0; k < names.length; k++) p[names[k]] = S[r[k]];
        for (var j = 0; j < lists.length; j++) p[lists[j]] = r[names.length + j].map(function (x) { return S[x]; });
        var o = names.length + lists.length;
        p.n_sources = r[o]; p.confidence = r[o + 1]; p.precision = r[o + 2]; p.start = r[o + 3]; p.end = end;
        p.colour = colours[p.faction] || '#555'; p.radius = radius[p.type] || 5;
        p.faction_name = sideNames[p.faction] || p.faction; p.opponent_name = sideNames[p.opponent] || p.opponent;
        (by[p.type || 'other'] = by[p.type || 'other'] || []).push(
          {type: 'Feature', geometry: {type: 'Point', coordinates: [r[o + 4], r[o + 5]]}, properties: p});
      });
    });
    var now = slider.time || slider.start;
    Object.keys(by).forEach(function (type) {
      var l = layers[type]; if (!l) return;
      l._process({type: 'FeatureCollection', features: by[type]});
      l.setTime(now);
    });
    if (slider._rebuildDataList) slider._rebuildDataList();
    if (count >= {{ this.cluster_from }} && L.markerClusterGroup) geoCluster(by, layers, now);
    window.geoEventFeatures = [].concat.apply([], Object.keys(by).map(function (k) { return by[k]; }));
    window.__geoReady = true;
    document.dispatchEvent(new Event('geo-events-ready'));
  });
})();
{% endmacro %}""")

    def __init__(self, blocks: list[str], end_ms: int, layers: dict[str, str], slider: str, colours: dict[str, str],
                 map_name: str, control_name: str, cluster_from: int, side_names: dict[str, str] | None = None) -> None:
        super().__init__()
        self.side_names = json.dumps(side_names or {}, ensure_ascii=True).replace("</", "<\\/")
        self.map_name, self.control_name, self.cluster_from = map_name, control_name, int(cluster_from)
        # a JSON list of base64 texts: no "<", no quote but those around each block
        self.payload = "[" + ",".join(f'"{b}"' for b in blocks) + "]"
        self.end = int(end_ms)
        self.layers = "{" + ", ".join(f"{json.dumps(t)}: {n}" for t, n in layers.items()) + "}"
        self.slider = slider
        self.colours = json.dumps(colours)
        self.radius = json.dumps(TYPE_RADIUS)
        self.names = json.dumps(list(_ROW_STRINGS))
        self.lists = json.dumps(list(_ROW_LISTS))

    def script_payload(self) -> str:
        """The payload as the template writes it (set aside while a build renders the page)."""
        return set_aside(self.payload)


def _ms(day: str) -> int:
    """Milliseconds since the epoch at 00:00 UTC: leaflet.timeline compares numbers, not date strings."""
    from datetime import datetime

    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)


def _end(valid_to: str, last: str) -> int:
    """Where an interval ends on the slider. An interval with a ``valid_to`` ends just before it
    (``endExclusive`` in its feature): on a snapshot's date only the new state is drawn, not both."""
    return _ms(valid_to or last)


def _named(layer: Timeline, name: str) -> Timeline:
    layer.layer_name = name  # folium's Timeline does not pass ``name`` on to the layer control
    return layer


def build_map(control: gpd.GeoDataFrame, events: gpd.GeoDataFrame | None, factions: Factions, *,
              frontlines: gpd.GeoDataFrame | None = None, stats: pd.DataFrame | None = None, changes: gpd.GeoDataFrame | None = None,
              title: str = "Aleppo 2016", prefer_canvas: bool = True,
              bounds: tuple[float, float, float, float] | None = None, districts: dict | None = None,
              search: dict | None = None, notice: str = "", memo: DiskMemo | None = None) -> folium.Map:
    """The interactive map (see the module doc). ``control`` needs faction, valid_from, valid_to.

    ``bounds`` (lon_min, lat_min, lon_max, lat_max), the study area: the map cannot be panned away from it.
    ``districts``: :func:`geo.map.districts.district_data`, the clickable and labelled districts;
    ``search``: :func:`geo.map.search.search_data`, every spelling of every place for the search box.
    ``notice``: a line under the title, e.g. that some reports could not be read and are not on the map.
    ``memo``: the build's cache of the layers' GeoJSON text, by geometry.
    """
    if control is None or control.empty:
        raise ValueError("no control polygons to draw")
    b = control.total_bounds
    keep = {"max_bounds": True, "min_lon": bounds[0], "min_lat": bounds[1], "max_lon": bounds[2],
            "max_lat": bounds[3]} if bounds else {}
    m = folium.Map(location=[(b[1] + b[3]) / 2, (b[0] + b[2]) / 2], zoom_start=12, tiles=None,
                   max_zoom=18, prefer_canvas=prefer_canvas, control_scale=True, **keep)
    osm = folium.TileLayer("OpenStreetMap", name="OpenStreetMap", show=True).add_to(m)
    folium.TileLayer("https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png", name="CartoDB Positron",
                     attr="&copy; OpenStreetMap contributors &copy; CARTO", subdomains="abcd", show=False).add_to(m)
    folium.TileLayer("Esri.WorldImagery", name="Esri World Imagery", show=False).add_to(m)
    blank = folium.FeatureGroup(name="No tiles", overlay=False, show=False).add_to(m)  # a blank base: nothing fetched
    # the slider ends on the last date of the data: the last snapshot or rebuild, or the last event
    last_event = str(events["date"].astype(str).max()) if events is not None and not events.empty else ""
    end = max(max(control.valid_from), last_event)
    colours = {f: factions.colour(f) for f in [*factions.ids, "contested"]}
    feats = []
    for fac, frm, to, geom in zip(control["faction"].astype(str), control["valid_from"], control["valid_to"],
                                  control.geometry.values, strict=True):
        feats.append((geom, {"faction": fac, "start": _ms(frm), "end": _end(to, end), "endExclusive": bool(to),
                             "label": f"{factions.names.get(fac, fac)}: {frm} to {to or 'now'}"}))
    style = JsCode("function (f) { var c = " + json.dumps(colours) + "[f.properties.faction] || '#888';"
                   " return {color: c, weight: 1, fillColor: c, fillOpacity: 0.45}; }")
    # One control layer per faction, so that a side can be hidden from the layer control.
    timelines = []
    present = {x[1]["faction"] for x in feats}
    order = [f for f in [*factions.ids, "contested"] if f in present] + sorted(present - {*factions.ids, "contested"})
    for fac in order:
        sub = [x for x in feats if x[1]["faction"] == fac]
        # not clickable: a click goes through to the district under it (its popup says who holds it)
        tl = _named(_Timeline(_collection([g for g, _ in sub], [pr for _, pr in sub], memo), style=style,
                              interactive=False),
                    f"Control: {factions.names.get(fac, fac)}")
        tl.add_to(m)
        timelines.append(tl)
    poly_tl = timelines[0]
    if frontlines is not None and not frontlines.empty:
        ff = [(g, {"start": _ms(frm), "end": _end(to, end), "endExclusive": bool(to)})
              for frm, to, g in zip(frontlines["valid_from"], frontlines["valid_to"], frontlines.geometry.values,
                                    strict=True) if g is not None and not g.is_empty]
        if ff:
            fl = _named(_Timeline(_collection([g for g, _ in ff], [pr for _, pr in ff], memo),
                                 style=JsCode("function () { return {color: '#000', weight: 2.5, dashArray: '6 4'}; }"),
                                 interactive=False),
                        "Front lines")
            fl.add_to(m)
            timelines.append(fl)
    event_layers: list[str] = []
    event_types: list[str] = []
    if changes is not None and not changes.empty:
        starts = sorted(set(control.valid_from))
        nxt = {d: (starts[k + 1] if k + 1 < len(starts) else end) for k, d in enumerate(starts)}
        cf = [(g, {"start": _ms(frm), "end": _ms(nxt.get(frm, end)), "endExclusive": frm in nxt and nxt[frm] != end,
                   "to": str(to)})
              for frm, to, g in zip(changes["valid_from"], changes["to_faction"], changes.geometry.values, strict=True)
              if g is not None and not g.is_empty]
        if cf:
            ctl_ = _named(_Timeline(_collection([g for g, _ in cf], [pr for _, pr in cf], memo), style=JsCode(
                "function (f) { var c = " + json.dumps(colours) + "[f.properties.to] || '#888';"
                " return {color: c, weight: 3, fillOpacity: 0.1, dashArray: '2 4'}; }"), interactive=False),
                "Changed hands")
            ctl_.add_to(m)
            timelines.append(ctl_)
    payload = None
    if events is not None and not events.empty:
        payload = event_blocks(events, memo)
        point = JsCode("function (f, latlng) { var r = f.properties.review; return L.circleMarker(latlng, "
                       "{radius: f.properties.radius, color: r ? geoReviewed : '#222', weight: r ? 3 : 1,"
                       " fillColor: f.properties.colour, fillOpacity: 0.9}); }")
        each = JsCode("function (f, layer) { layer.bindPopup(function () { return geoPopup(f.properties); },"
                      " {maxWidth: 360}); }")
        # One layer per event type, so that strikes or clashes can be hidden from the layer control. The
        # layers start empty: the events arrive compressed and are added in the browser (EventData).
        counts = events["type"].fillna("other").replace("", "other").value_counts().to_dict()
        for etype in sorted(counts, key=lambda t: list(TYPE_RADIUS).index(t) if t in TYPE_RADIUS else 99):
            etl = _named(_Timeline(pointToLayer=point,
                                  onEachFeature=each), f"Events: {etype} ({counts[etype]})")
            etl.add_to(m)
            timelines.append(etl)
            event_layers.append(etl.get_name())
            event_types.append(etype)
    slider = TimelineSlider(auto_play=False, start=_ms(min(control.valid_from)), end=_ms(end), show_ticks=True,
                            enable_keyboard_controls=True, date_options="YYYY-MM-DD").add_timelines(*timelines)
    slider.add_to(m)
    # folded to a "Layers" button that opens on hover or a tap: eighteen layers would cover the title and the map
    layer_control = folium.LayerControl(collapsed=True)
    if payload is not None:
        if len(events) >= CLUSTER_FROM:
            m.add_child(ClusterAssets())
        m.add_child(EventData(payload, _ms(end), dict(zip(event_types, event_layers, strict=True)), slider.get_name(),
                              colours, m.get_name(), layer_control.get_name(), CLUSTER_FROM,
                              {f: factions.names.get(f, f) for f in colours}))
    Fullscreen(position="topleft").add_to(m)
    MeasureControl(position="topleft", primary_length_unit="kilometers", primary_area_unit="sqkilometers",
                   secondary_length_unit="meters", secondary_area_unit="hectares").add_to(m)
    Draw(export=True, filename="geo-correction.geojson", position="topleft",
         draw_options={"polyline": False, "circle": False, "circlemarker": False, "marker": False}).add_to(m)
    m.get_root().header.add_child(Element(CSS))
    m.get_root().script.add_child(Element(PANEL_JS))
    m.get_root().script.add_child(Element(POPUP_JS))
    note = f'<div class="geo-notice">{html.escape(notice)}</div>' if notice else ""
    m.get_root().html.add_child(Element(f'<div class="geo-title">{html.escape(title)}{note}</div>'))
    present = set(control["faction"].astype(str))
    if events is not None and not events.empty:
        present |= set(events["faction"].dropna().astype(str)) - {""}
    m.add_child(Legend(factions, present))
    m.add_child(Panel(_panel_data(stats, changes, factions, colours, _ms(min(control.valid_from)), events),
                      poly_tl.get_name(), event_layers, m.get_name()))
    layer_control.add_to(m)
    if payload is not None:  # the feed reads the decoded events: after EventData, before its ready event
        m.get_root().header.add_child(Element(f"<style>{FEED_CSS}</style>"))
        m.get_root().script.add_child(Element(FEED_JS))
        m.add_child(Feed(m.get_name(), slider.get_name(),
                         json.dumps({f: factions.names.get(f, f) for f in colours}).replace("</", "<\\/"), NARROW_PX))
    if districts and districts.get("districts", {}).get("features"):
        m.get_root().script.add_child(Element(DISTRICTS_JS + FOLD_JS + SEARCH_JS))
        m.add_child(Districts(districts, m.get_name(), poly_tl.get_name(), layer_control.get_name(), osm.get_name(),
                              blank.get_name(), {f: factions.names.get(f, f) for f in colours},
                              _ms(min(control.valid_from)), search))
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    return m
