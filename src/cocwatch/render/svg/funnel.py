"""Funnel plots: each unit's rate against its denominator, the centre line and the limits
(plain and adjusted for over-dispersion, 95% and 99.8%), labelled at the right edge; drawn
wide, or narrow for a phone's width.
"""

from __future__ import annotations

import functools
import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from cocwatch.render.svg.drawing import (
    AXIS_COLOUR,
    TEXT_COLOUR,
    Frame,
    draw_marker,
    nice_step,
    num,
    percent_grid,
    serialise,
    svg_root,
)


@dataclass(frozen=True, slots=True)
class FunnelDot:
    """One unit of a funnel plot: its denominator (x) and rate (y); `label` is its tooltip."""

    denominator: int
    percent: float
    label: str
    highlight: bool = False
    tag: str = ""  # written beside a highlighted dot, e.g. its ODS code


@dataclass(frozen=True, slots=True)
class FunnelLine:
    """One pair of funnel limits: (denominator, lower %, upper %) from the narrow end out."""

    key: str  # e.g. "plain-95", "adjusted-998"
    label: str  # drawn at the upper line's end, e.g. "99.8% adjusted"
    name: str  # the lines' tooltip
    points: tuple[tuple[int, float, float], ...]
    adjusted: bool
    outer: bool  # the 99.8% limits (else 95%)


# (colour, dash, width) of each kind of limit: plain limits thin and grey, adjusted limits
# thicker and orange; 99.8% solid, 95% dashed. Nothing is told by colour alone.
FUNNEL_STYLES: dict[tuple[bool, bool], tuple[str, str, str]] = {
    (False, False): ("#6b6b6b", "4 3", "1.2"),
    (False, True): ("#6b6b6b", "", "1.2"),
    (True, False): ("#b34700", "7 4", "2"),
    (True, True): ("#b34700", "", "2"),
}
_DOT = "#0060a8"
_HIGHLIGHT = "#000000"


def funnel_style(adjusted: bool, outer: bool) -> tuple[str, str, str]:
    """Return (colour, dash pattern, stroke width) of a funnel limit."""
    return FUNNEL_STYLES[(adjusted, outer)]


LABEL_SPACING = 15  # the height of a line of 12-pixel text, so labels are drawn apart


@functools.lru_cache(maxsize=64)
def _polyline(
    points: tuple[tuple[int, float, float], ...],
    side: int,
    axis_max: int,
    plot: tuple[float, float, float, float],
) -> str:
    """One side of a funnel limit as an SVG polyline's points (the same on every Trust's page
    of a report: worked out once)."""
    left, top, plot_w, plot_h = plot
    return " ".join(
        f"{num(left + p[0] / axis_max * plot_w)},"
        f"{num(top + (1 - max(0.0, min(100.0, p[side])) / 100) * plot_h)}"
        for p in points
    )


