"""Control layers and events -> a folium.Map with a time slider, popups, legend and layer control.

Never writes files (the pipeline does). Untrusted text (titles, sentences, sources, URLs) is never
turned into HTML in Python: features carry it as data, and the popup is built in the browser with
``textContent``; only http(s) URLs become links. Events are canvas circle markers from one GeoJSON
timeline layer, not one folium.Marker each.
"""

from __future__ import annotations

import html
import json
from datetime import UTC

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from folium.plugins import Timeline, TimelineSlider
from folium.utilities import JsCode
from jinja2 import Template

from geo.factions import Factions
from geo.model import json_list

#: End of the last interval on the slider (valid_to is empty for the last one).
OPEN_END_DAYS = 10
TYPE_RADIUS = {"capture": 8, "advance": 7, "control": 5, "siege": 6, "clash": 6, "strike": 5, "other": 4}

# Builds popups from feature properties with DOM APIs only: no HTML string from the data is parsed.
POPUP_JS = """
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
  line('Date', p.date + (p.date_first !== p.date_last ? ' (reports ' + p.date_first + ' to ' + p.date_last + ')' : ''));
  line('Faction', p.faction + (p.opponent ? ' (against ' + p.opponent + ')' : ''));
  line('Modality', p.modality);
  line('Place precision', p.precision);
  line('Held the day before', p.held_before);
  line('Sources (' + p.n_sources + ')', (p.sources || []).join(', '));
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

CSS = """
<style>
.geo-popup { max-width: 340px; font: 12px/1.35 sans-serif; }
.geo-popup-title { font-weight: bold; font-size: 13px; margin-bottom: 4px; }
.geo-popup blockquote { margin: 4px 0; padding-left: 6px; border-left: 3px solid #999; font-style: italic; }
.leaflet-timeline-control output { font: bold 20px sans-serif; }
.geo-legend { position: fixed; top: 175px; right: 10px; z-index: 9999; background: rgba(255,255,255,.92);
  padding: 6px 10px; border-radius: 4px; font: 12px sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
.geo-legend i { display: inline-block; width: 14px; height: 14px; margin-right: 6px; vertical-align: middle; }
.geo-title { position: fixed; top: 10px; left: 60px; z-index: 9999; background: rgba(255,255,255,.9);
  padding: 4px 10px; border-radius: 4px; font: bold 15px sans-serif; }
</style>
"""


class Legend(MacroElement):
    """Faction colours in a fixed box (folium has no legend of its own)."""

    _template = Template("""{% macro html(this, kwargs) %}<div class="geo-legend">{{ this.body }}</div>{% endmacro %}""")

    def __init__(self, factions: Factions) -> None:
        super().__init__()
        items = [*factions.ids, "contested"]
        self.body = "".join(f'<div><i style="background:{html.escape(factions.colour(f))}"></i>'
                            f"{html.escape(factions.names.get(f, f))}</div>" for f in items)


def _ms(day: str) -> int:
    """Milliseconds since the epoch at 00:00 UTC: leaflet.timeline compares numbers, not date strings."""
    from datetime import datetime

    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000)


def _end(valid_to: str, last: str) -> int:
    return _ms(valid_to or last)


def _named(layer: Timeline, name: str) -> Timeline:
    layer.layer_name = name  # folium's Timeline does not pass ``name`` on to the layer control
    return layer


def build_map(control: gpd.GeoDataFrame, events: gpd.GeoDataFrame | None, factions: Factions, *,
              frontlines: gpd.GeoDataFrame | None = None, places: gpd.GeoDataFrame | None = None,
              stats: pd.DataFrame | None = None, title: str = "Aleppo 2016", prefer_canvas: bool = True
              ) -> folium.Map:
    """The interactive map (see the module doc). ``control`` needs faction, valid_from, valid_to."""
    if control is None or control.empty:
        raise ValueError("no control polygons to draw")
    b = control.total_bounds
    m = folium.Map(location=[(b[1] + b[3]) / 2, (b[0] + b[2]) / 2], zoom_start=12, tiles=None,
                   max_zoom=18, prefer_canvas=prefer_canvas, control_scale=True)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap", show=True).add_to(m)
    folium.TileLayer("Esri.WorldImagery", name="Esri World Imagery", show=False).add_to(m)
    from datetime import date, timedelta

    last = max(control.valid_from)
    end = (date.fromisoformat(last) + timedelta(days=OPEN_END_DAYS)).isoformat()
    colours = {f: factions.colour(f) for f in [*factions.ids, "contested"]}
    feats = []
    for r in control.itertuples():
        feats.append({"type": "Feature", "geometry": r.geometry.__geo_interface__,
                      "properties": {"faction": str(r.faction), "start": _ms(r.valid_from),
                                     "end": _end(r.valid_to, end),
                                     "label": f"{factions.names.get(r.faction, r.faction)}: "
                                              f"{r.valid_from} to {r.valid_to or 'now'}"}})
    style = JsCode("function (f) { var c = " + json.dumps(colours) + "[f.properties.faction] || '#888';"
                   " return {color: c, weight: 1, fillColor: c, fillOpacity: 0.45}; }")
    poly_tl = _named(Timeline({"type": "FeatureCollection", "features": feats}, style=style), "Control")
    poly_tl.add_to(m)
    timelines = [poly_tl]
    if frontlines is not None and not frontlines.empty:
        ff = [{"type": "Feature", "geometry": r.geometry.__geo_interface__,
               "properties": {"start": _ms(r.valid_from), "end": _end(r.valid_to, end)}}
              for r in frontlines.itertuples() if r.geometry is not None and not r.geometry.is_empty]
        if ff:
            fl = _named(Timeline({"type": "FeatureCollection", "features": ff},
                                 style=JsCode("function () { return {color: '#000', weight: 2.5, dashArray: '6 4'}; }")),
                        "Front lines")
            fl.add_to(m)
            timelines.append(fl)
    if events is not None and not events.empty:
        ev = []
        for r in events.to_dict("records"):
            g = r.pop("geometry")
            props = {k: (v.item() if hasattr(v, "item") else v) for k, v in r.items()
                     if k not in ("claim_ids",)}
            for k in ("sources", "sentences", "urls", "titles", "articles", "claim_statuses"):
                props[k] = json_list(props.get(k))
            props["start"] = _ms(str(r["date"]))
            props["end"] = _ms(end)
            props["colour"] = colours.get(str(r.get("faction")), "#555")
            props["radius"] = TYPE_RADIUS.get(str(r.get("type")), 5)
            ev.append({"type": "Feature", "geometry": g.__geo_interface__, "properties": props})
        point = JsCode("function (f, latlng) { return L.circleMarker(latlng, {radius: f.properties.radius,"
                       " color: '#222', weight: 1, fillColor: f.properties.colour, fillOpacity: 0.9}); }")
        each = JsCode("function (f, layer) { layer.bindPopup(function () { return geoPopup(f.properties); },"
                      " {maxWidth: 360}); }")
        etl = _named(Timeline({"type": "FeatureCollection", "features": ev}, pointToLayer=point,
                              onEachFeature=each), "Events")
        etl.add_to(m)
        timelines.append(etl)
    TimelineSlider(auto_play=False, start=_ms(min(control.valid_from)), end=_ms(end), show_ticks=True,
                   enable_keyboard_controls=True, date_options="YYYY-MM-DD").add_timelines(*timelines).add_to(m)
    m.get_root().header.add_child(Element(CSS))
    m.get_root().script.add_child(Element(POPUP_JS))
    m.get_root().html.add_child(Element(f'<div class="geo-title">{html.escape(title)}</div>'))
    m.add_child(Legend(factions))
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    return m
