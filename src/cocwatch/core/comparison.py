"""How a body's official figure compares with England, its region and its peers, and how
groups compare within it (SPEC §4.1).

Pure: official observations (`cocwatch.core.official`) and the measures their sources
declare (`cocwatch.core.measures`) in, frozen results out; the methods are the named
functions of `cocwatch.core.stats`. Nothing here names a source's measure or convention: a
measure says which of its groups are compared and what passing its publisher's checks means.
For one measure and month, `peers` gathers England's figure, each NHS England region's, and
every provider that passed the publisher's checks that month (only they are ranked, placed on
the funnel or compared); `compare` places one body's rows among them (a Trust's today; the
same path serves any body with rows of its own):

- against England: the body's 95% and 99.8% Wilson intervals (Fingertips' "compared with
  England"): lower, similar or higher at each level;
- rank among the passing providers (1 = highest rate; ties share a place) and its fifth;
- the funnel: limits around England's proportion at 95% and 99.8%, plain and adjusted for
  over-dispersion (Spiegelhalter 2005, which needs two providers or more); "exceptional" only
  beyond the adjusted 99.8% limit;
- against its region's row of the same file, the same way as against England;
- equity: each of the measure's declared pairs (a targeted group against its comparison
  group), by a test of two proportions at 95%.

A body's figure over the months is `cocwatch.core.comparison_over_time`. The words for all of
this are in `cocwatch.core.comparison_words`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from cocwatch.core.bodies import KIND_BY_LEVEL, TRUST
from cocwatch.core.measures import NOTHING_DECLARED, Declared, EquityPair, OfficialMeasure
from cocwatch.core.official import Observation
from cocwatch.core.stats import (
    MIN_DISPERSION_UNITS,
    Count,
    FunnelPlacement,
    Interval,
    Overdispersion,
    Placing,
    Rank,
    TwoProportionTest,
    classify_funnel,
    compare_with_benchmark,
    is_small,
    overdispersion,
    place_among,
    rank_among,
    two_proportion_test,
    wilson_interval,
)

Verdict = Literal["lower", "similar", "higher"]
# A published 5 stands for any count from 1 to 7 (NHS England's disclosure control).
SUPPRESSED_COUNT = 5
SUPPRESSED_RANGE = (1, 7)


def region_key(name: str) -> str:
    """A region's name as the registry and the file both can give it: 'LONDON COMMISSIONING
    REGION' and 'London' are both 'london'."""
    text = re.sub(r"\bcommissioning region\b", "", name.lower())
    return " ".join(re.sub(r"[^a-z ]", " ", text).split())


def possible_counts(count: Count) -> tuple[Count, ...]:
    """Every count a published one may stand for: a published 5 (numerator or denominator)
    is any count from 1 to 7; other counts are taken as published."""
    low, high = SUPPRESSED_RANGE
    numerators = range(low, high + 1) if count.numerator == SUPPRESSED_COUNT else [count.numerator]
    denominators = (
        range(low, high + 1) if count.denominator == SUPPRESSED_COUNT else [count.denominator]
    )
    return tuple(Count(n, d) for d in denominators for n in numerators if n <= d)


def proportion_range(count: Count) -> tuple[float, float]:
    """The lowest and highest proportion a published count may stand for."""
    proportions = [c.numerator / c.denominator for c in possible_counts(count)]
    return min(proportions), max(proportions)


def counted(o: Observation) -> Count | None:
    """The counts of an observation with women in it (none for a withheld rate or no women)."""
    if o.low_dq or o.numerator is None or not o.denominator or o.numerator > o.denominator:
        return None
    return Count(o.numerator, o.denominator)


@dataclass(frozen=True, slots=True)
class Ranked:
    """The bodies of one kind (providers, or LMNSs) with a figure of one measure and month:
    their counts, their ranks (1 = highest rate), their places with every published 5
    standing for any count from 1 to 7, and how much they spread."""

    counts: Mapping[str, Count]  # code → counts
    ranks: Mapping[str, Rank]  # by the published counts
    placings: Mapping[str, Placing]
    dispersion: Overdispersion | None  # None with fewer than two bodies to spread


NOBODY = Ranked({}, {}, {}, None)


