"""The report's SVG charts: a Trust's figures over time, the national figures, the statuses.

Builds the charts' data and words; `cocwatch.render.svg` draws and escapes them. Imports the
core and `svg` only (markupsafe when a chart is handed to the templates).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from cocwatch.core import stats, wording
from cocwatch.core.stats import Count, FunnelPlacement, Overdispersion
from cocwatch.core.wording import percent, short_date, short_period
from cocwatch.render import svg

if TYPE_CHECKING:
    from cocwatch.core.assessment import TrustAssessment
    from cocwatch.core.comparison import OfficialContext
    from cocwatch.core.kinds import Cohort, Measure
    from cocwatch.core.models import Figure, Registry, Target, Trust

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


def figure_text(figure: Figure) -> str:
    """A figure as the report writes it: one decimal and its count, '2.8% (15 of 545)'; with
    small numbers (under 30 women, or a published 5 on either side), counts only, never a
    percentage: 'none of about 10 women', 'a few of 190 women'."""
    return figure_words(figure.numerator, figure.denominator, figure.percent)


@lru_cache(maxsize=4096)
def figure_words(n: int | None, d: int | None, value: float | None) -> str:
    """`figure_text` of these counts and percentage (years of monthly figures repeat them)."""
    from cocwatch.core.comparison import count_words, counts_only

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
) -> dict[tuple[Cohort, Measure], tuple[svg.Point, ...]]:
    """Every group's points of every measure, oldest first, sorting the figures once."""
    found: dict[tuple[Cohort, Measure], list[svg.Point]] = {}
    for f in sorted(figures, key=_AS_OF):
        if f.percent is not None:  # measured
            key = (f.cohort, f.measure)
            points = found.get(key)
            if points is None:
                points = found[key] = []
            points.append(svg.Point(f.as_of, f.percent, figure_label(f), f.provisional))
    return {key: tuple(points) for key, points in found.items()}


_AS_OF = attrgetter("as_of")


def _single_words(cohort: Cohort, measure: Measure, point: svg.Point) -> str:
    """'all women, placed on a pathway, 30 Apr 2025'."""
    return (
        f"{wording.COHORT[cohort].sentence}, {wording.MEASURE[measure].short}, "
        f"{short_date(point.when)}"
    )


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


def _measures(figures: Sequence[Figure]) -> list[Measure]:
    found = {f.measure for f in figures if f.measured}
    return [m for m in wording.MEASURE if m in found]


