"""What NHS England's MSDS measures table means for cocwatch: rows in, figures out (SPEC §7).

The table has the columns ``Org_Code, Org_Name, Org_Level, RPStartDate, RPEndDate,
IndicatorFamily, Indicator, Currency, Value``. What is read:

- ``Provider`` rows become figures of the provider with that ODS code; ``National`` rows become
  national figures; other levels (regions, LMNS, MBRRACE groups) are ignored;
- each headline indicator (``COC_by_28weeks``, ``COC_receiving_ongoing``) → the registry
  measure its declaration records it as (`measures.MEASURES`); the plain indicator → cohort
  ``all``, ``…_Ethnicity_BAME`` →
  ``ethnic_minority``, the most deprived IMD decile (``…_IMD_01_Most_deprived``) →
  ``most_deprived``; other breakdowns are ignored;
- currencies ``Rate`` (percent), ``Numerator``, ``Denominator`` and ``Result``. Quality comes
  from the headline indicator's own ``Result`` (``Pass``/``Fail``), which its breakdowns share;
  without one, from the data-quality measures that govern that headline only (``COC_DQ04``/
  ``05`` for placement by 28 weeks, ``COC_DQ06``–``09`` for receiving continuity);
- a ``Rate`` of ``Low DQ`` is no percentage: it is recorded as a figure without one, with
  ``quality: fail``; a denominator of 0 (no women in the group that month) gives no figure.

Counts Excel wrote as ``1410.0`` read back as whole numbers. Rows that cannot be used are
reported with their line numbers and skipped. Returns plain values (`SourceFile` of
`OfficialFigure`); imports the core's import values and the standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from cocwatch.core.imports import OfficialFigure
from cocwatch.core.official import ENGLAND, Observation, OrgLevel, Result
from cocwatch.core.plausible import MAX_COUNT, disagreement, rate_agrees
from cocwatch.errors import InputError
from cocwatch.statistics.msds.dates import period_end, period_start
from cocwatch.statistics.msds.measures import COLUMNS, DECLARATION
from cocwatch.statistics.source import Malformed, SourceFile

if TYPE_CHECKING:
    from cocwatch.core.models import Cohort, Measure, Quality

# Without these a row cannot be read at all; the others are only used in messages.
ESSENTIAL = ("Org_Code", "Org_Level", "RPEndDate", "Indicator", "Currency", "Value")
# Each headline indicator, as the file writes it (lower case), and the measure it records.
MEASURES: dict[str, Measure] = {
    m.indicator.lower(): m.code  # type: ignore[misc]  # declared as registry measures
    for m in DECLARATION.measures
}
# The data-quality measures behind each headline (NHS England's pipeline; DOMAIN §3).
GOVERNING_CHECKS: dict[str, frozenset[str]] = {
    m.code: frozenset(c.code for c in m.checks) for m in DECLARATION.measures
}
_CHECK_PREFIX = "coc_dq"  # every data-quality indicator's name starts so
_ETHNIC_MINORITY = {"ethnicity_bame", "ethnicity_bme", "bame", "bme", "ethnicity_bame_total"}
# Markers of a suppressed or missing value in published statistics: no figure, not an error.
_SUPPRESSED = {"", "*", "-", "--", "..", ".", "x", "c", ":"}
_LOW_DQ = "low dq"
_ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx workbook is a zip file
_EXCEL_EPOCH = date(1899, 12, 30)
_PERCENT = re.compile(r"(\d+)[\s_-]*(?:%|(?:percent|pct|pc)(?![a-z]))")


@lru_cache(maxsize=1024)
def classify_indicator(indicator: str) -> tuple[Measure, Cohort] | None:
    """The measure and cohort of a CoC indicator name, or None for anything else."""
    name = indicator.strip().lower()
    for base, measure in MEASURES.items():
        if name == base:
            return measure, "all"
        if not name.startswith(base + "_"):
            continue
        rest = name[len(base) + 1 :]
        if rest in _ETHNIC_MINORITY:
            return measure, "ethnic_minority"
        if rest.startswith("imd") and is_most_deprived(rest[3:]):
            return measure, "most_deprived"
        return None
    return None


def is_most_deprived(label: str) -> bool:
    """Whether an IMD breakdown label names the most deprived decile (decile 1, 10%)."""
    text = label.lower()
    words = set(re.findall(r"[a-z]+", text))
    if words & {"least", "quintile", "quintiles", "missing", "unknown", "not", "stated", "other"}:
        return False
    percents = _PERCENT.findall(text)
    if any(int(p) != 10 for p in percents):
        return False
    others = [int(n) for n in re.findall(r"\d+", _PERCENT.sub("", text))]
    if "most" in words and words & {"deprived", "deprivation"}:
        return len(others) <= 1
    return others == [1]


@lru_cache(maxsize=1024)
def split_indicator(indicator: str) -> tuple[str, str] | None:
    """The measure and group of any CoC indicator: (its registry measure, "imd_10"), …

    Data-quality measures are their own measure with the group "all" ("coc_dq05", "all").
    Anything that is not a Continuity of Carer indicator gives None.
    """
    name = indicator.strip().lower()
    for base, measure in MEASURES.items():
        if name == base:
            return measure, "all"
        if name.startswith(base + "_"):
            return measure, _group_name(name[len(base) + 1 :])
    if name.startswith(_CHECK_PREFIX):
        return name, "all"
    return None


def _group_name(rest: str) -> str:
    """A breakdown's name without its decile's words: imd_01_most_deprived → imd_01."""
    match = re.fullmatch(r"imd_(\d{2})(?:_[a-z_]+)?", rest)
    return f"imd_{match.group(1)}" if match else rest


LEVELS: dict[str, OrgLevel] = {
    "provider": "provider",
    "national": "national",
    "nhs england (region)": "region",
    "local maternity system": "lms",
    "mbrrace grouping": "mbrrace",
}


@dataclass(slots=True)
class _Row:
    """The currencies of one organisation's indicator for one period, as read."""

    level: OrgLevel
    code: str
    name: str
    start: date | None
    line: int
    values: dict[str, tuple[float | int | str, int]] = field(default_factory=dict)


