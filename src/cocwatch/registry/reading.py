"""Read a user's file (a registry, the config, the correspondence log) safely as text.

Every failure is explained in words: a missing file, a folder, a file too large to load (the
size cap, ``COCWATCH_MAX_REGISTRY_MB``), UTF-16 from Windows Notepad, binary data, text that
is not UTF-8. Imports the standard library and cocwatch's errors only.
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

from cocwatch.errors import InputError, Problem, RegistryError, UsageError

# The largest file read as a registry, config or log: a 45 MB registry (5,000 Trusts x 60
# figures) takes 2.4 GB of memory to validate, so 64 MB stays within a small server's memory.
MAX_REGISTRY_MB = 64
ENV_MAX_REGISTRY_MB = "COCWATCH_MAX_REGISTRY_MB"


def read_text(path: Path, *, what: str = "file") -> str:
    """Read a user's text file as UTF-8 (with or without BOM), explaining any failure."""
    return decode_text(read_bytes(path, what=what), str(path), what=what)


def max_file_bytes() -> int:
    """The largest registry (or other YAML file) cocwatch reads: ``COCWATCH_MAX_REGISTRY_MB``."""
    value = os.environ.get(ENV_MAX_REGISTRY_MB, "").strip()
    if not value:
        return MAX_REGISTRY_MB * 1024 * 1024
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = float("nan")
    if not 0 < megabytes < 1024 * 1024:
        raise UsageError(
            f"{ENV_MAX_REGISTRY_MB} is set to {value!r}; it must be a number of megabytes "
            f"above 0, such as 200. Unset it to use the default of {MAX_REGISTRY_MB} MB."
        )
    return int(megabytes * 1024 * 1024)


def read_bytes(path: Path, *, what: str = "file") -> bytes:
    """Read a user's file, explaining any failure; refuse one over `max_file_bytes`."""
    limit = max_file_bytes()
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            data = b"" if size > limit else handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError(
            f"The {what} {path} does not exist. Check the path, or create it."
        ) from None
    except IsADirectoryError:
        raise InputError(f"The {what} {path} is a folder, not a file.") from None
    except OSError as exc:
        raise InputError(f"The {what} {path} cannot be read: {exc.strerror}.") from None
    if size > limit or len(data) > limit:
        found = f" ({size / 1024 / 1024:,.0f} MB)" if size > limit else ""
        raise InputError(
            f"The {what} {path} is larger than {limit / 1024 / 1024:,.0f} MB{found}, the "
            f"limit cocwatch reads (a registry of every NHS Trust with years of figures is a "
            f"few MB; loading takes about 50 times the file's size in memory). Check that it "
            f"is the right file; if it is, raise the limit with {ENV_MAX_REGISTRY_MB}=MEGABYTES."
        )
    return data


def decode_text(data: bytes, source: str, *, what: str = "file") -> str:
    """Decode UTF-8 text, rejecting binary files with a located message."""
    if _looks_like_utf16(data):
        raise RegistryError(
            source,
            [
                Problem(
                    f"this {what} is saved as UTF-16 (Windows Notepad calls it 'Unicode'), and "
                    "cocwatch reads UTF-8: open it in your editor and save it again with the "
                    "encoding UTF-8 (in Notepad: File, Save As, Encoding: UTF-8)",
                    line=1,
                )
            ],
        )
    if b"\x00" in data:
        raise RegistryError(
            source,
            [
                Problem(
                    f"this is not a text file (it contains binary data); is it the right {what}?",
                    line=1,
                )
            ],
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RegistryError(
            source,
            [
                Problem(
                    "this file is not valid UTF-8 text; save it as UTF-8 in your editor", line=line
                )
            ],
        ) from None


def _looks_like_utf16(data: bytes) -> bool:
    """A UTF-16 byte order mark, or text with a zero byte beside every other character."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    sample = data[:200]
    return len(sample) >= 4 and (
        sample[1::2].count(0) >= len(sample) // 2 - 1
        or sample[0::2].count(0) >= len(sample) // 2 - 1
    )
