"""Commands write to stdout through `cli.output.emit` alone, so every output gets the same
handling: a full disk or a closed stdout is exit 4 with a message, colour only on a terminal,
registry text drawn as written. This reads the CLI's source to keep it so."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support.paths import SRC

CLI = SRC / "cocwatch" / "cli"
# output.py holds emit() itself; the --version answer (global_options.py) runs while the options
# are parsed, before the command's error handling exists (`cocwatch --version` is answered by
# launch.py).
ALLOWED = {"output.py": None, "global_options.py": {"typer.echo"}}


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    return ""


def _writes_stdout(call: ast.Call) -> str | None:
    """What a call is, when it writes to stdout other than through emit()."""
    name = _name(call.func)
    to_stderr = any(
        k.arg in ("err", "stderr") and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in call.keywords
    )
    if name == "print" and not any(k.arg == "file" for k in call.keywords):
        return "print"
    if name in ("typer.echo", "click.echo", "typer.secho") and not to_stderr:
        return "typer.echo"
    if name.startswith("sys.stdout.") and name.endswith(("write", "writelines")):
        return "sys.stdout.write"
    if name.endswith("Console") and not to_stderr:
        return "Console"
    return None


@pytest.mark.parametrize("path", sorted(CLI.glob("*.py")), ids=lambda p: p.name)
def test_commands_print_through_emit_alone(path: Path) -> None:
    allowed = ALLOWED.get(path.name, set())
    if allowed is None:
        return
    found = [
        f"{path.name}:{node.lineno}: {kind}"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and (kind := _writes_stdout(node)) is not None
        and kind not in allowed
    ]
    assert not found, "print through cocwatch.cli.output.emit() instead: " + ", ".join(found)


def test_the_check_finds_a_stray_print() -> None:
    tree = ast.parse("typer.echo('x')\nsys.stdout.write('y')\nprint(1)\nConsole()\n")
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert sorted(filter(None, map(_writes_stdout, calls))) == [
        "Console",
        "print",
        "sys.stdout.write",
        "typer.echo",
    ]
    fine = ast.parse("typer.echo('x', err=True)\nConsole(stderr=True)\nprint(1, file=f)\n")
    assert not any(_writes_stdout(n) for n in ast.walk(fine) if isinstance(n, ast.Call))
