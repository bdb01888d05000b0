"""A registry kept as a symbolic link (into a git checkout or a synced folder) is changed
where it really lives: the link stays a link, and writers through either name share one lock.
Every registry here is synthetic test data."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from cocwatch.errors import ExternalError
from cocwatch.files import atomic_write, locked, resolve_target
from tests.support.msds import OCTOBER, measures_csv
from tests.support.registries import MINIMAL_REGISTRY

pytestmark = pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")

RECORD = [
    "record", "figure", "example-south", "--percent", "21", "--as-of", "2025-03-31",
    "--source-url", "https://example.org/synthetic-board-paper.pdf",
]  # fmt: skip


@pytest.fixture
def linked(tmp_path: Path) -> tuple[Path, Path]:
    """A real registry in a 'checkout' folder and a link to it in another folder."""
    real = tmp_path / "checkout" / "trusts.yaml"
    real.parent.mkdir()
    real.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    link = tmp_path / "home" / "link.yaml"
    link.parent.mkdir()
    link.symlink_to(real)
    return real, link


def south_percents(path: Path) -> list[float]:
    data = yaml.safe_load(path.read_text("utf-8"))
    south = next(t for t in data["trusts"] if t["id"] == "example-south")
    return [f["percent"] for f in south.get("figures") or []]


def test_record_through_a_link_changes_the_real_file_and_keeps_the_link(
    run: Callable[..., Result], linked: tuple[Path, Path]
) -> None:
    real, link = linked
    result = run("-r", str(link), *RECORD)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink(), "the link was replaced by a regular file"
    assert south_percents(real) == [21]
    assert not (link.parent / "link.yaml.lock").exists()


def test_import_commit_through_a_link_keeps_the_statistics_beside_the_real_file(
    run: Callable[..., Result], linked: tuple[Path, Path], tmp_path: Path
) -> None:
    """The statistics folder goes where `record` writes: beside the file the link leads to
    (the checkout), so every name of the registry reads the same statistics."""
    real, link = linked
    before = real.read_bytes()
    source = tmp_path / "msds-oct2025-exp-measures.csv"
    source.write_text(measures_csv(OCTOBER), encoding="utf-8")
    result = run(
        "import", "msds", str(source), "-r", str(link), "--commit",
        "--source-url", "https://example.org/synthetic-msds",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink()
    assert real.read_bytes() == before  # an import never changes the registry file
    assert (real.parent / "statistics" / "manifest.csv").is_file()
    assert not (link.parent / "statistics").exists()
    for name in (link, real):
        shown = run("-r", str(name), "show", "example-south", "--format", "json")
        assert shown.exit_code == 0, shown.stderr
        figures = json.loads(shown.stdout)["trust"]["figures"]
        assert [f["percent"] for f in figures] == [3.5]


def test_a_chain_of_links_and_a_relative_link_reach_the_file(tmp_path: Path) -> None:
    real = tmp_path / "data" / "trusts.yaml"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    (tmp_path / "one.yaml").symlink_to(Path("data") / "trusts.yaml")  # relative link
    (tmp_path / "two.yaml").symlink_to(tmp_path / "one.yaml")
    assert resolve_target(tmp_path / "two.yaml") == real.resolve()
    atomic_write(tmp_path / "two.yaml", b"new")
    assert real.read_text("utf-8") == "new"
    assert (tmp_path / "two.yaml").is_symlink() and (tmp_path / "one.yaml").is_symlink()


def test_a_plain_path_is_left_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_target(Path("trusts.yaml")) == Path("trusts.yaml")


def test_both_names_take_the_same_lock(linked: tuple[Path, Path]) -> None:
    real, link = linked
    with locked(link, what="registry"):
        assert (real.parent / "trusts.yaml.lock").exists()
        with (
            pytest.raises(ExternalError, match="Another cocwatch is still changing"),
            locked(real, timeout=0.2, what="registry"),
        ):
            pass


def test_a_link_loop_is_bad_input_not_a_crash(run: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "a.yaml").symlink_to(tmp_path / "b.yaml")
    (tmp_path / "b.yaml").symlink_to(tmp_path / "a.yaml")
    result = run("-r", str(tmp_path / "a.yaml"), *RECORD)
    assert result.exit_code == 3, result.stderr
    assert "leads back to itself" in result.stderr or "does not exist" in result.stderr
