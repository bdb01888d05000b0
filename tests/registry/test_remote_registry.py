"""A registry given as a URL: fetched, cached, conditional GET, offline fallback (synthetic)."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from typer.testing import Result

from cocwatch.errors import ExternalError
from cocwatch.registry import load_registry
from cocwatch.registry.remote import fetch_cached
from tests.support.registries import MINIMAL_REGISTRY


class _Server:
    """A real HTTP server on 127.0.0.1 serving one registry, with switchable behaviour."""

    def __init__(self) -> None:
        self.body = MINIMAL_REGISTRY.encode()
        self.status = 200
        self.requests: list[dict[str, str]] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(dict(self.headers))
                if server.status != 200:
                    self.send_response(server.status)
                    self.end_headers()
                    return
                if self.headers.get("If-None-Match") == '"v1"':
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("ETag", '"v1"')
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/trusts.yaml"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[_Server]:
    s = _Server()
    yield s
    s.close()


def test_url_registry_is_fetched_then_revalidated(
    run: Callable[..., Result], server: _Server
) -> None:
    first = run("-r", server.url, "trusts", "--format", "json")
    assert first.exit_code == 0, first.stderr
    assert json.loads(first.stdout)["count"] == 2
    second = run("-r", server.url, "trusts", "--format", "json")
    assert second.exit_code == 0
    assert server.requests[-1].get("If-None-Match") == '"v1"'
    assert json.loads(second.stdout)["registry"] == server.url


def test_network_failure_uses_cache_with_warning(
    run: Callable[..., Result], server: _Server
) -> None:
    assert run("-r", server.url, "validate").exit_code == 0
    server.status = 503
    result = run("-r", server.url, "validate")
    assert result.exit_code == 0
    assert "Warning:" in result.stderr and "503" in result.stderr and "ago" in result.stderr


def test_network_failure_without_cache_exits_4(run: Callable[..., Result], server: _Server) -> None:
    server.status = 404
    result = run("-r", server.url, "validate")
    assert result.exit_code == 4
    assert server.url in result.stderr and "no cached copy" in result.stderr


def test_unreachable_host_without_cache_exits_4(run: Callable[..., Result]) -> None:
    import socket

    with socket.socket() as s:  # find a free port, then leave it closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = run("-r", f"http://127.0.0.1:{port}/trusts.yaml", "validate")
    assert result.exit_code == 4
    assert "cannot connect" in result.stderr


def test_oversized_registry_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 5000)

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        pytest.raises(ExternalError) as caught,
    ):
        fetch_cached(
            "https://example.org/big.yaml", warn=lambda _: None, http=client, max_bytes=1000
        )
    assert "larger than the limit" in str(caught.value) or "no cached copy" in str(caught.value)


def test_mock_transport_invalid_registry_names_the_url() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"version: 1\ntrusts: 5\n")

    from cocwatch.errors import RegistryError

    with (
        httpx.Client(transport=httpx.MockTransport(handler)) as client,
        pytest.raises(RegistryError) as caught,
    ):
        load_registry(
            "https://example.org/t.yaml", today=date(2026, 11, 23), warn=lambda _: None, http=client
        )
    assert "https://example.org/t.yaml:2" in str(caught.value)


def test_cache_lives_in_cache_dir(
    run: Callable[..., Result], server: _Server, isolated_env: Path
) -> None:
    run("-r", server.url, "validate")
    cached = list((isolated_env / ".cache" / "cocwatch" / "registries").glob("*.yaml"))
    assert len(cached) == 1
    assert cached[0].read_bytes() == server.body
