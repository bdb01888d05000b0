"""Every page cocwatch parses is held to the same HTML limits (depth, tags, unmatched closing
tags), checked by one quick scan before parsing: a hostile page is refused in a moment, not
minutes. Every page here is synthetic."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from cocwatch.errors import InputError
from cocwatch.sources.html_limits import (
    MAX_HTML_DEPTH,
    MAX_HTML_TAGS,
    MAX_UNMATCHED_CLOSING,
    html_problem,
)
from cocwatch.sources.pages import PageUnreadable, page_hash
from cocwatch.statistics.msds.releases import MAX_RELEASE_PAGES, Wanted, discover

INDEX = "https://example.org/statistics/msds-series"
RELEASE = INDEX + "/msds-april-2025"

FLOODS = {
    "self-closing divs": b"<html><body>" + b"<div/>" * 200_000,
    "unmatched closing tags": b"<html><body>" + b"</x>" * 80_000,
    "nested divs": b"<html><body>" + b"<div>" * 100_000,
    "tags": b"<html><body>" + b"<span></span>" * (MAX_HTML_TAGS // 2 + 1),
}


@pytest.mark.parametrize("body", FLOODS.values(), ids=FLOODS.keys())
def test_floods_are_refused_in_a_moment(body: bytes) -> None:
    started = time.process_time()  # CPU time: holds however busy the machine is
    problem = html_problem(body)
    assert problem is not None and "which no real page" in problem
    with pytest.raises(PageUnreadable):
        page_hash(body, "text/html")
    assert time.process_time() - started < 1.5


def test_real_looking_pages_pass() -> None:
    icons = b"<svg>" + b"<path d='M0'/>" * 5000 + b"</svg>"
    sloppy = b"</div>" * (MAX_UNMATCHED_CLOSING // 2)
    rows = b"<table>" + b"<tr><td>1<td>2" * 20_000 + b"</table>"
    for body in (icons, sloppy, rows, b"<br/><img src=x/>" * 10_000):
        assert html_problem(b"<html><body>" + body) is None
    assert html_problem(b"<div>" * (MAX_HTML_DEPTH - 5)) is None


def _fetcher(pages: dict[str, bytes]) -> Callable[[str], bytes]:
    return lambda url: pages[url]


def test_a_flooded_index_page_is_bad_input_in_words() -> None:
    fetch = _fetcher({INDEX: b"<html><body>" + b"<div/>" * 200_000})
    started = time.process_time()
    with pytest.raises(InputError) as caught:
        discover(fetch, INDEX, Wanted("latest"))
    assert time.process_time() - started < 1.5
    assert f"The index page {INDEX} cannot be read" in str(caught.value)


def test_a_flooded_release_page_is_reported_and_skipped() -> None:
    index = f'<html><body><a href="{RELEASE}">Maternity Services Monthly Statistics, April 2025</a>'
    fetch = _fetcher({INDEX: index.encode(), RELEASE: b"<html><body>" + b"</x>" * 80_000})
    found = discover(fetch, INDEX, Wanted("latest"))
    assert found.files == ()
    assert [p.url for p in found.problems] == [RELEASE]
    assert "never opened" in found.problems[0].message


def _index(count: int, *, dated: bool) -> bytes:
    links = "".join(
        f'<a href="{INDEX}/release-{n}">'
        f"{'Maternity Services Monthly Statistics, April ' + str(1900 + n) if dated else 'Release'}"
        "</a>"
        for n in range(count)
    )
    return f"<html><body>{links}</body></html>".encode()


def _release(year: int) -> bytes:
    return (
        f'<html><body><a href="https://files.example.org/msds-apr{year}-exp-measures.csv">'
        "Measures (CSV)</a></body></html>"
    ).encode()


def test_latest_reads_only_the_newest_page_of_thousands() -> None:
    fetched: list[str] = []
    pages = {INDEX: _index(5000, dated=False) + _index(100, dated=True)}

    def fetch(url: str) -> bytes:
        fetched.append(url)
        if url in pages:
            return pages[url]
        number = int(url.rsplit("-", 1)[1])
        return _release(1900 + number)

    found = discover(fetch, INDEX, Wanted("latest"))
    assert [f.month.year for f in found.files] == [1999]
    assert len(fetched) == 2  # the index and the newest release page


def test_reading_stops_at_the_cap_in_words() -> None:
    pages = {INDEX: _index(5000, dated=False)}
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return pages.get(url, b"<html><body><p>No files yet</p></body></html>")

    found = discover(fetch, INDEX, Wanted("latest"))
    assert len(fetched) == 1 + MAX_RELEASE_PAGES
    assert "more release pages than cocwatch reads in one run" in found.problems[-1].message


def test_an_index_without_release_links_says_what_to_do() -> None:
    with pytest.raises(InputError) as caught:
        discover(lambda url: b"<html><body><p>Please enable JavaScript</p></body></html>",
                 INDEX, Wanted("latest"))  # fmt: skip
    message = str(caught.value)
    assert f"The index page {INDEX} was fetched" in message
    assert "open the address in a browser" in message and "cocwatch import msds ADDRESS" in message
