"""Find NHS England's monthly MSDS measures files: the series index page, its release pages,
and the measures CSVs each release page links.

The series index (NHS England's *Maternity Services Monthly Statistics* page) links one page
per monthly release; each release page links its CSVs. Since April 2023 a release holds two
measures files: the final one for the month before and a provisional one for its own month
(``msds-apr2025-exp-measures.csv``, ``msds-may2025Provisional-exp-measures.csv``). Earlier
releases hold one final file.

Page layouts and addresses change over time, so nothing here depends on them. A release page
is any page one level below the index's address; a measures file is any address on a release
page, in any attribute of any element, whose file name has the measures file's form (any
letter case). The month and whether the file is provisional are read from that name. Every
file keeps the address of the release page that links it: that page is what figures cite.

Imports httpx (lazily), selectolax and the shared HTTP helpers only; the client is passed in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from cocwatch.errors import ExternalError, InputError
from cocwatch.sources.html_limits import html_problem
from cocwatch.statistics.msds.measures import INDEX_URL
from cocwatch.statistics.releases import (
    Discovery,
    Fetch,
    MeasuresFile,
    Month,
    PageProblem,
    Wanted,
)

if TYPE_CHECKING:
    import httpx

DEFAULT_INDEX = INDEX_URL
_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
_MONTH_PATTERN = "|".join([*_MONTHS, "sept", *(m[:3] for m in _MONTHS)])
_MEASURES_NAME = re.compile(
    rf"^msds-(?P<mon>{'|'.join(m[:3] for m in _MONTHS)})(?P<year>\d{{4}})"
    r"(?P<provisional>provisional)?-exp-measures\.csv$",
    re.IGNORECASE,
)
_MONTH_IN_TEXT = re.compile(rf"\b({_MONTH_PATTERN})[\s_,./-]*((?:19|20)\d\d)\b", re.IGNORECASE)
_NOT_A_PAGE = re.compile(r"\.(csv|xlsx?|zip|pdf|docx?|odt|ods|json|xml|png|jpe?g|svg)$", re.I)


@dataclass(frozen=True, slots=True)
class ReleaseLink:
    """A link from the index to a release page, with the months its words mention."""

    url: str
    months: tuple[Month, ...]  # empty when neither the address nor the link text names one

    @property
    def newest(self) -> Month | None:
        return max(self.months) if self.months else None


# ---------------------------------------------------------------------------------------------
# Reading pages (pure: text in, values out)


def measures_file_name(url: str) -> tuple[Month, bool] | None:
    """The month and provisional flag a measures file's address names, or None."""
    path = unquote(urlsplit(url).path)
    match = _MEASURES_NAME.match(path.rsplit("/", 1)[-1].strip())
    if not match:
        return None
    month = [m[:3] for m in _MONTHS].index(match["mon"].lower()) + 1
    return Month(int(match["year"]), month), match["provisional"] is not None


def months_named(text: str) -> tuple[Month, ...]:
    """Every 'April 2025' (or 'apr-2025', 'april_2025') in a text, in order, without repeats."""
    found: list[Month] = []
    for match in _MONTH_IN_TEXT.finditer(text):
        name = match[1].lower()
        number = 9 if name == "sept" else [m[:3] for m in _MONTHS].index(name[:3]) + 1
        month = Month(int(match[2]), number)
        if month not in found:
            found.append(month)
    return tuple(found)


def page_title(html: str) -> str:
    """The page's main heading, else its <title>, with whitespace tidied."""
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(html)
    for selector in ("h1", "title"):
        node = tree.css_first(selector)
        if node is not None:
            text = " ".join(node.text(separator=" ").split())
            if text:
                return text
    return ""


def release_links(index_html: str, index_url: str) -> list[ReleaseLink]:
    """The release pages an index page links: every page one level below the index's address.

    Links are recognised by where they point, not by the page's layout, so a redesign of
    the index page does not hide them. Pages that hold a file (a CSV, a PDF) are not pages.
    """
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    base_path = _series_path(index_url)
    base = urlsplit(index_url)
    found: dict[str, ReleaseLink] = {}
    for node in HTMLParser(index_html).css("a[href]"):
        href = (node.attributes.get("href") or "").strip()
        if not href or href.startswith(("mailto:", "javascript:", "#")):
            continue
        url = urldefrag(urljoin(index_url, href)).url
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            continue
        path = unquote(parts.path).rstrip("/")
        if not path.startswith(base_path + "/"):
            continue
        slug = path[len(base_path) + 1 :]
        if not slug or "/" in slug or _NOT_A_PAGE.search(slug):
            continue
        words = f"{slug} {node.text(separator=' ')} {node.attributes.get('title') or ''}"
        months = months_named(words)
        held = found.get(url)
        if held is not None:
            months = tuple(dict.fromkeys([*held.months, *months]))
        found[url] = ReleaseLink(url, months)
    return list(found.values())


def measures_links(page_html: str, page_url: str) -> list[MeasuresFile]:
    """Every measures CSV a release page links, wherever on the page, in page order."""
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    tree = HTMLParser(page_html)
    title = page_title(page_html)
    found: dict[str, MeasuresFile] = {}
    for node in tree.css("*"):
        for value in node.attributes.values():
            if not value or "exp-measures" not in value.lower():
                continue
            url = urldefrag(urljoin(page_url, value.strip())).url
            named = measures_file_name(url)
            if named is None or url in found:
                continue
            month, provisional = named
            found[url] = MeasuresFile(month, provisional, url, page_url, title)
    return list(found.values())


