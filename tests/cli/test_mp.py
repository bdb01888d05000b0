"""`cocwatch mp`, `letter mp` and Trusts named by postcode, against local servers shaped like
postcodes.io and UK Parliament's Members API (tests/support/lookups.py: SYNTHETIC answers in
the services' own field names), including 404, 500, slow and malformed answers, and offline.
"""

from __future__ import annotations

import email
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from tests.support.lookups import (
    CONSTITUENCY,
    POSTCODE,
    constituency_answer,
    contact_path,
    json_route,
    postcode_answer,
    postcode_path,
    search_path,
    serve_services,
)
from tests.support.web import PageServer, Route

Run = Callable[..., Result]
QWO_TRUSTS = ("leeds-teaching-hospitals", "bradford-teaching-hospitals")


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[PageServer]:
    server = PageServer()
    serve_services(server)
    monkeypatch.setenv("COCWATCH_POSTCODES_URL", server.base)
    monkeypatch.setenv("COCWATCH_PARLIAMENT_URL", server.base)
    yield server
    server.close()


def test_mp_shows_the_constituency_the_mp_and_the_trusts_of_the_icb(
    run: Run, services: PageServer
) -> None:
    result = run("mp", "ls29jt")  # typed loosely: read as LS2 9JT
    assert result.exit_code == 0, result.stderr
    out = " ".join(result.stdout.split())
    assert f"Constituency {CONSTITUENCY}" in out
    assert "MP Ms Pat Example (Example Party)" in out
    assert "Write to House of Commons, London, SW1A 0AA" in out
    assert "Email pat.example.mp@parliament.example" in out
    assert "NHS West Yorkshire Integrated Care Board (QWO)" in out
    assert "No official lookup from a Trust to the constituencies it serves exists" in out
    assert "Leeds Teaching Hospitals" in out and "Bradford Teaching Hospitals" in out
    assert "Open Parliament Licence v3.0" in out
    assert services.hits[postcode_path(POSTCODE)] == 1


