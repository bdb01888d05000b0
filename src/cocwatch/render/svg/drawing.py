"""How every chart of the report is written: the frame that maps values to coordinates, the
root element with its title and description, markers, the percentage grid and the time axis,
round tick steps, and the serialiser (which escapes every piece of text).

Imports only the standard library. The charts are `over_time`, `spc`, `bars` and `funnel`.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

AXIS_COLOUR = "#555555"
GRID_COLOUR = "#dddddd"
TEXT_COLOUR = "#222222"
_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


@dataclass(slots=True)
class Frame:
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


def num(value: float) -> str:
    """Format a coordinate compactly (one decimal, no trailing zeros)."""
    return f"{value:.1f}".removesuffix(".0")


def svg_root(
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
            "fill": TEXT_COLOUR,
        },
    )
    ET.SubElement(svg, "title", {"id": f"{n}-title"}).text = title
    ET.SubElement(svg, "desc", {"id": f"{n}-desc"}).text = desc
    return svg


def serialise(svg: ET.Element) -> str:
    """The chart as XML text, exactly as `ET.tostring(svg, encoding="unicode")` writes it.

    A chart holds no namespaces, comments or tails, so a plain walk does the same work
    about twice as fast (a report draws a few hundred charts of up to hundreds of points).
    It must be the only serialiser of these trees: they may hold text already written.
    """
    out: list[str] = []
    _write(svg, out.append)
    return "".join(out)


# An element of this tag stands for its text, already serialised (see `over_time._series`).
WRITTEN = "cocwatch-written"


def _write(element: ET.Element, emit: Callable[[str], object]) -> None:
    tag = element.tag
    if tag == WRITTEN:
        emit(element.text or "")
        return
    emit(f"<{tag}")
    for name, value in element.attrib.items():
        emit(f' {name}="{_escape_attribute(value)}"')
    text = element.text
    if text or len(element):
        emit(">")
        if text:
            emit(escape_text(text))
        for child in element:
            _write(child, emit)
        emit(f"</{tag}>")
    else:
        emit(" />")


def escape_text(text: str) -> str:
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
    text = escape_text(value)
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


def draw_marker(
    parent: ET.Element, shape: str, x: float, y: float, colour: str, *, hollow: bool = False
) -> ET.Element:
    fill = "#ffffff" if hollow else colour
    common = {"fill": fill, "stroke": colour, "stroke-width": "1.5"}
    if shape == "square":
        return ET.SubElement(
            parent,
            "rect",
            {"x": num(x - 3.5), "y": num(y - 3.5), "width": "7", "height": "7", **common},
        )
    if shape in _POLYGONS:
        pts = " ".join(f"{num(x + dx)},{num(y + dy)}" for dx, dy in _POLYGONS[shape])
        return ET.SubElement(parent, "polygon", {"points": pts, **common})
    return ET.SubElement(parent, "circle", {"cx": num(x), "cy": num(y), "r": "3.5", **common})


def marker_text(shape: str, x: float, y: float, colour: str, hollow: bool, title: str) -> str:
    """`draw_marker` with a <title> child, as serialised text (`title` already escaped)."""
    common = _marker_common(colour, hollow)
    if shape == "square":
        return (
            f'<rect x="{num(x - 3.5)}" y="{num(y - 3.5)}" width="7" height="7" {common}'
            f"<title>{title}</title></rect>"
        )
    if shape in _POLYGONS:
        pts = " ".join(f"{num(x + dx)},{num(y + dy)}" for dx, dy in _POLYGONS[shape])
        return f'<polygon points="{pts}" {common}<title>{title}</title></polygon>'
    return f'<circle cx="{num(x)}" cy="{num(y)}" r="3.5" {common}<title>{title}</title></circle>'


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


def nice_step(most: float, *, ticks: int = 5) -> int:
    """A round tick step (1, 2 or 5 times a power of ten) giving about `ticks` ticks."""
    raw = max(most, 1) / ticks
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(max(1, factor * power))
    return int(10 * power)  # pragma: no cover - the loop always returns


def percent_grid(svg: ET.Element, frame: Frame) -> None:
    group = ET.SubElement(svg, "g", {"class": "grid", "font-size": "12"})
    for percent in (0, 25, 50, 75, 100):
        y = frame.y(percent)
        ET.SubElement(
            group,
            "line",
            {
                "x1": num(frame.left),
                "x2": num(frame.left + frame.width),
                "y1": num(y),
                "y2": num(y),
                "stroke": AXIS_COLOUR if percent == 0 else GRID_COLOUR,
            },
        )
        ET.SubElement(
            group,
            "text",
            {"x": num(frame.left - 5), "y": num(y + 4), "text-anchor": "end"},
        ).text = f"{percent}%"


def time_axis(svg: ET.Element, frame: Frame) -> None:
    group = ET.SubElement(svg, "g", {"class": "axis", "font-size": "12"})
    bottom = frame.top + frame.height
    for tick in year_ticks(frame.start, frame.end):
        x = frame.x(tick)
        ET.SubElement(
            group,
            "line",
            {
                "x1": num(x),
                "x2": num(x),
                "y1": num(bottom),
                "y2": num(bottom + 4),
                "stroke": AXIS_COLOUR,
            },
        )
        ET.SubElement(
            group, "text", {"x": num(x), "y": num(bottom + 17), "text-anchor": "middle"}
        ).text = str(tick.year)
