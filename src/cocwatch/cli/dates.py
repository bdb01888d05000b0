"""The dates a command works with: today (pinned by COCWATCH_TODAY in tests) and dates given
on the command line, each checked to lie in the range cocwatch works with.

May import the standard library and `cocwatch.errors` only.
"""

from __future__ import annotations

import os
from datetime import date

from cocwatch.errors import UsageError

# Dates a command accepts: wide enough for any campaign, far enough from date.min and
# date.max that reply-by dates, chart axes and holiday calendars cannot overflow.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def today() -> date:
    """Today's date; COCWATCH_TODAY (YYYY-MM-DD) pins it, for tests and reproducible runs."""
    pinned = os.environ.get("COCWATCH_TODAY")
    if pinned:
        try:
            day = date.fromisoformat(pinned)
        except ValueError:
            raise UsageError(
                f"COCWATCH_TODAY is set to {pinned!r}, which is not a date; use YYYY-MM-DD."
            ) from None
        return _in_range(day, "COCWATCH_TODAY")
    return date.today()


def parse_date(value: str, option: str) -> date:
    """Parse an ISO date given on the command line (a usage error naming `option`)."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{option} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31."
        ) from None
    return _in_range(day, option)


def _in_range(day: date, option: str) -> date:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise UsageError(
            f"{option} {day.isoformat()} is outside the dates cocwatch works with "
            f"({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}); check the year."
        )
    return day
