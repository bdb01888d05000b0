"""Fetch the pages `watch --pages` follows, concurrently and politely, and hash what they show.

Pages are fetched with one `httpx.AsyncClient`: at most `concurrency` requests at a time in
all and `per_host` at a time to any one host (so a Trust's web server is not hammered), each
attempt bounded by `timeout` seconds from connecting to the last byte, retried with capped
exponential backoff when the network fails, the server times out or answers 429/5xx, and sent
as a conditional GET (If-None-Match / If-Modified-Since) when the page was read before, so an
unchanged page costs a 304. The client follows cocwatch's one fetch policy
(`sources.fetch_policy`): redirects only to the web, validators sent back byte for byte.

A page is compared by the SHA-256 of its visible text: the HTML is parsed (selectolax), and
scripts, styles, templates, comments, hidden elements and the head are dropped before the
text is joined and its whitespace normalised. So a rotating CSRF token, a new analytics
snippet or re-indented markup is not news; a new Board paper listed on the page is. Other
documents (a plan as a PDF, say) are compared byte for byte.

Imports httpx and selectolax; callers pass the client (or a transport) in tests.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cocwatch.core.watch import PageFetch
from cocwatch.sources import html_limits
from cocwatch.sources.fetch_policy import conditional_headers, header_pairs, validator
from cocwatch.sources.http import (
    TIMEOUT_SECONDS,
    BodyDecoder,
    DownloadError,
    DownloadTooLarge,
    async_client,
    describe_http_error,
    reason_of,
)

if TYPE_CHECKING:
    import httpx

Sleep = Callable[[float], Awaitable[None]]

MAX_PAGE_BYTES = 10 * 1024 * 1024
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_DROPPED_TAGS = ["script", "style", "noscript", "template", "iframe", "object", "embed"]
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)
_SPACES = re.compile(r"\s+")
_INVISIBLE_CHARS = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A page to fetch, with the validators from the last time it was read."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Limits for fetching pages (see the module docstring)."""

    concurrency: int = 16
    per_host: int = 4
    timeout: float = TIMEOUT_SECONDS  # seconds for one attempt, from connecting to the last byte
    retries: int = 2  # further attempts after the first
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    backoff_cap: float = 8.0
    max_bytes: int = MAX_PAGE_BYTES


class _Retryable(Exception):
    """A failure worth another attempt (network, timeout, 429 or 5xx)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def fetch_all(
    requests: Sequence[PageRequest],
    *,
    settings: FetchSettings | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, PageFetch]:
    """Fetch every page (blocking); return the outcome for each URL."""
    return asyncio.run(fetch_pages(requests, settings=settings, transport=transport))


async def fetch_pages(
    requests: Sequence[PageRequest],
    *,
    settings: FetchSettings | None = None,
    client: httpx.AsyncClient | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    sleep: Sleep = asyncio.sleep,
) -> dict[str, PageFetch]:
    """Fetch every page concurrently; return the outcome for each URL (never raises for one)."""
    settings = settings or FetchSettings()
    unique = list({r.url: r for r in requests}.values())
    owned = client is None
    if client is None:
        client = async_client(
            timeout=settings.timeout, connections=settings.concurrency, transport=transport
        )
    fetcher = _Fetcher(client, settings, sleep)
    try:
        results = await asyncio.gather(*(fetcher.fetch(r) for r in unique))
    finally:
        if owned:
            await client.aclose()
    return {result.url: result for result in results}


class _Fetcher:
    """Shares the client and the concurrency limits between the pages of one run."""

    def __init__(self, client: httpx.AsyncClient, settings: FetchSettings, sleep: Sleep) -> None:
        self.client = client
        self.settings = settings
        self.sleep = sleep
        self.slots = asyncio.Semaphore(max(1, settings.concurrency))
        self.hosts: dict[str, asyncio.Semaphore] = {}

    def _host_slots(self, url: str) -> asyncio.Semaphore:
        import httpx

        try:
            parsed = httpx.URL(url)
            host = f"{parsed.host}:{parsed.port or ''}"
        except httpx.InvalidURL:
            host = url
        if host not in self.hosts:
            self.hosts[host] = asyncio.Semaphore(max(1, self.settings.per_host))
        return self.hosts[host]

    async def fetch(self, request: PageRequest) -> PageFetch:
        """Fetch one page, retrying transient failures; report a failure as a result."""
        settings = self.settings
        headers = header_pairs(conditional_headers(request.etag, request.last_modified))
        host_slots = self._host_slots(request.url)
        attempt = 0
        while True:
            try:
                # The host slot first, so a request waiting for a busy host holds no global slot.
                async with host_slots, self.slots:
                    return await self._attempt(request.url, headers)
            except _Retryable as failure:
                if attempt >= settings.retries:
                    return PageFetch(request.url, "failed", error=failure.reason)
                delay = min(settings.backoff_cap, settings.backoff * 2**attempt)
                if failure.retry_after is not None:
                    delay = min(settings.backoff_cap, max(delay, failure.retry_after))
                attempt += 1
                await self.sleep(delay)

    async def _attempt(self, url: str, headers: list[tuple[bytes, bytes]]) -> PageFetch:
        import httpx

        settings = self.settings
        try:
            async with (
                asyncio.timeout(settings.timeout),
                self.client.stream("GET", url, headers=headers) as response,
            ):
                code = response.status_code
                if code == 304:
                    return PageFetch(
                        url,
                        "not_modified",
                        etag=validator(response.headers, "ETag"),
                        last_modified=validator(response.headers, "Last-Modified"),
                    )
                if code in _RETRY_STATUSES:
                    raise _Retryable(
                        f"{url} answered {code} {reason_of(response)}".rstrip(),
                        _retry_after(response.headers.get("Retry-After")),
                    )
                if code >= 400:
                    reason = f"{url} answered {code} {reason_of(response)}".rstrip()
                    return PageFetch(url, "failed", error=reason)
                try:
                    body = await _read_capped(response, settings.max_bytes)
                except DownloadTooLarge:
                    limit = settings.max_bytes // 1024 // 1024
                    return PageFetch(url, "failed", error=f"{url} is larger than {limit} MB")
                except DownloadError as exc:
                    return PageFetch(url, "failed", error=exc.reason)
                content_type = response.headers.get("Content-Type", "")
                etag = validator(response.headers, "ETag")
                last_modified = validator(response.headers, "Last-Modified")
        except TimeoutError:
            raise _Retryable(f"{url} did not answer within {settings.timeout:g} s") from None
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _Retryable(describe_http_error(url, exc)) from None
        except httpx.HTTPError as exc:
            return PageFetch(url, "failed", error=describe_http_error(url, exc))
        except DownloadError as exc:  # a redirect the fetch policy does not follow
            return PageFetch(url, "failed", error=exc.reason)
        try:
            text_hash = page_hash(body, content_type)
        except PageUnreadable as unreadable:
            return PageFetch(url, "failed", error=f"{url} cannot be read: {unreadable}")
        return PageFetch(
            url, "fetched", text_hash=text_hash, etag=etag, last_modified=last_modified
        )


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body; `DownloadTooLarge` when it, raw or decoded, passes `max_bytes`."""
    url = str(response.url)
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise DownloadTooLarge(url, max_bytes)
    # A response built in memory (a test's mock) is already read, and already decoded.
    in_memory = response.is_stream_consumed and hasattr(response, "_content")
    encoding = "" if in_memory else response.headers.get("Content-Encoding", "")
    decoder = BodyDecoder(encoding, url, max_bytes)
    received = 0
    chunks = response.aiter_bytes() if in_memory else response.aiter_raw()
    async for chunk in chunks:
        received += len(chunk)
        if received > max_bytes:
            raise DownloadTooLarge(url, max_bytes)
        decoder.feed(chunk)
    return decoder.finish()


