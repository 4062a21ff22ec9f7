"""What the benchmark scripts share."""

from __future__ import annotations

import json
from pathlib import Path


def write_figures(path: Path, figures: object) -> None:
    """The figures as indented JSON, written to a temporary file and renamed (never half-written)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(figures, indent=2))
    tmp.replace(path)
