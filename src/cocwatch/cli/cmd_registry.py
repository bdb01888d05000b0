"""Commands that read the registry: validate, schema, trusts, show, targets."""

from __future__ import annotations

import typer

from cocwatch.cli.app import app
from cocwatch.cli.dates import today
from cocwatch.cli.options import DEFAULT_FORMAT, FORMAT, REGION
from cocwatch.cli.output import emit
from cocwatch.cli.selection import find_trust
from cocwatch.cli.session import session
from cocwatch.errors import ExitCode, RegistryError


@app.command()
def validate(ctx: typer.Context, fmt: FORMAT = DEFAULT_FORMAT) -> None:
    """Load the registry and check it; list every problem with its file and line.

    Also reads the manifest of the statistics folder beside it, if there is one.
    """
    from cocwatch.render.formats import render
    from cocwatch.render.registry import validation_listing

    s = session(ctx)
    try:
        loaded = s.loaded
    except RegistryError as error:
        emit(render(fmt, validation_listing(error.source, None, error.problems, as_of=today())))
        raise typer.Exit(ExitCode.BAD_INPUT) from None
    emit(render(fmt, validation_listing(loaded.source, loaded.registry, [], as_of=today())))
    kept = s.statistics.files()  # a damaged statistics manifest is reported in words (exit 3)
    if kept and not s.state.quiet and fmt == "table":
        noun = "file" if len(kept) == 1 else "files"
        s.info(f"Statistics folder {s.statistics.label}: {len(kept)} {noun} kept.")


@app.command()
def schema() -> None:
    """Print the JSON Schema of the registry format (for editors and other validators)."""
    from cocwatch.render.registry import registry_schema
    from cocwatch.render.tabular import to_json

    emit(to_json(registry_schema()))


@app.command()
def trusts(
    ctx: typer.Context,
    query: str | None = typer.Argument(None, help="Part of a name, an id or an ODS code."),
    region: REGION = None,
    fmt: FORMAT = DEFAULT_FORMAT,
) -> None:
    """List and search the Trusts in the registry."""
    from cocwatch.render.formats import render
    from cocwatch.render.registry import trust_listing

    s = session(ctx)
    found = list(s.curated.trusts)
    if query:
        q = query.strip().lower()
        found = [t for t in found if q in t.name.lower() or q == t.ods.lower() or q in t.id]
    if region:
        found = [t for t in found if region.strip().lower() in t.region.lower()]
    found.sort(key=lambda t: (t.region, t.name))
    emit(render(fmt, trust_listing(found, as_of=today(), source=s.loaded.source)))
    if not found and not s.state.quiet:
        s.info("No trust matches. `cocwatch trusts` lists them all.")


@app.command()
def show(
    ctx: typer.Context,
    trust: list[str] = typer.Argument(
        ...,
        metavar="TRUST",
        help="Trust id, ODS code or words of its name (`show guys and st thomas` works).",
    ),
    fmt: FORMAT = DEFAULT_FORMAT,
) -> None:
    """Show everything known about one Trust: plan, figures over time, sources."""
    from cocwatch.render.formats import render
    from cocwatch.render.show import trust_detail

    s = session(ctx)
    found = find_trust(s.curated, " ".join(trust))
    registry = s.registry_for([found.id])
    found = next(t for t in registry.trusts if t.id == found.id)
    day = today()
    letters = [t for t in s.tracked_letters(day) if t.letter.trust == found.id]
    emit(render(fmt, trust_detail(found, registry, as_of=day, letters=letters)))


@app.command()
def targets(ctx: typer.Context, fmt: FORMAT = DEFAULT_FORMAT) -> None:
    """Show the national targets timeline: active, superseded (by which target) or withdrawn."""
    from cocwatch.render.formats import render
    from cocwatch.render.registry import target_listing

    s = session(ctx)
    emit(render(fmt, target_listing(s.curated, as_of=today())))
