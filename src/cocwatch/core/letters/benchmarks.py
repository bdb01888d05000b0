"""What a cohort is judged against, as a letter reads it: a benchmark, its milestones and the
cohort's recent trend.

Benchmarks and milestones are the same for every Trust judged against the same national
targets, so `MilestoneViews` makes each view once per run. Pure; imports `core.assessment`
(its benchmark and trend values) and the letters' words, citations and facts (targets).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from cocwatch.core import wording
from cocwatch.core.assessment import Benchmark, Step, Trend
from cocwatch.core.letters.citations import SourceView
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.facts import TargetView
from cocwatch.core.letters.words import uk_date
from cocwatch.core.measures import DEFAULT_MEASURE


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
    citable: Annotated[
        bool, Doc("False for a target that is unverified or cited only to a mirror.")
    ] = True


@dataclass(frozen=True, slots=True)
class BenchmarkView:
    """What a cohort is judged against."""

    origin: Annotated[str, Doc("local, national, reference (withdrawn targets) or chosen.")]
    origin_text: Annotated[str, Doc("The origin in words: 'the Trust's own plan'.")]
    steps: Annotated[tuple[StepView, ...], Doc("Its milestones, by due date.")]
    highest: Annotated[StepView, Doc("The milestone with the highest percentage.")]
    start: Annotated[date | None, Doc("Where the path starts from 0%.")]
    start_long: Annotated[str | None, Doc("That date in words.")]
    measure: Annotated[str, Doc("What its milestones measure, as the registry names it.")] = (
        DEFAULT_MEASURE
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
        citable=target.citable if target else True,
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


def trend_view(trend: Trend) -> TrendView:
    """The view of a cohort's recent trend."""
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
