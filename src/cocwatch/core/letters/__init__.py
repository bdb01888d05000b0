"""Letters' pure core: which facts a letter may state, and the typed context its template reads.

The package is split by job; each module's docstring says what it may import:

- `doc` and `lazy`: how a view is declared: each field documented, the costly ones made
  when a template first reads them;
- `words`: the shared formatters under the names templates use (names of the registry's
  closed sets come from `cocwatch.core.wording`);
- `citations`: sources, numbered references and placeholders (`LetterState`);
- `people`: sender, recipients, salutations and date-dependent terms;
- `figures`: one published figure and the clause that names what it measures;
- `facts`: targets, plans, Board reviews, inspections, contacts and the Trust;
- `benchmarks`: what a cohort is judged against (milestones, trend), made once per run;
- `assessed`: what `check` says about a Trust (cohorts, findings, data-quality failures);
- `national`: the national picture, computed once per run;
- `followups`: the correspondence log, for follow-up letters;
- `publication`: what the report will publish about a Trust, and when (a right of reply);
- `context`: `LetterContext` and `RunFacts`, the whole context of one letter;
- `fields`: the documentation of every field a template can read.

Pure: registry models, assessment results and dates in; frozen views out. No Jinja, no I/O,
no clock. The names below are the ones the rest of cocwatch (templating, the letter command,
tests) imports from `cocwatch.core.letters`.
"""

from __future__ import annotations

from cocwatch.core.letters.assessed import (
    AssessmentView,
    CohortView,
    FindingView,
    TargetedGap,
    assessment_view,
    cohort_view,
)
from cocwatch.core.letters.benchmarks import BenchmarkView, MilestoneViews, StepView, TrendView
from cocwatch.core.letters.citations import (
    LetterState,
    Placeholder,
    Reference,
    SourceView,
    placeholder,
    source_view,
)
from cocwatch.core.letters.context import (
    NATIONAL_ROLES,
    SCOPES,
    LetterContext,
    LetterInfo,
    RunFacts,
    Scope,
    ThresholdsView,
    letter_context,
    placeholders_in,
    run_facts,
)
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.facts import (
    BoardReviewView,
    ContactView,
    InspectionView,
    MilestoneView,
    PlanView,
    TargetView,
    TrustView,
    contact_view,
    inspection_view,
    plan_citation,
    plan_view,
    target_view,
    target_views,
    trust_view,
)
from cocwatch.core.letters.fields import describe_context, view_types
from cocwatch.core.letters.figures import FigureView, FigureViews, figure_view
from cocwatch.core.letters.followups import (
    FOLLOWS_ANY,
    PLACEHOLDER_GROUNDS,
    CorrespondenceView,
    LoggedLetterView,
    ReplyView,
    correspondence_view,
    effective_follows,
    followed_state,
    logged_letter_view,
    missing_followed,
)
from cocwatch.core.letters.lazy import LazyView, lazy_view, made_fields, made_later
from cocwatch.core.letters.national import (
    GapRow,
    NationalView,
    SpreadView,
    StatusCount,
    TrustRef,
    national_view,
)
from cocwatch.core.letters.people import (
    MNVP_RENAMED_ON,
    PLACEHOLDER_EXPERIENCE,
    PLACEHOLDER_SENDER_CONTACT,
    PLACEHOLDER_SENDER_NAME,
    RECIPIENT_ROLES,
    TRUST_ROLES,
    RecipientView,
    SenderView,
    TermsView,
    address_lines,
    recipient_view,
    salutation_for,
    salutation_name,
    sender_view,
    terms_for,
)
from cocwatch.core.letters.publication import (
    PublicationView,
    PublishedFinding,
    publication_view,
    right_of_reply_dates,
)
from cocwatch.core.letters.words import (
    join_and,
    month_year,
    number_text,
    percent_text,
    plural,
    points_text,
    uk_date,
)

__all__ = [
    "FOLLOWS_ANY",
    "MNVP_RENAMED_ON",
    "NATIONAL_ROLES",
    "PLACEHOLDER_EXPERIENCE",
    "PLACEHOLDER_GROUNDS",
    "PLACEHOLDER_SENDER_CONTACT",
    "PLACEHOLDER_SENDER_NAME",
    "RECIPIENT_ROLES",
    "SCOPES",
    "TRUST_ROLES",
    "AssessmentView",
    "BenchmarkView",
    "BoardReviewView",
    "CohortView",
    "ContactView",
    "CorrespondenceView",
    "Doc",
    "FigureView",
    "FigureViews",
    "FindingView",
    "GapRow",
    "InspectionView",
    "LazyView",
    "LetterContext",
    "LetterInfo",
    "LetterState",
    "LoggedLetterView",
    "MilestoneView",
    "MilestoneViews",
    "NationalView",
    "Placeholder",
    "PlanView",
    "PublicationView",
    "PublishedFinding",
    "RecipientView",
    "Reference",
    "ReplyView",
    "RunFacts",
    "Scope",
    "SenderView",
    "SourceView",
    "SpreadView",
    "StatusCount",
    "StepView",
    "TargetView",
    "TargetedGap",
    "TermsView",
    "ThresholdsView",
    "TrendView",
    "TrustRef",
    "TrustView",
    "address_lines",
    "assessment_view",
    "cohort_view",
    "contact_view",
    "correspondence_view",
    "describe_context",
    "effective_follows",
    "figure_view",
    "followed_state",
    "inspection_view",
    "join_and",
    "lazy_view",
    "letter_context",
    "logged_letter_view",
    "made_fields",
    "made_later",
    "missing_followed",
    "month_year",
    "national_view",
    "number_text",
    "percent_text",
    "placeholder",
    "placeholders_in",
    "plan_citation",
    "plan_view",
    "plural",
    "points_text",
    "publication_view",
    "recipient_view",
    "right_of_reply_dates",
    "run_facts",
    "salutation_for",
    "salutation_name",
    "sender_view",
    "source_view",
    "target_view",
    "target_views",
    "terms_for",
    "trust_view",
    "uk_date",
    "view_types",
]
