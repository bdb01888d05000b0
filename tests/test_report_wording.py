"""The published report speaks to the public: no command syntax, only what a reader can do."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

ROOT = Path(__file__).resolve().parents[1]
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
