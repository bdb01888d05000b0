"""How a Trust's official figure compares with England, its region and the other Trusts, and
how groups compare within the Trust (SPEC §4.1).

Pure: official observations (`cocwatch.core.official`) in, frozen results out; the methods
are the named functions of `cocwatch.core.stats`. For one measure and month, `peers` gathers
England's figure, each NHS England region's, and every provider whose data passed NHS
England's quality checks that month (only they are ranked, placed on the funnel or compared);
`compare` places one Trust among them:

- against England: the Trust's 95% and 99.8% Wilson intervals (Fingertips' "compared with
  England"): lower, similar or higher at each level;
- rank among the passing Trusts (1 = highest rate; ties share a place) and its fifth;
- the funnel: limits around England's proportion at 95% and 99.8%, plain and adjusted for
  over-dispersion (Spiegelhalter 2005); "exceptional" only beyond the adjusted 99.8% limit;
- against its region's row of the same file, the same way as against England;
- equity: ethnic-minority (MSDS's BAME group) against White women, and the most deprived
  decile against the least deprived, by a test of two proportions at 95%.

Over time (`over_time`): the change on the same month a year earlier, tested the same way,
and with 15 or more consecutive months a p-chart with the *Making Data Count* rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

from cocwatch.core.official import Observation
from cocwatch.core.stats import (
    MIN_SPC_POINTS,
    Count,
    FunnelPlacement,
    Interval,
    Overdispersion,
    Rank,
    SpcChart,
    TwoProportionTest,
    YearOnYear,
    classify_funnel,
    compare_with_benchmark,
    is_small,
    overdispersion,
    p_chart,
    rank_among,
    two_proportion_test,
    wilson_interval,
    year_on_year,
)

Verdict = Literal["lower", "similar", "higher"]
# The comparison groups of the equity tests: (the group, its comparison group).
EQUITY_GROUPS: Mapping[str, tuple[str, str]] = {
    "ethnic_minority": ("ethnicity_bame", "ethnicity_white"),
    "most_deprived": ("imd_01", "imd_10"),
}
# What each targeted group is compared with, as NHS England names the groups.
COMPARISON_GROUP: Mapping[str, str] = {
    "ethnic_minority": "White women",
    "most_deprived": "women from the least deprived 10% of neighbourhoods",
}
METHOD_ENGLAND = "Wilson score interval at 95% and 99.8% against England's value"
METHOD_FUNNEL = (
    "funnel limits around England's proportion at 95% and 99.8%, plain and adjusted for "
    "over-dispersion (Spiegelhalter 2005, 10% winsorised)"
)
METHOD_RANK = "rank among the Trusts whose data passed NHS England's checks that month"
METHOD_EQUITY = (
    "test of two proportions at 95% (pooled z-test; Fisher's exact test for small counts)"
)
METHOD_SPC = "p-chart with the Making Data Count rules"


def region_key(name: str) -> str:
    """A region's name as the registry and MSDS both can give it: 'LONDON COMMISSIONING
    REGION' and 'London' are both 'london'."""
    text = re.sub(r"\bcommissioning region\b", "", name.lower())
    return " ".join(re.sub(r"[^a-z ]", " ", text).split())


def counttotal_words(o: Observation) -> Count | None:
    """The counts of an observation with women in it (none for Low DQ or no women)."""
    if o.low_dq or o.numerator is None or not o.denominator or o.numerator > o.denominator:
        return None
    return Count(o.numerator, o.denominator)


@dataclass(frozen=True, slots=True)
class Peers:
    """One measure's official figures for one month: England, regions, passing providers."""

    measure: str
    month: date
    england: Count | None
    regions: Mapping[str, tuple[str, Count]]  # region_key → (name as published, counts)
    providers: Mapping[str, Count]  # ODS code → counts; passing providers only
    ranks: Mapping[str, Rank]
    dispersion: Overdispersion | None

    @property
    def england_proportion(self) -> float | None:
        e = self.england
        return e.numerator / e.denominator if e is not None and e.denominator else None


