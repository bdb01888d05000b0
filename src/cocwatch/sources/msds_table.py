"""What NHS England's MSDS measures table means for cocwatch: rows in, figures out (SPEC §7).

The table has the columns ``Org_Code, Org_Name, Org_Level, RPStartDate, RPEndDate,
IndicatorFamily, Indicator, Currency, Value``. What is read:

- ``Provider`` rows become figures of the provider with that ODS code; ``National`` rows become
  national figures; other levels (regions, LMNS, MBRRACE groups) are ignored;
- ``COC_by_28weeks`` → measure ``placed_by_28_weeks``; ``COC_receiving_ongoing`` →
  ``receiving_ongoing``; the plain indicator → cohort ``all``, ``…_Ethnicity_BAME`` →
  ``ethnic_minority``, the most deprived IMD decile (``…_IMD_01_Most_deprived``) →
  ``most_deprived``; other breakdowns are ignored;
- currencies ``Rate`` (percent), ``Numerator``, ``Denominator`` and ``Result``. Quality comes
  from the headline indicator's own ``Result`` (``Pass``/``Fail``), which its breakdowns share;
  without one, from the data-quality measures that govern that headline only (``COC_DQ04``/
  ``05`` for placement by 28 weeks, ``COC_DQ06``–``09`` for receiving continuity);
- a ``Rate`` of ``Low DQ`` is no percentage: it is recorded as a figure without one, with
  ``quality: fail``; a denominator of 0 (no women in the group that month) gives no figure.

Counts Excel wrote as ``1410.0`` read back as whole numbers. Rows that cannot be used are
reported with their line numbers and skipped. Returns plain values (`MsdsFile` of
`OfficialFigure`); imports the core's import values and the standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from cocwatch.core.imports import OfficialFigure
from cocwatch.core.plausible import MAX_COUNT, disagreement, rate_agrees
from cocwatch.errors import InputError
from cocwatch.sources.msds_dates import period_end

if TYPE_CHECKING:
    from cocwatch.core.models import Cohort, Measure, Quality

COLUMNS = (
    "Org_Code", "Org_Name", "Org_Level", "RPStartDate", "RPEndDate",
    "IndicatorFamily", "Indicator", "Currency", "Value",
)  # fmt: skip
# Without these a row cannot be read at all; the others are only used in messages.
ESSENTIAL = ("Org_Code", "Org_Level", "RPEndDate", "Indicator", "Currency", "Value")
MEASURES: dict[str, Measure] = {
    "coc_by_28weeks": "placed_by_28_weeks",
    "coc_receiving_ongoing": "receiving_ongoing",
}
# The data-quality measures behind each headline (NHS England's pipeline; DOMAIN §3).
GOVERNING_CHECKS: dict[Measure, frozenset[str]] = {
    "placed_by_28_weeks": frozenset({"coc_dq04", "coc_dq05"}),
    "receiving_ongoing": frozenset({"coc_dq06", "coc_dq07", "coc_dq08", "coc_dq09"}),
}
NATIONAL = "NATIONAL"  # the key of England's own figures
_ETHNIC_MINORITY = {"ethnicity_bame", "ethnicity_bme", "bame", "bme", "ethnicity_bame_total"}
# Markers of a suppressed or missing value in published statistics: no figure, not an error.
_SUPPRESSED = {"", "*", "-", "--", "..", ".", "x", "c", ":"}
_LOW_DQ = "low dq"
_ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx workbook is a zip file
_EXCEL_EPOCH = date(1899, 12, 30)
_PERCENT = re.compile(r"(\d+)[\s_-]*(?:%|(?:percent|pct|pc)(?![a-z]))")


@dataclass(frozen=True, slots=True)
class Malformed:
    """A row that could not be used, and why."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class MsdsFile:
    """What a measures file holds for cocwatch."""

    source: str
    figures: tuple[OfficialFigure, ...]  # providers' figures
    malformed: tuple[Malformed, ...]
    rows: int  # data rows in the file
    used_rows: int  # Continuity of Carer rows of providers and England that were read
    provisional: bool
    national: tuple[OfficialFigure, ...] = ()
    providers: tuple[str, ...] = ()  # ODS codes of providers with Continuity of Carer rows
    zero_denominators: int = 0  # groups with no women that month: no figure

    @property
    def periods(self) -> tuple[date, ...]:
        return tuple(sorted({f.as_of for f in (*self.figures, *self.national)}))

    def quality_counts(self, measure: Measure) -> dict[Quality, int]:
        """How many providers' headline figures of `measure` passed, failed or are unknown."""
        counts: dict[Quality, int] = {"pass": 0, "fail": 0, "unknown": 0}
        for figure in self.figures:
            if figure.cohort == "all" and figure.measure == measure:
                counts[figure.quality] += 1
        return counts


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


@dataclass(slots=True)
class _Group:
    """The rows of one figure: (level, code, measure, cohort, as_of)."""

    name: str
    line: int
    values: dict[str, tuple[float | int | str, int]] = field(default_factory=dict)


_GroupKey = tuple[str, "Measure", "Cohort", date]


