"""Fetching watched pages: visible text, conditional GET, retries, limits (synthetic pages).

HTTP goes through a real `httpx.AsyncClient` with `MockTransport`; delays are injected, so
nothing here waits for real backoff.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine

import httpx
import pytest

from cocwatch.core.watch import PageFetch
from cocwatch.sources.pages import (
    FetchSettings,
    PageRequest,
    decode_html,
    fetch_pages,
    page_hash,
    visible_text,
)

PAGE = """<!doctype html><html><head><title>Board</title>
<meta name="csrf-token" content="{token}"><style>p {{ color: red }}</style>
<script>window.token = "{token}";</script></head>
<body><!-- build {token} --><h1>Board papers</h1>
<p>Meeting   of 3 December 2026</p>
<input type="hidden" name="csrf" value="{token}">
<div hidden>{token}</div><span style="display: none">{token}</span>
<noscript>Enable JavaScript {token}</noscript><template><p>{token}</p></template>
{extra}</body></html>"""


def page(token: str = "abc", extra: str = "") -> bytes:
    return PAGE.format(token=token, extra=extra).encode()


def test_visible_text_drops_scripts_styles_comments_and_hidden_parts() -> None:
    assert visible_text(page().decode()) == "Board papers Meeting of 3 December 2026"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param(page("abc"), page("xyz"), True, id="rotating-token"),
        pytest.param(
            page(),
            page().replace(b"<p>", b"\n\n   <p  class='x'>"),
            True,
            id="markup-and-whitespace",
        ),
        pytest.param(
            page(),
            page(extra="<script>track()</script><style>a{}</style>"),
            True,
            id="new-script-or-style",
        ),
        pytest.param(
            page(),
            page(extra="<a href='/p.pdf'>Papers, 4 February 2027</a>"),
            False,
            id="new-link-text",
        ),
        pytest.param(
            page(), page().replace(b"3 December", b"4 December"), False, id="changed-text"
        ),
    ],
)
def test_page_hash_compares_what_a_reader_sees(a: bytes, b: bytes, same: bool) -> None:
    html = "text/html; charset=utf-8"
    assert (page_hash(a, html) == page_hash(b, html)) is same


def test_other_documents_are_compared_byte_for_byte() -> None:
    assert page_hash(b"%PDF-1.7 a", "application/pdf") != page_hash(
        b"%PDF-1.7 b", "application/pdf"
    )
    assert page_hash(b"x  y", "text/plain") == page_hash(b"x y\n", "text/plain")


def test_decoding_follows_header_then_meta_then_utf8() -> None:
    assert decode_html("café".encode("cp1252"), "windows-1252") == "café"
    assert decode_html(b'<meta charset="iso-8859-1"><p>caf\xe9').endswith("café")
    assert decode_html("café".encode()) == "café"
    assert decode_html(b"caf\xe9") == "café"  # undeclared, not UTF-8: Windows-1252


# Fetching -----------------------------------------------------------------------------------

Handler = Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]


class Recorder:
    """Counts attempts per URL and the sleeps the fetcher asked for."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.attempts: dict[str, int] = {}
        self.headers: dict[str, list[dict[str, str]]] = {}

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def note(self, request: httpx.Request) -> int:
        url = str(request.url)
        self.attempts[url] = self.attempts.get(url, 0) + 1
        self.headers.setdefault(url, []).append(dict(request.headers))
        return self.attempts[url]


def fetch(
    handler: Handler,
    requests: list[PageRequest],
    recorder: Recorder,
    **settings: float,
) -> dict[str, PageFetch]:
    async def go() -> dict[str, PageFetch]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            results = await fetch_pages(
                requests,
                settings=FetchSettings(**settings),  # type: ignore[arg-type]
                client=client,
                sleep=recorder.sleep,
            )
        return results

    return asyncio.run(go())


U = "https://trust.example.org/board"


