"""`check`'s listings: the words its views share, the CSV rows, the Markdown and the table.

Builds text or rich renderables from an `Assessment`; the CLI prints them. Rich is
imported inside the functions that draw for the terminal.

May import: `cocwatch.core`, `cocwatch.render.tabular`; rich only inside functions.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from cocwatch.core import wording
from cocwatch.core.assessment import (
    Assessment,
    Severity,
    Status,
    TrustAssessment,
    explain,
    long_date,
)
from cocwatch.render.tabular import Column, md_code, md_inline

if TYPE_CHECKING:
    from rich.console import RenderableType

STYLE = {Severity.OK: "green", Severity.WARN: "yellow", Severity.FAIL: "bold red"}


# ------------------------------------------------------------------ words shared by views


def summary_line(assessment: Assessment) -> str:
    """The one-line summary (what --quiet prints)."""
    counts = assessment.summary()
    n = len(assessment.trusts)
    noun = "trust" if n == 1 else "trusts"
    return (
        f"{n} {noun} checked as of {assessment.as_of.isoformat()}: "
        f"{counts['fail']} fail, {counts['warn']} warn, {counts['ok']} ok."
    )


def severity_text(severity: Severity) -> str:
    """Severity as a symbol and a word, e.g. '✗ fail'."""
    return f"{wording.SEVERITY[severity].symbol} {severity.value}"


def status_text(status: Status) -> str:
    """Status as a symbol and words, e.g. '▼ Behind'."""
    return f"{wording.STATUS[status].symbol} {wording.STATUS[status].label}"


def _gap_text(gap: float | None) -> str:
    return "" if gap is None else wording.signed_points(gap)


def issues(ta: TrustAssessment) -> list[tuple[Severity, str]]:
    """What is wrong with a Trust, worst first: targeted cohorts' statuses and findings."""
    items: list[tuple[Severity, str]] = []
    for ca in ta.cohorts:
        if ca.cohort != "all" and ca.severity is not Severity.OK:
            status = wording.STATUS[ca.status].sentence
            items.append((ca.severity, f"{wording.COHORT[ca.cohort].short}: {status}"))
    items += [(f.severity, f.label) for f in ta.findings]
    # stable sort: within a severity, cohorts first, then findings in SPEC order
    return sorted(items, key=lambda item: -item[0].rank)


def _issues_short(ta: TrustAssessment, limit: int = 3) -> str:
    items = issues(ta)
    lines = [text for _, text in items[:limit]]
    if len(items) > limit:
        lines.append(f"+{len(items) - limit} more")
    return "\n".join(lines)


# ------------------------------------------------------------------ CSV

CSV_COLUMNS = (
    "id",
    "ods",
    "name",
    "region",
    "trust_severity",
    "cohort",
    "status",
    "severity",
    "latest_percent",
    "latest_as_of",
    "measure",
    "provisional",
    "quality",
    "source_url",
    "benchmark_origin",
    "benchmark_target_id",
    "benchmark_percent",
    "benchmark_due",
    "expected",
    "gap",
    "points_per_year",
    "projected_date",
    "findings",
)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def csv_rows(assessment: Assessment) -> list[dict[str, str]]:
    """One row per Trust and cohort, keyed by `CSV_COLUMNS`; the Trust's finding codes on each."""
    rows: list[dict[str, str]] = []
    for ta in assessment.trusts:
        codes = ";".join(f.code for f in ta.findings)
        for ca in ta.cohorts:
            f, step, bench, trend = ca.latest, ca.deciding_step, ca.benchmark, ca.trend
            cells = [
                ta.trust.id,
                ta.trust.ods,
                ta.trust.name,
                ta.trust.region,
                ta.severity.value,
                ca.cohort,
                ca.status.value,
                ca.severity.value,
                _num(f.percent) if f else "",
                f.as_of.isoformat() if f else "",
                f.measure if f else "",
                ("true" if f.provisional else "false") if f else "",
                f.quality if f else "",
                (f.source.url or "") if f else "",
                bench.origin if bench and step else "",
                (step.target_id or "") if step else "",
                _num(step.percent) if step else "",
                step.due.isoformat() if step else "",
                _num(ca.expected),
                _num(ca.gap),
                _num(trend.points_per_year) if trend else "",
                _iso(trend.projected_date) if trend else "",
                codes,
            ]
            rows.append(dict(zip(CSV_COLUMNS, cells, strict=True)))
    return rows


CSV = tuple(Column(key, key) for key in CSV_COLUMNS)


# ------------------------------------------------------------------ Markdown


