"""The statistics folder's files are verified, never trusted: a kept file that no longer
matches its manifest is reported (exit 3, what to do), never read as "no data"; a remote
copy is compared by checksum; a kept file and its manifest row change together; nothing is
written or read through a symbolic link planted in the folder; files get the user's normal
permissions.

Every file here is SYNTHETIC (made-up rows for the codes XX1, XX2 and XX9).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.statistics.kept import digest
from tests.support.msds import OCTOBER, figure_rows, measures_csv
from tests.support.registries import MINIMAL_REGISTRY
from tests.support.stores import import_file
from tests.support.web import PageServer, Route

Run = Callable[..., Result]
NAME = "msds-oct2025-exp-measures.csv"
KEPT = "statistics/msds/msds-oct2025-exp-measures-coc.csv"


def imported(run: Run, folder: Path, rows: list[object] | None = None) -> Path:
    """A registry in `folder` with the October file imported (committed) beside it."""
    registry = folder / "trusts.yaml"
    if not registry.exists():
        registry.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    source = folder / "download" / NAME
    source.parent.mkdir(exist_ok=True)
    source.write_text(measures_csv(rows or OCTOBER), encoding="utf-8")  # type: ignore[arg-type]
    result = import_file(run, source, registry, "--commit")
    assert result.exit_code == 0, result.stderr
    return registry


def checked(run: Run, registry: Path) -> Result:
    return run("-r", str(registry), "check", "example-north", "-f", "json")


# Group 12: silent corruption ---------------------------------------------------------------------


def test_a_kept_file_cut_in_half_is_reported_not_read_as_no_data(run: Run, tmp_path: Path) -> None:
    registry = imported(run, tmp_path)
    assert '"percent": 18.0' in checked(run, registry).stdout
    kept = tmp_path / KEPT
    data = kept.read_bytes()
    kept.write_bytes(data[: len(data) // 2])
    for args in (("check", "--all"), ("statistics",), ("show", "example-north")):
        result = run("-r", str(registry), *args)
        assert result.exit_code == 3, (args, result.stdout, result.stderr)
        assert "msds-oct2025-exp-measures-coc.csv" in result.stderr
        assert "import" in result.stderr and "internal error" not in result.stderr


def test_a_damaged_kept_file_is_repaired_by_importing_it_again(run: Run, tmp_path: Path) -> None:
    registry = imported(run, tmp_path)
    kept = tmp_path / KEPT
    good = kept.read_bytes()
    kept.write_bytes(good.replace(b"18.0", b"81.0"))
    assert checked(run, registry).exit_code == 3
    again = imported(run, tmp_path)  # the same published file: not "Nothing new"
    assert kept.read_bytes() == good
    assert '"percent": 18.0' in checked(run, again).stdout


def test_damage_to_the_folder_installed_with_cocwatch_is_repaired_by_reinstalling(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Importing into the installed folder is refused, so the advice is to reinstall."""
    registry = imported(run, tmp_path)
    kept = tmp_path / KEPT
    kept.write_bytes(kept.read_bytes().replace(b"18.0", b"81.0"))
    told = checked(run, registry)
    assert told.exit_code == 3 and "Import msds-oct2025-exp-measures.csv again" in told.stderr
    monkeypatch.setattr("cocwatch.locations.shipped_statistics", lambda: tmp_path / "statistics")
    told = checked(run, registry)
    assert told.exit_code == 3
    said = " ".join(told.stderr.split())
    assert "installed with cocwatch: reinstall cocwatch" in said
    assert "Import msds-oct2025-exp-measures.csv again" not in said


def test_a_kill_between_the_kept_file_and_the_manifest_is_caught_and_repaired(
    run: Run, tmp_path: Path
) -> None:
    """v2's rows under v1's manifest row (a kill between the two renames): reported, and
    importing v1 again restores it, instead of "Nothing new"."""
    registry = imported(run, tmp_path)
    kept = tmp_path / KEPT
    v1 = kept.read_bytes()
    v2_rows = [*OCTOBER[:2], *figure_rows("XX1", "COC_by_28weeks", rate="25.0")]
    v2 = tmp_path / "v2"
    v2.mkdir()
    (v2 / "trusts.yaml").write_text(MINIMAL_REGISTRY, encoding="utf-8")
    imported(run, v2, v2_rows)
    kept.write_bytes((v2 / KEPT).read_bytes())  # as the kill left it
    result = checked(run, registry)
    assert result.exit_code == 3 and "does not match" in result.stderr
    imported(run, tmp_path)
    assert kept.read_bytes() == v1


