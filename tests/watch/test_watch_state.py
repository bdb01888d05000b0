"""The SQLite state of `watch`: round trip, one transaction, schema versions, the lock.

Real SQLite files in a temporary folder; all data is synthetic.
"""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from cocwatch.core.watch import (
    CohortState,
    FigureState,
    FindingState,
    PageState,
    Snapshot,
    TrustState,
)
from cocwatch.errors import ExternalError
from cocwatch.state import MIGRATIONS, SCHEMA_VERSION, open_state

D = date(2026, 11, 23)
RUN_AT = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)

SNAPSHOT = Snapshot(
    trusts={"b": TrustState("B Trust (synthetic)", "warn"), "a": TrustState("A (synthetic)", "ok")},
    cohorts={("b", "all"): CohortState("behind", "warn")},
    findings={("b", "no_plan"): FindingState("fail", "No plan.")},
    figures={
        ("b", "all", "offered", "2026-09-30"): FigureState(23.4, True, "pass"),
        ("", "all", "placed_by_28_weeks", "2026-06-30"): FigureState(9.5, False, "unknown"),
    },
    pages={
        ("b", "board_papers"): PageState("https://example.org/b", "h1", '"e"', "Mon"),
        ("b", "plan"): PageState(
            "https://example.org/p", None, error="boom", failing_since=date(2026, 11, 1)
        ),
    },
    order=("b", "a"),
)


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def test_a_saved_snapshot_loads_back_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "state.sqlite3"
    with open_state(path) as state:
        assert state.load() is None
        assert state.last_as_of() is None
        state.save(SNAPSHOT, as_of=D, run_at=RUN_AT, registry="trusts.yaml")
    assert user_version(path) == SCHEMA_VERSION == len(MIGRATIONS)
    with open_state(path) as state:
        assert state.last_as_of() == D
        loaded = state.load()
    assert loaded == SNAPSHOT


def test_a_failed_run_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with open_state(path) as state:
        state.save(SNAPSHOT, as_of=D, run_at=RUN_AT, registry="r")
    changed = Snapshot({}, {}, {}, {}, {})
    with pytest.raises(RuntimeError), open_state(path) as state:
        state.save(changed, as_of=date(2026, 11, 24), run_at=RUN_AT, registry="r")
        raise RuntimeError("the run stops half way")
    with open_state(path) as state:
        assert state.last_as_of() == D
        assert state.load() == SNAPSHOT


def test_a_first_run_that_fails_leaves_an_empty_baseline(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with pytest.raises(RuntimeError), open_state(path) as state:
        state.save(SNAPSHOT, as_of=D, run_at=RUN_AT, registry="r")
        raise RuntimeError("interrupted")
    assert user_version(path) == 0
    with open_state(path) as state:
        assert state.load() is None


def test_a_later_schema_migrates_in_place_keeping_the_data(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with open_state(path) as state:
        state.save(SNAPSHOT, as_of=D, run_at=RUN_AT, registry="r")
    later = (*MIGRATIONS, ("ALTER TABLE pages ADD COLUMN note TEXT",))
    with open_state(path, migrations=later) as state:
        assert state.load() == SNAPSHOT
    assert user_version(path) == SCHEMA_VERSION + 1
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(pages)")]
    assert "note" in columns


def test_a_state_from_a_newer_cocwatch_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with (
        pytest.raises(ExternalError, match="written by a newer version of cocwatch"),
        open_state(path),
    ):
        pass
    assert user_version(path) == 99


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"this is not sqlite, it is synthetic junk" * 100)
    with pytest.raises(ExternalError) as caught, open_state(path):
        pass
    assert str(path) in caught.value.message
    assert "not a cocwatch state file" in caught.value.message


def test_an_unusable_folder_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where a folder should be")
    with (
        pytest.raises(ExternalError, match="Cannot use the watch state"),
        open_state(blocker / "state.sqlite3"),
    ):
        pass


def test_a_second_run_waits_then_gives_up_while_the_first_holds_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    with open_state(path) as state:
        state.save(Snapshot({}, {}, {}, {}, {}), as_of=D, run_at=RUN_AT, registry="r")
    holding, release = threading.Event(), threading.Event()

    def first_run() -> None:
        with open_state(path) as state:
            holding.set()
            release.wait(10)
            state.save(SNAPSHOT, as_of=D, run_at=RUN_AT, registry="r")

    thread = threading.Thread(target=first_run)
    thread.start()
    try:
        assert holding.wait(10)
        with pytest.raises(ExternalError) as caught, open_state(path, wait=0.2):
            pass
        assert "this run was skipped and changed nothing" in caught.value.message
    finally:
        release.set()
        thread.join(10)
    with open_state(path, wait=0.2) as state:
        assert state.load() == SNAPSHOT
