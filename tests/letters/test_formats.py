"""The letter output formats: one mapping (`LETTER_WRITERS`) that --format, its help, the
writers and the letter context (`letter.format`, `letter.email`) all read."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.core.models import Sender
from cocwatch.locations import builtin_templates_dir
from cocwatch.registry import load_registry
from cocwatch.templating.drafting import draft_letters
from cocwatch.templating.formats import LETTER_FORMATS, LETTER_WRITERS, letter_bytes
from cocwatch.templating.rendering import Letters
from tests.support.paths import DEMO

AS_OF = date(2026, 11, 23)


def test_the_formats_are_the_writers(run: Callable[..., Result]) -> None:
    assert tuple(LETTER_WRITERS) == LETTER_FORMATS
    help_text = run("letter", "--help", env={"COLUMNS": "200"}).stdout
    assert f"--format {'|'.join(LETTER_FORMATS)}" in help_text
    for writer in LETTER_WRITERS.values():
        assert writer.description in help_text
    assert [n for n, w in LETTER_WRITERS.items() if not w.printable] == ["docx"]
    assert [n for n, w in LETTER_WRITERS.items() if w.email] == ["eml"]


@pytest.mark.parametrize("fmt", LETTER_FORMATS)
def test_each_writer_writes_the_same_letter_in_its_own_form(fmt: str) -> None:
    registry = load_registry(str(DEMO), today=AS_OF).registry
    hill = [t for t in registry.trusts if t.id == "example-hill"]
    batch = draft_letters(
        Letters(builtin_templates_dir(), None),
        "board",
        registry,
        hill,
        as_of=AS_OF,
        sender=Sender(name="Jo Tester (synthetic)", email="jo@example.org"),
        fmt=fmt,
    )
    (letter,) = batch.letters
    assert letter.context.letter.format == fmt
    assert letter.context.letter.email is (fmt == "eml")
    data = batch.data(letter)
    assert data == letter_bytes(letter, fmt)
    assert batch.file_name(letter) == f"board-example-hill.{fmt}"
    if fmt == "md":
        assert data.decode("utf-8") == letter.markdown
    elif fmt == "txt":
        text = data.decode("utf-8")
        assert "**" not in text and "Yours sincerely" in text
    elif fmt == "docx":
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert "word/document.xml" in names
    else:
        draft = message_from_bytes(data, policy=policy.default)
        assert draft["X-Unsent"] == "1"
        assert draft["Subject"] == letter.subject
        assert "jo@example.org" in str(draft["From"])
    with pytest.raises(ValueError, match="unknown letter format"):
        letter_bytes(letter, "pdf")


def test_an_unknown_format_is_refused_naming_every_one(run: Callable[..., Result]) -> None:
    result = run("-r", str(DEMO), "letter", "board", "example-hill", "--format", "pdf")
    assert result.exit_code == 2
    assert f"--format 'pdf' is not one of {', '.join(LETTER_FORMATS)}." in result.stderr


def test_a_format_is_read_in_any_case_with_or_without_its_dot(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    out = tmp_path / "letter.docx"
    result = run("-r", str(DEMO), "letter", "board", "example-hill", "-f", ".DOCX", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert zipfile.is_zipfile(out)
