"""What an official statistics source is to the store: how its files are read and kept.

A source (NHS England's MSDS measures file is the first) declares an `OfficialSource`: its
name (the store's folder for its files and the manifest's `source`), the registry's source
kind of its figures, how to cite it, the published columns its kept files have, how to read
a file into rows and observations, and which observations become a Trust's figures.
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
    from cocwatch.core.kinds import SourceKind
    from cocwatch.core.official import Observation


class ReadFile(Protocol):
    """A file read by its source: its rows as published, and one observation each."""

    @property
    def table(self) -> tuple[tuple[str, ...], ...]: ...

    @property
    def observations(self) -> tuple[Observation, ...]: ...


@dataclass(frozen=True, slots=True)
class OfficialSource:
    """One source of official statistics, as the store and the registry need it."""

    name: str  # the store's folder for its files, and the manifest's `source`
    kind: SourceKind  # the registry's `source.kind` of its figures
    publication: str  # cited in each figure's title, e.g. "NHS England, …"
    index_url: str  # cited when a kept file records neither its page nor its address
    columns: tuple[str, ...]  # the published columns its kept files have
    read: Callable[[Path, str, bool], ReadFile]  # (path, name in messages, provisional)
    # Which observations become a Trust's (and England's) figures: the provider figures,
    # England's, and how many groups had no women.
    figures: Callable[
        [Sequence[Observation], bool], tuple[list[OfficialFigure], list[OfficialFigure], int]
    ]
    figure_measures: tuple[str, ...]  # the measures (data-quality ones included) figures use
    figure_groups: tuple[str, ...]  # the groups that are registry cohorts
    comparison_measures: tuple[str, ...] = ()  # headline measures compared with England
