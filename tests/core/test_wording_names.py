"""One table of names per closed set, with a variant for each use."""

from __future__ import annotations

from datetime import date
from typing import get_args

import pytest

from cocwatch.core import kinds, measures, wording


@pytest.mark.parametrize(
    ("table", "members"),
    [
        (wording.COHORT, get_args(kinds.Cohort)),
        (wording.MEASURE, get_args(measures.Measure)),
        (wording.ORIGIN, get_args(kinds.Origin)),
        (wording.STATUS, tuple(kinds.Status)),
        (wording.SEVERITY, tuple(kinds.Severity)),
        (wording.PLAN_STATUS, get_args(kinds.PlanStatus)),
    ],
)
def test_every_member_of_a_closed_set_is_named_once(
    table: object, members: tuple[str, ...]
) -> None:
    assert list(table) == list(members)  # type: ignore[call-overload]


def test_cohort_variants() -> None:
    em = wording.COHORT["ethnic_minority"]
    assert em.sentence == "women from ethnic-minority groups"
    assert em.label == "Women from ethnic-minority groups"
    assert em.short == "ethnic minority"
    assert wording.COHORT["all"].label == "All women"


def test_measure_and_status_variants() -> None:
    assert wording.MEASURE["placed_by_28_weeks"].short == "placed by 28 wks"
    assert wording.MEASURE["receiving_ongoing"].label == "Receiving continuity of carer"
    behind = wording.STATUS[kinds.Status.BEHIND]
    assert (behind.label, behind.sentence, behind.symbol) == ("Behind", "behind", "▼")
    assert wording.STATUS["no_data"].letter == "no figures"  # type: ignore[index]
    assert wording.SEVERITY[kinds.Severity.WARN].sentence == "needs attention"


def test_symbols_tell_statuses_apart_without_colour() -> None:
    symbols = [w.symbol for w in wording.STATUS.values()]
    assert len(set(symbols)) == len(symbols)


def test_a_status_this_version_does_not_know_is_still_words() -> None:
    assert wording.status_words("on_track") == "on track"
    assert wording.status_words("lost_in_time") == "lost in time"


def test_short_period_and_gap() -> None:
    day = date(2021, 3, 31)
    assert wording.short_period(day, "year") == "2021"
    assert wording.short_period(day, "month") == "Mar 2021"
    assert wording.short_period(day) == "31 Mar 2021"
    assert wording.signed_points_short(-23.25) == "−23.3\u00a0pts"
    assert wording.signed_points_short(4) == "+4\u00a0pts"
    assert wording.signed_points_short(-0.04) == "0\u00a0pts"


def test_a_group_with_figures_of_another_measure_is_told_so() -> None:
    assert wording.no_figure_of_measure("receiving_ongoing") == (
        "no figure of the measure its benchmark uses (receiving continuity of carer)"
    )


def test_plan_statuses_ratings_and_source_kinds_are_named() -> None:
    assert list(wording.PLAN_STATUS) == list(get_args(kinds.PlanStatus))
    assert list(wording.RATING) == list(get_args(kinds.Rating))
    assert list(wording.SOURCE_KIND) == list(get_args(kinds.SourceKind))
    assert wording.PLAN_STATUS["none"].label == "The Trust has no plan"
    assert wording.PLAN_STATUS["unknown"].sentence == "not known"


def test_no_data_is_defined_as_no_figure_of_the_measure_counted() -> None:
    # a group can have figures of another measure and still have no data to judge
    assert wording.STATUS[kinds.Status.NO_DATA].description == (
        "There is a target, but no figure of the measure it counts has been recorded."
    )


def test_names_give_a_closed_set_s_members_and_refuse_any_other() -> None:
    finding = kinds.Names("finding code", kinds.FindingCode)
    assert finding.stale_data == "stale_data" == kinds.FindingCode.STALE_DATA
    assert list(finding) == list(kinds.FindingCode)
    with pytest.raises(ValueError, match="'stale_dta' is not a finding code; the finding codes"):
        _ = finding.stale_dta
    assert not hasattr(finding, "__html__")  # Jinja's own questions are answered as usual
