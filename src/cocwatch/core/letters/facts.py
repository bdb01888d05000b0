"""Views of the registry's facts about a Trust: targets, its plan, Board reviews, inspections,
contacts, and the Trust itself, as they stood on the letter's date.

Pure; imports the registry models, `core.targets`, and the letters' words, citations, people
(postal addresses) and figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from datetime import date
from typing import Annotated

from cocwatch.core import wording
from cocwatch.core.letters.citations import SourceView, document_view, source_view
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.figures import FigureView, FigureViews
from cocwatch.core.letters.lazy import LazyView, lazy_view, made_later
from cocwatch.core.letters.people import address_lines
from cocwatch.core.letters.words import group_who, join_and, uk_date
from cocwatch.core.measures import NOTHING_DECLARED, Declared
from cocwatch.core.models import (
    BoardReview,
    Contact,
    Figure,
    Inspection,
    Milestone,
    Plan,
    Registry,
    Target,
    Trust,
)
from cocwatch.core.targets import in_force as target_in_force
from cocwatch.core.targets import superseded_on


@dataclass(frozen=True, slots=True)
class TargetView:
    """A national target, as it stood on the letter's date."""

    id: Annotated[str, Doc("Its id in the registry.")]
    title: Annotated[str, Doc("What it asked for, in words.")]
    kind: Annotated[str, Doc("What it was: target, ambition, commitment or incentive_condition.")]
    kind_text: Annotated[
        str, Doc("That in words: 'a national target', 'an incentive-scheme condition'.")
    ]
    cohort: Annotated[str, Doc("The cohort it covers.")]
    who: Annotated[str, Doc("That cohort in a sentence.")]
    measure: Annotated[str, Doc("What it is judged on, as the registry names it (`measure:`).")]
    percent: Annotated[float | None, Doc("Its percentage (None for a qualitative target).")]
    percent_text: Annotated[str | None, Doc("'51%', or None.")]
    due: Annotated[date, Doc("When it was due (the last day of the period the source gives).")]
    due_long: Annotated[
        str, Doc("That date as precisely as the source gives it: '2024', 'March 2021'.")
    ]
    set_on: Annotated[date | None, Doc("When it was announced, if recorded.")]
    set_on_long: Annotated[str | None, Doc("That date in words, at the source's precision.")]
    withdrawn_on: Annotated[date | None, Doc("When it was withdrawn, if it was.")]
    withdrawn_on_long: Annotated[str | None, Doc("That date in words.")]
    superseded_by: Annotated[str | None, Doc("The id of the target that replaced it, if any.")]
    successor: Annotated[
        TargetView | None, Doc("That target (replaced by its successor, not withdrawn).")
    ]
    announced: Annotated[bool, Doc("Announced on or before the letter's date.")]
    withdrawn: Annotated[bool, Doc("Withdrawn on or before the letter's date.")]
    superseded: Annotated[bool, Doc("Replaced by its successor on or before the letter's date.")]
    ended: Annotated[
        str | None, Doc("How it ended by the letter's date: 'withdrawn', 'superseded' or None.")
    ]
    in_force: Annotated[
        bool, Doc("Announced, not withdrawn and not replaced on the letter's date.")
    ]
    unverified: Annotated[bool, Doc("The registry notes call some of it unverified.")]
    mirror_only: Annotated[
        bool, Doc("Its only source is a mirror of the primary record (named so in its title).")
    ]
    citable: Annotated[
        bool,
        Doc(
            "Neither unverified nor cited only to a mirror: the built-in letters mention "
            "only these (cite the primary source or leave the claim out)."
        ),
    ]
    source: Annotated[SourceView | None, Doc("Its source, if recorded.")]
    citation: Annotated[SourceView, Doc("What cite() cites (its source, or a caveat).")]


