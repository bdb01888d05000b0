"""Benchmarks and expected levels (SPEC §4): which milestones a cohort is judged against.

Pure: registry models and an as-of date in, plain values out. Imports only the standard
library and ``cocwatch.core.models``; ``cocwatch.core.assessment`` builds on it.

Choice of benchmark for a cohort, first that applies:

1. ``chosen``: the national target named with ``--target``, for its own cohort only, even if
   withdrawn or not yet set on the as-of date;
2. ``local``: the Trust's own plan milestones for the cohort (whatever the plan's status);
3. ``national``: the national targets of the cohort that have a percent and are in force on
   the as-of date;
4. ``reference``: the national targets of the cohort that have a percent and were set on or
   before the as-of date, even if withdrawn.

A benchmark's milestones are sorted by (due date, percent, target id), so that on a shared
due date the higher percent counts as the later milestone.

`Step` and `Benchmark` are defined here and re-exported by ``cocwatch.core.assessment``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from cocwatch.core.models import COHORTS, Cohort, Plan, Target

Origin = Literal["chosen", "local", "national", "reference"]


@dataclass(frozen=True, slots=True)
class Step:
    """One milestone of a benchmark: `percent` by `due`."""

    due: date
    percent: float
    target_id: str | None = None  # the national target behind it, if any
    withdrawn_on: date | None = None
    title: str | None = None  # the target's title, or "the Trust's own plan"


@dataclass(frozen=True, slots=True)
class Benchmark:
    """The milestones a cohort is judged against, sorted by due date."""

    origin: Origin
    steps: tuple[Step, ...]
    start: date | None  # where the trajectory starts from 0% (plan published / first set_on)

    @property
    def highest(self) -> Step:
        """The milestone with the highest percent (the earliest-due one on a tie)."""
        return highest(self)


def _target_step(target: Target) -> Step:
    assert target.percent is not None
    return Step(
        due=target.due,
        percent=float(target.percent),
        target_id=target.id,
        withdrawn_on=target.withdrawn_on,
        title=target.title,
    )


def _sorted(steps: Iterable[Step]) -> tuple[Step, ...]:
    return tuple(sorted(steps, key=lambda s: (s.due, s.percent, s.target_id or "")))


def chain(origin: Origin, targets: Sequence[Target]) -> Benchmark | None:
    """The national targets of one cohort as one chain; starts at the first one's `set_on`."""
    steps = _sorted(_target_step(t) for t in targets if t.percent is not None)
    if not steps:
        return None
    first = next(t for t in targets if t.id == steps[0].target_id)
    return Benchmark(origin=origin, steps=steps, start=first.set_on)


def local_benchmark(plan: Plan | None, cohort: Cohort) -> Benchmark | None:
    """The Trust's own plan milestones for a cohort, starting from the plan's publication."""
    if plan is None:
        return None
    steps = _sorted(
        Step(due=m.due, percent=float(m.percent), title="the Trust's own plan")
        for m in plan.milestones
        if m.cohort == cohort
    )
    if not steps:
        return None
    return Benchmark(origin="local", steps=steps, start=plan.published)


@dataclass(frozen=True, slots=True)
class NationalChoice:
    """What the national targets offer one cohort; the same for every Trust in a run."""

    chosen: bool  # --target names a target of this cohort: it alone decides
    override: Benchmark | None  # the chosen target (None if it has no percent)
    fallback: Benchmark | None  # the national chain, else the reference chain


def national_benchmarks(
    targets: Sequence[Target], *, as_of: date, chosen: Target | None = None
) -> dict[Cohort, NationalChoice]:
    """Per cohort, the chosen target and the national (or reference) chain, computed once."""
    result: dict[Cohort, NationalChoice] = {}
    for cohort in COHORTS:
        of_cohort = [t for t in targets if t.cohort == cohort and t.percent is not None]
        fallback = chain("national", [t for t in of_cohort if t.in_force(as_of)])
        if fallback is None:
            fallback = chain("reference", [t for t in of_cohort if t.was_set(as_of)])
        is_chosen = chosen is not None and chosen.cohort == cohort
        override = chain("chosen", [chosen]) if is_chosen and chosen is not None else None
        result[cohort] = NationalChoice(chosen=is_chosen, override=override, fallback=fallback)
    return result


def choose_benchmark(
    cohort: Cohort, plan: Plan | None, national: dict[Cohort, NationalChoice]
) -> Benchmark | None:
    """The benchmark for one cohort of one Trust (chosen, local, national, reference)."""
    choice = national[cohort]
    if choice.chosen:
        return choice.override
    return local_benchmark(plan, cohort) or choice.fallback


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
