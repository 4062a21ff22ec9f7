"""The map as a person sees it: headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

Network off (every non-file request aborted). Builds its own maps in a temporary directory: the default
dataset, plus one article full of hostile HTML/JS that must never run.
"""

import shutil
from pathlib import Path

import geopandas as gpd
import pytest

from geo import pipeline
from geo.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium not installed (apt-get install chromium)"),
    pytest.mark.skipif(not (ROOT / "node_modules" / "leaflet").is_dir(), reason="run `make install` (npm ci)"),
]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-quic", "--disable-sync"]
HOSTILE_ARTICLE = """---
id: 2016-11-28-hostile.en
title: "<script>window.__xss=1</script>Army takes Bayyada"
date: 2016-11-28
source: "<img src=x onerror=window.__xss=1>"
url: "javascript:window.__xss=1"
lang: en
---
The Syrian army captured al-Bayyada on Sunday <img src=x onerror="window.__xss=1"> "'><svg onload=window.__xss=1>, state TV said.
"""

# Finds the folium map object and the events layer, whatever their generated names.
FIND = """() => {
  const map = window[Object.keys(window).find(k => k.startsWith('map_') && window[k] && window[k].getCenter)];
  return map;
}"""


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def build(tmp_path: Path, extra: str | None = None) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns("build"))
    if extra:
        (data / "articles" / "2016-11-28-hostile.en.md").write_text(extra, encoding="utf-8")
    return pipeline.build(Settings.resolve(data, tmp_path / "build"))


