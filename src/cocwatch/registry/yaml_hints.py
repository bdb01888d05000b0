"""Plain-words hints for the YAML syntax errors people make by hand in the registry and the log.

`syntax_hint` looks at the line the parser stopped on (and the one before it) and, for the
common mistakes, says what is wrong and how to fix it: a value with an unquoted ": " in it
("mapping values are not allowed"), a line indented more or less than its neighbours. It
returns None when it has nothing better than the parser's own words. Pure: text in, text out.
"""

from __future__ import annotations

import re

# `key: value` where the value itself holds ": " (and is not quoted or a flow collection).
_KEY_VALUE = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<key>[^\s:#'\"][^:#]*?):\s+(?P<value>.+)$")
_SHOWN = 60  # characters of a line quoted in a message


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous(lines: list[str], index: int) -> tuple[int, str] | None:
    for i in range(index - 1, -1, -1):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#"):
            return i, lines[i]
    return None


def _shown(line: str) -> str:
    text = line.strip()
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def syntax_hint(problem: str, lines: list[str], index: int) -> str | None:
    """A hint for the mistake on line `index` (from 0), or None to keep the parser's words."""
    if not 0 <= index < len(lines):
        return None
    line = lines[index]
    before = _previous(lines, index)
    if "mapping values are not allowed" in problem:
        found = _KEY_VALUE.match(line)
        value = found.group("value").strip() if found else ""
        if found and ": " in value and value[0] not in "'\"[{|>":
            quoted = value.replace("\\", "\\\\").replace('"', '\\"')
            fixed = f'{found.group("lead").strip()} {found.group("key")}: "{quoted}"'.strip()
            return (
                f"the value of '{found.group('key').strip()}' contains ': ' (a colon and a "
                "space), which YAML reads as the start of another key. Put the whole value in "
                f"double quotes: {fixed}"
            )
        if before is not None and _indent(line) > _indent(before[1]):
            return (
                f"this line ('{_shown(line)}') is indented further than line {before[0] + 1} "
                f"above it ({_indent(line)} spaces, not {_indent(before[1])}), so YAML reads "
                "it as part of that line's value. Line its key up with the keys above it"
            )
        return None
    if "expected <block end>" in problem or "did not find expected" in problem:
        if before is None or _indent(line) == _indent(before[1]):
            return None
        return (
            f"this line ('{_shown(line)}') is indented {_indent(line)} spaces, which matches "
            f"no block above it (line {before[0] + 1} is indented {_indent(before[1])}). Keys "
            "of one block start in the same column, and a list's '- ' lines line up: move "
            "this line to the column of the key or '- ' it belongs with"
        )
    return None
