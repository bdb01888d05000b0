"""Change the registry file in place, keeping every byte outside the change as it was.

Round-trip YAML libraries re-emit the whole document, and in doing so may re-indent,
re-quote or re-flow parts the user never touched. This module edits the text instead:

1. compose the YAML (PyYAML nodes carry exact start and end positions);
2. work out text edits: an insertion after the last entry of a list (creating the list's key
   when it is missing), or the replacement of one entry's own text;
3. render new entries with PyYAML's quoting rules, which are those of the YAML 1.1 dialect the
   loader reads (so a string such as ``yes`` is quoted and stays a string);
4. check that the edited text parses to exactly the old data plus the change, and that it is
   still a valid registry; only then
5. write it atomically, under a lock, re-reading the file inside the lock so that two runs at
   once each add to the latest text.

A new entry copies the style of its neighbours (one-line ``{…}`` entries or blocks, and a
nested ``source: {…}`` or block). Imports PyYAML and cocwatch's file and registry helpers.

The same machinery edits other hand-written YAML files (the correspondence log): `AppendAt`
names a list by its path from the top of the document, and `change_document` takes the
file's own parser and validator.
"""

from __future__ import annotations

import codecs
import copy
import difflib
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cocwatch.errors import InputError, RegistryError
from cocwatch.files import atomic_write, locked, resolve_target
from cocwatch.registry import decode_text, parse_registry, read_bytes

if TYPE_CHECKING:
    from cocwatch.core.models import Registry

T = TypeVar("T")

Entry = Mapping[str, Any]  # plain values: str, int, float, bool, date, nested mappings

# Where a new key goes in a Trust (or a plan): after the keys that come before it here.
TRUST_KEY_ORDER = (
    "id", "ods", "name", "region", "icb", "lmns", "website", "board_papers_url", "address",
    "closed_on", "successor", "contacts", "plan", "figures", "inspections", "notes",
)  # fmt: skip
PLAN_KEY_ORDER = (
    "status", "published", "url", "coproduced", "milestones", "board_reviews", "notes",
)  # fmt: skip
_KEY_ORDER: dict[str, tuple[str, ...]] = {"trust": TRUST_KEY_ORDER, "plan": PLAN_KEY_ORDER}

# Lists whose entries are written on one line ({…}) when nothing nearby shows a style.
_ONE_LINE_BY_DEFAULT = frozenset({"board_reviews", "inspections", "milestones", "contacts"})
ONE_LINE_LIMIT = 100  # longer one-line entries are written as blocks instead
# libyaml's marks count characters, like Python's str indexes (and it is ten times faster).
_COMPOSER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BLOCK_SCALAR_HEADER = re.compile(r"[|>][0-9+-]*")


class EditError(InputError):
    """The registry cannot be changed automatically at this place; edit it by hand."""


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


Change = Append | Replace | AppendAt


@dataclass(frozen=True, slots=True)
class EditResult:
    """The registry text before and after a change, and whether the file was written."""

    path: Path
    before: str
    after: str
    written: bool

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        """A unified diff of the change, for --dry-run."""
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            fromfile=f"{self.path}",
            tofile=f"{self.path} (after)",
        )
        out = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
        return out


@dataclass(frozen=True, slots=True)
class _TextEdit:
    start: int
    end: int
    text: str


# ---------------------------------------------------------------------------------------------
# Reading and writing the file


def _read(path: Path, what: str = "registry") -> tuple[str, bool]:
    """Return the file's text and whether it starts with a UTF-8 byte-order mark."""
    data = read_bytes(path, what=what)
    return decode_text(data, str(path), what=what), data.startswith(codecs.BOM_UTF8)


def change_registry(
    path: Path,
    plan: Callable[[Registry], tuple[Sequence[Change], T]],
    *,
    today: date,
    dry_run: bool,
) -> tuple[EditResult, T]:
    """Apply the changes `plan` computes from the current registry; write unless `dry_run`.

    The file is read (and, when writing, locked) first, so `plan` always sees the latest
    registry. The new text is validated before anything is written, and written atomically.
    A registry reached through a symbolic link is read, locked and changed where it lives.
    """
    path = resolve_target(path)
    return change_document(
        path,
        lambda text: parse_registry(text, str(path), today=today),
        plan,
        validate=lambda text: validate_edited(text, Path(path), today=today),
        what="registry",
        dry_run=dry_run,
    )


M = TypeVar("M")


