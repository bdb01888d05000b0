"""Command-line interface: `app` and the console-script entry point `main`.

Each ``cmd_*.py`` module registers its commands on `app` when imported; `COMMAND_MODULES`
is the order `cocwatch --help` lists them in (a new command module is added there, and to the
top layer of the import contract in pyproject.toml). What commands share lives beside them,
in layers: `import_releases`, `lookups` (postcodes.io and the Members API), `site_requests`
and `whatdotheyknow_sync` (steps of commands);
`app` (the application and its error handling), `session` (config, registry and statistics,
loaded once), `selection` (naming Trusts), `output` (`emit`) and `progress` (download bars);
`global_options` and `options` (each shared option, declared once); `dates`.
"""

from __future__ import annotations

import importlib

from cocwatch.cli.app import app

COMMAND_MODULES = (
    "cmd_registry",  # validate, schema, trusts, icbs, show, targets
    "cmd_check",
    "cmd_mp",  # a postcode's MP and the Trusts of its ICB
    "cmd_letter",  # letter, templates
    "cmd_correspondence",  # sent, replied, due
    "cmd_requests",  # public requests on WhatDoTheyKnow
    "cmd_report",
    "cmd_watch",
    "cmd_init",  # a registry of one's own, before the commands that write it
    "cmd_record",
    "cmd_import",
    "cmd_statistics",  # statistics, statistics move
    "cmd_config",
)
for _name in COMMAND_MODULES:
    importlib.import_module(f"{__name__}.{_name}")


def main() -> None:
    """Run the cocwatch command line."""
    import sys

    from cocwatch.cli.app import os_error_message
    from cocwatch.errors import ExitCode

    _tolerant_streams()
    try:
        app()
    except OSError as error:  # writing the usage or help text, before any command runs
        if "--debug" in sys.argv:
            raise
        sys.stderr.write(f"Error: {os_error_message(error)}\n")
        raise SystemExit(int(ExitCode.EXTERNAL)) from None


def _tolerant_streams() -> None:
    """Let a terminal or pipe whose encoding lacks a character (PYTHONIOENCODING=ascii, an
    old locale) show a replacement for it instead of failing: ✓ becomes ?, text stays."""
    import contextlib
    import sys

    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if reconfigure is not None and encoding not in ("utf8", "utf_8"):
            with contextlib.suppress(OSError, ValueError):
                reconfigure(errors="replace")


__all__ = ["app", "main"]
