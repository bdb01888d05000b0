"""One way to name things, and to write numbers and dates, for people.

Shared by `check`, letters, the report and `watch`, so that they agree. Pure: the standard
library and ``cocwatch.core.kinds`` only.

Names: each closed set (cohorts, measures, statuses, severities, origins, plan statuses,
ratings, source kinds) has one table here, ``COHORT[code]`` and so on, whose entries carry
named variants, one per use: `label` for a heading or a table cell, `sentence` for running
text, `short` for a narrow terminal column, and a few more where letters need a fuller form
(`formal`, `who`, `counted`, `data`, `letter`). Findings are named by their rules in
``cocwatch.core.findings`` (`RULE[code].label`, `.why`).

Numbers and dates: every percentage cocwatch prints goes through `percent`, so 17.25 is
"17.3%" in a terminal, a letter and a web page alike (rounded half up, as people round, never
as binary floats happen to). Dates are written the British way ("23 November 2026"), and a
date known only to its month or year ("by 2024") is written at that precision.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from cocwatch.core.kinds import (
    Cohort,
    Origin,
    PlanStatus,
    Precision,
    Rating,
    Severity,
    SourceKind,
    Status,
    TargetKind,
)
from cocwatch.core.measures import MEASURE as MEASURE
from cocwatch.core.measures import MeasureWords as MeasureWords

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def round_half_up(value: float) -> float:
    """Round to one decimal place as people do (17.25 → 17.3, -2.25 → -2.3).

    The tiny nudge absorbs binary representation error (17.25 is stored as 17.2499…).
    """
    scaled = math.floor(abs(value) * 10 + 0.5 + 1e-9) / 10
    return math.copysign(scaled, value) if scaled else 0.0


def number(value: float, *, fixed: bool = False) -> str:
    """A number to one decimal place: '17.3'; '51' for a whole number unless `fixed` ('51.0')."""
    rounded = round_half_up(value)
    if rounded.is_integer() and not fixed:
        return str(int(rounded))
    return f"{rounded:.1f}"


def percent(value: float, *, fixed: bool = False) -> str:
    """A percentage: '17.3%', '51%'; with `fixed`, always one decimal place ('12.0%').

    `fixed` is for published figures, which MSDS gives to one decimal place; levels and
    targets read better without a trailing '.0'. Both round the same way.
    """
    return f"{number(value, fixed=fixed)}%"


def figure_percent(value: float) -> str:
    """A published figure, to one decimal place as MSDS gives it: '12.0%', '17.3%'."""
    return percent(value, fixed=True)


def points(value: float) -> str:
    """A difference in percentage points, without its sign: '1 percentage point', '2.5 …'."""
    text = number(abs(value))
    return f"{text} percentage point" + ("" if text == "1" else "s")


def signed_points(value: float) -> str:
    """A signed difference for tables: '+1.2', '-3.4', '0.0'."""
    rounded = round_half_up(value)
    return f"{rounded:+.1f}" if rounded else "0.0"


def long_date(day: date) -> str:
    """A date as people write it in the UK: '23 November 2026'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def short_date(day: date) -> str:
    """A date with the month abbreviated: '23 Nov 2026'."""
    return f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


def month_year(day: date) -> str:
    """A month: 'November 2026'."""
    return f"{MONTHS[day.month - 1]} {day.year}"


def period(day: date, precision: Precision = "day") -> str:
    """A date at the precision its source gives: '2024', 'March 2021' or '31 March 2021'."""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return month_year(day)
    return long_date(day)


def short_period(day: date, precision: Precision = "day") -> str:
    """A date at its source's precision, month abbreviated: '2024', 'Mar 2021', '31 Mar 2021'."""
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{MONTHS[day.month - 1][:3]} {day.year}"
    return short_date(day)


def signed_points_short(value: float) -> str:
    """A signed gap for a narrow cell, with a true minus: '−23.3\u00a0pts', '+4\u00a0pts'."""
    text = number(abs(value))
    sign = "−" if value < 0 and text != "0" else "+" if value > 0 and text != "0" else ""
    return f"{sign}{text}\u00a0pts"


def humanise(code: str) -> str:
    """A code nobody has named yet, readable: 'no_data' → 'No data'."""
    return code.replace("_", " ").capitalize()


# ------------------------------------------------------------------ names


@dataclass(frozen=True, slots=True)
class CohortWords:
    """The names of a group of women."""

    sentence: str  # in running text: "women from ethnic-minority groups"
    short: str  # in a narrow column: "ethnic minority"
    # A letter's sentence ("women"), where no official source defines the group: the
    # letters name it as the statistics in use do (`cocwatch.core.letters.words.group_who`).
    who: str

    @property
    def label(self) -> str:
        """For a heading or a table cell: "Women from ethnic-minority groups"."""
        return self.sentence[:1].upper() + self.sentence[1:]


@dataclass(frozen=True, slots=True)
class StatusWords:
    """The names of a cohort's status."""

    label: str  # a badge or heading: "On track"
    symbol: str  # one terminal cell, so the meaning survives without colour: "▲"
    description: str  # a whole sentence, for a key
    letter: str  # in a letter's sentence: "no figures"

    @property
    def sentence(self) -> str:
        """In running text: "on track"."""
        return self.label.lower()


@dataclass(frozen=True, slots=True)
class SeverityWords:
    """The names of a severity."""

    label: str  # "Needs attention"
    symbol: str  # "!"

    @property
    def sentence(self) -> str:
        """In running text: "needs attention"."""
        return self.label.lower()


@dataclass(frozen=True, slots=True)
class OriginWords:
    """The names of where a benchmark comes from."""

    sentence: str  # "the chosen national target"
    label: str  # a table cell: "chosen target"
    short: str  # a narrow column: "chosen"
    letter: str  # in a letter: "the national target"


