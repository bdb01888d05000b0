"""`check` on the shipped registry against an independent computation from the real April
2025 file (as shipped in data/statistics/): every Trust's comparison with England and its
rank, computed here with the csv module, statsmodels' Wilson interval and scipy's ranking."""

from __future__ import annotations

import csv
import json
from collections import Counter

import pytest

from tests.support.paths import ROOT, SHIPPED_APRIL_2025

proportion = pytest.importorskip("statsmodels.stats.proportion")
stats = pytest.importorskip("scipy.stats")

REAL = SHIPPED_APRIL_2025


def _published() -> tuple[tuple[int, int], dict[str, tuple[int, int]]]:
    """England's counts, and each passing provider's, for placement by 28 weeks."""
    values: dict[tuple[str, str, str], str] = {}
    with REAL.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["Indicator"] == "COC_by_28weeks":
                values[(row["Org_Level"], row["Org_Code"], row["Currency"])] = row["Value"]
    england = (
        int(values[("National", "National", "Numerator")]),
        int(values[("National", "National", "Denominator")]),
    )
    passing = {}
    for (level, code, currency), value in values.items():
        if level == "Provider" and currency == "Result" and value == "Pass":
            den = int(values[(level, code, "Denominator")])
            if den > 0:
                passing[code] = (int(values[(level, code, "Numerator")]), den)
    return england, passing


def _possible(count: int) -> range:
    """The counts a published one may stand for: a 5 is any count from 1 to 7."""
    return range(1, 8) if count == 5 else range(count, count + 1)


def _verdict(num: int, den: int, england: float, alpha: float) -> str | None:
    """statsmodels' Wilson interval against England; a published 5 stands for 1 to 7, so a
    verdict is given only where every one of those gives the same (else None)."""
    found = set()
    for n in _possible(num):
        low, high = proportion.proportion_confint(n, den, alpha=alpha, method="wilson")
        found.add("lower" if high < england else "higher" if low > england else "similar")
    return found.pop() if len(found) == 1 else None


def _extremes(num: int, den: int) -> tuple[float, float]:
    rates = [n / d for n in _possible(num) for d in _possible(den) if n <= d]
    return min(rates), max(rates)


def _check(*extra: str) -> dict[str, object]:
    from typer.testing import CliRunner

    from cocwatch.cli import app

    result = CliRunner().invoke(
        app,
        ["-r", str(ROOT / "data" / "trusts.yaml"), "check", "--all", "--format", "json",
         "--fail-on", "never", *extra],
        env={"COCWATCH_TODAY": "2026-12-04", "NO_COLOR": "1"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


@pytest.fixture(scope="module")
def checked() -> dict[str, object]:
    return _check()


@pytest.fixture(scope="module")
def every_passing() -> dict[str, object]:
    """As of June 2026, when every provider in the April 2025 file was still open (North
    Bristol, RVJ, closed on 2026-06-30)."""
    return _check("--as-of", "2026-06-01")


def test_england_comparison_and_rank_agree_with_an_independent_computation(
    every_passing: dict[str, object],
) -> None:
    (num, den), passing = _published()
    assert (num, den) == (7295, 42710)
    england = num / den
    codes = sorted(passing)
    rates = [passing[c][0] / passing[c][1] for c in codes]
    ranks = dict(zip(codes, stats.rankdata([-r for r in rates], method="min"), strict=True))
    seen = 0
    for trust in every_passing["trusts"]:  # type: ignore[attr-defined]
        placed = trust["comparisons"]["placement"]
        if trust["ods"] not in passing:
            assert placed is None or placed["rank"] is None
            continue
        seen += 1
        n, d = passing[trust["ods"]]
        assert (placed["numerator"], placed["denominator"]) == (n, d)
        assert placed["england"]["at_95"] == _verdict(n, d, england, 0.05), trust["ods"]
        assert placed["england"]["at_99_8"] == _verdict(n, d, england, 0.002), trust["ods"]
        assert placed["rank"] == {
            "position": int(ranks[trust["ods"]]),
            "of": len(passing),
            "quintile": placed["rank"]["quintile"],
        }
        # Its best place: itself as high as its counts allow, every other Trust as low; its
        # worst the other way round (scipy's "min" ranking, ties sharing the best place).
        own_low, own_high = _extremes(n, d)
        others = [c for c in codes if c != trust["ods"]]
        best = stats.rankdata([-own_high] + [-_extremes(*passing[c])[0] for c in others], "min")
        worst = stats.rankdata([-own_low] + [-_extremes(*passing[c])[1] for c in others], "min")
        exact = [
            c for c in others if 5 not in passing[c] and passing[c][0] / passing[c][1] == n / d
        ]
        placing = placed["placing"]
        assert (placing["best"], placing["worst"]) == (int(best[0]), int(worst[0])), trust["ods"]
        assert placing["tied_with"] == (len(exact) if 5 not in (n, d) else 0), trust["ods"]
    assert seen == len(passing) == 103


def test_check_tells_trusts_apart(checked: dict[str, object]) -> None:
    trusts = checked["trusts"]  # type: ignore[assignment]
    counts = Counter(t["severity"] for t in trusts)  # type: ignore[attr-defined]
    assert max(counts.values()) <= 0.7 * len(trusts)  # type: ignore[arg-type]
    by_ods = {t["ods"]: t for t in trusts}  # type: ignore[attr-defined]
    guys, torbay = by_ods["RJ1"], by_ods["RA9"]
    assert guys["severity"] == "fail" and torbay["severity"] == "ok"
    assert guys["comparisons"]["placement"]["rank"]["position"] == 73
    # Registry gaps are notes: they never decide a Trust's severity.
    notes = {f["code"] for f in torbay["findings"] if f["severity"] == "note"}
    assert {"plan_unknown", "stale_data"} <= notes
    assert checked["notes"] and "April 2025" in checked["notes"][0]  # type: ignore[index]


def test_the_funnel_in_april_2025_matches_the_spec(every_passing: dict[str, object]) -> None:
    """SPEC §4.1: unadjusted 99.8% limits put 83 of 103 passing Trusts outside; adjusted,
    none is low and a handful are high."""
    (num, den), passing = _published()
    england = num / den
    z998 = stats.norm.ppf(0.999)

    def plain_outside(n: int, d: int) -> bool:
        return bool(abs(n / d - england) / (england * (1 - england) / d) ** 0.5 > z998)

    # On the published counts (each 5 taken as 5), as the SPEC counts them.
    assert sum(plain_outside(n, d) for n, d in passing.values()) == 83
    placed = [
        t["comparisons"]["placement"]
        for t in every_passing["trusts"]  # type: ignore[attr-defined]
        if t["comparisons"]["placement"] and t["comparisons"]["placement"]["passed_quality"]
    ]
    funnels = [p["funnel"] for p in placed if p["funnel"]]
    unsettled = [p for p in placed if p["funnel_unsettled"]]
    assert len(funnels) + len(unsettled) == 103
    # A Trust is left off the funnel only when it published a 5 (which stands for 1 to 7).
    assert unsettled and all(p["numerator"] == 5 and p["funnel"] is None for p in unsettled)
    for p in placed:
        if p["funnel"] and p["numerator"] == 5:
            assert len({plain_outside(n, p["denominator"]) for n in range(1, 8)}) == 1
    assert not [f for f in funnels if f["adjusted"] == "below_99.8"]
    assert 0 < sum(f["exceptional"] for f in funnels) <= 10
