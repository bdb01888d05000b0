"""The config file and the correspondence log are read the one way the registry is."""

from __future__ import annotations

from pathlib import Path

import pytest

from cocwatch.config import load_config
from cocwatch.core.models import Config
from cocwatch.errors import InputError, Problem
from cocwatch.locations import Located
from cocwatch.registry import validate_document
from cocwatch.registry.correspondence import CorrespondenceLogError, parse_log


class Refused(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def _validate(text: str) -> tuple[Config | None, list[Problem]]:
    document = validate_document(
        text, "config.yaml", Config, fail=Refused, not_a_mapping="must be a set of keys"
    )
    return document.value, document.problems


def test_every_problem_is_located_and_worded() -> None:
    value, problems = _validate(
        "sender:\n  nmae: Jo\n  name: Jo\nthresholds:\n  stale_after_days: x\n"
    )
    assert value is None
    described = sorted((p.line, p.message) for p in problems)
    assert described == [
        (2, "unknown key 'nmae'. Did you mean 'name'?"),
        (5, "thresholds.stale_after_days: must be a whole number (found 'x')"),
    ]


def test_a_duplicate_key_is_a_problem_even_when_the_data_validates() -> None:
    value, problems = _validate("reply_working_days: 20\nreply_working_days: 25\n")
    assert value is not None  # the caller decides: the config refuses it below
    assert [(p.line, p.message) for p in problems] == [
        (2, "the key 'reply_working_days' appears twice in the same block; keep only one")
    ]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("- a\n- b\n", 1, "must be a set of keys"),
        ("sender: {name: Jo\n", 2, "not valid YAML"),
        ("sender:\n\tname: Jo\n", 2, "tab character"),
    ],
)
def test_files_that_cannot_be_read_raise_the_callers_error(
    text: str, line: int, words: str
) -> None:
    with pytest.raises(Refused) as refused:
        _validate(text)
    [problem] = refused.value.problems
    assert problem.line == line and words in problem.message


def test_an_empty_file_is_an_empty_set_of_keys() -> None:
    assert _validate("") == (Config(), [])


def test_the_config_file_and_the_log_word_a_mistake_alike(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("reply_working_days: 20\nreply_working_days: 25\n", encoding="utf-8")
    with pytest.raises(InputError) as config_error:
        load_config(Located(str(config), "option"))
    with pytest.raises(CorrespondenceLogError) as log_error:
        parse_log("version: 1\nversion: 1\nletters: []\n", "correspondence.yaml")
    assert f"{config}:2:1: the key 'reply_working_days' appears twice" in config_error.value.message
    assert "correspondence.yaml:2:1: the key 'version' appears twice" in log_error.value.message
