"""A registry given as a URL: fetched, cached, conditional GET, offline fallback (synthetic)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import httpx
import pytest
from typer.testing import Result

from cocwatch.errors import ExternalError
from cocwatch.registry import load_registry
from cocwatch.registry.remote import fetch_cached

from .conftest import RegistryServer


def test_url_registry_is_fetched_then_revalidated(
    run: Callable[..., Result], registry_server: RegistryServer
) -> None:
    first = run("-r", registry_server.url, "trusts", "--format", "json")
    assert first.exit_code == 0, first.stderr
    assert json.loads(first.stdout)["count"] == 2
    second = run("-r", registry_server.url, "trusts", "--format", "json")
    assert second.exit_code == 0
    assert registry_server.requests[-1].get("If-None-Match") == '"v1"'
    assert json.loads(second.stdout)["registry"] == registry_server.url


def test_network_failure_uses_cache_with_warning(
    run: Callable[..., Result], registry_server: RegistryServer
) -> None:
    assert run("-r", registry_server.url, "validate").exit_code == 0
    registry_server.status = 503
    result = run("-r", registry_server.url, "validate")
    assert result.exit_code == 0
    assert "Warning:" in result.stderr and "503" in result.stderr and "ago" in result.stderr


def test_network_failure_without_cache_exits_4(
    run: Callable[..., Result], registry_server: RegistryServer
) -> None:
    registry_server.status = 404
    result = run("-r", registry_server.url, "validate")
    assert result.exit_code == 4
    assert registry_server.url in result.stderr and "no cached copy" in result.stderr


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
    run: Callable[..., Result], registry_server: RegistryServer, isolated_env: Path
) -> None:
    run("-r", registry_server.url, "validate")
    cached = list((isolated_env / ".cache" / "cocwatch" / "registries").glob("*.yaml"))
    assert len(cached) == 1
    assert cached[0].read_bytes() == registry_server.body