def _series_path(index_url: str) -> str:
    """The address under which the index's release pages live."""
    path = unquote(urlsplit(index_url).path).rstrip("/")
    last = path.rsplit("/", 1)[-1]
    if "." in last:  # an index saved as a file (…/series/index.html): its folder
        path = path.rsplit("/", 1)[0]
    return path


# ---------------------------------------------------------------------------------------------
# Choosing which release pages to read


def pages_to_read(links: Iterable[ReleaseLink], wanted: Wanted) -> list[ReleaseLink]:
    """The release pages worth reading for `wanted`, newest first.

    Every page that names a wanted month, or names none (it might hold one). For the newest
    release that is every page: `discover` stops at the first that links files, so a
    release announced without its files yet falls back to the one before.
    """
    chosen = [link for link in links if wanted.may_hold(link.months)]
    # Dated pages newest first, then the pages whose words name no month.
    dated = [link for link in chosen if link.newest is not None]
    undated = [link for link in chosen if link.newest is None]
    return sorted(dated, key=lambda link: link.newest or Month(1, 1), reverse=True) + undated


# ---------------------------------------------------------------------------------------------
# Fetching (the client is passed in)

# The most release pages one run reads (ten years of monthly releases): an index listing
# thousands of pages is not read to its end.
MAX_RELEASE_PAGES = 120


def discover(fetch: Fetch, index_url: str, wanted: Wanted) -> Discovery:
    """Read the index, then the release pages that may hold wanted months.

    `fetch(url)` returns a page's bytes or raises `ExternalError`. A release page that cannot
    be fetched is reported in `problems` and the others are still read; an index that cannot
    be fetched, or that links no release pages, is an error.
    """
    index_body = fetch(index_url)
    problem = html_problem(index_body)
    if problem is not None:
        raise InputError(
            f"The index page {index_url} cannot be read: {problem}. Check the address: it "
            f"should be the series page of Maternity Services Monthly Statistics, {DEFAULT_INDEX}."
        )
    index_html = _text(index_body)
    links = release_links(index_html, index_url)
    if not links:
        raise InputError(
            f"The index page {index_url} was fetched ({len(index_body):,} bytes) but links no "
            "release pages (pages one level below its address). Check the address: it should "
            f"be the series page of Maternity Services Monthly Statistics, {DEFAULT_INDEX}. "
            "The site may also have sent a reduced page to a program rather than a browser: "
            "open the address in a browser, find the release, copy the address of its "
            "measures file (msds-<month><year>-exp-measures.csv) and import it by that "
            "address with `cocwatch import msds ADDRESS`."
        )
    files: dict[tuple[Month, bool], MeasuresFile] = {}
    problems: list[PageProblem] = []
    read = 0
    newest_seen: Month | None = None
    for link in pages_to_read(links, wanted):
        # Newest release only: once a dated page has given files, older (or undated) pages
        # are not read.
        if (
            wanted.mode == "latest"
            and newest_seen is not None
            and (link.newest is None or link.newest < newest_seen)
        ):
            break
        if read + len(problems) >= MAX_RELEASE_PAGES:
            problems.append(
                PageProblem(
                    index_url,
                    "the index links more release pages than cocwatch reads in one run "
                    f"({MAX_RELEASE_PAGES}), so the rest were not read; ask for fewer months "
                    "(--month YYYY-MM, or a later --since)",
                    (),
                    unreachable=False,
                )
            )
            break
        try:
            page = fetch(link.url)
        except ExternalError as exc:
            problems.append(PageProblem(link.url, exc.message, link.months))
            continue
        problem = html_problem(page)
        if problem is not None:
            problems.append(PageProblem(link.url, problem, link.months, unreachable=False))
            continue
        html = _text(page)
        read += 1
        found = measures_links(html, link.url)
        if not found and wanted.mode != "latest" and any(wanted.covers(m) for m in link.months):
            problems.append(
                PageProblem(
                    link.url,
                    "it links no measures file (msds-<month><year>-exp-measures.csv): the "
                    "release may be announced before its files. Open the page in a browser; "
                    "if the file is there, import it by its address with "
                    "`cocwatch import msds ADDRESS`",
                    link.months,
                    unreachable=False,
                )
            )
        for measures in found:
            # A file linked from two pages is cited to the newer release (listed first).
            files.setdefault((measures.month, measures.provisional), measures)
            if newest_seen is None or measures.month > newest_seen:
                newest_seen = measures.month
    ordered = sorted(files.values(), key=lambda f: (f.month, not f.provisional))
    return Discovery(index_url, wanted, tuple(ordered), tuple(problems), read)


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="replace")


def http_fetcher(http: httpx.Client, *, max_bytes: int) -> Fetch:
    """A `Fetch` that GETs a page with `http`, size-capped, errors explained."""

    def fetch(url: str) -> bytes:
        import httpx

        from cocwatch.sources.http import describe_http_error, read_capped, request_headers

        try:
            with http.stream("GET", url, headers=request_headers()) as response:
                response.raise_for_status()
                return read_capped(response, url, max_bytes=max_bytes)
        except httpx.HTTPError as exc:
            raise ExternalError(describe_http_error(url, exc)) from None

    return fetch
