"""`import msds`: the measures CSV read, planned against the registry and the statistics
folder, and kept safely in the statistics folder beside the registry (never in the registry
file itself).

Every CSV here is SYNTHETIC, written for these tests in the exact MSDS measures layout
(see tests/support/msds.py); registries are the synthetic MINIMAL_REGISTRY.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import Result

from cocwatch.core.imports import plan_import
from cocwatch.core.models import Registry
from cocwatch.errors import ExternalError
from cocwatch.registry import parse_registry
from cocwatch.statistics.msds import reading as msds
from cocwatch.statistics.msds.dates import parse_period_date
from cocwatch.statistics.msds.reading import (
    decode_csv,
    download,
    is_provisional_name,
    parse_measures,
)
from cocwatch.statistics.msds.table import classify_indicator
from tests.support.msds import OCTOBER, Row, Server, figure_rows, measures_csv
from tests.support.registries import MINIMAL_REGISTRY, TODAY

DAY = date.fromisoformat(TODAY)
CITE = "https://example.org/synthetic-msds-october-2025"
OCT = date(2025, 10, 31)


@pytest.fixture
def csv_file(tmp_path: Path) -> Callable[..., Path]:
    """Write a synthetic measures CSV (text or bytes) under a given file name."""

    def write(content: str | bytes, name: str = "msds-oct2025-exp-measures.csv") -> Path:
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return path

    return write


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server(measures_csv(OCTOBER).encode(), delay=3.0)
    yield s
    s.close()


def figures_of(run: Callable[..., Result], reg: Path, trust_id: str) -> list[dict[str, Any]]:
    """A Trust's figures as `show` reports them: the registry's and the statistics folder's."""
    result = run("-r", str(reg), "show", trust_id, "--format", "json")
    assert result.exit_code == 0, result.stderr
    figures: list[dict[str, Any]] = json.loads(result.stdout)["trust"]["figures"]
    return figures


def statistics(reg: Path) -> Path:
    return reg.parent / "statistics"


def kept(reg: Path) -> dict[str, bytes]:
    """Every file of the statistics folder (but its lock), by path: what an import wrote."""
    folder = statistics(reg)
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".lock"
    }


def manifest(reg: Path) -> list[dict[str, str]]:
    with (statistics(reg) / "manifest.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def imp(reg: Path, source: Path | str, *extra: str) -> list[str]:
    cite = [] if str(source).startswith("http") else ["--source-url", CITE]
    return ["import", "msds", str(source), "-r", str(reg), *cite, *extra]


# --- reading the file (pure parsing) --------------------------------------------------------


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        ("COC_by_28weeks", ("placed_by_28_weeks", "all")),
        ("coc_by_28WEEKS", ("placed_by_28_weeks", "all")),
        ("COC_receiving_ongoing", ("receiving_ongoing", "all")),
        ("COC_by_28weeks_Ethnicity_BAME", ("placed_by_28_weeks", "ethnic_minority")),
        ("COC_receiving_ongoing_Ethnicity_BAME", ("receiving_ongoing", "ethnic_minority")),
        ("COC_by_28weeks_IMD_01_Most_deprived", ("placed_by_28_weeks", "most_deprived")),
        ("COC_by_28weeks_IMD_Most deprived", ("placed_by_28_weeks", "most_deprived")),
        ("COC_by_28weeks_IMD_1_Most_Deprived_10%", ("placed_by_28_weeks", "most_deprived")),
        ("COC_by_28weeks_IMD_Decile_01", ("placed_by_28_weeks", "most_deprived")),
        (
            "COC_receiving_ongoing_IMD_01 - Most deprived (10%)",
            ("receiving_ongoing", "most_deprived"),
        ),
        ("COC_by_28weeks_IMD_Most_Deprived_10_percent", ("placed_by_28_weeks", "most_deprived")),
        ("COC_by_28weeks_IMD_02", None),
        ("COC_by_28weeks_IMD_10_Least_deprived", None),
        ("COC_by_28weeks_IMD_Least deprived 10%", None),
        ("COC_by_28weeks_IMD_Quintile_1", None),
        ("COC_by_28weeks_IMD_Most_deprived_20%", None),
        ("COC_by_28weeks_IMD_Missing_Unknown", None),
        ("COC_by_28weeks_Ethnicity_White", None),
        ("COC_by_28weeks_Ethnicity_Missing_Unknown", None),
        ("COC_by_28weeksX", None),
        ("COC_DQ01", None),
        ("CQIMBreastfeeding6to8Weeks", None),
    ],
)
def test_indicators_map_to_measure_and_cohort(
    indicator: str, expected: tuple[str, str] | None
) -> None:
    assert classify_indicator(indicator) == expected


