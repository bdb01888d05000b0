"""The correspondence log: letters sent to Trusts and ICBs, the replies, and what is due or
overdue.

Pure: plain values in, plain values out. The clock is a parameter (`as_of`), and so are the
non-working days (bank holidays) that working-day arithmetic skips;
`cocwatch.registry.correspondence` reads and writes the YAML file. Imports pydantic, the
standard library and `core.workdays`.

A letter is *answered* by its first reply that is not a mere acknowledgement, *closed* when
the writer says no reply is awaited any more, a *reminder* when it chases another letter
(`chaser`: the chased letter awaits the reply), and otherwise *awaiting* a reply until its
reply-by date and *overdue* after it. Overdue is counted in working days after the reply-by
date, up to and including the as-of date. A letter nobody chases (a right of reply: the
campaign publishes either way) is *lapsed* after its reply-by date instead of overdue.

A letter names the body it went to: a Trust (`trust:` its id), an ICB (`icb:` its code; a
letter to its LMNS, `letter lmns`) or neither (a national letter, such as to the minister);
never both. Its `body` is the id commands use for it: the Trust's id or ``icb:CODE``.

A letter logged with ``sent_on:`` left empty was sent on a day nobody recorded: it has no
reply-by date and no state, so `letter_states` leaves it out and `undated` counts it.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from cocwatch.core.bodies import icb_body_id
from cocwatch.core.kinds import Outcome as Outcome
from cocwatch.core.kinds import Via as Via
from cocwatch.core.models import IcbCode, Model, Slug, Text, Url
from cocwatch.core.workdays import FOI_WORKING_DAYS, add_working_days, working_days_after

VIAS: tuple[Via, ...] = ("email", "post", "web", "other")
OUTCOMES: tuple[Outcome, ...] = ("answered", "partial", "refused", "acknowledged")
LetterStatus = Literal["awaiting", "overdue", "answered", "closed", "reminder", "lapsed"]
# A reminder awaits no reply of its own: the letter it chases does (and its answer ends both).
REMINDER_KINDS = frozenset({"chaser"})

# Kinds given 20 working days whatever `reply_working_days` says: an FOI request (the Act,
# s.10) and a request for an internal review (the `foi-review` letter asks for 20).
FOI_KINDS = frozenset({"foi", "foi-review"})
DEFAULT_REPLY_WORKING_DAYS = 20
# The letter that shows a Trust what a campaign will publish about it, before it does, and
# gives it 10 working days (FOI calendar) to point out an error. Nobody chases it: the
# campaign publishes either way, so after its reply-by date it is lapsed, never overdue.
RIGHT_OF_REPLY = "right-of-reply"
RIGHT_OF_REPLY_WORKING_DAYS = 10
UNCHASED_KINDS = frozenset({RIGHT_OF_REPLY})
# The working days a reply is given, by kind, whatever `reply_working_days` says.
FIXED_REPLY_WORKING_DAYS: dict[str, int] = {
    **dict.fromkeys(FOI_KINDS, FOI_WORKING_DAYS),
    RIGHT_OF_REPLY: RIGHT_OF_REPLY_WORKING_DAYS,
}


def _none_is_empty(value: object) -> object:
    """Read an empty list key (``replies:`` with nothing under it) as no entries."""
    return () if value is None else value


class Reply(Model):
    """One reply received to a letter."""

    received_on: date
    outcome: Outcome = "answered"
    summary: Text | None = None
    url: Url | None = None
    file: Text | None = None
    reference: Text | None = None


class RequestEvent(Model):
    """A change of state of a request on WhatDoTheyKnow, as `due`, `check` or `watch` read it."""

    changed_on: date
    state: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]


class LoggedLetter(Model):
    """One letter sent to a Trust, to an ICB, or nationally, as the log records it."""

    trust: Slug | None = None
    icb: IcbCode | None = None  # a letter to an ICB (and its LMNS): its code
    kind: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    # Required, but may be left empty (`sent_on:`): sent on a day nobody recorded.
    sent_on: date | None
    to: Text | None = None
    via: Via | None = None
    draft: Text | None = None
    reply_by: date | None = None
    reference: Text | None = None
    closed_on: date | None = None
    notes: Text | None = None
    # A follow-up (chaser, foi-review, ...): the letter it follows, by kind and sent date.
    follows: Annotated[str | None, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")] = None
    follows_sent_on: date | None = None
    # A request made on WhatDoTheyKnow: its address, and each change of its state read there.
    request_url: Url | None = None
    request_events: Annotated[tuple[RequestEvent, ...], BeforeValidator(_none_is_empty)] = ()
    replies: Annotated[tuple[Reply, ...], BeforeValidator(_none_is_empty)] = ()

    @property
    def body(self) -> str | None:
        """The id of the body it went to: a Trust's id, ``icb:CODE``, or None (national)."""
        if self.icb is not None:
            return icb_body_id(self.icb)
        return self.trust

    @model_validator(mode="after")
    def _dates_in_order(self) -> LoggedLetter:
        if self.trust is not None and self.icb is not None:
            raise ValueError(
                f"the letter names both a Trust (trust: {self.trust}) and an ICB (icb: "
                f"{self.icb}); a letter goes to one body: keep the one it was sent to, and log "
                "a copy sent to the other as a letter of its own"
            )
        if self.sent_on is None:
            return self  # nothing to put in order with
        if self.reply_by is not None and self.reply_by < self.sent_on:
            raise ValueError("reply_by is before sent_on; check both dates")
        for reply in self.replies:
            if reply.received_on < self.sent_on:
                raise ValueError(
                    f"a reply received on {reply.received_on} is dated before the letter was "
                    f"sent ({self.sent_on}); check both dates"
                )
        return self


