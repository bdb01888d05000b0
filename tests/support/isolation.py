"""A test's own world: a home folder of its own, today pinned, no colour.

Every test runs in one (`isolated_env` in conftest.py); a fixture that several tests share
makes its own with `isolated_home`.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.registries import TODAY


def isolate(
    patch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, shipped_index: Path
) -> Path:
    """Point cocwatch at a home folder of its own, pin today and remove colour (undone with
    `patch`); return the home folder."""
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
        patch.delenv(var, raising=False)
    patch.setenv("HOME", str(home))
    patch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    patch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    patch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    patch.setenv("COCWATCH_CACHE_DIR", str(home / ".cache" / "cocwatch"))
    patch.setenv("COCWATCH_TODAY", TODAY)
    patch.setenv("NO_COLOR", "1")
    patch.setenv("COLUMNS", "100")
    patch.delenv("FORCE_COLOR", raising=False)
    return home


@contextmanager
def isolated_home(tmp_path_factory: pytest.TempPathFactory, shipped_index: Path) -> Iterator[Path]:
    """`isolate` for the block: for a fixture that several tests share."""
    with pytest.MonkeyPatch.context() as patch:
        yield isolate(patch, tmp_path_factory, shipped_index)