@pytest.mark.parametrize(
    "text",
    ["2025-10-31", "31/10/2025", "31OCT2025", "31Oct2025", "31-Oct-2025", "31 October 2025",
     "2025-10-31 00:00:00", "31/10/2025 00:00", "2025-10-31T00:00:00", "20251031", " 31.10.2025 "],
)  # fmt: skip
def test_period_end_dates_in_common_forms(text: str) -> None:
    assert parse_period_date(text) == OCT


@pytest.mark.parametrize("text", ["", "31/13/2025", "2025-02-30", "Oct 2025", "31SMARCH2025"])
def test_impossible_dates_are_none(text: str) -> None:
    assert parse_period_date(text) is None


def test_provisional_from_the_file_name() -> None:
    assert is_provisional_name("msds-oct2025Provisional-exp-measures.csv")
    assert is_provisional_name("MSDS-OCT2025-PROVISIONAL.csv")
    assert not is_provisional_name("msds-oct2025-exp-measures.csv")


def test_parse_reads_provider_rows_and_their_quality() -> None:
    parsed = parse_measures(measures_csv(OCTOBER), "synthetic.csv", provisional=False)
    got = {(f.ods, f.measure, f.cohort): f for f in parsed.figures}
    assert set(got) == {
        ("XX1", "placed_by_28_weeks", "all"),
        ("XX1", "placed_by_28_weeks", "ethnic_minority"),
        ("XX1", "placed_by_28_weeks", "most_deprived"),
        ("XX1", "receiving_ongoing", "all"),
        ("XX2", "placed_by_28_weeks", "all"),
        ("XX9", "placed_by_28_weeks", "all"),
    }
    main = got[("XX1", "placed_by_28_weeks", "all")]
    assert (main.percent, main.numerator, main.denominator) == (18.0, 45, 250)
    assert main.as_of == OCT and main.line == 4
    assert main.quality == "pass"  # no Result of its own: COC_DQ04 and 05 both passed
    # COC_DQ04/05 say nothing about receiving continuity (DQ06-09 govern it)
    assert got[("XX1", "receiving_ongoing", "all")].quality == "unknown"
    assert got[("XX2", "placed_by_28_weeks", "all")].quality == "fail"  # its own Result
    assert got[("XX9", "placed_by_28_weeks", "all")].quality == "unknown"
    assert parsed.malformed == ()


def test_counts_alone_make_a_figure_and_suppressed_values_are_skipped() -> None:
    rows = [
        *figure_rows("XX1", "COC_by_28weeks", numerator="30", denominator="120"),
        *figure_rows("XX2", "COC_by_28weeks", rate="*", numerator="*", denominator="5"),
        *figure_rows("XX9", "COC_by_28weeks", numerator="0", denominator="0"),
    ]
    parsed = parse_measures(measures_csv(rows), "synthetic.csv", provisional=True)
    assert len(parsed.figures) == 1
    only = parsed.figures[0]
    assert (only.ods, only.percent, only.value, only.provisional) == ("XX1", None, 25.0, True)
    assert parsed.malformed == ()


def test_malformed_rows_are_reported_with_line_numbers_and_skipped() -> None:
    rows: list[Row | str] = [
        *figure_rows("XX1", "COC_by_28weeks", rate="18.0"),  # line 2
        Row("XX1", "COC_by_28weeks_Ethnicity_BAME", "Rate", "lots"),  # line 3
        Row("XX1", "COC_by_28weeks_IMD_01_Most_deprived", "Rate", "7.1", end="31/13/2025"),
        Row("XX1", "COC_receiving_ongoing", "Rate", "101.5"),  # line 5
        "XX2,EXAMPLE, WITH AN UNQUOTED COMMA,Provider,2025-10-01,2025-10-31,COC_Rate,"
        "COC_by_28weeks,Rate,3.0",  # line 6
        Row("XX2", "COC_by_28weeks", "Result", "Maybe", family="COC_DQ_Measure"),  # line 7
        Row("XX1", "COC_by_28weeks", "Rate", "19.0"),  # line 8: contradicts line 2
        *figure_rows("XX9", "COC_by_28weeks", numerator="50", denominator="10"),  # 9, 10
        Row("??", "COC_by_28weeks", "Rate", "1.0"),  # line 11
    ]
    parsed = parse_measures(measures_csv(rows), "synthetic.csv", provisional=False)
    lines = [m.line for m in parsed.malformed]
    assert lines == [3, 4, 5, 6, 7, 8, 9, 11]
    text = {m.line: m.message for m in parsed.malformed}
    assert "'lots' is not a number" in text[3]
    assert "RPEndDate '31/13/2025' is not a date" in text[4]
    assert "more than 100%" in text[5]
    assert "10 fields where the header has 9" in text[6]
    assert "neither Pass nor Fail" in text[7]
    assert "line 2 has 18.0" in text[8]
    assert "numerator 50 of XX9 is larger than its denominator 10" in text[9]
    assert "not an ODS code" in text[11]
    assert [(f.ods, f.percent) for f in parsed.figures] == [("XX1", 18.0)]


