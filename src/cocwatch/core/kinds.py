"""The closed sets cocwatch works with, as `Literal` types and enums, and nothing else.

Imports only the standard library, so anything may use them without loading pydantic: the
registry models (`cocwatch.core.models`) type their fields with them, `cocwatch.core.wording`
names each member for people, and the command line offers them as choices
(``typing.get_args(Cohort)``). Adding a member here is the first step; the wording tables
(checked by the tests) say what else must name it. The registry's measures, with their
words, are in `cocwatch.core.measures`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import StrEnum
from typing import Literal, get_args

Cohort = Literal["all", "ethnic_minority", "most_deprived"]
COHORTS: tuple[Cohort, ...] = ("all", "ethnic_minority", "most_deprived")

Quality = Literal["pass", "fail", "unknown"]
Precision = Literal["year", "month", "day"]  # how precisely a source dates a target
SourceKind = Literal["msds", "board_paper", "foi", "cqc", "news", "other"]
# The kinds of source people record figures from in the registry file; a figure of any other
# kind is an official statistic, kept as published in the statistics folder beside it (its
# source declares its kind: `cocwatch.statistics.sources`).
RECORDED_KINDS: frozenset[str] = frozenset({"board_paper", "foi", "cqc", "news", "other"})
PlanStatus = Literal["active", "paused", "none", "unknown"]
Coproduced = Literal["yes", "no", "unknown"]
Rating = Literal["outstanding", "good", "requires_improvement", "inadequate", "not_rated"]
# How a letter in the correspondence log was sent, and what its reply did.
Via = Literal["email", "post", "web", "other"]
Outcome = Literal["answered", "partial", "refused", "acknowledged"]
# Who a letter is addressed to: a contact's role in the registry (`mp` is found online).
ContactRole = Literal[
    "chief_executive",
    "chair",
    "director_of_midwifery",
    "board_safety_champion",
    "mnvp",
    "foi",
    "pals",
    "other",
    "secretary_of_state",
    "minister",
    "ico",
    "icb_chief_executive",
    "icb_chair",
    "lmns_lead",
    "mp",
]
CONTACT_ROLES: tuple[str, ...] = get_args(ContactRole)
# Where a cohort's benchmark comes from (`cocwatch.core.targets`).
Origin = Literal["chosen", "local", "national", "reference"]
# What a national target was, as its source frames it (a letter names it so).
TargetKind = Literal["target", "ambition", "commitment", "incentive_condition"]
# How a comparison is said: in everyday words (letters by default), or with its levels and
# limits named (`check`, the report, and letters with `--style technical`).
Style = Literal["plain", "technical"]


class Severity(StrEnum):
    """How bad something is; compare with `rank`.

    A `note` says what the registry lacks (nobody has recorded the plan yet; its statistics
    are old): it is shown, but it is not evidence about the Trust and never raises severity.
    """

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    NOTE = "note"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.NOTE: -1, Severity.OK: 0, Severity.WARN: 1, Severity.FAIL: 2}
# The severities a Trust can have (a note is never a Trust's severity).
TRUST_SEVERITIES: tuple[Severity, ...] = (Severity.OK, Severity.WARN, Severity.FAIL)


def worst(severities: Iterable[Severity]) -> Severity:
    """Return the worst of some severities (ok when there are none, or only notes)."""
    found = max(severities, key=lambda s: s.rank, default=Severity.OK)
    return Severity.OK if found is Severity.NOTE else found


class Status(StrEnum):
    """A cohort's progress against its benchmark."""

    NO_TARGET = "no_target"
    NO_DATA = "no_data"
    MET = "met"
    MISSED = "missed"
    BEHIND = "behind"
    ON_TRACK = "on_track"


class FindingCode(StrEnum):
    """The code of a finding, as JSON, CSV and letters' `--status` write it (the rules that
    find them are `cocwatch.core.findings.RULES`)."""

    NO_PLAN = "no_plan"
    PLAN_UNKNOWN = "plan_unknown"
    PLAN_PAUSED = "plan_paused"
    PLAN_UNPUBLISHED = "plan_unpublished"
    NOT_COPRODUCED = "not_coproduced"
    BOARD_REVIEW_OVERDUE = "board_review_overdue"
    STALE_DATA = "stale_data"
    DATA_QUALITY_FAILED = "data_quality_failed"
    TARGETED_DATA_MISSING = "targeted_data_missing"
    TARGETED_GAP = "targeted_gap"
    FOI_OVERDUE = "foi_overdue"


class Names:
    """A closed set's members by name, for templates to compare with: ``finding.stale_data``
    is "stale_data". A name outside the set is an error where it is written, never a
    comparison that is quietly false."""

    __slots__ = ("_members", "_what")

    def __init__(self, what: str, members: Iterable[str]) -> None:
        self._what = what
        self._members = {str(member): member for member in members}

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):  # Python's and Jinja's own questions (__html__, …)
            raise AttributeError(name)
        if name not in self._members:
            raise ValueError(
                f"'{name}' is not a {self._what}; the {self._what}s are {', '.join(self._members)}"
            )
        return self._members[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._members.values())


__all__ = [
    "COHORTS",
    "CONTACT_ROLES",
    "RECORDED_KINDS",
    "TRUST_SEVERITIES",
    "Cohort",
    "ContactRole",
    "Coproduced",
    "FindingCode",
    "Names",
    "Origin",
    "Outcome",
    "PlanStatus",
    "Precision",
    "Quality",
    "Rating",
    "Severity",
    "SourceKind",
    "Status",
    "Style",
    "TargetKind",
    "Via",
    "worst",
]
