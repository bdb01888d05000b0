"""The comparisons of SPEC §4.1 in plain words, for `check`, the report and the letters.

Every word about a measure (what it counts, in which month, in what unit) and about its
publisher (whose checks, how counts are published) comes from the measure's declaration
(`cocwatch.core.measures`); the methods are named as `cocwatch.core.stats` computes them.
Pure: `cocwatch.core.comparison`, the declarations and `cocwatch.core.wording` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from cocwatch.core.bodies import KIND_BY_LEVEL, TRUST, BodyKind
from cocwatch.core.comparison import (
    SUPPRESSED_COUNT,
    Comparison,
    EquityGap,
    OfficialContext,
    OverTime,
    Versus,
    counts_only,
)
from cocwatch.core.measures import OfficialMeasure, Publisher
from cocwatch.core.official import Observation
from cocwatch.core.stats import Count, is_small
from cocwatch.core.wording import figure_percent, month_year, signed_points

METHOD_ENGLAND = "Wilson score interval at 95% and 99.8% against England's value"
METHOD_FUNNEL = (
    "funnel limits around England's proportion at 95% and 99.8%, plain and adjusted for "
    "over-dispersion (Spiegelhalter 2005, 10% winsorised)"
)
METHOD_EQUITY = (
    "test of two proportions at 95% (pooled z-test; Fisher's exact test for small counts)"
)
METHOD_SPC = "p-chart with the Making Data Count rules"


def method_rank(publisher: Publisher, kind: BodyKind = TRUST) -> str:
    """How a rank is made: 'rank among the Trusts whose data passed NHS England's checks …',
    or among the LMNSs."""
    return f"rank among the {kind.ranked_among(publisher.checks)} that month"


def suppression_words(publisher: Publisher) -> str:
    """How the publisher publishes small counts: '… as 5 and rounds other counts to …'."""
    return " and ".join(p for p in (publisher.suppression, publisher.rounding) if p)


def small_numbers_caution(publisher: Publisher | None) -> str:
    """Why a figure on small numbers is not precise: 'small numbers: NHS England publishes
    any count from 1 to 7 as 5, so this percentage is not precise'."""
    how = f"{publisher.suppression}, so " if publisher is not None and publisher.suppression else ""
    return f"small numbers: {how}this percentage is not precise"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st…"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def amount_words(numerator: int) -> str:
    """A numerator in words: a published 5 stands for any count from 1 to 7."""
    return (
        "none" if numerator == 0 else "a few" if numerator == SUPPRESSED_COUNT else f"{numerator:,}"
    )


def total_words(denominator: int) -> str:
    """A denominator in words: counts are rounded to the nearest 5 (5 itself: 1 to 7)."""
    if denominator == SUPPRESSED_COUNT:
        return "a few"
    return f"about {denominator}" if is_small(denominator) else f"{denominator:,}"


def count_words(count: Count, unit: str = "women") -> str:
    """A figure people can read: '2.8% (15 of 545 women)'; small numbers as counts only:
    'none of about 10 women', 'a few of 190 women', 'a few of a few women'."""
    if counts_only(count):
        return f"{amount_words(count.numerator)} of {total_words(count.denominator)} {unit}"
    share = figure_percent(100 * count.numerator / count.denominator)
    return f"{share} ({count.numerator:,} of {count.denominator:,} {unit})"


def versus_words(v: Versus) -> str:
    """'lower than England's 17.1%, beyond what chance would explain' and the like."""
    theirs = f"{v.name}'s {figure_percent(v.percent)}"
    if v.at_998 in ("lower", "higher"):
        return f"{v.at_998} than {theirs}, beyond what chance would explain (99.8% level)"
    if v.at_95 in ("lower", "higher"):
        return (
            f"{v.at_95} than {theirs} at the 95% level, though not at 99.8% (chance cannot "
            "be ruled out as firmly)"
        )
    return f"not distinguishable from {theirs} at these numbers"


def kind_compared(c: Comparison) -> BodyKind:
    """The kind of body a comparison is of (a Trust, an LMNS): its words and its peers."""
    return KIND_BY_LEVEL.get(c.level, TRUST)


def rank_words(c: Comparison) -> str | None:
    if c.rank is None:
        return None
    among = kind_compared(c).ranked_among(c.measure.publisher.checks)
    return (
        f"{ordinal(c.rank.position)} of {c.ranked_of} {among} that month "
        f"({ordinal(c.rank.quintile)} fifth from the top)"
    )


def funnel_words(c: Comparison) -> str | None:
    f = c.funnel
    if f is None:
        return None
    many = kind_compared(c).plural
    if f.exceptional:
        side = "above" if f.adjusted.startswith("above") else "below"
        return (
            f"exceptional: {side} the funnel's 99.8% limit even after allowing for how much "
            f"{many} differ from one another"
        )
    if f.plain in ("below_99.8", "above_99.8"):
        return (
            "outside the plain 99.8% funnel limit, but within the limits that allow for how "
            f"much {many} differ (most of the variation between {many} is not chance)"
        )
    return None


