"""Every error cocwatch reports on purpose, and the exit code each one means.

    CocwatchError                 base class; never raised itself
    ├── UsageError       exit 2   a bad option, an unknown or ambiguous Trust name
    ├── InputError       exit 3   a registry, config, template or CSV that cannot be used
    │   └── RegistryError         the registry, with every problem found (file, line, Trust)
    └── ExternalError    exit 4   the network, an unwritable output, a lock held too long

Exit codes shared by every command (documented in docs/reference/exit-codes.md):
0 success, 1 ``check`` found a Trust at or above ``--fail-on`` (or ``due --fail-on overdue``
an overdue reply), 2 usage, 3 bad input,
4 external failure. An unexpected internal error exits 70 and asks for a bug report.

Library exceptions (``yaml.YAMLError``, ``pydantic.ValidationError``, ``jinja2.TemplateError``,
``httpx.HTTPError``, ``OSError``) are caught where the library is called and re-raised as
one of these, with the file, line or URL in the message. This module imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, the same for every command."""

    OK = 0
    FINDINGS = 1
    USAGE = 2
    BAD_INPUT = 3
    EXTERNAL = 4
    INTERNAL = 70


class CocwatchError(Exception):
    """Base of every error cocwatch reports to its user."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(CocwatchError):
    """The command line asks for something that cannot be done."""

    exit_code = ExitCode.USAGE


class InputError(CocwatchError):
    """A file or document the user supplied cannot be used."""

    exit_code = ExitCode.BAD_INPUT


class ExternalError(CocwatchError):
    """Something outside cocwatch failed: the network, the disk, a lock."""

    exit_code = ExitCode.EXTERNAL


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a registry, located as precisely as possible."""

    message: str
    line: int | None = None
    column: int | None = None
    trust_id: str | None = None
    path: tuple[str | int, ...] = field(default=())

    def describe(self, source: str) -> str:
        """Return 'file:line:col: [trust] message' for a person to read."""
        where = source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        who = f" (trust '{self.trust_id}')" if self.trust_id else ""
        return f"{where}{who}: {self.message}"


class RegistryError(InputError):
    """The registry cannot be used; carries every problem found in it."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"The registry {source} has {count} {noun}:"]
        lines += [f"  {p.describe(source)}" for p in problems]
        lines.append("Fix these in a text editor, then run `cocwatch validate` to check again.")
        super().__init__("\n".join(lines))
