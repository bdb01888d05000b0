"""The FOI reply-by date as FOIA s.10(6) defines a working day: every part of the UK counts.

Each expected date below was counted by hand on a calendar; the comments show the count.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from typer.testing import Result

from cocwatch.core.workdays import foi_non_working_days, foi_reply_by
from tests.letters.helpers import SENDER_OPTIONS
from tests.support.paths import DEMO

UK = foi_non_working_days([2026, 2027])


@pytest.mark.parametrize(
    ("letter", "reply_by", "why"),
    [
        # Fri 20 Nov 2026: 23-27 Nov (5), Mon 30 Nov St Andrew's Day skipped, 1-4 Dec (9),
        # 7-11 (14), 14-18 (19), Mon 21 Dec (20). England alone would say 18 December.
        (date(2026, 11, 20), date(2026, 12, 21), "St Andrew's Day"),
        # Fri 25 Jun 2027: 28 Jun-2 Jul (5), 5-9 (10), Mon 12 Jul Battle of the Boyne skipped,
        # 13-16 (14), 19-23 (19), Mon 26 Jul (20). England alone would say 23 July.
        (date(2027, 6, 25), date(2027, 7, 26), "12 July"),
        # Thu 10 Dec 2026: 11 Dec (1), 14-18 (6), 21-24 (10), 25 and 28 Dec skipped, 29-31 (13),
        # 1 Jan and Mon 4 Jan (Scotland's 2 January holiday, moved off the Saturday) skipped,
        # 5-8 (17), 11-13 Jan (20). England alone would say 12 January.
        (date(2026, 12, 10), date(2027, 1, 13), "Christmas and New Year"),
    ],
)
def test_reply_by_skips_bank_holidays_in_any_part_of_the_uk(
    letter: date, reply_by: date, why: str
) -> None:
    assert foi_reply_by(letter, UK) == reply_by, why


def test_the_uk_holidays_include_each_nations_own_days() -> None:
    assert date(2026, 11, 30) in UK  # St Andrew's Day (Scotland)
    assert date(2027, 7, 12) in UK  # Battle of the Boyne (Northern Ireland)
    assert date(2027, 3, 17) in UK  # St Patrick's Day (Northern Ireland)
    assert date(2026, 8, 3) in UK  # Summer bank holiday (Scotland)
    assert date(2026, 8, 31) in UK  # Summer bank holiday (England and Wales)
    assert date(2026, 12, 25) in UK and date(2026, 4, 3) in UK  # Christmas Day, Good Friday


def test_the_foi_letter_dated_20_november_2026_asks_for_a_reply_by_21_december(
    run: Callable[..., Result],
) -> None:
    result = run(
        "-r", str(DEMO), "letter", "foi", "example-fen", "--as-of", "2026-11-20", *SENDER_OPTIONS
    )
    assert result.exit_code == 0, result.stderr
    assert "If this request reaches you on 20 November 2026, that is 21 December 2026." in (
        " ".join(result.stdout.split())
    )
