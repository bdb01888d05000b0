"""`import msds --latest/--month/--since` against a local mirror of NHS England's pages.

A real HTTP server on 127.0.0.1 serves an index page and release pages modelled on NHS
England's (synthetic pages, see tests/statistics/release_pages.py), the REAL April 2025 provisional
measures file, and SYNTHETIC months around it (a few made-up rows for two Trusts). The
registry is a copy of the shipped one, so the real file's providers match real Trusts. Imports
keep the files in the statistics folder beside the registry, never in the registry file; the
figures are read back as `show` reports them.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import Result

from cocwatch.locations import Located, shipped_registry
from tests.statistics.release_pages import (
    Mirror,
    file_name,
    file_path,
    monthly_release,
    real_april_text,
    synthetic_month,
)
from tests.support.web import PageServer, run_like_cron

Run = Callable[..., Result]
SYNTHETIC_RATES = {
    (2025, 1): 11.0,
    (2025, 2): 12.0,
    (2025, 3): 13.0,
    (2025, 4): 14.0,
    (2025, 5): 15.0,
}


@pytest.fixture
def mirror() -> Iterator[Mirror]:
    """Three releases up to "Final March 2025, Provisional April 2025" (the real April file)."""
    server = PageServer()
    site = Mirror(server)
    for (year, month), rate in SYNTHETIC_RATES.items():
        for provisional in (False, True):
            body = synthetic_month(year, month, rate=rate + (0.5 if provisional else 0.0),
                                   provisional=provisional)  # fmt: skip
            site.add_file(file_name(year, month, provisional=provisional), body)
    site.add_file(file_name(2025, 4, provisional=True), real_april_text())
    site.publish(monthly_release((2025, 1), (2025, 2)))
    site.publish(monthly_release((2025, 2), (2025, 3)))
    site.publish(monthly_release((2025, 3), (2025, 4)))
    yield site
    server.close()


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    """The shipped registry's Trusts and targets, without any figures (so nothing is present)."""
    data = yaml.safe_load(shipped_registry().read_text("utf-8"))
    data["national"].pop("figures", None)
    for trust in data["trusts"]:
        trust.pop("figures", None)
    target = tmp_path / "trusts.yaml"
    target.write_text(
        "# The shipped registry without its figures, for the tests.\n"
        + yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
        "utf-8",
    )
    return target


def imp(registry: Path, mirror: Mirror, *args: str) -> list[str]:
    return ["import", "msds", *args, "-r", str(registry), "--index", mirror.index_url]


def figures(run: Run, registry: Path, ods: str) -> list[dict[str, Any]]:
    """The Trust's figures as `show` reports them (the statistics folder's among them)."""
    data = yaml.safe_load(registry.read_text("utf-8"))
    (trust,) = [t for t in data["trusts"] if t["ods"] == ods]
    result = run("-r", str(registry), "show", trust["id"], "--format", "json")
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)["trust"]["figures"]
    return found


def msds_figure(run: Run, registry: Path, ods: str, as_of: str) -> list[dict[str, Any]]:
    return [
        f for f in figures(run, registry, ods)
        if str(f["as_of"]) == as_of and f.get("cohort") == "all"
        and f.get("measure") == "placed_by_28_weeks" and f["source"]["kind"] == "msds"
    ]  # fmt: skip


def kept(registry: Path) -> dict[str, bytes]:
    """Every file of the statistics folder beside the registry (but its lock)."""
    folder = registry.parent / "statistics"
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.suffix != ".lock"
    }


def page(mirror: Mirror, index: int) -> str:
    """The address of a release page (0 = newest)."""
    return mirror.server.url(mirror.releases[index].path)


