"""The statistics store: official release files kept as published, beside the registry.

The one module that knows the store's layout (SPEC §7.1). A store is a folder:

- ``manifest.csv``: one row per kept file: where it is in the folder, its source (by name),
  the published file's name, the last month it covers, provisional or final, the release page
  that links it, the file's own address, the SHA-256 of the file as read, the rows kept, when
  it was retrieved and imported, and notes;
- ``<source>/<name>.csv``: each file's Continuity of Carer rows as published (every org level,
  indicator and currency), in the publication's own columns; a spreadsheet opens it. How a
  source's files are read, and which rows are a Trust's figures, is the source's own business
  (`cocwatch.statistics.sources`): the store asks it by the manifest's `source`.

A final file supersedes the provisional one for its month (`cocwatch.core.official`); both
stay in the folder, so nothing imported is ever lost. Reading goes through the folder's index
(`cocwatch.statistics.index`, in the cache folder), which is always safe to delete. The
manifest is read within bounds (`cocwatch.statistics.manifest`), and a kept file is read only
once it matches its manifest row, never through a symbolic link (`cocwatch.statistics.kept`).
Writes take the store's lock and replace each file atomically, the data file before the
manifest (and put back when the manifest cannot be written), so a run stopped half-way
leaves the store as it was, and one that leaves a data file ahead of its row is caught on
read.

Imports the standard library, the core's plain values, the index, the registry of official
sources and cocwatch's file helpers; never the registry package or the CLI.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cocwatch.core.official import Observation, StoredFile
from cocwatch.errors import InputError
from cocwatch.files import atomic_write, default_file_mode, locked
from cocwatch.statistics import kept, manifest
from cocwatch.statistics.index import StatisticsIndex
from cocwatch.statistics.sources import official_source

if TYPE_CHECKING:
    from cocwatch.core.imports import OfficialFigure
    from cocwatch.statistics.source import SourceFile

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = manifest.COLUMNS


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
        return manifest.read(kept.inside(self.folder, MANIFEST))

    def _write_manifest(self, entries: Sequence[StoredFile]) -> None:
        data = manifest.manifest_bytes(entries)
        path = kept.inside(self.folder, MANIFEST)
        atomic_write(path, data, what="statistics manifest", mode=default_file_mode())
        self._files = tuple(entries)

    # ------------------------------------------------------------------ adding a file

    def planned(self, parsed: SourceFile, *, source: str, source_file: str) -> str:
        """Where a file would be kept, inside the folder: ``<source>/<name>-coc.csv``."""
        return kept.kept_name(source, source_file)

    def held(self, sha256: str) -> StoredFile | None:
        """The kept file read from a file with this checksum, if it is kept intact (a damaged
        one is kept again when its file is imported again)."""
        return next(
            (f for f in self.files() if f.sha256 == sha256 and kept.intact(self.folder, f)),
            None,
        )

    def add(self, parsed: SourceFile, entry: StoredFile) -> Added:
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
            entry = replace(entry, file_sha256=kept.digest(data))
            others = [f for f in self.files() if f.path != entry.path]
            place = kept.inside(self.folder, entry.path)
            with kept.written_back_on_failure(place, data, what="statistics file"):
                self._write_manifest([*others, entry])  # last: what it lists is in place
            self.index.put(entry, parsed.observations)
        return Added(entry, written=True)

    def without_damaged(self, path: str) -> StatisticsStore:
        """This folder, or, when the file kept at `path` no longer matches its manifest row,
        a view of it without that file (an import is about to keep it again)."""
        damaged = [f for f in self.files() if f.path == path and not kept.intact(self.folder, f)]
        if not damaged:
            return self
        view = StatisticsStore(self.folder, label=self.label)
        view._files = tuple(f for f in self.files() if f.path != path)
        return view

    def forget(self, paths: Collection[str]) -> None:
        """Take files out of the folder: their manifest rows first, then the files."""
        if not paths:
            return
        with locked(self.manifest_path, what="statistics folder"):
            self._files = None
            self._write_manifest([f for f in self.files() if f.path not in paths])
            for path in paths:
                kept.inside(self.folder, path).unlink(missing_ok=True)

    def verify(self) -> None:
        """Check every kept file changed since the index last read it against the manifest
        (`KeptFileDamaged` for one that does not match)."""
        self.index.refresh()

    # ------------------------------------------------------------------ reading

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
        superseding file's), each with the file it comes from; with `whole_files_only`, none
        from a file of figures moved out of a registry."""
        return self.index.observations(
            codes=codes, levels=levels, measures=measures, groups=groups, periods=periods,
            whole_files_only=whole_files_only,
        )  # fmt: skip

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
        """A kept file's observations (its rows read as published, by its source), once it is
        known to match its manifest row."""
        path = kept.inside(self.folder, file.path)
        if not path.is_file():
            raise InputError(
                f"The statistics manifest {self.manifest_path} lists {file.path}, which is not "
                f"in {self.folder}. Restore the file, or import {file.source_file} again."
            )
        path = kept.verify(self.folder, self.label, file)
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
