"""`statistics` and `statistics move`: the official files kept beside the registry (SPEC §7.1)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from cocwatch.cli.app import app
from cocwatch.cli.dates import today
from cocwatch.cli.options import DEFAULT_FORMAT, FORMAT
from cocwatch.cli.output import emit
from cocwatch.cli.session import session, writable_registry, writable_statistics

if TYPE_CHECKING:
    from cocwatch.registry.migrate import Move

statistics_app = typer.Typer(
    help="The official statistics kept beside the registry, as NHS England published them.",
    invoke_without_command=True,
    rich_markup_mode=None,
)
app.add_typer(statistics_app, name="statistics")


@statistics_app.callback()
def statistics(ctx: typer.Context, fmt: FORMAT = DEFAULT_FORMAT) -> None:
    """List the files in the statistics folder: month, provisional or final, source, rows.

    `cocwatch import msds` adds a file; a final file supersedes the provisional one for its
    month (both are kept). `cocwatch statistics move` moves figures imported into an old
    registry file into the folder.
    """
    if ctx.invoked_subcommand is not None:
        return
    from cocwatch.render.formats import RowListing, render
    from cocwatch.render.tabular import Column

    s = session(ctx)
    store = s.statistics
    store.verify()  # a kept file that no longer matches its row is reported, not listed
    files = sorted(store.files(), key=lambda f: (f.period_end or f.imported, f.provisional))
    rows = [
        {
            "month": f"{f.period_end:%Y-%m}" if f.period_end else "",
            "status": "provisional" if f.provisional else "final",
            "source_file": f.source_file,
            "rows": f.rows,
            "imported": f.imported.isoformat(),
            "file": f.path,
            "release_page": f.release_page or "",
            "file_url": f.file_url or "",
            "sha256": f.sha256,
            "retrieved": f.retrieved.isoformat() if f.retrieved else "",
            "notes": f.notes,
        }
        for f in files
    ]
    columns = [
        Column("month", "Month", no_wrap=True),
        Column("status", "Status", no_wrap=True),
        Column("source_file", "Published file"),
        Column("rows", "Rows", justify="right"),
        Column("imported", "Imported", no_wrap=True),
    ]
    every = [
        *columns,
        Column("file", "Kept as"),
        Column("release_page", "Release page"),
        Column("file_url", "File address"),
        Column("sha256", "SHA-256"),
        Column("retrieved", "Retrieved"),
        Column("notes", "Notes"),
    ]
    data: dict[str, Any] = {"folder": store.label, "files": rows}
    title = f"Statistics kept in {store.label}"
    emit(render(fmt, RowListing(rows, every, json=data, title=title, table_columns=columns)))
    if not files and not s.state.quiet:
        s.info(
            f"No statistics are kept in {store.label} yet. `cocwatch import msds --latest "
            "--commit` adds NHS England's newest release."
        )


@statistics_app.command("move")
def move(
    ctx: typer.Context,
    commit: bool = typer.Option(
        False, "--commit", help="Move the figures (default: only show what would move)."
    ),
) -> None:
    """Move official figures imported into the registry file into the statistics folder.

    Registries made before the statistics folder existed hold NHS England's figures in the
    registry file itself. This moves each into the statistics folder (as the publication's
    rows) and takes it out of the registry file, keeping every comment and everything you
    wrote; checks and letters give the same figures afterwards. A dry run by default.
    """
    from cocwatch.registry.migrate import move_official_figures

    s = session(ctx)
    path = writable_registry(s, dry_run=not commit)
    store = writable_statistics(s, dry_run=not commit)
    moved, written = move_official_figures(path, store, today=today(), commit=commit)
    _report(s, moved, written=written, commit=commit, path=str(path), folder=str(store.folder))


def _report(s: Any, moved: Move, *, written: bool, commit: bool, path: str, folder: str) -> None:
    from cocwatch.core.letters import plural

    if not moved.removed and not moved.stay:
        s.info(f"{path} holds no official figures to move: nothing to do.")
        return
    lines = []
    if moved.already_kept:
        lines.append(
            f"{plural(len(moved.already_kept), 'figure')} already in the statistics folder "
            f"{folder}: {'taken' if commit else 'to take'} out of the registry file."
        )
    if moved.moved:
        lines.append(
            f"{plural(len(moved.moved), 'figure')} {'moved' if commit else 'to move'} into "
            f"{plural(len(moved.files), 'new file')} of the statistics folder {folder}."
        )
    for held, why in moved.stay:
        where = held.trust_id or "national"
        lines.append(
            f"Left in the registry file: {where}, {held.figure.cohort}, {held.figure.measure}, "
            f"{held.figure.as_of.isoformat()}: {why}."
        )
    s.info("\n".join(lines))
    if written:
        s.info(f"Wrote {path}; every comment and every other entry is as it was.")
    elif not commit:
        s.info("Dry run: nothing was written. Run again with --commit to move them.")
