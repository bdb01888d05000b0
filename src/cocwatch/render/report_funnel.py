"""The report's funnel plot: each passing Trust's figure of one measure and month against
England's, with limits at 95% and 99.8%, plain and adjusted for over-dispersion.

Builds the plot's dots, limits, table and words from the peers the assessment compared each
Trust with (`cocwatch.core.comparison.Peers`), for the first declared measure that decides
severity; `cocwatch.render.svg` draws and escapes it. Imports the core and `svg` only.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from cocwatch.core import stats, wording
from cocwatch.core.stats import Count, FunnelPlacement, Overdispersion
from cocwatch.render import svg
from cocwatch.render.report_charts import markup

if TYPE_CHECKING:
    from cocwatch.core.comparison import OfficialContext
    from cocwatch.core.measures import OfficialMeasure
    from cocwatch.core.models import Trust


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
        from cocwatch.core.comparison_words import count_words

        return count_words(self.count)

    @property
    def where(self) -> str:
        return funnel_place_words(self.placement)


@functools.lru_cache(maxsize=8)
def _dot_labels(rows: tuple[FunnelRow, ...]) -> tuple[str, ...]:
    """Each dot's tooltip, the same on every Trust's page of a report: worked out once."""
    return tuple(f"{r.name} ({r.ods}): {r.words}" for r in rows)


@dataclass(frozen=True, slots=True)
class Funnel:
    """The funnel plot of one measure and month: its dots, limits and the table behind it."""

    measure: OfficialMeasure
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
                label,
                highlight=mine is not None and r.ods == mine.ods,
                tag=r.ods,
            )
            for r, label in zip(self.rows, _dot_labels(self.rows), strict=True)
        ]
        m = self.measure
        desc = (
            f"Each of the {len(self.rows)} Trusts whose data passed {m.publisher.checks} in "
            f"{month} is a dot: across, how many {m.unit.many} {m.counted_past} that month; up, "
            f"the percentage of them {m.achieved}. The line across is "
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
        title = f"Funnel plot: {m.unit.many} {m.achieved}, {month}" + (
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
                    x_label=f"{m.unit.many.capitalize()} {m.counted} in {month}",
                    y_label=f"{m.caption} (%)",
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
    """The funnel of the first measure that decides severity and can be drawn (its month
    `month`, else the latest month with peers).

    `trusts` name the dots (a Trust closed since is still on the funnel of its month);
    `pages` are the ids of the Trusts with a page in the report, which the table links to.
    """
    if official is None:
        return None
    drawn = {
        key: p
        for key, p in official.peers.items()
        if p.measure.decides_severity and p.england is not None and p.dispersion and p.providers
    }
    measure = next((m for m in official.declared.measures if any(
        code == m.code for code, _ in drawn)), None)  # fmt: skip
    if measure is None:
        return None
    months = sorted(m for code, m in drawn if code == measure.code)
    chosen = month if month in months else months[-1]
    peers = drawn[(measure.code, chosen)]
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
    return Funnel(measure, chosen, england, dispersion, tuple(rows), tuple(lines), table)
