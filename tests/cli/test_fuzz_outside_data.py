"""Fuzzing for "never exit 70" on data from outside: statistics manifests and kept files, and
WhatDoTheyKnow's JSON, generated at random (synthetic), go through `statistics`, `check` and
`due` as a user runs them. Each ends in a documented exit code (0, 1, 3 or 4), never 70, and
prints no raw control character. The examples are few and derandomised, to stay quick.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from typer.testing import Result

from tests.cli.test_fuzz_never_internal import fast
from tests.support.msds import OCTOBER, measures_csv
from tests.support.registries import MINIMAL_REGISTRY
from tests.support.stores import MANIFEST_COLUMNS
from tests.support.web import PageServer, Route

Run = Callable[..., Result]
DOCUMENTED = {0, 1, 3, 4}
RAW = ("\x1b", "\x9b", "\u202e")
REQUEST = "/request/continuity_of_carer_at_example_north"

HOSTILE_TEXT = st.sampled_from(
    ["", " ", "\x1b[31mred", "\u202eevil", "\x00", "a\nb", "é", "9" * 40, "-1", "nan",
     "javascript:alert(1)//", "data:text/html,x", "https://example.org/x", "../x.csv",
     "/etc/passwd", "msds/\x1b.csv", "0001-01-01", "9999-12-31", "2025-02-30", "x" * 3000]
)  # fmt: skip


def _usable(result: Result) -> None:
    assert result.exit_code in DOCUMENTED, (result.exit_code, result.stderr[-600:])
    assert "internal error" not in result.stderr
    for char in RAW:
        assert char not in result.stdout + result.stderr


# --- manifests and kept files ---------------------------------------------------------------

FIELD_VALUES: dict[str, st.SearchStrategy[str]] = {
    "file": st.sampled_from(["msds/oct-coc.csv", "msds/other-coc.csv", "oct-coc.csv"]),
    "source": st.sampled_from(["msds", "MSDS", "other"]),
    "source_file": st.text(max_size=20),
    "period_end": st.sampled_from(["2025-10-31", "2025-11-30", "", "31/10/2025"]),
    "status": st.sampled_from(["final", "provisional", "Final", "draft", ""]),
    "release_page": st.sampled_from(["https://example.org/release", ""]),
    "file_url": st.sampled_from(["https://example.org/f.csv", ""]),
    "sha256": st.sampled_from(["0" * 64, "a" * 64, "short"]),
    "rows": st.sampled_from(["18", "0", "3", "1" * 12]),
    "retrieved": st.sampled_from(["2025-12-01", ""]),
    "imported": st.sampled_from(["2025-12-02", "", "yesterday"]),
    "notes": st.text(max_size=30),
    "title": st.text(max_size=20),
    "file_sha256": st.sampled_from(["", "0" * 64, "zz"]),
}
ROW = st.fixed_dictionaries(
    {name: st.one_of(values, HOSTILE_TEXT) for name, values in FIELD_VALUES.items()}
)
KEPT = st.one_of(
    st.just(measures_csv(OCTOBER).encode()),
    st.just(measures_csv(OCTOBER)[:300].encode()),
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.none(),
)
COLUMNS = st.one_of(
    st.just(list(MANIFEST_COLUMNS)),
    st.just([*MANIFEST_COLUMNS, "title", "file_sha256"]),
    st.permutations([*MANIFEST_COLUMNS, "title", "file_sha256"]),
    st.lists(st.sampled_from([*MANIFEST_COLUMNS, "extra"]), max_size=14),
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "trusts.yaml").write_text(MINIMAL_REGISTRY, encoding="utf-8")
    (tmp_path / "statistics" / "msds").mkdir(parents=True)
    return tmp_path


def _row(**changed: str) -> dict[str, str]:
    valid = {
        "file": "msds/oct-coc.csv", "source": "msds", "source_file": "msds-oct2025.csv",
        "period_end": "2025-10-31", "status": "final", "release_page": "",
        "file_url": "", "sha256": "0" * 64, "rows": "18", "retrieved": "",
        "imported": "2025-12-02", "notes": "", "title": "", "file_sha256": "",
    }  # fmt: skip
    return {**valid, **changed}


@fast(10)
@given(rows=st.lists(ROW, min_size=1, max_size=3), kept=KEPT, columns=COLUMNS)
@example(rows=[_row(notes="n" * 140_000)], kept=None, columns=list(MANIFEST_COLUMNS))
@example(rows=[_row(period_end="9999-12-31")], kept=None, columns=list(MANIFEST_COLUMNS))
def test_a_random_manifest_is_never_an_internal_error(
    run: Run, folder: Path, rows: list[dict[str, str]], kept: bytes | None, columns: list[str]
) -> None:
    data_file = folder / "statistics" / "msds" / "oct-coc.csv"
    data_file.unlink(missing_ok=True)
    if kept is not None:
        data_file.write_bytes(kept)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row.get(c, "") for c in columns] for row in rows)
    (folder / "statistics" / "manifest.csv").write_text(out.getvalue(), encoding="utf-8")
    registry = str(folder / "trusts.yaml")
    for args in (("statistics",), ("check", "--all"), ("check", "example-north", "-f", "json")):
        _usable(run("-r", registry, *args))


# --- WhatDoTheyKnow's JSON -----------------------------------------------------------------

JSON_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**20), 10**20), st.floats(allow_nan=False),
    HOSTILE_TEXT, st.sampled_from(["waiting_response", "successful", "response", "rejected",
                                   "2027-02-01T15:30:00Z", "2027-13-45", "0001-01-01"]),
)  # fmt: skip
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
EVENT = st.fixed_dictionaries(
    {
        "event_type": st.one_of(
            st.sampled_from(["response", "sent", "status_update"]), JSON_VALUES
        ),
        "created_at": st.one_of(st.just("2027-02-01T15:30:00.000+00:00"), JSON_VALUES),
    },
    optional={
        "incoming_message_id": JSON_VALUES,
        "described_state": JSON_VALUES,
        "last_described_at": JSON_VALUES,
    },
)
REQUEST_JSON = st.one_of(
    st.fixed_dictionaries(
        {"described_state": JSON_VALUES, "info_request_events": st.lists(EVENT, max_size=6)},
        optional={"title": JSON_VALUES, "awaiting_description": JSON_VALUES},
    ).map(json.dumps),
    JSON_VALUES.map(json.dumps),
    st.sampled_from(["", "{", "[" * 5000 + "]" * 5000, "<html>", '{"described_state": 1e999}']),
)


@pytest.fixture(scope="module")
def site() -> Iterator[PageServer]:
    server = PageServer()
    yield server
    server.close()


@pytest.fixture
def campaign(run: Run, tmp_path: Path, site: PageServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "trusts.yaml").write_text(MINIMAL_REGISTRY, encoding="utf-8")
    monkeypatch.setenv("COCWATCH_REGISTRY", str(tmp_path / "trusts.yaml"))
    monkeypatch.setenv("COCWATCH_WHATDOTHEYKNOW", site.base)
    monkeypatch.setenv("COCWATCH_TODAY", "2027-02-10")
    sent = run("sent", "foi", "example-north", "--url", site.url(REQUEST), "--on", "2027-01-11")
    assert sent.exit_code == 0, sent.stderr
    return tmp_path


LOG = """\
version: 1
letters:
  - trust: example-north
    kind: foi
    sent_on: 2027-01-11
    request_url: https://www.whatdotheyknow.com/request/coc
    via: web
