"""The HTML report in a real headless Chromium (Debian's `chromium` package, driven by Playwright).

What a reader sees: screenshots at phone and desktop widths are not blank and do not scroll
sideways, the table is in the DOM after the script runs, sorting and filtering work, registry
text never runs as script, and no page fetches anything from outside the report's folder.
Skipped, with the reason shown in the summary, only when the browser is not installed
(`.ci/run` installs it). Registries are synthetic, except the shipped one.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cocwatch.core import assessment
from cocwatch.core.models import Thresholds
from cocwatch.locations import shipped_registry
from cocwatch.registry import load_registry
from cocwatch.render.report import build_report
from cocwatch.statistics.merging import comparison_context, open_statistics, with_statistics
from tests.render.helpers import HOSTILE_NAME, OPEN_TRUSTS, REPORT_REGISTRY
from tests.support.paths import DEMO

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("COCWATCH_TEST_CHROMIUM", "/usr/bin/chromium")
AS_OF = date(2026, 11, 23)

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"BROWSER MISSING: headless Chromium not found at {CHROMIUM} "
    "(install Debian's `chromium` package; CI does), so the report was not tested in a browser",
)

# Recorded in every page before its own scripts run: any CSP violation is kept for the test.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def write_site(registry_path: Path, out: Path, *, statistics: bool = False) -> Path:
    """The report of a registry; with `statistics`, compared as `report` does with the
    statistics folder beside it (the funnel plot and the comparison columns)."""
    loaded = load_registry(registry_path, today=AS_OF)
    registry = loaded.registry
    official = None
    if statistics:
        store = open_statistics(str(registry_path.parent / "statistics"), warn=print)
        registry = with_statistics(registry, store)
    trusts = [t for t in registry.trusts if t.is_open(AS_OF)]
    if statistics:
        official = comparison_context(store, trusts, as_of=AS_OF)
    result = assessment.assess(
        registry, trusts, as_of=AS_OF, thresholds=Thresholds(), official=official
    )
    build_report(registry, result, out, source_label=registry_path.name)
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report")
    registry = folder / "trusts.yaml"
    registry.write_text(REPORT_REGISTRY, encoding="utf-8")
    return write_site(registry, folder / "site")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield launched
        finally:
            launched.close()


class Visit:
    """A page opened from the report, with every request and CSP violation recorded."""

    def __init__(self, page: Page, root: Path) -> None:
        self.page = page
        self.root = root
        self.requests: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def outside(self) -> list[str]:
        """Requests for anything that is not a file inside the report's folder."""
        inside = self.root.resolve().as_uri() + "/"
        return [u for u in self.requests if not u.startswith(inside)] + self.blocked

    def csp_violations(self) -> list[str]:
        return list(self.page.evaluate("window.__csp || []"))


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Visit]]:
    contexts: list[Any] = []

    def open_(root: Path, relative: str, *, width: int = 1280, height: int = 900) -> Visit:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        context.add_init_script(WATCH_CSP)
        page = context.new_page()
        page.set_default_timeout(15_000)
        visit = Visit(page, root)

        def refuse(route: Any) -> None:
            visit.blocked.append(route.request.url)
            route.abort()

        # Anything that is not a local file would leave the machine: record it and refuse it.
        context.route(re.compile(r"^(?!file:)"), refuse)
        page.goto((root / relative).resolve().as_uri())
        page.wait_for_load_state("load")
        return visit

    yield open_
    for context in contexts:
        context.close()


def distinct_colours(png: bytes) -> int:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=image.width * image.height) or []
    return len(colours)


