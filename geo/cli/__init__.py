"""The command line: one click command per stage (``geo --help``); ``main`` is the entry point.

``main`` is imported at once rather than on first use: the function shares its name with the module
``geo.cli.main``, and a lazily imported submodule would take the name over on the package.

>>> from geo.cli import main
>>> sorted(main.commands)[:3]
['build', 'compare-acled', 'control']
"""

from geo.cli.main import main

__all__ = ["main"]
