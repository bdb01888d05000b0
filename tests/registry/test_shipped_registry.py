"""The registry shipped with cocwatch validates and holds what the README promises."""

from __future__ import annotations

import csv
from datetime import date

from cocwatch.locations import shipped_registry
from cocwatch.registry import load_registry
from tests.support.paths import TEST_DATA

PROVIDERS = TEST_DATA / "maternity_providers_england.csv"


def test_shipped_registry_validates() -> None:
    loaded = load_registry(str(shipped_registry()), today=date(2026, 11, 23))
    registry = loaded.registry
    assert len(registry.trusts) >= 120
    for target in registry.national.targets:
        assert target.source is not None and target.source.url, target.id
    for figure in registry.national.figures:
        assert figure.source.url
    # No invented per-Trust figures: a Trust figure must come from a cited document.
    for trust in registry.trusts:
        for figure in trust.figures:
            assert figure.source.url, trust.id


def test_shipped_registry_covers_every_listed_provider() -> None:
    with PROVIDERS.open(encoding="utf-8") as handle:
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


# DOMAIN §2: id → (cohort, percent, measure, due as written, set_on, how it ended).
TIMELINE = {
    "ibb-2019": ("all", 20, "placed_by_28_weeks", "2019-03", "2017-12-22", "ltp-2021"),
    "ltp-2021": ("all", None, "receiving_ongoing", "2021-03", "2019-01-07", "default-2023"),
    "mis3-51": ("all", 51, "placed_by_28_weeks", "2021-03", "2020-02", "mis3-relaunch-35"),
    "mis3-relaunch-35": ("all", 35, "placed_by_28_weeks", "2021-03", "2020-10", "default-2023"),
    "default-2023": ("all", None, "receiving_ongoing", "2023-03", "2021-07-09", "withdrawn"),
    "interim-2022": (
        "ethnic_minority",
        None,
        "placed_by_28_weeks",
        "2022",
        "2022-03-09",
        "withdrawn",
    ),
    "interim-2022-dep": (
        "most_deprived",
        None,
        "placed_by_28_weeks",
        "2022",
        "2022-03-09",
        "withdrawn",
    ),
    "targeted-2024-em": (
        "ethnic_minority",
        75,
        "receiving_ongoing",
        "2024",
        "2019-01-07",
        "withdrawn",
    ),
    "targeted-2024-dep": (
        "most_deprived",
        75,
        "receiving_ongoing",
        "2024",
        "2019-01-07",
        "withdrawn",
    ),
}


def _as_written(day: date, precision: str) -> str:
    return day.strftime({"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}[precision])


def test_shipped_targets_follow_the_sources_timeline() -> None:
    registry = load_registry(str(shipped_registry()), today=date(2026, 11, 23)).registry
    found = {}
    for t in registry.national.targets:
        assert t.set_on is not None
        ended = "withdrawn" if t.withdrawn_on == date(2022, 9, 21) else t.superseded_by
        found[t.id] = (
            t.cohort,
            t.percent,
            t.measure,
            _as_written(t.due, t.due_precision),
            _as_written(t.set_on, t.set_on_precision),
            ended,
        )
    assert found == TIMELINE


def test_shipped_targets_cite_their_own_sources() -> None:
    registry = load_registry(str(shipped_registry()), today=date(2026, 11, 23)).registry
    by_id = {t.id: t for t in registry.national.targets}
    assert "resolution.nhs.uk" in (by_id["mis3-51"].source.url or "")  # type: ignore[union-attr]
    assert "longtermplan" in (by_id["ltp-2021"].source.url or "")  # type: ignore[union-attr]
    for t in registry.national.targets:
        assert t.source is not None
        url, title = t.source.url or "", t.source.title or ""
        mirror = any(m in url for m in ("parallelparliament", "streetguide"))
        assert not mirror or "mirror" in title.lower(), t.id  # a mirror is named as one
    assert "unverified" in (by_id["mis3-relaunch-35"].notes or "").lower()
