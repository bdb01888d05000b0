"""The letters' sandbox decides attribute reads exactly as Jinja's own sandbox does.

`LetterEnvironment.getattr` remembers each safety decision per (type, attribute); every
read, first or repeated, must give what `ImmutableSandboxedEnvironment` gives.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import jinja2
import pytest
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from cocwatch.core.letters import LetterState
from cocwatch.locations import builtin_templates_dir
from cocwatch.templating.sandbox import make_environment


def _read(env: jinja2.Environment, obj: Any, attribute: str) -> tuple[str, Any]:
    value = env.getattr(obj, attribute)
    if isinstance(value, jinja2.Undefined):
        try:
            str(value)
        except SecurityError:
            return ("refused", attribute)
        except jinja2.UndefinedError:
            return ("undefined", attribute)
        return ("undefined", attribute)
    if callable(value) and getattr(value, "__name__", "") in ("format", "format_map"):
        return ("wrapped format", value("{0}", 1) if value.__name__ == "format" else None)
    return ("value", value)


def _function() -> None:
    pass


OBJECTS: list[Any] = [
    "text",
    ["a", "b"],
    ("a", "b"),
    {"key": 1},
    {1, 2},
    date(2026, 11, 23),
    12.5,
    _function,
    LetterState(),
    LetterState().cite,
    str,
    (x for x in ()),
]
ATTRIBUTES = [
    "upper", "format", "format_map", "append", "pop", "clear", "update", "items", "get",
    "keys", "key", "year", "isoformat", "real", "__class__", "__globals__", "__code__",
    "mro", "__mro__", "gi_frame", "gi_code", "cite", "references", "__self__", "__func__",
    "_private", "missing", "count", "index", "add", "discard",
]  # fmt: skip


@pytest.mark.parametrize("obj", OBJECTS, ids=lambda o: type(o).__name__)
def test_every_read_matches_jinja_s_sandbox(obj: Any) -> None:
    ours = make_environment(builtin_templates_dir(), None)
    jinja_s = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
    for _ in range(2):  # the first read decides, the second is remembered
        for attribute in ATTRIBUTES:
            assert _read(ours, obj, attribute) == _read(jinja_s, obj, attribute), attribute


def test_a_refusal_is_remembered_as_a_refusal() -> None:
    env = make_environment(builtin_templates_dir(), None)
    template = env.from_string("{% for x in items %}{{ x.append }}{% endfor %}")
    with pytest.raises(SecurityError):
        template.render(items=[[1], [2]])
    with pytest.raises(SecurityError):
        env.from_string("{{ ''.__class__ }}").render()
    with pytest.raises(SecurityError):
        env.from_string("{{ ''.__class__ }}").render()
    assert env.from_string("{{ '{0}!'.format(x) }}").render(x="hi") == "hi!"
