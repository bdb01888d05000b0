"""Official statistics as plain values: what a release file observed, and the files kept.

A release file (NHS England's MSDS measures file, say) is kept as published in the statistics
store beside the registry (`cocwatch.statistics.store`); its rows mean one `Observation` each per
organisation, indicator and month: a numerator, a denominator, a rate and, for headline
measures, a data-quality result. `StoredFile` is one entry of the store's manifest. Which
observations become a Trust's figures is the source's business (`cocwatch.sources`); this
module holds the values and the rule that a final file supersedes a provisional one.

Pure: standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Literal

OrgLevel = Literal["provider", "national", "region", "lms", "mbrrace", "other"]
ENGLAND = "NATIONAL"  # the code of England's own figures, whatever a source calls them
Result = Literal["pass", "fail"]

# How `statistics move` names the files it makes of a registry's figures.
MOVED_PREFIX = "registry-"

# The dates any official file holds: its months, when it was published, retrieved, imported.
# A date outside them is a mistake or a trap (year 9999 overflows date arithmetic).
FIRST_YEAR, LAST_YEAR = 1900, 2100


def in_window(day: date) -> bool:
    """Whether `day` is in a year an official file can speak of (1900-2100)."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


@dataclass(frozen=True, slots=True)
class Observation:
    """One organisation's value of one indicator for one reporting period.

    `measure` and `group` are the source's names for the indicator: the registry measure a
    headline records, or a data-quality measure's own code, and a breakdown ("all" for the
    whole). `rate` is the published percentage (None when not published, or withheld);
    `low_dq` marks a rate withheld because the provider's data failed quality checks;
    `result` is a headline's own Pass/Fail.
    """

    level: OrgLevel
    code: str
    name: str
    measure: str
    group: str
    period_start: date | None
    period_end: date
    numerator: int | None
    denominator: int | None
    rate: float | None
    low_dq: bool = False
    result: Result | None = None
    line: int = 0

    @property
    def key(self) -> tuple[str, str, str, str, date]:
        return (self.level, self.code, self.measure, self.group, self.period_end)

    @property
    def percent(self) -> float | None:
        """The published rate, or one computed from the counts; None without either."""
        if self.low_dq:
            return None
        if self.rate is not None:
            return self.rate
        if self.numerator is None or not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)


@dataclass(frozen=True, slots=True)
class StoredFile:
    """One file in the statistics store, as its manifest records it."""

    path: str  # inside the store folder, e.g. msds/msds-apr2025Provisional-exp-measures-coc.csv
    source: str  # the official source it comes from, e.g. "msds"
    source_file: str  # the published file's name
    period_end: date | None  # the last reporting period it holds
    provisional: bool
    release_page: str | None  # the publication page that links the file
    file_url: str | None  # the file's own address, where known
    sha256: str  # of the file as read (before cocwatch kept its CoC rows)
    rows: int  # rows kept
    retrieved: date | None  # when the file was obtained (None: not recorded)
    imported: date  # when it entered the store
    notes: str = ""
    title: str = ""  # the citation's own title, when it is not the usual one (moved figures)
    file_sha256: str = ""  # of the kept file itself ("": kept by an earlier version)

    @property
    def moved(self) -> bool:
        """Made by `statistics move` from figures in a registry file: only the rows behind
        them (not a whole published file), cited exactly as the registry cited them."""
        return PurePosixPath(self.path).name.startswith(MOVED_PREFIX)


def supersedes(new: StoredFile, old: StoredFile) -> bool:
    """Whether `new` replaces `old` for a period both hold: final over provisional, then newer."""
    if new.provisional != old.provisional:
        return not new.provisional
    return (new.imported, new.path) > (old.imported, old.path)


def preferred(
    observations: Iterable[tuple[StoredFile, Observation]],
) -> list[tuple[StoredFile, Observation]]:
    """Keep one observation per organisation, indicator and period: the superseding file's."""
    best: dict[tuple[str, str, str, str, date], tuple[StoredFile, Observation]] = {}
    for file, observation in observations:
        held = best.get(observation.key)
        if held is None or supersedes(file, held[0]):
            best[observation.key] = (file, observation)
    return list(best.values())
