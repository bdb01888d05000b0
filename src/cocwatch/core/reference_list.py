"""Numbered references: each source listed once, numbered in the order it is first cited.

`check`'s detail view, `show` and the report's source lists number their sources this way.
Pure: imports nothing but the standard library.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class ReferenceList(Generic[T]):
    """Things cited, each once, in the order first cited; `cite` gives a thing's number.

    Two things are the same reference when `key` (default: the thing itself) says so.
    """

    def __init__(self, key: Callable[[T], Hashable] | None = None) -> None:
        self.items: list[T] = []
        self._key = key
        self._numbers: dict[Hashable, int] = {}

    def cite(self, item: T) -> int:
        """The number of `item` (from 1), listing it if it is new."""
        key = item if self._key is None else self._key(item)
        number = self._numbers.get(key)
        if number is None:
            self.items.append(item)
            number = self._numbers[key] = len(self.items)
        return number

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
