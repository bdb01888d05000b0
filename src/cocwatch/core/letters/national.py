"""The national picture on a letter's date: the open Trusts' statuses and plans, the worst
gaps, national targets and figures, and how the latest month's official figures spread.

The official figures are those of the measures the statistics in use declare
(`cocwatch.core.measures`), each named and published as its declaration says. Computed once
per run, shared by every letter. Pure; imports `core.assessment` and the letters' words,
citations, figures, facts and assessed views.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from cocwatch.core import wording
from cocwatch.core.assessment import CohortAssessment, Status, TrustAssessment
from cocwatch.core.comparison import OfficialContext, counts_only
from cocwatch.core.comparison_words import STALE_STATISTICS_DAYS, counted_in
from cocwatch.core.kinds import TRUST_SEVERITIES
from cocwatch.core.letters.assessed import CohortView, cohort_view
from cocwatch.core.letters.benchmarks import MilestoneViews
from cocwatch.core.letters.citations import SourceView, document_view, source_view
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.facts import TargetView, plan_citation, target_views
from cocwatch.core.letters.figures import FigureView, figure_view
from cocwatch.core.letters.published import PublisherView, publisher_view
from cocwatch.core.letters.words import uk_date
from cocwatch.core.measures import NOTHING_DECLARED, Publisher
from cocwatch.core.models import COHORTS, Figure, Registry, Source, Trust
from cocwatch.core.stats import Count


@dataclass(frozen=True, slots=True)
class TrustRef:
    """A Trust named in the national summary."""

    id: Annotated[str, Doc("Its id.")]
    ods: Annotated[str, Doc("Its ODS code.")]
    name: Annotated[str, Doc("Its name.")]
    region: Annotated[str, Doc("Its region.")]


@dataclass(frozen=True, slots=True)
class GapRow:
    """A Trust cohort far below where its benchmark says it should be."""

    trust: Annotated[TrustRef, Doc("The Trust.")]
    cohort: Annotated[CohortView, Doc("The cohort, with its latest figure and benchmark.")]


@dataclass(frozen=True, slots=True)
class StatusCount:
    """How many Trusts have one status (for the `all` cohort)."""

    status: Annotated[str, Doc("The status.")]
    status_text: Annotated[str, Doc("It in words.")]
    count: Annotated[int, Doc("How many open Trusts have it.")]


@dataclass(frozen=True, slots=True)
class NationalMeasureView:
    """One official measure's national figure for the latest month, and the Trusts' data."""

    key: Annotated[str, Doc("Its name among the comparisons: placement, receiving, ….")]
    measure: Annotated[str, Doc("The measure, as the registry names it.")]
    data: Annotated[str, Doc("What its data is about: 'placements on a continuity of …'.")]
    figure: Annotated[FigureView | None, Doc("England's all-women figure that month.")]
    quality_failed: Annotated[
        int, Doc("Open Trusts whose data of this measure failed its quality checks.")
    ]


@dataclass(frozen=True, slots=True)
class NationalView:
    """The national picture on the letter's date, over the registry's open Trusts."""

    as_of: Annotated[date, Doc("The date it describes.")]
    trusts: Annotated[int, Doc("How many open Trusts the registry holds.")]
    by_severity: Annotated[dict[str, int], Doc("Open Trusts by severity: {'ok','warn','fail'}.")]
    by_status: Annotated[
        dict[str, dict[str, int]], Doc("Open Trusts by cohort, then status: ['all']['missed'].")
    ]
    status_counts: Annotated[
        tuple[StatusCount, ...], Doc("The `all` cohort's counts in a fixed order (all statuses).")
    ]
    with_figures: Annotated[int, Doc("Open Trusts with at least one figure.")]
    with_targeted_figures: Annotated[int, Doc("Open Trusts with a figure for a targeted cohort.")]
    plans: Annotated[
        dict[str, int], Doc("Open Trusts by plan status: active, paused, none, unknown.")
    ]
    no_plan: Annotated[tuple[TrustRef, ...], Doc("Open Trusts recorded as having no plan.")]
    no_plan_confirmed: Annotated[
        tuple[TrustRef, ...], Doc("Of those, the ones whose plan entry cites a source.")
    ]
    no_plan_sources: Annotated[
        tuple[SourceView, ...], Doc("Those sources (e.g. FOI replies), to cite.")
    ]
    plan_unknown: Annotated[tuple[TrustRef, ...], Doc("Open Trusts whose plan is not known.")]
    plan_paused: Annotated[tuple[TrustRef, ...], Doc("Open Trusts whose plan is paused.")]
    worst_gaps: Annotated[
        tuple[GapRow, ...], Doc("Up to 10 missed or behind cohorts, furthest below expected first.")
    ]
    targets: Annotated[tuple[TargetView, ...], Doc("Every national target, by date announced.")]
    targets_in_force: Annotated[tuple[TargetView, ...], Doc("Those in force on the date.")]
    targets_withdrawn: Annotated[tuple[TargetView, ...], Doc("Those withdrawn by the date.")]
    withdrawn_on: Annotated[
        date | None,
        Doc(
            "The last withdrawal date, when every target announced has ended (withdrawn or "
            "replaced) and at least one was withdrawn."
        ),
    ]
    withdrawn_on_long: Annotated[str | None, Doc("That date in words.")]
    figures: Annotated[tuple[FigureView, ...], Doc("National figures up to the date.")]
    status_counts_in_force: Annotated[
        tuple[StatusCount, ...],
        Doc(
            "Like status_counts, but only Trusts judged against their own plan or a national "
            "target in force (not a withdrawn or replaced one kept for reference)."
        ),
    ] = ()
    statistics_month: Annotated[
        date | None, Doc("The latest month of national official figures (its last day), if any.")
    ] = None
    statistics_month_text: Annotated[str | None, Doc("That month in words: 'April 2025'.")] = None
    publisher: Annotated[
        PublisherView | None, Doc("Who publishes those figures (None without any).")
    ] = None
    measures: Annotated[
        tuple[NationalMeasureView, ...],
        Doc("Each official measure with a national figure that month, in declared order."),
    ] = ()
    measures_text: Annotated[str, Doc("How many such measures, in words: 'two'.")] = ""
    reporting: Annotated[
        int, Doc("Open Trusts with an all-women official figure (or failed result) that month.")
    ] = 0
    quality_failed: Annotated[
        int,
        Doc("Of those, how many Trusts' data failed the publisher's data-quality checks."),
    ] = 0
    spread: Annotated[
        SpreadView | None,
        Doc("How the Trusts' figures of the leading measure spread that month, if any."),
    ] = None
    statistics_out_of_date: Annotated[
        bool,
        Doc(
            "Whether that month is more than 120 days before the letter's date: the "
            "publisher has very likely published newer months that the registry does not hold."
        ),
    ] = False


@dataclass(frozen=True, slots=True)
class SpreadView:
    """How one month's Trust figures spread: every Trust whose data passed quality."""

    trusts: Annotated[int, Doc("How many Trusts' figures it covers (all that passed).")]
    lowest: Annotated[float, Doc("The lowest percentage of a Trust with 30 or more women.")]
    lowest_text: Annotated[str, Doc("It in words.")]
    median: Annotated[float, Doc("The median percentage, over every Trust counted.")]
    median_text: Annotated[str, Doc("It in words: '7.4%'.")]
    highest: Annotated[float, Doc("The highest percentage of a Trust with 30 or more women.")]
    highest_text: Annotated[str, Doc("It in words.")]
    excluded_small: Annotated[
        int, Doc("Trusts left out of the median (none: every passing Trust counts).")
    ]
    citation: Annotated[SourceView, Doc("What cite() cites: the publication of those figures.")]
    data: Annotated[str, Doc("What the figures are about: 'placements on a continuity …'.")] = ""
    who: Annotated[str, Doc("Who they count: 'women reaching 29 weeks of pregnancy in …'.")] = ""
    outcome: Annotated[str, Doc("What happened to them: 'were placed on a …'.")] = ""
    none: Annotated[int, Doc("Trusts whose figure that month was none (0 of n).")] = 0
    small: Annotated[
        int,
        Doc("Trusts with under 30 women or a published 5 (in the median, not the range)."),
    ] = 0
    method: Annotated[
        SourceView | None, Doc("How the spread was computed from the file (cite it too).")
    ] = None