@dataclass(frozen=True, slots=True)
class Peers:
    """One measure's official figures for one month: England, regions, and the bodies of
    each kind (`cocwatch.core.bodies`): the passing providers, and the LMNSs."""

    measure: OfficialMeasure
    month: date
    england: Count | None
    regions: Mapping[str, tuple[str, Count]]  # region_key → (name as published, counts)
    levels: Mapping[str, Ranked]  # by the statistics' level: "provider", "lms"

    def of(self, level: str) -> Ranked:
        """The bodies of one level (none when the file has no rows of it)."""
        return self.levels.get(level, NOBODY)

    @property
    def providers(self) -> Mapping[str, Count]:
        """ODS code → counts; the providers whose data passed the publisher's checks."""
        return self.of(TRUST.level).counts

    @property
    def ranks(self) -> Mapping[str, Rank]:
        return self.of(TRUST.level).ranks

    @property
    def placings(self) -> Mapping[str, Placing]:
        return self.of(TRUST.level).placings

    @property
    def dispersion(self) -> Overdispersion | None:
        return self.of(TRUST.level).dispersion

    @property
    def england_proportion(self) -> float | None:
        e = self.england
        return e.numerator / e.denominator if e is not None and e.denominator else None


def peers(measure: OfficialMeasure, month: date, observations: Iterable[Observation]) -> Peers:
    """Gather England, the regions and the bodies of each kind of one measure and month.

    A body counts when it had women that month and, for a kind whose rows carry the
    publisher's own quality result (a provider), when its headline passed the publisher's
    checks (as its measure says); an LMNS's rows are built from passing providers already.
    """
    england: Count | None = None
    regions: dict[str, tuple[str, Count]] = {}
    bodies: dict[str, dict[str, Count]] = {level: {} for level in KIND_BY_LEVEL}
    for o in observations:
        if o.measure != measure.code or o.group != "all" or o.period_end != month:
            continue
        found = counted(o)
        if found is None:
            continue
        if o.level == "national":
            england = found
        elif o.level == "region":
            regions[region_key(o.name)] = (o.name, found)
        elif (kind := KIND_BY_LEVEL.get(o.level)) is not None and (
            not kind.own_quality or measure.passed(o)
        ):
            bodies[o.level][o.code.upper()] = found
    proportion = england.numerator / england.denominator if england is not None else None
    levels = {}
    for level, counts in bodies.items():
        ranks = rank_among({code: c.numerator / c.denominator for code, c in counts.items()})
        placings = place_among({code: proportion_range(c) for code, c in counts.items()})
        spread = None
        if proportion is not None and len(counts) >= MIN_DISPERSION_UNITS:
            spread = overdispersion(list(counts.values()), proportion)
        levels[level] = Ranked(counts, ranks, placings, spread)
    return Peers(measure, month, england, regions, levels)


@dataclass(frozen=True, slots=True)
class Versus:
    """A figure against a benchmark's value: the verdict at 95% and at 99.8%.

    A verdict is None when the counts a published 5 may stand for (1 to 7) give different
    verdicts: nothing is said then but what each of them allows (`possible_95`, …).
    """

    name: str  # "England", or the region's name
    benchmark: Count
    at_95: Verdict | None
    at_998: Verdict | None
    possible_95: tuple[Verdict, ...] = ()
    possible_998: tuple[Verdict, ...] = ()

    @property
    def settled(self) -> bool:
        """Whether both verdicts hold for every count the published ones may stand for."""
        return self.at_95 is not None and self.at_998 is not None

    @property
    def percent(self) -> float:
        return 100 * self.benchmark.numerator / self.benchmark.denominator


@dataclass(frozen=True, slots=True)
class EquityGap:
    """One targeted group against its comparison group, in one body, one measure and month."""

    pair: EquityPair
    measure: OfficialMeasure
    month: date
    group: Count | None  # None: no women in the group that month (or no figure)
    comparison: Count | None
    test: TwoProportionTest | None
    # Too few women to test: a denominator under 30, or a published count of 5 (which
    # stands for any count from 1 to 7) on either side.
    too_small: bool = False

    @property
    def cohort(self) -> str:
        """The targeted cohort: ethnic_minority or most_deprived."""
        return self.pair.cohort

    @property
    def significant_gap(self) -> bool:
        """The group is behind its comparison group, beyond what chance would explain."""
        return self.test is not None and self.test.significant and self.test.difference < 0