def funnel_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    dots: Sequence[FunnelDot],
    centre: float,
    centre_label: str,
    lines: Sequence[FunnelLine],
    x_label: str,
    y_label: str,
    x_max: int,
    width: int = 640,
    height: int = 400,
    narrow: bool = False,
) -> str:
    """Return an SVG funnel plot: dots by denominator and rate, the centre line, the limits.

    `narrow` draws it for a phone's width (a report holds both, and its style sheet shows
    the one that fits): tighter margins, so its 12-pixel text is drawn about life size.
    """
    step = nice_step(x_max, ticks=4 if narrow else 5)
    axis_max = step * math.ceil(max(x_max, 1) / step)
    left, top, right, bottom = (58, 12, 102, 52) if narrow else (58, 12, 112, 52)
    plot_w, plot_h = width - left - right, height - top - bottom
    shape = "narrow" if narrow else "wide"
    svg = svg_root(width, height, title, desc, f"chart chart-funnel {shape}", chart_id)

    def x(n: float) -> float:
        return left + n / axis_max * plot_w

    def y(percent: float) -> float:
        return top + (1 - max(0.0, min(100.0, percent)) / 100) * plot_h

    frame = Frame(date(2000, 1, 1), date(2000, 1, 2), left, top, plot_w, plot_h)
    percent_grid(svg, frame)
    axis = ET.SubElement(svg, "g", {"class": "axis", "font-size": "12"})
    base = top + plot_h
    for tick in range(0, axis_max + 1, step):
        ET.SubElement(
            axis,
            "line",
            {"x1": num(x(tick)), "x2": num(x(tick)), "y1": num(base), "y2": num(base + 4),
             "stroke": AXIS_COLOUR},
        )  # fmt: skip
        ET.SubElement(
            axis, "text", {"x": num(x(tick)), "y": num(base + 17), "text-anchor": "middle"}
        ).text = f"{tick:,}"
    ET.SubElement(
        axis,
        "text",
        {"class": "axis-label", "x": num(left + plot_w / 2), "y": num(height - 6),
         "text-anchor": "middle"},
    ).text = x_label  # fmt: skip
    ET.SubElement(
        axis,
        "text",
        {"class": "axis-label", "x": "0", "y": "0", "text-anchor": "middle",
         "transform": f"translate(14 {num(top + plot_h / 2)}) rotate(-90)"},
    ).text = y_label  # fmt: skip

    labels: list[tuple[float, str, str]] = []  # (y, text, colour) at the right edge
    limits = ET.SubElement(svg, "g", {"class": "limits", "fill": "none"})
    for line in lines:
        colour, dash, stroke = funnel_style(line.adjusted, line.outer)
        group = ET.SubElement(limits, "g", {"class": f"limit limit-{line.key}"})
        ET.SubElement(group, "title").text = line.name
        for side in (1, 2):
            attrs = {
                "points": _polyline(line.points, side, axis_max, (left, top, plot_w, plot_h)),
                "stroke": colour,
                "stroke-width": stroke,
                "data-side": "lower" if side == 1 else "upper",
            }
            if dash:
                attrs["stroke-dasharray"] = dash
            ET.SubElement(group, "polyline", attrs)
        if line.points:
            labels.append((y(line.points[-1][2]), line.label, colour))
    centre_y = y(centre)
    england = ET.SubElement(
        svg,
        "line",
        {"class": "centre", "x1": num(left), "x2": num(left + plot_w), "y1": num(centre_y),
         "y2": num(centre_y), "stroke": TEXT_COLOUR, "stroke-width": "1.5"},
    )  # fmt: skip
    ET.SubElement(england, "title").text = centre_label
    labels.append((centre_y, centre_label, TEXT_COLOUR))

    placed = ET.SubElement(svg, "g", {"class": "dots"})
    for dot in sorted(dots, key=lambda d: d.highlight):
        if dot.highlight:
            cx, cy = x(dot.denominator), y(dot.percent)
            ET.SubElement(
                placed,
                "circle",
                {"cx": num(cx), "cy": num(cy), "r": "9", "fill": "none", "stroke": _HIGHLIGHT,
                 "stroke-width": "1.5"},
            )  # fmt: skip
            mark = draw_marker(placed, "diamond", cx, cy, _HIGHLIGHT)
            mark.set("class", "dot highlight")
            if dot.tag:
                ET.SubElement(
                    placed,
                    "text",
                    {"x": num(cx + 12), "y": num(cy - 8), "font-weight": "bold",
                     "font-size": "12"},
                ).text = dot.tag  # fmt: skip
        else:
            mark = draw_marker(placed, "circle", x(dot.denominator), y(dot.percent), _DOT)
            mark.set("class", "dot")
            mark.set("fill-opacity", "0.55")
        ET.SubElement(mark, "title").text = dot.label

    # Labels beside the right edge, each moved down from the one above when too close (a
    # line of 12-pixel text takes 15 pixels).
    texts = ET.SubElement(svg, "g", {"class": "limit-labels", "font-size": "12"})
    last = -math.inf
    for at, text, colour in sorted(labels):
        at = max(at + 4, last + LABEL_SPACING)
        last = at
        ET.SubElement(
            texts, "text", {"x": num(left + plot_w + 4), "y": num(at), "fill": colour}
        ).text = text
    return serialise(svg)
