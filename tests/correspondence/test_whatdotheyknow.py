"""FOI requests made on WhatDoTheyKnow: the link that starts one, and following it to its reply.

A real HTTP server on 127.0.0.1 stands in for the site, serving request JSON in the shape of
Alaveteli's `InfoRequest#json_for_api` (events from `InfoRequestEvent#json_for_api`) and feed
JSON (a list of events, each with its `info_request` and `public_body`). Every Trust, request
and date is synthetic; cocwatch runs as cron would (a subprocess, pinned date).
"""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from tests.support.paths import SRC
from tests.support.preloaded import run_cocwatch_text
from tests.support.registries import MINIMAL_REGISTRY
from tests.support.web import PageServer, Route

REQUEST = "/request/continuity_of_carer_at_example_north"


def request_json(state: str, *events: dict[str, Any], awaiting: bool = False) -> str:
    """A request's JSON as Alaveteli writes it (`InfoRequest#json_for_api(true)`)."""
    return json.dumps(
        {
            "id": 101,
            "url_title": REQUEST.rsplit("/", 1)[1],
            "title": "Freedom of Information request: continuity of carer at Example North",
            "created_at": "2027-01-11T09:12:00.000+00:00",
            "updated_at": "2027-02-01T10:00:00.000+00:00",
            "described_state": state,
            "display_status": state.replace("_", " "),
            "awaiting_description": awaiting,
            "prominence": "normal",
            "law_used": "foi",
            "tags": [["ods", "XX1"], ["continuity_of_carer", None]],
            "user": {"id": 7, "url_name": "synthetic_campaigner", "name": "Synthetic Campaigner"},
            "public_body": {"id": 3, "url_name": "example_north", "name": "Example North"},
            "info_request_events": [
                event("sent", "2027-01-11T09:12:00.000+00:00", id=1, outgoing_message_id=11),
                *events,
            ],
        }
    )


def event(kind: str, at: str, **fields: Any) -> dict[str, Any]:
    """One event, as `InfoRequestEvent#json_for_api(false)` writes it."""
    values: dict[str, Any] = {
        "id": fields.pop("id", 2),
        "event_type": kind,
        "created_at": at,
        "described_state": None,
        "calculated_state": None,
        "last_described_at": None,
        "incoming_message_id": None,
        "outgoing_message_id": None,
        "comment_id": None,
    }
    values.update(fields)
    return values


@pytest.fixture
def site() -> Iterator[PageServer]:
    server = PageServer()
    server.routes[REQUEST + ".json"] = Route(
        request_json("waiting_response"), content_type="application/json"
    )
    yield server
    server.close()


@pytest.fixture
def campaign(tmp_path: Path) -> Path:
    registry = MINIMAL_REGISTRY.replace(
        "    region: North East and Yorkshire\n",
        "    region: North East and Yorkshire\n    whatdotheyknow: example_north\n",
        1,
    )
    (tmp_path / "trusts.yaml").write_text(registry, encoding="utf-8")
    return tmp_path


def cli(
    campaign: Path, site: str, *args: str, today: str = "2027-01-11"
) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(campaign / "home"),
        "PYTHONPATH": str(SRC),
        "COCWATCH_TODAY": today,
        "COCWATCH_REGISTRY": str(campaign / "trusts.yaml"),
        "COCWATCH_CACHE_DIR": str(campaign / "cache"),
        "COCWATCH_WHATDOTHEYKNOW": site,
        "LANG": "C.UTF-8",
    }
    return run_cocwatch_text(list(args), env=env, cwd=campaign)


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


def logged(campaign: Path) -> list[dict[str, Any]]:
    return list(yaml.safe_load((campaign / "correspondence.yaml").read_text("utf-8"))["letters"])


