"""Numbered references: each source once, numbered in the order first cited."""

from __future__ import annotations

from cocwatch.core.reference_list import ReferenceList


def test_numbers_follow_first_citation_and_repeat_for_the_same_thing() -> None:
    refs: ReferenceList[str] = ReferenceList()
    assert [refs.cite(x) for x in ("b", "a", "b", "c", "a")] == [1, 2, 1, 3, 2]
    assert refs.items == ["b", "a", "c"]
    assert list(refs) == ["b", "a", "c"] and len(refs) == 3


def test_a_key_decides_what_counts_as_the_same_reference() -> None:
    refs: ReferenceList[tuple[str, str]] = ReferenceList(key=lambda item: item[0])
    assert refs.cite(("https://a", "first title")) == 1
    assert refs.cite(("https://a", "another title")) == 1
    assert refs.cite(("https://b", "first title")) == 2
    assert refs.items == [("https://a", "first title"), ("https://b", "first title")]


def test_an_empty_list_has_no_items() -> None:
    refs: ReferenceList[int] = ReferenceList()
    assert refs.items == [] and len(refs) == 0
