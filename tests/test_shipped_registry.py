"""The registry shipped with cocwatch validates and holds what the README promises."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from cocwatch.locations import shipped_registry
from cocwatch.registry import load_registry

SHARED_PROVIDERS = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "maternity_providers_england.csv"
)


def test_shipped_registry_validates() -> None:
    loaded = load_registry(str(shipped_registry()), today=date(2026, 11, 23))
    registry = loaded.registry
    assert len(registry.trusts) >= 120
    target_ids = {t.id for t in registry.national.targets}
    assert {"ltp-2021", "targeted-2024-em", "targeted-2024-dep"} <= target_ids
    for target in registry.national.targets:
        assert target.source is not None and target.source.url, target.id
        assert target.withdrawn_on == date(2022, 9, 21), target.id
    for figure in registry.national.figures:
        assert figure.source.url
    # No invented per-Trust figures: a Trust figure must come from a cited document.
    for trust in registry.trusts:
        for figure in trust.figures:
            assert figure.source.url, trust.id


def test_shipped_registry_covers_every_listed_provider() -> None:
    if not SHARED_PROVIDERS.exists():  # only beside the shared reference data
        return
    with SHARED_PROVIDERS.open(encoding="utf-8") as handle:
        codes = {row["ods_code"] for row in csv.DictReader(handle)}
    registry = load_registry(str(shipped_registry()), today=date(2026, 11, 23)).registry
    assert codes == {t.ods for t in registry.trusts}
    by_ods = {t.ods: t for t in registry.trusts}
    assert by_ods["RJ1"].name == "Guy's and St Thomas' NHS Foundation Trust"
    assert by_ods["RA4"].closed_on == date(2023, 3, 31)
    assert by_ods["RA4"].successor == by_ods["RH5"].id


def test_shipped_registry_commands(run) -> None:  # type: ignore[no-untyped-def]
    for args in (["validate"], ["trusts", "--format", "json"], ["show", "rj1"], ["targets"]):
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
