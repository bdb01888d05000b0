"""The Typer application, its global options, and the one place errors become exit codes.

Only the `cocwatch.cli` package imports Typer. Command modules (``cmd_*.py``) register
their commands on `app`; they import heavy libraries inside the command bodies so that
``cocwatch --help`` and ``--version`` stay instant. The global options are declared once, in
`cocwatch.cli.global_options`: `main_options` takes them before a command's name, and
`CocwatchGroup` gives every command the same parameters for after it.
"""

from __future__ import annotations

import copy
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from cocwatch.cli.global_options import CONFIG, DEBUG, QUIET, REGISTRY, VERSION, State
from cocwatch.errors import CocwatchError, ExitCode


class CocwatchGroup(TyperGroup):
    """Maps our errors to one stderr paragraph and an exit code (tracebacks with --debug).

    It also gives every command the global options, so that they work on either side of the
    command's name: `cocwatch -r mine.yaml check --all` and `cocwatch check --all -r mine.yaml`.
    """

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        after = tuple(_after_the_name(option) for option in self.params)
        for command in self.commands.values():
            _add_global_options(command, after)

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
        except (MemoryError, RecursionError) as error:
            if _debug(ctx):
                raise
            _report(_too_big_message(error))
            raise typer.Exit(int(ExitCode.BAD_INPUT)) from None
        except OSError as error:
            if _debug(ctx):
                raise
            _report(os_error_message(error))
            raise typer.Exit(int(ExitCode.EXTERNAL)) from None
        except Exception as error:
            if _debug(ctx):
                raise
            _report(
                f"cocwatch stopped because of an internal error ({type(error).__name__}: "
                f"{error}). This is a bug in cocwatch, not in your files: please report it, "
                "and run the same command again with --debug to see the details."
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None


def _after_the_name(option: Any) -> Any:
    """A global option as a command's own parameter: the same names, help and callback (which
    keeps the value in the `State`), not passed to the command itself."""
    copied = copy.copy(option)
    copied.expose_value = False
    return copied


def _add_global_options(command: Any, options: tuple[Any, ...]) -> None:
    """Accept the global options after the command's name too (and in its subcommands)."""
    taken = {opt for param in command.params for opt in param.opts + param.secondary_opts}
    for option in options:
        if clash := taken.intersection(option.opts):
            raise TypeError(
                f"The command {command.name!r} declares {', '.join(sorted(clash))}, a global "
                "option's name: give its own option another name."
            )
        command.params.append(option)
    for sub in getattr(command, "commands", {}).values():
        _add_global_options(sub, options)


def _too_big_message(error: BaseException) -> str:
    if isinstance(error, MemoryError):
        return (
            "cocwatch ran out of memory: something it was given (a registry, a downloaded or "
            "local file, a letter template) is far larger once read than any real one. Check "
            "the file or address you gave it; nothing was written."
        )
    return (
        "cocwatch stopped because something it was given (a registry, a file, a letter "
        "template) nests blocks inside blocks far too deeply to be read. Check the file you "
        "gave it; nothing was written."
    )


def os_error_message(error: OSError) -> str:
    """One paragraph on a file or the output that could not be read or written.

    Without a file name the failure was writing the output (help text to a full disk, say):
    standard output is pointed at the null device so that nothing fails again at exit.
    """
    reason = error.strerror or str(error) or type(error).__name__
    if error.filename:
        return (
            f"Cannot read or write {error.filename}: {reason}. Check that the disk is not "
            "full and that the file and its folder can be read and written."
        )
    try:
        import os

        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass
    return (
        f"Cannot write the output: {reason}. If it goes to a file, check that the disk is "
        "not full and the file is writable, or send it elsewhere."
    )


def _report(message: str) -> None:
    from cocwatch.core.safe_text import for_terminal

    typer.echo(f"Error: {for_terminal(message)}", err=True)


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
        "Exit codes: 0 ok, 1 check found Trusts at or above --fail-on (due: an overdue "
        "reply), 2 usage error, "
        "3 bad input (registry, config, template, CSV), 4 network or disk failure."
    ),
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def main_options(
    registry: REGISTRY = None,
    config: CONFIG = None,
    quiet: QUIET = False,
    debug: DEBUG = False,
    version: VERSION = False,
) -> None:
    """Options that apply to every command (their callbacks keep them in the `State`)."""
