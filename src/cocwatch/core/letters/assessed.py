"""What `check` says about one Trust, as a letter reads it: cohorts, findings, data-quality
failures and the gaps between targeted cohorts and women overall.

Pure; imports `core.assessment` and the letters' words, citations, figures, facts and
benchmarks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, NamedTuple

from cocwatch.core import wording
from cocwatch.core.assessment import (
    CohortAssessment,
    TrustAssessment,
    quality_failures,
)
from cocwatch.core.comparison import Comparison, no_women
from cocwatch.core.kinds import Style
from cocwatch.core.letters.benchmarks import (
    BenchmarkView,
    MilestoneViews,
    StepView,
    TrendView,
    trend_view,
)
from cocwatch.core.letters.citations import SourceView
from cocwatch.core.letters.compared import (
    ComparisonView,
    EquityView,
    QualityView,
    comparison_view,
    equity_view,
    quality_view,
    small_numbers_caution,
)
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.facts import TargetView, TrustView, plan_citation
from cocwatch.core.letters.figures import FigureView, FigureViews, figure_view
from cocwatch.core.letters.lazy import LazyView, lazy_view, made_later
from cocwatch.core.letters.words import group_label, group_who
from cocwatch.core.measures import NOTHING_DECLARED, Declared
from cocwatch.core.models import COHORTS, Figure
from cocwatch.core.official import Observation


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
    return trend_view(trend) if trend is not None else None


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


def cohort_view(
    cohort: CohortAssessment,
    *,
    milestones: MilestoneViews,
    plan_citation: SourceView,
    trust: TrustView | None = None,
    view_of: Callable[[Figure], FigureView] = figure_view,
    declared: Declared = NOTHING_DECLARED,
) -> CohortView:
    """The view of one `CohortAssessment`.

    `trust` gives the cohort's figures (none without it); `view_of` makes the view of one
    figure (the letter's `FigureViews`, so that its views are shared); `declared` names the
    group as the official statistics in use define it.
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
        label=group_label(cohort.cohort, declared),
        who=group_who(cohort.cohort, declared),
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
    observations: Sequence[Observation]  # the Trust's rows in the statistics folder
    style: Style = "plain"  # how comparisons are said (`--style`)


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
            declared=given.view_of.declared,
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


def _official_figure(given: _AssessmentInputs, c: Comparison) -> FigureView | None:
    """The registry's official all-women figure a comparison describes (for its source)."""
    found = [
        f
        for f in given.assessed.trust.figures
        if f.cohort == "all" and f.measure == c.measure.code and f.as_of == c.month
        and f.source.official
    ]  # fmt: skip
    best = max(found, key=lambda f: not f.provisional, default=None)
    return given.view_of(best) if best is not None else None


def _comparisons(view: AssessmentView) -> tuple[ComparisonView, ...]:
    given: _AssessmentInputs = view._inputs
    return tuple(
        comparison_view(c, _official_figure(given, c), given.style)
        for c in given.assessed.comparisons.values()
    )


def _equity(view: AssessmentView) -> tuple[EquityView, ...]:
    given: _AssessmentInputs = view._inputs
    compared = {c.measure: c for c in view.comparisons}
    made = []
    for gap in given.assessed.equity:
        figure = compared.get(gap.measure.code)
        made.append(
            equity_view(gap, figure.citation if figure is not None else None, given.assessed.kind)
        )
    return tuple(v for v in made if v is not None)


def _low_dq(view: AssessmentView) -> tuple[QualityView, ...]:
    given: _AssessmentInputs = view._inputs
    declared = given.view_of.declared
    checks = {c.code for m in declared.measures for c in m.checks}
    dq = [o for o in given.observations if o.measure in checks]
    return tuple(quality_view(f, dq, declared, given.style) for f in view.quality_failures)


def _targeted_groups(view: AssessmentView) -> tuple[str, ...]:
    given: _AssessmentInputs = view._inputs
    empty = _empty_groups(given.assessed, given.observations)
    declared = given.view_of.declared
    return tuple(group_who(c, declared) for c in COHORTS if c != "all" and c not in empty)


def _caution(view: AssessmentView) -> str | None:
    """Said once, when a comparison is given as counts: how the publisher publishes them."""
    given: _AssessmentInputs = view._inputs
    small = [c.measure for c in given.assessed.comparisons.values() if c.small]
    by_cohort = {g.cohort: g.measure for g in given.assessed.equity}
    small += [by_cohort[e.cohort] for e in view.equity if e.counts_only]
    return small_numbers_caution(small[0].publisher) if small else None


@made_later(
    comparisons=_comparisons,
    comparison=lambda view: {c.key: c for c in view.comparisons},
    equity=_equity,
    equity_gaps=lambda view: tuple(e for e in view.equity if e.significant_gap),
    low_dq=_low_dq,
    small_numbers_caution=_caution,
    notes=lambda view: tuple(f for f in view.findings if f.severity == "note"),
    targeted_groups=_targeted_groups,
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
    finding_codes: Annotated[
        tuple[str, ...], Doc("Their codes: `finding.no_plan in assessment.finding_codes`.")
    ]
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
            "that failed its publisher's data-quality checks (often without a percentage)."
        ),
    ]
    compared: Annotated[
        bool,
        Doc(
            "Whether the statistics folder holds the Trust's official figures (then the "
            "letter speaks from the comparisons, not from targets)."
        ),
    ]
    comparisons: Annotated[
        tuple[ComparisonView, ...],
        Doc(
            "The latest official figure of each measure the statistics in use declare, "
            "against England, the region and the other Trusts, in their declared order."
        ),
    ]
    comparison: Annotated[
        dict[str, ComparisonView],
        Doc("The same, by each measure's key: assessment.comparison['placement']."),
    ]
    equity: Annotated[
        tuple[EquityView, ...],
        Doc(
            "Each targeted group against the group its statistics compare it with, in the "
            "month of its measure's latest figure; groups with no women left out."
        ),
    ]
    equity_gaps: Annotated[
        tuple[EquityView, ...], Doc("Of those, the gaps a test of two proportions finds at 95%.")
    ]
    low_dq: Annotated[
        tuple[QualityView, ...],
        Doc("The quality_failures, each explained from its publisher's data-quality measures."),
    ]
    small_numbers_caution: Annotated[
        str | None,
        Doc("The caution about small counts, when a comparison is given as counts (say once)."),
    ]
    targeted_groups: Annotated[
        tuple[str, ...],
        Doc(
            "The targeted groups as the official statistics define them, leaving out any "
            "group with no women in the Trust's latest official month (nothing to ask about)."
        ),
    ]
    notes: Annotated[
        tuple[FindingView, ...],
        Doc("What the registry lacks (plan not known, old statistics): ask, never assert."),
    ]


