"""Read NHS England's Maternity Services Monthly Statistics measures CSV (MSDS v2).

The file has the columns ``Org_Code, Org_Name, Org_Level, RPStartDate, RPEndDate,
IndicatorFamily, Indicator, Currency, Value``. Only ``Provider`` rows of the Continuity of
Carer indicators are read:

- ``COC_by_28weeks`` → measure ``placed_by_28_weeks``; ``COC_receiving_ongoing`` →
  ``receiving_ongoing``;
- the plain indicator → cohort ``all``, ``…_Ethnicity_BAME`` → ``ethnic_minority``, the most
  deprived IMD decile (``…_IMD_01_Most_deprived``, ``…_IMD_Decile_1`` and other spellings) →
  ``most_deprived``; other breakdowns are ignored;
- currencies ``Rate`` (percent), ``Numerator``, ``Denominator`` and ``Result`` (``Pass`` or
  ``Fail`` → ``quality``). A ``Result`` row for the indicator itself gives that figure's
  quality; otherwise the provider's ``COC_DQ…`` results for the month decide (any failure →
  ``fail``, all passed → ``pass``).

Files are read as UTF-8 (with or without a byte-order mark) or, failing that, Windows-1252.
Malformed rows are reported with their line numbers and skipped. URLs are downloaded with
httpx, streamed, with a timeout, a size cap and (on a terminal) a progress bar.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from cocwatch.core.imports import (
    ImportPlan,
    OfficialFigure,
    Provenance,
    figure_entry,
)
from cocwatch.errors import ExternalError, InputError
from cocwatch.sources.http import TIMEOUT_SECONDS, describe_http_error

if TYPE_CHECKING:
    import httpx

    from cocwatch.core.models import Cohort, Measure, Quality
    from cocwatch.edit import Change

MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024  # a month's measures file is tens of MB
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
_ETHNIC_MINORITY = {"ethnicity_bame", "ethnicity_bme", "bame", "bme", "ethnicity_bame_total"}
_NO_VALUE = {"", "*", "-", "--", "..", ".", "null", "none", "na", "n/a", "nan", "x", "c"}
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_NUMBERS = {name[:3]: i + 1 for i, name in enumerate(_MONTH_NAMES)}
_MONTH_NUMBERS |= {name: i + 1 for i, name in enumerate(_MONTH_NAMES)}
_MONTH_NUMBERS["sept"] = 9
_PERCENT = re.compile(r"(\d+)[\s_-]*(?:%|(?:percent|pct|pc)(?![a-z]))")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})[\s/-]*([A-Za-z]{3,9})[\s/-]*(\d{4})$")


@dataclass(frozen=True, slots=True)
class Malformed:
    """A row that could not be used, and why."""

    line: int
    message: str


@dataclass(frozen=True, slots=True)
class MsdsFile:
    """What a measures file holds for cocwatch."""

    source: str
    figures: tuple[OfficialFigure, ...]
    malformed: tuple[Malformed, ...]
    rows: int  # data rows in the file
    used_rows: int  # Continuity of Carer rows of providers that were read
    provisional: bool

    @property
    def periods(self) -> tuple[date, ...]:
        return tuple(sorted({f.as_of for f in self.figures}))


# ---------------------------------------------------------------------------------------------
# Reading the text


def is_provisional_name(name: str) -> bool:
    """Whether a file name marks provisional figures (e.g. msds-oct2025Provisional-…)."""
    return "provisional" in name.lower()


def source_name(source: str) -> str:
    """The file name of a path or URL."""
    if source.startswith(("http://", "https://")):
        return Path(unquote(urlsplit(source).path)).name
    return Path(source).name


def read_local(path: Path) -> bytes:
    """Read a local CSV file, explaining any failure."""
    try:
        return path.expanduser().read_bytes()
    except FileNotFoundError:
        raise InputError(f"The file {path} does not exist. Check the path.") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a folder; give the measures CSV file inside it.") from None
    except OSError as exc:
        raise InputError(f"The file {path} cannot be read: {exc.strerror}.") from None


def decode_csv(data: bytes, source: str) -> str:
    """Decode UTF-8 (with or without BOM), else Windows-1252 (as Excel on Windows saves)."""
    if b"\x00" in data[:65536]:
        raise InputError(
            f"{source} is not a CSV text file (it contains binary data; a zip or a spreadsheet?). "
            "Use the measures CSV, named like msds-oct2025-exp-measures.csv."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


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


def parse_period_date(value: str) -> date | None:
    """Read a period end date: 2025-10-31, 31/10/2025, 31OCT2025, 31-Oct-2025, 20251031."""
    text = _TIME_SUFFIX.sub("", value.strip()).strip()
    try:
        if m := _ISO.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _DMY.match(text):
            return date(int(m[3]), int(m[2]), int(m[1]))
        if m := _COMPACT.match(text):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if (m := _DAY_MONTH_NAME.match(text)) and m[2].lower() in _MONTH_NUMBERS:
            return date(int(m[3]), _MONTH_NUMBERS[m[2].lower()], int(m[1]))
    except ValueError:
        return None
    return None


# ---------------------------------------------------------------------------------------------
# Parsing rows


@dataclass(slots=True)
class _Group:
    name: str
    line: int
    values: dict[str, tuple[float | int | str, int]] = field(default_factory=dict)


def parse_measures(text: str, source: str, *, provisional: bool) -> MsdsFile:
    """Read the CoC figures of every provider in a measures CSV."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    while header is not None and not any(cell.strip() for cell in header):
        header = next(reader, None)
    if header is None:
        raise InputError(f"{source} is empty; expected an MSDS measures CSV.")
    index = _column_index(header, source)
    width = len(header)
    groups: dict[tuple[str, Measure, Cohort, date], _Group] = {}
    checks: dict[tuple[str, date], list[str]] = {}
    malformed: list[Malformed] = []
    rows = used = 0
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        rows += 1
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
        if cell["Org_Level"].lower() != "provider":
            continue
        kind = classify_indicator(cell["Indicator"])
        currency = cell["Currency"].lower()
        family = cell.get("IndicatorFamily", "").lower()
        is_check = (
            kind is None
            and currency == "result"
            and (family.startswith("coc_dq") or cell["Indicator"].lower().startswith("coc_dq"))
        )
        if kind is None and not is_check:
            continue
        if currency not in {"rate", "numerator", "denominator", "result"}:
            continue
        used += 1
        problem, key_parts = _row_key(cell)
        if problem:
            malformed.append(Malformed(line, problem))
            continue
        assert key_parts is not None
        ods, as_of = key_parts
        raw = cell["Value"]
        if raw.lower() in _NO_VALUE:
            continue  # suppressed or not submitted: no figure, and not an error
        value, problem = _value(currency, raw)
        if problem:
            malformed.append(Malformed(line, f"{cell['Indicator']} {cell['Currency']}: {problem}"))
            continue
        assert value is not None
        if kind is None:
            if currency == "result":
                checks.setdefault((ods, as_of), []).append(str(value))
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
    figures = _figures(groups, checks, provisional, malformed)
    malformed.sort(key=lambda m: m.line)
    return MsdsFile(source, tuple(figures), tuple(malformed), rows, used, provisional)


