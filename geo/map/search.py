"""Search the map by any spelling the gazetteer knows: every alias, Latin or Arabic, folded as the
reader folds names (:func:`geo.places.gazetteer.fold`, ported to JavaScript as ``geoFold``).

The page carries the places (name, kind, point) and their aliases, each with the reader's own key; the
browser folds what the reader types with ``geoFold`` and the aliases too, so a spelling is found when
either key agrees ("Cheikh Said" finds Sheikh Sa'eed). Results are built with ``textContent``.

>>> import pandas as pd
>>> places = pd.DataFrame({"id": ["s"], "name": ["Sheikh Sa'eed"], "kind": ["neighbourhood"], "lon": [37.17],
...                        "lat": [36.17]})
>>> aliases = pd.DataFrame({"place_id": ["s", "s"], "alias": ["Cheikh Saïd", "الشيخ سعيد"], "lang": ["fr", "ar"]})
>>> d = search_data(places, aliases, fold=str.lower)
>>> d["places"][0][:2], d["aliases"][1]
(['s', "Sheikh Sa'eed"], [0, 'Cheikh Saïd', 'cheikh saïd'])
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd


def search_data(places: pd.DataFrame, aliases: pd.DataFrame | None, fold: Callable[[str], str]) -> dict:
    """``places``: ``[id, name, kind, lon, lat]`` rows; ``aliases``: ``[place index, spelling, key]`` rows,
    the display name first for each place, then every alias (``fold`` gives the key)."""
    rows = [[str(r.id), str(r.name), str(r.kind), round(float(r.lon), 5), round(float(r.lat), 5)]
            for r in places.itertuples() if pd.notna(r.lon) and pd.notna(r.lat)]
    index = {r[0]: i for i, r in enumerate(rows)}
    out, seen = [], set()
    pairs = [(r[0], r[1]) for r in rows]
    if aliases is not None and not aliases.empty:
        pairs += [(str(p), str(a)) for p, a in aliases[["place_id", "alias"]].itertuples(index=False)]
    for pid, spelling in pairs:
        if pid in index and spelling and (pid, spelling) not in seen:
            seen.add((pid, spelling))
            out.append([index[pid], spelling, fold(spelling)])
    return {"places": rows, "aliases": out}


# The reader's fold (geo/places/gazetteer.py: fold_token, token_arrays) in JavaScript, step for step.
FOLD_JS = r"""
var GEO_FOLD = (function () {
  var set = function (s) { var o = {}; s.split(' ').forEach(function (w) { o[w] = 1; }); return o; };
  var ARTICLES = set('al el ad ash as ar at az an aj ag ak ach ech es et'), SPACED = set('al el');
  var SHEIKH = set('cheikh sheikh shaykh shekh sheik cheik chaikh shaikh cheykh sheykh shiekh sh');
  var AIN = set('ain ayn ein aen ayin aine'), ROMAN = set('iii vii viii xii xiii');
  var TOKEN = /[0-9]+|\p{L}[\p{L}\p{M}]*(?:['’ʼʿʾ`]\p{L}[\p{L}\p{M}]*)*/gu;
  var JOIN = /^[\s\-\u2010-\u2015'’‘`ʿʾ]{1,3}$/;
  function strip(t) {
    return t.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[\u064b-\u065f]/g, '')
      .replace(/[أإآٱ]/g, 'ا').replace(/ة/g, 'ه').replace(/ى/g, 'ي').replace(/ـ/g, '');
  }
  function token(tok) {
    // an article glued to a capitalised name ("alJazmati"), looked for before the accents go, as in Python
    var t = strip(tok.normalize('NFKD').replace(/(^|[^\p{L}\p{N}_])[AaEe]l(?=[A-Z][a-z])/gu, '$1')).toLowerCase();
    if (/[\u0600-\u06ff]/.test(t)) { while (t.indexOf('ال') === 0 && t.length > 3) t = t.slice(2); return t; }
    t = t.replace(/^(?:l|d|qu)['’ʼ`]/, '').replace(/['’ʼʿʾ`]/g, '');
    if (SHEIKH[t]) return 'shk';
    if (AIN[t]) return 'ain';
    if (/^[0-9]+$/.test(t) || t.length < 3 || ROMAN[t] || !/[aeiou]/.test(t.slice(1).replace(/y/g, 'a'))) return t;
    t = t.replace(/ch/g, 'sh').replace(/ou/g, 'u').replace(/ee/g, 'i').replace(/y/g, 'i').replace(/q/g, 'k');
    t = t.replace(/g(?!h)/g, 'k').replace(/(.)\1+/g, '$1');
    if (t.length > 5 && t.slice(-1) === 's') t = t.slice(0, -1);
    if (t.length > 5) t = t.replace(/(?:i{1,2}(?:eh|ah|e|a)|eh|ah|a|e)$/, '');
    var sk = t[0] + t.slice(1).replace(/[aeiou]/g, '');
    return sk.length >= 3 ? sk : t;
  }
  function article(tok) {
    if (tok.length > 5) return '';
    var low = strip(tok).toLowerCase().replace(/^(?:l|d|qu)['’ʼ`]/, '');
    return ARTICLES[low] ? low : '';
  }
  return function (text) {
    var toks = [], m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text)) !== null) toks.push([m.index, m.index + m[0].length, token(m[0])]);
    for (var i = 0; i + 1 < toks.length; i++) {
      if (!ARTICLES[toks[i][2]]) continue;
      var art = article(text.slice(toks[i][0], toks[i][1])), gap = text.slice(toks[i][1], toks[i + 1][0]);
      if (art && JOIN.test(gap) && (SPACED[art] || gap.trim() !== '')) toks[i][2] = '';
    }
    return toks.map(function (t) { return t[2]; }).filter(Boolean).join(' ');
  };
})();
function geoFold(text) { return GEO_FOLD(text); }
"""

# The search box: what the reader types is folded and compared with every alias (its key from Python and
# from geoFold), then with the plain spelling (a prefix typed so far: "Sheikh Maq"); best places first.
SEARCH_JS = r"""
function geoSearch(map, data, open) {
  var plain = function (t) { return t.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/['’ʼ`-]/g, ' ')
                                     .replace(/\s+/g, ' ').trim(); };
  var rows = data.aliases.map(function (a) { return {p: a[0], text: a[1], key: a[2], js: geoFold(a[1]), plain: plain(a[1])}; });
  function find(q) {
    var key = geoFold(q), pl = plain(q), best = {};
    if (pl.length < 2) return [];
    rows.forEach(function (r) {
      var s = (key && (r.key === key || r.js === key)) ? 3 : (key.length >= 3 && (r.key.indexOf(key) === 0 || r.js.indexOf(key) === 0)) ? 2
            : r.plain.indexOf(pl) === 0 ? 1.5 : r.plain.indexOf(' ' + pl) >= 0 ? 1 : 0;
      if (s > 0 && (!best[r.p] || best[r.p].s < s)) best[r.p] = {s: s, alias: r.text};
    });
    return Object.keys(best).map(function (p) { return {p: +p, s: best[p].s, alias: best[p].alias}; })
      .sort(function (a, b) { return b.s - a.s || data.places[a.p][1].localeCompare(data.places[b.p][1]); }).slice(0, 8);
  }
  var box = L.control({position: 'topleft'});
  box.onAdd = function () {
    var div = L.DomUtil.create('div', 'geo-search leaflet-bar');
    var input = L.DomUtil.create('input', '', div), list = L.DomUtil.create('ul', '', div);
    input.type = 'search'; input.placeholder = 'Search a place (any spelling)'; input.setAttribute('aria-label', 'Search a place');
    L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div);
    function choose(hit) {
      var pl = data.places[hit.p]; list.textContent = ''; input.value = pl[1];
      map.flyTo([pl[4], pl[3]], Math.max(map.getZoom(), 15), {duration: 0.6});
      map.once('moveend', function () { open(pl); });
    }
    input.addEventListener('input', function () {
      list.textContent = '';
      find(input.value).forEach(function (hit, k) {
        var pl = data.places[hit.p], li = document.createElement('li');
        li.textContent = pl[1] + (hit.alias !== pl[1] ? ' (' + hit.alias + ')' : '') + ' · ' + pl[2].replace('_', ' ');
        li.addEventListener('click', function () { choose(hit); });
        list.appendChild(li);
      });
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { var hits = find(input.value); if (hits.length) choose(hits[0]); }
    });
    return div;
  };
  box.addTo(map);
  var corner = box.getContainer().parentNode;  // first in its corner: where a reader looks for a search
  corner.insertBefore(box.getContainer(), corner.firstChild);
  return box;
}
"""
