"""A registry given as a URL is kept in the one cache folder, beside the parsed registries."""

from __future__ import annotations

import json
import os
import time
from datetime import date
from pathlib import Path

import pytest

from cocwatch.cache import downloads
from cocwatch.errors import ExternalError
from cocwatch.locations import cache_dir
from cocwatch.registry import load_registry
from cocwatch.registry.remote import cached_copy_path
from tests.support.registries import MINIMAL_REGISTRY

from .conftest import RegistryServer

TODAY = date(2026, 11, 23)


def test_the_copy_lives_in_the_one_cache_folder(registry_server: RegistryServer) -> None:
    loaded = load_registry(registry_server.url, today=TODAY, warn=pytest.fail)
    assert loaded.source == registry_server.url
    assert loaded.path == cached_copy_path(registry_server.url)
    assert loaded.path.read_text(encoding="utf-8") == MINIMAL_REGISTRY
    # (statistics/ holds the index of the shipped statistics, copied in by tests/conftest.py)
    assert sorted(p.name for p in cache_dir().iterdir()) == ["registries", "statistics"]


def test_a_copy_kept_by_an_earlier_version_still_serves_offline(
    registry_server: RegistryServer,
) -> None:
    body = cached_copy_path(registry_server.url)
    body.parent.mkdir(parents=True)
    body.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    # Earlier versions kept no size in the record beside the copy.
    record = {"url": registry_server.url, "etag": '"v1"', "last_modified": ""}
    body.with_suffix(".json").write_text(json.dumps(record), encoding="utf-8")
    registry_server.status = 503
    warnings: list[str] = []
    loaded = load_registry(registry_server.url, today=TODAY, warn=warnings.append)
    assert [t.id for t in loaded.registry.trusts] == ["example-north", "example-south"]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{registry_server.url} answered 503")
    assert "using the copy downloaded 0 minutes ago" in warnings[0]


def test_a_copy_the_server_confirms_is_as_old_as_the_confirmation(
    registry_server: RegistryServer,
) -> None:
    load_registry(registry_server.url, today=TODAY, warn=pytest.fail)
    body = cached_copy_path(registry_server.url)
    three_days_ago = time.time() - 3 * 86400
    os.utime(body, (three_days_ago, three_days_ago))
    load_registry(registry_server.url, today=TODAY, warn=pytest.fail)
    assert registry_server.conditional == [False, True]  # the second run asked: changed?
    registry_server.status = 500
    warnings: list[str] = []
    load_registry(registry_server.url, today=TODAY, warn=warnings.append)
    assert "using the copy downloaded 0 minutes ago" in warnings[0], warnings


def test_a_copy_that_cannot_be_stored_is_an_error_not_the_old_copy(
    registry_server: RegistryServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = cached_copy_path(registry_server.url)
    body.parent.mkdir(parents=True)
    body.write_text(MINIMAL_REGISTRY.replace("North", "Old North"), encoding="utf-8")

    def disk_full(path: Path, data: bytes, *, what: str) -> None:
        raise ExternalError(f"Cannot write the {what} {path}: No space left on device.")

    monkeypatch.setattr(downloads, "atomic_write", disk_full)
    with pytest.raises(ExternalError, match="Cannot write the cached registry"):
        load_registry(registry_server.url, today=TODAY, warn=pytest.fail)