def test_mp_json_names_the_mp_the_icb_and_each_trust_with_its_figures(
    run: Run, services: PageServer
) -> None:
    result = run("mp", POSTCODE, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["constituency"] == CONSTITUENCY
    assert data["mp"]["name"] == "Ms Pat Example"
    assert data["mp"]["address"] == ["House of Commons", "London", "SW1A 0AA"]
    assert data["icb"]["code"] == "QWO"
    ids = {t["id"] for t in data["trusts"]}
    assert set(QWO_TRUSTS) <= ids
    leeds = next(t for t in data["trusts"] if t["id"] == "leeds-teaching-hospitals")
    assert leeds["comparisons"]["placement"]["month"] == "2025-04-30"
    assert any("Open Parliament Licence" in s["title"] for s in data["sources"])


def test_answers_are_kept_and_not_asked_for_again(run: Run, services: PageServer) -> None:
    assert run("mp", POSTCODE).exit_code == 0
    assert run("mp", POSTCODE).exit_code == 0
    assert services.hits[postcode_path(POSTCODE)] == 1
    assert services.hits[search_path(CONSTITUENCY)] == 1
    assert services.hits[contact_path()] == 1


def test_an_unknown_postcode_is_a_usage_error_naming_the_manual_path(
    run: Run, services: PageServer
) -> None:
    result = run("mp", "ZZ9 9ZZ")  # the server answers 404, as postcodes.io does
    assert result.exit_code == 2
    assert "postcodes.io does not know the postcode ZZ9 9ZZ" in result.stderr
    assert "--constituency NAME" in result.stderr
    assert "Traceback" not in result.stderr


def test_text_that_is_not_a_postcode_is_refused_before_any_lookup(
    run: Run, services: PageServer
) -> None:
    result = run("mp", "not a postcode")
    assert result.exit_code == 2
    assert "is not a UK postcode" in result.stderr
    assert not services.hits


def test_a_server_error_with_nothing_kept_is_an_external_failure(
    run: Run, services: PageServer
) -> None:
    services.routes[postcode_path(POSTCODE)] = Route("<h1>oops</h1>", status=500)
    result = run("mp", POSTCODE)
    assert result.exit_code == 4
    assert "Could not read postcodes.io" in result.stderr and "500" in result.stderr
    assert "--constituency NAME" in result.stderr


def test_a_failure_later_uses_the_answer_kept_and_says_so_once_without_a_terminal(
    run: Run, services: PageServer
) -> None:
    assert run("mp", POSTCODE).exit_code == 0
    services.routes[postcode_path(POSTCODE)] = Route("<h1>oops</h1>", status=500)
    later = {"COCWATCH_TODAY": "2027-02-01"}  # the kept answer is then old enough to refresh
    first = run("mp", POSTCODE, "--as-of", "2026-11-23", env=later)
    assert first.exit_code == 0, first.stderr
    assert "using the answer kept from 2026-11-23" in first.stderr
    second = run("mp", POSTCODE, "--as-of", "2026-11-23", env=later)
    assert second.exit_code == 0
    assert "using the answer kept" not in second.stderr  # the same failure is said once


def test_a_slow_server_is_given_up_on_after_the_timeout(run: Run, services: PageServer) -> None:
    services.routes[postcode_path(POSTCODE)] = json_route(postcode_answer(), delay=3)
    result = run("mp", POSTCODE, "--timeout", "0.3")
    assert result.exit_code == 4
    assert "did not answer in time" in result.stderr


@pytest.mark.parametrize(
    "body",
    [
        "<html>maintenance</html>",
        '{"status": 200}',
        '{"result": {"postcode": ""}}',
        '{"result": {"postcode": "LS2 9JT", "parliamentary_constituency": "Leeds\\u001b[2J"}}',
    ],
)
def test_a_malformed_answer_is_said_in_words(run: Run, services: PageServer, body: str) -> None:
    services.routes[postcode_path(POSTCODE)] = Route(body, content_type="application/json")
    result = run("mp", POSTCODE)
    assert result.exit_code == 4
    assert "postcodes.io answered with something cocwatch cannot read" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_members_answer_is_said_in_words_and_not_kept(
    run: Run, services: PageServer
) -> None:
    services.routes[search_path(CONSTITUENCY)] = Route('{"items": 3}')
    result = run("mp", POSTCODE)
    assert result.exit_code == 4
    assert "Members API answered with something cocwatch cannot read" in result.stderr
    services.routes[search_path(CONSTITUENCY)] = json_route(constituency_answer())
    again = run("mp", POSTCODE)  # the unreadable answer was not kept: asked again, and read
    assert again.exit_code == 0, again.stderr
    assert services.hits[search_path(CONSTITUENCY)] == 2


def test_a_constituency_the_members_api_does_not_list_is_a_usage_error(
    run: Run, services: PageServer
) -> None:
    services.routes[search_path(CONSTITUENCY)] = json_route(
        constituency_answer("Leeds East", others=("Leeds West",))
    )
    result = run("mp", POSTCODE)
    assert result.exit_code == 2
    assert f"lists no constituency called '{CONSTITUENCY}'" in result.stderr


def test_offline_nothing_is_fetched(run: Run, services: PageServer) -> None:
    result = run("mp", POSTCODE, "--offline")
    assert result.exit_code == 4
    assert "--offline: no answer from postcodes.io is kept" in result.stderr
    assert not services.hits
    manual = run(
        "mp", "--constituency", "Anytown", "--mp-name", "Sam Example", "--icb", "QWO", "--offline"
    )
    assert manual.exit_code == 0, manual.stderr
    assert "Sam Example" in manual.stdout and "Leeds Teaching Hospitals" in manual.stdout
    assert not services.hits
    assert run("mp", POSTCODE).exit_code == 0
    kept = run("mp", POSTCODE, "--offline")
    assert kept.exit_code == 0 and "Ms Pat Example" in kept.stdout


def test_without_any_network_the_manual_path_still_works(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COCWATCH_POSTCODES_URL", "http://127.0.0.1:9")  # refuses at once
    monkeypatch.setenv("COCWATCH_PARLIAMENT_URL", "http://127.0.0.1:9")
    failed = run("mp", POSTCODE)
    assert failed.exit_code == 4 and "cannot connect" in failed.stderr
    result = run("mp", "--constituency", "Anytown", "--mp-name", "Sam Example", "--icb", "QWO")
    assert result.exit_code == 0, result.stderr


def test_an_icb_name_the_registry_lacks_is_said_and_icb_chooses_it(
    run: Run, services: PageServer
) -> None:
    services.routes[postcode_path(POSTCODE)] = json_route(
        postcode_answer(icb="NHS Somewhere New Integrated Care Board", icb_code="E54999999")
    )
    result = run("mp", POSTCODE)
    assert result.exit_code == 0
    assert "matches no ICB name in the registry" in result.stderr and "--icb" in result.stderr
    chosen = run("mp", POSTCODE, "--icb", "QWO")
    assert chosen.exit_code == 0 and "Leeds Teaching Hospitals" in chosen.stdout


def test_an_icb_code_once_matched_is_remembered(run: Run, services: PageServer) -> None:
    assert run("mp", POSTCODE).exit_code == 0  # the name matched: E54000054 is QWO
    other = "LS1 3EX"
    services.routes[postcode_path(other)] = json_route(
        postcode_answer(other, icb="West Yorkshire (renamed)", icb_code="E54000054")
    )
    result = run("mp", other, "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["icb"]["code"] == "QWO"


def test_an_icb_that_has_ended_leads_to_the_icb_that_holds_its_area(
    run: Run, services: PageServer
) -> None:
    services.routes[postcode_path(POSTCODE)] = json_route(
        postcode_answer(icb="NHS Sussex Integrated Care Board", icb_code="E54000064")
    )
    result = run("mp", POSTCODE, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["icb"]["code"] == "S9B9J"
    assert "whose area is in ICB S9B9J" in data["icb"]["found"]


def test_config_show_names_the_lookup_addresses(run: Run, services: PageServer) -> None:
    result = run("config", "show", "--format", "json")
    rows = {r["setting"]: r for r in json.loads(result.stdout)}
    assert rows["postcodes_url"]["value"] == services.base
    assert rows["postcodes_url"]["origin"] == "environment"
    assert rows["parliament_url"]["origin"] == "environment"


def test_a_lookup_address_that_is_not_a_web_address_is_refused(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COCWATCH_POSTCODES_URL", "api.postcodes.io")
    result = run("mp", POSTCODE)
    assert result.exit_code == 2
    assert "$COCWATCH_POSTCODES_URL is 'api.postcodes.io', which is not a web address" in (
        result.stderr
    )


# ------------------------------------------------------------------ naming Trusts by postcode


def test_trusts_lists_the_trusts_of_the_icb_that_covers_a_postcode(
    run: Run, services: PageServer
) -> None:
    result = run("trusts", POSTCODE, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert {t["id"] for t in data["trusts"]} >= set(QWO_TRUSTS)
    assert {t["matched"] for t in data["trusts"]} == {f"in the ICB that covers {POSTCODE}"}


def test_a_command_that_takes_one_trust_lists_the_icbs_trusts_and_asks_which(
    run: Run, services: PageServer
) -> None:
    result = run("show", POSTCODE)
    assert result.exit_code == 2
    assert "Which one?" in result.stderr and "leeds-teaching-hospitals" in result.stderr


def test_check_takes_a_postcode_as_the_trusts_of_its_icb(run: Run, services: PageServer) -> None:
    result = run("check", POSTCODE, "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    assert {t["id"] for t in json.loads(result.stdout)["trusts"]} >= set(QWO_TRUSTS)


# ------------------------------------------------------------------ the letter


def test_letter_mp_greets_the_mp_and_carries_the_area_and_its_trusts(
    run: Run, services: PageServer
) -> None:
    result = run(
        "letter", "mp", "--postcode", "LS2", "9JT",  # unquoted, as people type it
        "--sender-name", "Jo Bloggs", "--sender-address", "1 High Street, Leeds, LS2 9JT",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert "Dear Ms Example" in text and "Yours sincerely" in text
    assert "Ms Pat Example\\\nMember of Parliament for Leeds Central and Headingley" in text
    assert "House of Commons" in text
    assert "my postcode is LS2 9JT" in text
    assert "NHS West Yorkshire Integrated Care Board" in text
    assert "**Leeds Teaching Hospitals NHS Trust:**" in text
    assert "The LMNS ranked" in text and "of 40 LMNSs" in text
    assert "There is no official record of which Trusts serve which constituency" in text
    assert "Open Parliament Licence v3.0" in text
    assert "not in" not in result.stderr  # the writer lives in the constituency


def test_letter_mp_as_email_is_addressed_to_the_mp(run: Run, services: PageServer) -> None:
    result = run(
        "letter", "mp", "--postcode", POSTCODE, "--format", "eml",
        "--sender-address", "1 High Street, Leeds, LS2 9JT",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    message = email.message_from_string(result.stdout)
    assert message["To"] == "Ms Pat Example <pat.example.mp@parliament.example>"


def test_a_writer_outside_the_constituency_is_told_so(run: Run, services: PageServer) -> None:
    elsewhere = "BD9 6RJ"
    services.routes[postcode_path(elsewhere)] = json_route(
        postcode_answer(elsewhere, constituency="Bradford West")
    )
    result = run(
        "letter", "mp", "--postcode", POSTCODE, "--sender-address", "2 Road, Bradford, BD9 6RJ"
    )
    assert result.exit_code == 0
    assert "is in Bradford West, not in Leeds Central and Headingley" in result.stderr


def test_a_writer_without_a_postcode_is_asked_for_their_address(
    run: Run, services: PageServer
) -> None:
    result = run("letter", "mp", "--postcode", POSTCODE)
    assert result.exit_code == 0
    assert "has no postcode" in result.stderr
    assert "[Your postal address, with your postcode" in result.stdout


def test_letter_mp_offline_with_the_manual_path(run: Run, tmp_path: Path) -> None:
    result = run(
        "letter", "mp", "--constituency", "Anytown", "--mp-name", "Dr Sam Example",
        "--icb", "QWO", "--offline", "--out", str(tmp_path / "mp.md"),
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    text = (tmp_path / "mp.md").read_text(encoding="utf-8")
    assert "Dear Dr Example" in text
    assert "Member of Parliament for Anytown" in text


def test_letter_mp_needs_a_postcode(run: Run) -> None:
    result = run("letter", "mp")
    assert result.exit_code == 2
    assert "needs your postcode" in result.stderr