def _retry_after(value: str | None) -> float | None:
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


# What a page shows ---------------------------------------------------------------------------


class PageUnreadable(ValueError):
    """A page cocwatch will not read (its HTML is nested too deeply to parse in good time)."""


# The page limits live in `html_limits`; the names stay importable from here.
MAX_HTML_DEPTH = html_limits.MAX_HTML_DEPTH


def html_depth_exceeds(body: bytes, limit: int = MAX_HTML_DEPTH) -> bool:
    """Whether the page passes one of the HTML limits (kept for callers of the old name)."""
    return html_limits.html_problem(body) is not None


def page_hash(body: bytes, content_type: str = "") -> str:
    """SHA-256 of what a reader sees: the visible text of HTML, the bytes of anything else.

    Raises `PageUnreadable` for HTML past the limits of `html_limits` (depth, tags).
    """
    kind = content_type.split(";", 1)[0].strip().lower()
    if "html" in kind or (not kind and body.lstrip()[:1] == b"<"):
        problem = html_limits.html_problem(body)
        if problem is not None:
            raise PageUnreadable(problem)
        text = visible_text(decode_html(body, _charset(content_type)))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    if kind.startswith("text/"):
        text = normalise_text(decode_html(body, _charset(content_type)))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    return hashlib.sha256(body).hexdigest()


def _charset(content_type: str) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def decode_html(body: bytes, declared: str | None = None) -> str:
    """Decode a page: the declared charset, a <meta charset>, UTF-8, then Windows-1252."""
    sniffed = _META_CHARSET.search(body[:4096])
    candidates = [declared, sniffed.group(1).decode("ascii") if sniffed else None, "utf-8"]
    for encoding in candidates:
        if not encoding:
            continue
        try:
            return body.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return body.decode("cp1252", errors="replace")


def visible_text(html: str) -> str:
    """The text a reader sees on an HTML page, whitespace normalised."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    body = tree.body
    if body is None:
        return ""
    body.strip_tags(_DROPPED_TAGS, recursive=True)
    # Innermost first, so no node is used after an ancestor has been removed.
    for node in reversed(body.css("[hidden], [style]")):
        style = node.attributes.get("style") or ""
        if "hidden" in node.attributes or _HIDDEN_STYLE.search(style):
            node.decompose()
    return normalise_text(body.text(separator=" ", strip=True))


def normalise_text(text: str) -> str:
    """Canonical form of text for comparison: NFC, no invisible characters, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE_CHARS)
    return _SPACES.sub(" ", text).strip()
