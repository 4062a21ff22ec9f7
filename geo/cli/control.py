"""``geo control import|draft``, ``geo diff`` and ``geo stats``: the round trip between drawings and reports."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from geo import pipeline
from geo.cli.common import GeoCommand, dir_options
from geo.io import InputError, write_text
from geo.settings import Settings


def _log(msg: str) -> None:
    click.echo(msg, err=True)


def _day(_: Any, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param=param) from None


def _layers(settings: Settings) -> tuple[Any, Any, Any]:
    """(control, events, stats) of an up-to-date control.gpkg, rebuilding stale stages first."""
    path = pipeline.build_until(settings, "layers", _log)
    control = pipeline._read_layer(path, "control")
    if control is None or control.empty:
        raise InputError(f"{path}: no control layer")
    control["valid_to"] = control["valid_to"].fillna("")
    return control, pipeline._read_layer(path, "events"), pipeline._read_layer(path, "stats")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def control() -> None:
    """Hand-drawn control snapshots: import a drawing, draft one from the layers.

    \b
    The round trip:
      geo control draft --date 2016-11-20 -o draft.geojson   # what the reports imply
      (correct it in QGIS or geojson.io)
      geo control import draft.geojson --date 2016-11-20      # it becomes data/control/2016-11-20.geojson
    """


@control.command("import", cls=GeoCommand)
@dir_options
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--date", "day", required=True, callback=_day, help="Date the drawing shows (YYYY-MM-DD).")
@click.option("--faction-field", default="faction", show_default=True,
              help="Property holding the faction (an id or any name in factions.yaml).")
@click.option("--faction", "default_faction", help="Faction for features that carry none (no field, no colour).")
@click.option("--crs", help="CRS of the coordinates when the file declares none (a Shapefile without .prj, "
                            "a GeoJSON in metres), e.g. EPSG:32637.")
@click.option("--layer", help="Layer to read from a file of several (GeoPackage).")
@click.option("--patch", is_flag=True,
              help="Lay the drawing over the control in force on DATE; everything else stays as it was.")
@click.option("--allow-gaps", is_flag=True,
              help="Accept a full import that leaves over a fifth of the drawn footprints uncovered.")
@click.option("--resolve", type=click.Choice(["later-wins", "error"]), default="later-wins", show_default=True,
              help="Overlaps between factions: cut them out of the earlier feature, or refuse the file.")
@click.option("--force", is_flag=True, help="Replace an existing snapshot of that date.")
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
def import_(settings: Settings, file: Path, day: str, faction_field: str, default_faction: str | None,
            crs: str | None, layer: str | None, patch: bool, allow_gaps: bool, resolve: str, force: bool,
            dry_run: bool) -> None:
    """Check a hand-drawn file and write it as the snapshot data/control/DATE.geojson.

    Reads GeoJSON (geojson.io, the map's Draw export), GeoPackage or Shapefile (QGIS); reprojects to
    EPSG:4326; takes each feature's faction from FACTION-FIELD, else from its colour (the map's Draw
    tool and geojson.io keep colours, not properties), else --faction, else asks (on a terminal).
    Invalid polygons are repaired and reported; slivers dropped; overlaps and gaps reported. A polygon
    outside the study area (data/area.yaml) is refused with its distance.

    A correction of one district goes in with --patch: it is laid over the control the layers give for
    DATE, and every other footprint keeps its side. Without --patch the file is the whole snapshot.

    \b
    Examples:
      geo control import fix.geojson --date 2016-11-01 --patch     # one corrected district
      geo control import drawn.geojson --date 2016-11-20
      geo control import qgis.gpkg --layer control --date 2016-11-20 --faction-field side --resolve error
      geo control import east.shp --date 2016-12-01 --crs EPSG:32637 --faction opposition
    """
    from geo.control import check_features, city_outline, read_vector, snapshot_geojson
    from geo.read import load_factions

    factions = load_factions(settings.factions_file)
    if default_faction and not factions.is_valid(default_faction):
        raise InputError(f"--faction {default_faction!r}: not a faction id ({', '.join(factions.ids)}, contested)")
    target = settings.control_dir / f"{day}.geojson"
    if target.exists() and not force and not dry_run:
        raise InputError(f"{target} exists; use --force to replace it")
    features, notes = read_vector(file, crs, layer)
    for n in notes:
        _log(n)
    _refuse_outside(features, file, settings)
    ask = None
    if sys.stdin.isatty() and not default_faction:
        def ask(i: int, props: dict[str, Any]) -> str:
            shown = {k: v for k, v in props.items() if v not in (None, "")}
            return click.prompt(f"{file}: feature {i} {json.dumps(shown, default=str)[:120]} faction",
                                type=click.Choice([*factions.ids, "contested"]))
    footprints = pipeline.read_footprints(settings)
    checked = check_features(features, factions, str(file), faction_field=faction_field,
                             default_faction=default_faction, ask=ask, resolve=resolve,
                             outline=None if patch else city_outline(footprints), area=settings.area())
    for w in checked.warnings:
        _log(f"warning: {w}")
    gdf = _patched(settings, checked.gdf, day, file) if patch else checked.gdf
    if not patch:
        _refuse_gaps(gdf, footprints, file, allow_gaps)
    from geo.control import control_states, stats_table

    km2 = stats_table(_snapshot_stats(control_states({day: gdf}, [], None)[0][1], settings))
    summary = ", ".join(f"{f} {km2[f].iloc[0]:.2f} km2" for f in km2.columns)
    if dry_run:
        click.echo(f"ok: {len(gdf)} feature(s) ({summary}); nothing written (--dry-run)")
        return
    write_text(target, snapshot_geojson(gdf, f"{'patched with' if patch else 'imported from'} {file.name}"))
    click.echo(f"wrote {target}: {len(gdf)} feature(s) ({summary}); run 'geo build' to use it")


def _refuse_outside(features: list[tuple[dict[str, Any], Any]], file: Path, settings: Settings) -> None:
    """A polygon that does not reach the study area is a mistake (swapped axes, another city): refuse it."""
    area = settings.area()
    if area is None:
        return
    for i, (_, g) in enumerate(features):
        if g is None or g.is_empty:
            continue
        x0, y0, x1, y1 = g.bounds
        if x1 < area.bbox[0] or x0 > area.bbox[2] or y1 < area.bbox[1] or y0 > area.bbox[3]:
            c = g.representative_point()
            raise InputError(f"{file}: feature {i} lies outside the study area ({area.name}), "
                             f"{area.distance_km(c.x, c.y):.0f} km from it (lon/lat swapped? wrong --crs?)")


def _patched(settings: Settings, drawing: Any, day: str, file: Path) -> Any:
    """The control in force on ``day`` (from the layers) with the drawing laid over it."""
    from geo.control import draft, lay_over

    ctl, _, _ = _layers(settings)
    try:
        base = draft(ctl, day)
    except ValueError as exc:
        raise InputError(f"--patch: {exc}") from None
    return lay_over(base, drawing, f"layers in force on {day}, patched with {file.name}")


def _refuse_gaps(gdf: Any, footprints: Any, file: Path, allow_gaps: bool) -> None:
    import shapely

    from geo.control import MAX_UNCOVERED, control_footprints, uncovered_share

    index = control_footprints(footprints)
    share = uncovered_share(gdf, shapely.union_all(list(index.values())) if index else None)
    if share > MAX_UNCOVERED and not allow_gaps:
        raise InputError(f"{file}: the drawing leaves {share:.0%} of the drawn footprints uncovered; a full import "
                         "replaces the whole snapshot (use --patch for a correction, or --allow-gaps)")
    if share > 0.01:
        _log(f"warning: {file}: {share:.0%} of the drawn footprints uncovered")


def _snapshot_stats(state: dict[str, Any], settings: Settings) -> Any:
    import geopandas as gpd
    import pandas as pd

    from geo.model import CRS_METRIC, CRS_STORAGE

    area = settings.area()
    areas = gpd.GeoSeries(list(state.values()), crs=CRS_STORAGE).to_crs(area.crs if area else CRS_METRIC).area / 1e6
    return pd.DataFrame({"date": ["d"] * len(state), "faction": list(state), "km2": list(areas)})


@control.command("draft", cls=GeoCommand)
@dir_options
@click.option("--date", "day", required=True, callback=_day, help="Date of the control to draft (YYYY-MM-DD).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output GeoJSON [default: <build>/drafts/DATE.geojson].")
def draft_cmd(settings: Settings, day: str, output: Path | None) -> None:
    """Write the control the layers give for DATE as a snapshot to correct and import.

    The polygons are the last hand-drawn snapshot before DATE with every reported capture and advance
    since applied. Open it in QGIS or geojson.io, correct it, then 'geo control import' it.

    \b
    Example:
      geo control draft --date 2016-11-20 -o draft.geojson
    """
    from geo.control import draft, snapshot_geojson

    ctl, _, _ = _layers(settings)
    gdf = draft(ctl, day)
    out = output or settings.build_dir / "drafts" / f"{day}.geojson"
    write_text(out, snapshot_geojson(gdf, "geo control draft"))
    _log(f"drafted {len(gdf)} feature(s) ({', '.join(gdf.faction)}) for {day}")
    click.echo(out)


@click.command("diff", cls=GeoCommand)
@dir_options
@click.argument("date1", callback=_day)
@click.argument("date2", callback=_day)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl", "geojson"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file.")
def diff_cmd(settings: Settings, date1: str, date2: str, fmt: str, output: Path | None) -> None:
    """What changed hands between DATE1 and DATE2, with areas and the events behind each change.

    A change with no event behind it means a hand-drawn snapshot moved the line with no report in the
    corpus: worth a look.

    \b
    Examples:
      geo diff 2016-11-08 2016-11-28
      geo diff 2016-12-01 2016-12-13 --format geojson -o changes.geojson
    """
    from geo.control import balance, diff

    ctl, evs, _ = _layers(settings)
    area = settings.area()
    d = diff(ctl, evs, date1, date2, *([area.crs] if area else []))
    if fmt == "geojson":
        text = d.to_json(drop_id=True, ensure_ascii=False) + "\n"
    elif fmt == "jsonl":
        text = "".join(json.dumps({**{k: r[k] for k in ("from_faction", "to_faction", "km2")},
                                   "events": json.loads(r["events"]), "event_labels": json.loads(r["event_labels"])},
                                  ensure_ascii=False) + "\n" for r in d.drop(columns="geometry").to_dict("records"))
    else:
        lines = [f"Changes of control between {d.attrs['from']} and {d.attrs['to']}:"]
        if d.empty:
            lines.append("  none")
        for r in d.itertuples():
            labels = json.loads(r.event_labels)
            lines.append(f"  {r.from_faction:>11} -> {r.to_faction:<11} {r.km2:8.3f} km2  "
                         + (f"{len(labels)} event(s)" if labels else "no event behind it (drawn only)"))
            lines += [f"      {lab}" for lab in labels]
        net = balance(d)
        if net:
            lines.append("Net: " + ", ".join(f"{f} {v:+.3f} km2" for f, v in net.items()))
        text = "\n".join(lines) + "\n"
    if output:
        write_text(output, text)
        _log(f"wrote {len(d)} change(s) to {output}")
    else:
        click.echo(text, nl=False)


@click.command("stats", cls=GeoCommand)
@dir_options
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "markdown"]), default="text", show_default=True)
@click.option("--chart", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw km2 per faction over time into this PNG or SVG.")
def stats_cmd(settings: Settings, fmt: str, chart: Path | None) -> None:
    """km2 held by each faction at each date of the control layers (areas in UTM 37N).

    \b
    Examples:
      geo stats
      geo stats --format markdown --chart docs/area-chart.png
    """
    from geo.control import area_chart, stats_table
    from geo.io import atomic_path
    from geo.read import load_factions

    _, _, stats = _layers(settings)
    table = stats_table(stats)
    if fmt == "csv":
        click.echo(table.to_csv(float_format="%.3f"), nl=False)
    elif fmt == "markdown":
        cols = list(table.columns)
        click.echo("| date | " + " | ".join(cols) + " |")
        click.echo("|---|" + "---:|" * len(cols))
        for day, row in table.iterrows():
            click.echo(f"| {day} | " + " | ".join(f"{row[c]:.2f}" for c in cols) + " |")
    else:
        click.echo(table.to_string(float_format=lambda v: f"{v:.3f}"))
    if chart:
        factions = load_factions(settings.factions_file)
        with atomic_path(chart) as tmp:
            area_chart(table, {f: factions.colour(f) for f in table.columns}, str(tmp),
                       "km² held per faction (control layers)")
        _log(f"chart written to {chart}")
