"""The reading on real reports (../shared/corpus/real, the tune part), scored as a user runs geo.

The blind part is scored only at the end of a round of work and is not held to a floor here: a floor on it
would make it a tuning set. Skipped when ../shared is absent.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT.parent / "shared" / "tools" / "score_real.py"
GEO = Path(sys.executable).parent / "geo"

#: A little under the figures measured when the floors were set (tune, --known: P 0.941, R 0.848).
FLOORS = {"precision": 0.90, "recall": 0.80}


@pytest.mark.skipif(not TOOL.exists() or not GEO.exists(), reason="../shared/tools/score_real.py or geo absent")
def test_change_claims_on_the_real_tune_part_keep_their_floors() -> None:
    out = subprocess.run([sys.executable, str(TOOL), "--geo", str(GEO), "--known", "--part", "tune"],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-500:]
    got = {k: float(v) for k, v in re.findall(r"(precision|recall)=([\d.]+)", out.stdout)}
    assert set(got) == set(FLOORS), out.stdout
    for key, floor in FLOORS.items():
        assert got[key] >= floor, f"{key} {got[key]} fell under {floor} on the real tune part:\n{out.stdout}"
