"""Commands that read the registry: validate, schema, trusts, icbs, show, targets."""

from __future__ import annotations

import typer

from cocwatch.cli.app import app
from cocwatch.cli.dates import today
from cocwatch.cli.lookups import by_postcode
from cocwatch.cli.options import DEFAULT_FORMAT, FORMAT, ICB, REGION, TIMEOUT
from cocwatch.cli.output import emit
from cocwatch.cli.selection import find_trust, icb_today
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
    kept = s.statistics.files()  # a damaged statistics manifest is reported in words (exit 3)
    listing = validation_listing(
        loaded.source, loaded.registry, [], as_of=today(), official=s.registry
    )
    emit(render(fmt, listing))
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
    *,
    query: list[str] | None = typer.Argument(
        None,
        metavar="[QUERY]",
        help="Words of a name, an id, an ODS code, a hospital, a town or a postcode.",
    ),
    region: REGION = None,
    icb: ICB = None,
    fmt: FORMAT = DEFAULT_FORMAT,
    timeout: TIMEOUT,
) -> None:
    """List and search the Trusts in the registry, saying why each matched.

    A query is matched as every command matches a Trust: its id or ODS code, words of its
    name, a hospital site or town in its address, its headquarters' postcode; a likely
    misspelling is offered when nothing else matches. Any other postcode is looked up on
    postcodes.io: the Trusts of the ICB that covers it (no official lookup from a postcode
    to the Trusts that serve it exists).
    """
    from cocwatch.core.icbs import trusts_in
    from cocwatch.core.trust_names import find_matches, postcode
    from cocwatch.render.formats import render
    from cocwatch.render.registry import trust_listing

    s = session(ctx)
    day = today()
    found = list(s.curated.trusts)
    why: dict[str, str] = {}
    text = " ".join(query or []).strip()
    if text:
        matches = find_matches(found, text)
        code = postcode(text)
        if not matches and code is not None:
            from cocwatch.cli.lookups import postcode_trusts

            said, in_area = postcode_trusts(s, day, timeout=timeout)(code)
            matches = []
            why = {t.id: f"in the ICB that covers {code}" for t in in_area}
            found = in_area
            s.info(said)
        else:
            found = [m.trust for m in matches]
            why = {m.trust.id: m.why for m in matches}
            if matches and all(m.suggested for m in matches) and not s.state.quiet:
                s.info(f"No trust is called {text!r}; these may be what you meant.")
    if region:
        found = [t for t in found if region.strip().lower() in t.region.lower()]
    if icb:
        chosen = icb_today(s.curated, icb, day)
        ids = {t.id for t in trusts_in(s.curated, chosen.code, day)}
        found = [t for t in found if t.id in ids]
    if not text:
        found.sort(key=lambda t: (t.region, t.name))
    with_official = {t.id: t for t in s.registry_for({t.id for t in found}).trusts}
    found = [with_official[t.id] for t in found]  # counted as `show` lists them
    listing = trust_listing(found, as_of=day, source=s.loaded.source, why=why or None)
    emit(render(fmt, listing))
    if not found and not s.state.quiet:
        s.info("No trust matches. `cocwatch trusts` lists them all.")


@app.command()
def icbs(
    ctx: typer.Context,
    query: list[str] | None = typer.Argument(
        None, metavar="[QUERY]", help="An ICB's code or words of its name."
    ),
    fmt: FORMAT = DEFAULT_FORMAT,
) -> None:
    """List the Integrated Care Boards (ICBs) in the registry: code, name where a source
    gives it, region, dates, the ICB that holds its area today, and how many Trusts it has.

    An ICB's LMNS is checked with `cocwatch check icb:CODE` and written to with
    `cocwatch letter lmns CODE`.
    """
    from cocwatch.core.icbs import find_icbs
    from cocwatch.render.formats import render
    from cocwatch.render.registry import icb_listing

    s = session(ctx)
    registry = s.curated
    found = list(registry.icbs)
    text = " ".join(query or []).strip()
    if text:
        found = find_icbs(registry, text)
    emit(render(fmt, icb_listing(registry, found, as_of=today(), source=s.loaded.source)))
    if not registry.icbs:
        s.info(
            "This registry lists no ICBs (no icbs: section); the registry shipped with "
            "cocwatch lists them."
        )
    elif not found and not s.state.quiet:
        s.info("No ICB matches. `cocwatch icbs` lists them all.")


@app.command()
def show(
    ctx: typer.Context,
    trust: list[str] = typer.Argument(
        ...,
        metavar="TRUST|icb:CODE",
        help="Trust id, ODS code or words of its name (`show guys and st thomas` works), "
        "or an ICB as icb:CODE.",
    ),
    fmt: FORMAT = DEFAULT_FORMAT,
) -> None:
    """Show everything known about one Trust (or ICB): plan, contacts with where and when
    they were checked, figures over time, sources."""
    from cocwatch.core.bodies import icb_code
    from cocwatch.render.formats import render
    from cocwatch.render.show import trust_detail

    s = session(ctx)
    day = today()
    typed = " ".join(trust)
    if icb_code(typed) is not None:  # an ICB: its LMNS as a body, with its own figures
        from cocwatch.cli.selection import find_icb
        from cocwatch.core.icbs import lmns_body

        icb = find_icb(s.curated, typed)
        own = [b for b in s.lmns_bodies(icb, day) if b.ods == icb.code]
        body = own[0] if own else lmns_body(icb, [])
        emit(render(fmt, trust_detail(body, s.curated, as_of=day)))
        return
    found = find_trust(s.curated, typed, by_postcode=by_postcode(s))
    registry = s.registry_for([found.id])
    found = next(t for t in registry.trusts if t.id == found.id)
    letters = [t for t in s.tracked_letters(day) if t.letter.trust == found.id]
    emit(render(fmt, trust_detail(found, registry, as_of=day, letters=letters)))


@app.command()
def targets(ctx: typer.Context, fmt: FORMAT = DEFAULT_FORMAT) -> None:
    """Show the national targets timeline: active, superseded (by which target) or withdrawn."""
    from cocwatch.render.formats import render
    from cocwatch.render.registry import target_listing

    s = session(ctx)
    emit(render(fmt, target_listing(s.curated, as_of=today())))
