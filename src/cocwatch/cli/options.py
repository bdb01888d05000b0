"""Options several commands take, declared once here as `Annotated` types (`FORMAT`, `AS_OF`,
`REGION`, `DRY_RUN`), and the callbacks that check an option's value; a command
writes ``fmt: FORMAT = DEFAULT_FORMAT``.

May import Typer, `errors` and `render.formats` (light, for the --format choices); everything
else inside the callbacks, so --help stays quick.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

import typer

from cocwatch.errors import UsageError
from cocwatch.render.formats import FORMATS, formats_help

# The choices of --format, one per renderer in `cocwatch.render.formats.FORMATS`.
OutputFormat = StrEnum("OutputFormat", [(name, name) for name in FORMATS])  # type: ignore[misc]
DEFAULT_FORMAT = OutputFormat("table")

FORMAT = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", case_sensitive=False, help=formats_help()),
]
AS_OF = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="Assess as on this date (default today)."),
]
REGION = Annotated[
    str | None,
    typer.Option("--region", metavar="R", help="Only Trusts whose region contains R."),
]
DRY_RUN = Annotated[
    bool, typer.Option("--dry-run", "-n", help="Show the change as a diff; write nothing.")
]


def seconds_option(value: float) -> float:
    """Typer callback for an option in seconds (--timeout): above 0, finite, at most an hour."""
    from cocwatch.sources.http import check_seconds

    try:
        return check_seconds(value)
    except UsageError as exc:
        raise typer.BadParameter(exc.message) from None


def web_address_option(value: str | None) -> str | None:
    """Typer callback for an option that is a web address (--index): http(s), with a host."""
    if value is None:
        return None
    from cocwatch.sources.http import check_web_address

    try:
        return check_web_address(value, "The address")
    except UsageError as exc:
        raise typer.BadParameter(exc.message) from None


def one_line_option(value: str | None) -> str | None:
    """Typer callback for an option that is one line of text (a reference, a summary): no
    line break, control character (an escape sequence) or direction mark, which would reach
    a terminal or a letter as they are."""
    if value is None:
        return None
    from cocwatch.core.models import ONE_LINE_PATTERN

    if not re.match(ONE_LINE_PATTERN, value):
        raise typer.BadParameter(
            "must be one line of plain text: remove the line break, control character "
            "(such as an escape sequence) or direction mark."
        )
    return value


def parse_percent(value: str | None, option: str) -> float | None:
    """Parse a percentage as people write it: 17.2, 17.2% or 17.2 %."""
    if value is None:
        return None
    try:
        return float(value.strip().removesuffix("%").strip())
    except ValueError:
        raise UsageError(
            f"{option} {value!r} is not a percentage: write a number such as 17.2 (or 17.2%)."
        ) from None