def to_markdown(assessment: Assessment, registry_source: str) -> str:
    """A summary table, then each Trust's cohorts and findings (for issues and emails)."""
    out = [
        f"# Continuity of Carer check, {long_date(assessment.as_of)}",
        "",
        f"Registry: {md_code(registry_source)}. {md_inline(summary_line(assessment))}",
        "",
        "| Result | Trust | All women | Latest | Benchmark | Gap | Issues |",
        "| --- | --- | --- | ---: | --- | ---: | --- |",
    ]
    for ta in assessment.trusts:
        main = ta.cohort("all")
        latest = main.latest
        step = main.deciding_step
        bench = (
            f"{wording.percent(step.percent)} by {step.due.isoformat()} "
            f"({wording.ORIGIN[main.benchmark.origin].short})"
            if step and main.benchmark
            else "none"
        )
        cells = [
            severity_text(ta.severity),
            f"{md_inline(ta.trust.name)} ({md_code(ta.trust.id)})",
            status_text(main.status),
            f"{wording.figure_percent(latest.value)} ({latest.as_of.isoformat()})"
            if latest
            else "none",
            bench,
            _gap_text(main.gap),
            md_inline("; ".join(text for _, text in issues(ta))),
        ]
        out.append("| " + " | ".join(cells) + " |")
    for ta in assessment.trusts:
        out += ["", f"## {md_inline(ta.trust.name)}", ""]
        out.append(
            f"{md_code(ta.trust.id)} · ODS {md_inline(ta.trust.ods)} · "
            f"{md_inline(ta.trust.region)} · **{severity_text(ta.severity)}**"
        )
        out.append("")
        out += [
            f"- {c.symbol} **{wording.STATUS[c.status].label}**. {md_inline(explain(c))}"
            for c in ta.cohorts
        ]
        if ta.findings:
            out += ["", "Findings:", ""]
            out += [
                f"- {wording.SEVERITY[f.severity].symbol} **{f.label}** ({f.severity.value}): "
                f"{md_inline(f.message)}"
                for f in ta.findings
            ]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ terminal: table


WIDE = 110  # from this console width on, table cells need not stack their parts


class _CheckTable:
    """The Trust table, laid out for the console's width when it is drawn."""

    def __init__(self, assessment: Assessment) -> None:
        self.assessment = assessment

    def __rich_console__(self, console: Any, options: Any) -> Any:
        yield _table(self.assessment, wide=options.max_width >= WIDE)


def _table(assessment: Assessment, *, wide: bool) -> RenderableType:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    sep = " " if wide else "\n"
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 0))
    table.add_column("Result", no_wrap=True)
    table.add_column("Trust", min_width=14, overflow="fold")
    table.add_column("All women", min_width=8)
    table.add_column("Latest", justify="right", no_wrap=True)
    table.add_column("Benchmark", no_wrap=True)
    table.add_column("Gap", justify="right", no_wrap=True)
    table.add_column("Issues", min_width=10, overflow="fold")
    for ta in assessment.trusts:
        main = ta.cohort("all")
        latest, step = main.latest, main.deciding_step
        if latest is None:
            latest_text = "none"
        else:
            prov = " prov." if latest.provisional else ""
            latest_text = (
                f"{wording.figure_percent(latest.value)}{prov}{sep}{latest.as_of.isoformat()}"
            )
        if step is None or main.benchmark is None:
            bench_text = "none"
        else:
            origin = wording.ORIGIN[main.benchmark.origin].short
            bench_text = f"{wording.percent(step.percent)} by{sep}{step.due.isoformat()}"
            bench_text += f" ({origin})" if wide else f"\n{origin}"
        table.add_row(
            Text(severity_text(ta.severity), style=STYLE[ta.severity]),
            Text(ta.trust.name) + Text(f"\n{ta.trust.id}", style="dim"),
            Text(status_text(main.status), style=STYLE[main.severity]),
            latest_text,
            bench_text,
            _gap_text(main.gap),
            _issues_short(ta),
        )
    return table


def to_table(assessment: Assessment) -> RenderableType:
    """The listing for people: one row per Trust; fits 80 columns, uses more when there."""
    from rich.console import Group
    from rich.text import Text

    notes = Text(
        "Benchmark: the milestone that decided the status (own plan, national target, or a "
        "withdrawn one for reference). Gap: latest figure minus the level expected on its "
        "date, in percentage points. `cocwatch check TRUST` explains one Trust.",
        style="dim",
    )
    parts: list[RenderableType] = []
    if assessment.trusts:
        parts += [_CheckTable(assessment), notes]
    parts.append(Text(summary_line(assessment)))
    return Group(*parts)
