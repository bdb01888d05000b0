"""The statistics index only saves time: damaged, emptied, unwritable or on a full disk, it is
rebuilt from the kept files (on disk, else in memory for the run), and what `check` says is
what the kept files say. Never exit 70, never a figure gone.

The statistics folder is SYNTHETIC (made-up rows for XX1, XX2 and XX9), imported for real.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.support.msds import OCTOBER, figure_rows, measures_csv
from tests.support.registries import MINIMAL_REGISTRY
from tests.support.stores import import_file

Run = Callable[..., Result]


@pytest.fixture
def registry(run: Run, tmp_path: Path) -> Path:
    registry = tmp_path / "trusts.yaml"
    registry.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    months = [("oct", "10-31", OCTOBER), ("nov", "11-30", None)]
    for name, end, rows in months:
        if rows is None:
            rows = [
                *figure_rows("XX1", "COC_by_28weeks", numerator="50", denominator="250",
                             rate="20.0", end=f"2025-{end}", result="Pass"),
                *figure_rows("XX2", "COC_by_28weeks", rate="4.0", end=f"2025-{end}"),
            ]  # fmt: skip
        source = tmp_path / f"msds-{name}2025-exp-measures.csv"
        source.write_text(measures_csv(rows), encoding="utf-8")  # type: ignore[arg-type]
        result = import_file(run, source, registry, "--commit")
        assert result.exit_code == 0, result.stderr
    return registry


def figures(run: Run, registry: Path) -> str:
    result = run("-r", str(registry), "check", "--all", "-f", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    assert "internal error" not in result.stderr
    return json.dumps(json.loads(result.stdout)["trusts"], sort_keys=True)


def index_files() -> list[Path]:
    folder = Path(os.environ["COCWATCH_CACHE_DIR"]) / "statistics"
    return [p for p in folder.glob("*.sqlite3") if p.stat().st_size > 0]


def only_index(run: Run, registry: Path) -> Path:
    """The index of the registry's statistics folder (the shipped one's aside)."""
    before = {p: p.stat().st_mtime_ns for p in index_files()}
    for p in before:
        p.unlink()
    figures(run, registry)
    (found,) = index_files()
    return found


def test_single_byte_corruptions_never_change_a_figure(run: Run, registry: Path) -> None:
    """40 bytes flipped one at a time across the index: 9 of them made every command exit 70."""
    good = figures(run, registry)
    index = only_index(run, registry)
    clean = index.read_bytes()
    for i in range(40):
        offset = (len(clean) - 1) * i // 39
        damaged = bytearray(clean)
        damaged[offset] ^= 0xFF
        index.write_bytes(bytes(damaged))
        assert figures(run, registry) == good, f"byte {offset} of {len(clean)}"


@pytest.mark.parametrize("table", ["figs", "obs", "held"])
def test_a_dropped_table_is_rebuilt_not_read_as_no_figures(
    run: Run, registry: Path, table: str
) -> None:
    good = figures(run, registry)
    index = only_index(run, registry)
    with sqlite3.connect(index) as db:
        db.execute(f"DROP TABLE {table}")
    assert figures(run, registry) == good


def test_rows_deleted_from_the_index_are_noticed(run: Run, registry: Path) -> None:
    good = figures(run, registry)
    index = only_index(run, registry)
    with sqlite3.connect(index) as db:
        db.execute("DELETE FROM figs WHERE code = 'XX1'")
    assert figures(run, registry) == good


def test_a_value_changed_in_the_index_is_noticed(run: Run, registry: Path) -> None:
    good = figures(run, registry)
    index = only_index(run, registry)
    with sqlite3.connect(index) as db:
        db.execute("UPDATE figs SET percent = 50.0 WHERE code = 'XX1'")
    assert figures(run, registry) == good


def test_a_read_only_cache_with_a_stale_index_still_answers(
    run: Run, registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stale index in a cache folder that cannot be written gave exit 4 on every check.
    (The folder is made read-only as SQLite sees it, so that the test holds for root too.)"""
    from cocwatch.statistics.index import StatisticsIndex

    good = figures(run, registry)
    index = only_index(run, registry)
    kept = next((registry.parent / "statistics" / "msds").glob("*nov*"))
    kept.touch()  # the index is now stale for that file

    def read_only(self: StatisticsIndex) -> sqlite3.Connection:
        return sqlite3.connect(f"file:{index}?mode=ro", uri=True)

    def no_new_file(self: StatisticsIndex) -> sqlite3.Connection:
        raise PermissionError(13, "Permission denied", str(index))

    monkeypatch.setattr(StatisticsIndex, "_open", read_only)
    monkeypatch.setattr(StatisticsIndex, "_open_new", no_new_file)
    assert figures(run, registry) == good
    assert figures(run, registry) == good  # and again: every run answers


def test_a_full_disk_for_the_index_still_answers(
    run: Run, registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite says 'database or disk is full' (here: a cap of 8 pages on the file): the index
    is built in memory for the run."""
    good = figures(run, registry)
    for p in index_files():
        p.unlink()
    from cocwatch.statistics.index import StatisticsIndex

    real = StatisticsIndex._open

    def small_disk(self: StatisticsIndex) -> sqlite3.Connection:
        db = real(self)
        db.execute("PRAGMA max_page_count = 8")
        return db

    monkeypatch.setattr(StatisticsIndex, "_open", small_disk)
    assert figures(run, registry) == good


def test_a_file_that_is_no_database_is_replaced(run: Run, registry: Path) -> None:
    good = figures(run, registry)
    index = only_index(run, registry)
    index.write_bytes(b"not a database at all\n" * 100)
    assert figures(run, registry) == good
    assert index.read_bytes()[:16] == b"SQLite format 3\x00"