@dataclass(frozen=True, slots=True)
class Comparison:
    """Where one body's official figure of one measure and month stands."""

    measure: OfficialMeasure
    month: date
    own: Count
    interval_95: Interval
    interval_998: Interval
    england: Versus | None
    region: Versus | None
    rank: Rank | None  # None: not ranked (its data did not pass that month)
    ranked_of: int  # how many bodies of its kind were ranked
    # None: not on the funnel, or placed differently by the counts a published 5 may stand
    # for (`funnel_unsettled`).
    funnel: FunnelPlacement | None
    # Compared with others: its data passed the publisher's checks that month, or (a body
    # whose rows carry no quality result of their own, such as an LMNS) the publisher built
    # its figure from data that passed.
    passed: bool
    # Its place with every published 5 standing for any count from 1 to 7 (its own and the
    # others'): what may be said of its rank.
    placing: Placing | None = None
    funnel_unsettled: bool = False
    level: str = TRUST.level  # the kind of body: "provider", "lms" (`cocwatch.core.bodies`)

    @property
    def percent(self) -> float:
        return 100 * self.own.numerator / self.own.denominator

    @property
    def small(self) -> bool:
        """Small numbers (`counts_only`): given as counts, never as a percentage."""
        return counts_only(self.own)


_VERDICT_ORDER: tuple[Verdict, ...] = ("lower", "similar", "higher")


def _versus(name: str, own: Count, benchmark: Count) -> Versus:
    """The verdicts at 95% and 99.8%; with a published 5, only what holds for every count it
    may stand for (1 to 7), else None (and the verdicts those counts give)."""
    proportion = benchmark.numerator / benchmark.denominator
    counts = possible_counts(own)

    def possible(level: float) -> tuple[Verdict, ...]:
        found = {
            compare_with_benchmark(c.numerator, c.denominator, proportion, level) for c in counts
        }
        return tuple(v for v in _VERDICT_ORDER if v in found)

    at_95, at_998 = possible(0.95), possible(0.998)
    return Versus(
        name,
        benchmark,
        at_95[0] if len(at_95) == 1 else None,
        at_998[0] if len(at_998) == 1 else None,
        at_95,
        at_998,
    )


def compare(
    code: str, region: str | None, own: Observation | None, peers: Peers
) -> Comparison | None:
    """Place a body's headline observation of `peers`' measure and month among its peers.

    `code` is the body's code among the bodies of its kind (its rank: a provider among the
    providers, an LMNS among the LMNSs), `region` the name of its NHS England region (the
    registry's), `own` its row of the measure, month and group "all".
    """
    if own is None:
        return None
    found = counted(own)
    if found is None:
        return None
    i95 = wilson_interval(found.numerator, found.denominator, 0.95)
    i998 = wilson_interval(found.numerator, found.denominator, 0.998)
    assert i95 is not None and i998 is not None  # a denominator above 0
    kind = KIND_BY_LEVEL.get(own.level, TRUST)
    passed = peers.measure.passed(own) if kind.own_quality else True
    ranked = peers.of(kind.level)
    england = _versus("England", found, peers.england) if peers.england and passed else None
    region_row = peers.regions.get(region_key(region)) if region and passed else None
    versus_region = (
        _versus(f"the {region} region", found, region_row[1]) if region_row and region else None
    )
    funnel = None
    unsettled = False
    proportion = peers.england_proportion
    if passed and ranked.dispersion is not None and proportion is not None:
        dispersion = ranked.dispersion
        placed = {
            classify_funnel(c.numerator, c.denominator, proportion, dispersion)
            for c in possible_counts(found)
        }
        funnel = placed.pop() if len(placed) == 1 else None
        unsettled = funnel is None
    return Comparison(
        measure=peers.measure,
        month=peers.month,
        own=found,
        interval_95=i95,
        interval_998=i998,
        england=england,
        region=versus_region,
        rank=ranked.ranks.get(code.upper()) if passed else None,
        ranked_of=len(ranked.counts),
        funnel=funnel,
        passed=passed,
        placing=ranked.placings.get(code.upper()) if passed else None,
        funnel_unsettled=unsettled,
        level=kind.level,
    )


