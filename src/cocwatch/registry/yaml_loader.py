"""The strict YAML loader every hand-written file goes through, and its located syntax errors.

`StrictLoader` is PyYAML's safe loader (the C one when installed; no Python tags) that
records duplicate keys, keeps impossible dates as text (so validation reports them with the
rest), refuses numbers too long to print, and locates a tagged value that cannot be what its
tag says. Its `get_single_data` builds the common plain-data shapes directly, several times
faster than PyYAML's constructor, and leaves anything unusual to PyYAML itself: both must give
the same data (tests/registry/test_registry_yaml_construct.py compares them). `parse_yaml`
turns every YAML error into a `Problem` with a line, a column and advice in words.
Imports PyYAML and cocwatch's errors only.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from cocwatch.errors import Problem, RegistryError

# PyYAML's C safe loader when installed (ten times faster), else the Python one.
FAST_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Mapping keys that load as text (a merge key `<<` is replaced by the keys it brings in).
_TEXT_KEY_TAGS = frozenset({"tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"})
# No registry number needs more than 60 digits; longer ones are mistakes (or attacks) that
# Python would refuse to print (sys.get_int_max_str_digits), so they are refused on reading.
_MAX_INT_BITS = 200
_HUGE_NUMBER = (
    "this number has far too many digits (more than 60); check that a percentage, count or "
    "version was meant here, or put the text in quotes"
)
_BAD_TAGGED_VALUE = (
    "this value is marked with the tag !!{tag} but cannot be read as one; remove the tag "
    "(the text starting with '!!') and write the value plainly"
)
_DIGITS = re.compile(r"^[-+]?[0-9_]+$")
_COMPLEX_KEY = (
    "a key must be a plain word followed by a colon, not a list or a block (YAML's '?' "
    "form); write the key as text"
)


class StrictLoader(FAST_SAFE_LOADER):  # type: ignore[misc, valid-type]
    """Safe loader that records duplicate keys and keeps impossible dates as text."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, yaml.Mark]] = []
        # False once a key is not text (1:, yes:, null:); the cache's JSON would change it.
        self.text_keys_only = True
        self._resolved: dict[str, str] = {}
        # Aliases (`*name`) are the only way a node is reached twice; without one, no check.
        self._may_alias = not isinstance(stream, str) or "*" in stream

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, _COMPLEX_KEY, key_node.start_mark
                )
            if key_node.tag not in _TEXT_KEY_TAGS:
                self.text_keys_only = False
            key = key_node.value
            if key in seen:
                self.duplicates.append((str(key), key_node.start_mark))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """Build a node; a tagged value that cannot be what its tag says is a located problem."""
        try:
            return super().construct_object(node, deep=deep)
        except (KeyError, ValueError, TypeError, OverflowError):
            # e.g. `!!bool nope` or `!!float nope`: PyYAML's constructors fail unlocated.
            tag = str(node.tag).rsplit(":", 1)[-1]
            raise yaml.constructor.ConstructorError(
                None, None, _BAD_TAGGED_VALUE.format(tag=tag), node.start_mark
            ) from None

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        try:
            value = super().construct_yaml_int(node)
        except ValueError:
            if not _DIGITS.match(str(node.value)):
                raise  # not a number at all (`!!int worse`): construct_object locates it
            value = None  # more digits than Python converts (sys.get_int_max_str_digits)
        if value is None or abs(value).bit_length() > _MAX_INT_BITS:
            raise yaml.constructor.ConstructorError(None, None, _HUGE_NUMBER, node.start_mark)
        return value

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, AttributeError, TypeError, OverflowError):
            # e.g. 2024-02-30, or `!!timestamp nope` (PyYAML's pattern does not match and it
            # fails unlocated): pydantic reports the text, located, with the rest.
            return node.value

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        """The tag of a node, as PyYAML resolves it, remembered for repeated plain scalars."""
        if kind is not yaml.ScalarNode or not implicit[0]:
            return super().resolve(kind, value, implicit)
        tag = self._resolved.get(value)
        if tag is None:
            tag = self._resolved[value] = super().resolve(kind, value, implicit)
        return tag

    def get_single_data(self) -> Any:
        """Construct the document: the common plain-data shapes directly, anything else
        (tags, anchors' merge keys, complex or duplicate keys, errors) by PyYAML itself."""
        node = self.get_single_node()
        if node is None:
            return None
        if self._may_alias:
            check_expansion(node)
        try:
            return self._construct_plain(node)
        except Exception:  # any failure: PyYAML's own pass raises it, in its order
            self.duplicates.clear()
            self.text_keys_only = True
            return self.construct_document(node)

    def _construct_plain(self, root: yaml.Node) -> Any:
        """Build plain data from the node tree exactly as `construct_document` would.

        Raises `_Unusual` for any node it does not handle the standard way; the caller then
        builds the whole document with PyYAML's constructor instead. It does the work of
        `construct_mapping` for mappings with scalar keys (text keys, duplicates): a change
        there must be made here too (tests/registry/test_registry_yaml_construct.py compares both).
        """
        constructors = self.yaml_constructors
        scalars: dict[tuple[str, str], Any] = {}  # immutable results of repeated scalars
        built: dict[yaml.Node, Any] = {}  # collections by node: an alias gives the same object
        scalar_node, sequence_node, mapping_node = (
            yaml.ScalarNode,
            yaml.SequenceNode,
            yaml.MappingNode,
        )

        def build(node: yaml.Node) -> Any:
            kind = node.__class__
            tag = node.tag
            if kind is scalar_node:
                if tag == _STR_TAG:
                    return node.value
                key = (tag, node.value)
                if key in scalars:
                    return scalars[key]
                if tag not in _IMMUTABLE_SCALAR_TAGS:
                    raise _Unusual
                value = scalars[key] = constructors[tag](self, node)
                return value
            found = built.get(node)
            if found is not None:
                return found
            if kind is sequence_node and tag == _SEQ_TAG:
                items: list[Any] = []
                built[node] = items
                items.extend([build(child) for child in node.value])
                return items
            if kind is mapping_node and tag == _MAP_TAG:
                mapping: dict[Any, Any] = {}
                built[node] = mapping
                texts: set[str] = set()
                for key_node, value_node in node.value:
                    if key_node.__class__ is not scalar_node:
                        raise _Unusual  # a complex key: PyYAML explains it
                    if key_node.tag != _STR_TAG:
                        if key_node.tag in _SPECIAL_KEY_TAGS:
                            raise _Unusual  # merge key or value key
                        self.text_keys_only = False
                    key = build(key_node)
                    if key in mapping or key_node.value in texts:
                        raise _Unusual  # a duplicate: PyYAML's pass records it in order
                    texts.add(key_node.value)
                    mapping[key] = build(value_node)
                return mapping
            raise _Unusual

        if any(constructors.get(tag) is not f for tag, f in _PLAIN_CONSTRUCTORS.items()):
            raise _Unusual  # a subclass builds text, lists or mappings its own way
        return build(root)