def assessment_view(
    assessed: TrustAssessment,
    trust: TrustView,
    targets: dict[str, TargetView],
    as_of: date,
    figures: FigureViews | None = None,
    milestones: MilestoneViews | None = None,
    observations: Sequence[Observation] = (),
    style: Style = "plain",
) -> AssessmentView:
    """The view of a `TrustAssessment` made on `as_of`.

    `figures` are the letter's figure views; `milestones` the run's benchmark views;
    `observations` the Trust's rows in the statistics folder (data-quality measures, groups).
    """
    milestones = milestones or MilestoneViews(targets, as_of)
    by_cohort = {c.cohort: c for c in assessed.cohorts}
    ordered = tuple(by_cohort[c] for c in COHORTS if c in by_cohort)
    return lazy_view(
        AssessmentView,
        _AssessmentInputs(
            assessed,
            trust,
            as_of,
            figures or FigureViews(),
            milestones,
            ordered,
            observations,
            style,
        ),
        # The statistics folder holds the Trust's rows: its letters speak from them, even
        # when every headline failed quality (then there is nothing to compare, only to explain).
        compared=bool(assessed.comparisons) or bool(observations),
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


def _empty_groups(assessed: TrustAssessment, rows: Sequence[Observation]) -> frozenset[str]:
    """The targeted cohorts with no women in the month of each compared measure's latest
    official figure (a Trust's letters do not ask about them)."""
    if not rows:
        return frozenset()
    # A withheld rate is published with a denominator of 0 too: that is no figure, not no women.
    published = [o for o in rows if not o.low_dq]
    empty: set[str] = set()
    for gap in assessed.equity:
        empty |= no_women(published, gap.measure, gap.month)
    return frozenset(empty)
