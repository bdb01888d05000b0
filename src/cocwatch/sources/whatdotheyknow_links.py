"""Links that start a request on WhatDoTheyKnow, with the letter, its title and the tags filled in.

A letter is put as the site wants it (no address block, salutation or sign-off: the site adds
its own) and a link too long for every browser leaves the letter out and says to paste it.
The link (``/new/<url_name>`` with ``title``, ``default_letter`` and ``tags``) is described
in Alaveteli's ``doc/developers/api.md``. Reading requests and feeds is
`cocwatch.sources.whatdotheyknow`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from cocwatch.sources.whatdotheyknow import SITE

# The longest link every browser, mail program and web server is known to take (Internet
# Explorer stopped at 2,083 characters; the sitemaps protocol allows 2,048); WhatDoTheyKnow
# publishes no limit of its own. A letter that does not fit is left out of the link, whose
# letter box then says to paste it (the command prints the text beneath the link).
MAX_LINK_CHARS = 2000
PASTE_NOTE = (
    "[Paste the letter here: cocwatch printed it beneath this link, as it is too long to fit "
    "in a link.]"
)
_URL_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def letter_for_site(text: str) -> str:
    """A plain-text letter as the site wants it: no address block, salutation or sign-off.

    The site adds its own "Dear ..." and "Yours faithfully" round the text; the letter's
    references are kept at the end.
    """
    lines = text.splitlines()
    start = next((i + 1 for i, line in enumerate(lines) if line.startswith("Dear ")), 0)
    end = next(
        (i for i in range(start, len(lines)) if lines[i].strip() in _VALEDICTIONS), len(lines)
    )
    refs = next(
        (i for i in range(end, len(lines)) if lines[i].strip().lower() == "references"), None
    )
    body = "\n".join(lines[start:end]).strip()
    if refs is not None:
        body += "\n\n" + "\n".join(
            line for line in lines[refs:] if not (line.strip() and set(line.strip()) <= {"=", "-"})
        )
    return body.strip() + "\n"


def title_for_site(subject: str) -> str:
    """A request's summary for the site: the subject without "Freedom of Information request:".

    Alaveteli adds that itself, and asks for a summary of what is requested instead
    (``InfoRequest::TitleValidation``); it also wants mixed case, which a subject has.
    """
    title = re.sub(
        r"^\s*(FOI|Freedom of Information)\s+requests?\s*[:\-–]\s*", "", subject, flags=re.I
    )
    title = title.strip() or subject.strip()
    return title[:1].upper() + title[1:]


_VALEDICTIONS = {"Yours sincerely", "Yours faithfully", "Yours sincerely,", "Yours faithfully,"}


@dataclass(frozen=True, slots=True)
class NewRequestLink:
    """The link that opens a new request on the site, and whether the letter fitted in it."""

    url: str
    letter_included: bool


def new_request_link(
    url_name: str,
    *,
    title: str,
    letter: str,
    tags: Sequence[str],
    site: str = SITE,
) -> NewRequestLink:
    """The ``/new/<url_name>`` link with the title, the letter and the tags filled in; a letter
    that would make the link longer than `MAX_LINK_CHARS` is replaced by `PASTE_NOTE`."""
    if not _URL_NAME.match(url_name):
        raise ValueError(
            f"'{url_name}' is not a body name as WhatDoTheyKnow writes them (lower case "
            "letters, digits, _ and -, as in the address of the body's page)"
        )
    base = f"{site.rstrip('/')}/new/{quote(url_name)}"
    params = {"title": title, "default_letter": letter, "tags": " ".join(tags)}
    url = f"{base}?{urlencode(params, quote_via=quote)}"
    if len(url) <= MAX_LINK_CHARS:
        return NewRequestLink(url, letter_included=True)
    params["default_letter"] = PASTE_NOTE
    url = f"{base}?{urlencode(params, quote_via=quote)}"
    if len(url) > MAX_LINK_CHARS:  # a title too long to fit as well: the site asks for one
        del params["title"]
        url = f"{base}?{urlencode(params, quote_via=quote)}"
    return NewRequestLink(url, letter_included=False)


def machine_tag(name: str, value: str) -> str:
    """An Alaveteli machine tag, ``name:value`` (no spaces: tags are space-separated)."""
    return f"{name}:{re.sub(r'[^A-Za-z0-9_-]', '', value)}"


__all__ = [
    "MAX_LINK_CHARS",
    "PASTE_NOTE",
    "NewRequestLink",
    "letter_for_site",
    "machine_tag",
    "new_request_link",
    "title_for_site",
]