def own_quality_words(c: Comparison) -> str | None:
    """For a body whose rows carry no data-quality result of their own (an LMNS): what its
    figure is built from, said instead of inventing a result."""
    kind = kind_compared(c)
    if kind.own_quality:
        return None
    return (
        f"an {kind.noun}'s figures have no data-quality result of their own: "
        f"{c.measure.publisher.name} builds them from its Trusts whose data passed "
        f"{c.measure.publisher.checks}"
    )


def months_before(day: date, months: int) -> date:
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def counted_in(measure: OfficialMeasure, month: date) -> date:
    """The month the women of a figure published for `month` were counted in."""
    return months_before(month, measure.lag_months) if measure.lag_months else month


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


def comparison_sentence(c: Comparison) -> str:
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
        extra.append(versus_words(c.england))
    ranked = rank_words(c)
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


def over_time_words(ot: OverTime) -> list[str]:
    """The change on a year earlier and the SPC signals, in words."""
    said: list[str] = []
    yoy = ot.year_on_year
    if yoy is not None:
        verdict = (
            "a change beyond what chance would explain"
            if yoy.test.significant
            else "not distinguishable from no change at these numbers"
        )
        said.append(
            f"Against {month_year(yoy.month.replace(year=yoy.month.year - 1))}: "
            f"{signed_points(yoy.change_points)} points ({verdict})."
        )
    chart = ot.chart
    if chart is not None:
        rules = {"beyond_limits": "a month beyond the process limits",
                 "shift": "a run of 7 or more months on one side of the average",
                 "trend": "7 or more months rising or falling in a row"}  # fmt: skip
        if chart.signals:
            found = "; ".join(f"{rules[s.rule]} ({s.direction})" for s in chart.signals)
            said.append(f"Over {len(chart.values)} months ({METHOD_SPC}): {found}.")
        else:
            said.append(
                f"Over {len(chart.values)} months ({METHOD_SPC}): no signal; the months vary "
                "about as chance would."
            )
    return said


STALE_STATISTICS_DAYS = 120  # NHS England publishes a month about two months after it ends


def statistics_note(official: OfficialContext | None, as_of: date) -> str | None:
    """Said once for the registry: its statistics end long before the as-of date."""
    if official is None or official.latest_month is None:
        return None
    if (as_of - official.latest_month).days <= STALE_STATISTICS_DAYS:
        return None
    used = [s for s in official.declared.sources if s.name in official.in_use]
    cadence = "; ".join(dict.fromkeys(s.publisher.cadence for s in used))
    updates = " and ".join(f"`{s.update}`" for s in used if s.update)
    how = f" {updates} adds them (to a registry of your own: `cocwatch init`)." if updates else ""
    return (
        f"The official statistics in use end in {month_year(official.latest_month)}; "
        f"{cadence}, so newer figures are very likely out.{how} This is a gap in the "
        "registry, not a finding about any Trust."
    )


Headings = Mapping[str, str]  # "region", "funnel", "equity", "over_time"


def comparison_lines(
    compared: Iterable[Comparison],
    equity_gaps: Iterable[EquityGap],
    over: Iterable[OverTime],
    *,
    headings: Headings,
    group_names: Mapping[str, str],
    long_headings: bool = False,
) -> list[tuple[str, str]]:
    """The comparisons of SPEC §4.1 as (heading, plain sentence) pairs, for `check TRUST` and
    the report alike: each measure's figure (headed by the measure, its long heading with
    `long_headings`), then the equity pairs, then the changes over time; `group_names`
    names each targeted cohort."""
    lines: list[tuple[str, str]] = []
    quality: str | None = None
    for c in compared:
        heading = c.measure.caption if long_headings else c.measure.heading
        lines.append((heading, comparison_sentence(c)))
        if c.region is not None:
            lines.append((headings["region"], _sentence(versus_words(c.region))))
        funnel = funnel_words(c)
        if funnel:
            lines.append((headings["funnel"], _sentence(funnel)))
        quality = quality or own_quality_words(c)
    if quality:
        lines.append((headings.get("quality", "Quality"), _sentence(quality)))
    for gap in equity_gaps:
        lines.append((headings["equity"], equity_words(gap, group=group_names[gap.cohort])))
    for series in over:
        lines += [(headings["over_time"], said) for said in over_time_words(series)]
    return lines


def _sentence(text: str) -> str:
    return f"{text[0].upper()}{text[1:]}."


def dq_failures(
    dq: Iterable[Observation], measure: OfficialMeasure, month: date | None = None
) -> list[str]:
    """Which data-quality measures governing `measure` failed (that month), in words, from
    the file's own rows, each count with its unit where the source confirms it."""
    rows: Sequence[Observation] = [o for o in dq if month is None or o.period_end == month]
    said = []
    for check in measure.checks:
        o = next((o for o in rows if o.measure == check.code), None)
        if o is not None and o.result == "fail":
            said.append(check.failure(o))
    return said