def _own_rows(
    observations: Iterable[Observation], measure: OfficialMeasure, month: date
) -> dict[str, Observation]:
    """One body's rows of a measure and month, by group (`observations` are its own)."""
    return {o.group: o for o in observations if o.measure == measure.code and o.period_end == month}


def equity(
    observations: Iterable[Observation], measure: OfficialMeasure, month: date
) -> tuple[EquityGap, ...]:
    """Each of the measure's targeted groups against its comparison group, in one body's rows."""
    by_group = _own_rows(observations, measure, month)
    gaps = []
    for pair in measure.equity:
        mine, theirs = by_group.get(pair.group.code), by_group.get(pair.comparison.code)
        a = counted(mine) if mine else None
        b = counted(theirs) if theirs else None
        if a is None or b is None:
            gaps.append(EquityGap(pair, measure, month, a, b, None))
            continue
        if counts_only(a) or counts_only(b):
            gaps.append(EquityGap(pair, measure, month, a, b, None, too_small=True))
            continue
        test = two_proportion_test(a.numerator, a.denominator, b.numerator, b.denominator)
        gaps.append(EquityGap(pair, measure, month, a, b, test))
    return tuple(gaps)


def no_women(
    observations: Iterable[Observation], measure: OfficialMeasure, month: date
) -> frozenset[str]:
    """The targeted cohorts of the measure that had no women that month."""
    empty = {
        o.group
        for o in observations
        if o.measure == measure.code and o.period_end == month and o.denominator == 0
    }
    return frozenset(pair.cohort for pair in measure.equity if pair.group.code in empty)


def counts_only(count: Count) -> bool:
    """Small numbers (SPEC §4.1): under 30 women, or a published 5 (any count from 1 to 7)
    on either side. Such a figure is given as counts, never as a percentage."""
    return is_small(count.denominator) or SUPPRESSED_COUNT in (count.numerator, count.denominator)


@dataclass(frozen=True, slots=True)
class OfficialContext:
    """What the assessment needs of the official statistics for one run: the sources'
    declarations, and (when the statistics folder holds files) what the figures are
    compared with."""

    declared: Declared = NOTHING_DECLARED
    peers: Mapping[tuple[str, date], Peers] = field(default_factory=dict)  # (measure, month)
    # Each body's own rows, by (level, code): ("provider", ODS code), ("lms", ICB code).
    own: Mapping[tuple[str, str], Sequence[Observation]] = field(default_factory=dict)
    latest_month: date | None = None  # the last month the statistics folder holds
    in_use: tuple[str, ...] = ()  # the sources whose files the folder keeps

    def observations(self, code: str, level: str = TRUST.level) -> Sequence[Observation]:
        """A body's own rows of the months compared (by its code and the level of its rows:
        a provider's ODS code, or an LMNS's ICB code with level "lms")."""
        return self.own.get((level, code.upper()), ())

    @property
    def kept(self) -> bool:
        """Whether the statistics folder keeps any file (else nothing is compared)."""
        return bool(self.in_use)


def official_context(
    declared: Declared,
    observations: Iterable[Observation],
    months: Iterable[tuple[OfficialMeasure, date]],
    *,
    latest_month: date | None = None,
    in_use: tuple[str, ...] = (),
) -> OfficialContext:
    """Peers for each (measure, month), and each body's own rows, from file rows."""
    rows = list(observations)
    wanted = {(m.code, month): m for m, month in months}
    by_key: dict[tuple[str, date], list[Observation]] = {}
    for o in rows:
        if o.group == "all" and (o.measure, o.period_end) in wanted:
            by_key.setdefault((o.measure, o.period_end), []).append(o)
    own: dict[tuple[str, str], list[Observation]] = {}
    for o in rows:
        if o.level in KIND_BY_LEVEL:
            own.setdefault((o.level, o.code.upper()), []).append(o)
    return OfficialContext(
        declared,
        {key: peers(wanted[key], key[1], found) for key, found in by_key.items()},
        {code: tuple(found) for code, found in own.items()},
        latest_month,
        in_use,
    )
