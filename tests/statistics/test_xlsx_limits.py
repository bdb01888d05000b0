"""A measures workbook cannot unpack into gigabytes or run for minutes: its zip parts are
checked by their declared sizes before it is opened, and no sheet is read past Excel's own
row limit. The workbooks are synthetic, built here; the limits are scaled down to keep the
tests fast."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cocwatch.errors import InputError
from cocwatch.statistics.msds import reading as msds
from cocwatch.statistics.msds.reading import read_measures

HEADER = [
    "Org_Code", "Org_Name", "Org_Level", "RPStartDate", "RPEndDate",
    "IndicatorFamily", "Indicator", "Currency", "Value",
]  # fmt: skip


def _workbook(path: Path, rows: int, *, text: str = "x") -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    for n in range(rows):
        sheet.append(["XX1", f"{text}{n}", "Provider", "", "", "", "", "", ""])
    book.save(path)
    return path


def test_millions_of_distinct_texts_are_refused_before_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _workbook(tmp_path / "m.xlsx", 2)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        strings = "".join(f"<si><t>{n}</t></si>" for n in range(20_000))
        archive.writestr("xl/sharedStrings.xml", f"<sst>{strings}</sst>")
    monkeypatch.setattr(msds, "XLSX_MAX_SHARED_STRINGS_BYTES", 100_000)
    with pytest.raises(InputError) as caught:
        read_measures(path)
    assert "of distinct texts, far more than any MSDS measures file" in str(caught.value)


def test_a_part_that_unpacks_to_gigabytes_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(msds, "XLSX_MAX_PART_BYTES", 1024 * 1024)  # 1 GB, scaled down
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(2 * 1024 * 1024))
    assert path.stat().st_size < 10_000
    with pytest.raises(InputError) as caught:
        read_measures(path)
    assert "once unpacked" in str(caught.value)


def test_more_rows_than_excel_holds_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _workbook(tmp_path / "rows.xlsx", 300)
    monkeypatch.setattr(msds, "XLSX_MAX_ROWS", 100)
    with pytest.raises(InputError) as caught:
        read_measures(path)
    assert "more than 100 rows" in str(caught.value)


def test_an_ordinary_workbook_still_reads(tmp_path: Path) -> None:
    read_measures(_workbook(tmp_path / "fine.xlsx", 50))
