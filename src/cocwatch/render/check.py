"""Output of `check`: the JSON contract (SPEC §5), CSV, Markdown and the terminal views.

Builds text or rich renderables from an `Assessment`; the CLI prints them. Nothing here
reads files or the clock. `assessment_to_json` is the stable machine form, reused by
`watch` and `report`. Rich is imported inside the functions that draw for the terminal.

Rounding: percentages as recorded; `expected` and `gap` to one decimal place (from the
core); `trend.points_per_year` to two.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from cocwatch.core import wording
from cocwatch.core.assessment import (
    COHORT_LABELS,
    FINDING_LABELS,
    MEASURE_LABELS,
    SEVERITY_LABELS,
    SEVERITY_SYMBOLS,
    SMALL_NUMBERS_CAUTION,
    STATUS_LABELS,
    STATUS_SYMBOLS,
    Assessment,
    CohortAssessment,
    Finding,
    Severity,
    Status,
    Trend,
    TrustAssessment,
    explain,
    figure_text,
    long_date,
    percent_text,
)
from cocwatch.render.tabular import csv_text, md_code, md_inline, to_json

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cocwatch.core.models import Figure, Registry, Source
    from cocwatch.core.targets import Benchmark, Step

SHORT_COHORT = {
    "all": "all women",
    "ethnic_minority": "ethnic minority",
    "most_deprived": "most deprived",
}
SHORT_ORIGIN = {
    "chosen": "chosen",
    "local": "own plan",
    "national": "national",
    "reference": "ref.",
}
_STYLE = {Severity.OK: "green", Severity.WARN: "yellow", Severity.FAIL: "bold red"}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


# ------------------------------------------------------------------ JSON (SPEC §5)


def _source_json(source: Source) -> dict[str, Any]:
    return {
        "url": source.url,
        "kind": source.kind,
        "title": source.title,
        "retrieved": _iso(source.retrieved),
    }


def _latest_json(figure: Figure | None) -> dict[str, Any] | None:
    if figure is None:
        return None
    return {
        "percent": figure.percent,
        "as_of": figure.as_of.isoformat(),
        "measure": figure.measure,
        "provisional": figure.provisional,
        "quality": figure.quality,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "small_numbers": figure.small_numbers,
        "source": _source_json(figure.source),
    }


def _benchmark_json(benchmark: Benchmark | None, step: Step | None) -> dict[str, Any] | None:
    if benchmark is None or step is None:
        return None
    return {
        "origin": benchmark.origin,
        "target_id": step.target_id,
        "percent": step.percent,
        "due": step.due.isoformat(),
        "withdrawn_on": _iso(step.withdrawn_on),
        "superseded_by": step.superseded_by,
        "due_precision": step.due_precision,
        "measure": benchmark.measure,
        "title": step.title,
        "milestones": [
            {"due": s.due.isoformat(), "percent": s.percent, "target_id": s.target_id}
            for s in benchmark.steps
        ],
    }


def _trend_json(trend: Trend | None) -> dict[str, Any] | None:
    if trend is None:
        return None
    return {
        "points_per_year": trend.points_per_year,
        "projected_date": _iso(trend.projected_date),
        "points": trend.points,
    }


def cohort_to_json(ca: CohortAssessment) -> dict[str, Any]:
    """One cohort of one Trust, as in `check --format json`."""
    return {
        "cohort": ca.cohort,
        "status": ca.status.value,
        "severity": ca.severity.value,
        "latest": _latest_json(ca.latest),
        "benchmark": _benchmark_json(ca.benchmark, ca.deciding_step),
        "expected": ca.expected,
        "gap": ca.gap,
        "trend": _trend_json(ca.trend),
        "explanation": explain(ca),
    }


def finding_to_json(finding: Finding) -> dict[str, Any]:
    """One finding, as in `check --format json`."""
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "title": finding.label,
    }


def trust_to_json(ta: TrustAssessment) -> dict[str, Any]:
    """One Trust's assessment, as in `check --format json`."""
    trust = ta.trust
    return {
        "id": trust.id,
        "ods": trust.ods,
        "name": trust.name,
        "region": trust.region,
        "severity": ta.severity.value,
        "closed_on": _iso(trust.closed_on),
        "successor": trust.successor,
        "cohorts": [cohort_to_json(c) for c in ta.cohorts],
        "findings": [finding_to_json(f) for f in ta.findings],
        "open_letters": [
            {
                "kind": t.letter.kind,
                "sent_on": _iso(t.letter.sent_on),
                "reply_by": _iso(t.reply_by),
                "status": t.status,
                "working_days_overdue": t.working_days_overdue,
            }
            for t in ta.open_letters
        ],
    }


