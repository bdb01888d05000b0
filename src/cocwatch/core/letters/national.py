"""The national picture on a letter's date: the open Trusts' statuses and plans, the worst
gaps, national targets and figures, and how the latest month's MSDS figures spread.

Computed once per run, shared by every letter. Pure; imports `core.assessment` and the
letters' words, citations, figures, facts and assessed views.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from cocwatch.core import wording
from cocwatch.core.assessment import CohortAssessment, Status, TrustAssessment
from cocwatch.core.comparison import STALE_STATISTICS_DAYS, OfficialContext, counts_only
from cocwatch.core.kinds import TRUST_SEVERITIES
from cocwatch.core.letters.assessed import CohortView, cohort_view
from cocwatch.core.letters.benchmarks import MilestoneViews
from cocwatch.core.letters.citations import SourceView, document_view, source_view
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.facts import TargetView, plan_citation, target_views
from cocwatch.core.letters.figures import FigureView, figure_view
from cocwatch.core.letters.words import uk_date
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
    msds_month: Annotated[
        date | None, Doc("The latest month of national MSDS figures (its last day), if any.")
    ] = None
    msds_month_text: Annotated[str | None, Doc("That month in words: 'April 2025'.")] = None
    placed: Annotated[
        FigureView | None,
        Doc("The national figure placed on a pathway by 28 weeks (all women) for that month."),
    ] = None
    receiving: Annotated[
        FigureView | None,
        Doc("The national figure receiving continuity (all women) for that month."),
    ] = None
    reporting: Annotated[
        int, Doc("Open Trusts with an all-women MSDS figure (or failed result) for that month.")
    ] = 0
    quality_failed: Annotated[
        int,
        Doc("Of those, how many Trusts' data failed NHS England's data-quality checks."),
    ] = 0
    quality_failed_placed: Annotated[
        int, Doc("How many failed them for the placed-by-28-weeks measure.")
    ] = 0
    quality_failed_receiving: Annotated[
        int, Doc("How many failed them for the receiving-continuity measure.")
    ] = 0
    spread: Annotated[
        SpreadView | None,
        Doc("How the Trusts' placed-by-28-weeks figures for that month spread, if any."),
    ] = None
    msds_out_of_date: Annotated[
        bool,
        Doc(
            "Whether that month is more than 120 days before the letter's date: NHS England "
            "has very likely published newer months that the registry does not hold."
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
    none_placed: Annotated[int, Doc("Trusts that placed no woman that month (0 of n).")] = 0
    small: Annotated[
        int,
        Doc("Trusts with under 30 women or a published 5 (in the median, not the range)."),
    ] = 0
    method: Annotated[
        SourceView | None, Doc("How the spread was computed from the file (cite it too).")
    ] = None


def _spread(
    figures: Sequence[tuple[float, Count | None]], citation: SourceView, *, method: bool
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
        none_placed=sum(1 for p in rates if p == 0),
        small=len(small),
        method=document_view(title=SPREAD_NOTE, url=None, kind="other") if method else None,
    )


WORST_GAPS = 10
SPREAD_NOTE = (
    "Median and range computed by the author from the counts in NHS England's file, over every "
    "Trust whose data passed NHS England's data-quality checks that month (NHS England does "
    "not publish them itself)"
)
_MSDS_MEASURES = ("placed_by_28_weeks", "receiving_ongoing")


def _month_figure(figures: Iterable[Figure], measure: str, month: date) -> Figure | None:
    """The all-women figure of one measure for one month: the final one over a provisional."""
    found = [f for f in figures if f.cohort == "all" and f.measure == measure and f.as_of == month]
    return max(found, key=lambda f: not f.provisional, default=None)


def _msds_picture(
    registry: Registry,
    open_trusts: Sequence[Trust],
    as_of: date,
    official: OfficialContext | None = None,
) -> dict[str, Any]:
    """The national MSDS figures of the latest month and what the Trusts' data show for it."""
    national = [
        f
        for f in registry.national.figures
        if f.as_of <= as_of and f.source.official and f.measure in _MSDS_MEASURES
    ]
    if not national:
        return {}
    month = max(f.as_of for f in national)
    picture: dict[str, Any] = {
        "msds_month": month,
        "msds_month_text": wording.month_year(month),
        "msds_out_of_date": (as_of - month).days > STALE_STATISTICS_DAYS,
    }
    for measure, key in zip(_MSDS_MEASURES, ("placed", "receiving"), strict=True):
        figure = _month_figure(national, measure, month)
        picture[key] = figure_view(figure) if figure else None
    reporting = failed = failed_placed = failed_receiving = 0
    shares: list[tuple[float, Count | None]] = []
    sources: list[Source] = []
    for trust in open_trusts:
        placed = _month_figure(trust.figures, "placed_by_28_weeks", month)
        receiving = _month_figure(trust.figures, "receiving_ongoing", month)
        if placed is None and receiving is None:
            continue
        reporting += 1
        placed_failed = placed is not None and placed.quality == "fail"
        receiving_failed = receiving is not None and receiving.quality == "fail"
        failed += placed_failed or receiving_failed
        failed_placed += placed_failed
        failed_receiving += receiving_failed
        if (
            placed is not None
            and placed.percent is not None
            and not placed_failed
            and placed.source.official
        ):
            n, d = placed.numerator, placed.denominator
            counted = Count(n, d) if n is not None and d and n <= d else None
            shares.append((placed.percent, counted))
            sources.append(placed.source)
    picture.update(
        reporting=reporting,
        quality_failed=failed,
        quality_failed_placed=failed_placed,
        quality_failed_receiving=failed_receiving,
    )
    if sources:
        citation = source_view(max(set(sources), key=sources.count))
        # Every Trust whose data passed NHS England's checks that month, small ones too: the
        # statistics folder has them all; without it, the registry's own figures.
        peers = official.peers.get(("placed_by_28_weeks", month)) if official else None
        if peers is not None and peers.providers:
            every = [(100 * c.numerator / c.denominator, c) for c in peers.providers.values()]
            picture["spread"] = _spread(every, citation, method=True)
        else:
            picture["spread"] = _spread(shares, citation, method=False)
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
    targets = targets if targets is not None else target_views(registry, as_of)
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
            figure_view(f)
            for f in sorted(registry.national.figures, key=lambda f: (f.as_of, f.cohort))
            if f.as_of <= as_of
        ),
        status_counts_in_force=status_counts_in_force,
        **_msds_picture(registry, [a.trust for a in open_ones], as_of, official),
    )
