"""Table-driven tests of the assessment core (SPEC §4). All Trusts and figures are synthetic.

The core is pure, so these build registry models directly and pass the as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest

from cocwatch.core import findings, wording
from cocwatch.core.assessment import Severity, Status, TrustAssessment, assess, assess_trust
from cocwatch.core.cohort_status import explain
from cocwatch.core.models import (
    BoardReview,
    Figure,
    Milestone,
    National,
    Plan,
    Registry,
    Source,
    Target,
    Thresholds,
    Trust,
)
from cocwatch.core.targets import expected_level

D = date(2026, 11, 23)
SRC = Source(url="https://example.org/synthetic-test-source", kind="msds")


def fig(
    percent: float,
    as_of: date | str,
    cohort: str = "all",
    measure: str = "placed_by_28_weeks",
    *,
    provisional: bool = False,
    quality: str = "pass",
) -> Figure:
    return Figure.model_validate(
        {
            "cohort": cohort,
            "measure": measure,
            "percent": percent,
            "as_of": as_of,
            "provisional": provisional,
            "quality": quality,
            "source": SRC,
        }
    )


def target(
    tid: str,
    percent: float | None,
    due: str,
    *,
    set_on: str | None = "2019-01-01",
    withdrawn_on: str | None = None,
    cohort: str = "all",
) -> Target:
    return Target.model_validate(
        {
            "id": tid,
            "title": f"Synthetic target {tid}",
            "cohort": cohort,
            "percent": percent,
            "due": due,
            "set_on": set_on,
            "withdrawn_on": withdrawn_on,
        }
    )


def good_plan(
    milestones: tuple[tuple[str, float, str], ...] = (), published: str | None = "2025-01-01"
) -> Plan:
    """A plan with no findings of its own: active, published, co-produced, reviewed lately."""
    return Plan(
        status="active",
        published=date.fromisoformat(published) if published else None,
        url="https://example.org/synthetic-plan",
        coproduced="yes",
        milestones=tuple(
            Milestone(cohort=c, percent=p, due=date.fromisoformat(d))  # type: ignore[arg-type]
            for c, p, d in milestones
        ),
        board_reviews=(BoardReview(date=D - timedelta(days=10)),),
    )


def trust(
    figures: tuple[Figure, ...] = (),
    plan: Plan | None = None,
    **extra: Any,
) -> Trust:
    fields: dict[str, Any] = {
        "id": "example-valley",
        "ods": "EX1",
        "name": "Example Valley NHS Trust (synthetic)",
        "region": "Example Region",
        "figures": figures,
        "plan": plan if plan is not None else good_plan(),
    }
    fields.update(extra)
    return Trust.model_validate(fields)


def registry(*targets: Target) -> Registry:
    return Registry(national=National(targets=targets))


def run(
    t: Trust,
    reg: Registry | None = None,
    *,
    as_of: date = D,
    target_id: str | None = None,
    thresholds: Thresholds | None = None,
) -> TrustAssessment:
    return assess_trust(
        t,
        reg or registry(),
        as_of=as_of,
        thresholds=thresholds or Thresholds(),
        target_id=target_id,
    )


# A national target in force on D, due in the past, and one due in the future.
IN_FORCE_PAST = target("t-past", 50, "2026-03-31", set_on="2025-03-31")
IN_FORCE_FUTURE = target("t-future", 60, "2027-11-23", set_on="2025-11-23")


# ------------------------------------------------------------------------ statuses


@dataclass
class StatusCase:
    name: str
    figures: tuple[Figure, ...]
    reg: Registry
    status: Status
    severity: Severity
    plan: Plan | None = None
    step_percent: float | None = None
    origin: str | None = None
    target_id: str | None = None
    expected: float | None = None
    gap: float | None = None
    latest: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)


# expected(t) for IN_FORCE_FUTURE: 0% on 2025-11-23 → 60% on 2027-11-23 (730 days),
# so on 2026-11-23 (365 days in) exactly 30.0%.
STATUS_CASES = [
    StatusCase(
        "no benchmark at all",
        (fig(10, "2026-10-31"),),
        registry(),
        Status.NO_TARGET,
        Severity.OK,
        latest=10,
    ),
    StatusCase(
        "qualitative target only",
        (fig(10, "2026-10-31"),),
        registry(target("q", None, "2027-01-01")),
        Status.NO_TARGET,
        Severity.OK,
    ),
    StatusCase(
        "target set after D is not a benchmark",
        (fig(10, "2026-10-31"),),
        registry(target("later", 50, "2028-01-01", set_on="2026-11-24")),
        Status.NO_TARGET,
        Severity.OK,
    ),
    StatusCase(
        "no figures",
        (),
        registry(IN_FORCE_FUTURE),
        Status.NO_DATA,
        Severity.WARN,
        step_percent=60,
        origin="national",
    ),
    StatusCase(
        "only figures after D",
        (fig(99, "2026-11-24"),),
        registry(IN_FORCE_FUTURE),
        Status.NO_DATA,
        Severity.WARN,
        step_percent=60,
    ),
    StatusCase(
        "met exactly at the highest milestone",
        (fig(60, "2026-10-31"),),
        registry(IN_FORCE_PAST, IN_FORCE_FUTURE),
        Status.MET,
        Severity.OK,
        step_percent=60,
    ),
    StatusCase(
        "missed: past milestone not reached",
        (fig(49.9, "2026-10-31"),),
        registry(IN_FORCE_PAST, IN_FORCE_FUTURE),
        Status.MISSED,
        Severity.FAIL,
        step_percent=50,
        target_id="t-past",
    ),
    StatusCase(
        "past milestone reached, future not",  # expected 53.6 on 2026-10-31
        (fig(52, "2026-10-31"),),
        registry(IN_FORCE_PAST, IN_FORCE_FUTURE),
        Status.ON_TRACK,
        Severity.OK,
        step_percent=60,
        target_id="t-future",
    ),
    StatusCase(
        "milestone due on D counts as due",
        (fig(20, "2026-10-31"),),
        registry(target("due-d", 30, "2026-11-23", set_on="2025-11-23")),
        Status.MISSED,
        Severity.FAIL,
        step_percent=30,
    ),
    StatusCase(
        "milestone due the day after D is not due",
        (fig(28, "2026-11-23"),),
        registry(target("due-d1", 30, "2026-11-24", set_on="2025-11-24")),
        Status.ON_TRACK,
        Severity.OK,
        step_percent=30,
    ),
    StatusCase(
        "exactly at the tolerance is on track",
        (fig(28, "2026-11-23"),),
        registry(IN_FORCE_FUTURE),
        Status.ON_TRACK,
        Severity.OK,
        expected=30.0,
        gap=-2.0,
    ),
    StatusCase(
        "just beyond the tolerance is behind",
        (fig(27.9, "2026-11-23"),),
        registry(IN_FORCE_FUTURE),
        Status.BEHIND,
        Severity.WARN,
        expected=30.0,
        gap=-2.1,
        step_percent=60,
    ),
    StatusCase(
        "above the expected level",
        (fig(45, "2026-11-23"),),
        registry(IN_FORCE_FUTURE),
        Status.ON_TRACK,
        Severity.OK,
        gap=15.0,
    ),
    StatusCase(
        "figures after D are ignored",
        (fig(10, "2026-11-23"), fig(59, "2026-11-30")),
        registry(IN_FORCE_FUTURE),
        Status.BEHIND,
        Severity.WARN,
        latest=10,
    ),
    StatusCase(
        "target withdrawn after D is in force: missed fails",
        (fig(10, "2026-10-31"),),
        registry(target("w", 50, "2026-03-31", withdrawn_on="2026-11-24")),
        Status.MISSED,
        Severity.FAIL,
        origin="national",
    ),
    StatusCase(
        "target withdrawn on D is reference: missed never raises severity",
        (fig(10, "2026-10-31"),),
        registry(target("w", 50, "2026-03-31", withdrawn_on="2026-11-23")),
        Status.MISSED,
        Severity.OK,
        origin="reference",
    ),
    StatusCase(
        "target withdrawn before D is reference",
        (fig(10, "2026-10-31"),),
        registry(target("w", 50, "2026-03-31", withdrawn_on="2022-09-21")),
        Status.MISSED,
        Severity.OK,
        origin="reference",
    ),
    StatusCase(
        "national in force wins over withdrawn reference",
        (fig(10, "2026-10-31"),),
        registry(target("old", 90, "2021-03-31", withdrawn_on="2022-09-21"), IN_FORCE_FUTURE),
        Status.BEHIND,
        Severity.WARN,
        origin="national",
        step_percent=60,
    ),
    StatusCase(
        "local plan wins over national",
        (fig(10, "2026-10-31"),),
        registry(IN_FORCE_PAST),
        Status.ON_TRACK,
        Severity.OK,
        origin="local",
        step_percent=20,
        plan=good_plan((("all", 20, "2027-12-31"),), published="2026-06-30"),
    ),
    StatusCase(
        "local plan missed fails",
        (fig(10, "2026-10-31"),),
        registry(),
        Status.MISSED,
        Severity.FAIL,
        origin="local",
        plan=good_plan((("all", 20, "2026-06-30"), ("all", 40, "2028-01-01"))),
    ),
    StatusCase(
        "another cohort's milestones do not apply",
        (fig(10, "2026-10-31"),),
        registry(),
        Status.NO_TARGET,
        Severity.OK,
        plan=good_plan((("ethnic_minority", 20, "2026-06-30"),)),
    ),
]


@pytest.mark.parametrize("case", STATUS_CASES, ids=lambda c: c.name)
def test_status_of_the_all_cohort(case: StatusCase) -> None:
    result = run(trust(case.figures, plan=case.plan), case.reg).cohort("all")
    assert (result.status, result.severity) == (case.status, case.severity)
    if case.step_percent is not None:
        assert result.deciding_step is not None
        assert result.deciding_step.percent == case.step_percent
    if case.origin is not None:
        assert result.benchmark is not None
        assert result.benchmark.origin == case.origin
    if case.target_id is not None:
        assert result.deciding_step is not None
        assert result.deciding_step.target_id == case.target_id
    if case.expected is not None:
        assert result.expected == case.expected
    if case.gap is not None:
        assert result.gap == case.gap
    if case.latest is not None:
        assert result.latest is not None
        assert result.latest.value == case.latest


def test_no_figure_or_no_benchmark_has_no_expected_or_gap() -> None:
    no_data = run(trust(()), registry(IN_FORCE_FUTURE)).cohort("all")
    no_target = run(trust((fig(5, "2026-10-31"),)), registry()).cohort("all")
    assert (no_data.expected, no_data.gap, no_data.latest) == (None, None, None)
    assert (no_target.expected, no_target.gap, no_target.deciding_step) == (None, None, None)


def test_tolerance_comes_from_the_thresholds() -> None:
    t = trust((fig(25, "2026-11-23"),))
    reg = registry(IN_FORCE_FUTURE)
    assert run(t, reg).cohort("all").status is Status.BEHIND
    loose = run(t, reg, thresholds=Thresholds(tolerance_points=5.0)).cohort("all")
    assert loose.status is Status.ON_TRACK


# ------------------------------------------------------------------------ benchmark choice


def test_chosen_target_applies_to_its_cohort_at_full_severity_even_if_withdrawn() -> None:
    withdrawn = target(
        "gone", 75, "2024-03-31", withdrawn_on="2022-09-21", cohort="ethnic_minority"
    )
    reg = registry(withdrawn, IN_FORCE_FUTURE)
    plan = good_plan((("ethnic_minority", 5, "2027-01-01"), ("all", 5, "2027-01-01")))
    t = trust((fig(10, "2026-10-31", "ethnic_minority"), fig(10, "2026-10-31")), plan=plan)
    plain = run(t, reg)
    assert plain.cohort("ethnic_minority").benchmark.origin == "local"  # type: ignore[union-attr]
    chosen = run(t, reg, target_id="gone")
    em = chosen.cohort("ethnic_minority")
    assert em.benchmark is not None and em.benchmark.origin == "chosen"
    assert (em.status, em.severity) == (Status.MISSED, Severity.FAIL)
    assert em.deciding_step is not None and em.deciding_step.withdrawn_on == date(2022, 9, 21)
    # other cohorts keep their usual benchmark
    assert chosen.cohort("all").benchmark.origin == "local"  # type: ignore[union-attr]


def test_chosen_target_without_percent_leaves_its_cohort_without_target() -> None:
    reg = registry(target("qual", None, "2027-01-01"), IN_FORCE_FUTURE)
    result = run(trust((fig(10, "2026-10-31"),)), reg, target_id="qual").cohort("all")
    assert result.status is Status.NO_TARGET


def test_unknown_target_id_is_an_error() -> None:
    with pytest.raises(ValueError, match="t-past"):
        run(trust(()), registry(IN_FORCE_PAST), target_id="nope")


def test_national_targets_form_one_chain_starting_at_the_first_set_on() -> None:
    first = target("a", 20, "2026-01-31", set_on="2025-01-31")
    second = target("b", 40, "2027-01-31", set_on="2026-01-01")
    result = run(trust((fig(30, "2026-07-31"),)), registry(second, first)).cohort("all")
    assert result.benchmark is not None
    assert [s.target_id for s in result.benchmark.steps] == ["a", "b"]
    assert result.benchmark.start == date(2025, 1, 31)
    # 2026-01-31 → 2027-01-31 is 365 days; 2026-07-31 is 181 days in: 20 + 20*181/365
    assert result.expected == round(20 + 20 * 181 / 365, 1)
    assert result.deciding_step is not None and result.deciding_step.target_id == "b"


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2024-06-30", 0.0),  # before the start
        ("2025-01-01", 0.0),  # on the start
        ("2025-07-02", 10.0),  # halfway from start to the first milestone (182/364 days)
        ("2025-12-31", 20.0),  # on the first milestone
        ("2026-12-31", 30.0),  # halfway between milestones (365/730 days)
        ("2027-12-31", 40.0),  # on the last milestone
        ("2030-01-01", 40.0),  # after the last: held at its level
    ],
)
def test_expected_level_interpolates_between_milestones(when: str, expected: float) -> None:
    plan = good_plan((("all", 40, "2027-12-31"), ("all", 20, "2025-12-31")), published="2025-01-01")
    result = run(trust((fig(1, "2020-01-01"),), plan=plan), registry())
    bench = result.cohort("all").benchmark
    assert bench is not None
    assert expected_level(bench, date.fromisoformat(when)) == pytest.approx(expected)


def test_without_a_start_date_expected_is_zero_before_the_first_milestone() -> None:
    plan = good_plan((("all", 40, "2027-12-31"),), published=None)
    result = run(trust((fig(1, "2026-06-30"),), plan=plan), registry()).cohort("all")
    assert result.expected == 0.0
    assert result.status is Status.ON_TRACK


# ------------------------------------------------------------------------ choosing F


@pytest.mark.parametrize(
    ("figures", "chosen"),
    [
        pytest.param(
            (fig(30, "2026-10-31", measure="offered"), fig(10, "2026-10-31")),
            10,
            id="placed_by_28_weeks preferred over offered",
        ),
        pytest.param(
            (fig(12, "2026-10-31"), fig(11, "2026-10-31", provisional=True)),
            12,
            id="final preferred over provisional",
        ),
        pytest.param(
            (fig(11, "2026-10-31", provisional=True), fig(12, "2026-10-31")),
            12,
            id="final preferred whatever the order",
        ),
        pytest.param(
            (fig(12, "2026-09-30"), fig(14, "2026-10-31", provisional=True)),
            14,
            id="a later provisional figure beats an earlier final one",
        ),
        pytest.param(
            (fig(40, "2026-10-31", measure="offered"), fig(5, "2026-10-31", provisional=True)),
            5,
            id="measure preference before finality",
        ),
    ],
)
def test_latest_figure_choice(figures: tuple[Figure, ...], chosen: float) -> None:
    # No target: F is the latest figure of any measure (with one, only its measure counts).
    result = run(trust(figures), registry()).cohort("all")
    assert result.latest is not None and result.latest.value == chosen


def test_without_a_benchmark_any_measure_is_shown_by_preference() -> None:
    figures = (
        fig(30, "2026-10-31", measure="other"),
        fig(20, "2026-10-31", "all", "receiving_ongoing"),
    )
    result = run(trust(figures), registry()).cohort("all")
    assert result.latest is not None and result.latest.value == 20  # receiving before other


def test_a_placement_benchmark_ignores_figures_of_other_measures() -> None:
    figures = (
        fig(30, "2026-10-31", measure="other"),
        fig(20, "2026-10-31", "all", "receiving_ongoing"),
    )
    result = run(trust(figures), registry(IN_FORCE_FUTURE)).cohort("all")
    assert result.status == "no_data" and result.latest is None


# ------------------------------------------------------------------------ findings


def codes(result: TrustAssessment) -> list[str]:
    return [f.code for f in result.findings]


FRESH = (
    fig(20, "2026-10-31"),
    fig(20, "2026-10-31", "ethnic_minority"),
    fig(20, "2026-10-31", "most_deprived"),
)


def plan_with(**changes: Any) -> Plan:
    return good_plan().model_copy(update=changes)


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        pytest.param(good_plan(), [], id="a good plan has no findings"),
        pytest.param(None, ["plan_unknown"], id="no plan block"),
        pytest.param(Plan(status="unknown"), ["plan_unknown"], id="status unknown"),
        pytest.param(Plan(status="none"), ["no_plan"], id="status none"),
        pytest.param(plan_with(status="paused"), ["plan_paused"], id="paused"),
        pytest.param(plan_with(url=None), ["plan_unpublished"], id="active without url"),
        pytest.param(
            plan_with(status="paused", url=None),
            ["plan_paused", "plan_unpublished"],
            id="paused without url",
        ),
        pytest.param(plan_with(coproduced="no"), ["not_coproduced"], id="not co-produced"),
        pytest.param(plan_with(coproduced="unknown"), [], id="co-production unknown is fine"),
        pytest.param(plan_with(board_reviews=()), ["board_review_overdue"], id="never reviewed"),
        pytest.param(
            plan_with(board_reviews=(BoardReview(date=D - timedelta(days=35)),)),
            [],
            id="review exactly board_review_days ago counts",
        ),
        pytest.param(
            plan_with(board_reviews=(BoardReview(date=D - timedelta(days=36)),)),
            ["board_review_overdue"],
            id="review one day too old",
        ),
        pytest.param(
            plan_with(board_reviews=(BoardReview(date=D + timedelta(days=1)),)),
            ["board_review_overdue"],
            id="review after D is ignored",
        ),
        pytest.param(
            plan_with(status="paused", board_reviews=()),
            ["plan_paused", "board_review_overdue"],
            id="paused plans need reviews too",
        ),
        pytest.param(
            Plan(status="none", board_reviews=()), ["no_plan"], id="no review duty without plan"
        ),
    ],
)
def test_plan_findings(plan: Plan | None, expected: list[str]) -> None:
    t = trust(FRESH).model_copy(update={"plan": plan})
    assert codes(run(t)) == expected


def test_plan_unknown_message_says_how_to_find_the_plan() -> None:
    t = trust(FRESH).model_copy(update={"plan": None})
    finding = run(t).finding("plan_unknown")
    assert finding is not None
    assert "cocwatch letter foi example-valley" in finding.message


def test_no_plan_fails_the_trust() -> None:
    result = run(trust(FRESH, plan=Plan(status="none")))
    assert result.severity is Severity.FAIL
    assert result.finding("no_plan").severity is Severity.FAIL  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        pytest.param(FRESH, [], id="fresh figures for every cohort"),
        pytest.param((), [], id="no figures: nothing stale, no targeted duty"),
        pytest.param(
            (fig(20, D - timedelta(days=120)),),
            ["targeted_data_missing"],
            id="exactly stale_after_days old is not stale",
        ),
        pytest.param(
            (fig(20, D - timedelta(days=121)),),
            ["stale_data", "targeted_data_missing"],
            id="one day more is stale",
        ),
        pytest.param(
            (*FRESH[:2], fig(20, "2025-01-31", "most_deprived")),
            ["stale_data"],
            id="a targeted cohort's latest figure is stale",
        ),
        pytest.param(
            (*FRESH[1:], fig(20, "2026-10-31", quality="fail")),
            ["data_quality_failed"],
            id="quality fail on the all cohort",
        ),
        pytest.param(
            (*FRESH[:2], fig(20, "2026-10-31", "most_deprived", quality="fail")),
            [],
            id="quality fail on a targeted cohort is not reported",
        ),
        pytest.param(
            (fig(20, "2026-09-30", quality="fail"), *FRESH),
            [],
            id="only the latest all figure's quality counts",
        ),
        pytest.param(
            (fig(20, "2026-10-31"), fig(20, "2026-10-31", "ethnic_minority")),
            ["targeted_data_missing"],
            id="one targeted cohort missing",
        ),
        pytest.param(
            (*FRESH[:2], fig(20, "2026-11-30", "most_deprived")),
            ["targeted_data_missing"],
            id="a targeted figure after D does not count",
        ),
        pytest.param(
            (fig(20, "2026-10-31"), fig(5, "2026-10-31", "ethnic_minority"), FRESH[2]),
            [],
            id="below all women, untested (no counts to compare with White women): no gap",
        ),
        pytest.param(
            (fig(20, "2026-10-31"), fig(5, "2026-09-30", "ethnic_minority"), FRESH[2]),
            [],
            id="no all figure on the targeted figure's date",
        ),
        pytest.param(
            (
                fig(20, "2026-10-31"),
                fig(5, "2026-10-31", "ethnic_minority", "offered"),
                FRESH[2],
            ),
            [],
            id="different measures are not compared",
        ),
        pytest.param(
            (
                fig(20, "2026-10-31"),
                fig(30, "2026-10-31", provisional=True),
                fig(25, "2026-10-31", "ethnic_minority"),
                FRESH[2],
            ),
            [],
            id="compared with the final all figure",
        ),
    ],
)
def test_data_findings(figures: tuple[Figure, ...], expected: list[str]) -> None:
    assert codes(run(trust(figures))) == expected


def test_findings_are_in_spec_order_and_one_per_code() -> None:
    t = trust(
        (
            fig(20, "2024-03-31", quality="fail"),
            fig(5, "2024-03-31", "ethnic_minority"),
            fig(5, "2024-03-31", "most_deprived"),
        ),
        plan=Plan(status="paused", coproduced="no"),
    )
    found = codes(run(t))
    assert found == [
        "plan_paused",
        "plan_unpublished",
        "not_coproduced",
        "board_review_overdue",
        "stale_data",
        "data_quality_failed",
    ]
    assert found == [c for c in findings.CODES if c in found]
    # A targeted group below all women is not a gap: only a test against its comparison
    # group (White women, the least deprived decile) finds one (tests/core/test_findings.py).
    assert run(t).finding("targeted_gap") is None


def test_every_finding_code_has_a_label() -> None:
    assert all(findings.RULE[code].label for code in findings.CODES)
    for status in Status:
        words = wording.STATUS[status]
        assert words.label and words.symbol and words.description
    assert len({w.symbol for w in wording.STATUS.values()}) == len(Status)


# ------------------------------------------------------------------------ trend


def monthly(
    values: list[float], last: date = date(2026, 10, 31), cohort: str = "all"
) -> tuple[Figure, ...]:
    """Figures 30 days apart, the last one on `last`."""
    n = len(values)
    return tuple(
        fig(v, last - timedelta(days=30 * (n - 1 - i)), cohort) for i, v in enumerate(values)
    )


def test_trend_slope_and_projection() -> None:
    figures = monthly([10, 13, 16])  # 3 points per 30 days
    result = run(trust(figures), registry(IN_FORCE_FUTURE)).cohort("all")
    assert result.trend is not None
    assert result.trend.points_per_year == pytest.approx(3 / 30 * 365.25, abs=0.01)
    assert result.trend.points == 3
    # the line reaches 60% 440 days after the last figure (44 points at 0.1 a day)
    assert result.trend.projected_date == date(2026, 10, 31) + timedelta(days=440)


@pytest.mark.parametrize(
    ("figures", "has_trend"),
    [
        pytest.param(monthly([10, 13]), False, id="two points are not enough"),
        pytest.param(
            (fig(5, D - timedelta(days=366)), *monthly([10, 13])),
            False,
            id="a point 366 days before D is outside the window",
        ),
        pytest.param(
            (fig(5, D - timedelta(days=365)), *monthly([10, 13])),
            True,
            id="a point exactly 365 days before D is inside",
        ),
        pytest.param(
            (*monthly([10, 13]), fig(99, "2026-11-30")),
            False,
            id="points after D do not count",
        ),
        pytest.param(
            (*monthly([10, 13]), fig(14, "2026-10-31", provisional=True)),
            False,
            id="a provisional and a final figure on one date are one point",
        ),
        pytest.param(
            (*monthly([10, 13]), fig(50, "2026-08-01", measure="offered")),
            False,
            id="only the latest figure's measure counts",
        ),
    ],
)
def test_trend_window(figures: tuple[Figure, ...], has_trend: bool) -> None:
    result = run(trust(figures), registry(IN_FORCE_FUTURE)).cohort("all")
    assert (result.trend is not None) == has_trend


def test_no_projection_when_falling_flat_met_or_without_benchmark() -> None:
    falling = run(trust(monthly([16, 13, 10])), registry(IN_FORCE_FUTURE)).cohort("all")
    flat = run(trust(monthly([10, 10, 10])), registry(IN_FORCE_FUTURE)).cohort("all")
    met = run(trust(monthly([50, 55, 61])), registry(IN_FORCE_FUTURE)).cohort("all")
    none = run(trust(monthly([10, 13, 16])), registry()).cohort("all")
    assert falling.trend is not None and falling.trend.points_per_year < 0
    assert falling.trend.projected_date is None
    assert flat.trend is not None and flat.trend.points_per_year == 0.0
    assert flat.trend.projected_date is None
    assert met.status is Status.MET and met.trend is not None
    assert met.trend.projected_date is None
    assert none.trend is not None and none.trend.projected_date is None


# ------------------------------------------------------------------------ Trusts


def test_trust_severity_is_the_worst_of_cohorts_and_findings() -> None:
    em_target = target("em", 75, "2024-03-31", cohort="ethnic_minority")
    t = trust(FRESH)
    result = run(t, registry(em_target))
    assert result.cohort("ethnic_minority").severity is Severity.FAIL
    assert result.cohort("all").severity is Severity.OK
    assert result.findings == ()
    assert result.severity is Severity.FAIL


def test_cohorts_are_always_all_three_in_order() -> None:
    result = run(trust(()))
    assert [c.cohort for c in result.cohorts] == ["all", "ethnic_minority", "most_deprived"]


def test_closed_trust_is_assessed_when_asked() -> None:
    closed = trust(FRESH, closed_on=date(2024, 12, 31), successor="example-hill")
    result = run(closed, registry(IN_FORCE_FUTURE))
    assert result.trust.closed_on == date(2024, 12, 31)
    assert result.cohort("all").status is Status.BEHIND


def test_assess_orders_by_region_then_name_and_counts() -> None:
    a = trust((), id="a", ods="EXA", name="Zed Example Trust", region="Alpha")
    b = trust((), id="b", ods="EXB", name="Able Example Trust", region="Beta")
    c = trust(
        (), id="c", ods="EXC", name="Able Example Trust", region="Alpha", plan=Plan(status="none")
    )
    result = assess(registry(), [b, a, c], as_of=D, thresholds=Thresholds())
    assert [t.trust.id for t in result.trusts] == ["c", "a", "b"]
    assert result.summary() == {"ok": 2, "warn": 0, "fail": 1}
    assert result.severity is Severity.FAIL


def test_explain_is_one_sentence_per_status() -> None:
    reg = registry(IN_FORCE_PAST, IN_FORCE_FUTURE)
    cases = {
        Status.MET: (fig(61, "2026-10-31"),),
        Status.MISSED: (fig(10, "2026-10-31"),),
        Status.NO_DATA: (),
    }
    for status, figures in cases.items():
        ca = run(trust(figures), reg).cohort("all")
        assert ca.status is status
        text = explain(ca)
        assert text.startswith("All women:") and text.endswith(".")
    assert "no target" in explain(run(trust(()), registry()).cohort("all"))


def test_no_trend_line_across_a_step_and_no_projection_to_a_target_not_in_force() -> None:
    from cocwatch.core.cohort_status import trend_line
    from cocwatch.core.targets import Benchmark, Step

    figures = monthly([3, 3, 3, 11, 12, 13])  # a step after the third month
    latest = figures[-1]
    in_force = Benchmark("national", (Step(date(2028, 3, 31), 51.0),), None)
    past = Benchmark("reference", (Step(date(2021, 3, 31), 51.0),), None)
    across = trend_line(figures, latest, in_force, D)
    since = trend_line(figures, latest, in_force, D, step=figures[3].as_of)
    assert across is not None and since is not None
    assert (across.points, since.points) == (6, 3)
    # From the step on: 1 point a month, not the steep line drawn across the step.
    assert since.points_per_year == pytest.approx(1 / 30 * 365.25, abs=0.01)
    assert across.points_per_year > 2 * since.points_per_year
    assert since.projected_date is not None
    assert trend_line(figures, latest, past, D, step=figures[3].as_of).projected_date is None  # type: ignore[union-attr]