def target_view(
    target: Target,
    as_of: date,
    by_id: dict[str, Target] | None = None,
    declared: Declared = NOTHING_DECLARED,
) -> TargetView:
    """The view of a national `Target` on the date `as_of` (its successor not filled in);
    its group named as the official statistics in use define it (`declared`)."""
    by_id = by_id or {}
    src = source_view(target.source) if target.source else None
    withdrawn = target.withdrawn_on is not None and target.withdrawn_on <= as_of
    replaced = superseded_on(target, by_id)
    superseded = replaced is not None and replaced <= as_of
    unverified = target.unverified or "unverified" in (target.notes or "").lower()
    mirror = src is not None and "mirror" in (src.title or "").lower()
    return TargetView(
        id=target.id,
        title=target.title,
        kind=target.kind,
        kind_text=wording.TARGET_KIND[target.kind],
        cohort=target.cohort,
        who=group_who(target.cohort, declared),
        measure=target.measure,
        percent=target.percent,
        percent_text=wording.percent(target.percent) if target.percent is not None else None,
        due=target.due,
        due_long=wording.period(target.due, target.due_precision),
        set_on=target.set_on,
        set_on_long=(
            wording.period(target.set_on, target.set_on_precision) if target.set_on else None
        ),
        withdrawn_on=target.withdrawn_on,
        withdrawn_on_long=uk_date(target.withdrawn_on) if target.withdrawn_on else None,
        superseded_by=target.superseded_by,
        successor=None,
        announced=target.was_set(as_of),
        withdrawn=withdrawn,
        superseded=superseded,
        ended="withdrawn" if withdrawn else "superseded" if superseded else None,
        in_force=target_in_force(target, as_of, by_id),
        unverified=unverified,
        mirror_only=mirror,
        citable=not (unverified or mirror),
        source=src,
        citation=_target_citation(target, src),
    )


def _target_citation(target: Target, src: SourceView | None) -> SourceView:
    unverified = "unverified" in (target.notes or "").lower()
    note = "some details not confirmed against the original document" if unverified else None
    if src is None:
        return document_view(
            title=target.title,
            url=None,
            note=join_and(x for x in ("no source recorded in the registry", note) if x),
        )
    if note is None:
        return src
    return document_view(
        title=src.title, url=src.url, kind=src.kind, retrieved=src.retrieved, note=note
    )


@dataclass(frozen=True, slots=True)
class MilestoneView:
    """A milestone of the Trust's own plan."""

    cohort: Annotated[str, Doc("The cohort.")]
    who: Annotated[str, Doc("The cohort in a sentence.")]
    percent: Annotated[float, Doc("The percentage promised.")]
    percent_text: Annotated[str, Doc("It in words.")]
    due: Annotated[date, Doc("By when.")]
    due_long: Annotated[str, Doc("That date in words.")]


@dataclass(frozen=True, slots=True)
class BoardReviewView:
    """A Board meeting that reviewed continuity of carer."""

    date: Annotated[dt.date, Doc("The meeting date.")]
    date_long: Annotated[str, Doc("That date in words.")]
    url: Annotated[str | None, Doc("The papers, if recorded.")]
    note: Annotated[str | None, Doc("A note, if recorded.")]
    citation: Annotated[SourceView, Doc("What cite() cites.")]


def _plan_reviews(view: PlanView) -> tuple[BoardReviewView, ...]:
    plan, trust_name, as_of, _ = view._inputs
    ordered = sorted(plan.board_reviews, key=lambda r: r.date)
    return tuple(_review_view(r, trust_name) for r in ordered if r.date <= as_of)


def _plan_milestones(view: PlanView) -> tuple[MilestoneView, ...]:
    plan, declared = view._inputs[0], view._inputs[3]
    return tuple(
        _milestone_view(m, declared)
        for m in sorted(plan.milestones, key=lambda m: (m.due, m.cohort))
    )


@made_later(
    milestones=_plan_milestones,
    board_reviews=_plan_reviews,
    last_review=lambda view: view.board_reviews[-1] if view.board_reviews else None,
)
@dataclass(frozen=True, slots=True)
class PlanView(LazyView):
    """The Trust's continuity of carer plan, as far as the registry knows it."""

    recorded: Annotated[bool, Doc("Whether the registry has a plan entry at all.")]
    status: Annotated[str, Doc("active, paused, none (known to have none) or unknown.")]
    status_text: Annotated[str, Doc("The status in words.")]
    published: Annotated[date | None, Doc("When it was published, if known.")]
    published_long: Annotated[str | None, Doc("That date in words.")]
    url: Annotated[str | None, Doc("Where it is published, if it is.")]
    coproduced: Annotated[str, Doc("yes, no or unknown: co-produced with service users.")]
    milestones: Annotated[tuple[MilestoneView, ...], Doc("Its milestones, by due date.")]
    board_reviews: Annotated[
        tuple[BoardReviewView, ...], Doc("Board reviews up to the letter's date, oldest first.")
    ]
    last_review: Annotated[BoardReviewView | None, Doc("The latest of those, if any.")]
    citation: Annotated[SourceView, Doc("What cite() cites (the published plan).")]
    source: Annotated[
        SourceView | None, Doc("Where the plan's status is known from (e.g. an FOI reply).")
    ] = None
    none_confirmed: Annotated[
        bool,
        Doc(
            "status 'none' with a source: only this supports 'the Trust has no plan' "
            "(without a source, a letter asks instead)."
        ),
    ] = False


