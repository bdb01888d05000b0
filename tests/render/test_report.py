"""`cocwatch report`: the files it writes, escaping, sources, self-containment, errors.

Every registry here is synthetic (see tests/render/helpers.py). The browser tests are in
test_report_browser.py; the chart module's tests in test_report_svg.py.
"""

from __future__ import annotations

import difflib
import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser
from typer.testing import CliRunner, Result

from cocwatch.cli import app
from cocwatch.render.attribution import OGL_URL
from cocwatch.render.report import CSP
from tests.render.helpers import (
    HOSTILE_NAME,
    HOSTILE_NOTES,
    OPEN_TRUSTS,
    REPORT_REGISTRY,
    many_trusts_registry,
)
from tests.support.isolation import isolated_home
from tests.support.paths import DEMO

Run = Callable[..., Result]


@pytest.fixture
def registry(write_registry: Callable[[str], Path]) -> Path:
    return write_registry(REPORT_REGISTRY)


@pytest.fixture
def site(run: Run, registry: Path, tmp_path: Path) -> Path:
    out = tmp_path / "site"
    result = run("-r", str(registry), "report", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return out


def pages(site: Path) -> list[Path]:
    return [site / "index.html", *sorted((site / "trusts").glob("*.html"))]


def html(path: Path) -> HTMLParser:
    return HTMLParser(path.read_text(encoding="utf-8"))


def test_writes_an_index_and_a_page_per_open_trust(
    run: Run, registry: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    result = run("-r", str(registry), "report", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == str(out / "index.html")
    assert sorted(p.stem for p in (out / "trusts").iterdir()) == sorted(OPEN_TRUSTS)
    index = html(out / "index.html")
    rows = index.css("#trust-table tbody tr")
    assert len(rows) == len(OPEN_TRUSTS)
    links = {a.attributes["href"] for a in index.css("#trust-table a")}
    assert links == {f"trusts/{t}.html" for t in OPEN_TRUSTS}
    # The closed Trust is listed apart, linking to its successor's page.
    closed = index.css_first("#h-closed").parent
    assert closed is not None and "Example West NHS Trust" in closed.text()
    assert closed.css_first("a").attributes["href"] == "trusts/north.html"


def test_index_counts_trusts_by_status_in_words_and_symbols(site: Path) -> None:
    index = html(site / "index.html")
    counts = index.css_first("table.counts")
    assert counts is not None
    total = sum(int(td.text()) for td in counts.css("td.num"))
    assert total == len(OPEN_TRUSTS)
    badge = index.css_first("#trust-table .badge")
    assert badge is not None and re.search(r"[A-Za-z]{2,}", badge.text())
    assert badge.css_first("[aria-hidden=true]").text().strip()  # and a symbol
    chart = index.css_first("svg.chart-bars")
    assert chart is not None and chart.attributes["role"] == "img"
    assert chart.css_first("title").text() and chart.css_first("desc").text()


def test_trust_page_shows_figures_milestones_findings_plan_reviews(site: Path) -> None:
    page = html(site / "trusts" / "north.html")
    assert page.css_first("h1").text() == "Example North NHS Trust (synthetic)"
    chart = page.css_first("svg.chart-time")
    assert chart is not None and chart.attributes["role"] == "img"
    labelled = chart.attributes["aria-labelledby"] or ""
    assert all(page.css_first(f"#{i}") is not None for i in labelled.split())
    # One line per cohort with two figures or more; one figure is not a line over time, so
    # the ethnic-minority group's only figure is said in words instead; milestones and
    # national targets drawn.
    assert chart.css("g.series-all") and not chart.css("g.series-ethnic_minority")
    assert chart.css("g.milestones") and chart.css("g.targets line")
    assert "one figure is not a line over time" in (page.css_first("#h-chart").parent.text())
    # The text alternative lists every figure up to the as-of date, and no later one.
    figures = page.css_first("#h-chart").parent
    assert figures is not None
    text = figures.text()
    for value in ("12.0%", "21.5%", "33.0%", "14.0%"):  # rates to one decimal place
        assert value in text
    assert "99%" not in text and "Later figure" not in text
    assert "Provisional" in text
    body = page.body.text() if page.body else ""
    assert "Read the plan" in body and "Yes, with service users" in body
    assert "15 October 2026" in body  # a Board review
    assert "Requires improvement" in body


def test_findings_are_explained(site: Path) -> None:
    page = html(site / "trusts" / "east.html")
    findings = page.css("#h-findings ~ ul li.finding, li.finding")
    assert findings, "the Trust with no plan has a finding"
    first = findings[0]
    assert first.css_first("h3") is not None and first.css_first(".badge") is not None
    assert len(first.css("p")) >= 1


def test_registry_text_is_escaped_never_markup(site: Path) -> None:
    for path in pages(site):
        raw = path.read_text(encoding="utf-8")
        assert "<script>window.__xss" not in raw, path
        assert "<script>alert(1)" not in raw, path
        assert "<b>Bold</b>" not in raw and "<b>bold</b>" not in raw, path
        assert "<img" not in raw, path
        assert "<i>plan notes</i>" not in raw and "<u>review note</u>" not in raw, path
        tree = HTMLParser(raw)
        assert not tree.css("b, i, u, img, em"), path
        # The only script is the report's own, inline, on the index.
        scripts = tree.css("script")
        assert len(scripts) == (1 if path.name == "index.html" else 0), path
        assert all("src" not in s.attributes for s in scripts)
    page = html(site / "trusts" / "hostile.html")
    assert page.css_first("h1").text() == HOSTILE_NAME
    notes = page.css_first("#h-notes").parent
    assert notes is not None and HOSTILE_NOTES in notes.text()
    # The name reaches the chart's title through the XML serialiser: escaped there too.
    assert page.css_first("svg title").text().startswith(HOSTILE_NAME + ": women placed")
    link = next(a for a in page.css("a") if "hostile/foi" in (a.attributes["href"] or ""))
    assert link.attributes["href"] == "https://example.org/hostile/foi?a=1&b=<2>"
    assert link.text() == "<em>FOI</em> reply"
    index = html(site / "index.html")
    assert HOSTILE_NAME in [a.text() for a in index.css("#trust-table a")]


def test_every_source_is_linked(site: Path) -> None:
    page = html(site / "trusts" / "north.html")
    sources = page.css_first("#h-sources").parent
    assert sources is not None
    hrefs = {a.attributes["href"] for a in sources.css("a")}
    expected = {
        "https://example.org/north",
        "https://example.org/north/board",
        "https://example.org/north/plan",
        "https://example.org/north/review-2026-10",
        "https://example.org/north/review-2026-05",
        "https://example.org/msds/2021-03",
        "https://example.org/msds/2023-03",
        "https://example.org/msds/2026-06",
        "https://example.org/msds/2026-06-em",
        "https://example.org/cqc/north",
    }
    assert expected <= hrefs
    assert "https://example.org/msds/after-as-of" not in hrefs
    # A source with a title but no address is still listed.
    east = html(site / "trusts" / "east.html").css_first("#h-sources").parent
    assert east is not None and "FOI reply (synthetic)" in east.text()


def test_pages_fetch_nothing(site: Path, registry: Path) -> None:
    allowed = set(re.findall(r"https://[^\s\"'}]+", registry.read_text(encoding="utf-8")))
    allowed.add(OGL_URL)  # and the licence NHS England's data is republished under
    for path in pages(site):
        tree = html(path)
        csp = tree.css_first('meta[http-equiv="Content-Security-Policy"]')
        assert csp is not None and csp.attributes["content"] == CSP, path
        assert not tree.css("link, img, iframe, object, embed, audio, video, source, base")
        assert not tree.css("script[src], [style*='url(']")
        for node in tree.css("[src], [href], [srcset], [action], [poster], [data]"):
            for name in ("src", "srcset", "action", "poster", "data"):
                assert name not in node.attributes, (path, node.html)
            href = node.attributes.get("href") or ""
            if re.match(r"(?i)^\s*[a-z][a-z0-9+.-]*:", href):
                assert node.tag == "a", (path, node.html)
                assert href in allowed, (path, href)  # only the registry's own sources
        style = "".join(s.text() for s in tree.css("style"))
        assert "url(" not in style and "@import" not in style


def test_as_of_quiet_and_title(run: Run, registry: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run(
        "-r",
        str(registry),
        "-q",
        "report",
        "--out",
        str(out),
        "--as-of",
        "2022-01-01",
        "--title",
        "Our <campaign> report",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    index = html(out / "index.html")
    assert index.css_first("h1").text() == "Our <campaign> report"
    assert "1 January 2022" in index.body.text()  # type: ignore[union-attr]
    # On 2022-01-01 the West Trust was still open, and later figures do not count.
    assert (out / "trusts" / "closed-west.html").exists()
    north = (out / "trusts" / "north.html").read_text(encoding="utf-8")
    assert "MSDS March 2021" in north and "MSDS March 2023" not in north


def test_bad_as_of_is_a_usage_error(run: Run, registry: Path, tmp_path: Path) -> None:
    result = run("-r", str(registry), "report", "--out", str(tmp_path / "o"), "--as-of", "soon")
    assert result.exit_code == 2
    assert "--as-of" in result.stderr


def test_rerun_replaces_the_previous_report(
    run: Run, write_registry: Callable[..., Path], tmp_path: Path
) -> None:
    out = tmp_path / "site"
    first = write_registry(REPORT_REGISTRY, "first.yaml")
    assert run("-r", str(first), "report", "--out", str(out)).exit_code == 0
    assert (out / "trusts" / "east.html").exists()
    second = write_registry(
        REPORT_REGISTRY.replace("  - id: east\n", "  - id: east-renamed\n"), "second.yaml"
    )
    result = run("-r", str(second), "report", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert not (out / "trusts" / "east.html").exists()
    assert (out / "trusts" / "east-renamed.html").exists()
    assert "second.yaml" in (out / "index.html").read_text(encoding="utf-8")
    # No staging folder or old pages are left behind.
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "trusts"]
    # (only the lock file beside the folder stays, empty, as a registry's does)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")]
    assert leftovers in ([], [".site.lock"])


def test_refuses_to_replace_files_it_did_not_write(
    run: Run, registry: Path, tmp_path: Path
) -> None:
    out = tmp_path / "website"
    out.mkdir()
    (out / "index.html").write_text("<h1>my own page</h1>", encoding="utf-8")
    result = run("-r", str(registry), "report", "--out", str(out))
    assert result.exit_code == 2
    assert "index.html" in result.stderr and "not written by cocwatch" in result.stderr
    assert (out / "index.html").read_text(encoding="utf-8") == "<h1>my own page</h1>"
    assert not (out / "trusts").exists()


def test_a_previous_report_is_replaced_and_files_added_beside_it_kept(
    run: Run, registry: Path, tmp_path: Path
) -> None:
    out = tmp_path / "website"
    out.mkdir()
    assert run("-r", str(registry), "report", "--out", str(out)).exit_code == 0
    (out / "about.html").write_text("mine", encoding="utf-8")
    assert run("-r", str(registry), "report", "--out", str(out)).exit_code == 0
    assert (out / "about.html").read_text(encoding="utf-8") == "mine"
    assert (out / "index.html").exists() and (out / "trusts" / "north.html").exists()


def test_unwritable_output_is_an_external_error(run: Run, registry: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = run("-r", str(registry), "report", "--out", str(blocker / "site"))
    assert result.exit_code == 4
    assert "Cannot write the report" in result.stderr and str(blocker) in result.stderr
    assert "Traceback" not in result.stderr


def test_out_that_is_a_file_is_a_usage_error(run: Run, registry: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("x", encoding="utf-8")
    result = run("-r", str(registry), "report", "--out", str(target))
    assert result.exit_code == 2
    assert "is a file" in result.stderr


def test_shipped_registry(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = run("report", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    index = html(out / "index.html")
    rows = index.css("#trust-table tbody tr")
    assert len(rows) > 100
    assert len(list((out / "trusts").glob("*.html"))) == len(rows)
    assert "trusts.yaml" in index.body.text()  # type: ignore[union-attr]
    assert "/work/" not in (out / "index.html").read_text(encoding="utf-8")


def test_several_thousand_trusts(
    run: Run, write_registry: Callable[..., Path], tmp_path: Path
) -> None:
    registry = write_registry(many_trusts_registry(3000, figures=2), "many.yaml")
    out = tmp_path / "site"
    started = time.perf_counter()
    result = run("-r", str(registry), "report", "--out", str(out))
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.stderr
    assert len(list((out / "trusts").glob("*.html"))) == 3000
    assert len(html(out / "index.html").css("#trust-table tbody tr")) == 3000
    assert elapsed < 300  # a generous ceiling; the measured time is in the report's notes


GOLDEN = Path(__file__).resolve().parent / "golden"
DEMO_AS_OF = "2026-11-23"


def built_once(
    tmp_path_factory: pytest.TempPathFactory, shipped_index: Path, *args: str, as_of: str
) -> Path:
    """The report `cocwatch ARGS report --out SITE --as-of AS_OF` writes, in a home of its
    own: for the tests of a module that read the same site."""
    with isolated_home(tmp_path_factory, shipped_index) as home:
        out = home / "site"
        command = [*args, "report", "--out", str(out), "--as-of", as_of]
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory, shipped_index: Path) -> Path:
    return built_once(tmp_path_factory, shipped_index, "-r", str(DEMO), as_of=DEMO_AS_OF)


def test_demo_registry_agrees_with_check(run: Run, demo_site: Path) -> None:
    site = demo_site
    checked = run("-r", str(DEMO), "check", "--all", "--as-of", DEMO_AS_OF, "--format", "json")
    assert checked.exit_code in (0, 1), checked.stderr
    # The index lists findings about the Trust; notes (gaps in the registry) are apart.
    expected = {
        t["id"]: (
            t["severity"],
            t["cohorts"][0]["status"],
            sum(1 for f in t["findings"] if f["severity"] != "note"),
        )
        for t in json.loads(checked.stdout)["trusts"]
    }
    shown = {}
    for row in html(site / "index.html").css("#trust-table tbody tr"):
        href = row.css_first("a").attributes["href"] or ""
        trust_id = href.removeprefix("trusts/").removesuffix(".html")
        findings = int(row.css("td")[-1].attributes["data-sort"] or 0)
        shown[trust_id] = (row.attributes["data-severity"], row.attributes["data-status"], findings)
    assert shown == expected
    assert sorted(p.stem for p in (site / "trusts").glob("*.html")) == sorted(expected)


def normalised(text: str) -> str:
    """The page without what changes for other reasons: the version, the inline CSS and JS.

    The stylesheet and script are the same in every page; the browser tests check them.
    """
    text = re.sub(r"cocwatch \d+\.\d+\.\d+[\w.+-]*", "cocwatch X.Y.Z", text)
    text = re.sub(r"(?s)<style>.*?</style>", "<style>(report.css)</style>", text)
    return re.sub(r"(?s)<script>.*?</script>", "<script>(report.js)</script>", text)


@pytest.mark.parametrize("page", ["index.html", "trusts/example-hill.html"])
def test_demo_pages_match_the_golden_files(demo_site: Path, tmp_path: Path, page: str) -> None:
    """Golden files, refreshed on purpose: copy the new page over the old one when intended."""
    compare_with_golden(demo_site, page, GOLDEN / page, tmp_path)


# The shipped registry with its statistics folder (April 2025), read as each Trust's analyst
# would: RJ1 (low), R1H (high, an equity gap), RA9 (exceptional), R0B (failed data quality),
# RTK (small groups).
SHIPPED_AS_OF = "2026-12-04"
SHIPPED_PAGES = [
    "index.html",
    "trusts/guys-and-st-thomas.html",
    "trusts/barts-health.html",
    "trusts/torbay-and-south-devon.html",
    "trusts/south-tyneside-and-sunderland.html",
    "trusts/ashford-and-st-peters-hospitals.html",
]


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory: pytest.TempPathFactory, shipped_index: Path) -> Path:
    return built_once(tmp_path_factory, shipped_index, as_of=SHIPPED_AS_OF)


@pytest.mark.parametrize("page", SHIPPED_PAGES)
def test_shipped_pages_match_the_golden_files(
    shipped_site: Path, tmp_path: Path, page: str
) -> None:
    """`report` wires the comparisons in as `check` does; refreshed on purpose, as above."""
    compare_with_golden(shipped_site, page, GOLDEN / "shipped" / page, tmp_path)


def compare_with_golden(site: Path, page: str, golden: Path, tmp_path: Path) -> None:
    actual = normalised((site / page).read_text(encoding="utf-8"))
    expected = golden.read_text(encoding="utf-8") if golden.exists() else ""
    if actual != expected:
        fresh = tmp_path / "golden" / golden.relative_to(GOLDEN)
        fresh.parent.mkdir(parents=True, exist_ok=True)
        fresh.write_text(actual, encoding="utf-8")
        diff = "".join(
            list(
                difflib.unified_diff(
                    expected.splitlines(keepends=True),
                    actual.splitlines(keepends=True),
                    str(golden),
                    "new",
                    n=1,
                )
            )[:80]
        )
        pytest.fail(
            f"The report's {page} changed. If that is intended, refresh the golden file:\n"
            f"  cp {fresh} {golden}\n{diff}"
        )


def test_a_registry_with_no_open_trust(
    run: Run, write_registry: Callable[..., Path], tmp_path: Path
) -> None:
    registry = write_registry(
        """\
        version: 1
        trusts:
          - {id: gone, ods: XG1, name: Gone NHS Trust (synthetic), region: Nowhere,
             closed_on: 2020-01-01}
        """
    )
    out = tmp_path / "site"
    result = run("-r", str(registry), "report", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    index = html(out / "index.html")
    assert index.css("#trust-table tbody tr") == []
    assert "0 open NHS Trusts" in index.body.text()  # type: ignore[union-attr]
    assert "Gone NHS Trust" in index.css_first("#h-closed").parent.text()  # type: ignore[union-attr]
    assert list((out / "trusts").iterdir()) == []


def test_runs_at_the_same_time_leave_one_whole_report(
    run: Run, registry: Path, tmp_path: Path
) -> None:
    from concurrent.futures import ThreadPoolExecutor
    from datetime import date

    from cocwatch.core.assessment import assess
    from cocwatch.core.models import Thresholds
    from cocwatch.errors import ExternalError
    from cocwatch.registry import load_registry
    from cocwatch.render.report import build_report

    day = date(2026, 11, 23)
    loaded = load_registry(registry, today=day).registry
    result = assess(
        loaded, [t for t in loaded.trusts if t.is_open(day)], as_of=day, thresholds=Thresholds()
    )
    out = tmp_path / "site"
    assert run("-r", str(registry), "report", "--out", str(out)).exit_code == 0

    def build(_: int) -> str:
        try:
            build_report(loaded, result, out)
        except ExternalError as error:
            return error.message
        return "ok"

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = list(pool.map(build, range(8)))
    assert outcomes == ["ok"] * 8  # the runs take turns under the report folder's lock
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "trusts"]
    assert sorted(p.stem for p in (out / "trusts").iterdir()) == sorted(OPEN_TRUSTS)


def test_a_killed_run_leaves_nothing_behind_after_the_next_run(
    run: Run, registry: Path, tmp_path: Path
) -> None:
    import os
    import time

    out = tmp_path / "site"
    assert run("-r", str(registry), "report", "--out", str(out)).exit_code == 0
    dead = tmp_path / ".site.999999999.abcd1234.tmp"  # a process id that is not running
    old_style = tmp_path / ".site.k3j4h5g6.tmp"
    busy = tmp_path / f".site.{os.getpid()}.zzzz9999.tmp"  # a run still in progress
    fresh = tmp_path / ".site.q1w2e3r4.tmp"
    half_moved = out / ".trusts.old.abc123"
    for folder in (dead, old_style, busy, fresh, half_moved):
        (folder / "trusts").mkdir(parents=True)
    hour_ago = time.time() - 2 * 3600
    os.utime(old_style, (hour_ago, hour_ago))
    other = tmp_path / ".othersite.999999999.abcd1234.tmp"
    other.mkdir()
    assert run("-r", str(registry), "report", "--out", str(out)).exit_code == 0
    assert not dead.exists() and not old_style.exists() and not half_moved.exists()
    assert busy.exists() and fresh.exists() and other.exists()
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "trusts"]


def test_benchmarks_are_dated_as_precisely_as_their_source(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    """The shipped 75% targets say "by 2024": no page may invent a day for them."""
    out = tmp_path / "site"
    result = run("report", "--out", str(out), "--as-of", "2026-11-30")
    assert result.exit_code == 0, result.stderr
    raw = (out / "trusts" / "guys-and-st-thomas.html").read_text(encoding="utf-8")
    assert '<time datetime="2024">2024</time>' in raw
    page = re.sub(r"<[^>]+>", "", raw)  # the text a reader sees
    assert "75% by 2024" in page
    assert "31 Dec 2024" not in page
    assert "35%, due Mar 2021" in page
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2021-03">Mar 2021</time>' in index


def test_the_report_goes_only_into_an_empty_folder_or_a_previous_report(
    run: Callable[..., Result], minimal_registry: Path, tmp_path: Path
) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "thesis.txt").write_text("mine", encoding="utf-8")
    result = run("-r", str(minimal_registry), "report", "--out", str(busy))
    assert result.exit_code == 2, result.stderr
    assert "already holds other files (thesis.txt" in result.stderr
    assert sorted(p.name for p in busy.iterdir()) == ["thesis.txt"]
    for root in ("/", str(Path.home())):
        result = run("-r", str(minimal_registry), "report", "--out", root)
        assert result.exit_code == 2, result.stderr
        assert "root or your home folder" in result.stderr
    site = tmp_path / "site"
    site.mkdir()
    assert run("-r", str(minimal_registry), "report", "--out", str(site)).exit_code == 0
    assert run("-r", str(minimal_registry), "report", "--out", str(site)).exit_code == 0
