"""The public face of a wing: names other wings and notebooks may use, imported on first use.

A wing's ``__init__.py`` lists its public names and the module that defines each; nothing is
imported until a name is used, so ``import geo.map`` costs nothing until a map is drawn (folium is
slow to import) and two wings never import each other's internals by accident.

>>> getattr_, dir_ = lazy_exports("geo.read", {"load_lexicons": "lexicon"})
>>> getattr_("load_lexicons").__name__
'load_lexicons'
>>> dir_()
['load_lexicons']
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def lazy_exports(package: str, public: dict[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package``: ``public`` maps a name to its module in the wing.

    A name that maps to itself is a submodule the wing makes public as a whole.
    """

    def getattr_(name: str) -> Any:
        if name not in public:
            raise AttributeError(f"module {package!r} has no public name {name!r}")
        module = importlib.import_module(f"{package}.{public[name]}")
        return module if public[name] == name else getattr(module, name)

    def dir_() -> list[str]:
        return sorted(public)

    return getattr_, dir_
