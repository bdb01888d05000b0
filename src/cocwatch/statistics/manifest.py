"""The statistics folder's ``manifest.csv``: read within bounds, every field checked, and
written back in the layout of SPEC §7.1.

cocwatch writes the manifest, so anything it would never write there is refused with exit
3, the file and the line: a file past `MAX_BYTES` (checked before it is read), more than
`MAX_ENTRIES` rows, a field longer than its cap, a control character or direction mark, a
date outside 1900-2100, an address that is not http(s), a checksum that is not one, a kept
file outside the folder or listed twice, a source cocwatch does not know.

The columns are SPEC §7.1's twelve, then two optional ones an earlier version may lack:
``title`` (a moved figure's own citation) and ``file_sha256`` (the SHA-256 of the kept file
itself, which `sha256`, the published file's, is not: what the store verifies a kept file by).

Imports the standard library, the core's plain values and safe text, the sources' registry
and cocwatch's errors.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path, PurePosixPath

from cocwatch.core.official import StoredFile, in_window
from cocwatch.core.safe_text import for_terminal, has_unsafe, web_address
from cocwatch.errors import CocwatchError, InputError

COLUMNS = (
    "file", "source", "source_file", "period_end", "status", "release_page", "file_url",
    "sha256", "rows", "retrieved", "imported", "notes", "title", "file_sha256",
)  # fmt: skip
OPTIONAL = frozenset({"title", "file_sha256"})  # a manifest of an earlier version may lack them
MAX_BYTES = 16 * 1024 * 1024  # a century of monthly files is a few MB
MAX_ENTRIES = 20_000
MAX_ROWS = 100_000_000  # rows of one kept file
_LONG_FIELDS = {"notes": 20_000, "title": 2_000}
MAX_FIELD_CHARS = 2_000  # any other field: a name, an address, a date, a number
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_RESTORE = (
    "The manifest is written by cocwatch: restore it from a backup, or delete the statistics "
    "folder and import the files again."
)


def read(path: Path) -> tuple[StoredFile, ...]:
    """The manifest's entries, oldest import first; none when there is no manifest."""
    text = _text(path)
    if text is None:
        return ()
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = reader.fieldnames or ()
    except csv.Error as exc:
        raise InputError(f"The statistics manifest {path}, line 1: {exc}. {_RESTORE}") from None
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL]
    if missing:
        raise InputError(
            f"The statistics manifest {path} has no {', '.join(missing)} column. {_RESTORE}"
        )
    entries: list[StoredFile] = []
    first_line: dict[str, int] = {}
    for line, row in _rows(reader, path):
        if len(entries) >= MAX_ENTRIES:
            raise InputError(
                f"The statistics manifest {path} lists more than {MAX_ENTRIES:,} files, far "
                f"more than any statistics folder holds. {_RESTORE}"
            )
        try:
            entry = _entry(row)
            if entry.path in first_line:
                raise ValueError(
                    f"it lists {entry.path} again (first on line {first_line[entry.path]})"
                )
        except (ValueError, TypeError, CocwatchError) as exc:
            why = exc.message if isinstance(exc, CocwatchError) else str(exc)
            raise InputError(
                f"The statistics manifest {path}, line {line}: {for_terminal(why)}. {_RESTORE}"
            ) from None
        first_line[entry.path] = line
        entries.append(entry)
    return tuple(entries)


def _text(path: Path) -> str | None:
    """The manifest's text, read only when it is no larger than `MAX_BYTES`."""
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(
            f"The statistics manifest {path} cannot be read ({exc.strerror or exc}). "
            "Restore it from a backup, or delete the statistics folder and import the files "
            "again."
        ) from None
    if len(data) > MAX_BYTES:
        raise InputError(
            f"The statistics manifest {path} is larger than {MAX_BYTES // 1024 // 1024} MB, "
            f"far larger than any statistics folder needs, so it was not read. {_RESTORE}"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"The statistics manifest {path} is not UTF-8 text ({exc}). {_RESTORE}"
        ) from None


