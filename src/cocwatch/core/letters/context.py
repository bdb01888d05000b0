"""The context a letter template receives (SPEC §6): `LetterContext`, built per letter from
`RunFacts`, the part every letter of one run shares.

The views carry the raw values (dates, numbers, ``None`` when unknown) and ready-made British
English wording beside them (``*_long`` dates, ``*_text`` numbers), so a template can quote a
fact without formatting it. Pure: no Jinja, no I/O, no clock; imports the letters' views.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Annotated, Any, Literal

from cocwatch.core.assessment import TrustAssessment
from cocwatch.core.comparison import OfficialContext
from cocwatch.core.kinds import Style
from cocwatch.core.letters.area import (
    AreaRequest,
    AreaView,
    ConstituencyView,
    area_view,
)
from cocwatch.core.letters.assessed import AssessmentView, assessment_view
from cocwatch.core.letters.benchmarks import MilestoneViews
from cocwatch.core.letters.citations import Placeholder, placeholder
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.facts import TargetView, TrustView, target_views, trust_view
from cocwatch.core.letters.figures import FigureViews
from cocwatch.core.letters.followups import PLACEHOLDER_GROUNDS, CorrespondenceView
from cocwatch.core.letters.national import NationalView, national_view
from cocwatch.core.letters.people import (
    ICB_ROLES,
    PLACEHOLDER_EXPERIENCE,
    PLACEHOLDER_SENDER_CONTACT,
    PLACEHOLDER_SENDER_NAME,
    TRUST_ROLES,
    RecipientView,
    SenderView,
    TermsView,
    address_lines,
    recipient_view,
    sender_view,
    terms_for,
)
from cocwatch.core.letters.publication import PublicationView
from cocwatch.core.letters.published import StatisticsView, statistics_view
from cocwatch.core.letters.words import uk_date
from cocwatch.core.measures import NOTHING_DECLARED
from cocwatch.core.models import Contact, Registry, Sender, Thresholds

# What a letter is about: one Trust, an ICB's area (its LMNS and its Trusts), or England.
Scope = Literal["trust", "icb", "national"]
SCOPES: tuple[Scope, ...] = ("trust", "icb", "national")
# Roles found in the registry's `national.contacts`, whatever the letter's scope.
NATIONAL_ROLES = frozenset({"secretary_of_state", "minister", "ico"})


@dataclass(frozen=True, slots=True)
class LetterInfo:
    """The template and the output being drafted."""

    name: Annotated[str, Doc("The template's name, e.g. board.")]
    title: Annotated[str, Doc("Its front-matter title.")]
    description: Annotated[str, Doc("Its front-matter description.")]
    scope: Annotated[str, Doc("trust, icb or national.")]
    format: Annotated[
        str,
        Doc(
            "The output format being written, as `letter --format` names it (its help lists them)."
        ),
    ]
    email: Annotated[bool, Doc("True for an email draft (.eml): leave out postal blocks.")]


@dataclass(frozen=True, slots=True)
class ThresholdsView:
    """The assessment thresholds in effect (config file `thresholds:`)."""

    tolerance_points: Annotated[float, Doc("How far below expected counts as behind.")]
    board_review_days: Annotated[int, Doc("How often a Board should review progress.")]
    stale_after_days: Annotated[int, Doc("When figures count as out of date.")]


@dataclass(frozen=True, slots=True)
class LetterContext:
    """Everything a template sees (each field is a top-level variable)."""

    letter: Annotated[LetterInfo, Doc("The template and output format.")]
    date: Annotated[dt.date, Doc("The letter's date (--as-of, default today).")]
    date_long: Annotated[str, Doc("That date in words: '23 November 2026'.")]
    reply_by: Annotated[
        dt.date,
        Doc(
            "20 working days after the letter's date (FOIA s.10), skipping weekends, "
            "Christmas Day, Good Friday and the bank holidays of every part of the United "
            "Kingdom (s.10(6)); the day after the letter is day 1."
        ),
    ]
    reply_by_long: Annotated[str, Doc("That date in words.")]
    sender: Annotated[SenderView, Doc("Who signs.")]
    recipient: Annotated[RecipientView, Doc("Who it is addressed to.")]
    copies: Annotated[tuple[RecipientView, ...], Doc("Who gets a copy (front matter `cc`).")]
    trust: Annotated[
        TrustView | None,
        Doc("The Trust (an ICB's letter: its LMNS, as a body; None for national letters)."),
    ]
    assessment: Annotated[AssessmentView | None, Doc("Its assessment (None for national).")]
    national: Annotated[NationalView, Doc("The national picture.")]
    statistics: Annotated[
        StatisticsView, Doc("The official statistics in use: publishers and groups of women.")
    ]
    terms: Annotated[TermsView, Doc("Date-dependent words (MNVP or MVP).")]
    thresholds: Annotated[ThresholdsView, Doc("The assessment thresholds in effect.")]
    experience: Annotated[
        str, Doc("The writer's own paragraph (--experience FILE), or a placeholder.")
    ]
    experience_given: Annotated[bool, Doc("Whether the writer supplied that paragraph.")]
    placeholders: Annotated[
        tuple[Placeholder, ...], Doc("Every placeholder this context may show.")
    ]
    correspondence: Annotated[
        CorrespondenceView,
        Doc("The correspondence log's letters to the Trust, for follow-up letters."),
    ] = field(default_factory=CorrespondenceView)
    area: Annotated[
        AreaView | None,
        Doc("An ICB's letter (scope icb): the ICB, its LMNS's figures and its Trusts."),
    ] = None
    constituency: Annotated[
        ConstituencyView | None,
        Doc("A letter to an MP: the constituency the writer's postcode found, and its MP."),
    ] = None
    publication: Annotated[
        PublicationView | None,
        Doc(
            "What the report will publish about the Trust, and when, for a right of reply "
            "(None in a national letter)."
        ),
    ] = None

    def variables(self) -> dict[str, Any]:
        """The fields as a dict of template variables (shallow: the views are shared)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What every letter of one run shares: computed once, not per Trust."""

    registry: Registry
    as_of: date
    reply_by: date
    thresholds: Thresholds
    targets: dict[str, TargetView]
    national: NationalView
    sender: SenderView
    terms: TermsView
    experience: str | None
    milestones: MilestoneViews  # benchmark views, shared by the letters
    thresholds_view: ThresholdsView
    statistics: StatisticsView
    official: OfficialContext | None = None  # the statistics the comparisons came from
    style: Style = "plain"  # comparisons in everyday words, or with their methods (`--style`)


def run_facts(
    registry: Registry,
    assessed_open: Sequence[TrustAssessment],
    *,
    as_of: date,
    reply_by: date,
    thresholds: Thresholds,
    sender: Sender,
    experience: str | None = None,
    official: OfficialContext | None = None,
    style: Style = "plain",
) -> RunFacts:
    """Prepare the shared part of every letter's context (`official`: the statistics the
    assessments' comparisons came from, for the data-quality measures and the spread)."""
    declared = official.declared if official is not None else NOTHING_DECLARED
    targets = target_views(registry, as_of, declared)
    milestones = MilestoneViews(targets, as_of)
    return RunFacts(
        registry=registry,
        as_of=as_of,
        reply_by=reply_by,
        thresholds=thresholds,
        targets=targets,
        national=national_view(
            registry,
            assessed_open,
            as_of=as_of,
            targets=targets,
            milestones=milestones,
            official=official,
        ),
        sender=sender_view(sender),
        terms=terms_for(as_of),
        experience=experience.strip() if experience and experience.strip() else None,
        milestones=milestones,
        thresholds_view=ThresholdsView(
            tolerance_points=thresholds.tolerance_points,
            board_review_days=thresholds.board_review_days,
            stale_after_days=thresholds.stale_after_days,
        ),
        statistics=statistics_view(declared),
        official=official,
        style=style,
    )


