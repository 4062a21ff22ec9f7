"""geo: news reports of a war in, a dated and sourced control map out.

The functions below are geo's Python API (geo/api.py), imported on first use::

    import geo
    claims, unread = geo.extract(geo.read_articles("data/articles"))
    layers = geo.build_layers(geo.build_events(claims))
    geo.render_map(layers, "map.html")
"""

from geo._exports import lazy_exports

__version__ = "0.1.0"

_PUBLIC = {name: "api" for name in ("read_articles", "extract", "claims_frame", "build_events", "build_layers",
                                     "render_map", "load_build", "build", "lookup", "review_queue", "decide",
                                     "shipped_data", "diff")}
__all__ = sorted([*_PUBLIC, "__version__"])
__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC)
