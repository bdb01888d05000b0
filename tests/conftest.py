"""Shared test fixtures. Every registry written here is synthetic test data.

Tests never touch the real user config, state or cache: `isolated_env` points them at a
temporary folder, pins today's date and removes colour.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
import typer.testing
from typer.testing import CliRunner, Result

from cocwatch.cli import app

from .support.isolation import isolate
from .support.registries import MINIMAL_REGISTRY

# Typer's CliRunner builds the whole command tree from the app on every call (about 25 ms,
# most of an in-process run of a command); the tree depends only on the code, so each test
# process builds it once.
typer.testing._get_command = functools.cache(typer.testing._get_command)


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
) -> Path:
    """Keep every test away from the user's real files, the real clock and colour."""
    return isolate(monkeypatch, tmp_path_factory, shipped_index)


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