def test_a_remote_kept_file_republished_at_the_same_size_is_fetched_again(
    run: Run, tmp_path: Path
) -> None:
    registry = imported(run, tmp_path)
    server = PageServer()
    try:
        for path in ("trusts.yaml", "statistics/manifest.csv", KEPT):
            server.routes["/" + path] = Route(
                raw=(tmp_path / path).read_bytes(), content_type="text/plain"
            )
        url = server.url("/trusts.yaml")
        first = run("-r", url, "check", "example-north", "-f", "json")
        assert first.exit_code in (0, 1) and '"percent": 18.0' in first.stdout, first.stderr
        # Republished: one figure changed, the same number of bytes, manifest to match.
        changed = (tmp_path / KEPT).read_bytes().replace(b"18.0", b"19.0")
        manifest = (tmp_path / "statistics/manifest.csv").read_bytes()
        old_digest = digest((tmp_path / KEPT).read_bytes()).encode()
        new_digest = digest(changed).encode()
        server.routes["/" + KEPT] = Route(raw=changed, content_type="text/plain")
        server.routes["/statistics/manifest.csv"] = Route(
            raw=manifest.replace(old_digest, new_digest), content_type="text/plain"
        )
        second = run("-r", url, "check", "example-north", "-f", "json")
        assert second.exit_code in (0, 1), second.stderr
        assert '"percent": 19.0' in second.stdout
    finally:
        server.close()
    assert registry.exists()


def test_a_full_disk_at_the_manifest_leaves_the_folder_as_it_was(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept file and its manifest row change together: no unlisted file is left."""
    from cocwatch.statistics import store as store_module

    registry = tmp_path / "trusts.yaml"
    registry.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    real = store_module.atomic_write

    def full(path: Path, data: bytes, **kw: object) -> None:
        if Path(path).name == "manifest.csv":
            from cocwatch.errors import ExternalError

            raise ExternalError(f"Cannot write the statistics manifest {path}: No space left")
        real(path, data, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(store_module, "atomic_write", full)
    source = tmp_path / NAME
    source.write_text(measures_csv(OCTOBER), encoding="utf-8")
    result = import_file(run, source, registry, "--commit")
    assert result.exit_code == 4, result.stderr
    folder = tmp_path / "statistics"
    assert not (folder / "msds").exists() or not any((folder / "msds").iterdir())


def test_kept_files_get_the_users_normal_permissions(run: Run, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        imported(run, tmp_path)
    finally:
        os.umask(old)
    for path in (tmp_path / KEPT, tmp_path / "statistics" / "manifest.csv"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


# Group 11: symbolic links planted in the folder -------------------------------------------------


@pytest.fixture
def victim(tmp_path: Path) -> Iterator[Path]:
    target = tmp_path / "elsewhere" / "precious.txt"
    target.parent.mkdir()
    target.write_text("root:x:0:0:root:/root:/bin/bash\nprecious\n", encoding="utf-8")
    yield target


def test_an_import_never_writes_through_a_link_at_a_kept_files_place(
    run: Run, tmp_path: Path, victim: Path
) -> None:
    registry = tmp_path / "trusts.yaml"
    registry.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    (tmp_path / "statistics" / "msds").mkdir(parents=True)
    (tmp_path / KEPT).symlink_to(victim)
    source = tmp_path / NAME
    source.write_text(measures_csv(OCTOBER), encoding="utf-8")
    result = import_file(run, source, registry, "--commit")
    assert result.exit_code == 3, result.stderr
    assert "symbolic link" in result.stderr
    assert victim.read_text("utf-8").endswith("precious\n")


def test_an_import_never_writes_through_a_linked_source_folder(
    run: Run, tmp_path: Path, victim: Path
) -> None:
    registry = tmp_path / "trusts.yaml"
    registry.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    (tmp_path / "statistics").mkdir()
    (tmp_path / "statistics" / "msds").symlink_to(victim.parent, target_is_directory=True)
    source = tmp_path / NAME
    source.write_text(measures_csv(OCTOBER), encoding="utf-8")
    result = import_file(run, source, registry, "--commit")
    assert result.exit_code == 3 and "symbolic link" in result.stderr
    assert sorted(p.name for p in victim.parent.iterdir()) == ["precious.txt"]


@pytest.mark.parametrize("what", ["kept", "manifest"])
def test_check_never_reads_through_a_planted_link(
    run: Run, tmp_path: Path, victim: Path, what: str
) -> None:
    registry = imported(run, tmp_path)
    planted = tmp_path / (KEPT if what == "kept" else "statistics/manifest.csv")
    if what == "kept":
        matching = digest(victim.read_bytes())  # even a matching checksum
        manifest = tmp_path / "statistics" / "manifest.csv"
        text = manifest.read_text("utf-8")
        manifest.write_text(text.replace(digest(planted.read_bytes()), matching), "utf-8")
    planted.unlink()
    planted.symlink_to(victim)
    result = run("-r", str(registry), "check", "--all")
    assert result.exit_code == 3, result.stderr
    assert "symbolic link" in result.stderr
    assert "root:x" not in result.stdout + result.stderr


def test_a_statistics_folder_that_is_itself_a_link_is_the_users_choice(
    run: Run, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "synced"
    elsewhere.mkdir()
    (tmp_path / "statistics").symlink_to(elsewhere, target_is_directory=True)
    registry = imported(run, tmp_path)
    assert (elsewhere / "manifest.csv").is_file()
    assert '"percent": 18.0' in checked(run, registry).stdout
