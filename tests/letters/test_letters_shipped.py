"""Every built-in letter drafted from the shipped registry says only what its figures support.

Drafts all 118 board, MNVP and FOI letters and the minister letter, dated 4 December 2026,
once per template, and reads each for what a Trust's press office or analyst could rebut
(SPEC §4.1, §6 "Truth in letters"): a bare percentage from fewer than 30 women; a withdrawn or
replaced target that a figure is "short of"; the unverified 35% target; text about a group
that had no women that month; a caveat printed where a primary source belongs.

The groups with no women, and the small denominators, are read straight from the statistics
folder's CSV rather than from the code under test.
"""

from __future__ import annotations

import csv
import functools
import re
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cocwatch.cli import app
from cocwatch.core.letters.words import group_who
from cocwatch.core.models import COHORTS
from cocwatch.statistics.sources import declared
from tests.support.paths import ROOT

REGISTRY = ROOT / "data" / "trusts.yaml"
# The groups as the statistics in use define them (their declaration's wording table).
COHORT_WHO = {c: group_who(c, declared()) for c in COHORTS}
MSDS = ROOT / "data" / "statistics" / "msds"
MEASURES_CSV = MSDS / "msds-apr2025Provisional-exp-measures-coc.csv"
AS_OF = "2026-12-04"
TRUST_TEMPLATES = ("board", "mnvp", "foi")
GROUP_INDICATORS = {
    "COC_by_28weeks_Ethnicity_BAME": "ethnic_minority",
    "COC_by_28weeks_IMD_01_Most_deprived": "most_deprived",
}
# A percentage followed, within the same clause, by the counts it came from: "7.7% (10 of 130".
PERCENT_WITH_COUNTS = re.compile(r"(\d+\.\d)%[^%.;]{0,160}?\((\d[\d,]*) of (\d[\d,]*)")


@functools.cache
def drafted(template: str) -> dict[str, str]:
    """Every letter of `template` from the shipped registry, by file name."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / template
        scope = [] if template == "minister" else ["--all"]
        target = out / "minister.md" if template == "minister" else out
        result = CliRunner().invoke(
            app,
            ["-r", str(REGISTRY), "letter", template, *scope, "--as-of", AS_OF,
             "--out", str(target)],
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.iterdir())}


@functools.cache
def provider_rows() -> dict[str, dict[str, dict[str, str]]]:
    """The CSV's provider rows: ODS code → indicator → currency → value."""
    rows: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    with MEASURES_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["Org_Level"] == "Provider":
                rows[row["Org_Code"]][row["Indicator"]][row["Currency"]] = row["Value"]
    return rows


@functools.cache
def ids_by_ods() -> dict[str, str]:
    """Trust ids by ODS code, from the registry."""
    import yaml

    data = yaml.safe_load(REGISTRY.read_text(encoding="utf-8"))
    return {t["ods"].upper(): t["id"] for t in data["trusts"]}


def empty_groups() -> dict[str, set[str]]:
    """Trust id → targeted cohorts with no women in April 2025 (denominator 0, not Low DQ)."""
    found: dict[str, set[str]] = defaultdict(set)
    for ods, indicators in provider_rows().items():
        for indicator, cohort in GROUP_INDICATORS.items():
            row = indicators.get(indicator, {})
            if row.get("Denominator") == "0" and row.get("Rate") != "Low DQ":
                trust = ids_by_ods().get(ods)
                if trust:
                    found[trust].add(cohort)
    return found


def trust_letters(template: str) -> dict[str, str]:
    """Trust id → letter."""
    return {
        name.removeprefix(f"{template}-").removesuffix(".md"): text
        for name, text in drafted(template).items()
    }


def test_every_open_trust_gets_each_letter() -> None:
    for template in TRUST_TEMPLATES:
        assert len(drafted(template)) == 118, template
    assert list(drafted("minister")) == ["minister.md"]


@pytest.mark.parametrize("template", [*TRUST_TEMPLATES, "minister"])
def test_no_bare_percentage_from_fewer_than_30_women(template: str) -> None:
    for name, text in drafted(template).items():
        for match in PERCENT_WITH_COUNTS.finditer(text):
            denominator = int(match.group(3).replace(",", ""))
            assert denominator >= 30, f"{name}: {match.group(0)!r}"


