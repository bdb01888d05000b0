"""Golden files: every built-in letter on the fictional demo registry, dated 2026-11-23.

The goldens live in tests/letters/golden/. After a deliberate change to a template or the
demo registry, refresh them and review the diff before committing:

    COCWATCH_UPDATE_GOLDEN=1 python -m pytest tests/letters/test_letters_golden.py
"""

from __future__ import annotations

import email
import os
from collections.abc import Callable
from email import policy
from pathlib import Path

import docx
import pytest
from typer.testing import Result

from tests.letters.helpers import SENDER_OPTIONS
from tests.support.paths import ROOT

Run = Callable[..., Result]
DEMO = ROOT / "examples" / "demo.yaml"
GOLDEN = Path(__file__).resolve().parent / "golden"
AS_OF = ("--as-of", "2026-11-23")
DEMO_TRUSTS = ("example-valley", "example-hill", "example-moor", "example-coast", "example-fen")
UPDATE = os.environ.get("COCWATCH_UPDATE_GOLDEN") == "1"


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"missing golden {path}: run with COCWATCH_UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden file (see the diff above)"


def letter(run: Run, *args: str) -> Result:
    result = run("-r", str(DEMO), "letter", *args, *AS_OF)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.mark.parametrize("trust", DEMO_TRUSTS)
@pytest.mark.parametrize("template", ["board", "mnvp", "foi", "right-of-reply"])
def test_trust_letters_match_their_golden(run: Run, template: str, trust: str) -> None:
    result = letter(run, template, trust, *SENDER_OPTIONS)
    check_golden(f"{template}-{trust}.md", result.stdout)


SHIPPED = ROOT / "data" / "trusts.yaml"
# Trusts of the shipped registry whose April 2025 figures test the wording: RJ1 low against
# England with a receiving Low DQ; R1H with an equity gap; RA9 high, with small groups; R0B
# with no woman recorded on a pathway (COC_DQ05 0 of 0); RTK with a group of no women.
SHIPPED_TRUSTS = ("RJ1", "R1H", "RA9", "R0B", "RTK")


def shipped(run: Run, *args: str) -> Result:
    result = run("-r", str(SHIPPED), "letter", *args, "--as-of", "2026-12-04", *SENDER_OPTIONS)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.mark.parametrize("trust", SHIPPED_TRUSTS)
def test_shipped_board_letters_match_their_golden(run: Run, trust: str) -> None:
    check_golden(f"shipped/board-{trust}.md", shipped(run, "board", trust).stdout)


@pytest.mark.parametrize("template", ["mnvp", "foi", "right-of-reply"])
def test_shipped_rj1_letters_match_their_golden(run: Run, template: str) -> None:
    check_golden(f"shipped/{template}-RJ1.md", shipped(run, template, "RJ1").stdout)


def test_shipped_minister_letter_matches_its_golden(run: Run) -> None:
    check_golden("shipped/minister.md", shipped(run, "minister").stdout)


def test_minister_letter_matches_its_golden(run: Run) -> None:
    check_golden("minister.md", letter(run, "minister", *SENDER_OPTIONS).stdout)


def test_letter_without_sender_shows_placeholders(run: Run) -> None:
    result = letter(run, "foi", "example-fen")
    check_golden("foi-example-fen-no-sender.md", result.stdout)
    assert "[Your name]" in result.stderr


def test_plain_text_matches_its_golden(run: Run) -> None:
    result = letter(run, "board", "example-hill", "--format", "txt", *SENDER_OPTIONS)
    check_golden("board-example-hill.txt", result.stdout)


def test_docx_reads_back_as_its_golden(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "hill.docx"
    letter(run, "board", "example-hill", "--out", str(path), *SENDER_OPTIONS)
    from docx.text.hyperlink import Hyperlink

    document = docx.Document(str(path))
    lines = []
    for p in document.paragraphs:
        style = p.style.name if p.style is not None else ""
        marks = "".join(
            f"<link {r.address}>{r.text}</link>"
            if isinstance(r, Hyperlink)
            else f"<b>{r.text}</b>"
            if r.bold
            else f"<i>{r.text}</i>"
            if r.italic
            else r.text
            for r in p.iter_inner_content()
        )
        lines.append(f"[{style}] {marks}")
    check_golden("board-example-hill.docx.txt", "\n".join(lines) + "\n")


def test_eml_parses_back_as_its_golden(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "mail"
    letter(run, "foi", "example-valley", "--format", "eml", "--out", str(out), *SENDER_OPTIONS)
    message = email.message_from_bytes(
        (out / "foi-example-valley.eml").read_bytes(), policy=policy.default
    )
    headers = "".join(
        f"{k}: {message[k]}\n" for k in ("To", "Cc", "From", "Date", "Subject", "X-Unsent")
    )
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    check_golden("foi-example-valley.eml.txt", headers + "\n" + body.get_content())
