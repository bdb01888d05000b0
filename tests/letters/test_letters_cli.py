"""`cocwatch letter` and `cocwatch templates` through the CLI (synthetic registry only)."""

from __future__ import annotations

import email
import json
import os
import re
import stat
from collections.abc import Callable
from email import policy
from pathlib import Path

import docx
from typer.testing import Result

from tests.letters.helpers import SENDER_OPTIONS

Run = Callable[..., Result]


def letter(run: Run, registry: Path, *args: str) -> Result:
    return run("-r", str(registry), "letter", *args)


def test_one_board_letter_goes_to_stdout_with_figures_benchmarks_and_sources(
    run: Run, registry: Path
) -> None:
    result = letter(run, registry, "board", "synth-alpha", *SENDER_OPTIONS)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "23 November 2026" in out  # COCWATCH_TODAY
    assert "Dear Ms Testcase" in out and "Yours sincerely" in out
    assert "Ms Jane Testcase\\\nChief Executive\\\nSynthetic Alpha NHS Trust" in out
    assert (
        "17.3% of women reaching 29 weeks of pregnancy in September 2026 were placed on a "
        "continuity of carer pathway [1]" in out
    )
    assert "the Trust's own plan, which aimed for 35% by 31 March 2025 [2]" in out
    assert (
        "12.7% of women from Black, Asian and White-and-Black or White-and-Asian mixed "
        "backgrounds" in out
    )
    assert "the national target of 75% by 31 March 2024 [3], withdrawn on 21 September 2022" in out
    assert "I would be grateful for a reply by 22 December 2026." in out
    # Every national target is withdrawn by the letter's date: the letter says so, with a source.
    assert "On 21 September 2022 NHS England told Trusts that it was removing all national" in out
    assert "rcm-welcomes-removal-of-continuity-of-carer-targets" in out
    assert "1. Synthetic MSDS September 2026. https://example.org/msds/2026-09" in out
    assert "2. Synthetic Alpha NHS Trust: continuity of carer plan" in out
    assert "cc: Dr Raj Fixture, Chair; Board Maternity Safety Champion" in out
    # The writer's own paragraph is invited and reported as a placeholder.
    assert "[Your own experience:" in out
    assert "[Your own experience]" in result.stderr


def test_every_citation_has_a_reference_and_every_reference_is_cited(
    run: Run, registry: Path
) -> None:
    for name, trust in (("board", "synth-alpha"), ("mnvp", "synth-gamma"), ("foi", "synth-alpha")):
        out = letter(run, registry, name, trust, *SENDER_OPTIONS).stdout
        body, _, refs = out.partition("## References")
        cited = {
            int(n) for group in re.findall(r"\[(\d+(?:, \d+)*)\]", body) for n in group.split(", ")
        }
        listed = [int(n) for n in re.findall(r"^(\d+)\. ", refs, flags=re.M)]
        assert listed == list(range(1, len(listed) + 1))
        assert cited == set(listed), name


def test_several_trusts_need_out(run: Run, registry: Path) -> None:
    result = letter(run, registry, "board", "--all")
    assert result.exit_code == 2
    assert "give --out DIR" in result.stderr


def test_out_dir_writes_one_file_per_open_trust(run: Run, registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "letters"
    result = letter(run, registry, "foi", "--all", "--out", str(out), *SENDER_OPTIONS)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "foi-synth-alpha.md",
        "foi-synth-beta.md",
        "foi-synth-gamma.md",
    ]
    assert "Wrote 3 letters" in result.stderr
    gamma = (out / "foi-synth-gamma.md").read_text(encoding="utf-8")
    assert "Gamma Test Hospital\\\n3 Gamma Road\\\nTestville TG3 3CC" in gamma
    assert "that is 22 December 2026" in gamma


def test_letters_get_the_users_usual_permissions(run: Run, registry: Path, tmp_path: Path) -> None:
    """A draft is the user's own document: readable as any file they make (it was 0600)."""
    out = tmp_path / "letters"
    previous = os.umask(0o022)
    try:
        assert letter(run, registry, "foi", "--all", "--out", str(out)).exit_code == 0
        single = tmp_path / "one.md"
        assert letter(run, registry, "foi", "synth-beta", "--out", str(single)).exit_code == 0
        modes = {stat.S_IMODE(p.stat().st_mode) for p in [*out.iterdir(), single]}
        assert modes == {0o644}
        single.chmod(0o600)  # a file the user made private stays private when replaced
        again = letter(run, registry, "foi", "synth-beta", "--out", str(single), "--overwrite")
        assert again.exit_code == 0
        assert stat.S_IMODE(single.stat().st_mode) == 0o600
    finally:
        os.umask(previous)


