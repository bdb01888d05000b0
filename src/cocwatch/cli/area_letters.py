"""What an ICB's letter (`letter lmns CODE`, `letter mp --postcode POSTCODE`) is about: the ICB
that exists on the letter's date, its LMNS as bodies with their own figures, its Trusts, and
for an MP, who they are, where to write and whether the writer lives in their constituency.

A step of `letter`, shared by its ICB templates, so it is not a ``cmd_*`` module. May import
the session, selection and lookups.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cocwatch.errors import UsageError

if TYPE_CHECKING:
    from cocwatch.cli.session import Session
    from cocwatch.core.models import Contact, Icb
    from cocwatch.core.representation import Representation
    from cocwatch.templating.drafting import AreaLetter, LetterBatch


def icb_on_letter_date(s: Session, typed: str, on: date) -> Icb:
    """The ICB named, or the one that holds its area on the letter's date (a letter goes to
    the ICB that exists then); a split area is a usage error naming the ICBs it went to."""
    from cocwatch.cli.selection import find_icb
    from cocwatch.core.icbs import current

    named = find_icb(s.curated, typed)
    held = current(s.curated, named, on)
    if len(held) == 1:
        if held[0] is not named:
            s.info(
                f"{named.title} ended on {named.to}; on {on} its area is in {held[0].title}, "
                "so the letter goes to that ICB."
            )
        return held[0]
    if not held:
        raise UsageError(
            f"{named.title} does not exist on {on}, and the registry names no ICB that took it "
            "over. Name an ICB that exists on the letter's date (`cocwatch icbs`)."
        )
    listed = " and ".join(i.title for i in held)
    raise UsageError(
        f"{named.title} ended on {named.to}, and its area was split between {listed}: name the "
        "one you mean."
    )


def area_letter(
    s: Session,
    icb: Icb,
    on: date,
    *,
    representation: Representation | None = None,
) -> AreaLetter:
    """The ICB's LMNS bodies (its predecessors' for an ICB made after the latest figures),
    its Trusts on `on`, and for a letter to an MP, the MP and their constituency."""
    from cocwatch.core.icbs import trusts_in
    from cocwatch.core.letters.area import constituency_view
    from cocwatch.templating.drafting import AreaLetter

    bodies = s.lmns_bodies(icb, on)
    earlier = tuple(found for b in bodies if b.ods != icb.code and (found := s.curated.icb(b.ods)))
    constituency = None
    contacts: tuple[Contact, ...] = ()
    if representation is not None:
        r = representation
        constituency = constituency_view(r.constituency, r.postcode, r.mp, r.party, r.sources)
        contacts = (r.contact(checked=on),)
    members = trusts_in(s.curated, icb.code, on)
    registry = s.registry_for({t.id for t in members})
    return AreaLetter(
        icb=icb,
        bodies=tuple(bodies),
        trusts=tuple(t for t in registry.trusts if t.id in {m.id for m in members}),
        predecessors=earlier,
        split=bool(earlier) and any(t.part for t in icb.took_over),
        constituency=constituency,
        contacts=contacts,
    )


def sent_hint(batch: LetterBatch, icb: Icb, out: Path | None, *, into_folder: bool) -> str:
    """The `cocwatch sent` line that logs an ICB's letter once it is sent: to the ICB it
    went to (``icb:CODE``); a letter to an MP is logged as national (the MP is no body
    cocwatch follows). `out` is where the letter was written (None: printed)."""
    spec = batch.template
    body = f" icb:{icb.code}" if spec.logged_to == "icb" else ""
    written = None
    if out is not None and batch.letters:
        written = out / batch.file_name(batch.letters[0]) if into_folder else out
    draft = f" --file {written}" if written is not None else ""
    return (
        f"Once you have sent it, log it: cocwatch sent {spec.name}{body}{draft} "
        "(add --on DATE if not today)."
    )


def check_writer_address(
    s: Session, address: str | None, found: Representation, *, timeout: float
) -> None:
    """Warn when the sender's address lacks the postcode that found the MP: an MP acts for
    their own constituents, so the letter must come from the writer's own address; a writer
    whose own postcode is in another constituency is told so (DOMAIN §5)."""
    from cocwatch.cli.lookups import LookupFailed, Lookups
    from cocwatch.core.trust_names import postcode

    if found.postcode is None:
        return
    lines = (address or "").replace(",", "\n").splitlines()
    own = next((code for line in lines if (code := postcode(line)) is not None), None)
    if own is None:
        s.warn(
            f"Your address (sender: in the config file, or --sender-address) has no postcode. "
            f"An MP answers only their own constituents: give your full postal address with "
            f"the postcode {found.postcode} that found this MP."
        )
        return
    if own == found.postcode:
        return
    try:
        place = Lookups(s, timeout=timeout).place(own)
    except (LookupFailed, UsageError):
        s.warn(
            f"Your address's postcode {own} is not the postcode {found.postcode} that found "
            f"{found.mp or 'the MP'}, and its constituency could not be checked: an MP "
            "answers only their own constituents."
        )
        return
    if place.constituency and place.constituency.lower() != found.constituency.lower():
        s.warn(
            f"Your address's postcode {own} is in {place.constituency}, not in "
            f"{found.constituency}: an MP answers only their own constituents, so write to "
            f'your own MP (`cocwatch letter mp --postcode "{own}"`).'
        )