def test_utf8_with_bom_and_windows_1252_both_read() -> None:
    text = measures_csv(figure_rows("XX1", "COC_by_28weeks", rate="18.0")).replace(
        "EXAMPLE NORTH NHS TRUST", "EXAMPLE NORTH – ST JOHN’S NHS TRUST"
    )
    for data in (b"\xef\xbb\xbf" + text.encode("utf-8"), text.encode("cp1252"),
                 text.encode("utf-8")):  # fmt: skip
        parsed = parse_measures(decode_csv(data, "x.csv"), "x.csv", provisional=False)
        assert parsed.figures[0].org_name.startswith("EXAMPLE NORTH – ST JOHN’S")
        assert parsed.figures[0].percent == 18.0


def test_windows_line_endings_and_quoted_fields() -> None:
    text = measures_csv(figure_rows("XX1", "COC_by_28weeks", rate="18.0"), newline="\r\n")
    text = text.replace("EXAMPLE NORTH NHS TRUST (SYNTHETIC)", '"EXAMPLE NORTH, NHS TRUST"')
    parsed = parse_measures(text, "x.csv", provisional=False)
    assert parsed.figures[0].org_name == "EXAMPLE NORTH, NHS TRUST"
    assert parsed.malformed == ()


def test_header_case_and_spacing_do_not_matter() -> None:
    header = (
        " org_code ,ORG_NAME,Org_Level,RPStartDate,rpenddate,IndicatorFamily,Indicator,"
        "Currency,VALUE"
    )
    parsed = parse_measures(
        measures_csv(figure_rows("XX1", "COC_by_28weeks", rate="18.0"), header=header),
        "x.csv",
        provisional=False,
    )
    assert parsed.figures[0].percent == 18.0


# --- planning (pure) --------------------------------------------------------------------------


def test_plan_for_a_registry() -> None:
    registry = load_registry_text(MINIMAL_REGISTRY)
    parsed = parse_measures(measures_csv(OCTOBER), "x.csv", provisional=True)
    plan = plan_import(registry, parsed.figures)
    assert [t.trust.id for t in plan.trusts] == ["example-north", "example-south"]
    assert [len(t.added) for t in plan.trusts] == [4, 1]
    assert [(u.ods, u.figures) for u in plan.unmatched] == [("XX9", 1)]


def load_registry_text(text: str) -> Registry:
    return parse_registry(text, "synthetic", today=DAY)


# --- the command: dry run, commit, idempotence, replacement ------------------------------------


def test_dry_run_by_default_shows_a_summary_and_writes_nothing(
    run: Callable[..., Result], minimal_registry: Path, csv_file: Callable[..., Path]
) -> None:
    before = minimal_registry.read_bytes()
    result = run(*imp(minimal_registry, csv_file(measures_csv(OCTOBER))))
    assert result.exit_code == 0, result.stderr
    assert minimal_registry.read_bytes() == before
    assert not statistics(minimal_registry).exists()
    lines = [line.split() for line in result.stdout.splitlines()]
    assert ["example-north", "XX1", "4", "0", "0", "0"] in lines
    assert ["example-south", "XX2", "1", "0", "0", "0"] in lines
    assert "Would import" in result.stdout
    assert "XX9 (NOT IN THE REGISTRY NHS TRUST (SYNTHETIC))" in result.stderr
    assert "Run again with --commit" in result.stderr