def assessment_to_json(assessment: Assessment, registry_source: str) -> dict[str, Any]:
    """The whole assessment as the plain dict `check --format json` prints (SPEC §5).

    Dates are ISO strings and absent values None, so `json.dumps` needs no help. Keys are
    a stable contract: fields may be added, never removed or renamed.
    """
    thresholds = assessment.thresholds
    return {
        "as_of": assessment.as_of.isoformat(),
        "registry": registry_source,
        "target": assessment.target_id,
        "thresholds": thresholds.model_dump(mode="json") if thresholds is not None else None,
        "summary": assessment.summary(),
        "trusts": [trust_to_json(t) for t in assessment.trusts],
    }


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
    return f"{SEVERITY_SYMBOLS[severity]} {severity.value}"


def status_text(status: Status) -> str:
    """Status as a symbol and words, e.g. '▼ Behind'."""
    return f"{STATUS_SYMBOLS[status]} {STATUS_LABELS[status]}"


def _gap_text(gap: float | None) -> str:
    return "" if gap is None else wording.signed_points(gap)


def issues(ta: TrustAssessment) -> list[tuple[Severity, str]]:
    """What is wrong with a Trust, worst first: targeted cohorts' statuses and findings."""
    items: list[tuple[Severity, str]] = []
    for ca in ta.cohorts:
        if ca.cohort != "all" and ca.severity is not Severity.OK:
            status = STATUS_LABELS[ca.status].lower()
            items.append((ca.severity, f"{SHORT_COHORT[ca.cohort]}: {status}"))
    items += [(f.severity, FINDING_LABELS.get(f.code, f.code)) for f in ta.findings]
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


