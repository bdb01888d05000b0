"""The report's comparisons (SPEC §4.1, §9): the funnel plot, charts that never mix measures
or draw one point as a series, keys that promise only what is drawn, and small numbers.

The shipped registry and its statistics folder are used as published (April 2025); the other
registries are synthetic.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from typer.testing import Result

from cocwatch.core import stats
from cocwatch.core.assessment import assess
from cocwatch.core.comparison import OfficialContext
from cocwatch.core.models import Registry, Thresholds
from cocwatch.core.wording import figure_percent
from cocwatch.locations import shipped_registry
from cocwatch.registry import load_registry
from cocwatch.render import report_funnel
from cocwatch.render.report import build_report
from cocwatch.statistics.merging import comparison_context, open_statistics, with_statistics
from tests.render.helpers import REPORT_REGISTRY
from tests.support.paths import DEMO

Run = Callable[..., Result]
AS_OF = date(2026, 12, 4)
APRIL_2025 = date(2025, 4, 30)
PASSING_TRUSTS = 103  # providers whose placement data passed NHS England's checks, April 2025


def _shipped() -> tuple[Registry, OfficialContext]:
    path = shipped_registry()
    loaded = load_registry(path, today=AS_OF)
    store = open_statistics(str(Path(path).parent / "statistics"), warn=print)
    registry = with_statistics(loaded.registry, store)
    trusts = [t for t in registry.trusts if t.is_open(AS_OF)]
    official = comparison_context(store, trusts, as_of=AS_OF)
    assert official is not None
    return registry, official


@pytest.fixture(scope="module")
def shipped() -> tuple[Registry, OfficialContext]:
    return _shipped()


@pytest.fixture(scope="module")
def shipped_site(
    shipped: tuple[Registry, OfficialContext], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    registry, official = shipped
    trusts = [t for t in registry.trusts if t.is_open(AS_OF)]
    result = assess(registry, trusts, as_of=AS_OF, thresholds=Thresholds(), official=official)
    out = tmp_path_factory.mktemp("shipped") / "site"
    build_report(registry, result, out, source_label="trusts.yaml")
    return out


def html(path: Path) -> HTMLParser:
    return HTMLParser(path.read_text(encoding="utf-8"))


def all_pages(site: Path) -> Iterator[Path]:
    yield site / "index.html"
    yield from sorted((site / "trusts").glob("*.html"))


# ---------------------------------------------------------------- the funnel plot


def test_the_funnel_has_a_dot_per_passing_trust(
    shipped: tuple[Registry, OfficialContext], shipped_site: Path
) -> None:
    _, official = shipped
    providers = official.peers[("placed_by_28_weeks", APRIL_2025)].providers
    assert len(providers) == PASSING_TRUSTS
    index = html(shipped_site / "index.html")
    plot = index.css_first("svg.chart-funnel")
    assert plot is not None and plot.attributes["role"] == "img"
    assert plot.css_first("title").text().startswith("Funnel plot")
    assert "103 Trusts" in plot.css_first("desc").text()
    assert len(plot.css(".dots .dot")) == PASSING_TRUSTS
    assert not plot.css(".dot.highlight")  # nobody is singled out on the index
    # Labelled axes, England's line, and the four pairs of limits, each labelled.
    labels = [t.text() for t in plot.css("text.axis-label")]
    assert labels == ["Women reaching 29 weeks in April 2025", "Placed on a pathway (%)"]
    assert plot.css_first("line.centre title").text() == "England 17.1%"
    for key in ("plain-95", "plain-998", "adjusted-95", "adjusted-998"):
        assert len(plot.css(f"g.limit-{key} polyline")) == 2, key
    drawn = {t.text() for t in plot.css("g.limit-labels text")}
    assert {"95% plain", "99.8% plain", "95% adjusted", "99.8% adjusted"} <= drawn
    # The table behind it: a row per dot, with its counts.
    rows = index.css("table.funnel-trusts tbody tr")
    assert sorted(r.attributes["data-ods"] or "" for r in rows) == sorted(providers)
    # Every link from the table opens a page of the report (a Trust closed since April 2025
    # is on the plot, without a page of its own).
    links = [a.attributes["href"] or "" for a in index.css("table.funnel-trusts a")]
    assert len(links) == PASSING_TRUSTS - 1
    assert all((shipped_site / href).is_file() for href in links)
    # Self-contained: no reference to anything outside the page.
    raw = str(plot.html)
    assert "href" not in raw and "http" not in raw


def test_a_trust_page_highlights_the_trust_on_the_funnel(shipped_site: Path) -> None:
    page = html(shipped_site / "trusts" / "guys-and-st-thomas.html")
    plot = page.css_first("svg.chart-funnel")
    assert plot is not None
    assert len(plot.css(".dots .dot")) == PASSING_TRUSTS
    mine = plot.css(".dot.highlight")
    assert len(mine) == 1
    assert mine[0].css_first("title").text() == (
        "Guy's and St Thomas' NHS Foundation Trust (RJ1): 2.8% (15 of 545 women)"
    )
    assert "Guy's and St Thomas' NHS Foundation Trust is the black diamond" in (
        plot.css_first("desc").text()
    )
    here = page.css("table.funnel-trusts tr.here")
    assert len(here) == 1 and here[0].attributes["data-ods"] == "RJ1"


def test_a_trust_not_on_the_funnel_is_told_so(shipped_site: Path) -> None:
    # South Tyneside and Sunderland's placement data failed NHS England's checks.
    page = html(shipped_site / "trusts" / "south-tyneside-and-sunderland.html")
    plot = page.css_first("svg.chart-funnel")
    assert plot is not None and not plot.css(".dot.highlight")
    text = page.css_first("#h-compare").parent.text()
    assert "is not on the plot: it has no figure for April 2025 whose data passed" in text


def test_funnel_limits_come_from_core_stats(
    shipped: tuple[Registry, OfficialContext], monkeypatch: pytest.MonkeyPatch
) -> None:
    registry, official = shipped
    calls: list[tuple[int, float, bool]] = []
    real = stats.funnel_limits

    def spy(n: int, p: float, level: float = 0.998, **kw: object) -> stats.FunnelLimits:
        calls.append((n, level, bool(kw.get("tau2"))))
        return real(n, p, level, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(stats, "funnel_limits", spy)
    plot = report_funnel.funnel(official, registry.trusts)
    assert plot is not None and calls
    assert {(level, adjusted) for _, level, adjusted in calls} == {
        (0.95, False), (0.998, False), (0.95, True), (0.998, True)
    }  # fmt: skip
    peers = official.peers[("placed_by_28_weeks", APRIL_2025)]
    assert peers.england is not None and peers.dispersion is not None
    p = peers.england.numerator / peers.england.denominator
    tau2 = peers.dispersion.tau2
    by_key = {line.key: line for line in plot.lines}
    for n, lower, upper in by_key["adjusted-998"].points:
        expected = real(n, p, 0.998, tau2=tau2, scale=peers.dispersion.scale)
        assert (lower, upper) == (100 * expected.lower, 100 * expected.upper)
    for n, lower, upper in by_key["plain-95"].points:
        expected = real(n, p, 0.95)
        assert (lower, upper) == (100 * expected.lower, 100 * expected.upper)
    # Each dot's place is the core's classification.
    for row in plot.rows:
        assert row.placement == stats.classify_funnel(
            row.count.numerator, row.count.denominator, p, peers.dispersion
        )


def test_the_table_behind_the_funnel_gives_the_core_limits(
    shipped: tuple[Registry, OfficialContext], shipped_site: Path
) -> None:
    _, official = shipped
    peers = official.peers[("placed_by_28_weeks", APRIL_2025)]
    assert peers.england is not None and peers.dispersion is not None
    p = peers.england.numerator / peers.england.denominator
    index = html(shipped_site / "index.html")
    row = next(
        r for r in index.css("table.funnel-limits tbody tr") if r.css("td")[0].text() == "100"
    )
    cells = [c.text() for c in row.css("td")[1:]]
    expected = []
    for level, tau2 in ((0.95, 0.0), (0.998, 0.0), (0.95, peers.dispersion.tau2),
                        (0.998, peers.dispersion.tau2)):  # fmt: skip
        got = stats.funnel_limits(100, p, level, tau2=tau2)
        expected.append(f"{figure_percent(100 * got.lower)} to {figure_percent(100 * got.upper)}")
    assert cells == expected


def test_the_index_says_how_many_trusts_lie_outside_each_limit(shipped_site: Path) -> None:
    text = html(shipped_site / "index.html").body.text()  # type: ignore[union-attr]
    # SPEC §4.1: the plain 99.8% limits put 83 of 103 passing Trusts outside in April 2025.
    assert "Of the 103 Trusts, 83 lie outside the plain 99.8% limits" in text
    assert "most of the variation between Trusts in April 2025 is not chance" in text


# ---------------------------------------------------------------- charts over time

MIXED = (
    REPORT_REGISTRY.replace(
        """  figures:
    - {{cohort: all, percent: 15.9""".replace("{{", "{"),
        """  figures:
    - {cohort: all, percent: 15.9""",
    )
    .replace(
        """      source: {url: "https://example.org/targets/em", title: Synthetic target source EM}
""",
        """      source: {url: "https://example.org/targets/em", title: Synthetic target source EM}
    - id: synthetic-receiving
      title: Most women receive continuity of carer (synthetic)
      cohort: all
      measure: receiving_ongoing
      percent: 75
      due: 2027-03-31
      set_on: 2023-01-01
      source: {url: "https://example.org/targets/rec", title: Synthetic receiving target}
""",
    )
    .replace(
        """      - {cohort: all, percent: 99.0, as_of: 2026-11-30,""",
        """      - {cohort: all, measure: receiving_ongoing, percent: 4.0, as_of: 2025-06-30,
         source: {url: "https://example.org/msds/2025-06-r", kind: msds}}
      - {cohort: all, measure: receiving_ongoing, percent: 6.0, as_of: 2026-06-30,
         source: {url: "https://example.org/msds/2026-06-r", kind: msds}}
      - {cohort: all, percent: 99.0, as_of: 2026-11-30,""",
    )
)


@pytest.fixture
def mixed_site(run: Run, write_registry: Callable[..., Path], tmp_path: Path) -> Path:
    assert "synthetic-receiving" in MIXED and "2026-06-r" in MIXED
    registry = write_registry(MIXED)
    out = tmp_path / "site"
    result = run("-r", str(registry), "report", "--out", str(out), "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.stderr
    return out


def test_no_chart_mixes_measures(mixed_site: Path) -> None:
    page = html(mixed_site / "trusts" / "north.html")
    charts = {
        (c.css_first("title").attributes["id"] or "").removesuffix("-title"): c
        for c in page.css("svg.chart-time")
    }
    assert set(charts) == {"chart-north-placed_by_28_weeks", "chart-north-receiving_ongoing"}
    placed = charts["chart-north-placed_by_28_weeks"]
    receiving = charts["chart-north-receiving_ongoing"]
    placed_targets = " ".join(t.text() for t in placed.css("g.targets line title"))
    receiving_targets = " ".join(t.text() for t in receiving.css("g.targets line title"))
    assert "receive continuity of carer" not in placed_targets
    assert "Most women on a pathway" in placed_targets
    assert "Most women receive continuity of carer" in receiving_targets
    assert "on a pathway" not in receiving_targets
    # Plan milestones count placements: never on the receiving chart.
    assert placed.css("g.milestones") and not receiving.css("g.milestones")
    assert "receiving continuity" in (receiving.css_first("title").text())


def test_no_single_point_is_drawn_as_a_series(
    run: Run, mixed_site: Path, shipped_site: Path, tmp_path: Path
) -> None:
    demo = tmp_path / "demo"
    assert (
        run("-r", str(DEMO), "report", "--out", str(demo), "--as-of", "2026-11-23").exit_code == 0
    )
    drawn = 0
    for site in (mixed_site, shipped_site, demo):
        for path in all_pages(site):
            for chart in html(path).css("svg.chart-time"):
                for series in chart.css("g.series"):
                    markers = [n for n in series.iter() if n.tag in ("circle", "rect", "polygon")]
                    assert len(markers) >= 2, (path.name, series.attributes["class"])
                    assert series.css("polyline"), path.name
                    drawn += 1
    assert drawn
    # The shipped registry holds one month: no chart over time, said in words instead.
    page = html(shipped_site / "trusts" / "guys-and-st-thomas.html")
    assert not page.css("svg.chart-time")
    assert "one figure is not a trend" in page.css_first("#h-chart").parent.text()
    index = html(shipped_site / "index.html")
    assert not index.css("svg.chart-time")
    assert "No chart of England's figures over time" in index.body.text()  # type: ignore[union-attr]


def test_a_key_promises_only_what_the_chart_draws(mixed_site: Path) -> None:
    for path in all_pages(mixed_site):
        page = html(path)
        for figure in page.css("figure"):
            chart = figure.css_first("svg.chart-time")
            if chart is None:
                continue
            key = [li.text() for li in figure.css("ul.key li")]
            series = {s.css_first("title").text() for s in chart.css("g.series")}
            assert [k for k in key if k in ("All women", "Women from ethnic-minority groups",
                                            "Women from the most deprived areas")] == [
                k for k in key if k in series
            ]  # fmt: skip
            assert ("Plan milestones" in key) == bool(chart.css("g.milestones")), path.name
            lines = chart.css("g.targets line")
            in_force = [x for x in lines if x.attributes.get("stroke-dasharray") == "5 4"]
            past = [x for x in lines if x.attributes.get("stroke-dasharray") == "2 3"]
            assert ("National target in force" in key) == bool(in_force), path.name
            assert any(k.startswith("National target, withdrawn") for k in key) == bool(past)
            hollow = [
                m for s in chart.css("g.series") for m in s.iter()
                if m.attributes.get("fill") == "#ffffff"
            ]  # fmt: skip
            assert ("Provisional figure" in key) == bool(hollow), path.name


def test_targets_no_longer_in_force_are_drawn_apart_and_labelled(mixed_site: Path) -> None:
    title = html(mixed_site / "trusts" / "north.html").css_first(
        "#chart-north-placed_by_28_weeks-title"
    )
    assert title is not None and title.parent is not None
    chart = title.parent
    labels = [t.text() for t in chart.css("g.targets text")]
    assert "51% (withdrawn)" in labels
    for line in chart.css("g.targets line"):
        title = line.css_first("title").text()
        withdrawn = title.endswith("; withdrawn")
        assert (line.attributes["stroke-dasharray"] == "2 3") == withdrawn, title
        assert (line.attributes["stroke"] == "#8a8a8a") == withdrawn, title


def test_trust_pages_name_targets_by_their_own_titles(shipped_site: Path) -> None:
    """No source says the 20%/51%/35% targets were 'by 28 weeks': pages do not add it."""
    for path in sorted((shipped_site / "trusts").glob("*.html")):
        section = html(path).css_first("#h-chart").parent
        assert section is not None
        targets = [li.text() for li in section.css("ul.plain li")]
        assert len(targets) == 5, path.name
        assert not any("by 28 weeks" in t for t in targets), path.name
        assert any(
            t.startswith("Maternity Incentive Scheme year three: action plans") for t in targets
        )


# ---------------------------------------------------------------- words

FIGURE = re.compile(r"(\d+(?:\.\d)?)% \((?:(?:about )?(\d[\d,]*)) of (?:about )?(\d[\d,]*)")


def test_small_numbers_are_counts_never_bare_percentages(shipped_site: Path) -> None:
    seen = 0
    for path in all_pages(shipped_site):
        raw = path.read_text(encoding="utf-8")
        text = re.sub(r"<[^>]+>", " ", re.sub(r"(?s)<(script|style)\b.*?</\1>", "", raw))
        for match in FIGURE.finditer(text):
            denominator = int(match.group(3).replace(",", ""))
            assert denominator >= 30, (path.name, match.group(0))
            seen += 1
        # Every rate is given to one decimal place.
        assert not re.search(r"(?<![\d.])\d+% \(\d", text), path.name
    assert seen > 100
    page = html(shipped_site / "trusts" / "guys-and-st-thomas.html")
    text = page.body.text()  # type: ignore[union-attr]
    assert "none of about 10 women" in text
    assert "0.0% (0 of 10" not in text
    # Said once where it matters: a published 5 stands for 1 to 7.
    compare = page.css_first("#h-compare").parent.text()
    assert compare.count("NHS England publishes any count from 1 to 7 as 5") == 1


def test_each_trust_page_states_its_comparisons(shipped_site: Path) -> None:
    text = html(shipped_site / "trusts" / "guys-and-st-thomas.html").css_first("#h-compare")
    said = text.parent.text()  # type: ignore[union-attr]
    assert (
        "2.8% of women reaching 29 weeks in April 2025 (15 of 545) were placed on a continuity "
        "of carer pathway: lower than England's 17.1%, beyond what chance would explain (99.8% "
        "level); between 68th and 78th of 103 Trusts whose data passed NHS England's checks "
        "that month, in the 4th fifth from the top either way, as other Trusts' published "
        "counts of 5 may each stand for any count from 1 to 7"
    ) in said

    assert "Lower than the London region's 26.7%" in said
    torbay = html(shipped_site / "trusts" / "torbay-and-south-devon.html").body.text()  # type: ignore[union-attr]
    assert "Exceptional: above the funnel's 99.8% limit" in torbay


def test_notes_are_shown_as_notes_not_findings(shipped_site: Path) -> None:
    page = html(shipped_site / "trusts" / "ashford-and-st-peters-hospitals.html")
    findings = page.css("li.finding")
    assert not any("Plan not known" in f.text() for f in findings)
    notes = page.css("li.note")
    assert any("Plan not known" in n.text() for n in notes)
    index = html(shipped_site / "index.html")
    text = index.body.text()  # type: ignore[union-attr]
    assert text.count("The official statistics in use end in April 2025") == 1
    assert "cocwatch import" not in text
    for cell in index.css("#trust-table td[data-label=Findings]"):
        assert "Plan not known" not in cell.text()


def test_the_index_table_has_the_comparison_columns(shipped_site: Path) -> None:
    index = html(shipped_site / "index.html")
    keys = [th.attributes["data-key"] for th in index.css("#trust-table thead th")]
    assert keys[:7] == ["trust", "region", "severity", "official", "england", "rank", "vsregion"]
    row = next(r for r in index.css("#trust-table tbody tr") if "RJ1" in r.css_first("td").text())
    cells = {c.attributes["data-label"]: c for c in row.css("td")}
    assert cells["Official figure"].text().startswith("2.8% (15 of 545 women)")
    assert cells["vs England"].text().startswith("Lower (at 99.8%)")
    assert cells["vs England"].attributes["data-sort"] == "0"
    assert cells["Rank"].attributes["data-sort"] == "73"
    assert cells["Rank"].text() == "73 of 103"
    assert cells["vs region"].text().startswith("Lower (at 99.8%)")
