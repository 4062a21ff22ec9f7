"""Faction ids, display names, colours and the names each goes by per language (data/factions.yaml).

>>> f = parse_factions({"factions": {"government": {"name": "Gov", "colour": "#f00",
...     "aliases": {"en": ["the army"]}}}})
>>> f.ids, f.colour("government"), f.colour("contested")
(('government',), '#f00', '#9e6ac8')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geo.io import InputError, read_yaml
from geo.model import CONTESTED

DEFAULT_CONTESTED_COLOUR = "#9e6ac8"


@dataclass(frozen=True)
class Factions:
    """The factions of a dataset. ``aliases[lang]`` maps a lower-case name to a faction id."""

    ids: tuple[str, ...]
    names: dict[str, str]
    colours: dict[str, str]
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    source: str = "factions.yaml"

    def colour(self, faction: str) -> str:
        """The map colour of a faction id or of ``contested`` (grey for anything unknown)."""
        return self.colours.get(faction, "#888888")

    def is_valid(self, faction: str) -> bool:
        """True for a faction id or ``contested``."""
        return faction in self.ids or faction == CONTESTED


def parse_factions(doc: dict[str, Any], source: str = "factions.yaml") -> Factions:
    """Build :class:`Factions` from the parsed YAML document; bad structure raises InputError."""
    if not isinstance(doc, dict) or not isinstance(doc.get("factions"), dict):
        raise InputError(f"{source}: expected a mapping with a 'factions' key")
    ids, names, colours = [], {}, {}
    aliases: dict[str, dict[str, str]] = {}
    for fid, spec in doc["factions"].items():
        if not isinstance(spec, dict) or "colour" not in spec:
            raise InputError(f"{source}: faction '{fid}': needs at least a colour")
        if fid == CONTESTED:
            raise InputError(f"{source}: '{CONTESTED}' is a state, not a faction; declare it at top level")
        ids.append(str(fid))
        names[fid] = str(spec.get("name", fid))
        colours[fid] = _colour(spec["colour"], f"{source}: faction '{fid}'")
        for lang, words in (spec.get("aliases") or {}).items():
            for w in words or []:
                aliases.setdefault(lang, {})[str(w).lower()] = fid
    contested = doc.get(CONTESTED) or {}
    names[CONTESTED] = str(contested.get("name", "Contested"))
    colours[CONTESTED] = _colour(contested.get("colour", DEFAULT_CONTESTED_COLOUR), f"{source}: '{CONTESTED}'")
    return Factions(tuple(ids), names, colours, aliases, source)


_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")


def _colour(value: Any, where: str) -> str:
    """A colour the map and the stills both draw: ``#rgb``, ``#rrggbb``, ``#rrggbbaa`` or a CSS name.

    >>> _colour("#d7301f", "f"), _colour("Crimson", "f")
    ('#d7301f', 'crimson')
    """
    from matplotlib.colors import CSS4_COLORS  # the CSS colour names, as browsers know them

    text = str(value).strip()
    if _HEX.fullmatch(text):
        return text
    if text.lower() in CSS4_COLORS:
        return text.lower()
    raise InputError(f"{where}: colour {text!r} is not a colour (#rrggbb or a CSS name such as 'crimson')")


def check_faction_languages(factions: Factions, lexicons: Mapping[str, Any]) -> list[str]:
    """One line for each faction that has no name in a language geo reads (one with a lexicon):
    reports in that language could never name it, so its gains there would come out with no side.

    >>> f = parse_factions({"factions": {"gov": {"colour": "#f00", "aliases": {"en": ["army"]}}}})
    >>> check_faction_languages(f, {"en": None, "fr": None})
    ["factions.yaml: faction 'gov' has no names in 'fr' (lexicons: en, fr)"]
    """
    out = []
    for fid in factions.ids:
        for lang in sorted(lexicons):
            if fid not in factions.aliases.get(lang, {}).values():
                out.append(f"{factions.source}: faction '{fid}' has no names in '{lang}' "
                           f"(lexicons: {', '.join(sorted(lexicons))})")
    return out


def load_factions(path: Path) -> Factions:
    """Read and parse a factions YAML file."""
    return parse_factions(read_yaml(path), str(path))
