"""The published report speaks to the public: no command syntax, only what a reader can do."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from tests.support.paths import ROOT

DEMO = ROOT / "examples" / "demo.yaml"
COMMAND = re.compile(r"`|\bcocwatch (?:letter|record|replied|check|import)\b|--\w")


def test_no_page_of_the_report_shows_command_syntax(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    for registry in (str(DEMO), None):  # the demo and the shipped registry
        out = tmp_path / ("demo" if registry else "shipped")
        args = ["-r", registry] if registry else []
        result = run(*args, "report", "--out", str(out), "--as-of", "2026-11-23")
        assert result.exit_code == 0, result.stderr
        pages = [out / "index.html", *sorted((out / "trusts").glob("*.html"))]
        assert len(pages) > 5
        for page in pages:
            text = re.sub(r"<(script|style)\b.*?</\1>", "", page.read_text("utf-8"), flags=re.S)
            visible = re.sub(r"<[^>]+>", " ", text)
            found = COMMAND.search(visible)
            assert found is None, (
                f"{page.name}: {visible[max(0, found.start() - 80) : found.end() + 40]}"
            )


def test_a_trust_with_no_recorded_plan_is_told_how_to_ask_in_words(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    result = run("-r", str(DEMO), "report", "--out", str(tmp_path), "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "trusts" / "example-coast.html").read_text("utf-8")
    assert "Freedom of Information request" in page


def _latest_cells(page: str) -> dict[str, str]:
    """The 'Latest figure' cell of each group in a Trust page's status table, as text."""
    rows = re.findall(
        r'data-label="Group">([^<]+)</td>.*?data-label="Latest">(.*?)</td>', page, flags=re.S
    )
    return {
        group: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for group, cell in rows
    }


def test_a_group_with_figures_of_another_measure_only_is_not_said_to_have_none(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    # Shipped registry, real MSDS figures: Guy's and St Thomas' (RJ1) has 2.6% of women from
    # ethnic-minority groups placed on a pathway, but the group's benchmark counts women
    # receiving continuity of carer, whose figure failed data quality.
    result = run("report", "--out", str(tmp_path), "--as-of", "2025-06-01")
    assert result.exit_code == 0, result.stderr
    cells = _latest_cells((tmp_path / "trusts" / "guys-and-st-thomas.html").read_text("utf-8"))
    said = "no figure of the measure its benchmark uses (receiving continuity of carer)"
    # The groups as MSDS defines them (its BAME group and its most deprived decile).
    assert (
        cells["Women from Black, Asian and White-and-Black or White-and-Asian mixed backgrounds"]
        == said
    )
    assert cells["Women from the most deprived 10% of neighbourhoods"] == said
    assert cells["All women"].startswith("2.8%")
    check = run("check", "RJ1", "--as-of", "2025-06-01")
    assert said in re.sub(r"\s+", " ", check.stdout)


def test_a_group_without_any_figure_is_still_none_recorded(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    result = run("-r", str(DEMO), "report", "--out", str(tmp_path), "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    texts = [
        cell
        for page in (tmp_path / "trusts").glob("*.html")
        for cell in _latest_cells(page.read_text("utf-8")).values()
    ]
    assert "none recorded" in texts
