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
from typing import Any

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
    """R0B recorded no woman on a pathway at all in April 2025 (COC_DQ05 0 of 0), though its
    COC_DQ04 is 415 of 415: it may have placed nobody, so the letter asks which."""
    text = trust_letters("board")["south-tyneside-and-sunderland"]
    body = text.split("## References")[0]
    assert (
        "NHS England's data-quality measures show that no woman reaching 29 weeks that month "
        "was recorded as on a continuity of carer pathway: either none was placed, or "
        "placements are not recorded"
    ) in body
    assert (
        "That may mean no continuity of carer at all rather than a fault in recording: please "
        "tell me which."
    ) in body
    assert "COC_DQ05 is 0 of 0" in text.split("## References")[1]  # in the reference list
    assert "0.0% of women reaching 29 weeks" not in text


def test_board_headline_is_the_figure_against_england_and_rank() -> None:
    text = trust_letters("board")["guys-and-st-thomas"]
    headline = next(p for p in text.split("\n\n") if p.startswith("2.8% of women"))
    assert "reaching 29 weeks of pregnancy in April 2025 (15 of 545)" in headline
    assert "below England's 17.1%, by more than chance explains" in headline
    assert "London region's 26.7%" in headline
    # Other Trusts' published 5s (any count from 1 to 7) could move it: its place is a range.
    assert "It ranks between 68th and 78th of 103 Trusts" in headline


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


# --- Every sentence holds (issue: a published 5, ties, data quality, plain words) --------

NOT_A_LOW_RATE = "not a low rate"
PLACE = re.compile(
    r"(?:(between) (\d+)\w\w and (\d+)\w\w|(joint) (\d+\w\w|lowest|highest)"
    r"|(\d+)(?:st|nd|rd|th)|the (lowest|highest)) of (\d+) Trusts"
)


@functools.cache
def placings() -> dict[tuple[str, int], tuple[int, int, int]]:
    """(ODS code, Trusts ranked) → (best, worst, tied): every passing Trust's place among the
    passing Trusts of one measure, with each published 5 (its own and the others') standing
    for any count from 1 to 7. Computed here from the CSV, with scipy's ranking."""
    stats = pytest.importorskip("scipy.stats")

    def possible(count: int) -> range:
        return range(1, 8) if count == 5 else range(count, count + 1)

    found = {}
    for indicator in ("COC_by_28weeks", "COC_receiving_ongoing"):
        counts = {}
        for ods, rows in provider_rows().items():
            row = rows.get(indicator, {})
            if row.get("Result") == "Pass" and row.get("Denominator") not in (None, "0"):
                counts[ods] = (int(row["Numerator"]), int(row["Denominator"]))
        spans = {
            ods: [n / d for n in possible(a) for d in possible(b) if n <= d]
            for ods, (a, b) in counts.items()
        }
        codes = sorted(spans)
        for ods in codes:
            others = [c for c in codes if c != ods]
            best = stats.rankdata([-max(spans[ods])] + [-min(spans[c]) for c in others], "min")
            worst = stats.rankdata([-min(spans[ods])] + [-max(spans[c]) for c in others], "min")
            tied = sum(
                5 not in counts[c] and 5 not in counts[ods] and spans[c] == spans[ods]
                for c in others
            )
            found[(ods, len(codes))] = (int(best[0]), int(worst[0]), tied)
    return found


def _places_said(text: str) -> list[tuple[str, int, int, int]]:
    """Each place a text gives: (how, first, last, of) with how in exact, joint, between."""
    said = []
    for m in PLACE.finditer(text):
        between, a, b, joint, where, exact, extreme, of = m.groups()
        total = int(of)
        if between:
            said.append(("between", int(a), int(b), total))
        elif joint:
            said.append(
                ("joint", 0 if where in ("lowest", "highest") else int(where[:-2]), 0, total)
            )
        else:
            place = int(exact) if exact else (1 if extreme == "highest" else total)
            said.append(("exact", place, place, total))
    return said


