"""The package's shape: imports run downwards only, and a wing is entered through its public names.

cli -> pipeline -> reading_dask (many articles on Dask) -> control, map, reading (many articles) -> read -> places
-> the records and edges (model, io, settings). Reading sits above places because the reading is the one chain
(claims -> toponyms -> gazetteer).
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

GEO = Path(__file__).resolve().parents[1] / "geo"

# unit -> rank: a module may import its own unit or a unit of a strictly lower rank.
RANK = {
    "geo": 0, "geo.model": 0, "geo.io": 0, "geo.settings": 0, "geo._exports": 0,
    "geo.places": 1, "geo.articles": 1, "geo.events": 1, "geo.export": 1, "geo.acled_compare": 1, "geo.wire": 1,
    "geo.review": 1,
    "geo.read": 2,
    "geo.control": 3, "geo.map": 3, "geo.reading": 3, "geo.merging": 3,
    "geo.reading_dask": 4,  # the same stream as geo.reading, on a Dask cluster: it sits on geo.reading
    "geo.pipeline": 5,
    "geo.api": 6,
    "geo.cli": 7, "geo.__main__": 8,
}
WINGS = ("read", "places", "control", "map", "cli")
BASE = {"geo", "geo.model", "geo.io", "geo.settings", "geo._exports"}  # one unit: the records and the edges


def module_name(path: Path) -> str:
    rel = path.relative_to(GEO.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def unit(module: str) -> str:
    """``geo.read.claims`` -> ``geo.read``; ``geo.model`` -> the base unit ``geo``."""
    parts = module.split(".")
    name = ".".join(parts[:2]) if len(parts) > 1 else "geo"
    return "geo" if name in BASE else name


def geo_imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) for each ``import geo...`` / ``from geo... import`` in a file."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.split(".")[0] == "geo":
            out.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names if a.name.split(".")[0] == "geo"]
    return out


def _named_module(target: str, name: str) -> str:
    """``from geo import pipeline`` imports the module geo.pipeline; ``from geo import __version__`` the package."""
    path = GEO.parent.joinpath(*target.split("."), name)
    return f"{target}.{name}" if path.with_suffix(".py").exists() or path.is_dir() else target


def sources() -> list[Path]:
    return sorted(GEO.rglob("*.py"))


def test_every_module_has_a_rank() -> None:
    assert sources()
    for path in sources():
        assert unit(module_name(path)) in RANK, f"{path}: add its unit to RANK in tests/test_layout.py"


def test_imports_run_downwards_only() -> None:
    upward = []
    for path in sources():
        me = unit(module_name(path))
        for line, target, names in geo_imports(path):
            targets = [_named_module(target, n) for n in names] or [target]
            for t in targets:
                them = unit(t)
                if them != me and RANK[them] >= RANK[me]:
                    upward.append(f"{path.relative_to(GEO.parent)}:{line} {me} imports {t}")
    assert not upward, "imports that run sideways or upwards:\n" + "\n".join(upward)


def test_other_units_use_only_a_wings_public_names() -> None:
    private = []
    for path in sources():
        me = unit(module_name(path))
        for line, target, names in geo_imports(path):
            them = unit(target)
            if them == me or them.split(".")[-1] not in WINGS:
                continue
            public = set(importlib.import_module(them).__all__)
            if target != them or not set(names) <= public:
                private.append(f"{path.relative_to(GEO.parent)}:{line} from {target} import {', '.join(names)}")
    assert not private, "imports past a wing's public names:\n" + "\n".join(private)


@pytest.mark.parametrize("wing", WINGS)
def test_each_public_name_resolves(wing: str) -> None:
    package = importlib.import_module(f"geo.{wing}")
    for name in package.__all__:
        assert getattr(package, name) is not None, f"geo.{wing}.{name}"
    with pytest.raises(AttributeError):
        package.no_such_name  # noqa: B018


def test_a_planted_upward_import_is_caught(tmp_path: Path) -> None:
    bad = tmp_path / "x.py"
    bad.write_text("from geo.pipeline import build\nfrom geo import pipeline\n")
    found = [t for _, t, _ in geo_imports(bad)]
    assert found == ["geo.pipeline", "geo"]
    assert _named_module("geo", "pipeline") == "geo.pipeline" and _named_module("geo", "__version__") == "geo"
    assert RANK[unit("geo.pipeline")] > RANK[unit("geo.read.claims")]


def test_notebooks_use_only_the_public_api() -> None:
    """Notebooks (notebooks/*.ipynb) call geo as a user would: ``import geo`` and its public names, never
    a wing's internals, so that the API is what they prove works."""
    import json

    book_dir = GEO.parent / "notebooks"
    internal = re.compile(r"^\s*(?:from\s+geo\.\w|import\s+geo\.\w).*$", re.MULTILINE)
    offenders = []
    for nb in sorted(book_dir.glob("*.ipynb")) if book_dir.is_dir() else []:
        cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
        code = "\n".join("".join(c.get("source", [])) for c in cells if c.get("cell_type") == "code")
        offenders += [f"{nb.name}: {m.group(0).strip()}" for m in internal.finditer(code)]
    assert offenders == []


def test_notebooks_carry_no_outputs() -> None:
    """Outputs are stripped before a commit (``make strip-notebooks``): git holds the code, CI runs it."""
    import json

    for nb in sorted((GEO.parent / "notebooks").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        kept = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
        assert kept == [], f"{nb.name}: cells {kept} keep outputs (make strip-notebooks)"