def peers(measure: str, month: date, observations: Iterable[Observation]) -> Peers:
    """Gather England, the regions and the passing providers of one measure and month.

    A provider counts when its headline's own result passed and it had women that month.
    """
    england: Count | None = None
    regions: dict[str, tuple[str, Count]] = {}
    providers: dict[str, Count] = {}
    for o in observations:
        if o.measure != measure or o.group != "all" or o.period_end != month:
            continue
        counted = counttotal_words(o)
        if counted is None:
            continue
        if o.level == "national":
            england = counted
        elif o.level == "region":
            regions[region_key(o.name)] = (o.name, counted)
        elif o.level == "provider" and o.result == "pass":
            providers[o.code.upper()] = counted
    ranks = rank_among({code: c.numerator / c.denominator for code, c in providers.items()})
    dispersion = None
    if england is not None and providers:
        dispersion = overdispersion(
            list(providers.values()), england.numerator / england.denominator
        )
    return Peers(measure, month, england, regions, providers, ranks, dispersion)


@dataclass(frozen=True, slots=True)
class Versus:
    """A figure against a benchmark's value: the verdict at 95% and at 99.8%."""

    name: str  # "England", or the region's name
    benchmark: Count
    at_95: Verdict | None
    at_998: Verdict | None

    @property
    def percent(self) -> float:
        return 100 * self.benchmark.numerator / self.benchmark.denominator


@dataclass(frozen=True, slots=True)
class EquityGap:
    """One targeted group against its comparison group, in one Trust, one month."""

    cohort: str  # "ethnic_minority" or "most_deprived"
    group: Count | None  # None: no women in the group that month (or no figure)
    comparison: Count | None
    test: TwoProportionTest | None
    # Too few women to test: a denominator under 30, or a published count of 5 (which
    # stands for any count from 1 to 7) on either side.
    too_small: bool = False

    @property
    def significant_gap(self) -> bool:
        """The group is behind its comparison group, beyond what chance would explain."""
        return self.test is not None and self.test.significant and self.test.difference < 0


@dataclass(frozen=True, slots=True)
class Comparison:
    """Where one Trust's official figure of one measure and month stands."""

    measure: str
    month: date
    own: Count
    interval_95: Interval
    interval_998: Interval
    england: Versus | None
    region: Versus | None
    rank: Rank | None  # None: not ranked (its data did not pass that month)
    ranked_of: int  # how many Trusts were ranked
    funnel: FunnelPlacement | None
    passed: bool  # its data passed NHS England's checks that month

    @property
    def percent(self) -> float:
        return 100 * self.own.numerator / self.own.denominator

    @property
    def small(self) -> bool:
        """Small numbers (`counts_only`): given as counts, never as a percentage."""
        return counts_only(self.own)


# A published 5 stands for any count from 1 to 7 (NHS England's disclosure control).
SUPPRESSED_RANGE = (1, 7)


def _versus(name: str, own: Count, benchmark: Count) -> Versus:
    """The verdicts at 95% and 99.8%; with a published 5, only what holds for every count it
    may stand for (1 to 7), else 'similar' (not distinguishable at these numbers)."""
    proportion = benchmark.numerator / benchmark.denominator

    def verdict(level: float) -> Verdict | None:
        counts = [own]
        if own.numerator == SUPPRESSED_COUNT:
            counts = [Count(n, own.denominator) for n in SUPPRESSED_RANGE if n <= own.denominator]
        found = {
            compare_with_benchmark(c.numerator, c.denominator, proportion, level) for c in counts
        }
        return found.pop() if len(found) == 1 else "similar"

    return Versus(name, benchmark, verdict(0.95), verdict(0.998))


def compare(
    ods: str, region: str | None, own: Observation | None, peers: Peers
) -> Comparison | None:
    """Place a Trust's headline observation of `peers`' measure and month among its peers."""
    if own is None:
        return None
    counted = counttotal_words(own)
    if counted is None:
        return None
    i95 = wilson_interval(counted.numerator, counted.denominator, 0.95)
    i998 = wilson_interval(counted.numerator, counted.denominator, 0.998)
    assert i95 is not None and i998 is not None  # a denominator above 0
    passed = own.result == "pass"
    england = _versus("England", counted, peers.england) if peers.england and passed else None
    region_row = peers.regions.get(region_key(region)) if region and passed else None
    versus_region = (
        _versus(f"the {region} region", counted, region_row[1]) if region_row and region else None
    )
    funnel = None
    proportion = peers.england_proportion
    if passed and peers.dispersion is not None and proportion is not None:
        funnel = classify_funnel(
            counted.numerator, counted.denominator, proportion, peers.dispersion
        )
    return Comparison(
        measure=peers.measure,
        month=peers.month,
        own=counted,
        interval_95=i95,
        interval_998=i998,
        england=england,
        region=versus_region,
        rank=peers.ranks.get(ods.upper()) if passed else None,
        ranked_of=len(peers.providers),
        funnel=funnel,
        passed=passed,
    )


