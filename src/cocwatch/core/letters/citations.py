"""Citations and placeholders: where each fact comes from, numbered as a letter cites it.

`LetterState.cite` numbers each source the first time a letter quotes it and returns the
marker (``[1]``); `LetterState.references` is the numbered list to print at the end.
Placeholders (``[Your name]``) stand in for details nobody has recorded yet; the renderer warns
about every one that appears in a letter.

Pure; imports the registry models and the letters' words.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from cocwatch.core import wording
from cocwatch.core.letters.doc import Doc
from cocwatch.core.letters.words import uk_date
from cocwatch.core.models import Source


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A detail nobody has recorded yet: shown as `text` in a letter until filled in."""

    label: Annotated[str, Doc("What is missing, e.g. 'Your name'.")]
    text: Annotated[str, Doc("What the letter shows instead, e.g. '[Your name]'.")]

    def __str__(self) -> str:
        return self.text


def placeholder(label: str, hint: str | None = None) -> Placeholder:
    """A visible placeholder: '[Label]' or '[Label: hint]'."""
    return Placeholder(label, f"[{label}: {hint}]" if hint else f"[{label}]")


@dataclass(frozen=True, slots=True)
class SourceView:
    """Where a fact comes from."""

    title: Annotated[str | None, Doc("The document's title, if recorded.")]
    url: Annotated[str | None, Doc("Its web address, if recorded.")]
    kind: Annotated[str, Doc("msds, board_paper, foi, cqc, news, other (or plan, review).")]
    kind_text: Annotated[str, Doc("The kind in words, e.g. 'Trust Board paper'.")]
    retrieved: Annotated[date | None, Doc("When it was retrieved, if recorded.")]
    retrieved_long: Annotated[str | None, Doc("That date in words.")]
    note: Annotated[str | None, Doc("A caveat, e.g. 'no source recorded in the registry'.")]
    text: Annotated[str, Doc("The whole citation on one line, as the reference list shows it.")]


@functools.lru_cache(maxsize=4096)  # many figures cite the same document; views are frozen
def document_view(
    *,
    title: str | None,
    url: str | None,
    kind: str = "other",
    retrieved: date | None = None,
    note: str | None = None,
) -> SourceView:
    kind_text = wording.SOURCE_KIND.get(kind, "Source")  # type: ignore[call-overload]  # also plan, review
    text = title.strip().rstrip(".") if title else kind_text
    if url:
        text += f". {url}"
    extras = [f"retrieved {uk_date(retrieved)}"] if retrieved else []
    extras += [note] if note else []
    if extras:
        text += f" ({'; '.join(extras)})"
    if not url:
        text += "."
    return SourceView(
        title=title,
        url=url,
        kind=kind,
        kind_text=kind_text,
        retrieved=retrieved,
        retrieved_long=uk_date(retrieved) if retrieved else None,
        note=note,
        text=" ".join(text.split()),
    )


def source_view(source: Source) -> SourceView:
    """The view of a registry `Source`."""
    return document_view(
        title=source.title, url=source.url, kind=source.kind, retrieved=source.retrieved
    )


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of a letter's numbered reference list."""

    number: Annotated[int, Doc("Its number, as cited in the text: [1].")]
    source: Annotated[SourceView, Doc("The source cited.")]
    text: Annotated[str, Doc("The citation on one line (same as source.text).")]


class LetterState:
    """The per-letter bookkeeping a template updates while it renders: citations, placeholders.

    Pure and deterministic: numbers follow the order in which the letter first cites each
    source; citing the same source again reuses its number.
    """

    def __init__(self) -> None:
        self.references: list[Reference] = []
        self.extra_placeholders: list[Placeholder] = []
        self._numbers: dict[tuple[str, str], int] = {}

    def cite(self, *things: Any, title: str | None = None, url: str | None = None) -> str:
        """Number the sources of `things` (figures, targets, plans...) and return '[1, 2]'."""
        sources = [_citation_of(thing) for thing in things]
        if title or url:
            sources.append(document_view(title=title, url=url))
        if not sources:
            raise ValueError("cite() needs something to cite: a figure, target, plan or title=")
        numbers: list[int] = []
        for src in sources:
            # One document, one number: a web address identifies it; else its title.
            key = ("url", src.url) if src.url else ("title", src.title or src.text)
            number = self._numbers.get(key)
            if number is None:
                number = len(self.references) + 1
                self._numbers[key] = number
                self.references.append(Reference(number, src, src.text))
            if number not in numbers:
                numbers.append(number)
        return "[" + ", ".join(str(n) for n in numbers) + "]"

    def placeholder(self, label: str, hint: str | None = None) -> str:
        """A placeholder the template writes itself; it is reported like the built-in ones."""
        made = placeholder(str(label), str(hint) if hint is not None else None)
        self.extra_placeholders.append(made)
        return made.text


def _citation_of(thing: Any) -> SourceView:
    if isinstance(thing, SourceView):
        return thing
    citation = getattr(thing, "citation", None)
    if isinstance(citation, SourceView):
        return citation
    what = "nothing (the value is not known)" if thing is None else type(thing).__name__
    raise ValueError(
        f"cite() cannot cite {what}: pass a figure, target, plan, Board review, "
        "inspection or source, or title='...'"
    )
