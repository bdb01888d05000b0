"""The statistics store: official release files kept as published, beside the registry.

The one module that knows the store's layout (SPEC §7.1). A store is a folder:

- ``manifest.csv``: one row per kept file: where it is in the folder, its source ("msds"),
  the published file's name, the last month it covers, provisional or final, the release page
  that links it, the file's own address, the SHA-256 of the file as read, the rows kept, when
  it was retrieved and imported, and notes;
- ``<source>/<name>.csv``: each file's Continuity of Carer rows as published (every org level,
  indicator and currency), in the publication's own columns; a spreadsheet opens it. How a
  source's files are read, and which rows are a Trust's figures, is the source's own business
  (`cocwatch.statistics.sources`): the store asks it by the manifest's `source`.

A final file supersedes the provisional one for its month (`cocwatch.core.official`); both
stay in the folder, so nothing imported is ever lost. Reading goes through an index: a SQLite
file in the cache folder (``statistics/``) holding each kept file's observations, refreshed
when the manifest names a file it does not hold (or a kept file changed size or time), so
a month is read once and a query for one Trust touches only its rows. Deleting the index is
always safe. Writes take the store's lock and replace each file atomically, the data file
before the manifest, so a run stopped half-way leaves the store as it was.

Imports the standard library, the core's plain values, the registry of official sources and
cocwatch's file helpers; never the registry package or the CLI.
"""

from __future__ import annotations

import csv
import hashlib
import io
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cocwatch.core.official import Observation, StoredFile, preferred, supersedes
from cocwatch.errors import InputError
from cocwatch.files import atomic_write, locked
from cocwatch.statistics.sources import official_source

if TYPE_CHECKING:
    from cocwatch.core.imports import OfficialFigure
    from cocwatch.statistics.source import ReadFile

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = (
    "file", "source", "source_file", "period_end", "status", "release_page", "file_url",
    "sha256", "rows", "retrieved", "imported", "notes", "title",
)  # fmt: skip
_OPTIONAL = frozenset({"title"})  # columns a manifest written by an earlier version may lack
_INDEX_VERSION = 2  # bump when what the index holds changes: older indexes are rebuilt


@dataclass(frozen=True, slots=True)
class Added:
    """What adding a file did: the manifest entry, and whether the store changed."""

    file: StoredFile
    written: bool  # False: the same file (same checksum) was already kept


