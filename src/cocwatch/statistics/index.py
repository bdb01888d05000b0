"""The index of a statistics folder: its kept files' observations and figures, in SQLite.

Reading goes through an index: a SQLite file in the cache folder (``statistics/``) holding
each kept file's observations, and the figures its source makes of them, refreshed when the
manifest names a file it does not hold (or a kept file changed size or time), so a month is
read once and a query for one Trust touches only its rows. It is never the sole holder of a
fact (SPEC §7.1): deleting it is always safe.

It is checked on every use, never trusted: its schema and version, what it holds against the
manifest (each file's checksums, size and time), the number of rows it holds against what it
put in, and a checksum of every row it returns. Anything amiss (a damaged file, a dropped
table, a changed value, SQLite's own errors, a cache folder that cannot be written, a full
disk) and it is built again from the kept files: in a new file, else in memory for the run.

Imports the standard library, the core's plain values, the cache folder's name and the
registry of official sources; knows the folder it indexes only as `Kept` (its files, and how
to read one).
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from cocwatch.core.official import Observation, StoredFile, preferred, supersedes
from cocwatch.statistics.sources import official_source

if TYPE_CHECKING:
    from cocwatch.core.imports import OfficialFigure

T = TypeVar("T")

_INDEX_VERSION = 4  # bump when what the index holds changes: older indexes are rebuilt
_TABLES = {
    "held": "CREATE TABLE held (path TEXT PRIMARY KEY, stamp TEXT, version INT, obs INT, "
    "figs INT, crc INT)",
    "obs": "CREATE TABLE obs (path TEXT, level TEXT, code TEXT, name TEXT, measure TEXT, "
    "grp TEXT, period_start INT, period_end INT, numerator INT, denominator INT, rate REAL, "
    "low_dq INT, result TEXT, line INT, crc INT)",
    "obs_code": "CREATE INDEX obs_code ON obs (code)",
    "obs_month": "CREATE INDEX obs_month ON obs (period_end, measure, grp)",
    "figs": "CREATE TABLE figs (path TEXT, code TEXT, name TEXT, cohort TEXT, measure TEXT, "
    "as_of INT, percent REAL, numerator INT, denominator INT, quality TEXT, provisional INT, "
    "line INT, level TEXT, crc INT)",
    "figs_code": "CREATE INDEX figs_code ON figs (code)",
    "figs_month": "CREATE INDEX figs_month ON figs (as_of)",  # an import's month
}


class _Damaged(Exception):
    """The index does not hold what it says it holds."""


class Kept(Protocol):
    """The statistics folder, as its index sees it."""

    @property
    def folder(self) -> Path: ...

    def files(self) -> tuple[StoredFile, ...]: ...

    def read_kept(self, file: StoredFile) -> Sequence[Observation]: ...


class StatisticsIndex:
    """The index of one statistics folder's kept files."""

    def __init__(self, kept: Kept) -> None:
        self.kept = kept

    def put(self, entry: StoredFile, observations: Sequence[Observation]) -> None:
        """Put a file just kept into the index from the rows already read (not read again)."""
        try:
            with closing(self._open()) as db:
                _check_schema(db)
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    self._insert(db, entry, self._stamp(entry), observations)
        except (OSError, sqlite3.Error, _Damaged):
            pass  # the index only saves time: the next read checks it, and builds it again

    def observations(
        self,
        *,
        codes: Iterable[str] | None = None,
        levels: Iterable[str] | None = None,
        measures: Iterable[str] | None = None,
        groups: Iterable[str] | None = None,
        periods: Iterable[date] | None = None,
        whole_files_only: bool = False,
    ) -> list[tuple[StoredFile, Observation]]:
        """The observations that match, one per organisation, indicator and month (the
        superseding file's), each with the file it comes from (with `whole_files_only`, none
        from a file of moved figures)."""
        files = {f.path: f for f in self.kept.files() if not (whole_files_only and f.moved)}
        if not files:
            return []
        clauses: list[str] = []
        params: list[object] = []
        ends = None if periods is None else [p.toordinal() for p in periods]
        for column, values in (
            ("code", codes),
            ("level", levels),
            ("measure", measures),
            ("grp", groups),
            ("period_end", ends),
        ):
            if values is not None:
                chosen = list(values)
                clauses.append(f"{column} IN ({','.join('?' * len(chosen))})")
                params += chosen
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._read(lambda db: _checked(db.execute(f"SELECT * FROM obs {where}", params)))
        found = [(files[r[0]], _observation(r)) for r in rows if r[0] in files]
        return preferred(found)

    def official_figures(
        self,
        codes: Iterable[str] | None = None,
        *,
        periods: Iterable[date] | None = None,
        levels: Iterable[str] = ("provider", "national"),
    ) -> list[tuple[StoredFile, OfficialFigure]]:
        """Providers' (and England's) figures, each with the file it comes from.

        `codes` limits them to some ODS codes (`ENGLAND` for England), `periods` to some
        months (by their last day); None means all. `levels` names whose figures: providers'
        and England's, or an area's (``lms``: each LMNS's, under its ICB's code).
        """
        from cocwatch.core.imports import OfficialFigure

        files = {f.path: f for f in self.kept.files()}
        if not files:
            return []
        chosen_levels = sorted(set(levels))
        clauses: list[str] = [f"level IN ({','.join('?' * len(chosen_levels))})"]
        params: list[object] = list(chosen_levels)
        if codes is not None:
            chosen = sorted({c.upper() for c in codes})
            clauses.append(f"code IN ({','.join('?' * len(chosen))})")
            params += chosen
        if periods is not None:
            ends = sorted({p.toordinal() for p in periods})
            clauses.append(f"as_of IN ({','.join('?' * len(ends))})")
            params += ends
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows: list[tuple[Any, ...]] = self._read(
            lambda db: _checked(db.execute(f"SELECT * FROM figs {where}", params))
        )
        # Months that more than one kept file holds (a provisional and a final file): only
        # their figures need choosing between files.
        paths: dict[int, set[str]] = {}
        for r in rows:
            paths.setdefault(r[5], set()).add(r[0])
        shared = {day for day, held in paths.items() if len(held) > 1}
        days = {ordinal: date.fromordinal(ordinal) for ordinal in {r[5] for r in rows}}

        def figure(r: tuple[Any, ...]) -> OfficialFigure:
            # ods, org_name, cohort, measure, as_of, percent, numerator, denominator,
            # quality, provisional, line, level: the index's columns, in OfficialFigure's order
            return OfficialFigure(
                r[1], r[2], r[3], r[4], days[r[5]], r[6], r[7], r[8], r[9], bool(r[10]), r[11],
                r[12],
            )  # fmt: skip

        out = [
            (file, figure(r))
            for r in rows
            if r[5] not in shared and (file := files.get(r[0])) is not None
        ]
        if shared:  # choose between the files of a month held twice
            best: dict[tuple[str, str, str, int], tuple[StoredFile, tuple[Any, ...]]] = {}
            for row in rows:
                file = files.get(row[0])
                if file is None or row[5] not in shared:
                    continue
                key = (row[1], row[3], row[4], row[5])
                held = best.get(key)
                if held is None or supersedes(file, held[0]):
                    best[key] = (file, row)
            out += [(file, figure(r)) for file, r in best.values()]
        return out

    def refresh(self) -> None:
        """Bring the index up to date with the manifest (reading what changed)."""
        self._read(lambda db: None)

    # ------------------------------------------------------------------ the SQLite file

    @property
    def _index_path(self) -> Path:
        from cocwatch.cache import STATISTICS, folder

        key = hashlib.sha256(str(self.kept.folder.resolve()).encode()).hexdigest()[:24]
        return folder(STATISTICS) / f"{key}.sqlite3"

    def _open(self) -> sqlite3.Connection:
        """The index file in the cache folder (created when missing)."""
        path = self._index_path
        path.parent.mkdir(parents=True, exist_ok=True)
        return sqlite3.connect(path, timeout=30)

    def _open_new(self) -> sqlite3.Connection:
        """A new index file in place of the one there (which is never rewritten in place)."""
        path = self._index_path
        for leftover in (path, *(path.with_name(path.name + end) for end in _SIDE_FILES)):
            leftover.unlink(missing_ok=True)
        return self._open()

    @staticmethod
    def _open_in_memory() -> sqlite3.Connection:
        return sqlite3.connect(":memory:")  # for this run only: the cache cannot be used

    def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work` done on the index, checked and brought up to date first; an index that is
        damaged, unreadable or cannot be brought up to date is built again: in a new file,
        else in memory. (A kept file that does not match the manifest is not the index's
        fault: that error is the caller's.)"""
        failure: BaseException | None = None
        for connect in (self._open, self._open_new, self._open_in_memory):
            try:
                db = connect()
            except (OSError, sqlite3.Error) as exc:
                failure = exc
                continue
            try:
                with closing(db):
                    self._refresh(db)
                    return work(db)
            except (sqlite3.Error, _Damaged, UnicodeDecodeError) as exc:
                failure = exc
        assert failure is not None
        raise failure

    @staticmethod
    def _insert(
        db: sqlite3.Connection, file: StoredFile, stamp: str, observations: Sequence[Observation]
    ) -> None:
        """Index a kept file: its observations, and the figures its source makes of them
        (worked out once here, so reading a Trust's history is one query), each row with its
        checksum, and what was put in under `held`."""
        path = file.path
        # Rows of a path are in the index exactly when `held` names it (one transaction puts
        # both in). Deleting looks through every row of the index, so a new file skips it.
        if db.execute("SELECT 1 FROM held WHERE path = ?", (path,)).fetchone():
            for table in ("obs", "figs"):
                db.execute(f"DELETE FROM {table} WHERE path = ?", (path,))
        obs = [_sealed((path, *_row(o))) for o in observations]
        db.executemany("INSERT INTO obs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", obs)
        providers, national, _ = official_source(file.source).figures(
            observations, file.provisional
        )
        figs = [
            _sealed(
                (path, f.ods.upper(), f.org_name, f.cohort, f.measure, f.as_of.toordinal(),
                 _real(f.value), _int(f.numerator), _int(f.denominator), f.quality,
                 int(f.provisional), int(f.line), f.level)
            )
            for f in (*national, *providers)
        ]  # fmt: skip
        db.executemany("INSERT INTO figs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", figs)
        db.execute(
            "INSERT OR REPLACE INTO held VALUES (?,?,?,?,?,?)",
            _sealed((path, stamp, _INDEX_VERSION, len(obs), len(figs))),
        )

    def _refresh(self, db: sqlite3.Connection) -> None:
        """Check the index, then bring it up to date with the manifest."""
        _check_schema(db)
        held = {r[0]: r for r in _checked(db.execute("SELECT * FROM held"))}
        _check_counts(db, held.values())
        wanted = {f.path: f for f in self.kept.files()}
        stamps = {p: self._stamp(f) for p, f in wanted.items()}
        stale = [p for p in held if p not in wanted or held[p][1:3] != (stamps[p], _INDEX_VERSION)]
        fresh = [p for p in wanted if p not in held or p in stale]
        if not stale and not fresh:
            return
        with db:
            db.execute("BEGIN IMMEDIATE")
            for path in stale:
                for table in ("obs", "figs", "held"):
                    db.execute(f"DELETE FROM {table} WHERE path = ?", (path,))
            for path in fresh:
                file = wanted[path]
                self._insert(db, file, stamps[path], self.kept.read_kept(file))

    def _stamp(self, file: StoredFile) -> str:
        try:
            info = (self.kept.folder / file.path).stat()
        except OSError:
            return "missing"
        return f"{info.st_size}:{info.st_mtime_ns}:{file.sha256}:{file.file_sha256}"


_SIDE_FILES = ("-journal", "-wal", "-shm")


def _check_schema(db: sqlite3.Connection) -> None:
    """Create the tables in a new index; `_Damaged` when an index holds other ones."""
    found = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if not found:
        with db:
            for sql in _TABLES.values():
                db.execute(sql)
            db.execute(f"PRAGMA user_version = {_INDEX_VERSION}")
        return
    if found != _TABLES or version != _INDEX_VERSION:
        raise _Damaged("the index's tables are not the ones cocwatch makes")


def _check_counts(db: sqlite3.Connection, held: Iterable[tuple[Any, ...]]) -> None:
    """`_Damaged` unless the index holds as many rows as it put in."""
    rows = list(held)
    obs, figs = sum(r[3] for r in rows), sum(r[4] for r in rows)
    found = db.execute("SELECT (SELECT COUNT(*) FROM obs), (SELECT COUNT(*) FROM figs)")
    if found.fetchone() != (obs, figs):
        raise _Damaged("the index holds other rows than it put in")


def _crc(values: Sequence[object]) -> int:
    return zlib.crc32(repr(tuple(values)).encode("utf-8", "surrogatepass"))


def _sealed(values: tuple[object, ...]) -> tuple[object, ...]:
    """A row with its checksum last (its values as SQLite gives them back)."""
    return (*values, _crc(values))


def _checked(cursor: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows of a query, each checked against its checksum (`_Damaged` when one fails)."""
    rows = list(cursor)
    for row in rows:
        if _crc(row[:-1]) != row[-1]:
            raise _Damaged("a row of the index does not match its checksum")
    return rows


def _int(value: object) -> int | None:
    return None if value is None else int(value)  # type: ignore[call-overload]


def _real(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _row(o: Observation) -> tuple[object, ...]:
    """An observation's columns, typed as SQLite gives them back."""
    return (
        o.level,
        o.code,
        o.name,
        o.measure,
        o.group,
        o.period_start.toordinal() if o.period_start else None,
        o.period_end.toordinal(),
        _int(o.numerator),
        _int(o.denominator),
        _real(o.rate),
        int(o.low_dq),
        o.result,
        int(o.line),
    )


def _observation(r: Sequence[object]) -> Observation:
    start = r[6]
    return Observation(
        level=r[1],  # type: ignore[arg-type]
        code=str(r[2]),
        name=str(r[3]),
        measure=str(r[4]),
        group=str(r[5]),
        period_start=date.fromordinal(start) if isinstance(start, int) else None,
        period_end=date.fromordinal(int(r[7])),  # type: ignore[call-overload]
        numerator=r[8] if isinstance(r[8], int) else None,
        denominator=r[9] if isinstance(r[9], int) else None,
        rate=float(r[10]) if isinstance(r[10], int | float) else None,
        low_dq=bool(r[11]),
        result=r[12] if r[12] in ("pass", "fail") else None,
        line=int(r[13]),  # type: ignore[call-overload]
    )
