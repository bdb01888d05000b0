"""Read NHS England's Maternity Services Monthly Statistics measures file (MSDS v2).

The file (CSV, or the same table saved as ``.xlsx``) has the columns ``Org_Code, Org_Name,
Org_Level, RPStartDate, RPEndDate, IndicatorFamily, Indicator, Currency, Value``. What is read
(SPEC §7):

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

The file is read row by row (never whole into memory), within a size cap. CSV text may be
UTF-8 (with or without a byte-order mark) or Windows-1252. What Excel does to a file (dates as
serial numbers or with day and month swapped, counts as ``1410.0``) is read back to what the
publication says, or the row is refused with its line number when that is ambiguous. Rows that
cannot be used are reported with their line numbers and skipped. URLs are downloaded with
httpx, streamed to a temporary file, with a timeout, a size cap and (on a terminal) a progress
bar.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from cocwatch.core.imports import OfficialFigure
from cocwatch.errors import ExternalError, InputError
from cocwatch.sources.http import MSDS_MAX_MB, TIMEOUT_SECONDS, describe_http_error

if TYPE_CHECKING:
    import httpx
    from openpyxl.workbook.workbook import Workbook

    from cocwatch.core.models import Cohort, Measure, Quality

MAX_DOWNLOAD_BYTES = MSDS_MAX_MB * 1024 * 1024
MAX_LINE_BYTES = 1024 * 1024  # no line of a measures file comes near this
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
_SERIAL = re.compile(r"^(\d{5})(?:\.0+)?$")  # an Excel date serial number, e.g. 45777


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


# ---------------------------------------------------------------------------------------------
# Reading the file


def is_provisional_name(name: str) -> bool:
    """Whether a file name marks provisional figures (e.g. msds-oct2025Provisional-…)."""
    return "provisional" in name.lower()


def source_name(source: str) -> str:
    """The file name of a path or URL."""
    if source.startswith(("http://", "https://")):
        return Path(unquote(urlsplit(source).path)).name
    return Path(source).name


def size_limit_text(max_bytes: int) -> str:
    """The cap in words, with how to raise it."""
    return (
        f"the limit of {_size(max_bytes)} (raise it with --max-size MEGABYTES, e.g. "
        f"--max-size {max(2 * max_bytes // (1024 * 1024), 1)})"
    )


def read_measures(
    path: Path,
    *,
    source: str | None = None,
    provisional: bool | None = None,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
) -> MsdsFile:
    """Read a measures file on disk, CSV or .xlsx, row by row.

    `source` names the file in messages (default: the path); `provisional` defaults to what
    the file name says. A file larger than `max_bytes` is refused (InputError).
    """
    name = source or str(path)
    if provisional is None:
        provisional = is_provisional_name(source_name(name))
    path = path.expanduser()
    try:
        with path.open("rb") as stream:
            size = _file_size(stream)
            if size > max_bytes:
                raise InputError(
                    f"{name} is {_size(size)}, larger than {size_limit_text(max_bytes)}. Check "
                    "that it is an MSDS measures file (named like msds-oct2025-exp-measures.csv)."
                )
            magic = stream.read(4)
            stream.seek(0)
            if magic == _ZIP_MAGIC:
                return parse_rows(_xlsx_rows(stream, name), name, provisional=provisional)
            return parse_rows(
                _csv_rows(_decoded_lines(stream, name), name), name, provisional=provisional
            )
    except FileNotFoundError:
        raise InputError(f"The file {name} does not exist. Check the path.") from None
    except IsADirectoryError:
        raise InputError(f"{name} is a folder; give the measures CSV file inside it.") from None
    except OSError as exc:
        raise InputError(f"The file {name} cannot be read: {exc.strerror or exc}.") from None


def _file_size(stream: IO[bytes]) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def read_local(path: Path) -> bytes:
    """Read a small local file whole, explaining any failure (kept for callers and tests)."""
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
        raise InputError(_binary_message(source))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _binary_message(source: str) -> str:
    return (
        f"{source} is not a CSV text file (it contains binary data; a zip?). Use the "
        "measures CSV, named like msds-oct2025-exp-measures.csv, or the same table saved "
        "as an Excel .xlsx workbook."
    )


def _decoded_lines(stream: IO[bytes], source: str) -> Iterator[str]:
    """The file's lines as text, one at a time, each decoded on its own."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise InputError(
                f"{source}, line {number}: the line is longer than {_size(MAX_LINE_BYTES)}, "
                "which no MSDS measures file has, so the file was not read. Check that it is "
                "the measures CSV and that it is not damaged."
            )
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if b"\x00" in raw:
            raise InputError(_binary_message(source))
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                yield raw.decode("cp1252")
            except UnicodeDecodeError:
                yield raw.decode("latin-1")


