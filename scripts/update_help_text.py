"""Record `cocwatch --help` as Typer prints it, for the fast path in `cocwatch.launch`.

Run after changing a command's name or summary, the global options or the epilog:

    python scripts/update_help_text.py

It writes src/cocwatch/help_text.py; tests/test_startup.py fails while the record is stale.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "cocwatch" / "help_text.py"
# The full application's help, as the installed `cocwatch` program prints it.
FULL_HELP = "import sys\nsys.argv[0] = 'cocwatch'\nfrom cocwatch.cli import main\nmain()\n"


def typer_help(columns: int = 80) -> str:
    """What the full Typer application prints for `cocwatch --help` at this width."""
    env = {**os.environ, "COLUMNS": str(columns), "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", FULL_HELP, "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        check=True,
    )
    return done.stdout


def module_text(help_text: str) -> str:
    lines = "".join(f"    {line!r}\n" for line in help_text.splitlines(keepends=True))
    return (
        '"""`cocwatch --help` as Typer prints it at 80 columns or more (see `cocwatch.launch`).\n'
        "\n"
        "Written by scripts/update_help_text.py: do not edit by hand.\n"
        '"""\n'
        "\n"
        f"HELP = (\n{lines})\n"
    )


def main() -> None:
    TARGET.write_text(module_text(typer_help()), encoding="utf-8")
    # The project's formatter, so that `ruff format --check` passes on the written file.
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(TARGET)], check=False)
    print(f"wrote {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