COHORT: Mapping[Cohort, CohortWords] = {
    "all": CohortWords(sentence="all women", short="all women", who="women"),
    "ethnic_minority": CohortWords(
        sentence="women from ethnic-minority groups",
        short="ethnic minority",
        who="women from ethnic-minority groups",
    ),
    "most_deprived": CohortWords(
        sentence="women from the most deprived areas",
        short="most deprived",
        who="women from the most deprived areas",
    ),
}
STATUS: Mapping[Status, StatusWords] = {
    Status.NO_TARGET: StatusWords(
        "No target",
        "–",
        "No target applies: neither the Trust's plan nor a national target sets a level for "
        "this group.",
        "no target",
    ),
    Status.NO_DATA: StatusWords(
        "No data",
        "?",
        "There is a target, but no figure of the measure it counts has been recorded.",
        "no figures",
    ),
    Status.MET: StatusWords("Met", "✓", "The latest figure reaches the highest milestone.", "met"),
    Status.MISSED: StatusWords(
        "Missed", "✗", "A milestone has passed and the latest figure is below it.", "missed"
    ),
    Status.BEHIND: StatusWords(
        "Behind",
        "▼",
        "The latest figure is below the level expected on its date, by more than the tolerance.",
        "behind",
    ),
    Status.ON_TRACK: StatusWords(
        "On track",
        "▲",
        "The latest figure is at, above or close to the level expected on its date.",
        "on track",
    ),
}
# A cohort whose only benchmark is a past national target (withdrawn or superseded) is not
# judged: its status code stays as SPEC §4 decides it (check's JSON keeps it), but people are
# told there is no target in force, and the past target is shown once, as history.
NOT_IN_FORCE = StatusWords(
    "No target in force",
    "–",
    "Only past national targets, no longer in force, apply to this group: they are shown as "
    "history and never judged against.",
    "no target in force",
)
SEVERITY: Mapping[Severity, SeverityWords] = {
    Severity.OK: SeverityWords("OK", "✓"),
    Severity.WARN: SeverityWords("Needs attention", "!"),
    Severity.FAIL: SeverityWords("Failing", "✗"),
    Severity.NOTE: SeverityWords("Note", "·"),
}
ORIGIN: Mapping[Origin, OriginWords] = {
    "chosen": OriginWords(
        "the chosen national target", "chosen target", "chosen", "the national target"
    ),
    "local": OriginWords(
        "the Trust's own plan", "the Trust's own plan", "own plan", "the Trust's own plan"
    ),
    "national": OriginWords(
        "the national target", "national target", "national", "the national target"
    ),
    "reference": OriginWords(
        "a past national target no longer in force, for reference",
        "for reference only",
        "ref.",
        "a past national target, no longer in force (for reference)",
    ),
}


@dataclass(frozen=True, slots=True)
class PlanStatusWords:
    """The names of where a Trust's plan stands."""

    label: str  # a fact in a list: "The Trust has no plan"
    sentence: str  # in running text: "no plan"


PLAN_STATUS: Mapping[PlanStatus, PlanStatusWords] = {
    "active": PlanStatusWords("Active", "active"),
    "paused": PlanStatusWords("Paused", "paused"),
    "none": PlanStatusWords("The Trust has no plan", "no plan"),
    "unknown": PlanStatusWords("Not known", "not known"),
}
# What a national target was (`Target.kind`), as a letter names it: "a past national
# ambition", "an incentive-scheme condition".
TARGET_KIND: Mapping[TargetKind, str] = {
    "target": "a national target",
    "ambition": "a national ambition",
    "commitment": "a national commitment",
    "incentive_condition": "an incentive-scheme condition",
}
# Sets with one name each.
RATING: Mapping[Rating, str] = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
    "not_rated": "Not rated",
}
SOURCE_KIND: Mapping[SourceKind, str] = {
    "msds": "Maternity Services Data Set (MSDS)",
    "board_paper": "Trust Board paper",
    "foi": "Freedom of Information response",
    "cqc": "Care Quality Commission",
    "news": "News report",
    "other": "Source",
}


def past_target(step_percent: float, due: str, kind: TargetKind) -> str:
    """A past target, once, as history: '51% by March 2021 — a past incentive-scheme
    condition, no longer in force'."""
    what = TARGET_KIND[kind].split(" ", 1)[1]
    return f"{percent(step_percent)} by {due} — a past {what}, no longer in force"


def status_words(code: str) -> str:
    """A status in running text, even one this version does not know: "no data"."""
    if code == "not_in_force":
        return NOT_IN_FORCE.sentence
    try:
        return STATUS[Status(code)].sentence
    except ValueError:  # e.g. from an older state file
        return code.replace("_", " ")


def no_figure_of_measure(measure: str) -> str:
    """Why a cohort with figures has none to judge: its figures count another measure."""
    return f"no figure of the measure its benchmark uses ({MEASURE[measure].sentence})"


__all__ = [
    "COHORT",
    "MEASURE",
    "MONTHS",
    "NOT_IN_FORCE",
    "ORIGIN",
    "PLAN_STATUS",
    "RATING",
    "SEVERITY",
    "SOURCE_KIND",
    "STATUS",
    "TARGET_KIND",
    "CohortWords",
    "MeasureWords",
    "OriginWords",
    "PlanStatusWords",
    "Precision",
    "SeverityWords",
    "StatusWords",
    "figure_percent",
    "humanise",
    "long_date",
    "month_year",
    "no_figure_of_measure",
    "number",
    "past_target",
    "percent",
    "period",
    "points",
    "round_half_up",
    "short_date",
    "short_period",
    "signed_points",
    "signed_points_short",
    "status_words",
]
