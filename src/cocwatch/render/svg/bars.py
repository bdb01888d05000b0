"""Counts as horizontal bars, each labelled and with its value written beside it."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from cocwatch.render.svg.drawing import num, serialise, svg_root

# The labels are drawn at the chart's font size (13, `svg_root`); a character of a sans-serif
# font is about 0.6 of it wide on average, so 0.62 leaves a little room.
LABEL_FONT_SIZE = 13
LABEL_EM_PER_CHARACTER = 0.62


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a bar chart."""

    label: str
    value: int
    colour: str = "#0060a8"


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
    """Return an SVG chart of horizontal bars, each labelled and with its value written.

    The labels' column is widened, and the chart with it, to hold the longest label (text
    outside the chart's box is cut off)."""
    longest = max((len(b.label) for b in bars), default=0)
    needed = math.ceil(LABEL_EM_PER_CHARACTER * LABEL_FONT_SIZE * longest) + 10
    if needed > label_width:
        width += needed - label_width
        label_width = needed
    height = max(1, len(bars)) * (bar_height + gap) + gap
    svg = svg_root(width, height, title, desc, "chart chart-bars", chart_id)
    most = max((b.value for b in bars), default=0) or 1
    room = width - label_width - 36
    for i, one in enumerate(bars):
        y = gap + i * (bar_height + gap)
        row = ET.SubElement(svg, "g", {"class": "bar"})
        ET.SubElement(
            row,
            "text",
            {"x": num(label_width - 6), "y": num(y + bar_height / 2 + 5), "text-anchor": "end"},
        ).text = one.label
        length = room * one.value / most
        ET.SubElement(
            row,
            "rect",
            {
                "x": num(label_width),
                "y": num(y),
                "width": num(max(length, 1.5 if one.value else 0)),
                "height": str(bar_height),
                "fill": one.colour,
            },
        )
        ET.SubElement(
            row,
            "text",
            {"x": num(label_width + length + 5), "y": num(y + bar_height / 2 + 5)},
        ).text = str(one.value)
    return serialise(svg)
