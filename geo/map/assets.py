"""Make a folium page self-contained: every CDN script and stylesheet inlined from node_modules.

The npm packages are pinned in package.json and installed by ``make install`` (``npm ci``); nothing is
committed and nothing is fetched when the map opens. Each CDN URL folium writes is mapped to a file of
those packages, or dropped when the map does not use it (folium's icon fonts and Bootstrap styling:
events are canvas circles, popups are styled by the map's own CSS). An unknown URL is an error, so a
new folium version cannot silently produce a map that needs the internet.

>>> cdn_urls('<script src="https://cdn.example/x.js"></script><link href="https://a/b.css" rel="stylesheet"/>')
['https://cdn.example/x.js', 'https://a/b.css']
"""

from __future__ import annotations

import contextvars
import re
from pathlib import Path
from typing import Any

from geo.settings import assets_dir


class AssetError(Exception):
    """A map asset that cannot be inlined (unknown URL, or npm packages not installed)."""


#: (pattern of the CDN URL, file under node_modules or None to drop the tag)
ASSETS: list[tuple[str, str | None]] = [
    (r"/leaflet@1\.9\.\d+/dist/leaflet\.js$", "leaflet/dist/leaflet.js"),
    (r"/leaflet@1\.9\.\d+/dist/leaflet\.css$", "leaflet/dist/leaflet.css"),
    (r"jquery-3\.7\.1\.min\.js$", "jquery/dist/jquery.min.js"),
    (r"/leaflet\.timeline@1\.6\.0/dist/leaflet\.timeline(\.min)?\.js$", "leaflet.timeline/dist/leaflet.timeline.js"),
    (r"/moment\.js/2\.18\.1/moment\.min\.js$", "moment/min/moment.min.js"),
    (r"/leaflet\.fullscreen@3\.0\.0/Control\.FullScreen(\.min)?\.js$", "leaflet.fullscreen/Control.FullScreen.js"),
    (r"/leaflet\.fullscreen@3\.0\.0/Control\.FullScreen\.css$", "leaflet.fullscreen/Control.FullScreen.css"),
    (r"/leaflet-measure@2\.1\.7/dist/leaflet-measure(\.min)?\.js$", "leaflet-measure/dist/leaflet-measure.js"),
    (r"/leaflet-measure@2\.1\.7/dist/leaflet-measure(\.min)?\.css$", "leaflet-measure/dist/leaflet-measure.css"),
    (r"/leaflet\.draw/1\.0\.2/leaflet\.draw\.js$", "leaflet-draw/dist/leaflet.draw.js"),
    (r"/leaflet\.draw/1\.0\.2/leaflet\.draw\.css$", "leaflet-draw/dist/leaflet.draw.css"),
    (r"/leaflet-search@2\.9\.7/dist/leaflet-search(\.min)?\.js$", "leaflet-search/dist/leaflet-search.min.js"),
    (r"/leaflet-search@2\.9\.7/dist/leaflet-search(\.min)?\.css$", "leaflet-search/dist/leaflet-search.min.css"),
    (r"/leaflet\.markercluster/1\.1\.0/leaflet\.markercluster\.js$", "leaflet.markercluster/dist/leaflet.markercluster.js"),
    (r"/leaflet\.markercluster/1\.1\.0/MarkerCluster\.css$", "leaflet.markercluster/dist/MarkerCluster.css"),
    (r"/leaflet\.markercluster/1\.1\.0/MarkerCluster\.Default\.css$",
     "leaflet.markercluster/dist/MarkerCluster.Default.css"),
    # Unused by geo's maps (icons, Bootstrap look): dropped rather than fetched.
    (r"/bootstrap@5\.\d+\.\d+/dist/(js|css)/bootstrap(\.bundle)?\.min\.(js|css)$", None),
    (r"/bootstrap/3\.\d+\.\d+/css/bootstrap-glyphicons\.css$", None),
    (r"/@fortawesome/fontawesome-free@6\.\d+\.\d+/css/all\.min\.css$", None),
    (r"/Leaflet\.awesome-markers/2\.0\.2/leaflet\.awesome-markers\.(js|css)$", None),
    (r"/leaflet\.awesome\.rotate\.min\.css$", None),
]
_TAG = re.compile(r'<script\s+src="(https?://[^"]+)"\s*>\s*</script>|<link\s+[^>]*href="(https?://[^"]+)"[^>]*/?>')


_FOLIUM_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-f])")

#: Marks a block of JSON data in a page (a layer's GeoJSON): a JS comment, harmless where it is left (a notebook
#: shows the map as folium renders it). :func:`finish_page` runs its passes on the code between blocks only:
#: tens of megabytes of coordinates hold no element id and no script tag.
DATA_MARK = "/*geo:data*/"


def data_block(json_text: str) -> str:
    """JSON text marked as a data block. A ``/`` followed by ``*`` can only be inside a JSON string, where
    ``\\/`` means the same: written so, the text cannot hold the mark.

    >>> data_block('{"a": "x/*y"}')
    '/*geo:data*/{"a": "x\\\\/*y"}/*geo:data*/'
    """
    return DATA_MARK + json_text.replace("/*", "\\/*") + DATA_MARK


#: The data set aside while a page renders (:func:`render_page`), or None when a template writes data in place.
_SET_ASIDE: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("geo_set_aside", default=None)


