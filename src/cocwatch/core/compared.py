"""A body's official figures compared, measure by measure (SPEC §4.1).

For each measure the official sources declare (`cocwatch.core.measures`), in their order:
the body's latest official all-women figure against England, its region and the other
providers (`cocwatch.core.comparison`); its targeted groups against their comparison groups
and the groups with no women, in that figure's month; the data-quality rows that govern the
measure; and, where the measure is charted over time, its monthly series. The body is named
by its code, its region and its figures, so a Trust today, and an LMNS with rows of its own,
go the same way. Pure: the core only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from cocwatch.core.bodies import TRUST
from cocwatch.core.comparison import (
    Comparison,
    EquityGap,
    OfficialContext,
    compare,
    equity,
    no_women,
)
from cocwatch.core.comparison_over_time import OverTime, counts_by_month, over_time
from cocwatch.core.kinds import Severity
from cocwatch.core.measures import OfficialMeasure
from cocwatch.core.models import Figure
from cocwatch.core.official import Observation
from cocwatch.core.stats import Count


@dataclass(frozen=True, slots=True)
class OfficialPicture:
    """What the official statistics say of one body's latest official figures."""

    comparisons: Mapping[str, Comparison] = field(default_factory=dict)  # by measure
    equity: tuple[EquityGap, ...] = ()
    no_women: frozenset[str] = frozenset()  # targeted cohorts with no women that month
    dq: tuple[Observation, ...] = ()  # the data-quality rows that govern its measures
    over_time: tuple[OverTime, ...] = ()
    # The first measure deciding severity of which the body has an official figure (else
    # the first declared one): the check table's column and the report's funnel show it.
    lead: OfficialMeasure | None = None


def latest_official(
    figures: Sequence[Figure], measure: str, kind: str, as_of: date
) -> Figure | None:
    """The latest official all-women figure of `measure` (of a source of `kind`) by `as_of`."""
    found = [
        f
        for f in figures
        if f.cohort == "all" and f.measure == measure and f.source.kind == kind
        and f.as_of <= as_of
    ]  # fmt: skip
    return max(found, key=lambda f: (f.as_of, not f.provisional), default=None)


def passing_series(
    figures: Sequence[Figure], measure: str, kind: str, as_of: date
) -> Mapping[date, Count]:
    """The monthly official all-women figures of one measure whose data passed quality."""
    return counts_by_month(
        [
            (f.as_of, f.numerator, f.denominator)
            for f in figures
            if f.cohort == "all"
            and f.measure == measure
            and f.source.kind == kind
            and f.quality == "pass"
            and f.as_of <= as_of
        ]
    )


def official_picture(
    code: str,
    region: str | None,
    figures: Sequence[Figure],
    official: OfficialContext | None,
    *,
    as_of: date,
    changes: Sequence[date] = (),
    level: str = TRUST.level,
) -> OfficialPicture:
    """The comparisons of a body's latest official figures, as the sources declare them;
    equity, the data-quality rows and the series over time in the month of each measure's
    own latest figure (its chart rebased at the known `changes`). Nothing is compared
    without a statistics folder. `level` is that of the body's own rows
    (`cocwatch.core.bodies`: a provider's, or an LMNS's)."""
    if official is None:
        return OfficialPicture()
    declared = official.declared
    rows = official.observations(code, level)
    compared: dict[str, Comparison] = {}
    gaps: list[EquityGap] = []
    empty: set[str] = set()
    dq: list[Observation] = []
    overs: list[OverTime] = []
    lead: OfficialMeasure | None = None
    for measure in declared.measures:
        kind = declared.kind_of(measure)
        latest = latest_official(figures, measure.code, kind, as_of)
        if latest is None:
            continue
        month = latest.as_of
        if lead is None and measure.decides_severity:
            lead = measure
        if not official.kept:
            continue  # no statistics folder: nothing to compare the figures with
        peers = official.peers.get((measure.code, month))
        if peers is not None:
            own = next(
                (
                    o
                    for o in rows
                    if o.measure == measure.code and o.group == "all" and o.period_end == month
                ),
                None,
            )
            found = compare(code, region, own, peers)
            if found is not None:
                compared[measure.code] = found
        gaps += equity(rows, measure, month)
        empty |= no_women(rows, measure, month)
        checks = {c.code for c in measure.checks}
        dq += [o for o in rows if o.measure in checks and o.period_end == month]
        if measure.over_time:
            monthly = passing_series(figures, measure.code, kind, as_of)
            series = over_time(measure, monthly, changes)
            if series is not None:
                overs.append(series)
    if lead is None:
        lead = next((m for m in declared.measures if m.decides_severity), None)
    return OfficialPicture(compared, tuple(gaps), frozenset(empty), tuple(dq), tuple(overs), lead)


def comparison_severity(compared: Comparison | None) -> Severity:
    """Evidence against England (SPEC §4.1): lower at 99.8% fails, lower at 95% warns."""
    versus = compared.england if compared is not None else None
    if versus is None:
        return Severity.OK
    if versus.at_998 == "lower":
        return Severity.FAIL
    if versus.at_95 == "lower":
        return Severity.WARN
    return Severity.OK
