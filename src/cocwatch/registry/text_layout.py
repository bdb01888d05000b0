"""The composed YAML document and its text: where a change goes, in the style of its neighbours.

PyYAML's nodes carry exact start and end positions; `Document` finds a Trust (or the
``national:`` block), a list or a key in them, and works out the `TextEdit` that inserts new
entries after a list's last entry (past its trailing comments), creates a missing key in the
order of `TRUST_KEY_ORDER`, or replaces one entry's own text. New text copies the file's
indentation, its newline, and its entries' one-line or block style. Imports PyYAML and the
package's YAML writer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cocwatch.core.bodies import icb_code
from cocwatch.core.edits import Append, AppendAt, Entry, Remove, Replace
from cocwatch.errors import InputError
from cocwatch.registry.yaml_emit import block_mapping, flow, item_lines, scalar

# Where a new key goes in a Trust (or a plan): after the keys that come before it here.
TRUST_KEY_ORDER = (
    "id", "ods", "name", "region", "icb", "lmns", "website", "board_papers_url",
    "whatdotheyknow", "address",
    "closed_on", "successor", "contacts", "plan", "figures", "inspections", "notes",
)  # fmt: skip
PLAN_KEY_ORDER = (
    "status", "published", "url", "coproduced", "milestones", "board_reviews", "notes",
)  # fmt: skip
# Where a new key goes in an ICB (`icbs:`).
ICB_KEY_ORDER = (
    "code", "name", "region", "lmns", "from", "to", "took_over", "website", "address",
    "contacts", "plan", "source", "unverified", "notes",
)  # fmt: skip
_KEY_ORDER: dict[str, tuple[str, ...]] = {
    "trust": TRUST_KEY_ORDER,
    "icb": ICB_KEY_ORDER,
    "plan": PLAN_KEY_ORDER,
}


# Lists whose entries are written on one line ({…}) when nothing nearby shows a style.
_ONE_LINE_BY_DEFAULT = frozenset({"board_reviews", "inspections", "milestones", "contacts"})
_BLOCK_SCALAR_HEADER = re.compile(r"[|>][0-9+-]*")


class EditError(InputError):
    """The registry cannot be changed automatically at this place; edit it by hand."""


@dataclass(frozen=True, slots=True)
class TextEdit:
    """Replace text[start:end] with `text`."""

    start: int
    end: int
    text: str


class Document:
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
                    'to; add one by hand (see the guide "The registry file", '
                    "docs/guides/registry.md), then try again."
                )
            return national
        code = icb_code(trust_id)
        if code is not None:  # a body named icb:CODE is the ICB with that code in `icbs:`
            icbs = _get(self.root, "icbs")
            for item in icbs.value if isinstance(icbs, SequenceNode) else []:
                node = _get(item, "code")
                if (
                    isinstance(item, MappingNode)
                    and isinstance(node, ScalarNode)
                    and node.value.upper() == code
                ):
                    return item
            raise EditError(f"The registry has no ICB with code '{code}' under icbs:.")
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

    def append(self, trust: MappingNode, change: Append) -> list[TextEdit]:
        kind = "icb" if change.trust_id and icb_code(change.trust_id) else "trust"
        return self._append_from(trust, kind, change.key, change.items, change.parent_defaults)

    def append_at(self, change: AppendAt) -> list[TextEdit]:
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
    ) -> list[TextEdit]:
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

    def replace(self, trust: MappingNode, change: Replace) -> TextEdit:
        seq = self._sequence(trust, change.key)
        if not 0 <= change.index < len(seq.value):
            raise EditError(f"Entry {change.index + 1} of '{change.key[-1]}' does not exist.")
        old = seq.value[change.index]
        flow_keys = _flow_keys(old)
        if seq.flow_style or (isinstance(old, MappingNode) and old.flow_style):
            return TextEdit(old.start_mark.index, old.end_mark.index, flow(change.item))
        column = int(old.start_mark.column)
        lines = block_mapping(change.item, flow_keys, self.step)
        body = (self.newline + " " * column).join(lines)
        return TextEdit(old.start_mark.index, self._content_end(old), body)

    def remove(self, trust: MappingNode, change: Remove) -> list[TextEdit]:
        """Delete whole entries' own lines, keeping every comment line between them; when
        every entry goes, the key's line goes too (or, for the only key of its mapping, the
        list becomes ``[]``)."""
        seq = self._sequence(trust, change.key)
        if seq.flow_style:
            raise EditError(f"'{change.key[-1]}' is written on one line; edit it by hand.")
        wanted = set(change.indexes)
        if any(not 0 <= i < len(seq.value) for i in wanted):
            raise EditError(f"An entry of '{change.key[-1]}' to remove does not exist.")
        edits = [self._own_lines(seq.value[i]) for i in sorted(wanted)]
        if len(wanted) == len(seq.value):
            holder = trust
            for part in change.key[:-1]:
                found = _get(holder, part)
                assert isinstance(found, MappingNode)
                holder = found
            key_node = next(k for k, v in holder.value if v is seq)
            key_end = int(key_node.end_mark.index)
            if len(holder.value) == 1:  # the only key: keep it, as an empty list
                colon = self.text.index(":", key_end)
                edits.append(TextEdit(colon + 1, colon + 1, " []"))
            else:
                start = self.text.rfind("\n", 0, key_node.start_mark.index) + 1
                edits.append(TextEdit(start, self._line_after(key_end + 1), ""))
        return edits

    def _own_lines(self, item: Node) -> TextEdit:
        """The deletion of an entry's own lines: from its ``-`` to the end of its content's
        line (a comment on a line of its own before or after it is not the entry's)."""
        start = self.text.rfind("\n", 0, item.start_mark.index) + 1
        return TextEdit(start, self._line_after(self._content_end(item)), "")

    def _line_after(self, end: int) -> int:
        """The start of the line after the one `end` is on."""
        newline = self.text.find("\n", max(end - 1, 0))
        return len(self.text) if newline < 0 else newline + 1

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

    def _extend(self, seq: SequenceNode, items: Sequence[Entry], *, name: str) -> list[TextEdit]:
        style, flow_keys = self._style(seq, name)
        if seq.flow_style:
            if seq.value:
                end = int(seq.value[-1].end_mark.index)
                text = "".join(", " + flow(i) for i in items)
                return [TextEdit(end, end, text)]
            return self._replace_emptyflow(seq, items, name=name)
        last = seq.value[-1]
        dash = self._dash_column(last)
        if dash is None:
            raise EditError(f"The list '{name}' has a layout this tool does not edit.")
        column = int(last.start_mark.column) if isinstance(last, MappingNode) else dash + 2
        lines: list[str] = []
        for item in items:
            lines += item_lines(item, dash, column, style, flow_keys, self.step)
        at = self._after(self._content_end(last), dash)
        return [self._insert_lines(at, lines)]

    def _replace_emptyflow(
        self, seq: SequenceNode, items: Sequence[Entry], *, name: str
    ) -> list[TextEdit]:
        """Turn ``key: []`` into a block list (keeping any comment on the line)."""
        start = int(seq.start_mark.index)
        while start > 0 and self.text[start - 1] in " \t":
            start -= 1
        key_column = _line_indent(self.text, start)
        style, flow_keys = self._style(None, name)
        dash = key_column + self.seq_offset
        lines: list[str] = []
        for item in items:
            lines += item_lines(item, dash, dash + 2, style, flow_keys, self.step)
        at = self._after(int(seq.end_mark.index), dash)
        return [TextEdit(start, int(seq.end_mark.index), ""), self._insert_lines(at, lines)]

    def _add_key(
        self, mapping: MappingNode, key: str, content: Any, *, kind: str
    ) -> list[TextEdit]:
        if mapping.flow_style:
            pair = f"{key}: {flow(content)}"
            if mapping.value:
                end = self._content_end(mapping.value[-1][1])
                return [TextEdit(end, end, ", " + pair)]
            at = int(mapping.start_mark.index) + 1
            return [TextEdit(at, at, pair)]
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
                lines += item_lines(item, dash, dash + 2, style, flow_keys, self.step)
            return lines
        if isinstance(content, Mapping):
            lines = [f"{pad}{key}:"]
            for name, value in content.items():
                lines += self._key_lines(name, value, column + self.step)
            return lines
        return [f"{pad}{key}: {scalar(content, flow=False)}"]

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

    def _insert_lines(self, at: int, lines: Iterable[str]) -> TextEdit:
        nl = self.newline
        block = nl.join(lines) + nl
        if at == len(self.text) and self.text and not self.text.endswith("\n"):
            block = nl + block
        return TextEdit(at, at, block)


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
