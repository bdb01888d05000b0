"""Which of a Trust's figures count on a date, and in what order (SPEC §4).

Pure: the registry models and ``cocwatch.core.targets`` only. Shared by the assessment
(which figure is F, what it is compared with) and the finding rules (stale, failed quality,
targeted groups), so that both read the figures the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from cocwatch.core.kinds import COHORTS, Cohort
from cocwatch.core.measures import preference
from cocwatch.core.models import Figure
from cocwatch.core.targets import Benchmark, Benchmarks

TARGETED: tuple[Cohort, ...] = ("ethnic_minority", "most_deprived")


def _preference(indexed: tuple[int, Figure]) -> tuple[date, int, bool, int]:
    """Sort key: the last figure in this order is the one F (SPEC §4) picks."""
    index, figure = indexed
    return (figure.as_of, -preference(figure.measure), not figure.provisional, index)


def by_cohort(figures: Sequence[Figure], as_of: date) -> dict[Cohort, list[Figure]]:
    """The figures recorded up to `as_of`, per cohort, sorted once so the last is the latest.

    This includes figures without a percentage (data that failed quality); `measured`
    keeps only those with one, from which F is chosen.
    """
    grouped: dict[Cohort, list[tuple[int, Figure]]] = {c: [] for c in COHORTS}
    for index, figure in enumerate(figures):
        if figure.as_of <= as_of:
            grouped[figure.cohort].append((index, figure))
    return {
        cohort: [f for _, f in sorted(items, key=_preference)] for cohort, items in grouped.items()
    }


def measured(grouped: dict[Cohort, list[Figure]]) -> dict[Cohort, list[Figure]]:
    """Only the figures with a percentage: a figure without one is never F (SPEC §4)."""
    return {cohort: [f for f in figs if f.measured] for cohort, figs in grouped.items()}


def latest_failures(figures: Sequence[Figure]) -> list[Figure]:
    """The latest figure of each measure, on the cohort's latest date, that failed quality.

    `figures` are one cohort's, sorted as `by_cohort` sorts them.
    """
    if not figures:
        return []
    newest = figures[-1].as_of
    latest: dict[str, Figure] = {}
    for figure in figures:
        if figure.as_of == newest:
            latest[figure.measure] = figure  # later in the order = preferred
    return [f for f in sorted(latest.values(), key=lambda f: preference(f.measure))
            if f.quality == "fail"]  # fmt: skip


def quality_failures(figures: Sequence[Figure], as_of: date) -> list[Figure]:
    """The all-women figures behind `data_quality_failed` on `as_of` (may be none)."""
    return latest_failures(by_cohort(figures, as_of)["all"])


def like_for_like(
    figures: Sequence[Figure], benchmarks: Benchmarks
) -> tuple[list[Figure], Benchmark | None]:
    """Pair a cohort's figures with the benchmark of their own measure (SPEC §4).

    `figures` are sorted as `by_cohort` sorts them. F is the latest figure of a measure that
    has a benchmark; the figures returned are those of F's measure. With benchmarks but no
    figure of their measures, no figures (no_data, against the preferred measure's
    benchmark); with no benchmark at all, every figure (no_target, F the latest of any
    measure).
    """
    if not benchmarks:
        return list(figures), None
    compared = [f for f in figures if f.measure in benchmarks]
    if not compared:
        return [], next(iter(benchmarks.values()))
    measure = compared[-1].measure
    return [f for f in compared if f.measure == measure], benchmarks[measure]