"""


@fast(60)
@given(body=REQUEST_JSON)
def test_no_answer_from_whatdotheyknow_makes_the_log_invalid(tmp_path: Path, body: str) -> None:
    """What a request's JSON says goes into the log as data the log accepts, or is refused in
    words as the site's problem; never a log that the next run cannot read."""
    from datetime import date

    from cocwatch.cli.whatdotheyknow_sync import _news
    from cocwatch.core.edits import AppendAt
    from cocwatch.registry.correspondence import change_log, parse_log
    from cocwatch.sources.whatdotheyknow import parse_request

    page = "https://www.whatdotheyknow.com/request/coc"
    try:
        status = parse_request(body.encode("utf-8", "surrogatepass"), page)
    except ValueError:
        return
    path = tmp_path / "correspondence.yaml"
    path.write_text(LOG, encoding="utf-8")
    (letter,) = parse_log(LOG, "log").letters
    replies, events, _ = _news(letter, status, date(2027, 2, 10))

    def plan(_: object) -> tuple[list[AppendAt], None]:
        changes = [AppendAt(("letters", 0, "replies"), tuple(replies))] if replies else []
        if events:
            changes.append(AppendAt(("letters", 0, "request_events"), tuple(events)))
        return changes, None

    edited, _ = change_log(path, plan, dry_run=True)  # an invalid new log is an InputError
    parse_log(edited.after, str(path))


@fast(6)
@given(body=REQUEST_JSON)
def test_a_random_answer_from_whatdotheyknow_is_never_an_internal_error(
    run: Run, campaign: Path, site: PageServer, body: str
) -> None:
    site.routes[REQUEST + ".json"] = Route(
        raw=body.encode("utf-8", "surrogatepass"), content_type="application/json"
    )
    for args in (("due",), ("check", "--all")):
        _usable(run(*args))
