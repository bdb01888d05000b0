"""Write the reference pages of docs/ from the code, so they cannot drift from it.

    python scripts/gen_docs.py           rewrite every generated page that is out of date
    python scripts/gen_docs.py --check   change nothing; exit 1 naming the pages out of date

Each page is built from what cocwatch itself prints or declares: `--help` of every command
and subcommand (at a fixed width of 80 columns, without colour), `cocwatch schema`,
`cocwatch templates --fields`, `errors.ExitCode` and the finding rules. The tests in
tests/docs/ run the `--check` comparison. This script may import anything in cocwatch.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REGENERATE = "python scripts/gen_docs.py"
HELP_WIDTH = 80
# The environment every command runs in while a page is generated: what it prints must not
# depend on the terminal, the user's files or the day it is run.
STEADY_ENV = {
    "COLUMNS": str(HELP_WIDTH),
    "NO_COLOR": "1",
    "TERM": "dumb",
    "COCWATCH_TODAY": "2026-11-23",
    "COCWATCH_REGISTRY": None,
    "COCWATCH_CONFIG": None,
}


def _banner(title: str, source: str) -> str:
    return (
        f"<!-- Generated from {source} by `{REGENERATE}`: do not edit by hand. -->\n\n# {title}\n"
    )


def _run(*args: str) -> str:
    """What `cocwatch ARGS` prints, in the steady environment; fail loudly on an error."""
    from typer.testing import CliRunner

    from cocwatch.cli import app

    result = CliRunner().invoke(
        app, list(args), prog_name="cocwatch", env=STEADY_ENV, terminal_width=HELP_WIDTH
    )
    if result.exit_code != 0:
        raise SystemExit(f"`cocwatch {' '.join(args)}` exited {result.exit_code}:\n{result.output}")
    return result.stdout


def command_paths() -> list[tuple[str, ...]]:
    """Every command and subcommand, in the order `cocwatch --help` lists them."""
    import typer.main

    from cocwatch.cli import app

    group = typer.main.get_command(app)
    paths: list[tuple[str, ...]] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        if command.hidden:
            continue
        paths.append((name,))
        for sub, subcommand in getattr(command, "commands", {}).items():
            if not subcommand.hidden:
                paths.append((name, sub))
    return paths


def commands_page() -> str:
    parts = [
        _banner("Commands", "every command's `--help`"),
        "Every command and subcommand, with the help it prints (`cocwatch COMMAND --help`). "
        f"The options {_global_options()} work on either side of a command's name. The "
        "[guides](../index.md#guides) show the commands at work.\n",
    ]
    paths = command_paths()
    rows = ["| command | what it does |", "| --- | --- |"]
    rows += [f"| [`cocwatch {' '.join(p)}`](#{_anchor(p)}) | {_summary(p)} |" for p in paths]
    parts.append("\n".join(rows) + "\n")
    parts.append("## `cocwatch`\n\n```text\n" + _run("--help").rstrip() + "\n```\n")
    for path in paths:
        heading = "##" if len(path) == 1 else "###"
        text = _run(*path, "--help").rstrip()
        parts.append(f"{heading} `cocwatch {' '.join(path)}` {{#{_anchor(path)}}}\n")
        parts.append("```text\n" + text + "\n```\n")
    return "\n".join(parts)


def _global_options() -> str:
    """The global options as declared: "`--registry/-r`, `--config`, … and `--version`"."""
    import typer.main

    from cocwatch.cli import app

    names = [
        "`" + "/".join(sorted(param.opts, key=lambda o: not o.startswith("--"))) + "`"
        for param in typer.main.get_command(app).params
    ]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _summary(path: tuple[str, ...]) -> str:
    """The first sentence of a command's help."""
    import typer.main

    from cocwatch.cli import app

    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    text = " ".join((command.help or command.short_help or "").split())
    return text.split(". ", 1)[0].rstrip(".").replace("|", "\\|") + "."


