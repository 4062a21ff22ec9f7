"""The event feed beside the map, as readers of live maps expect: every event up to the slider's date,
newest first, filtered by side, type, status and source and by words of its sentences; a click flies to
the event and opens its popup. It reads the events the page already decoded (no second copy of them)
and sets every text with ``textContent``.
"""

from __future__ import annotations

from jinja2 import Template

from geo.map.raw import OnceRendered

#: Most items drawn at once (the newest ones): a feed of 100k events stays as quick as one of 100.
FEED_ITEMS = 200

FEED_JS = """
function geoFeed(map, slider, names, most) {
  var box = document.getElementById('geo-feed'); if (!box) return;
  var list = box.querySelector('.geo-feed-list'), count = box.querySelector('.geo-feed-count');
  var sel = {}, all = [], timer = null;
  ['faction', 'type', 'status', 'source'].forEach(function (k) { sel[k] = box.querySelector('[data-filter=' + k + ']'); });
  var words = box.querySelector('input[type=search]');
  function options(el, values, label) {
    var o = document.createElement('option'); o.value = ''; o.textContent = label; el.appendChild(o);
    values.forEach(function (v) { var x = document.createElement('option'); x.value = v; x.textContent = names[v] || v; el.appendChild(x); });
  }
  function counts() {  // one pass over the events: how often each side, type, status and source occurs
    var c = {faction: {}, type: {}, status: {}, source: {}};
    function add(k, v) { if (v) c[k][v] = (c[k][v] || 0) + 1; }
    for (var i = 0; i < all.length; i++) {
      var p = all[i].properties, src = p.sources || [];
      add('faction', p.faction); add('type', p.type); add('status', p.status);
      for (var j = 0; j < src.length; j++) add('source', src[j]);
    }
    var out = {};
    Object.keys(c).forEach(function (k) { out[k] = Object.keys(c[k]).sort(function (a, b) { return c[k][b] - c[k][a] || a.localeCompare(b); }); });
    return out;
  }
  function open(f) {
    var c = f.geometry.coordinates, p = f.properties;
    map.flyTo([c[1], c[0]], Math.max(map.getZoom(), 15), {duration: 0.6});
    map.once('moveend', function () {
      var hit = null;
      map.eachLayer(function (l) { if (!hit && l.feature && l.feature.properties.id === p.id && l.openPopup && l.getPopup()) hit = l; });
      if (hit) hit.openPopup();
      else L.popup({maxWidth: 360}).setLatLng([c[1], c[0]]).setContent(geoPopup(p)).openOn(map);
    });
  }
  function render() {
    var t = slider.time || slider.start, want = {}, q = (words.value || '').toLowerCase().trim();
    Object.keys(sel).forEach(function (k) { want[k] = sel[k].value; });
    var shown = all.filter(function (f) {
      var p = f.properties;
      if (p.start > t) return false;
      if (want.faction && p.faction !== want.faction) return false;
      if (want.type && p.type !== want.type) return false;
      if (want.status && p.status !== want.status) return false;
      if (want.source && (p.sources || []).indexOf(want.source) < 0) return false;
      if (q && (p.place_name + ' ' + (p.sentences || []).join(' ')).toLowerCase().indexOf(q) < 0) return false;
      return true;
    });
    count.textContent = shown.length + ' event' + (shown.length === 1 ? '' : 's') + ' to ' + new Date(t).toISOString().slice(0, 10);
    list.textContent = '';
    shown.slice(0, most).forEach(function (f) {
      var p = f.properties, li = document.createElement('li'), head = document.createElement('div');
      var dot = document.createElement('i'); dot.style.background = p.colour; head.appendChild(dot);
      var b = document.createElement('b'); b.textContent = p.date + ' · ' + p.type + ' at ' + p.place_name; head.appendChild(b);
      li.appendChild(head);
      var who = document.createElement('div'); who.className = 'geo-feed-who';
      who.textContent = (p.faction_name || p.faction || 'no side') + ' · ' + p.status + ' · ' + (p.sources || []).join(', ');
      li.appendChild(who);
      if ((p.sentences || []).length) {
        var s = p.sentences[0], q2 = document.createElement('div'); q2.className = 'geo-feed-quote';
        q2.textContent = s.length > 180 ? s.slice(0, 177) + '…' : s; li.appendChild(q2);
      }
      li.tabIndex = 0;
      li.addEventListener('click', function () { open(f); });
      li.addEventListener('keydown', function (e) { if (e.key === 'Enter') open(f); });
      list.appendChild(li);
    });
  }
  function later() { clearTimeout(timer); timer = setTimeout(render, 80); }
  function init() {
    all = (window.geoEventFeatures || []).slice().sort(function (a, b) { return b.properties.start - a.properties.start; });
    var c = counts();
    options(sel.faction, c.faction, 'every side'); options(sel.type, c.type, 'every type');
    options(sel.status, c.status, 'every status'); options(sel.source, c.source.slice(0, 40), 'every source');
    render();
  }
  // the map first, the feed when the browser is idle: 100k events take a few hundred ms to sort and count
  document.addEventListener('geo-events-ready', function () {
    if (window.requestIdleCallback) requestIdleCallback(init, {timeout: 1500}); else setTimeout(init, 100);
  });
  Object.keys(sel).forEach(function (k) { sel[k].addEventListener('change', render); });
  words.addEventListener('input', later);
  slider.timelines.forEach(function (tl) { tl.on('change', later); });
}
"""


