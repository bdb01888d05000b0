"""The letter output formats, one mapping: `--format`, file extensions and writing all read it.

Each format lives in its own module (`.text` for md and txt, `.word` for docx, `.eml` for
email drafts) as a function from a rendered letter to bytes; adding a format is one module
and one `LetterWriter` line here. Light to import (the CLI reads the names at start-up): the
standard library only at module level; the writers import what they need when they run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cocwatch.templating.eml import eml_bytes, missing_address
from cocwatch.templating.text import markdown_bytes, text_bytes
from cocwatch.templating.word import docx_bytes

if TYPE_CHECKING:
    from cocwatch.core.letters import Placeholder
    from cocwatch.templating.rendered import RenderedLetter


def _nothing_missing(letter: RenderedLetter) -> list[Placeholder]:
    return []


@dataclass(frozen=True, slots=True)
class LetterWriter:
    """One output format: its name (the file extension) and how a letter is written in it."""

    name: str
    description: str  # for --help: "a Word document"
    write: Callable[[RenderedLetter], bytes]
    # Whether the bytes can be shown in a terminal (a Word document cannot).
    printable: bool = True
    # Whether this is an email (templates leave out postal blocks).
    email: bool = False
    # Placeholders the format itself needs filled (an email draft: the To: address).
    missing: Callable[[RenderedLetter], list[Placeholder]] = _nothing_missing


LETTER_WRITERS: dict[str, LetterWriter] = {
    writer.name: writer
    for writer in (
        LetterWriter("md", "Markdown", markdown_bytes),
        LetterWriter("txt", "plain text", text_bytes),
        LetterWriter("docx", "a Word document", docx_bytes, printable=False),
        LetterWriter(
            "eml", "an unsent email draft", eml_bytes, email=True, missing=missing_address
        ),
    )
}
LETTER_FORMATS: tuple[str, ...] = tuple(LETTER_WRITERS)
DEFAULT_LETTER_FORMAT = "md"


def letter_bytes(letter: RenderedLetter, fmt: str) -> bytes:
    """The letter in output format `fmt` (one of `LETTER_FORMATS`)."""
    writer = LETTER_WRITERS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown letter format {fmt!r}")
    return writer.write(letter)
