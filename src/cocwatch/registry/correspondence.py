"""The correspondence log file: YAML in, `CorrespondenceLog` out, and safe appends.

The log is a hand-editable YAML file beside the registry (``correspondence.yaml``). It is read
with the registry's own strict loader (duplicate keys refused, impossible dates reported) and
every problem is located by file, line and column, with the Trust the letter was sent to. A
letter names a Trust (`trust:`), an ICB (`icb:`) or neither (a national letter); given the
registry's Trusts and ICBs, a name the registry does not know is a problem too.
Appends go through `cocwatch.registry.edit`: the text is edited, never re-emitted, so comments and
layout survive; the result is validated, then written atomically under a lock. A missing log
is an empty one; the first `cocwatch sent` creates it with a commented header.
Imports the registry package's reading, validation and editing, and the core's log model.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from cocwatch.errors import InputError, Problem
from cocwatch.registry.documents import validate_document
from cocwatch.registry.locate import Locator, ordered
from cocwatch.registry.reading import decode_text, read_bytes

if TYPE_CHECKING:
    from cocwatch.core.correspondence import CorrespondenceLog, ReplyRules
    from cocwatch.registry.edit import EditResult

T = TypeVar("T")

WHAT = "correspondence log"
NEW_LOG_TEXT = """\
# cocwatch correspondence log: the letters sent to Trusts and ICBs, and the replies received.
# `cocwatch sent` and `cocwatch replied` add to it; you may also edit it by hand (dates are
# YYYY-MM-DD) and share it through git. `cocwatch due` lists what is awaiting a reply.
version: 1
letters: []
"""


class KnownBodies(TypedDict):
    """The bodies a logged letter may name (keywords of `load_log` and `change_log`)."""

    trust_ids: Collection[str]
    icb_codes: Collection[str]


class CorrespondenceLogError(InputError):
    """The correspondence log cannot be used; carries every problem found in it."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        lines = [f"The {WHAT} {source} has {len(problems)} {noun}:"]
        lines += [f"  {p.describe(source)}" for p in problems]
        lines.append("Fix these in a text editor, then run `cocwatch due` to check again.")
        super().__init__("\n".join(lines))


@dataclass(frozen=True, slots=True)
class LoadedLog:
    """A validated log and the file it came from (which may not exist yet)."""

    log: CorrespondenceLog
    path: Path
    exists: bool


def load_log(
    path: Path,
    *,
    trust_ids: Collection[str] | None = None,
    icb_codes: Collection[str] | None = None,
) -> LoadedLog:
    """Load and validate the log at `path`; a missing file is an empty log."""
    from cocwatch.core.correspondence import CorrespondenceLog

    path = Path(path).expanduser()
    if not path.exists():
        return LoadedLog(CorrespondenceLog(), path, exists=False)
    data = read_bytes(path, what=WHAT)
    text = decode_text(data, str(path), what=WHAT)
    log = parse_log(text, str(path), trust_ids=trust_ids, icb_codes=icb_codes)
    return LoadedLog(log, path, exists=True)


def parse_log(
    text: str,
    source: str,
    *,
    trust_ids: Collection[str] | None = None,
    icb_codes: Collection[str] | None = None,
) -> CorrespondenceLog:
    """Validate log text; raise `CorrespondenceLogError` listing every problem.

    With `trust_ids`, a letter to a Trust the registry does not know is a problem too; with
    `icb_codes`, so is a letter to an ICB it does not know.
    """
    from cocwatch.core.correspondence import CorrespondenceLog

    document = validate_document(
        text,
        source,
        CorrespondenceLog,
        fail=lambda problems: CorrespondenceLogError(source, problems),
        not_a_mapping="the log must be a set of keys: 'version: 1' and 'letters:'",
        locator=_LogLocator,
    )
    log, problems, locator = document.value, document.problems, document.locator
    if log is None:
        raise CorrespondenceLogError(source, ordered(problems))
    if trust_ids is not None:
        known = set(trust_ids)
        problems += [
            locator.at(
                ("letters", i, "trust"),
                f"no trust has the id '{letter.trust}' in the registry; "
                "use the id `cocwatch trusts` shows",
            )
            for i, letter in enumerate(log.letters)
            if letter.trust is not None and letter.trust not in known
        ]
    if icb_codes is not None:
        codes = {code.upper() for code in icb_codes}
        problems += [
            locator.at(
                ("letters", i, "icb"),
                f"no ICB has the code '{letter.icb}' in the registry; use a code `cocwatch "
                "icbs` lists (an ICB that has ended stays listed, with its end date)",
            )
            for i, letter in enumerate(log.letters)
            if letter.icb is not None and letter.icb not in codes
        ]
    if problems:
        raise CorrespondenceLogError(source, ordered(problems))
    return log


class _LogLocator(Locator):
    """Locates problems in the log; names the Trust a letter was sent to."""

    def trust_id(self, path: tuple[Any, ...]) -> str | None:
        if len(path) >= 2 and path[0] == "letters" and isinstance(path[1], int):
            letters = self._data.get("letters")
            if isinstance(letters, list) and path[1] < len(letters):
                entry = letters[path[1]]
                if isinstance(entry, dict) and isinstance(entry.get("trust"), str):
                    return str(entry["trust"])
                return None
        return None


def change_log(
    path: Path,
    plan: Callable[[CorrespondenceLog], tuple[list[Any], T]],
    *,
    trust_ids: Collection[str] | None = None,
    icb_codes: Collection[str] | None = None,
    dry_run: bool = False,
) -> tuple[EditResult, T]:
    """Apply `plan`'s appends to the log (creating it when missing), atomically under a lock."""
    from cocwatch.registry.edit import change_document

    path = Path(path).expanduser()

    def validate(text: str) -> None:
        try:
            parse_log(text, str(path), trust_ids=trust_ids, icb_codes=icb_codes)
        except CorrespondenceLogError as error:
            where = f"{path} (after the change)"
            listed = "\n".join(f"  {p.describe(where)}" for p in error.problems)
            raise InputError(
                f"The new entry would make the {WHAT} invalid, so {path} was left unchanged:\n"
                f"{listed}\nCorrect the values given on the command line and try again."
            ) from None

    return change_document(
        path,
        lambda text: parse_log(text, str(path), trust_ids=trust_ids, icb_codes=icb_codes),
        plan,
        validate=validate,
        what=WHAT,
        dry_run=dry_run,
        new_file_text=NEW_LOG_TEXT,
    )


def entry(values: Mapping[str, Any]) -> dict[str, Any]:
    """A log entry with the empty values left out (so the file stays short)."""
    return {k: v for k, v in values.items() if v is not None and v != ()}


def reply_rules(
    log: CorrespondenceLog, *, as_of: date, other_working_days: int, extra: Collection[date] = ()
) -> ReplyRules:
    """The reply-by rules for `log` up to `as_of`, with the bank holidays of every year used."""
    from cocwatch.core.correspondence import ReplyRules
    from cocwatch.core.workdays import foi_non_working_days

    sent = (letter.sent_on for letter in log.letters if letter.sent_on is not None)
    dates = [as_of, *extra, *sent]
    first, last = min(dates).year, max(dates).year + 1
    return ReplyRules(
        non_working=foi_non_working_days(range(first, last + 1)),
        other_working_days=other_working_days,
    )
