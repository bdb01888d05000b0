"""Naming Trusts as people type them: words, not letters inside words; names with spaces."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.core.trust_names import match_trust, name_words
from cocwatch.locations import shipped_registry
from cocwatch.registry import load_registry
from tests.support.paths import DEMO

Run = Callable[..., Result]
TRUSTS = load_registry(str(shipped_registry()), today=date(2026, 11, 23)).registry.trusts


def test_name_words_drop_apostrophes_and_punctuation() -> None:
    assert name_words("Guy's and St Thomas’ NHS Foundation Trust") == [
        "guys", "and", "st", "thomas", "nhs", "foundation", "trust",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("rj1", "guys-and-st-thomas"),
        ("RJ1", "guys-and-st-thomas"),
        ("guys-and-st-thomas", "guys-and-st-thomas"),
        ("st thomas", "guys-and-st-thomas"),
        ("guys and st thomas", "guys-and-st-thomas"),
        ("Guy's and St Thomas' NHS Foundation Trust", "guys-and-st-thomas"),
        ("guys", "guys-and-st-thomas"),
        ("leic", "university-hospitals-of-leicester"),
        ("university hospitals birmingham", "university-hospitals-birmingham"),
        ("leeds teaching hospitals nhs trust", "leeds-teaching-hospitals"),
    ],
)
def test_a_clear_name_finds_one_trust(typed: str, expected: str) -> None:
    assert [t.id for t in match_trust(TRUSTS, typed)] == [expected]


@pytest.mark.parametrize("typed", ["st", "birmingham", "hospitals"])
def test_an_unclear_name_finds_several(typed: str) -> None:
    found = match_trust(TRUSTS, typed)
    assert 1 < len(found) < 60
    assert all(typed in name_words(t.name) for t in found)


def test_a_word_is_not_found_inside_another_word() -> None:
    # "st" is inside "Trust" and "Staffordshire"; only Trusts with the word St are meant
    assert all("st" in name_words(t.name) for t in match_trust(TRUSTS, "st"))
    assert match_trust(TRUSTS, "rust") == []


def test_show_takes_a_name_with_spaces_unquoted(run: Run) -> None:
    result = run("show", "guys", "and", "st", "thomas", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["trust"]["id"] == "guys-and-st-thomas"


def test_words_that_belong_together_are_read_as_one_name(run: Run) -> None:
    result = run("check", "st", "thomas", "leeds", "--format", "json")
    assert result.exit_code in (0, 1), result.output
    ids = [t["id"] for t in json.loads(result.stdout)["trusts"]]
    assert sorted(ids) == ["guys-and-st-thomas", "leeds-teaching-hospitals"]


def test_an_unclear_word_among_several_says_to_use_quotes(run: Run) -> None:
    result = run("letter", "board", "leeds", "st")
    assert result.exit_code == 2
    assert "'st' matches" in result.stderr
    assert 'put it in quotes: "leeds st"' in result.stderr


def test_record_takes_a_name_with_spaces(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "trusts.yaml"
    path.write_bytes(shipped_registry().read_bytes())
    result = run(
        "record", "figure", "st", "thomas", "--percent", "12", "--as-of", "2024-03-31",
        "--source-url", "https://example.org/board", "-r", str(path), "--dry-run",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "+        percent: 12.0" in result.stdout
    # the new figure goes at the end of Guy's and St Thomas' entry, just before the next Trust
    assert "   - id: hampshire-hospitals\n" in result.stdout


def test_letter_with_a_status_filter_and_no_trust_means_every_matching_trust(
    run: Run, tmp_path: Path
) -> None:
    demo = DEMO
    out = tmp_path / "letters"
    result = run("-r", str(demo), "letter", "board", "--status", "fail,missed", "--out", str(out))
    assert result.exit_code == 0, result.output
    checked = run("-r", str(demo), "check", "--all", "--format", "json")
    failing = {t["id"] for t in json.loads(checked.stdout)["trusts"] if t["severity"] == "fail"}
    assert failing
    assert {p.name for p in out.iterdir()} >= {f"board-{t}.md" for t in failing}