def test_existing_files_are_never_overwritten_without_overwrite(
    run: Run, registry: Path, tmp_path: Path
) -> None:
    out = tmp_path / "letters"
    out.mkdir()
    kept = out / "foi-synth-beta.md"
    kept.write_text("my edited draft", encoding="utf-8")
    result = letter(run, registry, "foi", "--all", "--out", str(out))
    assert result.exit_code == 2
    assert "1 file already exists: " in result.stderr and "--overwrite" in result.stderr
    assert kept.read_text(encoding="utf-8") == "my edited draft"
    assert sorted(p.name for p in out.iterdir()) == ["foi-synth-beta.md"]  # nothing written
    again = letter(run, registry, "foi", "--all", "--out", str(out), "--overwrite")
    assert again.exit_code == 0, again.stderr
    assert "Freedom of Information Act 2000" in kept.read_text(encoding="utf-8")


def test_status_filter_picks_trusts_by_severity_status_or_finding(
    run: Run, registry: Path, tmp_path: Path
) -> None:
    out = tmp_path / "by-status"
    result = letter(
        run, registry, "board", "--all", "--status", "no_plan,missed", "--out", str(out)
    )
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "board-synth-alpha.md",
        "board-synth-gamma.md",
    ]
    bad = letter(run, registry, "board", "--all", "--status", "awful")
    assert bad.exit_code == 2
    assert "awful" in bad.stderr and "no_plan" in bad.stderr


def test_status_words_are_the_declared_ones_in_the_help_and_the_filter(
    run: Run, registry: Path, tmp_path: Path
) -> None:
    from cocwatch.core.kinds import TRUST_SEVERITIES, FindingCode, Status

    help_text = " ".join(run("letter", "--help").stdout.split())
    for words in (TRUST_SEVERITIES, Status, FindingCode):
        assert f"({', '.join(words)})" in help_text
    every = ",".join([*TRUST_SEVERITIES, *Status, *FindingCode])
    out = str(tmp_path / "out")
    assert letter(run, registry, "board", "--status", every, "--out", out).exit_code == 0
    note = letter(run, registry, "board", "--status", "note", "--out", out)  # never a Trust's
    assert note.exit_code == 2 and "note is not a severity" in note.stderr


def test_status_filter_with_no_match_writes_nothing(run: Run, registry: Path) -> None:
    result = letter(run, registry, "board", "synth-beta", "--status", "met")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "No Trust matches --status met" in result.stderr


def test_national_letter_uses_the_whole_registry(run: Run, registry: Path, tmp_path: Path) -> None:
    result = letter(run, registry, "minister", *SENDER_OPTIONS)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Dear Secretary of State" in out and "Yours sincerely" in out
    # Absence in the registry is never stated as absence in the world.
    assert "could not find" not in out and "could find no" not in out
    assert "Synthetic Gamma NHS Trust" not in out  # "none" without a source is not asserted
    assert (
        "Most women on a pathway (synthetic test target) [1]; withdrawn on 21 September 2022" in out
    )
    assert "15.9% of women could be offered continuity of carer in October 2020" in out
    assert "Synthetic Closed" not in out
    wrong = letter(run, registry, "minister", "synth-alpha")
    assert wrong.exit_code == 2 and "national" in wrong.stderr
    written = letter(run, registry, "minister", "--out", str(tmp_path / "n"), *SENDER_OPTIONS)
    assert written.exit_code == 0
    assert [p.name for p in (tmp_path / "n").iterdir()] == ["minister.md"]


def test_missing_sender_and_recipient_details_are_placeholders_and_strict_refuses(
    run: Run, registry: Path, tmp_path: Path
) -> None:
    result = letter(run, registry, "foi", "synth-beta")
    assert result.exit_code == 0
    for text in ("[Your name]", "[Your postal address or email address]"):
        assert text in result.stdout
        assert text in result.stderr
    assert "[Postal address of the Freedom of Information Officer]" in result.stdout
    out = tmp_path / "strict"
    strict = letter(run, registry, "foi", "synth-beta", "--strict", "--out", str(out))
    assert strict.exit_code == 3
    assert "--strict" in strict.stderr and "[Your name]" in strict.stderr
    assert not out.exists()


