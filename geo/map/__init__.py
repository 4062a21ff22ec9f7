"""The map: layers and events drawn with folium, and the offline assets inlined into the page.

The names below are the wing's public face; the other modules are its own business.

>>> from geo.map import build_map, inline_assets  # imported on first use (folium is slow to import)
"""

from geo._exports import lazy_exports

_PUBLIC = {
    "build_map": "render", "CLUSTER_FROM": "render", "district_data": "districts",
    "search_data": "search", "Still": "image", "draw_still": "image", "parse_size": "image",
    "inline_assets": "assets", "cdn_urls": "assets", "AssetError": "assets", "stable_ids": "assets", "finish_page": "assets", "data_block": "assets",
    "render_page": "assets", "set_aside": "assets",
}
__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC)
