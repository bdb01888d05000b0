"""`check --format json` is a contract (SPEC §5): every field SPEC names, in a fixed order.

Fields may be added (append them here, on purpose), never removed or renamed. Built from the
synthetic demo registry with one logged letter, so that every kind of object appears.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from cocwatch.render.check.contract import assessment_to_json
from tests.support.paths import DEMO

AS_OF = date(2026, 11, 23)

KEYS = {
    "top": ["as_of", "registry", "target", "thresholds", "summary", "trusts", "notes", "licence"],
    "trust": [
        "id",
        "kind",
        "ods",
        "name",
        "region",
        "severity",
        "closed_on",
        "successor",
        "cohorts",
        "findings",
        "open_letters",
        "comparisons",
    ],
    "cohort": [
        "cohort",
        "status",
        "severity",
        "latest",
        "benchmark",
        "expected",
        "gap",
        "trend",
        "explanation",
        "in_force",
    ],
    "latest": [
        "percent",
        "as_of",
        "measure",
        "provisional",
        "quality",
        "numerator",
        "denominator",
        "small_numbers",
        "source",
    ],
    "source": ["url", "kind", "title", "retrieved"],
    "benchmark": [
        "origin",
        "target_id",
        "percent",
        "due",
        "withdrawn_on",
        "superseded_by",
        "due_precision",
        "measure",
        "title",
        "milestones",
        "in_force",
        "kind",
    ],
    "milestone": ["due", "percent", "target_id"],
    "trend": ["points_per_year", "projected_date", "points"],
    "finding": ["code", "severity", "message", "title"],
    "open_letter": ["kind", "sent_on", "reply_by", "status", "working_days_overdue"],
}

# What SPEC §5 shows, in its order: each must stay, in this order, in the keys above.
SPEC = {
    "top": ["as_of", "registry", "summary", "trusts"],
    "trust": ["id", "ods", "name", "region", "severity", "cohorts", "findings"],
    "cohort": ["cohort", "status", "severity", "latest", "benchmark", "expected", "gap", "trend"],
    "latest": ["percent", "as_of", "measure", "provisional", "quality", "source"],
    "source": ["url", "kind"],
    "benchmark": ["origin", "target_id", "percent", "due", "withdrawn_on"],
    "trend": ["points_per_year", "projected_date"],
    "finding": ["code", "severity", "message"],
}


def _data() -> dict[str, Any]:
    from cocwatch.core.assessment import assess
    from cocwatch.core.correspondence import CorrespondenceLog, letter_states, open_by_trust
    from cocwatch.core.models import Thresholds
    from cocwatch.registry import load_registry
    from cocwatch.registry.correspondence import reply_rules

    registry = load_registry(DEMO, today=AS_OF).registry
    log = CorrespondenceLog.model_validate(
        {"letters": [{"kind": "board", "trust": "example-hill", "sent_on": "2026-09-01"}]}
    )
    rules = reply_rules(log, as_of=AS_OF, other_working_days=20)
    states = letter_states(log, as_of=AS_OF, rules=rules)
    assessment = assess(
        registry,
        list(registry.trusts),
        as_of=AS_OF,
        thresholds=Thresholds(),
        letters=open_by_trust(states),
    )
    return assessment_to_json(assessment, "demo.yaml")


def _objects(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield "top", data
    for trust in data["trusts"]:
        yield "trust", trust
        for cohort in trust["cohorts"]:
            yield "cohort", cohort
            if cohort["latest"]:
                yield "latest", cohort["latest"]
                yield "source", cohort["latest"]["source"]
            if cohort["benchmark"]:
                yield "benchmark", cohort["benchmark"]
                for milestone in cohort["benchmark"]["milestones"]:
                    yield "milestone", milestone
            if cohort["trend"]:
                yield "trend", cohort["trend"]
        for finding in trust["findings"]:
            yield "finding", finding
        for letter in trust["open_letters"]:
            yield "open_letter", letter


def test_every_object_has_exactly_the_contracts_fields_in_order() -> None:
    seen: set[str] = set()
    for kind, obj in _objects(_data()):
        assert list(obj) == KEYS[kind], kind
        seen.add(kind)
    assert seen == set(KEYS)  # the demo and the letter show every kind of object


@pytest.mark.parametrize("kind", list(SPEC))
def test_specs_fields_are_kept_in_specs_order(kind: str) -> None:
    kept = [key for key in KEYS[kind] if key in SPEC[kind]]
    assert kept == SPEC[kind]
