"""The statistical methods against values computed independently.

Expected values come from scipy and statsmodels (test-only dependencies), from
PHEindicatormethods' own test workbook (Wilson limits), from a vectorised re-computation of
FunnelPlotR's over-dispersion steps in numpy, and from the real April 2025 MSDS file, whose
funnel counts SPEC §4.1 quotes.
"""

from __future__ import annotations

import csv
from datetime import date

import numpy as np
import pytest
from scipy.stats import fisher_exact, linregress, norm, rankdata
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from cocwatch.core.stats import (
    SMALL_DENOMINATOR,
    Count,
    FunnelPlacement,
    Overdispersion,
    Placing,
    Scale,
    classify_funnel,
    compare_with_benchmark,
    fisher_exact_p,
    funnel_limits,
    is_small,
    overdispersion,
    rank_among,
    two_proportion_test,
    wilson_interval,
    z_for,
)
from cocwatch.core.stats_over_time import (
    MIN_SPC_POINTS,
    SpcSignal,
    least_squares,
    p_chart,
    spc_signals,
    xmr_chart,
    year_on_year,
)
from tests.support.paths import SHIPPED_APRIL_2025

MSDS = SHIPPED_APRIL_2025
ENGLAND = 7295 / 42710  # the National row of COC_by_28weeks, April 2025


def april_2025_passing() -> dict[str, Count]:
    """Provider rows of COC_by_28weeks whose Result is Pass, denominators above 0."""
    rows: dict[str, dict[str, str]] = {}
    with MSDS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Indicator"] == "COC_by_28weeks" and row["Org_Level"] == "Provider":
                rows.setdefault(row["Org_Code"], {})[row["Currency"]] = row["Value"]
    return {
        code: Count(int(values["Numerator"]), int(values["Denominator"]))
        for code, values in rows.items()
        if values.get("Result") == "Pass" and int(values["Denominator"]) > 0
    }


PASSING = april_2025_passing()


# --- Wilson score intervals ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "n", "level", "lower", "upper"),
    [
        # PHEindicatormethods tests/testthat/testdata_Byars_Wilson.xlsx, the Wilson rows
        (65, 100, 0.95, 0.5525444329688797, 0.7363575175690247),
        (1045, 5000, 0.95, 0.19795549880013297, 0.22049130373189027),
        (65, 100, 0.998, 0.4954946574070431, 0.7783540614089697),
        (1045, 5000, 0.998, 0.19179381799015244, 0.22731562902525818),
    ],
)
def test_wilson_matches_phe_indicator_methods(
    x: int, n: int, level: float, lower: float, upper: float
) -> None:
    interval = wilson_interval(x, n, level)
    assert interval is not None
    assert (interval.lower, interval.upper) == pytest.approx((lower, upper), rel=1e-9)


@pytest.mark.parametrize(
    ("x", "n"),
    [(0, 1), (1, 1), (0, 10), (5, 10), (10, 10), (5, 15), (15, 545), (7295, 42710), (1, 10000)],
)
@pytest.mark.parametrize("level", [0.95, 0.998])
def test_wilson_matches_statsmodels(x: int, n: int, level: float) -> None:
    interval = wilson_interval(x, n, level)
    assert interval is not None
    lower, upper = proportion_confint(x, n, alpha=1 - level, method="wilson")
    assert (interval.lower, interval.upper) == pytest.approx((lower, upper), rel=1e-9, abs=1e-12)
    assert interval.level == level


def test_wilson_has_no_interval_without_women() -> None:
    assert wilson_interval(0, 0) is None


@pytest.mark.parametrize(("x", "n"), [(-1, 10), (11, 10), (0, -1)])
def test_counts_that_cannot_be_are_refused(x: int, n: int) -> None:
    with pytest.raises(ValueError, match="not a count"):
        wilson_interval(x, n)


@pytest.mark.parametrize("level", [0.0, 1.0, 95.0, -0.5])
def test_levels_are_fractions(level: float) -> None:
    with pytest.raises(ValueError, match="confidence level"):
        wilson_interval(5, 10, level)


@pytest.mark.parametrize("level", [0.95, 0.998, 0.9])
def test_z_for_matches_scipy(level: float) -> None:
    assert z_for(level) == pytest.approx(norm.ppf(1 - (1 - level) / 2), rel=1e-12)