def _csv_rows(lines: Iterable[str], source: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) for each record of CSV text; a broken record is an InputError."""
    reader = csv.reader(lines)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(f"{source}, line {reader.line_num}: {_csv_problem(exc)}") from None
        yield reader.line_num, row


def _csv_problem(exc: csv.Error) -> str:
    text = str(exc)
    if "field larger than field limit" in text:
        limit = csv.field_size_limit()
        return (
            f"a field is longer than {_size(limit)} ({limit:,} characters), which no MSDS "
            "measures file has (an unclosed quotation mark?), so the file was not read. "
            "Check that it is the measures CSV and that it is not damaged."
        )
    if "NUL" in text:
        return "the line contains binary data (a NUL byte); is this the measures CSV?"
    return f"{text}; the file cannot be read as CSV. Check that it is the measures CSV."


def _xlsx_rows(stream: IO[bytes], source: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) of the workbook's measures sheet, streamed."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(stream, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError):
        raise InputError(
            f"{source} is a zip file but not an Excel workbook that can be read. Use the "
            "measures CSV, named like msds-oct2025-exp-measures.csv, or the same table saved "
            "as .xlsx."
        ) from None
    try:
        sheet = _measures_sheet(book)
        for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
            yield number, [_cell_text(value) for value in row]
    finally:
        book.close()


def _measures_sheet(book: Workbook) -> Any:  # a read-only worksheet (loosely typed stubs)
    """The first sheet whose first row names the measures columns (else the first sheet)."""
    sheets: list[Any] = list(book.worksheets)
    if not sheets:
        raise InputError("The workbook has no sheet to read.")
    for sheet in sheets:
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        if any(_norm(str(cell)) == "org_code" for cell in first if cell is not None):
            return sheet
    return sheets[0]


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold (dates as Excel serial numbers)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return str((value - _EXCEL_EPOCH).days)  # read back like a serial number
    return str(value)


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
    """Read a date as written: 2025-10-31, 31/10/2025, 31OCT2025, 31-Oct-2025, 20251031."""
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


def _swapped(day: date | None) -> date | None:
    """The date with day and month exchanged, as Excel reads 01/04/2025 in a US locale."""
    if day is None or day.day > 12 or day.day == day.month:
        return None
    try:
        return date(day.year, day.day, day.month)
    except ValueError:
        return None


def _is_month_end(day: date) -> bool:
    return (day + timedelta(days=1)).day == 1


def period_end(value: str) -> tuple[date | None, str | None]:
    """Read RPEndDate as the publication meant it: (date, None) or (None, problem).

    A reporting period ends on a month's last day, which tells a day-and-month swap (or an
    Excel serial number of a swapped date) from the real date. When neither reading is a
    month's end and both are possible, the date is ambiguous and refused.
    """
    text = _TIME_SUFFIX.sub("", value.strip()).strip()
    primary: date | None
    alternative: date | None = None
    if m := _SERIAL.match(text):
        serial = int(m[1])
        if not 20000 <= serial <= 80000:
            return None, f"RPEndDate {value!r} is not a date"
        primary = _EXCEL_EPOCH + timedelta(days=serial)
        alternative = _swapped(primary)
    elif m := _DMY.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
        primary = _date_or_none(year, month, day)
        alternative = _date_or_none(year, day, month) if day != month else None
    else:
        primary = parse_period_date(text)
        alternative = _swapped(primary) if _ISO.match(text) else None
    if primary is not None and _is_month_end(primary):
        return primary, None
    if alternative is not None and _is_month_end(alternative):
        return alternative, None  # Excel swapped the day and the month
    if primary is not None and alternative is not None:
        return None, (
            f"RPEndDate {value!r} is ambiguous: it could be {primary.isoformat()} or "
            f"{alternative.isoformat()}, and neither is the last day of a month (a file "
            "that went through Excel?)"
        )
    found = primary or alternative
    if found is None:
        return None, (f"RPEndDate {value!r} is not a date (expected e.g. 31/10/2025 or 2025-10-31)")
    return found, None


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------
# Parsing rows


@dataclass(slots=True)
class _Group:
    """The rows of one figure: (level, code, measure, cohort, as_of)."""

    name: str
    line: int
    values: dict[str, tuple[float | int | str, int]] = field(default_factory=dict)


_GroupKey = tuple[str, "Measure", "Cohort", date]


def parse_measures(text: str, source: str, *, provisional: bool) -> MsdsFile:
    """Read the CoC figures in a measures CSV already in memory (small files, tests)."""
    lines = io.StringIO(text.removeprefix("\ufeff"), newline="")
    return parse_rows(_csv_rows(lines, source), source, provisional=provisional)


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
        return round(number, 1), None
    if not number.is_integer():
        return None, f"the count {raw!r} is not a whole number"
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


def load_measures(
    source: str,
    *,
    provisional: bool | None = None,
    http: httpx.Client | None = None,
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
    progress: Callable[[int, int | None], None] | None = None,
) -> MsdsFile:
    """Read a measures file from a path or an http(s) URL (downloaded to a temporary file)."""
    if provisional is None:
        provisional = is_provisional_name(source_name(source))
    if not source.startswith(("http://", "https://")):
        return read_measures(
            Path(source), source=source, provisional=provisional, max_bytes=max_bytes
        )
    data = download(source, http=http, timeout=timeout, max_bytes=max_bytes, progress=progress)
    with tempfile.TemporaryDirectory(prefix="cocwatch-msds-") as folder:
        path = Path(folder) / (source_name(source) or "measures.csv")
        path.write_bytes(data)
        del data  # read the file from disk, row by row
        return read_measures(path, source=source, provisional=provisional, max_bytes=max_bytes)


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

    from cocwatch.sources.http import DownloadTooLarge
    from cocwatch.sources.http import download as get

    cap = MAX_DOWNLOAD_BYTES if max_bytes is None else max_bytes
    try:
        response = get(url, http=http, timeout=timeout, max_bytes=cap, progress=progress)
    except DownloadTooLarge:
        raise ExternalError(
            f"{url} is larger than {size_limit_text(cap)}, so it was not downloaded. Check "
            "that it is the measures file, or download it yourself and pass its path."
        ) from None
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