def test_commit_keeps_the_file_beside_the_registry_and_is_idempotent(
    run: Callable[..., Result], minimal_registry: Path, csv_file: Callable[..., Path]
) -> None:
    source = csv_file(measures_csv(OCTOBER))
    before = minimal_registry.read_bytes()
    result = run(*imp(minimal_registry, source, "--commit"))
    assert result.exit_code == 0, result.stderr
    assert minimal_registry.read_bytes() == before  # the registry file is never changed
    (entry,) = manifest(minimal_registry)
    assert entry["file"] == "msds/msds-oct2025-exp-measures-coc.csv"
    assert (entry["source_file"], entry["status"]) == ("msds-oct2025-exp-measures.csv", "final")
    assert (entry["release_page"], entry["period_end"]) == (CITE, "2025-10-31")
    # every CoC row as published, other org levels and groups included
    with (statistics(minimal_registry) / entry["file"]).open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert entry["rows"] == str(len(rows) - 1)
    assert [r[0] for r in rows if r[2] == "NHS England (Region)"] == ["Y63"]
    assert any(r[6] == "COC_by_28weeks_Ethnicity_White" for r in rows)
    assert f"Kept {entry['file']} in the statistics folder" in result.stderr
    assert "the registry file is unchanged" in result.stderr

    north = figures_of(run, minimal_registry, "example-north")
    assert [(f["cohort"], f["measure"], f["percent"]) for f in north] == [
        ("all", "placed_by_28_weeks", 17.2),  # the registry's own, kept
        ("all", "placed_by_28_weeks", 18.0),
        ("all", "receiving_ongoing", 5.0),
        ("ethnic_minority", "placed_by_28_weeks", 9.5),
        ("most_deprived", "placed_by_28_weeks", 7.1),
    ]
    assert north[1]["source"] == {
        "url": CITE,
        "title": "NHS England, Maternity Services Monthly Statistics, Final October 2025, "
        "Provisional November 2025: October 2025 (final), "
        "file msds-oct2025-exp-measures.csv",
        "kind": "msds",
        "retrieved": TODAY,
    }
    assert figures_of(run, minimal_registry, "example-south")[0]["quality"] == "fail"

    written = kept(minimal_registry)
    again = run(*imp(minimal_registry, source, "--commit", "--format", "json"))
    assert again.exit_code == 0, again.stderr
    assert kept(minimal_registry) == written  # a second commit writes nothing
    assert minimal_registry.read_bytes() == before
    data = json.loads(again.stdout)
    assert data["summary"] == {
        "trusts": 2,
        "added": 0,
        "replaced": 0,
        "unchanged": 6,
        "kept": 0,
        "unmatched": 1,
    }  # fmt: skip (5 for the Trusts, 1 national)
    assert [f["percent"] for f in data["national"]["unchanged"]] == [12.3]
    assert data["committed"] is False
    assert data["statistics"] == str(statistics(minimal_registry))
    assert "Nothing new: this file is already in the statistics folder" in again.stderr


def test_final_replaces_provisional_and_provisional_never_replaces_final(
    run: Callable[..., Result], minimal_registry: Path, csv_file: Callable[..., Path]
) -> None:
    name = "msds-oct2025Provisional-exp-measures.csv"
    provisional = csv_file(measures_csv(figure_rows("XX2", "COC_by_28weeks", rate="3.0")), name)
    assert run(*imp(minimal_registry, provisional, "--commit")).exit_code == 0
    first = figures_of(run, minimal_registry, "example-south")
    assert [(f["percent"], f["provisional"]) for f in first] == [(3.0, True)]
    assert "(provisional)" in str(first[0]["source"])

    final = csv_file(measures_csv(figure_rows("XX2", "COC_by_28weeks", rate="3.5", result="Pass")))
    result = run(*imp(minimal_registry, final, "--commit", "--format", "json"))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    replaced = data["trusts"][0]["replaced"]
    assert [r["reason"] for r in replaced] == ["final replaces provisional"]
    assert replaced[0]["old"]["percent"] == 3.0 and replaced[0]["new"]["percent"] == 3.5
    second = figures_of(run, minimal_registry, "example-south")
    assert [(f["percent"], f["provisional"], f["quality"]) for f in second] == [
        (3.5, False, "pass")
    ]
    # both files are kept: the final one supersedes the provisional one, which stays
    assert [(m["source_file"], m["status"]) for m in manifest(minimal_registry)] == [
        (name, "provisional"),
        ("msds-oct2025-exp-measures.csv", "final"),
    ]

    written = kept(minimal_registry)
    late = run(*imp(minimal_registry, provisional, "--commit", "--format", "json"))
    assert late.exit_code == 0, late.stderr
    assert json.loads(late.stdout)["summary"]["unchanged"] == 1
    assert kept(minimal_registry) == written

    # a provisional file read after the final one (here a revised copy) never hides it
    revised = csv_file(measures_csv(figure_rows("XX2", "COC_by_28weeks", rate="2.9")), name)
    later = run(*imp(minimal_registry, revised, "--commit", "--format", "json"))
    assert later.exit_code == 0, later.stderr
    assert json.loads(later.stdout)["summary"]["replaced"] == 0
    south = figures_of(run, minimal_registry, "example-south")
    assert [(f["percent"], f["provisional"]) for f in south] == [(3.5, False)]
    check = run("-r", str(minimal_registry), "check", "example-south", "--format", "json",
                "--fail-on", "never")  # fmt: skip
    assert check.exit_code == 0, check.stderr
    assert "2.9" not in check.stdout and "3.5" in check.stdout


