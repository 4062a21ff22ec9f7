"""Control: hand-drawn snapshots checked, events applied, dated layers, front lines, km2 and diffs.

The names below are the wing's public face; the other modules are its own business.

>>> from geo.control import build_layers, control_at  # imported on first use
"""

from geo._exports import lazy_exports

_PUBLIC = {
    "build_layers": "layers", "control_footprints": "layers", "city_outline": "layers", "load_snapshots": "layers",
    "read_control_file": "layers", "control_states": "layers", "control_at": "layers",
    "holders": "join", "join_events": "join",
    "join_events_dask": "join_dask", "dask_join_from": "join_dask",
    "check_features": "snapshot", "read_vector": "snapshot", "snapshot_geojson": "snapshot",
    "faction_from_colour": "snapshot", "read_snapshot": "snapshot",
    "stats_table": "compare", "draft": "compare", "balance": "compare", "diff": "compare", "area_chart": "compare",
    "read_facts": "facts", "place_points": "facts", "check_facts": "facts", "fact_score": "facts",
    "lay_over": "patch", "uncovered_share": "patch", "MAX_UNCOVERED": "patch",
    "inside_syria": "area", "looks_swapped": "area",
}
__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = lazy_exports(__name__, _PUBLIC)
