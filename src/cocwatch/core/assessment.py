"""Assessment of Trusts against targets and transparency duties (SPEC §4).

Pure: registry models, an as-of date and thresholds in, frozen result objects out. No clock,
no I/O; imports only the standard library and ``cocwatch.core``. The result types below are
the contract used by `check`, `letter`, `watch` and `report`. Their words come from
``cocwatch.core.wording``; the findings and their rules from ``cocwatch.core.findings``.

How `assess_trust` decides, in brief (docs/guides/check.md, "How check decides", has the details):

- only figures dated on or before the as-of date D count;
- each cohort gets a benchmark (``cocwatch.core.targets``): chosen, local, national or
  reference; F is its latest figure (same date: measure preference, then final over
  provisional, then the one listed last);
- each cohort's status against its benchmark, and its trend (``cocwatch.core.cohort_status``):
  status, first that applies: no_target, no_data, met, missed, behind, on_track; a trend is
  the least-squares line through the last 365 days of F's measure;
- findings are the transparency duties the Trust is not meeting, one per code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from cocwatch.core import findings as rules
from cocwatch.core.bodies import TRUST, BodyKind, kind_of
from cocwatch.core.cohort_status import CohortAssessment as CohortAssessment
from cocwatch.core.cohort_status import Trend as Trend
from cocwatch.core.cohort_status import assess_cohort
from cocwatch.core.compared import comparison_severity, official_picture
from cocwatch.core.comparison import Comparison, EquityGap, OfficialContext
from cocwatch.core.comparison_over_time import OverTime
from cocwatch.core.correspondence import TrackedLetter
from cocwatch.core.findings import Finding as Finding
from cocwatch.core.findings import FindingCode as FindingCode
from cocwatch.core.kinds import COHORTS, TRUST_SEVERITIES, Cohort, Severity, Status, worst
from cocwatch.core.measures import NOTHING_DECLARED, Declared, Measure, OfficialMeasure
from cocwatch.core.models import Figure, Registry, Target, Thresholds, Trust
from cocwatch.core.selection import by_cohort, like_for_like, measured
from cocwatch.core.selection import quality_failures as quality_failures
from cocwatch.core.targets import Benchmark as Benchmark
from cocwatch.core.targets import NationalChoice, choose_benchmarks, national_benchmarks
from cocwatch.core.targets import Origin as Origin
from cocwatch.core.targets import Step as Step
from cocwatch.core.wording import long_date as long_date

# ------------------------------------------------------------------ result types


@dataclass(frozen=True, slots=True)
class TrustAssessment:
    """Everything `check` says about one Trust."""

    trust: Trust
    severity: Severity
    cohorts: tuple[CohortAssessment, ...]
    findings: tuple[Finding, ...]
    # Letters to the Trust in the correspondence log still awaiting a reply, oldest due first.
    open_letters: tuple[TrackedLetter, ...] = ()
    # Its latest official all-women figure of each declared measure against England, its
    # region and the other Trusts (SPEC §4.1), by measure, in the order the sources declare
    # them; none without one (or without the statistics folder).
    comparisons: Mapping[str, Comparison] = field(default_factory=dict)
    equity: tuple[EquityGap, ...] = ()  # within the Trust, in each compared figure's month
    over_time: tuple[OverTime, ...] = ()  # the monthly series of the measures charted
    # The measure that leads: the first deciding severity of which the Trust has an
    # official figure (the check table's column and the report's funnel show it).
    lead: OfficialMeasure | None = None
    # What kind of body it is (a Trust, or an ICB's LMNS: `cocwatch.core.bodies`); an LMNS
    # is assessed here as a Trust is, from its own rows, and `trust` holds its record.
    kind: BodyKind = TRUST

    @property
    def notes(self) -> tuple[Finding, ...]:
        """What the registry lacks about the Trust: said, but never raising severity."""
        return tuple(f for f in self.findings if f.severity is Severity.NOTE)

    @property
    def headline(self) -> Comparison | None:
        """The comparison of the leading measure, if its latest figure could be compared."""
        return self.comparisons.get(self.lead.code) if self.lead is not None else None

    def cohort(self, cohort: str) -> CohortAssessment:
        """The assessment of one cohort ('all', 'ethnic_minority', 'most_deprived')."""
        return next(c for c in self.cohorts if c.cohort == cohort)

    def finding(self, code: str) -> Finding | None:
        """The finding with this code, if the Trust has it."""
        return next((f for f in self.findings if f.code == code), None)


@dataclass(frozen=True, slots=True)
class Assessment:
    """The result of assessing a set of Trusts on one date."""

    as_of: date
    trusts: tuple[TrustAssessment, ...]
    target_id: str | None = None  # the national target chosen with --target, if any
    thresholds: Thresholds | None = None
    official: OfficialContext | None = None  # the statistics the comparisons came from

    def summary(self) -> dict[str, int]:
        """Count the assessed Trusts by severity."""
        counts = {s.value: 0 for s in TRUST_SEVERITIES}
        for t in self.trusts:
            counts[t.severity.value] += 1
        return counts

    @property
    def severity(self) -> Severity:
        """The worst severity of any assessed Trust (ok when none)."""
        return worst(t.severity for t in self.trusts)

    @property
    def declared(self) -> Declared:
        """The official sources' declarations the comparisons were made with."""
        return self.official.declared if self.official is not None else NOTHING_DECLARED


# ------------------------------------------------------------------ the rules


@dataclass(frozen=True, slots=True)
class _Context:
    """What stays the same for every Trust in one run."""

    as_of: date
    thresholds: Thresholds
    national: dict[Cohort, NationalChoice]
    letters: Mapping[str, Sequence[TrackedLetter]]
    official: OfficialContext | None = None
    # Known changes of the national picture (a target withdrawn), where charts are rebased.
    changes: tuple[date, ...] = ()


