"""The listings of `cocwatch due` (where each logged letter stands) and `cocwatch answers`
(how each body answered), built, not printed.

May import: `cocwatch.core`, `cocwatch.render` (`formats`, `tabular`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from cocwatch.core.answers import Answers
from cocwatch.core.bodies import LMNS, kind_of
from cocwatch.core.correspondence import LoggedLetter, TrackedLetter
from cocwatch.render.formats import RowListing
from cocwatch.render.tabular import Column

DUE_COLUMNS = (
    Column("trust", "Sent to", max_width=40),  # a Trust, an ICB, or "(national)"
    Column("kind", "Letter"),
    Column("sent_on", "Sent", no_wrap=True),
    Column("reply_by", "Reply by", no_wrap=True),
    Column("standing", "Status"),
)


def standing(state: TrackedLetter) -> str:
    """Where a letter stands, in words: 'overdue by 3 working days', 'answered on …'."""
    if state.status == "overdue":
        days = state.working_days_overdue
        return f"overdue by {days} working day{'s' if days != 1 else ''}"
    if state.status == "awaiting":
        days = state.working_days_left
        if days == 0:
            return "due today"
        return f"awaiting reply, {days} working day{'s' if days != 1 else ''} left"
    if state.status == "answered" and state.answer is not None:
        outcome = "" if state.answer.outcome == "answered" else f" ({state.answer.outcome})"
        return f"answered {state.answer.received_on.isoformat()}{outcome}"
    if state.status == "reminder":
        return "a reminder (the letter it chases awaits the reply)"
    if state.status == "lapsed":
        return f"no reply by {state.reply_by.isoformat()} (not chased: the time given has passed)"
    closed_on = state.letter.closed_on
    return f"closed {closed_on.isoformat()}" if closed_on else "closed"


def due_rows(states: Sequence[TrackedLetter], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """One row per letter for the table, CSV and Markdown formats."""
    return [
        {
            "trust": names.get(s.letter.body or "", s.letter.body or "(national)"),
            "kind": s.letter.kind,
            "sent_on": s.sent_on,
            "reply_by": s.reply_by,
            "standing": standing(s),
        }
        for s in states
    ]


def due_json(
    states: Sequence[TrackedLetter],
    names: Mapping[str, str],
    *,
    as_of: str,
    log: str,
    undated: int = 0,
) -> dict[str, Any]:
    """The stable JSON form of `due`: every field of each letter, and where it stands.

    `trust` and `trust_name` name a Trust (null for a letter to an ICB, whose code is `icb`);
    `body` and `body_name` name whichever body it went to (a Trust's id or ``icb:CODE``)."""
    letters = []
    for s in states:
        letter = s.letter
        letters.append(
            {
                "entry": s.index + 1,
                "trust": letter.trust,
                "trust_name": names.get(letter.trust or ""),
                "icb": letter.icb,
                "body": letter.body,
                "body_name": names.get(letter.body or ""),
                "kind": letter.kind,
                "sent_on": letter.sent_on,
                "reply_by": s.reply_by,
                "status": s.status,
                "working_days_overdue": s.working_days_overdue,
                "working_days_left": s.working_days_left,
                "to": letter.to,
                "via": letter.via,
                "draft": letter.draft,
                "reference": letter.reference,
                "answered_on": s.answer.received_on if s.answer else None,
                "replies": [r.model_dump(mode="json") for r in letter.replies],
            }
        )
    overdue = sum(1 for s in states if s.status == "overdue")
    awaiting = sum(1 for s in states if s.status == "awaiting")
    return {
        "as_of": as_of,
        "log": log,
        "summary": {"awaiting": awaiting, "overdue": overdue, "undated": undated},
        "letters": letters,
    }


def due_listing(
    states: Sequence[TrackedLetter],
    names: Mapping[str, str],
    *,
    as_of: date,
    log: Path,
    log_exists: bool,
    all_letters: bool,
    undated: Sequence[tuple[int, LoggedLetter]] = (),
) -> RowListing:
    """The letters shown by `due`; at a terminal, a sentence when there are none; below
    the table, the letters left out for want of a sent date."""
    if states:
        nothing = None
    elif not log_exists:
        nothing = (
            f"No letters are logged yet ({log} does not exist). Log one with "
            "`cocwatch sent TEMPLATE TRUST` (or icb:CODE for an ICB)."
        )
    else:
        nothing = "No letters are logged." if all_letters else "No letter is awaiting a reply."
    return RowListing(
        due_rows(states, names),
        DUE_COLUMNS,
        json=due_json(states, names, as_of=as_of.isoformat(), log=str(log), undated=len(undated)),
        title=f"Letters {'logged' if all_letters else 'awaiting a reply'} on {as_of}",
        text=nothing,
        notes=[undated_note(undated, names, log)] if undated else [],
    )


def undated_note(
    undated: Sequence[tuple[int, LoggedLetter]], names: Mapping[str, str], log: Path
) -> str:
    """What was left out for want of a sent date, naming each entry, and how to fix it."""
    listed = "; ".join(
        f"entry {i + 1}, '{letter.kind}' to "
        f"{names.get(letter.body or '', letter.body or 'national recipients')}"
        for i, letter in undated[:5]
    )
    more = f" and {len(undated) - 5} more" if len(undated) > 5 else ""
    count = "1 letter" if len(undated) == 1 else f"{len(undated)} letters"
    verb = "has" if len(undated) == 1 else "have"
    return (
        f"Left out: {count} in the log {verb} no sent date ({listed}{more}), so no reply-by "
        f"date. Write the day each was sent after `sent_on:` in {log} to follow it."
    )


# --- `answers`: how each body answered ---------------------------------------------------------

BODY_HEADERS = {"trust": "Trust", "region": "Region", "icb": "ICB"}
ANSWERS_METHOD = (
    "In time: answered by the letter's reply-by date (an FOI request: 20 working days; a right "
    "of reply: 10). Days are working days after the letter was sent, counted as the FOI clock "
    "counts them (weekends and the bank holidays of every part of the UK left out), so an FOI "
    "reply on its last day took 20. Longest open: the letter sent longest ago that has had no "
    "answer and was not closed. Reminders are not counted (each awaits no reply of its own)."
)


def body_header(by: str, rows: Sequence[Answers]) -> str:
    """What the bodies are, as a heading: 'Trust', 'Trust or ICB' (a letter to an ICB among
    them), 'ICB', 'Region'."""
    if by == "trust" and any(kind_of(r.body) is LMNS for r in rows):
        return "Trust or ICB"
    return BODY_HEADERS.get(by, "Body")


def answers_columns(by: str, rows: Sequence[Answers] = ()) -> tuple[Column, ...]:
    """The columns of `answers` (SPEC §6.2), the body headed as what it is."""
    return (
        Column("body", "Id", no_wrap=True),
        Column("name", body_header(by, rows), max_width=36),
        Column("kind", "Letter", no_wrap=True),
        Column("sent", "Sent", justify="right"),
        Column("answered", "Answered", justify="right"),
        Column("in_time", "In time", justify="right"),
        Column("median_days", "Median days", justify="right"),
        Column("longest_open_days", "Longest open", justify="right"),
    )


def _days(value: float | None) -> float | int | None:
    """A number of days as it is said: 19, or 19.5 for the median of an even count."""
    if value is None:
        return None
    return int(value) if value.is_integer() else value


def answers_rows(rows: Sequence[Answers], names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The rows of `answers`: the columns of SPEC §6.2 and the body's name."""
    return [
        {
            "body": r.body,
            "name": names.get(r.body, r.body),
            "kind": r.kind,
            "sent": r.sent,
            "answered": r.answered,
            "in_time": r.in_time,
            "median_days": _days(r.median_days),
            "longest_open_days": r.longest_open_days,
        }
        for r in rows
    ]


def answers_listing(
    rows: Sequence[Answers],
    names: Mapping[str, str],
    *,
    by: str,
    as_of: date,
    log: Path,
    log_exists: bool,
    undated: Sequence[tuple[int, LoggedLetter]] = (),
    trust_names: Mapping[str, str] | None = None,
) -> RowListing:
    """The listing of `answers`: one row per body and kind; below the table, how it counts
    and the letters left out for want of a sent date."""
    listed = answers_rows(rows, names)
    if rows:
        nothing = None
    elif not log_exists:
        nothing = f"No correspondence log yet ({log}): log letters with `cocwatch sent`."
    else:
        nothing = f"No letter in {log} was sent on or before {as_of}."
    notes = [ANSWERS_METHOD] if rows else []
    if undated:
        notes.append(undated_note(undated, trust_names or names, log))
    data = {
        "as_of": as_of.isoformat(),
        "log": str(log),
        "by": by,
        "left_out": {"undated": len(undated)},
        "answers": [
            {**row, "unanswered": r.unanswered, "not_yet_due": r.not_yet_due}
            for row, r in zip(listed, rows, strict=True)
        ],
    }
    title = f"How each {body_header(by, rows)} answered our letters, as of {as_of}"
    return RowListing(
        listed,
        answers_columns(by, rows),
        json=data,
        title=title,
        text=nothing,
        notes=notes,
        table_columns=answers_columns(by, rows)[1:],
    )