def parse_rows(
    rows: Iterable[tuple[int, Sequence[str]]], source: str, *, provisional: bool
) -> SourceFile:
    """Read a measures table: its CoC rows as published, observations, and the figures of
    every provider and of England."""
    iterator = iter(rows)
    header: Sequence[str] | None = None
    for _, cells in iterator:
        if any(cell.strip() for cell in cells):
            header = cells
            break
    if header is None:
        raise InputError(f"{source} is empty; expected an MSDS measures CSV.")
    index = _column_index(header, source)
    width = len(header)
    observed: dict[tuple[OrgLevel, str, str, date], _Row] = {}
    table: list[tuple[str, ...]] = []
    malformed: list[Malformed] = []
    providers: set[str] = set()
    rows_seen = used = 0
    for line, raw_cells in iterator:
        if not any(cell.strip() for cell in raw_cells):
            continue
        rows_seen += 1
        row = list(raw_cells)
        while len(row) > width and not row[-1].strip():
            row.pop()  # trailing empty cells, as spreadsheets add
        if len(row) != width:
            malformed.append(
                Malformed(
                    line,
                    f"has {len(row)} fields where the header has {width} "
                    "(an unquoted comma in a name?)",
                )
            )
            continue
        cell = {name: row[i].strip() for name, i in index.items()}
        indicator = cell["Indicator"].lower()
        split = split_indicator(indicator)
        if split is None:
            continue
        currency = cell["Currency"].lower()
        if currency not in {"rate", "numerator", "denominator", "result"}:
            continue
        level_text = cell["Org_Level"].lower()
        level = LEVELS.get(level_text, "other")
        used += 1
        code = cell["Org_Code"].upper() if level != "national" else ENGLAND
        if level == "provider":
            ods, as_of, problem = _provider_key(cell["Org_Code"], cell["RPEndDate"])
            if problem is None:
                providers.add(ods)
        else:
            as_of, problem = _period_end(cell["RPEndDate"])
        if problem:
            malformed.append(Malformed(line, problem))
            continue
        assert as_of is not None
        raw = cell["Value"]
        start = _period_start(cell.get("RPStartDate", ""), as_of)
        if raw.lower() in _SUPPRESSED:
            table.append(_published(cell, start, as_of, raw))
            continue  # suppressed or not submitted: no figure, and not an error
        value, problem = _value(currency, raw)
        if problem:
            malformed.append(Malformed(line, f"{cell['Indicator']} {cell['Currency']}: {problem}"))
            continue
        assert value is not None
        key = (level, code, indicator, as_of)
        held = observed.get(key)
        if held is None:
            held = observed[key] = _Row(level, code, cell.get("Org_Name", ""), start, line)
        if currency in held.values and held.values[currency][0] != value:
            first_value, first_line = held.values[currency]
            malformed.append(
                Malformed(
                    line,
                    f"repeats the {cell['Currency']} of {cell['Indicator']} for {code}, "
                    f"{as_of.isoformat()} with another value ({raw}; line {first_line} has "
                    f"{first_value}); the first was kept",
                )
            )
            continue
        held.values.setdefault(currency, (value, line))
        table.append(_published(cell, start, as_of, _written(currency, value)))
    observations = _observations(observed)
    figures, national, zeros = official_figures(
        observations, provisional=provisional, malformed=malformed
    )
    malformed.sort(key=lambda m: m.line)
    return SourceFile(
        source,
        tuple(figures),
        tuple(malformed),
        rows_seen,
        used,
        provisional,
        national=tuple(national),
        providers=tuple(sorted(providers)),
        zero_denominators=zeros,
        table=tuple(table),
        observations=tuple(observations),
    )


