"""Fixtures for the documentation tests: the pages, and a world in which their commands run.

The command lines of README.md and docs/ run as a newcomer would type them: in a temporary
copy of `examples/`, with a temporary home folder, today pinned, and no network (a proxy that
refuses every connection). Addresses written `https://…/NAME` on a page are served from a
local server, as are postcodes.io's and the Members API's answers for the guides' postcode;
`~/Downloads/NAME` is put in place. The measures files and the lookups' answers served there
are SYNTHETIC; the registry served as `trusts.yaml` is a copy of the shipped one, with its
statistics folder beside it.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.paths import ROOT

DOCS = ROOT / "docs"
PAGES_TODAY = "2026-11-23"
MEASURES_FILE = "msds-oct2025-exp-measures.csv"
MEASURES_HEADER = (
    "Org_Code,Org_Name,Org_Level,RPStartDate,RPEndDate,IndicatorFamily,Indicator,Currency,Value"
)


def synthetic_measures_csv() -> str:
    """A SYNTHETIC month of MSDS figures for two real Trusts of the shipped registry."""
    rows = []
    for ods, numerator, denominator, rate in (("RR8", 45, 250, 18.0), ("RJ1", 30, 300, 10.0)):
        for currency, value in (("Numerator", numerator), ("Denominator", denominator),
                                ("Rate", rate)):  # fmt: skip
            rows.append(
                f"{ods},SYNTHETIC {ods},Provider,2025-10-01,2025-10-31,COC_Rate,"
                f"COC_by_28weeks,{currency},{value}"
            )
    return "\n".join([MEASURES_HEADER, *rows]) + "\n"


def _msds_mirror(series: Path) -> None:
    """A SYNTHETIC series index with one release page linking the served October 2025 file."""
    slug = "final-october-2025-provisional-november-2025-official-statistics"
    (series / slug).mkdir(parents=True)
    (series / "index.html").write_text(
        f'<h1>Maternity Services Monthly Statistics (synthetic)</h1><a href="{slug}/">Final '
        "October 2025, Provisional November 2025</a>",
        encoding="utf-8",
    )
    (series / slug / "index.html").write_text(
        "<h1>Maternity Services Monthly Statistics, Final October 2025 (synthetic)</h1>"
        f'<a href="../../../{MEASURES_FILE}">Measures</a>',
        encoding="utf-8",
    )


def _whatdotheyknow_mirror(served: Path) -> None:
    """SYNTHETIC WhatDoTheyKnow JSON for the correspondence guide: one request with a reply
    (in the shape of Alaveteli's `InfoRequest#json_for_api`) and the feeds `requests` reads."""
    import json

    request = {
        "id": 1,
        "url_title": "continuity_of_carer_at_leeds",
        "title": "Continuity of carer (synthetic)",
        "created_at": "2026-11-16T09:00:00Z",
        "updated_at": "2026-11-20T09:00:00Z",
        "described_state": "partially_successful",
        "display_status": "Partially successful",
        "awaiting_description": False,
        "prominence": "normal",
        "law_used": "foi",
        "tags": [["continuity_of_carer", None]],
        "info_request_events": [
            {"id": 1, "event_type": "sent", "created_at": "2026-11-16T09:00:00Z"},
            {
                "id": 2,
                "event_type": "response",
                "created_at": "2026-11-20T09:00:00Z",
                "incoming_message_id": 5,
            },
        ],
    }
    (served / "request").mkdir()
    (served / "request" / "continuity_of_carer_at_leeds.json").write_text(json.dumps(request))
    feed = [{**request["info_request_events"][0], "info_request": request}]  # type: ignore[index]
    for folder, name in (("body", "name_on_the_site.json"), ("search", "tag:ods:RR8.json")):
        (served / "feed" / folder).mkdir(parents=True, exist_ok=True)
        (served / "feed" / folder / name).write_text(json.dumps(feed))


def _lookup_mirrors(served: Path) -> None:
    """SYNTHETIC answers of postcodes.io and the Members API for the guides' postcode, at the
    paths those services use (a query string is ignored by the local server)."""
    import json

    from tests.support.lookups import (
        POSTCODE,
        constituency_answer,
        contact_answer,
        postcode_answer,
    )

    (served / "postcodes").mkdir()
    (served / "postcodes" / POSTCODE).write_text(json.dumps(postcode_answer()))
    search = served / "api" / "Location" / "Constituency"
    search.mkdir(parents=True)
    (search / "Search").write_text(json.dumps(constituency_answer()))
    (served / "api" / "Members" / "9001").mkdir(parents=True)
    (served / "api" / "Members" / "9001" / "Contact").write_text(json.dumps(contact_answer()))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def _serving(folder: Path) -> Iterator[str]:
    """A local web server for `folder`; yields its address."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class PageWorld:
    """Where a page's commands run: the folder, the home folder, the environment, the server."""

    folder: Path
    home: Path
    env: dict[str, str]
    address: str


@pytest.fixture
def page_world(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_env: Path
) -> Iterator[PageWorld]:
    """A fresh clone, home folder and local web server for one page's command lines."""
    from cocwatch.locations import shipped_registry

    home = isolated_env
    clone = tmp_path / "clone"
    shutil.copytree(ROOT / "examples", clone / "examples")
    monkeypatch.chdir(clone)
    measures = synthetic_measures_csv()
    served = tmp_path / "served"
    served.mkdir()
    (served / MEASURES_FILE).write_text(measures, encoding="utf-8")
    shutil.copyfile(shipped_registry(), served / "trusts.yaml")
    shutil.copytree(shipped_registry().parent / "statistics", served / "statistics")
    _msds_mirror(served / "msds" / "series")
    _whatdotheyknow_mirror(served)
    _lookup_mirrors(served)
    (home / "Downloads").mkdir()
    (home / "Downloads" / MEASURES_FILE).write_text(measures, encoding="utf-8")
    # cocwatch installed as the README says, in the Python environment ~/campaign-env (the
    # crontab lines of the guides give its full path, as cron needs)
    bin_dir = home / "campaign-env" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "cocwatch").symlink_to(Path(sys.executable).parent / "cocwatch")
    refuse = "http://127.0.0.1:9"  # the discard port: any attempt to go online fails at once
    env = {
        "HOME": str(home),
        "COCWATCH_TODAY": PAGES_TODAY,
        "HTTP_PROXY": refuse,
        "HTTPS_PROXY": refuse,
        "NO_PROXY": "127.0.0.1,localhost",
    }
    with _serving(served) as address:
        env["COCWATCH_STATISTICS_URL"] = f"{address}msds/series/"  # `import msds --latest` etc.
        env["COCWATCH_WHATDOTHEYKNOW"] = address.rstrip("/")  # `requests`, `letter --whatdo…`
        env["COCWATCH_POSTCODES_URL"] = address.rstrip("/")  # `mp`, `letter mp`, postcodes
        env["COCWATCH_PARLIAMENT_URL"] = address.rstrip("/")
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        yield PageWorld(folder=clone, home=home, env=env, address=address)
