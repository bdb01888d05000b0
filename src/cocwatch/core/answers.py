"""How each body answers the campaign's letters: `cocwatch answers` (SPEC §6.2).

For each body (a Trust, or all the Trusts of a region) and kind of letter: how many were
sent, how many answered, how many of those in time (by the letter's reply-by date: FOI 20
working days, a right of reply 10, others as the log or the config says), the median working
days to an answer, and the longest a letter has gone unanswered. Working days are counted as
the FOI clock counts them (`cocwatch.core.workdays`): the day after the letter is day 1, so a
reply on the reply-by date of an FOI request took 20 working days.

A reminder (a chaser) awaits no reply of its own, so it is not counted; a letter logged with
no sent date cannot be timed, so it is left out (the caller counts those: `undated`). Pure:
tracked letters in, rows out.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass
from datetime import date

from cocwatch.core.correspondence import REMINDER_KINDS, TrackedLetter
from cocwatch.core.workdays import working_days_after

NATIONAL = "national"  # the body of a letter to no Trust (the minister)


@dataclass(frozen=True, slots=True)
class Answers:
    """How one body answered one kind of letter, on the as-of date."""

    body: str  # the body's id: a Trust id, a region, or `national`
    kind: str
    sent: int
    answered: int  # by a reply that is not a mere acknowledgement
    in_time: int  # answered on or before the letter's reply-by date
    median_days: float | None  # working days from sending to the answer (None: none answered)
    unanswered: int  # neither answered nor closed: awaiting, overdue, or (a right of reply) lapsed
    longest_open_days: int | None  # working days since the oldest unanswered one was sent
    not_yet_due: int = 0  # of the unanswered, those whose reply-by date has not passed

    @property
    def past_due(self) -> int:
        """Unanswered after the reply-by date (overdue, or a right of reply that lapsed)."""
        return self.unanswered - self.not_yet_due

    @property
    def late(self) -> int:
        """Answered after the reply-by date."""
        return self.answered - self.in_time

    @property
    def closed(self) -> int:
        """Closed (withdrawn, or no longer awaited) without an answer."""
        return self.sent - self.answered - self.unanswered


def days_to_answer(state: TrackedLetter, non_working: Container[date]) -> int | None:
    """Working days from sending a letter to its answer (None while unanswered)."""
    if state.answer is None:
        return None
    return working_days_after(state.sent_on, state.answer.received_on, non_working)


def answer_rows(
    states: Sequence[TrackedLetter],
    body_of: Callable[[str | None], str | None],
    *,
    as_of: date,
    non_working: Container[date],
) -> list[Answers]:
    """One row per body and kind of letter, by body, then kind. `body_of` maps a letter's
    Trust id (None: a national letter) to its body's id, or None to leave it out."""
    groups: dict[tuple[str, str], list[TrackedLetter]] = {}
    for state in states:
        if state.letter.kind in REMINDER_KINDS:
            continue
        body = body_of(state.letter.trust)
        if body is not None:
            groups.setdefault((body, state.letter.kind), []).append(state)
    return [
        _row(body, kind, found, as_of, non_working)
        for (body, kind), found in sorted(groups.items())
    ]


def _row(
    body: str,
    kind: str,
    states: Sequence[TrackedLetter],
    as_of: date,
    non_working: Container[date],
) -> Answers:
    taken = [d for s in states if (d := days_to_answer(s, non_working)) is not None]
    in_time = sum(1 for s in states if s.answer is not None and s.answer.received_on <= s.reply_by)
    waiting = [s for s in states if s.answer is None and s.status != "closed"]
    return Answers(
        body=body,
        kind=kind,
        sent=len(states),
        answered=len(taken),
        in_time=in_time,
        median_days=float(statistics.median(taken)) if taken else None,
        unanswered=len(waiting),
        longest_open_days=(
            max(working_days_after(s.sent_on, as_of, non_working) for s in waiting)
            if waiting
            else None
        ),
        not_yet_due=sum(1 for s in waiting if s.reply_by >= as_of),
    )
