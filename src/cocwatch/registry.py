"""Load the registry YAML into models, with every problem located by file, line and column.

The fast path parses with PyYAML's C loader (safe: no Python tags) and validates with
pydantic. Only when something is wrong is the document composed a second time, to turn each
problem's path (``trusts[3].figures[0].percent``) into a line and column. Duplicate keys are
found while parsing; impossible dates are kept as text so pydantic reports them with the rest.
The cyclic garbage collector is paused while a registry loads: loading builds millions of
objects but almost no reference cycles, and the collector's passes took two thirds of the time.
A registry file that loaded without problems before is served from `cocwatch.registry_cache`.
"""

from __future__ import annotations

import codecs
import difflib
import gc
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from cocwatch.errors import InputError, Problem, RegistryError, UsageError

if TYPE_CHECKING:
    from pydantic import ValidationError

    from cocwatch.core.models import Registry

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Mapping keys that load as text (a merge key `<<` is replaced by the keys it brings in).
_TEXT_KEY_TAGS = frozenset({"tag:yaml.org,2002:str", "tag:yaml.org,2002:merge"})
# The largest file read as a registry, config or log: a 45 MB registry (5,000 Trusts x 60
# figures) takes 2.4 GB of memory to validate, so 64 MB stays within a small server's memory.
MAX_REGISTRY_MB = 64
ENV_MAX_REGISTRY_MB = "COCWATCH_MAX_REGISTRY_MB"
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


@dataclass(frozen=True, slots=True)
class LoadedRegistry:
    """A validated registry and where it came from."""

    registry: Registry
    source: str  # what to call it in messages: a path or a URL
    path: Path | None  # the local file (a cached copy for a URL)


class _StrictLoader(_Loader):  # type: ignore[misc, valid-type]
    """Safe loader that records duplicate keys and keeps impossible dates as text."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, yaml.Mark]] = []
        # False once a key is not text (1:, yes:, null:); the cache's JSON would change it.
        self.text_keys_only = True
        self._resolved: dict[str, str] = {}

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
        except ValueError:
            return node.value  # e.g. 2024-02-30: pydantic reports it, located, with the rest

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
        there must be made here too (tests/test_registry_yaml_construct.py compares both).
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


class _Unusual(Exception):
    """A node the plain-data constructor leaves to PyYAML's own."""


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_yaml_map)
_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)
_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"
_SPECIAL_KEY_TAGS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})
# The constructors `_construct_plain` does the work of (text, lists, mappings).
_PLAIN_CONSTRUCTORS = {
    _STR_TAG: yaml.SafeLoader.construct_yaml_str,
    _SEQ_TAG: yaml.SafeLoader.construct_yaml_seq,
    _MAP_TAG: _StrictLoader.construct_yaml_map,
}
# Scalars whose constructed value cannot change, so one object may serve every repeat.
_IMMUTABLE_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp")
)


def read_text(path: Path, *, what: str = "file") -> str:
    """Read a user's text file as UTF-8 (with or without BOM), explaining any failure."""
    return decode_text(read_bytes(path, what=what), str(path), what=what)


def max_file_bytes() -> int:
    """The largest registry (or other YAML file) cocwatch reads: ``COCWATCH_MAX_REGISTRY_MB``."""
    value = os.environ.get(ENV_MAX_REGISTRY_MB, "").strip()
    if not value:
        return MAX_REGISTRY_MB * 1024 * 1024
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = float("nan")
    if not 0 < megabytes < 1024 * 1024:
        raise UsageError(
            f"{ENV_MAX_REGISTRY_MB} is set to {value!r}; it must be a number of megabytes "
            f"above 0, such as 200. Unset it to use the default of {MAX_REGISTRY_MB} MB."
        )
    return int(megabytes * 1024 * 1024)


def read_bytes(path: Path, *, what: str = "file") -> bytes:
    """Read a user's file, explaining any failure; refuse one over `max_file_bytes`."""
    limit = max_file_bytes()
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = b"" if size > limit else handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError(
            f"The {what} {path} does not exist. Check the path, or create it."
        ) from None
    except IsADirectoryError:
        raise InputError(f"The {what} {path} is a folder, not a file.") from None
    except OSError as exc:
        raise InputError(f"The {what} {path} cannot be read: {exc.strerror}.") from None
    if size > limit or len(data) > limit:
        found = f" ({size / 1024 / 1024:,.0f} MB)" if size > limit else ""
        raise InputError(
            f"The {what} {path} is larger than {limit / 1024 / 1024:,.0f} MB{found}, the "
            f"limit cocwatch reads (a registry of every NHS Trust with years of figures is a "
            f"few MB; loading takes about 50 times the file's size in memory). Check that it "
            f"is the right file; if it is, raise the limit with {ENV_MAX_REGISTRY_MB}=MEGABYTES."
        )
    return data