def change_document(
    path: Path,
    parse: Callable[[str], M],
    plan: Callable[[M], tuple[Sequence[Change], T]],
    *,
    validate: Callable[[str], object],
    what: str,
    dry_run: bool,
    new_file_text: str | None = None,
) -> tuple[EditResult, T]:
    """Apply `plan`'s changes to a YAML file as `change_registry` does, for any document.

    `parse` turns the current text into what `plan` reads; `validate` checks the edited
    text (raising to refuse it). With `new_file_text`, a missing file starts as that text.
    A file reached through a symbolic link is read, locked and changed where it lives.
    """
    path = resolve_target(path)
    if dry_run:
        return _change(path, parse, plan, validate, what, new_file_text, write=False)
    if not path.is_file() and new_file_text is None:
        _read(path, what)  # explains a missing file before a lock file is created beside it
    with locked(path, what=what):
        return _change(path, parse, plan, validate, what, new_file_text, write=True)


def _change(
    path: Path,
    parse: Callable[[str], M],
    plan: Callable[[M], tuple[Sequence[Change], T]],
    validate: Callable[[str], object],
    what: str,
    new_file_text: str | None,
    *,
    write: bool,
) -> tuple[EditResult, T]:
    if new_file_text is not None and not path.exists():
        text, bom, before = new_file_text, False, ""
    else:
        text, bom = _read(path, what)
        before = text
    changes, info = plan(parse(text))
    after = edit_text(text, changes) if changes else text
    if after != text:
        validate(after)
    written = False
    if write and after != before:
        prefix = codecs.BOM_UTF8 if bom else b""
        atomic_write(path, prefix + after.encode("utf-8"), what=what)
        written = True
    return EditResult(path, before, after, written), info


def validate_edited(text: str, path: Path, *, today: date) -> Registry:
    """Validate the registry as it would be after a change; explain failures as such."""
    try:
        return parse_registry(text, str(path), today=today)
    except RegistryError as error:
        where = f"{path} (after the change)"
        listed = "\n".join(f"  {p.describe(where)}" for p in error.problems)
        raise InputError(
            f"The new entry would make the registry invalid, so {path} was left unchanged:\n"
            f"{listed}\nCorrect the values given on the command line (or in the imported file) "
            "and try again."
        ) from None


# ---------------------------------------------------------------------------------------------
# Editing text


def edit_text(text: str, changes: Sequence[Change]) -> str:
    """Return `text` with `changes` made, everything else byte for byte the same."""
    try:
        root = yaml.compose(text, Loader=_COMPOSER)
    except yaml.YAMLError as exc:  # the caller validated the text first; be safe anyway
        raise EditError(f"The registry cannot be read as YAML: {exc}") from None
    doc = _Document(text, root)
    edits: list[_TextEdit] = []
    for change in _merge_appends(changes):
        if isinstance(change, AppendAt):
            edits += doc.append_at(change)
            continue
        trust = doc.trust(change.trust_id)
        if isinstance(change, Append):
            edits += doc.append(trust, change)
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


def _apply(text: str, edits: list[_TextEdit]) -> str:
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
    old = yaml.load(before, Loader=_COMPOSER)
    try:
        new = yaml.load(after, Loader=_COMPOSER)
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
        else:
            container = next(t for t in expected["trusts"] if str(t.get("id")) == change.trust_id)
        for key in change.key[:-1]:
            if container.get(key) is None:
                container[key] = dict(_plain(getattr(change, "parent_defaults", {})))
            container = container[key]
        last = change.key[-1]
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


