"""Pieces every click command shares: the directory options and the one-line error handling.

Commands decorated with :func:`dir_options` receive a ``settings`` keyword argument
(:class:`geo.settings.Settings`) built from ``--data-dir`` / ``--build-dir`` / ``GEO_*``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click

from geo.io import InputError
from geo.settings import Settings


class _OneLine:
    """Every error as one line on stderr and exit code 1 (see :class:`GeoCommand`)."""

    def invoke(self, ctx: click.Context) -> Any:
        import os

        debug = bool(os.environ.get("GEO_DEBUG") or ctx.meta.get("geo.debug"))
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except (InputError, FileNotFoundError, ValueError, OSError) as exc:
            if debug:
                raise
            click.echo(f"geo {ctx.info_name}: error: {one_line(exc)}", err=True)
            sys.exit(1)
        except Exception as exc:  # noqa: BLE001 - an input geo did not foresee: one line, never a traceback
            if debug:
                raise
            click.echo(f"geo {ctx.info_name}: error: {exc.__class__.__name__}: {one_line(exc)} "
                       "(geo --debug shows where)", err=True)
            sys.exit(1)


#: Exit codes every command follows (the README's table of bad inputs lists which case gives which).
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_SKIPPED = 0, 1, 2, 3


class GeoCommand(_OneLine, click.Command):
    """A click command that turns every error into one line on stderr and exit code 1; ``geo --debug`` (or
    ``GEO_DEBUG=1``) shows the traceback instead. Usage errors stay click's (exit 2)."""


class GeoGroup(_OneLine, click.Group):
    """A click group whose own callback follows :class:`GeoCommand`'s one-line errors."""


def exit_skipped(command: str, skipped: list[tuple[str, str]]) -> None:
    """Name each input left out on stderr, one line each, and exit 3 (done, but not everything was read)."""
    if not skipped:
        return
    for where, why in skipped:
        click.echo(f"geo {command}: skipped: {where}: {why}", err=True)
    click.echo(f"geo {command}: {len(skipped)} input(s) skipped; everything else was read", err=True)
    sys.exit(EXIT_SKIPPED)


def one_line(exc: BaseException) -> str:
    """The exception's message folded to a single line."""
    msg = str(exc) or exc.__class__.__name__
    return " ".join(msg.split())


def dir_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--data-dir`` and ``--build-dir`` and pass ``settings=Settings`` to the command."""

    @click.option("--data-dir", type=click.Path(file_okay=False), envvar="GEO_DATA_DIR", default=None,
                  help="Input data directory [env GEO_DATA_DIR; default ./data].")
    @click.option("--build-dir", type=click.Path(file_okay=False), envvar="GEO_BUILD_DIR", default=None,
                  help="Output directory [env GEO_BUILD_DIR; default <data-dir>/build].")
    @functools.wraps(func)
    def wrapper(*args: Any, data_dir: str | None, build_dir: str | None, **kwargs: Any) -> Any:
        return func(*args, settings=Settings.resolve(data_dir, build_dir), **kwargs)

    return wrapper
