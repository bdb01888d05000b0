"""The index of a statistics folder: its kept files' observations and figures, in SQLite.

Reading goes through an index: a SQLite file in the cache folder (``statistics/``) holding
each kept file's observations, and the figures its source makes of them, refreshed when the
manifest names a file it does not hold (or a kept file changed size or time), so a month is
read once and a query for one Trust touches only its rows. It is never the sole holder of a
fact (SPEC §7.1): deleting it is always safe, and a damaged one is rebuilt.

Imports the standard library, the core's plain values, the cache folder's name and the
registry of official sources; knows the folder it indexes only as `Kept` (its files, and how
to read one).
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from cocwatch.core.official import Observation, StoredFile, preferred, supersedes
from cocwatch.statistics.sources import official_source

if TYPE_CHECKING:
    from cocwatch.core.imports import OfficialFigure

_INDEX_VERSION = 3  # bump when what the index holds changes: older indexes are rebuilt


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
            with self._connect() as db:
                self._create(db)
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    self._insert(db, entry, self._stamp(entry), observations)
        except sqlite3.Error:
            pass  # the index only saves time: the next read builds it

    def observations(
        self,
        *,
        codes: Iterable[str] | None = None,
        levels: Iterable[str] | None = None,
        measures: Iterable[str] | None = None,
        groups: Iterable[str] | None = None,
        periods: Iterable[date] | None = None,
    ) -> list[tuple[StoredFile, Observation]]:
        """The observations that match, one per organisation, indicator and month (the
        superseding file's), each with the file it comes from."""
        files = {f.path: f for f in self.kept.files()}
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
        with self._fresh() as db:
            rows = db.execute(f"SELECT * FROM obs {where}", params).fetchall()
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

        `codes` limits them to some ODS codes (``NATIONAL`` for England), `periods` to some
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
        with self._fresh() as db:
            rows: list[tuple[Any, ...]] = db.execute(
                f"SELECT * FROM figs {where}", params
            ).fetchall()
            # Months that more than one kept file holds (a provisional and a final file):
            # only their figures need choosing between files.
            shared = {
                day
                for (day,) in db.execute(
                    f"SELECT as_of FROM figs {where} GROUP BY as_of "
                    "HAVING COUNT(DISTINCT path) > 1",
                    params,
                )
            }
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

    # ------------------------------------------------------------------ the SQLite file

    @property
    def _index_path(self) -> Path:
        from cocwatch.cache import STATISTICS, folder

        key = hashlib.sha256(str(self.kept.folder.resolve()).encode()).hexdigest()[:24]
        return folder(STATISTICS) / f"{key}.sqlite3"

    def _open(self) -> sqlite3.Connection:
        path = self._index_path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return sqlite3.connect(path, timeout=30)
        except (OSError, sqlite3.Error):
            return sqlite3.connect(":memory:")  # no cache folder: an index for this run only

    def _connect(self) -> closing[sqlite3.Connection]:
        return closing(self._open())

    @contextmanager
    def _fresh(self) -> Iterator[sqlite3.Connection]:
        """The index, brought up to date with the manifest first."""
        db = self._open()
        try:
            try:
                self._refresh(db)
            except sqlite3.DatabaseError:
                db.close()
                self._index_path.unlink(missing_ok=True)  # damaged: it only saves time
                db = self._open()
                self._refresh(db)
            yield db
        finally:
            db.close()

    @staticmethod
    def _create(db: sqlite3.Connection) -> None:
        db.execute(
            "CREATE TABLE IF NOT EXISTS held (path TEXT PRIMARY KEY, stamp TEXT, version INT)"
        )
        db.execute(
            "CREATE TABLE IF NOT EXISTS obs (path TEXT, level TEXT, code TEXT, name TEXT, "
            "measure TEXT, grp TEXT, period_start INT, period_end INT, numerator INT, "
            "denominator INT, rate REAL, low_dq INT, result TEXT, line INT)"
        )
        db.execute("CREATE INDEX IF NOT EXISTS obs_code ON obs (code)")
        db.execute("CREATE INDEX IF NOT EXISTS obs_month ON obs (period_end, measure, grp)")
        db.execute(
            "CREATE TABLE IF NOT EXISTS figs (path TEXT, code TEXT, name TEXT, cohort TEXT, "
            "measure TEXT, as_of INT, percent REAL, numerator INT, denominator INT, "
            "quality TEXT, provisional INT, line INT, level TEXT)"
        )
        db.execute("CREATE INDEX IF NOT EXISTS figs_code ON figs (code)")
        db.execute("CREATE INDEX IF NOT EXISTS figs_month ON figs (as_of)")  # an import's month

    @staticmethod
    def _insert(
        db: sqlite3.Connection, file: StoredFile, stamp: str, observations: Sequence[Observation]
    ) -> None:
        """Index a kept file: its observations, and the figures its source makes of them
        (worked out once here, so reading a Trust's history is one query)."""
        path = file.path
        # Rows of a path are in the index exactly when `held` names it (one transaction puts
        # both in). Deleting looks through every row of the index, so a new file skips it.
        if db.execute("SELECT 1 FROM held WHERE path = ?", (path,)).fetchone():
            for table in ("obs", "figs"):
                db.execute(f"DELETE FROM {table} WHERE path = ?", (path,))
        db.executemany(
            "INSERT INTO obs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(path, *_row(o)) for o in observations],
        )
        providers, national, _ = official_source(file.source).figures(
            observations, file.provisional
        )
        db.executemany(
            "INSERT INTO figs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (path, f.ods.upper(), f.org_name, f.cohort, f.measure, f.as_of.toordinal(),
                 f.value, f.numerator, f.denominator, f.quality, int(f.provisional), f.line,
                 f.level)
                for f in (*national, *providers)
            ],
        )  # fmt: skip
        db.execute("INSERT OR REPLACE INTO held VALUES (?,?,?)", (path, stamp, _INDEX_VERSION))

    def _refresh(self, db: sqlite3.Connection) -> None:
        self._create(db)
        held = {p: (s, v) for p, s, v in db.execute("SELECT path, stamp, version FROM held")}
        wanted = {f.path: f for f in self.kept.files()}
        stamps = {p: self._stamp(f) for p, f in wanted.items()}
        stale = [p for p in held if p not in wanted or held[p] != (stamps[p], _INDEX_VERSION)]
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
        return f"{info.st_size}:{info.st_mtime_ns}:{file.sha256}"


def _row(o: Observation) -> tuple[object, ...]:
    return (
        o.level,
        o.code,
        o.name,
        o.measure,
        o.group,
        o.period_start.toordinal() if o.period_start else None,
        o.period_end.toordinal(),
        o.numerator,
        o.denominator,
        o.rate,
        int(o.low_dq),
        o.result,
        o.line,
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
