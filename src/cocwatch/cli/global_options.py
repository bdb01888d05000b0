"""The global options, declared once: `--registry/-r`, `--config`, `--quiet/-q`, `--debug` and
`--version` (SPEC §5), and `State`, where their values are kept for the command.

Each is an `Annotated` type. `cocwatch.cli.app.main_options` takes them before a command's
name, and `CocwatchGroup` gives every command and subcommand a copy of the same parameters, so
they work after its name too; whichever is given later wins. A command never declares one of
these names itself (building the application refuses it), so an option cannot mean one thing
before the command's name and another after it.

May import Typer and `cocwatch.__version__` only: the help is built from these at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

import typer

from cocwatch import __version__


@dataclass(slots=True)
class State:
    """The global options' values, shared by every command through the Click context."""

    registry: str | None = None
    config: str | None = None
    quiet: bool = False
    debug: bool = False


def _store(ctx: typer.Context, param: typer.CallbackParam, value: Any) -> Any:
    """Keep a global option's value in the `State`; an option not given leaves it as it was.

    The first of them to run, before the command's name, makes the `State`, so the command's
    context (and the error handling around it) shares the same one.
    """
    state = ctx.ensure_object(State)
    if value not in (None, False):
        setattr(state, str(param.name), value)
    return value


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cocwatch {__version__}")
        raise typer.Exit(0)


REGISTRY = Annotated[
    str | None,
    typer.Option(
        "--registry",
        "-r",
        metavar="PATH_OR_URL",
        callback=_store,
        help="Registry file (or http(s) URL, to read). Default: $COCWATCH_REGISTRY, the "
        "config file, then the registry shipped with cocwatch.",
    ),
]
CONFIG = Annotated[
    str | None,
    typer.Option(
        "--config",
        metavar="PATH",
        callback=_store,
        help="Config file. Default: $COCWATCH_CONFIG, then the user config folder.",
    ),
]
QUIET = Annotated[
    bool, typer.Option("--quiet", "-q", callback=_store, help="Print only summaries and errors.")
]
DEBUG = Annotated[
    bool, typer.Option("--debug", callback=_store, help="Show tracebacks for errors.")
]
VERSION = Annotated[
    bool,
    typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit."),
]
