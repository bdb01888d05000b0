"""Finding a Trust from what a person types: an id, an ODS code or words of its name.

Names are matched by words, not by letters inside words, so "st thomas" finds Guy's and
St Thomas' and not every "Trust". Words that nearly every Trust's name has ("NHS", "Trust",
"Foundation", "Hospitals") are left out of the match and used only to choose between Trusts
that match the other words. Apostrophes are ignored ("guys" finds "Guy's"), and a word typed
may be the start of a word in the name ("leic" finds Leicester). Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cocwatch.core.models import Trust

# Words too common in Trust names to tell one from another.
COMMON_WORDS = frozenset(
    {"nhs", "trust", "foundation", "hospital", "hospitals", "the", "of", "and", "ft"}
)
_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def name_words(text: str) -> list[str]:
    """The words of a name, lower case, apostrophes dropped: "Guy's" -> ["guys"]."""
    return [w for w in _NOT_WORD.split(_APOSTROPHES.sub("", text.lower())) if w]


def match_trust(trusts: Sequence[Trust], typed: str) -> list[Trust]:
    """The Trusts that `typed` could mean (one when it is clear): by id or ODS code, else by
    the words of their names."""
    wanted = typed.strip().lower()
    for trust in trusts:
        if trust.id == wanted or trust.ods.lower() == wanted:
            return [trust]
    words = name_words(typed)
    telling = [w for w in words if w not in COMMON_WORDS] or words
    if not telling:
        return []
    candidates = [t for t in trusts if _has_words(name_words(t.name), telling, exact=False)]
    # Several? Prefer whole words to beginnings of words, then names with the common words too.
    for wanted_words in (telling, words):
        if len(candidates) <= 1:
            break
        narrower = [
            t for t in candidates if _has_words(name_words(t.name), wanted_words, exact=True)
        ]
        if narrower:
            candidates = narrower
    return candidates


def _has_words(name: list[str], wanted: list[str], *, exact: bool) -> bool:
    if exact:
        return all(w in name for w in wanted)
    return all(any(n.startswith(w) for n in name) for w in wanted)
