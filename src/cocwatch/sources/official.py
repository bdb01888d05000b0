"""Official statistics sources, registered by name: what the statistics store asks of each.

A source of official per-Trust figures (NHS England's MSDS measures file is the first) is one
module under `cocwatch.sources` that defines ``OFFICIAL_SOURCE = OfficialSource(...)``: its
name (the store's folder and the manifest's `source`), the registry's source kind of its
figures, how to cite it, the published columns the store keeps, how to read a file into rows
and observations, and which observations become a Trust's figures. The store, the registry's
merging and `check` ask `official_source(name)`; nothing else names a source. Modules are
found by looking in this package, so adding a source adds one module here (and its measure
and group names in `cocwatch.core.kinds` and `cocwatch.core.wording`).

Imports the standard library and the core's plain values; each source module lazily.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
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


@cache
def official_sources() -> dict[str, OfficialSource]:
    """Every registered source, by name (the modules of this package that define one)."""
    import cocwatch.sources as package

    found: dict[str, OfficialSource] = {}
    for module in pkgutil.iter_modules(package.__path__):
        if module.name.startswith("_") or module.name == "official":
            continue
        if not _defines_source(Path(package.__path__[0]) / f"{module.name}.py"):
            continue  # only modules that declare a source are imported
        loaded = importlib.import_module(f"{package.__name__}.{module.name}")
        declared = getattr(loaded, "OFFICIAL_SOURCE", None)
        if isinstance(declared, OfficialSource):
            found[declared.name] = declared
    return found


def _defines_source(path: Path) -> bool:
    try:
        return "OFFICIAL_SOURCE = OfficialSource(" in path.read_text(encoding="utf-8")
    except OSError:
        return False


def official_source(name: str) -> OfficialSource:
    """The source called `name`; a kept file of an unknown source is an input error."""
    from cocwatch.errors import InputError

    source = official_sources().get(name)
    if source is None:
        known = ", ".join(sorted(official_sources())) or "none"
        raise InputError(
            f"The statistics folder holds a file of the source {name!r}, which this version "
            f"of cocwatch does not know (it knows: {known}). Upgrade cocwatch, or remove that "
            "line from the folder's manifest.csv."
        )
    return source
