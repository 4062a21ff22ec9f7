"""``geo geocode``: resolve the review queue (``<build>/unresolved.csv``) online, only when asked."""

from __future__ import annotations

import csv
from pathlib import Path

import click

from geo.cli.common import GeoCommand, dir_options
from geo.io import InputError, write_csv
from geo.places import PROVIDERS, REVIEW_COLUMNS, Cache, cached, geopy_asker, resolve
from geo.settings import Settings


@click.command("geocode", cls=GeoCommand)
@dir_options
@click.option("--provider", type=click.Choice(sorted(PROVIDERS)), default=None,
              help="Ask this online geocoder. Without it nothing leaves the machine: only cached answers.")
@click.option("--user-agent", envvar="GEO_USER_AGENT", default="",
              help="Who is asking (required online; Nominatim's policy) [env GEO_USER_AGENT].")
@click.option("--username", envvar="GEO_GEONAMES_USER", default=None,
              help="GeoNames account (provider geonames) [env GEO_GEONAMES_USER].")
@click.option("--domain", default=None,
              help="Another server for the provider, e.g. a self-hosted Nominatim (http://host:port or host).")
@click.option("--min-count", type=int, default=1, show_default=True,
              help="Only names seen at least this many times.")
@click.option("--limit", type=int, default=50, show_default=True, help="Ask at most this many names.")
@click.option("--retries", type=int, default=2, show_default=True, help="Retries after a transient error.")
@click.option("-i", "--input", "input_", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="Queue to read [default <build>/unresolved.csv].")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Review file to write [default <build>/geocoded.csv].")
def geocode_cmd(settings: Settings, provider: str | None, user_agent: str, username: str | None,
                domain: str | None, min_count: int, limit: int, retries: int, input_: Path | None,
                output: Path | None) -> None:
    """Look up the names the gazetteer lacks, for review; nothing is added to the gazetteer.

    Offline by default: without --provider only answers already in the cache
    (<build>/geocode-cache.sqlite) are written. Online, requests are rate-limited (one per second),
    retried with backoff, cached, and biased towards the study area (area.yaml: its box, centre and
    country). Promote a reviewed row with `geo gazetteer add`.

    \b
    Examples:
      geo geocode                                   # what is already known, no network
      geo geocode --provider nominatim --user-agent "geo-review/0.1 you@example.org" --min-count 2
      geo gazetteer add aleppo-queiq --name Queiq --kind river --lon 37.15 --lat 36.21 --precision 2
    """
    queue = input_ or settings.unresolved_csv
    if not queue.exists():
        raise InputError(f"{queue}: no review queue; run `geo extract` (or `geo build`) first")
    with queue.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if rows and ("name" not in rows[0] or "count" not in rows[0]):
        raise InputError(f"{queue}: expected columns name,count")
    names = []
    for n, r in enumerate(rows, 2):
        try:
            count = int(r["count"] or 0)
        except ValueError:
            raise InputError(f"{queue}: row {n}: count {r['count']!r} is not a number") from None
        if r["name"].strip() and count >= min_count:
            names.append((r["name"].strip(), count))
    names = names[:limit]
    settings.build_dir.mkdir(parents=True, exist_ok=True)
    cache = Cache(str(settings.build_dir / "geocode-cache.sqlite"))
    area = settings.area()  # the bias: the study area's box, centre and country (Aleppo's without one)
    near = {"centre": area.middle()} if area else {}
    try:
        if provider is None:
            click.echo(f"offline: {len(names)} name(s) looked up in the cache only; pass --provider to ask "
                       "an online geocoder", err=True)
            out = cached(names, cache, **near)
        else:
            scheme = None
            if domain and "://" in domain:
                scheme, domain = domain.split("://", 1)
            bias = {"box": area.bbox, "country": area.country} if area else {}
            ask = geopy_asker(provider, user_agent, username=username, domain=domain, scheme=scheme,
                              retries=retries, **near, **bias)
            click.echo(f"asking {provider} for {len(names)} name(s), one per second at most", err=True)
            out = resolve(names, ask, cache, provider, log=lambda m: click.echo(m, err=True), **near)
    finally:
        cache.close()
    dest = output or settings.build_dir / "geocoded.csv"
    write_csv(dest, out, REVIEW_COLUMNS)
    counts: dict[str, int] = {}
    for r in out:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    click.echo(f"wrote {dest} ({', '.join(f'{k} {v}' for k, v in sorted(counts.items())) or 'nothing to ask'})")
