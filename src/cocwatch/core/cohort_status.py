"""One cohort of a body against its benchmark (SPEC §4): its status, the level expected by
its latest figure, the gap, the trend, and the sentence that says so.

Pure, as `cocwatch.core.assessment`, which assesses every cohort of a Trust with
`assess_cohort` and holds the results in a `TrustAssessment`. The benchmark and its
milestones come from ``cocwatch.core.targets``; the words from ``cocwatch.core.wording``.

- status, first that applies: no_target, no_data, met, missed, behind, on_track;
- a trend is the least-squares line through the last 365 days of F's measure.

Numbers in the results are rounded for people: `expected` and `gap` to one decimal place
(`gap` is the latest percent minus the rounded `expected`, so the two always add up),
`points_per_year` to two. Statuses are decided on the unrounded values.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from cocwatch.core import wording
from cocwatch.core.kinds import Cohort, Severity, Status
from cocwatch.core.measures import NOTHING_DECLARED, Declared
from cocwatch.core.models import Figure, Thresholds
from cocwatch.core.stats_over_time import least_squares
from cocwatch.core.targets import Benchmark, Step, expected_level, highest, latest_due, next_due
from cocwatch.core.wording import figure_percent, long_date, percent, period

STATUS_SEVERITY: dict[Status, Severity] = {
    Status.NO_TARGET: Severity.OK,
    Status.NO_DATA: Severity.WARN,
    Status.MET: Severity.OK,
    Status.MISSED: Severity.FAIL,
    Status.BEHIND: Severity.WARN,
    Status.ON_TRACK: Severity.OK,
}


@dataclass(frozen=True, slots=True)
class Trend:
    """Least-squares line through the cohort's recent figures."""

    points_per_year: float
    projected_date: date | None
    points: int = 0  # how many figures (one per date) the line goes through


@dataclass(frozen=True, slots=True)
class CohortAssessment:
    """The status of one cohort of one Trust."""

    cohort: Cohort
    status: Status
    severity: Severity
    latest: Figure | None
    benchmark: Benchmark | None
    deciding_step: Step | None  # the milestone that decided the status ("benchmark" in JSON)
    expected: float | None
    gap: float | None
    trend: Trend | None

    @property
    def in_force(self) -> bool:
        """Whether its benchmark is in force: the Trust's plan, a national target in force,
        or one chosen with --target (a past national target is shown for reference only)."""
        return self.benchmark is not None and self.benchmark.origin != "reference"

    @property
    def words(self) -> wording.StatusWords:
        """The status as people are told it: against a benchmark not in force, 'No target
        in force' (the status code itself is kept for check's JSON)."""
        if self.benchmark is not None and not self.in_force:
            return wording.NOT_IN_FORCE
        return wording.STATUS[self.status]

    @property
    def shown(self) -> str:
        """The code of the status people are told: its own, or 'not_in_force'."""
        return "not_in_force" if self.words is wording.NOT_IN_FORCE else self.status.value

    @property
    def label(self) -> str:
        """The status in words, e.g. 'Behind'."""
        return self.words.label

    @property
    def symbol(self) -> str:
        """The status as one symbol, e.g. '▼'."""
        return self.words.symbol


# Statuses are decided on exact values; this absorbs floating-point noise in the
# interpolation, so a figure exactly `tolerance_points` below expected is not behind.
_EPSILON = 1e-9
_DAYS_PER_YEAR = 365.25
_TREND_WINDOW = timedelta(days=365)


def _rounded(value: float, places: int) -> float:
    return round(value, places) + 0.0  # + 0.0 turns -0.0 into 0.0


def trend_line(
    figures: Sequence[Figure],
    latest: Figure | None,
    benchmark: Benchmark | None,
    as_of: date,
    *,
    step: date | None = None,
) -> Trend | None:
    """The least-squares line through the last year of F's measure (SPEC §4, "Trend").

    `figures` are one cohort's figures sorted by `_preference`. One point per date: where a
    provisional and a final figure share a date, the final one. A line is never drawn across
    a `step` (where the series' SPC chart was rebased): only figures from it count. The date
    the line reaches the benchmark is given only for a benchmark in force.
    """
    if latest is None:
        return None
    since = as_of - _TREND_WINDOW
    if step is not None:
        since = max(since, step)
    points: dict[date, float] = {}
    for figure in figures:
        if figure.measure == latest.measure and since <= figure.as_of <= as_of:
            points[figure.as_of] = figure.value  # later in the order = preferred
    n = len(points)
    if n < 3:
        return None
    xs = [d.toordinal() for d in points]
    slope, mean_y = least_squares(xs, list(points.values()))  # points a day (dates distinct)
    mean_x = sum(xs) / n
    projected: date | None = None
    if slope > 0 and benchmark is not None and benchmark.origin != "reference":
        goal = highest(benchmark).percent
        if latest.value < goal:
            day = math.ceil(mean_x + (goal - mean_y) / slope)
            if 1 <= day <= date.max.toordinal():
                projected = date.fromordinal(day)
    return Trend(
        points_per_year=_rounded(slope * _DAYS_PER_YEAR, 2), projected_date=projected, points=n
    )


