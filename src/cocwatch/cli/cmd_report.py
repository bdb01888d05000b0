"""`cocwatch report`: the static HTML report, a national overview and a page per Trust (SPEC §9)."""

from __future__ import annotations

from pathlib import Path

import typer

from cocwatch.cli.app import app
from cocwatch.cli.common import AS_OF, emit, parse_date, session, today


@app.command()
def report(
    ctx: typer.Context,
    out: Path = typer.Option(
        ...,
        "--out",
        "-o",
        metavar="DIR",
        file_okay=True,
        dir_okay=True,
        help="Folder to write the report into (created when missing; a previous report "
        "there is replaced).",
    ),
    as_of: AS_OF = None,
    title: str | None = typer.Option(
        None, "--title", metavar="TEXT", help="Heading of the report's front page."
    ),
) -> None:
    """Write a static HTML report: index.html (every open Trust) and trusts/ID.html.

    The pages need no server and fetch nothing: publish the folder on any website, open it
    from a disk, or send one Trust's page on its own.
    """
    from cocwatch.core.assessment import assess
    from cocwatch.render.report import DEFAULT_TITLE, build_report, source_label

    s = session(ctx)
    day = parse_date(as_of, "--as-of") or today()
    registry = s.registry
    trusts = [t for t in registry.trusts if t.is_open(day)]
    assessment = assess(
        registry,
        trusts,
        as_of=day,
        thresholds=s.config.thresholds,
        letters=s.open_letters(day),
        official=s.comparisons(trusts, day),
    )
    result = build_report(
        registry,
        assessment,
        out,
        title=title or DEFAULT_TITLE,
        source_label=source_label(s.loaded.source),
    )
    s.info(f"Wrote {result.trust_pages} Trust pages and the index to {result.out_dir}.")
    if not s.state.quiet:
        emit(str(result.index))
