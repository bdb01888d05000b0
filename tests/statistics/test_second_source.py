"""A second official source costs one module: a SYNTHETIC survey, plugged in from tests/.

The survey (`tests/support/synthetic_source.py`, every value invented) declares one measure
with per-Trust counts. Registered as a plug-in registers a source, with no change to `src/`,
it is imported with `cocwatch import survey FILE`, and `show`, `check` (table and JSON), the
report and a Board letter all find it from its declaration. A file with a single provider is
compared with England without a funnel (over-dispersion needs two providers).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.statistics.sources import register, unregister
from tests.support.msds import Row as MsdsRow
from tests.support.msds import figure_rows, measures_csv
from tests.support.synthetic_source import SOURCE, survey_csv

Run = Callable[..., Result]
PAGE = "https://example.org/synthetic-survey/september-2026"
REGISTRY = """\
version: 1
trusts:
  - id: example-north
    ods: XX1
    name: Example North NHS Trust (synthetic)
    region: North East and Yorkshire
    contacts:
      - {role: chief_executive, title: Chief Executive, address: "1 Synthetic Road, Northtown"}
  - id: example-south
    ods: XX2
    name: Example South NHS Foundation Trust (synthetic)
    region: South West
  - id: example-east
    ods: XX3
    name: Example East NHS Trust (synthetic)
    region: East of England
"""


@pytest.fixture
def survey() -> Iterator[None]:
    """The synthetic survey, registered as a plug-in would register it, for one test."""
    register(SOURCE)
    yield
    unregister(SOURCE.name)


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "campaign" / "trusts.yaml"
    path.parent.mkdir()
    path.write_text(REGISTRY, encoding="utf-8")
    return path


def _text(result: Result) -> str:
    return " ".join(result.stdout.split())


def test_a_second_source_is_found_in_show_check_the_report_and_a_board_letter(
    survey: None, run: Run, registry: Path, tmp_path: Path
) -> None:
    # England 300 of 1,000 (30%); North 20 of 200 (10%): lower, beyond chance.
    month = survey_csv("2026-09", (300, 1000), XX1=(20, 200), XX2=(70, 200), XX3=(90, 200))
    source = tmp_path / "survey-september-2026.csv"
    source.write_text(month, encoding="utf-8")
    imported = run(
        "-r", str(registry), "import", "survey", str(source), "--source-url", PAGE, "--commit"
    )
    assert imported.exit_code == 0, imported.output
    manifest = (registry.parent / "statistics" / "manifest.csv").read_text(encoding="utf-8")
    assert "survey/survey-september-2026-coc.csv,survey," in manifest

    shown = run("-r", str(registry), "show", "example-north")
    assert shown.exit_code == 0, shown.output
    assert "knew midwife" in shown.stdout and "10.0%" in shown.stdout
    assert "The Synthetic Survey Unit's published statistics" in _text(shown)

    table = run("-r", str(registry), "check", "--all")
    assert table.exit_code == 1, table.output  # North is lower than England at 99.8%
    assert "Known" in table.stdout.splitlines()[0]
    assert "10.0%" in table.stdout and "20/200" in table.stdout
    assert "lower (99.8%)" in table.stdout
    assert "passed The Synthetic Survey Unit's checks" in _text(table)

    data = json.loads(run("-r", str(registry), "check", "--all", "--format", "json").stdout)
    north = next(t for t in data["trusts"] if t["id"] == "example-north")
    compared = north["comparisons"]["known_midwife"]
    assert compared["measure"] == "knew_midwife" and compared["source"] == "survey"
    assert (compared["numerator"], compared["denominator"]) == (20, 200)
    assert compared["england"]["at_99_8"] == "lower"
    assert compared["rank"] == {"position": 3, "of": 3, "quintile": 5}
    assert north["comparisons"]["placement"] is None  # the MSDS keys stay, with nothing
    assert north["severity"] == "fail"

    detail = run("-r", str(registry), "check", "example-north")
    said = _text(detail)
    assert (
        "10.0% of women giving birth in September 2026 (20 of 200) knew the midwife who cared "
        "for them in labour: lower than England's 30.0%, beyond what chance would explain"
    ) in said

    out = tmp_path / "site"
    report = run("-r", str(registry), "report", "--out", str(out))
    assert report.exit_code == 0, report.output
    page = (out / "trusts" / "example-north.html").read_text(encoding="utf-8")
    assert "Knew their midwife" in page
    assert "women giving birth in September 2026 (20 of 200) knew the midwife" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "passed The Synthetic Survey Unit&#39;s checks" not in index  # words, not escapes
    assert "passed The Synthetic Survey Unit's checks" in index

    letter = run("-r", str(registry), "letter", "board", "example-north", "--format", "txt")
    assert letter.exit_code == 0, letter.output
    text = _text(letter)
    assert (
        "10.0% of women giving birth in September 2026 (20 of 200) knew the midwife who "
        "cared for them in labour"
    ) in text
    assert "below England's 30.0%, by more than chance explains" in text  # plain words
    assert "The Synthetic Survey Unit, Synthetic Continuity Survey" in text  # its citation


def test_a_file_with_a_single_provider_is_compared_without_a_funnel(
    run: Run, registry: Path, tmp_path: Path
) -> None:
    """Over-dispersion is a spread between providers: one provider has none (it crashed)."""
    rows = [
        MsdsRow("ALL", "COC_by_28weeks", "Numerator", "300", level="National"),
        MsdsRow("ALL", "COC_by_28weeks", "Denominator", "1000", level="National"),
        *figure_rows(
            "XX1", "COC_by_28weeks", numerator="20", denominator="200", rate="10.0", result="Pass"
        ),
    ]
    source = tmp_path / "msds-oct2025-exp-measures.csv"
    source.write_text(measures_csv(rows), encoding="utf-8")
    imported = run(
        "-r", str(registry), "import", "msds", str(source), "--source-url", PAGE, "--commit"
    )
    assert imported.exit_code == 0, imported.output
    result = run("-r", str(registry), "check", "--all", "--format", "json")
    assert result.exit_code == 1, result.output  # lower than England: never 70
    north = next(t for t in json.loads(result.stdout)["trusts"] if t["id"] == "example-north")
    placed = north["comparisons"]["placement"]
    assert placed["england"]["at_99_8"] == "lower"
    assert (placed["rank"]["position"], placed["rank"]["of"]) == (1, 1)
    assert placed["funnel"] is None
    out = tmp_path / "site"
    assert run("-r", str(registry), "report", "--out", str(out)).exit_code == 0
    detail = run("-r", str(registry), "check", "example-north")
    assert detail.exit_code == 1
    # A place among one says nothing, and a fifth of one is not a fifth.
    assert "fifth" not in detail.stdout and "of 1 " not in detail.stdout, detail.stdout
    assert placed["placing"]["quintile"] is None
