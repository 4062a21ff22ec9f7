"""Resolve the review queue (names the gazetteer lacks) through online geocoders: opt-in, polite, cached.

Nothing here runs unless a person asks for a provider. Every request goes through geopy's
``RateLimiter`` (1 request per second for Nominatim, as its usage policy asks), with retries and a
growing wait after errors. Answers are kept in a SQLite cache (``<build>/geocode-cache.sqlite``) keyed by
provider and query, so no name is ever asked twice. Results are written for review
(``<build>/geocoded.csv``), never added to the curated gazetteer: ``geo gazetteer add`` promotes one.

Coordinates are ``(lon, lat)`` everywhere here; geopy speaks ``(lat, lon)`` and is swapped at the call.

>>> cache = Cache(":memory:")
>>> calls = []
>>> def fake(query):
...     calls.append(query)
...     return [Hit("Hanano, Aleppo, Syria", 37.185, 36.224)]
>>> rows = resolve([("Hanano", 3)], fake, cache, "fake")
>>> rows[0]["status"], rows[0]["lon"], rows[0]["km_from_centre"]
('found', 37.185, 3.4)
>>> resolve([("Hanano", 3)], fake, cache, "fake")[0]["status"], len(calls)
('cached', 1)
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from geo.places.gazetteer import ALEPPO_CENTRE

#: Providers geopy knows that `geo geocode` may ask, and the minimum seconds between two requests.
PROVIDERS = {"nominatim": 1.0, "photon": 1.0, "geonames": 1.0}
#: The bias when the data directory declares no study area: a box around Aleppo governorate,
#: (west, south, east, north) in degrees, and the Citadel.
ALEPPO_BOX = (36.5, 35.8, 38.4, 36.8)
#: Results farther than this from the study area's centre are kept but flagged: a homonym elsewhere is likely.
FAR_KM = 80.0
REVIEW_COLUMNS = ["name", "count", "status", "provider", "lon", "lat", "km_from_centre", "display_name",
                  "candidates", "error"]


@dataclass(frozen=True)
class Hit:
    """One answer of a geocoder: its label and where it is (lon, lat)."""

    display_name: str
    lon: float
    lat: float


class Cache:
    """Answers by (provider, query) in SQLite; ``":memory:"`` for tests."""

    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path)
        self.db.execute("CREATE TABLE IF NOT EXISTS answers (provider TEXT, query TEXT, hits TEXT, asked REAL, "
                        "PRIMARY KEY (provider, query))")

    def get(self, provider: str, query: str) -> list[Hit] | None:
        row = self.db.execute("SELECT hits FROM answers WHERE provider=? AND query=?", (provider, query)).fetchone()
        return [Hit(**h) for h in json.loads(row[0])] if row else None

    def put(self, provider: str, query: str, hits: list[Hit]) -> None:
        self.db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
                        (provider, query, json.dumps([h.__dict__ for h in hits], ensure_ascii=False), time.time()))
        self.db.commit()

    def close(self) -> None:
        self.db.close()


def km_between(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in km (haversine, mean Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def resolve(names: Iterable[tuple[str, int]], ask: Callable[[str], list[Hit]], cache: Cache, provider: str,
            log: Callable[[str], None] = lambda _m: None,
            centre: tuple[float, float] = ALEPPO_CENTRE) -> list[dict[str, Any]]:
    """One review row per name: the cached answer, else ``ask(name)``; the hit nearest ``centre`` (lon, lat:
    the study area's) first.

    ``ask`` raises on failure (after its own retries); the name is then ``error`` and nothing is cached,
    so a later run asks again.
    """
    rows = []
    names = list(names)
    for i, (name, count) in enumerate(names, 1):
        row: dict[str, Any] = {"name": name, "count": count, "provider": provider, "error": ""}
        hits = cache.get(provider, name)
        if hits is not None:
            row["status"] = "cached"
        else:
            try:
                hits = ask(name)
            except Exception as exc:  # noqa: BLE001 - any provider failure is reported per name
                row.update(status="error", error=" ".join(str(exc).split())[:200] or type(exc).__name__)
                rows.append(_fill(row, [], centre))
                log(f"  [{i}/{len(names)}] {name}: error: {row['error']}")
                continue
            cache.put(provider, name, hits)
            row["status"] = "found" if hits else "not_found"
        rows.append(_fill(row, hits, centre))
        log(f"  [{i}/{len(names)}] {name}: {row['status']}"
            + (f" -> {row['display_name']} ({row['km_from_centre']} km from the centre)" if hits else ""))
    return rows


def cached(names: Iterable[tuple[str, int]], cache: Cache,
           centre: tuple[float, float] = ALEPPO_CENTRE) -> list[dict[str, Any]]:
    """Review rows from the cache alone (no network): the first provider that answered, else not_asked."""
    rows = []
    for name, count in names:
        row: dict[str, Any] = {"name": name, "count": count, "provider": "", "status": "not_asked", "error": ""}
        for provider in sorted(PROVIDERS):
            hits = cache.get(provider, name)
            if hits is not None:
                row.update(provider=provider, status="cached")
                break
        rows.append(_fill(row, hits or [], centre))
    return rows


def _fill(row: dict[str, Any], hits: list[Hit], centre: tuple[float, float] = ALEPPO_CENTRE) -> dict[str, Any]:
    ranked = sorted(hits, key=lambda h: km_between(h.lon, h.lat, *centre))
    best = ranked[0] if ranked else None
    if row.get("status") == "found" and best and km_between(best.lon, best.lat, *centre) > FAR_KM:
        row["status"] = "found_far"
    row.update(lon=round(best.lon, 5) if best else "", lat=round(best.lat, 5) if best else "",
               km_from_centre=round(km_between(best.lon, best.lat, *centre), 1) if best else "",
               display_name=best.display_name if best else "",
               candidates=len(hits))
    return row


def geopy_asker(provider: str, user_agent: str, *, username: str | None = None, domain: str | None = None,
                scheme: str | None = None, timeout: float = 10.0, retries: int = 2, error_wait: float = 5.0,
                min_delay: float | None = None, sleep: Callable[[float], None] = time.sleep,
                box: tuple[float, float, float, float] = ALEPPO_BOX,
                centre: tuple[float, float] = ALEPPO_CENTRE, country: str = "sy") -> Callable[[str], list[Hit]]:
    """A function name -> hits for one geopy provider, behind geopy's RateLimiter, biased towards the study
    area: its ``box`` (west, south, east, north), ``centre`` (lon, lat) and ``country`` (ISO two letters).

    ``domain``/``scheme`` point at another server (a self-hosted Nominatim, or a test server on 127.0.0.1).
    geopy's RateLimiter keeps ``min_delay`` seconds between requests. Transient failures (time-outs,
    HTTP 429 and 5xx) are retried ``retries`` times with exponential backoff: ``error_wait`` seconds, then
    twice that, and so on, or the server's Retry-After when it sends one. Other errors (a refused
    account, a bad query) fail at once.
    """
    from geopy import exc as gexc
    from geopy.extra.rate_limiter import RateLimiter

    if provider not in PROVIDERS:
        raise ValueError(f"unknown provider {provider!r} (choose from {', '.join(PROVIDERS)})")
    if not user_agent or "geopy" in user_agent.lower():
        raise ValueError("a real user agent naming you is required (e.g. 'geo-review/0.1 you@example.org')")
    kw: dict[str, Any] = {"timeout": timeout}
    if domain:
        kw["domain"] = domain
    if scheme:
        kw["scheme"] = scheme
    west, south, east, north = box
    if provider == "nominatim":
        from geopy.geocoders import Nominatim

        g = Nominatim(user_agent=user_agent, **kw)
        # geopy's viewbox is two (lat, lon) corners: the swap from (lon, lat) happens here
        call = lambda q: g.geocode(q, exactly_one=False, limit=5, viewbox=[(south, west), (north, east)],  # noqa: E731
                                   bounded=False, country_codes=country or None, language="en")
    elif provider == "photon":
        from geopy.geocoders import Photon

        g = Photon(user_agent=user_agent, **kw)
        call = lambda q: g.geocode(q, exactly_one=False, limit=5, location_bias=(centre[1], centre[0]))  # noqa: E731
    else:
        from geopy.geocoders import GeoNames

        if not username:
            raise ValueError("the geonames provider needs --username (a free GeoNames account)")
        g = GeoNames(username=username, user_agent=user_agent, **kw)
        call = lambda q: g.geocode(q, exactly_one=False, country="SY")  # noqa: E731
    delay = PROVIDERS[provider] if min_delay is None else min_delay
    limited = RateLimiter(call, min_delay_seconds=delay, max_retries=0, error_wait_seconds=max(delay, 0.0),
                          swallow_exceptions=False)
    # geopy's hierarchy: GeocoderRateLimited is a GeocoderQueryError, itself a GeocoderServiceError.
    final = (gexc.GeocoderAuthenticationFailure, gexc.GeocoderInsufficientPrivileges, gexc.GeocoderQueryError,
             gexc.ConfigurationError)

    def transient(e: Exception) -> bool:
        return isinstance(e, gexc.GeocoderRateLimited) or (
            isinstance(e, gexc.GeocoderServiceError | gexc.GeocoderTimedOut) and not isinstance(e, final))

    def ask(query: str) -> list[Hit]:
        for attempt in range(retries + 1):
            try:
                found = limited(query) or []
                break
            except gexc.GeopyError as e:
                if not transient(e) or attempt == retries:
                    raise
                wait = getattr(e, "retry_after", None) or error_wait * 2 ** attempt
                sleep(float(wait))
        # geopy Location: .latitude, .longitude; stored (lon, lat)
        return [Hit(str(loc.address), float(loc.longitude), float(loc.latitude)) for loc in found]

    return ask
