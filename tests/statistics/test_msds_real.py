"""`import msds` on REAL published rows (NHS England, MSDS April 2025 provisional).

`tests/statistics/fixtures/msds/` holds real rows trimmed from the published file (its README says
which and where from). The whole real file is the shipped registry's copy in
`data/statistics/msds/`; its Excel copy is kept unchanged in `tests/data/` (tests/data/README.md).
"""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.core.imports import OfficialFigure
from cocwatch.locations import shipped_registry
from cocwatch.statistics.msds.dates import period_end
from cocwatch.statistics.msds.reading import parse_measures, read_measures
from cocwatch.statistics.source import SourceFile
from tests.support.paths import SHIPPED_APRIL_2025, TEST_DATA

FIXTURE = (
    Path(__file__).parent / "fixtures" / "msds" / "msds-apr2025Provisional-exp-measures-trimmed.csv"
)
REAL_CSV = SHIPPED_APRIL_2025
REAL_XLSX = TEST_DATA / "msds-apr2025Provisional-exp-measures.xlsx"
APRIL = date(2025, 4, 30)
PAGE = "https://digital.nhs.uk/data-and-information/publications/statistical/maternity-services-monthly-statistics"


def by_key(parsed: SourceFile) -> dict[tuple[str, str, str], OfficialFigure]:
    return {(f.ods, f.measure, f.cohort): f for f in (*parsed.figures, *parsed.national)}


def essentials(parsed: SourceFile) -> list[tuple[object, ...]]:
    return sorted(
        (f.ods, f.cohort, f.measure, f.as_of, f.percent, f.numerator, f.denominator, f.quality)
        for f in (*parsed.figures, *parsed.national)
    )


@pytest.fixture(scope="module")
def fixture_file() -> SourceFile:
    return read_measures(FIXTURE)


# --- the trimmed real rows --------------------------------------------------------------------


def test_a_passing_trust_keeps_its_counts_and_its_small_number_breakdown(
    fixture_file: SourceFile,
) -> None:
    got = by_key(fixture_file)
    main = got[("RJ1", "placed_by_28_weeks", "all")]
    assert (main.percent, main.numerator, main.denominator) == (2.8, 15, 545)
    assert (main.quality, main.as_of, main.provisional) == ("pass", APRIL, True)
    bame = got[("RJ1", "placed_by_28_weeks", "ethnic_minority")]
    assert (bame.percent, bame.numerator, bame.denominator) == (2.6, 5, 190)
    assert bame.small_numbers and bame.quality == "pass"  # shares its headline's Result


def test_a_trust_failing_only_the_receiving_checks(fixture_file: SourceFile) -> None:
    got = by_key(fixture_file)
    # RJ1 fails COC_DQ08 (a receiving check): placement still passes, receiving is Low DQ
    assert got[("RJ1", "placed_by_28_weeks", "all")].quality == "pass"
    for cohort in ("all", "ethnic_minority", "most_deprived"):
        failed = got[("RJ1", "receiving_ongoing", cohort)]
        assert (failed.percent, failed.numerator, failed.denominator) == (None, None, None)
        assert failed.quality == "fail"


def test_a_low_dq_trust_has_failed_quality_and_no_percentage(fixture_file: SourceFile) -> None:
    failed = by_key(fixture_file)[("R0B", "placed_by_28_weeks", "all")]
    assert (failed.percent, failed.quality) == (None, "fail")
    assert fixture_file.malformed == ()  # Low DQ is not a malformed row


def test_a_zero_denominator_gives_no_figure_and_is_not_malformed(fixture_file: SourceFile) -> None:
    got = by_key(fixture_file)
    assert ("RGR", "receiving_ongoing", "most_deprived") not in got  # 0 of 0 women
    assert got[("RGR", "receiving_ongoing", "all")].percent == 2.6
    small = got[("RGR", "placed_by_28_weeks", "most_deprived")]
    assert (small.percent, small.numerator, small.denominator, small.small_numbers) == (
        0.0, 0, 5, True,
    )  # fmt: skip
    assert fixture_file.zero_denominators >= 1
    assert fixture_file.malformed == ()


