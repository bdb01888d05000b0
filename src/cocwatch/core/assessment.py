"""Assessment of Trusts against targets and transparency duties (SPEC §4).

Pure: registry models, an as-of date and thresholds in, frozen result objects out. No clock,
no I/O; imports only the standard library and ``cocwatch.core``. The result types below are
the contract used by `check`, `letter`, `watch` and `report`. Their words come from
``cocwatch.core.wording``; the findings and their rules from ``cocwatch.core.findings``.

How `assess_trust` decides, in brief (docs/guides/check.md, "How check decides", has the details):

- only figures dated on or before the as-of date D count;
- each cohort gets a benchmark (``cocwatch.core.targets``): chosen, local, national or
  reference; F is its latest figure (same date: measure preference, then final over
  provisional, then the one listed last);
- status, first that applies: no_target, no_data, met, missed, behind, on_track;
- findings are the transparency duties the Trust is not meeting, one per code;
- a trend is the least-squares line through the last 365 days of F's measure.

Numbers in the results are rounded for people: `expected` and `gap` to one decimal place
(`gap` is the latest percent minus the rounded `expected`, so the two always add up),
`points_per_year` to two. Statuses are decided on the unrounded values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from cocwatch.core import findings as rules
from cocwatch.core import wording
from cocwatch.core.bodies import TRUST, BodyKind, kind_of
from cocwatch.core.compared import comparison_severity, official_picture
from cocwatch.core.comparison import Comparison, EquityGap, OfficialContext, OverTime
from cocwatch.core.correspondence import TrackedLetter
from cocwatch.core.findings import Finding as Finding
from cocwatch.core.findings import FindingCode as FindingCode
from cocwatch.core.kinds import COHORTS, TRUST_SEVERITIES, Cohort, Severity, Status, worst
from cocwatch.core.measures import NOTHING_DECLARED, Declared, Measure, OfficialMeasure
from cocwatch.core.models import Figure, Registry, Target, Thresholds, Trust
from cocwatch.core.selection import by_cohort, like_for_like, measured
from cocwatch.core.selection import quality_failures as quality_failures
from cocwatch.core.stats_over_time import least_squares
from cocwatch.core.targets import Benchmark as Benchmark
from cocwatch.core.targets import (
    NationalChoice,
    choose_benchmarks,
    expected_level,
    highest,
    latest_due,
    national_benchmarks,
    next_due,
)
from cocwatch.core.targets import Origin as Origin
from cocwatch.core.targets import Step as Step
from cocwatch.core.wording import figure_percent, percent, period
from cocwatch.core.wording import long_date as long_date

STATUS_SEVERITY: dict[Status, Severity] = {
    Status.NO_TARGET: Severity.OK,
    Status.NO_DATA: Severity.WARN,
    Status.MET: Severity.OK,
    Status.MISSED: Severity.FAIL,
    Status.BEHIND: Severity.WARN,
    Status.ON_TRACK: Severity.OK,
}

# ------------------------------------------------------------------ result types


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


@dataclass(frozen=True, slots=True)
class TrustAssessment:
    """Everything `check` says about one Trust."""

    trust: Trust
    severity: Severity
    cohorts: tuple[CohortAssessment, ...]
    findings: tuple[Finding, ...]
    # Letters to the Trust in the correspondence log still awaiting a reply, oldest due first.
    open_letters: tuple[TrackedLetter, ...] = ()
    # Its latest official all-women figure of each declared measure against England, its
    # region and the other Trusts (SPEC §4.1), by measure, in the order the sources declare
    # them; none without one (or without the statistics folder).
    comparisons: Mapping[str, Comparison] = field(default_factory=dict)
    equity: tuple[EquityGap, ...] = ()  # within the Trust, in each compared figure's month
    over_time: tuple[OverTime, ...] = ()  # the monthly series of the measures charted
    # The measure that leads: the first deciding severity of which the Trust has an
    # official figure (the check table's column and the report's funnel show it).
    lead: OfficialMeasure | None = None
    # What kind of body it is (a Trust, or an ICB's LMNS: `cocwatch.core.bodies`); an LMNS
    # is assessed here as a Trust is, from its own rows, and `trust` holds its record.
    kind: BodyKind = TRUST

    @property
    def notes(self) -> tuple[Finding, ...]:
        """What the registry lacks about the Trust: said, but never raising severity."""
        return tuple(f for f in self.findings if f.severity is Severity.NOTE)

    @property
    def headline(self) -> Comparison | None:
        """The comparison of the leading measure, if its latest figure could be compared."""
        return self.comparisons.get(self.lead.code) if self.lead is not None else None

    def cohort(self, cohort: str) -> CohortAssessment:
        """The assessment of one cohort ('all', 'ethnic_minority', 'most_deprived')."""
        return next(c for c in self.cohorts if c.cohort == cohort)

    def finding(self, code: str) -> Finding | None:
        """The finding with this code, if the Trust has it."""
        return next((f for f in self.findings if f.code == code), None)


@dataclass(frozen=True, slots=True)
class Assessment:
    """The result of assessing a set of Trusts on one date."""

    as_of: date
    trusts: tuple[TrustAssessment, ...]
    target_id: str | None = None  # the national target chosen with --target, if any
    thresholds: Thresholds | None = None
    official: OfficialContext | None = None  # the statistics the comparisons came from

    def summary(self) -> dict[str, int]:
        """Count the assessed Trusts by severity."""
        counts = {s.value: 0 for s in TRUST_SEVERITIES}
        for t in self.trusts:
            counts[t.severity.value] += 1
        return counts

    @property
    def severity(self) -> Severity:
        """The worst severity of any assessed Trust (ok when none)."""
        return worst(t.severity for t in self.trusts)

    @property
    def declared(self) -> Declared:
        """The official sources' declarations the comparisons were made with."""
        return self.official.declared if self.official is not None else NOTHING_DECLARED