@pytest.mark.parametrize("template", TRUST_TEMPLATES)
def test_small_groups_are_given_as_counts(template: str) -> None:
    """No percentage is put on a group of fewer than 30 women, with or without its counts."""
    letters = trust_letters(template)
    for ods, indicators in provider_rows().items():
        trust = ids_by_ods().get(ods)
        if trust not in letters:
            continue
        for indicator, row in indicators.items():
            cohort = GROUP_INDICATORS.get(indicator) or (
                "all" if indicator in ("COC_by_28weeks", "COC_receiving_ongoing") else None
            )
            denominator = row.get("Denominator")
            rate = row.get("Rate")
            if cohort is None or denominator in (None, "0") or rate in (None, "Low DQ"):
                continue
            if int(denominator) < 30:
                bare = f"{float(rate):.1f}% of {COHORT_WHO[cohort]}"
                assert bare not in letters[trust], f"{template}-{trust}: {bare!r}"
                assert f"{float(rate):.1f}% of all {COHORT_WHO[cohort]}" not in letters[trust]


@pytest.mark.parametrize("template", [*TRUST_TEMPLATES, "minister"])
def test_no_withdrawn_or_replaced_target_is_a_shortfall(template: str) -> None:
    for name, text in drafted(template).items():
        assert "short of" not in text, name
        assert not re.search(r"points? (below|short)[^.]{0,80}target", text), name


@pytest.mark.parametrize("template", [*TRUST_TEMPLATES, "minister"])
def test_no_unverified_target_and_no_caveat_for_a_primary_source(template: str) -> None:
    for name, text in drafted(template).items():
        assert "35%" not in text, name
        assert "mis3-relaunch-35" not in text, name
        assert "relaunched" not in text, name
        assert "(some details not confirmed" not in text, name
        assert "mirror" not in text.lower(), name
        assert "parallelparliament" not in text, name


@pytest.mark.parametrize("template", ["board", "mnvp"])
def test_nothing_about_a_group_with_no_women(template: str) -> None:
    letters = trust_letters(template)
    empty = empty_groups()
    assert empty, "the April 2025 file has Trusts with no women in a targeted group"
    for trust, cohorts in empty.items():
        if trust not in letters:
            continue
        for cohort in cohorts:
            assert COHORT_WHO[cohort] not in letters[trust], f"{template}-{trust}: {cohort}"


def test_old_names_for_the_groups_are_gone() -> None:
    for template in [*TRUST_TEMPLATES, "minister"]:
        for name, text in drafted(template).items():
            assert "other ethnic-minority groups" not in text, name


def test_low_dq_is_explained_never_a_low_rate() -> None:
    """R0B recorded no woman on a pathway at all in April 2025 (COC_DQ05 0 of 0)."""
    text = trust_letters("board")["south-tyneside-and-sunderland"]
    assert "COC_DQ05 is 0 of 0: no woman reaching 29 weeks that month was recorded" in text
    assert "not a low rate" in text
    assert "0.0% of women reaching 29 weeks" not in text


def test_board_headline_is_the_figure_against_england_and_rank() -> None:
    text = trust_letters("board")["guys-and-st-thomas"]
    headline = next(p for p in text.split("\n\n") if p.startswith("2.8% of women"))
    assert "reaching 29 weeks of pregnancy in April 2025 (15 of 545)" in headline
    assert "lower than England's 17.1%" in headline
    assert "London region's 26.7%" in headline
    assert "73rd of 103 Trusts" in headline


def test_minister_letter_dates_its_figures_and_counts_every_passing_trust() -> None:
    text = drafted("minister")["minister.md"]
    assert "latest national figures" not in text
    assert "April 2025" in text
    assert "NHS England has published later months since; they are not included here." in text
    assert (
        "Across all 103 Trusts in NHS England's file whose data on placements on a continuity "
        "of carer pathway passed those checks, at the median Trust 7.4% of the women reaching "
        "29 weeks of pregnancy in April 2025 were placed on a continuity of carer pathway"
    ) in text
    assert "Too little is published" not in text


def test_mnvp_letters_ask_what_an_mnvp_can_do() -> None:
    for name, text in drafted("mnvp").items():
        assert "put continuity of carer on the agenda" in text, name
        assert "co-produce" in text, name
        assert "know where the Trust publishes" not in text, name