# --- Against England ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "n", "benchmark", "level", "expected"),
    [
        (15, 545, ENGLAND, 0.95, "lower"),  # RJ1: 2.8%
        (15, 545, ENGLAND, 0.998, "lower"),
        (90, 500, ENGLAND, 0.95, "similar"),  # 18.0%: 14.9%–21.6%
        (110, 500, ENGLAND, 0.95, "higher"),  # 22.0%: interval 18.6%–25.8%
        (110, 500, ENGLAND, 0.998, "similar"),  # 99.8%: 16.8%–28.2% holds 17.08%
        (5, 10, 0.5, 0.95, "similar"),
        (0, 30, ENGLAND, 0.95, "lower"),  # 0 of 30: upper 11.4%
        (0, 15, ENGLAND, 0.95, "similar"),  # 0 of 15: upper 20.4%
    ],
)
def test_compare_with_benchmark(
    x: int, n: int, benchmark: float, level: float, expected: str
) -> None:
    assert compare_with_benchmark(x, n, benchmark, level) == expected
    # the same decision from statsmodels' interval
    lower, upper = proportion_confint(x, n, alpha=1 - level, method="wilson")
    independent = "lower" if upper < benchmark else "higher" if lower > benchmark else "similar"
    assert independent == expected


def test_compare_without_women_is_no_comparison() -> None:
    assert compare_with_benchmark(0, 0, ENGLAND) is None


def test_april_2025_comparisons_agree_with_statsmodels() -> None:
    for count in PASSING.values():
        for level in (0.95, 0.998):
            lower, upper = proportion_confint(
                count.numerator, count.denominator, alpha=1 - level, method="wilson"
            )
            independent = "lower" if upper < ENGLAND else "higher" if lower > ENGLAND else "similar"
            ours = compare_with_benchmark(count.numerator, count.denominator, ENGLAND, level)
            assert ours == independent


# --- Rank ---------------------------------------------------------------------------------


def test_rank_shares_ties_and_counts_from_the_highest() -> None:
    ranks = rank_among({"a": 0.9, "b": 0.5, "c": 0.5, "d": 0.1, "e": 0.0})
    assert [(r.position, r.of, r.quintile) for r in ranks.values()] == [
        (1, 5, 1),
        (2, 5, 2),
        (2, 5, 2),
        (4, 5, 4),
        (5, 5, 5),
    ]


def test_rank_of_no_values_is_empty() -> None:
    assert rank_among({}) == {}


def test_april_2025_ranks_match_scipy_and_rj1_is_73rd_of_103() -> None:
    proportions = {code: count.numerator / count.denominator for code, count in PASSING.items()}
    ranks = rank_among(proportions)
    independent = rankdata([-p for p in proportions.values()], method="min")
    assert [r.position for r in ranks.values()] == [int(i) for i in independent]
    assert ranks["RJ1"].position == 73
    assert ranks["RJ1"].of == 103
    assert ranks["RJ1"].quintile == 4  # 73 / 103 = 0.71: the fourth fifth
    # quintile q holds places up to q × 103 / 5: 1–20, 21–41, 42–61, 62–82, 83–103
    assert [r.quintile for r in ranks.values()] == [int(i) for i in np.ceil(5 * independent / 103)]
    quintiles = [r.quintile for r in ranks.values()]
    assert [quintiles.count(q) for q in range(1, 6)] == [20, 21, 20, 21, 21]


# --- Funnels ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [10, 30, 545, 5000])
@pytest.mark.parametrize("level", [0.95, 0.998])
def test_plain_funnel_limits_are_binomial_normal(n: int, level: float) -> None:
    limits = funnel_limits(n, ENGLAND, level)
    spread = norm.ppf(1 - (1 - level) / 2) * np.sqrt(ENGLAND * (1 - ENGLAND) / n)
    assert limits.lower == pytest.approx(max(0.0, ENGLAND - spread), abs=1e-12)
    assert limits.upper == pytest.approx(ENGLAND + spread, rel=1e-12)