class _Document:
    """The composed registry and the text it came from."""

    def __init__(self, text: str, root: Node | None) -> None:
        if not isinstance(root, MappingNode):
            raise EditError("The registry is not a set of keys; run `cocwatch validate`.")
        self.text = text
        self.root = root
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.step = self._mapping_step()
        self.seq_offset = self._sequence_offset()

    # -- layout of the file, so that new blocks look like the rest ---------------------------

    def _mapping_step(self) -> int:
        for key, value in self.root.value:
            if isinstance(value, MappingNode) and value.value and not value.flow_style:
                step = value.value[0][0].start_mark.column - key.start_mark.column
                if step > 0:
                    return int(step)
        return 2

    def _sequence_offset(self) -> int:
        for key, value in self.root.value:
            if isinstance(value, SequenceNode) and value.value and not value.flow_style:
                dash = self._dash_column(value.value[0])
                if dash is not None:
                    return max(0, dash - int(key.start_mark.column))
        return 2

    def _dash_column(self, item: Node) -> int | None:
        """Column of the '- ' that introduces a block sequence item."""
        start = item.start_mark.index
        line_start = self.text.rfind("\n", 0, start) + 1
        before = self.text[line_start:start]
        if not before.strip() or set(before.strip()) - {"-", " "}:
            return None
        return before.rfind("-")

    # -- finding things ------------------------------------------------------------------------

    @property
    def trusts(self) -> SequenceNode:
        trusts = _get(self.root, "trusts")
        if not isinstance(trusts, SequenceNode):
            raise EditError("The registry has no list of trusts ('trusts:') to add to.")
        return trusts

    def trust(self, trust_id: str | None) -> MappingNode:
        if trust_id is None:
            national = _get(self.root, "national")
            if not isinstance(national, MappingNode) or national.flow_style:
                raise EditError(
                    "The registry has no 'national:' block of keys to add national figures "
                    'to; add one by hand (see README, "Registry format"), then try again.'
                )
            return national
        for item in self.trusts.value:
            node = _get(item, "id")
            if (
                isinstance(item, MappingNode)
                and isinstance(node, ScalarNode)
                and (node.value == trust_id)
            ):
                return item
        raise EditError(f"The registry has no trust with id '{trust_id}'.")

    def _sequence(self, trust: MappingNode, key: tuple[str, ...]) -> SequenceNode:
        node: Node | None = trust
        for part in key:
            node = _get(node, part) if isinstance(node, MappingNode) else None
        if not isinstance(node, SequenceNode):
            raise EditError(f"The trust has no list '{'.'.join(key)}' to change.")
        return node

    # -- edits ---------------------------------------------------------------------------------

    def append(self, trust: MappingNode, change: Append) -> list[_TextEdit]:
        return self._append_from(trust, "trust", change.key, change.items, change.parent_defaults)

    def append_at(self, change: AppendAt) -> list[_TextEdit]:
        # Up to the last list index everything must exist; after it, keys may be created.
        cut = _last_index(change.path)
        node: Node | None = self.root
        kind = "document"
        for part in change.path[: cut + 1]:
            if isinstance(part, int):
                if not isinstance(node, SequenceNode) or not 0 <= part < len(node.value):
                    raise EditError(f"Entry {part + 1} of '{kind}' does not exist.")
                node = node.value[part]
            else:
                node, kind = _get(node, part), part
        rest = tuple(str(p) for p in change.path[cut + 1 :])
        if not isinstance(node, MappingNode) or not rest:
            raise EditError(f"'{kind}' in the file is not a block of keys; fix it by hand.")
        return self._append_from(node, kind, rest, change.items, change.parent_defaults)

    def _append_from(
        self,
        start: MappingNode,
        kind: str,
        key: tuple[str, ...],
        items: Sequence[Entry],
        parent_defaults: Mapping[str, Any],
    ) -> list[_TextEdit]:
        node: MappingNode = start
        for depth, part in enumerate(key):
            value = _get(node, part)
            last = depth == len(key) - 1
            if value is None or _is_null(value):
                if value is not None:
                    raise EditError(
                        f"'{part}' is empty in the registry; give it a value by hand "
                        "(for a plan, at least 'status: unknown'), then try again."
                    )
                content: Any = [dict(i) for i in items]
                for name in reversed(key[depth + 1 :]):
                    content = {name: content}
                if not last:
                    content = {**parent_defaults, **content}
                return self._add_key(node, part, content, kind=kind)
            if last:
                if not isinstance(value, SequenceNode):
                    raise EditError(f"'{part}' in the file is not a list; fix it by hand.")
                return self._extend(value, items, name=part)
            if not isinstance(value, MappingNode):
                raise EditError(f"'{part}' in the registry is not a block of keys.")
            node, kind = value, part
        raise AssertionError("unreachable: an Append has a non-empty key")

    def replace(self, trust: MappingNode, change: Replace) -> _TextEdit:
        seq = self._sequence(trust, change.key)
        if not 0 <= change.index < len(seq.value):
            raise EditError(f"Entry {change.index + 1} of '{change.key[-1]}' does not exist.")
        old = seq.value[change.index]
        flow_keys = _flow_keys(old)
        if seq.flow_style or (isinstance(old, MappingNode) and old.flow_style):
            return _TextEdit(old.start_mark.index, old.end_mark.index, _flow(change.item))
        column = int(old.start_mark.column)
        lines = _block_mapping(change.item, flow_keys, self.step)
        body = (self.newline + " " * column).join(lines)
        return _TextEdit(old.start_mark.index, self._content_end(old), body)

    def _style(self, seq: SequenceNode | None, name: str) -> tuple[str, frozenset[str]]:
        """How entries look nearby: 'flow' (one line), 'block' or 'auto'; one-line keys."""
        example = seq.value[-1] if seq is not None and seq.value else self._example(name)
        if isinstance(example, MappingNode):
            return ("flow" if example.flow_style else "block"), _flow_keys(example)
        return ("auto" if name in _ONE_LINE_BY_DEFAULT else "block"), frozenset()

    def _example(self, name: str) -> Node | None:
        """The last entry of a list with this name elsewhere in the file, if any."""
        found: Node | None = None
        trusts = _get(self.root, "trusts")
        for trust in trusts.value if isinstance(trusts, SequenceNode) else ():
            for holder in _holders(trust, name):
                seq = _get(holder, name)
                if isinstance(seq, SequenceNode) and seq.value:
                    found = seq.value[-1]
        if found is None:
            national = _get(self.root, "national")
            seq = _get(national, name) if isinstance(national, MappingNode) else None
            if isinstance(seq, SequenceNode) and seq.value:
                found = seq.value[-1]
        return found

    def _extend(self, seq: SequenceNode, items: Sequence[Entry], *, name: str) -> list[_TextEdit]:
        style, flow_keys = self._style(seq, name)
        if seq.flow_style:
            if seq.value:
                end = int(seq.value[-1].end_mark.index)
                text = "".join(", " + _flow(i) for i in items)
                return [_TextEdit(end, end, text)]
            return self._replace_empty_flow(seq, items, name=name)
        last = seq.value[-1]
        dash = self._dash_column(last)
        if dash is None:
            raise EditError(f"The list '{name}' has a layout this tool does not edit.")
        column = int(last.start_mark.column) if isinstance(last, MappingNode) else dash + 2
        lines: list[str] = []
        for item in items:
            lines += _item_lines(item, dash, column, style, flow_keys, self.step)
        at = self._after(self._content_end(last), dash)
        return [self._insert_lines(at, lines)]

    def _replace_empty_flow(
        self, seq: SequenceNode, items: Sequence[Entry], *, name: str
    ) -> list[_TextEdit]:
        """Turn ``key: []`` into a block list (keeping any comment on the line)."""
        start = int(seq.start_mark.index)
        while start > 0 and self.text[start - 1] in " \t":
            start -= 1
        key_column = _line_indent(self.text, start)
        style, flow_keys = self._style(None, name)
        dash = key_column + self.seq_offset
        lines: list[str] = []
        for item in items:
            lines += _item_lines(item, dash, dash + 2, style, flow_keys, self.step)
        at = self._after(int(seq.end_mark.index), dash)
        return [_TextEdit(start, int(seq.end_mark.index), ""), self._insert_lines(at, lines)]

    def _add_key(
        self, mapping: MappingNode, key: str, content: Any, *, kind: str
    ) -> list[_TextEdit]:
        if mapping.flow_style:
            pair = f"{key}: {_flow(content)}"
            if mapping.value:
                end = self._content_end(mapping.value[-1][1])
                return [_TextEdit(end, end, ", " + pair)]
            at = int(mapping.start_mark.index) + 1
            return [_TextEdit(at, at, pair)]
        order = _KEY_ORDER.get(kind, ())
        rank = {k: i for i, k in enumerate(order)}
        mine = rank.get(key, len(order))
        before = [
            i for i, (k, _) in enumerate(mapping.value) if rank.get(k.value, len(order)) < mine
        ]
        anchor = max(before) if before else len(mapping.value) - 1
        column = int(mapping.value[0][0].start_mark.column)
        lines = self._key_lines(key, content, column)
        at = self._after(self._content_end(mapping.value[anchor][1]), column)
        return [self._insert_lines(at, lines)]

    def _key_lines(self, key: str, content: Any, column: int) -> list[str]:
        pad = " " * column
        if isinstance(content, list):
            style, flow_keys = self._style(None, key)
            dash = column + self.seq_offset
            lines = [f"{pad}{key}:"]
            for item in content:
                lines += _item_lines(item, dash, dash + 2, style, flow_keys, self.step)
            return lines
        if isinstance(content, Mapping):
            lines = [f"{pad}{key}:"]
            for name, value in content.items():
                lines += self._key_lines(name, value, column + self.step)
            return lines
        return [f"{pad}{key}: {_scalar(content, flow=False)}"]

    # -- positions -----------------------------------------------------------------------------

    def _content_end(self, node: Node) -> int:
        """Where a node's own text ends (block collections end at their last value)."""
        if isinstance(node, ScalarNode):
            if node.style in ("|", ">"):
                start = int(node.start_mark.index)
                header = _BLOCK_SCALAR_HEADER.match(self.text, start)
                if header and "+" in header.group(0):
                    return int(node.end_mark.index)  # kept trailing blank lines are the value's
                end = int(node.end_mark.index)
                while end > start and self.text[end - 1] in " \t\r\n":
                    end -= 1
                return end
            return int(node.end_mark.index)
        if getattr(node, "flow_style", False):
            return int(node.end_mark.index)
        if isinstance(node, MappingNode) and node.value:
            return self._content_end(node.value[-1][1])
        if isinstance(node, SequenceNode) and node.value:
            return self._content_end(node.value[-1])
        return int(node.end_mark.index)

    def _after(self, end: int, indent: int) -> int:
        """The start of the line after `end`, past comment lines indented deeper than `indent`."""
        text = self.text
        if end <= 0:
            return 0
        newline = text.find("\n", end - 1)
        at = len(text) if newline < 0 else newline + 1
        while at < len(text):
            eol = text.find("\n", at)
            line = text[at : len(text) if eol < 0 else eol]
            body = line.lstrip(" ")
            if body.startswith("#") and len(line) - len(body) > indent:
                at = len(text) if eol < 0 else eol + 1
                continue
            break
        return at

    def _insert_lines(self, at: int, lines: Iterable[str]) -> _TextEdit:
        nl = self.newline
        block = nl.join(lines) + nl
        if at == len(self.text) and self.text and not self.text.endswith("\n"):
            block = nl + block
        return _TextEdit(at, at, block)


