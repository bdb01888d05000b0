"""Letters' names for the shared formatters, and the two that only letters use.

The names of the registry's closed sets and every number and date format come from
`cocwatch.core.wording`, so that a letter, `check` and the report say the same thing the same
way; the views read those tables directly. Templates and the rest of cocwatch know the
formatters by the names below; a group of women is named as the official source in use
defines it (`group_who`). Pure; imports only `cocwatch.core.wording` and the declarations.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from cocwatch.core import wording
from cocwatch.core.measures import Declared

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


def group_who(cohort: str, declared: Declared) -> str:
    """A group of women in a letter's sentence: as the official statistics in use define it
    (their declaration's one wording table), else in the registry's own words."""
    group = declared.group(cohort)
    return group.who if group is not None else wording.COHORT[cohort].who  # type: ignore[index]


def group_label(cohort: str, declared: Declared) -> str:
    """The same as a heading: 'All women', 'Women from …'."""
    who = group_who(cohort, declared)
    return "All women" if cohort == "all" else who[:1].upper() + who[1:]
