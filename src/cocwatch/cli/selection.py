"""Naming Trusts and ICBs on the command line: find a Trust by id, ODS code, words of its
name, a hospital site, a town or a postcode (one matcher, `cocwatch.core.trust_names`); an
ICB by its code or words of its name (``icb:QOP`` names its LMNS as a body); the body a
logged letter went to (a Trust or an ICB: `find_addressee`); and the Trusts a command works
on (those named, or every open one, optionally by region or ICB).

May import `cocwatch.errors`; the core's matching inside the functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from cocwatch.errors import UsageError

if TYPE_CHECKING:
    from cocwatch.core.models import Icb, Registry, Trust
    from cocwatch.core.trust_names import Match

# Finds the Trusts of the ICB that covers a postcode (online), with a sentence saying so.
PostcodeTrusts = Callable[[str], tuple[str, list["Trust"]]]
MAX_LISTED = 8


def find_trust(
    registry: Registry, name: str, *, by_postcode: PostcodeTrusts | None = None
) -> Trust:
    """Find one Trust by id, ODS code (any case), words of its name, a hospital site, a town
    or a postcode; several, none, or a misspelling is a usage error that lists them with why
    each matched (a postcode lists the Trusts of the ICB that covers it)."""
    from cocwatch.core.trust_names import find_matches, postcode

    matches = find_matches(registry.trusts, name)
    chosen = [m for m in matches if not m.suggested]
    best = [m for m in chosen if m.tier == chosen[0].tier] if chosen else []
    if len(best) == 1:
        return best[0].trust
    if best:
        raise UsageError(
            f"'{name}' matches {len(best)} trusts: {_listed(best)}. Name one by its id or ODS "
            "code, or by more words of its name in quotes."
        )
    code = postcode(name)
    if code is not None and by_postcode is not None:
        said, trusts = by_postcode(code)
        listed = "; ".join(f"{t.id} ({t.name})" for t in trusts) or "none in the registry"
        raise UsageError(
            f"{said} Its Trusts: {listed}. Which one? Name it by its id (no official lookup "
            "from a postcode to the Trust that serves it exists)."
        )
    if matches:
        raise UsageError(f"No trust is called '{name}'. Did you mean: {_listed(matches)}?")
    raise UsageError(
        f"No trust is called '{name}'. Run `cocwatch trusts` to list them, or "
        "`cocwatch trusts WORD` to search by a word of a name, a hospital, a town or a postcode."
    )


def _listed(matches: Sequence[Match]) -> str:
    shown = "; ".join(f"{m.trust.id} ({m.trust.name}: {m.why})" for m in matches[:MAX_LISTED])
    more = f" and {len(matches) - MAX_LISTED} more" if len(matches) > MAX_LISTED else ""
    return shown + more


def find_trusts(
    registry: Registry, names: list[str], *, by_postcode: PostcodeTrusts | None = None
) -> list[Trust]:
    """Find each named Trust; words that only make sense together are read as one name.

    The shell splits `letter board st thomas` into "st" and "thomas": where a word alone
    names no single Trust, it is tried with the words after it as one name. A postcode names
    every Trust of the ICB that covers it.
    """
    from cocwatch.core.trust_names import match_trust, postcode

    found: list[Trust] = []
    start = 0
    while start < len(names):
        end = start + 1
        if len(match_trust(registry.trusts, names[start])) != 1:
            for stop in range(len(names), start + 1, -1):
                joined = " ".join(names[start:stop])
                if len(match_trust(registry.trusts, joined)) == 1 or (
                    postcode(joined) and not match_trust(registry.trusts, joined)
                ):
                    end = stop
                    break
        name = " ".join(names[start:end])
        code = postcode(name)
        if code is not None and by_postcode is not None and not match_trust(registry.trusts, name):
            found += by_postcode(code)[1]
            start = end
            continue
        try:
            found.append(find_trust(registry, name, by_postcode=by_postcode))
        except UsageError as error:
            if end == start + 1 and len(names) > 1:
                raise UsageError(
                    f"{error.message} If '{' '.join(names)}' is one name, put it in quotes: "
                    f'"{" ".join(names)}".'
                ) from None
            raise
        start = end
    return found


def find_icb(registry: Registry, typed: str) -> Icb:
    """Find one ICB by its code (QOP, S9B9J, or ``icb:QOP``) or words of its name."""
    from cocwatch.core.icbs import find_icbs

    if not registry.icbs:
        raise UsageError(
            "This registry lists no ICBs (no icbs: section), so it cannot name one. The "
            "registry shipped with cocwatch lists them: copy its icbs: section into yours "
            "(`cocwatch init NEW-FILE` writes a fresh copy to take it from)."
        )
    found = find_icbs(registry, typed)
    if len(found) == 1:
        return found[0]
    if found:
        listed = "; ".join(i.title for i in found[:MAX_LISTED])
        raise UsageError(f"'{typed}' matches {len(found)} ICBs: {listed}. Name one by its code.")
    raise UsageError(
        f"No ICB in the registry is called '{typed}'. `cocwatch icbs` lists them with their codes."
    )


def icb_today(registry: Registry, typed: str, on: date) -> Icb:
    """The ICB named, which must exist on `on` (`--icb` takes today's codes)."""
    from cocwatch.core.icbs import current

    icb = find_icb(registry, typed)
    if icb.exists_on(on):
        return icb
    held = current(registry, icb, on)
    now = " and ".join(i.title for i in held) or "an ICB the registry does not list"
    ended = f"ended on {icb.to}" if icb.to else f"began on {icb.from_}"
    raise UsageError(
        f"{icb.title} {ended}; on {on} its area is in {now}. --icb takes the "
        "ICBs of the date it runs for: use that code, or `check icb:"
        f"{icb.code}` for its LMNS's own figures."
    )


@dataclass(frozen=True, slots=True)
class Addressee:
    """The body a letter went to, as the correspondence log names it: a Trust or an ICB."""

    trust: Trust | None = None
    icb: Icb | None = None

    @property
    def id(self) -> str:
        """The Trust's id, or ``icb:CODE``."""
        from cocwatch.core.bodies import icb_body_id

        return self.trust.id if self.trust else icb_body_id(self.icb.code if self.icb else "")

    @property
    def name(self) -> str:
        return self.trust.name if self.trust else (self.icb.label if self.icb else "")

    @property
    def logged_as(self) -> dict[str, str | None]:
        """The log entry's keys that name it: ``trust:`` its id, or ``icb:`` its code."""
        return {
            "trust": self.trust.id if self.trust else None,
            "icb": self.icb.code if self.icb else None,
        }


def find_addressee(
    registry: Registry,
    typed: str,
    *,
    icb_letter: bool = False,
    by_postcode: PostcodeTrusts | None = None,
) -> Addressee:
    """The Trust or ICB a letter went to, as `sent`, `replied` and `due` take it.

    ``icb:CODE`` is always an ICB (as `check icb:CODE` takes it). For an ICB's letter
    (`icb_letter`: `lmns`) a bare code or words of its name name the ICB, as `letter lmns`
    takes them. Otherwise the Trust matcher comes first, and a bare ICB code names the ICB
    when it names no Trust (both is a usage error saying how to choose)."""
    from cocwatch.core.bodies import icb_code
    from cocwatch.core.icbs import find_icbs
    from cocwatch.core.trust_names import match_trust

    if icb_code(typed) is not None:
        return Addressee(icb=find_icb(registry, typed))
    if icb_letter:
        if registry.icbs and not find_icbs(registry, typed):
            trusts = match_trust(registry.trusts, typed)
            if len(trusts) == 1 and trusts[0].icb:
                raise UsageError(
                    f"'{typed}' names a Trust ({trusts[0].name}), and this letter goes to an "
                    f"ICB: name the ICB, e.g. its ICB today, icb:{trusts[0].icb} "
                    "(`cocwatch icbs` lists them)."
                )
        return Addressee(icb=find_icb(registry, typed))
    icb = registry.icb(typed) if typed.strip().isalnum() else None
    if icb is not None:
        trusts = match_trust(registry.trusts, typed)
        if not trusts:
            return Addressee(icb=icb)
        raise UsageError(
            f"'{typed}' is the code of {icb.title} and also names the Trust {trusts[0].id} "
            f"({trusts[0].name}): write icb:{icb.code} for the ICB, or the Trust's id."
        )
    return Addressee(trust=find_trust(registry, typed, by_postcode=by_postcode))


def sent_to(
    registry: Registry,
    kind: str,
    logged_to: str,
    typed: str | None,
    on: date,
    *,
    by_postcode: PostcodeTrusts | None = None,
) -> Addressee | None:
    """The body a letter of `kind` sent on `on` went to, as `sent` logs it (None: national);
    `logged_to` is the template's (`TemplateSpec.logged_to`)."""
    if logged_to == "national":
        if typed:
            whom = "your MP" if kind == "mp" else "national recipients"
            raise UsageError(
                f"The '{kind}' letter goes to {whom}, not to a Trust or an ICB: log it without "
                f"one (cocwatch sent {kind})."
            )
        return None
    if not typed:
        if logged_to == "icb":
            raise UsageError(
                f"The '{kind}' letter goes to one ICB: name it: cocwatch sent {kind} icb:CODE "
                f"(`cocwatch letter {kind} CODE` printed the line to use; `cocwatch icbs` "
                "lists the codes)."
            )
        raise UsageError(f"Name the Trust the '{kind}' letter went to: sent {kind} TRUST.")
    found = find_addressee(registry, typed, icb_letter=logged_to == "icb", by_postcode=by_postcode)
    if found.icb is not None:
        check_icb_existed(registry, found.icb, kind, on)
    return found


def check_icb_existed(registry: Registry, icb: Icb, kind: str, on: date) -> None:
    """A letter logged to `icb` was sent while it existed: else a usage error naming the
    ICB that held its area that day."""
    from cocwatch.core.icbs import current

    if icb.exists_on(on):
        return
    if icb.to is not None and on > icb.to:
        held = current(registry, icb, on)
        then = " and ".join(i.title for i in held) or "an ICB the registry does not list"
        code = held[0].code if len(held) == 1 else "CODE"
        when = f"ended on {icb.to}"
    else:
        earlier = [registry.icb(t.icb) for t in icb.took_over]
        then = " and ".join(i.title for i in earlier if i) or "an ICB the registry does not list"
        code = icb.took_over[0].icb if len(icb.took_over) == 1 else "CODE"
        when = f"began on {icb.from_}"
    raise UsageError(
        f"{icb.title} {when}, so it cannot have received a letter sent on {on}: that day its "
        f"area was in {then}. Log the letter to the ICB it went to (cocwatch sent {kind} "
        f"icb:{code} --on {on}), or give the day it was sent with --on YYYY-MM-DD."
    )


# An ICB named icb:CODE, its LMNS bodies (`Session.lmns_bodies`) and its Trusts.
Area = tuple["Icb", list["Trust"], list["Trust"]]


def split_icb_names(
    registry: Registry,
    names: Sequence[str],
    as_of: date,
    bodies_of: Callable[[Icb], list[Trust]],
) -> tuple[list[Area], list[str]]:
    """The ``icb:CODE`` names among `names`, each as its ICB, its LMNS bodies and its Trusts
    (today's; for an ICB that has ended, those in it on its last day), and the other names."""
    from cocwatch.core.bodies import icb_code
    from cocwatch.core.icbs import trusts_in

    areas: list[Area] = []
    others: list[str] = []
    for name in names:
        if icb_code(name) is None:
            others.append(name)
            continue
        icb = find_icb(registry, name)
        day = as_of if icb.exists_on(as_of) or icb.to is None else icb.to
        areas.append((icb, bodies_of(icb), trusts_in(registry, icb.code, day)))
    return areas, others


def select_trusts(
    registry: Registry,
    names: list[str] | None,
    *,
    all_trusts: bool,
    region: str | None,
    as_of: date,
    filtered: bool = False,
    icb: str | None = None,
    by_postcode: PostcodeTrusts | None = None,
) -> list[Trust]:
    """The Trusts a command works on: those named, or all open ones (optionally by region,
    or by ICB: the Trusts in that ICB on `as_of`).

    `filtered` says another filter (such as `letter --status`) was given: with no Trust
    named, it means every open Trust that matches it, as `--region` does.
    """
    in_icb: set[str] | None = None
    if icb is not None:
        from cocwatch.core.icbs import trusts_in

        chosen_icb = icb_today(registry, icb, as_of)
        in_icb = {t.id for t in trusts_in(registry, chosen_icb.code, as_of)}
    if names:
        chosen = find_trusts(registry, names, by_postcode=by_postcode)
        unique = list({t.id: t for t in chosen}.values())
        if region:
            unique = [t for t in unique if _region_matches(t, region)]
        if in_icb is not None:
            unique = [t for t in unique if t.id in in_icb]
        return unique
    if not all_trusts and not region and not filtered and in_icb is None:
        raise UsageError(
            "Name one or more trusts, or use --all (or a filter such as --region R or --icb CODE)."
        )
    trusts = [t for t in registry.trusts if t.is_open(as_of)]
    if in_icb is not None:
        trusts = [t for t in trusts if t.id in in_icb]
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