def assess_cohort(
    cohort: Cohort,
    figures: Sequence[Figure],
    benchmark: Benchmark | None,
    *,
    as_of: date,
    thresholds: Thresholds,
    steps: Mapping[str, date] | None = None,
) -> CohortAssessment:
    """Assess one cohort: `figures` are its figures up to `as_of`, sorted by preference;
    `steps` the month each measure's series was last rebased at (no trend across it)."""
    latest = figures[-1] if figures else None
    rebased = (steps or {}).get(latest.measure) if latest is not None else None
    trend = trend_line(figures, latest, benchmark, as_of, step=rebased)
    expected: float | None = None
    gap: float | None = None
    step: Step | None = None
    if benchmark is None:
        status = Status.NO_TARGET
    elif latest is None:
        status = Status.NO_DATA
        step = next_due(benchmark, as_of) or latest_due(benchmark, as_of)
    else:
        value = latest.value
        exact = expected_level(benchmark, latest.as_of)
        expected = _rounded(exact, 1)
        gap = _rounded(value - expected, 1)
        top = highest(benchmark)
        due = latest_due(benchmark, as_of)
        if value >= top.percent:
            status, step = Status.MET, top
        elif due is not None and value < due.percent:
            status, step = Status.MISSED, due
        else:
            behind = value < exact - thresholds.tolerance_points - _EPSILON
            status = Status.BEHIND if behind else Status.ON_TRACK
            step = next_due(benchmark, latest.as_of) or benchmark.steps[-1]
    severity = STATUS_SEVERITY[status]
    if benchmark is not None and benchmark.origin == "reference":
        severity = Severity.OK  # withdrawn or superseded targets are context, not evidence
    return CohortAssessment(
        cohort=cohort,
        status=status,
        severity=severity,
        latest=latest,
        benchmark=benchmark,
        deciding_step=step,
        expected=expected,
        gap=gap,
        trend=trend,
    )


def explain(ca: CohortAssessment, declared: Declared = NOTHING_DECLARED) -> str:
    """One sentence on a cohort's status, for people: figure, benchmark, expected level
    (`declared` says how its publisher publishes small counts)."""
    from cocwatch.core.comparison_words import small_numbers_caution

    group = declared.group(ca.cohort)  # as the official statistics in use define it
    who = group.label if group is not None else wording.COHORT[ca.cohort].label
    step = ca.deciding_step
    bench = ""
    if step is not None and ca.benchmark is not None:
        bench = (
            f"{percent(step.percent)} due by {period(step.due, step.due_precision)} "
            f"({wording.ORIGIN[ca.benchmark.origin].sentence})"
        )
    latest = ca.latest
    if step is not None and ca.benchmark is not None and not ca.in_force:
        return (
            f"{who}: no target is in force for this group, so nothing is judged against; "
            "the past target is shown as history."
        )
    if ca.status is Status.NO_TARGET:
        if latest is None:
            return f"{who}: no target applies and no figure is recorded."
        latest_text = f"{figure_percent(latest.value)} on {long_date(latest.as_of)}"
        return f"{who}: {latest_text}; no target applies."
    if latest is None and ca.benchmark is not None:
        # the cohort may have figures of another measure: name the one that is missing
        measure = wording.MEASURE[ca.benchmark.measure].sentence
        return (
            f"{who}: no figure of the measure its benchmark uses ({measure}) is recorded "
            f"to compare with {bench}."
        )
    if latest is None:
        return f"{who}: no figure is recorded to compare with {bench}."
    figure = f"{figure_percent(latest.value)} on {long_date(latest.as_of)}"
    if latest.small_numbers:
        caution = small_numbers_caution(declared.publisher(latest.source.kind))
        figure += f" ({latest.numerator} of {latest.denominator} women; {caution})"
    if ca.status is Status.MET:
        return f"{who}: {figure} reaches the highest milestone, {bench}."
    if ca.status is Status.MISSED:
        return f"{who}: {figure} is below {bench}, which has passed."
    expected = figure_percent(ca.expected) if ca.expected is not None else "?"
    gap = wording.signed_points(ca.gap) if ca.gap is not None else "?"
    verdict = "behind" if ca.status is Status.BEHIND else "on track"
    return (
        f"{who}: {figure} is {verdict}, against {expected} expected by then "
        f"({gap} points), on the way to {bench}."
    )
