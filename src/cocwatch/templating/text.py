"""Letters as Markdown and as plain text: the Markdown subset the letters use, read as blocks.

`parse_blocks` and `inline_runs` are shared with the Word writer (`.word`); `to_text` is the
plain-text letter (no markup, one line per paragraph) that is pasted into email and is the
body of the email draft. The standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cocwatch.templating.rendered import RenderedLetter


@dataclass(frozen=True, slots=True)
class Block:
    """A Markdown block: heading, paragraph, bullet, numbered item or rule."""

    kind: str  # heading | para | bullet | number | rule
    lines: tuple[str, ...]  # after hard breaks; inline markup still in place
    level: int = 0  # heading level
    number: str = ""  # numbered item's number


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^[-*+]\s+(.*)$")
_NUMBER = re.compile(r"^(\d{1,4})[.)]\s+(.*)$")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})\s*$")


def parse_blocks(markdown: str) -> list[Block]:
    """Split the Markdown subset the letters use into blocks."""
    blocks: list[Block] = []
    kind, level, number = "", 0, ""
    raw: list[str] = []

    def flush() -> None:
        nonlocal raw, kind
        if raw:
            blocks.append(Block(kind or "para", _join(raw), level, number))
        raw, kind = [], ""

    for line in markdown.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if m := _HEADING.match(stripped):
            flush()
            blocks.append(Block("heading", (m[2],), len(m[1])))
            continue
        if _RULE.match(stripped) and not raw:
            blocks.append(Block("rule", ()))
            continue
        is_item = (m_b := _BULLET.match(line)) or (m_n := _NUMBER.match(line))
        if is_item:
            flush()
            if m_b:
                kind, level, number, raw = "bullet", 0, "", [m_b[1]]
            else:
                kind, level, number, raw = "number", 0, m_n[1], [m_n[2]]  # type: ignore[index]
            continue
        if not raw:
            kind, level, number = "para", 0, ""
        raw.append(stripped if kind != "para" else line.strip())
    flush()
    return blocks


def _join(raw: list[str]) -> tuple[str, ...]:
    lines: list[str] = []
    current = ""
    for part in raw:
        hard = part.endswith("\\") and not part.endswith("\\\\")
        text = part[:-1].rstrip() if hard else part
        current = f"{current} {text}" if current else text
        if hard:
            lines.append(current)
            current = ""
    if current:
        lines.append(current)
    return tuple(lines)


_INLINE = re.compile(
    r"(?P<bold>\*\*(?P<b>.+?)\*\*)"
    r"|(?P<link>\[(?P<lt>[^\]\n]+)\]\((?P<lu>[^)\s]+)\))"
    r"|(?P<em>(?<![\w*])\*(?P<e>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*]))"
    r"|(?P<esc>\\(?P<ec>[\\`*_{}\[\]()#+\-.!<>~=]))"
)


def inline_runs(text: str) -> list[tuple[str, bool, bool]]:
    """Split inline Markdown into (text, bold, italic) runs; links become 'text (url)'."""
    runs: list[tuple[str, bool, bool]] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            runs.append((text[pos : m.start()], False, False))
        if m["bold"]:
            runs += [(t, True, i) for t, _, i in inline_runs(m["b"])]
        elif m["link"]:
            label, url = m["lt"], m["lu"]
            runs.append((url if label == url else f"{label} ({url})", False, False))
        elif m["em"]:
            runs += [(t, b, True) for t, b, _ in inline_runs(m["e"])]
        else:
            runs.append((m["ec"], False, False))
        pos = m.end()
    if pos < len(text):
        runs.append((text[pos:], False, False))
    return runs


def plain_inline(text: str) -> str:
    return "".join(t for t, _, _ in inline_runs(text))


def to_text(markdown: str) -> str:
    """The letter as plain text: no markup, one line per paragraph (for pasting and email)."""
    text = ""
    previous = ""
    for block in parse_blocks(markdown):
        if block.kind == "rule":
            continue
        lines = [plain_inline(line) for line in block.lines]
        if block.kind == "bullet":
            lines = ["- " + lines[0]] + ["  " + x for x in lines[1:]]
        elif block.kind == "number":
            indent = " " * (len(block.number) + 2)
            lines = [f"{block.number}. {lines[0]}"] + [indent + x for x in lines[1:]]
        if text:
            # Items of one list stay together; other blocks are separated by a blank line.
            same_list = block.kind in ("bullet", "number") and block.kind == previous
            text += "\n" if same_list else "\n\n"
        text += "\n".join(lines)
        previous = block.kind
    return text + "\n"


def markdown_bytes(letter: RenderedLetter) -> bytes:
    """The letter as rendered: Markdown, UTF-8."""
    return letter.markdown.encode("utf-8")


def text_bytes(letter: RenderedLetter) -> bytes:
    """The letter as plain text, UTF-8."""
    return to_text(letter.markdown).encode("utf-8")