def _context(
    registry: Registry,
    *,
    as_of: date,
    thresholds: Thresholds,
    target_id: str | None,
    letters: Mapping[str, Sequence[TrackedLetter]] | None = None,
    official: OfficialContext | None = None,
) -> _Context:
    chosen: Target | None = None
    if target_id is not None:
        chosen = registry.national.target(target_id)
        if chosen is None:
            known = ", ".join(t.id for t in registry.national.targets) or "none"
            raise ValueError(f"no national target has the id {target_id!r} (known: {known})")
    national = national_benchmarks(registry.national.targets, as_of=as_of, chosen=chosen)
    return _Context(
        as_of=as_of,
        thresholds=thresholds,
        national=national,
        letters=letters or {},
        official=official,
        changes=tuple(
            sorted({t.withdrawn_on for t in registry.national.targets if t.withdrawn_on})
        ),
    )


def _assess(trust: Trust, ctx: _Context) -> TrustAssessment:
    grouped = by_cohort(trust.figures, ctx.as_of)
    with_percent = measured(grouped)
    kind = kind_of(trust.id)
    official = official_picture(
        trust.ods,
        trust.region,
        trust.figures,
        ctx.official,
        as_of=ctx.as_of,
        changes=ctx.changes,
        level=kind.level,
    )
    steps = {
        o.measure.code: o.chart_months[o.chart.segments[-1]]
        for o in official.over_time
        if o.chart is not None and len(o.chart.segments) > 1
    }
    cohorts = tuple(
        assess_cohort(
            cohort,
            *like_for_like(
                with_percent[cohort], choose_benchmarks(cohort, trust.plan, ctx.national)
            ),
            as_of=ctx.as_of,
            thresholds=ctx.thresholds,
            steps=steps if cohort == "all" else None,
        )
        for cohort in COHORTS
    )
    letters = ctx.letters.get(trust.id, ())
    facts = rules.Facts(
        trust,
        ctx.as_of,
        ctx.thresholds,
        figures=grouped,
        letters=letters,
        equity=official.equity,
        no_women=official.no_women,
        dq=official.dq,
        compared=ctx.official is not None and ctx.official.kept,
        declared=ctx.official.declared if ctx.official is not None else NOTHING_DECLARED,
        kind=kind,
    )
    findings = rules.find(facts)
    severity = worst(
        [
            *(c.severity for c in cohorts),
            *(f.severity for f in findings),
            *(
                comparison_severity(c)
                for c in official.comparisons.values()
                if c.measure.decides_severity
            ),
        ]
    )
    return TrustAssessment(
        trust=trust,
        severity=severity,
        cohorts=cohorts,
        findings=tuple(findings),
        open_letters=tuple(t for t in letters if t.open),
        comparisons=official.comparisons,
        equity=official.equity,
        over_time=official.over_time,
        lead=official.lead,
        kind=kind,
    )


def assess_trust(
    trust: Trust,
    registry: Registry,
    *,
    as_of: date,
    thresholds: Thresholds,
    target_id: str | None = None,
    letters: Mapping[str, Sequence[TrackedLetter]] | None = None,
    official: OfficialContext | None = None,
) -> TrustAssessment:
    """Assess one Trust on `as_of` (SPEC §4).

    `target_id` names a national target to judge its cohort against (origin ``chosen``);
    an unknown id raises ValueError (the CLI checks it first and reports a usage error).
    `letters` holds each Trust's open letters from the correspondence log, by Trust id.
    """
    ctx = _context(
        registry,
        as_of=as_of,
        thresholds=thresholds,
        target_id=target_id,
        letters=letters,
        official=official,
    )
    return _assess(trust, ctx)


def assess(
    registry: Registry,
    trusts: list[Trust] | tuple[Trust, ...],
    *,
    as_of: date,
    thresholds: Thresholds,
    target_id: str | None = None,
    letters: Mapping[str, Sequence[TrackedLetter]] | None = None,
    official: OfficialContext | None = None,
) -> Assessment:
    """Assess the given Trusts, ordered by region then name (then id).

    `letters` holds each Trust's open letters from the correspondence log, by Trust id.
    """
    ctx = _context(
        registry,
        as_of=as_of,
        thresholds=thresholds,
        target_id=target_id,
        letters=letters,
        official=official,
    )
    ordered = sorted(trusts, key=lambda t: (t.region, t.name, t.id))
    return Assessment(
        as_of=as_of,
        trusts=tuple(_assess(t, ctx) for t in ordered),
        target_id=target_id,
        thresholds=thresholds,
        official=official,
    )


def unmatched_measure(
    ca: CohortAssessment, figures: Iterable[Figure], as_of: date
) -> Measure | None:
    """The measure a cohort's benchmark counts, when its figures up to `as_of` are of others.

    Such a cohort has no data to judge, but it has figures: it must not be said to have none
    (`wording.no_figure_of_measure`).
    """
    if ca.latest is not None or ca.benchmark is None:
        return None
    if any(f.cohort == ca.cohort and f.measured and f.as_of <= as_of for f in figures):
        return ca.benchmark.measure
    return None


__all__ = [
    "Assessment",
    "Benchmark",
    "CohortAssessment",
    "Finding",
    "FindingCode",
    "Origin",
    "Severity",
    "Status",
    "Step",
    "Trend",
    "TrustAssessment",
    "assess",
    "assess_trust",
    "like_for_like",
    "long_date",
    "quality_failures",
    "unmatched_measure",
    "worst",
]
