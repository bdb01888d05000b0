"""Official figures into the statistics store: one file of a source, or its releases.

`import_file` compares the figures of a file already read (by its source) with the registry
and the store's figures for the same months (`cocwatch.core.imports` plans what is new,
revised or unchanged), and with `commit` keeps the file's rows in the store: the registry
file itself is never changed, and a month's import costs a month, whatever the history.
`update_from_releases` reads a source's series page (its `Releases`), chooses the files a
run asks for (one month, every month since one, or the newest release), and imports them
oldest month first: a month that fails (its page or file cannot be fetched or read) is
reported and the others still go in. Every figure cites the release page that links its
file. Downloads go through the download cache it is given, with conditional GETs, and a file
already kept (same checksum) is not read again, so a run that finds nothing new downloads
(almost) nothing and writes nothing. Returns a `MonthlyRun` for the CLI to show; prints
nothing itself. Imports the releases' values, the store and the core's planning; never the
CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from cocwatch.errors import CocwatchError, ExitCode
from cocwatch.statistics.releases import (
    Discovery,
    MeasuresFile,
    Month,
    PageProblem,
    Wanted,
)

if TYPE_CHECKING:
    import httpx

    from cocwatch.cache.downloads import DownloadCache
    from cocwatch.core.imports import ImportPlan
    from cocwatch.core.models import Registry
    from cocwatch.core.official import StoredFile
    from cocwatch.statistics.source import OfficialSource, SourceFile
    from cocwatch.statistics.store import StatisticsStore

Status = Literal["imported", "would_import", "present", "failed"]
FileProgress = Callable[[MeasuresFile, int, int | None], None]
PAGE_MAX_BYTES = 5 * 1024 * 1024  # an HTML page; the real ones are well under 1 MB


@dataclass(frozen=True, slots=True)
class MonthResult:
    """What one measures file did to the registry."""

    file: MeasuresFile
    status: Status
    trusts: int = 0  # Trusts whose figures were (or would be) added or replaced
    added: int = 0
    replaced: int = 0
    national: int = 0  # national figures added or replaced
    downloaded: bool = False  # False when the cached copy was confirmed (or never reached)
    error: str | None = None
    exit_code: ExitCode = ExitCode.OK
    unmatched: tuple[str, ...] = ()  # ODS codes in the file that no Trust has

    @property
    def month(self) -> Month:
        return self.file.month


@dataclass(frozen=True, slots=True)
class MonthlyRun:
    """The whole run: what the index listed and what each chosen file did."""

    index_url: str
    registry: Path  # the statistics folder written to
    wanted: Wanted
    committed: bool
    listed: tuple[MeasuresFile, ...]  # every measures file on the release pages read
    months: tuple[MonthResult, ...]  # the chosen files, oldest month first
    problems: tuple[PageProblem, ...]  # release pages that could not be read

    @property
    def news(self) -> bool:
        """Whether there is anything to tell: changes, or failures."""
        return bool(self.problems) or any(m.status != "present" for m in self.months)

    @property
    def failed(self) -> tuple[MonthResult, ...]:
        return tuple(m for m in self.months if m.status == "failed")

    @property
    def exit_code(self) -> ExitCode:
        """The first failure's exit code (4 for the network, 3 for an unusable file)."""
        for result in self.months:
            if result.status == "failed":
                return result.exit_code
        return ExitCode.EXTERNAL if any(p.unreachable for p in self.problems) else ExitCode.OK

    def count(self, status: Status) -> int:
        return sum(1 for m in self.months if m.status == status)


def update_from_releases(
    store: StatisticsStore,
    registry: Registry,
    source: OfficialSource,
    *,
    index_url: str,
    wanted: Wanted,
    http: httpx.Client,
    cache: DownloadCache,
    today: date,
    commit: bool,
    max_bytes: int,
    progress: FileProgress | None = None,
) -> MonthlyRun:
    """Discover the source's wanted files and import each, oldest month first."""
    assert source.releases is not None  # the CLI offers --latest only for such a source

    def fetch_page(url: str) -> bytes:
        return cache.get(http, url, max_bytes=PAGE_MAX_BYTES).read()

    found: Discovery = source.releases.discover(fetch_page, index_url, wanted)
    results = [
        _import_one(
            store,
            registry,
            source,
            file,
            http=http,
            cache=cache,
            today=today,
            commit=commit,
            max_bytes=max_bytes,
            progress=progress,
        )
        for file in found.chosen()
    ]
    wanted_problems = tuple(
        p for p in found.problems if not p.months or any(wanted.covers(m) for m in p.months)
    )
    return MonthlyRun(
        index_url, store.folder, wanted, commit, found.files, tuple(results), wanted_problems
    )


