"""Output that cannot be delivered is a failure (exit 4 with a message), never a silent exit 0
or an internal error; and dates far outside any campaign are a usage error, not a crash.
Real processes with a real full device and a really closed stdout; synthetic registries."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.support.paths import SRC

FULL = Path("/dev/full")


def _cocwatch(
    *args: str, stdout: int | None, registry: Path, tmp_path: Path
) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    env["COCWATCH_REGISTRY"] = str(registry)
    env["COCWATCH_STATE"] = str(tmp_path / "state.sqlite3")
    return subprocess.run(
        [sys.executable, "-m", "cocwatch", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env,
        timeout=120,
        check=False,
    )


COMMANDS = [
    ["trusts"],
    ["trusts", "--format", "json"],
    ["check", "--all", "--fail-on", "never"],
    ["check", "--all", "--format", "csv", "--fail-on", "never"],
    ["show", "example-north"],
    ["validate"],
    ["letter", "board", "example-north"],
    ["watch"],
    ["--version"],
]


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_full_device_is_exit_4_with_a_message(
    args: list[str], minimal_registry: Path, tmp_path: Path
) -> None:
    with FULL.open("wb") as full:
        proc = _cocwatch(*args, stdout=full.fileno(), registry=minimal_registry, tmp_path=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 4, err
    assert "Cannot write the output: No space left on device" in err
    assert "internal error" not in err and "Traceback" not in err


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_closed_stdout_is_exit_4_not_a_silent_success(
    args: list[str], minimal_registry: Path, tmp_path: Path
) -> None:
    # stdout=None with close_fds closes nothing, so close fd 1 in the child explicitly.
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    env["COCWATCH_REGISTRY"] = str(minimal_registry)
    env["COCWATCH_STATE"] = str(tmp_path / "state.sqlite3")
    proc = subprocess.run(
        [sys.executable, "-m", "cocwatch", *args],
        stderr=subprocess.PIPE,
        env=env,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.close(1),  # the shell's >&-
    )
    err = proc.stderr.decode()
    assert proc.returncode == 4, err
    assert "closed" in err
    assert "Traceback" not in err
    if args == ["watch"]:
        assert not (tmp_path / "state.sqlite3").exists(), "the baseline was recorded unseen"


def test_a_command_with_nothing_to_print_still_succeeds_with_stdout_closed(
    minimal_registry: Path, tmp_path: Path
) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-m", "cocwatch", "-q", "-r", str(minimal_registry), "report",
         "--out", str(tmp_path / "site")],
        stderr=subprocess.PIPE,
        env=env,
        timeout=120,
        check=False,
        preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode()
    assert (tmp_path / "site" / "index.html").exists()


@pytest.mark.parametrize("day", ["0001-01-02", "9999-12-20", "1899-12-31", "3000-01-01"])
@pytest.mark.parametrize(
    "args",
    [
        ["report", "--out", "SITE"],
        ["letter", "foi", "example-north"],
        ["letter", "board", "example-north"],
        ["check", "--all"],
    ],
    ids=lambda a: a[0] if a[0] != "letter" else f"letter-{a[1]}",
)
def test_extreme_as_of_dates_are_a_usage_error(
    run: Callable[..., Result], minimal_registry: Path, tmp_path: Path, day: str, args: list[str]
) -> None:
    args = [str(tmp_path / "site") if a == "SITE" else a for a in args]
    result = run("-r", str(minimal_registry), *args, "--as-of", day)
    assert result.exit_code == 2, result.stderr
    assert "outside the dates cocwatch works with (1900-01-01 to 2999-12-31)" in result.stderr


@pytest.mark.parametrize("day", ["1900-01-01", "2999-12-31"])
def test_the_edges_of_the_range_work(
    run: Callable[..., Result], minimal_registry: Path, tmp_path: Path, day: str
) -> None:
    for args in (
        ["report", "--out", str(tmp_path / f"site-{day}")],
        ["letter", "foi", "example-north"],
        ["check", "--all", "--fail-on", "never"],
    ):
        result = run("-r", str(minimal_registry), *args, "--as-of", day)
        assert result.exit_code == 0, (args, result.stderr)


def test_a_pinned_today_out_of_range_is_a_usage_error(
    run: Callable[..., Result], minimal_registry: Path
) -> None:
    result = run(
        "-r", str(minimal_registry), "letter", "foi", "example-north",
        env={"COCWATCH_TODAY": "9999-12-20"},
    )  # fmt: skip
    assert result.exit_code == 2
    assert "COCWATCH_TODAY 9999-12-20 is outside" in result.stderr


@pytest.mark.skipif(not FULL.exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [["letter", "--help"], ["-r", "R", "--help"], ["import", "msds", "--help"]],
    ids=" ".join,
)
def test_help_to_a_full_device_is_exit_4_without_a_traceback(
    args: list[str], minimal_registry: Path, tmp_path: Path
) -> None:
    with FULL.open("wb") as full:
        proc = _cocwatch(*args, stdout=full.fileno(), registry=minimal_registry, tmp_path=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 4, err
    assert "Cannot write the output: No space left on device" in err
    assert "internal error" not in err and "Traceback" not in err


def test_a_terminal_that_speaks_only_ascii_gets_replacements_not_a_crash(
    minimal_registry: Path, tmp_path: Path
) -> None:
    env = dict(os.environ, PYTHONIOENCODING="ascii", COCWATCH_REGISTRY=str(minimal_registry))
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [sys.executable, "-m", "cocwatch", "validate"],
        capture_output=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"is valid" in proc.stdout
