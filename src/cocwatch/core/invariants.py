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
    found += _icb_violations(registry)
    return found


def _icb_violations(registry: Registry) -> list[Violation]:
    """ICB codes are unique; every `icb:` a Trust names (now or in its history) and every ICB
    one took over is listed in `icbs:`; a Trust's history runs in order without overlaps.

    A registry that lists no ICBs at all (one made before ICBs were kept) is not checked:
    its Trusts' `icb:` codes stay as written.
    """
    found: list[Violation] = []
    codes: dict[str, int] = {}
    for i, icb in enumerate(registry.icbs):
        where: Path = ("icbs", i)
        if icb.code in codes:
            found.append(
                Violation(
                    (*where, "code"),
                    f"ICB code {icb.code} is used twice (first by ICB {codes[icb.code] + 1}); "
                    "codes must be unique",
                )
            )
        codes.setdefault(icb.code, i)
        if icb.from_ is not None and icb.to is not None and icb.to < icb.from_:
            found.append(
                Violation((*where, "to"), f"ICB {icb.code} ends ({icb.to}) before it begins")
            )
    if not registry.icbs:
        return found
    known = ", ".join(sorted(codes)[:12]) + (" …" if len(codes) > 12 else "")
    advice = (
        f"list it under icbs: (with its source), or correct the code (ICBs listed: {known}); "
        "`cocwatch icbs` lists them"
    )
    for i, icb in enumerate(registry.icbs):
        for j, taken in enumerate(icb.took_over):
            if taken.icb not in codes or taken.icb == icb.code:
                found.append(
                    Violation(
                        ("icbs", i, "took_over", j, "icb"),
                        f"ICB {icb.code} took over '{taken.icb}', which names no other ICB: "
                        + advice,
                    )
                )
    for i, trust in enumerate(registry.trusts):
        where = ("trusts", i)
        if trust.icb is not None and trust.icb.upper() not in codes:
            found.append(
                Violation(
                    (*where, "icb"),
                    f"icb '{trust.icb}' names no ICB in the registry: " + advice,
                    trust.id,
                )
            )
        previous_end: date | None = None
        for j, period in enumerate(trust.icb_history):
            at: Path = (*where, "icb_history", j)
            if period.icb not in codes:
                found.append(
                    Violation(
                        (*at, "icb"),
                        f"icb '{period.icb}' names no ICB in the registry: " + advice,
                        trust.id,
                    )
                )
            if period.from_ is not None and period.to < period.from_:
                found.append(
                    Violation(
                        (*at, "to"), f"the period ends ({period.to}) before it begins", trust.id
                    )
                )
            starts = period.from_ or EARLIEST_PLAUSIBLE
            if previous_end is not None and starts <= previous_end:
                found.append(
                    Violation(
                        (*at, "from"),
                        "the ICB history must run oldest first, each period after the one "
                        f"before (this one starts on or before {previous_end})",
                        trust.id,
                    )
                )
            previous_end = period.to
    return found
