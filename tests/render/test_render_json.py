"""`to_json` writes exactly what `json.dumps(indent=2, ensure_ascii=False)` writes."""

from __future__ import annotations

import enum
import json
from collections import namedtuple
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cocwatch.core.models import Thresholds
from cocwatch.render.tabular import _json_default, to_json


def _standard(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"


class Colour(enum.StrEnum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


Point = namedtuple("Point", "x y")

CASES: list[Any] = [
    {},
    [],
    None,
    "text",
    {"a": [], "b": {}, "c": [[]], "d": [{}]},
    {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf"), "f": 1e-7, "g": 1e22},
    {"ü": 'naïve “quotes” \u2028 \x00 \ud800 \\ " \t'},
    {"date": date(2026, 11, 23), "dates": [date(2024, 1, 1)]},
    {"model": Thresholds()},
    {"enum": Colour.RED, "int enum": Level.HIGH, Colour.RED: 1},
    {"tuple": (1, (2, 3)), "point": Point(1, 2), "bool": [True, False, None, 0, -1, 10**30]},
    {3: "int key", 2.5: "float key", True: "bool key", None: "none key"},
]


@pytest.mark.parametrize("data", CASES)
def test_the_same_text_as_json_dumps(data: Any) -> None:
    assert to_json(data) == _standard(data)


def test_what_json_refuses_is_refused_the_same_way() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        to_json({"loop": loop})
    with pytest.raises(TypeError, match="cannot serialise"):
        to_json({"x": object()})
    with pytest.raises(TypeError):
        to_json({(1, 2): "tuple key"})


_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.dates(),
)
_data = st.recursive(
    _leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(_data)
def test_any_plain_data(data: Any) -> None:
    assert to_json(data) == _standard(data)
