"""The global options work on either side of a command's name, for every command (SPEC §5)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.errors import InputError

Run = Callable[..., Result]


def _leaf_commands() -> list[tuple[str, ...]]:
    import typer.main

    from cocwatch.cli import app

    found: list[tuple[str, ...]] = []

    def walk(command: object, path: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            found.append(path)  # a group such as `record` takes them too
            for name, sub in subcommands.items():
                walk(sub, (*path, name))
        elif path:
            found.append(path)

    walk(typer.main.get_command(app), ())
    return found[1:]  # not the root group itself


def _global_options() -> list[str]:
    """The global options' long names, as the application declares them (once)."""
    import typer.main

    from cocwatch.cli import app

    return [opt for p in typer.main.get_command(app).params for opt in p.opts if "--" in opt]


def test_the_global_options_are_the_spec_s() -> None:
    assert _global_options() == ["--registry", "--config", "--quiet", "--debug", "--version"]


@pytest.mark.parametrize("path", _leaf_commands(), ids=" ".join)
def test_every_command_lists_every_global_option(run: Run, path: tuple[str, ...]) -> None:
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    for option in _global_options():
        assert option in result.stdout, f"`cocwatch {' '.join(path)}` does not take {option}"


def test_version_after_the_command(run: Run) -> None:
    from cocwatch import __version__

    for args in (["check", "--version"], ["record", "figure", "--version"]):
        result = run(*args)
        assert (result.exit_code, result.stdout) == (0, f"cocwatch {__version__}\n"), args


def test_a_command_may_not_take_a_global_option_s_name() -> None:
    import typer
    import typer.main

    from cocwatch.cli.app import CocwatchGroup, main_options

    app = typer.Typer(cls=CocwatchGroup)
    app.callback()(main_options)

    @app.command()
    def shadows(brief: bool = typer.Option(False, "--brief", "-q")) -> None:
        """A command whose own -q would mean something else after its name."""

    with pytest.raises(TypeError, match="'shadows' declares -q, a global option's name"):
        typer.main.get_command(app)


def test_registry_after_the_command(run: Run, minimal_registry: Path) -> None:
    result = run("check", "--all", "-r", str(minimal_registry), "--format", "json")
    assert result.exit_code in (0, 1), result.output
    assert json.loads(result.stdout)["registry"] == str(minimal_registry)


def test_registry_after_the_command_wins_over_the_one_before(
    run: Run, minimal_registry: Path, tmp_path: Path
) -> None:
    result = run("-r", str(tmp_path / "absent.yaml"), "trusts", "--registry", str(minimal_registry))
    assert result.exit_code == 0, result.output
    assert "example-north" in result.stdout


def test_config_after_a_subcommand(run: Run, tmp_path: Path, minimal_registry: Path) -> None:
    config = tmp_path / "mine.yaml"
    config.write_text(f"registry: {minimal_registry}\n", encoding="utf-8")
    result = run("config", "show", "--format", "json", "--config", str(config))
    assert result.exit_code == 0, result.output
    rows = {row["setting"]: row for row in json.loads(result.stdout)}
    assert rows["config file"]["value"] == str(config)
    assert rows["registry"] == {
        "setting": "registry",
        "value": str(minimal_registry),
        "origin": "config file",
    }


def test_quiet_after_the_command(run: Run, tmp_path: Path) -> None:
    loud = run("config", "init", str(tmp_path / "a.yaml"))
    quiet = run("config", "init", str(tmp_path / "b.yaml"), "-q")
    assert loud.exit_code == quiet.exit_code == 0
    assert "Wrote a sample config" in loud.stderr
    assert quiet.stderr == "" and quiet.stdout == ""


def test_debug_after_the_command_shows_the_traceback(run: Run, tmp_path: Path) -> None:
    missing = str(tmp_path / "absent.yaml")
    plain = run("validate", "-r", missing)
    assert plain.exit_code == 3 and "does not exist" in plain.stderr
    debug = run("validate", "-r", missing, "--debug")
    assert isinstance(debug.exception, InputError)


def test_global_options_after_the_command_in_a_real_process(
    tmp_path: Path, minimal_registry: Path
) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "COCWATCH_REGISTRY"}
    result = subprocess.run(
        [sys.executable, "-m", "cocwatch", "trusts", "--format", "csv", "-q", "-r",
         str(minimal_registry)],
        capture_output=True, text=True, env=env, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("example-north,")
