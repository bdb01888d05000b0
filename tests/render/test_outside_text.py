"""Text from outside (a statistics manifest, a published file, a web page, WhatDoTheyKnow)
reaches the terminal neutralised, in every format: control characters and direction marks
are shown as escapes (JSON keeps them exactly, as JSON escapes), never acted on; and the
report links only to web addresses.

Every Trust, file, page and request here is synthetic; the hostile strings are the ones an
adversarial pass planted: an escape sequence that recolours, OSC title and hyperlink
sequences, a C1 control, and U+202E, which shows text backwards.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.locations import STATISTICS_FOLDER
from tests.statistics.release_pages import Mirror, Release, file_name, synthetic_month
from tests.support.msds import OCTOBER, measures_csv
from tests.support.registries import MINIMAL_REGISTRY
from tests.support.stores import write_store
from tests.support.web import PageServer, Route

Run = Callable[..., Result]

HOSTILE = (
    "A\x1b[31mred\x1b]0;owned\x07 \x1b]8;;https://evil.example/\x07link\x1b]8;;\x07 "
    "\x9b2J \u202eevil"
)
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def clean(*texts: str) -> None:
    for text in texts:
        for char in RAW:
            assert char not in text, f"{char!r} reached the terminal: {text!r}"


@pytest.fixture
def site() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.close()


# WhatDoTheyKnow: `requests` in every format --------------------------------------------------


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_request_titles_and_states_are_neutralised_in_every_format(
    run: Run, tmp_path: Path, site: PageServer, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    (tmp_path / "trusts.yaml").write_text(MINIMAL_REGISTRY, encoding="utf-8")
    monkeypatch.setenv("COCWATCH_WHATDOTHEYKNOW", site.base)
    feed = [
        {
            "info_request": {
                "url_title": "coc_request",
                "title": f"Continuity of carer {HOSTILE}",
                "described_state": HOSTILE,
                "created_at": "2026-10-01T09:00:00Z",
                "tags": [["continuity_of_carer", None], ["ods", HOSTILE]],
            },
            "public_body": {"name": HOSTILE},
        }
    ]
    site.routes["/feed/search/tag%3Aods%3AXX1.json"] = Route(
        json.dumps(feed), content_type="application/json"
    )
    result = run("-r", str(tmp_path / "trusts.yaml"), "requests", "example-north", "-f", fmt)
    assert result.exit_code == 0, result.stderr
    clean(result.stdout, result.stderr)
    if fmt == "json":  # JSON keeps the text exactly: its escapes are JSON's own
        (listed,) = json.loads(result.stdout)["requests"]
        assert listed["title"] == f"Continuity of carer {HOSTILE}"
    else:
        assert "\\x1b" in result.stdout


# Import warnings: a provider's name, an indicator --------------------------------------------


def test_import_warnings_show_a_providers_name_and_an_indicator_escaped(
    run: Run, minimal_registry: Path, tmp_path: Path
) -> None:
    rows = [
        *OCTOBER,
        f"XX8,{HOSTILE},Provider,2025-10-01,2025-10-31,COC_Rate,COC_by_28weeks,Rate,40.0",
        "XX1,X,Provider,2025-10-01,2025-10-31,COC_Rate,COC_by\x1b[2J,Rate,nope",
        "XX1,X,Provider,2025-10-01,2025-10-31,COC_Rate,COC_by_28weeks,Rate,\u202e12",
    ]
    source = tmp_path / "msds-oct2025-exp-measures.csv"
    source.write_text(measures_csv(rows), encoding="utf-8")
    for fmt in ("table", "json", "csv"):
        result = run(
            "import", "msds", str(source), "-r", str(minimal_registry), "-f", fmt,
            "--source-url", "https://example.org/release",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        clean(result.stdout, result.stderr)
    assert "XX8 (A\\x1b[31mred" in result.stderr


def test_a_local_file_named_with_an_escape_sequence_is_shown_escaped(
    run: Run, minimal_registry: Path, tmp_path: Path
) -> None:
    source = tmp_path / "msds\x1b[31mred.csv"
    source.write_text(measures_csv(OCTOBER), encoding="utf-8")
    result = run(
        "import", "msds", str(source), "-r", str(minimal_registry), "--commit",
        "--source-url", "https://example.org/release",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    clean(result.stdout, result.stderr)
    listed = run("statistics", "-r", str(minimal_registry))
    clean(listed.stdout, listed.stderr)
    kept = [p.name for p in (tmp_path / STATISTICS_FOLDER / "msds").iterdir()]
    assert kept == ["msds_31mred-coc.csv"]


# A release page's heading in the --since summary ----------------------------------------------


def test_a_release_pages_heading_is_shown_escaped(
    run: Run, site: PageServer, tmp_path: Path
) -> None:
    mirror = Mirror(site)
    mirror.add_file(
        file_name(2025, 3, provisional=True),
        synthetic_month(2025, 3, rate=13.0, provisional=True),
    )
    mirror.publish(
        Release("provisional-march-2025", f"Provisional March 2025 {HOSTILE}",
                [file_name(2025, 3, provisional=True)])
    )  # fmt: skip
    for fmt in ("table", "json", "csv", "markdown"):
        registry = tmp_path / fmt / "trusts.yaml"
        registry.parent.mkdir()
        registry.write_text(MINIMAL_REGISTRY, encoding="utf-8")
        result = run(
            "import", "msds", "--since", "2025-01", "--index", mirror.index_url,
            "-r", str(registry), "-f", fmt, "--commit",
        )  # fmt: skip
        assert result.exit_code == 0, result.stderr
        clean(result.stdout, result.stderr)
        assert "March 2025" in result.stdout


# The statistics manifest's fields ------------------------------------------------------------


@pytest.mark.parametrize("field", ["source_file", "release_page", "file_url", "notes"])
def test_manifest_fields_never_reach_the_terminal_raw(run: Run, tmp_path: Path, field: str) -> None:
    value = HOSTILE if field in ("source_file", "notes") else f"https://example.org/{HOSTILE}"
    registry = write_store(tmp_path, **{field: value})
    for args in (("statistics",), ("check", "example-north", "-f", "json")):
        result = run("-r", str(registry), *args)
        assert result.exit_code != 70, result.stderr
        clean(result.stdout, result.stderr)


def test_a_manifest_file_name_with_an_escape_sequence_is_shown_escaped(
    run: Run, tmp_path: Path
) -> None:
    registry = write_store(tmp_path, file="msds/\x1b[31mred.csv")
    result = run("-r", str(registry), "statistics")
    assert result.exit_code != 70, result.stderr
    clean(result.stdout, result.stderr)


# The report links only to the web ------------------------------------------------------------


@pytest.mark.parametrize(
    "page", ["javascript:alert(document.domain)//", "data:text/html,<script>1</script>"]
)
def test_the_report_links_only_to_web_addresses(run: Run, tmp_path: Path, page: str) -> None:
    registry = write_store(tmp_path, release_page=page, file_url="")
    out = tmp_path / "site"
    result = run("-r", str(registry), "report", "--out", str(out))
    assert result.exit_code != 70, result.stderr
    pages = [p.read_text("utf-8") for p in out.rglob("*.html")] if out.exists() else []
    for html in pages:
        assert "javascript:" not in html and "data:text" not in html
    links = [p for p in pages if "href=" in p]
    assert links or result.exit_code == 3


def test_every_link_the_report_writes_is_to_the_web(run: Run, tmp_path: Path) -> None:
    """Whatever the figures cite, every href in the report is http(s), a page of the report
    itself or an anchor in it."""
    import re

    registry = write_store(tmp_path)
    out = tmp_path / "site"
    result = run("-r", str(registry), "report", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    for page in out.rglob("*.html"):
        for href in re.findall(r'href="([^"]*)"', page.read_text("utf-8")):
            assert re.match(r"(https?://|#|[\w./-]+\.html(#|$)|\.\./|[\w-]+/)", href), href


def test_the_reports_link_macro_links_only_to_the_web() -> None:
    """Defence in depth: even a figure whose source was never validated links only to http(s)."""
    from cocwatch.render.report import environment

    link = environment().get_template("macros.html.j2").module.link  # type: ignore[attr-defined]
    for address in ("javascript:alert(1)//", "data:text/html,x", "https:/x", "//evil.example/"):
        assert str(link(address, "the source")) == "the source"
    assert 'href="https://example.org/a"' in str(link("https://example.org/a", "the source"))
