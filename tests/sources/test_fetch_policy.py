"""One fetch policy for every HTTP client: where a redirect may lead, which header values are
sent back, and which addresses are used at all.

A real server on 127.0.0.1 answers with a hostile redirect, a validator no header can carry,
or is named by an address holding a control character; every fetcher (a registry by URL,
`import msds URL`, `import msds --latest`, `requests`, `due` reading WhatDoTheyKnow, `watch
--pages`, `report --requests`) ends in one sentence and a documented exit code, never 70.
Every Trust, page and file here is synthetic.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import Result

from cocwatch.sources.http import check_web_address, client, download
from tests.support.msds import OCTOBER, measures_csv
from tests.support.registries import MINIMAL_REGISTRY
from tests.support.web import PageServer, Route

Run = Callable[..., Result]

HOSTILE = "javascript:alert(document.domain)//"
REQUEST = "/request/continuity_of_carer_at_example_north"


def redirect(to: str) -> Route:
    return Route(status=302, headers={"Location": to}, etag=False)


@pytest.fixture
def server() -> Iterator[PageServer]:
    pages = PageServer()
    yield pages
    pages.close()


@pytest.fixture
def campaign(tmp_path: Path, server: PageServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A synthetic registry whose Trust is named on a WhatDoTheyKnow served by `server`, and
    whose Board papers page is there too."""
    text = MINIMAL_REGISTRY.replace(
        "    region: North East and Yorkshire\n",
        "    region: North East and Yorkshire\n    whatdotheyknow: example_north\n"
        f"    board_papers_url: {server.base}/north/board\n",
        1,
    )
    (tmp_path / "trusts.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("COCWATCH_REGISTRY", str(tmp_path / "trusts.yaml"))
    monkeypatch.setenv("COCWATCH_WHATDOTHEYKNOW", server.base)
    return tmp_path


def no_internal_error(result: Result) -> None:
    assert result.exit_code != 70, result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


# Group 1: a redirect to `javascript:` (or anywhere not http(s)) --------------------------------


@pytest.mark.parametrize("target", [HOSTILE, "ftp://127.0.0.1/x.csv", "file:///etc/passwd"])
def test_a_redirect_away_from_the_web_is_refused_in_words(
    run: Run, campaign: Path, server: PageServer, target: str
) -> None:
    server.routes["/msds-oct2025-exp-measures.csv"] = redirect(target)
    result = run("import", "msds", server.url("/msds-oct2025-exp-measures.csv"))
    no_internal_error(result)
    assert result.exit_code == 4, result.stderr
    assert "redirected to" in result.stderr and "does not follow" in result.stderr


def test_every_fetcher_refuses_a_redirect_to_javascript(
    run: Run, campaign: Path, server: PageServer, tmp_path: Path
) -> None:
    for path in ("/trusts.yaml", "/index", "/north/board", "/feed/body/example_north.json"):
        server.routes[path] = redirect(HOSTILE)
    server.routes["/feed/search/tag%3Aods%3AXX1.json"] = Route(
        "[]", content_type="application/json"
    )

    remote = run("-r", server.url("/trusts.yaml"), "check", "--all")
    no_internal_error(remote)
    assert remote.exit_code == 4 and "does not follow" in remote.stderr

    latest = run("import", "msds", "--latest", "--index", server.url("/index"))
    no_internal_error(latest)
    assert latest.exit_code == 4 and "does not follow" in latest.stderr

    listed = run("requests", "example-north")
    no_internal_error(listed)
    assert listed.exit_code == 4 and "does not follow" in listed.stderr

    report = run("report", "--requests", "--out", str(tmp_path / "site"))
    no_internal_error(report)
    assert report.exit_code == 0, report.stderr
    assert "does not follow" in report.stderr

    state = ["watch", "--state", str(tmp_path / "state.sqlite3"), "--pages", "--retries", "0"]
    assert run(*state).exit_code == 0  # the baseline
    watched = run(*state)
    no_internal_error(watched)
    assert watched.exit_code == 0, watched.stderr


def test_a_request_whose_json_redirects_is_said_once_and_the_log_still_read(
    run: Run, campaign: Path, server: PageServer
) -> None:
    """`due`, `check --all` and `watch` read the request first: a redirect there is a warning
    said once, never the end of every run."""
    assert run("sent", "foi", "example-north", "--url", server.url(REQUEST)).exit_code == 0
    server.routes[REQUEST + ".json"] = redirect(HOSTILE)
    first = run("due")
    no_internal_error(first)
    assert first.exit_code == 0, first.stderr
    assert first.stderr.count("does not follow") == 1 and "Example North" in first.stdout
    again = run("check", "--all")
    no_internal_error(again)
    assert again.exit_code in (0, 1) and "does not follow" not in again.stderr


def test_whatdotheyknow_is_followed_only_on_its_own_site(
    run: Run, campaign: Path, server: PageServer
) -> None:
    other = PageServer()
    try:
        other.routes["/feed/body/example_north.json"] = Route("[]", content_type="application/json")
        server.routes["/feed/body/example_north.json"] = redirect(
            other.url("/feed/body/example_north.json")
        )
        server.routes["/feed/search/tag%3Aods%3AXX1.json"] = Route(
            "[]", content_type="application/json"
        )
        result = run("requests", "example-north")
        no_internal_error(result)
        assert result.exit_code == 4 and "another site" in result.stderr
        assert other.hits == {}
    finally:
        other.close()


def test_a_redirect_on_the_same_site_is_still_followed(run: Run, server: PageServer) -> None:
    server.routes["/old.yaml"] = redirect("/trusts.yaml")
    server.routes["/trusts.yaml"] = Route(MINIMAL_REGISTRY, content_type="text/yaml")
    result = run("-r", server.url("/old.yaml"), "trusts", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert "example-north" in result.stdout


def test_https_is_never_given_up_for_plain_http() -> None:
    from cocwatch.sources.fetch_policy import RedirectRefused

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.scheme == "https":
            return httpx.Response(301, headers={"Location": "http://example.org/trusts.yaml"})
        return httpx.Response(200, text="version: 1\n")

    with (
        client(transport=httpx.MockTransport(answer)) as http,
        pytest.raises(RedirectRefused, match="unencrypted"),
    ):
        download("https://example.org/trusts.yaml", http=http)


# Group 2: an ETag no header can carry ----------------------------------------------------------


def test_a_validator_with_any_bytes_is_sent_back_exactly(run: Run, server: PageServer) -> None:
    """`ETag: "café"` once made every later run exit 70 until the cache was deleted."""
    server.routes["/trusts.yaml"] = Route(
        MINIMAL_REGISTRY, content_type="text/yaml", etag=False, headers={"ETag": '"café"'}
    )
    url = server.url("/trusts.yaml")
    for _ in range(3):
        result = run("-r", url, "trusts", "-f", "json")
        no_internal_error(result)
        assert result.exit_code == 0, result.stderr
    # The exact bytes the server sent (Latin-1 "é") came back.
    sent = server.request_headers["/trusts.yaml"]["If-None-Match"]
    assert sent.encode("latin-1") == '"café"'.encode("latin-1")


def test_a_validator_with_a_control_character_is_dropped(run: Run, server: PageServer) -> None:
    server.routes["/trusts.yaml"] = Route(
        MINIMAL_REGISTRY, content_type="text/yaml", etag=False, headers={"ETag": '"a\x01b"'}
    )
    url = server.url("/trusts.yaml")
    for _ in range(2):
        result = run("-r", url, "trusts")
        assert result.exit_code == 0, result.stderr
    assert "If-None-Match" not in server.request_headers["/trusts.yaml"]


def test_a_cached_validator_that_cannot_be_encoded_is_not_sent(
    campaign: Path, run: Run, server: PageServer
) -> None:
    """A validator kept by an earlier version ('€' has no Latin-1 byte) is dropped, and the
    request and `due` keep working."""
    from cocwatch.cli.whatdotheyknow_sync import json_cache

    assert run("sent", "foi", "example-north", "--url", server.url(REQUEST)).exit_code == 0
    body = json.dumps(
        {"described_state": "waiting_response", "title": "t", "info_request_events": []}
    )
    server.routes[REQUEST + ".json"] = Route(body, content_type="application/json")
    assert run("due").exit_code == 0
    body_path = json_cache().body_path(server.url(REQUEST + ".json"))
    meta = body_path.with_suffix("").with_suffix(".json")
    record = json.loads(meta.read_text("utf-8"))
    meta.write_text(json.dumps({**record, "etag": '"€uro"'}), "utf-8")
    result = run("due")
    no_internal_error(result)
    assert result.exit_code == 0 and result.stderr == ""


def test_watch_pages_sends_such_a_validator_back_too(
    run: Run, campaign: Path, server: PageServer, tmp_path: Path
) -> None:
    server.routes["/north/board"] = Route("<p>Papers</p>", etag=False, headers={"ETag": '"café"'})
    state = ["watch", "--state", str(tmp_path / "state.sqlite3"), "--pages", "--retries", "0"]
    for _ in range(3):
        result = run(*state)
        no_internal_error(result)
        assert result.exit_code == 0, result.stderr
        assert "could not" not in result.stdout.lower()
    sent = server.request_headers["/north/board"]["If-None-Match"]
    assert sent.encode("latin-1") == '"café"'.encode("latin-1")


# Group 6: addresses holding control characters -------------------------------------------------


@pytest.mark.parametrize("name", ["msds%00.csv", "msds%1b%5b31mred.csv", "msds%e2%80%aeg.csv"])
def test_an_address_holding_a_control_character_is_refused_before_use(
    run: Run, minimal_registry: Path, server: PageServer, name: str
) -> None:
    server.routes["/" + name] = Route(measures_csv(OCTOBER), content_type="text/csv")
    result = run("import", "msds", server.url("/" + name), "-r", str(minimal_registry))
    no_internal_error(result)
    assert result.exit_code == 2, result.stderr
    assert "control character" in result.stderr and "\x1b" not in result.stderr
    assert server.hits == {}


def test_a_redirect_to_an_address_holding_a_control_character_is_refused(
    run: Run, minimal_registry: Path, server: PageServer
) -> None:
    server.routes["/msds-oct2025-exp-measures.csv"] = redirect("/msds%00.csv")
    result = run(
        "import", "msds", server.url("/msds-oct2025-exp-measures.csv"), "-r", str(minimal_registry)
    )
    no_internal_error(result)
    assert result.exit_code == 4 and "does not follow" in result.stderr


def test_web_addresses_are_checked_for_control_characters() -> None:
    assert check_web_address("https://example.org/msds-apr2025.csv")
    assert check_web_address("https://example.org/a%20b.csv")
    for bad in ("https://example.org/a%00", "https://example.org/a\x1b", "https://e.org/%C2%85"):
        with pytest.raises(Exception, match="control character"):
            check_web_address(bad)


def test_every_client_is_built_in_one_place_with_the_policy() -> None:
    """Only `sources/http.py` makes an httpx client, so none can skip the fetch policy."""
    from tests.support.paths import SRC

    makers = [
        path.relative_to(SRC).as_posix()
        for path in sorted((SRC / "cocwatch").rglob("*.py"))
        if "httpx.Client(" in (text := path.read_text("utf-8")) or "httpx.AsyncClient(" in text
    ]
    assert makers == ["cocwatch/sources/http.py"]
