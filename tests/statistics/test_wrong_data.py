"""Wrong numbers are refused, not recorded: a rate that disagrees with its counts, counts no
service comes near, yes/no for a number, a signed zero, and a measures file whose name and
rows disagree. Every registry and CSV here is synthetic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.core.plausible import rate_agrees
from cocwatch.errors import InputError
from cocwatch.statistics.msds.reading import parse_measures, read_measures
from tests.support.msds import figure_rows, measures_csv
from tests.support.registries import MINIMAL_REGISTRY

FIGURE = "percent: 17.2"


@pytest.mark.parametrize(
    ("figure", "words"),
    [
        ("percent: 90, numerator: 10, denominator: 100", "does not agree with its counts"),
        ("numerator: 1000000000000000000000000000000, denominator: 10", "at most 10000000"),
        ("percent: true", "not yes/no"),
        ("numerator: true, denominator: 10", "not yes/no"),
    ],
)
def test_a_registry_figure_that_cannot_be_is_refused(
    run: Callable[..., Result], write_registry: Callable[[str], Path], figure: str, words: str
) -> None:
    text = MINIMAL_REGISTRY.replace(FIGURE, figure.replace(", ", "\n        "))
    result = run("-r", str(write_registry(text)), "validate")
    assert result.exit_code == 3, result.stdout + result.stderr
    assert words in result.stdout + result.stderr


def test_rounded_msds_counts_still_agree_with_their_rate() -> None:
    assert rate_agrees(17.2, 17, 100)
    assert rate_agrees(40.0, 5, 10)  # 5 stands for 1-7: anything from 10% to 80%
    assert rate_agrees(0.0, 0, 35)
    assert not rate_agrees(90.0, 10, 100)


def test_minus_zero_is_stored_as_zero(
    run: Callable[..., Result], write_registry: Callable[[str], Path]
) -> None:
    text = MINIMAL_REGISTRY.replace(FIGURE, "percent: -0")
    result = run("-r", str(write_registry(text)), "show", "example-north", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "-0.0" not in result.stdout


def test_msds_rows_whose_rate_disagrees_or_counts_are_absurd_are_skipped() -> None:
    rows = [
        *figure_rows("XX1", "COC_by_28weeks", rate="90", numerator="10", denominator="100"),
        *figure_rows(
            "XX2", "COC_by_28weeks", rate="1", numerator="1" + "0" * 30, denominator="1" + "0" * 31
        ),
        *figure_rows("XX9", "COC_by_28weeks", rate="-0", numerator="0", denominator="40"),
    ]
    read = parse_measures(measures_csv(rows), "m.csv", provisional=False)
    reasons = " ".join(m.message for m in read.malformed)
    assert "does not agree with its counts" in reasons
    assert "far larger than any maternity service's" in reasons
    # The absurd counts are reported and dropped; the published rate alone remains.
    assert [(f.ods, str(f.percent), f.numerator) for f in read.figures] == [
        ("XX2", "1.0", None),
        ("XX9", "0.0", 0),
    ]


def test_a_file_named_for_another_month_is_refused(tmp_path: Path) -> None:
    rows = figure_rows("XX1", "COC_by_28weeks", rate="20", numerator="20", denominator="100",
                       end="2025-04-30")  # fmt: skip
    path = tmp_path / "msds-dec9999-exp-measures.csv"
    path.write_text(measures_csv(rows), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_measures(path)
    assert "named for December 9999 but holds figures for April 2025" in str(caught.value)
    right = tmp_path / "msds-apr2025-exp-measures.csv"
    right.write_text(measures_csv(rows), encoding="utf-8")
    assert read_measures(right).figures
    # Provisional or final follows the name unless the user chooses (--provisional/--final).
    assert read_measures(right).provisional is False
    assert read_measures(right, provisional=True).provisional is True
