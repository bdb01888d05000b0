"""Benchmarks and expected levels (SPEC §4): which milestones a cohort is judged against.

Pure: registry models and an as-of date in, plain values out. Imports only the standard
library and ``cocwatch.core.models``; ``cocwatch.core.assessment`` builds on it.

Choice of benchmark for a cohort, first that applies:

1. ``chosen``: the national target named with ``--target``, for its own cohort only, even if
   withdrawn, superseded or not yet set on the as-of date;
2. ``local``: the Trust's own plan milestones for the cohort (whatever the plan's status);
3. ``national``: the national targets of the cohort that have a percent and are in force on
   the as-of date (set, not withdrawn, and not yet replaced by their successor);
4. ``reference``: the national targets of the cohort that have a percent and were set on or
   before the as-of date, even if withdrawn or superseded.

A figure is compared only with milestones of its own measure, so each level yields one
benchmark per measure (`Benchmarks`). Within a chain, a target replaced by another target of
the same chain (``superseded_by``) is left out: the successor restated it.

A benchmark's milestones are sorted by (due date, percent, target id), so that on a shared
due date the higher percent counts as the later milestone.

`Step` and `Benchmark` are defined here and re-exported by ``cocwatch.core.assessment``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from cocwatch.core.kinds import Origin as Origin
from cocwatch.core.kinds import TargetKind
from cocwatch.core.measures import DEFAULT_MEASURE
from cocwatch.core.models import (
    COHORTS,
    MEASURE_PREFERENCE,
    Cohort,
    Measure,
    Plan,
    Precision,
    Target,
)


@dataclass(frozen=True, slots=True)
class Step:
    """One milestone of a benchmark: `percent` by `due`."""

    due: date
    percent: float
    target_id: str | None = None  # the national target behind it, if any
    withdrawn_on: date | None = None
    title: str | None = None  # the target's title, or "the Trust's own plan"
    due_precision: Precision = "day"  # "year" for "by 2024": print it so
    superseded_by: str | None = None  # the id of the target that replaced it, if any
    kind: TargetKind = "target"  # what it was: a national target, ambition, …


@dataclass(frozen=True, slots=True)
class Benchmark:
    """The milestones a cohort is judged against, sorted by due date, all of one measure."""

    origin: Origin
    steps: tuple[Step, ...]
    start: date | None  # where the trajectory starts from 0% (plan published / first set_on)
    measure: Measure = DEFAULT_MEASURE

    @property
    def highest(self) -> Step:
        """The milestone with the highest percent (the earliest-due one on a tie)."""
        return highest(self)


# One benchmark per measure, in MEASURE_PREFERENCE order; empty when nothing applies.
Benchmarks = Mapping[Measure, Benchmark]


def _target_step(target: Target) -> Step:
    assert target.percent is not None
    return Step(
        due=target.due,
        percent=float(target.percent),
        target_id=target.id,
        withdrawn_on=target.withdrawn_on,
        title=target.title,
        due_precision=target.due_precision,
        superseded_by=target.superseded_by,
        kind=target.kind,
    )


def _sorted(steps: Iterable[Step]) -> tuple[Step, ...]:
    return tuple(sorted(steps, key=lambda s: (s.due, s.percent, s.target_id or "")))


def superseded_on(target: Target, by_id: Mapping[str, Target]) -> date | None:
    """When the target's successor replaced it: the successor's `set_on` (else the due date)."""
    if target.superseded_by is None:
        return None
    successor = by_id.get(target.superseded_by)
    if successor is not None and successor.set_on is not None:
        return successor.set_on
    return target.due


def in_force(target: Target, on: date, by_id: Mapping[str, Target]) -> bool:
    """Set on or before `on`, not withdrawn by then, and not yet replaced by its successor."""
    replaced = superseded_on(target, by_id)
    return target.in_force(on) and (replaced is None or replaced > on)


def chain(origin: Origin, targets: Sequence[Target]) -> Benchmark | None:
    """National targets of one cohort and measure as one chain, from the first one's `set_on`.

    A target superseded by another target in the same chain is left out.
    """
    ids = {t.id for t in targets}
    kept = [t for t in targets if t.superseded_by not in ids]
    steps = _sorted(_target_step(t) for t in kept if t.percent is not None)
    if not steps:
        return None
    first = next(t for t in kept if t.id == steps[0].target_id)
    return Benchmark(origin=origin, steps=steps, start=first.set_on, measure=first.measure)


def local_benchmarks(plan: Plan | None, cohort: Cohort) -> dict[Measure, Benchmark]:
    """The Trust's own plan milestones for a cohort, per measure, from the plan's publication."""
    if plan is None:
        return {}
    found: dict[Measure, Benchmark] = {}
    for measure in MEASURE_PREFERENCE:
        steps = _sorted(
            Step(due=m.due, percent=float(m.percent), title="the Trust's own plan")
            for m in plan.milestones
            if m.cohort == cohort and m.measure == measure
        )
        if steps:
            found[measure] = Benchmark(
                origin="local", steps=steps, start=plan.published, measure=measure
            )
    return found


def local_benchmark(plan: Plan | None, cohort: Cohort) -> Benchmark | None:
    """The plan's milestones for a cohort in its preferred measure (placed by 28 weeks first)."""
    return next(iter(local_benchmarks(plan, cohort).values()), None)


