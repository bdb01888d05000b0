"""How a Trust's official figures compare (SPEC §4.1), as a letter may say it: the figure with
its measure and month, against England, its region and the other Trusts; equity gaps only
when a test finds them; a failed data-quality result explained from the DQ measures.

Small numbers (a denominator under 30, or a published count of 5) are given as counts only;
groups with no women that month are left out. Every word about a measure, its groups and
its publisher comes from the measure's declaration (`cocwatch.core.measures`). Pure; imports
`core.comparison` and its words, `core.official`, the letters' words, citations and figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from cocwatch.core import wording
from cocwatch.core.bodies import TRUST, BodyKind
from cocwatch.core.comparison import Comparison, EquityGap, counts_only
from cocwatch.core.comparison_words import (
    amount_words,
    counted_in,
    funnel_words,
    kind_compared,
    quality_words,
    rank_words,
    suppression_words,
    total_words,
    versus_words,
)
from cocwatch.core.kinds import Style
from cocwatch.core.letters.citations import SourceView, document_view
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.figures import FigureView
from cocwatch.core.measures import NO_PUBLISHER, Declared, OfficialMeasure, Publisher
from cocwatch.core.official import Observation
from cocwatch.core.stats import Count


def small_numbers_caution(publisher: Publisher) -> str:
    """Said once in a letter that gives small numbers as counts."""
    return (
        f"{suppression_words(publisher)}, so where the numbers are small I give the counts "
        "rather than a percentage."
    )


def method_note(publisher: Publisher, kind: BodyKind = TRUST) -> str:
    """How the comparisons were computed, for the reference list (a `kind` of body is ranked
    among its own kind: a Trust among the Trusts, an LMNS among the LMNSs)."""
    return (
        f"Comparisons computed by the author from the counts in {publisher.possessive} file: "
        "95% and 99.8% Wilson score intervals against England's and the region's value for "
        f"the same month and measure; ranks among the {kind.ranked_among(publisher.quality_checks)}"
        " that month; funnel limits adjusted for over-dispersion "
        "(Spiegelhalter 2005); equity gaps by a test of two proportions at 95%. A published "
        f"5 is taken to stand for any count from 1 to 7 ({kind.the}'s own and other "
        f"{kind.plural}'): a comparison or a rank is stated only where it holds for every one "
        f"of them, and otherwise given as a range. {publisher.name} does not publish these "
        "comparisons itself"
    )


def count_text(count: Count, who: str = "women") -> str:
    """'15 of 545 women'; small numbers as counts, as published: 'none of about 10 women',
    'a few of 190 women' (a published 5 stands for 1 to 7)."""
    if counts_only(count):
        return f"{amount_words(count.numerator)} of {total_words(count.denominator)} {who}"
    share = wording.figure_percent(100 * count.numerator / count.denominator)
    return f"{share} ({count.numerator:,} of {count.denominator:,} {who})"


def figure_statement(
    measure: OfficialMeasure,
    month: date,
    count: Count,
    who: str = "women",
    *,
    provisional: bool = False,
) -> str:
    """What an official figure counts, with its month as the data say it (DOMAIN §3)."""
    whose = measure.publisher.possessive
    kind = "provisional figure" if provisional else "figure"
    everyone = "all " if measure.everyone and not counts_only(count) else ""
    group = f"{everyone}{who} {measure.counted_long} in "
    group += wording.month_year(counted_in(measure, month))
    did = measure.outcome
    if measure.lag_months:
        did += f" ({whose} {kind} for {wording.month_year(month)})"
    elif provisional:
        did += f" ({whose} provisional figure)"
    if counts_only(count):
        return f"{amount_words(count.numerator)} of {total_words(count.denominator)} {group} {did}"
    share = wording.figure_percent(100 * count.numerator / count.denominator)
    return f"{share} of {group} ({count.numerator:,} of {count.denominator:,}) {did}"


@dataclass(frozen=True, slots=True)
class ComparisonView:
    """One official all-women figure of the Trust against England, its region and other Trusts."""

    measure: Annotated[str, Doc("The measure, as the registry names it (`measure:`).")]
    key: Annotated[str, Doc("Its name among the comparisons: placement, receiving, ….")]
    publisher: Annotated[str, Doc("Whose figure it is: 'NHS England's'.")]
    publisher_name: Annotated[str, Doc("Who publishes it: 'NHS England'.")]
    month: Annotated[date, Doc("The month NHS England published it for (its last day).")]
    month_text: Annotated[str, Doc("That month in words: 'April 2025'.")]
    provisional: Annotated[bool, Doc("Whether NHS England's figure is provisional.")]
    passed: Annotated[bool, Doc("Whether the Trust's data passed its publisher's checks.")]
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
    funnel_sentence: Annotated[
        str | None,
        Doc(
            "The same as a whole sentence: 'On a funnel plot of those Trusts, the figure is "
            "…' (technical), or 'It stands out …' (plain, only for an exceptional Trust)."
        ),
    ]
    sentence: Annotated[str, Doc("statement, England, region and rank as one or two sentences.")]
    citation: Annotated[SourceView, Doc("What cite() cites: the figure's publication.")]
    method: Annotated[SourceView, Doc("How the comparisons were computed (cite it too).")]


def comparison_view(
    c: Comparison, figure: FigureView | None, style: Style = "plain"
) -> ComparisonView:
    """The view of a `Comparison`; `figure` is the registry's figure it describes (its source).
    In `plain` style the comparisons are in everyday words and the funnel is left to the
    reference note; `technical` names the levels and limits in the body."""
    provisional = figure.provisional if figure is not None else False
    statement = figure_statement(c.measure, c.month, c.own, provisional=provisional)
    versus = versus_words(c.england, style) if c.england is not None else None
    region = versus_words(c.region, style) if c.region is not None else None
    ranked = rank_words(c, style)
    publisher = c.measure.publisher
    kind = kind_compared(c)
    if not c.passed:
        sentence = (
            f"{_capital(statement)}. {_capital(kind.the)}'s data did not pass "
            f"{publisher.quality_checks} that month, so it is not compared with England or "
            f"other {kind.plural}."
        )
    else:
        sentence = f"{_capital(statement)}."
        sentence += f" That is {versus}." if versus else ""
        sentence += f" It is {region}." if region else ""
        sentence += f" {_capital(kind.the)} ranked {ranked}." if ranked else ""
    citation = figure.citation if figure is not None else _publication(publisher, c.month)
    return ComparisonView(
        measure=c.measure.code,
        key=c.measure.key,
        publisher=publisher.possessive,
        publisher_name=publisher.name,
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
        funnel=funnel_words(c, style),
        funnel_sentence=_funnel_sentence(funnel_words(c, style), style, kind),
        sentence=sentence,
        citation=citation,
        method=document_view(title=method_note(publisher, kind), url=None, kind="other"),
    )


def _funnel_sentence(said: str | None, style: Style, kind: BodyKind = TRUST) -> str | None:
    if said is None:
        return None
    if style == "plain" or said.startswith("where"):
        return f"{_capital(said)}."
    return f"On a funnel plot of those {kind.plural}, the figure is {said}."


def _publication(publisher: Publisher, month: date) -> SourceView:
    return document_view(
        title=f"{publisher.publication}, {wording.month_year(month)}",
        url=publisher.index_url or None,
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True, slots=True)
class EquityView:
    """A targeted group against its comparison group in the Trust, in one month."""

    cohort: Annotated[str, Doc("ethnic_minority or most_deprived.")]
    group: Annotated[str, Doc("The group as its publisher defines it.")]
    comparison: Annotated[str, Doc("The group it is compared with, as its publisher names it.")]
    significant_gap: Annotated[
        bool, Doc("Behind its comparison group, found by a test of two proportions at 95%.")
    ]
    too_small: Annotated[bool, Doc("Too few women (or a published 5) to test.")]
    counts_only: Annotated[bool, Doc("Either side given as counts (small numbers).")]
    sentence: Annotated[str, Doc("The comparison in words, with its verdict.")]
    citation: Annotated[SourceView, Doc("What cite() cites: the figures' publication.")]
    method: Annotated[SourceView, Doc("How the comparison was computed (cite it too).")]


def equity_view(
    gap: EquityGap, citation: SourceView | None = None, kind: BodyKind = TRUST
) -> EquityView | None:
    """The view of an `EquityGap`; None when either group had no women (nothing to say).
    `citation` is the publication of the figures compared (its month's file); `kind` is the
    body's (its method note is the one its comparisons cite)."""
    if gap.group is None or gap.comparison is None:
        return None
    measure, publisher = gap.measure, gap.measure.publisher
    group, other = gap.pair.group.who, gap.pair.comparison.who
    mine = figure_statement(measure, gap.month, gap.group, group)
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
        citation=citation or _publication(publisher, gap.month),
        method=document_view(title=method_note(publisher, kind), url=None, kind="other"),
    )


