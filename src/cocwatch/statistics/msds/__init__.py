"""NHS England's Maternity Services Monthly Statistics as an official source of the store.

Declares `SOURCE` (`cocwatch.statistics.source`): the measures file's columns, its
reader (`cocwatch.statistics.msds.reading`) and which of its observations are a Trust's figures
(`cocwatch.statistics.msds.table`). Imports them lazily, so declaring the source costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cocwatch.core.imports import PUBLICATION
from cocwatch.core.web import WEB_ADDRESS
from cocwatch.statistics.source import OfficialSource

if TYPE_CHECKING:
    from cocwatch.core.imports import OfficialFigure
    from cocwatch.core.official import Observation
    from cocwatch.statistics.source import ReadFile

COLUMNS = (
    "Org_Code", "Org_Name", "Org_Level", "RPStartDate", "RPEndDate",
    "IndicatorFamily", "Indicator", "Currency", "Value",
)  # fmt: skip
PLACED, RECEIVING = "placed_by_28_weeks", "receiving_ongoing"
# The data-quality measures that govern each headline (DOMAIN §3), read for figures' quality.
CHECKS = ("coc_dq04", "coc_dq05", "coc_dq06", "coc_dq07", "coc_dq08", "coc_dq09")


def _read(path: Path, name: str, provisional: bool) -> ReadFile:
    from cocwatch.statistics.msds.reading import read_measures

    return read_measures(path, source=name, provisional=provisional)


def _figures(
    observations: Sequence[Observation], provisional: bool
) -> tuple[list[OfficialFigure], list[OfficialFigure], int]:
    from cocwatch.statistics.msds.table import official_figures

    return official_figures(observations, provisional=provisional)


SOURCE = OfficialSource(
    name="msds",
    kind="msds",
    publication=PUBLICATION,
    index_url=WEB_ADDRESS["statistics_url"].default,
    columns=COLUMNS,
    read=_read,
    figures=_figures,
    figure_measures=(PLACED, RECEIVING, *CHECKS),
    figure_groups=("all", "ethnicity_bame", "imd_01"),
    comparison_measures=(PLACED, RECEIVING),
)
