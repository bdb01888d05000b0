"""Figures without a percentage (MSDS "Low DQ") and figures resting on small numbers.

Every registry here is SYNTHETIC (codes XX1, XX2; made-up figures), shaped like what
`import msds` writes from a real file: a failed data-quality result is a figure with
`quality: fail` and no percentage; a count of 5 stands for 1 to 7.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from pydantic import ValidationError

from cocwatch.core.assessment import assess_trust
from cocwatch.core.models import Figure, Thresholds
from cocwatch.registry import parse_registry

DAY = date(2026, 11, 23)
SOURCE = {"url": "https://example.org/msds/2025-04", "kind": "msds"}

REGISTRY = """\
version: 1
national:
  targets:
    - id: synthetic-target
      title: Synthetic target (test)
      cohort: all
      percent: 35
      due: 2027-03-31
      set_on: 2024-01-01
      source: {url: https://example.org/target}
    - id: synthetic-target-em
      title: Synthetic target for ethnic-minority women (test)
      cohort: ethnic_minority
      percent: 75
      due: 2027-03-31
      set_on: 2024-01-01
      source: {url: https://example.org/target}
trusts:
  - id: example-north
    ods: XX1
    name: Example North NHS Trust (synthetic)
    region: North East and Yorkshire
    figures:
      - {cohort: all, percent: 10.0, as_of: 2025-03-31, quality: pass,
         source: {url: "https://example.org/msds/2025-03", kind: msds}}
      - cohort: all
        measure: placed_by_28_weeks
        as_of: 2025-04-30
        provisional: true
        quality: fail
        source: {url: "https://example.org/msds/2025-04", kind: msds}
      - cohort: ethnic_minority
        percent: 2.6
        numerator: 5
        denominator: 190
        as_of: 2025-04-30
        quality: pass
        source: {url: "https://example.org/msds/2025-04", kind: msds}
      - {cohort: most_deprived, percent: 4.0, as_of: 2025-04-30, quality: pass,
         source: {url: "https://example.org/msds/2025-04", kind: msds}}
  - id: example-south
    ods: XX2
    name: Example South NHS Foundation Trust (synthetic)
    region: South West
    figures:
      - {cohort: all, percent: 20.0, as_of: 2025-04-30, quality: pass,
         source: {url: "https://example.org/msds/2025-04", kind: msds}}
      - {cohort: all, measure: receiving_ongoing, as_of: 2025-04-30, quality: fail,
         source: {url: "https://example.org/msds/2025-04", kind: msds}}
  - id: example-east
    ods: XX3
    name: Example East NHS Trust (synthetic)
    region: East of England
    figures:
      - {cohort: all, measure: placed_by_28_weeks, as_of: 2025-04-30, quality: fail,
         source: {url: "https://example.org/msds/2025-04", kind: msds}}
      - {cohort: all, measure: receiving_ongoing, percent: 0.0, numerator: 0, denominator: 300,
         as_of: 2025-04-30, quality: pass,
         source: {url: "https://example.org/msds/2025-04", kind: msds}}
"""


@pytest.fixture
def registry_file(write_registry: Callable[[str], Path]) -> Path:
    return write_registry(REGISTRY)


def figure(**fields: Any) -> Figure:
    return Figure.model_validate({"as_of": "2025-04-30", "source": SOURCE, **fields})


# --- the model --------------------------------------------------------------------------------


def test_a_figure_without_a_percentage_must_be_a_failed_quality_result() -> None:
    failed = figure(quality="fail")
    assert failed.percent is None and not failed.measured
    with pytest.raises(ValueError, match="no percentage"):
        _ = failed.value
    for quality in ("pass", "unknown"):
        with pytest.raises(ValidationError, match="quality: fail"):
            figure(quality=quality)


def test_small_numbers_are_an_msds_count_of_five() -> None:
    assert figure(percent=2.6, numerator=5, denominator=190).small_numbers
    assert figure(percent=100.0, numerator=5, denominator=5).small_numbers
    assert not figure(percent=2.8, numerator=15, denominator=545).small_numbers
    board = {"url": "https://example.org/board", "kind": "board_paper"}
    exact = Figure.model_validate(
        {"as_of": "2025-04-30", "numerator": 5, "denominator": 20, "source": board}
    )
    assert not exact.small_numbers  # a Board paper's 5 is five women


# --- the assessment ---------------------------------------------------------------------------


def assessed(trust_id: str) -> Any:
    registry = parse_registry(REGISTRY, "synthetic", today=DAY)
    trust = next(t for t in registry.trusts if t.id == trust_id)
    return assess_trust(trust, registry, as_of=DAY, thresholds=Thresholds())


def test_a_figure_without_a_percentage_is_never_f_but_is_a_finding() -> None:
    ta = assessed("example-north")
    main = ta.cohort("all")
    assert main.latest is not None and main.latest.percent == 10.0  # March, not April
    finding = ta.finding("data_quality_failed")
    assert finding is not None
    assert "30 April 2025" in finding.message
    assert "no percentage was published" in finding.message
    assert "not a measured rate" in finding.message


def test_a_failed_receiving_check_is_reported_but_does_not_touch_placement() -> None:
    ta = assessed("example-south")
    main = ta.cohort("all")
    assert main.latest is not None and main.latest.measure == "placed_by_28_weeks"
    assert main.latest.quality == "pass"
    finding = ta.finding("data_quality_failed")
    assert finding is not None
    # It names only the measure that failed.
    assert (
        "the Trust's data on continuity of carer received through pregnancy and birth failed"
    ) in finding.message
    assert "no percentage was published" in finding.message
    assert "placed on" not in finding.message and "placements" not in finding.message


def test_a_placement_target_is_never_judged_on_receiving_continuity() -> None:
    ta = assessed("example-east")
    main = ta.cohort("all")
    # placement failed quality; 0% receiving continuity is another measure: no figure to judge
    assert main.status == "no_data" and main.latest is None
    assert ta.finding("data_quality_failed") is not None


def test_no_targeted_gap_is_claimed_from_small_numbers() -> None:
    ta = assessed("example-north")
    # 2.6% (5 of 190) is below 10% for all women, but 5 stands for 1 to 7: no gap claimed.
    assert ta.finding("targeted_gap") is None
    em = ta.cohort("ethnic_minority")
    assert em.latest is not None and em.latest.small_numbers


# --- what people see --------------------------------------------------------------------------


def test_check_json_and_detail_show_the_failure(
    run: Callable[..., Result], registry_file: Path
) -> None:
    result = run("-r", str(registry_file), "check", "--all", "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    data = json.loads(result.stdout)
    north = next(t for t in data["trusts"] if t["id"] == "example-north")
    assert "data_quality_failed" in [f["code"] for f in north["findings"]]
    em = next(c for c in north["cohorts"] if c["cohort"] == "ethnic_minority")
    assert em["latest"]["small_numbers"] is True
    detail = run("-r", str(registry_file), "check", "example-north")
    assert detail.exit_code in (0, 1), detail.stderr
    text = " ".join(detail.stdout.split())
    assert "Data quality" in text
    assert "failed NHS England's data-quality checks, so no percentage was published" in text
    assert "NHS England publishes any count from 1 to 7 as 5" in text


def test_show_lists_the_failed_month_without_a_percentage(
    run: Callable[..., Result], registry_file: Path
) -> None:
    result = run("-r", str(registry_file), "show", "example-north", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert "none published" in result.stdout
    assert "data quality failed" in result.stdout
    assert "5 of 190" in result.stdout
    assert "small numbers" in result.stdout
    data = json.loads(
        run("-r", str(registry_file), "show", "example-north", "--format", "json").stdout
    )
    april = [f for f in data["figure_history"] if f["as_of"] == "2025-04-30"]
    assert {(f["cohort"], f["percent"], f["quality"]) for f in april} >= {("all", None, "fail")}


@pytest.mark.parametrize("template", ["board", "mnvp", "foi", "minister"])
def test_letters_do_not_break_on_a_figure_without_a_percentage(
    run: Callable[..., Result], registry_file: Path, template: str
) -> None:
    trust = [] if template == "minister" else ["example-north"]
    result = run("-r", str(registry_file), "letter", template, *trust)
    assert result.exit_code == 0, result.stderr + str(result.exception)
    assert "nan%" not in result.stdout and "None%" not in result.stdout


def test_report_shows_failed_quality_and_small_numbers(
    run: Callable[..., Result], registry_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    result = run("-r", str(registry_file), "report", "--out", str(out))
    assert result.exit_code == 0, result.stderr + str(result.exception)
    page = (out / "trusts" / "example-north.html").read_text("utf-8")
    assert "No figure: data quality failed" in page
    # In the monthly table a published 5 is "a few", never a percentage, and said so.
    assert "“A few”: NHS England publishes any count from 1 to 7 as 5" in page
    assert "a few of 190 women" in page and "2.6%" not in page
    index = (out / "index.html").read_text("utf-8")
    assert "Data quality failed" in index
    assert "none: data quality failed" in index  # example-east: no placement figure


def test_watch_records_a_figure_without_a_percentage(
    run: Callable[..., Result], registry_file: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.sqlite3"
    first = run("-r", str(registry_file), "watch", "--state", str(state))
    assert first.exit_code == 0, first.stderr + str(first.exception)
    again = run("-r", str(registry_file), "watch", "--state", str(state))
    assert again.exit_code == 0, again.stderr
    assert again.stdout == ""


def test_watch_reports_a_new_failed_month_once_in_plain_words(
    run: Callable[..., Result], registry_file: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state.sqlite3"
    failed_month = (
        "      - {cohort: all, measure: placed_by_28_weeks, as_of: 2025-04-30, quality: fail,\n"
        '         source: {url: "https://example.org/msds/2025-04", kind: msds}}\n'
        "      - {cohort: all, measure: receiving_ongoing"
    )
    text = registry_file.read_text("utf-8")
    assert failed_month in text
    before = tmp_path / "before.yaml"
    before.write_text(
        text.replace(failed_month, "      - {cohort: all, measure: receiving_ongoing"), "utf-8"
    )
    assert run("-r", str(before), "watch", "--state", str(state)).exit_code == 0
    news = run("-r", str(registry_file), "watch", "--state", str(state))
    assert news.exit_code == 0, news.stderr
    line = next(x for x in news.stdout.splitlines() if "new figure" in x)
    assert "no percentage published" in line and "failed data quality" in line


def test_a_board_letter_quotes_no_gap_from_small_numbers(
    run: Callable[..., Result], registry_file: Path
) -> None:
    result = run("-r", str(registry_file), "letter", "board", "example-north")
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    # Small numbers are given as counts with a caution, never as a precise percentage.
    assert "5 of 190 women from Black, Asian and White-and-Black or White-and-Asian mixed" in text
    assert "2.6%" not in text and "do not give a precise rate" in text
    em = text.split("5 of 190 women from Black")[1].split("**")[0]
    assert "percentage point" not in em  # neither a gap nor a shortfall from 5 of 190


def test_check_says_when_figures_exist_but_not_of_the_benchmarks_measure(
    run: Callable[..., Result], registry_file: Path
) -> None:
    result = run("-r", str(registry_file), "check", "example-east")
    text = " ".join(result.stdout.split())
    assert "no figure of the measure its benchmark uses" in text
    assert "(placed on a continuity of carer pathway by 28 weeks)" in text


def test_show_table_fits_80_columns_with_words_not_codes() -> None:
    """The shipped registry's RJ1 in an 80-column terminal: labels, not codes split mid-word."""
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1"}
    out = subprocess.run(
        [sys.executable, "-m", "cocwatch", "show", "rj1"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout
    assert "placed by" in out.replace("\n", " ")
    assert "28 wks" in out
    assert "placed_by" not in out
    assert "provision\n" not in out and "provisiona " not in out
    # Every line fits, but for a web address too long for any line, which stands whole on one
    for line in out.splitlines():
        assert len(line) <= 80 or line.split() == [w for w in line.split() if "://" in w], line
    assert "Src" in out