@dataclass(frozen=True, slots=True)
class NationalChoice:
    """What the national targets offer one cohort; the same for every Trust in a run."""

    chosen: bool  # --target names a target of this cohort: it alone decides
    override: dict[Measure, Benchmark]  # the chosen target (empty if it has no percent)
    fallback: dict[Measure, Benchmark]  # per measure, the national else the reference chain


def national_benchmarks(
    targets: Sequence[Target], *, as_of: date, chosen: Target | None = None
) -> dict[Cohort, NationalChoice]:
    """Per cohort, the chosen target and the national (or reference) chains, computed once."""
    by_id = {t.id: t for t in targets}
    result: dict[Cohort, NationalChoice] = {}
    for cohort in COHORTS:
        fallback: dict[Measure, Benchmark] = {}
        for measure in MEASURE_PREFERENCE:
            of_kind = [
                t
                for t in targets
                if t.cohort == cohort
                and t.measure == measure
                and t.percent is not None
                and not t.unverified  # never a benchmark unless chosen
            ]
            found = chain("national", [t for t in of_kind if in_force(t, as_of, by_id)])
            if found is None:
                found = chain("reference", [t for t in of_kind if t.was_set(as_of)])
            if found is not None:
                fallback[measure] = found
        is_chosen = chosen is not None and chosen.cohort == cohort
        override: dict[Measure, Benchmark] = {}
        if is_chosen and chosen is not None:
            picked = chain("chosen", [chosen])
            if picked is not None:
                override[picked.measure] = picked
        result[cohort] = NationalChoice(chosen=is_chosen, override=override, fallback=fallback)
    return result


def choose_benchmarks(
    cohort: Cohort, plan: Plan | None, national: dict[Cohort, NationalChoice]
) -> dict[Measure, Benchmark]:
    """The benchmarks for one cohort of one Trust, per measure (chosen, local, national,
    reference: the first level that has any)."""
    choice = national[cohort]
    if choice.chosen:
        return choice.override
    return local_benchmarks(plan, cohort) or choice.fallback


def choose_benchmark(
    cohort: Cohort, plan: Plan | None, national: dict[Cohort, NationalChoice]
) -> Benchmark | None:
    """The benchmark of the cohort's preferred measure (see `choose_benchmarks`)."""
    return next(iter(choose_benchmarks(cohort, plan, national).values()), None)


def expected_level(benchmark: Benchmark, when: date) -> float:
    """The level the benchmark expects on `when`, interpolated linearly between milestones.

    Before the first milestone the line starts from (start, 0%), and is 0% on or before the
    start, or throughout when there is no start date. On or after the last milestone it
    stays at that milestone's percent.
    """
    steps = benchmark.steps
    dues = [s.due for s in steps]
    i = bisect_right(dues, when)  # steps[i] is the first milestone due after `when`
    if i == len(steps):
        return steps[-1].percent
    nxt = steps[i]
    if i == 0:
        start = benchmark.start
        if start is None or when <= start:
            return 0.0
        from_day, from_percent = start, 0.0
    else:
        from_day, from_percent = steps[i - 1].due, steps[i - 1].percent
    span = (nxt.due - from_day).days
    done = (when - from_day).days
    return from_percent + (nxt.percent - from_percent) * done / span


def latest_due(benchmark: Benchmark, on: date) -> Step | None:
    """The latest milestone due on or before `on` (a milestone due on `on` counts as due)."""
    i = bisect_right([s.due for s in benchmark.steps], on)
    return benchmark.steps[i - 1] if i else None


def next_due(benchmark: Benchmark, after: date) -> Step | None:
    """The first milestone due strictly after `after`."""
    i = bisect_right([s.due for s in benchmark.steps], after)
    return benchmark.steps[i] if i < len(benchmark.steps) else None


def highest(benchmark: Benchmark) -> Step:
    """The milestone with the highest percent (the earliest-due one on a tie)."""
    top = max(s.percent for s in benchmark.steps)
    return next(s for s in benchmark.steps if s.percent == top)
