"""WhatDoTheyKnow (mySociety's Alaveteli): a request's JSON, and the feeds that list requests.

Returns plain values; never imports the registry or the CLI. The field names read here are
Alaveteli's own, from its source (``mysociety/alaveteli``):

- a request's ``.json`` is ``InfoRequest#json_for_api(true)`` in
  ``app/models/info_request.rb``: ``id``, ``url_title``, ``title``, ``created_at``,
  ``updated_at``, ``described_state``, ``display_status``, ``awaiting_description``,
  ``prominence``, ``law_used``, ``tags``, then ``user`` (or ``user_name``), ``public_body``
  and ``info_request_events``;
- each event is ``InfoRequestEvent#json_for_api`` in ``app/models/info_request_event.rb``:
  ``id``, ``event_type`` (``sent``, ``response``, ``followup_sent``, ``status_update``, ...),
  ``created_at``, ``described_state``, ``calculated_state``, ``last_described_at``,
  ``incoming_message_id``, ``outgoing_message_id``, ``comment_id``, and for messages
  ``display_status``; a feed's JSON is a list of events made with ``deep`` set, so each also
  carries ``info_request`` and ``public_body``;
- a body's JSON is ``PublicBody#json_for_api`` in ``app/models/public_body.rb``: ``id``,
  ``url_name``, ``name``, ``short_name``, ...

The links that start a request are `cocwatch.sources.whatdotheyknow_links`. A request's state
is set by the person who made it, so a reply can arrive while the state still says
``waiting_response`` (``awaiting_description`` is then true): replies are read from the
``response`` events, each with its own date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote, urlsplit

from cocwatch.core.safe_text import for_terminal
from cocwatch.core.web import WEB_ADDRESS
from cocwatch.errors import ExternalError
from cocwatch.sources import bounded_json

if TYPE_CHECKING:
    import httpx

SITE = WEB_ADDRESS["whatdotheyknow_url"].default  # the base address is a setting (core.web)
CAMPAIGN_TAG = "continuity_of_carer"
TIMEOUT_SECONDS = 20.0
MAX_JSON_BYTES = 5 * 1024 * 1024
_REQUEST_PATH = re.compile(r"^(?P<prefix>.*?/request/)(?P<title>[^/]*?)(?P<rest>\.json|/.*)?$")
_REQUEST_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
# Alaveteli names a request from 32 characters of its title (with "_2" and so on for repeats).
MAX_REQUEST_NAME_CHARS = 200
# A request's answers: more than this is no real request (an FOI request has a handful).
MAX_RESPONSES = 50
MAX_TITLE_CHARS = 500
UNKNOWN_STATE = "unknown"  # what the log records for a state no site gives
_STATE_SHAPE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")  # a site may add its own (DOMAIN §6)
_MESSAGE_ID = re.compile(r"^[0-9]{1,12}$")

# described_state values (Alaveteli) and what each means for the log.
STATE_WORDS: Mapping[str, str] = {
    "waiting_response": "awaiting a response",
    "waiting_clarification": "the Trust asked for clarification",
    "gone_postal": "the Trust replied by post",
    "not_held": "information not held",
    "rejected": "refused",
    "successful": "successful",
    "partially_successful": "partially successful",
    "internal_review": "awaiting an internal review",
    "error_message": "delivery error",
    "requires_admin": "needs the site's attention",
    "user_withdrawn": "withdrawn by the requester",
    "attention_requested": "reported to the site",
    "vexatious": "considered vexatious",
    "not_foi": "not an FOI request",
    UNKNOWN_STATE: "unknown (not a state the site gives)",
}
# The reply outcome (as `cocwatch replied --outcome`) each classified state gives a response.
STATE_OUTCOMES: Mapping[str, str] = {
    "successful": "answered",
    "partially_successful": "partial",
    "rejected": "refused",
    "not_held": "answered",
    "gone_postal": "answered",
    "waiting_clarification": "acknowledged",
    "waiting_response": "acknowledged",
}


class RequestReadError(ExternalError):
    """A request's JSON could not be fetched or read; the message names the address."""


