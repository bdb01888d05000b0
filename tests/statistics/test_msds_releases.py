"""Finding MSDS measures files: pure page reading, then a real HTTP server on 127.0.0.1 serving
a mirror of the index and release pages (synthetic pages modelled on NHS England's, see
tests/statistics/release_pages.py), and the download cache's conditional GETs.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from cocwatch.cache.downloads import DownloadCache
from cocwatch.errors import ExternalError, InputError, UsageError
from cocwatch.statistics.msds.releases import (
    Month,
    Wanted,
    discover,
    http_fetcher,
    measures_file_name,
    measures_links,
    months_named,
    release_links,
)
from tests.statistics.release_pages import (
    SERIES,
    Mirror,
    file_name,
    index_page,
    monthly_release,
    release_page,
    synthetic_month,
)
from tests.support.web import PageServer

INDEX = "https://digital.nhs.uk" + SERIES


# Pure: names, months, links ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://files.digital.nhs.uk/8A/2B7A3C/msds-apr2025-exp-measures.csv",
            ((2025, 4), False),
        ),
        ("/x/msds-apr2025Provisional-exp-measures.csv", ((2025, 4), True)),
        ("MSDS-SEP2019-EXP-MEASURES.CSV", ((2019, 9), False)),
        ("https://h/a/msds-dec2024provisional-exp-measures.csv?download=1#x", ((2024, 12), True)),
        ("https://h/a/msds%2Djan2026-exp-measures.csv", ((2026, 1), False)),
        ("https://h/a/msds-apr2025-exp-data.csv", None),
        ("https://h/a/msds-apr2025-exp-dq.csv", None),
        ("https://h/a/msds-april2025-exp-measures.csv", None),
        ("https://h/a/msds-apr2025-exp-measures.xlsx", None),
        ("https://h/a/msds-apr2025-exp-measures.csv/page", None),
    ],
)
def test_measures_file_names(url: str, expected: tuple[tuple[int, int], bool] | None) -> None:
    named = measures_file_name(url)
    if expected is None:
        assert named is None
    else:
        assert named == (Month(*expected[0]), expected[1])


def test_months_named_in_slugs_and_titles() -> None:
    assert months_named("final-april-2025-provisional-may-2025-official-statistics") == (
        Month(2025, 4),
        Month(2025, 5),
    )
    assert months_named("Maternity Services Monthly Statistics June 2019") == (Month(2019, 6),)
    assert months_named("march-2023-experimental-statistics") == (Month(2023, 3),)
    assert months_named("Sept 2020, sep_2021") == (Month(2020, 9), Month(2021, 9))
    assert months_named("methodology") == ()


def test_month_argument() -> None:
    assert Month.parse("2025-03") == Month(2025, 3)
    assert str(Month(2025, 3)) == "2025-03"
    assert Month(2024, 2).last_day.isoformat() == "2024-02-29"
    assert Month(2025, 12).last_day.isoformat() == "2025-12-31"
    assert Month(2025, 4).label == "April 2025"
    for bad in ("2025-13", "March 2025", "2025/03", ""):
        with pytest.raises(UsageError, match="YYYY-MM"):
            Month.parse(bad)


def test_index_links_release_pages_one_level_down_only() -> None:
    releases = [monthly_release((2025, 3), (2025, 4)), monthly_release((2025, 2), (2025, 3))]
    links = release_links(index_page(releases), INDEX)
    assert [link.url for link in links] == ["https://digital.nhs.uk" + r.path for r in releases]
    assert links[0].months == (Month(2025, 3), Month(2025, 4))
    assert links[0].newest == Month(2025, 4)


def test_index_in_another_layout_and_with_trailing_slashes() -> None:
    releases = [monthly_release((2025, 3), (2025, 4)), monthly_release((2025, 2), (2025, 3))]
    links = release_links(index_page(releases, layout="redesigned"), INDEX + "/")
    # The methodology chapter is two levels down; the external link is elsewhere.
    assert [link.url for link in links] == [
        "https://digital.nhs.uk" + r.path + "/" for r in releases
    ]


def test_release_page_files_wherever_they_are_in_any_case() -> None:
    release = monthly_release((2025, 3), (2025, 4))
    page_url = "https://digital.nhs.uk" + release.path
    for layout in ("nhs", "redesigned"):
        found = measures_links(
            release_page(release, "https://files.example", layout=layout), page_url
        )
        assert [(str(f.month), f.kind) for f in found] == [
            ("2025-03", "final"),
            ("2025-04", "provisional"),
        ], layout
        assert {f.release_url for f in found} == {page_url}
        assert found[0].release_title.startswith(
            "Maternity Services Monthly Statistics, Final March 2025, Provisional April 2025"
        )
        assert found[0].csv_url.startswith("https://files.example/")


def test_relative_file_links_resolve_against_the_page() -> None:
    html = '<p>See <a href="../files/msds-jun2019-exp-measures.csv">the file</a></p>'
    (found,) = measures_links(html, "https://h/series/june-2019")
    assert found.csv_url == "https://h/files/msds-jun2019-exp-measures.csv"
    assert (str(found.month), found.provisional) == ("2019-06", False)


# Against a local mirror ---------------------------------------------------------------------


@pytest.fixture
def mirror() -> Iterator[Mirror]:
    server = PageServer()
    site = Mirror(server)
    for year, month in ((2025, 1), (2025, 2), (2025, 3), (2025, 4)):
        for provisional in (False, True):
            name = file_name(year, month, provisional=provisional)
            site.add_file(name, synthetic_month(year, month, rate=10.0, provisional=provisional))
    site.publish(monthly_release((2025, 1), (2025, 2)))
    site.publish(monthly_release((2025, 2), (2025, 3)))
    site.publish(monthly_release((2025, 3), (2025, 4)))
    yield site
    server.close()


def _discover(site: Mirror, wanted: Wanted) -> tuple[list[tuple[str, str]], list[str]]:
    with httpx.Client() as http:
        found = discover(http_fetcher(http, max_bytes=1_000_000), site.index_url, wanted)
    files = [(str(f.month), f.kind) for f in found.chosen()]
    return files, [p.message for p in found.problems]


def test_since_finds_every_month_oldest_first_final_preferred(mirror: Mirror) -> None:
    files, problems = _discover(mirror, Wanted("since", Month(2025, 2)))
    assert files == [("2025-02", "final"), ("2025-03", "final"), ("2025-04", "provisional")]
    assert problems == []


def test_since_reads_only_the_pages_that_may_hold_wanted_months(mirror: Mirror) -> None:
    _discover(mirror, Wanted("since", Month(2025, 3)))
    read = {path for path in mirror.server.hits if "final-" in path}
    assert read == {r.path for r in mirror.releases[:2]}


def test_one_month_takes_the_final_file_from_the_later_release(mirror: Mirror) -> None:
    with httpx.Client() as http:
        found = discover(
            http_fetcher(http, max_bytes=10**6), mirror.index_url, Wanted("month", Month(2025, 3))
        )
    (march,) = [f for f in found.chosen() if f.month == Month(2025, 3)]
    assert march.kind == "final"
    assert march.release_url == mirror.server.url(mirror.releases[0].path)


def test_latest_reads_only_the_newest_release(mirror: Mirror) -> None:
    with httpx.Client() as http:
        found = discover(http_fetcher(http, max_bytes=10**6), mirror.index_url, Wanted("latest"))
    assert found.releases_read == 1
    assert found.newest == Month(2025, 4)
    mirror.publish(monthly_release((2025, 4), (2025, 5)))
    files, _ = _discover(mirror, Wanted("latest"))
    assert ("2025-04", "final") in files


def test_a_release_page_that_answers_404_is_reported_and_the_others_read(mirror: Mirror) -> None:
    mirror.missing.add(mirror.releases[1].slug)  # Final February, Provisional March
    mirror.refresh()
    files, problems = _discover(mirror, Wanted("since", Month(2025, 1)))
    assert files == [
        ("2025-01", "final"),
        ("2025-02", "provisional"),
        ("2025-03", "final"),
        ("2025-04", "provisional"),
    ]
    assert len(problems) == 1 and "answered 404 Not Found" in problems[0]
    assert "final-february-2025-provisional-march-2025" in problems[0]


def test_a_redesigned_site_is_read_the_same(mirror: Mirror) -> None:
    mirror.layout = "redesigned"
    mirror.refresh()
    files, problems = _discover(mirror, Wanted("since", Month(2025, 3)))
    assert files == [("2025-03", "final"), ("2025-04", "provisional")]
    assert problems == []


def test_an_index_without_release_pages_is_bad_input(mirror: Mirror) -> None:
    mirror.server.routes[SERIES].body = "<html><body><p>Moved.</p></body></html>"
    with pytest.raises(InputError, match="links no release pages"):
        _discover(mirror, Wanted("latest"))


def test_an_unreachable_index_is_an_external_error(mirror: Mirror) -> None:
    mirror.server.routes[SERIES].status = 503
    with pytest.raises(ExternalError, match="503"):
        _discover(mirror, Wanted("latest"))


# The download cache -------------------------------------------------------------------------


def test_cache_sends_conditional_gets_and_reuses_the_body(mirror: Mirror, tmp_path: Path) -> None:
    cache = DownloadCache(tmp_path / "cache")
    url = mirror.index_url
    seen: list[tuple[int, int | None]] = []
    with httpx.Client() as http:
        first = cache.get(http, url, progress=lambda done, total: seen.append((done, total)))
        second = cache.get(http, url)
    assert first.downloaded and not second.downloaded
    assert first.read() == second.read() and second.path == first.path
    assert mirror.server.not_modified == {SERIES: 1}
    assert seen and seen[-1][0] == len(first.read()) == seen[-1][1]
    # A changed page is downloaded again.
    mirror.publish(monthly_release((2025, 4), (2025, 5)))
    with httpx.Client() as http:
        third = cache.get(http, url)
    assert third.downloaded and b"Provisional May 2025" in third.read()


def test_cache_survives_a_damaged_copy_and_reports_errors(mirror: Mirror, tmp_path: Path) -> None:
    cache = DownloadCache(tmp_path / "cache")
    with httpx.Client() as http:
        cache.get(http, mirror.index_url)
        for stored in (tmp_path / "cache").glob("*.body"):
            stored.write_bytes(b"cut sh")  # a copy cut short: fetched again, not trusted
        again = cache.get(http, mirror.index_url)
        assert again.downloaded
        with pytest.raises(ExternalError, match="404"):
            cache.get(http, mirror.server.url("/nowhere.csv"))
        small = DownloadCache(tmp_path / "small")
        with pytest.raises(ExternalError, match="limit"):
            small.get(http, mirror.index_url, max_bytes=100, progress=lambda d, t: None)
        left = list((tmp_path / "small").glob("*")) if (tmp_path / "small").exists() else []
        assert left == []  # nothing half-written is left
