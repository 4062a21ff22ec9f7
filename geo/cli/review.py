"""``geo review``: what needs a person, and the decisions that survive every rebuild."""

from __future__ import annotations

import csv
import io
import json
import sys

import click

from geo import pipeline
from geo.cli.common import GeoCommand, GeoGroup, dir_options
from geo.io import InputError
from geo.review import CLAIM_TYPES as _TYPES  # the types a decision may give: one list
from geo.settings import Settings


def _log(msg: str) -> None:
    click.echo(msg, err=True)


@click.group("review", cls=GeoGroup, invoke_without_command=True)
@dir_options
@click.option("--date", "dates", metavar="D1..D2", help="Only items dated in this range (either end may be left out).")
@click.option("--place", help="Only items at this gazetteer id.")
@click.option("--type", "type_", type=click.Choice(_TYPES), help="Only claims and events of this type.")
@click.option("--article", help="Only items read from this article id.")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "csv"]), default="table", show_default=True)
@click.pass_context
def review(ctx: click.Context, settings: Settings, dates: str | None, place: str | None, type_: str | None,
           article: str | None, fmt: str) -> None:
    """List what needs a person, most useful first; record decisions that every later build applies.

    Items: disputed events, changes with no side, changes the drawn control contradicts (the side already
    held the place; the place is outside every footprint), footprints that changed hands with no report,
    names not in the gazetteer, claims read with low confidence. Each has the id the decisions take.

    \b
    Examples:
      geo review                                   # the queue, after geo build
      geo review --date 2016-11-25..2016-12-01 --type capture
      geo review reject 3f2a9c0d1e7b4a55 --note "the sentence is about Homs"
      geo review edit 3f2a9c0d1e7b4a55 --faction government --note "the headline names the army"
      geo review accept 8be01c3d5f2a7e90
    """
    if ctx.invoked_subcommand is not None:
        ctx.obj = settings
        return
    first, _, last = (dates or "").partition("..")
    if dates and ".." not in dates:
        first = last = dates
    pipeline.build_until(settings, "layers", _log)
    from geo.review import build_items, load_decisions, queue

    decisions = load_decisions(settings.decisions_csv)
    items = queue(build_items(settings), decisions, first=first, last=last, place=place or "",
                  type_=type_ or "", article=article or "")
    if not items:
        click.echo(f"nothing to review: no item needs a person ({len(decisions)} decision(s) on record)")
        return
    rows = [i.row() for i in items]
    if fmt == "jsonl":
        sys.stdout.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        sys.stdout.write(buf.getvalue())
    else:
        click.echo(table(rows))
        click.echo(f"{len(items)} item(s); decide with: geo review accept|reject|edit ID", err=True)


def table(rows: list[dict]) -> str:
    """Items as aligned columns for a terminal (the why and the text cut to fit)."""
    cols = [("id", 18), ("kind", 18), ("date", 10), ("place", 28), ("faction", 10), ("why", 60)]
    out = ["  ".join(name.ljust(w) for name, w in cols)]
    for r in rows:
        out.append("  ".join(_cut(str(r[name]), w).ljust(w) for name, w in cols))
        if r.get("text"):
            out.append(" " * 20 + "« " + _cut(str(r["text"]).replace("\n", " "), 120) + " »")
    return "\n".join(out)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _decide(settings: Settings, decision: str, item_id: str, note: str, **fields: str | None) -> None:
    from geo.review import Decision, check_decision, record_decision

    group = click.get_current_context().find_object(Settings)  # geo review --data-dir D accept ID
    if group is not None and settings == Settings.resolve():
        settings = group
    d = Decision(item_id, decision, note=note, **{k: v or "" for k, v in fields.items()})
    valid_place, valid_faction = pipeline.review_checks(settings)
    check_decision(d, f"geo review {decision} {item_id}", valid_place, valid_faction)
    from geo.review import build_items

    known = {i.id for i in build_items(settings)} | pipeline.claim_and_event_ids(settings)
    if item_id not in known:
        raise InputError(f"{item_id}: no claim, event or review item has this id in {settings.build_dir} "
                         "(run geo build, then geo review to list the ids)")
    d = record_decision(settings.decisions_csv, d)
    what = f" ({d.changes()})" if d.changes() else ""
    click.echo(f"recorded: {decision} {item_id}{what} by {d.who} in {settings.decisions_csv}; "
               "geo build applies it")


@review.command(cls=GeoCommand)
@dir_options
@click.argument("item_id", metavar="ID")
@click.option("--note", default="", help="Why (shown in the map's popup and the export).")
def accept(settings: Settings, item_id: str, note: str) -> None:
    """Confirm a claim or an event as read: the map shows it as confirmed by an analyst.

    \b
    Example:
      geo review accept 8be01c3d5f2a7e90 --note "matches the ICRC statement"
    """
    _decide(settings, "accept", item_id, note)


@review.command(cls=GeoCommand)
@dir_options
@click.argument("item_id", metavar="ID")
@click.option("--note", default="", help="Why (kept in decisions.csv).")
def reject(settings: Settings, item_id: str, note: str) -> None:
    """Drop a claim or an event (all its claims) from every later build; a name: id stops being listed.

    \b
    Example:
      geo review reject 3f2a9c0d1e7b4a55 --note "the sentence is about Homs"
    """
    _decide(settings, "reject", item_id, note)


@review.command(cls=GeoCommand)
@dir_options
@click.argument("item_id", metavar="ID")
@click.option("--place", help="The right gazetteer id.")
@click.option("--faction", help="The side that gained.")
@click.option("--date", "date_", metavar="YYYY-MM-DD", help="The day it happened.")
@click.option("--type", "type_", type=click.Choice(_TYPES), help="What happened.")
@click.option("--note", default="", help="Why (shown in the map's popup and the export).")
def edit(settings: Settings, item_id: str, place: str | None, faction: str | None, date_: str | None,
         type_: str | None, note: str) -> None:
    """Correct a claim or an event (all its claims): the build keeps the analyst's fields.

    \b
    Example:
      geo review edit 3f2a9c0d1e7b4a55 --faction government --date 2016-11-28 --note "the headline names the army"
    """
    _decide(settings, "edit", item_id, note, place=place, faction=faction, date=date_, type=type_)