def _published(cell: dict[str, str], start: date | None, end: date, value: str) -> tuple[str, ...]:
    """A row as the publication writes it: dates dd/mm/yyyy, counts as whole numbers."""
    return (
        cell["Org_Code"],
        cell.get("Org_Name", ""),
        cell["Org_Level"],
        _dmy(start) if start else cell.get("RPStartDate", ""),
        _dmy(end),
        cell.get("IndicatorFamily", ""),
        cell["Indicator"],
        cell["Currency"],
        value,
    )


@lru_cache(maxsize=256)
def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _written(currency: str, value: float | int | str) -> str:
    if value == _LOW_DQ:
        return "Low DQ"
    if currency == "result":
        return "Pass" if value == "pass" else "Fail"
    return str(value)


def _observations(observed: dict[tuple[OrgLevel, str, str, date], _Row]) -> list[Observation]:
    found: list[Observation] = []
    for (level, code, indicator, end), row in observed.items():
        split = split_indicator(indicator)
        assert split is not None
        values = {currency: value for currency, (value, _) in row.values.items()}
        rate = values.get("rate")
        numerator = values.get("numerator")
        denominator = values.get("denominator")
        result = values.get("result")
        found.append(
            Observation(
                level=level,
                code=code,
                name=row.name,
                measure=split[0],
                group=split[1],
                period_start=row.start,
                period_end=end,
                numerator=numerator if isinstance(numerator, int) else None,
                denominator=denominator if isinstance(denominator, int) else None,
                rate=float(rate) if isinstance(rate, float | int) else None,
                low_dq=rate == _LOW_DQ,
                result="pass" if result == "pass" else "fail" if result == "fail" else None,
                line=row.line,
            )
        )
    return found


def _column_index(header: Sequence[str], source: str) -> dict[str, int]:
    found = {norm_header(name): i for i, name in enumerate(header)}
    index = {name: found[norm_header(name)] for name in COLUMNS if norm_header(name) in found}
    missing = [name for name in ESSENTIAL if name not in index]
    if missing:
        shown = ", ".join(h.strip() for h in header[:12] if h.strip()) or "(none)"
        hint = ""
        if {"reportingperiodenddate", "final_value"} <= set(found):
            hint = (
                " This looks like the '…-exp-data.csv' file; import the '…-exp-measures.csv' "
                "file of the same release instead."
            )
        raise InputError(
            f"{source} is not an MSDS measures CSV: it has no {', '.join(missing)} column"
            f"{'s' if len(missing) > 1 else ''}. Its first line has: {shown}. Expected: "
            f"{', '.join(COLUMNS)}.{hint}"
        )
    return index


def norm_header(name: str) -> str:
    return name.strip().strip('"').lstrip("\ufeff").strip().lower()


# A file repeats a few codes and dates thousands of times: each is read once.
_period_end = lru_cache(maxsize=256)(period_end)
_period_start = lru_cache(maxsize=256)(period_start)


@lru_cache(maxsize=4096)
def _provider_key(code: str, end: str) -> tuple[str, date | None, str | None]:
    ods = code.upper()
    if not re.fullmatch(r"[A-Z0-9]{3,10}", ods):
        return ods, None, f"Org_Code {code!r} is not an ODS code"
    as_of, problem = _period_end(end)
    return ods, as_of, problem


@lru_cache(maxsize=8192)
def _value(currency: str, raw: str) -> tuple[float | int | str | None, str | None]:
    word = raw.lower()
    if currency == "result":
        if word in {"pass", "passed"}:
            return "pass", None
        if word in {"fail", "failed"}:
            return "fail", None
        return None, f"the result {raw!r} is neither Pass nor Fail"
    if currency == "rate" and " ".join(word.split()) == _LOW_DQ:
        return _LOW_DQ, None
    text = raw.replace(",", "").rstrip("%").strip()
    try:
        number = float(text)
    except ValueError:
        return None, f"the value {raw!r} is not a number"
    if number != number or number < 0 or number in (float("inf"), float("-inf")):
        return None, f"the value {raw!r} is not a count or a percentage"
    if currency == "rate":
        if number > 100:
            return None, f"the rate {raw} is more than 100%"
        return round(number, 1) + 0.0, None  # -0 is 0
    if not number.is_integer():
        return None, f"the count {raw!r} is not a whole number"
    if number > MAX_COUNT:
        return None, f"the count {raw} is far larger than any maternity service's"
    return int(number), None


