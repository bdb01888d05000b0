"""What a campaign will publish about a Trust, and when: the view a right-of-reply letter
quotes (`publication` in a letter's context).

The sentences are the report's own (`cocwatch.core.statements`: the same function, the same
assessment), so what the Trust is shown is word for word what the report prints. The dates
follow the FOI calendar (`cocwatch.core.workdays`): the Trust has 10 working days after the
letter's date to point out an error, and the campaign publishes on a working day after that.
Pure; the sentences are made only when a template reads them.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from cocwatch.core import wording
from cocwatch.core.assessment import TrustAssessment
from cocwatch.core.correspondence import RIGHT_OF_REPLY_WORKING_DAYS as REPLY_WORKING_DAYS
from cocwatch.core.kinds import Severity
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.lazy import LazyView, lazy_view, made_later
from cocwatch.core.letters.words import uk_date
from cocwatch.core.workdays import add_working_days


@dataclass(frozen=True, slots=True)
class PublishedFinding:
    """A finding as the report's Trust page prints it."""

    label: Annotated[str, Doc("Its heading: 'Board review overdue'.")]
    severity: Annotated[str, Doc("'Needs attention' or 'Failing', as the page labels it.")]
    message: Annotated[str, Doc("The sentence the page prints under it.")]


def _because(view: PublicationView) -> str | None:
    from cocwatch.core.statements import because

    return because(view._inputs)


def _sentences(view: PublicationView) -> tuple[str, ...]:
    from cocwatch.core.statements import published_sentences

    return published_sentences(view._inputs)


def _findings(view: PublicationView) -> tuple[PublishedFinding, ...]:
    ta: TrustAssessment = view._inputs
    return tuple(
        PublishedFinding(f.label, wording.SEVERITY[f.severity].label, f.public_message)
        for f in ta.findings
        if f.severity is not Severity.NOTE
    )


@made_later(because=_because, sentences=_sentences, findings=_findings)
@dataclass(frozen=True, slots=True)
class PublicationView(LazyView):
    """What the campaign intends to publish about the Trust, and when (right of reply)."""

    on: Annotated[
        date,
        Doc(
            "The day of publication: `letter --publish-on`, by default the first working "
            "day after `reply_by`."
        ),
    ]
    on_long: Annotated[str, Doc("That date in words.")]
    reply_by: Annotated[
        date,
        Doc(
            "The last day to point out an error: 10 working days after the letter's date, "
            "counted as for FOI (weekends and UK bank holidays skipped)."
        ),
    ]
    reply_by_long: Annotated[str, Doc("That date in words.")]
    working_days: Annotated[int, Doc("The working days given: 10.")]
    overall: Annotated[str, Doc("The Trust's overall verdict as the report labels it.")]
    because: Annotated[
        str | None, Doc("The report's sentence under that verdict (None for an OK Trust).")
    ]
    sentences: Annotated[
        tuple[str, ...],
        Doc(
            "The comparisons the report prints, in order, word for word "
            "(`cocwatch.core.statements.published_sentences`)."
        ),
    ]
    findings: Annotated[
        tuple[PublishedFinding, ...], Doc("The findings the report prints about the Trust.")
    ]


def right_of_reply_dates(
    letter_date: date, non_working: Container[date], publish_on: date | None = None
) -> tuple[date, date]:
    """(reply_by, publish_on): 10 working days after `letter_date`, and the day of
    publication (by default the first working day after that). Raises ValueError when
    `publish_on` is not after the reply-by date."""
    reply_by = add_working_days(letter_date, REPLY_WORKING_DAYS, non_working)
    if publish_on is None:
        return reply_by, add_working_days(reply_by, 1, non_working)
    if publish_on <= reply_by:
        raise ValueError(
            f"publication on {publish_on} would not leave the Trust its {REPLY_WORKING_DAYS} "
            f"working days to reply (until {reply_by})"
        )
    return reply_by, publish_on


def publication_view(ta: TrustAssessment, *, reply_by: date, publish_on: date) -> PublicationView:
    """The view of what will be published about `ta`'s Trust on `publish_on`."""
    return lazy_view(
        PublicationView,
        ta,
        on=publish_on,
        on_long=uk_date(publish_on),
        reply_by=reply_by,
        reply_by_long=uk_date(reply_by),
        working_days=REPLY_WORKING_DAYS,
        overall=wording.SEVERITY[ta.severity].label,
    )
