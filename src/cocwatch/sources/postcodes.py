"""postcodes.io: a UK postcode's parliamentary constituency, ICB and NHS region, as plain values.

The shapes read here are postcodes.io's own, from its source (``ideal-postcodes/postcodes.io``):
``GET /postcodes/<postcode>`` answers ``{"status": 200, "result": {...}}`` with the fields of
``PostcodeInterface`` (``api/app/models/postcode.ts``): ``postcode``, ``country``,
``parliamentary_constituency``, ``icb`` (the ICB's name, e.g. "NHS North West London
Integrated Care Board"), ``nhs_region`` and ``codes`` (GSS codes: ``codes.icb``,
``codes.parliamentary_constituency``); an unknown postcode answers 404 with
``{"status": 404, "error": "Postcode not found"}`` or ``"Invalid postcode"``
(``api/app/lib/errors.ts``). Any of these fields may be null.

Fetching is the caller's (through the cache folder); this module builds addresses and reads
answers. Pure apart from the standard library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from cocwatch.core.safe_text import has_unsafe

DEFAULT_URL = "https://api.postcodes.io"
WHAT = "postcodes.io"


@dataclass(frozen=True, slots=True)
class PostcodePlace:
    """What postcodes.io says of one postcode."""

    postcode: str  # as postcodes.io writes it: "SW1A 1AA"
    country: str | None
    constituency: str | None  # the Westminster constituency's name
    constituency_code: str | None  # its GSS code (E14…)
    icb: str | None  # the ICB's name, as the ONS Postcode Directory gives it
    icb_code: str | None  # its GSS code (E54…)
    nhs_region: str | None


def postcode_url(base: str, postcode: str) -> str:
    """The address of one postcode's lookup: BASE/postcodes/SW1A%201AA."""
    return f"{base.rstrip('/')}/postcodes/{quote(postcode, safe='')}"


def _text(value: Any) -> str | None:
    """A text value of the answer, or None; a control character or direction mark in it (which
    would reach a letter or a terminal as it is) makes the answer unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    if has_unsafe(value, one_line=True):
        raise ValueError("a value in the answer holds a control character")
    return " ".join(value.split())


def parse_postcode(data: bytes) -> PostcodePlace:
    """Read postcodes.io's answer for one postcode; anything else is a ValueError in words."""
    try:
        answer = json.loads(data)
    except (UnicodeDecodeError, ValueError):
        raise ValueError("the answer is not JSON") from None
    result = answer.get("result") if isinstance(answer, dict) else None
    if not isinstance(result, dict) or not _text(result.get("postcode")):
        raise ValueError("the answer has no result with a postcode in it")
    codes = result.get("codes")
    codes = codes if isinstance(codes, dict) else {}
    return PostcodePlace(
        postcode=str(_text(result.get("postcode"))),
        country=_text(result.get("country")),
        constituency=_text(result.get("parliamentary_constituency")),
        constituency_code=_text(codes.get("parliamentary_constituency")),
        icb=_text(result.get("icb")),
        icb_code=_text(codes.get("icb")),
        nhs_region=_text(result.get("nhs_region")),
    )
