"""`statistics move` is exact: `check --all` says the same before and after, on the shipped
demo and on odd registries (flow style, anchors and aliases, comments between the moved
entries, a figure the statistics folder disagrees with, failed data quality); every comment
outside the moved entries survives; the statistics folder is written only once the registry
edit is known to succeed, and put back when writing the registry fails.

Every registry and figure here is SYNTHETIC (codes XX1, XX2; the demo's EX codes).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.support.msds import OCTOBER, measures_csv
from tests.support.paths import DEMO
from tests.support.stores import import_file

Run = Callable[..., Result]

HEAD = """\
version: 1
national:
  figures:
    - {cohort: all, percent: 12.3, as_of: 2025-10-31, quality: pass,
       source: {url: https://example.org/msds/2025-10, kind: msds}}
trusts:
  - id: example-north
    ods: XX1
    name: Example North NHS Trust (synthetic)
    region: North East and Yorkshire
"""
SOUTH = """\
  - id: example-south
    ods: XX2
    name: Example South NHS Foundation Trust (synthetic)
    region: South West
"""
MSDS = "source: {url: https://example.org/msds/2025-10, kind: msds}"


def fig(cohort: str, percent: float, quality: str = "pass", as_of: str = "2025-10-31") -> str:
    return (
        f"{{cohort: {cohort}, percent: {percent}, as_of: {as_of}, quality: {quality}, "
        f"{MSDS.replace('2025-10', as_of[:7])}}}"
    )


def check_all(run: Run, registry: Path) -> str:
    result = run("-r", str(registry), "check", "--all", "-f", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    data.pop("registry", None)
    return json.dumps(data, sort_keys=True, indent=1)


def moved(run: Run, registry: Path) -> Result:
    result = run("statistics", "move", "-r", str(registry), "--commit")
    assert result.exit_code == 0, result.stderr
    assert "internal error" not in result.stderr
    return result


def exact(run: Run, registry: Path) -> Result:
    """Move, and check that `check --all` says exactly what it said before."""
    before = check_all(run, registry)
    result = moved(run, registry)
    assert check_all(run, registry) == before
    return result


def test_the_demo_registry_moves_without_changing_a_word(run: Run, tmp_path: Path) -> None:
    """It lost two 'pass' qualities (read back as 'unknown') and gained made-up titles."""
    registry = tmp_path / "demo.yaml"
    shutil.copy(DEMO, registry)
    exact(run, registry)


def test_failed_quality_of_a_breakdown_is_never_read_back_as_unknown(
    run: Run, tmp_path: Path
) -> None:
    registry = tmp_path / "trusts.yaml"
    registry.write_text(
        HEAD
        + "    figures:\n"
        + f"      - {fig('all', 18.0)}\n"
        + f"      - {fig('most_deprived', 7.1, 'fail')}\n"
        + f"      - {fig('ethnic_minority', 9.5, 'fail')}\n"
        + SOUTH,
        encoding="utf-8",
    )
    exact(run, registry)


def test_flow_style_and_aliased_lists_stay_exactly_as_they_were(run: Run, tmp_path: Path) -> None:
    registry = tmp_path / "trusts.yaml"
    text = (
        HEAD
        + f"    figures: [{fig('all', 18.0)}, {fig('all', 17.0, as_of='2025-09-30')}]\n"
        + SOUTH
        + f"    figures: &shared\n      - {fig('all', 3.5, 'fail')}\n"
        + "  - id: example-east\n    ods: XX3\n    name: Example East NHS Trust (synthetic)\n"
        + "    region: East of England\n    figures: *shared\n"
    )
    registry.write_text(text, encoding="utf-8")
    result = exact(run, registry)
    assert "Left in the registry file" in result.stderr
    assert "[" in registry.read_text("utf-8") and "*shared" in registry.read_text("utf-8")


def test_comments_between_moved_entries_survive(run: Run, tmp_path: Path) -> None:
    registry = tmp_path / "trusts.yaml"
    registry.write_text(
        HEAD
        + "    figures:\n"
        + "      # October, from the MSDS file (a comment above the first)\n"
        + f"      - {fig('all', 18.0)}\n"
        + "      # a comment between two moved entries\n"
        + f"      - {fig('ethnic_minority', 9.5)}\n"
        + "      # and one after the last\n"
        + "    notes: kept as written  # and this\n"
        + SOUTH,
        encoding="utf-8",
    )
    exact(run, registry)
    text = registry.read_text("utf-8")
    for comment in (
        "# October, from the MSDS file (a comment above the first)",
        "# a comment between two moved entries",
        "# and one after the last",
        "notes: kept as written  # and this",
    ):
        assert comment in text


def test_a_figure_the_statistics_folder_disagrees_with_stays_and_is_said(
    run: Run, tmp_path: Path
) -> None:
    """The registry's 50% against the folder's 18.0% for the same month silently won."""
    registry = tmp_path / "trusts.yaml"
    registry.write_text(
        HEAD + "    figures:\n" + f"      - {fig('all', 50.0)}\n" + SOUTH, encoding="utf-8"
    )
    source = tmp_path / "msds-oct2025-exp-measures.csv"
    source.write_text(measures_csv(OCTOBER), encoding="utf-8")
    imported = import_file(run, source, registry, "--commit")
    assert imported.exit_code == 0, imported.stderr
    result = exact(run, registry)
    assert "50.0" in registry.read_text("utf-8")
    assert "holds another figure" in result.stderr and "18.0" in result.stderr


def test_the_store_is_written_only_when_the_registry_is(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The registry's write fails (a full disk): the statistics folder is as it was."""
    from cocwatch.errors import ExternalError
    from cocwatch.registry import edit

    registry = tmp_path / "trusts.yaml"
    text = HEAD + "    figures:\n" + f"      - {fig('all', 18.0)}\n" + SOUTH
    registry.write_text(text, encoding="utf-8")

    def full(path: Path, data: bytes, **kw: object) -> None:
        raise ExternalError(f"Cannot write the registry {path}: No space left on device.")

    monkeypatch.setattr(edit, "atomic_write", full)
    result = run("statistics", "move", "-r", str(registry), "--commit")
    assert result.exit_code == 4, result.stderr
    assert registry.read_text("utf-8") == text
    folder = tmp_path / "statistics"
    assert not (folder / "manifest.csv").exists() or "msds/" not in (
        folder / "manifest.csv"
    ).read_text("utf-8")
    assert not list(folder.rglob("*.csv")) or list(folder.rglob("*.csv")) == [
        folder / "manifest.csv"
    ]