def test_from_the_link_to_the_answer_with_no_hand_logging(campaign: Path, site: PageServer) -> None:
    """letter --whatdotheyknow, sent --url, answered on the site, `due` shows it answered."""
    base = site.base
    drafted = ok(cli(campaign, base, "letter", "foi", "example-north", "--whatdotheyknow"))
    link, _, letter = drafted.stdout.partition("\n\n")
    assert len(link) <= 2000  # what every browser takes
    parts = urlsplit(link.strip())
    assert f"{parts.scheme}://{parts.netloc}" == base and parts.path == "/new/example_north"
    query = parse_qs(parts.query)
    assert query["tags"] == ["ods:XX1 continuity_of_carer"]
    # The site adds "FOI request" itself, and wants a summary of what is asked.
    assert query["title"] == ["Continuity of carer at Example North NHS Trust (synthetic)"]
    # The FOI letter is too long for such a link: the link says so, the text is printed.
    assert query["default_letter"] == [
        "[Paste the letter here: cocwatch printed it beneath this link, as it is too long to "
        "fit in a link.]"
    ]
    assert "the letter is printed beneath the link" in drafted.stderr
    assert letter.startswith("Freedom of Information request: midwifery continuity of carer")
    assert "Dear " not in letter and "Yours " not in letter  # the site adds its own
    assert "References" in letter

    ok(
        cli(
            campaign, base, "sent", "foi", "example-north", "--url", base + REQUEST + "#outgoing-11"
        )
    )
    (entry,) = logged(campaign)
    assert (entry["request_url"], entry["via"]) == (base + REQUEST, "web")

    waiting = ok(cli(campaign, base, "due", today="2027-01-20"))
    assert "Example North" in waiting.stdout and waiting.stderr == ""
    assert "replies" not in logged(campaign)[0]  # nothing new on the site: nothing logged

    # The Trust answers on the site, and the campaigner classifies the reply there.
    site.routes[REQUEST + ".json"] = Route(
        request_json(
            "successful",
            event("response", "2027-02-01T15:30:00.000+00:00", id=2, incoming_message_id=21),
            event(
                "status_update",
                "2027-02-02T08:00:00.000+00:00",
                id=3,
                described_state="successful",
                last_described_at="2027-02-02T08:00:00.000+00:00",
            ),
        ),
        content_type="application/json",
    )
    answered = ok(cli(campaign, base, "due", "--fail-on", "overdue", today="2027-02-10"))
    assert answered.stdout.strip() == "No letter is awaiting a reply."
    assert "a reply of 2027-02-01 (answered)" in answered.stderr
    (entry,) = logged(campaign)
    assert entry["replies"] == [
        {
            "received_on": __import__("datetime").date(2027, 2, 1),
            "summary": "Read on WhatDoTheyKnow: the request is classified as 'successful'",
            "url": base + REQUEST + "#incoming-21",
        }
    ]
    assert [(str(e["changed_on"]), e["state"]) for e in entry["request_events"]] == [
        ("2027-02-02", "successful")
    ]
    every = ok(cli(campaign, base, "due", "--all", "-f", "csv", today="2027-02-10")).stdout
    assert "answered 2027-02-01" in every

    # Read again: nothing new, so nothing is logged twice.
    before = (campaign / "correspondence.yaml").read_bytes()
    again = ok(cli(campaign, base, "due", today="2027-02-11"))
    assert again.stderr == "" and (campaign / "correspondence.yaml").read_bytes() == before


def _closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_with_the_site_down_the_error_is_told_once_and_nothing_is_lost(campaign: Path) -> None:
    base = _closed_port()
    ok(cli(campaign, base, "sent", "foi", "example-north", "--url", base + REQUEST))
    before = (campaign / "correspondence.yaml").read_bytes()
    first = ok(cli(campaign, base, "due", today="2027-02-10"))
    assert "overdue" in first.stdout  # the log is still read and shown
    assert first.stderr.count("Could not read the WhatDoTheyKnow request") == 1
    assert base + REQUEST in first.stderr and "Traceback" not in first.stderr
    second = ok(cli(campaign, base, "due", today="2027-02-11"))
    assert "Could not read" not in second.stderr  # the same error is not told again
    assert (campaign / "correspondence.yaml").read_bytes() == before
    offline = ok(cli(campaign, base, "due", "--offline", today="2027-02-11"))
    assert offline.stderr == ""


def test_the_link_needs_the_trusts_name_on_the_site(campaign: Path, site: PageServer) -> None:
    missing = cli(campaign, site.base, "letter", "foi", "example-south", "--whatdotheyknow")
    assert missing.returncode == 2
    assert "WhatDoTheyKnow's name for Example South" in missing.stderr
    assert "--body NAME" in missing.stderr and "/body/NAME" in missing.stderr
    given = ok(
        cli(
            campaign,
            site.base,
            *("letter", "foi", "example-south", "--whatdotheyknow", "--body", "example_south"),
        )
    )
    assert urlsplit(given.stdout.split("\n")[0]).path == "/new/example_south"
    review = cli(campaign, site.base, "letter", "foi-review", "example-north", "--whatdotheyknow")
    assert review.returncode == 2 and "starts a new FOI request" in review.stderr
    bad_url = cli(campaign, site.base, "sent", "foi", "example-north", "--url", "https://x.org/a")
    assert bad_url.returncode == 2 and "not the address of a request" in bad_url.stderr


def answered_json() -> str:
    return request_json(
        "partially_successful",
        event("response", "2027-02-01T15:30:00.000+00:00", id=2, incoming_message_id=21),
    )