# ------------------------------------------------------------------ the rules

# Statuses are decided on exact values; this absorbs floating-point noise in the
# interpolation, so a figure exactly `tolerance_points` below expected is not behind.
_EPSILON = 1e-9
_DAYS_PER_YEAR = 365.25
_TREND_WINDOW = timedelta(days=365)


@dataclass(frozen=True, slots=True)
class _Context:
    """What stays the same for every Trust in one run."""

    as_of: date
    thresholds: Thresholds
    national: dict[Cohort, NationalChoice]
    letters: Mapping[str, Sequence[TrackedLetter]]
    official: OfficialContext | None = None
    # Known changes of the national picture (a target withdrawn), where charts are rebased.
    changes: tuple[date, ...] = ()


def _context(
    registry: Registry,
    *,
    as_of: date,
    thresholds: Thresholds,
    target_id: str | None,
    letters: Mapping[str, Sequence[TrackedLetter]] | None = None,
    official: OfficialContext | None = None,
) -> _Context:
    chosen: Target | None = None
    if target_id is not None:
        chosen = registry.national.target(target_id)
        if chosen is None:
            known = ", ".join(t.id for t in registry.national.targets) or "none"
            raise ValueError(f"no national target has the id {target_id!r} (known: {known})")
    national = national_benchmarks(registry.national.targets, as_of=as_of, chosen=chosen)
    return _Context(
        as_of=as_of,
        thresholds=thresholds,
        national=national,
        letters=letters or {},
        official=official,
        changes=tuple(
            sorted({t.withdrawn_on for t in registry.national.targets if t.withdrawn_on})
        ),
    )


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


