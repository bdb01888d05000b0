"""Read the WhatDoTheyKnow requests named in the correspondence log, and log what is new.

`due`, `check` and `watch` call `sync_requests` before they read the log: for each letter
logged with ``--url`` and still open, the request's JSON is fetched (through the cache, with
the usual timeouts) and each reply found there, and each change of the request's state, is
appended to the log once, with its date. A request that cannot be read is reported once per
change of the error (the last error of each request is kept in the cache folder), and nothing
in the log is lost or changed. Shared by several commands, so it is not a ``cmd_*`` module.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cocwatch.cache.downloads import DownloadCache
    from cocwatch.cli.session import Session
    from cocwatch.core.correspondence import CorrespondenceLog, LoggedLetter
    from cocwatch.registry.correspondence import KnownBodies
    from cocwatch.sources.whatdotheyknow import RequestStatus

CACHE_NAME = "whatdotheyknow"
ERRORS_FILE = "errors.json"


@dataclass
class SyncResult:
    """What one sync logged, and the errors to report (each new one once)."""

    logged: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def json_cache() -> DownloadCache:
    """Where WhatDoTheyKnow's answers are kept, refreshed with conditional GETs."""
    from cocwatch import cache
    from cocwatch.cache.downloads import DownloadCache

    folder = cache.folder(CACHE_NAME)
    return DownloadCache(folder, suffix=".json.body", what="WhatDoTheyKnow cache")


def sync_logged_requests(s: Session, as_of: date) -> SyncResult:
    """`sync_requests` on the correspondence log in use (for `check` and `watch`)."""
    return sync_requests(s, Path(s.correspondence_location().value).expanduser(), as_of=as_of)


def sync_requests(s: Session, log_path: Path, *, as_of: date, report: bool = True) -> SyncResult:
    """Fetch every open request named in the log at `log_path`; append what is new to it."""
    from cocwatch.core.correspondence import letter_state
    from cocwatch.registry.correspondence import load_log, reply_rules
    from cocwatch.sources.whatdotheyknow import RequestReadError, fetch_request

    result = SyncResult()
    try:
        if b"request_url" not in log_path.read_bytes():
            return result  # no request made on the site: nothing to read (nor to parse twice)
    except OSError:
        return result  # no log yet (or unreadable: the command's own reading says so)
    known = s.known_bodies()
    loaded = load_log(log_path, **known)
    followed = [
        (i, letter)
        for i, letter in enumerate(loaded.log.letters)
        if letter.request_url and letter.sent_on is not None and letter.sent_on <= as_of
    ]
    if not followed:
        return result
    rules = reply_rules(loaded.log, as_of=as_of, other_working_days=s.config.reply_working_days)
    statuses: dict[str, RequestStatus] = {}
    errors = _read_errors()
    before = dict(errors)
    cache = json_cache()
    home = s.web_address("whatdotheyknow_url")
    for i, letter in followed:
        url = str(letter.request_url)
        if letter_state(i, letter, as_of=as_of, rules=rules).status == "closed":
            continue
        try:
            statuses[url] = fetch_request(url, home=home, cache=cache)
        except (RequestReadError, ValueError) as exc:
            message = (
                f"Could not read the WhatDoTheyKnow request {url}: {exc} Nothing in the "
                "correspondence log was changed; cocwatch will try again next time, and says "
                "so again only if the problem changes."
            )
            if errors.get(url) != str(exc):
                result.errors.append(message)
            errors[url] = str(exc)
            continue
        errors.pop(url, None)
        result.errors += _said_once(errors, url, statuses[url].warnings)
    if errors != before:
        _write_errors(errors)
    if statuses:
        result.logged = _log_news(s, log_path, statuses, as_of, known)
    if report:
        for message in result.errors:
            s.warn(message)
        for line in result.logged:
            s.info(line)
    return result