def _rows(reader: csv.DictReader[str], path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row with the line it starts on; csv's own errors (a field past its limit) said
    with the line."""
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(
                f"The statistics manifest {path}, line {line}: a field is longer than "
                f"{csv.field_size_limit():,} characters, or the line is not CSV ({exc}). "
                f"{_RESTORE}"
            ) from None
        yield line, {k: v for k, v in row.items() if isinstance(k, str)}


def _entry(row: Mapping[str, str | None]) -> StoredFile:
    """One row as a manifest entry; ValueError (in words) for anything cocwatch never writes."""
    from cocwatch.statistics.sources import official_source

    def text(key: str) -> str:
        value = row.get(key)
        value = value.strip() if isinstance(value, str) else ""
        cap = _LONG_FIELDS.get(key, MAX_FIELD_CHARS)
        if len(value) > cap:
            raise ValueError(f"its {key} is longer than {cap:,} characters")
        if has_unsafe(value, one_line=key not in _LONG_FIELDS):
            raise ValueError(
                f"its {key} holds a control character or a direction mark "
                f"({for_terminal(value[:60], one_line=True)!r})"
            )
        return value

    status = text("status").lower()
    if status not in ("provisional", "final"):
        raise ValueError(f"the status {text('status')!r} is neither provisional nor final")
    source = text("source")
    if not source:
        raise ValueError("it names no source")
    official_source(source)  # an unknown source is refused here, with the line
    path = _kept_path(text("file"), source)
    sha256 = text("sha256").lower()
    if not _SHA256.match(sha256):
        raise ValueError(f"its sha256 {sha256[:70]!r} is not a SHA-256 checksum")
    file_sha256 = text("file_sha256").lower()
    if file_sha256 and not _SHA256.match(file_sha256):
        raise ValueError(f"its file_sha256 {file_sha256[:70]!r} is not a SHA-256 checksum")
    rows = text("rows") or "0"
    if not rows.isdigit() or len(rows) > 10 or int(rows) > MAX_ROWS:
        raise ValueError(f"its rows {rows[:20]!r} is not a number of rows")
    return StoredFile(
        path=path,
        source=source,
        source_file=text("source_file") or PurePosixPath(path).name,
        period_end=_day(text("period_end"), "period_end"),
        provisional=status == "provisional",
        release_page=_address(text("release_page"), "release_page"),
        file_url=_address(text("file_url"), "file_url"),
        sha256=sha256,
        rows=int(rows),
        retrieved=_day(text("retrieved"), "retrieved"),
        imported=_required_day(text("imported"), "imported"),
        notes=text("notes"),
        title=text("title"),
        file_sha256=file_sha256,
    )


def _kept_path(path: str, source: str) -> str:
    """A kept file's place: a relative path inside the folder (under its source's folder)."""
    parts = PurePosixPath(path).parts
    if (
        not path
        or "\\" in path
        or path.startswith("/")
        or ".." in parts
        or len(parts) < 2
        or parts[0] != source
    ):
        raise ValueError(
            f"the file {path!r} is not a file inside the statistics folder's {source}/ folder"
        )
    return path


def _required_day(value: str, key: str) -> date:
    day = _day(value, key)
    if day is None:
        raise ValueError(f"its {key} is empty")
    return day


def _day(value: str, key: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"its {key} {value!r} is not a date (YYYY-MM-DD)") from None
    if not in_window(day):
        raise ValueError(f"its {key} {value} is outside 1900-2100, which no file's date is")
    return day


def _address(value: str, key: str) -> str | None:
    if not value:
        return None
    if web_address(value) is None:
        raise ValueError(f"its {key} {value[:80]!r} is not an http(s) web address")
    return value


def manifest_bytes(entries: Sequence[StoredFile]) -> bytes:
    """The manifest's bytes for these entries, every column written."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(_row(e) for e in entries)
    return out.getvalue().encode()


def _row(e: StoredFile) -> list[str]:
    return [
        e.path,
        e.source,
        e.source_file,
        e.period_end.isoformat() if e.period_end else "",
        "provisional" if e.provisional else "final",
        e.release_page or "",
        e.file_url or "",
        e.sha256,
        str(e.rows),
        e.retrieved.isoformat() if e.retrieved else "",
        e.imported.isoformat(),
        e.notes,
        e.title,
        e.file_sha256,
    ]