def test_conditional_get_sends_validators_and_treats_304_as_unchanged() -> None:
    rec = Recorder()

    async def handler(request: httpx.Request) -> httpx.Response:
        rec.note(request)
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, content=page(), headers={"ETag": '"v1"'})

    first = fetch(handler, [PageRequest(U)], rec)[U]
    assert first.outcome == "fetched" and first.etag == '"v1"'
    again = fetch(handler, [PageRequest(U, etag='"v1"', last_modified="Mon, 23 Nov 2026")], rec)
    assert again[U].outcome == "not_modified"
    sent = rec.headers[U][-1]
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Mon, 23 Nov 2026"
    assert "if-none-match" not in rec.headers[U][0]


def test_transient_failures_are_retried_with_capped_backoff() -> None:
    rec = Recorder()

    async def handler(request: httpx.Request) -> httpx.Response:
        n = rec.note(request)
        if n == 1:
            raise httpx.ConnectError("refused", request=request)
        if n == 2:
            return httpx.Response(503, headers={"Retry-After": "3"})
        return httpx.Response(200, content=page())

    result = fetch(handler, [PageRequest(U)], rec, retries=3, backoff=1.0, backoff_cap=2.5)
    assert result[U].outcome == "fetched"
    assert rec.sleeps == [1.0, 2.5]  # the second honours Retry-After, capped


def test_retries_run_out_and_the_last_reason_is_reported() -> None:
    rec = Recorder()

    async def handler(request: httpx.Request) -> httpx.Response:
        rec.note(request)
        return httpx.Response(500)

    result = fetch(handler, [PageRequest(U)], rec, retries=2, backoff=0.5)
    assert result[U].error == f"{U} answered 500 Internal Server Error"
    assert rec.attempts[U] == 3
    assert rec.sleeps == [0.5, 1.0]


def test_a_404_is_not_retried() -> None:
    rec = Recorder()

    async def handler(request: httpx.Request) -> httpx.Response:
        rec.note(request)
        return httpx.Response(404)

    result = fetch(handler, [PageRequest(U)], rec, retries=3)
    assert result[U].outcome == "failed"
    assert result[U].error == f"{U} answered 404 Not Found"
    assert rec.attempts[U] == 1 and rec.sleeps == []


def test_a_slow_page_times_out_without_holding_up_the_others() -> None:
    rec = Recorder()
    slow, quick = "https://slow.example.org/", "https://quick.example.org/"

    async def handler(request: httpx.Request) -> httpx.Response:
        rec.note(request)
        if request.url.host == "slow.example.org":
            await asyncio.sleep(5)
        return httpx.Response(200, content=page())

    results = fetch(handler, [PageRequest(slow), PageRequest(quick)], rec, timeout=0.2, retries=1)
    assert results[quick].outcome == "fetched"
    assert results[slow].error == f"{slow} did not answer within 0.2 s"
    assert rec.attempts[slow] == 2


def test_oversized_pages_fail_with_a_reason() -> None:
    rec = Recorder()

    async def handler(request: httpx.Request) -> httpx.Response:
        rec.note(request)
        return httpx.Response(200, content=b"<p>" + b"x" * 3000)

    result = fetch(handler, [PageRequest(U)], rec, max_bytes=1024 * 1024 // 512)
    assert result[U].outcome == "failed"


def test_concurrency_is_bounded_overall_and_per_host() -> None:
    rec = Recorder()
    in_flight: dict[str, int] = {}
    peak: dict[str, int] = {}
    total = {"now": 0, "peak": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        host = request.url.host
        in_flight[host] = in_flight.get(host, 0) + 1
        total["now"] += 1
        peak[host] = max(peak.get(host, 0), in_flight[host])
        total["peak"] = max(total["peak"], total["now"])
        await asyncio.sleep(0.02)
        in_flight[host] -= 1
        total["now"] -= 1
        return httpx.Response(200, content=page())

    requests = [PageRequest(f"https://h{i % 4}.example.org/{i}") for i in range(40)]
    results = fetch(handler, requests, rec, concurrency=6, per_host=2)
    assert all(r.outcome == "fetched" for r in results.values())
    assert len(results) == 40
    assert max(peak.values()) == 2
    assert total["peak"] == 6


def test_each_address_is_fetched_once() -> None:
    rec = Recorder()

    async def handler(request: httpx.Request) -> httpx.Response:
        rec.note(request)
        return httpx.Response(200, content=page())

    fetch(handler, [PageRequest(U), PageRequest(U)], rec)
    assert rec.attempts == {U: 1}
