"""Docs that cannot drift: every command is documented, and CI runs the README's commands."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

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


# --- Every command line in the README runs --------------------------------------------------
#
# The README's shell and crontab examples are run top to bottom, as a new user would follow
# them in a fresh clone: in a temporary copy of `examples/`, with a temporary home folder (so
# `cocwatch init` makes a registry of its own there), today pinned, and no network (a proxy
# that refuses every connection). Addresses written `https://…/NAME` in the README are served
# from a local server; `~/Downloads/NAME` is put in place; both hold a SYNTHETIC measures file.

README_TODAY = "2026-11-23"
OUTPUT_LANGUAGES = ("", "text", "console", "markdown", "yaml")


def readme_command_lines() -> list[tuple[int, str, str]]:
    """(line number, language, command) for each cocwatch command line in a code block."""
    found: list[tuple[int, str, str]] = []
    for block in re.finditer(r"^( *)```(\w*)\n(.*?)^\1```", README, re.S | re.M):
        indent, language, body = block.group(1), block.group(2), block.group(3)
        if language in OUTPUT_LANGUAGES:
            continue
        first = README[: block.start(3)].count("\n") + 1
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


def test_the_readme_has_command_lines_to_run() -> None:
    lines = readme_command_lines()
    assert len(lines) > 40
    assert lines[1][2].startswith("cocwatch init"), "the tour must start with `cocwatch init`"
    writes = ("record ", "import msds", "--commit")
    first_write = next(i for i, (_, _, cmd) in enumerate(lines) if any(w in cmd for w in writes)
                       and "--help" not in cmd)  # fmt: skip
    first_init = next(i for i, (_, _, cmd) in enumerate(lines) if cmd.startswith("cocwatch init"))
    assert first_init < first_write


def _msds_mirror(series: Path) -> None:
    """A SYNTHETIC series index with one release page linking the served October 2025 file."""
    slug = "final-october-2025-provisional-november-2025-official-statistics"
    (series / slug).mkdir(parents=True)
    (series / "index.html").write_text(
        f'<h1>Maternity Services Monthly Statistics (synthetic)</h1><a href="{slug}/">Final '
        "October 2025, Provisional November 2025</a>",
        encoding="utf-8",
    )
    (series / slug / "index.html").write_text(
        "<h1>Maternity Services Monthly Statistics, Final October 2025 (synthetic)</h1>"
        '<a href="../../../msds-oct2025-exp-measures.csv">Measures</a>',
        encoding="utf-8",
    )


def _synthetic_measures_csv() -> str:
    """A SYNTHETIC month of MSDS figures for two real Trusts of the shipped registry."""
    from .msds_helpers import figure_rows, measures_csv

    rows = [
        *figure_rows("RR8", "COC_by_28weeks", numerator="45", denominator="250", rate="18.0"),
        *figure_rows("RJ1", "COC_by_28weeks", numerator="30", denominator="300", rate="10.0"),
    ]
    return measures_csv(rows)


@contextlib.contextmanager
def _serving(folder: Path) -> Iterator[str]:
    """A local web server for `folder`; yields its address."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


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


def _run_in_shell(command: str, env: dict[str, str], cwd: Path) -> tuple[int, str]:
    done = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env=env, cwd=cwd, check=False,
        timeout=120,
    )  # fmt: skip
    return done.returncode, done.stderr + done.stdout


def test_every_readme_command_line_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> None:
    from cocwatch.locations import shipped_registry

    home = isolated_env
    clone = tmp_path / "clone"
    shutil.copytree(ROOT / "examples", clone / "examples")
    monkeypatch.chdir(clone)
    measures = _synthetic_measures_csv()
    served = tmp_path / "served"
    served.mkdir()
    (served / "msds-oct2025-exp-measures.csv").write_text(measures, encoding="utf-8")
    (home / "Downloads").mkdir()
    (home / "Downloads" / "msds-oct2025-exp-measures.csv").write_text(measures, encoding="utf-8")
    bin_dir = home / ".local" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "cocwatch").symlink_to(Path(sys.executable).parent / "cocwatch")
    shipped_before = shipped_registry().read_bytes()
    refuse = "http://127.0.0.1:9"  # the discard port: any attempt to go online fails at once
    env = {
        "HOME": str(home),
        "COCWATCH_TODAY": README_TODAY,
        "HTTP_PROXY": refuse,
        "HTTPS_PROXY": refuse,
        "NO_PROXY": "127.0.0.1,localhost",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    _msds_mirror(served / "msds" / "series")
    runner = CliRunner()
    failures = []
    with _serving(served) as address:
        env["COCWATCH_MSDS_INDEX"] = f"{address}msds/series/"  # `import msds --latest` etc.
        monkeypatch.setenv("COCWATCH_MSDS_INDEX", env["COCWATCH_MSDS_INDEX"])
        for line, language, command in readme_command_lines():
            command = command.replace("https://…/msds-", f"{address}msds-")
            if language == "crontab":
                command = command.split(None, 5)[5]  # the five time fields
            shell = language == "crontab" or any(op in command for op in ("&&", "||", "$("))
            if shell and command.startswith("python3 -m pip install"):
                command = command.split("&&", 1)[1].strip()  # CI has installed it already
                shell = False
            if shell:
                code, stderr = _run_in_shell(command, {**os.environ, **env}, clone)
            else:
                code, stderr = _run_in_process(command, runner, env)
            checking = re.search(r"cocwatch( -\S+( \S+)?)* check ", command + " ")
            ok_codes = (0, 1) if checking else (0,)
            if code not in ok_codes or "Error" in stderr or "Traceback" in stderr:
                failures.append(f"README.md:{line}: `{command}` exited {code}:\n{stderr}")
    assert not failures, "\n\n".join(failures)
    assert shipped_registry().read_bytes() == shipped_before
    copy = home / "campaign" / "trusts.yaml"
    assert "18.0" in copy.read_text(encoding="utf-8")  # the README's import really wrote
