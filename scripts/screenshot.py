"""Take docs/screenshot.png of a built map in headless Chromium (network off), slider on a given date.

    .venv/bin/python scripts/screenshot.py data/build/maps/aleppo-2016.html 2016-11-28
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-quic", "--disable-sync"]


def main(html: str, day: str, out: str = "docs/screenshot.png") -> None:
    ms = int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp() * 1000) + 3_600_000
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = b.new_page(viewport={"width": 1280, "height": 860})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        page.goto(Path(html).resolve().as_uri())
        page.wait_for_timeout(800)
        page.locator(".leaflet-timeline-control input[type=range]").evaluate(
            f"e => {{ e.value = {ms}; e.dispatchEvent(new Event('input')); e.dispatchEvent(new Event('change')); }}")
        page.wait_for_timeout(300)
        # open the popup of the latest capture on that date, as a reader would by clicking it
        pt = page.evaluate("""() => {
          const map = window[Object.keys(window).find(k => k.startsWith('map_') && window[k].getCenter)];
          let best = null;
          map.eachLayer(l => { if (l instanceof L.CircleMarker && l.feature && l.feature.properties.type === 'capture'
              && (!best || l.feature.properties.date > best.feature.properties.date)) best = l; });
          if (!best) return null;
          const p = map.latLngToContainerPoint(best.getLatLng()), r = map.getContainer().getBoundingClientRect();
          return [p.x + r.left, p.y + r.top];
        }""")
        if pt:
            page.mouse.click(pt[0], pt[1])
            page.wait_for_timeout(300)
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=out)
        b.close()
    print(out)


if __name__ == "__main__":
    main(*sys.argv[1:])
