"""NHS England's Maternity Services Monthly Statistics as an official source of the store.

Declares `SOURCE` (`cocwatch.statistics.source`): its measures, groups and publisher
(`measures`), the measures file's columns, its reader (`reading`) and which of its
observations are a Trust's figures (`table`). Imports the readers lazily, so declaring the
source costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cocwatch.statistics.msds.measures import COLUMNS, DECLARATION
from cocwatch.statistics.source import OfficialSource

if TYPE_CHECKING:
    from cocwatch.core.imports import OfficialFigure
    from cocwatch.core.models import Figure
    from cocwatch.core.official import Observation
    from cocwatch.statistics.source import ReadFile


def _read(path: Path, name: str, provisional: bool) -> ReadFile:
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
) -> tuple[str, ReadFile]:
    from cocwatch.statistics.msds.restore import restore

    return restore(held, provisional=provisional)


def _restorable(figure: Figure) -> bool:
    from cocwatch.statistics.msds.restore import restorable

    return restorable(figure)


SOURCE = OfficialSource(
    declared=DECLARATION,
    columns=COLUMNS,
    read=_read,
    figures=_figures,
    restore=_restore,
    restorable=_restorable,
)
