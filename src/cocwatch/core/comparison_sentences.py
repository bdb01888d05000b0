"""The comparisons of SPEC §4.1 as whole sentences: what a figure counts with how it compares,
an equity pair as the test found it, and the (heading, sentence) lines that `check TRUST`
and the report both show for a body.

Pure: built from the phrases of `cocwatch.core.comparison_words` (methods, counts, against
England or the region, rank, funnel, over time, data quality) and `cocwatch.core.wording`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from cocwatch.core.comparison import Comparison, EquityGap, counts_only
from cocwatch.core.comparison_over_time import OverTime
from cocwatch.core.comparison_words import (
    amount_words,
    count_words,
    counted_in,
    funnel_words,
    kind_compared,
    over_time_words,
    own_quality_words,
    rank_words,
    total_words,
    versus_words,
)
from cocwatch.core.kinds import Style
from cocwatch.core.measures import OfficialMeasure
from cocwatch.core.stats import Count
from cocwatch.core.wording import figure_percent, month_year


def figure_words(measure: OfficialMeasure, month: date, count: Count) -> str:
    """What a figure counts, with its month as the data say it (DOMAIN §3): 'x% of women
    reaching 29 weeks in April 2025 (15 of 545) were placed on a continuity of carer
    pathway'; for a measure counted months before it is published, the month counted and
    then '(published for April 2025)'."""
    who = f"{measure.unit.many} {measure.counted} in {month_year(counted_in(measure, month))}"
    did = measure.outcome
    if measure.lag_months:
        did += f" (published for {month_year(month)})"
    if counts_only(count):
        return f"{amount_words(count.numerator)} of {total_words(count.denominator)} {who} {did}"
    share = figure_percent(100 * count.numerator / count.denominator)
    return f"{share} of {who} ({count.numerator:,} of {count.denominator:,}) {did}"


def comparison_sentence(c: Comparison, style: Style = "technical") -> str:
    """One plain sentence: what the figure counts, against England, its rank; e.g. '2.8% of
    women reaching 29 weeks in April 2025 (15 of 545) were placed …: lower than England's
    17.1%, beyond what chance would explain; 73rd of 103 Trusts …'."""
    said = figure_words(c.measure, c.month, c.own)
    if not c.passed:
        return (
            f"{said}; not compared with others: {kind_compared(c).the}'s data did not pass "
            f"{c.measure.publisher.checks}."
        )
    extra = []
    if c.england is not None:
        extra.append(versus_words(c.england, style))
    ranked = rank_words(c, style)
    if ranked:
        extra.append(ranked)
    return said + (": " + "; ".join(extra) if extra else "") + "."


def equity_words(gap: EquityGap, *, group: str) -> str:
    """The targeted group against its comparison group, as the test found it."""
    comparison = gap.pair.comparison.who
    unit = gap.measure.unit.many
    if gap.group is None:
        return f"{group}: no figure (no women in the group that month, or none published)."
    if gap.comparison is None:
        return (
            f"{group}: {count_words(gap.group, unit)}; no figure for {comparison} to compare with."
        )
    own, other = count_words(gap.group, unit), count_words(gap.comparison, unit)
    if gap.too_small or gap.test is None:
        # How the publisher rounds small counts is said once, beside the comparisons.
        return f"{group}: {own} against {other} for {comparison}: too few women to tell them apart."
    if gap.significant_gap:
        verdict = "behind, beyond what chance would explain (a test of two proportions at 95%)"
    elif gap.test.significant:
        verdict = "ahead, beyond what chance would explain (a test of two proportions at 95%)"
    else:
        verdict = "not distinguishable at these numbers"
    return f"{group}: {own} against {other} for {comparison}: {verdict}."


Headings = Mapping[str, str]  # "region", "funnel", "equity", "over_time"


def comparison_lines(
    compared: Iterable[Comparison],
    equity_gaps: Iterable[EquityGap],
    over: Iterable[OverTime],
    *,
    headings: Headings,
    long_headings: bool = False,
    style: Style = "technical",
) -> list[tuple[str, str]]:
    """The comparisons of SPEC §4.1 as (heading, plain sentence) pairs, for `check TRUST` and
    the report alike: each measure's figure (headed by the measure, its long heading with
    `long_headings`), then the equity pairs, then the changes over time; each group is named as its
    source defines it."""
    lines: list[tuple[str, str]] = []
    quality: str | None = None
    for c in compared:
        heading = c.measure.caption if long_headings else c.measure.heading
        lines.append((heading, comparison_sentence(c, style)))
        if c.region is not None:
            lines.append((headings["region"], _sentence(versus_words(c.region, style))))
        funnel = funnel_words(c, style)
        if funnel:
            lines.append((headings["funnel"], _sentence(funnel)))
        quality = quality or own_quality_words(c)
    if quality:
        lines.append((headings.get("quality", "Quality"), _sentence(quality)))
    for gap in equity_gaps:
        lines.append((headings["equity"], equity_words(gap, group=gap.pair.group.label)))
    for series in over:
        lines += [(headings["over_time"], said) for said in over_time_words(series)]
    return lines


def _sentence(text: str) -> str:
    return f"{text[0].upper()}{text[1:]}."
