"""`check TRUST`: one Trust in detail, each cohort with its figures over time, findings and
numbered sources.

Builds a rich renderable from a `TrustAssessment`; the CLI prints it.

May import: `cocwatch.core`, `cocwatch.render.check.tables` (the words the views share);
rich only inside functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from cocwatch.core import wording
from cocwatch.core.assessment import Severity, TrustAssessment, long_date, unmatched_measure
from cocwatch.core.cohort_status import CohortAssessment, explain
from cocwatch.core.comparison import counts_only
from cocwatch.core.comparison_words import count_words, small_numbers_caution
from cocwatch.core.measures import NOTHING_DECLARED, Declared
from cocwatch.core.reference_list import ReferenceList
from cocwatch.core.statements import because
from cocwatch.core.stats import Count
from cocwatch.render.check.tables import STYLE, severity_text, status_text

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cocwatch.core.models import Figure, Registry
    from cocwatch.core.targets import Benchmark, Step

_Refs = ReferenceList[str]


def _cite(refs: _Refs, label: str | None) -> str:
    """' [2]' for a source's label (listing it if new); nothing for no label."""
    return f" [{refs.cite(label)}]" if label else ""


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
    declared: Declared,
) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    f = ca.latest
    if f is not None:
        flags = [declared.words(f.measure).sentence, "provisional" if f.provisional else "final"]
        flags.append(f"data quality {f.quality}")
        shown = f"{wording.figure_percent(f.value)}"
        if f.numerator is not None and f.denominator is not None:
            count = Count(f.numerator, f.denominator)
            if counts_only(count):
                # Small numbers are counts, never a percentage (SPEC §4.1).
                shown = count_words(count)
            else:
                flags.append(f"{f.numerator:,} of {f.denominator:,} women")
        elif f.small_numbers:
            flags.append(small_numbers_caution(declared.publisher(f.source.kind)))
        rows.append(
            (
                "Latest",
                f"{shown} on {long_date(f.as_of)} ({'; '.join(flags)})"
                + _cite(refs, f.source.label()),
            )
        )
    elif (unmatched := unmatched_measure(ca, ta.trust.figures, as_of)) is not None:
        missing = wording.no_figure_of_measure(unmatched)
        rows.append(("Latest", f"{missing}; `cocwatch show` lists the others"))
    else:
        rows.append(("Latest", "no figure recorded"))
    failed = _failed_after(ta, ca, as_of)
    if failed is not None:
        publisher = declared.publisher(failed.source.kind)
        checks = publisher.quality_checks if publisher is not None else "its data-quality checks"
        rows.append(
            (
                "Data quality",
                f"{declared.words(failed.measure).sentence}, {long_date(failed.as_of)}: the "
                f"Trust's data failed {checks}, so no percentage was published"
                + _cite(refs, failed.source.label()),
            )
        )
    step, bench = ca.deciding_step, ca.benchmark
    if step is not None and bench is not None and not ca.in_force:
        # A past target is history: shown once, never an expected level or a gap.
        history = wording.past_target(
            bench.highest.percent,
            wording.period(bench.highest.due, bench.highest.due_precision),
            bench.highest.kind,
        )
        rows.append(
            ("History", history + _cite(refs, _target_source(registry, bench.highest.target_id)))
        )
        return rows
    if step is not None and bench is not None:
        rows.append(("Benchmark", _benchmark_text(step, bench, refs, registry, ta)))
    else:
        rows.append(("Benchmark", "none: no plan milestone or national target for this group"))
    if ca.expected is not None and ca.gap is not None and f is not None:
        rows.append(
            (
                "Expected",
                f"{wording.figure_percent(ca.expected)} on {long_date(f.as_of)}; "
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
                f"; at this rate it reaches {wording.percent(bench.highest.percent)} "
                f"around {long_date(ca.trend.projected_date)}"
            )
        rows.append(("Trend", text))
    return rows


def _benchmark_text(
    step: Step, bench: Benchmark, refs: _Refs, registry: Registry | None, ta: TrustAssessment
) -> str:
    """E.g. '51% by 31 March 2021: national target ltp-2021 'Most women...' [2]'."""
    head = f"{wording.percent(step.percent)} by {wording.period(step.due, step.due_precision)}: "
    if bench.origin == "local":
        plan = ta.trust.plan
        return head + "the Trust's own plan" + _cite(refs, plan.url if plan else None)
    text = head + f"national target {step.target_id}"
    if step.title:
        text += f" ({step.title})"
    if bench.origin == "chosen":
        text += ", chosen with --target"
    if step.withdrawn_on is not None:
        text += f"; withdrawn on {long_date(step.withdrawn_on)}"
        if bench.origin == "reference":
            text += ", so shown for reference: it never raises severity"
    return text + _cite(refs, _target_source(registry, step.target_id))


def _chart(history: list[Figure], ca: CohortAssessment, refs: _Refs) -> RenderableType:
    goal = ca.benchmark.highest.percent if ca.benchmark and ca.in_force else None
    rows = [
        (
            figure.as_of.isoformat(),
            figure.value,
            _shown(figure),
            f"{_cite(refs, figure.source.label()).strip()}"
            + (" provisional" if figure.provisional else ""),
        )
        for figure in history[-12:]
    ]
    return _Chart(rows, goal)


def _shown(figure: Figure) -> str:
    """A figure as the chart gives it: small numbers as counts, never a percentage."""
    if figure.numerator is not None and figure.denominator is not None:
        count = Count(figure.numerator, figure.denominator)
        if counts_only(count):
            return count_words(count)
    return wording.figure_percent(figure.value)


class _Chart:
    """Figures over time as bars, the bars shortened to fit the terminal (never the dates)."""

    def __init__(self, rows: list[tuple[str, float, str, str]], goal: float | None) -> None:
        self.rows, self.goal = rows, goal

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.text import Text

        shown = max((len(r[2]) for r in self.rows), default=0)
        notes = max((len(r[3]) for r in self.rows), default=0)
        width = max(10, min(BAR_WIDTH, options.max_width - (10 + shown + notes + 3)))
        for day, value, percent, note in self.rows:
            drawn = bar(value, width)
            if self.goal is not None:
                # mark the highest milestone on each bar, so the distance to it shows
                at = min(width - 1, round(self.goal / 100 * width))
                if drawn[at] == " ":
                    drawn = drawn[:at] + "┆" + drawn[at + 1 :]
            line = Text(f"{day} ", no_wrap=True, overflow="ignore")
            line.append(drawn, style="cyan")
            line.append(f" {percent.rjust(shown)} {note}".rstrip())
            yield line


def comparison_lines(ta: TrustAssessment) -> list[tuple[str, str]]:
    """The comparisons of SPEC §4.1 as (heading, plain sentence) pairs."""
    from cocwatch.core import comparison_words as words
    from cocwatch.core.statements import published_lines

    lines = published_lines(ta)
    small = [c.measure for c in ta.comparisons.values() if c.own.numerator == 5 or c.small]
    small += [g.measure for g in ta.equity if g.too_small]
    for publisher in dict.fromkeys(m.publisher for m in small):
        lines.append(
            ("Counts", f"{words.suppression_words(publisher)}, so a count of 5 means 'a few'.")
        )
    return lines


def to_detail(
    ta: TrustAssessment,
    *,
    as_of: date,
    registry: Registry | None = None,
    declared: Declared = NOTHING_DECLARED,
) -> RenderableType:
    """One Trust in detail: each cohort, its figures over time, findings and sources."""
    from rich.console import Group
    from rich.text import Text

    from cocwatch.render.layout import Prose, key_values

    trust = ta.trust
    refs = _Refs()
    parts: list[RenderableType] = []
    title = Text(trust.name, style="bold")
    code = f"ODS {trust.ods}" if ta.kind.own_quality else f"ICB {trust.ods}"
    title.append(f"  ({trust.id}, {code}, {trust.region})", style="dim")
    parts.append(Prose(title))
    overall = Text("Overall: ")
    overall.append(severity_text(ta.severity), style=STYLE[ta.severity])
    overall.append(f" ({wording.SEVERITY[ta.severity].sentence}), as of {long_date(as_of)}")
    parts.append(overall)
    reason = because(ta)
    if reason:
        parts.append(Prose(Text(reason)))
    if trust.closed_on is not None:
        closed = f"Closed on {long_date(trust.closed_on)}"
        if trust.successor:
            closed += f"; succeeded by {trust.successor}"
        parts.append(Text(closed + "."))
    compared = comparison_lines(ta)
    if compared:
        parts.append(Text(""))
        others = f"the other {ta.kind.plural}"
        parts.append(Text(f"Compared with England, its region and {others}", style="bold"))
        parts.append(key_values(compared))
    for ca in ta.cohorts:
        parts.append(Text(""))
        group = declared.group(ca.cohort)
        head = Text(group.label if group else wording.COHORT[ca.cohort].label, style="bold")
        head.append("  ")
        head.append(status_text(ca), style=STYLE[ca.severity])
        if ca.severity is not Severity.OK:
            head.append(f" ({wording.SEVERITY[ca.severity].sentence})")
        history = _history(ta, as_of, ca)
        if len(history) > 1:
            head.append(f"  {sparkline([h.value for h in history[-24:]])}", style="cyan")
        parts.append(head)
        parts.append(
            key_values(
                [
                    *_cohort_rows(ca, refs, registry, ta, as_of, declared),
                    ("Why", explain(ca, declared)),
                ]
            )
        )
        if history:
            measure = declared.words(history[-1].measure).sentence
            note = "; ┆ marks the highest milestone" if ca.benchmark and ca.in_force else ""
            parts.append(Text(f"Figures over time ({measure}{note}):", style="dim"))
            parts.append(_chart(history, ca, refs))
    parts.append(Text(""))
    if ta.findings:
        parts.append(Text("Findings", style="bold"))
        for finding in ta.findings:
            parts.append(
                Prose(
                    Text(f"{finding.label}. ", style="bold") + Text(finding.message),
                    first=Text(severity_text(finding.severity), style=STYLE[finding.severity])
                    + " ",
                )
            )
    else:
        parts.append(Text("Findings: none. Every transparency duty checked is met."))
    if trust.plan is not None:
        _cite(refs, trust.plan.url)
        for review in sorted(trust.plan.board_reviews, key=lambda r: r.date):
            if review.date <= as_of:
                _cite(refs, review.url)
    if refs.items:
        parts.append(Text(""))
        parts.append(Text("Sources", style="bold"))
        number_width = len(f"[{len(refs.items)}] ")
        for i, label in enumerate(refs.items, 1):
            parts.append(Prose(label, first=f"[{i}] ".rjust(number_width)))
    return Group(*parts)
