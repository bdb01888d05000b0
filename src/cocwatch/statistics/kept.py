"""The kept files of a statistics folder, verified and written safely.

- **Verified**: a kept file is read only when it matches its manifest row, by the checksum of
  the kept file itself (``file_sha256``, `digest`) or, for a row written before that was
  recorded, by its number of rows; otherwise it is reported (`KeptFileDamaged`, exit 3, what
  to do), never read as "no data".
- **No links**: nothing inside the folder (a kept file, the manifest, the source's folder) is
  read or written through a symbolic link planted there (`inside`); the folder itself may be
  a link, the user's own choice, as a registry may.
- **Together**: `written_back_on_failure` puts a kept file in place for the time its manifest
  is written, and puts back what was there (or nothing) when that fails, so a full disk leaves
  no unlisted file and no row under another file's checksum.
- **Named safely**: a kept file's name comes from the published file's name with anything but
  letters, digits, ``.``, ``_`` and ``-`` replaced (`kept_name`).

Imports the standard library, the core's plain values, safe text, errors and file helpers.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from cocwatch.core.official import StoredFile
from cocwatch.core.safe_text import for_terminal
from cocwatch.errors import CocwatchError, InputError
from cocwatch.files import atomic_write, default_file_mode

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
MAX_NAME_CHARS = 120


class KeptFileDamaged(InputError):
    """A kept file no longer matches its manifest row."""


def inside(folder: Path, relative: str) -> Path:
    """The place of `relative` in `folder`; refused when it, or a folder on the way, is a
    symbolic link."""
    path = folder
    for part in PurePosixPath(relative).parts:
        path = path / part
        if path.is_symlink():
            raise InputError(
                f"{for_terminal(str(path))} is a symbolic link, and a statistics folder keeps "
                "its own files, so cocwatch neither reads nor writes through it. Remove the "
                "link (the file it points to is untouched), then import the file again."
            )
    return path


def digest(data: bytes) -> str:
    """A kept file's checksum: the SHA-256 of its bytes with each line ending read as a line
    feed, so a copy whose line endings git or an editor changed still matches."""
    return hashlib.sha256(data.replace(b"\r\n", b"\n")).hexdigest()


def problem(path: Path, file: StoredFile) -> str | None:
    """What is wrong with a kept file against its manifest row, or None when it matches."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return "it is missing"
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    if file.file_sha256:
        if digest(data) != file.file_sha256:
            return "its checksum differs from the one recorded when it was kept"
        return None
    rows = _rows(data)
    if rows != file.rows:
        return f"it holds {rows:,} rows where the manifest records {file.rows:,}"
    return None


def _rows(data: bytes) -> int:
    """The rows of a kept CSV after its header (fields may hold line breaks)."""
    text = data.decode("utf-8-sig", errors="replace")
    return max(0, sum(1 for row in csv.reader(io.StringIO(text)) if row) - 1)


def verify(folder: Path, label: str, file: StoredFile) -> Path:
    """The kept file's path, once it is known to match its manifest row."""
    path = inside(folder, file.path)
    wrong = problem(path, file)
    if wrong is None:
        return path
    raise KeptFileDamaged(
        f"The kept file {for_terminal(str(path))} does not match the statistics manifest: "
        f"{wrong}, so it was changed or damaged after it was kept (a copy cut short, an "
        f"edit, a sync conflict), and nothing was read from it. {_repair(folder, label, file)}"
    )


def _repair(folder: Path, label: str, file: StoredFile) -> str:
    """What restores a damaged kept file, for the folder it is in."""
    from cocwatch.locations import shipped_statistics

    if label != str(folder):
        return f"The folder is copied from {label}: tell whoever publishes it."
    if folder.resolve() == shipped_statistics().resolve():
        # cocwatch never imports into the folder installed with it: importing again cannot help.
        return (
            "This is the statistics folder installed with cocwatch: reinstall cocwatch to "
            "restore it (`python3 -m pip install --force-reinstall` with what you installed "
            "it from), or run `cocwatch init` to make a registry and statistics folder of "
            "your own."
        )
    return (
        f"Import {file.source_file} again (`cocwatch import {file.source} …` with the file "
        "or its address) to restore it, or restore the statistics folder from a backup."
    )


def intact(folder: Path, file: StoredFile) -> bool:
    """Whether the kept file is in place and matches its manifest row."""
    try:
        path = inside(folder, file.path)
    except InputError:
        return False
    return problem(path, file) is None


@contextlib.contextmanager
def written_back_on_failure(path: Path, data: bytes, *, what: str) -> Iterator[None]:
    """Put `data` at `path` for the block; when the block fails, put back what was there.

    The old file is kept as a hard link beside it meanwhile (no space needed; a leftover one
    is removed as a stale temporary file), else in memory.
    """
    backup: Path | None = None
    old: bytes | None = None
    if path.exists():
        backup = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            os.link(path, backup)
        except OSError:
            backup, old = None, path.read_bytes()
    atomic_write(path, data, what=what, mode=default_file_mode())
    try:
        yield
    except BaseException:
        with contextlib.suppress(OSError, CocwatchError):
            if backup is not None:
                backup.replace(path)
            elif old is not None:
                atomic_write(path, old, what=what)
            else:
                path.unlink()
        raise
    if backup is not None:
        backup.unlink(missing_ok=True)


def kept_name(source: str, source_file: str) -> str:
    """Where a published file is kept in the folder: ``<source>/<name>-coc.csv``, its name made
    of letters, digits, ``.``, ``_`` and ``-`` only."""
    stem = _UNSAFE_NAME.sub("_", Path(source_file).stem).strip("._-")[:MAX_NAME_CHARS]
    stem = stem or "measures"
    if not stem.endswith("-coc"):
        stem += "-coc"
    return f"{source}/{stem}.csv"
