"""The licence of the data cocwatch republishes, said wherever it is republished.

NHS England publishes its official statistics (the Maternity Services Monthly Statistics) and
its organisation data (ODS codes) under the Open Government Licence v3.0, which asks for this
attribution. The report's pages and the files `--format` writes carry it when they hold an
official figure; what people recorded from other sources carries its own citation.

May import: the standard library and `cocwatch.core` (for types only).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cocwatch.core.models import Figure

OGL_STATEMENT = (
    "Contains public sector information licensed under the Open Government Licence v3.0."
)
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
COVERS = "NHS England's official statistics and the Trusts' ODS codes"


def republishes(figures: Iterable[Figure]) -> bool:
    """Whether any of these figures is NHS England's official statistics."""
    return any(f.source.official for f in figures)


def licence_json() -> dict[str, Any]:
    """The attribution as JSON: the licence's own words, what it covers, and its address."""
    return {"statement": OGL_STATEMENT, "covers": COVERS, "url": OGL_URL}


def licence_line() -> str:
    """The attribution in a line of text (Markdown or plain)."""
    return f"{OGL_STATEMENT} It covers {COVERS}: {OGL_URL}"
