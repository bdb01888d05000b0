"""Closed choices on the command line are the formats' own sets, offered and checked as such."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import get_args

import pytest
from typer.testing import Result

from cocwatch.core import kinds, measures


@pytest.mark.parametrize(
    ("command", "option", "members"),
    [
        ("record figure", "--cohort", get_args(kinds.Cohort)),
        ("record figure", "--measure", get_args(measures.Measure)),
        ("record figure", "--quality", get_args(kinds.Quality)),
        ("record figure", "--source-kind", get_args(kinds.SourceKind)),
        ("record inspection", "--rating", get_args(kinds.Rating)),
        ("sent", "--via", get_args(kinds.Via)),
        ("replied", "--outcome", get_args(kinds.Outcome)),
    ],
)
def test_each_choice_lists_the_members_of_the_format(
    run: Callable[..., Result], command: str, option: str, members: tuple[str, ...]
) -> None:
    result = run(*command.split(), "--help", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    offered = re.search(re.escape(option) + r"\s+<([^>]+)>", result.stdout)
    assert offered is not None, result.stdout
    assert tuple(offered.group(1).split("|")) == members


def test_a_value_outside_the_set_is_refused_with_the_choices(run: Callable[..., Result]) -> None:
    result = run(
        "record", "figure", "anything", "--cohort", "everyone", "--as-of", "2025-01-31",
        "--source-url", "https://example.org/synthetic", "--percent", "3", "--dry-run",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "'everyone' is not one of 'all', 'ethnic_minority', 'most_deprived'" in result.stderr
