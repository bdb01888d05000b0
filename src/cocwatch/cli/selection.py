"""Naming Trusts on the command line: find one by id, ODS code or words of its name, and the
Trusts a command works on (those named, or every open one, optionally by region).

May import `cocwatch.errors`; the core's name matching inside the functions.
"""

from __future__ import annotations

import difflib
from datetime import date
from typing import TYPE_CHECKING

from cocwatch.errors import UsageError

if TYPE_CHECKING:
    from cocwatch.core.models import Registry, Trust


def find_trust(registry: Registry, name: str) -> Trust:
    """Find a Trust by id, ODS code (any case) or words of its name (see `trust_names`)."""
    from cocwatch.core.trust_names import match_trust

    matches = match_trust(registry.trusts, name)
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        listed = "; ".join(f"{t.id} ({t.name})" for t in matches[:8])
        more = f" and {len(matches) - 8} more" if len(matches) > 8 else ""
        raise UsageError(
            f"'{name}' matches {len(matches)} trusts: {listed}{more}. "
            "Name one by its id or ODS code, or by more words of its name in quotes."
        )
    raise UsageError(f"No trust is called '{name}'. {_suggest(registry, name.strip().lower())}")


def find_trusts(registry: Registry, names: list[str]) -> list[Trust]:
    """Find each named Trust; words that only make sense together are read as one name.

    The shell splits `letter board st thomas` into "st" and "thomas": where a word alone
    names no single Trust, it is tried with the words after it as one name.
    """
    from cocwatch.core.trust_names import match_trust

    found: list[Trust] = []
    start = 0
    while start < len(names):
        end = start + 1
        if len(match_trust(registry.trusts, names[start])) != 1:
            for stop in range(len(names), start + 1, -1):
                if len(match_trust(registry.trusts, " ".join(names[start:stop]))) == 1:
                    end = stop
                    break
        name = " ".join(names[start:end])
        try:
            found.append(find_trust(registry, name))
        except UsageError as error:
            if end == start + 1 and len(names) > 1:
                raise UsageError(
                    f"{error.message} If '{' '.join(names)}' is one name, put it in quotes: "
                    f'"{" ".join(names)}".'
                ) from None
            raise
        start = end
    return found


def _suggest(registry: Registry, wanted: str) -> str:
    keys: dict[str, Trust] = {}
    for trust in registry.trusts:
        keys[trust.id] = trust
        keys[trust.ods.lower()] = trust
        keys[trust.name.lower()] = trust
        for word in trust.name.lower().split():
            if len(word) > 3:
                keys.setdefault(word, trust)
    close = difflib.get_close_matches(wanted, list(keys), n=8, cutoff=0.6)
    seen: list[Trust] = []
    for key in close:
        if keys[key] not in seen:
            seen.append(keys[key])
    if not seen:
        return "Run `cocwatch trusts` to list them, or `cocwatch trusts WORD` to search."
    listed = "; ".join(f"{t.id} ({t.name})" for t in seen[:5])
    return f"Did you mean: {listed}?"


def select_trusts(
    registry: Registry,
    names: list[str] | None,
    *,
    all_trusts: bool,
    region: str | None,
    as_of: date,
    filtered: bool = False,
) -> list[Trust]:
    """The Trusts a command works on: those named, or all open ones (optionally by region).

    `filtered` says another filter (such as `letter --status`) was given: with no Trust
    named, it means every open Trust that matches it, as `--region` does.
    """
    if names:
        chosen = find_trusts(registry, names)
        unique = list({t.id: t for t in chosen}.values())
        if region:
            unique = [t for t in unique if _region_matches(t, region)]
        return unique
    if not all_trusts and not region and not filtered:
        raise UsageError("Name one or more trusts, or use --all (or a filter such as --region R).")
    trusts = [t for t in registry.trusts if t.is_open(as_of)]
    if region:
        trusts = [t for t in trusts if _region_matches(t, region)]
        if not trusts:
            regions = sorted({t.region for t in registry.trusts})
            raise UsageError(
                f"No open trust is in region '{region}'. Regions: {', '.join(regions)}."
            )
    return trusts


def _region_matches(trust: Trust, region: str) -> bool:
    return region.strip().lower() in trust.region.lower()
