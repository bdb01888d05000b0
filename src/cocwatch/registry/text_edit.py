"""Make changes to YAML text, leaving every byte outside them as it was, and prove it.

Round-trip YAML libraries re-emit the whole document, and in doing so may re-indent,
re-quote or re-flow parts the user never touched. This module edits the text instead:
it composes the YAML, asks `text_layout.Document` for the text edits of each change
(appends to the same list merged first, so a missing key is created once), applies them,
and then checks that the edited text parses to exactly the old data plus the change, else
refuses with `EditError`. Imports PyYAML and the package's layout.
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from cocwatch.core.bodies import icb_code
from cocwatch.core.edits import Append, AppendAt, Change, Remove
from cocwatch.registry.text_layout import Document, EditError, TextEdit
from cocwatch.registry.yaml_loader import FAST_SAFE_LOADER


def edit_text(text: str, changes: Sequence[Change]) -> str:
    """Return `text` with `changes` made, everything else byte for byte the same."""
    try:
        root = yaml.compose(text, Loader=FAST_SAFE_LOADER)
    except yaml.YAMLError as exc:  # the caller validated the text first; be safe anyway
        raise EditError(f"The registry cannot be read as YAML: {exc}") from None
    doc = Document(text, root)
    edits: list[TextEdit] = []
    for change in _merge_appends(changes):
        if isinstance(change, AppendAt):
            edits += doc.append_at(change)
            continue
        trust = doc.trust(change.trust_id)
        if isinstance(change, Append):
            edits += doc.append(trust, change)
        elif isinstance(change, Remove):
            edits += doc.remove(trust, change)
        else:
            edits.append(doc.replace(trust, change))
    new_text = _apply(text, edits)
    _verify(text, new_text, changes)
    return new_text


def _merge_appends(changes: Sequence[Change]) -> list[Change]:
    """Put every Append to the same list together, so a missing key is created once."""
    merged: dict[tuple[str | None, tuple[str, ...]], Append] = {}
    merged_at: dict[tuple[str | int, ...], AppendAt] = {}
    out: list[Change] = []
    for change in changes:
        if isinstance(change, AppendAt):
            if change.path in merged_at:
                old_at = merged_at[change.path]
                merged_at[change.path] = AppendAt(
                    old_at.path, old_at.items + change.items, old_at.parent_defaults
                )
            else:
                merged_at[change.path] = change
                out.append(change)
        elif isinstance(change, Append):
            key = (change.trust_id, change.key)
            if key in merged:
                old = merged[key]
                merged[key] = Append(
                    old.trust_id, old.key, old.items + change.items, old.parent_defaults
                )
            else:
                merged[key] = change
                out.append(change)
        else:
            out.append(change)
    return [
        merged_at[c.path]
        if isinstance(c, AppendAt)
        else merged[(c.trust_id, c.key)]
        if isinstance(c, Append)
        else c
        for c in out
    ]


def _apply(text: str, edits: list[TextEdit]) -> str:
    ordered = sorted(edits, key=lambda e: (e.start, e.end), reverse=True)
    for later, earlier in itertools.pairwise(ordered):
        if earlier.end > later.start:
            raise EditError(
                "Two changes to the registry overlap, so none was made. "
                "Make them one at a time, or edit the file by hand."
            )
    for edit in ordered:
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def _verify(before: str, after: str, changes: Sequence[Change]) -> None:
    """Check that the edited text means exactly the old data plus the changes."""
    old = yaml.load(before, Loader=FAST_SAFE_LOADER)
    try:
        new = yaml.load(after, Loader=FAST_SAFE_LOADER)
    except yaml.YAMLError:
        new = None
    expected = copy.deepcopy(old)
    for change in changes:
        if isinstance(change, AppendAt):
            _expect_append_at(expected, change)
            continue
        if change.trust_id is None:
            if expected.get("national") is None:
                expected["national"] = {}
            container: dict[str, Any] = expected["national"]
        elif (code := icb_code(change.trust_id)) is not None:
            container = next(i for i in expected["icbs"] if str(i.get("code")).upper() == code)
        else:
            container = next(t for t in expected["trusts"] if str(t.get("id")) == change.trust_id)
        for key in change.key[:-1]:
            if container.get(key) is None:
                container[key] = dict(_plain(getattr(change, "parent_defaults", {})))
            container = container[key]
        last = change.key[-1]
        if isinstance(change, Remove):
            left = [e for i, e in enumerate(container[last]) if i not in set(change.indexes)]
            if left or len(container) == 1:
                container[last] = left
            else:
                del container[last]
            continue
        if isinstance(change, Append):
            container.setdefault(last, [])
            container[last] = list(container[last]) + [_plain(i) for i in change.items]
        else:
            container[last][change.index] = _plain(change.item)
    if new != expected:
        raise EditError(
            "cocwatch could not place the new entry in the registry without changing "
            "something else (the file uses a layout this tool does not edit, such as anchors "
            "or unusual indentation), so nothing was written. Add the entry by hand in a text "
            "editor, then run `cocwatch validate`."
        )


def _expect_append_at(data: Any, change: AppendAt) -> None:
    """Make in plain data the change `change` makes in the text (for `_verify`)."""
    container: Any = data
    for part in change.path[:-1]:
        if isinstance(part, int):
            container = container[part]
            continue
        if container.get(part) is None:
            container[part] = dict(_plain(change.parent_defaults))
        container = container[part]
    last = change.path[-1]
    container[last] = list(container.get(last) or []) + [_plain(i) for i in change.items]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