def _column_index(header: list[str], source: str) -> dict[str, int]:
    found = {_norm(name): i for i, name in enumerate(header)}
    index = {name: found[_norm(name)] for name in COLUMNS if _norm(name) in found}
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


def _norm(name: str) -> str:
    return name.strip().strip('"').lstrip("\ufeff").strip().lower()


def _row_key(cell: dict[str, str]) -> tuple[str | None, tuple[str, date] | None]:
    ods = cell["Org_Code"].upper()
    if not re.fullmatch(r"[A-Z0-9]{3,10}", ods):
        return f"Org_Code {cell['Org_Code']!r} is not an ODS code", None
    as_of = parse_period_date(cell["RPEndDate"])
    if as_of is None:
        return (
            f"RPEndDate {cell['RPEndDate']!r} is not a date (expected e.g. 2025-10-31 or "
            "31/10/2025)",
            None,
        )
    return None, (ods, as_of)


def _value(currency: str, raw: str) -> tuple[float | int | str | None, str | None]:
    if currency == "result":
        word = raw.lower()
        if word in {"pass", "passed"}:
            return "pass", None
        if word in {"fail", "failed"}:
            return "fail", None
        return None, f"the result {raw!r} is neither Pass nor Fail"
    text = raw.replace(",", "").rstrip("%").strip()
    try:
        number = float(text)
    except ValueError:
        return None, f"the value {raw!r} is not a number"
    if number != number or number < 0:  # NaN or negative
        return None, f"the value {raw!r} is not a count or a percentage"
    if currency == "rate":
        if number > 100:
            return None, f"the rate {raw} is more than 100%"
        return round(number, 1), None
    if not number.is_integer():
        return None, f"the count {raw!r} is not a whole number"
    return int(number), None