def test_national_rows_become_national_figures_and_other_levels_are_ignored(
    fixture_file: SourceFile,
) -> None:
    national = {(f.measure, f.cohort): f for f in fixture_file.national}
    assert (national[("placed_by_28_weeks", "all")].percent,
            national[("placed_by_28_weeks", "all")].numerator,
            national[("placed_by_28_weeks", "all")].denominator) == (17.1, 7295, 42710)  # fmt: skip
    assert national[("placed_by_28_weeks", "ethnic_minority")].percent == 16.7
    assert national[("placed_by_28_weeks", "most_deprived")].percent == 16.3
    assert national[("receiving_ongoing", "all")].percent == 1.0
    assert set(fixture_file.providers) == {"RJ1", "RGR", "R0B"}


def excel_mangled(text: str) -> str:
    """The fixture as Excel leaves it: serial start dates, US end dates, counts as 15.0."""
    rows = list(csv.reader(text.splitlines()))
    out = [rows[0]]
    for i, row in enumerate(rows[1:]):
        row = list(row)
        row[3] = "45661"  # 01/04/2025 read as 4 January 2025, stored as a serial number
        row[4] = ("45777", "4/30/2025", "2025-04-30 00:00:00", "30/04/2025")[i % 4]
        if row[7] in ("Numerator", "Denominator"):
            row[8] = f"{row[8]}.0"
        out.append(row)
    return "\n".join(",".join(f'"{c}"' if "," in c else c for c in row) for row in out) + "\n"


def test_a_csv_that_went_through_excel_reads_the_same(fixture_file: SourceFile) -> None:
    text = FIXTURE.read_text("utf-8")
    mangled = parse_measures(excel_mangled(text), "mangled.csv", provisional=True)
    assert mangled.malformed == ()
    assert essentials(mangled) == essentials(fixture_file)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30/04/2025", APRIL),
        ("45777", APRIL),  # Excel's serial number of 30 April 2025
        ("4/30/2025", APRIL),  # a US date
        ("2025-04-30 00:00:00", APRIL),
        ("31/10/2025", date(2025, 10, 31)),
        ("45961.0", date(2025, 10, 31)),
    ],
)
def test_period_ends_read_back_from_excel(text: str, expected: date) -> None:
    assert period_end(text) == (expected, None)


def test_a_serial_date_that_could_be_either_way_round_is_refused() -> None:
    found, problem = period_end("45661")  # 4 January 2025, or 1 April 2025 swapped back
    assert found is None
    assert problem is not None and "2025-01-04 or 2025-04-01" in problem


def test_an_ambiguous_end_date_is_refused_with_its_line() -> None:
    text = FIXTURE.read_text("utf-8").splitlines()
    header, first = text[0], text[1].replace("30/04/2025", "04/05/2025")
    parsed = parse_measures(f"{header}\n{first}\n", "x.csv", provisional=True)
    assert [m.line for m in parsed.malformed] == [2]
    assert "ambiguous" in parsed.malformed[0].message
    assert "2025-05-04 or 2025-04-05" in parsed.malformed[0].message


