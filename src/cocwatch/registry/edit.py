"""Change a YAML file in place: read, plan, edit the text, validate, write atomically.

1. read the file (and, when writing, lock it first, so that two runs at once each change
   the latest text); a file reached through a symbolic link is changed where it lives;
2. let the caller's `plan` compute the changes (`cocwatch.core.edits`) from the parsed file;
3. edit the text (`text_edit.edit_text`), which keeps every byte outside the change and
   proves that the new text means the old data plus the change;
4. validate the result as the file's kind (a registry, the correspondence log); only then
5. write it atomically, keeping a UTF-8 byte-order mark the file had.

`change_registry` does this for the registry; `change_document` for any hand-written YAML
file with its own parser and validator. Imports the package's reading and text editing and
cocwatch's file helpers; never the CLI.
"""

from __future__ import annotations

import codecs
import difflib
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from cocwatch.errors import InputError, RegistryError
from cocwatch.files import atomic_write, locked, resolve_target
from cocwatch.registry.load import parse_registry
from cocwatch.registry.reading import decode_text, read_bytes
from cocwatch.registry.text_edit import edit_text
from cocwatch.registry.text_layout import EditError

if TYPE_CHECKING:
    from cocwatch.core.edits import Change
    from cocwatch.core.models import Registry

__all__ = ["EditError", "EditResult", "change_document", "change_registry", "validate_edited"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class EditResult:
    """The registry text before and after a change, and whether the file was written."""

    path: Path
    before: str
    after: str
    written: bool

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        """A unified diff of the change, for --dry-run."""
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            fromfile=f"{self.path}",
            tofile=f"{self.path} (after)",
        )
        out = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
        return out


# ---------------------------------------------------------------------------------------------
# Reading and writing the file


def _read(path: Path, what: str = "registry") -> tuple[str, bool]:
    """Return the file's text and whether it starts with a UTF-8 byte-order mark."""
    data = read_bytes(path, what=what)
    return decode_text(data, str(path), what=what), data.startswith(codecs.BOM_UTF8)


def change_registry(
    path: Path,
    plan: Callable[[Registry], tuple[Sequence[Change], T]],
    *,
    today: date,
    dry_run: bool,
    around_write: Callable[[], AbstractContextManager[object]] | None = None,
) -> tuple[EditResult, T]:
    """Apply the changes `plan` computes from the current registry; write unless `dry_run`.

    The file is read (and, when writing, locked) first, so `plan` always sees the latest
    registry. The new text is validated before anything is written, and written atomically.
    A registry reached through a symbolic link is read, locked and changed where it lives.
    `around_write` (a context manager) is entered only once the new text is known to be
    valid, and the file is written inside it: what it does can be undone when writing fails.
    """
    path = resolve_target(path)
    return change_document(
        path,
        lambda text: parse_registry(text, str(path), today=today),
        plan,
        validate=lambda text: validate_edited(text, Path(path), today=today),
        what="registry",
        dry_run=dry_run,
        around_write=around_write,
    )


M = TypeVar("M")


def change_document(
    path: Path,
    parse: Callable[[str], M],
    plan: Callable[[M], tuple[Sequence[Change], T]],
    *,
    validate: Callable[[str], object],
    what: str,
    dry_run: bool,
    new_file_text: str | None = None,
    around_write: Callable[[], AbstractContextManager[object]] | None = None,
) -> tuple[EditResult, T]:
    """Apply `plan`'s changes to a YAML file as `change_registry` does, for any document.

    `parse` turns the current text into what `plan` reads; `validate` checks the edited
    text (raising to refuse it). With `new_file_text`, a missing file starts as that text.
    A file reached through a symbolic link is read, locked and changed where it lives.
    """
    path = resolve_target(path)
    if dry_run:
        return _change(path, parse, plan, validate, what, new_file_text, write=None)
    if not path.is_file() and new_file_text is None:
        _read(path, what)  # explains a missing file before a lock file is created beside it
    with locked(path, what=what):
        return _change(
            path, parse, plan, validate, what, new_file_text, write=around_write or nullcontext
        )


def _change(
    path: Path,
    parse: Callable[[str], M],
    plan: Callable[[M], tuple[Sequence[Change], T]],
    validate: Callable[[str], object],
    what: str,
    new_file_text: str | None,
    *,
    write: Callable[[], AbstractContextManager[object]] | None,
) -> tuple[EditResult, T]:
    """One change; `write` (None: a dry run) is what the file is written inside."""
    if new_file_text is not None and not path.exists():
        text, bom, before = new_file_text, False, ""
    else:
        text, bom = _read(path, what)
        before = text
    changes, info = plan(parse(text))
    after = edit_text(text, changes) if changes else text
    if after != text:
        validate(after)
    written = False
    if write is not None and after != before:
        prefix = codecs.BOM_UTF8 if bom else b""
        with write():
            atomic_write(path, prefix + after.encode("utf-8"), what=what)
        written = True
    return EditResult(path, before, after, written), info


def validate_edited(text: str, path: Path, *, today: date) -> Registry:
    """Validate the registry as it would be after a change; explain failures as such."""
    try:
        return parse_registry(text, str(path), today=today)
    except RegistryError as error:
        where = f"{path} (after the change)"
        listed = "\n".join(f"  {p.describe(where)}" for p in error.problems)
        raise InputError(
            f"The new entry would make the registry invalid, so {path} was left unchanged:\n"
            f"{listed}\nCorrect the values given on the command line (or in the imported file) "
            "and try again."
        ) from None
