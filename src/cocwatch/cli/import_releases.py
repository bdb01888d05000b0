"""`import SOURCE --latest | --month YYYY-MM | --since YYYY-MM`: a source's monthly releases
(`import msds --latest`: NHS England's).

The command finds the files on the source's series page and its release pages and imports
each month in turn (`cocwatch.statistics.importing`). It prints a summary of the months found,
imported, already present and failed, with the Trusts each touched; a run that finds
nothing new prints nothing at all, so cron sends no mail.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cocwatch.cli.dates import today
from cocwatch.cli.options import OutputFormat
from cocwatch.cli.output import emit
from cocwatch.cli.progress import download_bars, stderr_is_terminal
from cocwatch.cli.session import Session, writable_statistics
from cocwatch.errors import CocwatchError, UsageError

if TYPE_CHECKING:
    from cocwatch.statistics.importing import FileProgress, MonthlyRun, MonthResult
    from cocwatch.statistics.releases import MeasuresFile, Wanted
    from cocwatch.statistics.source import OfficialSource

STATUS_WORDS = {
    "imported": "imported",
    "would_import": "would import",
    "present": "already present",
    "failed": "failed",
}


def wanted_months(latest: bool, month: str | None, since: str | None) -> Wanted | None:
    """What the options ask for, or None when none of them is given."""
    from cocwatch.statistics.releases import Month, Wanted

    given = [
        name
        for name, value in (("--latest", latest), ("--month", month), ("--since", since))
        if value
    ]
    if len(given) > 1:
        raise UsageError(f"Use one of {', '.join(given)}, not several at once.")
    if month:
        return Wanted("month", Month.parse(month))
    if since:
        return Wanted("since", Month.parse(since))
    return Wanted("latest") if latest else None


def import_releases(
    s: Session,
    official: OfficialSource,
    wanted: Wanted,
    *,
    index: str | None,
    commit: bool,
    timeout: float,
    max_bytes: int,
    fmt: OutputFormat,
) -> int:
    """Run the monthly import; print the summary when there is news; return the exit code."""
    from cocwatch import cache
    from cocwatch.cache.downloads import DownloadCache
    from cocwatch.locations import resolve_index
    from cocwatch.sources.http import client
    from cocwatch.statistics.importing import update_from_releases

    releases = official.releases
    assert releases is not None  # checked by the command
    store = writable_statistics(s, dry_run=not commit)
    index_url = resolve_index(official.name, index, s.config, releases.index_url).value
    show_progress = stderr_is_terminal() and not s.state.quiet
    try:
        with client(timeout=timeout) as http, _progress(enabled=show_progress) as progress:
            run = update_from_releases(
                store,
                s.loaded.registry,
                official,
                index_url=index_url,
                wanted=wanted,
                http=http,
                cache=DownloadCache(cache.folder(official.name)),
                today=today(),
                commit=commit,
                max_bytes=max_bytes,
                progress=progress,
            )
    except CocwatchError as exc:
        # The index itself could not be read: from cron, said once until it changes.
        if not stderr_is_terminal() and not _remember(s, index_url, store.folder, exc.message):
            return int(exc.exit_code)
        raise
    told = _first_time(s, run, store.folder)
    imported = any(m.status in ("imported", "would_import") for m in run.months)
    if fmt != "json" and not stderr_is_terminal() and not told and not imported:
        return int(run.exit_code)  # cron: the same failure as last run is not said again
    if fmt == "json":
        emit(_json(official, run))
    elif run.news and not s.state.quiet:
        emit(_table(fmt, official, run))
        if fmt == "table":
            emit(_pages(official, run))
    _closing(s, official, run)
    return int(run.exit_code)


def _failure(run: MonthlyRun) -> str:
    """What failed in a run, as text that is the same while the failure stays the same."""
    parts = [f"{m.month} {m.file.kind}: {m.error}" for m in run.failed]
    parts += [f"{p.url}: {p.message}" for p in run.problems]
    if not run.months and not run.problems:
        parts.append(f"{run.index_url}: no measures file {run.wanted.describe()}")
    return "\n".join(parts)


def _first_time(s: Session, run: MonthlyRun, folder: Path) -> bool:
    """Whether this run's failure (or its end) is news, as `watch` reports a page's errors:
    once when it starts, once when it clears."""
    return _remember(s, run.index_url, folder, _failure(run))


def _remember(s: Session, index_url: str, folder: Path, failure: str) -> bool:
    """Record the run's failure ('' for none) in the user state folder; return whether it is
    news: a new failure, or none now where there was one (which is said here)."""
    import json

    from cocwatch.files import atomic_write
    from cocwatch.locations import default_state_path

    record = default_state_path().with_name("import-msds.json")
    key = f"{index_url} {folder}"
    try:
        held = json.loads(record.read_text("utf-8"))
    except (OSError, ValueError):
        held = {}
    if not isinstance(held, dict):
        held = {}
    before = held.get(key, {}) if isinstance(held.get(key), dict) else {}
    if failure == before.get("failure", ""):
        return not failure  # nothing failed: the run's own news (if any) is told as usual
    held[key] = {"failure": failure, "since": today().isoformat()}
    with contextlib.suppress(CocwatchError):
        atomic_write(record, json.dumps(held, indent=1).encode(), what="import state")
    if not failure and before.get("failure"):
        s.warn(
            f"The failure reported on {before.get('since', 'an earlier run')} has cleared: "
            f"{index_url} and its files could be read again."
        )
    return True


@contextmanager
def _progress(*, enabled: bool) -> Iterator[FileProgress | None]:
    """One progress bar per file downloaded, on stderr, only on a terminal."""
    with download_bars(enabled=enabled) as bars:
        if bars is None:
            yield None
            return

        def update(file: MeasuresFile, done: int, total: int | None) -> None:
            label = f"{file.month.label} ({file.kind})"
            bars.update(file.csv_url, done, total, description=label)

        yield update


def _row(result: MonthResult, official: OfficialSource) -> dict[str, Any]:
    return {
        "month": str(result.month),
        "file": result.file.kind,
        "status": STATUS_WORDS[result.status],
        "trusts": result.trusts if result.status != "failed" else None,
        "added": result.added if result.status != "failed" else None,
        "replaced": result.replaced if result.status != "failed" else None,
        "release": _short_title(result.file, official),
        "release_url": result.file.release_url,
    }


def _short_title(file: MeasuresFile, official: OfficialSource) -> str:
    """'Final March 2025, Provisional April 2025' from the release page's title."""
    title = file.release_title
    series = official.declared.publisher.title
    for prefix in (f"{series},", series):
        title = title.removeprefix(prefix)
    title = title.split(" - ")[0].strip().removesuffix(", official statistics")
    return title.removesuffix(", experimental statistics").strip() or file.release_url


