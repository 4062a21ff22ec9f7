"""Places as real reports spell them: on ../shared/corpus/real, the mention finder finds each annotated place
(a change's or another claim's, when the gazetteer has an id for it) in its passage, as the place itself, its
parent or its child. Skipped when ../shared is absent."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from geo.articles import normalise_text
from geo.places import load_gazetteer, mentions_and_names

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "corpus" / "real"
#: A little under the share measured when the floor was set: 350 of 389 (0.900), counting a place found when the
#: finder names it, its part or its whole, but not when it names only the city (the city holds every place).
#: The issue's goal is 0.97; an earlier count at 0.977 let a mention of "Aleppo" stand for any place.
FLOOR = 0.97  # measured 382 of 389 (0.982): the goal; "the city" read as the city named before


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpus/real absent")
def test_annotated_places_of_real_passages_are_found_in_their_passage() -> None:
    gaz = load_gazetteer(ROOT / "data" / "gazetteer")
    # the city and its halves hold everything: never a parent that makes a place found (as the real scorer)
    parent = {r["id"]: r["parent"] for r in csv.DictReader((ROOT / "data" / "gazetteer" / "places.csv").open())
              if r["parent"] not in ("aleppo", "aleppo-east", "aleppo-west", "")}
    found, missed = 0, []
    for f in sorted(REAL.glob("*.yaml")):
        for p in yaml.safe_load(f.read_text(encoding="utf-8")):
            ids = {m.place_id for m in mentions_and_names(normalise_text(p["text"]), gaz, p["lang"])[0]}
            family = ids | {parent.get(i) for i in ids}
            for c in (p.get("changes") or []) + (p.get("other") or []):
                pid = c.get("place")
                if not isinstance(pid, str) or not pid:
                    continue
                if pid in family or parent.get(pid) in ids:
                    found += 1
                else:
                    missed.append(f"{p['id']}: {pid} ({c.get('as_written', '')[:50]!r})")
    share = found / (found + len(missed))
    print(f"real passages: {found} of {found + len(missed)} annotated places found ({share:.3f})", *missed, sep="\n  ")
    assert share >= FLOOR, f"{share:.3f} of annotated places found; missed:\n" + "\n".join(missed)
