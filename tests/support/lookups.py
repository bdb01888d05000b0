"""SYNTHETIC answers in the shapes of postcodes.io and UK Parliament's Members API, served by a
real HTTP server on 127.0.0.1 (`tests.support.web.PageServer`).

The shapes follow each service's own source: postcodes.io's `PostcodeInterface`
(api/app/models/postcode.ts) and errors (api/app/lib/errors.ts); the Members API's
`ConstituencyMembersServiceSearchResult`, `Member` and `ContactInformation` models. Every
name, MP and address here is synthetic; the ICB names are those the shipped registry holds.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote, urlencode

from tests.support.web import PageServer, Route

POSTCODE = "LS2 9JT"  # SYNTHETIC answer below: Leeds, West Yorkshire ICB (QWO)
CONSTITUENCY = "Leeds Central and Headingley"
MP_ID = 9001


def postcode_answer(
    postcode: str = POSTCODE,
    *,
    constituency: str | None = CONSTITUENCY,
    icb: str | None = "NHS West Yorkshire Integrated Care Board",
    icb_code: str | None = "E54000054",
) -> dict[str, Any]:
    """postcodes.io's answer for one postcode (SYNTHETIC values, real field names)."""
    return {
        "status": 200,
        "result": {
            "postcode": postcode,
            "quality": 1,
            "country": "England",
            "nhs_region": "North East and Yorkshire",
            "parliamentary_constituency": constituency,
            "parliamentary_constituency_2024": constituency,
            "admin_district": "Leeds",
            "icb": icb,
            "ccg": "NHS West Yorkshire",
            "codes": {
                "admin_district": "E08000035",
                "parliamentary_constituency": "E14001331",
                "icb": icb_code,
            },
        },
    }


def constituency_answer(
    name: str = CONSTITUENCY, *, member: bool = True, others: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The Members API's constituency search (SYNTHETIC MP), with other constituencies whose
    names contain the text, as the real search returns them."""
    items = [
        {"value": {"id": 100 + i, "name": other}, "links": []} for i, other in enumerate(others)
    ]
    value: dict[str, Any] = {"id": 4400, "name": name, "startDate": "2024-07-04T00:00:00"}
    if member:
        value["currentRepresentation"] = {
            "member": {
                "value": {
                    "id": MP_ID,
                    "nameListAs": "Example, Ms Pat",
                    "nameDisplayAs": "Ms Pat Example",
                    "nameFullTitle": "Ms Pat Example MP",
                    "nameAddressAs": "Ms Example",
                    "latestParty": {"id": 1, "name": "Example Party"},
                    "gender": "F",
                },
                "links": [],
            },
            "representation": {"membershipFrom": name},
        }
    items.append({"value": value, "links": []})
    return {"items": items, "totalResults": len(items), "skip": 0, "take": 20, "links": []}


def contact_answer() -> dict[str, Any]:
    """The Members API's contact details of the SYNTHETIC MP."""
    return {
        "value": [
            {
                "type": "Parliamentary office",
                "typeId": 1,
                "isPreferred": True,
                "isWebAddress": False,
                "line1": "House of Commons",
                "line2": "London",
                "postcode": "SW1A 0AA",
                "phone": "020 7946 0000",
                "email": "pat.example.mp@parliament.example",
            },
            {
                "type": "Constituency office",
                "typeId": 4,
                "isPreferred": False,
                "line1": "1 Example Street",
                "line2": "Leeds",
                "postcode": "LS1 1AA",
            },
        ],
        "links": [],
    }


def postcode_path(postcode: str) -> str:
    return f"/postcodes/{quote(postcode, safe='')}"


def search_path(name: str) -> str:
    return "/api/Location/Constituency/Search?" + urlencode(
        {"searchText": name, "skip": 0, "take": 20}
    )


def contact_path(member_id: int = MP_ID) -> str:
    return f"/api/Members/{member_id}/Contact"


def json_route(data: Any, *, status: int = 200, delay: float = 0.0) -> Route:
    return Route(json.dumps(data), status=status, delay=delay, content_type="application/json")


def serve_services(server: PageServer) -> None:
    """The answers of the usual journey: LS2 9JT, its constituency, its MP and their offices."""
    server.routes[postcode_path(POSTCODE)] = json_route(postcode_answer())
    server.routes[search_path(CONSTITUENCY)] = json_route(
        constituency_answer(others=("Leeds East", "Leeds North East"))
    )
    server.routes[contact_path()] = json_route(contact_answer())
