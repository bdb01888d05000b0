"""Who a postcode's MP is, and the ICB that covers it: the plain values `cocwatch mp` shows and
`letter mp` writes from (SPEC §6.1, DOMAIN §5).

No official lookup from a Trust to the constituencies it serves exists, so the Trusts an MP
is told about are "the Trusts of the ICB that covers your postcode" (`TRUSTS_NOTE`), never
"your constituency's Trusts". An MP acts for their own constituents: the letter carries the
writer's postal address with the postcode that found the MP.

Pure: the registry models only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from cocwatch.core.models import Contact, Source

TRUSTS_NOTE = (
    "No official lookup from a Trust to the constituencies it serves exists: these are the "
    "Trusts of the ICB that covers the postcode."
)
MP_ROLE: Literal["mp"] = "mp"


@dataclass(frozen=True, slots=True)
class Representation:
    """A postcode's constituency, its MP and where to write to them, and the ICB covering it."""

    postcode: str | None  # as postcodes.io writes it, or as given
    constituency: str
    mp: str | None  # the MP's name as the Members API writes it (or --mp-name)
    party: str | None
    address: tuple[str, ...]  # where to write: the House of Commons unless the API says
    email: str | None
    icb_code: str | None  # the ICB covering the postcode on the date, if it could be told
    icb_said: str  # how the ICB was found, in words
    sources: tuple[Source, ...]  # postcodes.io's and Parliament's answers, cited
    honorific: str | None = None  # from the Members API's nameAddressAs ("Ms Abbott")

    def contact(self, checked: date | None = None) -> Contact:
        """The MP as a letter's recipient (`checked`: the day the lookup was made)."""
        return Contact.model_construct(
            role=MP_ROLE,
            name=self.mp,
            honorific=self.honorific,
            title=f"Member of Parliament for {self.constituency}",
            organisation=None,
            email=self.email,
            address="\n".join(self.address) or None,
            phone=None,
            url=None,
            source_url=None,
            checked=checked,
            notes=None,
        )
