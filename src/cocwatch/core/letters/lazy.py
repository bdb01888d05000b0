"""Views whose costly fields are made the first time something reads them.

A letter's template reads a small part of its context: one letter quotes three of a Trust's
figures, another only its plan. A `LazyView` keeps every documented field
(`dataclasses.fields`, `describe_context`, equality and repr work as before) while the fields
named in `made_later` are left empty until first read, then made from the view's inputs and
kept, so a letter pays only for what it uses.

The views stay slotted: an empty slot is what marks a field not made yet, and a view holds
no closures, so letters kept in memory leave little for the garbage collector to walk.

Pure; imports nothing from cocwatch.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from dataclasses import fields
from typing import Any, ClassVar, TypeVar

View = TypeVar("View", bound="LazyView")


class LazyView:
    """Base of a frozen, slotted dataclass some of whose fields are made on first read.

    `_inputs` holds what its makers need (plain values); build one with `lazy_view`.
    """

    __slots__ = ("_inputs",)
    _inputs: Any
    _makers: ClassVar[Mapping[str, Callable[[Any], Any]]] = {}
    _eager: ClassVar[frozenset[str]] = frozenset()

    if not typing.TYPE_CHECKING:  # to mypy, the fields are plain attributes

        def __getattr__(self, name: str) -> Any:
            # Called only when `name` has no value yet: an empty slot, or no such attribute.
            maker = type(self)._makers.get(name)
            if maker is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            value = maker(self)
            object.__setattr__(self, name, value)
            return value


def made_later(**makers: Callable[[Any], Any]) -> Callable[[type[View]], type[View]]:
    """Class decorator (outside `@dataclass`): make these fields, each by `maker(view)`."""

    def register(cls: type[View]) -> type[View]:
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]  # a dataclass
        if not makers.keys() <= names or "__slots__" not in vars(cls):
            raise TypeError(f"{cls.__name__}: made_later needs a slotted dataclass and its fields")
        cls._makers = dict(makers)
        cls._eager = frozenset(names - makers.keys())
        return cls

    return register


def lazy_view(cls: type[View], inputs: Any, **now: Any) -> View:
    """A `cls` with the fields `now` set; the others are made from `inputs` on first read."""
    if now.keys() != cls._eager:
        raise TypeError(f"{cls.__name__} is built with {sorted(cls._eager)}, not {sorted(now)}")
    view = object.__new__(cls)
    setter = object.__setattr__
    for name, value in now.items():
        setter(view, name, value)
    setter(view, "_inputs", inputs)
    return view


def made_fields(view: LazyView) -> frozenset[str]:
    """The fields of `view` that have a value now (set when built, or made since)."""
    made = set(type(view)._eager)
    for name in type(view)._makers:
        try:
            object.__getattribute__(view, name)  # an empty slot raises; nothing is made
        except AttributeError:
            continue
        made.add(name)
    return frozenset(made)
