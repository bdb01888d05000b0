"""Dates in an MSDS measures file, as published or as Excel left them.

A reporting period ends on a month's last day, which tells the real date from one whose day
and month Excel swapped (or an Excel serial number of a swapped date); a date that could be
either and is neither month's end is refused as ambiguous, and so is a date outside
1900-2100 (`core.official.in_window`). Imports the standard library and the core's plain
values.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from cocwatch.core.official import FIRST_YEAR, LAST_YEAR, in_window

EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's serial numbers
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_NUMBERS = {name[:3]: i + 1 for i, name in enumerate(_MONTH_NAMES)}
_MONTH_NUMBERS |= {name: i + 1 for i, name in enumerate(_MONTH_NAMES)}
_MONTH_NUMBERS["sept"] = 9
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})[\s/-]*([A-Za-z]{3,9})[\s/-]*(\d{4})$")
_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")  # an Excel date serial number, e.g. 45777


def parse_period_date(value: str) -> date | None:
    """Read a date as written: 2025-10-31, 31/10/2025, 31OCT2025, 31-Oct-2025, 20251031."""
    text = _TIME_SUFFIX.sub("", value.strip()).strip()
    try:
        if m := _ISO.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.match(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := _COMPACT.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if (m := _DAY_MONTH_NAME.match(text)) and m[2].lower() in _MONTH_NUMBERS:
            return date(int(m[3]), _MONTH_NUMBERS[m[2].lower()], int(m[1]))
    except ValueError:
        return None
    return None


def _swapped(day: date | None) -> date | None:
    """The date with day and month exchanged, as Excel reads 01/04/2025 in a US locale."""
    if day is None or day.day > 12 or day.day == day.month:
        return None
    try:
        return date(day.year, day.day, day.month)
    except ValueError:
        return None


def _is_month_end(day: date) -> bool:
    return day.day == calendar.monthrange(day.year, day.month)[1]


def _in_window(day: date | None) -> date | None:
    """`day` when it is in a year an MSDS month can be (1900-2100), else None."""
    return day if day is not None and in_window(day) else None


def period_end(value: str) -> tuple[date | None, str | None]:
    """Read RPEndDate as the publication meant it: (date, None) or (None, problem).

    A reporting period ends on a month's last day, which tells a day-and-month swap (or an
    Excel serial number of a swapped date) from the real date. When neither reading is a
    month's end and both are possible, the date is ambiguous and refused.
    """
    text = _TIME_SUFFIX.sub("", value.strip()).strip()
    primary: date | None
    alternative: date | None = None
    if m := _SERIAL.match(text):
        serial = int(m[1])
        if not 20000 <= serial <= 80000:
            return None, f"RPEndDate {value!r} is not a date"
        primary = EXCEL_EPOCH + timedelta(days=serial)
        alternative = _swapped(primary)
    elif m := _DMY.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        primary = _date_or_none(year, month, day)
        alternative = _date_or_none(year, day, month) if day != month else None
    else:
        primary = parse_period_date(text)
        alternative = _swapped(primary) if _ISO.match(text) else None
    if (primary or alternative) is not None and not (
        _in_window(primary) or _in_window(alternative)
    ):
        return None, (
            f"RPEndDate {value!r} is outside {FIRST_YEAR}-{LAST_YEAR}, where every MSDS month is"
        )
    primary, alternative = _in_window(primary), _in_window(alternative)
    if primary is not None and _is_month_end(primary):
        return primary, None
    if alternative is not None and _is_month_end(alternative):
        return alternative, None  # Excel swapped the day and the month
    if primary is not None and alternative is not None:
        return None, (
            f"RPEndDate {value!r} is ambiguous: it could be {primary.isoformat()} or "
            f"{alternative.isoformat()}, and neither is the last day of a month (a file "
            "that went through Excel?)"
        )
    found = primary or alternative
    if found is None:
        return None, (f"RPEndDate {value!r} is not a date (expected e.g. 31/10/2025 or 2025-10-31)")
    return found, None


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def period_start(value: str, end: date) -> date | None:
    """Read RPStartDate: the reading that is a month's first day on or before `end`, if any."""
    text = _TIME_SUFFIX.sub("", value.strip()).strip()
    readings: list[date | None] = []
    if m := _SERIAL.match(text):
        serial = int(m[1])
        if 20000 <= serial <= 80000:
            day = EXCEL_EPOCH + timedelta(days=serial)
            readings += [day, _swapped(day)]
    elif m := _DMY.match(text):
        day_, month, year = int(m[1]), int(m[2]), int(m[3])
        readings += [_date_or_none(year, month, day_), _date_or_none(year, day_, month)]
    else:
        readings.append(parse_period_date(text))
    for reading in map(_in_window, readings):
        if reading is not None and reading.day == 1 and reading <= end:
            return reading
    return None