@dataclass(frozen=True, slots=True)
class QualityView:
    """An all-women figure whose data failed its publisher's data-quality checks, and why."""

    figure: Annotated[FigureView, Doc("The failed figure (usually with no percentage).")]
    sentence: Annotated[
        str, Doc("What failed, in words: never a low rate ('no rate was published ...').")
    ]
    reason: Annotated[
        str | None,
        Doc(
            "What the data-quality measures show, as a sentence: in plain style without a "
            "measure's code ('NHS England's data-quality measures show that no woman ...'); "
            "None when they are not in the statistics folder."
        ),
    ]
    ask: Annotated[
        str | None,
        Doc(
            "When the failure may be no continuity at all rather than a recording fault, the "
            "question it leaves ('please say which'); None for a recording failure."
        ),
    ]
    detail: Annotated[
        SourceView | None,
        Doc("The failed data-quality measures by code, for the reference list (cite it)."),
    ]
    measures: Annotated[
        str, Doc("Whose data-quality measures they are: 'NHS England's data-quality measures'.")
    ]
    citation: Annotated[SourceView, Doc("What cite() cites (the figure's source).")]


def quality_view(
    figure: FigureView, dq: Sequence[Observation], declared: Declared, style: Style = "plain"
) -> QualityView:
    """The view of a failed figure; `dq` are the Trust's DQ rows of the figure's month. In
    plain style the body names no measure code: the codes go to the reference list."""
    measure = declared.measure(figure.measure)
    publisher = declared.publisher(figure.source.kind) or NO_PUBLISHER
    what = measure.name if measure is not None else declared.words(figure.measure).data
    month = wording.month_year(figure.as_of)
    if figure.percent is None:
        withheld = f" ('{publisher.withheld}')" if publisher.withheld else ""
        sentence = (
            f"For {month}, {publisher.name} published no rate for {what} at the Trust"
            f"{withheld}: the Trust's data failed {publisher.quality_checks}"
        )
    else:
        sentence = (
            f"For {month}, the Trust's data on {what} failed {publisher.quality_checks}, so "
            "the published figure may not show the care women received"
        )
    said = quality_words(dq, measure, figure.as_of) if measure is not None else None
    whose = f"{publisher.possessive} data-quality measures"
    reason = detail = None
    if said is not None and said.technical:
        codes = "; ".join(said.technical)
        if style == "technical":
            reason = f"In {whose} for that month, {codes}"
        else:
            reason = _capital(said.plain or "")
            detail = document_view(
                title=f"{_capital(whose)} for {month}, in the same file: {codes}",
                url=None,
                kind="other",
            )
    return QualityView(
        figure=figure,
        sentence=sentence,
        reason=reason,
        ask=said.ask if said is not None else None,
        detail=detail,
        measures=whose,
        citation=figure.citation,
    )
