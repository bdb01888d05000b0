"""A local mirror of NHS England's Maternity Services Monthly Statistics pages, for tests.

The pages are SYNTHETIC, written for these tests. Their structure is modelled on the real
pages as stored copies show them (read in November 2026):

- the series index,
  https://digital.nhs.uk/data-and-information/publications/statistical/maternity-services-monthly-statistics
  ("Series / Collection", a "Latest statistics" block with id ``latest-statistics`` linking
  the newest release, "Upcoming publications", and "Past publications" with id
  ``past-publications`` whose links carry the class ``cta__button``; links are relative);
- a release page such as
  …/maternity-services-monthly-statistics/final-april-2025-provisional-may-2025-official-statistics
  ("Publication, Part of Maternity Services Monthly Statistics", the title "Maternity Services
  Monthly Statistics, Final April 2025, Provisional May 2025, official statistics", a
  summary, chapter pages one level further down such as ``…/data-quality-statement``, and a
  "Resources" block with id ``resources`` linking the CSVs on a separate file host,
  ``files.digital.nhs.uk/<2 hex>/<6 hex>/msds-apr2025-exp-measures.csv``). Before April 2023
  a release held one month, final only, under a slug such as ``june-2019``; the release
  "Final March 2023, Provisional April 2023" kept the slug ``march-2023-experimental-statistics``.

Every CSV served here is synthetic (a few made-up rows for the Trusts of the test registry)
except the REAL April 2025 provisional measures file (CoC rows; the shipped statistics
folder's manifest says where it comes from), which `real_april_text` reads.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from tests.support.msds import Row, figure_rows, measures_csv
from tests.support.paths import SHIPPED_APRIL_2025
from tests.support.web import PageServer, Route

SERIES = "/data-and-information/publications/statistical/maternity-services-monthly-statistics"
REAL_APRIL = "msds-apr2025Provisional-exp-measures-coc.csv"
DATASET = "data-sets/maternity-services-data-set"
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def real_april_text() -> str:
    """The REAL April 2025 provisional measures file (CoC rows), as text.

    Read from the shipped registry's statistics folder, which every clone has.
    """
    return SHIPPED_APRIL_2025.read_text("utf-8")


def month_label(year: int, month: int) -> str:
    return f"{_MONTHS[month - 1]} {year}"


def file_name(year: int, month: int, *, provisional: bool) -> str:
    mark = "Provisional" if provisional else ""
    return f"msds-{_MONTHS[month - 1][:3].lower()}{year}{mark}-exp-measures.csv"


def file_path(name: str) -> str:
    """Where the mirror's file host keeps a file: /files/<2 hex>/<6 hex>/NAME, as the real one."""
    digest = hashlib.sha256(name.encode()).hexdigest().upper()
    return f"/files/{digest[:2]}/{digest[2:8]}/{name}"


def download_path(name: str) -> str:
    """Where the redesigned mirror keeps a file: /downloads/NAME in upper case."""
    return f"/downloads/{name.upper()}"


def synthetic_month(year: int, month: int, *, rate: float, provisional: bool) -> str:
    """A SYNTHETIC measures CSV for one month: made-up figures for the test Trusts."""
    end = f"{year:04d}-{month:02d}-{_last_day(year, month):02d}"
    start = f"{year:04d}-{month:02d}-01"
    rows: list[Row] = []
    for ods, offset in (("RR8", 0.0), ("RAE", 2.5)):
        for row in figure_rows(
            ods, "COC_by_28weeks", numerator=f"{round((rate + offset) * 4)}", denominator="400",
            rate=f"{rate + offset:.1f}", result="Pass", end=end,
        ):  # fmt: skip
            rows.append(Row(row.ods, row.indicator, row.currency, row.value, end=end,
                            family=row.family, start=start))  # fmt: skip
    _ = provisional  # the file name says it; the rows are the same shape either way
    return measures_csv(rows)


def _last_day(year: int, month: int) -> int:
    import calendar

    return calendar.monthrange(year, month)[1]


@dataclass
class Release:
    """One release page: its slug, title and the measures files it links."""

    slug: str
    title: str
    files: list[str]  # file names

    @property
    def path(self) -> str:
        return f"{SERIES}/{self.slug}"


def monthly_release(final: tuple[int, int], provisional: tuple[int, int]) -> Release:
    """A release as published since April 2023: final month M-1 and provisional month M."""
    fy, fm = final
    py, pm = provisional
    slug = (
        f"final-{_MONTHS[fm - 1].lower()}-{fy}-provisional-{_MONTHS[pm - 1].lower()}-{py}"
        "-official-statistics"
    )
    title = (
        f"Maternity Services Monthly Statistics, Final {month_label(fy, fm)}, "
        f"Provisional {month_label(py, pm)}, official statistics"
    )
    return Release(
        slug, title,
        [file_name(fy, fm, provisional=False), file_name(py, pm, provisional=True)],
    )  # fmt: skip


