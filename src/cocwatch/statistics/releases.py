"""A source's releases: the months a run asks for, and the files its release pages link.

A source that publishes a release page per month (NHS England's monthly statistics) declares
`Releases`: the series page to read by default, and how to find the files its release pages
link (`discover`). What a run asks for (`Wanted`: the newest release, one month, or every
month since one) and which of the files found are imported (`select`: a month's final file
over its provisional one) are the same for every source. Pure: the standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal
from urllib.parse import unquote, urlsplit

from cocwatch.errors import UsageError

_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH_ARGUMENT = re.compile(r"^(\d{4})-(\d{1,2})$")
Fetch = Callable[[str], bytes]  # a page's (or a file's) bytes, or an `ExternalError`


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month, such as the reporting period of a measures file."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read `YYYY-MM`, as given on the command line or in the config."""
        match = _MONTH_ARGUMENT.match(text.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise UsageError(f"{text!r} is not a month: write it as YYYY-MM, e.g. 2025-04.")
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @property
    def label(self) -> str:
        """'April 2025'."""
        return f"{_MONTH_NAMES[self.month - 1]} {self.year}"

    @property
    def last_day(self) -> date:
        """The last day of the month: the `as_of` of the month's figures."""
        following = date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True, slots=True)
class MeasuresFile:
    """One file of a source's statistics linked from a release page."""

    month: Month
    provisional: bool
    csv_url: str  # the file's own address
    release_url: str  # the page that links the file: what its figures cite
    release_title: str  # that page's title, as the page gives it

    @property
    def name(self) -> str:
        return unquote(urlsplit(self.csv_url).path).rsplit("/", 1)[-1]

    @property
    def kind(self) -> Literal["provisional", "final"]:
        return "provisional" if self.provisional else "final"


@dataclass(frozen=True, slots=True)
class PageProblem:
    """A release page that could not be read or links no measures file, and why."""

    url: str
    message: str  # one sentence, naming the address
    months: tuple[Month, ...]  # the months its link names, if any
    unreachable: bool = True  # False: the page was read (a clause says what it lacks)


@dataclass(frozen=True, slots=True)
class Discovery:
    """What the index and its release pages list."""

    index_url: str
    wanted: Wanted
    files: tuple[MeasuresFile, ...]  # one per (month, provisional), oldest month first
    problems: tuple[PageProblem, ...]
    releases_read: int

    def chosen(self) -> tuple[MeasuresFile, ...]:
        """The files to import, oldest month first (see `select`)."""
        return tuple(select(self.files, self.wanted))

    @property
    def newest(self) -> Month | None:
        return max((f.month for f in self.files), default=None)


@dataclass(frozen=True, slots=True)
class Wanted:
    """Which months a run asks for: one month, every month since one, or the newest."""

    mode: Literal["latest", "month", "since"]
    month: Month | None = None

    def covers(self, month: Month) -> bool:
        if self.mode == "month":
            return month == self.month
        if self.mode == "since":
            assert self.month is not None
            return month >= self.month
        return True

    def may_hold(self, months: Sequence[Month]) -> bool:
        """Whether a release page naming `months` may list a wanted month (a page that
        names none is read too)."""
        if not months or self.mode == "latest":
            return True
        return any(self.covers(m) for m in months)

    def describe(self) -> str:
        if self.mode == "month":
            return f"for {self.month.label if self.month else ''}"
        if self.mode == "since":
            return f"since {self.month.label if self.month else ''}"
        return "(the newest release)"


def select(files: Iterable[MeasuresFile], wanted: Wanted) -> list[MeasuresFile]:
    """The files a run imports: per wanted month the final file where published, else the
    provisional one; for the newest release, its newest month and the month before it."""
    files = list(files)
    if wanted.mode == "latest":
        newest = max((f.month for f in files), default=None)
        if newest is None:
            return []
        # The release holding the newest month: its final file for the month before, too.
        pages = {f.release_url for f in files if f.month == newest}
        months = {f.month for f in files if f.release_url in pages}
        files = [f for f in files if f.month in months]
    else:
        files = [f for f in files if wanted.covers(f.month)]
    chosen: dict[Month, MeasuresFile] = {}
    for found in files:
        held = chosen.get(found.month)
        if held is None or (held.provisional and not found.provisional):
            chosen[found.month] = found
    return [chosen[m] for m in sorted(chosen)]


@dataclass(frozen=True, slots=True)
class Releases:
    """How a source's monthly releases are found: its series page, and the files it links."""

    index_url: str  # the series page read by default (the config's own, if set, first)
    discover: Callable[[Fetch, str, Wanted], Discovery]  # (fetch, index address, wanted)
    title: str  # what a run's table is called: "MSDS releases"
