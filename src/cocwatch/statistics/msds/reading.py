"""Read NHS England's Maternity Services Monthly Statistics measures file (MSDS v2).

The file is a CSV, or the same table saved as ``.xlsx``; `cocwatch.statistics.msds.table` says
what its rows mean. The file is read row by row (never whole into memory), within a size cap.
CSV text may be UTF-8 (with or without a byte-order mark) or Windows-1252. What Excel does to a
file (dates as serial numbers or with day and month swapped) is read back to what the
publication says (`cocwatch.statistics.msds.dates`). URLs are downloaded with httpx, streamed to a
temporary file, with a timeout, a size cap and (on a terminal) a progress bar. Returns plain
values (`SourceFile`); never imports the registry package.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from cocwatch.errors import ExternalError, InputError
from cocwatch.sources.http import (
    STATISTICS_MAX_MB,
    TIMEOUT_SECONDS,
    check_web_address,
    describe_http_error,
)
from cocwatch.statistics.msds.dates import EXCEL_EPOCH
from cocwatch.statistics.msds.table import norm_header, parse_rows
from cocwatch.statistics.source import SourceFile

if TYPE_CHECKING:
    import httpx
    from openpyxl.workbook.workbook import Workbook

MAX_DOWNLOAD_BYTES = STATISTICS_MAX_MB * 1024 * 1024
MAX_LINE_BYTES = 1024 * 1024  # no line of a measures file comes near this
# An .xlsx is a zip: its parts are checked before the workbook is opened, by the sizes the
# zip declares (which reading enforces). A real measures workbook's shared strings (the
# distinct texts: names, codes, indicators) are a few MB; no sheet holds more rows than Excel.
XLSX_MAX_SHARED_STRINGS_BYTES = 64 * 1024 * 1024
XLSX_MAX_PART_BYTES = 1024 * 1024 * 1024
XLSX_MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
XLSX_MAX_PARTS = 10_000
XLSX_MAX_ROWS = 1_048_576  # Excel's own limit
_ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx workbook is a zip file


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
) -> SourceFile:
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
            digest = _sha256(stream)
            magic = stream.read(4)
            stream.seek(0)
            if magic == _ZIP_MAGIC:
                parsed = parse_rows(_xlsx_rows(stream, name), name, provisional=provisional)
            else:
                parsed = parse_rows(
                    _csv_rows(_decoded_lines(stream, name), name), name, provisional=provisional
                )
            check_name_agrees(parsed, name)
            return replace(parsed, sha256=digest)
    except FileNotFoundError:
        raise InputError(f"The file {name} does not exist. Check the path.") from None
    except IsADirectoryError:
        raise InputError(f"{name} is a folder; give the measures CSV file inside it.") from None
    except OSError as exc:
        raise InputError(f"The file {name} cannot be read: {exc.strerror or exc}.") from None


def _sha256(stream: IO[bytes]) -> str:
    """The SHA-256 of the whole file (the stream is left at its start)."""
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 16), b""):  # small blocks: memory stays flat
        digest.update(block)
    stream.seek(0)
    return digest.hexdigest()


def check_name_agrees(read: SourceFile, source: str) -> None:
    """Refuse a measures file whose name and contents disagree: a name such as
    msds-dec2025-exp-measures.csv says which month it holds and whether it is provisional,
    and an import trusts that (a final file replaces provisional figures). Rows for another
    month are a mistake or a forgery. A file whose name gives no month is not checked.
    (Provisional or final follows the name unless --provisional/--final chooses: the user's
    explicit choice is kept.)"""
    from cocwatch.statistics.msds.releases import measures_file_name

    named = measures_file_name(source_name(source))
    if named is None:
        return
    month, _ = named
    other = sorted({p for p in read.periods if (p.year, p.month) != (month.year, month.month)})
    if other:
        shown = ", ".join(f"{p:%B %Y}" for p in other[:3])
        raise InputError(
            f"{source} is named for {month.label} but holds figures for {shown}: the name and "
            "the rows disagree, so nothing was imported. Download the file again from NHS "
            "England's release page, and import it under its own name."
        )


def _file_size(stream: IO[bytes]) -> int:
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


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
        _check_xlsx_parts(stream, source)
        stream.seek(0)
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
            if number > XLSX_MAX_ROWS:
                raise InputError(
                    f"{source} has more than {XLSX_MAX_ROWS:,} rows, more than Excel itself "
                    "holds, so it was not read further. Use the measures CSV, named like "
                    "msds-oct2025-exp-measures.csv."
                )
            yield number, [_cell_text(value) for value in row]
    finally:
        book.close()


def _check_xlsx_parts(stream: IO[bytes], source: str) -> None:
    """Refuse a workbook whose parts unpack to far more than any measures file (a zip bomb,
    or millions of shared strings), by the sizes its zip declares, before opening it."""
    import zipfile

    with zipfile.ZipFile(stream) as archive:
        parts = archive.infolist()
        if len(parts) > XLSX_MAX_PARTS:
            raise _xlsx_too_big(source, f"{len(parts):,} parts")
        total = 0
        for part in parts:
            total += part.file_size
            name = part.filename.lower()
            if (
                name.endswith("sharedstrings.xml")
                and part.file_size > XLSX_MAX_SHARED_STRINGS_BYTES
            ):
                raise _xlsx_too_big(source, f"{_size(part.file_size)} of distinct texts")
            if part.file_size > XLSX_MAX_PART_BYTES or total > XLSX_MAX_TOTAL_BYTES:
                raise _xlsx_too_big(source, f"parts of {_size(part.file_size)} once unpacked")


def _xlsx_too_big(source: str, what: str) -> InputError:
    return InputError(
        f"{source} is a workbook with {what}, far more than any MSDS measures file, so it was "
        "not opened. Use the measures CSV, named like msds-oct2025-exp-measures.csv, or check "
        "that this is the right file."
    )


def _measures_sheet(book: Workbook) -> Any:  # a read-only worksheet (loosely typed stubs)
    """The first sheet whose first row names the measures columns (else the first sheet)."""
    sheets: list[Any] = list(book.worksheets)
    if not sheets:
        raise InputError("The workbook has no sheet to read.")
    for sheet in sheets:
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        if any(norm_header(str(cell)) == "org_code" for cell in first if cell is not None):
            return sheet
    return sheets[0]


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold (dates as Excel serial numbers)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return str((value - EXCEL_EPOCH).days)  # read back like a serial number
    return str(value)


def parse_measures(text: str, source: str, *, provisional: bool) -> SourceFile:
    """Read the CoC figures in a measures CSV already in memory (small files, tests)."""
    lines = io.StringIO(text.removeprefix("\ufeff"), newline="")
    return parse_rows(_csv_rows(lines, source), source, provisional=provisional)


def load_measures(
    source: str,
    *,
    provisional: bool | None = None,
    http: httpx.Client | None = None,
    timeout: float = TIMEOUT_SECONDS,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
    progress: Callable[[int, int | None], None] | None = None,
    name: str | None = None,
) -> SourceFile:
    """Read a measures file from a path or an http(s) URL (downloaded to a temporary file);
    `name` names it in messages (default: the path or URL)."""
    if source.startswith(("http://", "https://")):
        check_web_address(source, "The measures file's address")
    if provisional is None:
        provisional = is_provisional_name(source_name(source))
    if not source.startswith(("http://", "https://")):
        return read_measures(
            Path(source), source=name or source, provisional=provisional, max_bytes=max_bytes
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