def release_page(release: Release, files_base: str, *, layout: str = "nhs") -> str:
    """A SYNTHETIC release page in the structure of NHS England's ("nhs") or another one
    entirely ("redesigned")."""
    links = "\n".join(
        f'''      <div class="nhsd-m-download-card">
        <a class="nhsd-a-box-link" href="{files_base}{file_path(name)}"
           title="{_describe(name)}">
          <p class="nhsd-t-heading-s">{_describe(name)}</p>
          <p class="nhsd-t-body-s">csv | 9 MB</p>
        </a>
      </div>'''
        for name in release.files
    )
    if layout == "redesigned":
        # Another site entirely: no ids, no classes, files behind buttons with data-href,
        # the file names in upper case.
        buttons = "\n".join(
            f'<button data-href="{files_base}{download_path(name)}">Download</button>'
            for name in release.files
        )
        return f"""<!doctype html>
<html lang="en"><head><title>{release.title} (synthetic test page)</title></head>
<body><main><article><header><h1>{release.title}</h1></header>
<p>Synthetic test page in a different layout.</p>
<section><h2>Downloads</h2>{buttons}</section></article></main></body></html>
"""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{release.title} - NHS England Digital (synthetic test page)</title></head>
<body>
<a class="nhsd-a-skip-link" href="#main-content">Skip to main content</a>
<main id="main-content">
  <div class="nhsd-o-hero">
    <span class="nhsd-t-heading-xs">Publication, Part of
      <a href="{SERIES}">Maternity Services Monthly Statistics</a></span>
    <h1 class="nhsd-t-heading-xl">{release.title}</h1>
    <span>Official statistics</span>
  </div>
  <nav aria-label="Page contents">
    <a href="{release.path}/data-quality-statement">Data quality statement</a>
    <a href="{release.path}/analysis">Analysis</a>
  </nav>
  <section id="summary"><h2>Summary</h2>
    <p>This statistical release makes available the most recent monthly data on NHS-funded
    maternity services in England (synthetic test text).</p>
    <p>The files are available under the 'Resources' section of this webpage.</p>
  </section>
  <section id="resources"><h2>Resources</h2>
{links}
      <div class="nhsd-m-download-card">
        <a class="nhsd-a-box-link" href="{files_base}/files/0A/1B2C3D/msds-synthetic-exp-data.csv">
          MSDS data (synthetic)</a>
      </div>
  </section>
</main>
</body></html>
"""


def _describe(name: str) -> str:
    stem = name.removesuffix(".csv")
    return " ".join(part.capitalize() for part in stem.split("-"))


def index_page(releases: list[Release], *, layout: str = "nhs") -> str:
    """A SYNTHETIC series index page listing `releases` (newest first) like NHS England's."""
    newest, *past = releases
    if layout == "redesigned":
        rows = "\n".join(f'<tr><td><a href="{r.path}/">{r.title}</a></td></tr>' for r in releases)
        return f"""<!doctype html>
<html><head><title>Maternity Services Monthly Statistics (synthetic test page)</title></head>
<body><h1>Maternity Services Monthly Statistics</h1>
<table><tbody>{rows}</tbody></table>
<p><a href="https://example.org/elsewhere">Elsewhere</a>
<a href="{SERIES}/methodology/what-is-msds">Methodology</a></p></body></html>
"""
    past_links = "\n".join(
        f'''      <li><a class="cta__button" href="{r.path}" title="{r.title}">{r.title}</a>
        <span>Official statistics</span></li>'''
        for r in past
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Maternity Services Monthly Statistics - NHS England Digital (synthetic test page)</title>
</head>
<body>
<a class="nhsd-a-skip-link" href="#main-content">Skip to main content</a>
<main id="main-content">
  <span>Series / Collection</span>
  <h1>Maternity Services Monthly Statistics</h1>
  <p>Official statistics, Experimental statistics</p>
  <p>These are the Official Statistics about NHS-funded maternity services in England, from
  the Maternity Services Data Set (MSDS) (synthetic test text).</p>
  <div id="latest-statistics"><h2>Latest statistics</h2>
    <a class="cta__button" href="{newest.path}">{newest.title}</a>
  </div>
  <div id="about-this-publication"><h2>About this publication</h2>
    <a href="https://digital.nhs.uk/data-and-information/data-collections-and-data-sets/{DATASET}"
       >Maternity Services Data Set</a>
  </div>
  <div id="upcoming-publications"><h2>Upcoming publications</h2>
    <p>Maternity Services Monthly Statistics, next month (not yet published)</p>
  </div>
  <div id="past-publications"><h2>Past publications</h2>
    <ul>
{past_links}
    </ul>
  </div>
</main>
</body></html>
"""


@dataclass
class Mirror:
    """A local mirror on a real HTTP server: index, release pages and CSVs, all switchable."""

    server: PageServer
    releases: list[Release] = field(default_factory=list)  # newest first
    layout: str = "nhs"
    missing: set[str] = field(default_factory=set)  # release slugs that answer 404

    @property
    def index_url(self) -> str:
        return self.server.url(SERIES)

    def add_file(self, name: str, body: str) -> None:
        for path in (file_path(name), download_path(name)):
            self.server.routes[path] = Route(body, content_type="text/csv")

    def publish(self, release: Release) -> None:
        """Put a release on the mirror as the newest one."""
        self.releases.insert(0, release)
        self.refresh()

    def refresh(self) -> None:
        routes = self.server.routes
        routes[SERIES] = Route(index_page(self.releases, layout=self.layout))
        for release in self.releases:
            if release.slug in self.missing:
                page = Route("<p>Page not found</p>", status=404)
            else:
                page = Route(release_page(release, self.server.base, layout=self.layout))
            routes[release.path] = routes[release.path + "/"] = page
