"""Snapshots for `watch`: what one run records, built from an assessment and page fetches.

Pure: the standard library and ``cocwatch.core`` only; dates are parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from cocwatch.core.assessment import Assessment
from cocwatch.core.models import Figure, Trust

NewsKind = Literal[
    "trust_added",
    "trust_removed",
    "severity_changed",
    "status_changed",
    "finding_opened",
    "finding_resolved",
    "finding_changed",
    "figure_added",
    "figure_revised",
    "figure_removed",
    "page_changed",
    "page_failed",
    "page_recovered",
]
PageKind = Literal["board_papers", "plan"]
PAGE_KINDS: tuple[PageKind, ...] = ("board_papers", "plan")
PAGE_LABELS: dict[str, str] = {"board_papers": "Board papers page", "plan": "plan page"}

NATIONAL = ""  # the trust id under which national figures are kept
NATIONAL_NAME = "National figures"

FigureKey = tuple[str, str, str, str]  # trust id, cohort, measure, as_of (ISO)
PageKey = tuple[str, str]  # trust id, page kind


@dataclass(frozen=True, slots=True)
class TrustState:
    """A watched Trust's name and overall severity."""

    name: str
    severity: str


@dataclass(frozen=True, slots=True)
class CohortState:
    """One cohort's status and severity."""

    status: str
    severity: str


@dataclass(frozen=True, slots=True)
class FindingState:
    """An open finding (keyed by Trust and code)."""

    severity: str
    message: str


@dataclass(frozen=True, slots=True)
class FigureState:
    """The values of one figure (keyed by Trust, cohort, measure and as_of)."""

    percent: float | None  # None: the data failed quality checks and has no percentage
    provisional: bool
    quality: str


@dataclass(frozen=True, slots=True)
class PageState:
    """What is known about one watched page.

    `text_hash` is the hash of the visible text the last time the page could be read (it is
    kept while the page fails, so a change is still noticed when it recovers); `error` is
    set while the page cannot be fetched, since `failing_since`.
    """

    url: str
    text_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    failing_since: date | None = None


@dataclass(frozen=True, slots=True)
class PageFetch:
    """The outcome of fetching one page once."""

    url: str
    outcome: Literal["fetched", "not_modified", "failed"]
    text_hash: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything `watch` compares between runs.

    `order` lists the watched Trusts in report order (region, then name); `closed` gives
    the closing date of Trusts that are in the registry but closed (not stored, only used
    to explain why a Trust left the watch).
    """

    trusts: Mapping[str, TrustState]
    cohorts: Mapping[tuple[str, str], CohortState]
    findings: Mapping[tuple[str, str], FindingState]
    figures: Mapping[FigureKey, FigureState]
    pages: Mapping[PageKey, PageState]
    order: tuple[str, ...] = ()
    closed: Mapping[str, date] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class News:
    """One thing that changed, for one Trust (or for the national figures)."""

    kind: NewsKind
    trust_id: str | None  # None for national figures
    trust_name: str
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The news item as the `watch --format json` object."""
        return {
            "kind": self.kind,
            "trust_id": self.trust_id,
            "trust_name": self.trust_name,
            "message": self.message,
            "details": dict(self.details),
        }


# Building snapshots ----------------------------------------------------------------------


def figure_states(
    trust_id: str, figures: Iterable[Figure], *, as_of: date
) -> dict[FigureKey, FigureState]:
    """The figures that count on `as_of`, one per key (a final figure beats a provisional one)."""
    found: dict[FigureKey, tuple[bool, FigureState]] = {}
    for figure in figures:
        if figure.as_of > as_of:
            continue
        key = (trust_id, figure.cohort, figure.measure, figure.as_of.isoformat())
        state = FigureState(figure.percent, figure.provisional, figure.quality)
        previous = found.get(key)
        if previous is None or previous[0] or not figure.provisional:
            found[key] = (figure.provisional, state)
    return {key: state for key, (_, state) in found.items()}


