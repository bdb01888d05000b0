"""Small, dependency-free SVG charts for the HTML report: figures over time, counts as bars.

The charts are built as `xml.etree.ElementTree` elements and serialised by it, so every piece
of text (a target's title, a Trust's figure label) is escaped by the serialiser, never by
string building. The output is an inline ``<svg>`` element for an HTML page (no ``xmlns``:
the HTML parser puts it in the SVG namespace). Each chart carries ``role="img"``, a
``<title>`` and a ``<desc>``; pages add a text alternative (a table) beside it.

Colours follow the Okabe–Ito palette (readable with colour-blind vision) and every series
also differs by marker shape and dash pattern, so nothing is told by colour alone.
Imports only the standard library.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from cocwatch.core.wording import short_date

# Per-series style: stroke colour, dash pattern ("" for solid), marker shape.
STYLES: dict[str, tuple[str, str, str]] = {
    "all": ("#0060a8", "", "circle"),
    "ethnic_minority": ("#b34700", "6 3", "square"),
    "most_deprived": ("#00795a", "2 3", "triangle"),
}
_DEFAULT_STYLE = ("#444444", "", "circle")
_WITHDRAWN = "#8a8a8a"
_AXIS = "#555555"
_GRID = "#dddddd"
_TEXT = "#222222"
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


def style(key: str) -> tuple[str, str, str]:
    """Return (colour, dash pattern, marker shape) for a series key such as a cohort."""
    return STYLES.get(key, _DEFAULT_STYLE)


@dataclass(frozen=True, slots=True)
class Point:
    """One plotted value; `label` becomes the marker's tooltip."""

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
    withdrawn: bool = False


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a bar chart."""

    label: str
    value: int
    colour: str = "#0060a8"


@dataclass(slots=True)
class _Frame:
    """Maps dates and percentages to coordinates inside the plot area."""

    start: date
    end: date
    left: float
    top: float
    width: float
    height: float
    span_days: int = field(init=False)

    def __post_init__(self) -> None:
        self.span_days = max((self.end - self.start).days, 1)

    def x(self, when: date) -> float:
        return self.left + (when - self.start).days / self.span_days * self.width

    def y(self, percent: float) -> float:
        return self.top + (1 - max(0.0, min(100.0, percent)) / 100) * self.height


def _num(value: float) -> str:
    """Format a coordinate compactly (one decimal, no trailing zeros)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _root(
    width: int, height: int, title: str, desc: str, css_class: str, chart_id: str
) -> ET.Element:
    n = chart_id
    svg = ET.Element(
        "svg",
        {
            "viewBox": f"0 0 {width} {height}",
            "class": css_class,
            "role": "img",
            "aria-labelledby": f"{n}-title {n}-desc",
            "font-family": _FONT,
            "font-size": "13",
            "fill": _TEXT,
        },
    )
    ET.SubElement(svg, "title", {"id": f"{n}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{n}-desc"}).text = desc
    return svg


def _serialise(svg: ET.Element) -> str:
    return ET.tostring(svg, encoding="unicode", method="xml")


_POLYGONS = {
    "triangle": ((0, -4.5), (4.5, 3.5), (-4.5, 3.5)),
    "diamond": ((0, -5), (5, 0), (0, 5), (-5, 0)),
}


def _marker(
    parent: ET.Element, shape: str, x: float, y: float, colour: str, *, hollow: bool = False
) -> ET.Element:
    fill = "#ffffff" if hollow else colour
    common = {"fill": fill, "stroke": colour, "stroke-width": "1.5"}
    if shape == "square":
        return ET.SubElement(
            parent,
            "rect",
            {"x": _num(x - 3.5), "y": _num(y - 3.5), "width": "7", "height": "7", **common},
        )
    if shape in _POLYGONS:
        pts = " ".join(f"{_num(x + dx)},{_num(y + dy)}" for dx, dy in _POLYGONS[shape])
        return ET.SubElement(parent, "polygon", {"points": pts, **common})
    return ET.SubElement(parent, "circle", {"cx": _num(x), "cy": _num(y), "r": "3.5", **common})


def year_ticks(start: date, end: date, *, most: int = 7) -> list[date]:
    """Return 1 January of every n-th year inside [start, end], at most `most` of them."""
    years = list(range(start.year + (0 if (start.month, start.day) == (1, 1) else 1), end.year + 1))
    if not years:
        return []
    step = max(1, math.ceil(len(years) / most))
    return [date(y, 1, 1) for y in years if (y - years[0]) % step == 0]


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
    width: int = 400,
    height: int = 250,
) -> str:
    """Return an SVG line chart of percentages (0–100%) over time."""
    dates: list[date] = [p.when for s in series for p in s.points]
    dates += [m.when for t in trajectories for m in t.milestones]
    dates += [t.start for t in trajectories if t.start is not None]
    dates += [r.due for r in references] + [r.start for r in references if r.start is not None]
    if as_of is not None:
        dates.append(as_of)
    if start is None or end is None:
        auto_start, auto_end = time_range(dates or [date(2020, 1, 1)])
        start, end = start or auto_start, end or auto_end
    frame = _Frame(start, end, left=40, top=12, width=width - 40 - 38, height=height - 12 - 26)
    svg = _root(width, height, title, desc, "chart chart-time", chart_id)

    _grid(svg, frame)
    _time_axis(svg, frame)
    if as_of is not None and start <= as_of <= end:
        x = frame.x(as_of)
        ET.SubElement(
            svg,
            "line",
            {
                "x1": _num(x),
                "x2": _num(x),
                "y1": _num(frame.top),
                "y2": _num(frame.top + frame.height),
                "stroke": _AXIS,
                "stroke-dasharray": "1 3",
            },
        )
        ET.SubElement(
            svg,
            "text",
            {"x": _num(x - 3), "y": _num(frame.top + 10), "text-anchor": "end", "font-size": "12"},
        ).text = f"as of {short_date(as_of)}"

    _references(svg, frame, references)
    for trajectory in trajectories:
        _trajectory(svg, frame, trajectory)
    for one in series:
        _series(svg, frame, one)
    return _serialise(svg)


