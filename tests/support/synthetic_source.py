"""A SYNTHETIC second source of official statistics, for tests only: nothing here is real.

"The Synthetic Survey Unit" (made up) publishes one measure per Trust and month: of the women
who gave birth, how many knew the midwife who cared for them in labour. Its file is a small
CSV (``Code,Name,Level,Month,Numerator,Denominator``; level ``Provider`` or ``National``),
every value invented. It is declared as a plug-in declares a source — one `OfficialSource`
handed to `cocwatch.statistics.sources.register` — and nothing in `src/` names it: the test
that plugs it in (`tests/statistics/test_second_source.py`) shows that `show`, `check`, the
report and the letters find it from its declaration alone.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from cocwatch.core.imports import OfficialFigure
from cocwatch.core.measures import (
    MeasureWords,
    OfficialMeasure,
    Publisher,
    SourceDeclaration,
    Unit,
)
from cocwatch.core.official import ENGLAND, Observation
from cocwatch.errors import InputError
from cocwatch.statistics.source import OfficialSource, SourceFile

NAME = "survey"
COLUMNS = ("Code", "Name", "Level", "Month", "Numerator", "Denominator")
WOMEN = Unit("woman", "women")

PUBLISHER = Publisher(
    name="The Synthetic Survey Unit",
    publication="The Synthetic Survey Unit, Synthetic Continuity Survey",
    title="Synthetic Continuity Survey",
    index_url="https://example.org/synthetic-survey",
    series="the Synthetic Continuity Survey",
    cadence="The Synthetic Survey Unit publishes each month a month after it ends",
)
KNEW = OfficialMeasure(
    code="knew_midwife",
    indicator="KNEW_MIDWIFE",
    source=NAME,
    publisher=PUBLISHER,
    key="known_midwife",
    heading="Known",
    caption="Knew their midwife",
    name="women who knew the midwife who cared for them in labour",
    words=MeasureWords(
        sentence="knowing the midwife who cared for them in labour",
        short="knew midwife",
        counted="knowing the midwife who cared for them in labour",
        data="knowing the midwife in labour",
        recorded="{amount} {who} knew the midwife who cared for them in labour, in {period}",
    ),
    unit=WOMEN,
    counted="giving birth",
    counted_long="giving birth",
    outcome="knew the midwife who cared for them in labour",
    counted_past="gave birth",
    achieved="who knew the midwife who cared for them in labour",
    passed=lambda observation: True,  # the survey has no quality checks of its own
    decides_severity=True,
    table_note="the latest share of women giving birth who knew the midwife who cared for "
    "them in labour (SYNTHETIC survey), with its count",
    rate="share knowing their midwife",
)
DECLARATION = SourceDeclaration(
    name=NAME,
    kind=NAME,
    title="Synthetic Continuity Survey (SYNTHETIC)",
    publisher=PUBLISHER,
    measures=(KNEW,),
    read_measures=(KNEW.code,),
)


def _month_end(text: str) -> date:
    year, month = (int(part) for part in text.split("-")[:2])
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def read(path: Path, name: str, provisional: bool) -> SourceFile:
    """The survey file: every row kept as published, one observation per row."""
    raw = path.read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise InputError(f"{name} is not a synthetic survey file (columns {', '.join(COLUMNS)}).")
    observations = []
    for line, row in enumerate(rows[1:], start=2):
        code, org, level, month, numerator, denominator = row
        national = level == "National"
        observations.append(
            Observation(
                level="national" if national else "provider",
                code=ENGLAND if national else code.upper(),
                name=org,
                measure=KNEW.code,
                group="all",
                period_start=None,
                period_end=_month_end(month),
                numerator=int(numerator),
                denominator=int(denominator),
                rate=None,
                line=line,
            )
        )
    providers, england, _ = figures(observations, provisional)
    return SourceFile(
        source=name,
        figures=tuple(providers),
        malformed=(),
        rows=len(rows) - 1,
        used_rows=len(rows) - 1,
        provisional=provisional,
        national=tuple(england),
        providers=tuple(sorted({o.code for o in observations if o.level == "provider"})),
        table=tuple(tuple(row) for row in rows[1:]),
        observations=tuple(observations),
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def figures(
    observations: Sequence[Observation], provisional: bool
) -> tuple[list[OfficialFigure], list[OfficialFigure], int]:
    """Each row with women is a figure of its Trust (or England's)."""
    providers: list[OfficialFigure] = []
    england: list[OfficialFigure] = []
    for o in observations:
        if not o.denominator or o.numerator is None:
            continue
        figure = OfficialFigure(
            o.code, o.name, "all", o.measure, o.period_end, o.percent, o.numerator,
            o.denominator, "unknown", provisional, o.line,
        )  # fmt: skip
        (england if o.code == ENGLAND else providers).append(figure)
    return providers, england, 0


def load(
    location: str,
    *,
    provisional: bool | None = None,
    timeout: float = 30.0,
    max_bytes: int = 1024 * 1024,
    progress: Callable[[int, int | None], None] | None = None,
    name: str | None = None,
) -> SourceFile:
    """A survey file on disk (the synthetic unit publishes nothing on the web)."""
    return read(Path(location), name or location, bool(provisional))


SOURCE = OfficialSource(
    declared=DECLARATION, columns=COLUMNS, read=read, figures=figures, load=load
)


def survey_csv(month: str, national: tuple[int, int], **trusts: tuple[int, int]) -> str:
    """A synthetic survey file: England's counts, then each Trust's (by ODS code)."""
    lines = [
        ",".join(COLUMNS),
        f"ALL,England (SYNTHETIC),National,{month},{national[0]},{national[1]}",
    ]
    lines += [
        f"{code},{code} NHS Trust (SYNTHETIC),Provider,{month},{n},{d}"
        for code, (n, d) in trusts.items()
    ]
    return "\n".join(lines) + "\n"
