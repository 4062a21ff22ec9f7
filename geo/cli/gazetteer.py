"""``geo gazetteer``: import a source, add a place, look names up, count what is there."""

from __future__ import annotations

import json
from pathlib import Path

import click
import geopandas as gpd
import pandas as pd

from geo.cli.common import GeoCommand, dir_options
from geo.io import InputError, atomic_path, read_vector, write_csv
from geo.model import CRS_STORAGE
from geo.places import ALIAS_COLUMNS, PLACE_COLUMNS, REACH_KM, load_gazetteer
from geo.places import sources as gs
from geo.settings import Settings


@click.group()
def gazetteer() -> None:
    """Places and aliases in data/gazetteer/: import, add, lookup, stats."""


def _read_tables(d: Path) -> tuple[pd.DataFrame, pd.DataFrame, gpd.GeoDataFrame]:
    p = pd.read_csv(d / "places.csv", dtype=str, keep_default_na=False) if (d / "places.csv").exists() \
        else pd.DataFrame(columns=PLACE_COLUMNS)
    for c in ("lon", "lat"):
        p[c] = p[c].astype(float)
    p["precision"] = p["precision"].astype(int)
    a = pd.read_csv(d / "aliases.csv", dtype=str, keep_default_na=False) if (d / "aliases.csv").exists() \
        else pd.DataFrame(columns=[*ALIAS_COLUMNS, "source"])
    f = read_vector(d / "footprints.geojson") if (d / "footprints.geojson").exists() \
        else gpd.GeoDataFrame({"id": [], "kind": [], "csr_id": []}, geometry=[], crs=CRS_STORAGE)
    return p, a, f


def _write_tables(d: Path, p: pd.DataFrame, a: pd.DataFrame, f: gpd.GeoDataFrame) -> None:
    write_csv(d / "places.csv", p.to_dict("records"), PLACE_COLUMNS)
    write_csv(d / "aliases.csv", a.to_dict("records"), [*ALIAS_COLUMNS, "source"])
    f = gs.complete_footprints(f, p)
    with atomic_path(d / "footprints.geojson") as tmp:
        f[gs.FOOTPRINT_COLUMNS].to_file(tmp, driver="GeoJSON", engine="pyogrio", layer="footprints",
                                        layer_options={"COORDINATE_PRECISION": 6})


@gazetteer.command("import", cls=GeoCommand)
@dir_options
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(gs.FORMATS), default="auto", show_default=True,
              help="Source layout; 'auto' is a generic GeoJSON/GeoPackage/CSV with --name-field.")
@click.option("--name-field", default="name", show_default=True, help="Field holding the place name (auto).")
@click.option("--name-ar-field", default=None, help="Field holding the Arabic name (auto).")
@click.option("--id-field", default=None, help="Field to build ids from (auto; default: the name).")
@click.option("--kind", default="place", show_default=True, help="Kind of the imported places (auto).")
@click.option("--source", "source", default=None, help="Short credit key stored with every row.")
@click.option("--licence", default="", help="Licence of the source (recorded in the README by you).")
def import_(settings: Settings, file: Path, fmt: str, name_field: str, name_ar_field: str | None,
            id_field: str | None, kind: str, source: str | None, licence: str) -> None:
    """Merge one source file into data/gazetteer/ (re-importing a source replaces its rows).

    \b
    Examples:
      geo gazetteer import ../shared/data/aleppo/csr_neighbourhoods.geojson --format csr --source csr
      geo gazetteer import my_places.csv --name-field name --kind village --source mine --licence CC-BY-4.0
      geo gazetteer import data/gazetteer/drawn.geojson --format drawn   # hand-drawn footprints by place id
    """
    d = settings.gazetteer_dir
    d.mkdir(parents=True, exist_ok=True)
    p, a, f = _read_tables(d)
    key = source or fmt
    if fmt == "csr":
        batch = gs.read_csr(file, key)
    elif fmt == "sites":
        batch = gs.read_sites(file, key)
    elif fmt == "outskirts":
        batch = gs.read_outskirts(file, key)
    elif fmt == "geonames":
        batch = gs.read_geonames(file, key)
    elif fmt == "crosswalk":
        batch = gs.read_crosswalk(file, f, key, p)
    elif fmt == "unosat":
        batch = gs.read_unosat(file, f, key, p)
    elif fmt == "wikimodule":
        batch = gs.read_wikimodule(file, key)
    elif fmt == "drawn":
        p2, f2, notes = gs.merge_drawn(p, f, gs.read_drawn(file, p, key))
        _write_tables(d, p2, a, f2)
        for n in notes:
            click.echo(f"note: {n}", err=True)
        click.echo(f"{file.name}: {int((f2['source'] == key).sum())} drawn footprint(s) from {key}")
        return
    else:
        batch = gs.read_generic(file, name_field, source or file.stem, kind, id_field, name_ar_field)
    p2, a2, f2 = gs.merge(p, a, f, batch)
    _write_tables(d, p2, a2, f2)
    click.echo(f"{file.name}: {len(p2) - len(p[p.source != key])} place(s), "
               f"{len(a2) - len(a[a.source != key])} alias(es) from {key}"
               f"{' (' + licence + ')' if licence else ''}; gazetteer now {len(p2)} places")


