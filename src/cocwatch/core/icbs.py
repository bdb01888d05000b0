"""Integrated Care Boards over time: which ICB covers an area on a date, which Trusts are in
it, whose statistics rows a month holds for it, and its LMNS as a body to assess.

ICBs changed on 1 April 2026: twelve were abolished and six made, some by splitting an
ICB's area between two new ones (`Icb.took_over`, with `part`). A Trust's ICB on a date is
its `icb_history` entry for that date, else its `icb:` today (`Trust.icb_on`). NHS England
publishes an LMNS's figures under the code its ICB had in that month, so a month's rows for
an ICB made in 2026 are its predecessors' (`areas_in_month`), and a letter goes to the ICB
that exists on the letter's date (`current`).

Pure: the registry models and `cocwatch.core.bodies` only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from cocwatch.core.bodies import icb_body_id, icb_code
from cocwatch.core.models import Figure, Icb, Registry, Trust
from cocwatch.core.trust_names import COMMON_WORDS, name_words

# Words every ICB's name has: they tell no ICB from another.
_ICB_WORDS = COMMON_WORDS | {"integrated", "care", "board", "icb"}


@dataclass(frozen=True, slots=True)
class Area:
    """An ICB whose own statistics rows cover (part of) another ICB's area in some month."""

    icb: Icb
    part: bool  # only part of its area is the other ICB's (an ICB split in 2026)


def find_icbs(registry: Registry, typed: str) -> list[Icb]:
    """The ICBs `typed` could mean: its code (``QOP``, ``icb:QOP``, any case), else the
    words of its name (``manchester``); one when it is clear."""
    text = typed.strip()
    code = icb_code(text) or text.upper()
    exact = registry.icb(code)
    if exact is not None:
        return [exact]
    words = [w for w in name_words(text) if w not in _ICB_WORDS]
    if not words:
        return []
    return [
        icb
        for icb in registry.icbs
        if icb.name and all(any(n.startswith(w) for n in name_words(icb.name)) for w in words)
    ]


def icb_named(registry: Registry, name: str) -> Icb | None:
    """The ICB whose recorded name is `name`, case and spacing aside (postcodes.io's `icb`
    against the registry's names, SPEC §2.1)."""
    wanted = " ".join(name.lower().split())
    return next(
        (i for i in registry.icbs if i.name and " ".join(i.name.lower().split()) == wanted),
        None,
    )


def trusts_in(registry: Registry, code: str, day: date) -> list[Trust]:
    """The Trusts open on `day` whose ICB on that day is `code`."""
    wanted = code.upper()
    return [t for t in registry.trusts if t.is_open(day) and t.icb_on(day) == wanted]


def successors(registry: Registry, icb: Icb) -> list[Icb]:
    """The ICBs that took over (some of) this ICB's area."""
    return [i for i in registry.icbs if any(t.icb == icb.code for t in i.took_over)]


def current(registry: Registry, icb: Icb, day: date) -> list[Icb]:
    """The ICBs that hold this ICB's area on `day`: itself while it exists, else the ICBs
    that took it over (and theirs, in turn)."""
    if icb.exists_on(day):
        return [icb]
    found: list[Icb] = []
    for successor in successors(registry, icb):
        for held in current(registry, successor, day):
            if held not in found:
                found.append(held)
    return found


def areas_in_month(registry: Registry, icb: Icb, month: date) -> list[Area]:
    """The ICBs whose own rows in `month`'s statistics cover this ICB's area: itself in a
    month it existed; for an ICB made later, the ICBs it took over (part of an area for an
    ICB that was split); none for a month after it ended."""
    if icb.exists_on(month):
        return [Area(icb, part=False)]
    if icb.from_ is None or month >= icb.from_:
        return []
    found: list[Area] = []
    for taken in icb.took_over:
        earlier = registry.icb(taken.icb)
        if earlier is None:
            continue
        for area in areas_in_month(registry, earlier, month):
            found.append(Area(area.icb, part=area.part or taken.part))
    return found


def lmns_body(icb: Icb, figures: Sequence[Figure], *, successor: Icb | None = None) -> Trust:
    """The ICB's LMNS as a body to assess (`cocwatch.core.bodies.LMNS`): a record in a
    Trust's shape, whose id is ``icb:CODE``, whose figures are its own statistics rows', and
    whose plan, contacts and address are the ICB's. An ICB that has ended is closed on its
    last day, naming the ICB that took it over."""
    name = icb.lmns or f"the LMNS of {icb.label}"
    return Trust.model_construct(
        id=icb_body_id(icb.code),
        ods=icb.code,
        name=name[:1].upper() + name[1:],
        region=icb.region or "region not recorded",
        icb=icb.code,
        lmns=icb.lmns,
        website=icb.website,
        address=icb.address,
        closed_on=icb.to,
        successor=icb_body_id(successor.code) if successor is not None else None,
        contacts=icb.contacts,
        plan=icb.plan,
        figures=tuple(figures),
        notes=icb.notes,
    )


def body_names(registry: Registry) -> dict[str, str]:
    """The name of every body a letter can go to, by its id: each Trust's, and each ICB's
    (as ``icb:CODE``)."""
    return {t.id: t.name for t in registry.trusts} | {
        icb_body_id(i.code): i.label for i in registry.icbs
    }


def icb_codes(trusts: Iterable[Trust], day: date) -> set[str]:
    """The codes of the ICBs these Trusts were in on `day`."""
    return {code for t in trusts if (code := t.icb_on(day)) is not None}
