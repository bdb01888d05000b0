"""Shared test fixtures. Every registry written here is synthetic test data.

Tests never touch the real user config, state or cache: `isolated_env` points them at a
temporary folder, pins today's date and removes colour.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cocwatch.cli import app

from .support.registries import MINIMAL_REGISTRY, TODAY


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The index of the shipped statistics folder, built once per test process: each test's
    own cache folder starts with a hard link to it (building it takes a few tenths of a
    second; a copy per test costs more than it saves). cocwatch only reads an index that is
    up to date, and replaces (never rewrites in place) one that is damaged."""
    from cocwatch.locations import STATISTICS_FOLDER, shipped_registry
    from cocwatch.statistics.store import StatisticsStore

    cache = tmp_path_factory.mktemp("shipped-index")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COCWATCH_CACHE_DIR", str(cache))
        StatisticsStore(shipped_registry().parent / STATISTICS_FOLDER).official_figures(["RJ1"])
    return cache / "statistics"


@pytest.fixture(autouse=True)
def isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, shipped_index: Path
) -> Iterator[Path]:
    """Keep every test away from the user's real files, the real clock and colour."""
    home = tmp_path_factory.mktemp("home")
    shutil.copytree(
        shipped_index, home / ".cache" / "cocwatch" / "statistics", copy_function=os.link
    )
    for var in (
        "COCWATCH_REGISTRY",
        "COCWATCH_CONFIG",
        "COCWATCH_STATE",
        "COCWATCH_CORRESPONDENCE",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("COCWATCH_CACHE_DIR", str(home / ".cache" / "cocwatch"))
    monkeypatch.setenv("COCWATCH_TODAY", TODAY)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    yield home


@pytest.fixture
def run() -> Callable[..., Result]:
    """Run the cocwatch CLI in-process; returns the result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, list(args), input=input, env=env)

    return invoke


@pytest.fixture
def write_registry(tmp_path: Path) -> Callable[[str], Path]:
    """Write YAML text (dedented) to a registry file in a temporary folder."""

    def write(text: str, name: str = "trusts.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def minimal_registry(write_registry: Callable[[str], Path]) -> Path:
    return write_registry(MINIMAL_REGISTRY)