def test_check_and_watch_read_the_request_too(campaign: Path, site: PageServer) -> None:
    base = site.base
    ok(cli(campaign, base, "sent", "foi", "example-north", "--url", base + REQUEST))
    site.routes[REQUEST + ".json"] = Route(answered_json(), content_type="application/json")
    checked = ok(cli(campaign, base, "check", "example-north", "-f", "json", today="2027-02-10"))
    (trust,) = yaml.safe_load(checked.stdout)["trusts"]
    assert "foi_overdue" not in [f["code"] for f in trust["findings"]]
    (entry,) = logged(campaign)
    assert [(r["outcome"], str(r["received_on"])) for r in entry["replies"]] == [
        ("partial", "2027-02-01")
    ]
    state = ["watch", "--state", str(campaign / "state.sqlite3")]
    ok(cli(campaign, base, *state, today="2027-02-10"))
    assert len(logged(campaign)[0]["replies"]) == 1  # read again by watch: logged once


def test_an_unclassified_reply_is_logged_as_an_acknowledgement(
    campaign: Path, site: PageServer
) -> None:
    """The site's state is the requester's own: a reply not yet classified is not an answer."""
    base = site.base
    ok(cli(campaign, base, "sent", "foi", "example-north", "--url", base + REQUEST))
    site.routes[REQUEST + ".json"] = Route(
        request_json(
            "waiting_response",
            event("response", "2027-01-20T10:00:00.000+00:00", id=2, incoming_message_id=20),
            awaiting=True,
        ),
        content_type="application/json",
    )
    due = ok(cli(campaign, base, "due", today="2027-02-10"))
    assert "overdue" in due.stdout
    (reply,) = logged(campaign)[0]["replies"]
    assert reply["outcome"] == "acknowledged" and "not yet classified" in reply["summary"]


def feed_event(
    url_title: str, title: str, state: str, made: str, tags: list[Any]
) -> dict[str, Any]:
    """One event of a feed's JSON: `InfoRequestEvent#json_for_api(true)`."""
    return {
        **event("sent", made + "T09:00:00.000+00:00"),
        "info_request": {
            "id": 1,
            "url_title": url_title,
            "title": title,
            "created_at": made + "T09:00:00.000+00:00",
            "updated_at": made + "T10:00:00.000+00:00",
            "described_state": state,
            "display_status": state,
            "awaiting_description": False,
            "prominence": "normal",
            "law_used": "foi",
            "tags": tags,
        },
        "public_body": {"id": 3, "url_name": "example_north", "name": "Example North"},
    }


def test_requests_lists_what_others_asked(campaign: Path, site: PageServer) -> None:
    by_body = [
        feed_event("coc_plan", "Continuity of carer plan", "successful", "2026-05-01", []),
        feed_event("car_parking", "Car parking charges", "rejected", "2026-06-01", []),
        feed_event("coc_plan", "Continuity of carer plan", "successful", "2026-05-01", []),
    ]
    by_tag = [
        feed_event(
            "midwifery_teams",
            "Midwifery teams 2026",
            "waiting_response",
            "2026-09-10",
            [["ods", "XX1"], ["continuity_of_carer", None]],
        )
    ]
    site.routes["/feed/body/example_north.json"] = Route(
        json.dumps(by_body), content_type="application/json"
    )
    site.routes["/feed/search/tag%3Aods%3AXX1.json"] = Route(
        json.dumps(by_tag), content_type="application/json"
    )
    table = ok(cli(campaign, site.base, "requests", "example-north"))
    assert "Car parking" not in table.stdout
    found = yaml.safe_load(
        ok(cli(campaign, site.base, "requests", "example-north", "-f", "json")).stdout
    )
    assert [(r["title"], r["state"], r["created_on"]) for r in found["requests"]] == [
        ("Midwifery teams 2026", "awaiting a response", "2026-09-10"),
        ("Continuity of carer plan", "successful", "2026-05-01"),
    ]
    assert found["requests"][1]["url"] == site.base + "/request/coc_plan"
    csv = ok(cli(campaign, site.base, "requests", "example-north", "-f", "csv")).stdout
    assert csv.count("\n") == 3
    down = cli(campaign, _closed_port(), "requests", "example-north")
    assert down.returncode == 4 and "Traceback" not in down.stderr
    wrong = cli(campaign, site.base, "requests", "example-north", "--body", "no_such_body")
    assert wrong.returncode == 4 and "Check the Trust's name on the site" in wrong.stderr