def test_an_xlsx_of_the_fixture_reads_the_same(fixture_file: SourceFile, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    rows = list(csv.reader(FIXTURE.read_text("utf-8").splitlines()))
    sheet.append(rows[0])
    for row in rows[1:]:
        cells: list[object] = list(row)
        cells[3] = datetime(2025, 1, 4)  # as Excel stored 01/04/2025
        value = row[8]
        if value.replace(".", "").isdigit():
            cells[8] = float(value)
        sheet.append(cells)
    path = tmp_path / "msds-apr2025Provisional-exp-measures.xlsx"
    book.save(path)
    from_xlsx = read_measures(path)
    assert from_xlsx.provisional and from_xlsx.malformed == ()
    assert essentials(from_xlsx) == essentials(fixture_file)


# --- the whole real file ----------------------------------------------------------------------


def test_the_whole_real_file_counts_match_the_file() -> None:
    parsed = read_measures(REAL_CSV)
    with REAL_CSV.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    providers = {r["Org_Code"] for r in rows if r["Org_Level"] == "Provider"}
    results = {
        (r["Org_Code"], r["Indicator"]): r["Value"]
        for r in rows
        if r["Org_Level"] == "Provider" and r["Currency"] == "Result"
    }
    assert len(providers) == len(parsed.providers) == 119
    placed = parsed.quality_counts("placed_by_28_weeks")
    assert (
        placed["pass"]
        == 103
        == sum(1 for (_, i), v in results.items() if i == "COC_by_28weeks" and v == "Pass")
    )
    assert placed["fail"] == 16
    receiving = parsed.quality_counts("receiving_ongoing")
    assert (receiving["pass"], receiving["fail"]) == (78, 41)
    assert parsed.malformed == ()
    failed_without_rate = [f for f in parsed.figures if f.percent is None]
    assert failed_without_rate and all(f.quality == "fail" for f in failed_without_rate)
    assert all(f.denominator != 0 for f in parsed.figures)
    national = {(f.measure, f.cohort): f.percent for f in parsed.national}
    assert national[("placed_by_28_weeks", "all")] == 17.1


def test_csv_and_xlsx_give_identical_registries(run: Callable[..., Result], tmp_path: Path) -> None:
    registries = []
    for source in (REAL_CSV, REAL_XLSX):
        # the two files carry different names; cite both the same way
        named = (
            tmp_path
            / source.suffix.lstrip(".")
            / f"msds-apr2025Provisional-exp-measures{source.suffix}"
        )
        named.parent.mkdir()
        shutil.copyfile(source, named)
        registry = tmp_path / f"registry-{source.suffix.lstrip('.')}.yaml"
        registry.write_text(_without_msds_figures(), encoding="utf-8")
        result = run(
            "-r", str(registry), "import", "msds", str(named), "--source-url", PAGE,
            "--commit", "--format", "json",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["file"]["providers"] == 119
        assert data["unmatched"] == [] and data["malformed"] == []
        registries.append(registry.read_text("utf-8").replace(".xlsx", ".csv"))
    assert registries[0] == registries[1]


def _without_msds_figures() -> str:
    """The shipped registry with its imported MSDS figures taken out (a fresh starting point)."""
    import yaml

    text = shipped_registry().read_text("utf-8")
    data = yaml.safe_load(text)
    for trust in data["trusts"]:
        trust.pop("figures", None)
    data["national"]["figures"] = [
        f for f in data["national"].get("figures", []) if f["source"].get("kind") != "msds"
    ]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


# --- the shipped registry ---------------------------------------------------------------------


def test_the_shipped_registry_carries_april_2025(run: Callable[..., Result]) -> None:
    shown = run("show", "rj1", "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    history = json.loads(shown.stdout)["figure_history"]
    main = next(f for f in history if f["cohort"] == "all" and f["measure"] == "placed_by_28_weeks")
    assert (main["as_of"], main["percent"], main["counts"]) == ("2025-04-30", 2.8, "15 of 545")
    assert main["provisional"] is True and main["source_title"].startswith(
        "NHS England, Maternity Services Monthly Statistics, Final March 2025, Provisional "
        "April 2025: April 2025 (provisional)"
    )
    text = run("show", "rj1").stdout
    assert "2.8%" in text and "15 of 545" in text
    checked = run("check", "--all", "--format", "json", "--fail-on", "never")
    assert checked.exit_code == 0, checked.stderr
    data = json.loads(checked.stdout)
    statuses = {t["cohorts"][0]["status"] for t in data["trusts"]}
    assert statuses - {"no_data"}, "every Trust still has no data"
    with_figures = [t for t in data["trusts"] if t["cohorts"][0]["latest"] is not None]
    assert len(with_figures) >= 100