@gazetteer.command(cls=GeoCommand)
@dir_options
@click.argument("place_id")
@click.option("--name", required=True, help="English display name.")
@click.option("--kind", default="place", show_default=True)
@click.option("--lon", type=float, required=True)
@click.option("--lat", type=float, required=True)
@click.option("--precision", type=click.IntRange(1, 3), default=1, show_default=True,
              help="1 trusted point, 2 estimate or part, 3 city/region.")
@click.option("--alias", "aliases", multiple=True, help="LANG:ALIAS, repeatable (e.g. fr:l'est d'Alep).")
@click.option("--source", default="geo", show_default=True)
@click.option("--outside-ok", is_flag=True, help="Keep a point outside the study area (a town reports name from afar).")
def add(settings: Settings, place_id: str, name: str, kind: str, lon: float, lat: float, precision: int,
        aliases: tuple[str, ...], source: str, outside_ok: bool) -> None:
    """Add (or replace) one place with its aliases, e.g. a reviewed geocoder result.

    \b
    Example:
      geo gazetteer add aleppo-east --name "eastern Aleppo" --kind area --lon 37.19 --lat 36.2 \\
          --precision 3 --alias "en:east Aleppo" --alias "fr:l'est d'Alep"
    """
    area = settings.area()
    if area is None and not (35.5 <= lon <= 42.5 and 32.2 <= lat <= 37.5):  # no study area: Syria's box
        raise InputError(f"{place_id}: ({lon}, {lat}) is outside Syria (lon, lat order?)")
    if area is not None and not area.contains(lon, lat):
        if area.contains(lat, lon):
            raise InputError(f"{place_id}: ({lon}, {lat}) is {area.distance_km(lon, lat):.0f} km outside the study "
                             f"area but ({lat}, {lon}) is inside it: --lon and --lat swapped?")
        if area.distance_km(lon, lat) > REACH_KM:
            raise InputError(f"{place_id}: ({lon}, {lat}) is {area.distance_km(lon, lat):.0f} km from the study "
                             f"area ({area.name}), more than {REACH_KM:.0f} km: a typo?")
        if not outside_ok:
            raise InputError(f"{place_id}: ({lon}, {lat}) is {area.distance_km(lon, lat):.0f} km outside the study "
                             f"area ({area.name}); give --outside-ok to keep a place reports name from afar")
        click.echo(f"warning: {place_id}: {area.distance_km(lon, lat):.0f} km outside the study area "
                   f"({area.name}); kept (--outside-ok)", err=True)
    d = settings.gazetteer_dir
    p, a, f = _read_tables(d)
    p = p[p["id"] != place_id]
    a = a[~((a["place_id"] == place_id) & (a["source"] == source))]
    row = {"id": place_id, "name": name, "kind": kind, "lon": lon, "lat": lat, "precision": precision,
           "parent": "aleppo" if place_id.startswith("aleppo-") else "", "source": source}
    p = pd.concat([p, pd.DataFrame([row])], ignore_index=True).sort_values("id")
    arows = []
    for item in aliases:
        lang, _, text = item.partition(":")
        if not text:
            raise InputError(f"--alias {item!r}: expected LANG:ALIAS")
        arows.append({"place_id": place_id, "alias": text, "lang": lang, "source": source})
    a = pd.concat([a, pd.DataFrame(arows, columns=[*ALIAS_COLUMNS, "source"])], ignore_index=True)
    a = a.drop_duplicates(subset=["place_id", "alias"]).sort_values(["place_id", "alias"])
    _write_tables(d, p.reset_index(drop=True), a.reset_index(drop=True), f)
    click.echo(f"added {place_id} with {len(arows)} alias(es)")


