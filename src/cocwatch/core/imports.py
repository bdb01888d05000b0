"""Plan an import of official figures: what to add, replace or leave alone, per Trust.

Pure: figures already read from a file come in, with the registry; a plan comes out. A figure
is identified by (Trust, cohort, measure, as_of). An import never duplicates one: a final
figure replaces a provisional one, a revised official figure replaces the old official one,
a provisional figure never replaces a final one, and a figure recorded from another kind of
source (a Board paper, say) is kept and reported rather than overwritten. The file itself is
kept in the statistics folder (`cocwatch.statistics.importing`): the registry file is never
changed by an import.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from cocwatch.core.measures import preference
from cocwatch.core.models import (
    COHORTS,
    SMALL_COUNT,
    Cohort,
    Figure,
    Quality,
    Registry,
    Trust,
)

_SAME_PERCENT = 0.05  # rates are published to one decimal place
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class OfficialFigure(NamedTuple):
    """One figure read from an official file, for the provider with ODS code `ods`.

    A named tuple rather than a frozen dataclass: years of monthly statistics are tens of
    thousands of these on every run, and a tuple is made several times faster.
    """

    ods: str
    org_name: str
    cohort: Cohort
    measure: str  # a registry measure, or its source's own (`cocwatch.core.measures`)
    as_of: date
    percent: float | None
    numerator: int | None
    denominator: int | None
    quality: Quality
    provisional: bool
    line: int  # where it starts in the file, for messages
    level: str = "provider"  # whose figure: a provider's, or an area's ("lms": an LMNS's)

    @property
    def key(self) -> tuple[Cohort, str, date]:
        return (self.cohort, self.measure, self.as_of)

    @property
    def small_numbers(self) -> bool:
        """Whether a published count of 5 (standing for 1 to 7) underlies the figure."""
        return SMALL_COUNT in (self.numerator, self.denominator)

    @property
    def value(self) -> float | None:
        """The percentage: the published rate, or computed from the counts; None for 'Low DQ'."""
        if self.percent is not None:
            return self.percent
        if self.numerator is None or not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)


@dataclass(frozen=True, slots=True)
class Replacement:
    """An existing figure (entry `index` of the Trust's figures) and what replaces it."""

    index: int
    old: Figure
    new: OfficialFigure
    reason: str


@dataclass(frozen=True, slots=True)
class Kept:
    """A figure recorded from another source that differs from the official one: kept."""

    index: int
    old: Figure
    new: OfficialFigure


@dataclass(frozen=True, slots=True)
class TrustImport:
    """What an import does to one Trust."""

    trust: Trust
    added: tuple[OfficialFigure, ...] = ()
    replaced: tuple[Replacement, ...] = ()
    unchanged: tuple[OfficialFigure, ...] = ()
    kept: tuple[Kept, ...] = ()

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.replaced)


@dataclass(frozen=True, slots=True)
class Unmatched:
    """An ODS code in the file that no Trust in the registry has."""

    ods: str
    name: str
    figures: int


@dataclass(frozen=True, slots=True)
class NationalImport:
    """What an import does to the national figures (``national.figures``)."""

    added: tuple[OfficialFigure, ...] = ()
    replaced: tuple[Replacement, ...] = ()
    unchanged: tuple[OfficialFigure, ...] = ()
    kept: tuple[Kept, ...] = ()

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.replaced)


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """The whole import: per Trust, national figures, and the codes that matched no Trust."""

    trusts: tuple[TrustImport, ...]
    unmatched: tuple[Unmatched, ...]
    national: NationalImport = NationalImport()

    def total(self, what: str) -> int:
        """Figures `what` (added, replaced, unchanged, kept) for Trusts and nationally."""
        return sum(len(getattr(t, what)) for t in self.trusts) + len(getattr(self.national, what))

    @property
    def changes(self) -> int:
        return sum(t.changes for t in self.trusts) + self.national.changes


def _order(figure: OfficialFigure) -> tuple[date, int, int]:
    return (
        figure.as_of,
        COHORTS.index(figure.cohort),
        preference(figure.measure),
    )


def plan_import(
    registry: Registry,
    figures: tuple[OfficialFigure, ...],
    national: tuple[OfficialFigure, ...] = (),
) -> ImportPlan:
    """Compare official figures with the registry: added, replaced, unchanged, kept.

    `figures` are providers' figures, matched to Trusts by ODS code; `national` are the
    figures for England as a whole, compared with ``national.figures``.
    """
    by_ods = {t.ods.upper(): t for t in registry.trusts}
    incoming: dict[str, list[OfficialFigure]] = {}
    unmatched: dict[str, list[OfficialFigure]] = {}
    for figure in figures:
        trust = by_ods.get(figure.ods.upper())
        if trust is None:
            unmatched.setdefault(figure.ods.upper(), []).append(figure)
        else:
            incoming.setdefault(trust.id, []).append(figure)
    trusts = [
        _plan_trust(trust, sorted(incoming[trust.id], key=_order))
        for trust in registry.trusts
        if trust.id in incoming
    ]
    trusts.sort(key=lambda t: (t.trust.name.lower(), t.trust.id))
    missing = tuple(
        Unmatched(ods, found[0].org_name, len(found)) for ods, found in sorted(unmatched.items())
    )
    found = _plan_figures(registry.national.figures, sorted(national, key=_order))
    return ImportPlan(tuple(trusts), missing, NationalImport(*found))


