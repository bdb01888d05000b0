"""Bounds at every reader of the statistics folder: dates within a sane window (a month of
1900-2100), manifest fields and rows capped, and everything else a manifest may not hold
refused, each with exit 3, the file and the line. Never exit 70, never a gigabyte of memory.

Every file here is SYNTHETIC (made-up rows for the codes XX1, XX2, XX9).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.support.msds import OCTOBER, Row, figure_rows, measures_csv
from tests.support.paths import SRC
from tests.support.stores import MANIFEST_COLUMNS, write_store

Run = Callable[..., Result]


def refused(result: Result, *words: str) -> None:
    assert result.exit_code == 3, result.stderr
    assert "internal error" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


# Group 3: dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"), [("01/12/9999", "31/12/9999"), ("01/01/0001", "31/01/0001")]
)
def test_a_row_dated_outside_1900_to_2100_is_a_malformed_row(
    run: Run, minimal_registry: Path, tmp_path: Path, start: str, end: str
) -> None:
    far = f"XX1,X,Provider,{start},{end},COC_Rate,COC_by_28weeks,Rate,12.0"
    source = tmp_path / "msds-oct2025-exp-measures.csv"
    source.write_text(measures_csv([*OCTOBER, far]), encoding="utf-8")
    result = run(
        "import", "msds", str(source), "-r", str(minimal_registry),
        "--source-url", "https://example.org/release",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert f"line {len(OCTOBER) + 2}" in result.stderr and "1900" in result.stderr


@pytest.mark.parametrize("year", ["9999", "0001"])
def test_a_kept_file_dated_outside_the_window_is_no_internal_error(
    run: Run, tmp_path: Path, year: str
) -> None:
    rows = [
        Row(r.ods, r.indicator, r.currency, r.value, end=f"{year}-12-31",
            start=f"{year}-12-01", family=r.family, level=r.level)
        for r in OCTOBER
    ]  # fmt: skip
    registry = write_store(tmp_path, kept=measures_csv(rows).encode())
    for args in (("check", "--all"), ("statistics",)):
        result = run("-r", str(registry), *args)
        assert result.exit_code in (0, 1, 3), result.stderr
        assert "internal error" not in result.stderr


@pytest.mark.parametrize(
    ("field", "day"),
    [("period_end", "9999-12-31"), ("retrieved", "0001-01-31"), ("imported", "1899-12-31")],
)
def test_a_manifest_date_outside_the_window_is_refused_with_its_line(
    run: Run, tmp_path: Path, field: str, day: str
) -> None:
    registry = write_store(tmp_path, **{field: day})
    refused(run("-r", str(registry), "check", "--all"), "manifest.csv, line 2", "1900")


# Group 4: the manifest -------------------------------------------------------------------------


def test_a_field_longer_than_any_manifest_needs_is_refused(run: Run, tmp_path: Path) -> None:
    """A `notes` field over 131,072 characters was csv's own error, exit 70."""
    registry = write_store(tmp_path, notes="n" * 140_000)
    refused(run("-r", str(registry), "statistics"), "manifest.csv, line 2", "characters")


def test_a_field_longer_than_the_manifest_allows_is_refused(run: Run, tmp_path: Path) -> None:
    registry = write_store(tmp_path, notes="n" * 30_000)
    refused(run("-r", str(registry), "check", "--all"), "manifest.csv, line 2", "notes")


def test_a_huge_one_line_manifest_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    """200 MB on one line peaked at 1.2 GB; now it is refused by its size, in bounded memory."""
    registry = write_store(tmp_path)
    manifest = tmp_path / "statistics" / "manifest.csv"
    with manifest.open("ab") as out:
        block = b"x" * (1 << 20)
        for _ in range(200):
            out.write(block)
    # The peak as the kernel counts it for this program since it started (VmHWM; the
    # rusage maximum would include the test process it was forked from).
    script = (
        "import sys\n"
        "from cocwatch.cli import main\n"
        f"sys.argv = ['cocwatch', '-r', {str(registry)!r}, 'statistics']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    code = e.code\n"
        "status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
        "print(code, int(status) // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(SRC), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    code, peak = done.stdout.split()[-2:]
    assert code == "3", done.stderr
    assert int(peak) < 300, f"peak {peak} MB"
    assert "manifest.csv" in done.stderr and "MB" in done.stderr


def test_more_rows_than_any_store_needs_are_refused(run: Run, tmp_path: Path) -> None:
    registry = write_store(tmp_path)
    manifest = tmp_path / "statistics" / "manifest.csv"
    line = manifest.read_text("utf-8").splitlines()[1]
    with manifest.open("a", encoding="utf-8") as out:
        for i in range(20_001):
            out.write(line.replace("msds/oct-coc.csv", f"msds/oct-{i}.csv", 1) + "\n")
    refused(run("-r", str(registry), "statistics"), "manifest.csv", "20,000")


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("release_page", "javascript:alert(document.domain)//", "release_page"),
        ("file_url", "data:text/html,x", "file_url"),
        ("source_file", "msds\x1b[31m.csv", "control character"),
        ("notes", "a\u202eb", "control character"),
        ("file", "msds/\x1b[31m.csv", "control character"),
        ("file", "../outside.csv", "inside the statistics folder"),
        ("sha256", "not-a-checksum", "sha256"),
        ("rows", "-4", "rows"),
        ("rows", "9" * 40, "rows"),
        ("source", "nonesuch", "source"),
    ],
)
def test_a_field_no_manifest_cocwatch_writes_has_is_refused(
    run: Run, tmp_path: Path, field: str, value: str, words: str
) -> None:
    registry = write_store(tmp_path, **{field: value})
    result = run("-r", str(registry), "check", "--all")
    refused(result, "manifest.csv, line 2", words)
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr


def test_a_manifest_of_an_earlier_version_is_still_read(run: Run, tmp_path: Path) -> None:
    """Without the optional `title` and `file_sha256` columns (SPEC §7.1's twelve)."""
    registry = write_store(tmp_path, columns=MANIFEST_COLUMNS)
    result = run("-r", str(registry), "check", "example-north", "-f", "json")
    assert result.exit_code in (0, 1), result.stderr
    assert '"percent": 18.0' in result.stdout


def test_rows_of_a_figure_dated_in_the_window_still_import(
    run: Run, minimal_registry: Path, tmp_path: Path
) -> None:
    rows = figure_rows("XX1", "COC_by_28weeks", rate="20.0", end="2100-12-31")
    source = tmp_path / "msds-dec2100-exp-measures.csv"
    source.write_text(measures_csv(rows), encoding="utf-8")
    result = run(
        "import", "msds", str(source), "-r", str(minimal_registry),
        "--source-url", "https://example.org/release",
    )  # fmt: skip
    assert "internal error" not in result.stderr
