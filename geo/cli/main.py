"""The ``geo`` command line: one command per pipeline stage, plus build, validate and gazetteer tools.

Every command takes ``--data-dir`` (default ./data, env GEO_DATA_DIR) and ``--build-dir`` (default
<data-dir>/build, env GEO_BUILD_DIR). Errors are one line on stderr and exit code 1.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from geo import __version__, pipeline
from geo.articles import is_url
from geo.cli.common import GeoCommand, dir_options, exit_skipped
from geo.cli.control import control, diff_cmd, stats_cmd
from geo.cli.explain import claim_text
from geo.cli.gazetteer import gazetteer
from geo.cli.geocode import geocode_cmd
from geo.cli.review import review
from geo.io import InputError
from geo.settings import DEFAULT_MAP_NAME, Settings


def _log(msg: str) -> None:
    click.echo(msg, err=True)


def _warnings(msg: str) -> None:
    """The log of a --quiet run: warnings only."""
    if msg.startswith("warning"):
        click.echo(msg, err=True)


def engine_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--engine`` and ``--scheduler``: where articles are read (this machine, or a Dask cluster)."""
    func = click.option("--scheduler", metavar="ADDRESS", default=None,
                        help="With --engine dask: the address of a running Dask scheduler (tcp://HOST:8786) "
                             "[default: a local cluster started for the run].")(func)
    return click.option("--engine", type=click.Choice(pipeline.ENGINES), default="local", show_default=True,
                        help="Read articles on this machine (local), or on a Dask cluster (dask; needs "
                             "pip install 'geo[dask]'); the claims are the same.")(func)


def _check_engine(engine: str, scheduler: str | None) -> None:
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler needs --engine dask")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="geo")
@click.option("--debug", is_flag=True, help="On an error, show the full traceback instead of one line.")
def main(debug: bool) -> None:
    """geo: news reports of a war in, a dated and sourced map of who controls what out.

    \b
    Quick start (the default Aleppo 2016 dataset in ./data):
      geo build                 # every stage, skipping what is up to date
      geo validate              # check the inputs in data/
      geo extract article.md    # print the claims of one report as JSON Lines
    """
    click.get_current_context().meta["geo.debug"] = debug  # read by GeoCommand (shared by every subcommand)


@main.command(cls=GeoCommand)
@dir_options
@click.option("--force", is_flag=True, help="Redo every stage even if its inputs did not change.")
@click.option("--keep-going", is_flag=True,
              help="Leave out the articles that cannot be read (each named on stderr, listed in "
                   "<build>/skipped.csv, counted on the map) and exit 3, instead of stopping with exit 1.")
@click.option("-q", "--quiet", is_flag=True, help="Only warnings and errors: no progress bars, stage lines or summary.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Processes that read articles [default: the cores available]; the output is the same. "
                   "With --engine dask and no --scheduler: the local cluster's worker processes.")
@engine_options
def build(settings: Settings, force: bool, keep_going: bool, quiet: bool, jobs: int | None, engine: str,
          scheduler: str | None) -> None:
    """Run every stage (ingest, extract, events, layers, render), redoing only what changed.

    Exit codes: 0 built; 1 an input is wrong (one line names it; earlier outputs are kept);
    3 built with --keep-going, but some articles were left out.

    \b
    Examples:
      geo build --data-dir data --build-dir data/build
      geo build --keep-going      # a scraped batch with a few broken files
      geo build --quiet           # for cron: warnings and errors only
      geo build --engine dask --scheduler tcp://10.0.0.5:8786   # read on a Dask cluster
    """
    _check_engine(engine, scheduler)
    times: dict[str, float] = {}
    with pipeline.progress_bars(not quiet):
        out = pipeline.build(settings, _warnings if quiet else _log, force=force, keep_going=keep_going,
                             times=times, jobs=jobs or pipeline.available_cores(), engine=engine,
                             scheduler=scheduler)
    if not quiet:
        _log(pipeline.build_summary(settings, times))
    click.echo(f"map: {out}")
    exit_skipped("build", pipeline.skipped_inputs(settings))


@main.command(cls=GeoCommand)
@dir_options
@click.option("--keep-going", is_flag=True, help="Leave out the articles that cannot be read (exit 3).")
def ingest(settings: Settings, keep_going: bool) -> None:
    """Read data/articles into <build>/articles.jsonl (text, metadata, language, hash).

    \b
    Example:
      geo ingest --data-dir data
    """
    click.echo(pipeline.ingest(settings, _log, keep_going))
    exit_skipped("ingest", pipeline.skipped_inputs(settings))


