"""A write that was interrupted leaves a temporary file beside its target; the next write of
the same file removes it, once it is old enough that no running write can own it."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from cocwatch.files import STALE_TEMP_SECONDS, atomic_write, atomic_write_many


def _leftover(folder: Path, name: str, *, age: float) -> Path:
    temp = folder / f".{name}.{int(age)}.tmp"
    temp.write_bytes(b"half a file")
    then = time.time() - age
    os.utime(temp, (then, then))
    return temp


def test_the_next_write_removes_old_leftovers_only(tmp_path: Path) -> None:
    target = tmp_path / "correspondence.yaml"
    old = _leftover(tmp_path, target.name, age=STALE_TEMP_SECONDS + 60)
    fresh = _leftover(tmp_path, target.name, age=5)  # perhaps another run's, still writing
    other = _leftover(tmp_path, "trusts.yaml", age=STALE_TEMP_SECONDS + 60)
    atomic_write(target, b"version: 1\n")
    assert not old.exists() and fresh.exists() and other.exists()
    atomic_write_many([(tmp_path / "trusts.yaml", b"x")])
    assert not other.exists()


def test_logging_a_letter_cleans_the_log_s_leftovers(
    run: Callable[..., Result], minimal_registry: Path, tmp_path: Path
) -> None:
    log = tmp_path / "log.yaml"
    old = _leftover(tmp_path, log.name, age=STALE_TEMP_SECONDS * 2)
    result = run("-r", str(minimal_registry), "sent", "foi", "example-north", "--log", str(log))
    assert result.exit_code == 0, result.stderr
    assert log.exists() and not old.exists()