def equity(observations: Iterable[Observation], measure: str, month: date) -> tuple[EquityGap, ...]:
    """Each targeted group against its comparison group in one Trust's file rows."""
    by_group = {
        o.group: o
        for o in observations
        if o.measure == measure and o.period_end == month and o.level == "provider"
    }
    gaps = []
    for cohort, (group, comparison) in EQUITY_GROUPS.items():
        mine = by_group.get(group)
        theirs = by_group.get(comparison)
        a = counttotal_words(mine) if mine else None
        b = counttotal_words(theirs) if theirs else None
        if a is None or b is None:
            gaps.append(EquityGap(cohort, a, b, None))
            continue
        if _too_small(a) or _too_small(b):
            gaps.append(EquityGap(cohort, a, b, None, too_small=True))
            continue
        test = two_proportion_test(a.numerator, a.denominator, b.numerator, b.denominator)
        gaps.append(EquityGap(cohort, a, b, test))
    return tuple(gaps)


SUPPRESSED_COUNT = 5  # NHS England publishes every count from 1 to 7 as 5


def _too_small(count: Count) -> bool:
    return is_small(count.denominator) or SUPPRESSED_COUNT in (count.numerator, count.denominator)


def no_women(observations: Iterable[Observation], measure: str, month: date) -> frozenset[str]:
    """The cohorts (ethnic_minority, most_deprived) that had no women that month."""
    empty = {
        o.group
        for o in observations
        if o.measure == measure and o.period_end == month and o.denominator == 0
    }
    return frozenset(c for c, (g, _) in EQUITY_GROUPS.items() if g in empty)


@dataclass(frozen=True, slots=True)
class OverTime:
    """A Trust's monthly series of one measure: the change on a year earlier, and SPC."""

    measure: str
    months: tuple[date, ...]
    year_on_year: YearOnYear | None
    chart: SpcChart | None  # only with MIN_SPC_POINTS or more consecutive months


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def over_time(measure: str, series: Mapping[date, Count]) -> OverTime | None:
    """The change against a year earlier, and a p-chart of the last consecutive months."""
    if not series:
        return None
    months = sorted(series)
    latest = months[-1]
    run = [latest]
    for month in reversed(months[:-1]):
        if _next_month(month) != run[-1].replace(day=1):
            break
        run.append(month)
    run.reverse()
    chart = p_chart([series[m] for m in run]) if len(run) >= MIN_SPC_POINTS else None
    by_first_day = {m.replace(day=1): c for m, c in series.items()}
    return OverTime(measure, tuple(months), year_on_year(by_first_day, latest), chart)


def counts_by_month(pairs: Sequence[tuple[date, int | None, int | None]]) -> dict[date, Count]:
    """A series of (month end, numerator, denominator) as counts, months with women only."""
    out: dict[date, Count] = {}
    for month, numerator, denominator in pairs:
        if numerator is not None and denominator and numerator <= denominator:
            out[month] = Count(numerator, denominator)
    return out


@dataclass(frozen=True, slots=True)
class OfficialContext:
    """What the assessment needs of the statistics folder for one run."""

    peers: Mapping[tuple[str, date], Peers]  # by (measure, month)
    own: Mapping[str, Sequence[Observation]]  # each Trust's rows of those months, by ODS code
    latest_month: date | None = None  # the last month the statistics folder holds

    def observations(self, ods: str) -> Sequence[Observation]:
        return self.own.get(ods.upper(), ())


def official_context(
    observations: Iterable[Observation], months: Iterable[tuple[str, date]]
) -> OfficialContext:
    """Peers for each (measure, month), and each provider's own rows, from file rows."""
    rows = list(observations)
    wanted = set(months)
    peer_rows = [o for o in rows if (o.measure, o.period_end) in wanted and o.group == "all"]
    by_key: dict[tuple[str, date], list[Observation]] = {}
    for o in peer_rows:
        by_key.setdefault((o.measure, o.period_end), []).append(o)
    own: dict[str, list[Observation]] = {}
    for o in rows:
        if o.level == "provider":
            own.setdefault(o.code.upper(), []).append(o)
    latest = max((o.period_end for o in rows), default=None)
    return OfficialContext(
        {key: peers(key[0], key[1], found) for key, found in by_key.items()},
        {code: tuple(found) for code, found in own.items()},
        latest,
    )


