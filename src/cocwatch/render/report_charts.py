"""The report's SVG charts: a Trust's figures over time, the national figures, the statuses.

Builds the charts' data and words; `cocwatch.render.svg` draws and escapes them. Imports the
core and `svg` only (markupsafe when a chart is handed to the templates).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import pairwise
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from cocwatch.core import wording
from cocwatch.core.measures import DEFAULT_MEASURE, MEASURE, MeasureWords, preference
from cocwatch.core.stats import Count
from cocwatch.core.wording import month_year, percent, short_date, short_period
from cocwatch.render import svg

if TYPE_CHECKING:
    from cocwatch.core.assessment import TrustAssessment
    from cocwatch.core.kinds import Cohort
    from cocwatch.core.models import Figure, Registry, Target

BAR_COLOURS = {
    "missed": "#b3261e",
    "behind": "#b35c00",
    "no_data": "#6b6b6b",
    "on_track": "#0060a8",
    "met": "#1e7a36",
    "not_in_force": "#8a8a8a",
    "no_target": "#8a8a8a",
}


def markup(text: str) -> Any:
    """Mark SVG built (and escaped) by `cocwatch.render.svg` as safe for the templates."""
    from markupsafe import Markup

    return Markup(text)  # the XML serialiser escaped every piece of text


def figure_text(figure: Figure) -> str:
    """A figure as the report writes it: one decimal and its count, '2.8% (15 of 545)'; with
    small numbers (under 30 women, or a published 5 on either side), counts only, never a
    percentage: 'none of about 10 women', 'a few of 190 women'."""
    return figure_words(figure.numerator, figure.denominator, figure.percent)


@lru_cache(maxsize=4096)
def figure_words(n: int | None, d: int | None, value: float | None) -> str:
    """`figure_text` of these counts and percentage (years of monthly figures repeat them)."""
    from cocwatch.core.comparison import counts_only
    from cocwatch.core.comparison_words import count_words

    if n is not None and d and counts_only(Count(n, d)):
        return count_words(Count(n, d))
    if value is None:
        raise ValueError("this figure has no percentage: its data failed quality checks")
    if n is not None and d:
        return f"{wording.figure_percent(value)} ({n:,} of {d:,})"
    return wording.figure_percent(value)


def figure_label(figure: Figure) -> str:
    """A figure in words for a chart point or a source: '31 Mar 2024: 17.3% all women'."""
    who = wording.COHORT[figure.cohort].sentence
    day = _short_date(figure.as_of)
    if not figure.measured:
        return f"{day}: no figure, data quality failed, {who}"
    note = _label_note(figure.provisional, figure.quality == "fail", figure.small_numbers)
    return f"{day}: {figure_text(figure)}, {who}{note}"


_short_date = lru_cache(maxsize=1024)(short_date)  # years of months: the same days again


@lru_cache(maxsize=8)
def _label_note(provisional: bool, failed: bool, small_numbers: bool) -> str:
    extra = []
    if provisional:
        extra.append("provisional")
    if failed:
        extra.append("failed data quality")
    if small_numbers:
        extra.append("a published count of 5 stands for 1 to 7")
    return f" ({', '.join(extra)})" if extra else ""


@dataclass(frozen=True, slots=True)
class KeyEntry:
    """One entry of a chart's key: a line and/or marker drawn as on the chart, and its words."""

    label: str
    colour: str
    dash: str = ""
    shape: str = ""  # circle, square, triangle, diamond; "" for a line alone
    hollow: bool = False
    line: bool = True


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG chart of one measure over time, and the key to what is drawn on it (only that)."""

    svg: Any  # markupsafe.Markup
    measure: str
    key: tuple[KeyEntry, ...]


@dataclass(frozen=True, slots=True)
class TimeCharts:
    """A Trust's (or England's) charts over time, one per measure, and what is not drawn."""

    charts: tuple[Chart, ...]
    # Figures that are alone of their group and measure: one point is not a line over time.
    single: tuple[str, ...]


MIN_SERIES_POINTS = 2  # a line over time needs two figures at least
_NOT_IN_FORCE = "#8a8a8a"
_NOT_IN_FORCE_DASH = "2 3"
_IN_FORCE_DASH = "5 4"


def _series_points(
    figures: Sequence[Figure],
) -> dict[tuple[Cohort, str], tuple[svg.Point, ...]]:
    """Every group's points of every measure, oldest first, sorting the figures once."""
    found: dict[tuple[Cohort, str], list[svg.Point]] = {}
    for f in sorted(figures, key=_AS_OF):
        if f.percent is not None:  # measured
            key = (f.cohort, f.measure)
            points = found.get(key)
            if points is None:
                points = found[key] = []
            points.append(svg.Point(f.as_of, f.percent, figure_label(f), f.provisional))
    return {key: tuple(points) for key, points in found.items()}


_AS_OF = attrgetter("as_of")


def _single_words(cohort: Cohort, words: MeasureWords, point: svg.Point) -> str:
    """'all women, placed on a pathway, 30 Apr 2025'."""
    return f"{wording.COHORT[cohort].sentence}, {words.short}, {short_date(point.when)}"


