"""`draft_letters` as a library: no CLI, plain values in, a `LetterBatch` out.

The letters it returns are the very letters `cocwatch letter` prints, and what the CLI
would warn about arrives as notes, in order, as data.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.core.models import Sender
from cocwatch.errors import UsageError
from cocwatch.locations import builtin_templates_dir
from cocwatch.registry import load_registry
from cocwatch.templating.drafting import (
    LetterBatch,
    NoteKind,
    draft_letters,
    status_words,
)
from cocwatch.templating.rendering import Letters
from tests.support.paths import DEMO

Run = Callable[..., Result]
AS_OF = date(2026, 11, 23)
# A synthetic sender, as a library caller gives it and as the CLI builds it from its options.
SENDER = Sender(
    name="Jo Tester",
    organisation="Testville Birth Campaign (synthetic)",
    address="1 Test Street, Testville TT1 1TT",
    email="jo@example.org",
)
SENDER_OPTIONS = (
    "--sender-name", SENDER.name or "",
    "--sender-organisation", SENDER.organisation or "",
    "--sender-address", SENDER.address or "",
    "--sender-email", SENDER.email or "",
)  # fmt: skip


def _cli_letter(run: Run, *args: str) -> Result:
    result = run("-r", str(DEMO), "letter", *args, "--as-of", AS_OF.isoformat())
    assert result.exit_code == 0, result.stderr
    return result


def _draft(template: str, *trust_ids: str, **options: object) -> LetterBatch:
    registry = load_registry(str(DEMO), today=AS_OF).registry
    trusts = [t for t in registry.trusts if t.id in trust_ids]
    assert len(trusts) == len(trust_ids)
    letters = Letters(builtin_templates_dir(), None)
    return draft_letters(
        letters,
        template,
        registry,
        trusts,
        as_of=AS_OF,
        sender=options.pop("sender", SENDER),  # type: ignore[arg-type]
        **options,  # type: ignore[arg-type]
    )


def test_a_batch_holds_the_letters_the_cli_prints(run: Run) -> None:
    batch = _draft("board", "example-hill", "example-fen")

    assert batch.template.name == "board"
    assert batch.format == "md"
    assert batch.matched == 2
    ids = [r.context.trust.id for r in batch.letters if r.context.trust]
    assert sorted(ids) == ["example-fen", "example-hill"]
    for letter in batch.letters:
        assert letter.context.trust is not None
        printed = _cli_letter(run, "board", letter.context.trust.id, *SENDER_OPTIONS)
        assert letter.markdown == printed.stdout
        assert batch.data(letter) == printed.stdout.encode("utf-8")
        assert batch.file_name(letter) == f"board-{letter.context.trust.id}.md"
        assert "\n## References\n" in letter.markdown and "Jo Tester" in letter.markdown
    # The board letter invites the campaigner's own paragraph (--experience FILE).
    (use,) = batch.placeholders
    assert use.text == "[Your own experience]"
    assert sorted(use.letters) == ["example-fen", "example-hill"]
    assert batch.placeholder_summary == "[Your own experience] in every letter"
    assert [n.kind for n in batch.notes] == [NoteKind.PLACEHOLDERS, NoteKind.NO_FIGURES]
    assert batch.notes[1].text.startswith(
        "1 letter says no figures could be found for the Trust (example-fen)."
    )


def test_placeholders_arrive_as_data_and_as_a_warning(run: Run) -> None:
    batch = _draft("foi", "example-fen", sender=Sender())

    (letter,) = batch.letters
    printed = _cli_letter(run, "foi", "example-fen")
    assert letter.markdown == printed.stdout
    texts = [use.text for use in batch.placeholders]
    assert "[Your name]" in texts
    assert all(use.letters == ("example-fen",) for use in batch.placeholders)
    assert batch.placeholder_summary == "; ".join(texts)  # one letter: no "in every letter"
    (note,) = [n for n in batch.notes if n.kind is NoteKind.PLACEHOLDERS]
    assert note.warning
    assert note.text.startswith(f"placeholders to fill in before sending: {'; '.join(texts)}.")
    assert printed.stderr.startswith(f"Warning: {note.text}\n")


def test_an_email_draft_needs_the_recipients_address() -> None:
    registry_has_no_foi_email = _draft("foi", "example-fen", fmt="eml")
    uses = {u.text for u in registry_has_no_foi_email.placeholders}
    letter = registry_has_no_foi_email.letters[0]
    assert letter.context.letter.email is True
    wanted = f"[Email address of the {letter.context.recipient.role_title}]"
    assert (wanted in uses) == (letter.context.recipient.email is None)
    data = registry_has_no_foi_email.data(letter)
    assert b"X-Unsent: 1" in data


def test_the_status_filter_keeps_only_matching_trusts() -> None:
    everyone = ("example-valley", "example-hill", "example-moor", "example-coast", "example-fen")
    batch = _draft("board", *everyone, only=status_words("fail"))
    assert 0 < batch.matched < len(everyone)
    for letter in batch.letters:
        assert letter.context.assessment is not None
        assert letter.context.assessment.severity == "fail"

    nobody = _draft("board", "example-hill", only={"met"})
    assert nobody.matched == 0 and nobody.letters == () and nobody.notes == ()
    with pytest.raises(ValueError, match="not a severity, status or finding: failing"):
        _draft("board", "example-hill", only={"failing"})


def test_status_words_come_from_the_models_and_name_every_choice() -> None:
    assert status_words(" Fail, on-track ") == {"fail", "on_track"}
    with pytest.raises(UsageError) as caught:
        status_words("failing")
    message = str(caught.value)
    # A Trust's severities only: a note never is one, so `--status note` would match nothing.
    assert "ok, warn, fail; no_target, no_data, met, missed, behind, on_track; no_plan" in message


def test_a_national_letter_takes_no_trust(run: Run) -> None:
    batch = _draft("minister")
    (letter,) = batch.letters
    assert letter.context.trust is None
    assert batch.file_name(letter) == "minister.md"
    assert letter.markdown == _cli_letter(run, "minister", *SENDER_OPTIONS).stdout
    with pytest.raises(ValueError, match="national"):
        _draft("minister", "example-hill")


def test_a_follow_up_with_nothing_logged_is_skipped_with_a_note() -> None:
    batch = _draft("foi-review", "example-hill", "example-fen", log_location="log.yaml")
    assert batch.letters == ()
    skipped = [n for n in batch.notes if n.kind is NoteKind.SKIPPED]
    assert len(skipped) == 2
    assert not any(n.warning for n in skipped)
    assert skipped[0].text.startswith("Skipped: The 'foi-review' letter follows up")
    assert "the correspondence log (log.yaml) has none to" in skipped[0].text
    with pytest.raises(UsageError, match="log it first"):
        _draft("foi-review", "example-hill")


def test_the_cli_says_so_when_a_follow_up_skips_every_trust(run: Run, tmp_path: Path) -> None:
    registry = tmp_path / "demo.yaml"
    shutil.copy(DEMO, registry)  # no correspondence log beside it: nothing to follow up
    result = run(
        "-r", str(registry), "letter", "foi-review", "example-hill", "example-fen",
        "--as-of", "2026-11-23",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    skipped = [line for line in result.stderr.splitlines() if line.startswith("Skipped: ")]
    assert len(skipped) == 2
    assert f"the correspondence log ({tmp_path / 'correspondence.yaml'})" in skipped[0]
    assert result.stderr.endswith("No letters drafted.\n")
