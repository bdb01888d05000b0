"""What an official statistics source is to the store: how its files are read and kept.

A source (NHS England's MSDS measures file is the first) declares an `OfficialSource`: what
the core knows of it (`cocwatch.core.measures.SourceDeclaration`: its name, which is the
store's folder for its files and the manifest's `source`, its measures and their words, its
publisher), the published columns its kept files have, how to read a file into rows and
observations, and which observations become a Trust's figures.
`cocwatch.statistics.sources` lists the sources cocwatch knows.

Imports the standard library and the core's plain values only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from cocwatch.core.imports import OfficialFigure
    from cocwatch.core.measures import SourceDeclaration
    from cocwatch.core.models import Figure
    from cocwatch.core.official import Observation


class ReadFile(Protocol):
    """A file read by its source: its rows as published, and one observation each."""

    @property
    def table(self) -> tuple[tuple[str, ...], ...]: ...

    @property
    def observations(self) -> tuple[Observation, ...]: ...


class Restore(Protocol):
    def __call__(
        self, held: Sequence[tuple[Figure, str, str, bool]], provisional: bool
    ) -> tuple[str, ReadFile]: ...


@dataclass(frozen=True, slots=True)
class OfficialSource:
    """One source of official statistics: its declaration, and how its files are read."""

    declared: SourceDeclaration  # its measures, groups, words and publisher (the core's view)
    columns: tuple[str, ...]  # the published columns its kept files have
    read: Callable[[Path, str, bool], ReadFile]  # (path, name in messages, provisional)
    # Which observations become figures: the bodies' own (each `OfficialFigure.level` says
    # whose: a provider's, or an area's such as an LMNS's), England's, and how many groups
    # had no women.
    figures: Callable[
        [Sequence[Observation], bool], tuple[list[OfficialFigure], list[OfficialFigure], int]
    ]
    # For `statistics move`: the text of a file holding the rows behind figures an old
    # registry file holds (each with its provider's code and name, and whether it is
    # England's), and that text read back; None for a source that never wrote figures there.
    restore: Restore | None = None
    restorable: Callable[[Figure], bool] = lambda figure: True  # which figures

    @property
    def name(self) -> str:
        """The store's folder for its files, and the manifest's `source`."""
        return self.declared.name

    @property
    def kind(self) -> str:
        """The registry's `source.kind` of its figures."""
        return self.declared.kind

    @property
    def publication(self) -> str:
        """Cited in each figure's title, e.g. 'NHS England, Maternity Services …'."""
        return self.declared.publisher.publication

    @property
    def index_url(self) -> str:
        """Cited when a kept file records neither its page nor its address."""
        return self.declared.publisher.index_url