def test_final_option_overrides_the_file_name(
    run: Callable[..., Result], minimal_registry: Path, csv_file: Callable[..., Path]
) -> None:
    source = csv_file(
        measures_csv(figure_rows("XX2", "COC_by_28weeks", rate="3.0")), "Provisional-copy.csv"
    )
    assert run(*imp(minimal_registry, source, "--final", "--commit")).exit_code == 0
    assert figures_of(run, minimal_registry, "example-south")[0]["provisional"] is False
    assert manifest(minimal_registry)[0]["status"] == "final"


def test_figure_recorded_from_another_source_is_kept(
    run: Callable[..., Result], write_registry: Callable[[str], Path], csv_file: Callable[..., Path]
) -> None:
    reg = write_registry(
        MINIMAL_REGISTRY.replace("as_of: 2024-03-31", "as_of: 2025-10-31").replace(
            "{url: https://example.org/msds, kind: msds}",
            "{url: https://example.org/board, kind: board_paper}  # from the Board paper",
        )
    )
    before = reg.read_bytes()
    result = run(*imp(reg, csv_file(measures_csv(OCTOBER)), "--commit", "--format", "json"))
    assert result.exit_code == 0, result.stderr
    north = json.loads(result.stdout)["trusts"][0]
    assert len(north["kept"]) == 1
    assert north["kept"][0]["old"]["source"]["kind"] == "board_paper"
    assert len(north["added"]) == 3
    assert reg.read_bytes() == before  # the Board paper's figure and its comment untouched
    both = [
        (f["percent"], f["source"]["kind"])
        for f in figures_of(run, reg, "example-north")
        if (f["cohort"], f["measure"], f["as_of"]) == ("all", "placed_by_28_weeks", "2025-10-31")
    ]
    assert sorted(both) == [(17.2, "board_paper"), (18.0, "msds")]  # kept alongside


def test_a_revised_file_of_the_same_name_replaces_the_older_copy(
    run: Callable[..., Result], minimal_registry: Path, csv_file: Callable[..., Path]
) -> None:
    assert run(*imp(minimal_registry, csv_file(measures_csv(OCTOBER)), "--commit")).exit_code == 0
    (first,) = manifest(minimal_registry)
    revised = [
        *figure_rows("XX1", "COC_by_28weeks", numerator="46", denominator="250", rate="18.4"),
        *figure_rows("XX2", "COC_by_28weeks", rate="3.5", result="Fail"),
    ]
    before = minimal_registry.read_bytes()
    result = run(*imp(minimal_registry, csv_file(measures_csv(revised)), "--commit",
                      "--format", "json"))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    replaced = json.loads(result.stdout)["trusts"][0]["replaced"]
    assert [(r["old"]["percent"], r["new"]["percent"]) for r in replaced] == [(18.0, 18.4)]
    (second,) = manifest(minimal_registry)  # replaced, never duplicated
    assert second["file"] == first["file"] and second["sha256"] != first["sha256"]
    assert "18.4" in (statistics(minimal_registry) / second["file"]).read_text("utf-8")
    north = [
        f["percent"]
        for f in figures_of(run, minimal_registry, "example-north")
        if (f["cohort"], f["measure"], f["as_of"]) == ("all", "placed_by_28_weeks", "2025-10-31")
    ]
    assert north == [18.4]
    assert minimal_registry.read_bytes() == before


