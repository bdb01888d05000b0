"""New entries as YAML text, quoted exactly as the strict loader will read them back.

`item_lines` writes a list entry on one line (``- {…}``) or as a block, as its neighbours
are; scalars are quoted only where the YAML 1.1 loader would misread them otherwise (so the
text ``yes`` stays text). Imports PyYAML only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import yaml

from cocwatch.core.edits import Entry

ONE_LINE_LIMIT = 100  # longer one-line entries are written as blocks instead


def item_lines(
    item: Entry,
    dash: int,
    column: int,
    style: str,
    flow_keys: frozenset[str],
    step: int,
) -> list[str]:
    """A list entry as lines: ``- {…}`` or ``- key: value`` with its block below."""
    lead = " " * dash + "-" + " " * max(1, column - dash - 1)
    if style != "block":
        flat = lead + flow(item)
        if style == "flow" or len(flat) <= ONE_LINE_LIMIT:
            return [flat]
    lines = block_mapping(item, flow_keys, step)
    return [lead + lines[0]] + [" " * column + line for line in lines[1:]]


def block_mapping(entry: Entry, flow_keys: frozenset[str], step: int) -> list[str]:
    lines: list[str] = []
    for key, value in entry.items():
        if isinstance(value, Mapping | list | tuple):
            if key in flow_keys or not value:
                lines.append(f"{key}: {flow(value)}")
            elif isinstance(value, Mapping):
                lines.append(f"{key}:")
                lines += [" " * step + line for line in block_mapping(value, frozenset(), step)]
            else:
                lines.append(f"{key}:")
                for item in value:
                    lines.append(" " * step + "- " + flow(item))
        else:
            lines.append(f"{key}: {scalar(value, flow=False)}")
    return lines


def flow(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return scalar(value, flow=True)


def scalar(value: Any, *, flow: bool) -> str:
    """One YAML scalar, quoted only when the YAML 1.1 loader would misread it otherwise."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    text = str(value)
    wide = 1 << 30
    style = '"' if any(ch in text for ch in "\n\r\t\x85\u2028\u2029") else None
    if flow:
        # PyYAML quotes any ':' in flow context; a web address reads back fine unquoted.
        plain = scalar(text, flow=False)
        if plain == text and not set(text) & set(",[]{}") and _reads_back(plain, text):
            return plain
        dumped = yaml.safe_dump(
            [text], default_flow_style=True, default_style=style, allow_unicode=True, width=wide
        )
        return dumped.strip()[1:-1]
    dumped = yaml.safe_dump(
        {"k": text}, default_flow_style=False, default_style=style, allow_unicode=True, width=wide
    )
    out = dumped.rstrip("\n")
    return out[out.index(":") + 2 :] if style is None else out.split(": ", 1)[1]


def _reads_back(plain: str, text: str) -> bool:
    """Whether `plain` is read back as `text` inside a flow mapping."""
    try:
        return bool(yaml.safe_load("{k: " + plain + "}") == {"k": text})
    except yaml.YAMLError:
        return False
