"""Naming Trusts as people type them: words, not letters inside words; names with spaces."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.core.trust_names import Tier, find_matches, match_trust, name_words, postcode
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


# ------------------------------------------------------------------ one matcher, every way in


@pytest.mark.parametrize(
    ("typed", "expected", "why"),
    [
        ("stepping hill", "stockport", "its address has 'Stepping Hill Hospital'"),
        ("truro", "royal-cornwall-hospitals", "its address has 'Truro'"),
        ("SK2 7JE", "stockport", "its headquarters' postcode is SK2 7JE"),
        ("sk27je", "stockport", "its headquarters' postcode is SK2 7JE"),
        ("rj1", "guys-and-st-thomas", "its ODS code is rj1"),
    ],
)
def test_a_site_town_or_postcode_finds_one_trust(typed: str, expected: str, why: str) -> None:
    matches = find_matches(TRUSTS, typed)
    assert [(m.trust.id, m.why) for m in matches] == [(expected, why)]
    assert [t.id for t in match_trust(TRUSTS, typed)] == [expected]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Harogate", "harrogate-and-district"),
        ("manchster", "manchester-university"),
        ("sheffeild", "sheffield-teaching-hospitals"),
    ],
)
def test_a_misspelling_is_suggested_never_chosen(typed: str, expected: str) -> None:
    matches = find_matches(TRUSTS, typed)
    assert [m.trust.id for m in matches] == [expected]
    assert all(m.suggested and "may be a misspelling of" in m.why for m in matches)
    assert match_trust(TRUSTS, typed) == []


def test_a_name_wins_over_an_address_when_one_trust_must_be_chosen() -> None:
    matches = find_matches(TRUSTS, "leeds")
    assert matches[0].trust.id == "leeds-teaching-hospitals" and matches[0].tier is Tier.NAME
    assert [t.id for t in match_trust(TRUSTS, "leeds")] == ["leeds-teaching-hospitals"]


def test_common_words_are_never_read_as_misspellings() -> None:
    assert find_matches(TRUSTS, "rust") == []
    assert find_matches(TRUSTS, "xyzzy") == []


@pytest.mark.parametrize(
    ("typed", "code"),
    [("sw1a1aa", "SW1A 1AA"), ("M1 1AE", "M1 1AE"), ("  ls2   9jt ", "LS2 9JT"), ("LS2", None)],
)
def test_postcodes_are_written_the_usual_way(typed: str, code: str | None) -> None:
    assert postcode(typed) == code


@pytest.mark.parametrize(
    "args",
    [
        ["trusts", "stepping", "hill"],
        ["trusts", "Harogate"],
        ["trusts", "manchster"],
        ["trusts", "truro"],
    ],
)
def test_trusts_lists_what_it_found_and_why(run: Run, args: list[str]) -> None:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    listed = json.loads(result.stdout)["trusts"]
    assert len(listed) == 1 and listed[0]["matched"]


def test_check_suggests_a_misspelt_trust_and_says_why(run: Run) -> None:
    result = run("check", "Harogate")
    assert result.exit_code == 2
    assert "Did you mean: harrogate-and-district" in result.stderr
    assert "may be a misspelling of 'harrogate'" in result.stderr


def test_a_hospital_names_its_trust_in_any_command(run: Run) -> None:
    result = run("show", "stepping", "hill")
    assert result.exit_code == 0, result.stderr
    assert "Stockport NHS Foundation Trust" in result.stdout
