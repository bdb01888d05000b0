"""`cocwatch check` end to end: exit codes, the JSON contract, formats, terminal output.

Runs on examples/demo.yaml (fictional Trusts, read only) with today pinned to 2026-11-23,
and on small synthetic registries written to temporary folders.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.support.paths import DEMO

DEMO = str(DEMO)
Run = Callable[..., Result]


def check_json(run: Run, *args: str) -> dict[str, Any]:
    result = run("-r", DEMO, "check", *args, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def by_id(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["id"]: t for t in data["trusts"]}


# ------------------------------------------------------------------ the JSON contract


def test_json_has_every_key_of_the_spec(run: Run) -> None:
    data = check_json(run, "--all")
    assert {"as_of", "registry", "summary", "trusts"} <= set(data)
    assert data["as_of"] == "2026-11-23"
    assert data["registry"].endswith("demo.yaml")
    assert set(data["summary"]) == {"ok", "warn", "fail"}
    for trust in data["trusts"]:
        assert {"id", "ods", "name", "region", "severity", "cohorts", "findings"} <= set(trust)
        assert [c["cohort"] for c in trust["cohorts"]] == [
            "all",
            "ethnic_minority",
            "most_deprived",
        ]
        for cohort in trust["cohorts"]:
            assert {
                "cohort",
                "status",
                "severity",
                "latest",
                "benchmark",
                "expected",
                "gap",
                "trend",
            } <= set(cohort)
            if cohort["latest"] is not None:
                assert {"percent", "as_of", "measure", "provisional", "quality", "source"} <= set(
                    cohort["latest"]
                )
                assert {"url", "kind"} <= set(cohort["latest"]["source"])
            if cohort["benchmark"] is not None:
                assert {"origin", "target_id", "percent", "due", "withdrawn_on"} <= set(
                    cohort["benchmark"]
                )
            if cohort["trend"] is not None:
                assert set(cohort["trend"]) >= {"points_per_year", "projected_date"}
            if cohort["latest"] is None or cohort["benchmark"] is None:
                assert cohort["expected"] is None and cohort["gap"] is None
        for finding in trust["findings"]:
            assert {"code", "severity", "message"} <= set(finding)


def test_json_values_for_the_demo(run: Run) -> None:
    data = check_json(run, "--all")
    trusts = by_id(data)
    # closed Trusts are skipped; order is region, then name
    assert [t["id"] for t in data["trusts"]] == [
        "example-moor",  # Example Midlands
        "example-fen",  # Example North
        "example-valley",
        "example-coast",  # Example South
        "example-hill",
    ]
    # Example Coast has only notes (its plan is not recorded; its figures are old): ok.
    assert data["summary"] == {"ok": 2, "warn": 1, "fail": 2}
    assert trusts["example-coast"]["severity"] == "ok"
    assert {f["severity"] for f in trusts["example-coast"]["findings"]} == {"note"}
    valley = trusts["example-valley"]["cohorts"][0]
    assert valley["status"] == "on_track"
    # the final figure wins over the provisional one and over another measure on that date
    assert valley["latest"] == {
        "percent": 36.5,
        "as_of": "2026-10-31",
        "measure": "placed_by_28_weeks",
        "provisional": False,
        "quality": "pass",
        "numerator": 146,
        "denominator": 400,
        "small_numbers": False,
        "source": {
            "url": "https://example.org/demo/msds/2026-10",
            "kind": "msds",
            "title": "Fictional monthly statistics, October 2026 (demo)",
            "retrieved": "2026-11-20",
        },
    }
    assert valley["benchmark"]["origin"] == "local"
    assert valley["benchmark"]["target_id"] is None
    assert (valley["benchmark"]["percent"], valley["benchmark"]["due"]) == (50, "2027-09-30")
    # 30% on 2026-03-31 → 50% on 2027-09-30; 2026-10-31 is 214 of 548 days in
    assert valley["expected"] == round(30 + 20 * 214 / 548, 1)
    assert valley["gap"] == round(36.5 - valley["expected"], 1)
    assert valley["trend"]["points_per_year"] > 0
    assert valley["trend"]["projected_date"] > "2026-11-23"
    moor = trusts["example-moor"]
    assert moor["severity"] == "fail"
    assert moor["cohorts"][0]["benchmark"] == {
        "origin": "national",
        "target_id": "example-forty-2028",
        "percent": 40,
        "due": "2028-03-31",
        "withdrawn_on": None,
        "title": "40% of women on a continuity of carer pathway by March 2028 (fictional)",
        "milestones": [{"due": "2028-03-31", "percent": 40, "target_id": "example-forty-2028"}],
        "measure": "placed_by_28_weeks",
        "due_precision": "day",
        "superseded_by": None,
        "in_force": True,
        "kind": "target",
    }
    assert [f["code"] for f in moor["findings"]] == [
        "no_plan",
        "data_quality_failed",
        "targeted_data_missing",
    ]
    hill_em = trusts["example-hill"]["cohorts"][1]
    # a withdrawn target is shown for reference and never raises severity
    assert (hill_em["status"], hill_em["severity"]) == ("missed", "ok")
    assert hill_em["benchmark"]["origin"] == "reference"
    assert hill_em["benchmark"]["withdrawn_on"] == "2022-09-21"
    assert hill_em["in_force"] is False and hill_em["benchmark"]["in_force"] is False


def test_every_status_and_finding_appears_in_the_demo(run: Run) -> None:
    data = check_json(run, "--all")
    statuses = {c["status"] for t in data["trusts"] for c in t["cohorts"]}
    codes = {f["code"] for t in data["trusts"] for f in t["findings"]}
    origins = {
        c["benchmark"]["origin"] for t in data["trusts"] for c in t["cohorts"] if c["benchmark"]
    }
    assert statuses == {"no_target", "no_data", "met", "missed", "behind", "on_track"}
    assert codes == {
        "no_plan",
        "plan_unknown",
        "plan_paused",
        "plan_unpublished",
        "not_coproduced",
        "board_review_overdue",
        "stale_data",
        "data_quality_failed",
        "targeted_data_missing",
    }
    # targeted_gap needs a test of two proportions on official counts from a statistics
    # folder, which the demo does not have (tests/core/test_findings.py covers it).
    assert origins == {"local", "national", "reference"}
    chosen = check_json(run, "example-valley", "--target", "example-most-2021")
    assert chosen["target"] == "example-most-2021"
    main = chosen["trusts"][0]["cohorts"][0]
    assert main["benchmark"]["origin"] == "chosen"
    assert (main["status"], main["severity"]) == ("missed", "fail")


def test_json_is_deterministic(run: Run) -> None:
    first = run("-r", DEMO, "check", "--format", "json").stdout
    second = run("-r", DEMO, "check", "--format", "json").stdout
    assert first == second


def test_closed_trust_is_checked_when_named(run: Run) -> None:
    data = check_json(run, "example-old-town")
    assert [t["id"] for t in data["trusts"]] == ["example-old-town"]
    assert data["trusts"][0]["closed_on"] == "2024-12-31"
    assert data["trusts"][0]["successor"] == "example-valley"


def test_as_of_ignores_later_figures(run: Run) -> None:
    data = check_json(run, "EX1", "--as-of", "2026-09-30")
    assert data["as_of"] == "2026-09-30"
    latest = data["trusts"][0]["cohorts"][0]["latest"]
    assert (latest["as_of"], latest["percent"]) == ("2026-09-30", 35.8)


def test_region_filter(run: Run) -> None:
    data = check_json(run, "--region", "south")
    assert [t["id"] for t in data["trusts"]] == ["example-coast", "example-hill"]


# ------------------------------------------------------------------ exit codes


@pytest.mark.parametrize(
    ("args", "code"),
    [
        pytest.param(["--all"], 1, id="a failing Trust fails by default"),
        pytest.param(["--all", "--fail-on", "never"], 0, id="never"),
        pytest.param(["example-fen"], 0, id="warn is not a failure by default"),
        pytest.param(["example-fen", "--fail-on", "warn"], 1, id="fail on warn"),
        pytest.param(["example-coast", "--fail-on", "warn"], 0, id="notes never fail"),
        pytest.param(["example-valley", "--fail-on", "warn"], 0, id="ok Trust"),
        pytest.param(["example-hill", "--fail-on", "FAIL"], 1, id="case-insensitive"),
        pytest.param(["example-valley", "--target", "example-most-2021"], 1, id="chosen"),
    ],
)
def test_exit_codes(run: Run, args: list[str], code: int) -> None:
    result = run("-r", DEMO, "check", *args)
    assert result.exit_code == code, result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["--target", "nope"], "example-forty-2028", id="unknown target"),
        pytest.param(["--target", "example-default-2023"], "no percentage", id="qualitative"),
        pytest.param(["--as-of", "23/11/2026"], "YYYY-MM-DD", id="bad date"),
        pytest.param(["no-such-trust"], "No trust", id="unknown trust"),
        pytest.param(["--region", "Atlantis"], "Regions", id="unknown region"),
        pytest.param(["--fail-on", "sometimes"], "sometimes", id="bad fail-on"),
    ],
)
def test_usage_errors_exit_2(run: Run, args: list[str], message: str) -> None:
    result = run("-r", DEMO, "check", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_bad_registry_exits_3(run: Run, write_registry: Callable[[str], Path]) -> None:
    path = write_registry("version: 1\ntrusts:\n  - id: x\n    odd_key: 1\n")
    result = run("-r", str(path), "check")
    assert result.exit_code == 3
    assert "odd_key" in result.stderr


def test_thresholds_come_from_the_config(run: Run, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("thresholds: {tolerance_points: 10}\n", encoding="utf-8")
    plain = check_json(run, "example-moor")
    loose = json.loads(
        run("--config", str(config), "-r", DEMO, "check", "example-moor", "-f", "json").stdout
    )
    assert plain["trusts"][0]["cohorts"][0]["status"] == "behind"
    assert loose["trusts"][0]["cohorts"][0]["status"] == "on_track"
    assert loose["thresholds"]["tolerance_points"] == 10


# ------------------------------------------------------------------ other formats


def test_csv_has_one_row_per_trust_and_cohort(run: Run) -> None:
    result = run("-r", DEMO, "check", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 5 * 3
    assert [r["id"] for r in rows[:3]] == ["example-moor"] * 3
    assert [r["cohort"] for r in rows[:3]] == ["all", "ethnic_minority", "most_deprived"]
    moor = rows[0]
    assert (moor["status"], moor["latest_percent"], moor["gap"]) == ("behind", "15", "-6.1")
    assert moor["findings"] == "no_plan;data_quality_failed;targeted_data_missing"


def test_markdown(run: Run) -> None:
    result = run("-r", DEMO, "check", "--format", "markdown")
    out = result.stdout
    assert out.startswith("# Continuity of Carer check, 23 November 2026")
    assert "| ✗ fail | Example Moor NHS Trust (`example-moor`) | ▼ Behind |" in out
    assert "## Example Valley NHS Trust" in out
    assert "**Board review overdue** (warn):" in out


# ------------------------------------------------------------------ the terminal views


def test_table_fits_80_columns_and_says_status_in_words(run: Run) -> None:
    result = run("-r", DEMO, "check", env={"COLUMNS": "80"})
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "✗ fail" in result.stdout and "! warn" in result.stdout and "✓ ok" in result.stdout
    assert "all women: behind" in result.stdout and "ask for a plan" in result.stdout
    assert lines[-1] == "5 trusts checked as of 2026-11-23: 2 fail, 1 warn, 2 ok."
    # Trusts needing attention come first, and the footer says so.
    results = [line.split()[1] for line in lines if line.startswith(("✗", "!", "✓"))]
    assert results == sorted(results, key=["fail", "warn", "ok"].index)
    assert "Sorted: failing Trusts first" in " ".join(result.stdout.split())


def test_table_of_the_shipped_registry_fits_80_columns(run: Run) -> None:
    result = run("check", "--all", env={"COLUMNS": "80"})
    assert result.exit_code in (0, 1), result.stderr
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_piped_output_has_no_escape_codes_even_without_no_color(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    for args in (["--all"], ["example-hill"], ["--all", "-f", "markdown"]):
        result = run("-r", DEMO, "check", *args)
        assert result.stdout
        assert "\x1b" not in result.stdout
        assert "\x1b" not in result.stderr


def test_one_named_trust_is_shown_in_detail(run: Run) -> None:
    result = run("-r", DEMO, "check", "example-hill", env={"COLUMNS": "80"})
    out = result.stdout
    assert result.exit_code == 1
    assert out.startswith("Example Hill NHS Foundation Trust")
    assert "Overall: ✗ fail (failing)" in out
    assert "Figures over time" in out and "█" in out
    assert "Board review overdue. No Board review" in out
    assert "cocwatch record review example-hill" in out
    assert "Sources" in out and "https://example.org/demo/msds/2026-09" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_two_named_trusts_are_a_table(run: Run) -> None:
    result = run("-r", DEMO, "check", "example-hill", "EX1")
    assert "Result" in result.stdout and "Figures over time" not in result.stdout
    assert result.stdout.splitlines()[-1].startswith("2 trusts checked")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        pytest.param(["-q", "check"], "5 trusts checked as of 2026-11-23: 2 fail, 1 warn, 2 ok."),
        pytest.param(
            ["check", "--quiet", "--region", "North"],
            "2 trusts checked as of 2026-11-23: 0 fail, 1 warn, 1 ok.",
        ),
        pytest.param(
            ["check", "example-hill", "-q"],
            "1 trust checked as of 2026-11-23: 1 fail, 0 warn, 0 ok.",
        ),
        pytest.param(
            ["check", "--brief", "--region", "North"],
            "2 trusts checked as of 2026-11-23: 0 fail, 1 warn, 1 ok.",
        ),
    ],
)
def test_quiet_prints_only_the_summary(run: Run, args: list[str], line: str) -> None:
    result = run("-r", DEMO, *args)
    assert result.stdout == line + "\n"


def test_quiet_json_is_still_json(run: Run) -> None:
    result = run("-r", DEMO, "-q", "check", "--format", "json")
    assert json.loads(result.stdout)["summary"] == {"ok": 2, "warn": 1, "fail": 2}


def test_assessment_to_json_is_plain_data_for_other_commands() -> None:
    from datetime import date

    from cocwatch.core.assessment import assess
    from cocwatch.core.models import Thresholds
    from cocwatch.registry import load_registry
    from cocwatch.render.check import assessment_to_json

    registry = load_registry(DEMO, today=date(2026, 11, 23)).registry
    assessment = assess(
        registry, list(registry.trusts), as_of=date(2026, 11, 23), thresholds=Thresholds()
    )
    data = assessment_to_json(assessment, "demo")
    text = json.dumps(data)  # no default=: dates are already strings
    assert json.loads(text) == data
    assert data["registry"] == "demo"
    assert len(data["trusts"]) == 6  # the closed Trust too, when it is passed in


def test_detail_dates_benchmarks_as_precisely_as_their_source(
    run: Callable[..., Result],
) -> None:
    """The shipped 75% targets say "by 2024": check must not invent 31 December. An
    unverified target (35% by March 2021, dates not confirmed) is never a benchmark."""
    result = run("check", "rj1", "--as-of", "2026-11-30")
    text = " ".join(result.stdout.split())
    assert "75% by 2024" in text
    assert "51% by March 2021" in text
    assert "35% by March 2021" not in text
    assert "31 December 2024" not in text


def test_a_cohort_with_figures_of_another_measure_is_not_said_to_have_none(
    run: Callable[..., Result],
) -> None:
    """Shipped registry, real MSDS figures: RJ1 has a placement figure for women from
    ethnic-minority groups, but its benchmark counts women receiving continuity of carer."""
    result = run("check", "rj1", "--as-of", "2026-11-30", "--format", "json")
    (trust,) = json.loads(result.stdout)["trusts"]
    explanation = {c["cohort"]: c["explanation"] for c in trust["cohorts"]}["ethnic_minority"]
    # Its benchmark is a past target: history, not judged (and no claim that it has none).
    assert "no target is in force for this group" in explanation
    assert "no figure is recorded" not in explanation
    result = run("check", "rj1", "--as-of", "2026-11-30")
    text = " ".join(result.stdout.split())
    assert "no figure of the measure its benchmark uses (receiving continuity of carer)" in text