def _assess(trust: Trust, ctx: _Context) -> TrustAssessment:
    grouped = by_cohort(trust.figures, ctx.as_of)
    with_percent = measured(grouped)
    kind = kind_of(trust.id)
    official = official_picture(
        trust.ods,
        trust.region,
        trust.figures,
        ctx.official,
        as_of=ctx.as_of,
        changes=ctx.changes,
        level=kind.level,
    )
    steps = {
        o.measure.code: o.chart_months[o.chart.segments[-1]]
        for o in official.over_time
        if o.chart is not None and len(o.chart.segments) > 1
    }
    cohorts = tuple(
        assess_cohort(
            cohort,
            *like_for_like(
                with_percent[cohort], choose_benchmarks(cohort, trust.plan, ctx.national)
            ),
            as_of=ctx.as_of,
            thresholds=ctx.thresholds,
            steps=steps if cohort == "all" else None,
        )
        for cohort in COHORTS
    )
    letters = ctx.letters.get(trust.id, ())
    facts = rules.Facts(
        trust,
        ctx.as_of,
        ctx.thresholds,
        figures=grouped,
        letters=letters,
        equity=official.equity,
        no_women=official.no_women,
        dq=official.dq,
        compared=ctx.official is not None and ctx.official.kept,
        declared=ctx.official.declared if ctx.official is not None else NOTHING_DECLARED,
        kind=kind,
    )
    findings = rules.find(facts)
    severity = worst(
        [
            *(c.severity for c in cohorts),
            *(f.severity for f in findings),
            *(
                comparison_severity(c)
                for c in official.comparisons.values()
                if c.measure.decides_severity
            ),
        ]
    )
    return TrustAssessment(
        trust=trust,
        severity=severity,
        cohorts=cohorts,
        findings=tuple(findings),
        open_letters=tuple(t for t in letters if t.open),
        comparisons=official.comparisons,
        equity=official.equity,
        over_time=official.over_time,
        lead=official.lead,
        kind=kind,
    )


def assess_trust(
    trust: Trust,
    registry: Registry,
    *,
    as_of: date,
    thresholds: Thresholds,
    target_id: str | None = None,
    letters: Mapping[str, Sequence[TrackedLetter]] | None = None,
    official: OfficialContext | None = None,
) -> TrustAssessment:
    """Assess one Trust on `as_of` (SPEC §4).

    `target_id` names a national target to judge its cohort against (origin ``chosen``);
    an unknown id raises ValueError (the CLI checks it first and reports a usage error).
    `letters` holds each Trust's open letters from the correspondence log, by Trust id.
    """
    ctx = _context(
        registry,
        as_of=as_of,
        thresholds=thresholds,
        target_id=target_id,
        letters=letters,
        official=official,
    )
    return _assess(trust, ctx)


def assess(
    registry: Registry,
    trusts: list[Trust] | tuple[Trust, ...],
    *,
    as_of: date,
    thresholds: Thresholds,
    target_id: str | None = None,
    letters: Mapping[str, Sequence[TrackedLetter]] | None = None,
    official: OfficialContext | None = None,
) -> Assessment:
    """Assess the given Trusts, ordered by region then name (then id).

    `letters` holds each Trust's open letters from the correspondence log, by Trust id.
    """
    ctx = _context(
        registry,
        as_of=as_of,
        thresholds=thresholds,
        target_id=target_id,
        letters=letters,
        official=official,
    )
    ordered = sorted(trusts, key=lambda t: (t.region, t.name, t.id))
    return Assessment(
        as_of=as_of,
        trusts=tuple(_assess(t, ctx) for t in ordered),
        target_id=target_id,
        thresholds=thresholds,
        official=official,
    )


def unmatched_measure(
    ca: CohortAssessment, figures: Iterable[Figure], as_of: date
) -> Measure | None:
    """The measure a cohort's benchmark counts, when its figures up to `as_of` are of others.

    Such a cohort has no data to judge, but it has figures: it must not be said to have none
    (`wording.no_figure_of_measure`).
    """
    if ca.latest is not None or ca.benchmark is None:
        return None
    if any(f.cohort == ca.cohort and f.measured and f.as_of <= as_of for f in figures):
        return ca.benchmark.measure
    return None


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


__all__ = [
    "STATUS_SEVERITY",
    "Assessment",
    "Benchmark",
    "CohortAssessment",
    "Finding",
    "FindingCode",
    "Origin",
    "Severity",
    "Status",
    "Step",
    "Trend",
    "TrustAssessment",
    "assess",
    "assess_cohort",
    "assess_trust",
    "explain",
    "like_for_like",
    "long_date",
    "quality_failures",
    "trend_line",
    "unmatched_measure",
    "worst",
]