def _grid(svg: ET.Element, frame: _Frame) -> None:
    group = ET.SubElement(svg, "g", {"class": "grid", "font-size": "12"})
    for percent in (0, 25, 50, 75, 100):
        y = frame.y(percent)
        ET.SubElement(
            group,
            "line",
            {
                "x1": _num(frame.left),
                "x2": _num(frame.left + frame.width),
                "y1": _num(y),
                "y2": _num(y),
                "stroke": _AXIS if percent == 0 else _GRID,
            },
        )
        ET.SubElement(
            group,
            "text",
            {"x": _num(frame.left - 5), "y": _num(y + 4), "text-anchor": "end"},
        ).text = f"{percent}%"


def _time_axis(svg: ET.Element, frame: _Frame) -> None:
    group = ET.SubElement(svg, "g", {"class": "axis", "font-size": "12"})
    bottom = frame.top + frame.height
    for tick in year_ticks(frame.start, frame.end):
        x = frame.x(tick)
        ET.SubElement(
            group,
            "line",
            {
                "x1": _num(x),
                "x2": _num(x),
                "y1": _num(bottom),
                "y2": _num(bottom + 4),
                "stroke": _AXIS,
            },
        )
        ET.SubElement(
            group, "text", {"x": _num(x), "y": _num(bottom + 17), "text-anchor": "middle"}
        ).text = str(tick.year)


def _references(svg: ET.Element, frame: _Frame, references: Sequence[Reference]) -> None:
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
                "x1": _num(x1),
                "x2": _num(x2),
                "y1": _num(y),
                "y2": _num(y),
                "stroke": colour,
                "stroke-width": "1.5",
                "stroke-dasharray": "5 4",
            },
        )
        ET.SubElement(line, "title").text = ref.name
        _marker(group, "diamond", x2, y, colour, hollow=True)
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
            {"x": _num(frame.left + frame.width + 4), "y": _num(label_y), "fill": colour},
        ).text = ref.label


def _trajectory(svg: ET.Element, frame: _Frame, trajectory: Trajectory) -> None:
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
                "points": " ".join(f"{_num(x)},{_num(y)}" for x, y in points),
                "fill": "none",
                "stroke": colour,
                "stroke-width": "1",
                "stroke-dasharray": "1 2",
            },
        )
    for milestone in trajectory.milestones:
        marker = _marker(
            group, "diamond", frame.x(milestone.when), frame.y(milestone.percent), colour
        )
        ET.SubElement(marker, "title").text = milestone.label


def _series(svg: ET.Element, frame: _Frame, one: Series) -> None:
    colour, dash, shape = style(one.key)
    group = ET.SubElement(svg, "g", {"class": f"series series-{one.key}"})
    ET.SubElement(group, "title").text = one.name
    points = sorted(one.points, key=lambda p: p.when)
    if len(points) > 1:
        attrs = {
            "points": " ".join(
                f"{_num(frame.x(p.when))},{_num(frame.y(p.percent))}" for p in points
            ),
            "fill": "none",
            "stroke": colour,
            "stroke-width": "2",
            "stroke-linejoin": "round",
        }
        if dash:
            attrs["stroke-dasharray"] = dash
        ET.SubElement(group, "polyline", attrs)
    for point in points:
        marker = _marker(
            group, shape, frame.x(point.when), frame.y(point.percent), colour, hollow=point.hollow
        )
        ET.SubElement(marker, "title").text = point.label


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    width: int = 320,
    label_width: int = 96,
    bar_height: int = 22,
    gap: int = 8,
) -> str:
    """Return an SVG chart of horizontal bars, each labelled and with its value written."""
    height = max(1, len(bars)) * (bar_height + gap) + gap
    svg = _root(width, height, title, desc, "chart chart-bars", chart_id)
    most = max((b.value for b in bars), default=0) or 1
    room = width - label_width - 36
    for i, one in enumerate(bars):
        y = gap + i * (bar_height + gap)
        row = ET.SubElement(svg, "g", {"class": "bar"})
        ET.SubElement(
            row,
            "text",
            {"x": _num(label_width - 6), "y": _num(y + bar_height / 2 + 5), "text-anchor": "end"},
        ).text = one.label
        length = room * one.value / most
        ET.SubElement(
            row,
            "rect",
            {
                "x": _num(label_width),
                "y": _num(y),
                "width": _num(max(length, 1.5 if one.value else 0)),
                "height": str(bar_height),
                "fill": one.colour,
            },
        )
        ET.SubElement(
            row,
            "text",
            {"x": _num(label_width + length + 5), "y": _num(y + bar_height / 2 + 5)},
        ).text = str(one.value)
    return _serialise(svg)