def decode_text(data: bytes, source: str, *, what: str = "file") -> str:
    """Decode UTF-8 text, rejecting binary files with a located message."""
    if _looks_like_utf16(data):
        raise RegistryError(
            source,
            [
                Problem(
                    f"this {what} is saved as UTF-16 (Windows Notepad calls it 'Unicode'), and "
                    "cocwatch reads UTF-8: open it in your editor and save it again with the "
                    "encoding UTF-8 (in Notepad: File, Save As, Encoding: UTF-8)",
                    line=1,
                )
            ],
        )
    if b"\x00" in data:
        raise RegistryError(
            source,
            [
                Problem(
                    f"this is not a text file (it contains binary data); is it the right {what}?",
                    line=1,
                )
            ],
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RegistryError(
            source,
            [
                Problem(
                    "this file is not valid UTF-8 text; save it as UTF-8 in your editor", line=line
                )
            ],
        ) from None


def _looks_like_utf16(data: bytes) -> bool:
    """A UTF-16 byte order mark, or text with a zero byte beside every other character."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    sample = data[:200]
    return len(sample) >= 4 and (
        sample[1::2].count(0) >= len(sample) // 2 - 1
        or sample[0::2].count(0) >= len(sample) // 2 - 1
    )


def parse_yaml(text: str, source: str) -> tuple[Any, list[Problem]]:
    """Parse YAML safely; return the data and the duplicate-key problems found."""
    data, problems, _ = _load_yaml(text, source)
    return data, problems


def _load_yaml(text: str, source: str) -> tuple[Any, list[Problem], bool]:
    """Parse YAML as `parse_yaml` does; also tell whether every mapping key is text."""
    loader = _StrictLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        raise RegistryError(source, [_yaml_problem(exc, text)]) from None
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


def _yaml_problem(exc: yaml.MarkedYAMLError, text: str = "") -> Problem:
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
    elif problem in {_HUGE_NUMBER, _COMPLEX_KEY} or problem.startswith("this value is marked"):
        message = problem
    elif "constructor for the tag" in problem:
        tag = exc.problem.split("'")[1] if exc.problem and "'" in exc.problem else "this tag"
        message = (
            f"the tag {tag} is not allowed: the registry holds plain data only. "
            "Remove the tag (the text starting with '!')"
        )
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


def load_registry(location: str, *, today: date) -> LoadedRegistry:
    """Load and validate a registry from a local path (URLs: see `cocwatch.sources.remote`)."""
    path = Path(location).expanduser()
    data = read_bytes(path, what="registry")
    return LoadedRegistry(parse_registry_bytes(data, str(path), today=today), str(path), path)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector (if it runs) while the block runs.

    When the block succeeds, what it built is moved out of the collector's sight
    (`gc.freeze`): a registry lives as long as the command, and otherwise the first pass
    after the pause would walk every object the load made.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if enabled:
            gc.freeze()
    finally:
        if enabled:
            gc.enable()


def parse_registry_bytes(data: bytes, source: str, *, today: date) -> Registry:
    """Validate a registry file's bytes as `parse_registry` does, through the parsed cache.

    Bytes that loaded without problems before are validated from the cache's JSON (and the
    invariants checked with `today`); anything else takes the YAML path, with its messages.
    """
    from cocwatch import registry_cache

    with _gc_paused():
        entry = registry_cache.entry_for(data)
        if entry is not None and (cached := entry.load(today=today)) is not None:
            return cached
        text = decode_text(data, source, what="registry")
        registry, raw = _parse_registry(text, source, today=today)
        if entry is not None and raw is not None:
            entry.store(raw)
        return registry


def parse_registry(text: str, source: str, *, today: date) -> Registry:
    """Validate registry text; raise `RegistryError` listing every problem."""
    with _gc_paused():
        return _parse_registry(text, source, today=today)[0]


def _parse_registry(text: str, source: str, *, today: date) -> tuple[Registry, Any]:
    """Validate registry text; also return the loaded data, or None if a key is not text."""
    from pydantic import ValidationError

    from cocwatch.core.invariants import check_invariants
    from cocwatch.core.models import Registry

    data, problems, text_keys_only = _load_yaml(text, source)
    if data is None:
        raise RegistryError(
            source,
            [
                Problem(
                    "the file is empty; a registry starts with 'version: 1' and 'trusts:'", line=1
                )
            ],
        )
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({type(data).__name__})"
        raise RegistryError(
            source,
            [
                Problem(
                    f"the file holds {kind}, but a registry is a set of keys: "
                    "'version: 1', 'national:' and 'trusts:'",
                    line=1,
                )
            ],
        )
    locator = _Locator(text, data)
    try:
        registry = Registry.model_validate(data)
    except ValidationError as exc:
        problems += [locator.problem(err) for err in _errors(exc)]
        problems += _raw_duplicates(data, locator)
        problems += _raw_unknown_keys(data, locator, problems)
        raise RegistryError(source, _ordered(problems)) from None
    problems += [
        locator.at(v.path, v.message, v.trust_id) for v in check_invariants(registry, today=today)
    ]
    if problems:
        raise RegistryError(source, _ordered(problems))
    return registry, data if text_keys_only else None


def _raw_duplicates(data: dict[str, Any], locator: _Locator) -> list[Problem]:
    """Find reused Trust ids and ODS codes even when other problems stop full validation."""
    trusts = data.get("trusts")
    if not isinstance(trusts, list):
        return []
    found: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(trusts):
        if not isinstance(entry, dict):
            continue
        for key in ("id", "ods"):
            value = entry.get(key)
            if not isinstance(value, str | int):
                continue
            norm = (key, str(value).upper())
            if norm in seen:
                what = "trust id" if key == "id" else "ODS code"
                found.append(
                    locator.at(
                        ("trusts", i, key),
                        f"{what} '{value}' is also used by trust #{seen[norm] + 1}; "
                        f"each {what} must be unique",
                    )
                )
            seen.setdefault(norm, i)
    return found


def _raw_unknown_keys(
    data: dict[str, Any], locator: _Locator, reported: list[Problem]
) -> list[Problem]:
    """Unknown keys pydantic did not get to report (an entry that failed a whole-entry check,
    such as a figure whose `percnt` hides its `percent`), each with its "did you mean"."""
    from cocwatch.core.models import Registry

    seen = {p.path for p in reported if p.path and p.message.startswith("unknown key")}
    found: list[Problem] = []

    def walk(value: Any, model: Any, path: tuple[Any, ...]) -> None:
        if isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, model, (*path, i))
            return
        if not isinstance(value, dict) or not hasattr(model, "model_fields"):
            return
        fields = model.model_fields
        for key, item in value.items():
            if key in fields:
                walk(item, _inner_model(fields[key].annotation), (*path, key))
            elif (*path, key) not in seen:
                err = {"loc": (*path, key), "type": "extra_forbidden"}
                found.append(locator.problem(err))

    walk(data, Registry, ())
    return found


def _errors(exc: ValidationError) -> list[dict[str, Any]]:
    return exc.errors(include_url=False)  # type: ignore[return-value]


def _ordered(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


class _Locator:
    """Turns a path in the document into a line, column and Trust id (error path only)."""

    def __init__(self, text: str, data: dict[str, Any], root_model: Any = None) -> None:
        self._text = text
        self._data = data
        self._root: yaml.Node | None = None
        self._root_model = root_model

    def _node(self, path: tuple[Any, ...], *, key: bool) -> yaml.Node | None:
        if self._root is None:
            try:
                self._root = yaml.compose(self._text, Loader=_Loader)
            except yaml.YAMLError:
                return None
        node = self._root
        for i, part in enumerate(path):
            last = i == len(path) - 1
            if isinstance(node, yaml.MappingNode):
                match = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
                if match is None:
                    return node
                node = match[0] if (last and key) else match[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    return node
                node = node.value[part]
            else:
                return node
        return node

    def trust_id(self, path: tuple[Any, ...]) -> str | None:
        if len(path) >= 2 and path[0] == "trusts" and isinstance(path[1], int):
            trusts = self._data.get("trusts")
            if isinstance(trusts, list) and path[1] < len(trusts):
                entry = trusts[path[1]]
                if isinstance(entry, dict) and isinstance(entry.get("id"), str):
                    return str(entry["id"])
                return f"#{path[1] + 1}"
        return None

    def at(
        self, path: tuple[Any, ...], message: str, trust_id: str | None = None, *, key: bool = False
    ) -> Problem:
        node = self._node(path, key=key)
        line = node.start_mark.line + 1 if node is not None else None
        column = node.start_mark.column + 1 if node is not None else None
        return Problem(
            message, line=line, column=column, trust_id=trust_id or self.trust_id(path), path=path
        )

    def problem(self, err: dict[str, Any]) -> Problem:
        path = tuple(p for p in err["loc"] if isinstance(p, int) or not _is_tag(p))
        kind = err["type"]
        field = _dotted(path)
        if kind == "extra_forbidden":
            name = str(path[-1]) if path else "?"
            allowed = _allowed_keys(path[:-1], self._root_model)
            hint = ""
            close = difflib.get_close_matches(name, allowed, n=1)
            if close:
                hint = f" Did you mean '{close[0]}'?"
            elif allowed:
                hint = f" Allowed here: {', '.join(allowed)}."
            return self.at(path, f"unknown key '{name}'.{hint}", key=True)
        if kind == "missing":
            return self.at(path[:-1], f"missing required key '{path[-1]}'")
        return self.at(path, f"{field}: {_friendly(err)}")


def _is_tag(part: Any) -> bool:
    # pydantic inserts validator names such as "function-after[...]" into error paths
    return isinstance(part, str) and ("[" in part or part in {"tagged-union", "nullable"})


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the document"


_FRIENDLY = {
    "date_from_datetime_parsing": "is not a real date; write it as YYYY-MM-DD",
    "date_from_datetime_inexact": "must be a date (YYYY-MM-DD) without a time",
    "date_parsing": "is not a real date; write it as YYYY-MM-DD",
    "date_type": "must be a date written as YYYY-MM-DD",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be text",
    "tuple_type": "must be a list (lines starting with '- ')",
    "model_type": "must be a block of keys",
    "model_attributes_type": "must be a block of keys",
}


def _shown(value: str | int | float, limit: int = 80) -> str:
    """A value as quoted in a message, cut short when it is long."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}… ({len(text):,} characters)"