def _check_places(name: str, ods: str, text: str) -> None:
    for how, first, last, of in _places_said(text):
        best, worst, tied = placings()[(ods, of)]
        if how == "between":
            assert (first, last) == (best, worst), f"{name}: between {first} and {last} of {of}"
        elif how == "joint":
            assert best == worst and tied > 0, f"{name}: joint, of {of}"
        else:
            assert best == worst == first and tied == 0, f"{name}: {first} of {of}"


@functools.cache
def shipped_assessment() -> tuple[Any, Any, Any]:
    """The shipped registry with its statistics, its assessment on AS_OF, and the official
    context (computed once per test process)."""
    from cocwatch.core.assessment import assess
    from cocwatch.core.models import Thresholds
    from cocwatch.registry import load_registry
    from cocwatch.statistics.merging import comparison_context, with_statistics
    from cocwatch.statistics.store import StatisticsStore

    day = __import__("datetime").date.fromisoformat(AS_OF)
    store = StatisticsStore(REGISTRY.parent / "statistics")
    registry = with_statistics(load_registry(REGISTRY, today=day).registry, store)
    trusts = [t for t in registry.trusts if t.is_open(day)]
    official = comparison_context(store, trusts, as_of=day)
    assessment = assess(registry, trusts, as_of=day, thresholds=Thresholds(), official=official)
    return registry, assessment, official


@functools.cache
def check_views() -> dict[str, str]:
    """`check TRUST` for every open Trust of the shipped registry, as the terminal shows it
    (rendered in-process, 100 columns, no colour), by ODS code."""
    from rich.console import Console

    from cocwatch.render.check.detail import to_detail

    day = __import__("datetime").date.fromisoformat(AS_OF)
    registry, assessment, official = shipped_assessment()
    views = {}
    for ta in assessment.trusts:
        console = Console(width=100, record=True, no_color=True, file=__import__("io").StringIO())
        console.print(to_detail(ta, as_of=day, registry=registry, declared=official.declared))
        views[ta.trust.ods.upper()] = " ".join(console.export_text().split())
    return views


def test_every_check_view_and_letter_holds() -> None:
    """The issue's "Done when", for all 118 open Trusts: no percentage from under 30 women or
    a published 5; no place a published 5 would move, unless given as its range; never
    "not a low rate"; no "Expected" or gap against a target not in force (none is in force
    now); no data-quality code in a letter's body."""
    views = check_views()
    assert len(views) == 118
    by_id = {tid: ods for ods, tid in ids_by_ods().items()}
    texts = {f"check {ods}": (ods, text) for ods, text in views.items()}
    for template in TRUST_TEMPLATES:
        for trust, text in trust_letters(template).items():
            texts[f"{template}-{trust}"] = (by_id[trust], text)
    for name, (ods, text) in texts.items():
        for match in PERCENT_WITH_COUNTS.finditer(text):
            numerator, denominator = (int(match.group(i).replace(",", "")) for i in (2, 3))
            assert denominator >= 30 and 5 not in (numerator, denominator), f"{name}: {match[0]!r}"
        _check_places(name, ods, text)
        assert NOT_A_LOW_RATE not in text, name
        assert "Expected" not in text and not re.search(r"gap [-+]\d", text), name
        if not name.startswith("check"):
            assert "COC_DQ" not in text.split("## References")[0], name
            assert "fifth from the top" not in text, name  # plain words by default
    minister = drafted("minister")["minister.md"]
    assert NOT_A_LOW_RATE not in minister and "COC_DQ" not in minister


