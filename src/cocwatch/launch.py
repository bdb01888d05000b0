"""The `cocwatch` program's entry point: `--version` and `--help` without building the CLI.

Importing Typer and registering every command takes longer than anyone should wait for
these two answers, so they are given here first. The help text is Typer's own, recorded in
`cocwatch.help_text` by ``python scripts/update_help_text.py`` (a test fails when the record
no longer matches what Typer prints). It is used only where Typer would print exactly it:
the program is called ``cocwatch`` and the terminal is at least 80 columns wide (Typer wraps
help at 78 columns then). Everything else goes to `cocwatch.cli.main`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from cocwatch import __version__

HELP_FLAGS = (["--help"], ["-h"])
RECORDED_WIDTH = 80


def main() -> None:
    """Run the cocwatch command line."""
    args = sys.argv[1:]
    if args == ["--version"]:
        _print(f"cocwatch {__version__}\n")
        return
    if args in HELP_FLAGS and _help_is_recorded_for_here():
        from cocwatch.help_text import HELP

        _print(HELP)
        return
    from cocwatch.cli import main as full_main

    full_main()


def _help_is_recorded_for_here() -> bool:
    """Whether Typer would print the recorded help: same program name, same wrap width."""
    import shutil

    called_as_script = getattr(sys.modules["__main__"], "__package__", None) in (None, "")
    named = Path(sys.argv[0]).name == "cocwatch"
    return called_as_script and named and shutil.get_terminal_size().columns >= RECORDED_WIDTH


def _print(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()
