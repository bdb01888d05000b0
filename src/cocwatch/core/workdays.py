"""Working-day arithmetic for reply-by dates (pure: the non-working days are a parameter).

The Freedom of Information Act 2000, section 10(1), gives a public authority until "the
twentieth working day following the date of receipt". Section 10(6) defines a working day as
any day other than a Saturday, a Sunday, Christmas Day, Good Friday or a bank holiday *in any
part of the United Kingdom*: so St Andrew's Day (Scotland) and 12 July (Northern Ireland)
are not working days even for an English Trust.

The arithmetic takes that set of days as a parameter, so it stays plain dates in, dates out;
`foi_non_working_days` builds the set from the `holidays` library, which computes each year's
bank holidays from rules in the installed package (no file, network or clock of ours). It
lives here, beside the rule it serves, rather than in the letter templates' module: the
correspondence log and the letters both count working days with it. `holidays` is imported
only when the set is built, so importing this module stays light.
"""

from __future__ import annotations

import functools
from collections.abc import Container, Iterable
from datetime import date, timedelta

FOI_WORKING_DAYS = 20
# FOIA s.10(6): a bank holiday "in any part of the United Kingdom" is not a working day, so
# the FOI clock skips the holidays of England and Wales, Scotland and Northern Ireland alike.
FOI_SUBDIVISIONS = ("ENG", "NIR", "SCT", "WLS")


def foi_non_working_days(years: Iterable[int]) -> frozenset[date]:
    """The UK's bank holidays in `years`, every part of it (FOIA s.10(6)), from `holidays`.

    Christmas Day and Good Friday are bank holidays in every part, so they are included.
    """
    return _bank_holidays(tuple(sorted(set(years))))


@functools.lru_cache(maxsize=32)
def _bank_holidays(years: tuple[int, ...]) -> frozenset[date]:
    """`foi_non_working_days` for sorted, distinct years, worked out once per set of years
    (the rules do not change while a program runs, and working them out takes a tenth of a
    second)."""
    import holidays

    days: set[date] = set()
    for subdiv in FOI_SUBDIVISIONS:
        days.update(holidays.country_holidays("GB", subdiv=subdiv, years=list(years)).keys())
    return frozenset(days)


def is_working_day(day: date, non_working: Container[date]) -> bool:
    """Return whether `day` is neither a weekend day nor one of `non_working`."""
    return day.weekday() < 5 and day not in non_working


def add_working_days(start: date, count: int, non_working: Container[date]) -> date:
    """Return the `count`-th working day after `start` (the first working day after it is 1)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    day = start
    remaining = count
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day, non_working):
            remaining -= 1
    return day


def foi_reply_by(letter_date: date, non_working: Container[date]) -> date:
    """The last day for a reply to an FOI request received on `letter_date` (20 working days)."""
    return add_working_days(letter_date, FOI_WORKING_DAYS, non_working)


def working_days_after(start: date, end: date, non_working: Container[date]) -> int:
    """Count the working days after `start`, up to and including `end` (0 if `end` ≤ `start`)."""
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, non_working):
            count += 1
    return count
