"""`cocwatch init`: a registry of one's own; the shipped registry is never written (SPEC §2)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from cocwatch.locations import shipped_registry
from tests.support.msds import OCTOBER, measures_csv

Run = Callable[..., Result]

FIGURE = ("--percent", "17.2", "--as-of", "2024-03-31", "--source-url", "https://example.org/p")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _config(home: Path) -> Path:
    return home / ".config" / "cocwatch" / "config.yaml"


def _copy(home: Path) -> Path:
    return home / ".local" / "share" / "cocwatch" / "trusts.yaml"


@pytest.fixture
def data_home(isolated_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(isolated_env / ".local" / "share"))
    return isolated_env


def test_record_refuses_the_shipped_registry_and_names_init(run: Run, data_home: Path) -> None:
    before = _digest(shipped_registry())
    result = run("record", "figure", "leeds", *FIGURE)
    assert result.exit_code == 2, result.output
    assert "cocwatch init" in result.stderr
    assert str(_copy(data_home)) in result.stderr
    assert _digest(shipped_registry()) == before


def test_record_dry_run_on_the_shipped_registry_is_allowed(run: Run) -> None:
    before = _digest(shipped_registry())
    result = run("record", "figure", "leeds", *FIGURE, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "+" in result.stdout and "17.2" in result.stdout
    assert _digest(shipped_registry()) == before


def test_import_commit_refuses_the_shipped_registry(run: Run, tmp_path: Path) -> None:
    csv = tmp_path / "measures.csv"
    csv.write_text(measures_csv(OCTOBER), encoding="utf-8")
    before = _digest(shipped_registry())
    source = ("--source-url", "https://example.org/msds-october")
    refused = run("import", "msds", str(csv), *source, "--commit")
    assert refused.exit_code == 2, refused.output
    assert "cocwatch init" in refused.stderr
    dry_run = run("import", "msds", str(csv), *source)
    assert dry_run.exit_code == 0, dry_run.output  # a dry run only reads
    assert _digest(shipped_registry()) == before


def test_init_copies_the_registry_and_writes_a_config_naming_it(run: Run, data_home: Path) -> None:
    result = run("init")
    assert result.exit_code == 0, result.output
    copy = _copy(data_home)
    assert result.stdout.strip() == str(copy)
    assert copy.read_bytes() == shipped_registry().read_bytes()
    config = _config(data_home)
    text = config.read_text(encoding="utf-8")
    assert yaml.safe_load(text)["registry"] == str(copy)
    assert "# templates_dir:" in text  # the commented sample, to fill in
    shown = run("config", "show", "--format", "csv")
    assert f"registry,{copy},config file" in shown.stdout
    # and now record writes the copy, not the package
    before = _digest(shipped_registry())
    recorded = run("record", "figure", "leeds", *FIGURE)
    assert recorded.exit_code == 0, recorded.output
    assert "17.2" in copy.read_text(encoding="utf-8")
    assert _digest(shipped_registry()) == before


def test_init_twice_is_harmless(run: Run, data_home: Path) -> None:
    assert run("init").exit_code == 0
    _copy(data_home).write_text("version: 1  # my edits\n", encoding="utf-8")
    again = run("init")
    assert again.exit_code == 0, again.output
    assert "already your registry" in again.stderr
    assert _copy(data_home).read_text(encoding="utf-8") == "version: 1  # my edits\n"


def test_init_never_overwrites_a_file(run: Run, tmp_path: Path, data_home: Path) -> None:
    mine = tmp_path / "mine.yaml"
    mine.write_text("my own notes\n", encoding="utf-8")
    result = run("init", str(mine))
    assert result.exit_code == 2
    assert "never overwrites" in result.stderr and str(mine) in result.stderr
    assert mine.read_text(encoding="utf-8") == "my own notes\n"
    assert not _config(data_home).exists()  # nothing half done


@pytest.mark.parametrize("dangling", [False, True])
def test_init_never_writes_through_a_symbolic_link(
    run: Run, tmp_path: Path, *, dangling: bool
) -> None:
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text("precious\n", encoding="utf-8")
    link = tmp_path / "trusts.yaml"
    link.symlink_to(victim)
    result = run("init", str(link))
    assert result.exit_code == 2, result.output
    assert link.is_symlink()
    if dangling:
        assert not victim.exists()
    else:
        assert victim.read_text(encoding="utf-8") == "precious\n"


def test_init_keeps_every_line_of_an_existing_config(run: Run, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    original = (
        "# my campaign settings\n"
        "sender:\n"
        "  name: Jo Bloggs   # that's me\n"
        "\n"
        "registry: ~/old/trusts.yaml\n"
        "thresholds: {tolerance_points: 3}\n"
    )
    config.write_text(original, encoding="utf-8")
    copy = tmp_path / "copy" / "trusts.yaml"
    result = run("--config", str(config), "init", str(copy))
    assert result.exit_code == 0, result.output
    text = config.read_text(encoding="utf-8")
    before, after = original.split("registry: ~/old/trusts.yaml\n")
    assert text.startswith(before) and text.endswith(after)
    assert "# registry: ~/old/trusts.yaml" in text  # the old value kept, as a comment
    data = yaml.safe_load(text)
    assert data == {
        "sender": {"name": "Jo Bloggs"},
        "registry": str(copy),
        "thresholds": {"tolerance_points": 3},
    }
    assert "~/old/trusts.yaml" in result.stderr


def test_init_adds_the_line_to_a_config_without_one(run: Run, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("sender:\n  name: Jo Bloggs\n", encoding="utf-8")  # no final newline issue
    copy = tmp_path / "trusts.yaml"
    assert run("init", str(copy), "--config", str(config)).exit_code == 0
    assert config.read_text(encoding="utf-8") == (f"sender:\n  name: Jo Bloggs\nregistry: {copy}\n")


def test_init_leaves_a_config_it_cannot_edit_alone(run: Run, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("{sender: {name: Jo Bloggs}}\n", encoding="utf-8")
    copy = tmp_path / "trusts.yaml"
    result = run("--config", str(config), "init", str(copy))
    assert result.exit_code == 3
    assert f"registry: {copy}" in result.stderr  # says which line to add
    assert config.read_text(encoding="utf-8") == "{sender: {name: Jo Bloggs}}\n"
    assert not copy.exists()  # checked before copying anything


def test_explicit_registry_is_written_as_asked(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "trusts.yaml"
    path.write_bytes(shipped_registry().read_bytes())
    result = run("record", "figure", "leeds", *FIGURE, "-r", str(path))
    assert result.exit_code == 0, result.output
    assert "17.2" in path.read_text(encoding="utf-8")


def test_init_then_record_in_a_real_process(tmp_path: Path) -> None:
    """The tour as a new user runs it: no options, nothing but HOME."""
    env = {
        "HOME": str(tmp_path),
        "PATH": os.environ["PATH"],
        "COCWATCH_TODAY": "2026-11-23",
    }

    def cocwatch(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cocwatch", *args],
            capture_output=True, text=True, env=env, check=False, cwd=tmp_path,
        )  # fmt: skip

    before = _digest(shipped_registry())
    assert cocwatch("record", "figure", "leeds", *FIGURE).returncode == 2
    made = cocwatch("init")
    assert made.returncode == 0, made.stderr
    copy = Path(made.stdout.strip())
    assert copy.is_file() and copy.is_relative_to(tmp_path)
    assert cocwatch("record", "figure", "leeds", *FIGURE).returncode == 0
    assert "17.2" in copy.read_text(encoding="utf-8")
    assert _digest(shipped_registry()) == before


@pytest.mark.parametrize("how", ["option", "environment"])
def test_init_creates_a_config_file_named_but_not_there_yet(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    config = tmp_path / "campaign" / "config.yaml"
    copy = tmp_path / "campaign" / "trusts.yaml"
    if how == "option":
        result = run("init", str(copy), "--config", str(config))
    else:
        monkeypatch.setenv("COCWATCH_CONFIG", str(config))
        result = run("init", str(copy))
    assert result.exit_code == 0, result.output
    assert yaml.safe_load(config.read_text(encoding="utf-8"))["registry"] == str(copy)
    assert copy.read_bytes() == shipped_registry().read_bytes()


def test_init_elsewhere_keeps_the_correspondence_log_in_use(run: Run, data_home: Path) -> None:
    """`init` then `init PATH` (as the cron guide suggests): the log is not left behind."""
    assert run("init").exit_code == 0
    sent = run("sent", "foi", "leeds", "--on", "2026-11-02")
    assert sent.exit_code == 0, sent.output
    old_log = _copy(data_home).parent / "correspondence.yaml"
    assert old_log.is_file()
    target = data_home / "campaign" / "trusts.yaml"
    moved = run("init", str(target))
    assert moved.exit_code == 0, moved.output
    assert f"Your correspondence log stays at {old_log}" in moved.stderr
    assert yaml.safe_load(_config(data_home).read_text("utf-8"))["correspondence"] == str(old_log)
    due = run("due", "--as-of", "2026-11-03", "--offline")
    assert due.exit_code == 0, due.output
    assert "No letters are logged yet" not in due.stdout and "foi" in due.stdout


def test_init_after_using_the_shipped_registry_keeps_the_log(run: Run, data_home: Path) -> None:
    """No config yet: the log kept in the data folder stays in use after `init PATH`."""
    sent = run("sent", "foi", "leeds", "--on", "2026-11-02")
    assert sent.exit_code == 0, sent.output
    log = data_home / ".local" / "share" / "cocwatch" / "correspondence.yaml"
    assert log.is_file()
    made = run("init", str(data_home / "campaign" / "trusts.yaml"))
    assert made.exit_code == 0, made.output
    assert yaml.safe_load(_config(data_home).read_text("utf-8"))["correspondence"] == str(log)
