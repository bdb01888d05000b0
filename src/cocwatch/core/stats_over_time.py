"""Statistical methods over time (SPEC §4.1): a least-squares line, a month against the same
month a year before, and statistical process control charts (p-chart, XmR) with their rules.

Pure and quick to import, as `cocwatch.core.stats` whose counts and two-proportion test it
uses: the standard library and that module only, no pydantic (an import-linter contract checks
this). Values are proportions, not percents, as there; a chart needs `MIN_SPC_POINTS` months.

References: NHS England *Making Data Count* (SPC charts and rules) and NHS-R
``NHSRplotthedots`` (how it computes them: moving-range screening, trial limits, the rules).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from typing import Literal

from cocwatch.core.stats import Count, TwoProportionTest, two_proportion_test

MIN_SPC_POINTS = 7
"""Consecutive months needed before a chart is drawn: the fewest any run rule needs."""

TRIAL_BELOW = 12
"""A segment with fewer points has trial limits (Making Data Count; NHSRplotthedots)."""

MR_SCREEN = 3.267
"""Moving ranges this many times their mean or more are screened out (NHSRplotthedots)."""

RUN_LENGTH = 7
"""Points in a run that signals a shift (one side of the centre) or a trend (rising/falling)."""

XMR_CONSTANT = 2.66
"""Mean moving range × 2.66 gives an XmR chart's 3-sigma process limits (3 / d2, d2 = 1.128)."""

ChartKind = Literal["p_chart", "xmr_chart"]
SpcRule = Literal["beyond_limits", "shift", "trend", "two_of_three"]
Direction = Literal["up", "down"]