class Body(Protocol):
    """A body kept by a download cache."""

    def read(self) -> bytes: ...


class JsonCache(Protocol):
    """Where answers are kept and refreshed with conditional GETs (the caller's download
    cache, `cocwatch.cache.downloads.DownloadCache`); its failures are `ExternalError`s."""

    def get(self, http: httpx.Client | None, url: str, *, max_bytes: int) -> Body: ...


def request_page_url(url: str, *, home: str = SITE) -> str:
    """A request's page address on the site at `home` (the one in use), from its address as
    copied: anchors, queries, ``.json`` and pages under it dropped, the site's own scheme and
    host used. Raises ValueError, in words, for anything that is not such an address."""
    from cocwatch.sources.fetch_policy import address_problem, site_hosts

    home = home.rstrip("/")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("give the request's whole address, starting https://")
    if (problem := address_problem(url.strip())) is not None:
        raise ValueError(f"this cannot be a request's address: {problem}")
    if parts.username is not None or parts.password is not None:
        raise ValueError(
            "the address holds a user name or password; give the request's address as the "
            "site shows it"
        )
    example = f"{home}/request/its_title"
    host = f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)
    if not site_hosts(home) & site_hosts(f"{parts.scheme}://{host}"):
        raise ValueError(
            f"this is not the address of a request on {home} (it is on {host}): a request's "
            f"page there looks like {example}"
        )
    found = _REQUEST_PATH.match(parts.path)
    if found is None or not found.group("title"):
        raise ValueError(
            f"this is not the address of a request: a request's page looks like {example}"
        )
    name = found.group("title")
    if len(name) > MAX_REQUEST_NAME_CHARS:
        raise ValueError(
            f"the address is longer than any request's address (its name has {len(name):,} "
            "characters); copy it again from the browser's address bar"
        )
    if not _REQUEST_NAME.match(name):
        odd = next(c for c in name if not _REQUEST_NAME.match(c))
        raise ValueError(
            f"the request's name holds {odd!r}, where a request's address has only letters, "
            "digits, _ and -; copy it again from the browser's address bar"
        )
    return f"{home}/request/{name}"


def request_json_url(page_url: str, *, home: str = SITE) -> str:
    """The address of a request's JSON: its page address with ``.json`` added."""
    return request_page_url(page_url, home=home) + ".json"


@dataclass(frozen=True, slots=True)
class Response:
    """One message from the authority on the request (an event of type ``response``)."""

    received_on: date
    url: str  # the message's place on the request page


@dataclass(frozen=True, slots=True)
class RequestStatus:
    """What a request's JSON says: its state, and each response with its date."""

    url: str  # the request's page
    title: str
    described_state: str
    awaiting_description: bool
    state_changed_on: date | None  # the date of the latest event that set the state
    responses: tuple[Response, ...]
    warnings: tuple[str, ...] = ()  # what in the answer could not be used as it was

    @property
    def state_words(self) -> str:
        return STATE_WORDS.get(self.described_state, self.described_state.replace("_", " "))

    def outcome(self) -> str:
        """The outcome the latest response has in the log's terms (unclassified: acknowledged)."""
        if self.awaiting_description:
            return "acknowledged"
        return STATE_OUTCOMES.get(self.described_state, "acknowledged")