def _figures(
    groups: dict[tuple[str, Measure, Cohort, date], _Group],
    checks: dict[tuple[str, date], list[str]],
    provisional: bool,
    malformed: list[Malformed],
) -> list[OfficialFigure]:
    figures: list[OfficialFigure] = []
    for (ods, measure, cohort, as_of), group in sorted(groups.items(), key=lambda g: g[1].line):
        values = group.values
        rate = values.get("rate", (None, 0))[0]
        numerator = values.get("numerator", (None, 0))[0]
        denominator = values.get("denominator", (None, 0))[0]
        num = numerator if isinstance(numerator, int) else None
        den = denominator if isinstance(denominator, int) and denominator > 0 else None
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
        if percent is None and num is None:
            continue  # only a result, or a zero denominator: nothing to record
        figures.append(
            OfficialFigure(
                ods=ods,
                org_name=group.name,
                cohort=cohort,
                measure=measure,
                as_of=as_of,
                percent=percent,
                numerator=num,
                denominator=den,
                quality=_quality(values.get("result"), checks.get((ods, as_of))),
                provisional=provisional,
                line=group.line,
            )
        )
    return figures


def _quality(own: tuple[float | int | str, int] | None, checks: list[str] | None) -> Quality:
    if own is not None:
        return "pass" if own[0] == "pass" else "fail"
    if not checks:
        return "unknown"
    return "fail" if "fail" in checks else "pass"


# ---------------------------------------------------------------------------------------------
# From a plan to registry changes


def import_changes(plan: ImportPlan, provenance: Provenance) -> list[Change]:
    """The registry changes that carry out an import plan."""
    from cocwatch.edit import Append, Replace

    changes: list[Change] = []
    for item in plan.trusts:
        for replacement in item.replaced:
            entry = figure_entry(replacement.new, provenance, old=replacement.old)
            changes.append(Replace(item.trust.id, ("figures",), replacement.index, entry))
        if item.added:
            entries = tuple(figure_entry(f, provenance) for f in item.added)
            changes.append(Append(item.trust.id, ("figures",), entries))
    return changes


# ---------------------------------------------------------------------------------------------
# Downloading


def download(
    url: str,
    *,
    http: httpx.Client | None = None,
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> bytes:
    """Download `url` into memory, streamed, within the size cap and the download deadline."""
    import httpx

    from cocwatch.sources.http import download as get

    cap = MAX_DOWNLOAD_BYTES if max_bytes is None else max_bytes
    try:
        response = get(url, http=http, timeout=timeout, max_bytes=cap, progress=progress)
    except httpx.HTTPError as exc:
        raise ExternalError(
            f"Cannot download the MSDS file: {describe_http_error(url, exc)}. Check the address "
            "and your connection, or download the file yourself and pass its path."
        ) from None
    if response.status_code >= 300:
        raise ExternalError(
            f"Cannot download {url}: the server answered {response.status_code} "
            f"{response.reason_phrase}. Check the address (copy the link to the "
            "measures CSV from the publication page), or try again later."
        )
    return response.body


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / 1024 / 1024:.0f} MB"
    if count >= 1024:
        return f"{count / 1024:.0f} kB"
    return f"{count} bytes"
