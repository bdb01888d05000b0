"""JSON from outside, read within bounds: nesting deeper than any real answer is refused in
words (Python's own parser stops at its recursion limit with a RecursionError, which says
nothing about where the data came from).

Pure: imports only the standard library.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64  # a WhatDoTheyKnow request nests 4 deep, a feed 5


def nesting_depth(value: Any) -> int:
    """How deep the lists and dicts of a parsed JSON value nest (without recursing)."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            deepest = max(deepest, depth)
            pending += [(child, depth + 1) for child in item if isinstance(child, dict | list)]
    return deepest


def loads(data: bytes | str, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse JSON; raise ValueError, in words, when it is not JSON or nests past `max_depth`."""
    too_deep = ValueError(
        f"the answer is nested more than {max_depth} levels deep, far deeper than any real "
        "answer, so it was not read"
    )
    try:
        value = json.loads(data)
    except RecursionError:
        raise too_deep from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"the answer is not JSON ({exc})") from None
    if nesting_depth(value) > max_depth:
        raise too_deep
    return value