def _anchor(path: tuple[str, ...]) -> str:
    return "cocwatch-" + "-".join(path)


# --- the registry schema ----------------------------------------------------------------


def schema_page() -> str:
    schema: dict[str, Any] = json.loads(_run("schema"))
    definitions: dict[str, Any] = schema.get("$defs", {})
    parts = [
        _banner("Registry schema", "`cocwatch schema`"),
        "The fields of each part of the registry file, as `cocwatch validate` checks them. "
        "A misspelt or unknown key is an error, never ignored. Dates are written "
        "`YYYY-MM-DD`. The [registry guide](../guides/registry.md) shows a whole file with "
        "comments; `cocwatch schema` prints the same rules as a JSON Schema for editors.\n",
        _model_section("Registry", "The whole file.", schema, level="##"),
    ]
    for name in _model_order(schema, definitions):
        parts.append(_model_section(name, None, definitions[name], level="##"))
    return "\n".join(parts)


def _model_order(schema: dict[str, Any], definitions: dict[str, Any]) -> list[str]:
    """The models as a reader meets them: from the top of the file down, depth first."""
    order: list[str] = []

    def visit(node: Any) -> None:
        for ref in _refs(node):
            if ref not in order and ref in definitions:
                order.append(ref)
                visit(definitions[ref])

    visit(schema.get("properties", {}))
    return order + sorted(set(definitions) - set(order))


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            yield ref.rsplit("/", 1)[-1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _model_section(name: str, fallback: str | None, model: dict[str, Any], *, level: str) -> str:
    description = " ".join((model.get("description") or fallback or "").split())
    required = set(model.get("required", []))
    rows = ["| field | type | required | default | notes |", "| --- | --- | --- | --- | --- |"]
    for field, spec in model.get("properties", {}).items():
        needed = "yes" if field in required else ""
        notes = " ".join(spec.get("description", "").split())
        rows.append(f"| `{field}` | {_type(spec)} | {needed} | {_default(spec)} | {notes} |")
    return f"{level} {name} {{#{name.lower()}}}\n\n{description}\n\n" + "\n".join(rows) + "\n"


def _default(spec: dict[str, Any]) -> str:
    if "default" not in spec or spec["default"] is None:
        return ""
    value = spec["default"]
    if value == [] or (isinstance(value, dict) and not any(value.values())):
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def _type(spec: dict[str, Any]) -> str:
    """A JSON Schema type in words; the lenient spellings `validate` also accepts are left out."""
    if "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[-1]
        return f"[{name}](#{name.lower()})"
    if "anyOf" in spec:
        options = spec["anyOf"]
        if any("enum" in o for o in options):  # the rest are the same words in any case
            options = [o for o in options if "pattern" not in o]
        words = [_type(o) for o in options if o.get("type") != "null"]
        return " or ".join(dict.fromkeys(words)) or "empty"
    if "enum" in spec:
        return " \\| ".join(f"`{value}`" for value in spec["enum"])
    if "const" in spec:
        return f"`{spec['const']}`"
    kind = spec.get("type")
    if kind == "array":
        return f"list of {_type(spec.get('items', {}))}"
    if kind == "string":
        if spec.get("format") == "date":
            return "date"
        if spec.get("format") in ("uri", "url"):
            return "web address"
        return _PATTERNS.get(spec.get("pattern", ""), "text")
    if kind == "integer":
        return "whole number" + _range(spec)
    if kind == "number":
        return "number" + _range(spec)
    if kind == "boolean":
        return "`true` \\| `false`"
    if kind == "object":
        return "mapping"
    return "any"


_PATTERNS = {
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$": "id (lowercase letters, digits, hyphens)",
    r"^\d{4}(-\d{2})?$": "YYYY or YYYY-MM",
    "^[^\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]*$": "one line of text",
}


def _range(spec: dict[str, Any]) -> str:
    low = spec.get("minimum", spec.get("exclusiveMinimum"))
    high = spec.get("maximum", spec.get("exclusiveMaximum"))
    if low is not None and high is not None:
        return f" from {low} to {high}"
    if "exclusiveMinimum" in spec:
        return f" above {low}"
    if low is not None:
        return f", {low} or more"
    return ""


# --- template fields, exit codes, findings ----------------------------------------------


def template_fields_page() -> str:
    return "\n".join(
        [
            _banner("Letter template fields", "`cocwatch templates --fields`"),
            "Every variable a letter template can use: the output of "
            "`cocwatch templates --fields`. The [letters guide](../guides/letters.md#writing-"
            "your-own-templates) shows how to write a template.\n",
            _run("templates", "--fields").strip() + "\n",
        ]
    )


# What each exit code means to a person; a code added to `ExitCode` without a line here stops
# the generator, so a new code cannot go undocumented.
EXIT_CODE_MEANINGS = {
    "OK": "success (and, for `check`, nothing at or above `--fail-on`)",
    "FINDINGS": "`check` found a Trust at or above `--fail-on` (default `fail`); "
    "`due --fail-on overdue` found an overdue reply",
    "USAGE": "usage error: a bad option, an unknown or ambiguous Trust name",
    "BAD_INPUT": "bad input: the registry, config file, a template or a CSV cannot be used",
    "EXTERNAL": "external failure: the network, an unwritable output file, a lock held by "
    "another run",
    "INTERNAL": "an internal error in cocwatch itself (please report it; `--debug` shows the "
    "details)",
}


def exit_codes_page() -> str:
    from cocwatch.errors import ExitCode

    missing = [code.name for code in ExitCode if code.name not in EXIT_CODE_MEANINGS]
    if missing:
        raise SystemExit(f"scripts/gen_docs.py: say what exit code(s) {missing} mean")
    rows = ["| code | name | meaning |", "| --- | --- | --- |"]
    rows += [f"| {int(c)} | `{c.name}` | {EXIT_CODE_MEANINGS[c.name]} |" for c in ExitCode]
    return "\n".join(
        [
            _banner("Exit codes", "`cocwatch.errors.ExitCode`"),
            "The same for every command, so scripts and cron can act on them.\n",
            "\n".join(rows) + "\n",
            "Errors are one short paragraph on stderr naming the file and line or the web "
            "address, and what to do; `--debug` adds the Python traceback. "
            "[Running from cron](../guides/cron.md) shows how to use them.\n",
        ]
    )


def findings_page() -> str:
    from cocwatch.core.findings import reference_markdown

    return "\n".join(
        [
            _banner("Findings", "the finding rules in `cocwatch.core.findings`"),
            "The transparency findings `check`, `show`, letters, `watch` and the report can "
            "raise about a Trust, in the order they are listed. `cocwatch letter --status CODE` "
            "drafts letters to the Trusts with that finding. When each one is raised is "
            "explained in [How check decides](../guides/check.md#findings).\n",
            reference_markdown(),
        ]
    )


PAGES: dict[str, Callable[[], str]] = {
    "reference/commands.md": commands_page,
    "reference/registry-schema.md": schema_page,
    "reference/template-fields.md": template_fields_page,
    "reference/exit-codes.md": exit_codes_page,
    "reference/findings.md": findings_page,
}


def stale_pages() -> dict[str, str]:
    """Each generated page whose file differs from what the code gives now, with that text."""
    stale = {}
    for name, build in PAGES.items():
        text = build()
        path = DOCS / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale[name] = text
    return stale


def main(argv: list[str]) -> int:
    stale = stale_pages()
    if "--check" in argv:
        for name in stale:
            print(f"docs/{name} is out of date: run `{REGENERATE}`", file=sys.stderr)
        return 1 if stale else 0
    for name, text in stale.items():
        path = DOCS / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote docs/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