def to_csv(assessment: Assessment) -> str:
    """One row per Trust and cohort; the Trust's finding codes on each row."""
    rows: list[list[str]] = []
    for ta in assessment.trusts:
        codes = ";".join(f.code for f in ta.findings)
        for ca in ta.cohorts:
            f, step, bench, trend = ca.latest, ca.deciding_step, ca.benchmark, ca.trend
            rows.append(
                [
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
                    (_iso(trend.projected_date) or "") if trend else "",
                    codes,
                ]
            )
    return csv_text(CSV_COLUMNS, rows)


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
            f"{percent_text(step.percent)} by {step.due.isoformat()} "
            f"({SHORT_ORIGIN[main.benchmark.origin]})"
            if step and main.benchmark
            else "none"
        )
        cells = [
            severity_text(ta.severity),
            f"{md_inline(ta.trust.name)} ({md_code(ta.trust.id)})",
            status_text(main.status),
            f"{figure_text(latest.value)} ({latest.as_of.isoformat()})" if latest else "none",
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
            f"- {c.symbol} **{STATUS_LABELS[c.status]}**. {md_inline(explain(c))}"
            for c in ta.cohorts
        ]
        if ta.findings:
            out += ["", "Findings:", ""]
            out += [
                f"- {SEVERITY_SYMBOLS[f.severity]} **{f.label}** ({f.severity.value}): "
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
            latest_text = f"{figure_text(latest.value)}{prov}{sep}{latest.as_of.isoformat()}"
        if step is None or main.benchmark is None:
            bench_text = "none"
        else:
            origin = SHORT_ORIGIN[main.benchmark.origin]
            bench_text = f"{percent_text(step.percent)} by{sep}{step.due.isoformat()}"
            bench_text += f" ({origin})" if wide else f"\n{origin}"
        table.add_row(
            Text(severity_text(ta.severity), style=_STYLE[ta.severity]),
            Text(ta.trust.name) + Text(f"\n{ta.trust.id}", style="dim"),
            Text(status_text(main.status), style=_STYLE[main.severity]),
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


# ------------------------------------------------------------------ terminal: one Trust

_BLOCKS = " ▏▎▍▌▋▊▉█"
_SPARK = "▁▂▃▄▅▆▇█"
BAR_WIDTH = 30


def sparkline(values: Sequence[float]) -> str:
    """The shape of a series, one block character per value, scaled from its low to its high."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high - low < 1e-9:
        return _SPARK[3] * len(values)
    return "".join(_SPARK[min(7, int((v - low) / (high - low) * 8))] for v in values)


def bar(value: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar for a percentage, with eighth-block resolution."""
    eighths = round(max(0.0, min(100.0, value)) / 100 * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (_BLOCKS[part] if part else "")
    return text.ljust(width)


def _failed_after(ta: TrustAssessment, ca: CohortAssessment, as_of: date) -> Figure | None:
    """The cohort's latest figure without a percentage, if it is not older than F."""
    found: Figure | None = None
    for figure in ta.trust.figures:
        if figure.cohort != ca.cohort or figure.measured or figure.as_of > as_of:
            continue
        if ca.latest is not None and figure.as_of < ca.latest.as_of:
            continue
        if found is None or figure.as_of > found.as_of:
            found = figure
    return found


def _history(ta: TrustAssessment, as_of: date, ca: CohortAssessment) -> list[Figure]:
    """The cohort's figures of F's measure up to `as_of`, one per date, oldest first."""
    if ca.latest is None:
        return []
    measure = ca.latest.measure
    chosen: dict[date, Figure] = {}
    for figure in ta.trust.figures:
        if (
            figure.measured
            and figure.cohort == ca.cohort
            and figure.measure == measure
            and figure.as_of <= as_of
        ):
            known = chosen.get(figure.as_of)
            if known is None or known.provisional or not figure.provisional:
                chosen[figure.as_of] = figure
    return [chosen[d] for d in sorted(chosen)]


class _Refs:
    """Numbered sources, each listed once."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def cite(self, label: str | None) -> str:
        if not label:
            return ""
        if label not in self.items:
            self.items.append(label)
        return f" [{self.items.index(label) + 1}]"


def _target_source(registry: Registry | None, target_id: str | None) -> str | None:
    if registry is None or target_id is None:
        return None
    target = registry.national.target(target_id)
    return target.source.label() if target and target.source else None


def _cohort_rows(
    ca: CohortAssessment,
    refs: _Refs,
    registry: Registry | None,
    ta: TrustAssessment,
    as_of: date,
) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    f = ca.latest
    if f is not None:
        flags = [MEASURE_LABELS[f.measure], "provisional" if f.provisional else "final"]
        flags.append(f"data quality {f.quality}")
        if f.numerator is not None and f.denominator is not None:
            flags.append(f"{f.numerator} of {f.denominator} women")
        if f.small_numbers:
            flags.append(SMALL_NUMBERS_CAUTION)
        rows.append(
            (
                "Latest",
                f"{figure_text(f.value)} on {long_date(f.as_of)} ({'; '.join(flags)})"
                + refs.cite(f.source.label()),
            )
        )
    elif ca.benchmark is not None and any(
        f.cohort == ca.cohort and f.measured and f.as_of <= as_of for f in ta.trust.figures
    ):
        rows.append(
            (
                "Latest",
                f"no figure of the measure its benchmark uses "
                f"({MEASURE_LABELS[ca.benchmark.measure]}); `cocwatch show` lists the others",
            )
        )
    else:
        rows.append(("Latest", "no figure recorded"))
    failed = _failed_after(ta, ca, as_of)
    if failed is not None:
        rows.append(
            (
                "Data quality",
                f"{MEASURE_LABELS[failed.measure]}, {long_date(failed.as_of)}: the Trust's data "
                "failed NHS England's quality checks, so no percentage was published"
                + refs.cite(failed.source.label()),
            )
        )
    step, bench = ca.deciding_step, ca.benchmark
    if step is not None and bench is not None:
        rows.append(("Benchmark", _benchmark_text(step, bench, refs, registry, ta)))
    else:
        rows.append(("Benchmark", "none: no plan milestone or national target for this group"))
    if ca.expected is not None and ca.gap is not None and f is not None:
        rows.append(
            (
                "Expected",
                f"{figure_text(ca.expected)} on {long_date(f.as_of)}; "
                f"gap {wording.signed_points(ca.gap)} percentage points",
            )
        )
    if ca.trend is not None:
        text = (
            f"{ca.trend.points_per_year:+.2f} points a year "
            f"(line through {ca.trend.points} figures of the last 365 days)"
        )
        if ca.trend.projected_date and bench is not None:
            text += (
                f"; at this rate it reaches {percent_text(bench.highest.percent)} "
                f"around {long_date(ca.trend.projected_date)}"
            )
        rows.append(("Trend", text))
    return rows


def _benchmark_text(
    step: Step, bench: Benchmark, refs: _Refs, registry: Registry | None, ta: TrustAssessment
) -> str:
    """E.g. '51% by 31 March 2021: national target ltp-2021 'Most women...' [2]'."""
    head = f"{percent_text(step.percent)} by {wording.period(step.due, step.due_precision)}: "
    if bench.origin == "local":
        plan = ta.trust.plan
        return head + "the Trust's own plan" + refs.cite(plan.url if plan else None)
    text = head + f"national target {step.target_id}"
    if step.title:
        text += f" ({step.title})"
    if bench.origin == "chosen":
        text += ", chosen with --target"
    if step.withdrawn_on is not None:
        text += f"; withdrawn on {long_date(step.withdrawn_on)}"
        if bench.origin == "reference":
            text += ", so shown for reference and never worse than a warning"
    return text + refs.cite(_target_source(registry, step.target_id))


def _chart(history: list[Figure], ca: CohortAssessment, refs: _Refs) -> RenderableType:
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(no_wrap=True)
    goal = ca.benchmark.highest.percent if ca.benchmark else None
    for figure in history[-12:]:
        drawn = bar(figure.value)
        if goal is not None:
            # mark the highest milestone on each bar, so the distance to it shows
            at = min(BAR_WIDTH - 1, round(goal / 100 * BAR_WIDTH))
            if drawn[at] == " ":
                drawn = drawn[:at] + "┆" + drawn[at + 1 :]
        mark = " provisional" if figure.provisional else ""
        grid.add_row(
            figure.as_of.isoformat(),
            Text(drawn, style="cyan"),
            figure_text(figure.value),
            f"{refs.cite(figure.source.label()).strip()}{mark}",
        )
    return grid


def to_detail(
    ta: TrustAssessment, *, as_of: date, registry: Registry | None = None
) -> RenderableType:
    """One Trust in detail: each cohort, its figures over time, findings and sources."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    trust = ta.trust
    refs = _Refs()
    parts: list[RenderableType] = []
    title = Text(trust.name, style="bold")
    title.append(f"  ({trust.id}, ODS {trust.ods}, {trust.region})", style="dim")
    parts.append(title)
    overall = Text("Overall: ")
    overall.append(severity_text(ta.severity), style=_STYLE[ta.severity])
    overall.append(f" ({SEVERITY_LABELS[ta.severity].lower()}), as of {long_date(as_of)}")
    parts.append(overall)
    if trust.closed_on is not None:
        closed = f"Closed on {long_date(trust.closed_on)}"
        if trust.successor:
            closed += f"; succeeded by {trust.successor}"
        parts.append(Text(closed + "."))
    for ca in ta.cohorts:
        parts.append(Text(""))
        head = Text(COHORT_LABELS[ca.cohort].capitalize(), style="bold")
        head.append("  ")
        head.append(status_text(ca.status), style=_STYLE[ca.severity])
        head.append(f" ({ca.severity.value})")
        history = _history(ta, as_of, ca)
        if len(history) > 1:
            head.append(f"  {sparkline([h.value for h in history[-24:]])}", style="cyan")
        parts.append(head)
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        for key, value in _cohort_rows(ca, refs, registry, ta, as_of):
            grid.add_row(key, value)
        grid.add_row("Why", explain(ca))
        parts.append(grid)
        if history:
            measure = MEASURE_LABELS[history[-1].measure]
            note = "; ┆ marks the highest milestone" if ca.benchmark else ""
            parts.append(Text(f"Figures over time ({measure}{note}):", style="dim"))
            parts.append(_chart(history, ca, refs))
    parts.append(Text(""))
    if ta.findings:
        parts.append(Text("Findings", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for finding in ta.findings:
            grid.add_row(
                Text(severity_text(finding.severity), style=_STYLE[finding.severity]),
                Text(f"{finding.label}. ", style="bold") + Text(finding.message),
            )
        parts.append(grid)
    else:
        parts.append(Text("Findings: none. Every transparency duty checked is met."))
    if trust.plan is not None:
        refs.cite(trust.plan.url)
        for review in sorted(trust.plan.board_reviews, key=lambda r: r.date):
            if review.date <= as_of:
                refs.cite(review.url)
    if refs.items:
        parts.append(Text(""))
        parts.append(Text("Sources", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, justify="right")
        grid.add_column(overflow="fold")
        for i, label in enumerate(refs.items, 1):
            grid.add_row(f"[{i}]", label)
        parts.append(grid)
    return Group(*parts)


# ------------------------------------------------------------------ dispatch


def render_check(
    fmt: str,
    assessment: Assessment,
    registry_source: str,
    *,
    registry: Registry | None = None,
    detail: bool = False,
    quiet: bool = False,
) -> str | RenderableType:
    """The output of `check` in a format; `detail` shows a single Trust in full."""
    if fmt == "json":
        return to_json(assessment_to_json(assessment, registry_source))
    if fmt == "csv":
        return to_csv(assessment)
    if fmt == "markdown":
        return to_markdown(assessment, registry_source)
    if quiet:
        return summary_line(assessment)
    if detail and len(assessment.trusts) == 1:
        return to_detail(assessment.trusts[0], as_of=assessment.as_of, registry=registry)
    return to_table(assessment)
