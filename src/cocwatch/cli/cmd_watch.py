"""`cocwatch watch`: the cron job that prints only what changed since its last run (SPEC §8)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cocwatch.cli.app import app
from cocwatch.cli.options import AS_OF, TIMEOUT
from cocwatch.cli.output import emit, writing_stdout
from cocwatch.cli.session import session

if TYPE_CHECKING:
    from cocwatch.core.assessment import Assessment
    from cocwatch.core.models import Registry
    from cocwatch.core.watch import News, PageKey, PageState, Snapshot
    from cocwatch.sources.pages import FetchSettings, PageRequest


class WatchFormat(StrEnum):
    """How `watch` prints its news."""

    text = "text"
    json = "json"


class _Run:
    """What one run found: the news, or a baseline."""

    def __init__(
        self,
        *,
        as_of: date,
        since: date | None,
        snapshot: Snapshot,
        news: list[News],
        pages_checked: bool,
        state_path: Path,
    ) -> None:
        self.as_of = as_of
        self.since = since
        self.snapshot = snapshot
        self.news = news
        self.pages_checked = pages_checked
        self.state_path = state_path

    @property
    def baseline(self) -> bool:
        return self.since is None


@app.command()
def watch(
    ctx: typer.Context,
    *,
    state: str | None = typer.Option(
        None,
        "--state",
        metavar="PATH",
        help="SQLite state file. Default: $COCWATCH_STATE, then the user state folder.",
    ),
    pages: bool = typer.Option(
        False,
        "--pages/--no-pages",
        help="Also fetch each Trust's board_papers_url and plan.url and report changes.",
    ),
    fmt: WatchFormat = typer.Option(
        WatchFormat.text,
        "--format",
        "-f",
        case_sensitive=False,
        help="text (one line per change, grouped by Trust) or json (one object); "
        "either prints nothing when nothing changed.",
    ),
    as_of: AS_OF,
    concurrency: int = typer.Option(
        16, "--concurrency", min=1, max=100, metavar="N", help="Pages fetched at once, in all."
    ),
    per_host: int = typer.Option(
        4,
        "--per-host",
        min=1,
        max=100,
        metavar="N",
        help="Pages fetched at once from any one web server.",
    ),
    timeout: TIMEOUT,
    retries: int = typer.Option(
        2,
        "--retries",
        min=0,
        max=10,
        metavar="N",
        help="Further attempts after a network failure or 5xx.",
    ),
    wait: float = typer.Option(
        10.0,
        "--wait",
        min=0.0,
        metavar="SECONDS",
        help="How long to wait for another watch run on the same state file before giving up.",
    ),
) -> None:
    """Report only what changed since the last run: statuses, findings, figures, pages.

    Meant for cron: the first run records a baseline and says so in one line; a run with
    nothing new prints nothing at all, so cron sends no mail. Exit code 0 whether or not
    there is news; 3 for a bad registry; 4 when the state file is unusable or another run
    holds it.
    """
    from cocwatch.cli.whatdotheyknow_sync import sync_logged_requests
    from cocwatch.locations import resolve_state
    from cocwatch.sources.pages import FetchSettings

    s = session(ctx)
    with writing_stdout():  # a closed stdout fails now, before news is recorded as told
        pass
    sync_logged_requests(s, as_of)  # replies to requests made on WhatDoTheyKnow, into the log
    registry = s.registry
    open_trusts = [t for t in registry.trusts if t.is_open(as_of)]
    assessment = s.assess(registry, open_trusts, as_of)
    settings = FetchSettings(
        concurrency=concurrency, per_host=per_host, timeout=timeout, retries=retries
    )

    def deliver(run: _Run) -> None:
        output = _render(run, fmt)
        if output:
            emit(output)
        elif sys.stderr.isatty() and not s.state.quiet:
            s.info(f"No news since {run.since}.")

    _record_run(
        Path(resolve_state(state).value).expanduser(),
        registry,
        assessment,
        source=s.loaded.source,
        settings=settings if pages else None,
        wait=wait,
        deliver=deliver,
    )


def _record_run(
    state_path: Path,
    registry: Registry,
    assessment: Assessment,
    *,
    source: str,
    settings: FetchSettings | None,
    wait: float,
    deliver: Callable[[_Run], None],
) -> None:
    """Compare with the stored state, fetch pages if asked, deliver the news, store the new state.

    One transaction: the new state is committed only after `deliver` has printed the news,
    so news that could not be delivered (a full disk behind ``>``) is reported again next run.
    """
    from cocwatch.core.watch import build_snapshot, carry_pages, diff, page_targets
    from cocwatch.state import open_state

    when = assessment.as_of
    targets = page_targets(ta.trust for ta in assessment.trusts)
    closed = {t.id: t.closed_on for t in registry.trusts if t.closed_on and not t.is_open(when)}
    with open_state(state_path, wait=wait) as stored:
        previous = stored.load()
        since = stored.last_as_of()
        known = previous.pages if previous else {}
        if settings is not None:
            pages = _fetch_pages(targets, known, settings, on=when)
        else:
            pages = carry_pages(known, targets)
        current = build_snapshot(
            assessment, national_figures=registry.national.figures, pages=pages, closed=closed
        )
        news = diff(previous, current, pages_checked=settings is not None) if previous else []
        deliver(
            _Run(
                as_of=when,
                since=since,
                snapshot=current,
                news=news,
                pages_checked=settings is not None,
                state_path=state_path,
            )
        )
        stored.save(current, as_of=when, run_at=datetime.now(UTC), registry=source)


def _fetch_pages(
    targets: dict[PageKey, str],
    known: Mapping[PageKey, PageState],
    settings: FetchSettings,
    *,
    on: date,
) -> dict[PageKey, PageState]:
    from cocwatch.core.watch import updated_pages
    from cocwatch.sources.pages import fetch_all

    fetches = fetch_all(_requests(targets, known), settings=settings)
    return updated_pages(known, targets, fetches, on=on)


def _requests(targets: dict[PageKey, str], known: Mapping[PageKey, PageState]) -> list[PageRequest]:
    """One request per address, conditional only when every Trust using it has read it."""
    from cocwatch.sources.pages import PageRequest

    by_url: dict[str, list[PageState | None]] = {}
    for key, url in targets.items():
        state = known.get(key)
        by_url.setdefault(url, []).append(state if state and state.url == url else None)
    requests: list[PageRequest] = []
    for url, states in by_url.items():
        first = states[0]
        usable = first is not None and first.text_hash is not None
        same = all(
            s is not None
            and first is not None
            and (s.text_hash, s.etag, s.last_modified)
            == (first.text_hash, first.etag, first.last_modified)
            for s in states
        )
        if usable and same and first is not None:
            requests.append(PageRequest(url, first.etag, first.last_modified))
        else:
            requests.append(PageRequest(url))
    return requests


# Output -----------------------------------------------------------------------------------


def _render(run: _Run, fmt: WatchFormat) -> str:
    """The run's output; empty when there is no news (so cron sends no mail)."""
    from cocwatch.core.watch import baseline_line, baseline_news

    if fmt is WatchFormat.json:
        from cocwatch.render.tabular import to_json

        if not run.baseline and not run.news:
            return ""
        news = baseline_news(run.snapshot) if run.baseline else run.news
        data: dict[str, Any] = {
            "as_of": run.as_of,
            "since": run.since,
            "baseline": run.baseline,
            "state": str(run.state_path),
            "counts": {
                "trusts": len(run.snapshot.trusts),
                "figures": len(run.snapshot.figures),
                "pages": len(run.snapshot.pages) if run.pages_checked else None,
            },
            "news": [item.to_json() for item in news],
        }
        return to_json(data)
    if run.baseline:
        return baseline_line(run.snapshot, as_of=run.as_of, pages_checked=run.pages_checked) + "\n"
    return _text(run)


