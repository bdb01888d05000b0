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
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from cocwatch.core.imports import OfficialFigure
    from cocwatch.core.kinds import Quality
    from cocwatch.core.measures import SourceDeclaration
    from cocwatch.core.models import Figure
    from cocwatch.core.official import Observation
    from cocwatch.statistics.releases import Releases


@dataclass(frozen=True, slots=True)
class Malformed:
    """A row that could not be used, and why."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class SourceFile:
    """What a file of a source holds for cocwatch, as its source read it."""

    source: str
    figures: tuple[OfficialFigure, ...]  # providers' figures
    malformed: tuple[Malformed, ...]
    rows: int  # data rows in the file
    used_rows: int  # rows of the source's measures, of providers and England, that were read
    provisional: bool
    national: tuple[OfficialFigure, ...] = ()
    providers: tuple[str, ...] = ()  # ODS codes of providers with rows of its measures
    zero_denominators: int = 0  # groups with no women that month: no figure
    # Every row of its measures (all levels, indicators and currencies), dates and counts
    # written as the publication writes them: what the statistics store keeps.
    table: tuple[tuple[str, ...], ...] = ()
    observations: tuple[Observation, ...] = ()  # one per organisation, indicator and period
    sha256: str = ""  # of the file as read

    @property
    def periods(self) -> tuple[date, ...]:
        return tuple(sorted({f.as_of for f in (*self.figures, *self.national)}))

    def quality_counts(self, measure: str) -> dict[Quality, int]:
        """How many providers' headline figures of `measure` passed, failed or are unknown."""
        counts: dict[Quality, int] = {"pass": 0, "fail": 0, "unknown": 0}
        for figure in self.figures:
            if figure.cohort == "all" and figure.measure == measure:
                counts[figure.quality] += 1
        return counts


class LoadFile(Protocol):
    """Read a file of a source from a path or an http(s) address (downloaded first)."""

    def __call__(
        self,
        location: str,
        *,
        provisional: bool | None = None,
        timeout: float = ...,
        max_bytes: int = ...,
        progress: Callable[[int, int | None], None] | None = None,
        name: str | None = None,
    ) -> SourceFile: ...


class Restore(Protocol):
    def __call__(
        self, held: Sequence[tuple[Figure, str, str, bool]], provisional: bool
    ) -> tuple[str, SourceFile]: ...


@dataclass(frozen=True, slots=True)
class OfficialSource:
    """One source of official statistics: its declaration, and how its files are read."""

    declared: SourceDeclaration  # its measures, groups, words and publisher (the core's view)
    columns: tuple[str, ...]  # the published columns its kept files have
    read: Callable[[Path, str, bool], SourceFile]  # (path, name in messages, provisional)
    # Which observations become figures: the bodies' own (each `OfficialFigure.level` says
    # whose: a provider's, or an area's such as an LMNS's), England's, and how many groups
    # had no women.
    figures: Callable[
        [Sequence[Observation], bool], tuple[list[OfficialFigure], list[OfficialFigure], int]
    ]
    load: LoadFile | None = None  # read a file given to `cocwatch import` (a path or URL)
    releases: Releases | None = None  # how `import --latest/--month/--since` finds its files
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
