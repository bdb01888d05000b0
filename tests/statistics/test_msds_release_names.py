"""A month's file is cited by the release it belongs to, as NHS England titles its releases
since April 2023 ("Maternity Services Monthly Statistics, Final March 2023, Provisional April
2023" was the first, as its page says)."""

from __future__ import annotations

from datetime import date

import pytest

from cocwatch.statistics.msds.measures import PUBLISHER, release


@pytest.mark.parametrize(
    ("month", "provisional", "named"),
    [
        (date(2025, 4, 30), True, "Final March 2025, Provisional April 2025"),
        (date(2025, 4, 30), False, "Final April 2025, Provisional May 2025"),
        (date(2025, 1, 31), True, "Final December 2024, Provisional January 2025"),
        (date(2024, 12, 31), False, "Final December 2024, Provisional January 2025"),
        (date(2023, 4, 30), True, "Final March 2023, Provisional April 2023"),
        (date(2023, 3, 31), False, "Final March 2023, Provisional April 2023"),
        (date(2023, 3, 31), True, None),  # no provisional files before April 2023
        (date(2022, 10, 31), False, None),
    ],
)
def test_a_month_is_named_by_its_release(month: date, provisional: bool, named: str | None) -> None:
    assert release(month, provisional) == named
    assert PUBLISHER.release_of(month, provisional=provisional) == named