def open_page(browser, html: Path):
    page = browser.new_page(viewport={"width": 1200, "height": 850})
    errors: list[str] = []
    blocked: list[str] = []

    def route(r):
        if r.request.url.startswith("file:"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    # Offline: a refused tile is expected (tiles are simply absent); anything else is an error.
    page.on("console", lambda m: errors.append(m.text) if m.type == "error"
            and "Failed to load resource" not in m.text else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", route)
    page.blocked = blocked
    page.goto(html.as_uri())
    page.wait_for_timeout(800)
    return page, errors


def set_slider(page, where: str) -> str:
    page.locator(".leaflet-timeline-control input[type=range]").evaluate(
        f"e => {{ e.value = e.{where}; e.dispatchEvent(new Event('input')); e.dispatchEvent(new Event('change')); }}")
    page.wait_for_timeout(250)
    return page.locator(".leaflet-timeline-control output").inner_text()


def drawn(page) -> dict:
    """Polygons and markers on the map, by the layers' own state (canvas or SVG alike)."""
    return page.evaluate("""() => {
      const map = (""" + FIND + """)();
      let polys = 0, marks = 0, colours = new Set();
      map.eachLayer(l => {
        if (l instanceof L.CircleMarker) marks++;
        else if (l instanceof L.Polygon) { polys++; colours.add(l.options.fillColor); }
      });
      return {polys, marks, colours: [...colours].sort()};
    }""")


def open_popup(page, place_name: str, type_: str = "") -> str:
    """Click the first event marker of a place (and type) where a person would; return the popup's text."""
    pt = page.evaluate("""([name, type]) => {
      const map = (""" + FIND + """)();
      let found = null;
      map.eachLayer(l => { if (!found && l instanceof L.CircleMarker && l.feature
                              && (!name || l.feature.properties.place_name === name)
                              && (!type || l.feature.properties.type === type)) found = l; });
      const p = map.latLngToContainerPoint(found.getLatLng());
      const r = map.getContainer().getBoundingClientRect();
      return [p.x + r.left, p.y + r.top];
    }""", [place_name, type_])
    page.mouse.click(pt[0], pt[1])
    page.wait_for_selector(".leaflet-popup-content", timeout=3000)
    return page.locator(".leaflet-popup-content").inner_text()


def test_default_map_draws_moves_and_shows_escaped_popups(browser, tmp_path):
    page, errors = open_page(browser, build(tmp_path))
    assert errors == []
    assert set_slider(page, "min") == "2016-07-01"
    first = drawn(page)
    assert first["polys"] >= 3 and "#31a354" in first["colours"]  # opposition green in July
    last_date = set_slider(page, "max")
    last = drawn(page)
    # the slider ends on the last date of the data: the last snapshot, later than any event
    assert last_date == "2016-12-22" and last["marks"] > first["marks"] >= 0
    assert "#31a354" not in last["colours"]  # no opposition area after 22 December
    text = open_popup(page, "Kindi hospital", "capture")  # an outskirt with one event: no marker above it
    assert "capture" in text.lower() and "Sources" in text
    assert page.locator("svg, canvas").count() > 0
    assert errors == []
    assert page.blocked and all("{z}" not in u and ("tile" in u or "basemaps" in u) for u in page.blocked)
    page.close()


def slide_to(page, day: str) -> None:
    y, m, d = (int(x) for x in day.split("-"))
    page.locator(".leaflet-timeline-control input[type=range]").evaluate(
        f"e => {{ e.value = Date.UTC({y}, {m - 1}, {d}); e.dispatchEvent(new Event('input'));"
        " e.dispatchEvent(new Event('change')); }")
    page.wait_for_timeout(250)


def fill_at(page, lon: float, lat: float) -> list[str]:
    """Fill colours of the control polygons drawn over a point (ray casting on the layers' own rings)."""
    return page.evaluate("""([x, y]) => {
      const map = (""" + FIND + """)();
      const inRing = r => { let c = false;
        for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
          const a = r[i], b = r[j];
          if ((a.lat > y) !== (b.lat > y) && x < (b.lng - a.lng) * (y - a.lat) / (b.lat - a.lat) + a.lng) c = !c; }
        return c; };
      const rings = ll => Array.isArray(ll[0]) ? ll.flatMap(rings) : [ll];
      const out = [];
      map.eachLayer(l => {
        if (!(l instanceof L.Polygon) || l.options.fillOpacity < 0.3) return;  // control areas, not outlines
        const rs = rings(l.getLatLngs()); let inside = false;
        rs.forEach(r => { if (inRing(r)) inside = !inside; });  // holes flip it back
        if (inside) out.push(l.options.fillColor); });
      return out; }""", [lon, lat])


def test_outskirts_are_drawn_and_change_hands(browser, tmp_path):
    """The 1070 Apartments: rebel-held on 1 November, the army's from 8 November (a drawn footprint)."""
    page, errors = open_page(browser, build(tmp_path))
    lon, lat = 37.1175, 36.1718  # inside the drawn footprint, in the south of al-Hamdaniyeh V
    slide_to(page, "2016-11-01")
    assert fill_at(page, lon, lat) == ["#31a354"]  # opposition
    slide_to(page, "2016-11-09")
    assert fill_at(page, lon, lat) == ["#d7301f"]  # government
    assert errors == []
    page.close()


def test_hostile_article_text_never_runs(browser, tmp_path):
    page, errors = open_page(browser, build(tmp_path, HOSTILE_ARTICLE))
    set_slider(page, "max")
    sakhour = page.evaluate("""() => { const map = (""" + FIND + """)(); const names = [];
      map.eachLayer(l => { if (l instanceof L.CircleMarker && l.feature) names.push(l.feature.properties.place_name); });
      return names.filter(n => /bayyada/i.test(n)); }""")
    assert sakhour, "the hostile article should still give an event at al-Bayyada (a place no sample names)"
    text = open_popup(page, sakhour[0], "capture")
    assert "<img src=x" in text  # shown literally, as text
    assert "<script>" in text or "Army takes Bayyada" in text
    for a in page.locator(".leaflet-popup-content a").all():
        assert a.get_attribute("href").startswith(("http://", "https://"))
        a.click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.locator(".leaflet-popup-content img, .leaflet-popup-content svg, "
                        ".leaflet-popup-content script").count() == 0
    assert errors == []
    page.close()


def test_panel_follows_the_slider_and_the_tools_are_there_offline(browser, tmp_path):
    page, errors = open_page(browser, build(tmp_path))
    set_slider(page, "min")
    first = page.locator("#geo-panel").inner_text()
    assert "Control on 2016-07-01" in first and "km²" in first and "Opposition" in first
    set_slider(page, "max")
    last = page.locator("#geo-panel").inner_text()
    assert "Opposition" not in last.split("Changed hands")[0].split("No change")[0]  # no rebel area left
    # a date on which reports moved lines lists what changed hands and how many reports say so
    page.locator(".leaflet-timeline-control input[type=range]").evaluate(
        "e => { e.value = Date.UTC(2016, 10, 28); e.dispatchEvent(new Event('input'));"
        " e.dispatchEvent(new Event('change')); }")
    page.wait_for_timeout(250)
    mid = page.locator("#geo-panel").inner_text()
    assert "Changed hands on 2016-11-28" in mid and "→" in mid
    # recent events stand out: at least one marker drawn with the thick outline
    thick = page.evaluate("""() => { const map = (""" + FIND + """)(); let n = 0;
      map.eachLayer(l => { if (l instanceof L.CircleMarker && l.feature && l.options.weight === 3) n++; });
      return n; }""")
    assert thick > 0
    # the tools: fullscreen, measure, draw (with export), place search; four base layers incl. no tiles
    for sel in (".leaflet-control-zoom-fullscreen", ".leaflet-control-measure", ".leaflet-draw", ".geo-search"):
        assert page.locator(sel).count() == 1, sel
    assert page.get_by_text("No tiles").count() == 1 and page.get_by_text("CartoDB Positron").count() == 1
    page.locator(".geo-search input").press_sequentially("Sheikh Maq", delay=30)
    page.wait_for_timeout(300)
    assert "Sheikh Maqsoud" in page.locator(".geo-search ul").inner_text()  # a spelling typed so far
    assert errors == []
    page.close()


def set_day(page, day: str) -> str:
    """Move the slider to 00:00 UTC of ``day`` (ISO) as a person dragging it there would."""
    page.locator(".leaflet-timeline-control input[type=range]").evaluate(
        f"e => {{ e.value = Date.parse('{day}T00:00:00Z'); e.dispatchEvent(new Event('input'));"
        " e.dispatchEvent(new Event('change')); }")
    page.wait_for_timeout(250)
    return page.locator(".leaflet-timeline-control output").inner_text()


def click_district(page, name: str) -> str:
    """Click inside a district where no event marker is drawn, as a person would; return the popup's text."""
    pt = page.evaluate("""(name) => {
      const map = (""" + FIND + """)();
      let found = null; const marks = [];
      map.eachLayer(l => {
        if (l instanceof L.CircleMarker) marks.push(map.latLngToLayerPoint(l.getLatLng()));
        else if (!found && l instanceof L.Polygon && l.feature && l.feature.properties.lx !== undefined
                 && l.feature.properties.name === name) found = l;
      });
      const b = found._pxBounds, inside = q => [[0, 0], [5, 0], [-5, 0], [0, 5], [0, -5]].every(
        d => found._containsPoint(L.point(q.x + d[0], q.y + d[1])));  // well inside, not on an edge
      for (let y = Math.ceil(b.min.y); y < b.max.y; y += 3) for (let x = Math.ceil(b.min.x); x < b.max.x; x += 3) {
        const q = L.point(x, y);
        if (inside(q) && marks.every(m => m.distanceTo(q) > 14)) {
          const c = map.layerPointToContainerPoint(q), r = map.getContainer().getBoundingClientRect();
          return [c.x + r.left, c.y + r.top];
        }
      }
      return null;
    }""", name)
    page.mouse.click(pt[0], pt[1])
    page.wait_for_selector(".leaflet-popup-content", timeout=3000)
    return page.locator(".leaflet-popup-content").inner_text()


def test_districts_are_named_and_say_who_held_them_offline(browser, tmp_path):
    page, errors = open_page(browser, build(tmp_path))
    # offline, the refused tiles give way to the blank base: the project's outlines and names on paper
    assert page.locator(".leaflet-container.geo-offline").count() == 1
    assert page.locator(".leaflet-control-layers-base input:checked + span").inner_text().strip() == "No tiles"
    # names are written on the map at the default zoom, without hovering, and never on top of each other
    boxes = page.locator(".geo-label span").evaluate_all("els => els.map(e => e.getBoundingClientRect())"
                                                         ".map(r => [r.left, r.top, r.right, r.bottom])")
    assert len(boxes) >= 15
    assert page.get_by_text("Hanano", exact=True).count() == 1 and page.get_by_text("Hanano", exact=True).is_visible()
    overlaps = [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
                if a[0] < b[2] - 2 and b[0] < a[2] - 2 and a[1] < b[3] - 2 and b[1] < a[3] - 2]
    assert overlaps == []
    # zooming in writes more names
    page.evaluate("() => { (" + FIND + ")().zoomIn(2); }")
    page.wait_for_timeout(600)
    assert page.locator(".geo-label").count() > len(boxes)
    page.evaluate("() => { (" + FIND + ")().zoomOut(2); }")
    page.wait_for_timeout(600)
    # a click on a district: its name, Arabic spelling, holder on the slider's date, since when, and why
    assert set_day(page, "2016-11-28") == "2016-11-28"
    text = click_district(page, "al-Haydariyeh")
    assert "al-Haydariyeh" in text and "الحيدرية" in text
    assert "Held on 2016-11-28: Government and allies" in text and "Since: 2016-11-28" in text
    assert "Changed hands: 2016-11-28: Opposition" in text and "(rule: " in text and "Why: " in text
    # the report about this district behind the change, not the others the same change stands on
    assert "capture at al-Haydariyeh, 2016-11-28" in text and "Sheikh Kheder" not in text
    page.keyboard.press("Escape")
    set_day(page, "2016-08-01")
    assert "Held on 2016-08-01: Opposition" in click_district(page, "al-Haydariyeh")
    page.keyboard.press("Escape")
    # the panel lists the reports behind each change of the day, as geo diff does
    set_day(page, "2016-11-28")
    panel = page.locator("#geo-panel").inner_text()
    assert "Changed hands on 2016-11-28" in panel and "rule: " in panel and "capture at al-Haydariyeh" in panel
    # only the sides on the map are in the legend, by their display names
    legend = page.locator(".geo-legend").inner_text()
    assert "Government and allies" in legend and "Islamic State" not in legend
    text = open_popup(page, "Kindi hospital", "capture")
    assert "Side: Government and allies" in text
    assert errors == []
    page.close()


def test_search_finds_every_spelling_folded_as_the_reader_folds_it(browser, tmp_path):
    import pandas as pd

    from geo.places import fold

    page, errors = open_page(browser, build(tmp_path))
    box = page.locator(".geo-search input")

    def search(q: str) -> list[str]:
        box.fill("")
        box.press_sequentially(q, delay=10)
        page.wait_for_timeout(200)
        return page.locator(".geo-search li").all_inner_texts()

    assert search("Cheikh Said")[0].startswith("Sheikh Sa'eed")  # a French spelling, folded
    assert search("الحيدرية")[0].startswith("al-Haydariyeh")  # Arabic script
    assert search("1070 Appartements")[0].startswith("1070 Apartments")
    assert search("Zzyzx") == []
    # Enter takes the first: the map flies there and opens the district's popup
    search("Cheikh Said")
    box.press("Enter")
    page.wait_for_selector(".leaflet-popup-content", timeout=5000)
    assert "Sheikh Sa'eed" in page.locator(".leaflet-popup-content").inner_text()
    # the page folds as the reader does: every spelling of the gazetteer gets the same key in both
    names = sorted(set(pd.read_csv(ROOT / "data" / "gazetteer" / "aliases.csv", dtype=str).fillna("").alias) - {""})
    js = page.evaluate("(names) => names.map(geoFold)", names)
    assert [(n, k) for n, k in zip(names, js, strict=True) if fold(n) != k] == []
    assert errors == []
    page.close()


def test_the_event_feed_follows_the_slider_filters_and_flies_to_an_event(browser, tmp_path):
    page, errors = open_page(browser, build(tmp_path))
    page.wait_for_function("() => window.__geoReady === true", timeout=10000)
    # the feed fills when the browser is idle, after the map is drawn
    page.wait_for_function("() => document.querySelector('.geo-feed-count').textContent !== ''", timeout=5000)
    feed = page.locator("#geo-feed")
    assert feed.is_visible() and feed.bounding_box()["x"] >= 1200 - 330  # a column beside the map
    first = set_slider(page, "min")
    page.wait_for_timeout(200)
    # at the first snapshot's date: only what is dated up to it (background such as "held since 2012")
    events = gpd.read_file(tmp_path / "build" / "events.gpkg", layer="events")
    assert page.locator(".geo-feed-list li").count() == int((events["date"] <= first[:10]).sum())
    set_day(page, "2016-11-28")
    page.wait_for_timeout(200)
    items = page.locator(".geo-feed-list li").all_inner_texts()
    dates = [t[:10] for t in items]
    assert items and dates == sorted(dates, reverse=True) and max(dates) <= "2016-11-28"  # newest first, none later
    assert page.locator(".geo-feed-count").inner_text().startswith(f"{len(items)} events to 2016-11-28")
    # filters: one side, one type, words of the reports
    page.locator("[data-filter=faction]").select_option("opposition")
    page.wait_for_timeout(150)
    sides = page.locator(".geo-feed-who").all_inner_texts()
    assert sides and all(t.startswith("Opposition") for t in sides)
    page.locator("[data-filter=faction]").select_option("")
    page.locator("[data-filter=type]").select_option("capture")
    page.wait_for_timeout(150)
    assert all(" · capture at " in t for t in page.locator(".geo-feed-list li b").all_inner_texts())
    page.locator("[data-filter=type]").select_option("")
    page.locator(".geo-feed-tools input").fill("Haidariya")
    page.wait_for_timeout(300)
    hits = page.locator(".geo-feed-list li").all_inner_texts()
    assert hits and all("Haidariya" in t or "Haydariyeh" in t for t in hits)
    # a click flies to the event and opens its popup
    page.locator(".geo-feed-list li").first.click()
    page.wait_for_selector(".leaflet-popup-content", timeout=5000)
    assert "al-Haydariyeh" in page.locator(".leaflet-popup-content").inner_text()
    assert errors == []
    page.close()


def boxes(page, selectors: dict[str, str]) -> dict[str, list[float]]:
    """Each element's box on screen, [left, top, right, bottom] (hidden ones left out)."""
    out = {}
    for name, sel in selectors.items():
        b = page.locator(sel).first.bounding_box() if page.locator(sel).count() else None
        if b and b["width"] and b["height"]:
            out[name] = [b["x"], b["y"], b["x"] + b["width"], b["y"] + b["height"]]
    return out


def overlapping(bx: dict[str, list[float]]) -> list[tuple[str, str]]:
    names = sorted(bx)
    return [(a, b) for i, a in enumerate(names) for b in names[i + 1:]
            if bx[a][0] < bx[b][2] - 1 and bx[b][0] < bx[a][2] - 1 and bx[a][1] < bx[b][3] - 1 and bx[b][1] < bx[a][3] - 1]


def test_a_phone_sees_title_slider_and_folded_panels_side_by_side(browser, tmp_path):
    html = build(tmp_path)
    page = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(html.as_uri())
    page.wait_for_timeout(1000)
    parts = {"title": ".geo-title", "slider": ".leaflet-timeline-control", "legend": ".geo-legend",
             "panel": ".geo-panel", "layers": ".leaflet-control-layers:not(.leaflet-timeline-control)",
             "search": ".geo-search", "zoom": ".leaflet-control-zoom", "feed": ".geo-feed"}
    folded = boxes(page, parts)
    assert set(folded) == set(parts), folded
    assert overlapping(folded) == []
    assert all(b[0] >= 0 and b[2] <= 390 and b[1] >= 0 and b[3] <= 844 for b in folded.values()), folded
    # the layer list is folded to one button; a tap opens it, a tap on the map folds it again
    assert folded["layers"][2] - folded["layers"][0] < 120
    assert not page.locator(".leaflet-control-layers-list").first.is_visible()
    page.locator(".leaflet-control-layers-toggle").tap()
    page.wait_for_timeout(200)
    assert page.get_by_text("Place names").is_visible()
    page.mouse.click(200, 610)  # the map, under the open list
    page.wait_for_timeout(200)
    assert not page.get_by_text("Place names").is_visible()
    # legend and panel unfold on a tap and still leave the slider and the title alone
    page.locator(".geo-legend summary").tap()
    page.locator(".geo-panel summary").tap()
    page.wait_for_timeout(200)
    opened = boxes(page, {k: parts[k] for k in ("title", "slider", "legend", "panel")})
    assert page.get_by_text("Control on 2016-07-01").is_visible() and overlapping(opened) == [], opened
    # the slider's thumb is big enough for a thumb
    assert page.locator(".leaflet-timeline-control input[type=range]").bounding_box()["height"] >= 28
    assert errors == []
    page.close()


def test_many_events_open_clustered_and_follow_the_slider(browser, tmp_path):
    import json as _json

    import geopandas as gpd
    import numpy as np

    from geo.map.assets import inline_assets
    from geo.map.render import CLUSTER_FROM, build_map
    from geo.model import CRS_STORAGE, EVENT_COLUMNS
    from geo.read.factions import load_factions

    n = CLUSTER_FROM + 200
    rng = np.random.default_rng(1)
    days = (np.datetime64("2016-11-01") + rng.integers(0, 40, n)).astype(str)
    rows = [{c: "" for c in EVENT_COLUMNS} | {"id": f"e{i}", "type": "capture", "status": "claimed",
            "faction": "government", "place_name": f"P{i % 50}", "date": days[i], "date_first": days[i],
            "date_last": days[i], "n_sources": 1, "sources": '["SOHR"]', "sentences": _json.dumps([f"s{i}"]),
            "urls": '["https://example.org/a"]', "titles": '["T"]', "confidence": 0.5, "precision": 1}
            for i in range(n)]
    evs = gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy(rng.uniform(37.1, 37.2, n), rng.uniform(36.15, 36.25, n)),
                           crs=CRS_STORAGE)
    ctl = gpd.GeoDataFrame({"faction": ["government"], "valid_from": ["2016-11-01"], "valid_to": [""]},
                           geometry=[gpd.GeoSeries.from_xy([37.15], [36.2]).buffer(0.1).iloc[0]], crs=CRS_STORAGE)
    page_file = tmp_path / "many.html"
    page_file.write_text(inline_assets(build_map(ctl, evs, load_factions(ROOT / "data" / "factions.yaml"))
                                       .get_root().render()), encoding="utf-8")
    page, errors = open_page(browser, page_file)
    page.wait_for_function("() => window.__geoReady === true", timeout=20000)
    set_slider(page, "min")
    page.wait_for_timeout(600)
    early = page.locator(".marker-cluster").count()
    set_slider(page, "max")
    page.wait_for_timeout(1200)
    late = page.evaluate("""() => Array.from(document.querySelectorAll('.marker-cluster span'))
                              .reduce((s, e) => s + parseInt(e.textContent), 0)""")
    assert page.get_by_text(f"Events, clustered ({n})").count() == 1
    assert early >= 1 and late > 1000  # every event up to the last date is in a cluster
    assert errors == []
    page.close()


def test_a_reviewed_event_is_ringed_and_its_popup_says_who_decided(browser, tmp_path, monkeypatch):
    import json as _json

    import geopandas as gpd

    from geo.review import Decision, record_decision

    monkeypatch.setenv("GEO_REVIEWER", "Browser test")
    html = build(tmp_path)
    data, b = tmp_path / "data", tmp_path / "build"
    events = gpd.read_file(b / "events.gpkg", layer="events")
    kindi = events[(events["place_name"] == "Kindi hospital") & (events["type"] == "capture")].iloc[0]
    claim = _json.loads(kindi["claim_ids"])[0]
    record_decision(data / "review" / "decisions.csv",
                    Decision(claim, "accept", note="<b>two agencies</b> agree"))  # markup stays text
    html = pipeline.build(Settings.resolve(data, b))
    page, errors = open_page(browser, html)
    set_slider(page, "max")
    text = open_popup(page, "Kindi hospital", "capture")
    assert "Confirmed by an analyst: <b>two agencies</b> agree" in text  # shown as text, never as markup
    ring = page.evaluate("""() => {
      const map = (""" + FIND + """)();
      let colour = null;
      map.eachLayer(l => { if (l instanceof L.CircleMarker && l.feature && l.feature.properties.review)
                             colour = [l.options.color, l.options.weight]; });
      return colour;
    }""")
    assert ring[0] == "#0057b8" and ring[1] >= 2.5  # the ring stays when the slider restyles old events
    assert errors == []
    page.close()