@pytest.mark.parametrize("n", [10, 545, 5000])
@pytest.mark.parametrize("tau2", [0.0, 0.01, 0.07])
def test_arcsine_funnel_limits_as_funnelplotr_draws_them(n: int, tau2: float) -> None:
    limits = funnel_limits(n, ENGLAND, 0.998, tau2=tau2, scale="arcsine")
    centre, spread = np.arcsin(np.sqrt(ENGLAND)), 3.090232 * np.sqrt(1 / (4 * n) + tau2)
    expected_lower = 0.0 if centre - spread < 0 else np.sin(centre - spread) ** 2
    assert limits.lower == pytest.approx(expected_lower, abs=1e-6)
    assert limits.upper == pytest.approx(np.sin(centre + spread) ** 2, rel=1e-6)


def test_funnel_limits_stay_between_0_and_1() -> None:
    limits = funnel_limits(5, 0.5, 0.998, tau2=1.0)
    assert (limits.lower, limits.upper) == (0.0, 1.0)
    with pytest.raises(ValueError, match="denominator"):
        funnel_limits(0, 0.5)


def independent_overdispersion(
    counts: list[Count], target: float, scale: Scale, trim: float = 0.1
) -> tuple[float, float]:
    """FunnelPlotR's steps (transformed_zscore, winsorisation, phi_func, tau_func) in numpy."""
    x = np.array([c.numerator for c in counts], dtype=float)
    n = np.array([c.denominator for c in counts], dtype=float)
    if scale == "arcsine":
        y, t, s = np.arcsin(np.sqrt(x / n)), np.arcsin(np.sqrt(target)), 1 / (2 * np.sqrt(n))
    else:
        y, t, s = x / n, target, np.sqrt(target * (1 - target) / n)
    z = (y - t) / s
    low, high = np.quantile(z, [trim, 1 - trim])  # numpy's default is R's type 7
    phi = float(np.mean(np.clip(z, low, high) ** 2))
    w = 1 / s**2
    tau2 = max(0.0, (len(z) * phi - (len(z) - 1)) / (w.sum() - (w**2).sum() / w.sum()))
    return phi, float(tau2)


@pytest.mark.parametrize("scale", ["proportion", "arcsine"])
@pytest.mark.parametrize("trim", [0.1, 0.0, 0.05])
def test_overdispersion_matches_an_independent_computation(scale: Scale, trim: float) -> None:
    counts = list(PASSING.values())
    ours = overdispersion(counts, ENGLAND, scale=scale, winsorise=trim)
    phi, tau2 = independent_overdispersion(counts, ENGLAND, scale, trim)
    assert (ours.phi, ours.tau2) == pytest.approx((phi, tau2), rel=1e-9)
    assert ours.units == 103


def test_no_overdispersion_when_units_sit_on_the_target() -> None:
    counts = [Count(20, 100), Count(40, 200), Count(100, 500), Count(2, 10)]
    result = overdispersion(counts, 0.2)
    assert (result.phi, result.tau2) == (0.0, 0.0)


def test_overdispersion_by_hand() -> None:
    # θ = 0.5, n = 100: s = 0.05; z = (0.4, 0.5, 0.6, 0.7 − 0.5)/0.05 = −2, 0, 2, 4.
    # 10% type-7 quantiles of (−2, 0, 2, 4): −1.4 and 3.4; winsorised z² = 1.96, 0, 4, 11.56.
    # φ = 17.52/4 = 4.38; Σw = 4 × 400 = 1600, Σw²/Σw = 400; τ² = (17.52 − 3)/1200.
    counts = [Count(40, 100), Count(50, 100), Count(60, 100), Count(70, 100)]
    result = overdispersion(counts, 0.5)
    assert result.phi == pytest.approx(4.38)
    assert result.tau2 == pytest.approx(14.52 / 1200)


def test_overdispersion_needs_two_units_and_a_target_inside_0_to_1() -> None:
    with pytest.raises(ValueError, match="two units"):
        overdispersion([Count(5, 10), Count(0, 0)], 0.5)
    with pytest.raises(ValueError, match="strictly between"):
        overdispersion([Count(0, 10), Count(0, 20)], 0.0)


def funnel_counts(scale: Scale) -> dict[str, tuple[int, int]]:
    """Count passing Trusts below and above each funnel's limits: (low, high) per funnel."""
    dispersion = overdispersion(list(PASSING.values()), ENGLAND, scale=scale)
    places = [
        classify_funnel(c.numerator, c.denominator, ENGLAND, dispersion) for c in PASSING.values()
    ]
    out: dict[str, tuple[int, int]] = {}
    for kind in ("plain", "adjusted"):
        zones = [getattr(p, kind) for p in places]
        for level in ("95", "99.8"):
            low = sum(z == "below_99.8" or (level == "95" and z == "below_95") for z in zones)
            high = sum(z == "above_99.8" or (level == "95" and z == "above_95") for z in zones)
            out[f"{kind} {level}"] = (low, high)
    return out


