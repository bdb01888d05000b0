"""The report's SVG charts: a Trust's figures over time, the national figures, the statuses.

Builds the charts' data and words; `cocwatch.render.svg` draws and escapes them. Imports the
core and `svg` only (markupsafe when a chart is handed to the templates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from cocwatch.core import wording
from cocwatch.core.wording import percent, short_date, short_period
from cocwatch.render import svg

if TYPE_CHECKING:
    from cocwatch.core.assessment import TrustAssessment
    from cocwatch.core.models import Figure, Registry, Target

BAR_COLOURS = {
    "missed": "#b3261e",
    "behind": "#b35c00",
    "no_data": "#6b6b6b",
    "on_track": "#0060a8",
    "met": "#1e7a36",
    "no_target": "#8a8a8a",
}


def markup(text: str) -> Any:
    """Mark SVG built (and escaped) by `cocwatch.render.svg` as safe for the templates."""
    from markupsafe import Markup

    return Markup(text)  # the XML serialiser escaped every piece of text


def figure_label(figure: Figure) -> str:
    """A figure in words for a chart point or a source: '31 Mar 2024: 17.3% all women'."""
    extra = []
    if figure.provisional:
        extra.append("provisional")
    if figure.quality == "fail":
        extra.append("failed data quality")
    if figure.small_numbers:
        extra.append(f"small numbers: {figure.numerator} of {figure.denominator}")
    note = f" ({', '.join(extra)})" if extra else ""
    who = wording.COHORT[figure.cohort].sentence
    if not figure.measured:
        return f"{short_date(figure.as_of)}: no figure, data quality failed, {who}"
    return f"{short_date(figure.as_of)}: {percent(figure.value)} {who}{note}"


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG chart and what its key must explain."""

    svg: Any  # markupsafe.Markup
    series: tuple[str, ...]  # the cohorts drawn
    milestones: bool
    targets: bool


def trust_chart(
    ta: TrustAssessment, figures: Sequence[Figure], registry: Registry, as_of: date
) -> Chart:
    """A Trust's figures (up to `as_of`) over time against its milestones and national targets."""
    series: list[svg.Series] = []
    for cohort in ta.cohorts:
        measure = cohort.latest.measure if cohort.latest else "placed_by_28_weeks"
        pts = tuple(
            svg.Point(f.as_of, f.value, figure_label(f), hollow=f.provisional)
            for f in figures
            if f.measured and f.cohort == cohort.cohort and f.measure == measure
        )
        if pts:
            series.append(svg.Series(cohort.cohort, wording.COHORT[cohort.cohort].label, pts))
    trajectories: list[svg.Trajectory] = []
    plan = ta.trust.plan
    if plan is not None:
        for cohort_key in wording.COHORT:
            milestones = sorted(
                (m for m in plan.milestones if m.cohort == cohort_key), key=lambda m: m.due
            )
            if milestones:
                trajectories.append(
                    svg.Trajectory(
                        cohort_key,
                        f"Plan milestones, {wording.COHORT[cohort_key].sentence}",
                        plan.published,
                        tuple(
                            svg.Point(
                                m.due,
                                m.percent,
                                f"Plan: {percent(m.percent)} by {short_date(m.due)}",
                            )
                            for m in milestones
                        ),
                    )
                )
    # The time axis covers the Trust's own story (figures, plan, milestones) up to D; national
    # targets due before it are listed under the chart instead of squeezing the figures.
    own = [p.when for one in series for p in one.points]
    own += [m.when for t in trajectories for m in t.milestones]
    own += [t.start for t in trajectories if t.start is not None]
    targets = chart_targets(registry, as_of)
    if not own:
        own = [t.due for t in targets] + [t.set_on for t in targets if t.set_on is not None]
    start, end = svg.time_range([*own, as_of], at_least_days=730)
    references = [_reference(t, as_of) for t in targets if t.due >= start]
    with_figures = {s.key for s in series}
    cohorts_with_data = [wording.COHORT[c].sentence for c in wording.COHORT if c in with_figures]
    if series:
        latest = ta.cohort("all").latest
        latest_text = (
            f"; latest for all women {percent(latest.value)} on {short_date(latest.as_of)}"
            if latest
            else ""
        )
        desc = (
            f"Figures for {', '.join(cohorts_with_data)}{latest_text}"
            + f". {len(trajectories)} plan milestone line(s) and {len(references)} national "
            "target line(s) are drawn for comparison. The same data is in the table below."
        )
    else:
        desc = (
            "No figures are recorded for this Trust up to this date; only its milestones and "
            "the national targets are drawn."
        )
    drawn = svg.time_chart(
        chart_id=f"chart-{ta.trust.id}",
        title=f"Continuity of carer at {ta.trust.name}, as a percentage of women",
        desc=desc,
        series=series,
        trajectories=trajectories,
        references=references,
        as_of=as_of,
        start=start,
        end=end,
    )
    return Chart(
        svg=markup(drawn),
        series=tuple(s.key for s in series),
        milestones=bool(trajectories),
        targets=bool(references),
    )


def chart_targets(registry: Registry, as_of: date) -> list[Target]:
    return [t for t in registry.national.targets if t.percent is not None and t.was_set(as_of)]


def _reference(target: Target, as_of: date) -> svg.Reference:
    assert target.percent is not None
    withdrawn = target.withdrawn_on is not None and target.withdrawn_on <= as_of
    cohort = "" if target.cohort == "all" else f", {wording.COHORT[target.cohort].sentence}"
    return svg.Reference(
        key=target.cohort,
        label=percent(target.percent),
        name=(
            f"National target{cohort}: {target.title} — {percent(target.percent)} by "
            f"{short_period(target.due, target.due_precision)}"
            + (" (withdrawn)" if withdrawn else "")
        ),
        percent=target.percent,
        due=target.due,
        start=target.set_on,
        withdrawn=withdrawn,
    )


def national_chart(registry: Registry, as_of: date) -> str | None:
    """National figures over time against the national targets, when there are any."""
    # The national targets are about placing women on a pathway: only that measure is drawn.
    figures = [
        f
        for f in registry.national.figures
        if f.as_of <= as_of and f.measured and f.measure == "placed_by_28_weeks"
    ]
    if not figures:
        return None
    series = [
        svg.Series(
            cohort,
            wording.COHORT[cohort].label,
            tuple(
                svg.Point(f.as_of, f.value, figure_label(f), hollow=f.provisional)
                for f in figures
                if f.cohort == cohort
            ),
        )
        for cohort in wording.COHORT
        if any(f.cohort == cohort for f in figures)
    ]
    references = [_reference(t, as_of) for t in chart_targets(registry, as_of)]
    return svg.time_chart(
        chart_id="chart-national",
        title="National continuity of carer figures against the national targets",
        desc=(
            f"{len(figures)} national figure(s) and {len(references)} national target(s); "
            "the same data is listed in the tables below."
        ),
        series=series,
        references=references,
        as_of=as_of,
    )


def status_chart(counts: list[tuple[str, int]]) -> str:
    """Bar chart: how many Trusts have each status (all women)."""
    described = "; ".join(f"{_status_label(s)}: {n}" for s, n in counts)
    return svg.bar_chart(
        chart_id="chart-status",
        title="Trusts by status for all women",
        desc=f"Number of Trusts with each status. {described}.",
        bars=[svg.Bar(_status_label(s), n, BAR_COLOURS.get(s, "#444")) for s, n in counts],
    )


def _status_label(code: str) -> str:
    known = wording.STATUS.get(code)  # type: ignore[call-overload]  # a StrEnum key is its str
    return known.label if known else wording.humanise(code)