def test_the_report_shows_public_requests_when_asked(campaign: Path, site: PageServer) -> None:
    site.routes["/feed/body/example_north.json"] = Route(
        json.dumps(
            [feed_event("coc_plan", "Continuity of carer plan", "successful", "2026-05-01", [])]
        ),
        content_type="application/json",
    )
    site.routes["/feed/search/tag%3Aods%3AXX1.json"] = Route("[]", content_type="application/json")
    ok(cli(campaign, site.base, "report", "--out", "plain"))
    page = (campaign / "plain" / "trusts" / "example-north.html").read_text("utf-8")
    assert "Public FOI requests" not in page and site.hits == {}
    ok(cli(campaign, site.base, "report", "--out", "site", "--requests"))
    page = (campaign / "site" / "trusts" / "example-north.html").read_text("utf-8")
    assert "Public FOI requests about continuity of carer" in page
    assert f'href="{site.base}/request/coc_plan"' in page and "Continuity of carer plan" in page
    down = ok(cli(campaign, _closed_port(), "report", "--out", "down", "--requests"))
    assert "written without the requests" in down.stderr


def test_the_sites_address_can_come_from_the_config_file(
    campaign: Path, site: PageServer, run: Any
) -> None:
    site.routes["/feed/body/example_north.json"] = Route(
        json.dumps(
            [feed_event("coc_plan", "Continuity of carer plan", "successful", "2026-05-01", [])]
        ),
        content_type="application/json",
    )
    site.routes["/feed/search/tag%3Aods%3AXX1.json"] = Route("[]", content_type="application/json")
    config = campaign / "config.yaml"
    config.write_text(f"whatdotheyknow_url: {site.base}/\n", encoding="utf-8")
    registry = str(campaign / "trusts.yaml")
    found = run("--config", str(config), "-r", registry, "requests", "example-north", "-f", "json")
    assert found.exit_code == 0, found.stderr
    assert json.loads(found.stdout)["requests"][0]["url"] == site.base + "/request/coc_plan"


def test_the_hints_name_the_trust_by_its_id(campaign: Path, site: PageServer) -> None:
    drafted = ok(cli(campaign, site.base, "letter", "foi", "example-north", "--whatdotheyknow"))
    assert f"cocwatch sent foi example-north --url {site.base}/request/..." in drafted.stderr
    assert "TRUST" not in drafted.stderr
    ok(cli(campaign, site.base, "sent", "foi", "example-north", today="2027-01-11"))
    checked = cli(campaign, site.base, "check", "example-north", today="2027-03-01")
    said = " ".join(checked.stdout.split())
    assert "`cocwatch replied foi example-north`" in said
    assert "`cocwatch letter chaser example-north` drafts a reminder" in said


def test_a_request_answered_on_the_site_is_never_chased(campaign: Path, site: PageServer) -> None:
    """The chaser reads the site first, as check and due do: the answer there is logged, and
    no reminder says there is no reply; an internal review cites the answer instead."""
    base = site.base
    ok(cli(campaign, base, "sent", "foi", "example-north", "--url", base + REQUEST))
    site.routes[REQUEST + ".json"] = Route(answered_json(), content_type="application/json")
    chased = cli(campaign, base, "letter", "chaser", "example-north", today="2027-02-15")
    assert chased.returncode == 2 and chased.stdout == ""
    assert "a reply of 2027-02-01 (partial)" in chased.stderr  # read from the site, and logged
    assert "follows up a letter still awaiting a reply" in chased.stderr
    review = ok(cli(campaign, base, "letter", "foi-review", "example-north", today="2027-02-15"))
    assert "The Trust replied on 1 February 2027" in " ".join(review.stdout.split())


def test_answers_count_a_request_answered_on_the_site(campaign: Path, site: PageServer) -> None:
    """A request made on WhatDoTheyKnow counts with the letters sent by hand: `answers` reads
    its reply on the site first (Monday 11 January to Monday 1 February 2027: 15 working
    days), beside a board letter logged by hand and still open (day 20 of 20)."""
    base = site.base
    ok(cli(campaign, base, "sent", "foi", "example-north", "--url", base + REQUEST))
    ok(cli(campaign, base, "sent", "board", "example-north"))
    site.routes[REQUEST + ".json"] = Route(answered_json(), content_type="application/json")
    shown = ok(cli(campaign, base, "answers", "--format", "json", today="2027-02-08"))
    rows = [
        (
            r["kind"],
            r["sent"],
            r["answered"],
            r["in_time"],
            r["median_days"],
            r["longest_open_days"],
        )
        for r in json.loads(shown.stdout)["answers"]
    ]
    assert rows == [("board", 1, 0, 0, None, 20), ("foi", 1, 1, 1, 15, None)]
    assert [str(r["received_on"]) for r in logged(campaign)[0]["replies"]] == ["2027-02-01"]