def _key(
    series: Sequence[svg.Series],
    trajectories: Sequence[svg.Trajectory],
    references: Sequence[svg.Reference],
) -> tuple[KeyEntry, ...]:
    """The key of what is drawn: nothing is promised that the chart does not show."""
    key = []
    for one in series:
        colour, dash, shape = svg.style(one.key)
        key.append(KeyEntry(one.name, colour, dash, shape))
    if trajectories:
        key.append(KeyEntry("Plan milestones", "#444444", "1 2", "diamond"))
    if any(not r.withdrawn for r in references):
        key.append(KeyEntry("National target in force", "#444444", _IN_FORCE_DASH))
    states = sorted({r.state for r in references if r.withdrawn})
    for state in states:
        key.append(
            KeyEntry(f"National target, {state} (grey, dotted)", _NOT_IN_FORCE, _NOT_IN_FORCE_DASH)
        )
    if any(p.hollow for one in series for p in one.points):
        key.append(KeyEntry("Provisional figure", "#444444", "", "circle", True, False))
    return tuple(key)


def _measures(figures: Sequence[Figure]) -> list[str]:
    """The measures of the figures, the registry's own first, in their order of preference."""
    return sorted({f.measure for f in figures if f.measured}, key=lambda m: (preference(m), m))


def trust_chart(
    ta: TrustAssessment,
    figures: Sequence[Figure],
    registry: Registry,
    as_of: date,
    words: Callable[[str], MeasureWords] = lambda m: MEASURE[m],
    groups: Mapping[Cohort, wording.CohortWords] = wording.COHORT,
) -> TimeCharts:
    """A Trust's figures (up to `as_of`) over time, one chart per measure (never two measures
    on one chart), against its milestones and the national targets of that measure.

    A group with one figure of a measure is not drawn (one point is not a line): it is
    named in `single` instead, and a measure with no line gets no chart.
    """
    charts: list[Chart] = []
    single: list[str] = []
    plan = ta.trust.plan
    points = _series_points(figures)
    for measure in _measures(figures):
        series: list[svg.Series] = []
        for cohort in wording.COHORT:
            pts = points.get((cohort, measure), ())
            if len(pts) >= MIN_SERIES_POINTS:
                series.append(svg.Series(cohort, groups[cohort].label, pts))
            elif pts:
                single.append(_single_words(cohort, words(measure), pts[0]))
        if not series:
            continue
        trajectories: list[svg.Trajectory] = []
        for cohort_key in wording.COHORT:
            milestones = sorted(
                (
                    m
                    for m in (plan.milestones if plan else ())
                    if m.cohort == cohort_key and m.measure == measure
                ),
                key=lambda m: m.due,
            )
            if plan is not None and milestones:
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
        # The time axis covers the Trust's own story (figures, plan, milestones) up to D;
        # national targets due before it are listed under the chart instead.
        own = [p.when for one in series for p in one.points]
        own += [m.when for t in trajectories for m in t.milestones]
        own += [t.start for t in trajectories if t.start is not None]
        start, end = svg.time_range([*own, as_of], at_least_days=730)
        references = [
            _reference(t, as_of, registry.national.targets)
            for t in chart_targets(registry, as_of)
            if t.measure == measure and t.due >= start and (t.set_on is None or t.set_on <= end)
        ]
        what = words(measure).sentence
        drawn_keys = {one.key for one in series}
        desc = (
            f"Women {what}, as a percentage, for "
            + ", ".join(wording.COHORT[c].sentence for c in wording.COHORT if c in drawn_keys)
            + f"; {len(trajectories)} plan milestone line(s) and {len(references)} national "
            "target line(s) of this measure are drawn. The same data is in the table below."
        )
        drawn = svg.time_chart(
            chart_id=f"chart-{ta.trust.id}-{measure}",
            title=f"{ta.trust.name}: women {what}, over time",
            desc=desc,
            series=series,
            trajectories=trajectories,
            references=references,
            as_of=as_of,
            start=start,
            end=end,
        )
        charts.append(Chart(markup(drawn), measure, _key(series, trajectories, references)))
        spc = _spc_chart(ta, measure, what)
        if spc is not None:
            charts.append(spc)
    return TimeCharts(tuple(charts), tuple(single))


def _spc_chart(ta: TrustAssessment, measure: str, what: str) -> Chart | None:
    """The Trust's SPC chart of the measure (all women), drawn to its own scale."""
    found = next((o for o in ta.over_time if o.measure.code == measure), None)
    spc = _spc_overlay(ta, measure)
    if found is None or found.chart is None or spc is None:
        return None
    months, values = found.chart_months, found.chart.values
    points = [
        svg.Point(m, 100 * v, f"{month_year(m)}: {wording.figure_percent(100 * v)}")
        for m, v in zip(months, values, strict=True)
    ]
    from cocwatch.core.comparison_words import over_time_words

    said = over_time_words(found)[-1]
    drawn = svg.spc_chart(
        chart_id=f"chart-{ta.trust.id}-{measure}-spc",
        title=f"{ta.trust.name}: all women {what}, statistical process control chart",
        desc=f"Each month's figure with its average and process limits. {said}",
        points=points,
        spc=spc,
    )
    return Chart(markup(drawn), measure, _spc_key(spc))


