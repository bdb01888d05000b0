"""ICBs in the registry (`icbs:`, each Trust's `icb_history`), what `validate` refuses about
them, and `record contact` for a Trust or an ICB. Every registry written here is synthetic,
apart from the shipped one, which is read, never changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.core.icbs import areas_in_month, current, find_icbs, icb_named, trusts_in
from cocwatch.locations import shipped_registry
from cocwatch.registry import load_registry

Run = Callable[..., Result]
Write = Callable[..., Path]
SHIPPED = load_registry(str(shipped_registry()), today=date(2026, 11, 23)).registry

REGISTRY = """\
version: 1
# ICBs of this SYNTHETIC registry (a comment that record contact must keep)
icbs:
  - code: QAA
    name: NHS Example North Integrated Care Board
    region: North West
    to: 2026-03-31
  - code: QBB
    name: NHS Example South Integrated Care Board
    region: North West
  - code: Z1Z1Z
    from: 2026-04-01
    took_over: [{icb: QAA}]
trusts:
  - id: example-north
    ods: RX1
    name: Example North NHS Trust
    region: North West
    icb: Z1Z1Z
    icb_history:
      - {icb: QAA, to: 2026-03-31}
  - id: example-south
    ods: RX2
    name: Example South NHS Trust
    region: North West
    icb: QBB