@gazetteer.command(cls=GeoCommand)
@dir_options
@click.argument("names", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text", show_default=True)
@click.option("--explain", is_flag=True,
              help="Say how the answer was found (exact alias, folded spelling, descriptor stripped, short form, "
                   "fuzzy) and list every candidate with its score; a tie between the best is reported.")
def lookup(settings: Settings, names: tuple[str, ...], fmt: str, explain: bool) -> None:
    """Look names up: id, name, kind, lon, lat, precision and score (id null when unresolved).

    \b
    Examples:
      geo gazetteer lookup "Cheikh Saïd" "1070 Appartements" "حلب"
      geo gazetteer lookup "Sakhur" "Qaterji district" --explain
    """
    g = load_gazetteer(settings.gazetteer_dir)
    for q in names:
        row = g.lookup_row(q)
        why = g.explain_lookup(q) if explain else None
        if fmt == "jsonl":
            click.echo(json.dumps({**row, **({"explain": why} if why else {})}, ensure_ascii=False))
            continue
        click.echo("\t".join("" if v is None else str(v) for v in row.values()))
        if why:
            tie = " (a tie: ranked by spelling, then nearness to the study area's centre)" if why["tie"] else ""
            click.echo(f"    rule: {why['rule'] or 'no candidate'}{tie}")
            for c in why["candidates"]:
                click.echo(f"    candidate: {c['id']}  {c['name']}  {c['kind']}  {c['score']}")


@gazetteer.command(cls=GeoCommand)
@dir_options
@click.argument("parent_id")
@click.argument("children", nargs=-1, required=True)
def parent(settings: Settings, parent_id: str, children: tuple[str, ...]) -> None:
    """Make PARENT_ID the whole that CHILDREN are parts of (a report of the whole moves all of them).

    \b
    Example:
      geo gazetteer parent aleppo-ramouseh-military-complex aleppo-artillery-academy aleppo-armament-academy
    """
    d = settings.gazetteer_dir
    p, a, f = _read_tables(d)
    known = set(p["id"])
    for pid in (parent_id, *children):
        if pid not in known:
            raise InputError(f"{d / 'places.csv'}: no place {pid!r}")
    if parent_id in children:
        raise InputError(f"{parent_id}: a place cannot be its own part")
    up = dict(zip(p["id"], p["parent"], strict=True))
    walk, seen = parent_id, set()
    while walk in up and walk not in seen:  # refuse a loop: the parent must not be a part of a child
        if walk in children:
            raise InputError(f"{parent_id}: it is already a part of {walk}; that would make a loop")
        seen.add(walk)
        walk = up[walk]
    p.loc[p["id"].isin(children), "parent"] = parent_id
    _write_tables(d, p, a, f)
    click.echo(f"{parent_id}: parent of {', '.join(children)}")


@gazetteer.command(cls=GeoCommand)
@dir_options
def nest(settings: Settings) -> None:
    """Make each place named after another one it lies in a part of it ("Sheikh Najjar industrial city" of
    Sheikh Najjar), so a report of either counts for the other.

    \b
    Example:
      geo gazetteer nest
    """
    d = settings.gazetteer_dir
    p, a, f = _read_tables(d)
    pairs = gs.named_parts(p, f)
    for part, whole in pairs:
        p.loc[p["id"] == part, "parent"] = whole
        click.echo(f"{whole}: parent of {part}")
    _write_tables(d, p, a, f)
    click.echo(f"{len(pairs)} part(s) nested")


@gazetteer.command(cls=GeoCommand)
@dir_options
def stats(settings: Settings) -> None:
    """Counts by kind and source, places lacking an alias per language, approximate places.

    \b
    Example:
      geo gazetteer stats
    """
    g = load_gazetteer(settings.gazetteer_dir)
    df = pd.DataFrame([p.__dict__ for p in g.places.values()])
    click.echo(f"{len(df)} places, {len(g.aliases)} aliases, {len(g.footprints)} footprints, "
               f"{len(g.by_key)} distinct keys")
    click.echo("by kind: " + ", ".join(f"{k} {v}" for k, v in df.kind.value_counts().items()))
    click.echo("by source: " + ", ".join(f"{k} {v}" for k, v in df.source.value_counts().items()))
    for lang in ("en", "fr", "ar"):
        have = {pid for pid, _, lg in g.aliases if lg == lang}
        click.echo(f"without a {lang} alias: {len(set(df.id) - have)}")
    click.echo(f"approximate (precision 2): {int((df.precision == 2).sum())}")
    amb = {k: v for k, v in g.by_key.items() if len(v) > 1}
    click.echo(f"ambiguous keys (resolved by context): {len(amb)}")



@gazetteer.command("alias", cls=GeoCommand)
@dir_options
@click.argument("place_id")
@click.argument("aliases", nargs=-1, required=True)
@click.option("--source", default="geo", show_default=True, help="Credit key of these aliases.")
def alias_(settings: Settings, place_id: str, aliases: tuple[str, ...], source: str) -> None:
    """Add spellings (LANG:ALIAS) to an existing place, keeping its coordinates.

    \b
    Example:
      geo gazetteer alias aleppo-handarat-camp en:Handarat "fr:camp de Handarat"
    """
    d = settings.gazetteer_dir
    p, a, f = _read_tables(d)
    if place_id not in set(p["id"]):
        raise InputError(f"{d / 'places.csv'}: no place {place_id!r}")
    arows = []
    for item in aliases:
        lang, _, text = item.partition(":")
        if not text or lang not in ("en", "fr", "ar", "und"):
            raise InputError(f"{item!r}: expected LANG:ALIAS with LANG en, fr, ar or und")
        arows.append({"place_id": place_id, "alias": text, "lang": lang, "source": source})
    a = pd.concat([a, pd.DataFrame(arows, columns=[*ALIAS_COLUMNS, "source"])], ignore_index=True)
    a = a.drop_duplicates(subset=["place_id", "alias"]).sort_values(["place_id", "alias"])
    _write_tables(d, p, a.reset_index(drop=True), f)
    click.echo(f"{place_id}: {len(arows)} alias(es) added")
