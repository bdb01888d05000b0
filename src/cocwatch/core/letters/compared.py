"""How a Trust's official figures compare (SPEC §4.1), as a letter may say it: the figure with
its measure and month, against England, its region and the other Trusts; equity gaps only
when a test finds them; a failed data-quality result explained from the DQ measures.

Small numbers (a denominator under 30, or a published count of 5) are given as counts only;
groups with no women that month are left out. Pure; imports `core.comparison`,
`core.official`, the registry models and the letters' words, citations and figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from cocwatch.core import wording
from cocwatch.core.comparison import (
    Comparison,
    EquityGap,
    amount_words,
    counts_only,
    dq_failures,
    funnel_words,
    rank_words,
    total_words,
    versus_words,
)
from cocwatch.core.letters.citations import SourceView, document_view
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.figures import FigureView
from cocwatch.core.letters.words import COHORT_WHO, COMPARISON_WHO
from cocwatch.core.official import Observation
from cocwatch.core.stats import Count

SMALL_NUMBERS_CAUTION = (
    "NHS England publishes any count from 1 to 7 as 5 and rounds other counts to the nearest "
    "5, so where the numbers are small I give the counts rather than a percentage."
)
METHOD_NOTE = (
    "Comparisons computed by the author from the counts in NHS England's file: 95% and 99.8% "
    "Wilson score intervals against England's and the region's value for the same month and "
    "measure; ranks among the Trusts whose data passed NHS England's data-quality checks that "
    "month; funnel limits adjusted for over-dispersion (Spiegelhalter 2005); equity gaps by a "
    "test of two proportions at 95%. NHS England does not publish these comparisons itself"
)


def count_text(count: Count, who: str = "women") -> str:
    """'15 of 545 women'; small numbers as counts, as published: 'none of about 10 women',
    'a few of 190 women' (a published 5 stands for 1 to 7)."""
    if counts_only(count):
        return f"{amount_words(count.numerator)} of {total_words(count.denominator)} {who}"
    share = wording.figure_percent(100 * count.numerator / count.denominator)
    return f"{share} ({count.numerator:,} of {count.denominator:,} {who})"


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def figure_statement(
    measure: str, month: date, count: Count, who: str = "women", *, provisional: bool = False
) -> str:
    """What an official figure counts, with its month as the data say it (DOMAIN §3)."""
    kind = "provisional figure" if provisional else "figure"
    if measure == "receiving_ongoing":
        everyone = "" if counts_only(count) else "all "
        group = f"{everyone}{who} who reached 29 weeks of pregnancy in "
        group += wording.month_year(_months_before(month, 4))
        did = (
            f"received continuity of carer through pregnancy and birth (NHS England's {kind} "
            f"for {wording.month_year(month)})"
        )
    else:
        group = f"{who} reaching 29 weeks of pregnancy in {wording.month_year(month)}"
        did = "were placed on a continuity of carer pathway"
        did += " (NHS England's provisional figure)" if provisional else ""
    if counts_only(count):
        return f"{amount_words(count.numerator)} of {total_words(count.denominator)} {group} {did}"
    share = wording.figure_percent(100 * count.numerator / count.denominator)
    return f"{share} of {group} ({count.numerator:,} of {count.denominator:,}) {did}"


@dataclass(frozen=True, slots=True)
class ComparisonView:
    """One official all-women figure of the Trust against England, its region and other Trusts."""

    measure: Annotated[str, Doc("placed_by_28_weeks or receiving_ongoing.")]
    month: Annotated[date, Doc("The month NHS England published it for (its last day).")]
    month_text: Annotated[str, Doc("That month in words: 'April 2025'.")]
    provisional: Annotated[bool, Doc("Whether NHS England's figure is provisional.")]
    passed: Annotated[bool, Doc("Whether the Trust's data passed NHS England's checks.")]
    counts_only: Annotated[
        bool, Doc("Under 30 women or a published count of 5: given as counts, never a rate.")
    ]
    statement: Annotated[
        str,
        Doc(
            "The figure with its measure and month, as a sentence's start: '2.8% of women "
            "reaching 29 weeks of pregnancy in April 2025 (15 of 545) were placed on a "
            "continuity of carer pathway'; counts only for small numbers ('None of about 10 "
            "women ...')."
        ),
    ]
    england: Annotated[
        str | None, Doc("Against England: 'lower than England's 17.1%, beyond what chance ...'.")
    ]
    england_95: Annotated[str | None, Doc("lower, similar or higher at 95% (None: not compared).")]
    england_998: Annotated[str | None, Doc("The same at 99.8%.")]
    region: Annotated[str | None, Doc("Against the region's row: 'lower than the London ...'.")]
    rank: Annotated[
        str | None, Doc("'73rd of 103 Trusts whose data passed ...' (None when not ranked).")
    ]
    funnel: Annotated[str | None, Doc("Where it falls on the funnel, when that is worth saying.")]
    sentence: Annotated[str, Doc("statement, England, region and rank as one or two sentences.")]
    citation: Annotated[SourceView, Doc("What cite() cites: NHS England's publication.")]
    method: Annotated[SourceView, Doc("How the comparisons were computed (cite it too).")]


def comparison_view(c: Comparison, figure: FigureView | None) -> ComparisonView:
    """The view of a `Comparison`; `figure` is the registry's figure it describes (its source)."""
    provisional = figure.provisional if figure is not None else False
    statement = figure_statement(c.measure, c.month, c.own, provisional=provisional)
    versus = versus_words(c.england) if c.england is not None else None
    region = versus_words(c.region) if c.region is not None else None
    ranked = rank_words(c)
    if not c.passed:
        sentence = (
            f"{_capital(statement)}. The Trust's data did not pass NHS England's data-quality "
            "checks that month, so it is not compared with England or other Trusts."
        )
    else:
        against = " and ".join(x for x in (versus, region) if x)
        sentence = f"{_capital(statement)}" + (f". That is {against}" if against else "")
        sentence += f"; the Trust ranked {ranked}." if ranked else "."
    citation = figure.citation if figure is not None else _publication(c.month)
    return ComparisonView(
        measure=c.measure,
        month=c.month,
        month_text=wording.month_year(c.month),
        provisional=provisional,
        passed=c.passed,
        counts_only=counts_only(c.own),
        statement=_capital(statement),
        england=versus,
        england_95=c.england.at_95 if c.england else None,
        england_998=c.england.at_998 if c.england else None,
        region=region,
        rank=ranked,
        funnel=funnel_words(c),
        sentence=sentence,
        citation=citation,
        method=document_view(title=METHOD_NOTE, url=None, kind="other"),
    )