def test_json_lists_malformed_rows_and_warnings_go_to_stderr(
    run: Callable[..., Result], minimal_registry: Path, csv_file: Callable[..., Path]
) -> None:
    rows = [*OCTOBER, Row("XX2", "COC_receiving_ongoing", "Rate", "n.a.")]
    result = run(*imp(minimal_registry, csv_file(measures_csv(rows)), "--format", "json"))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["malformed"] == [
        {"line": len(rows) + 1, "message": "COC_receiving_ongoing Rate: the value 'n.a.' is "
         "not a number"}
    ]  # fmt: skip
    assert data["periods"] == ["2025-10-31"] and data["provisional"] is False
    assert f"line {len(rows) + 1}: COC_receiving_ongoing Rate" in result.stderr


# --- bad input ------------------------------------------------------------------------------


def test_file_without_the_expected_columns_exits_3(
    run: Callable[..., Result], minimal_registry: Path, csv_file: Callable[..., Path]
) -> None:
    result = run(*imp(minimal_registry, csv_file("Name,Percent\nSomewhere,12\n")))
    assert result.exit_code == 3
    assert "is not an MSDS measures CSV" in result.stderr
    assert "Org_Code, Org_Level, RPEndDate, Indicator, Currency, Value" in result.stderr


def test_data_file_is_recognised_and_explained(
    run: Callable[..., Result], minimal_registry: Path, csv_file: Callable[..., Path]
) -> None:
    header = (
        "ReportingPeriodStartDate,ReportingPeriodEndDate,Dimension,Org_Level,Org_Code,Org_Name,"
        "Measure,Count_Of,Final_value\n"
    )
    result = run(*imp(minimal_registry, csv_file(header)))
    assert result.exit_code == 3
    assert "-exp-measures.csv" in result.stderr


def test_empty_and_binary_files_exit_3(
    run: Callable[..., Result], minimal_registry: Path, csv_file: Callable[..., Path]
) -> None:
    assert run(*imp(minimal_registry, csv_file(""))).exit_code == 3
    binary = run(*imp(minimal_registry, csv_file(b"Org_Code,\x00\x01\x02 data")))
    assert binary.exit_code == 3
    assert "binary data" in binary.stderr
    not_a_workbook = run(*imp(minimal_registry, csv_file(b"PK\x03\x04\x00\x00zip")))
    assert not_a_workbook.exit_code == 3
    assert "not an Excel workbook that can be read" in not_a_workbook.stderr


def test_local_file_needs_a_source_url(
    run: Callable[..., Result], minimal_registry: Path, csv_file: Callable[..., Path]
) -> None:
    source = csv_file(measures_csv(OCTOBER))
    result = run("import", "msds", str(source), "-r", str(minimal_registry))
    assert result.exit_code == 2
    assert "--source-url" in result.stderr
    bad = run("import", "msds", str(source), "-r", str(minimal_registry), "--source-url", "x")
    assert bad.exit_code == 2


def test_missing_file_exits_3(run: Callable[..., Result], minimal_registry: Path) -> None:
    result = run(*imp(minimal_registry, Path("/nonexistent/msds.csv")))
    assert result.exit_code == 3
    assert "/nonexistent/msds.csv does not exist" in result.stderr


def test_import_that_would_make_the_registry_invalid_writes_nothing(
    run: Callable[..., Result], minimal_registry: Path, csv_file: Callable[..., Path]
) -> None:
    rows = figure_rows("XX2", "COC_by_28weeks", rate="3.0", end="2009-01-31")
    before = minimal_registry.read_bytes()
    result = run(
        *imp(
            minimal_registry,
            csv_file(measures_csv(rows), "msds-jan2009-exp-measures.csv"),
            "--commit",
        )
    )
    assert result.exit_code == 3
    assert "before 2010" in result.stderr
    assert minimal_registry.read_bytes() == before
    assert not statistics(minimal_registry).exists()


# --- downloads: a real server on 127.0.0.1 ----------------------------------------------------


def test_download_from_a_local_server_cites_the_url(
    run: Callable[..., Result], minimal_registry: Path, server: Server
) -> None:
    url = server.url("ok/msds-oct2025-exp-measures.csv")
    result = run(*imp(minimal_registry, url, "--commit"))
    assert result.exit_code == 0, result.stderr
    source = figures_of(run, minimal_registry, "example-south")[0]["source"]
    assert isinstance(source, dict) and source["url"] == url
    assert manifest(minimal_registry)[0]["file_url"] == url
    assert server.paths == ["/ok/msds-oct2025-exp-measures.csv"]


