"""Official figures into the registry: one measures file, or NHS England's monthly releases.

`import_figures` plans the import of figures already read (`cocwatch.sources.msds`) against the
latest registry (`cocwatch.core.imports`) and carries it out as one validated, atomic change.
`update_from_releases` reads the series index (`sources.msds_releases`), chooses the measures
files a run asks for (one month, every month since one, or the newest release), and imports
them oldest month first, each as one validated, atomic change of the registry: a month that
fails (its page or file cannot be fetched or read) is reported and the others still go in.
Every figure cites the release page that links its file. Downloads go through the cache with
conditional GETs, so a run that finds nothing new downloads (almost) nothing and writes
nothing. Returns a `MonthlyRun` for the CLI to show; prints nothing itself. Imports the
sources, the core's planning and the package's editing; never the CLI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from cocwatch.errors import CocwatchError, ExitCode
from cocwatch.sources.msds_releases import (
    Discovery,
    MeasuresFile,
    Month,
    PageProblem,
    Wanted,
    discover,
)

if TYPE_CHECKING:
    import httpx

    from cocwatch.cache.downloads import DownloadCache
    from cocwatch.core.edits import Change
    from cocwatch.core.imports import ImportPlan, Provenance
    from cocwatch.core.models import Registry
    from cocwatch.registry.edit import EditResult
    from cocwatch.sources.msds_table import MsdsFile

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
    registry: Path
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
    registry: Path,
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
    """Discover the wanted measures files and import each, oldest month first."""

    def fetch_page(url: str) -> bytes:
        return cache.get(http, url, max_bytes=PAGE_MAX_BYTES).read()

    found: Discovery = discover(fetch_page, index_url, wanted)
    results = [
        _import_one(
            registry,
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
        index_url, registry, wanted, commit, found.files, tuple(results), wanted_problems
    )


def _import_one(
    registry: Path,
    file: MeasuresFile,
    *,
    http: httpx.Client,
    cache: DownloadCache,
    today: date,
    commit: bool,
    max_bytes: int,
    progress: FileProgress | None,
) -> MonthResult:
    """Download (or reuse) one file and import it in one atomic change of the registry."""
    from cocwatch.core.imports import Provenance

    def report(done: int, total: int | None) -> None:
        if progress is not None:
            progress(file, done, total)

    downloaded = False
    try:
        fetched = cache.get(http, file.csv_url, max_bytes=max_bytes, progress=report)
        downloaded = fetched.downloaded
        parsed = read_measures_file(fetched.path, file, max_bytes=max_bytes)
        provenance = Provenance(url=file.release_url, retrieved=today)
        result, planned = import_figures(registry, parsed, provenance, today=today, commit=commit)
    except CocwatchError as exc:
        return MonthResult(
            file, "failed", downloaded=downloaded, error=exc.message, exit_code=exc.exit_code
        )
    trusts = sum(1 for t in planned.trusts if t.changes)
    added, replaced = planned.total("added"), planned.total("replaced")
    national = planned.national.changes
    if not (added or replaced or national):
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


def import_figures(
    registry: Path, parsed: MsdsFile, provenance: Provenance, *, today: date, commit: bool
) -> tuple[EditResult, ImportPlan]:
    """Plan the import of `parsed` against the latest registry and make it one change.

    The registry is read (and, with `commit`, locked) first, so the plan always compares with
    the latest figures; without `commit` nothing is written (the result shows the change).
    """
    from cocwatch.core.imports import import_changes, plan_import
    from cocwatch.registry.edit import change_registry

    def plan(current: Registry) -> tuple[list[Change], ImportPlan]:
        planned = plan_import(current, parsed.figures, parsed.national)
        return import_changes(planned, provenance), planned

    return change_registry(registry, plan, today=today, dry_run=not commit)


def read_measures_file(path: Path, file: MeasuresFile, *, max_bytes: int) -> MsdsFile:
    """Read a downloaded measures file; provisional or final as its name says."""
    from cocwatch.sources.msds import read_measures

    return read_measures(
        path, source=file.csv_url, provisional=file.provisional, max_bytes=max_bytes
    )
