"""An ICB's LMNS as a body: `check icb:CODE`, `--icb CODE`, `icbs`, `show icb:CODE` and
`letter lmns CODE`, on the shipped registry and the real April 2025 file beside it.

The LMNS's comparisons are checked against values computed here independently of cocwatch
(statsmodels' Wilson interval; a rank computed from the file's own Local Maternity System rows).
"""

from __future__ import annotations

import csv
import email
import json
from collections.abc import Callable
from pathlib import Path

from statsmodels.stats.proportion import proportion_confint
from typer.testing import Result

from tests.support.paths import SHIPPED_APRIL_2025

Run = Callable[..., Result]
QOP_TRUSTS = {
    "bolton", "manchester-university", "northern-care-alliance", "stockport",
    "tameside-and-glossop-integrated-care", "wrightington-wigan-and-leigh-teaching-hospitals",
}  # fmt: skip


def _lms_rows(indicator: str = "COC_by_28weeks") -> dict[str, dict[str, int]]:
    """Every LMS row's numerator and denominator of an indicator, read with the csv module."""
    found: dict[str, dict[str, int]] = {}
    with SHIPPED_APRIL_2025.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if (
                row["Org_Level"] == "Local Maternity System"
                and row["Indicator"] == indicator
                and row["Currency"] in ("Numerator", "Denominator")
            ):
                found.setdefault(row["Org_Code"], {})[row["Currency"]] = int(row["Value"])
    return {k: v for k, v in found.items() if v.get("Denominator")}


def test_check_icb_shows_the_lmns_in_detail_then_its_trusts(run: Run) -> None:
    result = run("check", "icb:QOP")
    assert result.exit_code == 1  # the LMNS is lower than England at 99.8%: fail
    out = " ".join(result.stdout.split())
    assert out.startswith("The LMNS of NHS Greater Manchester Integrated Care Board (icb:QOP")
    assert "Compared with England, its region and the other LMNSs" in out
    assert "3.1% of women reaching 29 weeks in April 2025 (85 of 2,765)" in out
    assert "of 40 LMNSs that month" in out
    assert "have no data-quality result of their own" in out
    assert "Its Trusts" in out and "Stockport NHS Foundation Trust" in out
    assert "`cocwatch letter lmns QOP`" in out  # how to ask for its plan