def test_since_commits_every_month_then_is_silent_then_latest_finds_the_new_release(
    run: Run, registry: Path, mirror: Mirror
) -> None:
    original = registry.read_bytes()
    first = run(*imp(registry, mirror, "--since", "2025-03", "--commit"))
    assert first.exit_code == 0, first.stderr
    assert registry.read_bytes() == original  # the files went to the statistics folder
    assert sorted(kept(registry)) == [
        "manifest.csv",
        "msds/msds-apr2025Provisional-exp-measures-coc.csv",
        "msds/msds-mar2025-exp-measures-coc.csv",
    ]
    lines = [line.split() for line in first.stdout.splitlines()]
    assert lines_for(lines, "2025-03")[:6] == ["2025-03", "final", "imported", "2", "2", "0"]
    april = lines_for(lines, "2025-04")
    assert april[:3] == ["2025-04", "provisional", "imported"]
    assert int(april[3]) > 100  # the real file: most of England's Trusts
    assert "2 months found, 2 imported." in first.stderr

    # Each figure cites the release page that links its file (the newest release, for both).
    (march,) = msds_figure(run, registry, "RR8", "2025-03-31")
    assert march["percent"] == 13.0 and march["provisional"] is False
    assert march["source"]["url"] == page(mirror, 0)  # type: ignore[index]
    (april_fig,) = msds_figure(run, registry, "RR8", "2025-04-30")
    assert april_fig["percent"] == 5.4 and april_fig["provisional"] is True  # real: Leeds
    assert april_fig["source"]["url"] == page(mirror, 0)  # type: ignore[index]
    assert "Provisional" not in str(april_fig["source"]["url"])  # a page, not the CSV

    # A second run finds nothing new: prints nothing, changes nothing, downloads nothing.
    before = kept(registry)
    csv_paths = {file_path(file_name(2025, 3, provisional=False)),
                 file_path(file_name(2025, 4, provisional=True))}  # fmt: skip
    second = run(*imp(registry, mirror, "--since", "2025-03", "--commit"))
    assert (second.exit_code, second.stdout, second.stderr) == (0, "", "")
    assert kept(registry) == before and registry.read_bytes() == original
    assert {p: mirror.server.not_modified.get(p) for p in csv_paths} == dict.fromkeys(csv_paths, 1)

    # NHS England publishes the next release: --latest imports the April final (replacing the
    # provisional figures) and the May provisional one.
    mirror.publish(monthly_release((2025, 4), (2025, 5)))
    latest = run(*imp(registry, mirror, "--latest", "--commit"))
    assert latest.exit_code == 0, latest.stderr
    lines = [line.split() for line in latest.stdout.splitlines()]
    assert lines_for(lines, "2025-04")[:6] == ["2025-04", "final", "imported", "2", "0", "2"]
    assert lines_for(lines, "2025-05")[:6] == ["2025-05", "provisional", "imported", "2", "2", "0"]
    (april_final,) = msds_figure(run, registry, "RR8", "2025-04-30")
    assert april_final["provisional"] is False and april_final["percent"] == 14.0
    assert april_final["source"]["url"] == page(mirror, 0)  # type: ignore[index]
    assert msds_figure(run, registry, "RR8", "2025-05-31")[0]["provisional"] is True

    # And again: nothing new.
    before = kept(registry)
    again = run(*imp(registry, mirror, "--latest", "--commit"))
    assert (again.exit_code, again.stdout, again.stderr) == (0, "", "")
    assert kept(registry) == before and registry.read_bytes() == original


def lines_for(lines: list[list[str]], month: str) -> list[str]:
    (found,) = [line for line in lines if line and line[0] == month]
    return found


def test_dry_run_by_default_writes_nothing(run: Run, registry: Path, mirror: Mirror) -> None:
    before = registry.read_bytes()
    result = run(*imp(registry, mirror, "--since", "2025-02"))
    assert result.exit_code == 0, result.stderr
    months = [
        line.split()[:3] for line in result.stdout.splitlines() if line.strip().startswith("2025-")
    ]
    assert months == [
        ["2025-02", "final", "would"],
        ["2025-03", "final", "would"],
        ["2025-04", "provisional", "would"],
    ]
    assert "Dry run: nothing was written" in result.stderr
    assert registry.read_bytes() == before
    assert not (registry.parent / "statistics").exists()


def test_one_month_and_json(run: Run, registry: Path, mirror: Mirror) -> None:
    result = run(*imp(registry, mirror, "--month", "2025-02", "--commit", "--format", "json"))
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    (month,) = data["months"]
    assert (month["month"], month["file"], month["status"]) == ("2025-02", "final", "imported")
    assert month["release_url"] == page(mirror, 1)  # "Final February 2025, Provisional March 2025"
    assert month["csv"].endswith("/msds-feb2025-exp-measures.csv")
    assert data["summary"] == {"imported": 1, "would_import": 0, "present": 0, "failed": 0}
    assert data["statistics"] == str(registry.parent / "statistics")
    assert msds_figure(run, registry, "RAE", "2025-02-28")[0]["percent"] == 14.5


def test_a_missing_file_fails_its_month_and_the_others_are_imported(
    run: Run, registry: Path, mirror: Mirror
) -> None:
    del mirror.server.routes[file_path(file_name(2025, 3, provisional=False))]
    result = run(*imp(registry, mirror, "--since", "2025-02", "--commit"))
    assert result.exit_code == 4
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines_for(lines, "2025-03")[:3] == ["2025-03", "final", "failed"]
    assert lines_for(lines, "2025-02")[2] == "imported"
    assert lines_for(lines, "2025-04")[2] == "imported"
    assert "March 2025 (final) was not imported" in result.stderr
    assert "answered 404 Not Found" in result.stderr
    assert msds_figure(run, registry, "RR8", "2025-03-31") == []
    assert msds_figure(run, registry, "RR8", "2025-04-30")
    # Once the file is back, the next run imports only that month.
    mirror.add_file(
        file_name(2025, 3, provisional=False),
        synthetic_month(2025, 3, rate=13.0, provisional=False),
    )
    again = run(*imp(registry, mirror, "--since", "2025-02", "--commit"))
    assert again.exit_code == 0, again.stderr
    lines = [line.split() for line in again.stdout.splitlines()]
    assert lines_for(lines, "2025-03")[2] == "imported"
    assert lines_for(lines, "2025-02")[2:4] == ["already", "present"]


