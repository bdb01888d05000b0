"""Docs that cannot drift: every command is documented, and CI runs the README's commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cocwatch.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    names: list[str] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        if subcommands:
            names += [f"{name} {sub}" for sub in subcommands]
        else:
            names.append(name)
    return sorted(names)


def test_every_command_has_help_text() -> None:
    import typer.main

    group = typer.main.get_command(app)
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help or command.short_help, f"`cocwatch {name}` has no help text"


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_readme(command: str) -> None:
    assert f"cocwatch {command}" in README or f"`{command}`" in README, (
        f"README.md never mentions `cocwatch {command}`"
    )


def test_readme_opens_with_the_install_and_test_commands_ci_runs() -> None:
    block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert block is not None and README.index("```sh") < 200
    lines = [line.split("#")[0].strip() for line in block.group(1).strip().splitlines()]
    assert len(lines) == 2
    run_line, test_line = lines
    assert "pip install ." in run_line and "cocwatch check" in run_line
    assert "pytest" in test_line
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_line in ci.splitlines(), (
        f"`.ci/run` does not run the README's test command: {test_line}"
    )


def test_readme_exit_codes_match_the_code() -> None:
    from cocwatch.errors import ExitCode

    for code in ExitCode:
        assert re.search(rf"^\| {int(code)} \|", README, re.M), (
            f"exit code {int(code)} undocumented"
        )


def test_changelog_exists_with_unreleased_section() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog


def test_every_command_module_is_registered() -> None:
    from cocwatch import cli

    modules = sorted(p.stem for p in Path(cli.__file__).parent.glob("cmd_*.py"))
    assert sorted(cli.COMMAND_MODULES) == modules
