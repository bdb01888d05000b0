"""The words letters share: labels of the registry's closed sets, dates, numbers and lists.

Pure; imports only `cocwatch.core.wording`, whose formatters these are in letters' own names.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date

from cocwatch.core import wording

COHORT_LABELS = {
    "all": "All women",
    "ethnic_minority": "Women from Black, Asian and other ethnic-minority groups",
    "most_deprived": "Women from the most deprived 10% of neighbourhoods",
}
COHORT_WHO = {
    "all": "women",
    "ethnic_minority": "women from Black, Asian and other ethnic-minority groups",
    "most_deprived": "women from the most deprived 10% of neighbourhoods",
}
STATUS_TEXT = {
    "no_target": "no target",
    "no_data": "no figures",
    "met": "met",
    "missed": "missed",
    "behind": "behind",
    "on_track": "on track",
}
ORIGIN_TEXT = {
    "chosen": "the national target",
    "local": "the Trust's own plan",
    "national": "the national target",
    "reference": "the withdrawn national target (for reference)",
}
PLAN_STATUS_TEXT = {
    "active": "active",
    "paused": "paused",
    "none": "no plan",
    "unknown": "not known",
}
RATING_TEXT = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
    "not_rated": "Not rated",
}
SOURCE_KIND_TEXT = {
    "msds": "Maternity Services Data Set (MSDS)",
    "board_paper": "Trust Board paper",
    "foi": "Freedom of Information response",
    "cqc": "Care Quality Commission",
    "news": "News report",
    "other": "Source",
}
# What a measure counts, after "women …".
MEASURE_TEXT = {
    "placed_by_28_weeks": "placed on a continuity of carer pathway by 28 weeks",
    "receiving_ongoing": "receiving continuity of carer through pregnancy and birth",
    "offered": "offered continuity of carer",
    "other": "having continuity of carer (on another measure)",
}
# What a measure's data is about, for "the Trust's data on … failed quality checks".
MEASURE_DATA = {
    "placed_by_28_weeks": "placements on a continuity of carer pathway",
    "receiving_ongoing": "continuity of carer received through pregnancy and birth",
    "offered": "offers of continuity of carer",
    "other": "continuity of carer",
}


@functools.lru_cache(maxsize=4096)  # a letter writes the same few dates many times
def uk_date(value: date) -> str:
    """Write a date the British way: 23 November 2026."""
    return wording.long_date(value)


month_year = wording.month_year
round_half_up = wording.round_half_up


def number_text(value: float) -> str:
    """A number to one decimal place, without a trailing .0: 51, 17.2."""
    return wording.number(value)


def percent_text(value: float) -> str:
    """A percentage for a letter: 51%, 17.2%."""
    return wording.percent(value)


def points_text(value: float) -> str:
    """A difference in percentage points, without its sign: 1 percentage point, 2.5 ..."""
    return wording.points(value)


def join_and(items: Iterable[str], conjunction: str = "and") -> str:
    """Join words the British way: 'a', 'a and b', 'a, b and c' (no Oxford comma)."""
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """'1 Trust', '3 Trusts' (pass `many` for irregular plurals)."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"
