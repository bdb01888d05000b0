"""NHS England's Maternity Services Monthly Statistics as an official source of the store.

Declares `SOURCE` (`cocwatch.statistics.source`): its measures, groups and publisher
(`measures`), the measures file's columns, its reader (`reading`) and which of its
observations are a Trust's figures (`table`). Imports the readers lazily, so declaring the
source costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cocwatch.sources.http import STATISTICS_MAX_MB, TIMEOUT_SECONDS
from cocwatch.statistics.msds.measures import COLUMNS, DECLARATION, INDEX_URL
from cocwatch.statistics.releases import Discovery, Fetch, Releases, Wanted
from cocwatch.statistics.source import OfficialSource

if TYPE_CHECKING:
    from cocwatch.core.imports import OfficialFigure
    from cocwatch.core.models import Figure
    from cocwatch.core.official import Observation
    from cocwatch.statistics.source import SourceFile


def _read(path: Path, name: str, provisional: bool) -> SourceFile:
    from cocwatch.statistics.msds.reading import read_measures

    return read_measures(path, source=name, provisional=provisional)


def _figures(
    observations: Sequence[Observation], provisional: bool
) -> tuple[list[OfficialFigure], list[OfficialFigure], int]:
    from cocwatch.statistics.msds.table import official_figures

    # Providers', England's and each LMNS's own figures (`OfficialFigure.level` says whose).
    return official_figures(
        observations, provisional=provisional, levels=("provider", "national", "lms")
    )


def _restore(
    held: Sequence[tuple[Figure, str, str, bool]], provisional: bool
) -> tuple[str, SourceFile]:
    from cocwatch.statistics.msds.restore import restore

    return restore(held, provisional=provisional)


def _restorable(figure: Figure) -> bool:
    from cocwatch.statistics.msds.restore import restorable

    return restorable(figure)


def _load(
    location: str,
    *,
    provisional: bool | None = None,
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int = STATISTICS_MAX_MB * 1024 * 1024,
    progress: Callable[[int, int | None], None] | None = None,
    name: str | None = None,
) -> SourceFile:
    from cocwatch.statistics.msds.reading import load_measures

    return load_measures(
        location,
        provisional=provisional,
        timeout=timeout,
        max_bytes=max_bytes,
        progress=progress,
        name=name,
    )


def _discover(fetch: Fetch, index_url: str, wanted: Wanted) -> Discovery:
    from cocwatch.statistics.msds.releases import discover

    return discover(fetch, index_url, wanted)


SOURCE = OfficialSource(
    declared=DECLARATION,
    columns=COLUMNS,
    read=_read,
    figures=_figures,
    load=_load,
    releases=Releases(INDEX_URL, _discover, title="MSDS releases"),
    restore=_restore,
    restorable=_restorable,
)