def checksum(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class StatisticsStore:
    """A statistics folder: its manifest, its files and the index that reads them."""

    def __init__(self, folder: Path, *, label: str | None = None) -> None:
        self.folder = folder
        self.label = label or str(folder)
        self._files: tuple[StoredFile, ...] | None = None

    # ------------------------------------------------------------------ the manifest

    @property
    def manifest_path(self) -> Path:
        return self.folder / MANIFEST

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    def files(self) -> tuple[StoredFile, ...]:
        """The manifest's entries, oldest import first (none when there is no store)."""
        if self._files is None:
            self._files = self._read_manifest()
        return self._files

    def _read_manifest(self) -> tuple[StoredFile, ...]:
        try:
            text = self.manifest_path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            return ()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                f"The statistics manifest {self.manifest_path} cannot be read ({exc}). Restore "
                "it from a backup, or delete the statistics folder and import the files again."
            ) from None
        reader = csv.DictReader(io.StringIO(text))
        missing = [
            c for c in MANIFEST_COLUMNS if c not in (reader.fieldnames or ()) and c not in _OPTIONAL
        ]
        if missing:
            raise InputError(
                f"The statistics manifest {self.manifest_path} has no {', '.join(missing)} "
                "column. It is written by cocwatch; restore it from a backup, or delete the "
                "statistics folder and import the files again."
            )
        entries: list[StoredFile] = []
        for row in reader:
            try:
                entries.append(_entry(row))
            except (ValueError, TypeError) as exc:
                raise InputError(
                    f"{self.manifest_path}, line {reader.line_num}: {exc}. The manifest is "
                    "written by cocwatch; restore it from a backup, or delete the statistics "
                    "folder and import the files again."
                ) from None
        return tuple(entries)

    def _write_manifest(self, entries: Sequence[StoredFile]) -> None:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(MANIFEST_COLUMNS)
        for e in entries:
            writer.writerow(_manifest_row(e))
        atomic_write(self.manifest_path, out.getvalue().encode(), what="statistics manifest")
        self._files = tuple(entries)

    # ------------------------------------------------------------------ adding a file

    def planned(self, parsed: ReadFile, *, source: str, source_file: str) -> str:
        """Where a file would be kept, inside the folder: ``msds/<name>-coc.csv``."""
        stem = Path(source_file).stem or "measures"
        if not stem.endswith("-coc"):
            stem += "-coc"
        return f"{source}/{stem}.csv"

    def held(self, sha256: str) -> StoredFile | None:
        """The kept file read from a file with this checksum, if any."""
        return next((f for f in self.files() if f.sha256 == sha256), None)

    def add(self, parsed: ReadFile, entry: StoredFile) -> Added:
        """Keep a file's CoC rows and record it in the manifest (under the store's lock).

        The same file (same checksum) is not kept twice; a file of the same name replaces the
        older copy's rows and entry (a re-published file).
        """
        with locked(self.manifest_path, what="statistics folder"):
            self._files = None
            same = self.held(entry.sha256)
            if same is not None:
                return Added(same, written=False)
            data = table_bytes(official_source(entry.source).columns, parsed.table)
            atomic_write(self.folder / entry.path, data, what="statistics file")
            kept = [f for f in self.files() if f.path != entry.path]
            self._write_manifest([*kept, entry])
            self._index_now(entry, parsed.observations)
        return Added(entry, written=True)

    def _index_now(self, entry: StoredFile, observations: Sequence[Observation]) -> None:
        """Put a file just kept into the index from the rows already read (not read again)."""
        try:
            with self._connect() as db:
                self._create(db)
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    self._insert(db, entry, self._stamp(entry), observations)
        except sqlite3.Error:
            pass  # the index only saves time: the next read builds it

    # ------------------------------------------------------------------ reading

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
        files = {f.path: f for f in self.files()}
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
        with self._index() as db:
            rows = db.execute(f"SELECT * FROM obs {where}", params).fetchall()
        found = [(files[r[0]], _observation(r)) for r in rows if r[0] in files]
        return preferred(found)

    def official_figures(
        self, codes: Iterable[str] | None = None, *, periods: Iterable[date] | None = None
    ) -> list[tuple[StoredFile, OfficialFigure]]:
        """Providers' (and England's) figures, each with the file it comes from.

        `codes` limits them to some ODS codes (``NATIONAL`` for England), `periods` to some
        months (by their last day); None means all.
        """
        from cocwatch.core.imports import OfficialFigure

        files = {f.path: f for f in self.files()}
        if not files:
            return []
        clauses: list[str] = []
        params: list[object] = []
        if codes is not None:
            chosen = sorted({c.upper() for c in codes})
            clauses.append(f"code IN ({','.join('?' * len(chosen))})")
            params += chosen
        if periods is not None:
            ends = sorted({p.toordinal() for p in periods})
            clauses.append(f"as_of IN ({','.join('?' * len(ends))})")
            params += ends
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._index() as db:
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
            # quality, provisional, line: the index's columns, in OfficialFigure's order
            return OfficialFigure(
                r[1], r[2], r[3], r[4], days[r[5]], r[6], r[7], r[8], r[9], bool(r[10]), r[11]
            )

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

    def latest_period(self) -> date | None:
        """The last month any kept file covers."""
        ends = [f.period_end for f in self.files() if f.period_end is not None]
        return max(ends, default=None)

    # ------------------------------------------------------------------ the index

    @property
    def _index_path(self) -> Path:
        from cocwatch.cache import STATISTICS, folder

        key = hashlib.sha256(str(self.folder.resolve()).encode()).hexdigest()[:24]
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
    def _index(self) -> Iterator[sqlite3.Connection]:
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
            "quality TEXT, provisional INT, line INT)"
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
            "INSERT INTO figs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (path, f.ods.upper(), f.org_name, f.cohort, f.measure, f.as_of.toordinal(),
                 f.value, f.numerator, f.denominator, f.quality, int(f.provisional), f.line)
                for f in (*national, *providers)
            ],
        )  # fmt: skip
        db.execute("INSERT OR REPLACE INTO held VALUES (?,?,?)", (path, stamp, _INDEX_VERSION))

    def _refresh(self, db: sqlite3.Connection) -> None:
        self._create(db)
        held = {p: (s, v) for p, s, v in db.execute("SELECT path, stamp, version FROM held")}
        wanted = {f.path: f for f in self.files()}
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
                self._insert(db, file, stamps[path], self._read_kept(file))

    def _stamp(self, file: StoredFile) -> str:
        try:
            info = (self.folder / file.path).stat()
        except OSError:
            return "missing"
        return f"{info.st_size}:{info.st_mtime_ns}:{file.sha256}"

    def _read_kept(self, file: StoredFile) -> Sequence[Observation]:
        """A kept file's observations (its rows read as published, by its source)."""
        path = self.folder / file.path
        if not path.is_file():
            raise InputError(
                f"The statistics manifest {self.manifest_path} lists {file.path}, which is not "
                f"in {self.folder}. Restore the file, or import {file.source_file} again."
            )
        return official_source(file.source).read(path, str(path), file.provisional).observations


# ---------------------------------------------------------------------------------------------
# Rows of the manifest, the kept files and the index


def table_bytes(columns: Sequence[str], table: Iterable[Sequence[str]]) -> bytes:
    """A kept file's bytes: the published columns, then its rows, as the publication writes
    its CSVs."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(table)
    return out.getvalue().encode("utf-8")


def _manifest_row(e: StoredFile) -> list[str]:
    return [
        e.path,
        e.source,
        e.source_file,
        e.period_end.isoformat() if e.period_end else "",
        "provisional" if e.provisional else "final",
        e.release_page or "",
        e.file_url or "",
        e.sha256,
        str(e.rows),
        e.retrieved.isoformat() if e.retrieved else "",
        e.imported.isoformat(),
        e.notes,
        e.title,
    ]


def _entry(row: dict[str, str | None]) -> StoredFile:
    def text(key: str) -> str:
        return (row.get(key) or "").strip()

    status = text("status").lower()
    if status not in ("provisional", "final"):
        raise ValueError(f"the status {text('status')!r} is neither provisional nor final")
    path = text("file")
    if not path or path.startswith(("/", "\\")) or ".." in Path(path).parts:
        raise ValueError(f"the file {path!r} is not a file inside the statistics folder")
    return StoredFile(
        path=path,
        source=text("source") or "msds",
        source_file=text("source_file") or Path(path).name,
        period_end=date.fromisoformat(text("period_end")) if text("period_end") else None,
        provisional=status == "provisional",
        release_page=text("release_page") or None,
        file_url=text("file_url") or None,
        sha256=text("sha256"),
        rows=int(text("rows") or 0),
        retrieved=date.fromisoformat(text("retrieved")) if text("retrieved") else None,
        imported=date.fromisoformat(text("imported")),
        notes=text("notes"),
        title=text("title"),
    )


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
