"""Every download has a deadline for the whole transfer, not only for each read.

A real server on 127.0.0.1 trickles a (synthetic) registry or MSDS file one byte at a time:
each read succeeds quickly, so only a whole-download deadline stops it.
"""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from typer.testing import Result

from cocwatch.sources.http import DownloadTooSlow, download
from tests.support.msds import OCTOBER, measures_csv
from tests.support.registries import MINIMAL_REGISTRY

TRICKLE_SECONDS = 20.0  # how long the slow server keeps sending before it gives up


class _Trickle:
    """Serves `body` one byte every 50 ms, in the headers (slow_headers) or in the body."""

    def __init__(self, body: bytes, *, slow_headers: bool = False) -> None:
        self.stop = threading.Event()

        trickle = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                started = time.monotonic()

                def drip(data: bytes) -> bool:
                    for i in range(len(data)):
                        if trickle.stop.is_set() or time.monotonic() - started > TRICKLE_SECONDS:
                            return False
                        self.wfile.write(data[i : i + 1])
                        self.wfile.flush()
                        time.sleep(0.05)
                    return True

                head = (
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                ).encode()
                try:
                    if slow_headers:
                        if drip(head):
                            self.wfile.write(body)
                    else:
                        self.wfile.write(head)
                        drip(body)
                except OSError:
                    pass  # the client hung up, as it should

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def trickle_registry() -> Iterator[_Trickle]:
    server = _Trickle(MINIMAL_REGISTRY.encode())
    yield server
    server.close()


def test_a_trickling_registry_url_stops_at_the_deadline_with_exit_4(
    run: Callable[..., Result], trickle_registry: _Trickle
) -> None:
    started = time.monotonic()
    result = run(
        "-r", f"{trickle_registry.base}/trusts.yaml", "trusts",
        env={"COCWATCH_DOWNLOAD_DEADLINE": "1"},
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert result.exit_code == 4, result.stderr
    assert elapsed < 10, f"took {elapsed:.1f} s"
    assert "still downloading after 1 s" in result.stderr
    assert "no cached copy" in result.stderr
    assert "instead., " not in result.stderr and "., and" not in result.stderr


def test_a_trickling_registry_falls_back_to_the_cached_copy(
    run: Callable[..., Result], trickle_registry: _Trickle, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cocwatch.registry import remote

    url = f"{trickle_registry.base}/trusts.yaml"
    body_path = remote.cached_copy_path(url)
    body_path.parent.mkdir(parents=True, exist_ok=True)
    body_path.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    result = run("-r", url, "trusts", "--format", "json", env={"COCWATCH_DOWNLOAD_DEADLINE": "1"})
    assert result.exit_code == 0, result.stderr
    assert "still downloading after 1 s; using the copy downloaded" in result.stderr


def test_headers_sent_one_byte_at_a_time_are_stopped_too() -> None:
    server = _Trickle(b"version: 1\n", slow_headers=True)
    try:
        started = time.monotonic()
        with pytest.raises(DownloadTooSlow, match="COCWATCH_DOWNLOAD_DEADLINE"):
            download(f"{server.base}/slow", deadline=0.5)
        assert time.monotonic() - started < 8
    finally:
        server.close()


def test_import_msds_from_a_trickling_url_stops_at_the_deadline(
    run: Callable[..., Result], minimal_registry: object
) -> None:
    server = _Trickle(measures_csv(OCTOBER).encode())
    try:
        started = time.monotonic()
        result = run(
            "import", "msds", f"{server.base}/msds-oct2025-exp-measures.csv",
            "-r", str(minimal_registry), env={"COCWATCH_DOWNLOAD_DEADLINE": "1"},
        )  # fmt: skip
        assert result.exit_code == 4, result.stderr
        assert time.monotonic() - started < 10
        assert "still downloading after 1 s" in result.stderr
    finally:
        server.close()


def test_a_fast_download_is_unaffected_and_a_404_is_returned_not_raised() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/missing":
            return httpx.Response(404, text="gone")
        return httpx.Response(200, content=b"x" * 1000, headers={"ETag": '"e"'})

    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        got = download("https://example.org/ok", http=client, deadline=5)
        assert (got.status_code, len(got.body), got.headers["etag"]) == (200, 1000, '"e"')
        missing = download("https://example.org/missing", http=client, deadline=5)
        assert (missing.status_code, missing.body) == (404, b"")


@pytest.mark.parametrize("value", ["soon", "0", "-5", "nan", "inf"])
def test_a_bad_deadline_setting_is_a_usage_error(
    run: Callable[..., Result], value: str, tmp_path: object
) -> None:
    result = run(
        "-r", "https://example.invalid/trusts.yaml", "trusts",
        env={"COCWATCH_DOWNLOAD_DEADLINE": value},
    )  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert "COCWATCH_DOWNLOAD_DEADLINE" in result.stderr


def test_an_oversized_registry_url_reads_as_one_sentence(tmp_path: object) -> None:
    from cocwatch.errors import ExternalError
    from cocwatch.registry.remote import fetch_cached

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 4096)

    with (
        httpx.Client(transport=httpx.MockTransport(answer)) as client,
        pytest.raises(ExternalError) as caught,
    ):
        fetch_cached("https://example.org/big.yaml", warn=print, http=client, max_bytes=1024)
    message = caught.value.message
    assert "is larger than the limit of 1 kB" in message
    assert "., and" not in message and "instead." not in message
    assert message.startswith("Cannot fetch the registry: https://example.org/big.yaml is")


@pytest.mark.parametrize("seconds", ["-1", "0", "nan", "inf", "1e309", "86400"])
def test_a_timeout_that_is_no_number_of_seconds_is_a_usage_error(
    run: Callable[..., Result], minimal_registry: object, seconds: str
) -> None:
    result = run(
        "-r", str(minimal_registry), "import", "msds", "--latest", "--timeout", seconds,
        "--index", "http://127.0.0.1:9/series",
    )  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert "--timeout must be a number of seconds above 0" in result.stderr
    watch = run("-r", str(minimal_registry), "watch", "--pages", "--timeout", seconds)
    assert watch.exit_code == 2, watch.stderr
    assert "internal error" not in watch.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["import", "msds", "--latest", "--index", "http://[::1"],
        ["import", "msds", "http://[::1/measures.csv", "--source-url", "https://example.org/"],
        ["import", "msds", "--latest", "--index", "http://"],
    ],
    ids=["index", "file", "no-host"],
)
def test_an_address_that_cannot_be_parsed_is_refused_in_words(
    run: Callable[..., Result], minimal_registry: object, args: list[str]
) -> None:
    result = run("-r", str(minimal_registry), *args)
    assert result.exit_code in (2, 3), result.stderr
    assert "cannot be used" in result.stderr and "internal error" not in result.stderr


def test_a_registry_address_that_cannot_be_parsed_is_bad_input(
    run: Callable[..., Result],
) -> None:
    result = run("-r", "http://[::1/trusts.yaml", "validate")
    assert result.exit_code == 3, result.stderr
    assert "'http://[::1/trusts.yaml' cannot be used" in result.stderr
