"""Laying text out for a terminal: words are never cut, tables fit their width (synthetic text)."""

from __future__ import annotations

import pytest

from cocwatch.render.layout import fold, shorten, table_lines
from cocwatch.render.tabular import Column

URL = "https://example.org/a/very/long/address/that/no/column/of/a/narrow/terminal/can/hold"


@pytest.mark.parametrize("width", [1, 5, 12, 30, 80])
def test_folding_keeps_every_word_whole_and_in_order(width: int) -> None:
    text = f"see {URL} and barking-havering-and-redbridge, from 2025-04-30 on"
    lines = fold(text, width, first="  [1] ", indent="      ")
    assert " ".join(" ".join(lines).split()[1:]) == text
    for line in lines:
        assert len(line) <= max(width, 6 + max(len(w) for w in line.split()))


def test_a_number_stays_with_the_word_after_it() -> None:
    assert fold("placed by 28 wks", 12) == ["placed by", "28 wks"]
    assert fold("from 30 April 2025", 8) == ["from", "30 April", "2025"]


def test_a_name_is_shortened_with_an_ellipsis_on_a_word_end() -> None:
    name = "Chelsea and Westminster Hospital NHS Foundation Trust"
    assert shorten(name, 30) == ["Chelsea and Westminster…"]
    assert shorten(name, 80) == [name]
    assert all(len(line) <= 12 for line in shorten(name, 12, lines=2))


ROWS = [
    {"id": "barking-havering-and-redbridge-university-hospitals", "ods": "RF4", "n": 6},
    {"id": "bolton", "ods": "RMC", "n": 12, "url": URL},
]
COLUMNS = [Column("id", "Trust"), Column("ods", "ODS"), Column("n", "Kept", "right")]


@pytest.mark.parametrize("width", [20, 40, 60, 80, 120])
def test_a_table_never_cuts_a_cell_and_fits_where_its_words_allow(width: int) -> None:
    columns = [*COLUMNS, Column("url", "Source")]
    lines = [line for _, line in table_lines(ROWS, columns, width, title="Kept (synthetic)")]
    text = "\n".join(lines)
    for row in ROWS:
        for value in row.values():
            assert str(value) in text
    for line in lines:
        assert len(line) <= width or any(len(word) > width // 2 for word in line.split())


def test_a_cell_too_wide_for_its_column_goes_on_a_line_of_its_own() -> None:
    lines = [line for _, line in table_lines(ROWS, COLUMNS, 40)]
    at = lines.index(ROWS[0]["id"])  # the id alone, then the rest of its row beneath
    assert lines[at + 1].split() == ["RF4", "6"]
    assert any(line.split() == ["bolton", "RMC", "12"] for line in lines)