def ink_fraction(png: bytes) -> float:
    """The share of pixels that are not (nearly) white."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    return 1 - sum(histogram[245:]) / (image.width * image.height)


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("relative", ["index.html", "trusts/north.html"])
def test_screenshots_are_not_blank_and_fit_the_width(
    site: Path, open_page: Callable[..., Visit], relative: str, width: int, tmp_path: Path
) -> None:
    visit = open_page(site, relative, width=width, height=800)
    png = visit.page.screenshot(full_page=True)
    (tmp_path / f"{Path(relative).stem}-{width}.png").write_bytes(png)  # kept for a look
    assert distinct_colours(png) >= 16
    assert ink_fraction(png) > 0.03
    assert visit.page.evaluate("document.documentElement.scrollWidth") <= width
    assert visit.errors == []
    assert visit.outside() == [] and visit.csp_violations() == []


def test_the_dom_after_scripts_holds_the_table_and_the_controls(
    site: Path, open_page: Callable[..., Visit]
) -> None:
    visit = open_page(site, "index.html")
    page = visit.page
    assert page.locator("#trust-table tbody tr").count() == len(OPEN_TRUSTS)
    assert page.locator("#controls").is_visible()
    n = len(OPEN_TRUSTS)
    assert page.locator("#shown").inner_text() == f"Showing {n} of {n} Trusts"
    assert page.locator("#trust-table th button").count() == 12  # every column sortable
    html = page.content()
    assert 'href="trusts/north.html"' in html
    assert visit.errors == []


def column(page: Page, key: str) -> list[str]:
    """The sort keys of one column, in the order the rows are now shown."""
    index = page.locator("#trust-table thead th").evaluate_all(
        f"ths => ths.findIndex(th => th.dataset.key === {key!r})"
    )
    return list(
        page.locator("#trust-table tbody tr").evaluate_all(
            f"""rows => rows.filter(r => !r.hidden).map(r => {{
                const c = r.cells[{index}];
                return c.hasAttribute('data-sort') ? c.dataset.sort : c.textContent.trim();
            }})"""
        )
    )


def numbers(values: list[str]) -> list[float]:
    return [float(v) for v in values if v != ""]


def test_sorting_by_clicking_column_headers(site: Path, open_page: Callable[..., Visit]) -> None:
    page = open_page(site, "index.html").page
    page.click("th[data-key=trust] button")
    names = column(page, "trust")
    assert names == sorted(names, key=str.lower)
    assert page.get_attribute("th[data-key=trust]", "aria-sort") == "ascending"
    page.click("th[data-key=trust] button")
    assert column(page, "trust") == sorted(names, key=str.lower, reverse=True)
    assert page.get_attribute("th[data-key=trust]", "aria-sort") == "descending"

    page.click("th[data-key=latest] button")  # numbers: highest first
    latest = column(page, "latest")
    assert numbers(latest) == sorted(numbers(latest), reverse=True)
    assert latest[-1] == ""  # the Trust with no figure comes last
    assert page.get_attribute("th[data-key=trust]", "aria-sort") is None
    page.click("th[data-key=latest] button")
    latest = column(page, "latest")
    assert numbers(latest) == sorted(numbers(latest))
    assert latest[-1] == ""  # blanks stay last in either direction


def test_sorting_and_filtering_on_a_phone(site: Path, open_page: Callable[..., Visit]) -> None:
    page = open_page(site, "index.html", width=360, height=800).page
    page.select_option("#sort-by", "gap:asc")
    gaps = numbers(column(page, "gap"))
    assert gaps == sorted(gaps) and gaps
    page.fill("#q", "xe1")  # an ODS code, in any case
    assert page.locator("#trust-table tbody tr:not([hidden])").count() == 1
    assert page.locator("#shown").inner_text() == f"Showing 1 of {len(OPEN_TRUSTS)} Trusts"
    page.fill("#q", "")
    page.select_option("#f-region", "South West")
    visible = page.locator("#trust-table tbody tr:not([hidden]) td.lead a").all_inner_texts()
    assert visible == [HOSTILE_NAME]


def test_registry_text_never_runs_as_script(site: Path, open_page: Callable[..., Visit]) -> None:
    for relative in ("index.html", "trusts/hostile.html"):
        visit = open_page(site, relative)
        assert visit.page.evaluate("window.__xss === undefined"), relative
        assert visit.errors == [], relative
        assert visit.outside() == [], relative
    page = open_page(site, "trusts/hostile.html").page
    assert page.locator("h1").inner_text() == HOSTILE_NAME
    assert page.locator("main b, main img, main script").count() == 0


def test_every_page_fetches_nothing_outside_the_folder(
    site: Path, open_page: Callable[..., Visit]
) -> None:
    for path in [site / "index.html", *sorted((site / "trusts").glob("*.html"))]:
        visit = open_page(site, str(path.relative_to(site)))
        assert visit.outside() == [], path
        assert visit.csp_violations() == [], path


def test_the_request_watch_would_catch_a_fetch(
    tmp_path: Path, open_page: Callable[..., Visit]
) -> None:
    """The checks above can fail: a page that loads an outside image is caught."""
    (tmp_path / "leaky.html").write_text(
        '<!DOCTYPE html><p>leak</p><img src="http://127.0.0.1:9/pixel.png">', encoding="utf-8"
    )
    visit = open_page(tmp_path, "leaky.html")
    assert any("127.0.0.1:9" in u for u in visit.outside())


def test_the_shipped_registry_sorts_in_the_browser(
    tmp_path: Path, open_page: Callable[..., Visit]
) -> None:
    site = write_site(shipped_registry(), tmp_path / "site", statistics=True)
    visit = open_page(site, "index.html", width=360, height=800)
    page = visit.page
    rows = page.locator("#trust-table tbody tr").count()
    assert rows > 100
    page.select_option("#sort-by", "trust:asc")
    names = column(page, "trust")
    assert len(names) == rows and names == sorted(names, key=str.lower)
    page.select_option("#sort-by", "rank:asc")  # by rank; Trusts without one come last
    ranks = column(page, "rank")
    # 102 open Trusts are ranked among the 103 that passed in April 2025 (one has closed since)
    assert numbers(ranks) == sorted(numbers(ranks)) and len(numbers(ranks)) == 102
    assert ranks[-1] == ""
    # The funnel plot is drawn: a dot per passing Trust, inside the page's width.
    assert page.locator("svg.chart-funnel .dots .dot").count() == 103
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    png = page.screenshot()
    assert distinct_colours(png) >= 16
    assert visit.outside() == [] and visit.csp_violations() == []


def test_the_demo_registry_in_the_browser(tmp_path: Path, open_page: Callable[..., Visit]) -> None:
    demo = DEMO
    site = write_site(demo, tmp_path / "site")
    for path in [site / "index.html", *sorted((site / "trusts").glob("*.html"))]:
        visit = open_page(site, str(path.relative_to(site)), width=360, height=800)
        assert visit.errors == [], path
        assert visit.outside() == [] and visit.csp_violations() == [], path
        assert visit.page.evaluate("document.documentElement.scrollWidth") <= 360, path
        png = visit.page.screenshot()
        assert distinct_colours(png) >= 16 and ink_fraction(png) > 0.03, path
