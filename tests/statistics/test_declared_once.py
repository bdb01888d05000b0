"""What an official source declares is declared once (issue 32).

MSDS's groups are named in one wording table, its declaration (`statistics/msds/measures`).
DOMAIN §3: the BAME breakdown is Black, Asian and White-and-Black or White-and-Asian mixed
backgrounds (never "other ethnic-minority groups"), compared with White women; the most
deprived decile is compared with the least deprived. Letters, templates, `check` and the
report read those words from the declaration, so no other file of `src/` or `templates/`
may spell them. A measure's name is spelt in two modules at most: its declaration and the
registry's vocabulary (`core/measures`); its publisher's codes and its checks in its own.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cocwatch.statistics.msds.measures import GROUPS, MEASURES
from tests.support.paths import ROOT

TABLE = ROOT / "src" / "cocwatch" / "statistics" / "msds" / "measures.py"
# How each group is said (its publisher's own code for it, "BAME", names indicators too).
WORDS = sorted({g.who for g in GROUPS.values()} | {g.label for g in GROUPS.values()})


def _text_files() -> list[Path]:
    found = []
    for top in (ROOT / "src", ROOT / "templates"):
        found += [p for p in top.rglob("*") if p.is_file() and p.suffix in {".py", ".j2"}]
    return found


def test_the_table_holds_every_group_as_domain_says() -> None:
    bame = GROUPS["ethnicity_bame"]
    assert bame.cohort == "ethnic_minority" and bame.published_as == "BAME"
    assert "Black, Asian and White-and-Black or White-and-Asian mixed" in bame.who
    assert GROUPS["ethnicity_white"].who == "White women"
    assert GROUPS["imd_01"].cohort == "most_deprived"
    assert "least deprived" in GROUPS["imd_10"].who


@pytest.mark.parametrize("words", WORDS)
def test_no_other_file_spells_a_group_of_the_table(words: str) -> None:
    files = _text_files()
    assert TABLE in files
    spelt = [
        str(path.relative_to(ROOT))
        for path in files
        if path != TABLE and words.lower() in path.read_text(encoding="utf-8").lower()
    ]
    assert spelt == [], f"{words!r} is spelt outside its wording table: {spelt}"


VOCABULARY = ROOT / "src" / "cocwatch" / "core" / "measures.py"
MSDS = ROOT / "src" / "cocwatch" / "statistics" / "msds"


@pytest.mark.parametrize("measure", [m.code for m in MEASURES])
def test_a_measure_is_spelt_by_its_declaration_and_the_vocabulary_only(measure: str) -> None:
    name = re.compile(rf"(?<![A-Za-z0-9_]){measure}(?![A-Za-z0-9_])")
    spelt = sorted(
        str(path.relative_to(ROOT))
        for path in _text_files()
        if name.search(path.read_text(encoding="utf-8"))
    )
    assert spelt == sorted(str(p.relative_to(ROOT)) for p in (VOCABULARY, TABLE))


@pytest.mark.parametrize(
    "code",
    sorted({m.indicator for m in MEASURES} | {c.label for m in MEASURES for c in m.checks}),
)
def test_the_publishers_codes_stay_in_its_source(code: str) -> None:
    """COC_by_28weeks, COC_DQ05…: only MSDS's own modules name them."""
    outside = [
        str(path.relative_to(ROOT))
        for path in _text_files()
        if MSDS not in path.parents and code.lower() in path.read_text(encoding="utf-8").lower()
    ]
    assert outside == []
