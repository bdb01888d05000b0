"""UK Parliament's Members API: a constituency's current MP and where to write to them.

The shapes read here are those of the API's own OpenAPI description (the models
``ConstituencyMembersServiceSearchResult``, ``ConstituencyItem``, ``Constituency``,
``ConstituencyRepresentation``, ``MemberItem``, ``Member``, ``Party``,
``ContactInformationListItem`` and ``ContactInformation``), in the API's camelCase JSON:

- ``GET /api/Location/Constituency/Search?searchText=<text>`` answers ``{"items": [{"value":
  {"id", "name", "currentRepresentation": {"member": {"value": {"id", "nameDisplayAs",
  "nameAddressAs", "nameFullTitle", "latestParty": {"name"}}}}}}], "totalResults"}``; it
  lists the constituencies whose names *contain* the text, so the one wanted is chosen by
  its whole name;
- ``GET /api/Members/<id>/Contact`` answers ``{"value": [{"type", "isPreferred", "line1"
  … "line5", "postcode", "email", "phone"}]}``: the member's offices.

Parliament's data is published under the Open Parliament Licence v3.0 (`LICENCE`).
Fetching is the caller's; this module builds addresses and reads answers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from cocwatch.core.safe_text import has_unsafe

DEFAULT_URL = "https://members-api.parliament.uk"
WHAT = "UK Parliament's Members API"
LICENCE = (
    "Contains Parliamentary information licensed under the Open Parliament Licence v3.0 "
    "(https://www.parliament.uk/site-information/copyright-parliament/open-parliament-licence/)"
)
# Where to write to any MP, unless the Members API gives another address (DOMAIN §5).
HOUSE_OF_COMMONS = ("House of Commons", "London", "SW1A 0AA")


@dataclass(frozen=True, slots=True)
class Member:
    """A Member of Parliament, as the Members API names them."""

    id: int
    name: str  # nameDisplayAs: "Ms Diane Abbott"
    address_as: str | None  # nameAddressAs: "Ms Abbott"
    full_title: str | None  # nameFullTitle: "Rt Hon Diane Abbott MP"
    party: str | None


@dataclass(frozen=True, slots=True)
class Constituency:
    """A Westminster constituency and the MP who represents it now (None: vacant)."""

    id: int
    name: str
    member: Member | None


@dataclass(frozen=True, slots=True)
class Office:
    """One of an MP's offices: its postal address and email, where the API gives them."""

    kind: str  # the API's `type`, e.g. "Parliamentary office"
    lines: tuple[str, ...]
    email: str | None
    preferred: bool


def search_url(base: str, name: str) -> str:
    """The address of a constituency search by name."""
    query = urlencode({"searchText": name, "skip": 0, "take": 20})
    return f"{base.rstrip('/')}/api/Location/Constituency/Search?{query}"


def contact_url(base: str, member_id: int) -> str:
    """The address of a member's contact details."""
    return f"{base.rstrip('/')}/api/Members/{quote(str(member_id), safe='')}/Contact"


def _json(data: bytes) -> Any:
    try:
        return json.loads(data)
    except (UnicodeDecodeError, ValueError):
        raise ValueError("the answer is not JSON") from None


def _text(value: Any) -> str | None:
    """A text value of the answer, or None; a control character or direction mark in it (which
    would reach a letter or a terminal as it is) makes the answer unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    if has_unsafe(value, one_line=True):
        raise ValueError("a value in the answer holds a control character")
    return " ".join(value.split())


def _member(value: Any) -> Member | None:
    if not isinstance(value, dict) or not isinstance(value.get("id"), int):
        return None
    name = _text(value.get("nameDisplayAs"))
    if name is None:
        return None
    party = value.get("latestParty")
    return Member(
        id=value["id"],
        name=name,
        address_as=_text(value.get("nameAddressAs")),
        full_title=_text(value.get("nameFullTitle")),
        party=_text(party.get("name")) if isinstance(party, dict) else None,
    )


def parse_constituency(data: bytes, name: str) -> Constituency | None:
    """The constituency called `name` (case and spacing aside) in a search's answer, with
    its current MP; None when the answer lists no such constituency."""
    answer = _json(data)
    items = answer.get("items") if isinstance(answer, dict) else None
    if not isinstance(items, list):
        raise ValueError("the answer has no list of items")
    wanted = " ".join(name.lower().split())
    for item in items:
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, dict) or not isinstance(value.get("id"), int):
            continue
        found = _text(value.get("name"))
        if found is None or " ".join(found.lower().split()) != wanted:
            continue
        representation = value.get("currentRepresentation")
        member = None
        if isinstance(representation, dict):
            held = representation.get("member")
            member = _member(held.get("value") if isinstance(held, dict) else None)
        return Constituency(id=value["id"], name=found, member=member)
    return None


def parse_offices(data: bytes) -> tuple[Office, ...]:
    """A member's offices from the Contact answer (those with a postal address or email)."""
    answer = _json(data)
    items = answer.get("value") if isinstance(answer, dict) else None
    if not isinstance(items, list):
        raise ValueError("the answer has no list of contact details")
    offices = []
    for item in items:
        if not isinstance(item, dict):
            continue
        lines = [_text(item.get(f"line{i}")) for i in range(1, 6)]
        lines.append(_text(item.get("postcode")))
        address = tuple(line for line in lines if line)
        email = _text(item.get("email"))
        if address or email:
            offices.append(
                Office(
                    kind=_text(item.get("type")) or "",
                    lines=address,
                    email=email,
                    preferred=item.get("isPreferred") is True,
                )
            )
    return tuple(offices)


def westminster_office(offices: tuple[Office, ...]) -> Office | None:
    """The office at Parliament (the one to write to about national policy), if listed."""
    for office in offices:
        if "parliament" in office.kind.lower() or any(
            "house of commons" in line.lower() for line in office.lines
        ):
            return office
    return None
