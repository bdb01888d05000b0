"""Small things a new user trips over, each checked where the user sees it."""

from __future__ import annotations

import email
import os
import re
import stat
from collections.abc import Callable
from email import policy
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.locations import shipped_registry
from tests.support.msds import OCTOBER, measures_csv
from tests.support.paths import DEMO
from tests.support.registries import MINIMAL_REGISTRY

Run = Callable[..., Result]


def test_one_trust_is_one_trust(run: Run) -> None:
    result = run("trusts", "leeds")
    assert result.exit_code == 0, result.output
    assert "1 Trust in" in result.stdout and "1 trusts" not in result.stdout


def test_one_unmatched_ods_code_is_one_code(run: Run, tmp_path: Path) -> None:
    registry = tmp_path / "trusts.yaml"
    registry.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    csv = tmp_path / "measures.csv"
    csv.write_text(measures_csv(OCTOBER), encoding="utf-8")  # XX9 is not in the registry
    result = run("-r", str(registry), "import", "msds", str(csv), "--source-url",
                 "https://example.org/msds-october")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 ODS code matches no Trust" in result.stderr


@pytest.mark.parametrize("typed", ["17.2%", "17.2 %", "17.2"])
def test_percent_may_carry_its_sign(run: Run, tmp_path: Path, typed: str) -> None:
    registry = tmp_path / "trusts.yaml"
    registry.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    result = run(
        "record", "figure", "example-south", "--percent", typed, "--as-of", "2024-06-30",
        "--source-url", "https://example.org/board", "-r", str(registry),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "percent: 17.2" in registry.read_text(encoding="utf-8")


def test_a_percent_that_is_not_a_number_is_a_usage_error(run: Run, tmp_path: Path) -> None:
    registry = tmp_path / "trusts.yaml"
    registry.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    result = run(
        "record", "figure", "example-south", "--percent", "about 17", "--as-of", "2024-06-30",
        "--source-url", "https://example.org/board", "-r", str(registry),
    )  # fmt: skip
    assert result.exit_code == 2
    assert "is not a percentage" in result.stderr


def test_a_second_commit_says_nothing_new(run: Run, tmp_path: Path) -> None:
    registry = tmp_path / "trusts.yaml"
    registry.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    csv = tmp_path / "measures.csv"
    csv.write_text(measures_csv(OCTOBER), encoding="utf-8")
    args = ("-r", str(registry), "import", "msds", str(csv), "--source-url",
            "https://example.org/msds-october", "--commit")  # fmt: skip
    first = run(*args)
    assert first.exit_code == 0 and "Imported from" in first.stdout
    second = run(*args)
    assert second.exit_code == 0, second.output
    assert "Would import" not in second.stdout
    assert second.stdout == ""  # nothing to show: cron mails nothing
    assert "Nothing new" in second.stderr and "already in the statistics folder" in second.stderr


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_letters_and_the_report_get_the_usual_permissions(run: Run, tmp_path: Path) -> None:
    """Under the common umask 022 a letter and a report page are 0644, as any file one makes."""
    old = os.umask(0o022)
    try:
        letters = tmp_path / "letters"
        assert (
            run("-r", str(DEMO), "letter", "board", "--all", "--out", str(letters)).exit_code == 0
        )
        site = tmp_path / "site"
        assert run("-r", str(DEMO), "report", "--out", str(site)).exit_code == 0
    finally:
        os.umask(old)
    assert {_mode(p) for p in letters.iterdir()} == {0o644}
    pages = [site / "index.html", *(site / "trusts").iterdir()]
    assert {_mode(p) for p in pages} == {0o644}


def test_the_chart_says_which_day_as_of_is(run: Run, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert (
        run("-r", str(DEMO), "report", "--out", str(site), "--as-of", "2026-11-23").exit_code == 0
    )
    page = (site / "trusts" / "example-hill.html").read_text(encoding="utf-8")
    assert ">as of 23 Nov 2026</text>" in page


def test_watch_news_uses_words_for_statuses(run: Run, tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite3"
    watch = ("-r", str(DEMO), "watch", "--state", str(state), "--as-of")
    assert run(*watch, "2026-01-01").exit_code == 0
    result = run(*watch, "2027-06-30")
    assert result.exit_code == 0, result.output
    changes = [line.split(":", 1)[1] for line in result.stdout.splitlines() if "cohort:" in line]
    assert "no data -> behind" in "".join(changes)
    assert not any(word in "".join(changes) for word in ("no_data", "on_track", "no_target"))


def test_a_long_email_subject_has_no_leading_space(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "mail"
    result = run("letter", "foi", "--all", "--format", "eml", "--out", str(out))
    assert result.exit_code == 0, result.output
    names = _shipped_names()
    for path in out.iterdir():
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        subject = str(message["Subject"])
        assert subject == subject.strip(), f"{path.name}: {subject!r}"
        assert names[path.stem.removeprefix("foi-")] in subject


def _shipped_names() -> dict[str, str]:
    from datetime import date

    from cocwatch.registry import load_registry

    loaded = load_registry(str(shipped_registry()), today=date(2026, 11, 23))
    return {t.id: t.name for t in loaded.registry.trusts}


def test_letter_help_names_every_built_in_template(run: Run) -> None:
    from cocwatch.locations import builtin_templates_dir

    built_in = sorted(
        p.name.removesuffix(".md.j2")
        for p in builtin_templates_dir().glob("*.md.j2")
        if not p.name.startswith("_")
    )
    assert {"chaser", "foi-review", "ico-complaint", "board"} <= set(built_in)
    for command in ("letter", "sent"):
        # The help may wrap a name at its hyphen ("right-of-" / "reply").
        text = re.sub(r"-\n\s*", "-", run(command, "--help", env={"COLUMNS": "200"}).stdout)
        shown = " ".join(text.split())
        assert f"({', '.join(built_in)})" in shown, command


def test_the_foi_letter_says_a_published_5_in_a_sentence(run: Run) -> None:
    """Stockport's April 2025 placement count was published as 5 ('a few'), not 'NHS
    England's: A few of 225'."""
    letter = " ".join(run("letter", "foi", "stockport").stdout.split())
    assert (
        "The most recent official figure I have, from NHS England, is that a few of 225 women "
        "reaching 29 weeks of pregnancy in April 2025 were placed on a continuity of carer "
        "pathway" in letter
    )
    assert "NHS England's: " not in letter


def test_no_help_breaks_a_default_web_address_across_lines() -> None:
    """An address cut at the end of a help line cannot be copied: help names it whole, or
    says where to see it (`config show`)."""
    from cocwatch.core.web import WEB_ADDRESSES

    reference = Path(__file__).parents[2] / "docs" / "reference" / "commands.md"
    shown = re.findall(r"https?://\S+", reference.read_text(encoding="utf-8"))
    assert shown, "the commands reference names some addresses"
    for address in shown:
        address = address.rstrip(").,;'`")
        for web in WEB_ADDRESSES:
            assert not (web.default.startswith(address) and web.default != address), address