# ------------------------------------------------------------------ in words


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st…"""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def counts_only(count: Count) -> bool:
    """Small numbers (SPEC §4.1): under 30 women, or a published 5 (any count from 1 to 7)
    on either side. Such a figure is given as counts, never as a percentage."""
    return is_small(count.denominator) or SUPPRESSED_COUNT in (count.numerator, count.denominator)


def count_words(count: Count) -> str:
    """A figure people can read: '2.8% (15 of 545 women)'; small numbers as counts only:
    'none of about 10 women', 'a few of 190 women', 'a few of a few women'."""
    from cocwatch.core.wording import figure_percent

    if counts_only(count):
        return f"{amount_words(count.numerator)} of {total_words(count.denominator)} women"
    share = figure_percent(100 * count.numerator / count.denominator)
    return f"{share} ({count.numerator:,} of {count.denominator:,} women)"


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


def versus_words(v: Versus) -> str:
    """'lower than England's 17.1%, beyond what chance would explain' and the like."""
    from cocwatch.core.wording import figure_percent

    theirs = f"{v.name}'s {figure_percent(v.percent)}"
    if v.at_998 in ("lower", "higher"):
        return f"{v.at_998} than {theirs}, beyond what chance would explain (99.8% level)"
    if v.at_95 in ("lower", "higher"):
        return (
            f"{v.at_95} than {theirs} at the 95% level, though not at 99.8% (chance cannot "
            "be ruled out as firmly)"
        )
    return f"not distinguishable from {theirs} at these numbers"


def rank_words(c: Comparison) -> str | None:
    if c.rank is None:
        return None
    return (
        f"{ordinal(c.rank.position)} of {c.ranked_of} Trusts whose data passed NHS England's "
        f"checks that month ({ordinal(c.rank.quintile)} fifth from the top)"
    )


def funnel_words(c: Comparison) -> str | None:
    f = c.funnel
    if f is None:
        return None
    if f.exceptional:
        side = "above" if f.adjusted.startswith("above") else "below"
        return (
            f"exceptional: {side} the funnel's 99.8% limit even after allowing for how much "
            "Trusts differ from one another"
        )
    if f.plain in ("below_99.8", "above_99.8"):
        return (
            "outside the plain 99.8% funnel limit, but within the limits that allow for how "
            "much Trusts differ (most of the variation between Trusts is not chance)"
        )
    return None


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def figure_words(measure: str, month: date, count: Count) -> str:
    """What a figure counts, with its month as the data say it (DOMAIN §3):

    placement: 'x% of women reaching 29 weeks in April 2025 (15 of 545) were placed on a
    continuity of carer pathway'; receiving (counted from women who reached 29 weeks four
    months before the month it is published for): 'x% of women who reached 29 weeks in
    December 2024 (… of …) received continuity … (published for April 2025)'.
    """
    from cocwatch.core.wording import figure_percent, month_year

    if measure == "receiving_ongoing":
        who = f"women who reached 29 weeks in {month_year(_months_before(month, 4))}"
        did = (
            "received continuity of carer through pregnancy and birth (published for "
            f"{month_year(month)})"
        )
    else:
        who = f"women reaching 29 weeks in {month_year(month)}"
        did = "were placed on a continuity of carer pathway"
    if counts_only(count):
        return f"{amount_words(count.numerator)} of {total_words(count.denominator)} {who} {did}"
    share = figure_percent(100 * count.numerator / count.denominator)
    return f"{share} of {who} ({count.numerator:,} of {count.denominator:,}) {did}"


def comparison_sentence(c: Comparison) -> str:
    """One plain sentence: what the figure counts, against England, its rank; e.g. '2.8% of
    women reaching 29 weeks in April 2025 (15 of 545) were placed …: lower than England's
    17.1%, beyond what chance would explain; 73rd of 103 Trusts …'."""
    parts = [figure_words(c.measure, c.month, c.own)]
    if not c.passed:
        return (
            parts[0]
            + "; not compared with others: the Trust's data did not pass NHS England's checks."
        )
    extra = []
    if c.england is not None:
        extra.append(versus_words(c.england))
    ranked = rank_words(c)
    if ranked:
        extra.append(ranked)
    return parts[0] + (": " + "; ".join(extra) if extra else "") + "."