def _spread(
    figures: Sequence[tuple[float, Count | None]],
    citation: SourceView,
    *,
    method: Publisher | None,
    words: dict[str, str],
) -> SpreadView | None:
    """The spread of Trusts' figures (percent, counts if published): the median over all,
    the range over those not given as counts (under 30 women, or a published 5)."""
    if not figures:
        return None
    rates = [p for p, _ in figures]
    precise = [p for p, c in figures if c is None or not counts_only(c)] or rates
    low, mid, high = min(precise), statistics.median(rates), max(precise)
    small = [c for _, c in figures if c is not None and counts_only(c)]
    return SpreadView(
        trusts=len(rates),
        lowest=low,
        lowest_text=wording.percent(low, fixed=True),
        median=mid,
        median_text=wording.percent(mid, fixed=True),
        highest=high,
        highest_text=wording.percent(high, fixed=True),
        excluded_small=0,
        citation=citation,
        none=sum(1 for p in rates if p == 0),
        small=len(small),
        method=document_view(title=spread_note(method), url=None, kind="other")
        if method is not None
        else None,
        **words,
    )


WORST_GAPS = 10
_NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def spread_note(publisher: Publisher) -> str:
    """How the spread was computed, for the reference list."""
    return (
        f"Median and range computed by the author from the counts in {publisher.possessive} "
        f"file, over every Trust whose data passed {publisher.quality_checks} that month "
        f"({publisher.name} does not publish them itself)"
    )


