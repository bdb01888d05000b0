"""A statistical process control chart as NHS analysts draw it (NHS England's *Making Data
Count*; NHS-R ``NHSRplotthedots``' colours): the months joined by a grey line, special-cause
months coloured, the average and the process limits of each stretch of the chart, on a
vertical axis drawn to the chart's own data.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from cocwatch.render.svg.drawing import (
    GRID_COLOUR,
    Frame,
    nice_step,
    num,
    serialise,
    svg_root,
    time_axis,
)
from cocwatch.render.svg.over_time import Point

# Statistical process control as NHS analysts draw it (NHS England's Making Data Count;
# NHS-R NHSRplotthedots' `ptd_spc_colours`): the average a solid black line, the process
# limits grey dashed lines, special-cause months blue (improvement) or orange (concern).
SPC_COLOURS = {
    "common": "#a6a6a6",
    "improvement": "#00b0f0",
    "concern": "#e46c0a",
    "mean": "#000000",
    "limits": "#a6a6a6",
}
SPC_LIMITS_DASH = "4 3"


@dataclass(frozen=True, slots=True)
class SpcSegment:
    """One stretch of an SPC chart, from its first month to its last: average and limits."""

    start: date
    end: date
    centre: float  # percent
    lower: float
    upper: float


@dataclass(frozen=True, slots=True)
class SpcOverlay:
    """An SPC chart drawn over a series: its segments, and its special-cause months, each
    ("improvement" or "concern") with a tooltip."""

    segments: tuple[SpcSegment, ...]
    special: tuple[tuple[Point, str], ...] = ()
    name: str = "Average and process limits"


@dataclass(slots=True)
class _ScaledFrame(Frame):
    """A frame whose vertical axis runs from `low` to `high` percent (an SPC chart is drawn
    to its own data, as NHS analysts draw it, not on 0–100%)."""

    low: float = 0.0
    high: float = 100.0

    def y(self, percent: float) -> float:
        share = (min(max(percent, self.low), self.high) - self.low) / (self.high - self.low)
        return self.top + (1 - share) * self.height


def _spc_range(spc: SpcOverlay, values: Sequence[float]) -> tuple[float, float, float]:
    """The vertical axis of an SPC chart: (low, high, tick step), in percent, within 0–100."""
    levels = [*values, *(x for p in spc.segments for x in (p.lower, p.upper, p.centre))]
    low, high = max(0.0, min(levels)), min(100.0, max(levels))
    step = float(max(1, nice_step(max(high - low, 1.0), ticks=4)))
    low = step * math.floor(low / step)
    high = max(low + step, step * math.ceil(high / step))
    return low, min(100.0, high), step


def spc_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    points: Sequence[Point],
    spc: SpcOverlay,
    width: int = 520,
    height: int = 240,
) -> str:
    """Return an SVG statistical process control chart of one series of monthly percentages:
    the months joined by a grey line, each month's dot grey (common cause) or coloured by its
    special cause, the average a solid black line and the process limits grey dashed lines,
    one set per stretch of the chart (Making Data Count; NHSRplotthedots' colours)."""
    ordered = sorted(points, key=lambda p: p.when)
    start, end = ordered[0].when, ordered[-1].when
    low, high, step = _spc_range(spc, [p.percent for p in ordered])
    frame = _ScaledFrame(
        start, end, left=44, top=12, width=width - 44 - 16, height=height - 12 - 26,
        low=low, high=high,
    )  # fmt: skip
    svg = svg_root(width, height, title, desc, "chart chart-spc", chart_id)
    grid = ET.SubElement(svg, "g", {"class": "grid", "font-size": "12"})
    level = low
    while level <= high + 1e-9:
        y = frame.y(level)
        ET.SubElement(
            grid,
            "line",
            {"x1": num(frame.left), "x2": num(frame.left + frame.width),
             "y1": num(y), "y2": num(y), "stroke": GRID_COLOUR},
        )  # fmt: skip
        ET.SubElement(
            grid, "text", {"x": num(frame.left - 5), "y": num(y + 4), "text-anchor": "end"}
        ).text = f"{level:g}%"
        level += step
    time_axis(svg, frame)
    lines = ET.SubElement(svg, "g", {"class": "spc"})
    ET.SubElement(lines, "title").text = spc.name
    for part in spc.segments:
        x1, x2 = frame.x(part.start), frame.x(part.end)
        for value, colour, dash in (
            (part.centre, SPC_COLOURS["mean"], ""),
            (part.lower, SPC_COLOURS["limits"], SPC_LIMITS_DASH),
            (part.upper, SPC_COLOURS["limits"], SPC_LIMITS_DASH),
        ):
            if not low <= value <= high:
                continue  # a limit below 0% or above 100% is not drawn
            at_y = num(frame.y(value))
            attrs = {"x1": num(x1), "x2": num(x2), "y1": at_y, "y2": at_y, "stroke": colour,
                     "stroke-width": "1.5"}  # fmt: skip
            if dash:
                attrs["stroke-dasharray"] = dash
            ET.SubElement(lines, "line", attrs)
    at = [(frame.x(p.when), frame.y(p.percent)) for p in ordered]
    series = ET.SubElement(svg, "g", {"class": "series series-spc"})
    if len(at) > 1:
        ET.SubElement(
            series,
            "polyline",
            {"points": " ".join(f"{num(x)},{num(y)}" for x, y in at), "fill": "none",
             "stroke": SPC_COLOURS["common"], "stroke-width": "1.5"},
        )  # fmt: skip
    special = {p.when: (kind, p.label) for p, kind in spc.special}
    for point, (x, y) in zip(ordered, at, strict=True):
        kind, label = special.get(point.when, ("common", point.label))
        dot = ET.SubElement(
            series,
            "circle",
            {"cx": num(x), "cy": num(y), "r": "3.5" if kind == "common" else "4.5",
             "fill": SPC_COLOURS[kind], "stroke": SPC_COLOURS[kind]},
        )  # fmt: skip
        ET.SubElement(dot, "title").text = label
    return serialise(svg)
