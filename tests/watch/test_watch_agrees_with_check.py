"""`watch` and `check` make one assessment: on a copy of the shipped registry (real April
2025 statistics beside it), for every open Trust, the severity `watch` records and reports is
the one `check` gives, before and after the registry and the correspondence log change."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from tests.support.paths import ROOT

Run = Callable[..., Result]


def _check(run: Run, registry: Path) -> dict[str, str]:
    result = run("-r", str(registry), "check", "--all", "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.stderr
    return {t["id"]: t["severity"] for t in json.loads(result.stdout)["trusts"]}


def _watched(state: Path) -> dict[str, str]:
    with sqlite3.connect(state) as db:
        return dict(db.execute("SELECT trust_id, severity FROM trusts").fetchall())


def test_watch_records_and_reports_the_severities_check_gives(run: Run, tmp_path: Path) -> None:
    registry = tmp_path / "trusts.yaml"
    shutil.copy(ROOT / "data" / "trusts.yaml", registry)
    shutil.copytree(ROOT / "data" / "statistics", tmp_path / "statistics")
    state = tmp_path / "watch.sqlite3"

    def watch() -> Result:
        result = run("-r", str(registry), "watch", "--state", str(state), "--format", "json")
        assert result.exit_code == 0, result.stderr
        return result

    watch()
    before = _check(run, registry)
    assert _watched(state) == before
    assert set(before.values()) == {"ok", "warn", "fail"}

    # An FOI request to Stockport goes unanswered past its deadline, and a Trust is recorded
    # as having no plan: both change what check says.
    (tmp_path / "correspondence.yaml").write_text(
        "letters:\n  - trust: stockport\n    kind: foi\n    sent_on: 2026-09-01\n",
        encoding="utf-8",
    )
    text = registry.read_text(encoding="utf-8")
    anchor = "  - id: torbay-and-south-devon\n"
    assert anchor in text
    registry.write_text(
        text.replace(anchor, anchor + "    plan:\n      status: none\n", 1), encoding="utf-8"
    )
    news = json.loads(watch().stdout)
    after = _check(run, registry)
    assert _watched(state) == after
    assert after != before
    changed = {
        item["trust_id"]: item["details"]["after"]
        for item in news["news"]
        if item["kind"] == "severity_changed"
    }
    assert changed == {tid: sev for tid, sev in after.items() if before[tid] != sev}
