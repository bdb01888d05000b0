"""The limits every HTML page cocwatch parses is held to, checked by a quick scan first.

HTML parsers take time that grows with the square of the nesting depth, and with floods of
tags the parser must repair: 80,000 nested <div>s (880 kB) take seconds, 200,000 minutes.
`<div/>` is not self-closing in HTML (it opens a div), so 200,000 of them nest 200,000 deep.
Real pages nest a few dozen levels deep, hold tens of thousands of tags at most and close
few tags that were never opened. `html_problem` scans the tags once (stopping at the first
limit passed) and says in words what is wrong, or None; it is called for every page before
it is parsed: the pages `watch --pages` follows and the MSDS index and release pages.

Imports nothing beyond the standard library.
"""

from __future__ import annotations

import re

MAX_HTML_DEPTH = 2000
MAX_HTML_TAGS = 250_000
MAX_UNMATCHED_CLOSING = 10_000

_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
# Elements that never hold others: `/>` or not, they open nothing.
_VOID_TAGS = frozenset(
    b"area base br col embed hr img input link meta source track wbr param keygen".split()
)
# Elements the parser closes by itself when a sibling opens: they add no depth.
_FLAT_TAGS = _VOID_TAGS | frozenset(
    b"p li dt dd option optgroup tr td th thead tbody tfoot rp rt colgroup".split()
)
# Inside these (SVG, MathML), `<path/>` really is self-closing.
_FOREIGN_TAGS = frozenset({b"svg", b"math"})


def html_problem(body: bytes | str) -> str | None:
    """Why the page must not be parsed (one clause), or None when it is within every limit."""
    data = body.encode("utf-8", errors="replace") if isinstance(body, str) else body
    if data.count(b"<") <= MAX_HTML_DEPTH:
        return None  # too few tags to pass any limit
    depth = 0
    tags = 0
    unmatched = 0
    open_names: dict[bytes, int] = {}
    for match in _TAG.finditer(data):
        tags += 1
        if tags > MAX_HTML_TAGS:
            return (
                f"it holds more than {MAX_HTML_TAGS:,} HTML tags, which no real page needs, "
                "so cocwatch did not read it"
            )
        closing, raw_name, self_closing = match.groups()
        name = raw_name.lower()
        if name in _FLAT_TAGS:
            continue
        if closing:
            count = open_names.get(name, 0)
            if count:
                open_names[name] = count - 1
                depth = max(0, depth - 1)
                continue
            unmatched += 1
            if unmatched > MAX_UNMATCHED_CLOSING:
                return (
                    f"it closes more than {MAX_UNMATCHED_CLOSING:,} HTML tags that were never "
                    "opened, which no real page does, so cocwatch did not read it"
                )
            continue
        if self_closing and (name in _FOREIGN_TAGS or _in_foreign(open_names)):
            continue
        open_names[name] = open_names.get(name, 0) + 1
        depth += 1
        if depth > MAX_HTML_DEPTH:
            return (
                f"its HTML is nested more than {MAX_HTML_DEPTH:,} levels deep, which no real "
                "page needs, so cocwatch did not read it"
            )
    return None


def _in_foreign(open_names: dict[bytes, int]) -> bool:
    return bool(open_names.get(b"svg") or open_names.get(b"math"))
