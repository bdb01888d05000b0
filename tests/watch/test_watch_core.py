"""The pure part of `watch`: snapshots, page states and the news between two snapshots.

All data here is synthetic.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest

from cocwatch.core.assessment import Assessment, Finding, Severity, Status, TrustAssessment
from cocwatch.core.cohort_status import CohortAssessment
from cocwatch.core.models import Figure, Plan, Source, Trust
from cocwatch.core.watch import (
    CohortState,
    FigureState,
    FindingState,
    PageFetch,
    PageState,
    Snapshot,
    TrustState,
    baseline_line,
    build_snapshot,
    carry_pages,
    diff,
    figure_states,
    next_page_state,
    page_targets,
    updated_pages,
)

D = date(2026, 11, 23)
SRC = Source(url="https://example.org/synthetic", kind="msds")


def snap(
    *,
    trusts: Mapping[str, tuple[str, str]] | None = None,
    cohorts: Mapping[tuple[str, str], tuple[str, str]] | None = None,
    findings: Mapping[tuple[str, str], tuple[str, str]] | None = None,
    figures: Mapping[tuple[str, str, str, str], tuple[float, bool, str]] | None = None,
    pages: Mapping[tuple[str, str], PageState] | None = None,
    closed: Mapping[str, date] | None = None,
) -> Snapshot:
    """A snapshot from plain tuples; one Trust 'north' (severity ok) unless told otherwise."""
    trust_map = trusts if trusts is not None else {"north": ("North Trust (synthetic)", "ok")}
    return Snapshot(
        trusts={k: TrustState(*v) for k, v in trust_map.items()},
        cohorts={k: CohortState(*v) for k, v in (cohorts or {}).items()},
        findings={k: FindingState(*v) for k, v in (findings or {}).items()},
        figures={k: FigureState(*v) for k, v in (figures or {}).items()},
        pages=dict(pages or {}),
        order=tuple(trust_map),
        closed=dict(closed or {}),
    )


def messages(previous: Snapshot, current: Snapshot, *, pages: bool = True) -> list[str]:
    return [f"{n.kind}: {n.message}" for n in diff(previous, current, pages_checked=pages)]


FIG = ("north", "all", "placed_by_28_weeks", "2026-09-30")
NAT = ("", "all", "placed_by_28_weeks", "2026-09-30")


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param({}, {}, [], id="nothing-changed"),
        pytest.param(
            {"cohorts": {("north", "all"): ("on_track", "ok")}},
            {"cohorts": {("north", "all"): ("behind", "warn")}},
            ["status_changed: all cohort: on track -> behind (severity ok -> warn)"],
            id="status-and-severity",
        ),
        pytest.param(
            {"cohorts": {("north", "all"): ("missed", "fail")}},
            {"cohorts": {("north", "all"): ("missed", "warn")}},
            ["status_changed: all cohort: missed, severity fail -> warn"],
            id="severity-only",
        ),
        pytest.param(
            {"trusts": {"north": ("North Trust (synthetic)", "ok")}},
            {"trusts": {"north": ("North Trust (synthetic)", "fail")}},
            ["severity_changed: overall severity ok -> fail (failing)"],
            id="trust-severity",
        ),
        pytest.param(
            {"cohorts": {("north", "all"): ("missed", "ok")}},
            {"cohorts": {("north", "all"): ("not_in_force", "ok")}},
            [],
            id="a-past-target-now-said-as-not-in-force-is-no-news",
        ),
        pytest.param(
            {"cohorts": {("north", "all"): ("on_track", "ok")}},
            {"cohorts": {("north", "all"): ("not_in_force", "ok")}},
            [],
            id="a-state-from-before-the-words-changed-is-no-news",
        ),
        pytest.param(
            {"cohorts": {("north", "all"): ("not_in_force", "ok")}},
            {"cohorts": {("north", "all"): ("behind", "warn")}},
            ["status_changed: all cohort: no target in force -> behind (severity ok -> warn)"],
            id="a-target-in-force-again-is-news",
        ),
        pytest.param(
            {"findings": {("north", "stale_data"): ("warn", "Latest figure is 130 days old.")}},
            {"findings": {("north", "stale_data"): ("warn", "Latest figure is 131 days old.")}},
            [],
            id="finding-wording-is-not-news",
        ),
        pytest.param(
            {},
            {"findings": {("north", "no_plan"): ("fail", "No plan.")}},
            ["finding_opened: new finding no_plan (fail): No plan."],
            id="finding-opened",
        ),
        pytest.param(
            {"findings": {("north", "no_plan"): ("fail", "No plan.")}},
            {},
            ["finding_resolved: finding resolved: no_plan"],
            id="finding-resolved",
        ),
        pytest.param(
            {},
            {"figures": {FIG: (23.4, True, "unknown")}},
            ["figure_added: new figure 2026-09-30 (all, placed_by_28_weeks): 23.4%, provisional"],
            id="figure-added",
        ),
        pytest.param(
            {"figures": {FIG: (23.4, True, "unknown")}},
            {"figures": {FIG: (24.0, False, "pass")}},
            [
                "figure_revised: revised figure 2026-09-30 (all, placed_by_28_weeks): "
                "23.4% -> 24.0%, now final, quality unknown -> pass"
            ],
            id="figure-revised",
        ),
        pytest.param(
            {"figures": {FIG: (23.4, False, "pass")}},
            {"figures": {FIG: (23.4, False, "pass")}},
            [],
            id="figure-unchanged",
        ),
        pytest.param(
            {"figures": {FIG: (23.4, False, "pass")}},
            {},
            [
                "figure_removed: figure removed from the registry: 2026-09-30 "
                "(all, placed_by_28_weeks), was 23.4%"
            ],
            id="figure-removed",
        ),
        pytest.param(
            {},
            {"figures": {NAT: (12.5, False, "fail")}},
            [
                "figure_added: new figure 2026-09-30 (all, placed_by_28_weeks): 12.5%, "
                "failed data quality"
            ],
            id="national-figure",
        ),
    ],
)
def test_news_between_snapshots(
    before: dict[str, Any], after: dict[str, Any], expected: list[str]
) -> None:
    assert messages(snap(**before), snap(**after)) == expected


def test_trust_added_removed_and_closed_are_one_line_each() -> None:
    before = snap(
        trusts={"north": ("North (synthetic)", "ok"), "south": ("South (synthetic)", "warn")},
        figures={("south", "all", "offered", "2026-01-31"): (5.0, False, "pass")},
    )
    after = snap(
        trusts={"east": ("East (synthetic)", "fail")},
        cohorts={("east", "all"): ("missed", "fail")},
        findings={("east", "no_plan"): ("fail", "No plan.")},
        figures={
            ("east", "all", "offered", "2026-01-31"): (5.0, False, "pass"),
            ("east", "all", "offered", "2026-02-28"): (6.0, False, "pass"),
        },
        closed={"north": date(2026, 10, 1)},
    )
    news = diff(before, after, pages_checked=False)
    assert [(n.kind, n.trust_id, n.message) for n in news] == [
        (
            "trust_added",
            "east",
            "now watched (new in the registry): severity fail, all missed, 2 figures, "
            "findings: no_plan",
        ),
        ("trust_removed", "north", "no longer watched: closed on 2026-10-01"),
        ("trust_removed", "south", "no longer watched: no longer in the registry"),
    ]


def test_news_follows_report_order_with_national_last() -> None:
    names = {"b": ("B (synthetic)", "ok"), "a": ("A (synthetic)", "ok")}
    before = snap(trusts=names)
    after = snap(
        trusts=names,
        figures={
            NAT: (1.0, False, "pass"),
            ("a", "all", "offered", "2026-01-31"): (1.0, False, "pass"),
            ("b", "all", "offered", "2026-01-31"): (1.0, False, "pass"),
        },
    )
    assert [n.trust_id for n in diff(before, after, pages_checked=False)] == ["b", "a", None]


# Pages ---------------------------------------------------------------------------------------

URL = "https://example.org/board"
OK_A = PageState(URL, text_hash="a")
OK_B = PageState(URL, text_hash="b")
FAILING = PageState(
    URL, text_hash="a", error=f"{URL} answered 404 Not Found", failing_since=date(2026, 11, 20)
)
PAGE = ("north", "board_papers")


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(OK_A, OK_A, [], id="unchanged"),
        pytest.param(OK_A, OK_B, [f"page_changed: Board papers page changed: {URL}"], id="changed"),
        pytest.param(
            OK_A,
            FAILING,
            [f"page_failed: Board papers page cannot be fetched: {URL} answered 404 Not Found"],
            id="starts-failing",
        ),
        pytest.param(FAILING, FAILING, [], id="still-failing-is-not-news"),
        pytest.param(
            FAILING,
            OK_A,
            [
                f"page_recovered: Board papers page can be fetched again "
                f"(failing since 2026-11-20): {URL}"
            ],
            id="recovers-unchanged",
        ),
        pytest.param(
            FAILING,
            OK_B,
            [
                "page_recovered: Board papers page can be fetched again "
                f"(failing since 2026-11-20): {URL}",
                f"page_changed: Board papers page changed: {URL}",
            ],
            id="recovers-changed",
        ),
        pytest.param(None, OK_A, [], id="new-page-is-a-baseline"),
        pytest.param(
            None,
            FAILING,
            [f"page_failed: Board papers page cannot be fetched: {URL} answered 404 Not Found"],
            id="new-page-failing",
        ),
        pytest.param(
            PageState("https://example.org/old", text_hash="z"), OK_A, [], id="new-address"
        ),
    ],
)
def test_page_news(before: PageState | None, after: PageState, expected: list[str]) -> None:
    previous = snap(pages={PAGE: before} if before else {})
    current = snap(pages={PAGE: after})
    assert messages(previous, current) == expected


def test_pages_are_not_compared_on_a_run_without_pages() -> None:
    assert messages(snap(pages={PAGE: OK_A}), snap(pages={PAGE: OK_B}), pages=False) == []


@pytest.mark.parametrize(
    ("before", "fetch", "after"),
    [
        pytest.param(
            None,
            PageFetch(URL, "fetched", text_hash="a", etag='"1"', last_modified="Mon"),
            PageState(URL, text_hash="a", etag='"1"', last_modified="Mon"),
            id="first-fetch",
        ),
        pytest.param(
            PageState(URL, text_hash="a", etag='"1"'),
            PageFetch(URL, "not_modified"),
            PageState(URL, text_hash="a", etag='"1"'),
            id="not-modified-keeps-hash",
        ),
        pytest.param(
            None,
            PageFetch(URL, "not_modified"),
            PageState(URL),
            id="not-modified-without-history",
        ),
        pytest.param(
            PageState(URL, text_hash="a", etag='"1"'),
            PageFetch(URL, "failed", error="boom"),
            PageState(URL, text_hash="a", etag='"1"', error="boom", failing_since=D),
            id="failure-keeps-last-good-hash",
        ),
        pytest.param(
            FAILING,
            PageFetch(URL, "failed", error="timeout"),
            PageState(URL, text_hash="a", error="timeout", failing_since=date(2026, 11, 20)),
            id="failure-keeps-since",
        ),
        pytest.param(
            PageState("https://example.org/old", text_hash="z", etag='"9"'),
            PageFetch(URL, "failed", error="boom"),
            PageState(URL, error="boom", failing_since=D),
            id="other-address-forgotten",
        ),
    ],
)
def test_next_page_state(before: PageState | None, fetch: PageFetch, after: PageState) -> None:
    assert next_page_state(before, fetch, on=D) == after


def test_updated_and_carried_pages() -> None:
    targets = {PAGE: URL, ("north", "plan"): "https://example.org/plan.pdf"}
    fetches = {URL: PageFetch(URL, "fetched", text_hash="b")}
    pages = updated_pages({PAGE: OK_A}, targets, fetches, on=D)
    assert pages[PAGE] == OK_B
    assert pages[("north", "plan")].error == "https://example.org/plan.pdf was not fetched"
    assert carry_pages({PAGE: OK_A, ("gone", "plan"): OK_A}, targets) == {PAGE: OK_A}


# Building snapshots --------------------------------------------------------------------------


def figure(cohort: str, as_of: str, percent: float, **extra: Any) -> Figure:
    return Figure.model_validate(
        {"cohort": cohort, "as_of": as_of, "percent": percent, "source": SRC, **extra}
    )


def test_figure_states_count_only_figures_up_to_the_date_and_prefer_final() -> None:
    figures = [
        figure("all", "2026-09-30", 20.0),
        figure("all", "2026-09-30", 19.0, provisional=True),
        figure("all", "2026-12-31", 30.0),
        figure("ethnic_minority", "2026-06-30", 10.0, provisional=True),
        figure("ethnic_minority", "2026-06-30", 11.0, provisional=True),
    ]
    assert figure_states("t", figures, as_of=D) == {
        ("t", "all", "placed_by_28_weeks", "2026-09-30"): FigureState(20.0, False, "unknown"),
        ("t", "ethnic_minority", "placed_by_28_weeks", "2026-06-30"): FigureState(
            11.0, True, "unknown"
        ),
    }


def test_build_snapshot_from_an_assessment() -> None:
    trust = Trust(
        id="north",
        ods="XX1",
        name="North Trust (synthetic)",
        region="North",
        board_papers_url="https://example.org/board",
        plan=Plan(status="active", url="https://example.org/plan"),
        figures=(figure("all", "2026-09-30", 20.0),),
    )
    cohort = CohortAssessment(
        "all", Status.BEHIND, Severity.WARN, trust.figures[0], None, None, None, None, None
    )
    finding = Finding("board_review_overdue", Severity.WARN, "No Board review.")
    assessment = Assessment(
        as_of=D, trusts=(TrustAssessment(trust, Severity.WARN, (cohort,), (finding,)),)
    )
    snapshot = build_snapshot(assessment, national_figures=[figure("all", "2026-06-30", 9.0)])
    assert snapshot.trusts == {"north": TrustState("North Trust (synthetic)", "warn")}
    assert snapshot.cohorts == {("north", "all"): CohortState("behind", "warn")}
    assert snapshot.findings == {
        ("north", "board_review_overdue"): FindingState("warn", "No Board review.")
    }
    assert set(snapshot.figures) == {
        ("north", "all", "placed_by_28_weeks", "2026-09-30"),
        ("", "all", "placed_by_28_weeks", "2026-06-30"),
    }
    assert page_targets([trust]) == {
        ("north", "board_papers"): "https://example.org/board",
        ("north", "plan"): "https://example.org/plan",
    }


def test_baseline_line_is_one_line_and_names_failing_pages() -> None:
    pages = {
        ("north", "board_papers"): OK_A,
        ("north", "plan"): PageState("https://example.org/p", error="p answered 404 Not Found"),
    }
    line = baseline_line(snap(pages=pages), as_of=D, pages_checked=True)
    assert line == (
        "cocwatch watch: baseline recorded on 2026-11-23 for 1 Trust and 0 figures and 2 pages "
        "(1 could not be fetched: north plan page: p answered 404 Not Found); "
        "later runs print only what changes."
    )
    assert "\n" not in line