def test_april_2025_funnel_counts_are_the_specs() -> None:
    # SPEC §4.1: "unadjusted 99.8% limits put 83 of 103 passing Trusts outside; adjusted,
    # none is low and a handful are high". Proportion scale, England's 7,295 of 42,710.
    assert len(PASSING) == 103
    assert funnel_counts("proportion") == {
        "plain 95": (66, 28),
        "plain 99.8": (60, 23),  # 83 outside
        "adjusted 95": (0, 13),
        "adjusted 99.8": (0, 8),
    }


def test_april_2025_funnel_counts_on_funnelplotrs_arcsine_scale() -> None:
    assert funnel_counts("arcsine") == {
        "plain 95": (66, 27),
        "plain 99.8": (62, 23),  # 85 outside: SPEC's 83 is the proportion scale
        "adjusted 95": (0, 12),
        "adjusted 99.8": (0, 6),
    }


def test_april_2025_funnel_agrees_with_the_limits_drawn() -> None:
    dispersion = overdispersion(list(PASSING.values()), ENGLAND)
    for count in PASSING.values():
        place = classify_funnel(count.numerator, count.denominator, ENGLAND, dispersion)
        assert place is not None
        limits = funnel_limits(count.denominator, ENGLAND, 0.998, tau2=dispersion.tau2)
        p = count.numerator / count.denominator
        assert place.exceptional == (p > limits.upper or p < limits.lower)


def test_rj1_is_below_the_plain_funnel_but_not_exceptional() -> None:
    dispersion = overdispersion(list(PASSING.values()), ENGLAND)
    rj1 = PASSING["RJ1"]
    place = classify_funnel(rj1.numerator, rj1.denominator, ENGLAND, dispersion)
    assert place == FunnelPlacement(plain="below_99.8", adjusted="within")
    assert not place.exceptional


@pytest.mark.parametrize(
    ("x", "n", "tau2", "expected"),
    [
        (50, 100, 0.0, FunnelPlacement("within", "within")),
        (61, 100, 0.0, FunnelPlacement("above_95", "above_95")),  # z = 2.2
        (66, 100, 0.0, FunnelPlacement("above_99.8", "above_99.8")),  # z = 3.2
        (34, 100, 0.0, FunnelPlacement("below_99.8", "below_99.8")),
        (66, 100, 0.0025, FunnelPlacement("above_99.8", "above_95")),  # z·s/√(s²+τ²) = 2.26
        (66, 100, 0.01, FunnelPlacement("above_99.8", "within")),
    ],
)
def test_classify_funnel(x: int, n: int, tau2: float, expected: FunnelPlacement) -> None:
    dispersion = Overdispersion(phi=1.0, tau2=tau2, units=10, scale="proportion")
    assert classify_funnel(x, n, 0.5, dispersion) == expected


def test_classify_funnel_without_women_is_no_placement() -> None:
    assert classify_funnel(0, 0, 0.5, Overdispersion(1.0, 0.0, 2, "proportion")) is None


# --- Two proportions ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2"),
    [
        (1410, 12190, 4340, 26985),  # sizes like England's ethnic groups
        (15, 545, 90, 500),
        (100, 1000, 120, 1000),
        (30, 200, 45, 210),
        (200, 400, 200, 400),
    ],
)
def test_z_test_matches_statsmodels(x1: int, n1: int, x2: int, n2: int) -> None:
    test = two_proportion_test(x1, n1, x2, n2)
    assert test is not None
    assert test.method == "two_proportion_z_test"
    z, p = proportions_ztest([x1, x2], [n1, n2])
    assert test.z == pytest.approx(z, rel=1e-9, abs=1e-12)
    assert test.p_value == pytest.approx(p, rel=1e-9)
    assert test.difference == pytest.approx(x1 / n1 - x2 / n2)
    assert test.significant == (p < 0.05)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2"),
    [
        (0, 10, 5, 15),  # published 0 of 10 against 5 of 15
        (5, 10, 4, 10),
        (1, 20, 30, 120),
        (5, 15, 250, 300),
        (0, 5, 200, 2000),
        (3, 3000, 1, 40),
        (0, 10, 0, 10),  # nobody in either group
    ],
)
def test_small_counts_use_fishers_exact_test_as_scipy_computes_it(
    x1: int, n1: int, x2: int, n2: int
) -> None:
    test = two_proportion_test(x1, n1, x2, n2)
    assert test is not None
    assert test.method == "fisher_exact"
    assert test.z is None
    _, p = fisher_exact([[x1, n1 - x1], [x2, n2 - x2]])
    assert test.p_value == pytest.approx(p, rel=1e-9)
    assert fisher_exact_p(x1, n1, x2, n2) == pytest.approx(p, rel=1e-9)