def _said_once(errors: dict[str, str], url: str, warnings: tuple[str, ...]) -> list[str]:
    """A warning about what in a request's answer could not be used, the first time it is so
    (kept with the errors, under the request's address and " (answer)")."""
    key, said = f"{url} (answer)", "; ".join(warnings)
    if not said:
        errors.pop(key, None)
        return []
    if errors.get(key) == said:
        return []
    errors[key] = said
    return [
        f"WhatDoTheyKnow's answer for the request {url} could not all be used: {said}. The "
        "rest was read; cocwatch says this again only if it changes."
    ]


def _log_news(
    s: Session,
    log_path: Path,
    statuses: dict[str, RequestStatus],
    as_of: date,
    known: KnownBodies,
) -> list[str]:
    from cocwatch.core.edits import AppendAt
    from cocwatch.registry.correspondence import change_log

    said: list[str] = []
    # Replies first, then the changes of state: each an edit of its own (one list each).
    for part in ("replies", "request_events"):

        def plan(current: CorrespondenceLog, part: str = part) -> tuple[list[Any], list[str]]:
            changes: list[Any] = []
            words: list[str] = []
            for i, letter in enumerate(current.letters):
                status = statuses.get(str(letter.request_url)) if letter.request_url else None
                if status is None:
                    continue
                replies, events, told = _news(letter, status, as_of)
                items = replies if part == "replies" else events
                if items:
                    changes.append(AppendAt(("letters", i, part), tuple(items)))
                    words += [
                        f"{letter.body or 'national'} '{letter.kind}' letter: {w}"
                        for w in told
                        if (w.startswith("a reply")) == (part == "replies")
                    ]
            return changes, words

        result, told = change_log(log_path, plan, **known)
        if result.written:
            said += told
    if said:
        said.append(f"Logged in {log_path} (read on WhatDoTheyKnow).")
    return said


def _news(
    letter: LoggedLetter, status: RequestStatus, as_of: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """The replies and state changes `status` shows that the letter's log entry lacks."""
    from cocwatch.registry.correspondence import entry

    sent_on = letter.sent_on or date.min  # a letter read here has one (`sync_requests`)
    have: set[tuple[str | None, str]] = {(r.url, r.outcome) for r in letter.replies}
    replies: list[dict[str, Any]] = []
    words: list[str] = []
    latest = status.responses[-1] if status.responses else None
    for response in status.responses:
        if response.received_on > as_of or response.received_on < sent_on:
            continue
        outcome = status.outcome() if response is latest else "acknowledged"
        if (response.url, outcome) in have:
            continue
        if any(r.url == response.url for r in letter.replies) and outcome == "acknowledged":
            continue  # already logged with a classification; an older reading adds nothing
        have.add((response.url, outcome))
        replies.append(
            entry(
                {
                    "received_on": response.received_on,
                    "outcome": outcome if outcome != "answered" else None,
                    "summary": f"Read on WhatDoTheyKnow: {_state_phrase(status)}",
                    "url": response.url,
                }
            )
        )
        words.append(f"a reply of {response.received_on} ({outcome})")
    last_state = letter.request_events[-1].state if letter.request_events else None
    events: list[dict[str, Any]] = []
    first_reading = last_state is None and status.described_state == "waiting_response"
    if status.described_state != last_state and not first_reading:
        on = min(status.state_changed_on or as_of, as_of)
        on = max(on, sent_on)
        events.append({"changed_on": on, "state": status.described_state})
        words.append(f"the request is now '{status.state_words}' (since {on})")
    return replies, events, words


def _state_phrase(status: RequestStatus) -> str:
    if status.awaiting_description:
        return "a message from the Trust, not yet classified there by the requester"
    return f"the request is classified as '{status.state_words}'"


def _read_errors() -> dict[str, str]:
    path = json_cache().folder / ERRORS_FILE
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_errors(errors: dict[str, str]) -> None:
    from cocwatch.errors import CocwatchError
    from cocwatch.files import atomic_write

    path = json_cache().folder / ERRORS_FILE
    with contextlib.suppress(OSError, CocwatchError):
        atomic_write(path, json.dumps(errors, indent=1, sort_keys=True).encode())
