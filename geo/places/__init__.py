"""Places: the gazetteer, its importers (``sources``), mentions in text and the opt-in geocoders.

The names below are the wing's public face; the other modules are its own business.

>>> from geo.places import load_gazetteer, find_mentions  # imported on first use
"""

from geo._exports import lazy_exports

_PUBLIC = {
    "Gazetteer": "gazetteer", "load_gazetteer": "gazetteer", "validate_gazetteer": "gazetteer", "REACH_KM": "gazetteer",
    "read_places": "gazetteer",
    "fold": "gazetteer", "slug": "gazetteer", "ALIAS_COLUMNS": "gazetteer", "PLACE_COLUMNS": "gazetteer",
    "TOKENISER": "gazetteer",
    "find_mentions": "toponyms", "unresolved_candidates": "toponyms", "unresolved_spans": "toponyms",
    "listed_misspellings": "toponyms", "mentions_and_names": "toponyms",
    "sources": "sources",  # the importers, public as a module: sources.FORMATS, sources.read_csr ...
    "PROVIDERS": "geocode", "REVIEW_COLUMNS": "geocode", "Cache": "geocode", "Hit": "geocode",
    "cached": "geocode", "geopy_asker": "geocode", "resolve": "geocode",
}
__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC)
