"""Changes to a YAML file as plain values: what to append, replace or remove, and where.

A change names its place by data, not by text: a body's id and a key path inside it
(`Append`, `Replace`, `Remove`; a Trust's id, or ``icb:CODE`` for an ICB under ``icbs:``), or
a path from the top of the document (`AppendAt`). Entries
are plain values (text, numbers, booleans, dates, nested mappings), in the order their keys
are to be written. Commands and importers build these; `cocwatch.registry.edit` carries them
out on the file, keeping every byte outside the change. Pure: the standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Entry = Mapping[str, Any]  # plain values: str, int, float, bool, date, nested mappings


@dataclass(frozen=True, slots=True)
class Append:
    """Add entries at the end of a list inside a Trust, creating missing keys on the way.

    `key` is the path inside the Trust, e.g. ``("figures",)`` or ``("plan", "board_reviews")``.
    `parent_defaults` fills a mapping that has to be created on the way (e.g. a missing plan).
    A `trust_id` of None means the ``national:`` block instead of a Trust.
    """

    trust_id: str | None
    key: tuple[str, ...]
    items: tuple[Entry, ...]
    parent_defaults: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Replace:
    """Replace entry number `index` (from 0) of a list inside a Trust (None: ``national:``)."""

    trust_id: str | None
    key: tuple[str, ...]
    index: int
    item: Entry


@dataclass(frozen=True, slots=True)
class AppendAt:
    """Add entries at the end of a list found from the top of the document.

    `path` names the list, e.g. ``("letters",)`` or ``("letters", 3, "replies")`` (a number is
    an entry of a list); mappings and the list itself are created when missing.
    """

    path: tuple[str | int, ...]
    items: tuple[Entry, ...]
    parent_defaults: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Remove:
    """Remove entries `indexes` (from 0) of a list inside a Trust (None: ``national:``).

    When every entry goes, the key goes too (an empty list is no information), unless it is
    the only key of its mapping, which then holds an empty list.
    """

    trust_id: str | None
    key: tuple[str, ...]
    indexes: tuple[int, ...]


Change = Append | Replace | AppendAt | Remove