def _import_one(
    store: StatisticsStore,
    registry: Registry,
    source: OfficialSource,
    file: MeasuresFile,
    *,
    http: httpx.Client,
    cache: DownloadCache,
    today: date,
    commit: bool,
    max_bytes: int,
    progress: FileProgress | None,
) -> MonthResult:
    """Download (or reuse) one file and keep it in the store, unless it is kept already."""
    from cocwatch.statistics.store import checksum

    def report(done: int, total: int | None) -> None:
        if progress is not None:
            progress(file, done, total)

    downloaded = False
    try:
        fetched = cache.get(http, file.csv_url, max_bytes=max_bytes, progress=report)
        downloaded = fetched.downloaded
        digest = checksum(fetched.path)
        if store.held(digest) is not None:
            return MonthResult(file, "present", downloaded=downloaded)
        assert source.load is not None  # a source with releases reads their files
        parsed = source.load(
            str(fetched.path), provisional=file.provisional, max_bytes=max_bytes, name=file.csv_url
        )
        entry = stored_entry(
            store,
            source,
            parsed,
            source_file=file.csv_url.rsplit("/", 1)[-1],
            sha256=digest,
            release_page=file.release_url,
            file_url=file.csv_url,
            today=today,
        )
        result, planned = import_file(store, registry, parsed, entry, commit=commit)
    except CocwatchError as exc:
        return MonthResult(
            file, "failed", downloaded=downloaded, error=exc.message, exit_code=exc.exit_code
        )
    trusts = sum(1 for t in planned.trusts if t.changes)
    added, replaced = planned.total("added"), planned.total("replaced")
    national = planned.national.changes
    if not (added or replaced or national) and not result.written:
        status: Status = "present"
    else:
        status = "imported" if result.written else "would_import"
    return MonthResult(
        file,
        status,
        trusts=trusts,
        added=added,
        replaced=replaced,
        national=national,
        downloaded=downloaded,
        unmatched=tuple(u.ods for u in planned.unmatched),
    )


@dataclass(frozen=True, slots=True)
class StoreResult:
    """Where the file went, and whether the store was written."""

    path: Path  # the statistics folder
    written: bool
    entry: StoredFile | None = None
    held: bool = False  # the same file (same checksum) was kept already


def stored_entry(
    store: StatisticsStore,
    source: OfficialSource,
    parsed: SourceFile,
    *,
    source_file: str,
    sha256: str,
    release_page: str | None,
    file_url: str | None,
    today: date,
    retrieved: date | None = None,
    notes: str = "",
) -> StoredFile:
    """The manifest entry a file would get in the store."""
    from cocwatch.core.official import StoredFile

    return StoredFile(
        path=store.planned(parsed, source=source.name, source_file=source_file),
        source=source.name,
        source_file=source_file,
        period_end=max(parsed.periods, default=None),
        provisional=parsed.provisional,
        release_page=release_page,
        file_url=file_url,
        sha256=sha256,
        rows=len(parsed.table),
        retrieved=retrieved or today,
        imported=today,
        notes=notes,
    )


def import_file(
    store: StatisticsStore,
    registry: Registry,
    parsed: SourceFile,
    entry: StoredFile,
    *,
    commit: bool,
) -> tuple[StoreResult, ImportPlan]:
    """Compare a file's figures with the registry and the store; with `commit`, keep it.

    Only the store's figures for the file's own months are read, so an import costs the same
    whatever the history. The same file (same checksum) is never kept twice.
    """
    from cocwatch.core.imports import plan_import
    from cocwatch.statistics.merging import with_statistics

    _check_periods(parsed, today=entry.imported)
    # A damaged copy kept at the same place is replaced, so its figures are not compared.
    current = with_statistics(registry, store.without_damaged(entry.path), periods=parsed.periods)
    planned = plan_import(current, parsed.figures, parsed.national)
    held = store.held(entry.sha256) is not None
    if not commit or held:
        return StoreResult(store.folder, written=False, entry=entry, held=held), planned
    added = store.add(parsed, entry)
    return StoreResult(store.folder, written=added.written, entry=added.file), planned


def _check_periods(parsed: SourceFile, *, today: date) -> None:
    """Refuse a file whose months no registry would accept (a year Excel or a typo changed)."""
    from cocwatch.core.invariants import EARLIEST_PLAUSIBLE, FUTURE_SLACK
    from cocwatch.errors import InputError

    for period in parsed.periods:
        if period < EARLIEST_PLAUSIBLE:
            problem = "is before 2010"
        elif period > today + FUTURE_SLACK:
            problem = "is too far in the future"
        else:
            continue
        raise InputError(
            f"{parsed.source}: the figure date {period.isoformat()} {problem}: check the year "
            "(RPEndDate). Nothing was kept."
        )