def page_targets(trusts: Iterable[Trust]) -> dict[PageKey, str]:
    """The pages to watch: each Trust's `board_papers_url` and `plan.url`."""
    targets: dict[PageKey, str] = {}
    for trust in trusts:
        if trust.board_papers_url:
            targets[(trust.id, "board_papers")] = trust.board_papers_url
        if trust.plan is not None and trust.plan.url:
            targets[(trust.id, "plan")] = trust.plan.url
    return targets


def build_snapshot(
    assessment: Assessment,
    *,
    national_figures: Sequence[Figure] = (),
    pages: Mapping[PageKey, PageState] | None = None,
    closed: Mapping[str, date] | None = None,
) -> Snapshot:
    """Turn an assessment (and the registry's figures) into a snapshot."""
    trusts: dict[str, TrustState] = {}
    cohorts: dict[tuple[str, str], CohortState] = {}
    findings: dict[tuple[str, str], FindingState] = {}
    figures: dict[FigureKey, FigureState] = figure_states(
        NATIONAL, national_figures, as_of=assessment.as_of
    )
    for ta in assessment.trusts:
        tid = ta.trust.id
        trusts[tid] = TrustState(ta.trust.name, str(ta.severity))
        for ca in ta.cohorts:
            # The status as check and the report show it ('not_in_force' against a past target).
            cohorts[(tid, ca.cohort)] = CohortState(ca.shown, str(ca.severity))
        for finding in ta.findings:
            findings[(tid, finding.code)] = FindingState(str(finding.severity), finding.message)
        figures.update(figure_states(tid, ta.trust.figures, as_of=assessment.as_of))
    return Snapshot(
        trusts=trusts,
        cohorts=cohorts,
        findings=findings,
        figures=figures,
        pages=dict(pages or {}),
        order=tuple(trusts),
        closed=dict(closed or {}),
    )


def carry_pages(
    previous: Mapping[PageKey, PageState], targets: Mapping[PageKey, str]
) -> dict[PageKey, PageState]:
    """Keep what is known about pages on a run that does not fetch them."""
    return {key: state for key, state in previous.items() if key in targets}


def next_page_state(previous: PageState | None, fetch: PageFetch, *, on: date) -> PageState:
    """What is known about a page after fetching it on `on`."""
    known = previous if previous is not None and previous.url == fetch.url else None
    if fetch.outcome == "failed":
        return PageState(
            url=fetch.url,
            text_hash=known.text_hash if known else None,
            etag=known.etag if known else None,
            last_modified=known.last_modified if known else None,
            error=fetch.error or "the page could not be fetched",
            failing_since=(known.failing_since if known and known.error else None) or on,
        )
    if fetch.outcome == "not_modified" and known is not None:
        return PageState(
            url=fetch.url,
            text_hash=known.text_hash,
            etag=fetch.etag or known.etag,
            last_modified=fetch.last_modified or known.last_modified,
        )
    if fetch.outcome == "not_modified":
        # Nothing to compare with (we sent no validators for an unknown page): read it in full
        # next time.
        return PageState(url=fetch.url)
    return PageState(
        url=fetch.url,
        text_hash=fetch.text_hash,
        etag=fetch.etag,
        last_modified=fetch.last_modified,
    )


def updated_pages(
    previous: Mapping[PageKey, PageState],
    targets: Mapping[PageKey, str],
    fetches: Mapping[str, PageFetch],
    *,
    on: date,
) -> dict[PageKey, PageState]:
    """The page states after a run that fetched every target (fetches keyed by URL)."""
    pages: dict[PageKey, PageState] = {}
    for key, url in targets.items():
        fetch = fetches.get(url) or PageFetch(url, "failed", error=f"{url} was not fetched")
        pages[key] = next_page_state(previous.get(key), fetch, on=on)
    return pages