class CorrespondenceLog(Model):
    """The whole log file."""

    version: Literal[1] = 1
    letters: Annotated[tuple[LoggedLetter, ...], BeforeValidator(_none_is_empty)] = ()


@dataclass(frozen=True, slots=True)
class ReplyRules:
    """How reply-by dates are worked out when a letter does not record one."""

    non_working: Container[date]
    other_working_days: int = DEFAULT_REPLY_WORKING_DAYS


def not_chased(kind: str) -> str:
    """Why a letter of `kind` (in `UNCHASED_KINDS`) is never followed up, in a sentence."""
    return (
        f"A '{kind}' letter is not chased: it gives the Trust {RIGHT_OF_REPLY_WORKING_DAYS} "
        "working days to point out an error before the campaign publishes, and the campaign "
        "publishes either way. `cocwatch due` shows its date."
    )


def reply_working_days(kind: str, rules: ReplyRules) -> int:
    """The working days a letter of `kind` gives for a reply (FOI: 20; a right of reply: 10)."""
    return FIXED_REPLY_WORKING_DAYS.get(kind, rules.other_working_days)


def reply_by_for(kind: str, sent_on: date, rules: ReplyRules) -> date:
    """The reply-by date of a letter of `kind` sent on `sent_on`."""
    return add_working_days(sent_on, reply_working_days(kind, rules), rules.non_working)


@dataclass(frozen=True, slots=True)
class TrackedLetter:
    """Where one logged letter stands on the as-of date."""

    index: int  # its position in the log (entry number - 1)
    letter: LoggedLetter
    sent_on: date  # the letter's (a tracked letter always has one)
    reply_by: date
    status: LetterStatus
    answer: Reply | None  # the reply that answered it, if any
    working_days_overdue: int  # 0 unless overdue
    working_days_left: int  # working days until reply_by (0 once it has passed)

    @property
    def open(self) -> bool:
        """Still awaiting a reply (overdue or not)."""
        return self.status in ("awaiting", "overdue")


def letter_state(
    index: int, letter: LoggedLetter, *, as_of: date, rules: ReplyRules
) -> TrackedLetter:
    """Where `letter` stands on `as_of`: answered, closed, awaiting, overdue or lapsed.

    Raises ValueError for a letter with no sent date (it has no state: see `undated`)."""
    sent_on = letter.sent_on
    if sent_on is None:
        raise ValueError("a letter with no sent date has no reply-by date")
    reply_by = letter.reply_by or reply_by_for(letter.kind, sent_on, rules)
    answer = next(
        (
            r
            for r in sorted(letter.replies, key=lambda r: r.received_on)
            if r.outcome != "acknowledged" and r.received_on <= as_of
        ),
        None,
    )
    status: LetterStatus
    overdue = left = 0
    if answer is not None:
        status = "answered"
    elif letter.kind in REMINDER_KINDS:
        status = "reminder"
    elif (letter.closed_on is not None and letter.closed_on <= as_of) or _withdrawn(letter, as_of):
        status = "closed"
    elif as_of > reply_by and letter.kind in UNCHASED_KINDS:
        status = "lapsed"
    elif as_of > reply_by:
        status = "overdue"
        overdue = working_days_after(reply_by, as_of, rules.non_working)
    else:
        status = "awaiting"
        left = working_days_after(as_of, reply_by, rules.non_working)
    return TrackedLetter(index, letter, sent_on, reply_by, status, answer, overdue, left)


