"""geo geocode: offline by default, cached, rate-limited, retried; tested against a server on 127.0.0.1."""

import csv
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from click.testing import CliRunner

from geo.cli.main import main
from geo.places.geocode import Cache, Hit, geopy_asker, resolve

UA = "geo-tests/1.0 (tests@example.org)"


class FakeNominatim(BaseHTTPRequestHandler):
    """/search answers like Nominatim; some names fail first or always, to exercise retries."""

    calls: list[str] = []
    flaky: dict[str, int] = {}

    def do_GET(self):  # noqa: N802 - http.server's name
        q = parse_qs(urlparse(self.path).query)
        name = q.get("q", [""])[0]
        FakeNominatim.calls.append(name)
        if name == "Always Down":
            return self._send(503, {"error": "down"})
        if name == "Too Fast":
            self.send_response(429)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return None
        left = FakeNominatim.flaky.get(name, 0)
        if left:
            FakeNominatim.flaky[name] = left - 1
            return self._send(500, {"error": "try again"})
        if name == "Nowhere":
            return self._send(200, [])
        if name == "Queiq":
            return self._send(200, [{"lat": "36.21", "lon": "37.15", "display_name": "Queiq, Aleppo, Syria",
                                     "place_id": 1, "osm_type": "way", "boundingbox": ["0", "1", "0", "1"]},
                                    {"lat": "33.5", "lon": "36.3", "display_name": "Queiq, Damascus, Syria",
                                     "place_id": 2, "osm_type": "way", "boundingbox": ["0", "1", "0", "1"]}])
        return self._send(200, [{"lat": "40.7", "lon": "-74.0", "display_name": f"{name}, USA", "place_id": 3,
                                 "osm_type": "node", "boundingbox": ["0", "1", "0", "1"]}])

    def _send(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    FakeNominatim.calls, FakeNominatim.flaky = [], {"Queiq": 2}
    srv = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def asker(domain, retries=2):
    return geopy_asker("nominatim", UA, domain=domain, scheme="http", min_delay=0, error_wait=0.01,
                       retries=retries, sleep=lambda s: None)


def test_retries_then_answers_nearest_aleppo_first_and_caches(server):
    cache = Cache(":memory:")
    rows = resolve([("Queiq", 3)], asker(server), cache, "nominatim")
    assert FakeNominatim.calls == ["Queiq"] * 3  # two 500s, then the answer
    assert rows[0]["status"] == "found" and rows[0]["display_name"] == "Queiq, Aleppo, Syria"
    assert (rows[0]["lon"], rows[0]["lat"]) == (37.15, 36.21) and rows[0]["candidates"] == 2
    again = resolve([("Queiq", 3)], asker(server), cache, "nominatim")
    assert again[0]["status"] == "cached" and len(FakeNominatim.calls) == 3  # never asked twice


def test_failures_are_reported_per_name_and_not_cached(server):
    cache = Cache(":memory:")
    rows = resolve([("Always Down", 1), ("Too Fast", 1), ("Nowhere", 1), ("New York", 2)], asker(server, retries=1),
                   cache, "nominatim")
    status = {r["name"]: r["status"] for r in rows}
    assert status == {"Always Down": "error", "Too Fast": "error", "Nowhere": "not_found", "New York": "found_far"}
    assert FakeNominatim.calls.count("Always Down") == 2  # one try, one retry
    assert FakeNominatim.calls.count("Too Fast") >= 2  # (the HTTP adapter may also retry a 429 itself)
    assert cache.get("nominatim", "Always Down") is None and cache.get("nominatim", "Nowhere") == []


def test_a_real_user_agent_is_required():
    with pytest.raises(ValueError, match="user agent"):
        geopy_asker("nominatim", "")
    with pytest.raises(ValueError, match="username"):
        geopy_asker("geonames", UA)


def _queue(tmp_path: Path) -> Path:
    build = tmp_path / "build"
    build.mkdir()
    with (build / "unresolved.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "count", "articles", "sentence"])
        w.writerow(["Queiq", "3", "a b", "on the Queiq."])
        w.writerow(["New York", "1", "a", "in New York."])
    return build


def test_the_command_is_offline_by_default_then_asks_and_writes_a_review_file(tmp_path, server, monkeypatch):
    build = _queue(tmp_path)
    import socket

    real = socket.socket.connect

    def no_network(self, addr):  # offline must not open any connection
        raise AssertionError(f"network used offline: {addr}")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    r = CliRunner().invoke(main, ["geocode", "--build-dir", str(build)])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader((build / "geocoded.csv").open(encoding="utf-8")))
    assert [x["status"] for x in rows] == ["not_asked", "not_asked"]
    monkeypatch.setattr(socket.socket, "connect", real)

    monkeypatch.setattr("geo.places.geocode.PROVIDERS", {"nominatim": 0.0, "photon": 0.0, "geonames": 0.0})
    FakeNominatim.flaky = {}
    r = CliRunner().invoke(main, ["geocode", "--build-dir", str(build), "--provider", "nominatim",
                                  "--user-agent", UA, "--domain", f"http://{server}"])
    assert r.exit_code == 0, r.output
    rows = {x["name"]: x for x in csv.DictReader((build / "geocoded.csv").open(encoding="utf-8"))}
    assert rows["Queiq"]["status"] == "found" and rows["New York"]["status"] == "found_far"
    # offline again: the cache answers
    monkeypatch.setattr(socket.socket, "connect", no_network)
    r = CliRunner().invoke(main, ["geocode", "--build-dir", str(build)])
    rows = {x["name"]: x for x in csv.DictReader((build / "geocoded.csv").open(encoding="utf-8"))}
    assert rows["Queiq"]["status"] == "cached" and rows["Queiq"]["lon"] == "37.15"


def test_a_missing_queue_or_user_agent_is_one_line_and_non_zero(tmp_path):
    r = CliRunner().invoke(main, ["geocode", "--build-dir", str(tmp_path / "none")])
    assert r.exit_code == 1 and "no review queue" in r.output
    build = _queue(tmp_path)
    r = CliRunner().invoke(main, ["geocode", "--build-dir", str(build), "--provider", "nominatim"])
    assert r.exit_code == 1 and "user agent" in r.output


def test_fake_provider_hits_are_lon_lat():
    rows = resolve([("x", 1)], lambda q: [Hit("x", 37.1, 36.2)], Cache(":memory:"), "fake")
    assert (rows[0]["lon"], rows[0]["lat"]) == (37.1, 36.2)
