"""How each body answers the campaign's letters: `cocwatch answers` (SPEC §6.2).

For each body (a Trust or an ICB; all the Trusts of an ICB with the ICB's own letters; or
all the Trusts and ICBs of a region) and kind of letter: how many were
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
from typing import TYPE_CHECKING

from cocwatch.core.correspondence import REMINDER_KINDS, LoggedLetter, TrackedLetter
from cocwatch.core.workdays import working_days_after

if TYPE_CHECKING:
    from cocwatch.core.models import Registry

NATIONAL = "national"  # the body of a letter to no Trust or ICB (the minister, an MP)
NO_ICB = "no-icb"  # by ICB: the body of a Trust with no ICB recorded for the day
NO_REGION = "no-region"  # by region: the body of an ICB with no region recorded
BodyOf = Callable[[LoggedLetter], "str | None"]


@dataclass(frozen=True, slots=True)
class Answers:
    """How one body answered one kind of letter, on the as-of date."""

    body: str  # the body's id: a Trust id, ``icb:CODE``, an ICB code, a region, or `national`
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


def grouped(by: str, registry: Registry, as_of: date) -> tuple[BodyOf, dict[str, str]]:
    """Which row each letter is counted in (`answers --by`), and each row's name.

    "trust": each Trust and each ICB its own row (``icb:CODE``). "icb": an ICB's own letters
    with those to the Trusts in it on `as_of` (an ICB that has ended keeps its own letters).
    "region": the Trusts' and ICBs' letters of each region. National letters have a row."""
    from cocwatch.core.icbs import body_names

    trusts = {t.id: t for t in registry.trusts}
    names = {NATIONAL: "National recipients"}
    if by == "region":
        names |= {t.region: t.region for t in trusts.values()}
        names |= {i.region: i.region for i in registry.icbs if i.region}
        names[NO_REGION] = "No region recorded"
    elif by == "icb":
        names |= {i.code: i.label for i in registry.icbs} | {NO_ICB: "No ICB recorded"}
    else:
        names |= body_names(registry)

    def body_of(letter: LoggedLetter) -> str | None:
        if letter.icb is not None:
            if by == "region":
                icb = registry.icb(letter.icb)
                return (icb.region if icb else None) or NO_REGION
            return letter.icb if by == "icb" else letter.body
        if letter.trust is None:
            return NATIONAL
        trust = trusts[letter.trust]
        if by == "region":
            return trust.region
        if by == "icb":
            return trust.icb_on(as_of) or NO_ICB
        return trust.id

    return body_of, names


def answer_rows(
    states: Sequence[TrackedLetter],
    body_of: BodyOf,
    *,
    as_of: date,
    non_working: Container[date],
) -> list[Answers]:
    """One row per body and kind of letter, by body, then kind. `body_of` maps a letter to
    the id of its row's body (`grouped`), or None to leave it out."""
    groups: dict[tuple[str, str], list[TrackedLetter]] = {}
    for state in states:
        if state.letter.kind in REMINDER_KINDS:
            continue
        body = body_of(state.letter)
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
