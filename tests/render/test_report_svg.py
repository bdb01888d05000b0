"""The report's SVG charts (cocwatch.render.svg): geometry, accessibility and escaping."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from cocwatch.render import svg
from cocwatch.render.svg import drawing


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def points_of(element: ET.Element) -> list[tuple[float, float]]:
    pairs = (p.split(",") for p in element.attrib["points"].split())
    return [(float(x), float(y)) for x, y in pairs]


SERIES = svg.Series(
    "all",
    "All women",
    (
        svg.Point(date(2022, 3, 31), 10.0, "10%"),
        svg.Point(date(2021, 3, 31), 0.0, "0%"),
        svg.Point(date(2024, 3, 31), 100.0, "100%", hollow=True),
    ),
)


def chart(**kwargs: object) -> ET.Element:
    args: dict[str, object] = {
        "chart_id": "c1",
        "title": "A title",
        "desc": "A description",
        "series": [SERIES],
    }
    args.update(kwargs)
    return parse(svg.time_chart(**args))  # type: ignore[arg-type]


def test_time_chart_is_an_accessible_image() -> None:
    root = chart()
    assert root.tag == "svg" and root.attrib["role"] == "img"
    assert root.attrib["aria-labelledby"] == "c1-title c1-desc"
    assert root.find("title") is not None and root.find("title").text == "A title"  # type: ignore[union-attr]
    assert root.find("desc").text == "A description"  # type: ignore[union-attr]
    assert "xmlns" not in svg.time_chart(chart_id="x", title="t", desc="d", series=[SERIES])


def test_series_points_are_in_date_order_and_scaled_to_0_100() -> None:
    root = chart()
    line = root.find("g[@class='series series-all']/polyline")
    assert line is not None
    pts = points_of(line)
    xs = [x for x, _ in pts]
    assert xs == sorted(xs)
    ys = [y for _, y in pts]
    # 0% at the bottom of the plot, 100% at the top, 10% one tenth of the way up.
    bottom, _, top = ys
    assert bottom > top
    assert ys[1] == pytest.approx(bottom - (bottom - top) * 0.1, abs=0.2)
    grid = {t.text: float(t.attrib["y"]) for t in root.iter("text") if (t.text or "").endswith("%")}
    assert grid["0%"] - 4 == pytest.approx(bottom, abs=0.2)
    assert grid["100%"] - 4 == pytest.approx(top, abs=0.2)


def test_each_point_has_a_marker_with_a_tooltip_and_provisional_is_hollow() -> None:
    root = chart()
    group = root.find("g[@class='series series-all']")
    assert group is not None
    markers = group.findall("circle")
    assert len(markers) == 3
    assert [m.find("title").text for m in markers] == ["0%", "10%", "100%"]  # type: ignore[union-attr]
    hollow = [m for m in markers if m.attrib["fill"] == "#ffffff"]
    assert len(hollow) == 1 and hollow[0].find("title").text == "100%"  # type: ignore[union-attr]


def test_cohorts_differ_by_shape_and_dash_not_only_colour() -> None:
    shapes = {svg.style(k)[2] for k in ("all", "ethnic_minority", "most_deprived")}
    dashes = {svg.style(k)[1] for k in ("all", "ethnic_minority", "most_deprived")}
    assert len(shapes) == 3 and len(dashes) == 3
    root = chart(
        series=[
            svg.Series("ethnic_minority", "EM", (svg.Point(date(2022, 1, 1), 5, "5%"),)),
            svg.Series("most_deprived", "MD", (svg.Point(date(2022, 1, 1), 5, "5%"),)),
        ]
    )
    assert root.find("g[@class='series series-ethnic_minority']/rect") is not None
    assert root.find("g[@class='series series-most_deprived']/polygon") is not None


def test_milestones_and_targets() -> None:
    root = chart(
        trajectories=[
            svg.Trajectory(
                "all",
                "Plan",
                date(2020, 2, 28),
                (svg.Point(date(2021, 3, 31), 35, "35% by 2021"),),
            )
        ],
        references=[
            svg.Reference("all", "51%", "Target 51", 51, date(2021, 3, 31), date(2019, 1, 7)),
            svg.Reference("ethnic_minority", "75%", "EM", 75, date(2024, 3, 31), withdrawn=True),
            svg.Reference("most_deprived", "75%", "MD", 75, date(2024, 3, 31), withdrawn=True),
        ],
        as_of=date(2026, 11, 23),
    )
    path = root.find("g[@class='milestones']/polyline")
    assert path is not None
    (x0, y0), (x1, y1) = points_of(path)
    assert x0 < x1 and y0 > y1  # from (published, 0%) up to the milestone
    diamonds = root.findall("g[@class='milestones']/polygon")
    assert len(diamonds) == 1 and diamonds[0].find("title").text == "35% by 2021"  # type: ignore[union-attr]
    lines = root.findall("g[@class='targets']/line")
    assert len(lines) == 3
    assert all(line.attrib["stroke-dasharray"] for line in lines)
    assert {line.find("title").text for line in lines} == {"Target 51", "EM", "MD"}  # type: ignore[union-attr]
    withdrawn = [line for line in lines if line.attrib["stroke"] == "#8a8a8a"]
    assert len(withdrawn) == 2
    # Two targets at one level share one label.
    labels = [t.text for t in root.findall("g[@class='targets']/text")]
    assert sorted(labels) == ["51%", "75%"]  # type: ignore[type-var]
    assert any(t.text == "as of 23 Nov 2026" for t in root.iter("text"))


def test_text_is_escaped_by_the_serialiser() -> None:
    hostile = '<script>alert(1)</script> & "quotes"'
    markup = svg.time_chart(
        chart_id="c",
        title=hostile,
        desc=hostile,
        series=[svg.Series("all", hostile, (svg.Point(date(2022, 1, 1), 5, hostile),))],
        references=[svg.Reference("all", hostile, hostile, 50, date(2023, 1, 1))],
    )
    assert "<script>" not in markup
    root = parse(markup)
    assert root.find("title").text == hostile  # type: ignore[union-attr]
    assert all(t.text == hostile for t in root.iter("title") if t.text and "alert" in t.text)


def test_year_ticks_and_time_range() -> None:
    assert drawing.year_ticks(date(2020, 6, 1), date(2023, 2, 1)) == [
        date(2021, 1, 1),
        date(2022, 1, 1),
        date(2023, 1, 1),
    ]
    many = drawing.year_ticks(date(2010, 1, 1), date(2030, 1, 1), most=5)
    assert len(many) <= 5 and many[0] == date(2010, 1, 1)
    start, end = svg.time_range([date(2024, 3, 31)])
    assert start < date(2024, 3, 31) < end and (end - start).days >= 365
    start, end = svg.time_range([date(2015, 1, 1), date(2025, 1, 1)])
    assert start < date(2015, 1, 1) and end > date(2025, 1, 1)
    with pytest.raises(ValueError):
        svg.time_range([])


def test_an_empty_chart_still_draws_axes() -> None:
    root = chart(series=[], as_of=date(2026, 11, 23))
    assert root.find("g[@class='grid']") is not None
    assert root.findall("g[@class='axis']/text")


def test_bar_chart_lengths_are_proportional_and_values_written() -> None:
    root = parse(
        svg.bar_chart(
            chart_id="b",
            title="Counts",
            desc="Counts by status",
            bars=[svg.Bar("Missed", 10), svg.Bar("Met", 5), svg.Bar("No data", 0)],
        )
    )
    assert root.attrib["role"] == "img"
    bars = root.findall("g[@class='bar']")
    widths = [float(b.find("rect").attrib["width"]) for b in bars]  # type: ignore[union-attr]
    assert widths[0] == pytest.approx(2 * widths[1]) and widths[2] == 0
    texts = [[t.text for t in b.findall("text")] for b in bars]
    assert texts == [["Missed", "10"], ["Met", "5"], ["No data", "0"]]


HOSTILE = '<b>"Tom & Jerry\'s"</b>\n\tend >'


@pytest.mark.parametrize("key", ["all", "ethnic_minority", "most_deprived", "unknown-key"])
@pytest.mark.parametrize("hollow", [False, True])
def test_chart_text_is_byte_for_byte_what_elementtree_writes(key: str, hollow: bool) -> None:
    """Charts are serialised by a plain walk, and a series' markers written as text: both
    must give exactly what ElementTree's own serialiser gives for the same elements."""
    series = svg.Series(
        key,
        HOSTILE,
        tuple(
            svg.Point(date(2021, m, 28), 10.0 * m + 0.25, f"{HOSTILE} {m}", hollow=hollow)
            for m in range(1, 13)
        ),
    )
    markup = svg.time_chart(
        chart_id="c",
        title=HOSTILE,
        desc=HOSTILE,
        series=[series],
        references=[svg.Reference("all", HOSTILE, HOSTILE, 51, date(2022, 1, 1))],
        as_of=date(2021, 12, 1),
    )
    # The same chart with every marker made as an element, serialised by ElementTree.
    expected = ET.fromstring(markup)
    group = next(g for g in expected.iter("g") if g.get("class") == f"series series-{key}")
    assert len([m for m in group if m.tag != "title" and m.tag != "polyline"]) == 12
    assert markup == ET.tostring(expected, encoding="unicode")
    for shape in ("square", "triangle", "diamond", "circle"):
        parent = ET.Element("g")
        marker = drawing.draw_marker(parent, shape, 12.34, 56.78, "#123456", hollow=hollow)
        ET.SubElement(marker, "title").text = HOSTILE
        written = drawing.marker_text(
            shape, 12.34, 56.78, "#123456", hollow, drawing.escape_text(HOSTILE)
        )
        assert written == ET.tostring(marker, encoding="unicode")


def test_the_serialiser_escapes_as_elementtree_does() -> None:
    root = ET.Element("svg", {"a": 'x<y>&"z"\r\n\tw', "b": ""})
    ET.SubElement(root, "title").text = 'x<y>&"z"\r\n\tw'
    ET.SubElement(root, "g")
    ET.SubElement(ET.SubElement(root, "g"), "text").text = ""
    assert drawing.serialise(root) == ET.tostring(root, encoding="unicode")
