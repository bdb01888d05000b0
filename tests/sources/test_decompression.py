"""Kilobytes in, never gigabytes out: every download and page fetch undoes its
Content-Encoding through one bounded decoder (`BodyDecoder`), however many layers it has.
The bombs here are built in memory from zeros; the server is a real one on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator

import pytest
from typer.testing import Result

from cocwatch.sources.http import (
    BodyDecoder,
    DownloadTooLarge,
    DownloadUnreadable,
    download,
)
from cocwatch.sources.pages import FetchSettings, PageRequest, fetch_all
from tests.support.registries import MINIMAL_REGISTRY
from tests.support.web import PageServer, Route

MB = 1024 * 1024


def _gzip_of_zeros(size: int) -> bytes:
    engine = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(MB)
    parts = [engine.compress(block) for _ in range(size // MB)]
    return b"".join(parts) + engine.flush()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """`Content-Encoding: gzip, gzip`: a few kB that unpack to 64 MB of zeros (past the caps)."""
    return gzip.compress(_gzip_of_zeros(64 * MB), 9)


@pytest.fixture
def server() -> Iterator[PageServer]:
    pages = PageServer()
    yield pages
    pages.close()


def _decode(body: bytes, encoding: str, cap: int) -> bytes:
    decoder = BodyDecoder(encoding, "https://example.org/x", cap)
    for start in range(0, len(body), 4096):
        decoder.feed(body[start : start + 4096])
    return decoder.finish()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("", lambda b: b),
        ("identity", lambda b: b),
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda b: zlib.compress(b)[2:-4]),  # raw deflate, as some servers send
        ("gzip, gzip", lambda b: gzip.compress(gzip.compress(b))),
        ("deflate, gzip", lambda b: gzip.compress(zlib.compress(b))),
        ("gzip", lambda b: gzip.compress(b[:5]) + gzip.compress(b[5:])),  # two members
    ],
)
def test_ordinary_encodings_decode_to_the_body(
    encoding: str, encode: Callable[[bytes], bytes]
) -> None:
    body = b"<p>Board papers (synthetic)</p>" * 1000
    assert _decode(encode(body), encoding, MB) == body


def test_a_double_gzip_bomb_stops_at_the_cap_in_bounded_memory(bomb: bytes) -> None:
    assert len(bomb) < 64 * 1024
    tracemalloc.start()
    started = time.process_time()  # CPU time: holds however busy the machine is
    try:
        with pytest.raises(DownloadTooLarge):
            _decode(bomb, "gzip, gzip", 10 * MB)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.process_time() - started < 2
    assert peak < 40 * MB


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, " * 5 + "gzip"])
def test_an_encoding_cocwatch_does_not_read_is_refused_in_words(encoding: str) -> None:
    with pytest.raises(DownloadUnreadable) as caught:
        BodyDecoder(encoding, "https://example.org/x", MB)
    assert "https://example.org/x cannot be read" in str(caught.value)


def test_damaged_compressed_data_is_refused_in_words() -> None:
    with pytest.raises(DownloadUnreadable) as caught:
        _decode(b"not gzip at all", "gzip", MB)
    assert "damaged" in str(caught.value)


def test_a_download_of_a_bomb_is_too_large_not_gigabytes(server: PageServer, bomb: bytes) -> None:
    server.routes["/m.csv"] = Route(raw=bomb, headers={"Content-Encoding": "gzip, gzip"})
    with pytest.raises(DownloadTooLarge):
        download(server.url("/m.csv"), max_bytes=10 * MB, deadline=10)


def test_a_registry_url_that_is_a_bomb_is_exit_4(
    run: Callable[..., Result], server: PageServer, bomb: bytes
) -> None:
    server.routes["/trusts.yaml"] = Route(raw=bomb, headers={"Content-Encoding": "gzip, gzip"})
    result = run(
        "-r", server.url("/trusts.yaml"), "validate", env={"COCWATCH_MAX_REGISTRY_MB": "8"}
    )
    assert result.exit_code == 4, result.stderr
    assert "larger than the limit" in result.stderr


def test_a_registry_url_served_gzipped_still_loads(
    run: Callable[..., Result], server: PageServer
) -> None:
    server.routes["/trusts.yaml"] = Route(
        raw=gzip.compress(MINIMAL_REGISTRY.encode()), headers={"Content-Encoding": "gzip"}
    )
    result = run("-r", server.url("/trusts.yaml"), "validate")
    assert result.exit_code == 0, result.stderr


def test_a_watched_page_that_is_a_bomb_fails_alone(server: PageServer, bomb: bytes) -> None:
    server.routes["/bomb"] = Route(raw=bomb, headers={"Content-Encoding": "gzip, gzip"})
    server.routes["/fine"] = Route(
        raw=gzip.compress(b"<p>fine</p>"), headers={"Content-Encoding": "gzip"}
    )
    urls = [server.url("/bomb"), server.url("/fine")]
    results = fetch_all([PageRequest(u) for u in urls], settings=FetchSettings(max_bytes=MB))
    assert results[urls[0]].outcome == "failed"
    assert "larger than" in (results[urls[0]].error or "")
    assert results[urls[1]].outcome == "fetched"


def test_every_request_says_who_asks_and_what_it_reads(server: PageServer) -> None:
    server.routes["/a"] = Route(body="<p>a</p>")
    download(server.url("/a"), deadline=10)
    fetch_all([PageRequest(server.url("/a"))])
    headers = server.request_headers["/a"]
    assert headers["User-Agent"].startswith("cocwatch/")
    assert "Continuity of Carer" in headers["User-Agent"]
    assert headers["Accept"].startswith("text/html")
    assert headers["Accept-Encoding"] == "gzip, deflate"
    assert headers["Accept-Language"].startswith("en-GB")
