"""What `check` says about one Trust, as a letter reads it: cohorts, benchmarks, milestones,
trends, findings and the gaps between targeted cohorts and women overall.

Pure; imports `core.assessment` and the letters' words, citations, figures and facts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, NamedTuple

from cocwatch.core import wording
from cocwatch.core.assessment import (
    Benchmark,
    CohortAssessment,
    Step,
    Trend,
    TrustAssessment,
    quality_failures,
)
from cocwatch.core.letters.citations import SourceView
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.facts import TargetView, TrustView, plan_citation
from cocwatch.core.letters.figures import FigureView, FigureViews, figure_view
from cocwatch.core.letters.lazy import LazyView, lazy_view, made_later
from cocwatch.core.letters.words import uk_date
from cocwatch.core.models import COHORTS, Figure


@dataclass(frozen=True, slots=True)
class StepView:
    """One milestone of a benchmark."""

    due: Annotated[date, Doc("When it is (was) due.")]
    due_long: Annotated[str, Doc("That date in words.")]
    percent: Annotated[float, Doc("The percentage due.")]
    percent_text: Annotated[str, Doc("It in words.")]
    target: Annotated[TargetView | None, Doc("The national target behind it, if any.")]
    withdrawn_on: Annotated[date | None, Doc("When that target was withdrawn, if it was.")]
    withdrawn_on_long: Annotated[str | None, Doc("That date in words.")]
    withdrawn: Annotated[bool, Doc("Withdrawn on or before the letter's date.")]
    superseded: Annotated[
        bool, Doc("Its target was replaced by a later one on or before the letter's date.")
    ]
    successor: Annotated[TargetView | None, Doc("The target that replaced it, if any.")]
    citation: Annotated[SourceView, Doc("What cite() cites (the target or the Trust's plan).")]


@dataclass(frozen=True, slots=True)
class BenchmarkView:
    """What a cohort is judged against."""

    origin: Annotated[str, Doc("local, national, reference (withdrawn targets) or chosen.")]
    origin_text: Annotated[str, Doc("The origin in words: 'the Trust's own plan'.")]
    steps: Annotated[tuple[StepView, ...], Doc("Its milestones, by due date.")]
    highest: Annotated[StepView, Doc("The milestone with the highest percentage.")]
    start: Annotated[date | None, Doc("Where the path starts from 0%.")]
    start_long: Annotated[str | None, Doc("That date in words.")]
    measure: Annotated[str, Doc("What its milestones measure: placed_by_28_weeks, ….")] = (
        "placed_by_28_weeks"
    )
    measure_text: Annotated[
        str, Doc("That in words: 'placed on a continuity of carer pathway by 28 weeks'.")
    ] = "placed on a continuity of carer pathway by 28 weeks"


@dataclass(frozen=True, slots=True)
class TrendView:
    """The straight line through a cohort's figures of the past year."""

    points_per_year: Annotated[float, Doc("Its slope, in percentage points a year.")]
    direction: Annotated[str, Doc("rising, falling or flat.")]
    rate_text: Annotated[str, Doc("'2.1 percentage points a year'.")]
    projected_date: Annotated[date | None, Doc("When it would reach the highest milestone.")]
    projected_long: Annotated[str | None, Doc("That month in words: 'June 2031'.")]


class MilestoneViews:
    """The views of benchmarks and milestones on one date, each made once per run.

    Trusts judged against the same national targets share their views; a milestone of a
    Trust's own plan cites that plan, so the plan's citation is part of what names it.
    """

    __slots__ = ("_benchmarks", "_steps", "as_of", "targets")

    def __init__(self, targets: dict[str, TargetView], as_of: date) -> None:
        self.targets = targets
        self.as_of = as_of
        self._steps: dict[tuple[Step, SourceView | None], StepView] = {}
        self._benchmarks: dict[tuple[Benchmark, SourceView | None], BenchmarkView] = {}

    def step(self, step: Step, plan_citation: SourceView) -> StepView:
        """The view of one milestone (citing the plan unless a national target is behind it)."""
        key = (step, None if step.target_id in self.targets else plan_citation)
        made = self._steps.get(key)
        if made is None:
            made = self._steps[key] = _step_view(step, self.targets, plan_citation, self.as_of)
        return made

    def benchmark(self, bench: Benchmark, plan_citation: SourceView) -> BenchmarkView:
        """The view of one benchmark and its milestones."""
        national = all(s.target_id in self.targets for s in bench.steps)
        key = (bench, None if national else plan_citation)
        made = self._benchmarks.get(key)
        if made is None:
            steps = tuple(self.step(s, plan_citation) for s in bench.steps)
            made = self._benchmarks[key] = _benchmark_view(bench, steps)
        return made


