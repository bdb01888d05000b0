"""Command-line interface: `app` and the console-script entry point `main`.

Each ``cmd_*.py`` module in this package registers its commands on `app` when imported.
"""

from __future__ import annotations

import importlib
import pkgutil

from cocwatch.cli.app import app

for _module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _module.name.startswith("cmd_"):
        importlib.import_module(f"{__name__}.{_module.name}")


def main() -> None:
    """Run the cocwatch command line."""
    app()


__all__ = ["app", "main"]