def _plan_trust(trust: Trust, figures: list[OfficialFigure]) -> TrustImport:
    return TrustImport(trust, *_plan_figures(trust.figures, figures))


def _plan_figures(
    recorded: tuple[Figure, ...], figures: list[OfficialFigure]
) -> tuple[
    tuple[OfficialFigure, ...],
    tuple[Replacement, ...],
    tuple[OfficialFigure, ...],
    tuple[Kept, ...],
]:
    existing: dict[tuple[str, str, date], list[int]] = {}
    for i, old in enumerate(recorded):
        existing.setdefault((old.cohort, old.measure, old.as_of), []).append(i)
    added: list[OfficialFigure] = []
    replaced: list[Replacement] = []
    unchanged: list[OfficialFigure] = []
    kept: list[Kept] = []
    for new in figures:
        indexes = existing.get(new.key)
        if not indexes:
            added.append(new)
            continue
        # Compare with the official figure already there, if there is one.
        index = next((i for i in indexes if recorded[i].source.official), indexes[0])
        old = recorded[index]
        if _same(old, new) or (new.provisional and not old.provisional):
            unchanged.append(new)
        elif old.provisional and not new.provisional:
            replaced.append(Replacement(index, old, new, "final replaces provisional"))
        elif old.source.official or old.provisional:
            replaced.append(Replacement(index, old, new, "revised"))
        else:
            kept.append(Kept(index, old, new))
    return tuple(added), tuple(replaced), tuple(unchanged), tuple(kept)


def _same(old: Figure, new: OfficialFigure) -> bool:
    if (old.percent is None) != (new.value is None):
        return False
    same_percent = (
        old.percent is None or new.value is None or abs(old.percent - new.value) < _SAME_PERCENT
    )
    return (
        old.provisional == new.provisional
        and same_percent
        and old.numerator == new.numerator
        and old.denominator == new.denominator
        and old.quality == new.quality
    )


def month_title(
    as_of: date,
    *,
    provisional: bool,
    publication: str,
    file_name: str | None = None,
    release: str | None = None,
) -> str:
    """The citation title of a monthly file, e.g. '…, October 2025 (provisional)'; with the
    release it belongs to, '…, Final March 2025, Provisional April 2025: April 2025
    (provisional)'."""
    kind = "provisional" if provisional else "final"
    month = f"{_MONTHS[as_of.month - 1]} {as_of.year} ({kind})"
    title = f"{publication}, {release}: {month}" if release else f"{publication}, {month}"
    return f"{title}, file {file_name}" if file_name else title


def _figure_data(figure: OfficialFigure) -> dict[str, Any]:
    return {
        "cohort": figure.cohort,
        "measure": figure.measure,
        "as_of": figure.as_of.isoformat(),
        "percent": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "quality": figure.quality,
        "small_numbers": figure.small_numbers,
        "provisional": figure.provisional,
        "line": figure.line,
    }


def _old_data(figure: Figure) -> dict[str, Any]:
    return {
        "percent": figure.percent,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "quality": figure.quality,
        "provisional": figure.provisional,
        "source": {"url": figure.source.url, "title": figure.source.title,
                   "kind": figure.source.kind},
    }  # fmt: skip


def summary_rows(plan: ImportPlan) -> list[dict[str, Any]]:
    """One row per Trust in the file: counts of added, replaced, unchanged and kept figures."""
    return [
        {
            "trust": t.trust.id,
            "ods": t.trust.ods,
            "name": t.trust.name,
            "added": len(t.added),
            "replaced": len(t.replaced),
            "unchanged": len(t.unchanged),
            "kept": len(t.kept),
        }
        for t in plan.trusts
    ]


def plan_data(plan: ImportPlan) -> dict[str, Any]:
    """The plan as plain JSON-ready data (the stable interface for scripts)."""
    return {
        "summary": {
            "trusts": len(plan.trusts),
            "added": plan.total("added"),
            "replaced": plan.total("replaced"),
            "unchanged": plan.total("unchanged"),
            "kept": plan.total("kept"),
            "unmatched": len(plan.unmatched),
        },
        "trusts": [
            {
                "id": t.trust.id,
                "ods": t.trust.ods,
                "name": t.trust.name,
                "added": [_figure_data(f) for f in t.added],
                "replaced": [
                    {"reason": r.reason, "old": _old_data(r.old), "new": _figure_data(r.new)}
                    for r in t.replaced
                ],
                "unchanged": [_figure_data(f) for f in t.unchanged],
                "kept": [{"old": _old_data(k.old), "new": _figure_data(k.new)} for k in t.kept],
            }
            for t in plan.trusts
        ],
        "national": {
            "added": [_figure_data(f) for f in plan.national.added],
            "replaced": [
                {"reason": r.reason, "old": _old_data(r.old), "new": _figure_data(r.new)}
                for r in plan.national.replaced
            ],
            "unchanged": [_figure_data(f) for f in plan.national.unchanged],
            "kept": [
                {"old": _old_data(k.old), "new": _figure_data(k.new)} for k in plan.national.kept
            ],
        },
        "unmatched": [{"ods": u.ods, "name": u.name, "figures": u.figures} for u in plan.unmatched],
    }
