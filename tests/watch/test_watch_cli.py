"""`cocwatch watch` from the command line: baseline, silence, news after registry edits,
JSON, and the exit codes for a bad registry or an unusable state file (synthetic data).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.support.web import (
    SOURCE,
    base_registry,
    cron_command,
    cron_env,
    run_like_cron,
    trust,
    write,
)

Run = Callable[..., Result]


class Watch:
    """Runs `watch` against one registry file and one state file."""

    def __init__(self, run: Run, tmp_path: Path) -> None:
        self.run = run
        self.registry_path = tmp_path / "trusts.yaml"
        self.state = tmp_path / "state" / "watch.sqlite3"
        self.registry = base_registry()
        write(self.registry_path, self.registry)

    def save(self) -> None:
        write(self.registry_path, self.registry)

    def __call__(self, *extra: str) -> Result:
        return self.run(
            "--registry", str(self.registry_path), "watch", "--state", str(self.state), *extra
        )

    def news(self, *extra: str) -> str:
        result = self(*extra)
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
        return result.stdout


@pytest.fixture
def watch(run: Run, tmp_path: Path) -> Watch:
    return Watch(run, tmp_path)


def test_first_run_records_a_baseline_in_one_line_then_stays_silent(watch: Watch) -> None:
    first = watch.news()
    assert first == (
        "cocwatch watch: baseline recorded on 2026-11-23 for 2 Trusts and 1 figure; "
        "later runs print only what changes.\n"
    )
    assert watch.state.is_file()
    assert watch.news() == ""
    assert watch.news() == ""


def test_state_location_comes_from_the_environment(run: Run, tmp_path: Path) -> None:
    registry = write(tmp_path / "trusts.yaml", base_registry())
    state = tmp_path / "from-env.sqlite3"
    result = run("--registry", str(registry), "watch", env={"COCWATCH_STATE": str(state)})
    assert result.exit_code == 0
    assert "baseline recorded" in result.stdout
    assert state.is_file()


def test_registry_edits_are_reported_once_grouped_by_trust(watch: Watch) -> None:
    watch.news()
    north = trust(watch.registry, "north")
    north["figures"].append(
        {
            "cohort": "all",
            "percent": 10,
            "as_of": "2026-10-31",
            "provisional": True,
            "source": SOURCE,
        }
    )
    north["figures"][0]["percent"] = 41.5
    watch.registry["national"]["figures"] = [
        {"cohort": "all", "percent": 12.5, "as_of": "2026-09-30", "source": SOURCE}
    ]
    watch.save()
    assert watch.news() == (
        "cocwatch watch: 4 changes in 1 Trust since 2026-11-23 (as of 2026-11-23)\n"
        "\n"
        "North Synthetic NHS Trust [north]\n"
        "  - all cohort: met -> behind (severity ok -> warn)\n"
        "  - revised figure 2026-09-30 (all, placed_by_28_weeks): 40.0% -> 41.5%\n"
        "  - new figure 2026-10-31 (all, placed_by_28_weeks): 10.0%, provisional\n"
        "\n"
        "National figures\n"
        "  - new figure 2026-09-30 (all, placed_by_28_weeks): 12.5%\n"
    )
    assert watch.news() == ""  # reported once


def test_findings_opened_and_resolved(watch: Watch) -> None:
    watch.news()
    north = trust(watch.registry, "north")
    north["plan"] = {"status": "none"}
    watch.save()
    opened = watch.news().splitlines()
    assert opened[:4] == [
        "cocwatch watch: 2 changes in 1 Trust since 2026-11-23 (as of 2026-11-23)",
        "",
        "North Synthetic NHS Trust [north]",
        "  - overall severity warn (needs attention) -> fail (failing)",
    ]
    assert opened[4].startswith("  - new finding no_plan (fail): ")
    assert len(opened) == 5
    north["plan"] = {
        "status": "active",
        "published": "2025-06-01",
        "url": "https://example.org/north/plan",
        "coproduced": "yes",
        "board_reviews": [{"date": "2026-11-01"}],
    }
    watch.save()
    assert watch.news() == (
        "cocwatch watch: 2 changes in 1 Trust since 2026-11-23 (as of 2026-11-23)\n"
        "\n"
        "North Synthetic NHS Trust [north]\n"
        "  - overall severity fail (failing) -> warn (needs attention)\n"
        "  - finding resolved: no_plan\n"
    )


def test_trusts_added_closed_and_removed(watch: Watch) -> None:
    watch.news()
    watch.registry["trusts"].append(
        {"id": "east", "ods": "XE1", "name": "East Synthetic NHS Trust", "region": "East"}
    )
    trust(watch.registry, "north")["closed_on"] = "2026-11-01"
    trust(watch.registry, "north")["successor"] = "east"
    watch.save()
    out = watch.news()
    assert out == (
        "cocwatch watch: 2 changes in 2 Trusts since 2026-11-23 (as of 2026-11-23)\n"
        "\n"
        "East Synthetic NHS Trust [east]\n"
        "  - now watched (new in the registry): severity warn, all no data, 0 figures, "
        "findings: plan_unknown\n"
        "\n"
        "North Synthetic NHS Trust [north]\n"
        "  - no longer watched: closed on 2026-11-01\n"
    )
    watch.registry["trusts"] = [t for t in watch.registry["trusts"] if t["id"] != "south"]
    watch.save()
    out = watch.news()
    assert out.endswith(
        "South Synthetic NHS Foundation Trust [south]\n"
        "  - no longer watched: no longer in the registry\n"
    )


def test_json_output(watch: Watch) -> None:
    baseline = json.loads(watch.news("--format", "json"))
    assert baseline == {
        "as_of": "2026-11-23",
        "since": None,
        "baseline": True,
        "state": str(watch.state),
        "counts": {"trusts": 2, "figures": 1, "pages": None},
        "news": [],
    }
    assert watch.news("--format", "json") == ""  # no news: no output, as in text
    trust(watch.registry, "south")["figures"] = [
        {"cohort": "most_deprived", "percent": 7, "as_of": "2026-08-31", "source": SOURCE}
    ]
    watch.save()
    data: dict[str, Any] = json.loads(watch.news("--format", "json"))
    assert data["baseline"] is False and data["since"] == "2026-11-23"
    added = [n for n in data["news"] if n["kind"] == "figure_added"]
    assert added == [
        {
            "kind": "figure_added",
            "trust_id": "south",
            "trust_name": "South Synthetic NHS Foundation Trust",
            "message": "new figure 2026-08-31 (most_deprived, placed_by_28_weeks): 7.0%",
            "details": {
                "cohort": "most_deprived",
                "measure": "placed_by_28_weeks",
                "as_of": "2026-08-31",
                "after": {"percent": 7.0, "provisional": False, "quality": "unknown"},
            },
        }
    ]


def test_a_bad_registry_exits_3_and_leaves_the_state_alone(watch: Watch) -> None:
    watch.news()
    before = watch.state.read_bytes()
    watch.registry_path.write_text(watch.registry_path.read_text() + "  - id: BAD ID\n", "utf-8")
    result = watch()
    assert result.exit_code == 3
    assert result.stdout == ""
    assert str(watch.registry_path) in result.stderr
    assert watch.state.read_bytes() == before
    watch.save()
    assert watch.news() == ""


def test_an_unusable_state_file_exits_4_with_a_message(watch: Watch) -> None:
    watch.state.parent.mkdir(parents=True)
    watch.state.write_bytes(b"synthetic junk, not a database " * 50)
    result = watch()
    assert result.exit_code == 4
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: The watch state {watch.state} is not a cocwatch")
    assert "Traceback" not in result.stderr


def test_a_bad_date_is_a_usage_error(watch: Watch) -> None:
    result = watch("--as-of", "23/11/2026")
    assert result.exit_code == 2
    assert "--as-of" in result.stderr


def test_a_state_from_another_day_reports_news_since_then(watch: Watch) -> None:
    assert "baseline recorded on 2026-11-01" in watch.news("--as-of", "2026-11-01")
    trust(watch.registry, "south")["figures"] = [
        {"cohort": "all", "percent": 7, "as_of": "2026-10-31", "source": SOURCE}
    ]
    watch.save()
    assert "since 2026-11-01 (as of 2026-11-23)" in watch.news()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_news_that_could_not_be_printed_is_printed_again_next_run(tmp_path: Path) -> None:
    """A run whose output cannot be written (cron's mail spool full) keeps its news for later."""
    registry = write(tmp_path / "trusts.yaml", base_registry())
    state = tmp_path / "watch.sqlite3"
    args = ("--registry", str(registry), "watch", "--state", str(state))
    assert run_like_cron(tmp_path, *args).returncode == 0  # the baseline
    north = trust(reg := base_registry(), "north")
    north["figures"].append(
        {"cohort": "all", "percent": 10, "as_of": "2026-10-31", "source": SOURCE}
    )
    write(registry, reg)

    with Path("/dev/full").open("wb") as full:
        failed = subprocess.run(
            cron_command(*args),
            stdin=subprocess.DEVNULL,
            stdout=full,
            stderr=subprocess.PIPE,
            env=cron_env(tmp_path),
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
    assert failed.returncode == 4, failed.stderr
    assert b"No space left on device" in failed.stderr

    again = run_like_cron(tmp_path, *args)
    assert again.returncode == 0, again.stderr
    assert "10.0%" in again.stdout.decode(), again.stdout
    assert run_like_cron(tmp_path, *args).stdout == b""  # told once delivered
