"""The finding rules: one `Rule` per duty, and everything else derived from the list.

Every Trust, figure and letter here is synthetic.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from cocwatch.core import findings
from cocwatch.core.assessment import assess_trust
from cocwatch.core.comparison import EquityGap
from cocwatch.core.correspondence import LoggedLetter, TrackedLetter
from cocwatch.core.findings import RULE, RULES, Facts, FindingCode, Found, Rule, find
from cocwatch.core.kinds import Severity
from cocwatch.core.models import (
    BoardReview,
    Figure,
    National,
    Plan,
    Registry,
    Source,
    Thresholds,
    Trust,
)
from cocwatch.core.selection import by_cohort
from cocwatch.core.stats import Count, two_proportion_test
from cocwatch.statistics.msds.measures import EQUITY
from cocwatch.statistics.msds.measures import MEASURES as MSDS_MEASURES
from cocwatch.statistics.sources import declared

D = date(2026, 11, 23)
SRC = Source(url="https://example.org/synthetic-findings-source", kind="msds")
GOOD_PLAN = Plan(
    status="active",
    url="https://example.org/synthetic-plan",
    coproduced="yes",
    board_reviews=(BoardReview(date=D - timedelta(days=10)),),
)


def fig(percent: float | None, as_of: date, cohort: str = "all", **extra: Any) -> Figure:
    data = {"cohort": cohort, "percent": percent, "as_of": as_of, "source": SRC, **extra}
    return Figure.model_validate(data)


FRESH = (
    fig(30, D - timedelta(days=30)),
    fig(32, D - timedelta(days=30), "ethnic_minority"),
    fig(35, D - timedelta(days=30), "most_deprived"),
)


def trust(plan: Plan | None = GOOD_PLAN, figures: tuple[Figure, ...] = FRESH) -> Trust:
    return Trust.model_validate(
        {
            "id": "example-rules",
            "ods": "EXR",
            "name": "Example Rules NHS Trust (synthetic)",
            "region": "Example Region",
            "plan": plan,
            "figures": figures,
        }
    )


def overdue_foi() -> TrackedLetter:
    letter = LoggedLetter(kind="foi", sent_on=D - timedelta(days=60))
    return TrackedLetter(
        index=0,
        letter=letter,
        sent_on=D - timedelta(days=60),
        reply_by=D - timedelta(days=30),
        status="overdue",
        answer=None,
        working_days_overdue=20,
        working_days_left=0,
    )


PLACEMENT = MSDS_MEASURES[0]


def facts(
    t: Trust, letters: tuple[TrackedLetter, ...] = (), equity: tuple[EquityGap, ...] = ()
) -> Facts:
    return Facts(
        t, D, Thresholds(), by_cohort(t.figures, D), letters, equity=equity, declared=declared()
    )


# The most deprived decile against the least deprived, in counts a test can tell apart
# (20 of 400 against 80 of 400: a pooled z-test gives p < 0.001).
_DEPRIVED = EQUITY[1]  # the most deprived decile against the least deprived
SIGNIFICANT_GAP = EquityGap(
    _DEPRIVED,
    PLACEMENT,
    D,
    Count(20, 400),
    Count(80, 400),
    two_proportion_test(20, 400, 80, 400),
)
# The same shares in counts too small to tell apart: not a gap.
UNTESTED = EquityGap(_DEPRIVED, PLACEMENT, D, Count(1, 20), Count(4, 20), None, too_small=True)


def plan(**changes: Any) -> Plan:
    return GOOD_PLAN.model_copy(update=changes)


FAILED = fig(None, FRESH[0].as_of, measure="receiving_ongoing", quality="fail")
OLD = tuple(f.model_copy(update={"as_of": D - timedelta(days=400)}) for f in FRESH)
BEHIND = fig(20, FRESH[0].as_of, "most_deprived")

# One situation per rule in which that rule, and only that rule, finds something.
ONLY: dict[FindingCode, Facts] = {
    FindingCode.NO_PLAN: facts(trust(Plan(status="none"))),
    FindingCode.PLAN_UNKNOWN: facts(trust(None)),
    FindingCode.PLAN_PAUSED: facts(trust(plan(status="paused"))),
    FindingCode.PLAN_UNPUBLISHED: facts(trust(plan(url=None))),
    FindingCode.NOT_COPRODUCED: facts(trust(plan(coproduced="no"))),
    FindingCode.BOARD_REVIEW_OVERDUE: facts(trust(plan(board_reviews=()))),
    FindingCode.STALE_DATA: facts(trust(figures=OLD)),
    FindingCode.DATA_QUALITY_FAILED: facts(trust(figures=(*FRESH, FAILED))),
    FindingCode.TARGETED_DATA_MISSING: facts(trust(figures=FRESH[:1])),
    FindingCode.TARGETED_GAP: facts(trust(), equity=(SIGNIFICANT_GAP,)),
    FindingCode.FOI_OVERDUE: facts(trust(), (overdue_foi(),)),
}


def test_there_is_one_rule_per_code_in_the_order_findings_are_reported() -> None:
    assert [rule.code for rule in RULES] == list(FindingCode)
    assert tuple(FindingCode) == findings.CODES
    assert set(RULE) == set(FindingCode)


def test_every_rule_has_a_label_and_a_reason_of_its_own() -> None:
    labels = [rule.label for rule in RULES]
    whys = [rule.why for rule in RULES]
    assert all(labels) and len(set(labels)) == len(labels)
    assert all(w.endswith(".") for w in whys) and len(set(whys)) == len(whys)


def test_a_trust_meeting_every_duty_has_no_findings() -> None:
    assert find(facts(trust())) == []


@pytest.mark.parametrize("code", list(FindingCode))
def test_each_rule_finds_its_own_situation_and_only_it(code: FindingCode) -> None:
    found = find(ONLY[code])
    assert [f.code for f in found] == [code]
    (finding,) = found
    assert finding.severity is RULE[code].severity
    assert finding.label == RULE[code].label and finding.rule is RULE[code]
    assert finding.message.endswith(".")
    assert "`" not in finding.public_message  # the report's words name no command


def test_a_code_is_written_as_plain_text() -> None:
    finding = find(ONLY[FindingCode.PLAN_PAUSED])[0]
    assert json.dumps({"code": finding.code}) == '{"code": "plan_paused"}'
    assert f"{finding.code}" == "plan_paused" and finding.code == "plan_paused"


def test_the_assessment_reports_what_the_rules_find() -> None:
    t = ONLY[FindingCode.PLAN_PAUSED].trust
    assessed = assess_trust(t, Registry(national=National()), as_of=D, thresholds=Thresholds())
    assert [f.code for f in assessed.findings] == [FindingCode.PLAN_PAUSED]
    assert assessed.severity is Severity.WARN


def test_a_gap_needs_a_test_that_finds_it() -> None:
    (gap,) = find(facts(trust(), equity=(SIGNIFICANT_GAP,)))
    assert "20 of 400" in gap.message and "80 of 400" in gap.message
    assert "least deprived" in gap.message
    assert find(facts(trust(), equity=(UNTESTED,))) == []
    # Below all women is no evidence: the old rule compared with all women, without a test.
    assert find(facts(trust(figures=(FRESH[0], FRESH[1], BEHIND)))) == []


def test_notes_never_raise_a_trusts_severity() -> None:
    t = trust(plan=None, figures=OLD)
    assessed = assess_trust(t, Registry(national=National()), as_of=D, thresholds=Thresholds())
    assert {f.code for f in assessed.notes} == {"plan_unknown", "stale_data"}
    assert assessed.severity is Severity.OK


def test_a_new_rule_is_one_rule_value() -> None:
    def no_website(facts: Facts) -> Found | None:
        return None if facts.trust.website else Found("No website is recorded.")

    extra = Rule(FindingCode.NO_PLAN, Severity.WARN, "No website", "People look there.", no_website)
    found = find(facts(trust()), (*RULES, extra))
    assert [(f.label, f.message) for f in found] == [("No plan", "No website is recorded.")]
    # the finding's label comes from the rule registered for its code: here, a stand-in
    table = findings.reference_markdown((*RULES, extra))
    assert table.count("\n") == len(RULES) + 3
    assert "| `no_plan` | No website | warn | People look there. |" in table


def test_the_findings_reference_lists_every_rule() -> None:
    table = findings.reference_markdown()
    rows = table.splitlines()
    assert rows[0] == "| Code | Finding | Severity | Why it matters |"
    assert len(rows) == 2 + len(RULES)
    assert "| `no_plan` | No plan | fail | Without a written plan" in table
    assert "| `foi_overdue` | FOI reply overdue | warn |" in table