def test_the_sentences_a_trust_could_rebut_are_said_as_they_hold() -> None:
    """The sentences the issue quoted, each in its corrected form (April 2025 file)."""
    views, board, mnvp = check_views(), trust_letters("board"), trust_letters("mnvp")
    # A published 5: RJN's place is a range, and it is not put on the funnel.
    rjn = views["RJN"]
    assert "between 55th and 101st of 103 Trusts" in rjn and "65th" not in rjn
    assert "outside the plain 99.8% funnel limit" not in rjn.lower()
    assert "Where it falls on the funnel depends on the true count behind the published 5" in rjn
    assert "It ranks between 55th and 101st of 103 Trusts" in board["east-cheshire"]
    assert "funnel" not in board["east-cheshire"].split("## References")[0]
    assert "between 4th and 40th of 78 Trusts" in views["RA9"]
    # Ties are ties: R0B shares the lowest place with 37 other Trusts.
    assert (
        "joint lowest of 78 Trusts whose data passed NHS England's checks that month, with 37 "
        "other Trusts at none"
    ) in views["R0B"]
    assert "41st" not in views["R0B"]
    # Data quality: units, and only the measure that failed.
    assert "COC_DQ08 failed (240 of 8,860 antenatal contacts)" in views["R1H"]
    # A data-quality count published as 5 is a few, as every other count is.
    assert "COC_DQ08 failed (a few of 155 antenatal contacts)" in views["RJ1"]
    assert "(5 of 155" not in views["RJ1"]
    assert "the Trust's data for all women failed" not in views["RJ1"]
    assert (
        "the Trust's data on continuity of carer received through pregnancy and birth failed "
        "NHS England's data-quality checks"
    ) in views["RJ1"]
    # check speaks as the letters do: counts, and a past target as history.
    ra9 = views["RA9"]
    assert "20.0% (5 of 25 women)" not in ra9 and "0.0% (0 of 10 women)" not in ra9
    assert "a few of about 25 women on 30 April 2025" in ra9
    assert "none of about 10 women on 30 April 2025" in ra9
    stockport = views["RWJ"]
    assert "2.2%" not in stockport and "a few of 225 women on 30 April 2025" in stockport
    rj1 = views["RJ1"]
    assert "Missed" not in rj1 and "Expected" not in rj1 and "gap -48.2" not in rj1
    assert (
        "History 51% by March 2021 — a past incentive-scheme condition, no longer in force" in rj1
    )
    assert "Expected 75.0%" not in views["R0B"] + ra9
    # The Overall line says which rule set the severity, with the Trust's place.
    assert (
        "Overall: ✗ fail (failing), as of 4 December 2026 Because its placement rate is lower "
        "than England's 17.1%, beyond what chance would explain (99.8% level); 47th of 103 Trusts"
    ) in views["RTK"]
    # MSDS's BAME group by its definition, in check as in the letters.
    assert "ethnic-minority" not in rj1
    assert "Women from Black, Asian and White-and-Black or White-and-Asian mixed backgrounds" in rj1
    # Letters in plain words; methods, limits and codes in the reference list.
    for text in (board["east-cheshire"], mnvp["south-tyneside-and-sunderland"]):
        body = text.split("## References")[0]
        assert "fifth from the top" not in body and "COC_DQ0" not in body
        assert "within the limits that allow for how much Trusts differ" not in body
    # The release, named; the index cited as such; the kept copy's provenance said.
    assert (
        "NHS England, Maternity Services Monthly Statistics, Final March 2025, Provisional "
        "April 2025: April 2025 (provisional), file msds-apr2025Provisional-exp-measures.csv; "
        "cited at the series' index, as the release's own page is not confirmed; its rows were "
        "kept from a copy retrieved 30 November 2026, as the statistics manifest's notes say"
    ) in board["guys-and-st-thomas"]
    minister = drafted("minister")["minister.md"]
    assert "An incentive-scheme condition: Maternity Incentive Scheme year three" in minister
    assert "later replaced by a new target" not in minister


def test_check_shows_the_sentences_the_report_publishes() -> None:
    """One function makes the sentences published about a Trust (a right-of-reply letter
    can quote them exactly): check shows each of them, for every Trust."""
    from cocwatch.core.statements import published_sentences

    _, assessment, _ = shipped_assessment()
    views = check_views()
    said = 0
    for ta in assessment.trusts:
        for sentence in published_sentences(ta):
            assert " ".join(sentence.split()) in views[ta.trust.ods.upper()], sentence
            said += 1
    assert said > 500
