"""What changed since the last `watch` run (SPEC §8): snapshots and the news between two.

Pure: an assessment, registry figures and page fetch results in, a `Snapshot` out; two
snapshots in, a list of `News` out. No clock, no I/O: dates are parameters, and storing a
snapshot (``cocwatch.state``) and fetching pages (``cocwatch.sources.pages``) happen at the
edges. Imports only the standard library and the other core modules.

What counts as news, per Trust: being added to or leaving the watch, its overall severity,
each cohort's status or severity, findings opened or resolved (by code: a finding whose
wording changes, e.g. a day count, is not news), figures added, revised or removed, and with
pages checked, a watched page whose visible text changed, that starts failing, or that
recovers. A page that keeps failing is reported once, when it starts.
"""

from cocwatch.core.watch.news import (
    NEWS_WHEN_MESSAGE_CHANGES,
    baseline_line,
    baseline_news,
    diff,
    failing_pages,
)
from cocwatch.core.watch.snapshot import (
    NATIONAL,
    NATIONAL_NAME,
    PAGE_KINDS,
    PAGE_LABELS,
    CohortState,
    FigureKey,
    FigureState,
    FindingState,
    News,
    NewsKind,
    PageFetch,
    PageKey,
    PageKind,
    PageState,
    Snapshot,
    TrustState,
    build_snapshot,
    carry_pages,
    figure_states,
    next_page_state,
    page_targets,
    updated_pages,
)

__all__ = [
    "NATIONAL",
    "NATIONAL_NAME",
    "NEWS_WHEN_MESSAGE_CHANGES",
    "PAGE_KINDS",
    "PAGE_LABELS",
    "CohortState",
    "FigureKey",
    "FigureState",
    "FindingState",
    "News",
    "NewsKind",
    "PageFetch",
    "PageKey",
    "PageKind",
    "PageState",
    "Snapshot",
    "TrustState",
    "baseline_line",
    "baseline_news",
    "build_snapshot",
    "carry_pages",
    "diff",
    "failing_pages",
    "figure_states",
    "next_page_state",
    "page_targets",
    "updated_pages",
]
