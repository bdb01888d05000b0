"""The Trust page's monthly table of official figures (cocwatch.render.report_tables) and
its HTML (cocwatch.render.report.month_rows). All figures here are SYNTHETIC."""

from __future__ import annotations

from typing import Any

from markupsafe import escape
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from cocwatch.core.models import Figure
from cocwatch.render.report import month_rows
from cocwatch.render.report_tables import monthly_table, recorded

APRIL = {"kind": "msds", "url": "https://example.org/april", "title": "Synthetic April file"}
MAY = {"kind": "msds", "url": "https://example.org/may", "title": "Synthetic <May> & file"}
BOARD = {"kind": "board_paper", "title": "Synthetic Board paper"}


def figure(as_of: str, source: dict[str, str], **fields: Any) -> Figure:
    return Figure.model_validate({"as_of": as_of, "source": source, **fields})


FIGURES = [
    figure("2025-04-30", APRIL, numerator=15, denominator=545, provisional=True),
    figure("2025-04-30", APRIL, cohort="ethnic_minority", quality="fail"),
    figure("2025-04-30", APRIL, measure="receiving_ongoing", numerator=5, denominator=240),
    figure("2025-05-31", MAY, numerator=20, denominator=500),
    figure("2025-05-31", MAY, cohort="most_deprived", numerator=3, denominator=12),
    # an official figure with a note of its own, and one from a Board paper: a row each
    figure("2025-03-31", APRIL, percent=4.0, notes="Synthetic note"),
    figure("2025-03-31", BOARD, percent=30.0),
]


def test_one_row_a_month_newest_first_and_a_column_per_measure_and_group() -> None:
    table = monthly_table(FIGURES)
    assert table is not None
    assert [(m, list(c)) for m, c in table.measures] == [
        ("placed_by_28_weeks", ["all", "ethnic_minority", "most_deprived"]),
        ("receiving_ongoing", ["all"]),
    ]
    assert table.labels == (
        "Placed by 28 wks, all women",
        "Placed by 28 wks, ethnic minority",
        "Placed by 28 wks, most deprived",
        "Receiving, all women",
    )
    assert [str(r.as_of) for r in table.rows] == ["2025-05-31", "2025-04-30"]
    may, april = table.rows
    assert [len(c) for c in may.cells] == [1, 0, 1, 0]
    assert [len(c) for c in april.cells] == [1, 1, 0, 1]
    assert april.provisional and not may.provisional
    assert table.small_numbers and table.failed
    assert recorded(FIGURES) == (FIGURES[5], FIGURES[6])


def test_no_official_figure_no_table() -> None:
    assert monthly_table([FIGURES[6]]) is None
    assert monthly_table([]) is None


def test_the_rows_say_each_figure_in_words_and_cite_the_month_once() -> None:
    table = monthly_table(FIGURES)
    assert table is not None
    html = HTMLParser(f"<table><tbody>{month_rows(table)}</tbody></table>")
    rows = html.css("tbody tr")
    assert len(rows) == 2
    cells = [[" ".join(td.text().split()) for td in row.css("td")] for row in rows]
    assert cells[0] == [
        "May 2025",
        "4.0% (20 of 500)",
        "not recorded",
        "3 of about 12 women",  # under 30 women: counts, never a percentage
        "not recorded",
        "Synthetic <May> & file",
    ]
    assert cells[1][0] == "Apr 2025 (provisional)"
    assert cells[1][1] == "2.8% (15 of 545)"
    assert cells[1][2] == "No figure: data quality failed"
    # A published 5 (any count from 1 to 7) is said as "a few", never as a percentage.
    assert cells[1][4] == "a few of 240 women"
    labels = [td.attributes["data-label"] for td in rows[0].css("td")]
    assert labels[1:5] == list(table.labels) and labels[0] == "Month"
    links = [a.attributes["href"] for a in html.css("a")]
    assert links == [MAY["url"], APRIL["url"]]
    # Text from the files is escaped, never markup.
    assert str(escape(MAY["title"])) in str(month_rows(table))
    assert "<May>" not in str(month_rows(table))