def test_download_without_content_length_and_provisional_name(
    run: Callable[..., Result], minimal_registry: Path, server: Server
) -> None:
    url = server.url("chunked/msds-oct2025Provisional-exp-measures.csv")
    result = run(*imp(minimal_registry, url, "--commit"))
    assert result.exit_code == 0, result.stderr
    assert figures_of(run, minimal_registry, "example-south")[0]["provisional"] is True
    assert manifest(minimal_registry)[0]["status"] == "provisional"


@pytest.mark.parametrize(("code", "words"), [(404, "404 Not Found"), (500, "500 Internal")])
def test_http_errors_exit_4_naming_the_url(
    run: Callable[..., Result], minimal_registry: Path, server: Server, code: int, words: str
) -> None:
    before = minimal_registry.read_bytes()
    url = server.url(f"status/{code}")
    result = run(*imp(minimal_registry, url, "--commit"))
    assert result.exit_code == 4
    assert f"Cannot download {url}: the server answered {words}" in result.stderr
    assert minimal_registry.read_bytes() == before


def test_slow_server_times_out_with_exit_4(
    run: Callable[..., Result], minimal_registry: Path, server: Server
) -> None:
    url = server.url("slow/msds.csv")
    result = run(*imp(minimal_registry, url, "--timeout", "0.3"))
    assert result.exit_code == 4
    assert f"{url} did not answer in time" in result.stderr


@pytest.mark.parametrize("route", ["ok", "chunked"])
def test_oversized_download_is_refused(
    run: Callable[..., Result],
    minimal_registry: Path,
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
    route: str,
) -> None:
    server.body = measures_csv(OCTOBER * 1500).encode()  # about 1.3 MB
    url = server.url(f"{route}/msds.csv")
    result = run(*imp(minimal_registry, url, "--max-size", "1"))
    assert result.exit_code == 4
    assert f"{url} is larger than the limit of 1 MB (raise it with --max-size" in result.stderr


def test_unreachable_server_exits_4(run: Callable[..., Result], minimal_registry: Path) -> None:
    closed = Server()
    url = closed.url("ok/msds.csv")
    closed.close()
    result = run(*imp(minimal_registry, url, "--timeout", "2"))
    assert result.exit_code == 4
    assert "cannot connect to" in result.stderr


# --- downloads: httpx.MockTransport -------------------------------------------------------------


