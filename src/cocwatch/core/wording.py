"""One way to write numbers and dates for people, shared by `check`, letters and the report.

Pure: the standard library only. Every percentage cocwatch prints goes through `percent`,
so 17.25 is "17.3%" in a terminal, a letter and a web page alike (rounded half up, as people
round, never as binary floats happen to). Dates are written the British way ("23 November
2026"), and a date known only to its month or year ("by 2024") is written at that precision.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Literal

Precision = Literal["year", "month", "day"]

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def round_half_up(value: float) -> float:
    """Round to one decimal place as people do (17.25 → 17.3, -2.25 → -2.3).

    The tiny nudge absorbs binary representation error (17.25 is stored as 17.2499…).
    """
    scaled = math.floor(abs(value) * 10 + 0.5 + 1e-9) / 10
    return math.copysign(scaled, value) if scaled else 0.0


def number(value: float, *, fixed: bool = False) -> str:
    """A number to one decimal place: '17.3'; '51' for a whole number unless `fixed` ('51.0')."""
    rounded = round_half_up(value)
    if rounded.is_integer() and not fixed:
        return str(int(rounded))
    return f"{rounded:.1f}"


def percent(value: float, *, fixed: bool = False) -> str:
    """A percentage: '17.3%', '51%'; with `fixed`, always one decimal place ('12.0%').

    `fixed` is for published figures, which MSDS gives to one decimal place; levels and
    targets read better without a trailing '.0'. Both round the same way.
    """
    return f"{number(value, fixed=fixed)}%"


def points(value: float) -> str:
    """A difference in percentage points, without its sign: '1 percentage point', '2.5 …'."""
    text = number(abs(value))
    return f"{text} percentage point" + ("" if text == "1" else "s")


def signed_points(value: float) -> str:
    """A signed difference for tables: '+1.2', '-3.4', '0.0'."""
    rounded = round_half_up(value)
    return f"{rounded:+.1f}" if rounded else "0.0"


def long_date(day: date) -> str:
    """A date as people write it in the UK: '23 November 2026'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """A date with the month abbreviated: '23 Nov 2026'."""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def month_year(day: date) -> str:
    """A month: 'November 2026'."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def period(day: date, precision: Precision = "day") -> str:
    """A date at the precision its source gives: '2024', 'March 2021' or '31 March 2021'."""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return month_year(day)
    return long_date(day)


__all__ = [
    "MONTHS",
    "Precision",
    "long_date",
    "month_year",
    "number",
    "percent",
    "period",
    "points",
    "round_half_up",
    "short_date",
    "signed_points",
]
