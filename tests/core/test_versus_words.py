"""A comparison with England or the region reads on from "That is" and "its rate is"."""

from __future__ import annotations

import itertools

import pytest

from cocwatch.core.comparison import Count, Versus
from cocwatch.core.comparison_words import versus_words

VERDICTS = ("lower", "similar", "higher", None)


def _every_versus() -> list[Versus]:
    made = []
    for at_95, at_998 in itertools.product(VERDICTS, VERDICTS):
        possible = ("similar", "higher") if at_95 is None else ()
        made.append(Versus("England", Count(171, 1000), at_95, at_998, possible, possible))
    return made


@pytest.mark.parametrize("style", ["plain", "technical"])
def test_every_verdict_is_a_predicate_naming_the_benchmark(style: str) -> None:
    for versus in _every_versus():
        said = versus_words(versus, style)  # type: ignore[arg-type]
        assert "England's 17.1%" in said
        # "That is whether it is above …" is not English: every phrase is what the figure is.
        assert not said.startswith(("whether", "depends", "it ")), said
        assert said.split()[0] in {"lower", "higher", "below", "above", "not"}, said


def test_a_verdict_a_published_5_would_change_says_what_it_depends_on() -> None:
    unsettled = Versus("England", Count(10, 1000), None, None, ("similar", "higher"), ())
    assert versus_words(unsettled, "plain") == (
        "above England's 1.0% or not, depending on the true count behind the published 5 "
        "(any count from 1 to 7)"
    )
