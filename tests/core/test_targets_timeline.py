"""National targets as their sources state them: precision, measure, superseded vs withdrawn.

Synthetic targets and figures only (ids prefixed t-); the as-of date is a parameter.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from cocwatch.core.assessment import Status, assess_trust
from cocwatch.core.models import Figure, National, Registry, Target, Thresholds, Trust
from cocwatch.core.targets import in_force

D = date(2026, 11, 23)


def target(tid: str, **fields: Any) -> Target:
    data = {"id": tid, "title": f"Synthetic target {tid}", **fields}
    return Target.model_validate(data)


def fig(
    percent: float, as_of: str, measure: str = "placed_by_28_weeks", cohort: str = "all"
) -> Figure:
    return Figure.model_validate(
        {
            "cohort": cohort,
            "measure": measure,
            "percent": percent,
            "as_of": as_of,
            "source": {"title": "Synthetic source"},
        }
    )


def assess(targets: tuple[Target, ...], figures: tuple[Figure, ...], as_of: date = D) -> Any:
    trust = Trust(id="t-trust", ods="ZZ9", name="Synthetic Trust", region="Test", figures=figures)
    registry = Registry(national=National(targets=targets), trusts=(trust,))
    return assess_trust(trust, registry, as_of=as_of, thresholds=Thresholds())


@pytest.mark.parametrize(
    ("written", "last_day", "precision"),
    [
        (2024, date(2024, 12, 31), "year"),
        ("2024", date(2024, 12, 31), "year"),
        ("2020-02", date(2020, 2, 29), "month"),
        ("2021-12", date(2021, 12, 31), "month"),
        ("2021-03-31", date(2021, 3, 31), "day"),
        (date(2021, 3, 31), date(2021, 3, 31), "day"),
    ],
)
def test_due_is_read_at_the_precision_of_the_source(
    written: object, last_day: date, precision: str
) -> None:
    t = target("t-a", due=written, set_on=written)
    assert (t.due, t.due_precision) == (last_day, precision)
    assert (t.set_on, t.set_on_precision) == (last_day, precision)
    again = Target.model_validate_json(t.model_dump_json())
    assert (again.due, again.due_precision) == (last_day, precision)


@pytest.mark.parametrize("bad", ["2024-13", "2024-3-1x", "March 2024", "24"])
def test_a_malformed_period_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError):
        target("t-a", due=bad)


def test_a_target_is_withdrawn_or_superseded_never_both() -> None:
    with pytest.raises(ValidationError, match="not both"):
        target("t-a", due="2021-03-31", withdrawn_on="2022-09-21", superseded_by="t-b")


def test_a_superseded_target_stops_being_in_force_when_its_successor_is_set() -> None:
    old = target("t-old", percent=51, due="2021-03-31", set_on="2020-02", superseded_by="t-new")
    new = target("t-new", percent=35, due="2021-03-31", set_on="2020-10-01")
    by_id = {t.id: t for t in (old, new)}
    assert in_force(old, date(2020, 9, 30), by_id)
    assert not in_force(old, date(2020, 10, 1), by_id)
    assert in_force(new, date(2020, 10, 1), by_id)


def test_a_target_replaced_within_its_chain_is_not_a_milestone() -> None:
    # 51% replaced by 35% for the same date: a Trust is judged against 35%, not 51%.
    old = target("t-old", percent=51, due="2021-03-31", set_on="2020-02", superseded_by="t-new")
    new = target(
        "t-new", percent=35, due="2021-03-31", set_on="2020-10-01", withdrawn_on="2022-09-21"
    )
    result = assess((old, new), (fig(40, "2021-03-31"),)).cohort("all")
    assert result.status is Status.MET
    assert result.benchmark is not None
    assert [s.target_id for s in result.benchmark.steps] == ["t-new"]


def test_a_year_precision_target_is_due_on_the_last_day_of_that_year() -> None:
    t = target(
        "t-2024",
        percent=75,
        due=2024,
        set_on="2019-01-07",
        cohort="ethnic_minority",
        measure="receiving_ongoing",
    )
    early = assess(
        (t,),
        (fig(10, "2024-06-30", "receiving_ongoing", "ethnic_minority"),),
        as_of=date(2024, 12, 30),
    ).cohort("ethnic_minority")
    assert early.status is not Status.MISSED  # "by 2024" is not yet past on 30 December
    late = assess(
        (t,),
        (fig(10, "2024-06-30", "receiving_ongoing", "ethnic_minority"),),
        as_of=date(2024, 12, 31),
    ).cohort("ethnic_minority")
    assert late.status is Status.MISSED
    assert late.deciding_step is not None and late.deciding_step.due_precision == "year"


def test_a_figure_is_compared_only_with_a_target_of_its_own_measure() -> None:
    placed = target("t-placed", percent=35, due="2021-03-31", set_on="2019-01-01")
    # Only a receiving figure: the placement target has nothing of its measure to judge.
    only_receiving = assess((placed,), (fig(1.0, "2026-04-30", "receiving_ongoing"),))
    all_women = only_receiving.cohort("all")
    assert all_women.status is Status.NO_DATA and all_women.latest is None
    # Both measures on the same date: the placement figure is judged, the receiving one is not.
    both = assess(
        (placed,), (fig(1.0, "2026-04-30", "receiving_ongoing"), fig(17.1, "2026-04-30"))
    ).cohort("all")
    assert both.latest is not None and both.latest.measure == "placed_by_28_weeks"
    assert both.status is Status.MISSED


def test_a_receiving_target_judges_the_receiving_figure_even_when_a_placed_one_is_newer() -> None:
    receiving = target(
        "t-recv",
        percent=75,
        due=2024,
        set_on="2019-01-07",
        cohort="ethnic_minority",
        measure="receiving_ongoing",
    )
    result = assess(
        (receiving,),
        (
            fig(2.0, "2026-01-31", "receiving_ongoing", "ethnic_minority"),
            fig(16.7, "2026-04-30", "placed_by_28_weeks", "ethnic_minority"),
        ),
    ).cohort("ethnic_minority")
    assert result.latest is not None and result.latest.measure == "receiving_ongoing"
    assert result.latest.value == 2.0 and result.status is Status.MISSED
