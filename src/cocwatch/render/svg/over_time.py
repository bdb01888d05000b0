"""Figures over time as lines: each series (a cohort) with its markers, the expected path to
a Trust's milestones, and national targets as dashed lines labelled at the right edge.

Every series differs by colour (Okabe–Ito), marker shape and dash pattern (`STYLES`), so
nothing is told by colour alone.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from cocwatch.core.wording import short_date
from cocwatch.render.svg.drawing import (
    AXIS_COLOUR,
    WRITTEN,
    Frame,
    draw_marker,
    escape_text,
    marker_text,
    num,
    percent_grid,
    serialise,
    svg_root,
    time_axis,
)

# Per-series style: stroke colour, dash pattern ("" for solid), marker shape.
STYLES: dict[str, tuple[str, str, str]] = {
    "all": ("#0060a8", "", "circle"),
    "ethnic_minority": ("#b34700", "6 3", "square"),
    "most_deprived": ("#00795a", "2 3", "triangle"),
}
_DEFAULT_STYLE = ("#444444", "", "circle")
_WITHDRAWN = "#8a8a8a"


def style(key: str) -> tuple[str, str, str]:
    """Return (colour, dash pattern, marker shape) for a series key such as a cohort."""
    return STYLES.get(key, _DEFAULT_STYLE)


class Point(NamedTuple):
    """One plotted value; `label` becomes the marker's tooltip (a named tuple: a chart of
    years of monthly figures makes thousands)."""

    when: date
    percent: float
    label: str
    hollow: bool = False  # e.g. a provisional figure


@dataclass(frozen=True, slots=True)
class Series:
    """A line of figures over time (one cohort)."""

    key: str  # picks the style, e.g. "all"
    name: str
    points: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Trajectory:
    """An expected path: from (start, 0%) through each milestone; milestones get diamonds."""

    key: str
    name: str
    start: date | None
    milestones: tuple[Point, ...]


@dataclass(frozen=True, slots=True)
class Reference:
    """A national target: a dashed line at `percent` from `start` (when set) to `due`."""

    key: str
    label: str  # short, drawn beside the line, e.g. "51%"
    name: str  # the full title, as the line's tooltip
    percent: float
    due: date
    start: date | None = None
    withdrawn: bool = False  # no longer in force (withdrawn or superseded): grey and dotted
    state: str = "active"  # as the line's label says it: active, superseded, withdrawn


def time_range(dates: Sequence[date], *, at_least_days: int = 365) -> tuple[date, date]:
    """Return a padded (start, end) covering `dates`, at least `at_least_days` long."""
    if not dates:
        raise ValueError("a time chart needs at least one date")
    first, last = min(dates), max(dates)
    if (last - first).days < at_least_days:
        middle = first + (last - first) / 2
        first = middle - timedelta(days=at_least_days // 2)
        last = first + timedelta(days=at_least_days)
    pad = timedelta(days=max(15, (last - first).days // 30))
    return first - pad, last + pad


def time_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[Series],
    trajectories: Sequence[Trajectory] = (),
    references: Sequence[Reference] = (),
    as_of: date | None = None,
    start: date | None = None,
    end: date | None = None,
    width: int = 520,
    height: int = 260,
) -> str:
    """Return an SVG line chart of percentages (0–100%) over time.

    Target lines are labelled at the right edge with their level and, when no longer in
    force, their state ("51% (superseded)"), so the right margin is wide when there are any.
    """
    dates: list[date] = [p.when for s in series for p in s.points]
    dates += [m.when for t in trajectories for m in t.milestones]
    dates += [t.start for t in trajectories if t.start is not None]
    dates += [r.due for r in references] + [r.start for r in references if r.start is not None]
    if as_of is not None:
        dates.append(as_of)
    if start is None or end is None:
        auto_start, auto_end = time_range(dates or [date(2020, 1, 1)])
        start, end = start or auto_start, end or auto_end
    right = 118 if references else 38
    frame = Frame(start, end, left=40, top=12, width=width - 40 - right, height=height - 12 - 26)
    svg = svg_root(width, height, title, desc, "chart chart-time", chart_id)

    percent_grid(svg, frame)
    time_axis(svg, frame)
    if as_of is not None and start <= as_of <= end:
        x = frame.x(as_of)
        ET.SubElement(
            svg,
            "line",
            {
                "x1": num(x),
                "x2": num(x),
                "y1": num(frame.top),
                "y2": num(frame.top + frame.height),
                "stroke": AXIS_COLOUR,
                "stroke-dasharray": "1 3",
            },
        )
        ET.SubElement(
            svg,
            "text",
            {"x": num(x - 3), "y": num(frame.top + 10), "text-anchor": "end", "font-size": "12"},
        ).text = f"as of {short_date(as_of)}"

    _references(svg, frame, references)
    for trajectory in trajectories:
        _trajectory(svg, frame, trajectory)
    for one in series:
        _series(svg, frame, one)
    return serialise(svg)


def _references(svg: ET.Element, frame: Frame, references: Sequence[Reference]) -> None:
    if not references:
        return
    group = ET.SubElement(svg, "g", {"class": "targets", "font-size": "12"})
    label_ys: list[float] = []
    drawn: set[tuple[str, int]] = set()
    for ref in sorted(references, key=lambda r: (-r.percent, r.due)):
        if ref.due < frame.start or (ref.start is not None and ref.start > frame.end):
            continue  # wholly outside the time axis
        colour = _WITHDRAWN if ref.withdrawn else style(ref.key)[0]
        x1 = frame.x(max(ref.start or frame.start, frame.start))
        x2 = frame.x(min(ref.due, frame.end))
        y = frame.y(ref.percent)
        line = ET.SubElement(
            group,
            "line",
            {
                "x1": num(x1),
                "x2": num(x2),
                "y1": num(y),
                "y2": num(y),
                "stroke": colour,
                "stroke-width": "1.5",
                "stroke-dasharray": "2 3" if ref.withdrawn else "5 4",
            },
        )
        ET.SubElement(line, "title").text = ref.name
        draw_marker(group, "diamond", x2, y, colour, hollow=True)
        if (ref.label, round(y)) in drawn:
            continue  # two targets at one level (e.g. one per cohort) need one label
        drawn.add((ref.label, round(y)))
        # Keep labels from overlapping: move each below the previous one when too close.
        label_y = y + 4
        for taken in label_ys:
            if abs(taken - label_y) < 13:
                label_y = taken + 13
        label_ys.append(label_y)
        ET.SubElement(
            group,
            "text",
            {"x": num(frame.left + frame.width + 4), "y": num(label_y), "fill": colour},
        ).text = ref.label


def _trajectory(svg: ET.Element, frame: Frame, trajectory: Trajectory) -> None:
    colour, _, _ = style(trajectory.key)
    group = ET.SubElement(svg, "g", {"class": "milestones"})
    ET.SubElement(group, "title").text = trajectory.name
    points: list[tuple[float, float]] = []
    if trajectory.start is not None:
        points.append((frame.x(trajectory.start), frame.y(0)))
    points += [(frame.x(m.when), frame.y(m.percent)) for m in trajectory.milestones]
    if len(points) > 1:
        ET.SubElement(
            group,
            "polyline",
            {
                "points": " ".join(f"{num(x)},{num(y)}" for x, y in points),
                "fill": "none",
                "stroke": colour,
                "stroke-width": "1",
                "stroke-dasharray": "1 2",
            },
        )
    for milestone in trajectory.milestones:
        marker = draw_marker(
            group, "diamond", frame.x(milestone.when), frame.y(milestone.percent), colour
        )
        ET.SubElement(marker, "title").text = milestone.label


def _series(svg: ET.Element, frame: Frame, one: Series) -> None:
    colour, dash, shape = style(one.key)
    group = ET.SubElement(svg, "g", {"class": f"series series-{one.key}"})
    ET.SubElement(group, "title").text = one.name
    points = sorted(one.points, key=lambda p: p.when)
    at = [(frame.x(p.when), frame.y(p.percent)) for p in points]
    if len(points) > 1:
        attrs = {
            "points": " ".join(f"{num(x)},{num(y)}" for x, y in at),
            "fill": "none",
            "stroke": colour,
            "stroke-width": "2",
            "stroke-linejoin": "round",
        }
        if dash:
            attrs["stroke-dasharray"] = dash
        ET.SubElement(group, "polyline", attrs)
    # A series can have hundreds of points (years of monthly figures): their markers are
    # written as text directly, byte for byte what `draw_marker` and a <title> would give.
    ET.SubElement(group, WRITTEN).text = "".join(
        marker_text(shape, x, y, colour, p.hollow, escape_text(p.label))
        for p, (x, y) in zip(points, at, strict=True)
    )
