"""The Typer application, its global options, and the one place errors become exit codes.

Only the `cocwatch.cli` package imports Typer. Command modules (``cmd_*.py``) register
their commands on `app`; they import heavy libraries inside the command bodies so that
``cocwatch --help`` and ``--version`` stay instant.
"""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from cocwatch import __version__
from cocwatch.errors import CocwatchError, ExitCode


class CocwatchGroup(TyperGroup):
    """Maps our errors to one stderr paragraph and an exit code (tracebacks with --debug)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CocwatchError as error:
            if _debug(ctx):
                raise
            _report(error.message)
            raise typer.Exit(int(error.exit_code)) from None
        except (typer.Exit, typer.Abort, typer.TyperException, KeyboardInterrupt):
            raise
        except Exception as error:
            if _debug(ctx):
                raise
            _report(
                f"cocwatch stopped because of an internal error ({type(error).__name__}: "
                f"{error}). This is a bug in cocwatch, not in your files: please report it, "
                "and run the same command again with --debug to see the details."
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None


def _report(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)


def _debug(ctx: typer.Context) -> bool:
    state = ctx.find_object(State)
    return bool(state and state.debug) or "--debug" in sys.argv


app = typer.Typer(
    cls=CocwatchGroup,
    name="cocwatch",
    help=(
        "Track NHS Trusts' progress on midwifery Continuity of Carer: check them against "
        "targets and transparency duties, draft campaign letters, keep the registry current."
    ),
    epilog=(
        "Exit codes: 0 ok, 1 check found Trusts at or above --fail-on, 2 usage error, "
        "3 bad input (registry, config, template, CSV), 4 network or disk failure."
    ),
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class State:
    """Global options, shared by every command through the Click context."""

    def __init__(
        self,
        *,
        registry: str | None,
        config: str | None,
        quiet: bool,
        debug: bool,
    ) -> None:
        self.registry_option = registry
        self.config_option = config
        self.quiet = quiet
        self.debug = debug


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cocwatch {__version__}")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def main_options(
    ctx: typer.Context,
    registry: str | None = typer.Option(
        None,
        "--registry",
        "-r",
        metavar="PATH_OR_URL",
        help="Registry file or http(s) URL. Default: $COCWATCH_REGISTRY, the config file, "
        "then the registry shipped with cocwatch.",
    ),
    config: str | None = typer.Option(
        None,
        "--config",
        metavar="PATH",
        help="Config file. Default: $COCWATCH_CONFIG, then the user config folder.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only summaries and errors."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        help="Show the version and exit.",
    ),
) -> None:
    """Options that apply to every command."""
    ctx.obj = State(registry=registry, config=config, quiet=quiet, debug=debug)
