"""Over time, as NHS analysts draw it (DOMAIN §3.1), on SYNTHETIC monthly series with known
signals: a step, a trend, one outlier, steady noise and a known change. Limits are checked
against numpy computed here (mean ± 2.66 × the screened mean moving range, per segment), and
the words say each signal once, with its months and direction."""

from __future__ import annotations

import calendar
from datetime import date

import numpy as np
import pytest

from cocwatch.core.comparison_over_time import over_time
from cocwatch.core.comparison_words import over_time_words
from cocwatch.core.stats import Count
from cocwatch.core.stats_over_time import SpcSignal, p_chart
from cocwatch.statistics.msds.measures import MEASURES

PLACED = MEASURES[0]
WITHDRAWN = date(2022, 9, 21)


def months(n: int, first: tuple[int, int] = (2023, 10)) -> list[date]:
    out = []
    for i in range(n):
        index = first[0] * 12 + first[1] - 1 + i
        year, month = divmod(index, 12)
        out.append(date(year, month + 1, calendar.monthrange(year, month + 1)[1]))
    return out


def limits(values: list[float]) -> tuple[float, float, float]:
    ranges = np.abs(np.diff(values))
    amr = float(np.mean(ranges[ranges < 3.267 * np.mean(ranges)]))
    mean = float(np.mean(values))
    return mean - 2.66 * amr, mean, mean + 2.66 * amr


# A step: RJ1-like, 15 of 545 women a month (2.8%) for 10 months, then about 60 (11.0%).
STEP = [*(15, 16, 14, 15, 17, 13, 15, 16, 14, 15), *(60, 59, 61, 60, 62, 58, 60, 61, 59)]
NOISE = [94, 106, 97, 103, 95, 105] * 4  # about 100, up and down: no run, no outlier


def series(numerators: list[int], denominator: int, first: tuple[int, int] = (2023, 10)):
    return {
        m: Count(n, denominator)
        for m, n in zip(months(len(numerators), first), numerators, strict=True)
    }


def test_a_step_is_one_shift_the_limits_are_rebased_at_and_said_once() -> None:
    found = over_time(PLACED, series(STEP, 545))
    assert found is not None and found.chart is not None
    chart = found.chart
    assert chart.segments == (0, 10)
    assert chart.shifts == (SpcSignal("shift", tuple(range(10, 19)), "up"),)
    assert chart.signals == ()  # within each segment the months vary as chance would
    rates = [n / 545 for n in STEP]
    for a, b in ((0, 10), (10, 19)):
        low, mean, high = limits(rates[a:b])
        assert chart.centres[a] == pytest.approx(mean)
        assert (chart.lower[a], chart.upper[a]) == pytest.approx((low, high))
    assert chart.trial  # 10 and 9 months: trial limits
    (_, said) = over_time_words(found)
    assert said.count("shift") == 1 and "beyond" not in said and "run of 7" not in said
    assert "a shift up from August 2024: 9 months above the average (an improvement)" in said
    assert "trial limits, fewer than 12 months" in said
    assert "average 11.0% since August 2024" in said
    # A plain p-chart of the same counts puts every month outside its limits.
    plain = p_chart([Count(n, 545) for n in STEP])
    assert plain is not None
    beyond = {s.points[0] for s in plain.signals if s.rule == "beyond_limits"}
    assert beyond == set(range(len(STEP)))


def test_a_steady_rise_is_a_trend_not_a_step() -> None:
    rising = [40 + 4 * i for i in range(15)]
    found = over_time(PLACED, series(rising, 500))
    assert found is not None and found.chart is not None
    assert found.chart.segments == (0,) and found.chart.shifts == ()
    trends = [s for s in found.chart.signals if s.rule == "trend"]
    assert trends == [SpcSignal("trend", tuple(range(15)), "up")]
    said = over_time_words(found)[-1]
    assert "a trend up from October 2023 to December 2024: 15 months rising in a row" in said


def test_one_outlying_month_is_named_once() -> None:
    values = list(NOISE)
    values[9] = 170
    found = over_time(PLACED, series(values, 500))
    assert found is not None and found.chart is not None
    assert found.chart.signals == (SpcSignal("beyond_limits", (9,), "up"),)
    low, mean, high = limits([v / 500 for v in values])
    assert (found.chart.lower[0], found.chart.centre, found.chart.upper[0]) == pytest.approx(
        (low, mean, high)
    )
    said = over_time_words(found)[-1]
    assert "July 2024 above the upper process limit (an improvement)" in said
    assert said.count("process limit (") == 1


def test_steady_noise_has_no_special_cause() -> None:
    found = over_time(PLACED, series(NOISE, 500))
    assert found is not None and found.chart is not None
    assert found.chart.signals == () and not found.chart.trial
    assert "no special cause: the months vary about as chance would" in over_time_words(found)[-1]


def test_the_limits_are_rebased_at_a_known_change() -> None:
    found = over_time(PLACED, series(NOISE, 500, first=(2021, 10)), [WITHDRAWN])
    assert found is not None and found.chart is not None
    assert found.chart_months[found.chart.segments[1]] == date(2022, 10, 31)
    said = over_time_words(found)[-1]
    assert "limits recalculated from October 2022, after national targets were withdrawn" in said
    # 12 months before the change, 12 after: neither stretch has trial limits.
    assert found.chart.trial_segments == () and "trial" not in said
    shorter = over_time(PLACED, series(NOISE[:20], 500, first=(2022, 1)), [WITHDRAWN])
    assert shorter is not None and shorter.chart is not None
    # 9 months before October 2022 have trial limits; the 11 since, too (and are said so).
    assert shorter.chart.trial_segments == (0, 9) and shorter.chart.trial
    assert "trial limits, fewer than 12 months" in over_time_words(shorter)[-1]
