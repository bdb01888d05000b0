"""The publication's rows behind MSDS figures an old registry file holds (`statistics move`).

Before the statistics folder existed, `import msds` wrote each official figure into the
registry file. `restore` writes the rows of the measures file each such figure stands for
(its counts, its rate or "Low DQ", and a headline's own Result), in the publication's own
columns, and reads them back as the store would, so `cocwatch.registry.migrate` keeps a
figure in the folder only when it comes back the same. Imports the MSDS reader lazily.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cocwatch.statistics.msds.measures import COLUMNS, MEASURES

if TYPE_CHECKING:
    from cocwatch.core.models import Figure
    from cocwatch.statistics.source import SourceFile

_INDICATORS = {m.code: m.indicator for m in MEASURES}
_BREAKDOWNS = {
    "all": "",
    "ethnic_minority": "_Ethnicity_BAME",
    "most_deprived": "_IMD_01_Most_deprived",
}
ENGLAND_ROW = ("National", "All Submitters", "National")  # code, name and level as published


def restorable(figure: Figure) -> bool:
    """Whether a figure is of a measure whose rows can be written back."""
    return figure.measure in _INDICATORS


def restore(
    held: Sequence[tuple[Figure, str, str, bool]], *, provisional: bool
) -> tuple[str, SourceFile]:
    """The text of a measures file holding the rows behind `held` figures, each given with
    its provider's ODS code and name and whether it is England's, and that text read back."""
    from cocwatch.statistics.msds.reading import parse_measures

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for figure, ods, name, national in held:
        writer.writerows(_rows(figure, ods, name, national=national))
    text = out.getvalue()
    return text, parse_measures(text, "the registry's figures", provisional=provisional)


def _rows(f: Figure, ods: str, name: str, *, national: bool) -> list[list[str]]:
    """The publication's rows behind one figure: counts, rate and (for a headline) result."""
    start = f.as_of.replace(day=1).strftime("%d/%m/%Y")
    end = f.as_of.strftime("%d/%m/%Y")
    code, name, level = ENGLAND_ROW if national else (ods, name, "Provider")
    indicator = _INDICATORS[f.measure] + _BREAKDOWNS[f.cohort]

    def row(currency: str, value: str) -> list[str]:
        return [code, name, level, start, end, "COC_Rate", indicator, currency, value]

    out: list[list[str]] = []
    if f.numerator is not None and f.denominator is not None:
        out += [row("Denominator", str(f.denominator)), row("Numerator", str(f.numerator))]
    if f.percent is not None:
        out.append(row("Rate", f"{f.percent:.1f}"))
    elif f.quality == "fail":
        out.append(row("Rate", "Low DQ"))
    if f.cohort == "all" and f.quality in ("pass", "fail") and not national:
        out.append(row("Result", f.quality.capitalize()))
    return out
