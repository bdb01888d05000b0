"""Checks across the whole registry that no single model can make (SPEC §3).

Pure: takes a validated `Registry` and today's date, returns located problems as
(path, message, trust id) so the loader can point at the right line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from cocwatch.core.models import Registry

EARLIEST_PLAUSIBLE = date(2010, 1, 1)
FUTURE_SLACK = timedelta(days=365)
# Plans look further ahead than records of what happened: a milestone may be years away.
MILESTONE_HORIZON = timedelta(days=365 * 15)

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken invariant, located by its path in the document."""

    path: Path
    message: str
    trust_id: str | None = None


def _check_date(
    value: date, path: Path, what: str, today: date, trust_id: str | None, *, horizon: timedelta
) -> Violation | None:
    if value < EARLIEST_PLAUSIBLE:
        return Violation(
            path, f"{what} {value.isoformat()} is before 2010: check the year", trust_id
        )
    if value > today + horizon:
        return Violation(
            path,
            f"{what} {value.isoformat()} is too far in the future: check the year",
            trust_id,
        )
    return None


def check_invariants(registry: Registry, *, today: date) -> list[Violation]:
    """Return every broken invariant of the registry, in document order."""
    found: list[Violation] = []
    target_ids: dict[str, int] = {}
    for i, target in enumerate(registry.national.targets):
        if target.id in target_ids:
            found.append(
                Violation(
                    ("national", "targets", i, "id"),
                    f"target id '{target.id}' is used twice "
                    f"(first by target {target_ids[target.id] + 1}); ids must be unique",
                )
            )
        target_ids.setdefault(target.id, i)
    for i, target in enumerate(registry.national.targets):
        successor = target.superseded_by
        if successor is not None and successor not in target_ids:
            known = ", ".join(sorted(target_ids)) or "none"
            found.append(
                Violation(
                    ("national", "targets", i, "superseded_by"),
                    f"superseded_by names '{successor}', which is not the id of a national "
                    f"target (known: {known})",
                )
            )
    for j, figure in enumerate(registry.national.figures):
        v = _check_date(
            figure.as_of,
            ("national", "figures", j, "as_of"),
            "figure date",
            today,
            None,
            horizon=FUTURE_SLACK,
        )
        if v:
            found.append(v)

    ids: dict[str, int] = {}
    ods_codes: dict[str, str] = {}
    for i, trust in enumerate(registry.trusts):
        where: Path = ("trusts", i)
        if trust.id in ids:
            found.append(
                Violation(
                    (*where, "id"),
                    f"trust id '{trust.id}' is used twice; ids must be unique",
                    trust.id,
                )
            )
        ids.setdefault(trust.id, i)
        ods = trust.ods.upper()
        if ods in ods_codes:
            found.append(
                Violation(
                    (*where, "ods"),
                    f"ODS code {trust.ods} is also used by trust '{ods_codes[ods]}'; "
                    "ODS codes must be unique",
                    trust.id,
                )
            )
        ods_codes.setdefault(ods, trust.id)

    for i, trust in enumerate(registry.trusts):
        where = ("trusts", i)
        if trust.successor is not None and trust.successor not in ids:
            found.append(
                Violation(
                    (*where, "successor"),
                    f"successor '{trust.successor}' is not the id of any trust in the registry",
                    trust.id,
                )
            )
        if trust.successor == trust.id:
            found.append(
                Violation((*where, "successor"), "a trust cannot succeed itself", trust.id)
            )
        for j, figure in enumerate(trust.figures):
            v = _check_date(
                figure.as_of,
                (*where, "figures", j, "as_of"),
                "figure date",
                today,
                trust.id,
                horizon=FUTURE_SLACK,
            )
            if v:
                found.append(v)
        for j, inspection in enumerate(trust.inspections):
            v = _check_date(
                inspection.date,
                (*where, "inspections", j, "date"),
                "inspection date",
                today,
                trust.id,
                horizon=FUTURE_SLACK,
            )
            if v:
                found.append(v)
        if trust.plan is None:
            continue
        for j, milestone in enumerate(trust.plan.milestones):
            v = _check_date(
                milestone.due,
                (*where, "plan", "milestones", j, "due"),
                "milestone date",
                today,
                trust.id,
                horizon=MILESTONE_HORIZON,
            )
            if v:
                found.append(v)
        for j, review in enumerate(trust.plan.board_reviews):
            v = _check_date(
                review.date,
                (*where, "plan", "board_reviews", j, "date"),
                "Board review date",
                today,
                trust.id,
                horizon=FUTURE_SLACK,
            )
            if v:
                found.append(v)
    return found
