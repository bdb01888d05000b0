"""The one fetch policy every HTTP client of cocwatch follows.

- **Addresses** are used only when they are http(s) with a host and hold no control
  character or direction mark, written out or percent-encoded (`address_problem`): a file
  named from ``…/msds%00.csv`` or ``…/msds%1b[31m.csv`` is never asked for.
- **Redirects** are followed only to such addresses, never from https to plain http, and,
  for a fetcher that names the hosts it expects (WhatDoTheyKnow: its own site), only to
  those (`redirect_hook`, installed on every client `sources.http` builds). A refused
  redirect is `RedirectRefused`, a `DownloadError` (exit 4), in words.
- **Validators** a server sent (ETag, Last-Modified) are kept as the exact bytes it sent
  (`validator`) and sent back as those bytes (`conditional_headers`); a value with a control
  character, or too long to be one, is dropped (the copy is then fetched again in full).

Imports the standard library, `core.safe_text` and `errors`; httpx only inside functions.
`sources.http` builds every client with it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Collection, Mapping
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

from cocwatch.core.safe_text import for_terminal, has_unsafe
from cocwatch.errors import ExternalError

if TYPE_CHECKING:
    import httpx

MAX_VALIDATOR_CHARS = 1024
_VALIDATOR_BYTE_UNSAFE = re.compile(rb"[\x00-\x08\x0a-\x1f\x7f]")


class DownloadError(ExternalError):
    """A download stopped by one of its limits or by this policy; `reason` is one clause for
    a longer sentence (`sources.http` raises the limits' own kinds)."""

    def __init__(self, reason: str, advice: str) -> None:
        super().__init__(f"{reason}. {advice}")
        self.reason = reason


class RedirectRefused(DownloadError):
    """A server redirected to an address the fetch policy does not follow."""

    def __init__(self, url: str, target: str, why: str) -> None:
        super().__init__(
            f"{for_terminal(url, one_line=True)} redirected to "
            f"{for_terminal(target, one_line=True)!r}, which cocwatch does not follow ({why})",
            "Open the address in a browser to see where it leads; if that place is right, "
            "give its address instead.",
        )


def address_problem(url: str) -> str | None:
    """Why `url` cannot be fetched (in words), or None when it can."""
    if has_unsafe(url, one_line=True) or has_unsafe(unquote(url, errors="replace"), one_line=True):
        return "it holds a control character or a direction mark, which no real address has"
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        return f"it is not a valid web address ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return "it does not start with http:// or https://"
    if not parts.hostname:
        return "it names no web server"
    return None


def redirect_problem(source: str, target: str, hosts: Collection[str] | None) -> str | None:
    """Why a redirect from `source` to `target` is not followed, or None when it is."""
    problem = address_problem(target)
    if problem is not None:
        return problem.replace("it does not start", "the new address does not start")
    old, new = urlsplit(source), urlsplit(target)
    if old.scheme == "https" and new.scheme == "http":
        return "it would go from an encrypted https:// address to an unencrypted http:// one"
    if hosts is not None and _host(target) not in hosts:
        return f"it leads to another site ({_host(target)}), not to {', '.join(sorted(hosts))}"
    return None


def _check(response: httpx.Response, hosts: Collection[str] | None) -> None:
    """Raise `RedirectRefused` when `response` redirects where the policy does not follow."""
    import httpx

    if not response.has_redirect_location:
        return
    location = response.headers.get("Location", "")
    source = str(response.request.url)
    try:
        target = urljoin(source, location)
        why = redirect_problem(source, target, hosts)
        if why is None:
            response.request.url.join(location)  # as httpx will read it
    except (httpx.InvalidURL, ValueError) as exc:
        target, why = location, f"it is not a valid web address ({exc})"
    if why is not None:
        raise RedirectRefused(source, target, why)


def _host(url: str) -> str:
    """The host of `url`, lower case, with its port when that is not the scheme's own."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return host if parts.port in (None, default) else f"{host}:{parts.port}"


def site_hosts(url: str) -> frozenset[str]:
    """The hosts of the site `url` is on: its own (and port), with and without ``www.``."""
    host = _host(url)
    bare = host.removeprefix("www.")
    return frozenset({host, bare, f"www.{bare}"})


def redirect_hook(hosts: Collection[str] | None = None) -> Callable[[httpx.Response], None]:
    """A response hook for `httpx.Client` that enforces the redirect policy (`hosts`: the only
    hosts a redirect may lead to, as `site_hosts` gives them; None: any)."""
    allowed = None if hosts is None else frozenset(h.lower() for h in hosts)

    def hook(response: httpx.Response) -> None:
        _check(response, allowed)

    return hook


def async_redirect_hook(
    hosts: Collection[str] | None = None,
) -> Callable[[httpx.Response], Awaitable[None]]:
    """`redirect_hook` for `httpx.AsyncClient`."""
    check = redirect_hook(hosts)

    async def hook(response: httpx.Response) -> None:
        check(response)

    return hook


def validator(headers: Mapping[str, str], name: str) -> str | None:
    """The header `name` as the exact bytes the server sent (one character per byte, as
    Latin-1 reads them), or None when it is absent or could not be sent back safely."""
    raw = getattr(headers, "raw", None)
    if raw is not None:  # httpx's headers: the bytes as received
        wanted = name.lower().encode("ascii")
        data = next((bytes(value) for key, value in raw if key.lower() == wanted), None)
        text = None if data is None else data.decode("latin-1")
    else:
        text = headers.get(name)
    return text if isinstance(text, str) and header_bytes(text) is not None else None


def header_bytes(value: str | None) -> bytes | None:
    """A kept validator as the bytes to send, or None when it cannot be sent safely (a value
    kept by an earlier version may hold any text)."""
    if not value or len(value) > MAX_VALIDATOR_CHARS:
        return None
    try:
        data = value.encode("latin-1")
    except UnicodeEncodeError:
        return None
    return None if _VALIDATOR_BYTE_UNSAFE.search(data) else data


def header_pairs(headers: Mapping[str, str | bytes]) -> list[tuple[bytes, bytes]]:
    """Headers as the pairs of bytes httpx sends unchanged (text as Latin-1, as HTTP has it)."""
    return [
        (name.encode("ascii"), value if isinstance(value, bytes) else value.encode("latin-1"))
        for name, value in headers.items()
    ]


def conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, bytes]:
    """If-None-Match and If-Modified-Since for a copy kept with these validators."""
    headers: dict[str, bytes] = {}
    if (sent := header_bytes(etag)) is not None:
        headers["If-None-Match"] = sent
    if (sent := header_bytes(last_modified)) is not None:
        headers["If-Modified-Since"] = sent
    return headers