def _day(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None


def read_state(value: Any) -> tuple[str, str | None]:
    """A `described_state` as the log may record it, and what was wrong with it, if anything:
    a state the site gives (or adds, in its own words) is kept, anything else is unknown."""
    if isinstance(value, str) and (value in STATE_WORDS or _STATE_SHAPE.match(value)):
        return value, None
    shown = for_terminal(repr(value)[:60], one_line=True)
    return UNKNOWN_STATE, (
        f"it gives the request a state cocwatch does not know ({shown}), logged as "
        f"'{UNKNOWN_STATE}'"
    )


def _message_id(value: Any) -> str | None:
    """An event's message number, when it is one (it makes the anchor of the reply's place)."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10**12:
        return str(value)
    return value if isinstance(value, str) and _MESSAGE_ID.match(value) else None


def _text(value: Any) -> str:
    """A text field of an answer, capped (anything else is no text)."""
    if not isinstance(value, str):
        return ""
    return value if len(value) <= MAX_TITLE_CHARS else value[: MAX_TITLE_CHARS - 1] + "…"


def parse_request(data: bytes, page_url: str) -> RequestStatus:
    """Read a request's JSON (`InfoRequest#json_for_api(true)`); raise ValueError if not one.

    Each message is read once (by its number), at most `MAX_RESPONSES` of them (the latest);
    what could not be used as it was is said in `warnings`.
    """
    doc = bounded_json.loads(data)
    if not isinstance(doc, dict) or "described_state" not in doc:
        raise ValueError("the answer is not a request's JSON (it has no described_state)")
    state, problem = read_state(doc["described_state"])
    warnings = [problem] if problem else []
    events = doc.get("info_request_events")
    events = events if isinstance(events, list) else []
    by_place: dict[str, Response] = {}
    unnumbered = 0
    state_on: date | None = None
    for event in events:
        if not isinstance(event, dict):
            continue
        day = _day(event.get("created_at"))
        if day is None:
            continue
        if event.get("event_type") == "response":
            number = _message_id(event.get("incoming_message_id"))
            unnumbered += number is None and event.get("incoming_message_id") is not None
            where = f"{page_url}#incoming-{number}" if number else page_url
            held = by_place.get(where)
            if held is None or day < held.received_on:  # one message listed twice: once
                by_place[where] = Response(day, where)
        if event.get("described_state") == doc["described_state"]:
            state_on = _day(event.get("last_described_at")) or day
    responses = sorted(by_place.values(), key=lambda r: r.received_on)
    if len(responses) > MAX_RESPONSES:
        warnings.append(
            f"it lists {len(responses):,} responses, more than any real request, so only the "
            f"latest {MAX_RESPONSES} were read"
        )
        responses = responses[-MAX_RESPONSES:]
    if unnumbered:
        warnings.append(
            f"{unnumbered:,} of its responses carry a message number that is not a number, so "
            "they are logged with the request's own address"
        )
    return RequestStatus(
        url=page_url,
        title=_text(doc.get("title")),
        described_state=state,
        awaiting_description=doc.get("awaiting_description") is True,
        state_changed_on=state_on,
        responses=tuple(responses),
        warnings=tuple(warnings),
    )


def fetch_request(url: str, *, home: str = SITE, cache: JsonCache | None = None) -> RequestStatus:
    """Fetch and read a request's JSON on the site at `home` (kept and conditionally
    refreshed by `cache`, if given)."""
    page = request_page_url(url, home=home)
    json_url = request_json_url(page, home=home)
    data = _fetch_json(json_url, cache)
    try:
        return parse_request(data, page)
    except ValueError as exc:
        raise RequestReadError(f"{json_url}: {exc}") from None


@dataclass(frozen=True, slots=True)
class PublicRequest:
    """A request on the site, as a feed's JSON lists it."""

    title: str
    url: str
    described_state: str
    created_on: date | None
    updated_on: date | None
    body: str
    tags: tuple[str, ...] = ()

    @property
    def state_words(self) -> str:
        return STATE_WORDS.get(self.described_state, self.described_state.replace("_", " "))


def _tags(value: Any) -> tuple[str, ...]:
    """Alaveteli's `tag_array` (pairs of name and value, the value often null) as text."""
    if not isinstance(value, list):
        return ()
    found = []
    for item in value[:50]:  # a request has a few tags
        if isinstance(item, list) and item and isinstance(item[0], str):
            tag = item[1] if len(item) > 1 and isinstance(item[1], str | int) else None
            found.append(_text(f"{item[0]}:{tag}" if tag not in (None, "") else item[0]))
        elif isinstance(item, str):
            found.append(_text(item))
    return tuple(found)


_TOPIC = re.compile(r"continuity\s+of\s+carer|\bmcoc\b|continuity\s+of\s+care\b", re.I)


def about_continuity_of_carer(request: PublicRequest) -> bool:
    """Whether a request is about continuity of carer: the campaign tag, or its title."""
    return CAMPAIGN_TAG in request.tags or bool(_TOPIC.search(request.title))


