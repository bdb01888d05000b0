"""Start-up stays light, and `python -m cocwatch` works, in real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import SRC

SRC = str(SRC)
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


# The installed `cocwatch` program runs `cocwatch.launch.main`; `cocwatch.cli.main` builds the
# whole Typer application. Both are run as the program called `cocwatch` would run them.
_AS_PROGRAM = (
    "import sys\n"
    "sys.argv[0] = 'cocwatch'\n"
    "from {module} import main\n"
    "try:\n"
    "    main()\n"
    "except SystemExit as stop:\n"
    "    code = stop.code or 0\n"
    "else:\n"
    "    code = 0\n"
    "sys.stdout.flush()\n"
    "sys.stderr.write(f'EXIT:{{code}} TYPER:{{\"typer\" in sys.modules}}')\n"
)


def _program(
    module: str, args: list[str], columns: int, cache: Path, **env: str
) -> tuple[str, str]:
    full_env = {
        **os.environ,
        "PYTHONPATH": SRC,
        "COLUMNS": str(columns),
        "COCWATCH_CACHE_DIR": str(cache),
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", _AS_PROGRAM.format(module=module), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full_env,
    )
    return done.stdout, done.stderr.rsplit("EXIT:", 1)[-1]


@pytest.mark.parametrize("args", [["--help"], ["-h"]])
@pytest.mark.parametrize("columns", [80, 132])
def test_help_is_typer_s_then_kept_and_served_without_typer(
    tmp_path: Path, args: list[str], columns: int
) -> None:
    full, full_status = _program("cocwatch.cli", args, columns, tmp_path)
    assert full.startswith("Usage: cocwatch [OPTIONS] COMMAND") and full_status == "0 TYPER:True"
    first, first_status = _program("cocwatch.launch", args, columns, tmp_path)
    assert (first, first_status) == (full, "0 TYPER:True")  # Typer's, kept for next time
    assert (tmp_path / "help.txt").is_file()
    again, again_status = _program("cocwatch.launch", args, columns, tmp_path)
    assert (again, again_status) == (full, "0 TYPER:False")


def test_version_needs_no_typer(tmp_path: Path) -> None:
    full, full_status = _program("cocwatch.cli", ["--version"], 80, tmp_path)
    fast, fast_status = _program("cocwatch.launch", ["--version"], 80, tmp_path)
    assert (fast, fast_status) == (full, "0 TYPER:False")
    assert full_status == "0 TYPER:True"


def test_a_stale_record_is_never_printed(tmp_path: Path) -> None:
    full, _ = _program("cocwatch.cli", ["--help"], 80, tmp_path)
    _program("cocwatch.launch", ["--help"], 80, tmp_path)
    record = tmp_path / "help.txt"
    key, _, _ = record.read_text(encoding="utf-8").partition("\n")
    # As if a command had changed since: the key no longer matches.
    record.write_text("another key\nUsage: an old help text\n", encoding="utf-8")
    out, status = _program("cocwatch.launch", ["--help"], 80, tmp_path)
    assert (out, status) == (full, "0 TYPER:True")
    assert record.read_text(encoding="utf-8") == f"{key}\n{full}"


@pytest.mark.parametrize(
    ("args", "columns", "env"),
    [
        (["--help"], 60, {}),  # a narrow terminal wraps differently
        (["--help"], 80, {"COCWATCH_NO_CACHE": "1"}),
        (["check", "--help"], 80, {}),
        (["-q", "--version"], 80, {}),
        ([], 80, {}),
    ],
)
def test_anything_else_goes_to_the_full_application(
    tmp_path: Path, args: list[str], columns: int, env: dict[str, str]
) -> None:
    for _ in range(2):
        fast, fast_status = _program("cocwatch.launch", args, columns, tmp_path, **env)
        full, full_status = _program("cocwatch.cli", args, columns, tmp_path, **env)
        assert (fast, fast_status) == (full, full_status)
        assert fast_status.endswith("TYPER:True")
    assert not (tmp_path / "help.txt").exists()


def test_help_works_when_the_cache_cannot_be_written(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    full, _ = _program("cocwatch.cli", ["--help"], 80, tmp_path)
    out, status = _program("cocwatch.launch", ["--help"], 80, blocked)
    assert (out, status) == (full, "0 TYPER:True")


def test_python_dash_m_help_names_itself() -> None:
    env = {**os.environ, "PYTHONPATH": SRC, "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "cocwatch", "--help"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0
    assert done.stdout.startswith("Usage: python -m cocwatch [OPTIONS] COMMAND")


def test_the_installed_program_uses_the_fast_entry_point() -> None:
    pyproject = (Path(SRC).parent / "pyproject.toml").read_text(encoding="utf-8")
    assert 'cocwatch = "cocwatch.launch:main"' in pyproject
