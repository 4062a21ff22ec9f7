"""A claim as a person reads it (``geo extract --format text``), with why each field was read.

>>> from geo.model import Claim, PlaceRef
>>> c = Claim("c1", "a1", "2016-11-28", "capture", PlaceRef("aleppo-sakhour", "Sakhour", "Sakhour", 37.18, 36.21),
...           faction="government", event_date="2016-11-27", sentence="On Sunday the army retook Sakhour.",
...           explain={"cue": {"words": "retook", "type": "capture"}, "side": {"words": "the army", "from": "clause"},
...                    "date": {"words": "On Sunday", "from": "sentence", "counted_from": "2016-11-28"}})
>>> print(claim_text(c, explain=True), end="")
2016-11-27  capture  Sakhour  government  reported  (a1)
    sentence: On Sunday the army retook Sakhour.
    cue:      "retook" (capture)
    side:     "the army" (from the clause)
    date:     "On Sunday" (from the sentence, counted from 2016-11-28)
"""

from __future__ import annotations

from typing import Any

from geo.model import Claim


def _quoted(part: dict[str, Any] | None) -> str:
    return f'"{part["words"]}"' if part and part.get("words") else "no words"


def explain_lines(why: dict[str, Any]) -> list[tuple[str, str]]:
    """``(label, text)`` lines for an explain object, in reading order; absent parts are left out."""
    out = []
    if cue := why.get("cue"):
        out.append(("cue", f'{_quoted(cue)} ({cue.get("type")})'))
    if place := why.get("place"):
        # a homonym chosen, or a misspelling read: said on the line, worth a look
        resolved = f'; {place["resolved"]}' if place.get("resolved") else ""
        out.append(("place", f'{_quoted(place)} ({place.get("via")}{resolved})'))
    if side := why.get("side"):
        out.append(("side", f'{_quoted(side)} (from the {side["from"]})' if side.get("from") else "no side named"))
    if (status := why.get("status")) and status.get("words"):
        out.append(("status", f'{status["status"]}: {_quoted(status)}'))
    if (date := why.get("date")) and date.get("from") == "publication":
        out.append(("date", f'none in the text: as of publication ({date.get("counted_from") or "undated"})'))
    elif date:
        base = f', counted from {date["counted_from"]}' if date.get("counted_from") else ""
        out.append(("date", f'{_quoted(date)} (from the {date["from"]}{base})'))
    if why.get("sources"):
        out.append(("sources", "; ".join(why["sources"])))
    return out


def claim_text(c: Claim, explain: bool = False) -> str:
    """One line for the claim, then (with ``explain``) its sentence and why each field was read."""
    day = c.event_date or "undated"
    if c.event_date_end:
        day = f"{c.event_date}..{c.event_date_end}"
    line = f"{day}  {c.type}  {c.place.name}  {c.faction or '(no side)'}  {c.status}  ({c.article})\n"
    if not explain:
        return line
    lines = [("sentence", c.sentence), *explain_lines(c.explain or {})]
    return line + "".join(f"    {label + ':':<9} {text}\n" for label, text in lines)
