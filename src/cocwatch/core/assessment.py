"""Assessment of Trusts against targets and transparency duties (SPEC §4).

Pure: registry models and an as-of date in, frozen result objects out. No clock, no I/O.
The result types below are the contract used by `check`, `letter`, `watch` and `report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from cocwatch.core.models import Cohort, Figure, Registry, Thresholds, Trust


class Severity(StrEnum):
    """How bad something is; compare with `rank`."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.OK: 0, Severity.WARN: 1, Severity.FAIL: 2}


def worst(severities: list[Severity] | tuple[Severity, ...]) -> Severity:
    """Return the worst of some severities (ok when there are none)."""
    return max(severities, key=lambda s: s.rank, default=Severity.OK)


class Status(StrEnum):
    """A cohort's progress against its benchmark."""

    NO_TARGET = "no_target"
    NO_DATA = "no_data"
    MET = "met"
    MISSED = "missed"
    BEHIND = "behind"
    ON_TRACK = "on_track"


Origin = Literal["chosen", "local", "national", "reference"]


@dataclass(frozen=True, slots=True)
class Step:
    """One milestone of a benchmark: `percent` by `due`."""

    due: date
    percent: float
    target_id: str | None = None  # the national target behind it, if any
    withdrawn_on: date | None = None


@dataclass(frozen=True, slots=True)
class Benchmark:
    """The milestones a cohort is judged against, sorted by due date."""

    origin: Origin
    steps: tuple[Step, ...]
    start: date | None  # where the trajectory starts from 0% (plan published / first set_on)


@dataclass(frozen=True, slots=True)
class Trend:
    """Least-squares line through the cohort's recent figures."""

    points_per_year: float
    projected_date: date | None


@dataclass(frozen=True, slots=True)
class CohortAssessment:
    """The status of one cohort of one Trust."""

    cohort: Cohort
    status: Status
    severity: Severity
    latest: Figure | None
    benchmark: Benchmark | None
    deciding_step: Step | None  # the milestone that decided the status ("benchmark" in JSON)
    expected: float | None
    gap: float | None
    trend: Trend | None


@dataclass(frozen=True, slots=True)
class Finding:
    """A transparency duty that is not being met."""

    code: str
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class TrustAssessment:
    """Everything `check` says about one Trust."""

    trust: Trust
    severity: Severity
    cohorts: tuple[CohortAssessment, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class Assessment:
    """The result of assessing a set of Trusts on one date."""

    as_of: date
    trusts: tuple[TrustAssessment, ...]

    def summary(self) -> dict[str, int]:
        """Count the assessed Trusts by severity."""
        counts = {s.value: 0 for s in Severity}
        for t in self.trusts:
            counts[t.severity.value] += 1
        return counts


def assess_trust(
    trust: Trust,
    registry: Registry,
    *,
    as_of: date,
    thresholds: Thresholds,
    target_id: str | None = None,
) -> TrustAssessment:
    """Assess one Trust on `as_of` (SPEC §4)."""
    raise NotImplementedError


def assess(
    registry: Registry,
    trusts: list[Trust] | tuple[Trust, ...],
    *,
    as_of: date,
    thresholds: Thresholds,
    target_id: str | None = None,
) -> Assessment:
    """Assess the given Trusts, ordered by region then name."""
    ordered = sorted(trusts, key=lambda t: (t.region, t.name))
    return Assessment(
        as_of=as_of,
        trusts=tuple(
            assess_trust(t, registry, as_of=as_of, thresholds=thresholds, target_id=target_id)
            for t in ordered
        ),
    )
