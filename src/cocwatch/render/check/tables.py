"""`check`'s listings: the words its views share, the CSV rows, the Markdown and the table.

Builds text or rich renderables from an `Assessment`; the CLI prints them. Rich is
imported inside the functions that draw for the terminal.

May import: `cocwatch.core`, `cocwatch.render.tabular`; rich only inside functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from cocwatch.core import wording
from cocwatch.core.assessment import Assessment, Severity, TrustAssessment, long_date
from cocwatch.core.cohort_status import CohortAssessment, explain
from cocwatch.render.attribution import OGL_STATEMENT, licence_line, republishes
from cocwatch.render.tabular import Column, md_code, md_inline

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cocwatch.core.measures import OfficialMeasure

STYLE = {
    Severity.OK: "green",
    Severity.WARN: "yellow",
    Severity.FAIL: "bold red",
    Severity.NOTE: "dim",
}


# ------------------------------------------------------------------ words shared by views


def summary_line(assessment: Assessment) -> str:
    """The one-line summary (what --quiet prints)."""
    counts = assessment.summary()
    n = len(assessment.trusts)
    noun = "trust" if n == 1 else "trusts"
    areas = sum(1 for t in assessment.trusts if not t.kind.own_quality)
    if areas:  # `check icb:CODE`: its LMNS (or its predecessors') and its Trusts
        trusts = n - areas
        lmns = "LMNS" if areas == 1 else "LMNSs"
        noun = f"{'trust' if trusts == 1 else 'trusts'} and {areas} {lmns}"
        n = trusts
    return (
        f"{n} {noun} checked as of {assessment.as_of.isoformat()}: "
        f"{counts['fail']} fail, {counts['warn']} warn, {counts['ok']} ok."
    )


def severity_text(severity: Severity) -> str:
    """Severity as a symbol and a word, e.g. '✗ fail'."""
    return f"{wording.SEVERITY[severity].symbol} {severity.value}"


def status_text(ca: CohortAssessment) -> str:
    """A cohort's status as people are told it, a symbol and words: '▼ Behind', '– No
    target in force'."""
    return f"{ca.symbol} {ca.label}"


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
    "licence",  # the attribution NHS England's licence asks for, on rows of official figures
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
                OGL_STATEMENT if f and f.source.official else "",
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
            status_text(main),
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
            f"- {c.symbol} **{c.label}**. {md_inline(explain(c, assessment.declared))}"
            for c in ta.cohorts
        ]
        if ta.findings:
            out += ["", "Findings:", ""]
            out += [
                f"- {wording.SEVERITY[f.severity].symbol} **{f.label}** ({f.severity.value}): "
                f"{md_inline(f.message)}"
                for f in ta.findings
            ]
    if republishes(f for ta in assessment.trusts for f in ta.trust.figures):
        out += ["", md_inline(licence_line())]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ terminal: table


WIDE = 110  # from this console width on, a table; below it, two lines a Trust (`compact`)


def attention_order(assessment: Assessment) -> list[TrustAssessment]:
    """Trusts needing attention first: failing, then warning, then OK; within each, the
    lowest official rate of its leading measure first (Trusts without one last), then by
    name."""

    def key(ta: TrustAssessment) -> tuple[int, int, float, str]:
        led = ta.headline
        rate = led.percent if led is not None and led.passed else None
        return (-ta.severity.rank, rate is None, rate or 0.0, ta.trust.name.lower())

    return sorted(assessment.trusts, key=key)


def leading(assessment: Assessment) -> list[OfficialMeasure]:
    """The measures that lead the assessed Trusts' rows (usually one), in declared order."""
    found = {ta.lead.code: ta.lead for ta in assessment.trusts if ta.lead is not None}
    return [m for m in assessment.declared.measures if m.code in found]


def order_note(measures: Sequence[OfficialMeasure]) -> str:
    """How the table is sorted, in words."""
    rate = " or ".join(m.rate for m in measures) or "official rate"
    return (
        "Sorted: failing Trusts first, then those needing attention, then OK; within each, the "
        f"lowest {rate} first."
    )


def figure_cell(ta: TrustAssessment, *, wide: bool) -> str:
    """The latest official figure of the leading measure with its count, e.g.
    '2.8% 15/545 Apr 2025'; without one, the all-women cohort's latest figure."""
    led = ta.headline
    sep = " " if wide else "\n"
    if led is None:
        main = ta.cohort("all").latest
        if main is None:
            return "none"
        if not main.measured:
            return f"data failed{sep}{main.as_of:%b %Y}"
        return f"{wording.figure_percent(main.value)}{sep}{main.as_of:%b %Y}"
    own = led.own
    if led.small:  # a published 5 stands for 1 to 7: no percentage
        few = {0: "none", 5: "a few"}.get(own.numerator, str(own.numerator))
        shown = f"{few}{sep}of {own.denominator}"
    else:
        shown = f"{wording.figure_percent(led.percent)}{sep}{own.numerator}/{own.denominator}"
    return f"{shown}{sep}{led.month:%b %Y}"


