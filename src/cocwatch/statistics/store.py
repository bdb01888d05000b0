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
stay in the folder, so nothing imported is ever lost. Reading goes through the folder's index
(`cocwatch.statistics.index`, in the cache folder), which is always safe to delete. Writes
take the store's lock and replace each file atomically, the data file before the manifest,
so a run stopped half-way leaves the store as it was.

Imports the standard library, the core's plain values, the index, the registry of official
sources and cocwatch's file helpers; never the registry package or the CLI.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cocwatch.core.official import Observation, StoredFile
from cocwatch.errors import InputError
from cocwatch.files import atomic_write, locked
from cocwatch.statistics.index import StatisticsIndex
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
        self.index = StatisticsIndex(self)

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
            self.index.put(entry, parsed.observations)
        return Added(entry, written=True)

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
        return self.index.observations(
            codes=codes, levels=levels, measures=measures, groups=groups, periods=periods
        )

    def official_figures(
        self,
        codes: Iterable[str] | None = None,
        *,
        periods: Iterable[date] | None = None,
        levels: Iterable[str] = ("provider", "national"),
    ) -> list[tuple[StoredFile, OfficialFigure]]:
        """Providers' (and England's) figures, each with the file it comes from.

        `codes` limits them to some ODS codes (England's own code for England), `periods` to
        some months (by their last day); None means all. `levels` says whose figures
        (``lms``: each LMNS's own, under its ICB's code).
        """
        return self.index.official_figures(codes, periods=periods, levels=levels)

    def latest_period(self) -> date | None:
        """The last month any kept file covers."""
        ends = [f.period_end for f in self.files() if f.period_end is not None]
        return max(ends, default=None)

    def read_kept(self, file: StoredFile) -> Sequence[Observation]:
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
