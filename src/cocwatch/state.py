"""The state `watch` keeps between runs: one SQLite file, one transaction per run.

`open_state` takes an exclusive lock beside the file (``state.sqlite3.lock``), so two
overlapping runs cannot both report the same news or interleave their writes: the second
waits up to `wait` seconds, then gives up with an `ExternalError` (exit 4) and changes
nothing. Inside the lock the whole run is one ``BEGIN IMMEDIATE`` transaction: reading the
previous snapshot, migrating the schema and writing the new snapshot commit together or not
at all, so a crash or Ctrl-C mid-run leaves the last completed run's state intact.

The schema is versioned with ``PRAGMA user_version``: `MIGRATIONS[i]` takes a file from
version i to i+1, and a new release appends to the list (never edits an entry). A file
written by a newer cocwatch is refused rather than guessed at.

Imports the standard library, filelock and the pure core.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date, datetime
from pathlib import Path

from cocwatch import __version__
from cocwatch.core.watch import (
    CohortState,
    FigureKey,
    FigureState,
    FindingState,
    PageKey,
    PageState,
    Snapshot,
    TrustState,
)
from cocwatch.errors import ExternalError

DEFAULT_WAIT_SECONDS = 10.0

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 0 -> 1: the first schema.
    (
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
        """CREATE TABLE trusts (
            trust_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            severity TEXT NOT NULL,
            position INTEGER NOT NULL
        ) WITHOUT ROWID""",
        """CREATE TABLE cohorts (
            trust_id TEXT NOT NULL,
            cohort TEXT NOT NULL,
            status TEXT NOT NULL,
            severity TEXT NOT NULL,
            PRIMARY KEY (trust_id, cohort)
        ) WITHOUT ROWID""",
        """CREATE TABLE findings (
            trust_id TEXT NOT NULL,
            code TEXT NOT NULL,
            severity TEXT NOT NULL,
            message TEXT NOT NULL,
            PRIMARY KEY (trust_id, code)
        ) WITHOUT ROWID""",
        """CREATE TABLE figures (
            trust_id TEXT NOT NULL,
            cohort TEXT NOT NULL,
            measure TEXT NOT NULL,
            as_of TEXT NOT NULL,
            percent REAL NOT NULL,
            provisional INTEGER NOT NULL,
            quality TEXT NOT NULL,
            PRIMARY KEY (trust_id, cohort, measure, as_of)
        ) WITHOUT ROWID""",
        """CREATE TABLE pages (
            trust_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            url TEXT NOT NULL,
            text_hash TEXT,
            etag TEXT,
            last_modified TEXT,
            error TEXT,
            failing_since TEXT,
            PRIMARY KEY (trust_id, kind)
        ) WITHOUT ROWID""",
    ),
    # 1 -> 2: a figure whose data failed quality checks may have no percentage.
    (
        """CREATE TABLE figures_2 (
            trust_id TEXT NOT NULL,
            cohort TEXT NOT NULL,
            measure TEXT NOT NULL,
            as_of TEXT NOT NULL,
            percent REAL,
            provisional INTEGER NOT NULL,
            quality TEXT NOT NULL,
            PRIMARY KEY (trust_id, cohort, measure, as_of)
        ) WITHOUT ROWID""",
        "INSERT INTO figures_2 SELECT * FROM figures",
        "DROP TABLE figures",
        "ALTER TABLE figures_2 RENAME TO figures",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class WatchState:
    """The state file of one run, inside its lock and transaction (see `open_state`)."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def last_as_of(self) -> date | None:
        """The as-of date of the last completed run, or None before the first one."""
        value = self._meta("last_as_of")
        return date.fromisoformat(value) if value else None

    def load(self) -> Snapshot | None:
        """The snapshot stored by the last run, or None when no baseline has been recorded."""
        if self.last_as_of() is None:
            return None
        db = self._db
        trusts = {
            tid: TrustState(name, severity)
            for tid, name, severity in db.execute(
                "SELECT trust_id, name, severity FROM trusts ORDER BY position"
            )
        }
        cohorts = {
            (tid, cohort): CohortState(status, severity)
            for tid, cohort, status, severity in db.execute(
                "SELECT trust_id, cohort, status, severity FROM cohorts"
            )
        }
        findings = {
            (tid, code): FindingState(severity, message)
            for tid, code, severity, message in db.execute(
                "SELECT trust_id, code, severity, message FROM findings"
            )
        }
        figures: dict[FigureKey, FigureState] = {
            (tid, cohort, measure, as_of): FigureState(percent, bool(provisional), quality)
            for tid, cohort, measure, as_of, percent, provisional, quality in db.execute(
                "SELECT trust_id, cohort, measure, as_of, percent, provisional, quality"
                " FROM figures"
            )
        }
        pages: dict[PageKey, PageState] = {
            (tid, kind): PageState(
                url=url,
                text_hash=text_hash,
                etag=etag,
                last_modified=last_modified,
                error=error,
                failing_since=date.fromisoformat(since) if since else None,
            )
            for tid, kind, url, text_hash, etag, last_modified, error, since in db.execute(
                "SELECT trust_id, kind, url, text_hash, etag, last_modified, error,"
                " failing_since FROM pages"
            )
        }
        return Snapshot(trusts, cohorts, findings, figures, pages, order=tuple(trusts))

    def save(self, snapshot: Snapshot, *, as_of: date, run_at: datetime, registry: str) -> None:
        """Replace the stored snapshot with `snapshot` (committed when the run ends)."""
        db = self._db
        for table in ("trusts", "cohorts", "findings", "figures", "pages"):
            db.execute(f"DELETE FROM {table}")  # table names are constants, not input
        order = list(snapshot.order) + [t for t in snapshot.trusts if t not in snapshot.order]
        db.executemany(
            "INSERT INTO trusts VALUES (?, ?, ?, ?)",
            (
                (tid, snapshot.trusts[tid].name, snapshot.trusts[tid].severity, position)
                for position, tid in enumerate(order)
            ),
        )
        db.executemany(
            "INSERT INTO cohorts VALUES (?, ?, ?, ?)",
            ((t, c, s.status, s.severity) for (t, c), s in snapshot.cohorts.items()),
        )
        db.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?)",
            ((t, c, s.severity, s.message) for (t, c), s in snapshot.findings.items()),
        )
        db.executemany(
            "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                (*key, s.percent, int(s.provisional), s.quality)
                for key, s in snapshot.figures.items()
            ),
        )
        db.executemany(
            "INSERT INTO pages VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    tid,
                    kind,
                    s.url,
                    s.text_hash,
                    s.etag,
                    s.last_modified,
                    s.error,
                    s.failing_since.isoformat() if s.failing_since else None,
                )
                for (tid, kind), s in snapshot.pages.items()
            ),
        )
        meta = {
            "last_as_of": as_of.isoformat(),
            "last_run_at": run_at.isoformat(timespec="seconds"),
            "registry": registry,
            "cocwatch_version": __version__,
        }
        if self._meta("baseline_as_of") is None:
            meta["baseline_as_of"] = as_of.isoformat()
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", meta.items())