def _client(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.Client:
    return httpx.Client(transport=httpx.MockTransport(handler))


def test_mock_transport_download_reports_progress() -> None:
    body = measures_csv(OCTOBER).encode()
    seen: list[tuple[int, int | None]] = []

    def progress(done: int, total: int | None) -> None:
        seen.append((done, total))

    with _client(lambda request: httpx.Response(200, content=body)) as http:
        data = download("https://example.org/m.csv", http=http, progress=progress)
    assert data == body
    assert seen[-1] == (len(body), len(body))


def test_mock_transport_errors_are_external_errors() -> None:
    unavailable = _client(lambda request: httpx.Response(503))
    with unavailable, pytest.raises(ExternalError, match="answered 503 Service Unavailable"):
        download("https://example.org/m.csv", http=unavailable)

    def boom(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with _client(boom) as http, pytest.raises(ExternalError, match="did not answer in time"):
        download("https://example.org/m.csv", http=http)

    big = _client(lambda request: httpx.Response(200, content=b"x" * 5000))
    with big, pytest.raises(ExternalError, match="larger than the limit of 1 kB"):
        download("https://example.org/m.csv", http=big, max_bytes=1024)


def test_progress_bar_only_on_a_terminal(
    run: Callable[..., Result],
    minimal_registry: Path,
    server: Server,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cocwatch.cli.progress import download_bars

    with download_bars(enabled=False) as none:
        assert none is None
    with download_bars(enabled=True) as bars:
        assert bars is not None
        update = bars.one("Downloading")
        update(512, 1024)
        update(1024, 1024)
    result = run(*imp(minimal_registry, server.url("ok/msds.csv")))
    assert result.exit_code == 0, result.stderr
    assert "Downloading http://127.0.0.1" in result.stderr
    assert "━" not in result.stderr  # stderr is not a terminal here: no bar


# --- hostile and huge files: bounded memory, located errors, never exit 70 -------------------


def test_a_local_file_over_the_size_cap_exits_3_naming_the_cap(
    run: Callable[..., Result], minimal_registry: Path, tmp_path: Path
) -> None:
    huge = tmp_path / "msds-huge-exp-measures.csv"
    with huge.open("wb") as out:  # a sparse 1 GB file: nothing is really written
        out.write(measures_csv(OCTOBER).encode())
        out.truncate(1024**3)
    result = run(*imp(minimal_registry, huge))
    assert result.exit_code == 3, result.stderr
    assert "is 1024 MB, larger than the limit of 200 MB" in result.stderr
    assert "raise it with --max-size MEGABYTES" in result.stderr
    small = tmp_path / "msds-oct2025-exp-measures.csv"
    small.write_text(measures_csv(OCTOBER * 1500))  # about 1.3 MB
    refused = run(*imp(minimal_registry, small, "--max-size", "1"))
    assert refused.exit_code == 3
    assert "larger than the limit of 1 MB" in refused.stderr


def test_the_file_is_read_row_by_row_not_whole(tmp_path: Path) -> None:
    import tracemalloc

    path = tmp_path / "msds-oct2025-exp-measures.csv"
    # About 20 MB of rows of other measures, in rows of about 1 kB (a long organisation
    # name): as big a file as 200,000 short rows, read in a tenth of the time.
    fields = Row("XX1", "CQIMBreastfeeding", "Rate", "50.0", family="CQIM").line().split(",")
    fields[1] = "SYNTHETIC ORGANISATION WITH A LONG NAME " + "X" * 960
    other = ",".join(fields) + "\n"
    with path.open("w") as out:
        out.write(measures_csv(OCTOBER))
        out.write(other * 20_000)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        parsed = msds.read_measures(path, provisional=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert size > 20_000_000
    assert parsed.rows == len(OCTOBER) + 20_000
    assert len(parsed.figures) == 6
    assert peak < size / 10, f"peak {peak} bytes for a file of {size}"


def test_a_field_over_128_kb_exits_3_with_its_line(
    run: Callable[..., Result], minimal_registry: Path, csv_file: Callable[..., Path]
) -> None:
    long_name = '"' + "A" * (200 * 1024) + '"'
    line = (
        Row("XX1", "COC_by_28weeks", "Rate", "18.0")
        .line()
        .replace("EXAMPLE NORTH NHS TRUST (SYNTHETIC)", long_name)
    )
    source = csv_file(measures_csv([*figure_rows("XX2", "COC_by_28weeks", rate="3.0"), line]))
    result = run(*imp(minimal_registry, source))
    assert result.exit_code == 3, result.stderr
    assert ", line 3: a field is longer than 128 kB" in result.stderr
    unclosed = csv_file(measures_csv([line.replace('A"', "A")]) + "x\n" * 10)
    result = run(*imp(minimal_registry, unclosed))
    assert result.exit_code == 3
    assert "line 2" in result.stderr and "unclosed quotation mark" in result.stderr


def test_a_line_over_1_mb_exits_3(
    run: Callable[..., Result], minimal_registry: Path, csv_file: Callable[..., Path]
) -> None:
    source = csv_file(measures_csv(OCTOBER) + "x" * (2 * 1024 * 1024))
    result = run(*imp(minimal_registry, source))
    assert result.exit_code == 3
    assert f"line {len(OCTOBER) + 2}: the line is longer than 1 MB" in result.stderr


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "null", "n/a"])
def test_a_rate_that_is_not_a_number_is_a_malformed_row(value: str) -> None:
    rows = [
        *figure_rows("XX1", "COC_by_28weeks", rate=value),
        *figure_rows("XX2", "COC_by_28weeks", rate="3.0"),
    ]
    parsed = parse_measures(measures_csv(rows), "x.csv", provisional=False)
    assert [m.line for m in parsed.malformed] == [2]
    assert f"{value!r}" in parsed.malformed[0].message
    assert [(f.ods, f.percent) for f in parsed.figures] == [("XX2", 3.0)]


def test_quiet_prints_one_line_not_the_table(
    run: Callable[..., Result], minimal_registry: Path, csv_file: Callable[..., Path]
) -> None:
    source = csv_file(measures_csv(OCTOBER))
    result = run("-q", *imp(minimal_registry, source))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("\n") == 1
    assert result.stdout.startswith("msds-oct2025-exp-measures.csv: October 2025 (final)")
    assert "would import 6 new" in result.stdout
    assert "Dry run" not in result.stderr  # progress notes are quiet too
