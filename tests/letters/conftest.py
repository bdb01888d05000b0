"""Fixtures for the letters' tests: a synthetic registry and a user template folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.letters.helpers import LETTERS_REGISTRY


@pytest.fixture
def registry(write_registry: Callable[[str], Path]) -> Path:
    """The letters' synthetic registry, written to a temporary file."""
    return write_registry(LETTERS_REGISTRY)


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    """An empty folder for the user's own letter templates."""
    folder = tmp_path / "templates"
    folder.mkdir()
    return folder
