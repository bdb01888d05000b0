"""Letters' names for the shared formatters, and the two that only letters use.

The names of the registry's closed sets and every number and date format come from
`cocwatch.core.wording`, so that a letter, `check` and the report say the same thing the same
way; the views read those tables directly. Templates and the rest of cocwatch know the
formatters by the names below. Pure; imports only `cocwatch.core.wording`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from cocwatch.core import wording

# A letter writes the same few dates many times: remember their text.
uk_date = functools.lru_cache(maxsize=4096)(wording.long_date)
month_year = wording.month_year
number_text = wording.number
percent_text = wording.percent
points_text = wording.points


def join_and(items: Iterable[str], conjunction: str = "and") -> str:
    """Join words the British way: 'a', 'a and b', 'a, b and c' (no Oxford comma)."""
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """'1 Trust', '3 Trusts' (pass `many` for irregular plurals)."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


# The groups as NHS England's statistics define them (DOMAIN §3): MSDS's "BAME" breakdown is
# Black, Asian and White-and-Black or White-and-Asian mixed backgrounds; Chinese, "any other
# mixed" and "any other" are a separate breakdown, so a letter never says "other groups".
COHORT_WHO = {
    "all": "women",
    "ethnic_minority": (
        "women from Black, Asian and White-and-Black or White-and-Asian mixed backgrounds"
    ),
    "most_deprived": "women from the most deprived 10% of neighbourhoods",
}
COHORT_LABEL = {
    "all": "All women",
    "ethnic_minority": (
        "Women from Black, Asian and White-and-Black or White-and-Asian mixed backgrounds"
    ),
    "most_deprived": "Women from the most deprived 10% of neighbourhoods",
}
# What each targeted group is compared with (SPEC §4.1): not all women.
COMPARISON_WHO = {
    "ethnic_minority": "White women",
    "most_deprived": "women from the least deprived 10% of neighbourhoods",
}