def _month_figure(figures: Iterable[Figure], measure: str, month: date) -> Figure | None:
    """The all-women figure of one measure for one month: the final one over a provisional."""
    found = [f for f in figures if f.cohort == "all" and f.measure == measure and f.as_of == month]
    return max(found, key=lambda f: not f.provisional, default=None)


def _statistics_picture(
    registry: Registry,
    open_trusts: Sequence[Trust],
    as_of: date,
    official: OfficialContext | None,
) -> dict[str, Any]:
    """England's official figures of the latest month, for each declared measure, and what
    the Trusts' data show for it; the spread of the leading measure (the first that decides
    severity) over every passing Trust."""
    declared = official.declared if official is not None else NOTHING_DECLARED
    measures = [
        m
        for m in declared.measures
        if any(
            f.as_of <= as_of and f.measure == m.code and f.source.kind == declared.kind_of(m)
            for f in registry.national.figures
        )
    ]
    if not measures:
        return {}
    kinds = {m.code: declared.kind_of(m) for m in measures}
    national = [
        f
        for f in registry.national.figures
        if f.as_of <= as_of and f.measure in kinds and f.source.kind == kinds[f.measure]
    ]
    month = max(f.as_of for f in national)
    lead = next((m for m in measures if m.decides_severity), measures[0])
    failed_by: dict[str, int] = {m.code: 0 for m in measures}
    reporting = failed = 0
    shares: list[tuple[float, Count | None]] = []
    sources: list[Source] = []
    for trust in open_trusts:
        found = {m.code: _month_figure(trust.figures, m.code, month) for m in measures}
        if all(f is None for f in found.values()):
            continue
        reporting += 1
        failing = [code for code, f in found.items() if f is not None and f.quality == "fail"]
        failed += bool(failing)
        for code in failing:
            failed_by[code] += 1
        led = found[lead.code]
        if (
            led is not None
            and led.percent is not None
            and led.quality != "fail"
            and led.source.official
        ):
            n, d = led.numerator, led.denominator
            shares.append((led.percent, Count(n, d) if n is not None and d and n <= d else None))
            sources.append(led.source)
    views = []
    for m in measures:
        figure = _month_figure(national, m.code, month)
        views.append(
            NationalMeasureView(
                key=m.key,
                measure=m.code,
                data=m.words.data,
                figure=figure_view(figure, declared) if figure else None,
                quality_failed=failed_by[m.code],
            )
        )
    picture: dict[str, Any] = {
        "statistics_month": month,
        "statistics_month_text": wording.month_year(month),
        "statistics_out_of_date": (as_of - month).days > STALE_STATISTICS_DAYS,
        "publisher": publisher_view(lead.publisher),
        "measures": tuple(v for v in views if v.figure is not None),
        "reporting": reporting,
        "quality_failed": failed,
    }
    picture["measures_text"] = _NUMBERS[len(views)] if len(views) < len(_NUMBERS) else "several"
    if sources:
        citation = source_view(max(set(sources), key=sources.count))
        words = {
            "data": lead.words.data,
            "who": f"{lead.unit.many} {lead.counted_long} in "
            f"{wording.month_year(counted_in(lead, month))}",
            "outcome": lead.outcome,
        }
        # Every Trust whose data passed the publisher's checks that month, small ones too:
        # the statistics folder has them all; without it, the registry's own figures.
        peers = official.peers.get((lead.code, month)) if official else None
        if peers is not None and peers.providers:
            every = [(100 * c.numerator / c.denominator, c) for c in peers.providers.values()]
            picture["spread"] = _spread(every, citation, method=lead.publisher, words=words)
        else:
            picture["spread"] = _spread(shares, citation, method=None, words=words)
    return picture