def least_squares(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """The ordinary least-squares line through points (two or more distinct xs): its slope
    and its value at the mean of xs (the line passes through the means)."""
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return sxy / sxx, mean_y


@dataclass(frozen=True, slots=True)
class YearOnYear:
    """A month's figure against the same month a year earlier, with its test."""

    month: date
    current: Count
    year_earlier: Count
    change_points: float  # percentage points, current − year earlier
    test: TwoProportionTest


def year_on_year(series: Mapping[date, Count], month: date) -> YearOnYear | None:
    """Compare a month with the same month a year before, by the two-proportion test.

    `series` is keyed by each month's first day; `month` may be any day of its month.
    """
    this_month = month.replace(day=1)
    current = series.get(this_month)
    earlier = series.get(this_month.replace(year=this_month.year - 1))
    if current is None or earlier is None:
        return None
    test = two_proportion_test(
        current.numerator, current.denominator, earlier.numerator, earlier.denominator
    )
    if test is None:
        return None
    return YearOnYear(this_month, current, earlier, 100 * test.difference, test)


@dataclass(frozen=True, slots=True)
class SpcSignal:
    """A Making Data Count rule that fired, on which points (0-based), in which direction."""

    rule: SpcRule
    points: tuple[int, ...]
    direction: Direction


@dataclass(frozen=True, slots=True)
class SpcChart:
    """A statistical process control chart: its kind, centre and limits per point (one set
    per segment: the chart is rebased at each segment's first point), and its signals.

    `centre` is the last segment's average (the one the latest months vary about); `trial`
    says a segment has fewer than `TRIAL_BELOW` points, so its limits are trial limits;
    `shifts` are the sustained shifts the limits were rebased at (`xmr_chart_rebased`).
    """

    kind: ChartKind
    values: tuple[float, ...]
    centre: float
    lower: tuple[float, ...]
    upper: tuple[float, ...]
    signals: tuple[SpcSignal, ...]
    centres: tuple[float, ...] = ()
    segments: tuple[int, ...] = (0,)
    shifts: tuple[SpcSignal, ...] = ()

    @property
    def trial_segments(self) -> tuple[int, ...]:
        """The segments (by their first point) too short for firm limits: trial limits."""
        bounds = [*self.segments, len(self.values)]
        return tuple(a for a, b in pairwise(bounds) if b - a < TRIAL_BELOW)

    @property
    def trial(self) -> bool:
        """Whether the latest segment's limits are trial limits (fewer than 12 points)."""
        return self.segments[-1] in self.trial_segments

    @property
    def rebased(self) -> tuple[int, ...]:
        """The points the limits were recalculated from (every segment's start but the first)."""
        return self.segments[1:]


def _runs(flags: Sequence[int]) -> list[tuple[int, int, int]]:
    """Return maximal runs (start, end inclusive, flag) of equal non-zero flags."""
    runs: list[tuple[int, int, int]] = []
    start = 0
    for index in range(1, len(flags) + 1):
        if index == len(flags) or flags[index] != flags[start]:
            if flags[start] != 0:
                runs.append((start, index - 1, flags[start]))
            start = index
    return runs


def _direction(flag: int) -> Direction:
    """Name the direction of a run from its sign."""
    return "up" if flag > 0 else "down"


def _two_of_three(
    values: Sequence[float],
    centre: float,
    near_lower: float,
    near_upper: float,
    lower: float,
    upper: float,
) -> list[SpcSignal]:
    """Two of three points in a row between the 2- and 3-sigma lines on one side, the three
    all on that side of the centre (as NHSRplotthedots' ``ptd_two_in_three``)."""
    near = [
        (1 if near_upper < v <= upper else -1 if lower <= v < near_lower else 0) for v in values
    ]
    side = [(v > centre) - (v < centre) for v in values]
    signals: list[SpcSignal] = []
    for sign in (1, -1):
        flagged: set[int] = set()
        for i in range(len(values) - 2):
            window = range(i, i + 3)
            if all(side[j] == sign for j in window) and sum(near[j] == sign for j in window) >= 2:
                flagged.update(j for j in window if near[j] == sign)
        # Flagged points at most two apart belong to one signal (they share a window of 3).
        group: list[int] = []
        for j in sorted(flagged):
            if group and j - group[-1] > 2:
                signals.append(SpcSignal("two_of_three", tuple(group), _direction(sign)))
                group = []
            group.append(j)
        if group:
            signals.append(SpcSignal("two_of_three", tuple(group), _direction(sign)))
    return signals


def spc_signals(
    values: Sequence[float],
    centre: float,
    lower: Sequence[float],
    upper: Sequence[float],
    *,
    near: tuple[float, float] | None = None,
) -> tuple[SpcSignal, ...]:
    """Apply Making Data Count's rules: a point beyond the limits, a shift of 7, a trend of 7,
    and (given the 2-sigma lines `near`) two of three points near a limit.

    As NHS-R's ``NHSRplotthedots`` flags them: a point on the centre line ends a shift and a
    repeated value ends a trend.
    """
    signals = [
        SpcSignal("beyond_limits", (i,), "up" if v > upper[i] else "down")
        for i, v in enumerate(values)
        if v > upper[i] or v < lower[i]
    ]
    # A point on the centre line belongs to neither side, so it ends a shift.
    sides = [(v > centre) - (v < centre) for v in values]
    for start, end, side in _runs(sides):
        if end - start + 1 >= RUN_LENGTH:
            signals.append(SpcSignal("shift", tuple(range(start, end + 1)), _direction(side)))
    # steps[i] compares point i + 1 with point i; a repeated value ends a trend.
    steps = [(b > a) - (b < a) for a, b in pairwise(values)]
    for start, end, step in _runs(steps):
        if end - start + 2 >= RUN_LENGTH:
            signals.append(SpcSignal("trend", tuple(range(start, end + 2)), _direction(step)))
    if near is not None and values:
        signals += _two_of_three(values, centre, near[0], near[1], lower[0], upper[0])
    return tuple(signals)


def p_chart(counts: Sequence[Count]) -> SpcChart | None:
    """Draw a p-chart: pooled centre, 3-sigma limits per month's denominator (Making Data Count).

    With the large monthly denominators of maternity statistics a p-chart is over-dispersed:
    its limits are so tight that most months fall outside. `xmr_chart` is what cocwatch uses.
    """
    if len(counts) < MIN_SPC_POINTS:
        return None
    if any(count.denominator == 0 for count in counts):
        raise ValueError("a p-chart needs every month to have a denominator above 0")
    centre = sum(c.numerator for c in counts) / sum(c.denominator for c in counts)
    spreads = [3 * math.sqrt(centre * (1 - centre) / c.denominator) for c in counts]
    values = tuple(c.numerator / c.denominator for c in counts)
    lower = tuple(max(0.0, centre - s) for s in spreads)
    upper = tuple(min(1.0, centre + s) for s in spreads)
    return SpcChart(
        "p_chart",
        values,
        centre,
        lower,
        upper,
        spc_signals(values, centre, lower, upper),
        centres=(centre,) * len(values),
    )


def mean_moving_range(values: Sequence[float], *, screen: bool = True) -> float:
    """The mean moving range of an XmR chart; with `screen`, moving ranges of 3.267 times the
    mean or more are left out and the mean taken again (NHSRplotthedots' outlier screening)."""
    ranges = [abs(b - a) for a, b in pairwise(values)]
    if not ranges:
        return 0.0
    mean = sum(ranges) / len(ranges)
    if screen:
        kept = [r for r in ranges if r < MR_SCREEN * mean]
        mean = sum(kept) / len(kept) if kept else mean
    return mean


def xmr_chart(
    values: Sequence[float], *, rebase_at: Sequence[int] = (), screen: bool = True
) -> SpcChart | None:
    """Draw an XmR chart (Making Data Count, as NHSRplotthedots computes it): in each segment
    (rebased at the points `rebase_at`), centre the mean and process limits mean ± 2.66 × the
    mean moving range (screened); the 2-sigma lines at two thirds of that. Rules are applied
    within each segment."""
    if len(values) < MIN_SPC_POINTS:
        return None
    points = tuple(values)
    bounds = [*sorted({0, *(i for i in rebase_at if 0 < i < len(points))}), len(points)]
    centres: list[float] = []
    lower: list[float] = []
    upper: list[float] = []
    signals: list[SpcSignal] = []
    for a, b in pairwise(bounds):
        part = points[a:b]
        mean = sum(part) / len(part)
        spread = XMR_CONSTANT * mean_moving_range(part, screen=screen)
        near = (mean - spread * 2 / 3, mean + spread * 2 / 3)
        centres += [mean] * len(part)
        lower += [mean - spread] * len(part)
        upper += [mean + spread] * len(part)
        found = spc_signals(part, mean, lower[a:b], upper[a:b], near=near)
        signals += [SpcSignal(s.rule, tuple(i + a for i in s.points), s.direction) for s in found]
    return SpcChart(
        "xmr_chart",
        points,
        centres[-1],
        tuple(lower),
        tuple(upper),
        tuple(signals),
        centres=tuple(centres),
        segments=tuple(bounds[:-1]),
    )


def sustained_shift(chart: SpcChart) -> SpcSignal | None:
    """The first shift that runs to the end of its segment and does not start it: a step the
    limits should be recalculated from (Making Data Count). A segment with a trend is not
    rebased: a steady rise also ends on one side of its average, and is no step."""
    ends = [*chart.segments[1:], len(chart.values)]

    def segment_of(point: int) -> int:
        return max(i for i, start in enumerate(chart.segments) if start <= point)

    trending = {segment_of(s.points[0]) for s in chart.signals if s.rule == "trend"}
    for signal in chart.signals:
        if signal.rule != "shift":
            continue
        first, last = signal.points[0], signal.points[-1]
        segment = segment_of(first)
        if segment in trending:
            continue
        if first > chart.segments[segment] and last == ends[segment] - 1:
            return signal
    return None


def xmr_chart_rebased(
    values: Sequence[float], *, rebase_at: Sequence[int] = (), most: int = 3
) -> SpcChart | None:
    """An XmR chart rebased at the known changes `rebase_at` and at each sustained shift
    (`sustained_shift`, at most `most` of them), so that the limits describe the process as
    it is now rather than straddling a step."""
    chart = xmr_chart(values, rebase_at=rebase_at)
    shifts: list[SpcSignal] = []
    while chart is not None and len(shifts) < most:
        step = sustained_shift(chart)
        if step is None:
            break
        shifts.append(step)
        rebased = [*rebase_at, *(s.points[0] for s in shifts)]
        chart = xmr_chart(values, rebase_at=rebased)
    if chart is None:
        return None
    return SpcChart(
        chart.kind,
        chart.values,
        chart.centre,
        chart.lower,
        chart.upper,
        chart.signals,
        chart.centres,
        chart.segments,
        tuple(shifts),
    )