@main.command(cls=GeoCommand)
@dir_options
@click.argument("paths", nargs=-1, type=click.Path())  # str: a URL (s3://...) is not a Path
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "text"]), default="jsonl", show_default=True,
              help="Output format when PATHS are given (text: one line a claim, for reading).")
@click.option("--explain", is_flag=True,
              help="Say why each claim was read: the cue, the words that gave the side and where they came from "
                   "(clause, paragraph, headline, article), the date expression and what it was counted from, "
                   "the source (an 'explain' object in JSON Lines and CSV, indented lines in text).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file instead of stdout (PATHS mode).")
@click.option("--published", metavar="YYYY-MM-DD",
              help="Publication date to read relative dates against, overriding the front matter (PATHS mode).")
@engine_options
def extract(settings: Settings, paths: tuple[str, ...], fmt: str, output: Path | None,
            published: str | None, explain: bool, engine: str, scheduler: str | None) -> None:
    """Find places and control claims in reports.

    With no PATHS, reads the data dir's articles and writes <build>/claims.jsonl and
    <build>/unresolved.csv. With PATHS (files, directories, JSON Lines files, or quoted glob patterns
    such as "reports/**/*.md"; also URLs such as s3://bucket/wires/ when fsspec is installed), prints one
    claim per line; a file it cannot read is named on stderr and left out, and the exit code is then 3.

    \b
    Examples:
      geo extract
      geo extract ../shared/corpus/2016-11-08-mee-alep-1070.fr.md
      geo extract reports/ --format csv -o claims.csv
      geo extract "wires/2016-11-*/**/*.md" "feeds/*.jsonl" -o claims.jsonl
      geo extract report.md --format text --explain
      geo extract "s3://my-bucket/wires/2016-11-*.md"   # needs fsspec and s3fs
      geo extract --engine dask --scheduler tcp://10.0.0.5:8786   # the build's articles, on a Dask cluster
    """
    _check_engine(engine, scheduler)
    if not paths:
        jobs = pipeline.available_cores() if engine == "dask" else 1  # the local cluster's workers
        click.echo(pipeline.extract(settings, _log, jobs, engine, scheduler))
        return
    if engine != "local":
        raise click.UsageError("--engine dask reads the build's articles (geo extract without PATHS)")
    skipped: list[tuple[str, str]] = []
    with pipeline.progress_bars():
        sources = [p if is_url(p) else Path(p) for p in paths]
        arts = pipeline.load_articles(sources, _log, published, skipped=skipped,
                                      languages=pipeline.lexicon_languages(settings) or None)
        claims, _ = pipeline.extract_articles(arts, pipeline.Reader(settings), None, _log,
                                              progress=pipeline.progress)
    rows = [c.to_dict(explain=explain) for c in claims]
    if fmt == "text":
        text = "".join(claim_text(c, explain) for c in claims)
    elif fmt == "jsonl":
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    else:
        import io as _io

        cols = ["id", "article", "published", "type", "status", "faction", "opponent", "place_id", "place_name",
                "mention", "lon", "lat", "precision", "event_date", "date_precision", "attributed_to",
                "loser_confirms", "confidence", "sentence", "url"] + (["explain"] if explain else [])
        buf = _io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            p = r.pop("place")
            w.writerow({**r, "place_id": p["id"], "place_name": p["name"], "mention": p["mention"],
                        "lon": p["lon"], "lat": p["lat"], "precision": p["precision"],
                        "attributed_to": "; ".join(r["attributed_to"]),
                        **({"explain": json.dumps(r["explain"], ensure_ascii=False)} if "explain" in r else {})})
        text = buf.getvalue()
    if output:
        from geo.io import write_text

        write_text(output, text)
        _log(f"wrote {len(rows)} claim(s) to {output}")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    exit_skipped("extract", skipped)


@main.command(cls=GeoCommand)
@dir_options
def events(settings: Settings) -> None:
    """Merge claims into events (same place, type, faction, day +/- 1) -> <build>/events.gpkg.

    \b
    Example:
      geo events --build-dir data/build
    """
    click.echo(pipeline.events(settings, _log))


@main.command(cls=GeoCommand)
@dir_options
def layers(settings: Settings) -> None:
    """Rebuild dated control layers from data/control snapshots and events -> <build>/control.gpkg.

    \b
    Example:
      geo layers && ogrinfo data/build/control.gpkg
    """
    click.echo(pipeline.layers(settings, _log))


@main.command(cls=GeoCommand)
@dir_options
@click.option("--name", default=None, help="Map file name without .html [default: the study area's, "
              f"'map:' in area.yaml, else {DEFAULT_MAP_NAME}].")