def test_strict_passes_when_every_detail_is_known(run: Run, registry: Path, tmp_path: Path) -> None:
    own = tmp_path / "mine.txt"
    own.write_text("My own synthetic paragraph about care.", encoding="utf-8")
    result = letter(
        run, registry, "board", "synth-alpha", "--strict", "--experience", str(own), *SENDER_OPTIONS
    )
    assert result.exit_code == 0, result.stderr
    assert "My own synthetic paragraph about care." in result.stdout
    assert "Warning" not in result.stderr


def test_sender_comes_from_the_config_file(run: Run, registry: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "sender: {name: Cy Config, organisation: Config Group (synthetic), "
        'address: "9 Config Row\\nTestville TC9 9CC"}\n',
        encoding="utf-8",
    )
    result = run("-r", str(registry), "--config", str(config), "letter", "foi", "synth-gamma")
    assert result.exit_code == 0, result.stderr
    assert "9 Config Row\\\nTestville TC9 9CC" in result.stdout
    assert "Cy Config\\\nConfig Group (synthetic)" in result.stdout
    assert "Yours faithfully" in result.stdout  # no named FOI officer


def test_txt_has_no_markup(run: Run, registry: Path) -> None:
    out = letter(run, registry, "board", "synth-alpha", "--format", "txt", *SENDER_OPTIONS).stdout
    assert "**" not in out and "\\\n" not in out and "## " not in out
    assert "Ms Jane Testcase\nChief Executive\n" in out
    assert "\nReferences\n\n1. Synthetic MSDS September 2026." in out


def test_docx_is_a_real_word_document(run: Run, registry: Path, tmp_path: Path) -> None:
    path = tmp_path / "alpha.docx"
    result = letter(run, registry, "board", "synth-alpha", "--out", str(path), *SENDER_OPTIONS)
    assert result.exit_code == 0, result.stderr
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert "Dear Ms Testcase" in texts
    assert any(
        p.style.name.startswith("Heading") and p.text == "References" for p in document.paragraphs
    )
    assert any(t.startswith("1.\tSynthetic MSDS September 2026.") for t in texts)
    assert any(t.startswith("Ms Jane Testcase\nChief Executive\n") for t in texts)
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "Midwifery continuity of carer at Synthetic Alpha NHS Trust" in bold
    assert document.core_properties.author == "Jo Tester"


def test_eml_is_an_unsent_draft_to_the_recorded_contact(
    run: Run, registry: Path, tmp_path: Path
) -> None:
    out = tmp_path / "mail"
    result = letter(
        run, registry, "board", "synth-alpha", "--format", "eml", "--out", str(out), *SENDER_OPTIONS
    )
    assert result.exit_code == 0, result.stderr
    message = email.message_from_bytes(
        (out / "board-synth-alpha.eml").read_bytes(), policy=policy.default
    )
    assert message["To"] == "Ms Jane Testcase <ceo@alpha.example.org>"
    assert message["Cc"] == "Dr Raj Fixture <chair@alpha.example.org>"
    assert message["From"] == "Jo Tester <jo@example.org>"
    assert message["Subject"] == "Midwifery continuity of carer at Synthetic Alpha NHS Trust"
    assert message["X-Unsent"] == "1"
    assert message["Date"].datetime.date().isoformat() == "2026-11-23"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert text.startswith("Dear Ms Testcase\n")  # no postal blocks in an email
    assert "17.3% of women" in text and "**" not in text


def test_eml_without_a_recorded_email_warns_and_has_no_to(run: Run, registry: Path) -> None:
    result = letter(run, registry, "board", "synth-gamma", "--format", "eml", *SENDER_OPTIONS)
    assert result.exit_code == 0
    message = email.message_from_string(result.stdout, policy=policy.default)
    assert message["To"] is None and message["X-Unsent"] == "1"
    assert "[Email address of the Chief Executive]" in result.stderr


def test_out_file_extension_chooses_the_format_and_must_agree(
    run: Run, registry: Path, tmp_path: Path
) -> None:
    path = tmp_path / "one.txt"
    assert letter(run, registry, "foi", "synth-alpha", "--out", str(path)).exit_code == 0
    assert "**" not in path.read_text(encoding="utf-8")
    clash = letter(
        run, registry, "foi", "synth-alpha", "--out", str(tmp_path / "x.md"), "--format", "txt"
    )
    assert clash.exit_code == 2
    several = letter(run, registry, "foi", "--all", "--out", str(tmp_path / "x.md"))
    assert several.exit_code == 2 and "folder" in several.stderr


