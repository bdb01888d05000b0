"""The registry loader's direct construction of plain YAML gives exactly PyYAML's result.

The loader builds the common shapes (text, numbers, dates, lists, mappings with text keys)
itself and leaves everything else to PyYAML. Each case here is loaded both ways and compared:
the data, the duplicate keys found, and whether every key was text.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cocwatch.errors import RegistryError
from cocwatch.registry import yaml_loader


def _by_pyyaml(text: str) -> tuple[Any, list[tuple[str, int, int]], bool]:
    """The same loader, with PyYAML's own constructor for the whole document."""
    loader = yaml_loader.StrictLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    duplicates = [(key, mark.line + 1, mark.column + 1) for key, mark in loader.duplicates]
    return data, duplicates, loader.text_keys_only


def _by_loader(text: str) -> tuple[Any, list[tuple[str, int, int]], bool]:
    data, problems, text_keys_only = yaml_loader.load_yaml(text, "test.yaml")
    duplicates = [(p.message.split("'")[1], p.line or 0, p.column or 0) for p in problems]
    return data, duplicates, text_keys_only


CASES = [
    "version: 1\ntrusts:\n  - id: a\n    figures: [{percent: 12.5, as_of: 2024-03-31}]\n",
    "a: 1\nb: [1, 2, {c: d}]\nc: null\nd: ~\ne: yes\nf: No\ng: 0x1F\nh: 1_000\ni: 0o17\nj: 017\n",
    "a: 1:30\nb: -1.5e3\nc: .inf\nd: -.Inf\n",
    "e: 2024-02-01 10:00:00+01:00\nf: 2024-02-01t10:00:00Z\n",
    "a: 2024-02-30\nb: 2024-02-01\nc: 2024-02-01\n",  # an impossible date stays text
    "x: &shared {k: 1}\ny: *shared\n",
    "base: &b {a: 1, b: 2}\nchild:\n  <<: *b\n  b: 3\n",
    "a: 1\nb: 2\na: 3\n",  # duplicate key
    "outer:\n  - {k: 1, k: 2}\n  - {k: 1}\nk: 0\nk: 9\n",
    "'1': a\n1: b\n",  # the same text, different types
    "1: a\n01: b\n",  # different text, the same number
    "yes: 1\nno: 2\n~: 3\n2024-01-01: 4\n1.5: 5\n",  # keys that are not text
    "a: !!binary aGVsbG8=\nb: !!str 1\nc: !!int '3'\nd: !!float '2'\n",
    "a: !!set {x, y}\nb: !!omap [{x: 1}]\nc: !!pairs [{x: 1}, {x: 2}]\n",
    "=: value\n",
    "a: 'quoted: yes'\nb: \"1\"\nc: |\n  block\n  text\nd: >\n  folded\n",
    "",
    "--- 1\n",
    "- [a, b]\n- []\n- {}\n",
    "a: " + "[" * 200 + "]" * 200 + "\n",
    "? complex\n: key\n",
]


@pytest.mark.parametrize("text", CASES)
def test_the_same_as_pyyaml(text: str) -> None:
    assert _by_loader(text) == _by_pyyaml(text)
    if "2024-02-30" not in text:  # PyYAML itself fails on an impossible date
        assert _by_loader(text)[0] == yaml.load(text, Loader=yaml.SafeLoader)


def test_a_failing_constructor_fails_as_in_pyyaml_s_own_pass() -> None:
    # Two bad values: whichever PyYAML's own pass meets first is the one reported.
    text = "a: {b: !!int nope}\nc: !!int worse\n"
    with pytest.raises((ValueError, yaml.YAMLError)) as expected:
        _by_pyyaml(text)
    with pytest.raises((ValueError, RegistryError)) as got:
        yaml_loader.load_yaml(text, "test.yaml")
    if isinstance(expected.value, yaml.MarkedYAMLError):
        mark = expected.value.problem_mark
        assert mark is not None
        assert f"test.yaml:{mark.line + 1}:{mark.column + 1}" in str(got.value)
    else:
        assert str(got.value) == str(expected.value)


def test_aliases_keep_their_identity_and_a_block_inside_itself_is_refused() -> None:
    data, _, _ = _by_loader("a: &shared [1]\nb: *shared\n")
    assert data["a"] is data["b"]
    # A block inside itself has no end: whatever walks it later would recurse for ever.
    with pytest.raises(RegistryError, match=r"test.yaml:1:1: .*put a block inside itself"):
        yaml_loader.load_yaml("&loop [1, *loop]\n", "test.yaml")


@pytest.mark.parametrize(
    "text",
    [
        "a: !foo 1\n",  # an unknown tag
        "a: !!python/object:os.system 1\n",
        "a: *nowhere\n",
        "a: 1\n---\nb: 2\n",
    ],
)
def test_errors_are_pyyaml_s(text: str) -> None:
    with pytest.raises(yaml.YAMLError) as expected:
        _by_pyyaml(text)
    with pytest.raises(RegistryError) as got:
        yaml_loader.load_yaml(text, "test.yaml")
    mark = expected.value.problem_mark  # type: ignore[attr-defined]
    assert f"test.yaml:{mark.line + 1}:{mark.column + 1}" in str(got.value)


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.dates(),
    st.text(max_size=8),
)
_plain = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.one_of(st.text(max_size=6), st.integers(), st.booleans()), inner, max_size=4
        )
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(_plain, st.booleans())
def test_any_plain_data_loads_as_pyyaml_loads_it(data: Any, flow: bool) -> None:
    text = yaml.safe_dump({"data": data}, default_flow_style=flow, allow_unicode=True)
    assert _by_loader(text) == _by_pyyaml(text)
