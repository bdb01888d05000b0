"""The comparisons of SPEC §4.1 in plain words, for `check`, the report and the letters.

Every word about a measure (what it counts, in which month, in what unit) and about its
publisher (whose checks, how counts are published) comes from the measure's declaration
(`cocwatch.core.measures`); the methods are named as `cocwatch.core.stats` and
`cocwatch.core.stats_over_time` compute them. These are the phrases; the whole sentences and
the lines `check TRUST` and the report show are `cocwatch.core.comparison_sentences`.
Pure: `cocwatch.core.comparison`, the declarations and `cocwatch.core.wording` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from cocwatch.core.bodies import KIND_BY_LEVEL, TRUST, BodyKind
from cocwatch.core.comparison import (
    SUPPRESSED_COUNT,
    Comparison,
    OfficialContext,
    Versus,
    counts_only,
)
from cocwatch.core.comparison_over_time import OverTime
from cocwatch.core.kinds import Style
from cocwatch.core.measures import OfficialMeasure, Publisher
from cocwatch.core.official import Observation
from cocwatch.core.stats import Count, is_small
from cocwatch.core.stats_over_time import TRIAL_BELOW, SpcSignal
from cocwatch.core.wording import figure_percent, month_year, signed_points

METHOD_ENGLAND = "Wilson score interval at 95% and 99.8% against England's value"
METHOD_FUNNEL = (
    "funnel limits around England's proportion at 95% and 99.8%, plain and adjusted for "
    "over-dispersion (Spiegelhalter 2005, 10% winsorised)"
)
METHOD_EQUITY = (
    "test of two proportions at 95% (pooled z-test; Fisher's exact test for small counts)"
)
METHOD_SPC = (
    "XmR chart of the monthly rates, with the Making Data Count rules as NHS-R's "
    "NHSRplotthedots applies them"
)


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


# A published 5, in words, where a verdict or a place depends on it.
DEPENDS = "depends on the true count behind the published 5 (any count from 1 to 7)"
DEPENDING = "depending on the true count behind the published 5 (any count from 1 to 7)"
_SIDE = {"lower": "below", "higher": "above"}


def moved_words(own: Count, kind: BodyKind = TRUST) -> str:
    """Why a place is a range: whose published 5 moves it (the body's own count, or only
    other bodies' counts, which the reader might otherwise take for the body's own)."""
    others = f"other {kind.plural}'"
    if SUPPRESSED_COUNT in (own.numerator, own.denominator):
        return f"a published 5 (its own, and {others}) may stand for any count from 1 to 7"
    return f"{others} published counts of 5 may each stand for any count from 1 to 7"


def versus_words(v: Versus, style: Style = "technical") -> str:
    """'lower than England's 17.1%, beyond what chance would explain (99.8% level)'; in
    plain words 'below England's 17.1%, by more than chance explains'. A verdict that a
    published 5 would change is not given: what it depends on is ('above England's 1.0% or
    not, depending on …'). Each reads on from "That is" or "its rate is"."""
    theirs = f"{v.name}'s {figure_percent(v.percent)}"
    plain = style == "plain"
    if v.at_998 in ("lower", "higher"):
        if plain:
            return f"{_SIDE[v.at_998]} {theirs}, by more than chance explains"
        return f"{v.at_998} than {theirs}, beyond what chance would explain (99.8% level)"
    if v.at_95 in ("lower", "higher"):
        if plain:
            return (
                f"{_SIDE[v.at_95]} {theirs}; chance is unlikely to explain it, though it "
                "cannot be ruled out"
            )
        if v.at_998 is None:
            return f"{v.at_95} than {theirs} at the 95% level; at 99.8% it {DEPENDS}"
        return (
            f"{v.at_95} than {theirs} at the 95% level, though not at 99.8% (chance cannot "
            "be ruled out as firmly)"
        )
    if v.at_95 is None:
        sides = [_SIDE[x] for x in v.possible_95 if x != "similar"]
        return f"{' or '.join(sides)} {theirs} or not, {DEPENDING}"
    if plain:
        return f"not clearly different from {theirs} at these numbers"
    return f"not distinguishable from {theirs} at these numbers"


QUINTILE_PLAIN = {1: "among the highest fifth", 5: "among the lowest fifth"}


def kind_compared(c: Comparison) -> BodyKind:
    """The kind of body a comparison is of (a Trust, an LMNS): its words and its peers."""
    return KIND_BY_LEVEL.get(c.level, TRUST)


def rank_words(c: Comparison, style: Style = "technical") -> str | None:
    """The Trust's place among the Trusts ranked, as far as the published counts settle it:
    '73rd of 103 Trusts …'; ties are ties ('joint lowest of 78 Trusts …, with 37 other
    Trusts at none'); a place that a published 5 would move is given as its range
    ('between 55th and 101st of 103 Trusts …')."""
    p = c.placing
    if p is None or p.of < 2:
        return None  # a place among one says nothing
    kind = kind_compared(c)
    whose = (
        kind.plural
        if style == "plain"
        else f"{kind.ranked_among(c.measure.publisher.checks)} that month"
    )
    fifth = _fifth_words(p.quintile, style)
    if not p.settled:
        either = f"{fifth} either way" if fifth else ""
        return (
            f"between {ordinal(p.best)} and {ordinal(p.worst)} of {p.of} {whose}{either}, as "
            f"{moved_words(c.own, kind)}"
        )
    if p.tied:
        others = f"{p.tied} other " + (kind.noun if p.tied == 1 else kind.plural)
        at = "none" if c.own.numerator == 0 else "the same rate"
        where = "lowest" if p.last == p.of else "highest" if p.best == 1 else ordinal(p.best)
        return f"joint {where} of {p.of} {whose}, with {others} at {at}{fifth}"
    where = "lowest" if p.best == p.of else "highest" if p.best == 1 else ordinal(p.best)
    if where in ("lowest", "highest"):
        return f"the {where} of {p.of} {whose}"
    return f"{where} of {p.of} {whose}{fifth}"


def _fifth_words(quintile: int | None, style: Style) -> str:
    if quintile is None:
        return ""
    if style == "plain":
        said = QUINTILE_PLAIN.get(quintile)
        return f", {said}" if said else ""
    return f", in the {ordinal(quintile)} fifth from the top"


def funnel_words(c: Comparison, style: Style = "technical") -> str | None:
    """Where the figure falls on the funnel plot, when that is worth saying; in plain words
    only when the Trust stands out even allowing for how much Trusts differ."""
    f = c.funnel
    if c.funnel_unsettled:
        return None if style == "plain" else f"where it falls on the funnel {DEPENDS}"
    if f is None:
        return None
    many = kind_compared(c).plural
    if f.exceptional:
        side = "above" if f.adjusted.startswith("above") else "below"
        if style == "plain":
            return (
                f"it stands out {side} other {many} by more than the usual differences "
                f"between {many} explain"
            )
        return (
            f"exceptional: {side} the funnel's 99.8% limit even after allowing for how much "
            f"{many} differ from one another"
        )
    if style == "plain":
        return None
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


def _months_list(months: Sequence[date]) -> str:
    """'June 2024', 'June and July 2024', 'June 2024, March and April 2025'."""
    names = [month_year(m) for m in months]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _meaning(direction: str, improvement: str) -> str:
    return "an improvement" if direction == improvement else "a concern"


def signal_words(signal: SpcSignal, months: Sequence[date], improvement: str) -> str:
    """One special cause, once, with its months and direction: 'a shift up from August 2024:
    8 months above the average (an improvement)'."""
    when = [months[i] for i in signal.points]
    n, meaning = len(when), _meaning(signal.direction, improvement)
    side = "above" if signal.direction == "up" else "below"
    if signal.rule == "shift":
        return (
            f"a shift {signal.direction} from {month_year(when[0])}: {n} months {side} the "
            f"average ({meaning})"
        )
    if signal.rule == "trend":
        moving = "rising" if signal.direction == "up" else "falling"
        return (
            f"a trend {signal.direction} from {month_year(when[0])} to {month_year(when[-1])}: "
            f"{n} months {moving} in a row ({meaning})"
        )
    limit = "upper" if signal.direction == "up" else "lower"
    if signal.rule == "two_of_three":
        return f"2 of 3 months close to the {limit} process limit: {_months_list(when)} ({meaning})"
    return f"{_months_list(when)} {side} the {limit} process limit ({meaning})"


def _grouped(signals: Sequence[SpcSignal]) -> list[SpcSignal]:
    """Months beyond the limits on one side said together; other signals as they are."""
    said: list[SpcSignal] = []
    for direction in ("up", "down"):
        beyond = [
            s.points[0] for s in signals if s.rule == "beyond_limits" and s.direction == direction
        ]
        if beyond:
            said.append(SpcSignal("beyond_limits", tuple(beyond), direction))
    return said + [s for s in signals if s.rule != "beyond_limits"]


def over_time_words(ot: OverTime) -> list[str]:
    """The change on a year earlier, and the SPC chart: its average and limits now, where it
    was rebased, and each special cause once with its months and direction."""
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
    chart, months = ot.chart, ot.chart_months
    if chart is None:
        return said
    improvement = ot.measure.improvement
    method = METHOD_SPC + (
        f"; trial limits, fewer than {TRIAL_BELOW} months" if chart.trial else ""
    )
    start = months[chart.segments[-1]]
    since = f" since {month_year(start)}" if chart.rebased else ""
    lower, upper = chart.lower[-1], chart.upper[-1]
    head = (
        f"Over {len(chart.values)} months ({method}): average {figure_percent(100 * chart.centre)}"
        f"{since}, process limits {figure_percent(100 * max(0.0, lower))} to "
        f"{figure_percent(100 * min(1.0, upper))}"
    )
    parts: list[str] = []
    for change, index in zip(ot.known_changes, chart.rebased, strict=False):
        parts.append(
            f"limits recalculated from {month_year(months[index])}, after national targets "
            f"were withdrawn on {change.day} {month_year(change)}"
        )
    for shift in chart.shifts:
        parts.append(
            signal_words(shift, months, improvement) + "; the limits are recalculated from then"
        )
    signals = _grouped(chart.signals)
    parts += [signal_words(s, months, improvement) for s in signals]
    if not signals and not chart.shifts:
        parts.append(
            "no special cause: the months vary about as chance would (common-cause variation)"
        )
    said.append(f"{head}; {'; '.join(parts)}.")
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


def dq_failures(
    dq: Iterable[Observation], measure: OfficialMeasure, month: date | None = None
) -> list[str]:
    """Which data-quality measures governing `measure` failed (that month), in words, from
    the file's own rows, each count with its unit where the source confirms it."""
    return list(quality_words(dq, measure, month).technical)


_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


@dataclass(frozen=True, slots=True)
class QualityWords:
    """What a measure's failed data-quality checks show, said two ways (DOMAIN §3)."""

    technical: tuple[str, ...]  # each failed check by its code: '<label> failed (…)'
    plain: str | None  # the same without a code, for a letter's body; None: nothing failed
    # The question a failure leaves when it may be no continuity at all rather than a
    # recording fault ('please say which'); None when it is a recording failure.
    ask: str | None


def quality_words(
    dq: Iterable[Observation], measure: OfficialMeasure, month: date | None = None
) -> QualityWords:
    """Which data-quality measures governing `measure` failed (that month), from the file's
    own rows: by code with each count's unit where the source confirms it, and in plain
    words; a 0 of 0 that shows nobody recorded on a pathway is a question, not a fault."""
    rows: Sequence[Observation] = [o for o in dq if month is None or o.period_end == month]
    failed = []
    for check in measure.checks:
        o = next((o for o in rows if o.measure == check.code), None)
        if o is not None and o.result == "fail":
            failed.append((check, o))
    if not failed:
        return QualityWords((), None, None)
    technical = tuple(check.failure(o, amount_words, total_words) for check, o in failed)
    whose = f"{measure.publisher.possessive} data-quality measures"
    empty = next(((c, o) for c, o in failed if c.empty(o)), None)
    if empty is not None:
        check = empty[0]
        return QualityWords(
            technical, f"{whose} show that {check.when_empty}", check.ask_when_empty
        )
    n, of = len(failed), len(measure.checks)
    counted = _NUMBER_WORDS.get(n, str(n))
    plain = (
        f"{counted} of {measure.publisher.possessive} {of} data-quality measures for it failed"
        if of > 1
        else f"{whose[:-1]} failed"
    )
    return QualityWords(technical, plain, None)
