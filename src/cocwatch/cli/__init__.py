"""Command-line interface: `app` and the console-script entry point `main`.

Each ``cmd_*.py`` module registers its commands on `app` when imported; `COMMAND_MODULES`
is the order `cocwatch --help` lists them in (a new command module is added there).
"""

from __future__ import annotations

import importlib

from cocwatch.cli.app import app

COMMAND_MODULES = (
    "cmd_registry",  # validate, schema, trusts, show, targets
    "cmd_check",
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
    app()


__all__ = ["app", "main"]