def test_a_release_page_that_answers_404_is_reported(
    run: Run, registry: Path, mirror: Mirror
) -> None:
    mirror.missing.add(mirror.releases[0].slug)  # Final March 2025, Provisional April 2025
    mirror.refresh()
    result = run(*imp(registry, mirror, "--since", "2025-03", "--commit"))
    assert result.exit_code == 4
    # March's provisional file, from the release before, is still imported.
    assert [
        line.split()[:3] for line in result.stdout.splitlines() if line.strip().startswith("2025-")
    ] == [["2025-03", "provisional", "imported"]]
    assert "final-march-2025-provisional-april-2025" in result.stderr
    assert "should hold March 2025, April 2025" in result.stderr


def test_a_redesigned_site_still_works(run: Run, registry: Path, mirror: Mirror) -> None:
    mirror.layout = "redesigned"
    mirror.refresh()
    result = run(*imp(registry, mirror, "--latest", "--commit"))
    assert result.exit_code == 0, result.stderr
    months = [
        line.split()[:3] for line in result.stdout.splitlines() if line.strip().startswith("2025-")
    ]
    assert months == [["2025-03", "final", "imported"], ["2025-04", "provisional", "imported"]]


def test_index_from_the_config_file(
    run: Run, registry: Path, mirror: Mirror, tmp_path: Path
) -> None:
    config = tmp_path / "config.yaml"
    # statistics_url, and msds_index (its earlier name), which older configs still hold
    for key in ("statistics_url", "msds_index"):
        config.write_text(f"{key}: {mirror.index_url}\n", "utf-8")
        result = run(
            "--config", str(config), "import", "msds", "--month", "2025-01", "-r", str(registry)
        )
        assert result.exit_code == 0, result.stderr
        assert "2025-01" in result.stdout and "would import" in result.stdout
        shown = run("--config", str(config), "config", "show", "--format", "json")
        assert {
            "setting": "statistics_url",
            "value": mirror.index_url,
            "origin": "config file",
        } in (__import__("json").loads(shown.stdout))


@pytest.mark.parametrize("variable", ["COCWATCH_STATISTICS_URL", "COCWATCH_MSDS_INDEX"])
def test_index_from_the_environment(
    run: Run, registry: Path, mirror: Mirror, variable: str
) -> None:
    """MSDS's series page is the `statistics_url` setting: its variable, or the earlier one."""
    result = run(
        "import",
        "msds",
        "--month",
        "2025-01",
        "-r",
        str(registry),
        env={variable: mirror.index_url},
    )
    assert result.exit_code == 0, result.stderr
    assert "2025-01" in result.stdout and "would import" in result.stdout


def test_a_source_without_a_declared_address_has_its_own_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another source's series page: --index, $COCWATCH_<SOURCE>_INDEX, then its own page;
    MSDS's variables are not read for it."""
    from cocwatch.errors import UsageError
    from cocwatch.locations import resolve_index

    own = "https://example.org/survey/releases"
    monkeypatch.setenv("COCWATCH_STATISTICS_URL", "https://example.org/msds")
    assert resolve_index("survey", None, None, own) == Located(own, "default")
    monkeypatch.setenv("COCWATCH_SURVEY_INDEX", "https://example.org/mirror")
    assert resolve_index("survey", None, None, own) == Located(
        "https://example.org/mirror", "environment"
    )
    assert resolve_index("survey", "https://example.org/given", None, own).origin == "option"
    monkeypatch.setenv("COCWATCH_SURVEY_INDEX", "mirror/index.html")
    with pytest.raises(UsageError, match=r"\$COCWATCH_SURVEY_INDEX is 'mirror/index.html'"):
        resolve_index("survey", None, None, own)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "March 2025"], "YYYY-MM"),
        (["--since", "2025-13"], "YYYY-MM"),
        (["--month", "2025-03", "--since", "2025-01"], "not several"),
        (["--latest", "some.csv"], "not both"),
        (["--index", "https://example.org/x"], "--index is used with"),
        ([], "--latest, --month YYYY-MM or --since YYYY-MM"),
    ],
)
def test_usage_errors(run: Run, registry: Path, args: list[str], message: str) -> None:
    result = run("import", "msds", *args, "-r", str(registry))
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_index_that_is_not_a_web_address(run: Run, registry: Path) -> None:
    result = run("import", "msds", "--latest", "--index", "/tmp/index.html", "-r", str(registry))
    assert result.exit_code == 2
    assert "not a web address" in result.stderr


