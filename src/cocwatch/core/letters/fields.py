"""The documentation of the letter context: every field a template can read, as Markdown.

`describe_context` writes the table that `cocwatch templates --fields` prints and the docs
show; `view_types` lists the view classes the sandbox lets templates read. Pure; imports the
context.
"""

from __future__ import annotations

import re
import typing
from dataclasses import fields, is_dataclass
from typing import Any

from cocwatch.core.letters.citations import Reference
from cocwatch.core.letters.context import LetterContext
from cocwatch.core.letters.doc import Doc


def describe_context() -> str:
    """The context's fields as Markdown (for `cocwatch templates --fields` and the docs)."""
    out = [
        "| variable | type | meaning |",
        "| --- | --- | --- |",
        "| `cite(x, …, title=, url=)` | function → str | Number the sources of figures, "
        "targets, plans, reviews, inspections (or a title/url) and return `[1, 2]`. |",
        "| `references` | list of Reference | The numbered reference list, in citation order "
        "(print it last). |",
        "| `placeholder(label, hint=None)` | function → str | Write a visible `[label: hint]` "
        "that is reported like the built-in placeholders. |",
        "| `finding` | names | The finding codes by name, to compare with: `finding.stale_data "
        "in assessment.finding_codes` (a name that is not a finding code is an error). |",
    ]
    seen: set[type] = set()
    queue: list[tuple[str, type]] = []
    for name, hint, doc in _documented_fields(LetterContext):
        out.append(f"| `{name}` | {_type_name(hint)} | {doc} |")
        queue += [(name, t) for t in _view_types(hint)]
    queue.append(("references[]", Reference))
    while queue:
        prefix, cls = queue.pop(0)
        if cls in seen:
            continue
        seen.add(cls)
        out += ["", f"**{cls.__name__}** ({prefix}): {(cls.__doc__ or '').strip()}", ""]
        out += ["| field | type | meaning |", "| --- | --- | --- |"]
        for name, hint, doc in _documented_fields(cls):
            out.append(f"| `{name}` | {_type_name(hint)} | {doc} |")
            queue += [(f"{prefix}.{name}", t) for t in _view_types(hint)]
    return "\n".join(out) + "\n"


def view_types() -> list[type]:
    """Every dataclass reachable from `LetterContext` (the types templates can see)."""
    seen: list[type] = []
    queue: list[type] = [LetterContext, Reference]
    while queue:
        cls = queue.pop()
        if cls in seen:
            continue
        seen.append(cls)
        for _, hint, _ in _documented_fields(cls):
            queue += _view_types(hint)
    return seen


def _documented_fields(cls: type) -> list[tuple[str, Any, str]]:
    hints = typing.get_type_hints(cls, include_extras=True)
    result = []
    for f in fields(cls):
        hint = hints[f.name]
        doc = next((m.text for m in getattr(hint, "__metadata__", ()) if isinstance(m, Doc)), "")
        bare = typing.get_args(hint)[0] if getattr(hint, "__metadata__", None) else hint
        result.append((f.name, bare, doc))
    return result


def _view_types(hint: Any) -> list[type]:
    found: list[type] = []
    if isinstance(hint, type) and is_dataclass(hint):
        found.append(hint)
    for arg in typing.get_args(hint):
        found += _view_types(arg)
    return found


def _type_name(hint: Any) -> str:
    text = str(hint) if not isinstance(hint, type) else hint.__name__
    text = re.sub(r"\b(?:typing|datetime|cocwatch\.core\.[\w.]+)\.", "", text)
    text = text.replace("NoneType", "None").replace("<class '", "").replace("'>", "")
    return text.replace("|", "or")
