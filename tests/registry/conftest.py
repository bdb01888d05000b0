"""Fixtures for the registry package's tests: a real HTTP server serving a registry."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from tests.support.registries import MINIMAL_REGISTRY


class RegistryServer:
    """A real HTTP server on 127.0.0.1 serving one registry with an ETag (synthetic data).

    Set `status` to answer every request with that status instead, and `body` to change the
    registry it serves.
    """

    def __init__(self) -> None:
        self.body = MINIMAL_REGISTRY.encode()
        self.status = 200
        self.conditional: list[bool] = []  # per request: whether it was a conditional GET
        self.requests: list[dict[str, str]] = []  # per request: its headers
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.conditional.append("If-None-Match" in self.headers)
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
def registry_server() -> Iterator[RegistryServer]:
    server = RegistryServer()
    yield server
    server.close()
