"""One neutraliser for text that reaches a terminal or a document from outside: a file someone
else may have written (a shared registry, a correspondence log, a statistics manifest), a
published file, a web page, WhatDoTheyKnow.

`for_terminal` neutralises control characters (an escape sequence recolours or rewrites a
terminal; a carriage return hides what came before it) and bidirectional overrides (which
show text in another order than it is written) by printing them as visible escapes. Every
line cocwatch prints goes through it (`cli.output.emit`, the warnings and errors); `for_json`
is the same for JSON text, written as JSON's own escapes so that the value stays exact.
`web_address` is the only kind of address a published page links to: http(s).
`markdown_literal` makes registry text appear in a Markdown letter exactly as written: no raw
HTML, no link or image, no heading, list or quote made by a line of an address.

Pure: imports only the standard library.
"""

from __future__ import annotations

import re

# C0 and C1 controls except tab and line feed, and the bidi overrides, isolates and marks.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# A line that Markdown would read as a heading, list item, quote, rule or code fence.
_BLOCK_START = re.compile(r"^(\s*)(#|>|[-*+](?=\s|$)|(\d{1,9})([.)])(?=\s|$)|`{3}|~{3}|={3,}$)")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(text: str, *, one_line: bool = False) -> str:
    """`text` with every control character and direction mark shown as an escape (`\\x1b`);
    with `one_line`, line breaks too."""
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE
    return pattern.sub(_visible, text)


def for_json(text: str) -> str:
    """JSON text with every control character and direction mark left raw by `json.dumps`
    (C1 controls, DEL, bidi marks) written as a JSON escape: the same value, safe to print."""
    return _UNSAFE.sub(_json_escape, text)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def web_address(url: str | None) -> str | None:
    """`url` when it is an http(s) address with a host and nothing unsafe in it, else None:
    the only addresses a published page may link to (never ``javascript:`` or ``data:``)."""
    if not url or has_unsafe(url, one_line=True):
        return None
    scheme, _, rest = url.partition("://")
    if scheme.lower() not in ("http", "https") or not rest or rest[0] in "/?#":
        return None
    return url


def has_unsafe(text: str, *, one_line: bool = False) -> bool:
    """Whether `text` holds a control character or direction mark (or, `one_line`, a break)."""
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE
    return pattern.search(text) is not None


def markdown_literal(text: str) -> str:
    """`text` escaped so that Markdown shows it as written (and drops unsafe characters)."""
    text = _UNSAFE.sub("", text)
    text = text.replace("\\", "\\\\").replace("<", "\\<")
    if "](" in text or "![" in text:
        text = text.replace("[", "\\[").replace("]", "\\]").replace("!", "\\!")
    text = text.replace("`", "\\`")
    return "\n".join(_BLOCK_START.sub(_escape_block, line) for line in text.split("\n"))


def _escape_block(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if match.group(3) is not None:  # "1. " would start a numbered list
        return f"{indent}{match.group(3)}\\{match.group(4)}"
    return f"{indent}\\{marker}"
