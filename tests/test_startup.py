"""Start-up stays light, and `python -m cocwatch` works, in real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[1] / "src")
HEAVY = ("pydantic", "yaml", "jinja2", "httpx", "docx", "holidays", "rich.table", "sqlite3")


def _python(code: str) -> str:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


# Typer itself loads pydantic to convert a subcommand's options, so `check --help` may load
# pydantic (the command needs it anyway); the other heavy libraries must still wait.
@pytest.mark.parametrize(
    ("args", "heavy"),
    [
        (["--version"], HEAVY),
        (["--help"], HEAVY),
        (["check", "--help"], tuple(m for m in HEAVY if m != "pydantic")),
        (["letter", "--help"], tuple(m for m in HEAVY if m != "pydantic")),
    ],
)
def test_help_and_version_import_nothing_heavy(args: list[str], heavy: tuple[str, ...]) -> None:
    code = (
        "import sys\n"
        "from cocwatch.cli import app\n"
        "try:\n"
        f"    app({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = [m for m in sys.modules if m.split('.')[0] in {heavy!r} or m in {heavy!r}]\n"
        "print('HEAVY:' + ','.join(sorted(heavy)))\n"
    )
    out = _python(code)
    line = next(x for x in out.splitlines() if x.startswith("HEAVY:"))
    assert line == "HEAVY:", line


def test_python_dash_m_runs() -> None:
    env = {**os.environ, "PYTHONPATH": SRC}
    done = subprocess.run(
        [sys.executable, "-m", "cocwatch", "--version"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("cocwatch ")


def test_error_has_no_traceback_in_a_real_process(tmp_path: Path) -> None:
    bad = tmp_path / "trusts.yaml"
    bad.write_text("version: 1\ntrusts: [\n")
    env = {**os.environ, "PYTHONPATH": SRC}
    done = subprocess.run(
        [sys.executable, "-m", "cocwatch", "-r", str(bad), "trusts"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    assert str(bad) in done.stderr


def test_debug_shows_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": SRC}
    done = subprocess.run(
        [sys.executable, "-m", "cocwatch", "--debug", "-r", str(tmp_path / "no.yaml"), "trusts"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode != 0
    assert "Traceback" in done.stderr