def trust_chart(
    ta: TrustAssessment, figures: Sequence[Figure], registry: Registry, as_of: date
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
                series.append(svg.Series(cohort, wording.COHORT[cohort].label, pts))
            elif pts:
                single.append(_single_words(cohort, measure, pts[0]))
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
        what = wording.MEASURE[measure].sentence
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
    return TimeCharts(tuple(charts), tuple(single))


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
    measure = FUNNEL_MEASURE
    figures = [f for f in registry.national.figures if f.as_of <= as_of]
    series: list[svg.Series] = []
    single: list[str] = []
    points = _series_points(figures)
    for cohort in wording.COHORT:
        pts = points.get((cohort, measure), ())
        if len(pts) >= MIN_SERIES_POINTS:
            series.append(svg.Series(cohort, wording.COHORT[cohort].label, pts))
        elif pts:
            single.append(_single_words(cohort, measure, pts[0]))
    if not series:
        return TimeCharts((), tuple(single))
    references = [
        _reference(t, as_of, registry.national.targets)
        for t in chart_targets(registry, as_of)
        if t.measure == measure
    ]
    drawn = svg.time_chart(
        chart_id="chart-national",
        title=f"England: women {wording.MEASURE[measure].sentence}, against the national "
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
    known = wording.STATUS.get(code)  # type: ignore[call-overload]  # a StrEnum key is its str
    return known.label if known else wording.humanise(code)


# ---------------------------------------------------------------- the funnel plot

FUNNEL_MEASURE: Measure = "placed_by_28_weeks"
# Where the table behind the funnel gives its limits: Trusts of these sizes (women a month).
FUNNEL_SIZES = (30, 50, 100, 250, 500, 1000)
# (key, label, adjusted, outer): the four pairs of limits, as drawn and as tabled.
FUNNEL_LIMITS = (
    ("plain-95", "95% plain", False, False),
    ("plain-998", "99.8% plain", False, True),
    ("adjusted-95", "95% adjusted", True, False),
    ("adjusted-998", "99.8% adjusted", True, True),
)
_SIDE = {"above": "Above", "below": "Below"}


def funnel_place_words(placement: FunnelPlacement | None) -> str:
    """Where a dot falls, for the table behind the funnel."""
    if placement is None:
        return ""
    for zone, words in (
        (placement.adjusted, "the adjusted {} limit{}"),
        (placement.plain, "the plain {} limit only{}"),
    ):
        if zone != "within":
            side, level = zone.split("_")
            extra = ": exceptional" if placement.exceptional and words.startswith("the adj") else ""
            return f"{_SIDE[side]} {words.format(level + '%', extra)}"
    return "Within all the limits"


@dataclass(frozen=True, slots=True)
class FunnelRow:
    """One passing Trust on the funnel."""

    ods: str
    name: str
    trust_id: str | None  # its page, when the report has one
    count: Count
    placement: FunnelPlacement | None

    @property
    def percent(self) -> float:
        return 100 * self.count.numerator / self.count.denominator

    @property
    def words(self) -> str:
        from cocwatch.core.comparison import count_words

        return count_words(self.count)

    @property
    def where(self) -> str:
        return funnel_place_words(self.placement)


@dataclass(frozen=True, slots=True)
class Funnel:
    """The funnel plot of one measure and month: its dots, limits and the table behind it."""

    measure: str
    month: date
    england: Count
    dispersion: Overdispersion
    rows: tuple[FunnelRow, ...]  # smallest denominator first
    lines: tuple[svg.FunnelLine, ...]
    # The limits at a few Trust sizes, for the table: (women, ((label, lower %, upper %), …)).
    table: tuple[tuple[int, tuple[tuple[str, float, float], ...]], ...]

    @property
    def england_percent(self) -> float:
        return 100 * self.england.numerator / self.england.denominator

    @property
    def month_words(self) -> str:
        return wording.month_year(self.month)

    def beyond(self, zone: str, *, adjusted: bool) -> int:
        """How many Trusts lie beyond a limit: zone 'above_99.8', 'below_95'…"""
        side, level = zone.split("_")
        levels = ("95", "99.8") if level == "95" else ("99.8",)
        wanted = {f"{side}_{one}" for one in levels}
        return sum(
            1
            for r in self.rows
            if r.placement is not None
            and (r.placement.adjusted if adjusted else r.placement.plain) in wanted
        )

    @property
    def outside_plain(self) -> int:
        """Trusts beyond the plain 99.8% limits, on either side."""
        return self.beyond("above_99.8", adjusted=False) + self.beyond("below_99.8", adjusted=False)

    @property
    def adjusted_floor(self) -> bool:
        """Whether the adjusted 99.8% lower limit is 0% at every tabled size (no Trust can
        fall below it)."""
        return all(limits[3][1] <= 0 for _, limits in self.table)

    def row(self, ods: str) -> FunnelRow | None:
        return next((r for r in self.rows if r.ods == ods.upper()), None)

    def svg(self, highlight: Trust | None = None) -> Any:
        """The plot, with `highlight`'s dot marked when it is on the funnel."""
        from cocwatch.core.wording import figure_percent

        mine = self.row(highlight.ods) if highlight is not None else None
        month = self.month_words
        dots = [
            svg.FunnelDot(
                r.count.denominator,
                r.percent,
                f"{r.name} ({r.ods}): {r.words}",
                highlight=mine is not None and r.ods == mine.ods,
                tag=r.ods,
            )
            for r in self.rows
        ]
        desc = (
            f"Each of the {len(self.rows)} Trusts whose data passed NHS England's checks in "
            f"{month} is a dot: across, how many women reached 29 weeks that month; up, the "
            "percentage of them placed on a continuity of carer pathway. The line across is "
            f"England's {figure_percent(self.england_percent)}. The funnel limits show how "
            "far from it chance alone would take a Trust of each size, at 95% and 99.8%: "
            "plain, and adjusted for how much Trusts differ from one another."
        )
        if highlight is not None:
            desc += (
                f" {highlight.name} is the black diamond: {mine.words}."
                if mine is not None
                else f" {highlight.name} is not on it (no figure that passed the checks)."
            )
        desc += " The same numbers are in the tables below the plot."
        title = f"Funnel plot: women placed on a continuity of carer pathway, {month}" + (
            f", with {highlight.name} marked" if mine is not None and highlight else ""
        )
        # Drawn for a desktop and for a phone; the report's style sheet shows the one that fits.
        return markup(
            "".join(
                svg.funnel_chart(
                    chart_id=f"chart-funnel-{shape}",
                    title=title,
                    desc=desc,
                    dots=dots,
                    centre=self.england_percent,
                    centre_label=f"England {figure_percent(self.england_percent)}",
                    lines=self.lines,
                    x_label=f"Women reaching 29 weeks in {month}",
                    y_label="Placed on a pathway (%)",
                    x_max=max(r.count.denominator for r in self.rows),
                    width=width,
                    height=height,
                    narrow=shape == "narrow",
                )
                for shape, width, height in (("wide", 900, 420), ("narrow", 360, 320))
            )
        )


def funnel(
    official: OfficialContext | None,
    trusts: Sequence[Trust],
    month: date | None = None,
    *,
    pages: Collection[str] | None = None,
) -> Funnel | None:
    """The funnel of the placement measure for `month` (else the latest month with peers).

    `trusts` name the dots (a Trust closed since is still on the funnel of its month);
    `pages` are the ids of the Trusts with a page in the report, which the table links to.
    """
    if official is None:
        return None
    months = sorted(
        m
        for (measure, m), p in official.peers.items()
        if measure == FUNNEL_MEASURE and p.england is not None and p.dispersion and p.providers
    )
    if not months:
        return None
    chosen = month if month in months else months[-1]
    peers = official.peers[(FUNNEL_MEASURE, chosen)]
    england, dispersion = peers.england, peers.dispersion
    assert england is not None and dispersion is not None
    proportion = england.numerator / england.denominator
    by_ods = {t.ods.upper(): t for t in trusts}
    rows = []
    for ods, count in peers.providers.items():
        trust = by_ods.get(ods)
        rows.append(
            FunnelRow(
                ods=ods,
                name=trust.name if trust else ods,
                trust_id=trust.id if trust and (pages is None or trust.id in pages) else None,
                count=count,
                placement=stats.classify_funnel(
                    count.numerator, count.denominator, proportion, dispersion
                ),
            )
        )
    rows.sort(key=lambda r: (r.count.denominator, r.name))
    most = max(r.count.denominator for r in rows)
    least = max(5, min(10, min(r.count.denominator for r in rows)))
    step = svg.nice_step(most)
    end = step * -(-most // step)
    sizes = sorted({round(least * (end / least) ** (i / 79)) for i in range(80)} | {end})

    def limits(n: int, adjusted: bool, outer: bool) -> stats.FunnelLimits:
        return stats.funnel_limits(
            n,
            proportion,
            0.998 if outer else 0.95,
            tau2=dispersion.tau2 if adjusted else 0.0,
            scale=dispersion.scale,
        )

    lines = []
    for key, label, adjusted, outer in FUNNEL_LIMITS:
        points = []
        for n in sizes:
            got = limits(n, adjusted, outer)
            points.append((n, 100 * got.lower, 100 * got.upper))
        kind = "adjusted for over-dispersion" if adjusted else "plain (chance alone)"
        lines.append(
            svg.FunnelLine(
                key=key,
                label=label,
                name=f"{label.split()[0]} funnel limits, {kind}",
                points=tuple(points),
                adjusted=adjusted,
                outer=outer,
            )
        )
    table = tuple(
        (
            n,
            tuple(
                (label, 100 * limits(n, a, o).lower, 100 * limits(n, a, o).upper)
                for _, label, a, o in FUNNEL_LIMITS
            ),
        )
        for n in FUNNEL_SIZES
        if n <= end
    )
    return Funnel(FUNNEL_MEASURE, chosen, england, dispersion, tuple(rows), tuple(lines), table)
