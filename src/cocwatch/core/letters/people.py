"""Who writes and who receives a letter: sender, recipients, salutations, date-dependent terms.

Pure; imports the registry models, the letters' words and citations (for placeholders).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Protocol

from cocwatch.core.letters.citations import placeholder
from cocwatch.core.letters.doc import Doc
from cocwatch.core.models import CONTACT_ROLES, Contact, Sender

# NHS England renamed Maternity Voices Partnerships on 2023-11-28 (DOMAIN §5).
MNVP_RENAMED_ON = date(2023, 11, 28)

# Roles whose letters go to the Trust itself, so the Trust's address is theirs by default.
TRUST_ROLES = frozenset(
    {"chief_executive", "chair", "director_of_midwifery", "board_safety_champion", "foi", "pals"}
)
# Roles whose letters go to the ICB itself (its address by default, in an ICB's letter).
ICB_ROLES = frozenset({"icb_chief_executive", "icb_chair", "lmns_lead", "foi"})
# A contact is checked again before a letter uses it when it was last checked longer ago.
CONTACT_CHECK_DAYS = 365
RECIPIENT_ROLES: tuple[str, ...] = (*CONTACT_ROLES, "followed")

ROLE_TITLES = {
    "chief_executive": "Chief Executive",
    "chair": "Chair",
    "director_of_midwifery": "Director of Midwifery",
    "board_safety_champion": "Board Maternity Safety Champion",
    "foi": "Freedom of Information Officer",
    "pals": "Patient Advice and Liaison Service (PALS)",
    "other": "Recipient",
    "secretary_of_state": "Secretary of State for Health and Social Care",
    "minister": "Minister",
    "ico": "Information Commissioner's Office",
    "icb_chief_executive": "Chief Executive",
    "icb_chair": "Chair",
    "lmns_lead": "LMNS Lead",
    "mp": "Member of Parliament",
}

_HONORIFICS = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "doctor",
    "prof",
    "professor",
    "rev",
    "revd",
    "reverend",
    "cllr",
    "councillor",
    "lord",
    "lady",
    "baroness",
    "baron",
}
_KNIGHTLY = {"sir", "dame"}
_NAME_PREFIXES = ("the rt hon ", "the right honourable ", "rt hon ", "right honourable ")
_POST_NOMINAL = re.compile(r"^(?:[A-Z]{2,6}|PhD|DPhil|MSc|BSc|MA|BA|MBA|MD|FRCOG|FRCM)$")


def salutation_name(name: str) -> str | None:
    """The 'Ms Smith' part of 'Dear Ms Smith', or None when the name has no honorific."""
    text = " ".join(name.replace(",", " , ").split())
    lowered = text.lower()
    for prefix in _NAME_PREFIXES:
        if lowered.startswith(prefix):
            text = text[len(prefix) :]
            break
    words = text.split(" , ")[0].split()
    while len(words) > 1 and _POST_NOMINAL.match(words[-1]):
        words.pop()
    if len(words) < 2:
        return None
    bare = [w.lower().rstrip(".") for w in words]
    for i, word in enumerate(bare):
        if word in _KNIGHTLY and i + 1 < len(words):
            # Knights and dames are addressed by their first name: Dear Sir John.
            return f"{words[i].rstrip('.')} {words[i + 1]}"
    if bare[0] in _HONORIFICS:
        titles = []
        for word, low in zip(words, bare, strict=True):
            if low not in _HONORIFICS:
                break
            titles.append(word.rstrip("."))
        if len(titles) == len(words):
            return None
        return f"{' '.join(titles)} {words[-1]}"
    return None


def salutation_for(role: str, name: str | None, honorific: str | None = None) -> tuple[str, str]:
    """Return the salutation and the matching valediction (UK convention).

    With an `honorific` (Ms, Dr, ...), a name without one is addressed by it and the
    surname: "Dear Ms Example".
    """
    if name and honorific and honorific.strip() and salutation_name(name) is None:
        return salutation_for(role, f"{honorific.strip()} {name}")
    if name:
        formal = salutation_name(name)
        return f"Dear {formal or name.strip()}", "Yours sincerely"
    if role == "secretary_of_state":
        return "Dear Secretary of State", "Yours sincerely"
    if role == "minister":
        return "Dear Minister", "Yours sincerely"
    return "Dear Sir or Madam", "Yours faithfully"


def address_lines(address: str | None) -> tuple[str, ...]:
    """Split a postal address into lines (newlines or commas), dropping empty parts."""
    if not address:
        return ()
    parts = address.splitlines() if "\n" in address.strip() else address.split(",")
    return tuple(p.strip() for p in parts if p.strip())


@dataclass(frozen=True, slots=True)
class SenderView:
    """Who signs the letter (config file `sender:` or --sender-* options)."""

    name: Annotated[str | None, Doc("Their name, if given.")]
    organisation: Annotated[str | None, Doc("Their group or organisation, if given.")]
    address_lines: Annotated[tuple[str, ...], Doc("Their postal address, line by line.")]
    email: Annotated[str | None, Doc("Their email address, if given.")]
    phone: Annotated[str | None, Doc("Their phone number, if given.")]
    signature: Annotated[str, Doc("Their name, or the placeholder '[Your name]'.")]
    block: Annotated[
        tuple[str, ...],
        Doc("Letterhead lines: address, email, phone (or a placeholder when none is known)."),
    ]
    contact: Annotated[
        tuple[str, ...], Doc("Email and phone lines only (for emails), or a placeholder.")
    ]


def sender_view(sender: Sender) -> SenderView:
    """The view of the configured `Sender`, with placeholders for what is missing."""
    lines = address_lines(sender.address)
    extras = tuple(x for x in (sender.email, sender.phone) if x)
    reach = PLACEHOLDER_SENDER_CONTACT.text
    return SenderView(
        name=sender.name,
        organisation=sender.organisation,
        address_lines=lines,
        email=sender.email,
        phone=sender.phone,
        signature=sender.name or PLACEHOLDER_SENDER_NAME.text,
        block=(lines + extras) or (reach,),
        contact=extras or lines or (reach,),
    )


PLACEHOLDER_SENDER_NAME = placeholder("Your name")
PLACEHOLDER_SENDER_CONTACT = placeholder("Your postal address or email address")
PLACEHOLDER_EXPERIENCE = placeholder(
    "Your own experience",
    "in two or three sentences of your own, say why continuity of carer matters to you and to "
    "families here. Letters in the writer's own words carry far more weight than identical ones.",
)


@dataclass(frozen=True, slots=True)
class RecipientView:
    """Who the letter is addressed to (from the registry's contacts)."""

    role: Annotated[str, Doc("The contact role the template asks for.")]
    role_title: Annotated[str, Doc("Their job title: the contact's title, or the role's.")]
    known: Annotated[bool, Doc("Whether the registry has a contact for the role.")]
    named: Annotated[bool, Doc("Whether their name is known.")]
    name: Annotated[str | None, Doc("Their name, if known.")]
    organisation: Annotated[str | None, Doc("Their organisation (the Trust for Trust roles).")]
    email: Annotated[str | None, Doc("Their email address, if known (the .eml To:).")]
    address_lines: Annotated[
        tuple[str, ...], Doc("Their postal address (the Trust's for Trust roles), or ().")
    ]
    address_placeholder: Annotated[str, Doc("What the letter shows when no address is known.")]
    label: Annotated[str, Doc("Their role in a sentence: 'the Chair'.")]
    described: Annotated[
        str,
        Doc(
            "Their role and whose it is, in a sentence: 'the Chair at Leeds Teaching Hospitals "
            "NHS Trust', 'the MNVP Chair for the maternity services of …' (an MNVP is not part "
            "of the Trust), 'the Information Commissioner's Office'."
        ),
    ]
    cc_label: Annotated[str, Doc("For a cc line: 'Dr Raj Patel, Chair' or 'Chair'.")]
    salutation: Annotated[
        str, Doc("'Dear Ms Smith', 'Dear Secretary of State' or 'Dear Sir or Madam'.")
    ]
    valediction: Annotated[str, Doc("'Yours sincerely' (named) or 'Yours faithfully'.")]
    block: Annotated[
        tuple[str, ...],
        Doc("The address block: name, title, organisation, address (or a placeholder)."),
    ]
    checked: Annotated[
        date | None, Doc("When someone last checked the contact's details (None: not recorded).")
    ] = None
    source_url: Annotated[str | None, Doc("Where the contact's details were found.")] = None
    stale: Annotated[
        bool,
        Doc("Whether the contact was not checked in the year before the letter's date."),
    ] = False


def contact_stale(contact: Contact | None, on: date | None) -> bool:
    """A named person recorded as a contact and last checked more than a year before `on`:
    people change jobs, while an office's address rarely moves. (A contact recorded without
    a `checked` date is shown as such by `show`, not flagged on every letter.)"""
    if contact is None or on is None or not contact.name or contact.checked is None:
        return False
    return (on - contact.checked).days > CONTACT_CHECK_DAYS


def _the(title: str, *, capital: bool = False) -> str:
    """Put 'the' before a job title, unless it already starts with one."""
    article = "The" if capital else "the"
    return title if title.lower().startswith("the ") else f"{article} {title}"


class AddressedTrust(Protocol):
    """What a recipient's address block needs of the Trust (a `TrustView`)."""

    @property
    def name(self) -> str: ...

    @property
    def address_lines(self) -> tuple[str, ...]: ...


def recipient_view(
    role: str,
    contact: Contact | None,
    *,
    trust: AddressedTrust | None,
    terms: TermsView,
    on: date | None = None,
    roles: frozenset[str] = TRUST_ROLES,
) -> RecipientView:
    """Address a letter to `role`, falling back to the body's address for its `roles` (a
    Trust's roles, or an ICB's); `on` is the letter's date (to flag an old contact)."""
    name = contact.name.strip() if contact and contact.name and contact.name.strip() else None
    role_title = (contact.title if contact and contact.title else None) or (
        f"{terms.mnvp} Chair" if role == "mnvp" else ROLE_TITLES.get(role, "Recipient")
    )
    organisation = contact.organisation if contact else None
    lines = address_lines(contact.address) if contact else ()
    if trust is not None and role in roles:
        organisation = organisation or trust.name
        lines = lines or trust.address_lines
    honorific = contact.honorific if contact else None
    salutation, valediction = salutation_for(role, name, honorific)
    if name and honorific and honorific.strip() and salutation_name(name) is None:
        name = f"{honorific.strip()} {name}"
    missing = placeholder(f"Postal address of the {role_title}")
    block: list[str] = []
    if name:
        block += [name, role_title]
    elif role in ("secretary_of_state", "minister"):
        block.append(role_title)
    else:
        block.append(_the(role_title, capital=True))
    if organisation and organisation not in lines:
        block.append(organisation)
    block += list(lines) if lines else [missing.text]
    return RecipientView(
        role=role,
        role_title=role_title,
        known=contact is not None,
        named=name is not None,
        name=name,
        organisation=organisation,
        email=contact.email if contact and contact.email else None,
        address_lines=lines,
        address_placeholder=missing.text,
        label=_the(role_title),
        described=_described(role, _the(role_title), organisation, trust),
        cc_label=f"{name}, {role_title}" if name else role_title,
        salutation=salutation,
        valediction=valediction,
        block=tuple(block),
        checked=contact.checked if contact else None,
        source_url=contact.source_url if contact else None,
        stale=contact_stale(contact, on),
    )


def _described(
    role: str, label: str, organisation: str | None, trust: AddressedTrust | None
) -> str:
    """The recipient in a sentence, with the body they belong to, as it stands to the Trust."""
    if trust is not None and role in TRUST_ROLES:
        return f"{label} at {organisation or trust.name}"
    if trust is not None and role == "mnvp":  # independent of the Trust, working with it
        return f"{label} for the maternity services of {trust.name}"
    if organisation and organisation.lower() not in label.lower():
        return f"{label} at {organisation}"
    return label


@dataclass(frozen=True, slots=True)
class TermsView:
    """Words whose right form depends on the letter's date."""

    mnvp: Annotated[str, Doc("'MNVP' (from 28 November 2023) or 'MVP' before.")]
    mnvp_long: Annotated[
        str, Doc("'Maternity and Neonatal Voices Partnership' or 'Maternity Voices Partnership'.")
    ]


def terms_for(as_of: date) -> TermsView:
    if as_of >= MNVP_RENAMED_ON:
        return TermsView("MNVP", "Maternity and Neonatal Voices Partnership")
    return TermsView("MVP", "Maternity Voices Partnership")
