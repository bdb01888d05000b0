"""Docs that cannot drift: every command is documented, and the README's front door is true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cocwatch.cli import app

from .conftest import DOCS, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDES = {path.name: path.read_text(encoding="utf-8") for path in (DOCS / "guides").glob("*.md")}
HAND_WRITTEN = {"index.md": (DOCS / "index.md").read_text(encoding="utf-8"), **GUIDES}


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
def test_every_command_is_shown_in_a_guide(command: str) -> None:
    pattern = re.compile(rf"cocwatch( -\S+( [^-\s]\S*)?)* {command}\b")
    assert any(pattern.search(text) for text in HAND_WRITTEN.values()), (
        f"neither docs/index.md nor a guide in docs/guides/ shows `cocwatch {command}` at work"
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


def test_the_readme_is_a_short_front_door() -> None:
    assert len(README) < 10_000, f"README.md has {len(README)} characters; move detail to docs/"


def test_the_readme_links_only_to_pages_that_exist() -> None:
    targets = re.findall(r"\]\((?!https?:)([^)#]+)(?:#[^)]*)?\)", README)
    assert targets, "README.md should point into docs/"
    for target in targets:
        assert (ROOT / target).exists(), f"README.md links to {target}, which does not exist"
    pages = {f"docs/guides/{name}" for name in GUIDES} | {"docs/reference/commands.md"}
    assert pages <= set(targets), f"README.md does not point to {sorted(pages - set(targets))}"


def test_changelog_exists_with_unreleased_section() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "## [Unreleased]" in changelog


def test_every_command_module_is_registered() -> None:
    from cocwatch import cli

    modules = sorted(p.stem for p in Path(cli.__file__).parent.glob("cmd_*.py"))
    assert sorted(cli.COMMAND_MODULES) == modules


def test_every_finding_rule_has_its_line_in_how_check_decides() -> None:
    """Adding a rule = one `Rule`, one test, one line in the check guide's Findings list."""
    from cocwatch.core.findings import RULES

    section = GUIDES["check.md"].split("### Findings", 1)[1].split("\n### ", 1)[0]
    explained = re.findall(r"^- `(\w+)` \((\w+)\)", section, re.M)
    assert explained == [(str(rule.code), str(rule.severity)) for rule in RULES], (
        "docs/guides/check.md, Findings: one line `- `code` (severity): when it is raised` per "
        "rule, in the order of RULES"
    )
