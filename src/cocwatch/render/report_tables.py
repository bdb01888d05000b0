"""A Trust's official statistics as the report's table: one row a month, one column for each
measure and group, the month's publication cited once in its row.

With years of monthly statistics a figure-per-row table grows to hundreds of rows a Trust,
each repeating its source; a month per row keeps the page short enough to read on a phone
and says the same. Figures recorded from Board papers and FOI answers, and official figures
with a note written beside them, keep a row each with their notes and sources (`recorded`).
Imports the core only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from cocwatch.core import wording
from cocwatch.core.measures import MEASURE, MeasureWords, preference

if TYPE_CHECKING:
    from cocwatch.core.kinds import Cohort
    from cocwatch.core.models import Figure, Source


@dataclass(frozen=True, slots=True)
class Column:
    """One measure for one group."""

    measure: str
    cohort: Cohort
    words: MeasureWords

    @property
    def label(self) -> str:
        """Its name where the table is read one cell at a time (a phone): 'Receiving, all women'."""
        words = f"{self.words.short}, {wording.COHORT[self.cohort].short}"
        return words[0].upper() + words[1:]


@dataclass(frozen=True, slots=True)
class MonthRow:
    """One month's figures from one publication, a tuple of figures per column (most often
    one; none when the publication has no figure of that group and measure)."""

    as_of: date
    source: Source
    provisional: bool
    cells: tuple[tuple[Figure, ...], ...]


@dataclass(frozen=True, slots=True)
class MonthTable:
    """The official figures of one Trust, newest month first."""

    measures: tuple[tuple[str, tuple[Cohort, ...]], ...]  # header: each measure's groups
    columns: tuple[Column, ...]
    rows: tuple[MonthRow, ...]
    small_numbers: bool  # a figure rests on a published 5 (the table then says what it means)
    failed: bool  # a figure failed its publisher's data-quality checks

    @property
    def labels(self) -> tuple[str, ...]:
        """Each column's name, for a table read one cell at a time."""
        return tuple(c.label for c in self.columns)


def monthly_table(
    figures: Sequence[Figure], words: Callable[[str], MeasureWords] = lambda m: MEASURE[m]
) -> MonthTable | None:
    """The official figures among `figures` as a table by month, or None when there are none;
    `words` names each measure."""
    official = [f for f in figures if _by_month(f)]
    if not official:
        return None
    present = {(f.measure, f.cohort) for f in official}
    measures = tuple(
        (measure, cohorts)
        for measure in sorted({m for m, _ in present}, key=lambda m: (preference(m), m))
        if (cohorts := tuple(c for c in wording.COHORT if (measure, c) in present))
    )
    columns = tuple(
        Column(measure, cohort, words(measure))
        for measure, cohorts in measures
        for cohort in cohorts
    )
    place = {(c.measure, c.cohort): i for i, c in enumerate(columns)}
    grouped: dict[tuple[date, str, str], list[Figure]] = {}
    for figure in official:
        source = figure.source
        key = (figure.as_of, source.url or "", source.title or "")
        month = grouped.get(key)
        if month is None:
            month = grouped[key] = []
        month.append(figure)
    rows = []
    for key in sorted(grouped, reverse=True):
        month = grouped[key]
        cells: list[list[Figure]] = [[] for _ in columns]
        for figure in month:
            cells[place[(figure.measure, figure.cohort)]].append(figure)
        rows.append(
            MonthRow(
                as_of=key[0],
                source=month[0].source,
                provisional=any(f.provisional for f in month),
                cells=tuple(tuple(cell) for cell in cells),
            )
        )
    return MonthTable(
        measures,
        columns,
        tuple(rows),
        small_numbers=any(f.small_numbers for f in official),
        failed=any(f.quality == "fail" for f in official),
    )


def recorded(figures: Sequence[Figure]) -> tuple[Figure, ...]:
    """The figures the monthly table leaves out, in the order given: those recorded by hand
    (Board papers, FOI answers...) and official ones with a note written beside them."""
    return tuple(f for f in figures if not _by_month(f))


def _by_month(figure: Figure) -> bool:
    """Whether a figure belongs in the monthly table: official, with no note of its own."""
    return figure.source.official and not figure.notes