def migrate(
    connection: sqlite3.Connection,
    path: Path,
    migrations: Sequence[Sequence[str]] = MIGRATIONS,
) -> None:
    """Bring the schema up to date, inside the caller's transaction."""
    version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    if version > len(migrations):
        raise ExternalError(
            f"The watch state {path} was written by a newer version of cocwatch (schema "
            f"{version}; this version knows up to {len(migrations)}). Upgrade cocwatch, or "
            "use another state file with --state."
        )
    for target in range(version + 1, len(migrations) + 1):
        for statement in migrations[target - 1]:
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {target:d}")


@contextmanager
def open_state(
    path: Path,
    *,
    wait: float = DEFAULT_WAIT_SECONDS,
    migrations: Sequence[Sequence[str]] = MIGRATIONS,
) -> Iterator[WatchState]:
    """Lock the state file, open one transaction, and commit it when the block succeeds."""
    from filelock import FileLock, Timeout

    path = Path(path)
    lock_path = Path(f"{path}.lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_path), timeout=max(0.0, wait))
        lock.acquire()
    except Timeout:
        raise ExternalError(
            f"Another `cocwatch watch` is using the state file {path} and did not finish "
            f"within {wait:g} s, so this run was skipped and changed nothing; the next run "
            "reports everything since the last completed one."
        ) from None
    except OSError as exc:
        raise ExternalError(
            f"Cannot use the watch state {path}: {exc.strerror or exc}. Check that the folder "
            "exists and is writable, or choose another file with --state or COCWATCH_STATE."
        ) from None
    try:
        with _transaction(path, wait=wait) as connection:
            migrate(connection, path, migrations)
            yield WatchState(connection, path)
    finally:
        lock.release()


@contextmanager
def _transaction(path: Path, *, wait: float) -> Iterator[sqlite3.Connection]:
    connection: sqlite3.Connection | None = None
    try:
        # isolation_level=None: we issue BEGIN and COMMIT ourselves, one transaction per run.
        connection = sqlite3.connect(path, timeout=max(0.0, wait), isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        yield connection
        connection.execute("COMMIT")
    except sqlite3.Error as exc:
        raise _state_error(path, exc) from None
    finally:
        if connection is not None:
            if connection.in_transaction:
                with suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
            connection.close()


def _state_error(path: Path, exc: sqlite3.Error) -> ExternalError:
    detail = str(exc)
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in detail:
        return ExternalError(
            f"The watch state {path} is not a cocwatch state file ({detail}). Move it away "
            "(the next run records a new baseline) or choose another file with --state."
        )
    if "locked" in detail or "busy" in detail:
        return ExternalError(
            f"The watch state {path} is locked by another program ({detail}); this run was "
            "skipped and changed nothing. Try again when it has finished."
        )
    return ExternalError(
        f"Cannot use the watch state {path}: {detail}. Check that the file and its folder "
        "are writable and the disk is not full, or choose another file with --state."
    )