def test_unknown_template_and_trust_are_usage_errors(run: Run, registry: Path) -> None:
    result = letter(run, registry, "bord", "synth-alpha")
    assert result.exit_code == 2
    assert "Did you mean board?" in result.stderr
    assert letter(run, registry, "board", "nowhere").exit_code == 2
    assert letter(run, registry, "board", "synth-alpha", "--format", "pdf").exit_code == 2


def test_the_letter_date_follows_as_of(run: Run, registry: Path) -> None:
    result = letter(run, registry, "foi", "synth-alpha", "--as-of", "2022-09-01", *SENDER_OPTIONS)
    assert result.exit_code == 0, result.stderr
    # The state funeral (19 September 2022) is not a working day.
    assert (
        "If this request reaches you on 1 September 2022, that is 30 September 2022."
        in result.stdout
    )
    assert "Maternity Voices Partnership" in result.stdout  # not yet renamed
    assert "Neonatal" not in result.stdout


def test_named_closed_trust_still_gets_a_letter(run: Run, registry: Path) -> None:
    result = letter(run, registry, "foi", "synth-closed", *SENDER_OPTIONS)
    assert result.exit_code == 0, result.stderr
    assert "Synthetic Closed NHS Trust" in result.stdout


def test_templates_lists_builtins_and_user_overrides(run: Run, tmp_path: Path) -> None:
    listed = run("templates", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [r["name"] for r in rows] == [
        "board",
        "chaser",
        "foi",
        "foi-review",
        "ico-complaint",
        "lmns",
        "minister",
        "mnvp",
        "mp",
        "right-of-reply",
    ]
    assert {r["scope"] for r in rows} == {"trust", "icb", "national"}
    assert all(r["builtin"] and r["description"] for r in rows)
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "board.md.j2").write_text(
        "---\ntitle: My board letter\nrecipient: chair\nscope: trust\ndescription: Mine.\n---\n"
        "Hello {{ trust.name }}\n",
        encoding="utf-8",
    )
    over = json.loads(run("templates", "--template-dir", str(mine), "--format", "json").stdout)
    board = next(r for r in over if r["name"] == "board")
    assert (board["builtin"], board["overrides_builtin"], board["recipient"]) == (
        False,
        True,
        "chair",
    )
    table = run("templates", "--template-dir", str(mine), "--format", "markdown")
    assert f"| {mine} (replaces the built-in) |" in table.stdout


def test_templates_fields_documents_the_context(run: Run) -> None:
    result = run("templates", "--fields")
    assert result.exit_code == 0
    assert "| `reply_by_long` | str |" in result.stdout
    assert "**CohortView**" in result.stdout


def test_out_with_a_suffix_cocwatch_does_not_write_is_refused(
    run: Run, registry: Path, tmp_path: Path
) -> None:
    target = tmp_path / "letter.pdf"
    result = letter(run, registry, "foi", "synth-alpha", "--out", str(target))
    assert result.exit_code == 2
    assert "cocwatch does not write .pdf files" in result.stderr
    assert f"--out {tmp_path / 'letter.docx'}" in result.stderr and "convert" in result.stderr
    assert not target.exists()  # no folder named letter.pdf
    folder = tmp_path / "drafts.2026"  # a folder whose name has a dot and digits is fine
    assert letter(run, registry, "foi", "--all", "--out", str(folder)).exit_code == 0
    assert folder.is_dir()


def test_style_says_the_comparisons_plainly_or_with_their_methods(run: Run) -> None:
    """The shipped registry (real April 2025 figures): plain words by default; --style
    technical names the levels, the funnel and the data-quality code in the body."""
    plain = run("letter", "board", "RJN", "--as-of", "2026-12-04")
    technical = run("letter", "board", "RJN", "--as-of", "2026-12-04", "--style", "Technical")
    assert plain.exit_code == technical.exit_code == 0, plain.stderr + technical.stderr
    plain_body = plain.stdout.split("## References")[0]
    technical_body = technical.stdout.split("## References")[0]
    assert "99.8%" not in plain_body and "COC_DQ09" not in plain_body
    assert "below England's 17.1%; chance is unlikely to explain it" in plain_body
    assert "COC_DQ09 failed" in plain.stdout.split("## References")[1]
    assert "lower than England's 17.1% at the 95% level; at 99.8% it depends" in technical_body
    assert "Where it falls on the funnel depends on" in technical_body
    assert "In NHS England's data-quality measures for that month, COC_DQ09 failed" in (
        technical_body
    )
    wrong = run("letter", "board", "RJN", "--style", "fancy")
    assert wrong.exit_code == 2
    assert "--style 'fancy' is not one of plain, technical." in wrong.stderr
