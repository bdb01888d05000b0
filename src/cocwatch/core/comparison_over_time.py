"""A body's official figure over the months (SPEC §4.1): the change on the same month a year
earlier, by a test of two proportions, and an XmR chart of the last consecutive months with
the *Making Data Count* rules, rebased at known changes and at a sustained shift.

Pure, as `cocwatch.core.comparison` (which compares one month): counts by month in, frozen
results out; the methods are those of `cocwatch.core.stats_over_time`. The words for them
are in `cocwatch.core.comparison_words`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from cocwatch.core.measures import OfficialMeasure
from cocwatch.core.stats import Count
from cocwatch.core.stats_over_time import (
    MIN_SPC_POINTS,
    SpcChart,
    YearOnYear,
    xmr_chart_rebased,
    year_on_year,
)


@dataclass(frozen=True, slots=True)
class OverTime:
    """A body's monthly series of one measure: the change on a year earlier, and SPC."""

    measure: OfficialMeasure
    months: tuple[date, ...]
    year_on_year: YearOnYear | None
    chart: SpcChart | None  # only with MIN_SPC_POINTS or more consecutive months
    chart_months: tuple[date, ...] = ()  # the month of each of the chart's points
    known_changes: tuple[date, ...] = ()  # the dates the chart is rebased at, when in it


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def over_time(
    measure: OfficialMeasure, series: Mapping[date, Count], changes: Sequence[date] = ()
) -> OverTime | None:
    """The change against a year earlier, and an XmR chart of the monthly rates of the last
    consecutive months, rebased at each known change (`changes`: from the first month that
    starts after it) and at a sustained shift. An XmR chart, not a p-chart: with hundreds of
    women a month a p-chart's limits are so tight that nearly every month falls outside
    (over-dispersion), as NHS analysts find with such data (DOMAIN §3.1)."""
    if not series:
        return None
    months = sorted(series)
    latest = months[-1]
    run = [latest]
    for month in reversed(months[:-1]):
        if _next_month(month) != run[-1].replace(day=1):
            break
        run.append(month)
    run.reverse()
    chart = None
    known: list[date] = []
    if len(run) >= MIN_SPC_POINTS:
        rates = [series[m].numerator / series[m].denominator for m in run]
        at = []
        for change in sorted(changes):
            index = next((i for i, m in enumerate(run) if m.replace(day=1) > change), None)
            if index is not None and index > 0:
                at.append(index)
                known.append(change)
        chart = xmr_chart_rebased(rates, rebase_at=at)
    by_first_day = {m.replace(day=1): c for m, c in series.items()}
    return OverTime(
        measure,
        tuple(months),
        year_on_year(by_first_day, latest),
        chart,
        tuple(run) if chart is not None else (),
        tuple(known),
    )


def counts_by_month(pairs: Sequence[tuple[date, int | None, int | None]]) -> dict[date, Count]:
    """A series of (month end, numerator, denominator) as counts, months with women only."""
    out: dict[date, Count] = {}
    for month, numerator, denominator in pairs:
        if numerator is not None and denominator and numerator <= denominator:
            out[month] = Count(numerator, denominator)
    return out