def england_cell(ta: TrustAssessment) -> str:
    """lower / similar / higher than England, with the level it holds at."""
    led = ta.headline
    if led is None or not led.passed:
        return "—" if led is None else "not compared"
    versus = led.england
    if versus is None:
        return "—"
    if versus.at_998 in ("lower", "higher"):
        return f"{versus.at_998} (99.8%)"
    if versus.at_95 in ("lower", "higher"):
        return f"{versus.at_95} (95%)"
    if versus.at_95 is None:
        return "unclear (a 5)"  # the counts a published 5 may stand for disagree
    return "similar"


def rank_cell(ta: TrustAssessment) -> str:
    """'73/103'; '=41/78' for a shared place; '55–101/103' where a published 5 (any count
    from 1 to 7) could put the Trust anywhere in that range."""
    led = ta.headline
    placing = led.placing if led is not None else None
    if placing is None:
        return "—"
    if not placing.settled:
        return f"{placing.best}–{placing.worst}/{placing.of}"
    return f"{'=' if placing.tied else ''}{placing.best}/{placing.of}"


def region_cell(ta: TrustAssessment) -> str:
    """The region's own figure and how the Trust compares with it."""
    led = ta.headline
    versus = led.region if led is not None else None
    if versus is None:
        return "—"
    verdict = versus.at_998 if versus.at_998 != "similar" else versus.at_95
    return f"{wording.figure_percent(versus.percent)}: {verdict or 'unclear (a 5)'}"


def actions(ta: TrustAssessment) -> list[str]:
    """What to do about a Trust, most pressing first, in a few words each."""
    todo: list[tuple[int, str]] = []
    led = ta.headline
    if led is not None and led.england is not None and led.england.at_95 == "lower":
        todo.append((Severity.FAIL.rank + 1, "ask why below England"))
    for ca in ta.cohorts:
        if ca.severity is not Severity.OK and ca.benchmark is not None:
            status = wording.STATUS[ca.status].sentence
            origin = wording.ORIGIN[ca.benchmark.origin].short
            cohort = wording.COHORT[ca.cohort].short
            todo.append((ca.severity.rank, f"{cohort}: {status} ({origin})"))
    for f in ta.findings:
        if f.rule.action:
            todo.append((f.severity.rank, f.rule.action))
    todo.sort(key=lambda item: -item[0])
    return list(dict.fromkeys(text for _, text in todo))


def _actions_lines(ta: TrustAssessment) -> str:
    return "\n".join(actions(ta)) or "—"


class _CheckTable:
    """The Trust table, laid out for the console's width when it is drawn."""

    def __init__(self, assessment: Assessment) -> None:
        self.assessment = assessment

    def __rich_console__(self, console: Any, options: Any) -> Any:
        if options.max_width < WIDE:
            from cocwatch.render.check.compact import compact_lines

            yield from compact_lines(self.assessment, options.max_width)
            return
        yield _table(self.assessment, wide=True)


def _table(assessment: Assessment, *, wide: bool) -> RenderableType:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1))
    table.add_column("Result", no_wrap=True)
    table.add_column("Trust", min_width=12, overflow="ellipsis")
    measures = leading(assessment)
    heading = measures[0].heading if len(measures) == 1 else "Figure"
    table.add_column(heading, justify="right", no_wrap=True)
    table.add_column("vs England", no_wrap=True)
    table.add_column("Rank", justify="right", no_wrap=True)
    if wide:
        table.add_column("Region", no_wrap=True)
    table.add_column("What to do", min_width=10, overflow="ellipsis")
    for ta in attention_order(assessment):
        trust = Text(ta.trust.name) + Text(f"\n{ta.trust.ods} · {ta.trust.region}", style="dim")
        cells: list[Any] = [
            Text(severity_text(ta.severity), style=STYLE[ta.severity]),
            trust,
            figure_cell(ta, wide=False),
            england_cell(ta),
            rank_cell(ta),
        ]
        if wide:
            cells.append(region_cell(ta))
        cells.append(_actions_lines(ta))
        table.add_row(*cells)
    return table


def to_table(assessment: Assessment) -> RenderableType:
    """The listing for people: one row per Trust; fits 80 columns, uses more when there."""
    from rich.console import Group
    from rich.text import Text

    from cocwatch.core.comparison_words import statistics_note

    measures = leading(assessment)
    shown = " ".join(f"{m.heading}: {m.table_note}." for m in measures)
    checks = " or ".join(p.checks for p in dict.fromkeys(m.publisher for m in measures))
    notes = Text(
        f"{shown} vs England: lower or higher when England's figure lies outside the Trust's "
        "99.8% (or 95%) Wilson interval; similar otherwise; unclear when a published 5 (any "
        "count from 1 to 7) could make it either. Rank: among the Trusts whose data passed "
        f"{checks or 'the checks'} that month (1 = highest; =41 a shared place; 55–101 the places "
        f"a published 5 allows). {order_note(measures)} "
        "`cocwatch check TRUST` explains one Trust.",
        style="dim",
    )

    parts: list[RenderableType] = []
    if assessment.trusts:
        parts += [_CheckTable(assessment), notes]
    stale = statistics_note(assessment.official, assessment.as_of)
    if stale:
        parts.append(Text(f"Note: {stale}", style="dim"))
    parts.append(Text(summary_line(assessment)))
    return Group(*parts)