class _CohortInputs(NamedTuple):
    cohort: CohortAssessment
    milestones: MilestoneViews
    plan_citation: SourceView
    trust: TrustView | None
    view_of: Callable[[Figure], FigureView]


def _cohort_latest(view: CohortView) -> FigureView | None:
    given: _CohortInputs = view._inputs
    return given.view_of(given.cohort.latest) if given.cohort.latest is not None else None


def _cohort_figures(view: CohortView) -> tuple[FigureView, ...]:
    trust: TrustView | None = view._inputs.trust
    return tuple(f for f in trust.figures if f.cohort == view.cohort) if trust else ()


def _cohort_benchmark(view: CohortView) -> BenchmarkView | None:
    given: _CohortInputs = view._inputs
    bench = given.cohort.benchmark
    if bench is None or not bench.steps:
        return None
    return given.milestones.benchmark(bench, given.plan_citation)


def _cohort_step(view: CohortView) -> StepView | None:
    given: _CohortInputs = view._inputs
    step = given.cohort.deciding_step
    return given.milestones.step(step, given.plan_citation) if step else None


def _cohort_trend(view: CohortView) -> TrendView | None:
    trend = view._inputs.cohort.trend
    return _trend_view(trend) if trend is not None else None


@made_later(
    latest=_cohort_latest,
    figures=_cohort_figures,
    benchmark=_cohort_benchmark,
    step=_cohort_step,
    trend=_cohort_trend,
)
@dataclass(frozen=True, slots=True)
class CohortView(LazyView):
    """The status of one cohort (SPEC §4)."""

    cohort: Annotated[str, Doc("all, ethnic_minority or most_deprived.")]
    label: Annotated[str, Doc("The cohort as a heading: 'All women'.")]
    who: Annotated[str, Doc("The cohort in a sentence: 'women from ...'.")]
    targeted: Annotated[bool, Doc("True for the two targeted cohorts.")]
    status: Annotated[str, Doc("no_target, no_data, met, missed, behind or on_track.")]
    status_text: Annotated[str, Doc("The status in words: 'on track'.")]
    severity: Annotated[str, Doc("ok, warn or fail.")]
    latest: Annotated[FigureView | None, Doc("The latest figure (None when there is none).")]
    figures: Annotated[tuple[FigureView, ...], Doc("All its figures up to the date.")]
    benchmark: Annotated[BenchmarkView | None, Doc("What it is judged against, if anything.")]
    step: Annotated[
        StepView | None, Doc("The milestone that decided the status ('benchmark' in JSON).")
    ]
    expected: Annotated[float | None, Doc("The level expected at the latest figure's date.")]
    expected_text: Annotated[str | None, Doc("It in words: '40.5%'.")]
    gap: Annotated[float | None, Doc("latest − expected, in points (negative: below).")]
    gap_text: Annotated[
        str | None,
        Doc("'3.2 percentage points below', '... above'; None on small numbers (not precise)."),
    ]
    shortfall: Annotated[
        float | None, Doc("How far the latest figure is below the deciding milestone.")
    ]
    shortfall_text: Annotated[
        str | None, Doc("That in words, e.g. '33.8 percentage points'; None on small numbers.")
    ]
    trend: Annotated[TrendView | None, Doc("The recent trend, if there are enough figures.")]


def _step_view(
    step: Step,
    targets: dict[str, TargetView],
    plan_citation: SourceView,
    as_of: date,
) -> StepView:
    target = targets.get(step.target_id) if step.target_id else None
    withdrawn_on = step.withdrawn_on or (target.withdrawn_on if target else None)
    return StepView(
        due=step.due,
        due_long=wording.period(step.due, step.due_precision),
        percent=step.percent,
        percent_text=wording.percent(step.percent),
        target=target,
        withdrawn_on=withdrawn_on,
        withdrawn_on_long=uk_date(withdrawn_on) if withdrawn_on else None,
        withdrawn=withdrawn_on is not None and withdrawn_on <= as_of,
        superseded=target.superseded if target else False,
        successor=target.successor if target else None,
        citation=target.citation if target else plan_citation,
    )


