"""Locate a validation problem in a YAML file: path in the data to line, column and Trust.

pydantic reports a problem by its path in the data (``trusts[3].figures[0].percent``);
`Locator` composes the document again (on the error path only) to find that path's line and
column, names the Trust (or, in a subclass, the letter) it belongs to, and words the problem
for a person, with "did you mean" for a mistyped key. `validation_problems` does this for
every error of a `ValidationError`; the registry, the config file and the correspondence log
all use it. Imports PyYAML and pydantic (lazily) and cocwatch's errors.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING, Any

import yaml

from cocwatch.errors import Problem
from cocwatch.registry.yaml_loader import FAST_SAFE_LOADER

if TYPE_CHECKING:
    from pydantic import ValidationError


def validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """pydantic's errors as plain dicts (without links to its documentation)."""
    return exc.errors(include_url=False)  # type: ignore[return-value]


def validation_problems(exc: ValidationError, locator: Locator) -> list[Problem]:
    """Every error of `exc`, located and worded by `locator`."""
    return [locator.problem(err) for err in validation_errors(exc)]


def ordered(problems: list[Problem]) -> list[Problem]:
    """Problems in the order of the file: by line, then column."""
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


class Locator:
    """Turns a path in the document into a line, column and Trust id (error path only)."""

    def __init__(self, text: str, data: dict[str, Any], root_model: Any = None) -> None:
        self._text = text
        self._data = data
        self._root: yaml.Node | None = None
        self._root_model = root_model

    def _node(self, path: tuple[Any, ...], *, key: bool) -> yaml.Node | None:
        if self._root is None:
            try:
                self._root = yaml.compose(self._text, Loader=FAST_SAFE_LOADER)
            except yaml.YAMLError:
                return None
        node = self._root
        for i, part in enumerate(path):
            last = i == len(path) - 1
            if isinstance(node, yaml.MappingNode):
                match = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
                if match is None:
                    return node
                node = match[0] if (last and key) else match[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    return node
                node = node.value[part]
            else:
                return node
        return node

    def trust_id(self, path: tuple[Any, ...]) -> str | None:
        if len(path) >= 2 and path[0] == "trusts" and isinstance(path[1], int):
            trusts = self._data.get("trusts")
            if isinstance(trusts, list) and path[1] < len(trusts):
                entry = trusts[path[1]]
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    return str(entry["id"])
                return f"#{path[1] + 1}"
        return None

    def at(
        self, path: tuple[Any, ...], message: str, trust_id: str | None = None, *, key: bool = False
    ) -> Problem:
        node = self._node(path, key=key)
        line = node.start_mark.line + 1 if node is not None else None
        column = node.start_mark.column + 1 if node is not None else None
        return Problem(
            message, line=line, column=column, trust_id=trust_id or self.trust_id(path), path=path
        )

    def problem(self, err: dict[str, Any]) -> Problem:
        path = tuple(p for p in err["loc"] if isinstance(p, int) or not _is_tag(p))
        kind = err["type"]
        field = _dotted(path)
        if kind == "extra_forbidden":
            name = str(path[-1]) if path else "?"
            allowed = _allowed_keys(path[:-1], self._root_model)
            hint = ""
            close = difflib.get_close_matches(name, allowed, n=1)
            if close:
                hint = f" Did you mean '{close[0]}'?"
            elif allowed:
                hint = f" Allowed here: {', '.join(allowed)}."
            return self.at(path, f"unknown key '{name}'.{hint}", key=True)
        if kind == "missing":
            hint = _MISSING_HINTS.get(str(path[-1]), "")
            return self.at(path[:-1], f"missing required key '{path[-1]}'{hint}")
        return self.at(path, f"{field}: {_friendly(err)}")


# What to write for a required key that may be given empty.
_MISSING_HINTS = {
    "sent_on": ": write the day the letter was sent (YYYY-MM-DD), or leave it empty "
    "(`sent_on:`) if nobody recorded the day",
}


def _is_tag(part: Any) -> bool:
    # pydantic inserts validator names such as "function-after[...]" into error paths
    return isinstance(part, str) and ("[" in part or part in {"tagged-union", "nullable"})


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the document"


_FRIENDLY = {
    "date_from_datetime_parsing": "is not a real date; write it as YYYY-MM-DD",
    "date_from_datetime_inexact": "must be a date (YYYY-MM-DD) without a time",
    "date_parsing": "is not a real date; write it as YYYY-MM-DD",
    "date_type": "must be a date written as YYYY-MM-DD",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "tuple_type": "must be a list (lines starting with '- ')",
    "model_type": "must be a block of keys",
    "model_attributes_type": "must be a block of keys",
}


def _shown(value: str | int | float, limit: int = 80) -> str:
    """A value as quoted in a message, cut short when it is long."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


def _friendly(err: dict[str, Any]) -> str:
    kind = err["type"]
    value = err.get("input")
    shown = f" (found {_shown(value)})" if isinstance(value, str | int | float) else ""
    if kind in _FRIENDLY:
        return _FRIENDLY[kind] + shown
    if kind in {"less_than_equal", "greater_than_equal", "greater_than", "less_than"}:
        ctx = err.get("ctx", {})
        bound = next(iter(ctx.values()), None)
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        words = {
            "less_than_equal": "at most",
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than": "less than",
        }[kind]
        field = str(err["loc"][-1]) if err["loc"] else ""
        extra = " (percentages run from 0 to 100)" if field == "percent" else ""
        return f"must be {words} {bound}{extra}{shown}"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}{shown}"
    if kind == "string_pattern_mismatch":
        field = str(err["loc"][-1]) if err["loc"] else ""
        if field in {"id", "successor"}:
            return (
                "must be a short id of lowercase letters, digits and hyphens, "
                f"like 'leeds-teaching'{shown}"
            )
        if field == "ods":
            return f"must be an ODS code without spaces, like RR8{shown}"
        from cocwatch.core.model_types import ONE_LINE_PATTERN, TEXT_PATTERN

        if err.get("ctx", {}).get("pattern") == ONE_LINE_PATTERN:
            return (
                "must be on one line: remove the line break, control character or "
                f"direction mark (longer text belongs in notes){shown}"
            )
        if err.get("ctx", {}).get("pattern") == TEXT_PATTERN:
            return (
                "holds a control character (such as an escape sequence) or a direction "
                f"mark: remove it{shown}"
            )
        return f"has the wrong form{shown}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "value_error":
        msg = str(err.get("msg", ""))
        return re.sub(r"^Value error, ", "", msg)
    return str(err.get("msg", "is not valid")).rstrip(".") + shown


def _allowed_keys(path: tuple[Any, ...], root_model: Any = None) -> list[str]:
    """Return the keys the model at `path` accepts (for 'did you mean')."""
    from cocwatch.core import models

    model: Any = root_model or models.Registry
    for part in path:
        if isinstance(part, int):
            continue
        field = _written_fields(model).get(part)
        if field is None:
            return []
        model = inner_model(field.annotation)
        if model is None:
            return []
    return list(_written_fields(model))


def _written_fields(model: Any) -> dict[str, Any]:
    """A model's fields by the key they are written under (the alias where there is one)."""
    if not hasattr(model, "model_fields"):
        return {}
    return {f.alias or name: f for name, f in model.model_fields.items()}


def inner_model(annotation: Any) -> Any:
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = inner_model(arg)
        if found is not None:
            return found
    return None
