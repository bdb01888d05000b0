"""`RenderedLetter`: one letter as rendered, the value every output format writes.

It sits below both `.rendering`, which makes it, and the formats (`.text`, `.word`, `.eml`),
which write it, so that neither imports the other to name it.

May import `cocwatch.core.letters` and `.templates` only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cocwatch.core.letters import LetterContext, Placeholder, Reference
from cocwatch.templating.templates import TemplateSpec


@dataclass(frozen=True, slots=True)
class RenderedLetter:
    """One letter, rendered to Markdown, with what the renderer learnt along the way."""

    spec: TemplateSpec
    context: LetterContext
    markdown: str
    subject: str
    references: tuple[Reference, ...]
    placeholders: tuple[Placeholder, ...] = field(default=())