def _benchmark_view(bench: Benchmark, steps: tuple[StepView, ...]) -> BenchmarkView:
    highest = max(steps, key=lambda s: s.percent)
    return BenchmarkView(
        origin=bench.origin,
        origin_text=wording.ORIGIN[bench.origin].letter,
        steps=steps,
        highest=highest,
        start=bench.start,
        start_long=uk_date(bench.start) if bench.start else None,
        measure=bench.measure,
        measure_text=wording.MEASURE[bench.measure].counted,
    )


def _trend_view(trend: Trend) -> TrendView:
    slope = trend.points_per_year
    direction = (
        "flat" if wording.round_half_up(slope) == 0 else ("rising" if slope > 0 else "falling")
    )
    projected = trend.projected_date
    return TrendView(
        points_per_year=slope,
        direction=direction,
        rate_text=f"{wording.points(slope)} a year",
        projected_date=projected,
        projected_long=wording.month_year(projected) if projected else None,
    )


def cohort_view(
    cohort: CohortAssessment,
    *,
    milestones: MilestoneViews,
    plan_citation: SourceView,
    trust: TrustView | None = None,
    view_of: Callable[[Figure], FigureView] = figure_view,
) -> CohortView:
    """The view of one `CohortAssessment`.

    `trust` gives the cohort's figures (none without it); `view_of` makes the view of one
    figure (the letter's `FigureViews`, so that its views are shared).
    """
    latest, deciding = cohort.latest, cohort.deciding_step
    # A gap from counts of 1 to 7 is not a measurement: no gap or shortfall in words.
    precise = latest is None or not latest.small_numbers
    gap_text = None
    if cohort.gap is not None and precise:
        gap_text = (
            "exactly as expected"
            if wording.round_half_up(cohort.gap) == 0
            else f"{wording.points(cohort.gap)} {'below' if cohort.gap < 0 else 'above'}"
        )
    shortfall = None
    if (
        latest is not None
        and latest.percent is not None
        and precise
        and deciding is not None
        and latest.percent < deciding.percent
    ):
        shortfall = deciding.percent - latest.percent
    return lazy_view(
        CohortView,
        _CohortInputs(cohort, milestones, plan_citation, trust, view_of),
        cohort=cohort.cohort,
        label=wording.COHORT[cohort.cohort].formal,
        who=wording.COHORT[cohort.cohort].who,
        targeted=cohort.cohort != "all",
        status=str(cohort.status),
        status_text=wording.STATUS[cohort.status].letter,
        severity=str(cohort.severity),
        expected=cohort.expected,
        expected_text=wording.percent(cohort.expected) if cohort.expected is not None else None,
        gap=cohort.gap,
        gap_text=gap_text,
        shortfall=shortfall,
        shortfall_text=wording.points(shortfall) if shortfall is not None else None,
    )


@dataclass(frozen=True, slots=True)
class FindingView:
    """A transparency duty not being met."""

    code: Annotated[str, Doc("no_plan, plan_unknown, board_review_overdue, stale_data, ...")]
    severity: Annotated[str, Doc("warn or fail.")]
    message: Annotated[str, Doc("check's message (written for campaigners, not for letters).")]


@dataclass(frozen=True, slots=True)
class TargetedGap:
    """A targeted cohort doing worse than women overall (same date and measure)."""

    cohort: Annotated[CohortView, Doc("The targeted cohort.")]
    overall: Annotated[FigureView, Doc("The all-women figure it is compared with.")]
    difference: Annotated[float, Doc("How many points lower the targeted figure is.")]
    difference_text: Annotated[str, Doc("That in words: '6.1 percentage points'.")]


class _AssessmentInputs(NamedTuple):
    assessed: TrustAssessment
    trust: TrustView
    as_of: date
    view_of: FigureViews
    milestones: MilestoneViews
    ordered: tuple[CohortAssessment, ...]  # in COHORTS order


def _assessed_cohort(view: AssessmentView) -> dict[str, CohortView]:
    given: _AssessmentInputs = view._inputs
    trust = given.assessed.trust
    citation = plan_citation(trust.plan, trust.name)
    return {
        c.cohort: cohort_view(
            c,
            milestones=given.milestones,
            plan_citation=citation,
            trust=given.trust,
            view_of=given.view_of,
        )
        for c in given.assessed.cohorts
    }


def _assessed_findings(view: AssessmentView) -> tuple[FindingView, ...]:
    return tuple(
        FindingView(code=f.code, severity=str(f.severity), message=f.message)
        for f in view._inputs.assessed.findings
    )