def letter_context(
    facts: RunFacts,
    *,
    letter: LetterInfo,
    recipient_role: str,
    cc_roles: Sequence[str] = (),
    assessed: TrustAssessment | None = None,
    correspondence: CorrespondenceView | None = None,
    area: AreaRequest | None = None,
    constituency: ConstituencyView | None = None,
    contacts: Sequence[Contact] = (),
    publication: PublicationView | None = None,
) -> LetterContext:
    """Build the context of one letter (about `assessed`'s Trust, or national when None).

    `correspondence` is what the correspondence log holds for the Trust (follow-up letters);
    `publication` what the report will publish about it (a right of reply).
    An ICB's letter (`area`) is about its LMNS as a body (the first, as `trust` and
    `assessment`), its Trusts, and is addressed to the ICB that exists on the letter's date;
    `contacts` are recipients found elsewhere (an MP, by `cocwatch mp`).
    """
    declared = facts.official.declared if facts.official is not None else NOTHING_DECLARED
    figures = FigureViews(declared)  # the Trust's view and its assessment share their figures
    if area is not None and assessed is None and area.bodies:
        assessed = area.bodies[0]

    def viewed(one: TrustAssessment) -> tuple[TrustView, AssessmentView]:
        trust = trust_view(one.trust, facts.as_of, figures)
        return trust, assessment_view(
            one,
            trust,
            facts.targets,
            facts.as_of,
            figures,
            facts.milestones,
            observations=(
                facts.official.observations(one.trust.ods, one.kind.level) if facts.official else ()
            ),
            style=facts.style,
        )

    trust, assessment = viewed(assessed) if assessed else (None, None)
    area_seen = None
    if area is not None:
        first = [(trust, assessment)] if trust is not None and assessment is not None else []
        bodies = first + [viewed(b) for b in area.bodies[len(first) :]]
        area_seen = area_view(
            area.icb,
            bodies,
            [viewed(t) for t in area.trusts],
            predecessors=area.predecessors,
            split=area.split,
        )

    def contact(role: str) -> Contact | None:
        given = next((c for c in contacts if c.role == role), None)
        if given is not None:
            return given
        if area is not None and (found := area.icb.contact(role)) is not None:
            return found
        if role in NATIONAL_ROLES or assessed is None:
            found = next((c for c in facts.registry.national.contacts if c.role == role), None)
            if found or assessed is None:
                return found
        if area is not None:
            return None  # an LMNS body's own contacts are its ICB of that month's
        return assessed.trust.contact(role)

    holder: _Addressed | TrustView | None = trust
    roles = TRUST_ROLES
    if area is not None:
        holder = _Addressed(area.icb.label, address_lines(area.icb.address))
        roles = ICB_ROLES

    def addressed(role: str) -> RecipientView:
        return recipient_view(
            role, contact(role), trust=holder, terms=facts.terms, on=facts.as_of, roles=roles
        )

    recipient = addressed(recipient_role)
    copies = tuple(addressed(r) for r in cc_roles)
    experience = facts.experience or PLACEHOLDER_EXPERIENCE.text
    candidates = [PLACEHOLDER_SENDER_NAME, PLACEHOLDER_SENDER_CONTACT, PLACEHOLDER_EXPERIENCE]
    candidates += [placeholder(f"Postal address of the {r.role_title}") for r in (recipient,)]
    candidates += [placeholder(f"Postal address of the {r.role_title}") for r in copies]
    if correspondence is not None:
        candidates.append(PLACEHOLDER_GROUNDS)
    return LetterContext(
        letter=letter,
        date=facts.as_of,
        date_long=uk_date(facts.as_of),
        reply_by=facts.reply_by,
        reply_by_long=uk_date(facts.reply_by),
        sender=facts.sender,
        recipient=recipient,
        copies=copies,
        trust=trust,
        assessment=assessment,
        national=facts.national,
        statistics=facts.statistics,
        terms=facts.terms,
        thresholds=facts.thresholds_view,
        experience=experience,
        experience_given=facts.experience is not None,
        placeholders=tuple(dict.fromkeys(candidates)),
        correspondence=correspondence or CorrespondenceView(),
        area=area_seen,
        constituency=constituency,
        publication=publication,
    )


@dataclass(frozen=True, slots=True)
class _Addressed:
    """What a recipient's address block needs of the body a letter goes to (an ICB)."""

    name: str
    address_lines: tuple[str, ...]


def placeholders_in(text: str, candidates: Iterable[Placeholder]) -> list[Placeholder]:
    """The placeholders that actually appear in a rendered letter, in order, once each."""
    return [p for p in dict.fromkeys(candidates) if p.text in text]
