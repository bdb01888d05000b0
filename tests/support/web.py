"""Helpers for the `watch` tests: a real page server on 127.0.0.1, synthetic registries, and
running cocwatch the way cron does. Every Trust, figure and page here is synthetic.
"""

from __future__ import annotations

import copy
import hashlib
import http.server
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

import cocwatch
from tests.support.preloaded import run_cocwatch

AS_OF = "2026-11-23"

BOARD_PAGE = """<!doctype html>
<html><head><title>Board meetings (synthetic)</title>
<meta name="csrf-token" content="{token}">
<script>window.__session = "{token}"; {script}</script>
<style>body {{ font-family: sans-serif; }}</style></head>
<body>
<h1>Board meetings</h1>
<input type="hidden" name="csrf" value="{token}">
<ul>{papers}</ul>
</body></html>
"""


def board_page(papers: list[str], *, token: str = "t0", script: str = "") -> str:
    """A synthetic Board papers page listing `papers`, with a rotating token and a script."""
    items = "".join(
        f'<li><a href="/papers/{i}.pdf?s={token}">{p}</a></li>' for i, p in enumerate(papers)
    )
    return BOARD_PAGE.format(token=token, script=script, papers=items)


@dataclass
class Route:
    """What the server answers for one path; change the fields between runs."""

    body: str = ""
    status: int = 200
    delay: float = 0.0
    content_type: str = "text/html; charset=utf-8"
    etag: bool = True  # send an ETag (and honour If-None-Match) derived from the body
    hold: threading.Event | None = None  # answer only once this is set (at most 60 s)
    raw: bytes | None = None  # bytes sent as they are instead of `body` (compressed, say)
    headers: dict[str, str] | None = None  # further headers (Content-Encoding, say)


class PageServer:
    """A real threaded HTTP server on 127.0.0.1 with switchable pages and request counters."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.not_modified: dict[str, int] = {}
        self.request_headers: dict[str, dict[str, str]] = {}  # the last request's, by path
        self.in_flight = 0
        self.peak_in_flight = 0
        self._lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._serve(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def _serve(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        path = handler.path
        with self._lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            self.request_headers[path] = dict(handler.headers.items())
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            route = self.routes.get(path)
            if route is None:
                self._send(handler, 404, b"<p>Not found</p>", {})
                return
            if route.hold is not None:
                route.hold.wait(60)
            if route.delay:
                time.sleep(route.delay)
            body = route.raw if route.raw is not None else route.body.encode("utf-8")
            headers = {"Content-Type": route.content_type, **(route.headers or {})}
            if route.status == 200 and route.etag:
                tag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                headers["ETag"] = tag
                if handler.headers.get("If-None-Match") == tag:
                    with self._lock:
                        self.not_modified[path] = self.not_modified.get(path, 0) + 1
                    self._send(handler, 304, b"", {"ETag": tag})
                    return
            self._send(handler, route.status, body, headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)
        finally:
            with self._lock:
                self.in_flight -= 1

    @staticmethod
    def _send(
        handler: http.server.BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        headers: dict[str, str],
    ) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        if status != 304:
            handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if status != 304:
            handler.wfile.write(body)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


# Registries -----------------------------------------------------------------------------------

SOURCE = {"url": "https://example.org/synthetic-msds", "kind": "msds"}


def base_registry(page_base: str = "https://example.org") -> dict[str, Any]:
    """A synthetic registry: two Trusts, one national target in force, pages under page_base."""
    return {
        "version": 1,
        "national": {
            "targets": [
                {
                    "id": "synthetic-target",
                    "title": "Synthetic CoC target (test data)",
                    "cohort": "all",
                    "percent": 35,
                    "due": "2027-03-31",
                    "set_on": "2025-01-01",
                    "source": {"url": "https://example.org/target", "title": "Synthetic"},
                }
            ]
        },
        "trusts": [
            {
                "id": "north",
                "ods": "XN1",
                "name": "North Synthetic NHS Trust",
                "region": "North East and Yorkshire",
                "board_papers_url": f"{page_base}/north/board",
                "plan": {
                    "status": "active",
                    "published": "2025-06-01",
                    "url": f"{page_base}/north/plan",
                    "coproduced": "yes",
                    "board_reviews": [{"date": "2026-11-01"}],
                },
                "figures": [
                    {"cohort": "all", "percent": 40, "as_of": "2026-09-30", "source": SOURCE},
                ],
            },
            {
                "id": "south",
                "ods": "XS1",
                "name": "South Synthetic NHS Foundation Trust",
                "region": "South West",
                "board_papers_url": f"{page_base}/south/board",
            },
        ],
    }


def trust(registry: dict[str, Any], trust_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in registry["trusts"] if t["id"] == trust_id)
    return found


def write(path: Path, registry: dict[str, Any]) -> Path:
    """Write a registry dict as YAML (dates as quoted ISO strings, which the loader accepts)."""
    text = yaml.safe_dump(copy.deepcopy(registry), sort_keys=False, allow_unicode=True)
    path.write_text("# Synthetic registry for the watch tests.\n" + text, "utf-8")
    return path


# Running like cron ----------------------------------------------------------------------------


def cron_env(home: Path) -> dict[str, str]:
    """The bare environment cron gives a job: PATH, HOME, PYTHONPATH and LANG=C only."""
    src = Path(cocwatch.__file__).resolve().parents[1]
    pythonpath = os.pathsep.join(p for p in (str(src), os.environ.get("PYTHONPATH", "")) if p)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "PYTHONPATH": pythonpath,
        "LANG": "C",
    }


def cron_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "cocwatch", *args]


def run_like_cron(
    home: Path, *args: str, timeout: float = 60
) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m cocwatch ARGS` with no TTY, stdin from /dev/null and a minimal env (a
    process forked from one that has imported cocwatch: see tests/support/preloaded.py)."""
    return run_cocwatch(list(args), env=cron_env(home), cwd=home, timeout=timeout)


def start_like_cron(home: Path, *args: str) -> subprocess.Popen[bytes]:
    """Start `python -m cocwatch ARGS` like cron, without waiting for it."""
    return subprocess.Popen(
        cron_command(*args),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cron_env(home),
        cwd=home,
    )