def plan_view(
    plan: Plan | None, trust_name: str, as_of: date, declared: Declared = NOTHING_DECLARED
) -> PlanView:
    """The view of a Trust's `Plan` (status unknown when there is none)."""
    recorded = plan is not None
    plan = plan or Plan(status="unknown")
    return lazy_view(
        PlanView,
        (plan, trust_name, as_of, declared),
        recorded=recorded,
        status=plan.status,
        status_text=wording.PLAN_STATUS[plan.status].sentence,
        published=plan.published,
        published_long=uk_date(plan.published) if plan.published else None,
        url=plan.url,
        coproduced=plan.coproduced,
        citation=plan_citation(plan, trust_name),
        source=source_view(plan.source) if plan.source else None,
        none_confirmed=plan.status == "none" and plan.source is not None,
    )


def plan_citation(plan: Plan | None, trust_name: str) -> SourceView:
    """What cite() cites for a Trust's plan: the published plan, or a note that none is."""
    url = plan.url if plan else None
    published = plan.published if plan else None
    title = f"{trust_name}: continuity of carer plan"
    if published:
        title += f" ({'published' if url else 'dated'} {uk_date(published)})"
    note = None if url else "no published copy recorded"
    return document_view(title=title, url=url, kind="plan", note=note)


def _milestone_view(milestone: Milestone, declared: Declared) -> MilestoneView:
    return MilestoneView(
        cohort=milestone.cohort,
        who=group_who(milestone.cohort, declared),
        percent=milestone.percent,
        percent_text=wording.percent(milestone.percent),
        due=milestone.due,
        due_long=uk_date(milestone.due),
    )


def _review_view(review: BoardReview, trust_name: str) -> BoardReviewView:
    return BoardReviewView(
        date=review.date,
        date_long=uk_date(review.date),
        url=review.url,
        note=review.note,
        citation=document_view(
            title=f"{trust_name}: Board meeting of {uk_date(review.date)}",
            url=review.url,
            kind="board_paper",
            note=None if review.url else "papers not linked in the registry",
        ),
    )


@dataclass(frozen=True, slots=True)
class InspectionView:
    """An inspection of the Trust's maternity service."""

    date: Annotated[dt.date, Doc("The inspection (or report) date.")]
    date_long: Annotated[str, Doc("That date in words.")]
    body: Annotated[str, Doc("Who inspected, e.g. CQC.")]
    service: Annotated[str, Doc("The service inspected, e.g. maternity.")]
    rating: Annotated[str | None, Doc("outstanding, good, requires_improvement, ... or None.")]
    rating_text: Annotated[str | None, Doc("The rating in words: 'Requires improvement'.")]
    url: Annotated[str | None, Doc("The report, if recorded.")]
    citation: Annotated[SourceView, Doc("What cite() cites.")]


def inspection_view(inspection: Inspection, trust_name: str) -> InspectionView:
    """The view of an `Inspection`."""
    title = (
        f"{inspection.body}: inspection of {inspection.service} services, {trust_name}, "
        f"{uk_date(inspection.date)}"
    )
    return InspectionView(
        date=inspection.date,
        date_long=uk_date(inspection.date),
        body=inspection.body,
        service=inspection.service,
        rating=inspection.rating,
        rating_text=wording.RATING[inspection.rating] if inspection.rating else None,
        url=inspection.url,
        citation=document_view(
            title=title, url=inspection.url, kind="cqc" if inspection.body == "CQC" else "other"
        ),
    )


@dataclass(frozen=True, slots=True)
class ContactView:
    """A contact recorded for the Trust or nationally."""

    role: Annotated[str, Doc("chief_executive, chair, director_of_midwifery, mnvp, foi, ...")]
    name: Annotated[str | None, Doc("Their name, if recorded.")]
    title: Annotated[str | None, Doc("Their job title, if recorded.")]
    organisation: Annotated[str | None, Doc("Their organisation, if recorded.")]
    email: Annotated[str | None, Doc("Their email address, if recorded.")]
    address_lines: Annotated[tuple[str, ...], Doc("Their postal address, line by line.")]