def national_view(
    registry: Registry,
    assessed: Sequence[TrustAssessment],
    *,
    as_of: date,
    targets: dict[str, TargetView] | None = None,
    milestones: MilestoneViews | None = None,
    official: OfficialContext | None = None,
) -> NationalView:
    """Summarise the open Trusts' assessments (compute once per run, not per letter).

    `official` (the statistics folder's peers) gives the spread over every passing Trust.
    """
    declared = official.declared if official is not None else NOTHING_DECLARED
    targets = targets if targets is not None else target_views(registry, as_of, declared)
    milestones = milestones or MilestoneViews(targets, as_of)
    open_ones = [a for a in assessed if a.trust.is_open(as_of)]
    by_severity = {s.value: 0 for s in TRUST_SEVERITIES}
    by_status: dict[str, dict[str, int]] = {c: {s.value: 0 for s in Status} for c in COHORTS}
    plans = {"active": 0, "paused": 0, "none": 0, "unknown": 0}
    no_plan: list[TrustRef] = []
    unknown: list[TrustRef] = []
    paused: list[TrustRef] = []
    gaps: list[tuple[float, str, int, TrustAssessment, CohortAssessment]] = []
    with_figures = with_targeted = 0
    in_force_counts = {st.value: 0 for st in Status}
    confirmed: list[tuple[TrustRef, SourceView]] = []
    for a in open_ones:
        trust = a.trust
        ref = TrustRef(trust.id, trust.ods, trust.name, trust.region)
        by_severity[str(a.severity)] += 1
        for c in a.cohorts:
            by_status[c.cohort][str(c.status)] += 1
            behind = c.status in (Status.MISSED, Status.BEHIND)
            # A gap counts only against a level still asked of the Trust (its plan or a
            # target in force), and only when the figure is not made of small numbers.
            asked = c.benchmark is not None and c.benchmark.origin != "reference"
            if (
                behind
                and asked
                and c.gap is not None
                and c.gap < 0
                and c.latest is not None
                and not c.latest.small_numbers
                and c.latest.quality != "fail"
            ):
                gaps.append((c.gap, trust.name, COHORTS.index(c.cohort), a, c))
            if c.cohort == "all" and asked:
                in_force_counts[str(c.status)] += 1
        figures = [f for f in trust.figures if f.as_of <= as_of]
        with_figures += bool(figures)
        with_targeted += any(f.cohort != "all" for f in figures)
        status = trust.plan.status if trust.plan else "unknown"
        plans[status] += 1
        {"none": no_plan, "unknown": unknown, "paused": paused}.get(status, []).append(ref)
        if status == "none" and trust.plan is not None and trust.plan.source is not None:
            confirmed.append((ref, source_view(trust.plan.source)))
    gaps.sort(key=lambda g: (g[0], g[1], g[2]))
    worst = tuple(
        GapRow(
            trust=TrustRef(a.trust.id, a.trust.ods, a.trust.name, a.trust.region),
            cohort=cohort_view(
                c,
                milestones=milestones,
                plan_citation=plan_citation(a.trust.plan, a.trust.name),
                view_of=lambda f: figure_view(f, declared),
                declared=declared,
            ),
        )
        for _, _, _, a, c in gaps[:WORST_GAPS]
    )
    all_targets = tuple(sorted(targets.values(), key=lambda t: (t.set_on or t.due, t.due, t.id)))
    announced = [t for t in all_targets if t.announced]
    withdrawn = tuple(t for t in announced if t.withdrawn)
    # Every target has ended, the last of them withdrawn: the date national targets ended.
    last_withdrawal = (
        max(t.withdrawn_on for t in withdrawn if t.withdrawn_on)
        if withdrawn and all(t.ended for t in announced)
        else None
    )
    order = (
        Status.MISSED,
        Status.BEHIND,
        Status.ON_TRACK,
        Status.MET,
        Status.NO_DATA,
        Status.NO_TARGET,
    )
    status_counts = tuple(
        StatusCount(st.value, wording.STATUS[st].letter, by_status["all"][st.value]) for st in order
    )
    status_counts_in_force = tuple(
        StatusCount(st.value, wording.STATUS[st].letter, in_force_counts[st.value]) for st in order
    )
    return NationalView(
        as_of=as_of,
        trusts=len(open_ones),
        by_severity=by_severity,
        by_status=by_status,
        status_counts=status_counts,
        with_figures=with_figures,
        with_targeted_figures=with_targeted,
        plans=plans,
        no_plan=tuple(sorted(no_plan, key=lambda r: r.name)),
        no_plan_confirmed=tuple(r for r, _ in sorted(confirmed, key=lambda c: c[0].name)),
        no_plan_sources=tuple(v for _, v in sorted(confirmed, key=lambda c: c[0].name)),
        plan_unknown=tuple(sorted(unknown, key=lambda r: r.name)),
        plan_paused=tuple(sorted(paused, key=lambda r: r.name)),
        worst_gaps=worst,
        targets=all_targets,
        targets_in_force=tuple(t for t in all_targets if t.in_force),
        targets_withdrawn=withdrawn,
        withdrawn_on=last_withdrawal,
        withdrawn_on_long=uk_date(last_withdrawal) if last_withdrawal else None,
        figures=tuple(
            figure_view(f, declared)
            for f in sorted(registry.national.figures, key=lambda f: (f.as_of, f.cohort))
            if f.as_of <= as_of
        ),
        status_counts_in_force=status_counts_in_force,
        **_statistics_picture(registry, [a.trust for a in open_ones], as_of, official),
    )
