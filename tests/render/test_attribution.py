"""NHS England's data is republished under the Open Government Licence v3.0, which asks for an
attribution: every report page and every exported file that carries an official figure says
it; a registry of figures from Board papers only (SYNTHETIC) claims no such thing."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser
from typer.testing import Result

Run = Callable[..., Result]
RECORDED_ONLY = """\
version: 1
trusts:
  - id: north
    ods: XN1
    name: North Synthetic NHS Trust
    region: Synthetic
    figures:
      - percent: 12.5
        as_of: 2026-03-31
        source: {title: Board paper (synthetic), kind: board_paper}
"""
STATEMENT = "Contains public sector information licensed under the Open Government Licence v3.0."
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def text_of(page: Path) -> str:
    return " ".join(LexborHTMLParser(page.read_text("utf-8")).body.text().split())  # type: ignore[union-attr]


def test_every_page_of_a_report_with_official_figures_says_the_licence(
    run: Run, tmp_path: Path, write_registry: Callable[[str], Path]
) -> None:
    assert run("report", "--out", str(tmp_path / "site")).exit_code == 0
    pages = [tmp_path / "site" / "index.html", *(tmp_path / "site" / "trusts").glob("*.html")]
    assert len(pages) > 100
    for page in pages:
        assert STATEMENT in text_of(page), page
        assert f'href="{OGL}" rel="license"' in page.read_text("utf-8"), page
    recorded = str(write_registry(RECORDED_ONLY))
    assert run("-r", recorded, "report", "--out", str(tmp_path / "mine")).exit_code == 0
    for page in (tmp_path / "mine").rglob("*.html"):
        assert "Open Government Licence" not in text_of(page)


def test_exported_files_with_official_figures_carry_the_attribution(
    run: Run, write_registry: Callable[[str], Path]
) -> None:
    checked = json.loads(run("check", "stockport", "--format", "json").stdout)
    assert checked["licence"] == {
        "statement": STATEMENT,
        "covers": "NHS England's official statistics and the Trusts' ODS codes",
        "url": OGL,
    }
    rows = list(csv.DictReader(io.StringIO(run("check", "stockport", "--format", "csv").stdout)))
    assert {r["licence"] for r in rows} == {STATEMENT}
    assert STATEMENT in run("check", "stockport", "--format", "markdown").stdout
    shown = json.loads(run("show", "stockport", "--format", "json").stdout)
    assert shown["licence"]["statement"] == STATEMENT
    figures = list(csv.DictReader(io.StringIO(run("show", "stockport", "--format", "csv").stdout)))
    assert figures and all(f["licence"] == STATEMENT for f in figures if f["origin"] == "official")
    assert STATEMENT in run("show", "stockport", "--format", "markdown").stdout
    recorded = str(write_registry(RECORDED_ONLY))
    assert json.loads(run("-r", recorded, "check", "--all", "-f", "json").stdout)["licence"] is None
    assert STATEMENT not in run("-r", recorded, "check", "--all", "--format", "markdown").stdout
    assert json.loads(run("-r", recorded, "show", "north", "-f", "json").stdout)["licence"] is None
