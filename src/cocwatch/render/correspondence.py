"""The listing of `cocwatch due`: where each logged letter stands (builds output only).

May import: `cocwatch.core`, `cocwatch.render` (`formats`, `tabular`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from cocwatch.core.correspondence import LoggedLetter, TrackedLetter
from cocwatch.render.formats import RowListing
from cocwatch.render.tabular import Column

DUE_COLUMNS = (
    Column("trust", "Trust", max_width=40),
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
            "trust": names.get(s.letter.trust or "", s.letter.trust or "(national)"),
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
    """The stable JSON form of `due`: every field of each letter, and where it stands."""
    letters = []
    for s in states:
        letter = s.letter
        letters.append(
            {
                "entry": s.index + 1,
                "trust": letter.trust,
                "trust_name": names.get(letter.trust or ""),
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
            "`cocwatch sent TEMPLATE TRUST`."
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
        f"{names.get(letter.trust or '', letter.trust or 'national recipients')}"
        for i, letter in undated[:5]
    )
    more = f" and {len(undated) - 5} more" if len(undated) > 5 else ""
    count = "1 letter" if len(undated) == 1 else f"{len(undated)} letters"
    verb = "has" if len(undated) == 1 else "have"
    return (
        f"Left out: {count} in the log {verb} no sent date ({listed}{more}), so no reply-by "
        f"date. Write the day each was sent after `sent_on:` in {log} to follow it."
    )