def _assessed_latest(view: AssessmentView) -> FigureView | None:
    given: _AssessmentInputs = view._inputs
    latests = [c.latest for c in given.ordered if c.latest is not None]
    return given.view_of(max(latests, key=lambda f: f.as_of)) if latests else None


def _assessed_missing(view: AssessmentView) -> tuple[CohortView, ...]:
    if not view.has_figures:
        return ()
    return tuple(c for c in view.cohorts if c.targeted and c.latest is None)


def _assessed_failures(view: AssessmentView) -> tuple[FigureView, ...]:
    given: _AssessmentInputs = view._inputs
    failed = quality_failures(given.assessed.trust.figures, given.as_of)
    return tuple(given.view_of(f) for f in failed)


@made_later(
    cohorts=lambda view: tuple(view.cohort[c.cohort] for c in view._inputs.ordered),
    cohort=_assessed_cohort,
    findings=_assessed_findings,
    latest_figure=_assessed_latest,
    missing_targeted=_assessed_missing,
    targeted_gaps=lambda view: _targeted_gaps(view.cohorts),
    quality_failures=_assessed_failures,
)
@dataclass(frozen=True, slots=True)
class AssessmentView(LazyView):
    """What `check` says about the Trust on the letter's date."""

    severity: Annotated[str, Doc("The Trust's overall severity: ok, warn or fail.")]
    cohorts: Annotated[tuple[CohortView, ...], Doc("all, ethnic_minority, most_deprived.")]
    cohort: Annotated[dict[str, CohortView], Doc("The same, by name: assessment.cohort['all'].")]
    findings: Annotated[tuple[FindingView, ...], Doc("The findings, in check's order.")]
    finding_codes: Annotated[tuple[str, ...], Doc("Their codes: 'no_plan' in ....")]
    statuses: Annotated[tuple[str, ...], Doc("The cohort statuses, in cohort order.")]
    has_figures: Annotated[bool, Doc("Whether any cohort has a figure.")]
    latest_figure: Annotated[
        FigureView | None, Doc("The most recent of the cohorts' latest figures, if any.")
    ]
    missing_targeted: Annotated[
        tuple[CohortView, ...], Doc("Targeted cohorts with no figure (when the Trust has some).")
    ]
    targeted_gaps: Annotated[
        tuple[TargetedGap, ...],
        Doc("Targeted cohorts below the all-women figure of the same date and measure."),
    ]
    quality_failures: Annotated[
        tuple[FigureView, ...],
        Doc(
            "The all-women figures behind data_quality_failed: the latest of each measure "
            "that failed NHS England's data-quality checks (often without a percentage)."
        ),
    ]


def assessment_view(
    assessed: TrustAssessment,
    trust: TrustView,
    targets: dict[str, TargetView],
    as_of: date,
    figures: FigureViews | None = None,
    milestones: MilestoneViews | None = None,
) -> AssessmentView:
    """The view of a `TrustAssessment` made on `as_of`.

    `figures` are the letter's figure views; `milestones` the run's benchmark views.
    """
    milestones = milestones or MilestoneViews(targets, as_of)
    by_cohort = {c.cohort: c for c in assessed.cohorts}
    ordered = tuple(by_cohort[c] for c in COHORTS if c in by_cohort)
    return lazy_view(
        AssessmentView,
        _AssessmentInputs(assessed, trust, as_of, figures or FigureViews(), milestones, ordered),
        severity=str(assessed.severity),
        finding_codes=tuple(f.code for f in assessed.findings),
        statuses=tuple(str(c.status) for c in ordered),
        has_figures=any(c.latest is not None for c in ordered),
    )


def _targeted_gaps(cohorts: Sequence[CohortView]) -> tuple[TargetedGap, ...]:
    overall = next((c.latest for c in cohorts if c.cohort == "all"), None)
    if overall is None:
        return ()
    gaps = []
    for c in cohorts:
        f = c.latest
        if (
            c.targeted
            and f is not None
            and f.as_of == overall.as_of
            and f.measure == overall.measure
            and f.percent is not None
            and overall.percent is not None
            and not (f.small_numbers or overall.small_numbers)
            and f.percent < overall.percent
        ):
            diff = overall.percent - f.percent
            gaps.append(TargetedGap(c, overall, diff, wording.points(diff)))
    return tuple(gaps)