# A month of official statistics adds about 700 figures at once: said in one line per month,
# not one per figure (`--format json` still lists each).
MANY_NEW_FIGURES = 20


def _new_months(news: list[News]) -> tuple[list[str], list[News]]:
    """One line per month that brought many new figures, and the news left to list."""
    from collections import Counter

    from cocwatch.core.wording import month_year

    added = [n for n in news if n.kind == "figure_added"]
    months = Counter(str(n.details.get("as_of")) for n in added)
    many = {m for m, count in months.items() if count >= MANY_NEW_FIGURES}
    lines = []
    for month in sorted(many):
        holders = {n.trust_id for n in added if str(n.details.get("as_of")) == month}
        trusts = len(holders - {None})
        england = " and England" if None in holders else ""
        when = month_year(date.fromisoformat(month))
        lines.append(
            f"New figures for {when}: {months[month]}, for {trusts} "
            f"{'Trust' if trusts == 1 else 'Trusts'}{england}. `cocwatch check` says what they "
            "mean; `cocwatch watch --format json` lists each."
        )
    rest = [
        n for n in news if not (n.kind == "figure_added" and str(n.details.get("as_of")) in many)
    ]
    return lines, rest


def _text(run: _Run) -> str:
    if not run.news:
        return ""
    months, listed = _new_months(run.news)
    groups: dict[str | None, list[News]] = {}
    for item in listed:
        groups.setdefault(item.trust_id, []).append(item)
    count = len(run.news)
    trusts = sum(1 for tid in groups if tid is not None)
    head = f"cocwatch watch: {count} {'change' if count == 1 else 'changes'}"
    if trusts:
        head += f" in {trusts} {'Trust' if trusts == 1 else 'Trusts'}"
    head += f" since {run.since} (as of {run.as_of})"
    lines = [head]
    if months:
        lines += ["", *months]
    for tid, items in groups.items():
        title = items[0].trust_name if tid is None else f"{items[0].trust_name} [{tid}]"
        lines += ["", title]
        lines += [f"  - {item.message}" for item in items]
    return "\n".join(lines) + "\n"
