"""Letters name things with the one wording module: the same words as check and the report."""

from __future__ import annotations

import typing
from datetime import date

import pytest

from cocwatch.core import letters as L
from cocwatch.core import wording
from cocwatch.core.kinds import PlanStatus, Rating, SourceKind
from cocwatch.core.letters.words import group_who
from cocwatch.core.models import Figure, Source
from cocwatch.statistics.sources import declared


@pytest.mark.parametrize(
    ("table", "kind"),
    [
        ({k: w.sentence for k, w in wording.PLAN_STATUS.items()}, PlanStatus),
        (wording.RATING, Rating),
        (wording.SOURCE_KIND, SourceKind),
    ],
)
def test_every_member_of_a_closed_set_letters_name_has_a_name(
    table: typing.Any, kind: typing.Any
) -> None:
    assert set(table) == set(typing.get_args(kind))
    assert all(name.strip() == name and name for name in table.values())


def test_letters_format_numbers_and_dates_with_the_shared_formatters() -> None:
    assert L.percent_text is wording.percent
    assert L.points_text is wording.points
    assert L.number_text is wording.number
    assert L.month_year is wording.month_year
    assert L.uk_date.__wrapped__ is wording.long_date


def test_a_view_names_a_cohort_and_status_as_the_wording_does() -> None:
    figure = Figure(
        cohort="ethnic_minority",
        measure="placed_by_28_weeks",
        percent=12.3,
        as_of=date(2025, 4, 30),
        source=Source(kind="msds", url="https://example.org/msds", title="Synthetic MSDS"),
    )
    view = L.figure_view(figure, declared())
    # Letters name the group as NHS England's statistics define it (DOMAIN §3).
    assert view.who == group_who("ethnic_minority", declared())
    assert "other" not in view.who
    assert view.source.kind_text == wording.SOURCE_KIND["msds"]
    plan = L.plan_view(None, "Synthetic Trust", date(2026, 11, 23))
    assert plan.status_text == wording.PLAN_STATUS["unknown"].sentence == "not known"