def contact_view(contact: Contact) -> ContactView:
    return ContactView(
        role=contact.role,
        name=contact.name,
        title=contact.title,
        organisation=contact.organisation,
        email=contact.email,
        address_lines=address_lines(contact.address),
    )


def _trust_figures(view: TrustView) -> tuple[FigureView, ...]:
    trust, as_of, view_of = view._inputs
    return tuple(view_of(f) for f in counted_figures(trust, as_of))


def _trust_inspections(view: TrustView) -> tuple[InspectionView, ...]:
    trust, as_of, _ = view._inputs
    ordered = sorted(trust.inspections, key=lambda i: i.date)
    return tuple(inspection_view(i, trust.name) for i in ordered if i.date <= as_of)


@made_later(
    plan=lambda view: plan_view(
        view._inputs[0].plan, view.name, view._inputs[1], view._inputs[2].declared
    ),
    figures=_trust_figures,
    inspections=_trust_inspections,
    latest_inspection=lambda view: view.inspections[-1] if view.inspections else None,
    contacts=lambda view: tuple(contact_view(c) for c in view._inputs[0].contacts),
)
@dataclass(frozen=True, slots=True)
class TrustView(LazyView):
    """The Trust a letter is about (figures, inspections and reviews up to the letter's date)."""

    id: Annotated[str, Doc("Its id in the registry.")]
    ods: Annotated[str, Doc("Its NHS ODS code.")]
    name: Annotated[str, Doc("Its full name.")]
    region: Annotated[str, Doc("Its NHS region.")]
    icb: Annotated[str | None, Doc("Its ICB code, if recorded.")]
    lmns: Annotated[str | None, Doc("Its Local Maternity and Neonatal System, if recorded.")]
    website: Annotated[str | None, Doc("Its website, if recorded.")]
    board_papers_url: Annotated[str | None, Doc("Where its Board papers appear, if recorded.")]
    address_lines: Annotated[tuple[str, ...], Doc("Its headquarters address, line by line.")]
    closed_on: Annotated[date | None, Doc("When it closed, if it has.")]
    closed_on_long: Annotated[str | None, Doc("That date in words.")]
    plan: Annotated[PlanView, Doc("Its plan (status 'unknown' when none is recorded).")]
    figures: Annotated[tuple[FigureView, ...], Doc("Every figure up to the date, oldest first.")]
    inspections: Annotated[tuple[InspectionView, ...], Doc("Inspections, oldest first.")]
    latest_inspection: Annotated[InspectionView | None, Doc("The latest inspection, if any.")]
    contacts: Annotated[tuple[ContactView, ...], Doc("Everyone recorded for it.")]


def counted_figures(trust: Trust, as_of: date) -> list[Figure]:
    """The Trust's figures up to `as_of`, oldest first (the order of `TrustView.figures`)."""
    return sorted(
        (f for f in trust.figures if f.as_of <= as_of),
        key=lambda f: (f.as_of, f.cohort, f.measure),
    )


def trust_view(trust: Trust, as_of: date, figures: FigureViews | None = None) -> TrustView:
    """The view of a `Trust` on the date `as_of` (`figures`: the letter's views of figures)."""
    return lazy_view(
        TrustView,
        (trust, as_of, figures or FigureViews()),
        id=trust.id,
        ods=trust.ods,
        name=trust.name,
        region=trust.region,
        icb=trust.icb,
        lmns=trust.lmns,
        website=trust.website,
        board_papers_url=trust.board_papers_url,
        address_lines=address_lines(trust.address),
        closed_on=trust.closed_on,
        closed_on_long=uk_date(trust.closed_on) if trust.closed_on else None,
    )


def target_views(
    registry: Registry, as_of: date, declared: Declared = NOTHING_DECLARED
) -> dict[str, TargetView]:
    """Every national target's view on `as_of`, by id, each with its successor's view."""
    by_id = {t.id: t for t in registry.national.targets}
    views = {t.id: target_view(t, as_of, by_id, declared) for t in registry.national.targets}
    return {
        tid: replace(v, successor=views.get(v.superseded_by)) if v.superseded_by else v
        for tid, v in views.items()
    }