@click.option("--cdn", is_flag=True, help="Keep folium's CDN links (smaller file, needs internet to open).")
@click.option("--png", "png_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write a publishable PNG per date into this directory (legend, scale, labels, sources).")
@click.option("--svg", is_flag=True, help="With --png: write SVG files instead of PNG.")
@click.option("--size", default="1600x1200", show_default=True, metavar="WxH",
              help="With --png: image size in pixels.")
def render(settings: Settings, name: str | None, cdn: bool, png_dir: Path | None, svg: bool, size: str) -> None:
    """Render the interactive map -> <build>/maps/<name>.html (self-contained, works offline).

    \b
    Examples:
      geo render
      geo render --png data/build/png --size 1600x1200
      geo render --png data/build/svg --svg
    """
    from geo.map import parse_size

    try:
        wh = parse_size(size)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--size") from None
    click.echo(pipeline.render(settings, _log, name=name, cdn=cdn, png_dir=png_dir, image_size=wh,
                               image_format="svg" if svg else "png"))


@main.command(cls=GeoCommand)
@dir_options
@click.option("--facts", "facts", is_flag=False, flag_value="", default=None, metavar="[CSV]",
              help="Check the built layers against dated facts (default data/control/facts.csv).")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.95, show_default=True,
              help="With --facts: exit 1 below this share of facts right.")
def validate(settings: Settings, facts: str | None, min_score: float) -> None:
    """Check the inputs in data/: factions, lexicons, gazetteer, control snapshots, articles.

    Prints one line per problem (file, row or feature, reason) and exits 1 if any is an error;
    repairs (e.g. a self-intersecting polygon fixed with make_valid) are warnings.

    With --facts, checks the built control layers instead: each dated fact (place, date, faction) is right
    when the layers give that faction at the place on its date or on the other table's date; each
    disagreement is printed, then the share right.

    \b
    Examples:
      geo validate --data-dir data
      geo validate --facts                 # after geo build
      geo validate --facts my-facts.csv --min-score 0.9
    """
    if facts is not None:
        _validate_facts(settings, Path(facts) if facts else None, min_score)
        return
    from geo.cli.validate import validate_inputs

    errors, warnings = validate_inputs(settings)
    for w in warnings:
        click.echo(f"warning: {w}", err=True)
    for e in errors:
        click.echo(f"error: {e}", err=True)
    if errors:
        raise InputError(f"{len(errors)} error(s) in {settings.data_dir}")
    click.echo(f"ok: {settings.data_dir} ({len(warnings)} warning(s))")


def _validate_facts(settings: Settings, path: Path | None, min_score: float) -> None:
    from geo.control import fact_score

    verdicts = pipeline.check_facts_file(settings, path)
    for v in verdicts:
        if not v.right:
            click.echo(f"disagrees: {v.line()}")
    right, share = sum(v.right for v in verdicts), fact_score(verdicts)
    click.echo(f"facts: {right}/{len(verdicts)} right ({share:.2f}) in {settings.control_gpkg}")
    if share < min_score:
        raise InputError(f"facts: {share:.2f} right, below --min-score {min_score:.2f}")


@main.command(cls=GeoCommand)
@dir_options
@click.option("--format", "fmt", type=click.Choice(["acled", "geojson", "gpkg"]), default="acled",
              show_default=True, help="acled: ACLED-compatible CSV (+ geo's provenance columns).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output file [default: <build>/exports/events.<ext>].")
def export(settings: Settings, fmt: str, output: Path | None) -> None:
    """Export the events (with the control before and after each) for other tools.

    \b
    Examples:
      geo export --format acled -o aleppo-acled.csv
      geo export --format geojson
    """
    out = pipeline.export(settings, fmt, output, _log)
    click.echo(out)


@main.command("compare-acled", cls=GeoCommand)
@dir_options
@click.argument("acled_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--window", type=click.IntRange(0, 30), default=1, show_default=True,
              help="Days an ACLED row and a geo event may be apart and still be one event.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Output CSV [default: <build>/exports/acled-compare.csv].")
def compare_acled_cmd(settings: Settings, acled_file: Path, window: int, output: Path | None) -> None:
    """Compare geo's events with an ACLED download (your own, under ACLED's terms): which both record,
    which only one does, and where they disagree on who gained ground.

    \b
    Examples:
      geo compare-acled ~/Downloads/acled-syria-2016.csv
      geo compare-acled acled.csv --window 2 -o compare.csv
    """
    out, counts = pipeline.compare_acled(settings, acled_file, window, output, _log)
    click.echo("; ".join(f"{k}: {v}" for k, v in counts.items()))
    click.echo(out)


main.add_command(gazetteer)
main.add_command(control)
main.add_command(diff_cmd)
main.add_command(stats_cmd)
main.add_command(geocode_cmd)
main.add_command(review)
