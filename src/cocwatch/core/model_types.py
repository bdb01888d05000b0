"""The validated types every model of the registry and of the settings is made of.

`Model`, their base: frozen, and strict about unknown keys. Field types that read YAML as
people write it and refuse what would forge output: one-line names and titles (`Line`,
`Name`), longer text (`Text`, `Prose`), web addresses (`Url`), percentages and counts
(`Percent`, `Count`), ids (`Slug`), and dates given to the year or month (`PeriodDate`,
read by `period_end`). Pure: pydantic and the standard library only, with the count bound
of ``cocwatch.core.plausible``. The models themselves are ``cocwatch.core.models``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
)

from cocwatch.core.kinds import Precision
from cocwatch.core.plausible import MAX_COUNT

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# No whitespace, control character or bidirectional override: an address is one plain word.
_URL = re.compile(r"^https?://[^\s\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]+$")


def _url(value: Any) -> Any:
    """Accept only absolute http(s) URLs, so a pasted fragment is caught early."""
    if isinstance(value, str) and not _URL.match(value.strip()):
        raise ValueError("must be a full web address starting with http:// or https://")
    return value.strip() if isinstance(value, str) else value


def as_text(value: Any) -> Any:
    """Read a bare YAML number (an ODS code such as 123, say) as the text it was meant to be."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def yes_no_as_word(value: Any) -> Any:
    """Read YAML's bare yes/no (parsed as booleans) as the words 'yes' and 'no'."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value.strip().lower()
    return value


def lowercased(value: Any) -> Any:
    """Read a word as lower case, without the spaces round it ('Fail ' as 'fail')."""
    return value.strip().lower() if isinstance(value, str) else value


def as_one_word(value: Any) -> Any:
    """Read 'Requires improvement' or 'requires-improvement' as requires_improvement."""
    if isinstance(value, str):
        return "_".join(value.strip().lower().replace("-", " ").split())
    return value


# One-line fields (names, titles, regions) may hold no line break or control character, so
# nothing a registry says can forge a line, a heading or a CSV row in the output.
# Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) are refused too: they
# make a terminal or a document show text in another order than it is written.
ONE_LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$"
# Longer text (notes, summaries) may hold line breaks and tabs, but no other control
# character (an escape sequence would recolour or rewrite a terminal) nor a bidi override.
TEXT_PATTERN = r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$"

Url = Annotated[str, BeforeValidator(_url)]
Line = Annotated[str, Field(pattern=ONE_LINE_PATTERN)]
Text = Annotated[str, BeforeValidator(as_text), Field(min_length=1, pattern=TEXT_PATTERN)]
Prose = Annotated[str, Field(pattern=TEXT_PATTERN)]  # notes and addresses: lines, no controls
Name = Annotated[str, BeforeValidator(as_text), Field(min_length=1, pattern=ONE_LINE_PATTERN)]


def _number(value: Any) -> Any:
    """Refuse yes/no where a number belongs (YAML reads `true` as a boolean, which would
    otherwise count as 1)."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not yes/no (true/false)")
    return value


def _no_negative_zero(value: float) -> float:
    return 0.0 if value == 0 else value  # -0 is 0: stored and shown without a sign


Percent = Annotated[
    float, BeforeValidator(_number), Field(ge=0, le=100), AfterValidator(_no_negative_zero)
]
Count = Annotated[int, BeforeValidator(_number), Field(ge=0, le=MAX_COUNT)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]


class Model(BaseModel):
    """Base of every registry model: frozen, and strict about unknown keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)


_PERIOD = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


def period_end(value: Any) -> tuple[Any, Precision]:
    """Read a date given as YYYY, YYYY-MM or YYYY-MM-DD: the period's last day, and its precision.

    Anything else is returned unchanged (with precision "day") for pydantic to report.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        match = _PERIOD.match(value.strip())
        if match:
            year = int(match.group(1))
            if match.group(2) is None:
                return date(year, 12, 31), "year"
            month = int(match.group(2))
            if not 1 <= month <= 12:
                raise ValueError(f"{value.strip()!r} has no month {month}: use YYYY-MM (01-12)")
            following = date(year + month // 12, month % 12 + 1, 1)
            return date.fromordinal(following.toordinal() - 1), "month"
    return value, "day"


_PERIOD_SCHEMA = {
    "anyOf": [
        {"type": "string", "format": "date"},
        {"type": "string", "pattern": r"^\d{4}(-\d{2})?$"},
        {"type": "integer", "minimum": 1000, "maximum": 9999},
    ],
    "description": "YYYY-MM-DD, or YYYY-MM or YYYY when the source is no more precise",
}
PeriodDate = Annotated[date, WithJsonSchema(_PERIOD_SCHEMA)]
