"""Options several commands take, each declared once here as an `Annotated` type, and the
callbacks and parsers that check an option's value. A command writes ``fmt: FORMAT =
DEFAULT_FORMAT``, or ``as_of: AS_OF`` (a `date`, today unless given; an option whose default
is a factory has no default in the signature, so such commands take keyword-only parameters:
``def check(ctx, *, …)``). A date option of a command's own is
``Annotated[date, date_option("--on", help=…)]``.

The global options (`--registry`, `--quiet`…) are in `cocwatch.cli.global_options`.

May import Typer, `errors`, `.dates`, `render.formats` and `sources.http` (both light: the
--format choices and the timeout's default); everything else inside the callbacks, so --help
stays quick.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

import typer

from cocwatch.cli.dates import parse_date, today
from cocwatch.errors import UsageError
from cocwatch.render.formats import FORMATS, formats_help
from cocwatch.sources.http import TIMEOUT_SECONDS, check_seconds, check_web_address


def date_option(
    name: str, *, help: str, default_today: bool = False, **more: Any
) -> Any:  # typer.Option's own return type is Any
    """A date given as YYYY-MM-DD, in the range cocwatch works with; anything else is a usage
    error naming the option. `default_today`: today when not given (say so in `help`)."""

    def parse(value: str | date) -> date:
        return value if isinstance(value, date) else parse_date(value, name)

    return typer.Option(
        name,
        metavar="YYYY-MM-DD",
        parser=parse,
        default_factory=today if default_today else None,
        show_default=False,
        help=help,
        **more,
    )


def seconds_option(value: float) -> float:
    """Typer callback for an option in seconds (--timeout): above 0, finite, at most an hour."""
    try:
        return check_seconds(value)
    except UsageError as exc:
        raise typer.BadParameter(exc.message) from None


# The choices of --format, one per renderer in `cocwatch.render.formats.FORMATS`.
OutputFormat = StrEnum("OutputFormat", [(name, name) for name in FORMATS])  # type: ignore[misc]
DEFAULT_FORMAT = OutputFormat("table")

FORMAT = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", case_sensitive=False, help=formats_help()),
]
AS_OF = Annotated[
    date,
    date_option(
        "--as-of", default_today=True, help="Run as if today were this date (default: today)."
    ),
]
ALL_TRUSTS = Annotated[bool, typer.Option("--all", help="Every open Trust.")]
REGION = Annotated[
    str | None,
    typer.Option("--region", metavar="R", help="Only Trusts whose region contains R."),
]
ICB = Annotated[
    str | None,
    typer.Option(
        "--icb",
        metavar="CODE",
        help="Only the Trusts of this Integrated Care Board: its code today (QOP, S9B9J: "
        "`cocwatch icbs` lists them) or words of its name.",
    ),
]
DRY_RUN = Annotated[
    bool, typer.Option("--dry-run", "-n", help="Show the change as a diff; write nothing.")
]
TIMEOUT = Annotated[
    float,
    typer.Option(
        "--timeout",
        metavar="SECONDS",
        default_factory=lambda: TIMEOUT_SECONDS,
        show_default=False,
        callback=seconds_option,
        help=f"How long to wait for a web server before giving up on it (default: "
        f"{TIMEOUT_SECONDS:g}).",
    ),
]


def web_address_option(value: str | None) -> str | None:
    """Typer callback for an option that is a web address (--index): http(s), with a host."""
    if value is None:
        return None
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
    from cocwatch.core.model_types import ONE_LINE_PATTERN

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
