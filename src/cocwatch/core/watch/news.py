"""The news between two `watch` snapshots, and the line a first run prints.

Pure: the standard library and ``cocwatch.core`` only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cocwatch.core import wording
from cocwatch.core.findings import RULES
from cocwatch.core.kinds import Severity
from cocwatch.core.models import COHORTS
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
    PageKey,
    PageState,
    Snapshot,
    TrustState,
)

# Findings whose message lists each item (each overdue letter, with its dates): while such a
# finding stays open, a new message means a new item, so it is news too.
NEWS_WHEN_MESSAGE_CHANGES = frozenset(rule.code.value for rule in RULES if rule.lists_items)

# Comparing snapshots ---------------------------------------------------------------------


def _severity_words(code: str) -> str:
    """A severity as check shows it: 'fail (failing)', 'warn (needs attention)', 'ok'."""
    try:
        said = wording.SEVERITY[Severity(code)].sentence
    except ValueError:  # from an older state file
        return code
    return code if said == code else f"{code} ({said})"


def _reworded(was: CohortState, now: CohortState) -> bool:
    """A state recorded before past targets were shown as 'no target in force': its status
    code against such a target, now said as not in force, with nothing else changed."""
    return now.status == "not_in_force" and was.severity == now.severity == "ok"


def diff(previous: Snapshot, current: Snapshot, *, pages_checked: bool) -> list[News]:
    """The news between two snapshots, grouped by Trust in report order, national last."""
    old, new = _Side.of(previous), _Side.of(current)
    news: list[News] = []
    for tid in _trust_order(previous, current):
        news += _trust_news(tid, old, new, pages_checked=pages_checked)
    news += _figure_news(NATIONAL, NATIONAL_NAME, old, new)
    return news


@dataclass(frozen=True, slots=True)
class _Side:
    """A snapshot with its findings and figures grouped by Trust, so diffing is linear."""

    snapshot: Snapshot
    findings: dict[str, dict[str, FindingState]]
    figures: dict[str, dict[FigureKey, FigureState]]

    @classmethod
    def of(cls, snapshot: Snapshot) -> _Side:
        findings: dict[str, dict[str, FindingState]] = {}
        for (tid, code), finding in snapshot.findings.items():
            findings.setdefault(tid, {})[code] = finding
        figures: dict[str, dict[FigureKey, FigureState]] = {}
        for key, figure in snapshot.figures.items():
            figures.setdefault(key[0], {})[key] = figure
        return cls(snapshot, findings, figures)


def _trust_order(previous: Snapshot, current: Snapshot) -> list[str]:
    order = list(current.order) or sorted(current.trusts)
    seen = set(order)
    gone = sorted(
        (tid for tid in previous.trusts if tid not in seen),
        key=lambda tid: (previous.trusts[tid].name, tid),
    )
    return order + [tid for tid in current.trusts if tid not in seen] + gone


def _trust_news(tid: str, old_side: _Side, new_side: _Side, *, pages_checked: bool) -> list[News]:
    previous, current = old_side.snapshot, new_side.snapshot
    before, after = previous.trusts.get(tid), current.trusts.get(tid)
    if after is None:
        assert before is not None
        closed = current.closed.get(tid)
        reason = f"closed on {closed.isoformat()}" if closed else "no longer in the registry"
        return [
            News(
                "trust_removed",
                tid,
                before.name,
                f"no longer watched: {reason}",
                {"closed_on": closed.isoformat() if closed else None},
            )
        ]
    if before is None:
        return [_trust_added(tid, after, new_side)]

    def item(kind: NewsKind, message: str, **details: Any) -> News:
        return News(kind, tid, after.name, message, details)

    news: list[News] = []
    if before.severity != after.severity:
        news.append(
            item(
                "severity_changed",
                f"overall severity {_severity_words(before.severity)} -> "
                f"{_severity_words(after.severity)}",
                before=before.severity,
                after=after.severity,
            )
        )
    for cohort in COHORTS:
        was, now = previous.cohorts.get((tid, cohort)), current.cohorts.get((tid, cohort))
        if was is None or now is None or was == now or _reworded(was, now):
            continue
        if was.status == now.status:
            text = (
                f"{cohort} cohort: {wording.status_words(now.status)}, "
                f"severity {was.severity} -> {now.severity}"
            )
        else:
            was_words, now_words = (
                wording.status_words(was.status),
                wording.status_words(now.status),
            )
            text = f"{cohort} cohort: {was_words} -> {now_words}"
            if was.severity != now.severity:
                text += f" (severity {was.severity} -> {now.severity})"
        news.append(
            item(
                "status_changed",
                text,
                cohort=cohort,
                before={"status": was.status, "severity": was.severity},
                after={"status": now.status, "severity": now.severity},
            )
        )
    old_findings, new_findings = old_side.findings.get(tid, {}), new_side.findings.get(tid, {})
    for code, finding in new_findings.items():
        if code not in old_findings:
            news.append(
                item(
                    "finding_opened",
                    f"new finding {code} ({finding.severity}): {finding.message}",
                    code=code,
                    severity=finding.severity,
                    finding_message=finding.message,
                )
            )
        elif code in NEWS_WHEN_MESSAGE_CHANGES and old_findings[code].message != finding.message:
            news.append(
                item(
                    "finding_changed",
                    f"finding {code} changed ({finding.severity}): {finding.message}",
                    code=code,
                    severity=finding.severity,
                    finding_message=finding.message,
                )
            )
    for code in sorted(old_findings.keys() - new_findings.keys()):
        news.append(item("finding_resolved", f"finding resolved: {code}", code=code))
    news += _figure_news(tid, after.name, old_side, new_side)
    if pages_checked:
        news += _page_news(tid, after.name, previous, current)
    return news


def _trust_added(tid: str, after: TrustState, new: _Side) -> News:
    figures = len(new.figures.get(tid, {}))
    findings = sorted(new.findings.get(tid, {}))
    statuses = {
        cohort: state.status
        for cohort in COHORTS
        if (state := new.snapshot.cohorts.get((tid, cohort))) is not None
        and state.status != "no_target"  # nothing to say about a cohort with no benchmark
    }
    text = f"now watched (new in the registry): severity {after.severity}"
    if statuses:
        text += ", " + ", ".join(
            f"{cohort} {wording.status_words(status)}" for cohort, status in statuses.items()
        )
    text += f", {figures} {'figure' if figures == 1 else 'figures'}"
    if findings:
        text += f", findings: {', '.join(findings)}"
    return News(
        "trust_added",
        tid,
        after.name,
        text,
        {"severity": after.severity, "statuses": statuses, "findings": findings},
    )


_COHORT_RANK: dict[str, int] = {cohort: rank for rank, cohort in enumerate(COHORTS)}


def _figure_label(key: FigureKey) -> str:
    _, cohort, measure, as_of = key
    return f"{as_of} ({cohort}, {measure})"


def _percent(value: float | None) -> str:
    if value is None:
        return "no percentage published"  # the flags that follow say why
    return wording.figure_percent(value)


def _figure_news(tid: str, name: str, old_side: _Side, new_side: _Side) -> list[News]:
    old, new = old_side.figures.get(tid, {}), new_side.figures.get(tid, {})
    trust_id = tid if tid != NATIONAL else None
    news: list[News] = []
    for key in sorted(
        old.keys() | new.keys(), key=lambda k: (k[3], _COHORT_RANK.get(k[1], 9), k[2])
    ):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        where = {"cohort": key[1], "measure": key[2], "as_of": key[3]}
        if before is None:
            assert after is not None
            flags = ", provisional" if after.provisional else ""
            if after.quality == "fail":
                flags += ", failed data quality"
            news.append(
                News(
                    "figure_added",
                    trust_id,
                    name,
                    f"new figure {_figure_label(key)}: {_percent(after.percent)}{flags}",
                    {**where, "after": _figure_json(after)},
                )
            )
        elif after is None:
            news.append(
                News(
                    "figure_removed",
                    trust_id,
                    name,
                    f"figure removed from the registry: {_figure_label(key)}, "
                    f"was {_percent(before.percent)}",
                    {**where, "before": _figure_json(before)},
                )
            )
        else:
            news.append(
                News(
                    "figure_revised",
                    trust_id,
                    name,
                    f"revised figure {_figure_label(key)}: {_revision(before, after)}",
                    {**where, "before": _figure_json(before), "after": _figure_json(after)},
                )
            )
    return news


def _revision(before: FigureState, after: FigureState) -> str:
    parts: list[str] = []
    if before.percent != after.percent:
        parts.append(f"{_percent(before.percent)} -> {_percent(after.percent)}")
    else:
        parts.append(_percent(after.percent))
    if before.provisional != after.provisional:
        parts.append("now provisional" if after.provisional else "now final")
    if before.quality != after.quality:
        parts.append(f"quality {before.quality} -> {after.quality}")
    return ", ".join(parts)


def _figure_json(state: FigureState) -> dict[str, Any]:
    return {"percent": state.percent, "provisional": state.provisional, "quality": state.quality}


def _page_news(tid: str, name: str, previous: Snapshot, current: Snapshot) -> list[News]:
    news: list[News] = []
    for kind in PAGE_KINDS:
        after = current.pages.get((tid, kind))
        if after is None:
            continue
        before = previous.pages.get((tid, kind))
        if before is not None and before.url != after.url:
            before = None  # a new address is a new page: its first reading is a baseline
        label = PAGE_LABELS[kind]
        details: dict[str, Any] = {"page": kind, "url": after.url}
        if after.error is not None:
            if before is None or before.error is None:
                news.append(
                    News(
                        "page_failed",
                        tid,
                        name,
                        f"{label} cannot be fetched: {after.error}",
                        {**details, "error": after.error},
                    )
                )
            continue
        if before is not None and before.error is not None:
            since = before.failing_since.isoformat() if before.failing_since else None
            again = "again" if before.text_hash else "now"
            text = f"{label} can be fetched {again}"
            text += f" (failing since {since})" if since else ""
            news.append(
                News(
                    "page_recovered",
                    tid,
                    name,
                    f"{text}: {after.url}",
                    {**details, "failing_since": since},
                )
            )
        if (
            before is not None
            and before.text_hash is not None
            and after.text_hash is not None
            and before.text_hash != after.text_hash
        ):
            news.append(News("page_changed", tid, name, f"{label} changed: {after.url}", details))
    return news


# Summaries --------------------------------------------------------------------------------


def failing_pages(snapshot: Snapshot) -> list[tuple[PageKey, PageState]]:
    """The pages that could not be fetched, in report order."""
    rank = {tid: i for i, tid in enumerate(snapshot.order)}
    failing = [(key, state) for key, state in snapshot.pages.items() if state.error is not None]
    return sorted(failing, key=lambda item: (rank.get(item[0][0], len(rank)), item[0]))


def baseline_line(snapshot: Snapshot, *, as_of: date, pages_checked: bool) -> str:
    """The one line a first run prints."""
    trusts = len(snapshot.trusts)
    figures = len(snapshot.figures)
    text = (
        f"cocwatch watch: baseline recorded on {as_of.isoformat()} for {trusts} "
        f"{'Trust' if trusts == 1 else 'Trusts'} and {figures} "
        f"{'figure' if figures == 1 else 'figures'}"
    )
    if pages_checked:
        pages = len(snapshot.pages)
        text += f" and {pages} {'page' if pages == 1 else 'pages'}"
        failing = failing_pages(snapshot)
        if failing:
            shown = "; ".join(
                f"{tid} {PAGE_LABELS[kind]}: {state.error}" for (tid, kind), state in failing[:3]
            )
            more = f"; and {len(failing) - 3} more" if len(failing) > 3 else ""
            text += f" ({len(failing)} could not be fetched: {shown}{more})"
    return text + "; later runs print only what changes."


def baseline_news(snapshot: Snapshot) -> list[News]:
    """Pages failing on the first run, as news items (for the JSON output of a baseline)."""
    news: list[News] = []
    for (tid, kind), state in failing_pages(snapshot):
        trust = snapshot.trusts.get(tid)
        news.append(
            News(
                "page_failed",
                tid,
                trust.name if trust else tid,
                f"{PAGE_LABELS[kind]} cannot be fetched: {state.error}",
                {"page": kind, "url": state.url, "error": state.error},
            )
        )
    return news
