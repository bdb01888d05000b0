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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

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
    return f"{value:.1f}".removesuffix(".0")


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
    """The chart as XML text, exactly as `ET.tostring(svg, encoding="unicode")` writes it.

    A chart holds no namespaces, comments or tails, so a plain walk does the same work
    about twice as fast (a report draws a few hundred charts of up to hundreds of points).
    It must be the only serialiser of these trees: they may hold text already written.
    """
    out: list[str] = []
    _write(svg, out.append)
    return "".join(out)


# An element of this tag stands for its text, already serialised (see `_series`).
_WRITTEN = "cocwatch-written"


def _write(element: ET.Element, emit: Callable[[str], object]) -> None:
    tag = element.tag
    if tag == _WRITTEN:
        emit(element.text or "")
        return
    emit(f"<{tag}")
    for name, value in element.attrib.items():
        emit(f' {name}="{_escape_attribute(value)}"')
    text = element.text
    if text or len(element):
        emit(">")
        if text:
            emit(_escape_text(text))
        for child in element:
            _write(child, emit)
        emit(f"</{tag}>")
    else:
        emit(" />")


def _escape_text(text: str) -> str:
    """Escape as ElementTree escapes text (&, <, >)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _escape_attribute(value: str) -> str:
    """Escape as ElementTree escapes an attribute (&, <, >, quotes and line breaks)."""
    text = _escape_text(value)
    if '"' in text:
        text = text.replace('"', "&quot;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")
    if "\n" in text:
        text = text.replace("\n", "&#10;")
    if "\t" in text:
        text = text.replace("\t", "&#09;")
    return text


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


def _marker_text(shape: str, x: float, y: float, colour: str, hollow: bool, title: str) -> str:
    """`_marker` with a <title> child, as serialised text (`title` already escaped)."""
    common = _marker_common(colour, hollow)
    if shape == "square":
        return (
            f'<rect x="{_num(x - 3.5)}" y="{_num(y - 3.5)}" width="7" height="7" {common}'
            f"<title>{title}</title></rect>"
        )
    if shape in _POLYGONS:
        pts = " ".join(f"{_num(x + dx)},{_num(y + dy)}" for dx, dy in _POLYGONS[shape])
        return f'<polygon points="{pts}" {common}<title>{title}</title></polygon>'
    return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="3.5" {common}<title>{title}</title></circle>'


@lru_cache(maxsize=64)
def _marker_common(colour: str, hollow: bool) -> str:
    return f'fill="{"#ffffff" if hollow else colour}" stroke="{colour}" stroke-width="1.5">'


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
    frame = _Frame(start, end, left=40, top=12, width=width - 40 - right, height=height - 12 - 26)
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


@dataclass(slots=True)
class _ScaledFrame(_Frame):
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
    svg = _root(width, height, title, desc, "chart chart-spc", chart_id)
    grid = ET.SubElement(svg, "g", {"class": "grid", "font-size": "12"})
    level = low
    while level <= high + 1e-9:
        y = frame.y(level)
        ET.SubElement(
            grid,
            "line",
            {"x1": _num(frame.left), "x2": _num(frame.left + frame.width),
             "y1": _num(y), "y2": _num(y), "stroke": _GRID},
        )  # fmt: skip
        ET.SubElement(
            grid, "text", {"x": _num(frame.left - 5), "y": _num(y + 4), "text-anchor": "end"}
        ).text = f"{level:g}%"
        level += step
    _time_axis(svg, frame)
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
            at_y = _num(frame.y(value))
            attrs = {"x1": _num(x1), "x2": _num(x2), "y1": at_y, "y2": at_y, "stroke": colour,
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
            {"points": " ".join(f"{_num(x)},{_num(y)}" for x, y in at), "fill": "none",
             "stroke": SPC_COLOURS["common"], "stroke-width": "1.5"},
        )  # fmt: skip
    special = {p.when: (kind, p.label) for p, kind in spc.special}
    for point, (x, y) in zip(ordered, at, strict=True):
        kind, label = special.get(point.when, ("common", point.label))
        dot = ET.SubElement(
            series,
            "circle",
            {"cx": _num(x), "cy": _num(y), "r": "3.5" if kind == "common" else "4.5",
             "fill": SPC_COLOURS[kind], "stroke": SPC_COLOURS[kind]},
        )  # fmt: skip
        ET.SubElement(dot, "title").text = label
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
                "stroke-dasharray": "2 3" if ref.withdrawn else "5 4",
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
    at = [(frame.x(p.when), frame.y(p.percent)) for p in points]
    if len(points) > 1:
        attrs = {
            "points": " ".join(f"{_num(x)},{_num(y)}" for x, y in at),
            "fill": "none",
            "stroke": colour,
            "stroke-width": "2",
            "stroke-linejoin": "round",
        }
        if dash:
            attrs["stroke-dasharray"] = dash
        ET.SubElement(group, "polyline", attrs)
    # A series can have hundreds of points (years of monthly figures): their markers are
    # written as text directly, byte for byte what `_marker` and a <title> would give.
    ET.SubElement(group, _WRITTEN).text = "".join(
        _marker_text(shape, x, y, colour, p.hollow, _escape_text(p.label))
        for p, (x, y) in zip(points, at, strict=True)
    )


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


# ---------------------------------------------------------------- funnel plots


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


def nice_step(most: float, *, ticks: int = 5) -> int:
    """A round tick step (1, 2 or 5 times a power of ten) giving about `ticks` ticks."""
    raw = max(most, 1) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(max(1, factor * power))
    return int(10 * power)  # pragma: no cover - the loop always returns


LABEL_SPACING = 15  # the height of a line of 12-pixel text, so labels are drawn apart


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
    svg = _root(width, height, title, desc, f"chart chart-funnel {shape}", chart_id)

    def x(n: float) -> float:
        return left + n / axis_max * plot_w

    def y(percent: float) -> float:
        return top + (1 - max(0.0, min(100.0, percent)) / 100) * plot_h

    frame = _Frame(date(2000, 1, 1), date(2000, 1, 2), left, top, plot_w, plot_h)
    _grid(svg, frame)
    axis = ET.SubElement(svg, "g", {"class": "axis", "font-size": "12"})
    base = top + plot_h
    for tick in range(0, axis_max + 1, step):
        ET.SubElement(
            axis,
            "line",
            {"x1": _num(x(tick)), "x2": _num(x(tick)), "y1": _num(base), "y2": _num(base + 4),
             "stroke": _AXIS},
        )  # fmt: skip
        ET.SubElement(
            axis, "text", {"x": _num(x(tick)), "y": _num(base + 17), "text-anchor": "middle"}
        ).text = f"{tick:,}"
    ET.SubElement(
        axis,
        "text",
        {"class": "axis-label", "x": _num(left + plot_w / 2), "y": _num(height - 6),
         "text-anchor": "middle"},
    ).text = x_label  # fmt: skip
    ET.SubElement(
        axis,
        "text",
        {"class": "axis-label", "x": "0", "y": "0", "text-anchor": "middle",
         "transform": f"translate(14 {_num(top + plot_h / 2)}) rotate(-90)"},
    ).text = y_label  # fmt: skip

    labels: list[tuple[float, str, str]] = []  # (y, text, colour) at the right edge
    limits = ET.SubElement(svg, "g", {"class": "limits", "fill": "none"})
    for line in lines:
        colour, dash, stroke = funnel_style(line.adjusted, line.outer)
        group = ET.SubElement(limits, "g", {"class": f"limit limit-{line.key}"})
        ET.SubElement(group, "title").text = line.name
        for side in (1, 2):
            attrs = {
                "points": " ".join(f"{_num(x(p[0]))},{_num(y(p[side]))}" for p in line.points),
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
        {"class": "centre", "x1": _num(left), "x2": _num(left + plot_w), "y1": _num(centre_y),
         "y2": _num(centre_y), "stroke": _TEXT, "stroke-width": "1.5"},
    )  # fmt: skip
    ET.SubElement(england, "title").text = centre_label
    labels.append((centre_y, centre_label, _TEXT))

    placed = ET.SubElement(svg, "g", {"class": "dots"})
    for dot in sorted(dots, key=lambda d: d.highlight):
        if dot.highlight:
            cx, cy = x(dot.denominator), y(dot.percent)
            ET.SubElement(
                placed,
                "circle",
                {"cx": _num(cx), "cy": _num(cy), "r": "9", "fill": "none", "stroke": _HIGHLIGHT,
                 "stroke-width": "1.5"},
            )  # fmt: skip
            mark = _marker(placed, "diamond", cx, cy, _HIGHLIGHT)
            mark.set("class", "dot highlight")
            if dot.tag:
                ET.SubElement(
                    placed,
                    "text",
                    {"x": _num(cx + 12), "y": _num(cy - 8), "font-weight": "bold",
                     "font-size": "12"},
                ).text = dot.tag  # fmt: skip
        else:
            mark = _marker(placed, "circle", x(dot.denominator), y(dot.percent), _DOT)
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
            texts, "text", {"x": _num(left + plot_w + 4), "y": _num(at), "fill": colour}
        ).text = text
    return _serialise(svg)