"""


@pytest.fixture
def registry(write_registry: Write) -> Path:
    return write_registry(REGISTRY)


def test_the_shipped_registry_lists_every_icb_its_trusts_name() -> None:
    codes = {i.code for i in SHIPPED.icbs}
    assert len(codes) == 48
    assert {t.icb for t in SHIPPED.trusts if t.icb} <= codes
    changed = [t for t in SHIPPED.trusts if t.icb_history]
    assert len(changed) == 30
    assert all(p.to == date(2026, 3, 31) and p.source is not None for t in changed
               for p in t.icb_history)  # fmt: skip
    moved = next(t for t in SHIPPED.trusts if t.ods == "RXK")
    assert moved.icb_history[0].unverified  # no stored source dates its move from QHL to QUA


def test_the_shipped_icbs_name_only_what_a_source_gives() -> None:
    named = {i.code: i.name for i in SHIPPED.icbs}
    made_in_2026 = ("Z9B2Z", "S9B9J", "D7T5G", "S1Y5D", "T6Y0W", "S0E4D")
    assert all(named[code] is None for code in made_in_2026)
    assert all(SHIPPED.icb(code).source is not None for code in named)  # type: ignore[union-attr]
    for code in made_in_2026:
        assert "unverified" in (SHIPPED.icb(code).notes or "")  # type: ignore[union-attr]


def test_a_trusts_icb_depends_on_the_date() -> None:
    frimley = next(t for t in SHIPPED.trusts if t.ods == "RDU")
    assert frimley.icb_on(date(2025, 4, 30)) == "QNQ"
    assert frimley.icb_on(date(2026, 4, 1)) == "S9B9J"
    assert {t.id for t in trusts_in(SHIPPED, "QOP", date(2026, 11, 23))} >= {"stockport"}


def test_an_icb_that_ended_leads_to_the_one_that_holds_its_area() -> None:
    sussex = SHIPPED.icb("qnx")
    assert sussex is not None
    assert [i.code for i in current(SHIPPED, sussex, date(2026, 11, 23))] == ["S9B9J"]
    assert current(SHIPPED, sussex, date(2025, 4, 30)) == [sussex]


def test_a_month_before_an_icb_began_is_published_under_its_predecessors_codes() -> None:
    essex = SHIPPED.icb("D7T5G")
    assert essex is not None
    areas = areas_in_month(SHIPPED, essex, date(2025, 4, 30))
    assert [(a.icb.code, a.part) for a in areas] == [("QH8", False), ("QJG", True), ("QM7", True)]
    assert areas_in_month(SHIPPED, essex, date(2026, 5, 31))[0].icb is essex


def test_icbs_are_found_by_code_name_words_and_postcodes_ios_names() -> None:
    assert [i.code for i in find_icbs(SHIPPED, "icb:qop")] == ["QOP"]
    assert [i.code for i in find_icbs(SHIPPED, "greater manchester")] == ["QOP"]
    assert icb_named(SHIPPED, "nhs  greater MANCHESTER integrated care board").code == "QOP"  # type: ignore[union-attr]
    assert icb_named(SHIPPED, "NHS Nowhere Integrated Care Board") is None


def test_validate_accepts_the_synthetic_registry(run: Run, registry: Path) -> None:
    result = run("-r", str(registry), "validate")
    assert result.exit_code == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("old", "new", "said", "line"),
    [
        ("    icb: QBB\n", "    icb: QCC\n", "icb 'QCC' names no ICB in the registry", 26),
        ("{icb: QAA, to:", "{icb: QXX, to:", "icb 'QXX' names no ICB", 21),
        ("took_over: [{icb: QAA}]", "took_over: [{icb: QQQ}]", "took over 'QQQ'", 13),
        ("  - code: QBB\n", "  - code: QAA\n", "ICB code QAA is used twice", 8),
    ],
)
def test_validate_refuses_an_icb_that_names_no_icb(
    run: Run, write_registry: Write, old: str, new: str, said: str, line: int
) -> None:
    path = write_registry(REGISTRY.replace(old, new, 1))
    result = run("-r", str(path), "validate", "--format", "json")
    assert result.exit_code == 3
    problems = json.loads(result.stdout)["problems"]
    assert any(said in p["message"] and p["line"] == line for p in problems), problems


def test_a_registry_without_icbs_is_not_checked_for_them(run: Run, write_registry: Write) -> None:
    path = write_registry(REGISTRY.split("icbs:")[0] + "trusts:" + REGISTRY.split("trusts:")[1])
    assert run("-r", str(path), "validate").exit_code == 0
    result = run("-r", str(path), "check", "icb:QAA")
    assert result.exit_code == 2 and "lists no ICBs" in result.stderr


def test_an_icb_history_must_run_oldest_first(run: Run, write_registry: Write) -> None:
    path = write_registry(
        REGISTRY.replace(
            "      - {icb: QAA, to: 2026-03-31}\n",
            "      - {icb: QAA, to: 2026-03-31}\n"
            "      - {icb: QBB, from: 2025-01-01, to: 2025-12-31}\n",
        )
    )
    result = run("-r", str(path), "validate")
    assert result.exit_code == 3
    assert "oldest first" in result.stdout + result.stderr


def test_record_contact_for_a_trust_keeps_every_other_byte(run: Run, registry: Path) -> None:
    before = registry.read_text()
    result = run(
        "-r", str(registry), "record", "contact", "example south", "--role", "chief_executive",
        "--name", "Pat Example", "--honorific", "Ms", "--email", "pat@example.org",
        "--source-url", "https://example.org/board", "--checked", "2026-11-01",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    after = registry.read_text()
    assert after.startswith(before.rstrip("\n"))  # the new entry is added at the end
    loaded = load_registry(str(registry), today=date(2026, 11, 23)).registry
    contact = loaded.trusts[1].contact("chief_executive")
    assert contact is not None and contact.name == "Pat Example"
    assert contact.checked == date(2026, 11, 1)
    assert contact.source_url == "https://example.org/board"


def test_record_contact_for_an_icb(run: Run, registry: Path) -> None:
    result = run(
        "-r", str(registry), "record", "contact", "icb:qbb", "--role", "lmns_lead",
        "--name", "Sam Example", "--address", "1 Example Road, Exampletown, EX1 1AA",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = registry.read_text()
    assert "# ICBs of this SYNTHETIC registry" in text
    loaded = load_registry(str(registry), today=date(2026, 11, 23)).registry
    lead = loaded.icb("QBB").contact("lmns_lead")  # type: ignore[union-attr]
    assert lead is not None and lead.address == "1 Example Road\nExampletown\nEX1 1AA"
    assert lead.checked == date(2026, 11, 23)  # today, unless said


def test_record_contact_refuses_a_second_of_a_role_without_replace(
    run: Run, registry: Path
) -> None:
    args = ["-r", str(registry), "record", "contact", "icb:QBB", "--role", "lmns_lead"]
    assert run(*args, "--name", "Sam Example").exit_code == 0
    again = run(*args, "--name", "Alex Example")
    assert again.exit_code == 2
    assert "already has a contact for the role lmns_lead (Sam Example)" in again.stderr
    replaced = run(*args, "--name", "Alex Example", "--replace")
    assert replaced.exit_code == 0
    loaded = load_registry(str(registry), today=date(2026, 11, 23)).registry
    assert [c.name for c in loaded.icb("QBB").contacts] == ["Alex Example"]  # type: ignore[union-attr]


def test_record_contact_dry_run_shows_the_change_and_writes_nothing(
    run: Run, registry: Path
) -> None:
    before = registry.read_text()
    result = run(
        "-r", str(registry), "record", "contact", "example-north", "--role", "mnvp",
        "--name", "Jo Example", "--dry-run",
    )  # fmt: skip
    assert result.exit_code == 0
    assert "+      - role: mnvp" in result.stdout or "+    contacts:" in result.stdout
    assert registry.read_text() == before


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--role", "chief_executive", "--email", "not-an-email"], "not an email address"),
        (["--role", "secretary_of_state", "--name", "X"], "secretary_of_state"),
        (["--role", "chair", "--name", "X", "--source-url", "example.org"], "full web address"),
        (["--role", "chair"], "Give at least one of --name, --email or --address"),
    ],
)
def test_record_contact_refuses_bad_values(
    run: Run, registry: Path, args: list[str], said: str
) -> None:
    result = run("-r", str(registry), "record", "contact", "example-north", *args)
    assert result.exit_code in (2, 3)
    assert said in result.stderr
    assert "Traceback" not in result.stderr


def test_record_contact_refuses_the_shipped_registry(run: Run) -> None:
    result = run("record", "contact", "leeds", "--role", "chair", "--name", "Pat Example")
    assert result.exit_code == 2
    assert "cocwatch init" in result.stderr