def _last_index(path: tuple[str | int, ...]) -> int:
    """Position of the last list index in `path` (-1 when there is none)."""
    return max((i for i, part in enumerate(path) if isinstance(part, int)), default=-1)


def _get(mapping: Node | None, key: str) -> Node | None:
    if not isinstance(mapping, MappingNode):
        return None
    for k, v in mapping.value:
        if isinstance(k, ScalarNode) and k.value == key:
            return v  # type: ignore[no-any-return]
    return None


def _is_null(node: Node) -> bool:
    return (
        isinstance(node, ScalarNode)
        and node.tag == "tag:yaml.org,2002:null"
        and node.value in ("", "~", "null", "Null", "NULL")
    )


def _holders(trust: Node, name: str) -> list[Node]:
    """The mappings in a Trust that may hold a list called `name`."""
    if name == "board_reviews" or name == "milestones":
        plan = _get(trust, "plan")
        return [plan] if plan is not None else []
    return [trust]


def _flow_keys(node: Node) -> frozenset[str]:
    if not isinstance(node, MappingNode):
        return frozenset()
    return frozenset(
        str(k.value)
        for k, v in node.value
        if isinstance(v, MappingNode | SequenceNode) and v.flow_style
    )


def _line_indent(text: str, index: int) -> int:
    line_start = text.rfind("\n", 0, index) + 1
    line = text[line_start:index]
    return len(line) - len(line.lstrip(" "))


# ---------------------------------------------------------------------------------------------
# Rendering new entries


def _item_lines(
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
        flat = lead + _flow(item)
        if style == "flow" or len(flat) <= ONE_LINE_LIMIT:
            return [flat]
    lines = _block_mapping(item, flow_keys, step)
    return [lead + lines[0]] + [" " * column + line for line in lines[1:]]


def _block_mapping(entry: Entry, flow_keys: frozenset[str], step: int) -> list[str]:
    lines: list[str] = []
    for key, value in entry.items():
        if isinstance(value, Mapping | list | tuple):
            if key in flow_keys or not value:
                lines.append(f"{key}: {_flow(value)}")
            elif isinstance(value, Mapping):
                lines.append(f"{key}:")
                lines += [" " * step + line for line in _block_mapping(value, frozenset(), step)]
            else:
                lines.append(f"{key}:")
                for item in value:
                    lines.append(" " * step + "- " + _flow(item))
        else:
            lines.append(f"{key}: {_scalar(value, flow=False)}")
    return lines


def _flow(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value, flow=True)


def _scalar(value: Any, *, flow: bool) -> str:
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
        plain = _scalar(text, flow=False)
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