def feed_urls(url_name: str | None, tags: Iterable[str], *, site: str = SITE) -> list[str]:
    """The feeds' JSON addresses: requests to the body, and requests with each tag."""
    base = site.rstrip("/")
    urls = [f"{base}/feed/body/{quote(url_name)}.json"] if url_name else []
    urls += [f"{base}/feed/search/{quote('tag:' + tag)}.json" for tag in tags]
    return urls


def parse_feed(data: bytes, *, site: str = SITE) -> list[PublicRequest]:
    """Read a feed's JSON (a list of events, each with its `info_request` and `public_body`)."""
    doc = bounded_json.loads(data)
    if not isinstance(doc, list):
        raise ValueError("the answer is not a feed's JSON (a list of events)")
    found: dict[str, PublicRequest] = {}
    for event in doc:
        request = event.get("info_request") if isinstance(event, dict) else None
        if not isinstance(request, dict):
            continue
        name = request.get("url_title")
        if not isinstance(name, str) or len(name) > MAX_REQUEST_NAME_CHARS:
            continue
        if not _REQUEST_NAME.match(name):
            continue
        body = event.get("public_body")
        url = f"{site.rstrip('/')}/request/{name}"
        found.setdefault(
            url,
            PublicRequest(
                title=_text(request.get("title")) or name,
                url=url,
                described_state=read_state(request.get("described_state"))[0],
                created_on=_day(request.get("created_at")),
                updated_on=_day(request.get("updated_at")),
                body=_text(body.get("name")) if isinstance(body, dict) else "",
                tags=_tags(request.get("tags")),
            ),
        )
    return list(found.values())


def fetch_requests(
    url_name: str | None,
    tags: Iterable[str],
    *,
    site: str = SITE,
    cache: JsonCache | None = None,
    keep: Any = None,
) -> list[PublicRequest]:
    """The public requests to a body and with the tags (each once), newest first.

    `keep` (a function of a `PublicRequest`) filters the body's requests, e.g. to the ones
    about continuity of carer; requests found by tag are all kept.
    """
    tag_list = list(tags)
    seen: dict[str, PublicRequest] = {}
    for i, feed in enumerate(feed_urls(url_name, tag_list, site=site)):
        by_body = bool(url_name) and i == 0
        try:
            items = parse_feed(_fetch_json(feed, cache), site=site)
        except ValueError as exc:
            raise RequestReadError(f"{feed}: {exc}") from None
        for item in items:
            if by_body and keep is not None and not keep(item):
                continue
            seen.setdefault(item.url, item)
    return sorted(seen.values(), key=lambda r: r.created_on or date.min, reverse=True)


def _fetch_json(url: str, cache: JsonCache | None) -> bytes:
    """The body of `url`, fetched from the site it is on (a redirect elsewhere is refused)."""
    import httpx

    from cocwatch.sources.fetch_policy import site_hosts
    from cocwatch.sources.http import DownloadError, client, describe_http_error, download

    with client(timeout=TIMEOUT_SECONDS, hosts=site_hosts(url)) as http:
        if cache is not None:
            try:
                return cache.get(http, url, max_bytes=MAX_JSON_BYTES).read()
            except ExternalError as exc:  # the network, or a copy that cannot be kept
                raise RequestReadError(str(exc).rstrip(".") + ".") from None
        try:
            got = download(url, http=http, timeout=TIMEOUT_SECONDS, max_bytes=MAX_JSON_BYTES)
        except DownloadError as exc:
            raise RequestReadError(str(exc)) from None
        except httpx.HTTPError as exc:
            raise RequestReadError(describe_http_error(url, exc) + ".") from None
    if not 200 <= got.status_code < 300:
        raise RequestReadError(f"{url} answered {got.status_code} {got.reason_phrase}.")
    return got.body


__all__ = [
    "CAMPAIGN_TAG",
    "SITE",
    "PublicRequest",
    "RequestReadError",
    "RequestStatus",
    "Response",
    "about_continuity_of_carer",
    "fetch_request",
    "fetch_requests",
    "parse_feed",
    "parse_request",
    "request_json_url",
    "request_page_url",
]