# A document may reuse a block through anchors and aliases, but not so often that its data,
# written out, would be millions of values: a "billion laughs" of nested aliases is a few
# lines of text and a thousand million values for whatever reads it.
MAX_EXPANDED_NODES = 2_000_000
_TOO_MANY_ALIASES = (
    "the anchors and aliases (&name, *name) here repeat blocks inside blocks so often that "
    "the file would hold more than {limit:,} values; write the repeated parts out, or repeat "
    "them fewer times"
)

_ALIAS_LOOP = (
    "the anchors and aliases (&name, *name) here put a block inside itself, which has no end; "
    "write the inner part out instead of the alias"
)


def check_expansion(root: yaml.Node, limit: int = MAX_EXPANDED_NODES) -> None:
    """Refuse a node tree whose aliases expand to more than `limit` nodes, in linear time."""
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in sizes and not done:
            continue
        if isinstance(node, yaml.ScalarNode):
            sizes[key] = 1
            continue
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        else:
            children = list(node.value)
        if not done:
            sizes[key] = 0  # in progress: a recursive alias counts once
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        if any(sizes.get(id(child)) == 0 for child in children):
            raise yaml.constructor.ConstructorError(
                None, None, _ALIAS_LOOP, node.start_mark
            )  # a child still in progress is this block or one around it
        total = 1 + sum(sizes.get(id(child), 1) for child in children)
        if total > limit:
            raise yaml.constructor.ConstructorError(
                None, None, _TOO_MANY_ALIASES.format(limit=limit), node.start_mark
            )
        sizes[key] = total