def set_aside(text: str) -> str:
    """What a template writes for a large piece of data: ``text`` itself, or, while :func:`render_page` renders,
    a placeholder of a few bytes that :func:`finish_page` replaces with it. Jinja joins a page's parts once per
    level of nesting: tens of megabytes of coordinates were copied at each level.

    >>> set_aside("abc")
    'abc'
    """
    store = _SET_ASIDE.get()
    if store is None:
        return text
    store.append(text)
    return f"{DATA_MARK}#{len(store) - 1}{DATA_MARK}"


def render_page(root: Any, offline: bool = True, assets: Path | None = None) -> str:
    """The finished page of a folium figure (``m.get_root()``): rendered with its data set aside, then made
    stable and, when ``offline``, self-contained (:func:`finish_page`); the same text as finishing
    ``root.render()``."""
    store: list[str] = []
    token = _SET_ASIDE.set(store)
    try:
        html = root.render()
    finally:
        _SET_ASIDE.reset(token)
    return finish_page(html, offline, assets, store)


def finish_page(html: str, offline: bool = True, root: Path | None = None, aside: list[str] | None = None) -> str:
    """A rendered page made stable (:func:`stable_ids`) and, when ``offline``, self-contained
    (:func:`inline_assets`), with the marks of its data blocks taken out; the passes skip the blocks.
    ``aside``: the data :func:`set_aside` kept out of the rendering, put back in place of its placeholders.

    >>> finish_page("var map_0123456789abcdef0123456789abcdef = " + data_block('{"x": 1}') + ";", offline=False)
    'var map_00000000000000000000000000000001 = {"x": 1};'
    >>> finish_page("f(/*geo:data*/#0/*geo:data*/)", offline=False, aside=[data_block("[1]")])
    'f([1])'
    """
    parts = html.split(DATA_MARK)
    if len(parts) % 2 == 0:  # a mark without its pair (not ours): every part is treated as code
        parts = [html]
    seen: dict[str, str] = {}
    for k in range(0, len(parts), 2):
        parts[k] = stable_ids(parts[k], seen)
        if offline:
            parts[k] = inline_assets(parts[k], root)
    for k in range(1, len(parts), 2):  # a data block starts with { or [: "#" is only ever a placeholder
        if aside is not None and parts[k].startswith("#"):
            text = aside[int(parts[k][1:])]
            marked = text.startswith(DATA_MARK) and text.endswith(DATA_MARK) and len(text) >= 2 * len(DATA_MARK)
            parts[k] = text[len(DATA_MARK):-len(DATA_MARK)] if marked else text
    return "".join(parts)


def stable_ids(html: str, seen: dict[str, str] | None = None) -> str:
    """folium names every element ``<kind>_<32 random hex digits>``: the same map differs on every render.
    Each id becomes one derived from the order it first appears in, so the same map is the same bytes.

    >>> stable_ids("var map_0123456789abcdef0123456789abcdef = L.map(); map_0123456789abcdef0123456789abcdef;")
    'var map_00000000000000000000000000000001 = L.map(); map_00000000000000000000000000000001;'
    """
    seen = {} if seen is None else seen  # ``seen``: shared by the parts of one page
    return _FOLIUM_ID.sub(lambda m: seen.setdefault(m.group(0), f"{len(seen) + 1:032x}"), html)


def cdn_urls(html: str) -> list[str]:
    """External script and stylesheet URLs still in the page (tile URLs are not tags: not listed)."""
    return [a or b for a, b in _TAG.findall(html)]


def _find(url: str) -> str | None:
    for pattern, target in ASSETS:
        if re.search(pattern, url):
            return target if target is not None else ""
    raise AssetError(f"no offline copy known for {url}: add it to geo/map/assets.py and package.json")


def inline_assets(html: str, root: Path | None = None) -> str:
    """``html`` with every CDN script/stylesheet replaced by its inlined copy (or dropped if unused)."""
    root = Path(root) if root else assets_dir()
    if not (root / "leaflet").is_dir():
        raise AssetError(f"{root}: map assets are missing: run `make install` (npm ci) to fetch them")

    def repl(m: re.Match[str]) -> str:
        url = m.group(1) or m.group(2)
        target = _find(url)
        if not target:
            return ""
        path = root / target
        if not path.exists():
            raise AssetError(f"{path}: missing (for {url}): run `make install` (npm ci)")
        body = path.read_text(encoding="utf-8")
        if m.group(1):
            # "</script" inside the library would end the tag early
            return "<script>" + body.replace("</script", "<\\/script") + "</script>"
        body = _inline_images(body, path.parent)
        return "<style>" + body + "</style>"

    return _TAG.sub(repl, html)


def _inline_images(css: str, base: Path) -> str:
    """Relative ``url(...)`` images of a stylesheet (icons, sprites) as data URIs: nothing to fetch."""
    import base64

    kinds = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}

    def url(m: re.Match[str]) -> str:
        ref = m.group(1).strip("'\"")
        p = (base / ref).resolve()
        mime = kinds.get(p.suffix.lower())
        if not mime or not p.exists():
            return m.group(0)
        return f"url(data:{mime};base64,{base64.b64encode(p.read_bytes()).decode()})"

    return re.sub(r"url\(((?!data:|https?:|#)[^)]+)\)", url, css)
