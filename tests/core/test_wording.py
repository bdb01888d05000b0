"""One way to write percentages and dates everywhere (core.wording)."""

from __future__ import annotations

from datetime import date

import pytest

from cocwatch.core import wording


@pytest.mark.parametrize(
    ("value", "fixed", "text"),
    [
        (17.25, False, "17.3%"),
        (17.25, True, "17.3%"),
        (17.35, True, "17.4%"),
        (51, False, "51%"),
        (12.0, True, "12.0%"),
        (0.05, False, "0.1%"),
        (99.95, False, "100%"),
        (0.0, True, "0.0%"),
    ],
)
def test_percent_rounds_half_up_the_same_way_in_both_variants(
    value: float, fixed: bool, text: str
) -> None:
    assert wording.percent(value, fixed=fixed) == text


def test_signed_and_unsigned_points() -> None:
    assert wording.signed_points(-2.25) == "-2.3"
    assert wording.signed_points(0.04) == "0.0"
    assert wording.points(-1.0) == "1 percentage point"


@pytest.mark.parametrize(
    ("precision", "text"),
    [("year", "2024"), ("month", "December 2024"), ("day", "31 December 2024")],
)
def test_a_date_is_written_at_the_precision_of_its_source(precision: str, text: str) -> None:
    assert wording.period(date(2024, 12, 31), precision) == text  # type: ignore[arg-type]


def test_check_report_and_letters_print_17_25_alike() -> None:
    from cocwatch.core.letters import percent_text
    from cocwatch.render.report import percent

    assert wording.figure_percent(17.25) == "17.3%"
    assert percent_text(17.25) == "17.3%"
    assert percent(17.25) == "17.3%"
