"""The C tokeniser (geo/places/_scan.pyx) gives exactly what the regular-expression tokeniser gives."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.places import gazetteer, toponyms
from geo.places.gazetteer import _raw_arrays, load_gazetteer, token_arrays
from geo.places.toponyms import find_mentions

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
built = pytest.mark.skipif(gazetteer._scan is None, reason="the optional C tokeniser is not built in this install")

#: Characters where the two tokenisers could part: digits (ASCII, Arabic-Indic, superscript), letters
#: with and without accents, combining marks (Latin and Arabic), every apostrophe, underscores, hyphens.
ALPHABET = st.sampled_from(list("aZé9_- '’ʼʿʾ`\u0301\u064e\u0670²١ﻻابة.,«»\n") + ["al", "d'", "Bab", "ash-", "1070"])


def _texts() -> list[str]:
    files = sorted(SHARED.glob("corpus/*.md")) + sorted((ROOT / "data" / "articles").rglob("*.md"))
    return [f.read_text(encoding="utf-8") for f in files]


@built
@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_scan_equals_the_regular_expressions_on_any_text(text: str) -> None:
    gazetteer._FOLDED.clear()
    assert gazetteer._scanned_arrays(text) == _raw_arrays(text)


@built
def test_scan_equals_the_regular_expressions_on_reports() -> None:
    texts = _texts()
    assert texts, "no reports found to compare on"
    for t in texts:
        assert gazetteer._scanned_arrays(t) == _raw_arrays(t)


@built
def test_mentions_are_the_same_with_either_tokeniser(monkeypatch: pytest.MonkeyPatch) -> None:
    gaz = load_gazetteer(ROOT / "data" / "gazetteer")
    texts = [*_texts(), "à al Bab et al-Bab, AL-BAB; d'Al-Bab, ash Sheikh Maqsoud, 1070 Appartement"]
    fast = [find_mentions(t, gaz) for t in texts]
    assert sum(map(len, fast)) > 50
    monkeypatch.setattr(gazetteer, "_scan", None)
    monkeypatch.setattr(toponyms, "_scan", None)
    assert [find_mentions(t, gaz) for t in texts] == fast
    assert token_arrays("d'Alep") == ([0], [6], ["alp"])


def test_the_install_builds_the_c_tokeniser_where_a_compiler_is() -> None:
    if not (shutil.which("cc") or shutil.which("gcc")):
        pytest.skip("no C compiler: geo runs on its pure-Python tokeniser")
    built_ext = importlib.util.find_spec("geo.places._scan") is not None
    assert built_ext, "a C compiler is here but geo/places/_scan.pyx was not built: pip install -e ."
    # GEO_PURE_PYTHON=1 forces the regular expressions on purpose; otherwise the built extension is used
    expected = "python" if os.environ.get("GEO_PURE_PYTHON") else "c"
    assert expected == gazetteer.TOKENISER, f"tokeniser in use: {gazetteer.TOKENISER}"
    assert toponyms.folded_stream(["bab", "hdd"]) == (" bab hdd ", [1, 5])