def _publication(month: date) -> SourceView:
    return document_view(
        title=f"NHS England, Maternity Services Monthly Statistics, {wording.month_year(month)}",
        url="https://digital.nhs.uk/data-and-information/publications/statistical/maternity-services-monthly-statistics",
        kind="msds",
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True, slots=True)
class EquityView:
    """A targeted group against its comparison group in the Trust, in one month."""

    cohort: Annotated[str, Doc("ethnic_minority or most_deprived.")]
    group: Annotated[str, Doc("The group as NHS England defines it.")]
    comparison: Annotated[str, Doc("What it is compared with: White women; the least deprived.")]
    significant_gap: Annotated[
        bool, Doc("Behind its comparison group, found by a test of two proportions at 95%.")
    ]
    too_small: Annotated[bool, Doc("Too few women (or a published 5) to test.")]
    counts_only: Annotated[bool, Doc("Either side given as counts (small numbers).")]
    sentence: Annotated[str, Doc("The comparison in words, with its verdict.")]


def equity_view(gap: EquityGap, measure: str, month: date) -> EquityView | None:
    """The view of an `EquityGap`; None when either group had no women (nothing to say)."""
    if gap.group is None or gap.comparison is None:
        return None
    group, other = COHORT_WHO[gap.cohort], COMPARISON_WHO[gap.cohort]
    mine = figure_statement(measure, month, gap.group, group)
    theirs = count_text(gap.comparison, other)
    if gap.significant_gap:
        verdict = "a gap beyond what chance would explain (a test of two proportions at 95%)"
    elif gap.too_small or gap.test is None:
        verdict = "too few women to tell the two groups apart"
    elif gap.test.significant:
        verdict = "higher, beyond what chance would explain (a test of two proportions at 95%)"
    else:
        verdict = "not distinguishable at these numbers"
    return EquityView(
        cohort=gap.cohort,
        group=group,
        comparison=other,
        significant_gap=gap.significant_gap,
        too_small=gap.too_small or gap.test is None,
        counts_only=counts_only(gap.group) or counts_only(gap.comparison),
        sentence=f"{mine}, against {theirs}: {verdict}",
    )


@dataclass(frozen=True, slots=True)
class QualityView:
    """An all-women figure whose data failed NHS England's data-quality checks, and why."""

    figure: Annotated[FigureView, Doc("The failed figure (usually with no percentage).")]
    sentence: Annotated[
        str, Doc("What failed, in words: never a low rate ('no rate was published ...').")
    ]
    reason: Annotated[
        str | None,
        Doc(
            "What the data-quality measures show, e.g. no woman recorded as on a pathway at "
            "all (COC_DQ05 0 of 0); None when they are not in the statistics folder."
        ),
    ]
    citation: Annotated[SourceView, Doc("What cite() cites (the figure's source).")]


_MEASURE_NAME = {
    "placed_by_28_weeks": "placement on a continuity of carer pathway by 28 weeks",
    "receiving_ongoing": "continuity of carer received through pregnancy and birth",
}


def quality_view(figure: FigureView, dq: Sequence[Observation]) -> QualityView:
    """The view of a failed figure; `dq` are the Trust's DQ rows of the figure's month."""
    what = _MEASURE_NAME.get(figure.measure, wording.MEASURE[figure.measure].data)  # type: ignore[index]
    month = wording.month_year(figure.as_of)
    if figure.percent is None:
        sentence = (
            f"For {month}, NHS England published no rate for {what} at the Trust ('Low DQ'): "
            "the Trust's data failed NHS England's data-quality checks"
        )
    else:
        sentence = (
            f"For {month}, the Trust's data on {what} failed NHS England's data-quality "
            "checks, so the published figure may not show the care women received"
        )
    return QualityView(
        figure=figure,
        sentence=sentence,
        reason=dq_reason(dq, figure.measure, figure.as_of),
        citation=figure.citation,
    )


def dq_reason(dq: Sequence[Observation], measure: str, month: date) -> str | None:
    """Which governing DQ measures failed that month, in words."""
    return "; ".join(dq_failures(dq, measure, month)) or None