def test_fisher_is_used_when_any_expected_cell_is_under_5() -> None:
    # pooled 10/100: expected successes 5.0 and 5.0 → z-test; one fewer → Fisher
    z_tested, exact = two_proportion_test(3, 50, 7, 50), two_proportion_test(3, 50, 6, 50)
    assert z_tested is not None
    assert z_tested.method == "two_proportion_z_test"
    assert exact is not None
    assert exact.method == "fisher_exact"


def test_two_proportions_need_women_in_both_groups() -> None:
    assert two_proportion_test(0, 0, 5, 10) is None
    assert two_proportion_test(5, 10, 0, 0) is None


# --- Over time ----------------------------------------------------------------------------


def test_year_on_year() -> None:
    series = {date(2024, 4, 1): Count(100, 1000), date(2025, 4, 1): Count(150, 1000)}
    change = year_on_year(series, date(2025, 4, 30))
    assert change is not None
    assert change.month == date(2025, 4, 1)
    assert change.change_points == pytest.approx(5.0)
    z, p = proportions_ztest([150, 100], [1000, 1000])
    assert (change.test.z, change.test.p_value) == pytest.approx((z, p))
    assert change.test.significant
    assert year_on_year(series, date(2025, 5, 1)) is None
    assert year_on_year({date(2025, 4, 1): Count(1, 2)}, date(2025, 4, 1)) is None


ALTERNATING = [10.0, 14.0] * 7 + [10.0]  # 15 points, mean 11.87: no signal
SHIFT_OF_8 = [8.0, 16.0, 8.0, 16.0, 8.0, 16.0, 8.0] + [13.0, 14.0] * 4  # mean 12.53
RISING_7 = [10.0, 12.0] * 4 + [9.0, 9.5, 10.5, 11.0, 11.5, 12.5, 13.0]  # mean 11
OUTLIER = [40.0 if i == 10 else v for i, v in enumerate(ALTERNATING)]  # mean 13.87


@pytest.mark.parametrize(
    ("values", "signals"),
    [
        (ALTERNATING, ()),
        (SHIFT_OF_8, (SpcSignal("shift", tuple(range(7, 15)), "up"),)),
        (RISING_7, (SpcSignal("trend", tuple(range(8, 15)), "up"),)),
        ([-v for v in RISING_7], (SpcSignal("trend", tuple(range(8, 15)), "down"),)),
        (OUTLIER, (SpcSignal("beyond_limits", (10,), "up"),)),
        (SHIFT_OF_8[:7] + [13.0, 14.0] * 3 + [9.0, 16.0], ()),  # a run of 6 is no shift
    ],
)
def test_xmr_chart_signals(values: list[float], signals: tuple[SpcSignal, ...]) -> None:
    chart = xmr_chart(values)
    assert chart is not None
    assert chart.kind == "xmr_chart"
    assert chart.signals == signals
    mean = np.mean(values)
    spread = 2.66 * screened_mean_moving_range(values)
    assert chart.centre == pytest.approx(mean)
    assert chart.upper == pytest.approx([mean + spread] * len(values))
    assert chart.lower == pytest.approx([mean - spread] * len(values))


def screened_mean_moving_range(values: list[float]) -> float:
    """NHSRplotthedots' ``amr``: moving ranges of 3.267 × their mean or more are dropped."""
    ranges = np.abs(np.diff(values))
    return float(np.mean(ranges[ranges < 3.267 * np.mean(ranges)]))


