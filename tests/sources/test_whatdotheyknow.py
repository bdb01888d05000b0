"""WhatDoTheyKnow's links and JSON, read as Alaveteli writes them (synthetic values only)."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from cocwatch.sources.whatdotheyknow import parse_request, request_json_url, request_page_url
from cocwatch.sources.whatdotheyknow_links import (
    MAX_LINK_CHARS,
    PASTE_NOTE,
    letter_for_site,
    machine_tag,
    new_request_link,
    title_for_site,
)


def test_the_link_is_encoded_and_keeps_to_a_safe_length() -> None:
    link = new_request_link(
        "example_body",
        title="Continuity of carer & 50% (synthetic)",
        letter="Line one: a + b?\n\nLine two #3",
        tags=[machine_tag("ods", "XX1"), "continuity_of_carer"],
        site="https://example.org/",
    )
    assert link.letter_included and link.url.startswith("https://example.org/new/example_body?")
    query = parse_qs(urlsplit(link.url).query)
    assert query["default_letter"] == ["Line one: a + b?\n\nLine two #3"]
    assert query["tags"] == ["ods:XX1 continuity_of_carer"]
    assert "+" not in link.url  # spaces as %20, a plus sign as %2B
    assert MAX_LINK_CHARS <= 2083  # what every browser takes (Internet Explorer's limit)
    long = new_request_link("example_body", title="T", letter="é" * 5000, tags=["a"])
    assert not long.letter_included and len(long.url) <= MAX_LINK_CHARS
    query = parse_qs(urlsplit(long.url).query)
    assert query["default_letter"] == [PASTE_NOTE] and query["title"] == ["T"]
    longer = new_request_link("example_body", title="T" * 3000, letter="x", tags=["a"])
    assert not longer.letter_included and len(longer.url) <= MAX_LINK_CHARS
    assert parse_qs(urlsplit(longer.url).query)["tags"] == ["a"]
    with pytest.raises(ValueError, match="not a body name"):
        new_request_link("Example Body", title="T", letter="x", tags=[])


def test_request_addresses_as_copied_from_the_browser() -> None:
    page = "https://www.whatdotheyknow.com/request/coc_plan"
    for copied in (page, page + "#incoming-5", page + "?nocache=1", page + ".json", page + "/"):
        assert request_page_url(copied) == page
    assert request_json_url(page + "#outgoing-1") == page + ".json"
    with pytest.raises(ValueError, match="not the address of a request"):
        request_page_url("https://www.whatdotheyknow.com/body/example")
    with pytest.raises(ValueError, match="whole address"):
        request_page_url("whatdotheyknow.com/request/x")


def test_a_reply_is_read_from_its_event_not_only_from_the_state() -> None:
    data = {
        "id": 1,
        "url_title": "coc_plan",
        "title": "Continuity of carer plan",
        "described_state": "waiting_response",
        "awaiting_description": True,
        "info_request_events": [
            {"id": 1, "event_type": "sent", "created_at": "2027-01-11T09:00:00Z"},
            {
                "id": 2,
                "event_type": "response",
                "created_at": "2027-01-29T23:30:00.000+00:00",
                "incoming_message_id": 9,
            },
        ],
    }
    status = parse_request(json.dumps(data).encode(), "https://example.org/request/coc_plan")
    (response,) = status.responses
    assert response.received_on == date(2027, 1, 29)
    assert response.url == "https://example.org/request/coc_plan#incoming-9"
    assert status.outcome() == "acknowledged"  # not yet classified by the requester
    with pytest.raises(ValueError, match="not a request's JSON"):
        parse_request(b"[]", "https://example.org/request/x")
    with pytest.raises(ValueError, match="not JSON"):
        parse_request(b"<html>", "https://example.org/request/x")


def test_the_letter_and_title_as_the_site_wants_them() -> None:
    text = (
        "Me\n\nDear Sir or Madam\n\nPlease send X.\n\nYours faithfully\n\nJo\n\nReferences\n\n1. A."
    )
    assert letter_for_site(text) == "Please send X.\n\nReferences\n\n1. A.\n"
    assert title_for_site("Freedom of Information request: continuity of carer at X") == (
        "Continuity of carer at X"
    )
    assert title_for_site("Board papers") == "Board papers"
