"""Follow-up letters: what the correspondence log says about the letters they follow up.

Pure; imports `core.correspondence` and the letters' words and citations (placeholders).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated

from cocwatch.core.correspondence import UNCHASED_KINDS, Reply, TrackedLetter
from cocwatch.core.letters.citations import placeholder
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.words import uk_date

FOLLOWS_ANY = "any"  # front matter `follows: any`: the longest-overdue open letter, any kind
PLACEHOLDER_GROUNDS = placeholder(
    "Your grounds",
    "say what was missing from the reply, or which refusal you dispute and why (give it with "
    "--experience FILE)",
)


@dataclass(frozen=True, slots=True)
class ReplyView:
    """One reply logged to a letter (`cocwatch replied`)."""

    received_on: Annotated[date, Doc("When it arrived.")]
    received_on_long: Annotated[str, Doc("That date in words.")]
    outcome: Annotated[str, Doc("answered, partial, refused or acknowledged.")]
    summary: Annotated[str | None, Doc("What it said, as logged.")]
    url: Annotated[str | None, Doc("Where it is, if logged.")]
    reference: Annotated[str | None, Doc("The Trust's reference, if logged.")]


@dataclass(frozen=True, slots=True)
class LoggedLetterView:
    """A letter in the correspondence log, and where it stands on the letter's date."""

    kind: Annotated[str, Doc("Its template: foi, board, foi-review, ...")]
    title: Annotated[str, Doc("What it was, in words: 'Freedom of Information request'.")]
    sent_on: Annotated[date, Doc("When it was sent.")]
    sent_on_long: Annotated[str, Doc("That date in words.")]
    reply_by: Annotated[date, Doc("When a reply was due.")]
    reply_by_long: Annotated[str, Doc("That date in words.")]
    to: Annotated[str | None, Doc("Who it went to, as logged (a contact role or a name).")]
    via: Annotated[str | None, Doc("email, post, web or other, if logged.")]
    reference: Annotated[str | None, Doc("Its reference (e.g. the Trust's FOI number), if any.")]
    status: Annotated[str, Doc("awaiting, overdue, answered or closed on the letter's date.")]
    overdue: Annotated[bool, Doc("No answer logged and the reply-by date has passed.")]
    working_days_overdue: Annotated[int, Doc("How many working days past it (0 if not).")]
    answer: Annotated[
        ReplyView | None, Doc("The first reply that answered it (not an acknowledgement).")
    ]
    acknowledged: Annotated[ReplyView | None, Doc("The latest acknowledgement, if any.")]
    replies: Annotated[tuple[ReplyView, ...], Doc("Every reply logged, oldest first.")]


@dataclass(frozen=True, slots=True)
class CorrespondenceView:
    """The correspondence log's letters to this Trust (empty for national letters)."""

    followed: Annotated[
        LoggedLetterView | None,
        Doc("The letter this one follows up (front matter `follows`), or None."),
    ] = None
    latest: Annotated[
        dict[str, LoggedLetterView],
        Doc("The latest letter of each kind sent by the letter's date: latest['foi']."),
    ] = field(default_factory=dict)
    letters: Annotated[
        tuple[LoggedLetterView, ...], Doc("Every letter logged to the Trust, oldest first.")
    ] = ()
    grounds: Annotated[
        str, Doc("Why the writer follows up: --experience FILE, or a placeholder.")
    ] = PLACEHOLDER_GROUNDS.text


def logged_letter_view(state: TrackedLetter, title: str) -> LoggedLetterView:
    """The view of one logged letter, as it stands on the as-of date of `state`."""
    letter = state.letter
    replies = tuple(_reply_view(r) for r in sorted(letter.replies, key=lambda r: r.received_on))
    acknowledgements = [r for r in replies if r.outcome == "acknowledged"]
    return LoggedLetterView(
        kind=letter.kind,
        title=title,
        sent_on=state.sent_on,
        sent_on_long=uk_date(state.sent_on),
        reply_by=state.reply_by,
        reply_by_long=uk_date(state.reply_by),
        to=letter.to,
        via=letter.via,
        reference=letter.reference,
        status=state.status,
        overdue=state.status == "overdue",
        working_days_overdue=state.working_days_overdue,
        answer=_reply_view(state.answer) if state.answer else None,
        acknowledged=acknowledgements[-1] if acknowledgements else None,
        replies=replies,
    )


def _reply_view(reply: Reply) -> ReplyView:
    return ReplyView(
        received_on=reply.received_on,
        received_on_long=uk_date(reply.received_on),
        outcome=reply.outcome,
        summary=reply.summary,
        url=reply.url,
        reference=reply.reference,
    )


def effective_follows(follows: Sequence[str], chosen: str | None) -> tuple[str, ...]:
    """The kinds a follow-up needs, with the last replaced by the writer's `--follows` choice."""
    if not chosen or not follows:
        return tuple(follows)
    return (*follows[:-1], chosen)


def followed_state(
    states: Sequence[TrackedLetter], follows: Sequence[str]
) -> tuple[TrackedLetter | None, tuple[TrackedLetter, ...]]:
    """The letter a follow-up follows, and the other overdue letters it could have followed.

    The followed letter is the latest of the last kind in `follows` (``any``: the
    longest-overdue open letter, else the latest open one); the second value lists the other
    overdue letters when the choice was ``any`` (so the writer can be told, and choose).
    """
    if not follows:
        return None, ()
    ordered = sorted(states, key=lambda s: (s.sent_on, s.index))
    wanted = follows[-1]
    if wanted != FOLLOWS_ANY:
        of_kind = [s for s in ordered if s.letter.kind == wanted]
        return (of_kind[-1] if of_kind else None), ()
    # A letter nobody chases (a right of reply) is never the one a reminder follows up.
    open_ones = [s for s in ordered if s.open and s.letter.kind not in UNCHASED_KINDS]
    overdue = sorted(
        (s for s in open_ones if s.status == "overdue"), key=lambda s: (s.reply_by, s.index)
    )
    if overdue:
        return overdue[0], tuple(overdue[1:])
    return (open_ones[-1] if open_ones else None), ()


def correspondence_view(
    states: Sequence[TrackedLetter],
    titles: dict[str, str],
    follows: Sequence[str],
    *,
    grounds: str | None = None,
) -> CorrespondenceView:
    """The view of a Trust's logged letters; `follows` picks the one being followed up.

    `states` are the Trust's letters sent by the letter's date; `followed_state` picks the
    followed one. Returns a view with `followed` None when there is no such letter.
    """
    ordered = sorted(states, key=lambda s: (s.sent_on, s.index))
    views = [logged_letter_view(s, titles.get(s.letter.kind, s.letter.kind)) for s in ordered]
    latest = {v.kind: v for v in views}
    pick, _ = followed_state(ordered, follows)
    followed: LoggedLetterView | None = None
    if pick is not None:
        followed = next(v for s, v in zip(ordered, views, strict=True) if s is pick)
    return CorrespondenceView(
        followed=followed,
        latest=latest,
        letters=tuple(views),
        grounds=grounds.strip() if grounds and grounds.strip() else PLACEHOLDER_GROUNDS.text,
    )


def missing_followed(view: CorrespondenceView, follows: Sequence[str]) -> str | None:
    """The kind of letter a follow-up needs but the log lacks (``any``: an open one), or None."""
    for kind in follows:
        if kind == FOLLOWS_ANY:
            if view.followed is None:
                return FOLLOWS_ANY
        elif kind not in view.latest:
            return kind
    return None
