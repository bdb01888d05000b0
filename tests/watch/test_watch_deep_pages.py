"""`watch --pages` on hostile HTML: a page nested tens of thousands of levels deep is reported
as unreadable in a moment instead of tying up the run (and the state lock) for minutes.
Every page here is synthetic."""

from __future__ import annotations

import time

import httpx
import pytest

from cocwatch.sources.pages import MAX_HTML_DEPTH, PageRequest, PageUnreadable, page_hash
from tests.watch.test_watch_pages import Recorder, fetch


def nested(depth: int, tag: str = "div") -> bytes:
    return f"<html><body>{f'<{tag}>' * depth}deep{f'</{tag}>' * depth}</body></html>".encode()


@pytest.mark.parametrize("depth", [80_000, 200_000])
@pytest.mark.parametrize("tag", ["div", "span", "b"])
def test_deeply_nested_html_is_refused_quickly(depth: int, tag: str) -> None:
    started = time.process_time()  # CPU time: holds however busy the machine is
    with pytest.raises(PageUnreadable, match="nested more than 2,000 levels"):
        page_hash(nested(depth, tag), "text/html")
    assert time.process_time() - started < 1.0


def test_ordinary_and_flat_pages_are_still_read() -> None:
    assert page_hash(nested(50), "text/html") == page_hash(b"<p>deep</p>", "text/html")
    many_paragraphs = b"<html><body>" + b"<p>item <br> <img src=x>" * 50_000 + b"</body></html>"
    page_hash(many_paragraphs, "text/html")
    list_items = b"<ul>" + b"<li>unclosed item" * 50_000 + b"</ul>"
    page_hash(list_items, "text/html")
    assert page_hash(nested(MAX_HTML_DEPTH - 10), "text/html")


def test_the_unreadable_page_fails_with_a_reason_and_the_others_are_read() -> None:
    rec = Recorder()
    deep, fine = "https://trust.example.org/deep", "https://trust.example.org/fine"

    async def handler(request: httpx.Request) -> httpx.Response:
        rec.note(request)
        body = nested(80_000) if str(request.url) == deep else b"<p>Board papers</p>"
        return httpx.Response(200, content=body, headers={"Content-Type": "text/html"})

    started = time.monotonic()
    results = fetch(handler, [PageRequest(deep), PageRequest(fine)], rec)
    assert time.monotonic() - started < 3
    assert results[deep].outcome == "failed"
    assert "cannot be read" in (results[deep].error or "")
    assert rec.attempts[deep] == 1  # not retried: it would be the same page again
    assert results[fine].outcome == "fetched"