def cohort_of(group: str) -> Cohort | None:
    """The registry cohort a breakdown stands for: all, ethnic_minority, most_deprived."""
    if group == "all":
        return "all"
    if group in _ETHNIC_MINORITY:
        return "ethnic_minority"
    if group.startswith("imd") and is_most_deprived(group[3:]):
        return "most_deprived"
    return None


PROVIDERS_AND_ENGLAND: tuple[OrgLevel, ...] = ("provider", "national")


def official_figures(
    observations: Iterable[Observation],
    *,
    provisional: bool,
    malformed: list[Malformed] | None = None,
    levels: Iterable[OrgLevel] = PROVIDERS_AND_ENGLAND,
) -> tuple[list[OfficialFigure], list[OfficialFigure], int]:
    """Providers' and England's figures from a file's observations (SPEC §7), and how many
    groups had no women (a denominator of 0: no figure). `levels` may add areas' own figures
    (``lms``: each LMNS's, under its ICB's code), each figure marked with its level.

    Quality is the headline's own Result, which its breakdowns share; without one, the
    data-quality measures that govern that headline. "Low DQ" is a figure with no percentage
    and quality fail. An area's rows carry no Result and no data-quality rows (NHS England
    builds them from the providers whose data passed), so their quality is "unknown": never
    invented.
    """
    wanted = frozenset(levels)
    chosen = [o for o in observations if o.level in wanted]
    results: dict[tuple[str, str, date], Result | None] = {}
    checks: dict[tuple[str, date], dict[str, str]] = {}
    for o in chosen:
        if o.group == "all" and o.measure in GOVERNING_CHECKS:
            results[(o.code, o.measure, o.period_end)] = o.result
        elif o.measure.startswith(_CHECK_PREFIX) and o.result is not None:
            checks.setdefault((o.code, o.period_end), {})[o.measure] = o.result
    figures: list[OfficialFigure] = []
    national: list[OfficialFigure] = []
    zeros = 0
    for o in sorted(chosen, key=lambda o: o.line):
        if o.measure not in GOVERNING_CHECKS:
            continue
        measure = o.measure
        cohort = cohort_of(o.group)
        if cohort is None:
            continue
        own = results.get((o.code, measure, o.period_end))
        quality = _quality(own, checks.get((o.code, o.period_end), {}), measure)
        num, den = o.numerator, o.denominator
        if o.low_dq:
            # Not a figure: evidence that the provider's recording failed quality checks.
            percent: float | None = None
            num = den = None
            quality = "fail"
        else:
            if den == 0:
                zeros += 1
                continue  # no women in this group that month: no figure (never 0%)
            if num is not None and den is not None and num > den:
                if malformed is not None:
                    malformed.append(
                        Malformed(
                            o.line,
                            f"the numerator {num} of {o.code} is larger than its denominator "
                            f"{den}; the figure was skipped",
                        )
                    )
                continue
            if num is None or den is None:
                num = den = None
            percent = o.rate
            if (
                percent is not None
                and num is not None
                and den is not None
                and not rate_agrees(percent, num, den)
            ):
                if malformed is not None:
                    malformed.append(
                        Malformed(
                            o.line,
                            f"{o.code}, {o.period_end.isoformat()}: "
                            f"{disagreement(percent, num, den)} (the figure was skipped)",
                        )
                    )
                continue
            if percent is None and num is None:
                continue  # only a result: nothing to record
        figure = OfficialFigure(
            ods=o.code,
            org_name=o.name,
            cohort=cohort,
            measure=measure,
            as_of=o.period_end,
            percent=percent,
            numerator=num,
            denominator=den,
            quality=quality if o.code != ENGLAND else "unknown",
            provisional=provisional,
            line=o.line,
            level=o.level,
        )
        (national if o.code == ENGLAND else figures).append(figure)
    return figures, national, zeros


def _quality(own: Result | None, checks: dict[str, str], measure: str) -> Quality:
    """The headline's own Result; else the data-quality measures that govern it."""
    if own is not None:
        return own
    governing = [result for code, result in checks.items() if code in GOVERNING_CHECKS[measure]]
    if "fail" in governing:
        return "fail"
    if governing and len(governing) == len(GOVERNING_CHECKS[measure]):
        return "pass"
    return "unknown"