class _Unusual(Exception):
    """A node the plain-data constructor leaves to PyYAML's own."""


StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_yaml_map)
StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_timestamp)
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_SPECIAL_KEY_TAGS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})
# The constructors `_construct_plain` does the work of (text, lists, mappings).
_PLAIN_CONSTRUCTORS = {
    _STR_TAG: yaml.SafeLoader.construct_yaml_str,
    _SEQ_TAG: yaml.SafeLoader.construct_yaml_seq,
    _MAP_TAG: StrictLoader.construct_yaml_map,
}
# Scalars whose constructed value cannot change, so one object may serve every repeat.
_IMMUTABLE_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp")
)


def parse_yaml(text: str, source: str) -> tuple[Any, list[Problem]]:
    """Parse YAML safely; return the data and the duplicate-key problems found."""
    data, problems, _ = load_yaml(text, source)
    return data, problems


def load_yaml(text: str, source: str) -> tuple[Any, list[Problem], bool]:
    """Parse YAML as `parse_yaml` does; also tell whether every mapping key is text."""
    loader = StrictLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        raise RegistryError(source, [yaml_problem(exc, text)]) from None
    except yaml.YAMLError as exc:
        raise RegistryError(source, [Problem(f"this is not valid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    problems = [
        Problem(
            f"the key '{key}' appears twice in the same block; keep only one",
            line=mark.line + 1,
            column=mark.column + 1,
        )
        for key, mark in loader.duplicates
    ]
    return data, problems, loader.text_keys_only


def yaml_problem(exc: yaml.MarkedYAMLError, text: str = "") -> Problem:
    from cocwatch.registry.yaml_hints import syntax_hint

    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    problem = exc.problem or ""
    lines = text.splitlines()
    source_line = lines[mark.line] if mark and mark.line < len(lines) else ""
    indent = source_line[: len(source_line) - len(source_line.lstrip(" \t"))]
    tab_at_mark = mark is not None and source_line[mark.column : mark.column + 1] == "\t"
    if "'\\t'" in problem or "\\t" in problem or "tab" in problem or "\t" in indent or tab_at_mark:
        column = indent.index("\t") + 1 if "\t" in indent else column
        message = (
            "a tab character is used for indentation; YAML needs spaces. "
            "Replace the tab with spaces (many editors have a setting to insert spaces "
            "when you press the Tab key)"
        )
    elif problem in {_HUGE_NUMBER, _COMPLEX_KEY} or problem.startswith(
        ("this value is marked", "the anchors and aliases")
    ):
        message = problem
    elif "constructor for the tag" in problem:
        tag = exc.problem.split("'")[1] if exc.problem and "'" in exc.problem else "this tag"
        message = (
            f"the tag {tag} is not allowed: the registry holds plain data only. "
            "Remove the tag (the text starting with '!')"
        )
    elif mark is not None and (hint := syntax_hint(exc.problem or "", lines, mark.line)):
        message = hint  # a common mistake, said in plain words at the line it is on
    else:
        context = f"{exc.context}, " if exc.context else ""
        started = ""
        if exc.context_mark is not None and mark is not None and exc.context_mark.line != mark.line:
            started = f" (in the part that starts on line {exc.context_mark.line + 1})"
        message = (
            f"this is not valid YAML ({context}{problem}){started}. Check the indentation, "
            "brackets and quotes on this line and the lines before it"
        )
    return Problem(message, line=line, column=column)