def equity_words(gap: EquityGap, *, group: str, comparison: str) -> str:
    """The targeted group against its comparison group, as the test found it."""
    if gap.group is None:
        return f"{group}: no figure (no women in the group that month, or none published)."
    if gap.comparison is None:
        return f"{group}: {count_words(gap.group)}; no figure for {comparison} to compare with."
    if gap.too_small or gap.test is None:
        return (
            f"{group}: {count_words(gap.group)} against {count_words(gap.comparison)} for "
            f"{comparison}: too few women to tell them apart (NHS England publishes counts of "
            "1 to 7 as 5 and rounds the rest to 5)."
        )
    own, other = count_words(gap.group), count_words(gap.comparison)
    if gap.significant_gap:
        verdict = "behind, beyond what chance would explain (a test of two proportions at 95%)"
    elif gap.test.significant:
        verdict = "ahead, beyond what chance would explain (a test of two proportions at 95%)"
    else:
        verdict = "not distinguishable at these numbers"
    return f"{group}: {own} against {other} for {comparison}: {verdict}."


def over_time_words(ot: OverTime) -> list[str]:
    """The change on a year earlier and the SPC signals, in words."""
    from cocwatch.core.wording import month_year, signed_points

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
    from cocwatch.core.wording import month_year

    if official is None or official.latest_month is None:
        return None
    if (as_of - official.latest_month).days <= STALE_STATISTICS_DAYS:
        return None
    return (
        f"The official statistics in use end in {month_year(official.latest_month)}; NHS "
        "England publishes each month about two months after it ends, so newer figures are "
        "very likely out. `cocwatch import msds --latest --commit` adds them (to a registry of "
        "your own: `cocwatch init`). This is a gap in the registry, not a finding about any Trust."
    )


Headings = Mapping[str, str]  # "placed", "receiving", "region", "funnel", "equity", "over_time"


def comparison_lines(
    placement: Comparison | None,
    receiving: Comparison | None,
    equity_gaps: Sequence[EquityGap],
    over: OverTime | None,
    *,
    headings: Headings,
    group_names: Mapping[str, str],
) -> list[tuple[str, str]]:
    """The comparisons of SPEC §4.1 as (heading, plain sentence) pairs, for `check TRUST` and
    the report alike; `group_names` names each targeted cohort."""
    lines: list[tuple[str, str]] = []
    for key, c in (("placed", placement), ("receiving", receiving)):
        if c is None:
            continue
        lines.append((headings[key], comparison_sentence(c)))
        if c.region is not None:
            lines.append((headings["region"], _sentence(versus_words(c.region))))
        funnel = funnel_words(c)
        if funnel:
            lines.append((headings["funnel"], _sentence(funnel)))
    for gap in equity_gaps:
        said = equity_words(
            gap, group=group_names[gap.cohort], comparison=COMPARISON_GROUP[gap.cohort]
        )
        lines.append((headings["equity"], said))
    if over is not None:
        lines += [(headings["over_time"], said) for said in over_time_words(over)]
    return lines


def _sentence(text: str) -> str:
    return f"{text[0].upper()}{text[1:]}."


# The data-quality measures that govern each headline measure (DOMAIN §3).
GOVERNING_DQ: Mapping[str, tuple[str, ...]] = {
    "placed_by_28_weeks": ("coc_dq04", "coc_dq05"),
    "receiving_ongoing": ("coc_dq06", "coc_dq07", "coc_dq08", "coc_dq09"),
}


def dq_failures(dq: Iterable[Observation], measure: str, month: date | None = None) -> list[str]:
    """Which data-quality measures governing `measure` failed (that month), in words, from the
    file's own DQ rows: 'COC_DQ05 is 0 of 0: no woman …', 'COC_DQ08 failed (5 of 155)'."""
    rows = [o for o in dq if month is None or o.period_end == month]
    said = []
    for code in GOVERNING_DQ.get(measure, ()):
        o = next((o for o in rows if o.measure == code), None)
        if o is None or o.result != "fail":
            continue
        if code == "coc_dq05" and o.denominator == 0:
            said.append(
                "COC_DQ05 is 0 of 0: no woman reaching 29 weeks that month was recorded as on "
                "a continuity of carer pathway at all"
            )
        elif o.numerator is not None and o.denominator is not None:
            said.append(f"{code.upper()} failed ({o.numerator:,} of {o.denominator:,})")
        else:
            said.append(f"{code.upper()} failed")
    return said