def _friendly(err: dict[str, Any]) -> str:
    kind = err["type"]
    value = err.get("input")
    shown = f" (found {_shown(value)})" if isinstance(value, str | int | float) else ""
    if kind in _FRIENDLY:
        return _FRIENDLY[kind] + shown
    if kind in {"less_than_equal", "greater_than_equal", "greater_than", "less_than"}:
        ctx = err.get("ctx", {})
        bound = next(iter(ctx.values()), None)
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        words = {
            "less_than_equal": "at most",
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than": "less than",
        }[kind]
        field = str(err["loc"][-1]) if err["loc"] else ""
        extra = " (percentages run from 0 to 100)" if field == "percent" else ""
        return f"must be {words} {bound}{extra}{shown}"
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"must be one of {expected}{shown}"
    if kind == "string_pattern_mismatch":
        field = str(err["loc"][-1]) if err["loc"] else ""
        if field in {"id", "successor"}:
            return (
                "must be a short id of lowercase letters, digits and hyphens, "
                f"like 'leeds-teaching'{shown}"
            )
        if field == "ods":
            return f"must be an ODS code without spaces, like RR8{shown}"
        from cocwatch.core.models import ONE_LINE_PATTERN

        if err.get("ctx", {}).get("pattern") == ONE_LINE_PATTERN:
            return (
                "must be on one line: remove the line break or control character "
                f"(longer text belongs in notes){shown}"
            )
        return f"has the wrong form{shown}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "value_error":
        msg = str(err.get("msg", ""))
        return re.sub(r"^Value error, ", "", msg)
    return str(err.get("msg", "is not valid")).rstrip(".") + shown


def _allowed_keys(path: tuple[Any, ...], root_model: Any = None) -> list[str]:
    """Return the keys the model at `path` accepts (for 'did you mean')."""
    from cocwatch.core import models

    model: Any = root_model or models.Registry
    for part in path:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if hasattr(model, "model_fields") else None
        if field is None:
            return []
        model = _inner_model(field.annotation)
        if model is None:
            return []
    return list(model.model_fields) if hasattr(model, "model_fields") else []


def _inner_model(annotation: Any) -> Any:
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
