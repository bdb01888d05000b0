"""Small, dependency-free SVG charts for the HTML report: figures over time, counts as bars.

The charts are built as `xml.etree.ElementTree` elements and serialised by it, so every piece
of text (a target's title, a Trust's figure label) is escaped by the serialiser, never by
string building. The output is an inline ``<svg>`` element for an HTML page (no ``xmlns``:
the HTML parser puts it in the SVG namespace). Each chart carries ``role="img"``, a
``<title>`` and a ``<desc>``; pages add a text alternative (a table) beside it.

Colours follow the Okabe–Ito palette (readable with colour-blind vision) and every series
also differs by marker shape and dash pattern, so nothing is told by colour alone.
Imports only the standard library and the core's date words.

One module a kind of chart: `over_time` (lines of figures, milestones and targets), `spc`
(statistical process control), `bars` and `funnel`, each written with `drawing`. The names
below are what the report's pages draw with (``from cocwatch.render import svg``).
"""

from cocwatch.render.svg.bars import Bar, bar_chart
from cocwatch.render.svg.drawing import nice_step
from cocwatch.render.svg.funnel import FunnelDot, FunnelLine, funnel_chart
from cocwatch.render.svg.over_time import (
    Point,
    Reference,
    Series,
    Trajectory,
    style,
    time_chart,
    time_range,
)
from cocwatch.render.svg.spc import SPC_COLOURS, SPC_LIMITS_DASH, SpcOverlay, SpcSegment, spc_chart

__all__ = [
    "SPC_COLOURS",
    "SPC_LIMITS_DASH",
    "Bar",
    "FunnelDot",
    "FunnelLine",
    "Point",
    "Reference",
    "Series",
    "SpcOverlay",
    "SpcSegment",
    "Trajectory",
    "bar_chart",
    "funnel_chart",
    "nice_step",
    "spc_chart",
    "style",
    "time_chart",
    "time_range",
]
