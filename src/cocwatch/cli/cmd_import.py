"""`import SOURCE FILE [--commit]`: official figures from a file of a source (`import msds
FILE` for NHS England's MSDS measures file), or `import SOURCE --latest|--month|--since`.

A dry run by default: it shows what would be added, replaced or left unchanged per Trust
and nationally. `--commit` keeps the file's rows, as published, in the statistics folder
beside the registry (the registry file itself is not changed). The source reads the file
(`cocwatch.statistics.sources`), the core plans (`cocwatch.core.imports`) and
`cocwatch.statistics.importing` keeps it, so other commands and scripts can import a file
the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cocwatch.cli.app import app
from cocwatch.cli.dates import today
from cocwatch.cli.options import DEFAULT_FORMAT, FORMAT, TIMEOUT, OutputFormat, one_line_option
from cocwatch.cli.output import emit
from cocwatch.cli.progress import download_bars, stderr_is_terminal
from cocwatch.cli.session import Session, session, writable_statistics
from cocwatch.core.web import WEB_ADDRESS
from cocwatch.errors import UsageError
from cocwatch.sources.http import STATISTICS_MAX_MB

if TYPE_CHECKING:
    from cocwatch.core.imports import ImportPlan
    from cocwatch.statistics.importing import StoreResult
    from cocwatch.statistics.source import OfficialSource, SourceFile
    from cocwatch.statistics.store import StatisticsStore

STATISTICS_URL = WEB_ADDRESS["statistics_url"]

MALFORMED_SHOWN = 20


@app.command("import", no_args_is_help=True)
def import_figures(
    ctx: typer.Context,
    *,
    name: str = typer.Argument(
        ...,
        metavar="SOURCE",
        help="Whose statistics: msds (NHS England's Maternity Services Monthly Statistics).",
    ),
    source: str | None = typer.Argument(
        None,
        metavar="[FILE]",
        help="The file, a path or a URL: for msds, the measures file (named like "
        "msds-oct2025-exp-measures.csv; .xlsx works too). Leave it out with --latest, "
        "--month or --since.",
    ),
    commit: bool = typer.Option(
        False,
        "--commit",
        help="Keep the file in the statistics folder beside the registry (default: only show "
        "what it would add).",
    ),
    provisional: bool | None = typer.Option(
        None,
        "--provisional/--final",
        help="Whether the file holds provisional figures. Default: provisional when the file "
        "name says 'Provisional'.",
    ),
    source_url: str | None = typer.Option(
        None,
        "--source-url",
        metavar="URL",
        callback=one_line_option,
        help="The web address to cite for the figures: required for a local file (every "
        "figure carries its source's address); for a URL, the URL itself by default.",
    ),
    timeout: TIMEOUT,
    max_size: int = typer.Option(
        STATISTICS_MAX_MB,
        "--max-size",
        metavar="MEGABYTES",
        min=1,
        help=f"Refuse a file (local or downloaded) larger than this. Default: {STATISTICS_MAX_MB}.",
    ),
    latest: bool = typer.Option(
        False, "--latest", help="Find the source's newest release and import it, if new."
    ),
    month: str | None = typer.Option(
        None, "--month", metavar="YYYY-MM", help="Find and import that month's release."
    ),
    since: str | None = typer.Option(
        None, "--since", metavar="YYYY-MM", help="Find and import every month from then on."
    ),
    index: str | None = typer.Option(
        None,
        "--index",
        metavar="URL",
        help="The series page listing the source's releases (default: the source's own "
        f"page; for msds, {STATISTICS_URL.help()}).",
    ),
    fmt: FORMAT = DEFAULT_FORMAT,
) -> None:
    """Import official figures into the statistics folder beside the registry.

    `cocwatch import msds FILE` reads NHS England's MSDS measures file; give a file or its
    address, or let cocwatch find the monthly releases itself: --latest (for cron),
    --month YYYY-MM, or --since YYYY-MM (a backfill).
    """
    from cocwatch.locations import is_url
    from cocwatch.statistics.importing import import_file, stored_entry
    from cocwatch.statistics.sources import official_sources

    s = session(ctx)
    official = official_sources().get(name)
    if official is None or official.load is None:
        known = ", ".join(n for n, o in official_sources().items() if o.load is not None)
        raise UsageError(f"cocwatch imports no source called {name!r}: it knows {known}.")
    if _releases(
        s,
        official,
        source,
        latest,
        month,
        since,
        index=index,
        commit=commit,
        timeout=timeout,
        max_bytes=max_size * 1024 * 1024,
        fmt=fmt,
    ):
        return
    if source is None:
        raise UsageError(
            "Give the measures file (a path or a URL), or --latest, --month YYYY-MM or "
            "--since YYYY-MM to find NHS England's monthly releases."
        )
    store = writable_statistics(s, dry_run=not commit)
    if source_url is not None and not is_url(source_url):
        raise UsageError(f"--source-url {source_url!r} must be a web address (https://…).")
    cite = source_url or (source if is_url(source) else None)
    if cite is None:
        raise UsageError(
            f"Give --source-url with the address of the publication page {source} came from "
            "(e.g. the Maternity Services Monthly Statistics page of that month): every figure "
            "in the registry carries the web address of its source."
        )
    if commit and fmt != "json" and not is_url(source) and _already_kept(s, store, source):
        return  # scripts asking for JSON still get the whole plan
    parsed, digest = _load(
        s,
        official,
        source,
        provisional=provisional,
        timeout=timeout,
        max_bytes=max_size * 1024 * 1024,
    )
    entry = stored_entry(
        store,
        official,
        parsed,
        source_file=_file_name(source) or f"{official.name}.csv",
        sha256=digest,
        release_page=source_url,
        file_url=source if is_url(source) else None,
        today=today(),
    )
    loaded = s.loaded
    result, found = import_file(store, loaded.registry, parsed, entry, commit=commit)
    _warn_malformed(s, parsed)
    emit(
        _render(
            fmt,
            official,
            found,
            parsed,
            result,
            commit=commit,
            quiet=s.state.quiet,
            registry=loaded.source,
        )
    )
    _closing(s, official, found, parsed, result, commit=commit)


def _file_name(location: str) -> str:
    """The file name of a path or URL."""
    from urllib.parse import unquote, urlsplit

    from cocwatch.locations import is_url

    return Path(unquote(urlsplit(location).path) if is_url(location) else location).name


def _releases(
    s: Session,
    official: OfficialSource,
    source: str | None,
    latest: bool,
    month: str | None,
    since: str | None,
    *,
    index: str | None,
    commit: bool,
    timeout: float,
    max_bytes: int,
    fmt: OutputFormat,
) -> bool:
    """Run the monthly-release import when its options are given; False when they are not."""
    from cocwatch.cli.import_releases import import_releases, wanted_months

    wanted = wanted_months(latest, month, since)
    if wanted is None:
        if index is not None:
            raise UsageError("--index is used with --latest, --month or --since.")
        return False
    if official.releases is None:
        raise UsageError(
            f"cocwatch cannot find the releases of {official.name} by itself: give the file "
            f"to import (cocwatch import {official.name} FILE)."
        )
    if source is not None:
        raise UsageError(
            f"Give either the file {source} or {'--latest' if latest else '--month/--since'}, "
            "not both."
        )
    code = import_releases(
        s,
        official,
        wanted,
        index=index,
        commit=commit,
        timeout=timeout,
        max_bytes=max_bytes,
        fmt=fmt,
    )
    if code:
        raise typer.Exit(code)
    return True


def _already_kept(s: Session, store: StatisticsStore, source: str) -> bool:
    """Whether this very file (same checksum) is kept already: then there is nothing to read."""
    from cocwatch.statistics.store import checksum

    try:
        held = store.held(checksum(Path(source).expanduser()))
    except OSError:
        return False  # the reader reports an unreadable file in its own words
    if held is None:
        return False
    s.info(
        f"Nothing new: {source} is already in the statistics folder {store.folder} "
        f"(as {held.path}, imported on {held.imported.isoformat()})."
    )
    return True


def _load(
    s: Session,
    official: OfficialSource,
    source: str,
    *,
    provisional: bool | None,
    timeout: float,
    max_bytes: int,
) -> tuple[SourceFile, str]:
    """The file read, and the SHA-256 of its bytes."""
    from cocwatch.locations import is_url
    from cocwatch.sources.http import check_web_address

    load = official.load
    assert load is not None  # checked by the command
    if not is_url(source):
        parsed = load(source, provisional=provisional, max_bytes=max_bytes)
        return parsed, parsed.sha256
    check_web_address(source, "The file's address")
    s.info(f"Downloading {source} …")
    with download_bars(enabled=stderr_is_terminal() and not s.state.quiet) as bars:
        parsed = load(
            source,
            provisional=provisional,
            timeout=timeout,
            max_bytes=max_bytes,
            progress=bars.one("Downloading") if bars else None,
        )
    return parsed, parsed.sha256


def _warn_malformed(s: Session, parsed: SourceFile) -> None:
    if not parsed.malformed:
        return
    count = len(parsed.malformed)
    lines = [f"  line {m.line}: {m.message}" for m in parsed.malformed[:MALFORMED_SHOWN]]
    if count > MALFORMED_SHOWN:
        lines.append(f"  … and {count - MALFORMED_SHOWN} more (all are listed with --format json)")
    noun = "row" if count == 1 else "rows"
    s.warn(f"{count} malformed {noun} in {parsed.source} skipped:\n" + "\n".join(lines))


def _render(
    fmt: OutputFormat,
    official: OfficialSource,
    found: ImportPlan,
    parsed: SourceFile,
    result: StoreResult,
    *,
    commit: bool,
    quiet: bool,
    registry: str,
) -> Any:
    """What was (or would be) imported, per Trust; with --quiet, one line at a terminal."""
    from cocwatch.core.imports import plan_data, summary_rows
    from cocwatch.render.formats import RowListing, render
    from cocwatch.render.tabular import Column

    data = {
        "source": parsed.source,
        "registry": registry,
        "statistics": str(result.path),
        "provisional": parsed.provisional,
        "periods": [p.isoformat() for p in parsed.periods],
        "committed": result.written,
        "file": _file_summary(official, parsed),
        **plan_data(found),
        "malformed": [{"line": m.line, "message": m.message} for m in parsed.malformed],
    }
    columns = [
        Column("trust", "Trust", max_width=40),
        Column("ods", "ODS", no_wrap=True),
        Column("added", "Added", justify="right"),
        Column("replaced", "Replaced", justify="right"),
        Column("unchanged", "Unchanged", justify="right"),
        Column("kept", "Kept", justify="right"),
    ]
    rows = summary_rows(found)
    national = found.national
    if national.added or national.replaced or national.unchanged or national.kept:
        rows.insert(
            0,
            {
                "trust": "(national)",
                "ods": "",
                "name": "England",
                "added": len(national.added),
                "replaced": len(national.replaced),
                "unchanged": len(national.unchanged),
                "kept": len(national.kept),
            },
        )
    verb = _verb(result, commit=commit)
    title = f"{verb} from {Path(parsed.source).name or parsed.source}"
    one_line = _one_line(found, parsed, result, commit=commit) if quiet else None
    return render(fmt, RowListing(rows, columns, json=data, title=title, text=one_line))


def _file_summary(official: OfficialSource, parsed: SourceFile) -> dict[str, Any]:
    """What the file holds, whatever the registry: counts a campaigner can check."""
    return {
        "rows": parsed.rows,
        "used_rows": parsed.used_rows,
        "providers": len(parsed.providers),
        "figures": len(parsed.figures),
        "national_figures": len(parsed.national),
        "zero_denominators": parsed.zero_denominators,
        "data_quality": {m.code: parsed.quality_counts(m.code) for m in official.declared.measures},
    }


def _period_words(parsed: SourceFile) -> str:
    from cocwatch.core.wording import month_year

    kind = "provisional" if parsed.provisional else "final"
    months = ", ".join(month_year(p) for p in parsed.periods) or "no period"
    return f"{months} ({kind})"


def _verb(result: StoreResult, *, commit: bool) -> str:
    """What happened: a second --commit of the same file imports nothing, and says so."""
    if result.written:
        return "Imported"
    return "Nothing new to import" if commit or result.held else "Would import"


def _one_line(found: ImportPlan, parsed: SourceFile, result: StoreResult, *, commit: bool) -> str:
    """The whole import in one line (for --quiet)."""
    verb = "imported" if result.written or commit else "would import"
    return (
        f"{Path(parsed.source).name or parsed.source}: {_period_words(parsed)}, "
        f"{len(parsed.providers)} providers; {verb} {found.total('added')} new and "
        f"{found.total('replaced')} replaced figures; {len(found.unmatched)} codes unmatched, "
        f"{len(parsed.malformed)} rows unusable."
    )


def _quality_words(official: OfficialSource, parsed: SourceFile) -> str:
    parts = []
    for measure in official.declared.measures:
        counts = parsed.quality_counts(measure.code)
        if not any(counts.values()):
            continue
        text = f"{measure.words.sentence}: {counts['pass']} passed, {counts['fail']} failed"
        if counts["unknown"]:
            text += f", {counts['unknown']} without a result"
        parts.append(text)
    return "; ".join(parts)


def _closing(
    s: Session,
    official: OfficialSource,
    found: ImportPlan,
    parsed: SourceFile,
    result: StoreResult,
    *,
    commit: bool,
) -> None:
    matched = len(found.trusts)
    lines = [
        f"{Path(parsed.source).name or parsed.source}: {_period_words(parsed)}, "
        f"{len(parsed.providers)} providers, {matched} of them Trusts in the registry."
    ]
    quality = _quality_words(official, parsed)
    if quality:
        lines.append(
            f"Data quality: {quality}. A failed check is recorded as such, never as a rate."
        )
    if parsed.zero_denominators:
        lines.append(
            f"{parsed.zero_denominators} groups had no women that month (a denominator of 0): "
            "no figure, which is not an error."
        )
    lines.append(
        f"Figures: {found.total('added')} new, {found.total('replaced')} revised, "
        f"{found.total('unchanged')} unchanged, {found.total('kept')} also recorded from "
        "another source (both are kept)"
        + (f", {len(parsed.national)} of them national figures." if parsed.national else ".")
    )
    s.info("\n".join(lines))
    if found.unmatched:
        from cocwatch.core.letters import plural

        listed = ", ".join(f"{u.ods} ({u.name})" if u.name else u.ods for u in found.unmatched)
        s.warn(
            f"{plural(len(found.unmatched), 'ODS code')} "
            f"{'matches' if len(found.unmatched) == 1 else 'match'} no Trust in the registry, "
            f"so their figures are kept in the statistics folder but shown for no Trust: {listed}. "
            "Add the Trusts to the registry if they belong."
        )
    if not parsed.figures:
        indicators = ", ".join(m.indicator for m in official.declared.measures)
        s.warn(
            f"{parsed.source} holds no Continuity of Carer figures for providers "
            f"({indicators}); is it the right file?"
        )
    if result.written and result.entry is not None:
        s.info(
            f"Kept {result.entry.path} in the statistics folder {result.path}; the registry "
            "file is unchanged."
        )
    elif result.held:
        s.info(f"Nothing new: this file is already in the statistics folder {result.path}.")
    elif not commit:
        s.info(
            "Dry run: nothing was written. Run again with --commit to keep the file in the "
            f"statistics folder {result.path}."
        )
