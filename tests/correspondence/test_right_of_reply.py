"""A right of reply (10 working days, never chased) and letters logged with no sent date.

Every log here is synthetic test data; dates are pinned and chosen clear of UK bank holidays
unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cocwatch.core.correspondence import (
    CorrespondenceLog,
    LoggedLetter,
    ReplyRules,
    letter_state,
    letter_states,
    reply_by_for,
    undated,
)
from cocwatch.core.letters import followed_state
from cocwatch.registry.correspondence import parse_log
from tests.correspondence.test_correspondence import campaign, cli  # noqa: F401

NO_HOLIDAYS = ReplyRules(non_working=frozenset())
SENT = date(2027, 1, 11)  # a Monday
# Ten working days after Monday 11 January 2027: 12-15, 18-22 and Monday 25 January.
REPLY_BY = date(2027, 1, 25)


def right_of_reply(**fields: object) -> LoggedLetter:
    values: dict[str, object] = {
        "trust": "example-north",
        "kind": "right-of-reply",
        "sent_on": SENT,
    }
    values.update(fields)
    return LoggedLetter.model_validate(values)


def test_a_right_of_reply_gives_ten_working_days_whatever_the_config_says() -> None:
    assert reply_by_for("right-of-reply", SENT, NO_HOLIDAYS) == REPLY_BY
    five = ReplyRules(non_working=frozenset(), other_working_days=5)
    assert reply_by_for("right-of-reply", SENT, five) == REPLY_BY
    # a holiday inside the ten days moves the date on by one working day
    holiday = ReplyRules(non_working=frozenset({date(2027, 1, 19)}))
    assert reply_by_for("right-of-reply", SENT, holiday) == date(2027, 1, 26)


@pytest.mark.parametrize(
    ("as_of", "status", "open_"),
    [(SENT, "awaiting", True), (REPLY_BY, "awaiting", True), (date(2027, 1, 26), "lapsed", False)],
)
def test_an_unanswered_right_of_reply_lapses_and_is_never_overdue(
    as_of: date, status: str, open_: bool
) -> None:
    state = letter_state(0, right_of_reply(), as_of=as_of, rules=NO_HOLIDAYS)
    assert (state.status, state.open, state.working_days_overdue) == (status, open_, 0)


def test_a_reminder_never_follows_up_a_right_of_reply() -> None:
    log = CorrespondenceLog(
        letters=(
            right_of_reply(sent_on=date(2027, 1, 4)),
            LoggedLetter(trust="example-north", kind="board", sent_on=date(2027, 1, 5)),
        )
    )
    states = letter_states(log, as_of=date(2027, 1, 12), rules=NO_HOLIDAYS)
    picked, _ = followed_state(states, ("any",))
    assert picked is not None and picked.letter.kind == "board"
    only = letter_states(
        CorrespondenceLog(letters=(right_of_reply(),)), as_of=SENT, rules=NO_HOLIDAYS
    )
    assert followed_state(only, ("any",)) == (None, ())


def test_a_letter_with_no_sent_date_has_no_state_and_is_counted_apart() -> None:
    log = parse_log(
        "version: 1\nletters:\n"
        "  - {trust: example-north, kind: foi, sent_on: 2027-01-11}\n"
        "  - trust: example-south\n    kind: board\n    sent_on:\n",
        "log.yaml",
    )
    assert [letter.sent_on for letter in log.letters] == [SENT, None]
    states = letter_states(log, as_of=date(2027, 3, 1), rules=NO_HOLIDAYS)
    assert [s.letter.trust for s in states] == ["example-north"]
    assert undated(log) == [(1, log.letters[1])]
    assert undated(log, trust_ids=["example-north"]) == []
    with pytest.raises(ValueError, match="no sent date"):
        letter_state(1, log.letters[1], as_of=SENT, rules=NO_HOLIDAYS)


def test_due_names_the_letters_left_out_for_want_of_a_date(campaign: Path) -> None:  # noqa: F811
    (campaign / "correspondence.yaml").write_text(
        "version: 1\nletters:\n"
        "  - {trust: example-north, kind: foi, sent_on: 2027-01-11}\n"
        "  - trust: example-south\n    kind: board\n    sent_on:\n",
        encoding="utf-8",
    )
    shown = cli(campaign, "due", "--format", "markdown", today="2027-01-20")
    assert shown.returncode == 0, shown.stderr
    assert "Left out: 1 letter in the log has no sent date (entry 2, 'board' to Example South" in (
        " ".join(shown.stdout.split())
    )
    as_json = cli(campaign, "due", "--format", "json", today="2027-01-20")
    assert '"undated": 1' in as_json.stdout


def test_a_chaser_for_a_right_of_reply_is_refused(campaign: Path) -> None:  # noqa: F811
    (campaign / "correspondence.yaml").write_text(
        "version: 1\nletters:\n"
        "  - {trust: example-north, kind: right-of-reply, sent_on: 2027-01-11}\n",
        encoding="utf-8",
    )
    drafted = cli(
        campaign,
        "letter",
        "chaser",
        "example-north",
        "--follows",
        "right-of-reply",
        today="2027-02-01",
    )
    assert drafted.returncode == 2
    assert "A 'right-of-reply' letter is not chased" in drafted.stderr
    logged = cli(
        campaign,
        "sent",
        "chaser",
        "example-north",
        "--follows",
        "right-of-reply",
        today="2027-02-01",
    )
    assert logged.returncode == 2
    assert "A 'right-of-reply' letter is not chased" in logged.stderr