def test_unreachable_index_exits_4(run: Run, registry: Path, mirror: Mirror) -> None:
    mirror.server.routes[mirror.releases[0].path.rsplit("/", 1)[0]].status = 500
    result = run(*imp(registry, mirror, "--latest"))
    assert result.exit_code == 4
    assert "answered 500" in result.stderr


def test_like_cron_twice_the_second_run_mails_nothing(
    registry: Path, mirror: Mirror, tmp_path: Path
) -> None:
    args = (
        "import",
        "msds",
        "--latest",
        "--commit",
        "-r",
        str(registry),
        "--index",
        mirror.index_url,
    )
    first = run_like_cron(tmp_path, *args)
    assert first.returncode == 0, first.stderr.decode()
    assert b"2025-04" in first.stdout
    assert b"\x1b[" not in first.stdout + first.stderr  # no colour, no progress bar
    before = registry.read_bytes(), kept(registry)
    second = run_like_cron(tmp_path, *args)
    assert (second.returncode, second.stdout, second.stderr) == (0, b"", b"")
    assert (registry.read_bytes(), kept(registry)) == before


def test_a_release_without_files_warns_with_since_and_latest_uses_the_one_before(
    run: Run, registry: Path, mirror: Mirror
) -> None:
    # As NHS England once did: a release page announcing a delay, with no files yet.
    delayed = monthly_release((2025, 4), (2025, 5))
    delayed.files = []
    mirror.publish(delayed)
    latest = run(*imp(registry, mirror, "--latest", "--commit"))
    assert latest.exit_code == 0, latest.stderr
    months = [
        line.split()[:3] for line in latest.stdout.splitlines() if line.strip().startswith("2025-")
    ]
    assert months == [["2025-03", "final", "imported"], ["2025-04", "provisional", "imported"]]
    assert "Warning" not in latest.stderr
    since = run(*imp(registry, mirror, "--since", "2025-04", "--commit"))
    assert since.exit_code == 0
    assert "already present" in since.stdout
    assert "final-april-2025-provisional-may-2025" in since.stderr
    assert "links no measures file" in since.stderr


def test_quiet_prints_nothing_but_problems(run: Run, registry: Path, mirror: Mirror) -> None:
    quiet = run("-q", *imp(registry, mirror, "--since", "2025-03", "--commit"))
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    assert msds_figure(run, registry, "RR8", "2025-03-31")  # written all the same
    del mirror.server.routes[file_path(file_name(2025, 4, provisional=True))]
    mirror.publish(monthly_release((2025, 4), (2025, 5)))
    del mirror.server.routes[file_path(file_name(2025, 4, provisional=False))]
    failed = run(*imp(registry, mirror, "--latest", "--commit", "-q"))
    assert failed.exit_code == 4
    assert failed.stdout == ""
    assert "April 2025 (final) was not imported" in failed.stderr


def test_a_file_slower_than_the_deadline_fails_only_its_month(
    run: Run, registry: Path, mirror: Mirror, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COCWATCH_DOWNLOAD_DEADLINE", "1")
    mirror.server.routes[file_path(file_name(2025, 3, provisional=False))].delay = 3.0
    result = run(*imp(registry, mirror, "--since", "2025-03", "--commit"))
    assert result.exit_code == 4
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines_for(lines, "2025-03")[2] == "failed"
    assert lines_for(lines, "2025-04")[2] == "imported"
    assert "still downloading after 1 s" in result.stderr


def test_a_file_over_the_size_cap_fails_only_its_month(
    run: Run, registry: Path, mirror: Mirror
) -> None:
    result = run(*imp(registry, mirror, "--since", "2025-03", "--commit", "--max-size", "1"))
    assert result.exit_code == 4
    lines = [line.split() for line in result.stdout.splitlines()]
    assert lines_for(lines, "2025-03")[2] == "imported"  # a few rows
    assert lines_for(lines, "2025-04")[2] == "failed"  # the real file is over 1 MB
    assert "larger than the limit of 1 MB" in result.stderr


def test_the_shipped_registry_already_holds_the_real_april_file(
    run: Run, mirror: Mirror, tmp_path: Path
) -> None:
    """The shipped statistics folder holds exactly the real April file: nothing to import."""
    copy = tmp_path / "shipped.yaml"
    shutil.copyfile(shipped_registry(), copy)
    shutil.copytree(shipped_registry().parent / "statistics", tmp_path / "statistics")
    result = run(*imp(copy, mirror, "--month", "2025-04", "--format", "json"))
    assert result.exit_code == 0, result.stderr
    (april,) = json.loads(result.stdout)["months"]
    assert (april["file"], april["status"]) == ("provisional", "present")
