"""Every command line in README.md and docs/ runs, page by page, as a newcomer would type it.

Each page is its own ordered sequence in a fresh world (see conftest.py): a page that writes
to a registry makes its own with `cocwatch init` first, exactly as a reader starting on that
page would have to.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cocwatch.cli import app

from .conftest import DOCS, ROOT, PageWorld

OUTPUT_LANGUAGES = ("", "text", "console", "markdown", "yaml", "json")


def command_lines(text: str) -> list[tuple[int, str, str]]:
    """(line number, language, command) for each cocwatch command line in a code block."""
    found: list[tuple[int, str, str]] = []
    for block in re.finditer(r"^( *)```(\w*)\n(.*?)^\1```", text, re.S | re.M):
        indent, language, body = block.group(1), block.group(2), block.group(3)
        if language in OUTPUT_LANGUAGES:
            continue
        first = text[: block.start(3)].count("\n") + 1
        lines = [line.removeprefix(indent) for line in body.splitlines()]
        joined, start = "", first
        for number, line in enumerate(lines, start=first):
            if not joined:
                start = number
            if line.endswith("\\"):
                joined += line[:-1].rstrip() + " "
                continue
            joined += line
            if "cocwatch" in joined.split("#")[0]:
                found.append((start, language, joined.strip()))
            joined = ""
    return found


def _pages() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


PAGES_WITH_COMMANDS = [
    p for p in _pages() if command_lines(p.read_text(encoding="utf-8"))
]  # fmt: skip


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT))


def test_the_guides_and_readme_have_command_lines_to_run() -> None:
    names = {_name(p) for p in PAGES_WITH_COMMANDS}
    guides = {_name(p) for p in (DOCS / "guides").glob("*.md")}
    assert {"README.md", "docs/index.md", *guides} <= names
    total = sum(len(command_lines(p.read_text(encoding="utf-8"))) for p in PAGES_WITH_COMMANDS)
    assert total > 56, "the docs should run at least the 56 command lines the old README did"


@pytest.mark.parametrize("page", PAGES_WITH_COMMANDS, ids=_name)
def test_a_page_that_writes_makes_its_own_registry_first(page: Path) -> None:
    lines = [cmd for _, _, cmd in command_lines(page.read_text(encoding="utf-8"))]
    writing = [i for i, cmd in enumerate(lines) if _writes(cmd)]
    if writing:
        inits = (i for i, cmd in enumerate(lines) if re.search(r"cocwatch init\b", cmd))
        first_init = next(inits, len(lines))
        assert first_init < writing[0], (
            f"{_name(page)}: `{lines[writing[0]]}` changes a registry before any `cocwatch init`"
        )


def _writes(command: str) -> bool:
    """Whether the command changes the registry (the shipped one cannot be changed)."""
    if "--help" in command or "--dry-run" in command or " -n" in command:
        return False
    return "record " in command or (
        ("import msds" in command or "statistics move" in command) and "--commit" in command
    )


@pytest.mark.parametrize("page", PAGES_WITH_COMMANDS, ids=_name)
def test_every_command_line_on_the_page_runs(page: Path, page_world: PageWorld) -> None:
    from cocwatch.locations import shipped_registry

    shipped_before = shipped_registry().read_bytes()
    runner = CliRunner()
    failures = []
    for line, language, command in command_lines(page.read_text(encoding="utf-8")):
        command = command.replace("https://…/", page_world.address)
        if language == "crontab":
            command = command.split(None, 5)[5]  # the five time fields
        shell = language == "crontab" or any(op in command for op in ("&&", "||", "$("))
        if shell and command.startswith("python3 -m pip install"):
            command = command.split("&&", 1)[1].strip()  # the tests run in an installed cocwatch
            shell = False
        if shell:
            code, stderr = _run_in_shell(command, {**os.environ, **page_world.env}, page_world)
        else:
            code, stderr = _run_in_process(command, runner, page_world.env)
        checking = re.search(r"cocwatch( -\S+( \S+)?)* (check|due) ", command + " ")
        ok_codes = (0, 1) if checking else (0,)
        if code not in ok_codes or "Error" in stderr or "Traceback" in stderr:
            failures.append(f"{_name(page)}:{line}: `{command}` exited {code}:\n{stderr}")
    assert not failures, "\n\n".join(failures)
    assert shipped_registry().read_bytes() == shipped_before
    if any("import msds" in c and "--commit" in c for _, _, c in command_lines(page.read_text())):
        kept = [
            p.read_text(encoding="utf-8")
            for root in (page_world.home, page_world.folder)
            for p in root.rglob("statistics/msds/*.csv")
        ]
        assert any("18.0" in text for text in kept), "the page's import really kept the file"
        registries = [p.read_text(encoding="utf-8") for p in page_world.home.rglob("trusts.yaml")]
        assert not any("2025-10-31" in text for text in registries), "an import left the registry"


def _run_in_process(command: str, runner: CliRunner, env: dict[str, str]) -> tuple[int, str]:
    """Run one `cocwatch …` line as the shell would split it; return exit code and stderr."""
    words = shlex.split(command, comments=True)
    extra_env = {}
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
        name, value = words.pop(0).split("=", 1)
        extra_env[name] = _tilde(value)
    assert words[0] == "cocwatch", command
    args = [_tilde(os.path.expandvars(w)) for w in words[1:]]
    result = runner.invoke(app, args, env={**env, **extra_env})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stderr


def _tilde(word: str) -> str:
    """Expand a leading ~ as the shell does (and leave "site/" with its slash)."""
    return str(Path(word).expanduser()) if word.startswith("~") else word


def _run_in_shell(command: str, env: dict[str, str], world: PageWorld) -> tuple[int, str]:
    done = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env=env, cwd=world.folder,
        check=False, timeout=120,
    )  # fmt: skip
    return done.returncode, done.stderr + done.stdout