def test_check_icb_json_holds_the_lmns_with_its_kind_and_its_trusts(run: Run) -> None:
    result = run("check", "icb:qop", "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    bodies = {t["id"]: t for t in json.loads(result.stdout)["trusts"]}
    assert set(bodies) == QOP_TRUSTS | {"icb:QOP"}
    lmns = bodies["icb:QOP"]
    assert lmns["kind"] == "lmns" and lmns["ods"] == "QOP"
    assert {t["kind"] for i, t in bodies.items() if i != "icb:QOP"} == {"trust"}
    placement = lmns["comparisons"]["placement"]
    assert placement["own_quality_result"] is False
    assert placement["methods"]["rank"] == "rank among the LMNSs that month"
    # against values computed independently of cocwatch
    low, high = proportion_confint(85, 2765, alpha=0.05, method="wilson")
    assert placement["interval_95"] == [round(100 * low, 2), round(100 * high, 2)]
    rows = _lms_rows()
    rates = {code: r["Numerator"] / r["Denominator"] for code, r in rows.items()}
    above = sum(1 for rate in rates.values() if rate > rates["QOP"])
    assert placement["rank"]["of"] == len(rows) == 40
    assert placement["rank"]["position"] == above + 1
    assert placement["england"]["at_99_8"] == "lower"
    # each Trust is compared with the other Trusts, as always
    assert bodies["stockport"]["comparisons"]["placement"]["rank"]["of"] == 103


def test_an_icb_made_in_2026_shows_the_lmnss_it_took_over_each_on_its_own(run: Run) -> None:
    result = run("check", "icb:S9B9J", "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    lmns = [t for t in data["trusts"] if t["kind"] == "lmns"]
    assert sorted(t["id"] for t in lmns) == ["icb:QNQ", "icb:QNX", "icb:QXU"]
    assert all(t["successor"] == "icb:S9B9J" and t["closed_on"] == "2026-03-31" for t in lmns)
    said = run("check", "icb:S9B9J", "--brief")
    assert "under the codes of the ICBs it took over" in said.stderr
    assert "none is summed" in said.stderr


def test_icb_selects_the_trusts_of_one_icb_by_todays_code(run: Run) -> None:
    result = run("check", "--icb", "QOP", "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    assert {t["id"] for t in json.loads(result.stdout)["trusts"]} == QOP_TRUSTS
    by_name = run("check", "--icb", "greater manchester", "--brief", "--fail-on", "never")
    assert by_name.exit_code == 0 and "6 trusts checked" in by_name.stdout


def test_icb_refuses_an_icb_that_has_ended_naming_the_one_that_holds_its_area(run: Run) -> None:
    result = run("check", "--icb", "QNX")
    assert result.exit_code == 2
    assert "NHS Sussex Integrated Care Board (QNX) ended on 2026-03-31" in result.stderr
    assert "ICB S9B9J" in result.stderr
    assert "check icb:QNX" in result.stderr


def test_an_unknown_icb_is_a_usage_error(run: Run) -> None:
    result = run("check", "icb:QZZ")
    assert result.exit_code == 2
    assert "No ICB in the registry is called 'icb:QZZ'" in result.stderr


def test_icbs_lists_every_icb_with_its_dates_and_trusts(run: Run) -> None:
    result = run("icbs", "--format", "json")
    assert result.exit_code == 0
    icbs = {i["code"]: i for i in json.loads(result.stdout)["icbs"]}
    assert len(icbs) == 48  # 42 ICBs of 2025 and the six made in 2026
    assert icbs["QNX"]["to"] == "2026-03-31" and icbs["QNX"]["now_in"] == ["S9B9J"]
    assert icbs["D7T5G"]["took_over"] == ["QH8", "QJG", "QM7"]
    assert icbs["D7T5G"]["name"] is None  # no stored source gives the 2026 names
    assert icbs["QOP"]["name"] == "NHS Greater Manchester Integrated Care Board"
    assert set(icbs["QOP"]["trusts"]) == QOP_TRUSTS


def test_show_icb_gives_its_own_facts_and_figures(run: Run) -> None:
    result = run("show", "icb:QNX")
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert "until 2026-03-31" in out and "Now in ICB S9B9J" in out
    assert "east-sussex-healthcare" in out
    assert "placed by 28 wks" in out


def test_letter_lmns_goes_to_the_icb_with_its_lmns_and_trusts_figures(run: Run) -> None:
    result = run("letter", "lmns", "QOP")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "The Chief Executive\\\nNHS Greater Manchester Integrated Care Board" in text
    assert "Dear Sir or Madam" in text
    assert "I am copying this letter to the LMNS Lead" in text
    assert "The LMNS ranked 33rd of 40 LMNSs" in text
    assert "have no data-quality result of their own" in text
    for name in ("Bolton NHS Foundation Trust", "Stockport NHS Foundation Trust"):
        assert f"**{name}:**" in text
    assert "the LMNS's plan for continuity of carer and its equity and equality plan" in text
    assert "what the ICB funds for continuity of carer" in text


def test_letter_lmns_to_an_icb_that_has_ended_goes_to_the_icb_of_the_letters_date(
    run: Run,
) -> None:
    result = run("letter", "lmns", "QNX")
    assert result.exit_code == 0, result.stderr
    assert "its area is in ICB S9B9J, so the letter goes to that ICB" in result.stderr
    text = result.stdout
    assert "Midwifery continuity of carer across ICB S9B9J" in text
    assert "NHS Sussex Integrated Care Board (QNX)" in text
    assert "under the codes the Integrated Care Boards had at the time" in text


def test_letter_lmns_to_recorded_people(run: Run, tmp_path: Path) -> None:
    registry = tmp_path / "trusts.yaml"
    assert run("init", str(registry)).exit_code == 0
    for role, name, mail in (
        ("icb_chief_executive", "Dr Alex Example", "ce@icb.example"),
        ("lmns_lead", "Pat Example", "lmns@icb.example"),
    ):
        recorded = run(
            "-r", str(registry), "record", "contact", "icb:QOP", "--role", role, "--name", name,
            "--email", mail, "--source-url", "https://icb.example/board",
        )  # fmt: skip
        assert recorded.exit_code == 0, recorded.stderr
    result = run("-r", str(registry), "letter", "lmns", "QOP", "--format", "eml")
    assert result.exit_code == 0, result.stderr
    message = email.message_from_string(result.stdout)
    assert message["To"] == "Dr Alex Example <ce@icb.example>"
    assert message["Cc"] == "Pat Example <lmns@icb.example>"
    body = message.get_payload(decode=True).decode()  # type: ignore[union-attr]
    assert "Dear Dr Example" in body and "Yours sincerely" in body
    assert "not checked" not in result.stderr  # checked today


def test_a_contact_not_checked_for_a_year_is_flagged_before_the_letter_uses_it(
    run: Run, tmp_path: Path
) -> None:
    registry = tmp_path / "trusts.yaml"
    assert run("init", str(registry)).exit_code == 0
    recorded = run(
        "-r", str(registry), "record", "contact", "stockport", "--role", "chief_executive",
        "--name", "Sam Example", "--checked", "2025-06-01",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.stderr
    result = run("-r", str(registry), "letter", "board", "stockport")
    assert result.exit_code == 0
    assert "Dear Sam Example" in result.stdout
    assert "was last checked on 2025-06-01, over a year before the letter" in result.stderr
    shown = run("-r", str(registry), "show", "stockport")
    assert "not checked for over a year" in " ".join(shown.stdout.split())
