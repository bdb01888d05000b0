"""Finding a Trust from what a person types: the one matcher every command uses (SPEC §2.1).

What is tried, best first (`Tier`): the Trust's id or ODS code; the words of its name; a
hospital site or town in its address ("stepping hill", "truro"); its headquarters' postcode;
and last, words close to a name or place word, as a misspelling ("harogate", "manchster"),
which is only ever suggested, never chosen. A postcode elsewhere is looked up online by the
command line (the ICB that covers it, then that ICB's Trusts).

Names are matched by words, not by letters inside words, so "st thomas" finds Guy's and
St Thomas' and not every "Trust". Words that nearly every Trust's name has ("NHS", "Trust",
"Foundation", "Hospitals") are left out of the match and used only to choose between Trusts
that match the other words. Apostrophes are ignored ("guys" finds "Guy's"), and a word typed
may be the start of a word in the name ("leic" finds Leicester). Pure: no I/O.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cocwatch.core.models import Trust

# Words too common in Trust names to tell one from another.
COMMON_WORDS = frozenset(
    {"nhs", "trust", "foundation", "hospital", "hospitals", "the", "of", "and", "ft"}
)
_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# A full UK postcode, spaces aside: outward code (A9, A99, AA9, AA99, A9A, AA9A), inward 9AA.
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
# How alike a typed word and a name's word must be to be offered as a misspelling.
_CLOSE_ENOUGH = 0.75


class Tier(IntEnum):
    """How a Trust matched, best first; only the best tier with a match is chosen from."""

    CODE = 0  # its id or ODS code
    NAME = 1  # words of its name
    PLACE = 2  # a hospital site or town in its address
    POSTCODE = 3  # its headquarters' postcode
    SPELLING = 4  # words close to its name's or address's: a suggestion, never chosen


@dataclass(frozen=True, slots=True)
class Match:
    """A Trust that what was typed could mean, and why, in words."""

    trust: Trust
    tier: Tier
    why: str

    @property
    def suggested(self) -> bool:
        """Only a suggestion (a likely misspelling): never chosen without asking."""
        return self.tier is Tier.SPELLING


def name_words(text: str) -> list[str]:
    """The words of a name, lower case, apostrophes dropped: "Guy's" -> ["guys"]."""
    return [w for w in _NOT_WORD.split(_APOSTROPHES.sub("", text.lower())) if w]


def postcode(text: str) -> str | None:
    """`text` as a UK postcode written the usual way ("sk27je" -> "SK2 7JE"), if it is one."""
    found = POSTCODE.match(" ".join(text.upper().split()))
    return f"{found.group(1)} {found.group(2)}" if found else None


def match_trust(trusts: Sequence[Trust], typed: str) -> list[Trust]:
    """The Trusts that `typed` could mean (one when it is clear), from the best tier that
    has any; a misspelling is never a match (`find_matches` lists it as a suggestion)."""
    found = [m for m in find_matches(trusts, typed) if not m.suggested]
    if not found:
        return []
    best = found[0].tier
    return [m.trust for m in found if m.tier == best]


def find_matches(trusts: Sequence[Trust], typed: str) -> list[Match]:
    """Every Trust `typed` could mean, each once with its best reason, best tier first; the
    likely misspellings only when nothing else matched."""
    wanted = typed.strip().lower()
    for trust in trusts:
        if trust.id == wanted or trust.ods.lower() == wanted:
            what = "id" if trust.id == wanted else "ODS code"
            return [Match(trust, Tier.CODE, f"its {what} is {typed.strip()}")]
    found: dict[str, Match] = {}

    def add(trust: Trust, tier: Tier, why: str) -> None:
        if trust.id not in found:
            found[trust.id] = Match(trust, tier, why)

    words = name_words(typed)
    for trust in _by_name(trusts, words):
        add(trust, Tier.NAME, "its name")
    for trust, line in _by_place(trusts, words):
        add(trust, Tier.PLACE, f"its address has {line!r}")
    code = postcode(typed)
    if code is not None:
        for trust in trusts:
            if code in _postcodes(trust):
                add(trust, Tier.POSTCODE, f"its headquarters' postcode is {code}")
    if not found and code is None:
        for trust, read_as in _by_spelling(trusts, words):
            add(trust, Tier.SPELLING, f"{typed.strip()!r} may be a misspelling of {read_as!r}")
    return sorted(found.values(), key=lambda m: m.tier)


def _telling(words: list[str]) -> list[str]:
    return [w for w in words if w not in COMMON_WORDS] or words


def _by_name(trusts: Sequence[Trust], words: list[str]) -> list[Trust]:
    telling = _telling(words)
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


def _places(trust: Trust) -> list[str]:
    """The lines of the Trust's address that name places: hospital sites, towns, streets
    (the postcode line aside)."""
    if not trust.address:
        return []
    lines = [line.strip() for line in trust.address.splitlines() if line.strip()]
    return [line for line in lines if postcode(line) is None]


def _postcodes(trust: Trust) -> set[str]:
    if not trust.address:
        return set()
    return {code for line in trust.address.splitlines() if (code := postcode(line)) is not None}


def _by_place(trusts: Sequence[Trust], words: list[str]) -> list[tuple[Trust, str]]:
    """Trusts with an address line that has every telling word typed (whole words)."""
    telling = _telling(words)
    if not telling:
        return []
    return [
        (trust, line)
        for trust in trusts
        for line in _places(trust)
        if _has_words(name_words(line), telling, exact=True)
    ]


def _by_spelling(trusts: Sequence[Trust], words: list[str]) -> list[tuple[Trust, str]]:
    """Trusts whose name or address has words close to every telling word typed."""
    telling = [w for w in _telling(words) if len(w) > 3]
    if not telling:
        return []
    texts: list[tuple[Trust, str]] = []
    for trust in trusts:
        texts.append((trust, trust.name))
        texts += [(trust, line) for line in _places(trust)]
    vocabulary = sorted({w for _, text in texts for w in name_words(text)} - COMMON_WORDS)
    close = {w: _closest(w, vocabulary) for w in telling}
    if not all(close.values()):
        return []
    found: list[tuple[Trust, str]] = []
    for trust, text in texts:
        have = name_words(text)
        read = [next((c for c in close[w] if c in have), None) for w in telling]
        if all(read) and all(trust is not t for t, _ in found):
            found.append((trust, " ".join(r for r in read if r)))
    return found


def _closest(word: str, vocabulary: list[str]) -> list[str]:
    """The words of `vocabulary` closest to `word` (all those about as close as the best)."""
    scored = []
    for candidate in difflib.get_close_matches(word, vocabulary, n=5, cutoff=_CLOSE_ENOUGH):
        scored.append((difflib.SequenceMatcher(None, word, candidate).ratio(), candidate))
    best = max((score for score, _ in scored), default=0.0)
    return [candidate for score, candidate in scored if score >= best - 0.05]


def _has_words(name: list[str], wanted: list[str], *, exact: bool) -> bool:
    if exact:
        return all(w in name for w in wanted)
    return all(any(n.startswith(w) for n in name) for w in wanted)
