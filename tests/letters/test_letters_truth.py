"""Truth in letters (SPEC §6): every sentence must survive a hostile reader.

The Trusts below are synthetic; the shipped registry is read as it ships.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.letters.helpers import SENDER_OPTIONS

Run = Callable[..., Result]
ACCUSATIONS = re.compile(
    r"could not find|could find no|I could not|as far as I can establish", re.I
)

SYNTHETIC = """\
version: 1
national:
  targets:
    - {id: t-placed, title: Synthetic placement target, percent: 35, due: 2027-03,
       set_on: 2025-01-01, source: {url: https://example.org/t/placed, title: Synthetic plan}}
    - {id: t-old, title: Synthetic replaced target, percent: 51, due: 2021-03, set_on: 2020-02,
       superseded_by: t-placed, source: {url: https://example.org/t/old, title: Synthetic scheme}}
trusts:
  - id: t-small
    ods: ZZ1
    name: Synthetic Small NHS Trust
    region: Test
    plan:
      status: none
      source: {url: https://example.org/foi/reply, title: Synthetic FOI reply, kind: foi}
    figures:
      - {cohort: all, numerator: 5, denominator: 40, as_of: 2026-10-31, provisional: true,
         source: {url: https://example.org/msds/2026-10, title: Synthetic MSDS, kind: msds}}
  - id: t-failed
    ods: ZZ2
    name: Synthetic Failed NHS Trust
    region: Test
    plan: {status: none}
    figures:
      - {cohort: all, quality: fail, as_of: 2026-10-31,
         source: {url: https://example.org/msds/2026-10, title: Synthetic MSDS, kind: msds}}
      - {cohort: all, measure: receiving_ongoing, percent: 1.2, as_of: 2026-10-31,
         quality: pass,
         source: {url: https://example.org/msds/2026-10, title: Synthetic MSDS, kind: msds}}
"""


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "trusts.yaml"
    path.write_text(SYNTHETIC, encoding="utf-8")
    return path


def letter(run: Run, *args: str) -> str:
    result = run(*args, "--as-of", "2026-11-23", *SENDER_OPTIONS)
    assert result.exit_code == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert not ACCUSATIONS.search(text), ACCUSATIONS.search(text)
    return text


def test_small_numbers_are_given_as_counts_with_a_caution_never_as_a_gap(
    run: Run, registry: Path
) -> None:
    text = letter(run, "-r", str(registry), "letter", "board", "t-small")
    assert "5 of 40 women reaching 29 weeks of pregnancy in October 2026 were placed" in text
    assert "any count from 1 to 7 as 5" in text and "provisional" in text
    assert "12.5%" not in text and "percentage points" not in text
    assert "Numbers this small cannot show how the Trust stands against" in text


def test_a_plan_known_not_to_exist_from_a_source_is_stated_and_cited(
    run: Run, registry: Path
) -> None:
    text = letter(run, "-r", str(registry), "letter", "foi", "t-small")
    assert "The Trust has no continuity of carer plan [" in text
    assert "Synthetic FOI reply. https://example.org/foi/reply" in text
    unsourced = letter(run, "-r", str(registry), "letter", "board", "t-failed")
    assert "The Trust has no continuity of carer plan" not in unsourced
    assert "I understand that the Trust has no continuity of carer plan" in unsourced


def test_failed_quality_is_said_as_such_and_receiving_is_not_judged_on_placement(
    run: Run, registry: Path
) -> None:
    text = letter(run, "-r", str(registry), "letter", "board", "t-failed")
    assert "failed NHS England's data-quality checks, so no percentage was published" in text
    # The receiving figure is named for what it counts and never held to a placement target.
    assert "short of the national target of 35%" not in text
    assert (
        "1.2% of all women who reached 29 weeks of pregnancy in June 2026 received continuity "
        "of carer through pregnancy and birth [1]. That measures something different" in text
    )


def test_a_superseded_target_is_described_as_replaced_not_withdrawn(
    run: Run, registry: Path
) -> None:
    text = letter(run, "-r", str(registry), "letter", "minister")
    assert "Synthetic replaced target [" in text
    assert "later replaced by a national target (Synthetic placement target [" in text
    assert "withdrawn on" not in text


def test_shipped_minister_letter_states_the_targets_as_the_sources_do(run: Run) -> None:
    text = letter(run, "letter", "minister")
    assert "51% by 31 March 2021" not in text
    # Targets cited only to a mirror of Parliament's record are left out, not cited to it.
    assert "By 2024, 75% of women from a Black or Black British" not in text
    assert "parallelparliament" not in text
    assert "Maternity Incentive Scheme year three: action plans to place a minimum of 51%" in text
    assert "By March 2021, most women receive continuity" in text
    assert "(no percentage was set)" in text
    # ibb-2019 and mis3-51 were replaced, not withdrawn.
    ibb = text.split("20% of women booking placed on a continuity of carer pathway by March 2019")[
        1
    ]
    assert ibb.split(".")[0].count("replaced") == 1 and "withdrawn" not in ibb.split(".")[0]
    assert "I could not find a plan" not in text and "Trusts I could not find" not in text


@pytest.mark.parametrize("template", ["board", "mnvp", "foi"])
def test_shipped_trust_letters_make_no_claims_of_absence(run: Run, template: str) -> None:
    for trust in ("RJ1", "RR8", "RA4"):
        letter(run, "letter", template, trust)