# A request made on WhatDoTheyKnow in one of these states awaits no reply (Alaveteli's
# `described_state`): the requester withdrew it.
CLOSING_REQUEST_STATES = frozenset({"user_withdrawn"})


def _withdrawn(letter: LoggedLetter, as_of: date) -> bool:
    """Whether the request's latest state read on the site by `as_of` closes it."""
    seen = [e for e in letter.request_events if e.changed_on <= as_of]
    return bool(seen) and seen[-1].state in CLOSING_REQUEST_STATES


def letter_states(
    log: CorrespondenceLog,
    *,
    as_of: date,
    rules: ReplyRules,
    body_ids: Iterable[str] | None = None,
) -> list[TrackedLetter]:
    """Every letter sent on or before `as_of` (optionally only to the bodies `body_ids`: Trust
    ids and ``icb:CODE``), by reply-by date; a letter with no sent date is left out
    (`undated` lists them)."""
    wanted = set(body_ids) if body_ids is not None else None
    states = [
        letter_state(i, letter, as_of=as_of, rules=rules)
        for i, letter in enumerate(log.letters)
        if letter.sent_on is not None
        and letter.sent_on <= as_of
        and (wanted is None or letter.body in wanted)
    ]
    return sorted(states, key=lambda s: (s.reply_by, s.sent_on, s.index))


def undated(
    log: CorrespondenceLog, *, body_ids: Iterable[str] | None = None
) -> list[tuple[int, LoggedLetter]]:
    """The letters logged with no sent date (optionally only to the bodies `body_ids`), with
    their positions in the log: they have no reply-by date, so no state."""
    wanted = set(body_ids) if body_ids is not None else None
    return [
        (i, letter)
        for i, letter in enumerate(log.letters)
        if letter.sent_on is None and (wanted is None or letter.body in wanted)
    ]


def open_letters(states: Sequence[TrackedLetter]) -> list[TrackedLetter]:
    """The letters still awaiting a reply, the longest overdue first."""
    return [s for s in states if s.open]


def latest_of_kind(
    log: CorrespondenceLog, trust_id: str, kind: str | None, *, as_of: date
) -> tuple[int, LoggedLetter] | None:
    """The most recent letter of `kind` (any kind when None) sent to a Trust by `as_of`."""
    found = [
        (i, letter, letter.sent_on)
        for i, letter in enumerate(log.letters)
        if letter.trust == trust_id
        and (kind is None or letter.kind == kind)
        and letter.sent_on is not None
        and letter.sent_on <= as_of
    ]
    if not found:
        return None
    i, letter, _ = max(found, key=lambda item: (item[2], item[0]))
    return i, letter


def latest_by_trust(states: Sequence[TrackedLetter], kind: str) -> dict[str, TrackedLetter]:
    """Each Trust's most recent letter of `kind` (by sent date, then place in the log)."""
    found: dict[str, TrackedLetter] = {}
    for state in sorted(states, key=lambda s: (s.sent_on, s.index)):
        if state.letter.kind == kind and state.letter.trust is not None:
            found[state.letter.trust] = state
    return found


def open_by_trust(states: Sequence[TrackedLetter]) -> dict[str, tuple[TrackedLetter, ...]]:
    """Each Trust's letters awaiting a reply (for the assessment and its `foi_overdue`)."""
    found: dict[str, list[TrackedLetter]] = {}
    for state in states:
        if state.open and state.letter.trust:
            found.setdefault(state.letter.trust, []).append(state)
    return {trust: tuple(items) for trust, items in found.items()}


__all__ = [
    "DEFAULT_REPLY_WORKING_DAYS",
    "FIXED_REPLY_WORKING_DAYS",
    "FOI_KINDS",
    "OUTCOMES",
    "RIGHT_OF_REPLY",
    "RIGHT_OF_REPLY_WORKING_DAYS",
    "UNCHASED_KINDS",
    "VIAS",
    "CorrespondenceLog",
    "LetterStatus",
    "LoggedLetter",
    "Outcome",
    "Reply",
    "ReplyRules",
    "RequestEvent",
    "TrackedLetter",
    "Via",
    "latest_by_trust",
    "latest_of_kind",
    "letter_state",
    "letter_states",
    "not_chased",
    "open_by_trust",
    "open_letters",
    "reply_by_for",
    "reply_working_days",
    "undated",
]
