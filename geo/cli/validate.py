"""Check every input of a data directory and collect problems as one-line messages.

Errors are problems the pipeline cannot work around (a control file that is not a FeatureCollection,
an unknown faction, an article without a date); warnings are things it repaired or that deserve a
look (a self-intersecting polygon fixed with make_valid, overlapping factions).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from geo.articles import read_articles
from geo.io import InputError
from geo.read import Factions, check_faction_languages, load_factions, load_lexicons
from geo.settings import Settings


def validate_inputs(s: Settings) -> tuple[list[str], list[str]]:
    """``(errors, warnings)`` for the data directory of ``s``."""
    errors: list[str] = []
    warnings: list[str] = []
    factions: Factions | None = None
    try:
        factions = load_factions(s.factions_file)
    except InputError as exc:
        errors.append(str(exc))
    try:
        lexicons = load_lexicons(s.lexicon_dir)
        if factions is not None:
            errors += check_faction_languages(factions, lexicons)
    except InputError as exc:
        errors.append(str(exc))
    area = None
    try:
        if (area := s.area()) is None:
            warnings.append(f"{s.area_file}: no study area declared; areas use UTM 37N and no 'outside' check")
    except InputError as exc:
        errors.append(str(exc))
    if s.gazetteer_dir.is_dir():
        from geo.places import validate_gazetteer

        errors += validate_gazetteer(s.gazetteer_dir, area)
    else:
        errors.append(f"{s.gazetteer_dir}: no gazetteer directory")
    if factions is not None:
        from geo.control import city_outline
        from geo.pipeline import read_footprints

        try:
            outline = city_outline(read_footprints(s))
        except Exception as exc:  # a broken footprints file is reported by the gazetteer checks
            outline = None
            warnings.append(f"{s.gazetteer_dir}: footprints unreadable, no gap check ({exc})")
        errors_c, warnings_c = validate_control_dir(s.control_dir, factions, outline, area)
        errors += errors_c
        warnings += warnings_c
    if s.decisions_csv.exists():
        from geo.pipeline import review_checks
        from geo.review import load_decisions

        try:
            load_decisions(s.decisions_csv, *review_checks(s))
        except (InputError, ValueError, KeyError) as exc:
            errors.append(str(exc))
    if s.articles_dir.is_dir():  # the same reading as geo build's, every unreadable input listed
        from geo.pipeline import lexicon_languages

        read_articles([s.articles_dir], skip=lambda where, why: errors.append(f"{where}: {why}"),
                      languages=lexicon_languages(s) or None)
    return errors, warnings


def validate_control_dir(control_dir: Path, factions: Factions, outline: Any = None, area: Any = None
                         ) -> tuple[list[str], list[str]]:
    """Every snapshot file checked on its own, so one broken file does not hide the others."""
    from geo.control import load_snapshots, read_control_file

    errors: list[str] = []
    warnings: list[str] = []
    if not control_dir.is_dir():
        return [f"{control_dir}: no control directory"], []
    files = sorted(control_dir.glob("*.geojson"))
    if not files:
        errors.append(f"{control_dir}: no control snapshots (YYYY-MM-DD.geojson)")
    broken = False
    for f in files:
        try:
            _, w = read_control_file(f, factions, outline, area)
            warnings += w
        except InputError as exc:
            errors.append(str(exc))
            broken = True
    if files and not broken:
        try:
            _, w = load_snapshots(control_dir, factions, outline, area)
            warnings += [x for x in w if x not in warnings]
        except InputError as exc:
            errors.append(str(exc))
    return errors, warnings