class Feed(OnceRendered):
    """The feed's box (a column beside the map on wide screens, a folded box on phones) and its script."""

    _template = Template("""
{% macro html(this, kwargs) %}<details class="geo-feed" id="geo-feed" open><summary>Events</summary>
<div class="geo-feed-tools"><input type="search" placeholder="Words in the reports" aria-label="Search the reports">
<select data-filter="faction" aria-label="Side"></select><select data-filter="type" aria-label="Type"></select>
<select data-filter="status" aria-label="Status"></select><select data-filter="source" aria-label="Source"></select></div>
<div class="geo-feed-count"></div><ul class="geo-feed-list"></ul></details>{% endmacro %}
{% macro script(this, kwargs) %}
geoFeed({{ this.map_name }}, {{ this.slider }}, {{ this.names }}, {{ this.most }});
if (window.matchMedia('(max-width: {{ this.narrow }}px)').matches) document.getElementById('geo-feed').open = false;
{% endmacro %}""")

    def __init__(self, map_name: str, slider: str, names: str, narrow: int, most: int = FEED_ITEMS) -> None:
        super().__init__()
        self.map_name, self.slider, self.names, self.narrow, self.most = map_name, slider, names, narrow, int(most)


FEED_CSS = """
.geo-feed { position: fixed; z-index: 10000; background: #fff; font: 12px/1.35 sans-serif; box-sizing: border-box; }
.geo-feed summary { cursor: pointer; font-weight: bold; padding: 4px 8px; }
.geo-feed-tools { padding: 0 8px 4px; } .geo-feed-tools input { width: 100%; box-sizing: border-box; margin-bottom: 3px; }
.geo-feed-tools select { width: 49%; margin-bottom: 3px; font-size: 11px; }
.geo-feed-count { padding: 2px 8px; color: #555; }
.geo-feed-list { list-style: none; margin: 0; padding: 0; }
.geo-feed-list li { padding: 5px 8px; border-top: 1px solid #eee; cursor: pointer; }
.geo-feed-list li:hover, .geo-feed-list li:focus { background: #f2f4fb; }
.geo-feed-list i { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 5px; }
.geo-feed-who { color: #444; } .geo-feed-quote { color: #333; font-style: italic; margin-top: 2px; }
@media (min-width: 901px) {
  .geo-feed { top: 0; right: 0; bottom: 0; width: 320px; overflow: auto; border-left: 1px solid #ccc; }
  .folium-map { width: calc(100% - 320px) !important; }
  .geo-legend { right: 330px !important; } .geo-title { left: calc(50% - 160px) !important; }
  #export { right: 330px !important; }  /* the drawing tools' export button, placed by folium at the page's edge */
}
@media (max-width: 900px) {
  /* folded above the legend, on the right; it opens upwards */
  .geo-feed { bottom: 212px; right: 10px; width: max-content; max-width: calc(100% - 20px);
    max-height: 55vh; overflow: auto; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,.3); }
  .geo-feed[open] { width: calc(100% - 20px); }
}
"""