def _pages(official: OfficialSource, run: MonthlyRun) -> str:
    """The release pages, in full: what the imported figures cite."""
    seen = dict.fromkeys((_short_title(m.file, official), m.file.release_url) for m in run.months)
    lines = ["Release pages (each figure cites the page its file is linked from):"]
    lines += [f"  {title}: {url}" for title, url in seen]
    return "\n".join(lines)


def _table(fmt: OutputFormat, official: OfficialSource, run: MonthlyRun) -> Any:
    from cocwatch.render.formats import RowListing, render
    from cocwatch.render.tabular import Column

    columns = [
        Column("month", "Month", no_wrap=True),
        Column("file", "File", no_wrap=True),
        Column("status", "Status", no_wrap=True),
        Column("trusts", "Trusts", justify="right"),
        Column("added", "Added", justify="right"),
        Column("replaced", "Replaced", justify="right"),
        Column("release", "Release"),
    ]
    files = [*columns, Column("release_url", "Release page")]
    assert official.releases is not None
    title = f"{official.releases.title} {run.wanted.describe()}"
    rows = [_row(m, official) for m in run.months]
    return render(fmt, RowListing(rows, files, title=title, table_columns=columns))


def _json(official: OfficialSource, run: MonthlyRun) -> str:
    from cocwatch.render.tabular import to_json

    return to_json(
        {
            "index": run.index_url,
            "statistics": str(run.registry),
            "committed": run.committed,
            "wanted": {"mode": run.wanted.mode, "month": str(run.wanted.month or "") or None},
            "months": [
                {
                    **_row(m, official),
                    "status": m.status,
                    "csv": m.file.csv_url,
                    "release_title": m.file.release_title,
                    "national": m.national,
                    "downloaded": m.downloaded,
                    "unmatched": list(m.unmatched),
                    "error": m.error,
                }
                for m in run.months
            ],
            "problems": [{"url": p.url, "message": p.message} for p in run.problems],
            "summary": {
                status: run.count(status)
                for status in ("imported", "would_import", "present", "failed")
            },
        }
    )


def _closing(s: Session, official: OfficialSource, run: MonthlyRun) -> None:
    for result in run.failed:
        s.warn(f"{result.month.label} ({result.file.kind}) was not imported: {result.error}")
    for problem in run.problems:
        months = ", ".join(m.label for m in problem.months)
        which = f" (it should hold {months})" if months else ""
        if problem.unreachable:
            s.warn(f"The release page {problem.url}{which} could not be read: {problem.message}")
        else:
            s.warn(f"The release page {problem.url}{which} was read, but {problem.message}.")
    if not run.months and not run.problems:
        s.warn(
            f"The index {run.index_url} lists no file {run.wanted.describe()}. "
            f"{official.declared.publisher.cadence}; check the month, or the address given "
            "with --index."
        )
        return
    if not run.news:
        if stderr_is_terminal():
            s.info(
                f"Nothing new: {_months(run.count('present'))} already in the statistics "
                f"folder {run.registry}."
            )
        return
    parts = [f"{_months(len(run.months))} found"]
    if run.count("imported"):
        parts.append(f"{run.count('imported')} imported")
    if run.count("would_import"):
        parts.append(f"{run.count('would_import')} to import")
    if run.count("present"):
        parts.append(f"{run.count('present')} already present")
    if run.count("failed"):
        parts.append(f"{run.count('failed')} failed")
    s.info(", ".join(parts) + ".")
    if run.count("would_import"):
        s.info(
            "Dry run: nothing was written. Run again with --commit to keep the files in the "
            f"statistics folder {run.registry}."
        )
    elif run.count("imported"):
        s.info(f"Kept the files in the statistics folder {run.registry}.")
    if run.failed:
        s.info("The failed months are tried again on the next run.")


def _months(count: int) -> str:
    return f"{count} month" if count == 1 else f"{count} months"
