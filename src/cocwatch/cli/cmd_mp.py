"""`cocwatch mp`: a postcode's constituency and MP, and the Trusts of the ICB that covers it.

postcodes.io gives the constituency and the ICB; UK Parliament's Members API gives the MP
and where to write to them (SPEC §6.1, DOMAIN §5). Both are at the base addresses of the
config (`postcodes_url`, `parliament_url`) or their environment variables, their answers
kept in the cache folder. Offline, `--constituency`, `--mp-name` and `--icb` stand in for
them.
"""

from __future__ import annotations

import typer

from cocwatch.cli.app import app
from cocwatch.cli.options import AS_OF, DEFAULT_FORMAT, FORMAT, ICB, TIMEOUT
from cocwatch.cli.output import emit
from cocwatch.cli.session import session
from cocwatch.core.web import WEB_ADDRESS
from cocwatch.errors import UsageError

CONSTITUENCY = typer.Option(
    None,
    "--constituency",
    metavar="NAME",
    help="The constituency, instead of asking postcodes.io (as "
    "https://members.parliament.uk/ writes it).",
)
MP_NAME = typer.Option(
    None, "--mp-name", metavar="NAME", help="The MP's name, instead of asking the Members API."
)
OFFLINE = typer.Option(
    False, "--offline", help="Use only answers kept from earlier lookups; fetch nothing."
)


@app.command(
    epilog=f"Where the lookups go: {WEB_ADDRESS['postcodes_url'].help()}; "
    f"{WEB_ADDRESS['parliament_url'].help()}."
)
def mp(
    ctx: typer.Context,
    *,
    postcode: list[str] | None = typer.Argument(
        None, metavar="[POSTCODE]", help="A UK postcode, e.g. SW1A 1AA."
    ),
    constituency: str | None = CONSTITUENCY,
    mp_name: str | None = MP_NAME,
    icb: ICB = None,
    as_of: AS_OF,
    fmt: FORMAT = DEFAULT_FORMAT,
    timeout: TIMEOUT,
    offline: bool = OFFLINE,
) -> None:
    """Find a postcode's MP, and the Trusts of the ICB that covers it with their figures.

    The constituency and its ICB come from postcodes.io, the MP from UK Parliament's Members
    API (Open Parliament Licence). No official lookup from a Trust to the constituencies it
    serves exists, so the Trusts shown are those of the ICB that covers the postcode.
    `cocwatch letter mp --postcode POSTCODE` drafts the letter.
    """
    from cocwatch.cli.lookups import area_assessment, postcode_option, representation
    from cocwatch.render.formats import render
    from cocwatch.render.mp import MpListing

    s = session(ctx)
    code = postcode_option(" ".join(postcode or []) or None)
    if code is None and constituency is None:
        raise UsageError('Give a postcode (cocwatch mp "SW1A 1AA"), or --constituency NAME.')
    found = representation(
        s,
        postcode=code,
        constituency=constituency,
        mp_name=mp_name,
        icb=icb,
        on=as_of,
        timeout=timeout,
        offline=offline,
    )
    chosen_icb = s.curated.icb(found.icb_code) if found.icb_code else None
    listing = MpListing(found, chosen_icb, area_assessment(s, chosen_icb, as_of), s.loaded.source)
    if chosen_icb is None:
        s.warn(found.icb_said)
    emit(render(fmt, listing))


__all__ = ["mp"]
