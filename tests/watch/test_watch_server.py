"""`watch --pages` against a real HTTP server on 127.0.0.1 whose pages change between runs,
run in-process and as cron runs it (a subprocess with no TTY and a bare environment), and
two overlapping runs on one state file. Every page and Trust here is synthetic.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from tests.support.web import (
    AS_OF,
    SOURCE,
    PageServer,
    Route,
    base_registry,
    board_page,
    run_like_cron,
    start_like_cron,
    trust,
    write,
)

Run = Callable[..., Result]


@pytest.fixture
def server() -> Iterator[PageServer]:
    pages = PageServer()
    pages.routes["/north/board"] = Route(board_page(["Board papers, 5 November 2026"]))
    pages.routes["/north/plan"] = Route(
        "%PDF-1.4 synthetic plan v1", content_type="application/pdf"
    )
    pages.routes["/south/board"] = Route(board_page(["Public Board, 12 November 2026"]))
    yield pages
    pages.close()


@pytest.fixture
def registry(tmp_path: Path, server: PageServer) -> Path:
    return write(tmp_path / "trusts.yaml", base_registry(server.base))


def watch_pages(run: Run, registry: Path, state: Path, *extra: str) -> Result:
    return run(
        "--registry", str(registry), "watch", "--state", str(state), "--pages",
        "--retries", "0", *extra,
    )  # fmt: skip


def test_pages_changes_failures_and_recovery(
    run: Run, registry: Path, tmp_path: Path, server: PageServer
) -> None:
    state = tmp_path / "state.sqlite3"
    board = server.url("/north/board")

    def news() -> str:
        result = watch_pages(run, registry, state)
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        return result.stdout

    assert news() == (
        "cocwatch watch: baseline recorded on 2026-11-23 for 2 Trusts and 1 figure and "
        "3 pages; later runs print only what changes.\n"
    )
    # Nothing changed: conditional GETs, 304s, silence.
    assert news() == ""
    assert server.not_modified == {"/north/board": 1, "/north/plan": 1, "/south/board": 1}

    # Only the rotating token and the scripts change: not news.
    server.routes["/north/board"].body = board_page(
        ["Board papers, 5 November 2026"], token="t1", script="track('x');"
    )
    assert news() == ""

    # A new paper is listed: news, once.
    server.routes["/north/board"].body = board_page(
        ["Board papers, 5 November 2026", "Board papers, 3 December 2026"], token="t2"
    )
    assert news().endswith(
        f"\nNorth Synthetic NHS Trust [north]\n  - Board papers page changed: {board}\n"
    )
    assert news() == ""

    # The page starts failing: reported when it starts, not on every run.
    server.routes["/north/board"].status = 404
    failing = news()
    assert "cocwatch watch: 1 change in 1 Trust since 2026-11-23" in failing
    assert f"  - Board papers page cannot be fetched: {board} answered 404 Not Found\n" in failing
    assert news() == ""
    server.routes["/north/board"].status = 500
    assert news() == ""

    # It recovers, with a change made meanwhile.
    server.routes["/north/board"].status = 200
    server.routes["/north/board"].body = board_page(
        ["Board papers, 5 November 2026", "Board papers, 3 December 2026", "Extra, 10 Dec 2026"]
    )
    recovered = news()
    assert (
        f"  - Board papers page can be fetched again (failing since 2026-11-23): {board}\n"
        f"  - Board papers page changed: {board}\n"
    ) in recovered
    assert news() == ""

    # A plan document (PDF) is compared byte for byte.
    server.routes["/north/plan"].body = "%PDF-1.4 synthetic plan v2"
    assert f"  - plan page changed: {server.url('/north/plan')}\n" in news()


def test_a_run_without_pages_keeps_what_is_known_about_them(
    run: Run, registry: Path, tmp_path: Path, server: PageServer
) -> None:
    state = tmp_path / "state.sqlite3"
    assert watch_pages(run, registry, state).exit_code == 0
    server.routes["/south/board"].body = board_page(["Public Board, 10 December 2026"])
    quiet = run("--registry", str(registry), "watch", "--state", str(state))
    assert (quiet.exit_code, quiet.stdout) == (0, "")
    assert server.hits["/south/board"] == 1  # --no-pages fetches nothing
    later = watch_pages(run, registry, state)
    assert f"  - Board papers page changed: {server.url('/south/board')}\n" in later.stdout


def test_a_slow_page_fails_on_its_own_and_is_reported_once(
    run: Run, registry: Path, tmp_path: Path, server: PageServer
) -> None:
    state = tmp_path / "state.sqlite3"
    assert watch_pages(run, registry, state).exit_code == 0
    server.routes["/south/board"].delay = 6.0
    started = time.monotonic()
    slow = watch_pages(run, registry, state, "--timeout", "0.5")
    assert time.monotonic() - started < 5.0  # it did not wait for the slow page
    assert slow.exit_code == 0
    assert slow.stdout.endswith(
        "South Synthetic NHS Foundation Trust [south]\n"
        f"  - Board papers page cannot be fetched: {server.url('/south/board')} "
        "did not answer within 0.5 s\n"
    )
    assert "north" not in slow.stdout
    server.routes["/south/board"].delay = 0.2  # slow, but within the limit
    assert "can be fetched again" in watch_pages(run, registry, state).stdout


def test_pages_are_fetched_concurrently_within_the_limits(
    run: Run, tmp_path: Path, server: PageServer
) -> None:
    registry = base_registry(server.base)
    for i in range(12):
        server.routes[f"/t{i}/board"] = Route(board_page([f"Paper {i}"]), delay=0.3)
        registry["trusts"].append(
            {"id": f"t{i}", "ods": f"XT{i:02d}", "name": f"Trust {i} (synthetic)",
             "region": "East", "board_papers_url": server.url(f"/t{i}/board")}
        )  # fmt: skip
    path = write(tmp_path / "many.yaml", registry)
    started = time.monotonic()
    result = watch_pages(run, path, tmp_path / "s.sqlite3", "--concurrency", "4", "--per-host", "4")
    elapsed = time.monotonic() - started
    assert result.exit_code == 0 and "15 pages" in result.stdout
    assert server.peak_in_flight == 4
    assert elapsed < 12 * 0.3  # well under one page after another


def wait_for(condition: Callable[[], bool], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# As cron runs it ------------------------------------------------------------------------------


def test_as_a_cron_job_it_prints_only_news(
    tmp_path: Path, registry: Path, server: PageServer
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    state = tmp_path / "cron" / "state.sqlite3"
    args = ("--registry", str(registry), "watch", "--pages", "--state", str(state),
            "--as-of", AS_OF)  # fmt: skip

    first = run_like_cron(home, *args)
    assert (first.returncode, first.stderr) == (0, b"")
    assert first.stdout.decode().count("\n") == 1
    assert first.stdout.startswith(b"cocwatch watch: baseline recorded on 2026-11-23")

    quiet = run_like_cron(home, *args)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, b"", b"")

    server.routes["/south/board"].body = board_page(
        ["Public Board, 12 November 2026"], token="rotated", script="var x = 1;"
    )
    quiet = run_like_cron(home, *args)
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, b"", b"")

    server.routes["/south/board"].body = board_page(
        ["Public Board, 12 November 2026", "Public Board, 10 December 2026"]
    )
    news = run_like_cron(home, *args)
    assert (news.returncode, news.stderr) == (0, b"")
    assert news.stdout.decode("ascii").endswith(
        "South Synthetic NHS Foundation Trust [south]\n"
        f"  - Board papers page changed: {server.url('/south/board')}\n"
    )
    again = run_like_cron(home, *args)
    assert (again.returncode, again.stdout, again.stderr) == (0, b"", b"")


def test_overlapping_runs_do_not_interleave(
    tmp_path: Path, registry: Path, server: PageServer
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    state = tmp_path / "state.sqlite3"
    args = ("--registry", str(registry), "watch", "--pages", "--state", str(state),
            "--as-of", AS_OF, "--retries", "0")  # fmt: skip
    assert run_like_cron(home, *args).returncode == 0

    # A registry edit, then two runs that overlap while the first fetches a slow page.
    data = base_registry(server.base)
    trust(data, "south")["figures"] = [
        {"cohort": "all", "percent": 30, "as_of": "2026-10-31", "source": SOURCE}
    ]
    write(registry, data)
    gate = threading.Event()
    server.routes["/north/board"].hold = gate  # the first run's fetch waits until we say
    first = start_like_cron(home, *args)
    try:
        assert wait_for(lambda: server.hits.get("/north/board", 0) >= 2), "first run not fetching"
        # The first run is fetching, so it holds the lock.
        impatient = run_like_cron(home, *args, "--wait", "0.3")
        patient = start_like_cron(home, *args, "--wait", "60")
        time.sleep(2.0)  # time to start up and reach the lock, which the first run holds
        assert first.poll() is None and patient.poll() is None
    finally:
        gate.set()
    out_first, err_first = first.communicate(timeout=60)
    out_patient, err_patient = patient.communicate(timeout=60)

    assert impatient.returncode == 4
    assert impatient.stdout == b""
    assert b"this run was skipped and changed nothing" in impatient.stderr
    assert impatient.stderr.count(b"\n") == 1  # one paragraph, no traceback

    assert (first.returncode, err_first) == (0, b"")
    assert b"new figure 2026-10-31 (all, placed_by_28_weeks): 30.0%" in out_first
    # The second run waited for the first, then found nothing new: news is reported once.
    assert (patient.returncode, out_patient, err_patient) == (0, b"", b"")


def test_a_page_failing_on_the_first_run_is_named_in_the_baseline_line(
    run: Run, registry: Path, tmp_path: Path, server: PageServer
) -> None:
    state = tmp_path / "state.sqlite3"
    server.routes["/south/board"].status = 404
    result = watch_pages(run, registry, tmp_path / "json.sqlite3", "--format", "json")
    data = json.loads(result.stdout)
    assert data["baseline"] is True
    assert data["counts"] == {"trusts": 2, "figures": 1, "pages": 3}
    assert [(n["kind"], n["trust_id"], n["details"]["url"]) for n in data["news"]] == [
        ("page_failed", "south", server.url("/south/board"))
    ]
    first = watch_pages(run, registry, state)
    assert first.stdout == (
        "cocwatch watch: baseline recorded on 2026-11-23 for 2 Trusts and 1 figure and 3 pages "
        f"(1 could not be fetched: south Board papers page: {server.url('/south/board')} "
        "answered 404 Not Found); later runs print only what changes.\n"
    )
    assert watch_pages(run, registry, state).stdout == ""  # already reported