def flagged_as_plot_the_dots_does(values: list[float], centre: float) -> dict[str, set[int]]:
    """Flag points per rule by sliding windows of 7, as NHS-R's NHSRplotthedots does."""
    side = np.sign(np.array(values) - centre)
    flags: dict[str, set[int]] = {"shift": set(), "trend": set()}
    for end in range(6, len(values)):
        window = range(end - 6, end + 1)
        if side[end] != 0 and all(side[i] == side[end] for i in window):
            flags["shift"].update(window)
        steps = np.sign(np.diff([values[i] for i in window]))
        if all(steps == 1) or all(steps == -1):
            flags["trend"].update(window)
    return flags


def test_shift_and_trend_agree_with_sliding_windows_on_random_series() -> None:
    rng = np.random.default_rng(2025)
    fired = {"shift": 0, "trend": 0}
    for _ in range(300):
        # random walks with repeats and points on the centre line (the median)
        values = [float(v) for v in rng.choice([-1, 1, 1, 2], size=24).cumsum()]
        centre = float(np.median(values))
        ours = spc_signals(values, centre, [-99.0] * 24, [99.0] * 24)
        for rule, points in flagged_as_plot_the_dots_does(values, centre).items():
            assert {i for sig in ours if sig.rule == rule for i in sig.points} == points
            fired[rule] += bool(points)
    assert min(fired.values()) > 50  # both rules were exercised


def test_spc_needs_7_months_and_calls_fewer_than_12_trial_limits() -> None:
    assert MIN_SPC_POINTS == 7
    assert xmr_chart(ALTERNATING[:6]) is None
    assert p_chart([Count(1, 10)] * 6) is None
    short, firm = xmr_chart(ALTERNATING[:11]), xmr_chart(ALTERNATING[:12])
    assert short is not None and short.trial
    assert firm is not None and not firm.trial


def test_a_point_on_the_centre_line_ends_a_shift_and_a_repeat_ends_a_trend() -> None:
    values = [1.0] * 6 + [0.0] + [1.0] * 6
    assert spc_signals(values, 0.0, [-9.0] * 13, [9.0] * 13) == ()
    rising = [1.0, 2.0, 3.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    assert spc_signals(rising, 4.0, [-9.0] * 8, [9.0] * 8) == ()


def test_p_chart_limits_and_an_outlying_month() -> None:
    counts = [Count(40, 200), Count(48, 200)] * 7 + [Count(90, 200)]
    counts[3] = Count(480, 2000)  # a big month at 24%: tight limits, still inside
    chart = p_chart(counts)
    assert chart is not None
    assert chart.kind == "p_chart"
    x = np.array([c.numerator for c in counts], dtype=float)
    n = np.array([c.denominator for c in counts], dtype=float)
    centre = x.sum() / n.sum()
    sigma = np.sqrt(centre * (1 - centre) / n)
    assert chart.centre == pytest.approx(centre)
    assert chart.lower == pytest.approx(list(centre - 3 * sigma))
    assert chart.upper == pytest.approx(list(centre + 3 * sigma))
    assert chart.values == pytest.approx(list(x / n))
    assert chart.signals == (SpcSignal("beyond_limits", (14,), "up"),)


def test_p_chart_needs_women_every_month() -> None:
    with pytest.raises(ValueError, match="every month"):
        p_chart([Count(1, 10)] * 14 + [Count(0, 0)])


# --- Small numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "small"), [(0, True), (5, True), (29, True), (30, False)])
def test_small_denominators(n: int, small: bool) -> None:
    assert SMALL_DENOMINATOR == 30
    assert is_small(n) is small


def test_least_squares_matches_scipys_linear_regression() -> None:
    xs = [738_000.0, 738_031.0, 738_059.0, 738_090.0, 738_120.0]
    ys = [12.5, 13.1, 12.9, 14.2, 15.0]
    slope, at_mean = least_squares(xs, ys)
    fitted = linregress(xs, ys)
    assert slope == pytest.approx(fitted.slope, rel=1e-12)
    assert at_mean == pytest.approx(fitted.intercept + fitted.slope * np.mean(xs), rel=1e-12)


def test_fewer_than_five_placed_have_no_fifths() -> None:
    """'5th fifth of 1' is not a fifth: below five places none is given."""
    assert Placing(1, 1, 1).quintile is None
    assert Placing(4, 4, 4).quintile is None
    assert Placing(5, 5, 5).quintile == 5
    assert Placing(1, 1, 5).quintile == 1