def _spc_overlay(ta: TrustAssessment, measure: str) -> svg.SpcOverlay | None:
    """The Trust's SPC chart of the measure (all women), as the chart draws it."""
    from cocwatch.core.comparison_words import signal_words

    found = next((o for o in ta.over_time if o.measure.code == measure), None)
    if found is None or found.chart is None:
        return None
    chart, months = found.chart, found.chart_months
    bounds = [*chart.segments, len(months)]
    segments = tuple(
        svg.SpcSegment(
            months[a],
            months[b - 1],
            100 * chart.centres[a],
            100 * chart.lower[a],
            100 * chart.upper[a],
        )
        for a, b in pairwise(bounds)
    )
    improvement = found.measure.improvement
    special: dict[int, tuple[svg.Point, str]] = {}
    for signal in chart.signals:
        kind = "improvement" if signal.direction == improvement else "concern"
        said = signal_words(signal, months, improvement)
        for i in signal.points:
            if i not in special:  # a month is coloured once, by the first rule naming it
                point = svg.Point(
                    months[i], 100 * chart.values[i], f"{month_year(months[i])}: {said}"
                )
                special[i] = (point, kind)
    trial = " (trial limits: fewer than 12 months)" if chart.trial_segments else ""
    return svg.SpcOverlay(
        segments, tuple(special[i] for i in sorted(special)), f"Average and process limits{trial}"
    )


def _spc_key(spc: svg.SpcOverlay | None) -> tuple[KeyEntry, ...]:
    if spc is None:
        return ()
    colours = svg.SPC_COLOURS
    key = [
        KeyEntry("Month (all women), common cause", colours["common"], "", "circle"),
        KeyEntry("Average", colours["mean"]),
        KeyEntry(
            "Process limits" + (" (trial)" if "trial" in spc.name else ""),
            colours["limits"],
            svg.SPC_LIMITS_DASH,
        ),
    ]
    kinds = {kind for _, kind in spc.special}
    if "improvement" in kinds:
        key.append(
            KeyEntry("Special cause: improvement", colours["improvement"], "", "circle", line=False)
        )
    if "concern" in kinds:
        key.append(KeyEntry("Special cause: concern", colours["concern"], "", "circle", line=False))
    return tuple(key)


def chart_targets(registry: Registry, as_of: date) -> list[Target]:
    return [t for t in registry.national.targets if t.percent is not None and t.was_set(as_of)]


def _reference(target: Target, as_of: date, targets: Sequence[Target]) -> svg.Reference:
    from cocwatch.render.registry import target_status

    assert target.percent is not None
    state = target_status(target, as_of, targets)
    in_force = state == "active"
    cohort = "" if target.cohort == "all" else f", {wording.COHORT[target.cohort].sentence}"
    return svg.Reference(
        key=target.cohort,
        label=percent(target.percent) + ("" if in_force else f" ({state})"),
        name=(
            f"National target{cohort}: {target.title} ({percent(target.percent)}, due "
            f"{short_period(target.due, target.due_precision)})"
            + ("" if in_force else f"; {state}")
        ),
        percent=target.percent,
        due=target.due,
        start=target.set_on,
        withdrawn=not in_force,
        state=state,
    )


def national_chart(registry: Registry, as_of: date) -> TimeCharts:
    """England's placement figures over time against the placement targets (never the
    receiving targets: one measure per chart); no chart while each group has one figure."""
    # The national targets with a level are about placing women on a pathway.
    measure = DEFAULT_MEASURE
    figures = [f for f in registry.national.figures if f.as_of <= as_of]
    series: list[svg.Series] = []
    single: list[str] = []
    points = _series_points(figures)
    for cohort in wording.COHORT:
        pts = points.get((cohort, measure), ())
        if len(pts) >= MIN_SERIES_POINTS:
            series.append(svg.Series(cohort, wording.COHORT[cohort].label, pts))
        elif pts:
            single.append(_single_words(cohort, MEASURE[measure], pts[0]))
    if not series:
        return TimeCharts((), tuple(single))
    references = [
        _reference(t, as_of, registry.national.targets)
        for t in chart_targets(registry, as_of)
        if t.measure == measure
    ]
    drawn = svg.time_chart(
        chart_id="chart-national",
        title=f"England: women {MEASURE[measure].sentence}, against the national "
        "targets of that measure",
        desc=(
            f"{sum(len(s.points) for s in series)} national figure(s) and {len(references)} "
            "national target(s) of the same measure; the same data is listed in the tables "
            "below."
        ),
        series=series,
        references=references,
        as_of=as_of,
    )
    return TimeCharts((Chart(markup(drawn), measure, _key(series, [], references)),), tuple(single))


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
    if code == "not_in_force":
        return wording.NOT_IN_FORCE.label
    known = wording.STATUS.get(code)  # type: ignore[call-overload]  # a StrEnum key is its str
    return known.label if known else wording.humanise(code)