def parse_rows(
    rows: Iterable[tuple[int, Sequence[str]]], source: str, *, provisional: bool
) -> MsdsFile:
    """Read the CoC figures of every provider and of England from (line, cells) rows."""
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
    groups: dict[_GroupKey, _Group] = {}
    checks: dict[tuple[str, date], dict[str, str]] = {}
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
        level = cell["Org_Level"].lower()
        if level not in ("provider", "national"):
            continue
        kind = classify_indicator(cell["Indicator"])
        currency = cell["Currency"].lower()
        family = cell.get("IndicatorFamily", "").lower()
        indicator = cell["Indicator"].strip().lower()
        is_check = (
            kind is None
            and currency == "result"
            and (family.startswith("coc_dq") or indicator.startswith("coc_dq"))
        )
        if kind is None and not is_check:
            continue
        if currency not in {"rate", "numerator", "denominator", "result"}:
            continue
        used += 1
        if level == "national":
            ods: str = NATIONAL
            as_of, problem = period_end(cell["RPEndDate"])
        else:
            ods, as_of, problem = _provider_key(cell)
            if problem is None:
                providers.add(ods)
        if problem:
            malformed.append(Malformed(line, problem))
            continue
        assert as_of is not None
        raw = cell["Value"]
        if raw.lower() in _SUPPRESSED:
            continue  # suppressed or not submitted: no figure, and not an error
        value, problem = _value(currency, raw)
        if problem:
            malformed.append(Malformed(line, f"{cell['Indicator']} {cell['Currency']}: {problem}"))
            continue
        assert value is not None
        if kind is None:
            checks.setdefault((ods, as_of), {})[indicator] = str(value)
            continue
        measure, cohort = kind
        group = groups.setdefault(
            (ods, measure, cohort, as_of), _Group(cell.get("Org_Name", ""), line)
        )
        if currency in group.values and group.values[currency][0] != value:
            first_value, first_line = group.values[currency]
            malformed.append(
                Malformed(
                    line,
                    f"repeats the {cell['Currency']} of {cell['Indicator']} for {ods}, "
                    f"{as_of.isoformat()} with another value ({raw}; line {first_line} has "
                    f"{first_value}); the first was kept",
                )
            )
            continue
        group.values.setdefault(currency, (value, line))
    figures, national, zeros = _figures(groups, checks, provisional, malformed)
    malformed.sort(key=lambda m: m.line)
    return MsdsFile(
        source,
        tuple(figures),
        tuple(malformed),
        rows_seen,
        used,
        provisional,
        national=tuple(national),
        providers=tuple(sorted(providers)),
        zero_denominators=zeros,
    )


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


def _provider_key(cell: dict[str, str]) -> tuple[str, date | None, str | None]:
    ods = cell["Org_Code"].upper()
    if not re.fullmatch(r"[A-Z0-9]{3,10}", ods):
        return ods, None, f"Org_Code {cell['Org_Code']!r} is not an ODS code"
    as_of, problem = period_end(cell["RPEndDate"])
    return ods, as_of, problem


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


def _figures(
    groups: dict[_GroupKey, _Group],
    checks: dict[tuple[str, date], dict[str, str]],
    provisional: bool,
    malformed: list[Malformed],
) -> tuple[list[OfficialFigure], list[OfficialFigure], int]:
    figures: list[OfficialFigure] = []
    national: list[OfficialFigure] = []
    zeros = 0
    for (ods, measure, cohort, as_of), group in sorted(groups.items(), key=lambda g: g[1].line):
        values = group.values
        rate = values.get("rate", (None, 0))[0]
        numerator = values.get("numerator", (None, 0))[0]
        denominator = values.get("denominator", (None, 0))[0]
        num = numerator if isinstance(numerator, int) else None
        den = denominator if isinstance(denominator, int) else None
        headline = groups.get((ods, measure, "all", as_of))
        quality = _quality(
            headline.values.get("result") if headline else None,
            checks.get((ods, as_of), {}),
            measure,
        )
        if rate == _LOW_DQ:
            # Not a figure: evidence that the provider's recording failed quality checks.
            percent: float | None = None
            num = den = None
            quality = "fail"
        else:
            if den == 0:
                zeros += 1
                continue  # no women in this group that month: no figure (never 0%)
            if num is not None and den is not None and num > den:
                malformed.append(
                    Malformed(
                        values["numerator"][1],
                        f"the numerator {num} of {ods} is larger than its denominator {den} "
                        f"(line {values['denominator'][1]}); the figure was skipped",
                    )
                )
                continue
            if num is None or den is None:
                num = den = None
            percent = float(rate) if isinstance(rate, float | int) else None
            if (
                percent is not None
                and num is not None
                and den is not None
                and not rate_agrees(percent, num, den)
            ):
                malformed.append(
                    Malformed(
                        values["rate"][1],
                        f"{ods}, {as_of.isoformat()}: {disagreement(percent, num, den)} "
                        "(the figure was skipped)",
                    )
                )
                continue
            if percent is None and num is None:
                continue  # only a result: nothing to record
        figure = OfficialFigure(
            ods=ods,
            org_name=group.name,
            cohort=cohort,
            measure=measure,
            as_of=as_of,
            percent=percent,
            numerator=num,
            denominator=den,
            quality=quality if ods != NATIONAL else "unknown",
            provisional=provisional,
            line=group.line,
        )
        (national if ods == NATIONAL else figures).append(figure)
    return figures, national, zeros


def _quality(
    own: tuple[float | int | str, int] | None, checks: dict[str, str], measure: Measure
) -> Quality:
    """The headline's own Result; else the data-quality measures that govern it."""
    if own is not None:
        return "pass" if own[0] == "pass" else "fail"
    governing = [result for code, result in checks.items() if code in GOVERNING_CHECKS[measure]]
    if "fail" in governing:
        return "fail"
    if governing and len(governing) == len(GOVERNING_CHECKS[measure]):
        return "pass"
    return "unknown"
