"""What WhatDoTheyKnow answers is data, not commands: one odd answer never breaks a run.

A real server on 127.0.0.1 stands in for the site and answers a request's JSON with states,
ids, nesting and numbers of events no real request has. `due`, `check` and `watch` read it
before the correspondence log: each must keep the log valid, log each reply once, say what it
could not use once, and never exit 3 (or 70) on every later run. `sent --url` accepts only a
request's address on the site, of a sane length, and says when it changed it. Every Trust,
request and date here is synthetic.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import Result

from tests.correspondence.test_whatdotheyknow import REQUEST, event, request_json
from tests.support.registries import MINIMAL_REGISTRY
from tests.support.web import PageServer, Route

Run = Callable[..., Result]


@pytest.fixture
def site() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.close()


@pytest.fixture
def campaign(tmp_path: Path, site: PageServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "trusts.yaml").write_text(MINIMAL_REGISTRY, encoding="utf-8")
    monkeypatch.setenv("COCWATCH_REGISTRY", str(tmp_path / "trusts.yaml"))
    monkeypatch.setenv("COCWATCH_WHATDOTHEYKNOW", site.base)
    monkeypatch.setenv("COCWATCH_TODAY", "2027-02-10")
    return tmp_path


def answer(site: PageServer, body: str | bytes) -> None:
    raw = body.encode() if isinstance(body, str) else body
    site.routes[REQUEST + ".json"] = Route(raw=raw, content_type="application/json")


def sent(run: Run, site: PageServer) -> None:
    result = run("sent", "foi", "example-north", "--url", site.url(REQUEST), "--on", "2027-01-11")
    assert result.exit_code == 0, result.stderr


def logged(campaign: Path) -> dict[str, Any]:
    letters = yaml.safe_load((campaign / "correspondence.yaml").read_text("utf-8"))["letters"]
    (letter,) = letters
    return dict(letter)


def fine(result: Result) -> Result:
    assert result.exit_code in (0, 1), result.stderr  # 1: check's findings
    assert "internal error" not in result.stderr and "invalid" not in result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    return result


def with_state(state: Any, *events: dict[str, Any]) -> str:
    doc = json.loads(request_json("successful", *events))
    doc["described_state"] = state
    return json.dumps(doc)


REPLY = event("response", "2027-02-01T15:30:00.000+00:00", id=2, incoming_message_id=21)


@pytest.mark.parametrize("state", ["Weird-State", "", "\x1b]0;owned\x07\x1b[31m", ["x" * 5000]])
def test_a_state_no_site_gives_is_logged_as_unknown_once_with_a_warning(
    run: Run, campaign: Path, site: PageServer, state: Any
) -> None:
    sent(run, site)
    answer(site, with_state(state, REPLY))
    first = fine(run("due"))
    assert first.stderr.count("does not know") == 1, first.stderr
    letter = logged(campaign)
    assert [e["state"] for e in letter.get("request_events", [])] == ["unknown"]
    assert len(letter["replies"]) == 1
    for args in (("due",), ("check", "--all")):
        again = fine(run(*args))
        assert "does not know" not in again.stderr  # said once
    assert logged(campaign) == letter


def test_a_state_the_site_adds_in_its_own_words_is_kept(
    run: Run, campaign: Path, site: PageServer
) -> None:
    """DOMAIN §6: a site may add its own states; a well-formed one is data, not unknown."""
    sent(run, site)
    answer(site, with_state("awaiting_classification", REPLY))
    result = fine(run("due"))
    assert "does not know" not in result.stderr
    assert "'awaiting classification'" in result.stderr
    assert [e["state"] for e in logged(campaign)["request_events"]] == ["awaiting_classification"]


@pytest.mark.parametrize("message_id", [{"a": 1}, "21#x y", True, "9" * 40])
def test_a_message_id_that_is_no_number_gives_the_request_page(
    run: Run, campaign: Path, site: PageServer, message_id: Any
) -> None:
    sent(run, site)
    reply = event("response", "2027-02-01T15:30:00.000+00:00", id=2, incoming_message_id=message_id)
    answer(site, request_json("successful", reply))
    fine(run("due"))
    (reply_logged,) = logged(campaign)["replies"]
    assert reply_logged["url"] == site.url(REQUEST)
    fine(run("due"))
    assert len(logged(campaign)["replies"]) == 1


def test_one_message_listed_twice_is_logged_once(
    run: Run, campaign: Path, site: PageServer
) -> None:
    sent(run, site)
    twice = [
        event("response", "2027-02-01T15:30:00.000+00:00", id=2, incoming_message_id=21),
        event("response", "2027-02-03T09:00:00.000+00:00", id=3, incoming_message_id=21),
    ]
    answer(site, request_json("successful", *twice))
    fine(run("due"))
    assert [str(r["received_on"]) for r in logged(campaign)["replies"]] == ["2027-02-01"]


def test_twenty_thousand_responses_are_not_twenty_thousand_replies(
    run: Run, campaign: Path, site: PageServer
) -> None:
    sent(run, site)
    flood = [
        event("response", "2027-02-01T15:30:00.000+00:00", id=10 + i, incoming_message_id=100 + i)
        for i in range(20_000)
    ]
    answer(site, request_json("successful", *flood))
    started = time.monotonic()
    result = fine(run("due"))
    assert time.monotonic() - started < 10
    replies = logged(campaign)["replies"]
    assert 1 <= len(replies) <= 100
    assert "20000 responses" in result.stderr.replace(",", "")
    assert (campaign / "correspondence.yaml").stat().st_size < 50_000


@pytest.mark.parametrize("depth", [100, 200_000])
def test_json_nested_deep_is_the_sites_problem_said_once(
    run: Run, campaign: Path, site: PageServer, depth: int
) -> None:
    sent(run, site)
    doc = json.loads(request_json("successful", REPLY))
    doc["title"] = "NESTED"
    answer(site, json.dumps(doc).replace('"NESTED"', "[" * depth + "]" * depth))
    result = fine(run("due"))
    assert "Could not read the WhatDoTheyKnow request" in result.stderr
    assert "nested" in result.stderr and "registry" not in result.stderr
    assert "Could not read" not in fine(run("due")).stderr


def test_a_deeply_nested_feed_is_refused_in_words(
    run: Run, campaign: Path, site: PageServer
) -> None:
    site.routes["/feed/search/tag%3Aods%3AXX1.json"] = Route(
        raw=b"[" * 200_000 + b"]" * 200_000, content_type="application/json"
    )
    result = run("requests", "example-north")
    assert result.exit_code == 4, result.stderr
    assert "nested" in result.stderr and "registry" not in result.stderr


# sent --url --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("/request/" + "a" * 66_000, "longer than"),
        ("/request/café", "letters, digits"),
        ("/request/caf%C3%A9", "letters, digits"),
    ],
)
def test_sent_url_refuses_what_no_request_address_is(
    run: Run, campaign: Path, site: PageServer, address: str, words: str
) -> None:
    result = run("sent", "foi", "example-north", "--url", site.base + address)
    assert result.exit_code == 2, result.stderr
    assert words in result.stderr
    assert not (campaign / "correspondence.yaml").exists()


def test_sent_url_refuses_another_site_and_credentials(
    run: Run, campaign: Path, site: PageServer
) -> None:
    other = run("sent", "foi", "example-north", "--url", "https://evil.example/request/x")
    assert other.exit_code == 2 and "not the address of a request on" in other.stderr
    host = site.base.removeprefix("http://")
    creds = run("sent", "foi", "example-north", "--url", f"http://user:pw@{host}{REQUEST}")
    assert creds.exit_code == 2 and "user name or password" in creds.stderr
    assert not (campaign / "correspondence.yaml").exists()


def test_sent_url_says_when_it_changed_the_address(
    run: Run, campaign: Path, site: PageServer
) -> None:
    result = run("sent", "foi", "example-north", "--url", site.url(REQUEST + ".json#outgoing-1"))
    assert result.exit_code == 0, result.stderr
    assert logged(campaign)["request_url"] == site.url(REQUEST)
    assert f"logged as {site.url(REQUEST)}" in result.stderr
    exact = run("sent", "foi", "example-south", "--url", site.url(REQUEST + "_2"))
    assert exact.exit_code == 0 and "logged as" not in exact.stderr
