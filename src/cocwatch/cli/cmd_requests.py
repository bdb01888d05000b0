"""`cocwatch requests TRUST`: the public FOI requests about continuity of carer to a Trust.

Reads WhatDoTheyKnow's feeds as JSON (`cocwatch.sources.whatdotheyknow`): the requests made
to the Trust (by its name on the site, kept if they are about continuity of carer) and the
requests tagged with its ODS code, each once, newest first, with its state and dates.
"""

from __future__ import annotations

import typer

from cocwatch.cli.app import app
from cocwatch.cli.lookups import by_postcode
from cocwatch.cli.options import DEFAULT_FORMAT, FORMAT
from cocwatch.cli.output import emit
from cocwatch.cli.selection import find_trust
from cocwatch.cli.session import session
from cocwatch.core.web import WEB_ADDRESS
from cocwatch.errors import UsageError


@app.command(epilog=f"The site: {WEB_ADDRESS['whatdotheyknow_url'].help()}.")
def requests(
    ctx: typer.Context,
    trust: str = typer.Argument(
        ..., metavar="TRUST", help="Trust id, ODS code or unique part of its name."
    ),
    body: str | None = typer.Option(
        None,
        "--body",
        metavar="NAME",
        help="The Trust's name on WhatDoTheyKnow, the end of its page's address "
        "(https://www.whatdotheyknow.com/body/NAME). Default: `whatdotheyknow` in the "
        "registry; without either, only requests tagged with the Trust's ODS code are found.",
    ),
    fmt: FORMAT = DEFAULT_FORMAT,
) -> None:
    """List public FOI requests to a Trust about continuity of carer, on WhatDoTheyKnow.

    Requests made on the site are public, and so are the replies: see what other campaigners
    already asked the Trust, and how it answered, before asking again.
    """
    from cocwatch.cli.whatdotheyknow_sync import json_cache
    from cocwatch.render.formats import RowListing, render
    from cocwatch.render.tabular import Column
    from cocwatch.sources.whatdotheyknow import (
        RequestReadError,
        about_continuity_of_carer,
        fetch_requests,
    )
    from cocwatch.sources.whatdotheyknow_links import machine_tag

    s = session(ctx)
    found = find_trust(s.registry, trust, by_postcode=by_postcode(s))
    name = (body or found.whatdotheyknow or "").strip().lower() or None
    if name is not None and not name.replace("_", "").replace("-", "").isalnum():
        raise UsageError(f"--body {name}: give the last part of the body's page address.")
    home = s.web_address("whatdotheyknow_url")
    try:
        listed = fetch_requests(
            name,
            [machine_tag("ods", found.ods)],
            site=home,
            cache=json_cache(),
            keep=about_continuity_of_carer,
        )
    except RequestReadError as error:
        if name and " 404 " in f" {error} ":
            raise RequestReadError(
                f"{error} Check the Trust's name on the site: its page is {home}/body/{name} "
                "if the name is right; give the right one with --body NAME."
            ) from None
        raise
    if name is None:
        s.info(
            f"Only requests tagged ods:{found.ods} were searched: give the Trust's name on the "
            f"site with --body NAME (its page is {home}/body/NAME) to search all its requests."
        )
    rows = [
        {
            "title": r.title,
            "state": r.state_words,
            "created_on": r.created_on,
            "updated_on": r.updated_on,
            "url": r.url,
        }
        for r in listed
    ]
    columns = (
        Column("title", "Request", max_width=50),
        Column("state", "State"),
        Column("created_on", "Made", no_wrap=True),
        Column("updated_on", "Updated", no_wrap=True),
        Column("url", "Address"),
    )
    json_value = {
        "trust": found.id,
        "body": name,
        "site": home,
        "requests": [
            {**row, "described_state": r.described_state, "tags": list(r.tags)}
            for row, r in zip(rows, listed, strict=True)
        ],
    }
    nothing = (
        None
        if rows
        else f"No public request about continuity of carer to {found.name} was found on {home}."
    )
    listing = RowListing(
        rows,
        columns,
        json=json_value,
        title=f"Requests about continuity of carer to {found.name} on {home}",
        text=nothing,
    )
    emit(render(fmt, listing))
