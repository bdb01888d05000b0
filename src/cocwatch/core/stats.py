"""Statistical methods for fair comparisons (SPEC §4.1): one small pure function per method.

This module compares at one point in time (intervals, ranks, funnels, two proportions);
``cocwatch.core.stats_over_time`` follows a figure over months (year on year, SPC charts).

Pure and quick to import: the standard library only (``math``, ``statistics.NormalDist``),
no other cocwatch module and no pydantic (an import-linter contract checks this). Counts in,
plain frozen values out.

Conventions, the same in every function:

- **Proportions, not percents.** Intervals, limits, benchmarks and centre lines are
  proportions between 0 and 1 (``benchmark_proportion``); the caller multiplies by 100 to
  print. Percentage-point changes are named ``*_points``.
- **Levels** are two-sided coverage as a fraction: ``0.95`` and ``0.998`` (Fingertips' 95%
  and 99.8%), with z = Φ⁻¹(1 − (1 − level)/2): 1.959964 and 3.090232.
- **Ranks** run from the highest proportion down (1 = highest), ties share the best place
  ("competition" ranking 1, 2, 2, 4); quintile 1 is the highest fifth.
- **Funnels** are drawn on the proportion scale by default (binomial-normal limits around
  England's proportion, the scale that gives SPEC §4.1's April 2025 counts); the
  arcsine-square-root scale of NHS-R ``FunnelPlotR`` (``data_type = "PR"``) is available
  as ``scale="arcsine"``.
- **Two proportions** are compared with the pooled z-test, or with Fisher's exact test when
  any expected cell of the 2×2 table is under 5.
- **Nothing from nothing**: a denominator of 0 has no proportion, so functions that need one
  return None rather than a figure.

References: OHID Fingertips technical guidance and ``PHEindicatormethods`` (Wilson score
intervals, "compared with England"); Spiegelhalter (2005) "Funnel plots for comparing
institutional performance", Statistics in Medicine 24:1185–1202, and NHS-R ``FunnelPlotR``
(funnels and over-dispersion).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal, TypeVar

SMALL_DENOMINATOR = 30
"""Below this denominator a proportion is given as counts, never a bare percentage (§4.1)."""

LEVELS = (0.95, 0.998)
"""The two confidence levels Fingertips and the funnel plots use."""

WINSORISE = 0.1
"""Share of z-scores pulled in at each end before estimating over-dispersion (Spiegelhalter)."""

EXPECTED_CELL_MINIMUM = 5
"""Fisher's exact test replaces the z-test when any expected cell is below this."""

Comparison = Literal["lower", "similar", "higher"]
Scale = Literal["proportion", "arcsine"]
FunnelZone = Literal["below_99.8", "below_95", "within", "above_95", "above_99.8"]
TestMethod = Literal["two_proportion_z_test", "fisher_exact"]

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Count:
    """A numerator of a denominator, as published (e.g. 15 of 545)."""

    numerator: int
    denominator: int

    def __post_init__(self) -> None:
        if self.denominator < 0 or not 0 <= self.numerator <= self.denominator:
            raise ValueError(f"not a count: {self.numerator} of {self.denominator}")

    @property
    def proportion(self) -> float | None:
        """The numerator over the denominator, or None when the denominator is 0."""
        return self.numerator / self.denominator if self.denominator else None


def z_for(level: float) -> float:
    """Return the two-sided standard normal quantile for a confidence level (0.95 → 1.96)."""
    if not 0 < level < 1:
        raise ValueError(f"a confidence level is a fraction between 0 and 1, not {level}")
    return NormalDist().inv_cdf(1 - (1 - level) / 2)


def is_small(denominator: int) -> bool:
    """Say whether a denominator is too small to print its proportion as a percentage."""
    return denominator < SMALL_DENOMINATOR


# --- Against England --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Interval:
    """A confidence interval of a proportion, at `level`."""

    lower: float
    upper: float
    level: float


def wilson_interval(numerator: int, denominator: int, level: float = 0.95) -> Interval | None:
    """Return the Wilson score interval (Wilson 1927; as Fingertips' ``wilson_lower/upper``)."""
    count = Count(numerator, denominator)
    if count.denominator == 0:
        return None
    z = z_for(level)
    x, n = count.numerator, count.denominator
    centre = 2 * x + z * z
    half = z * math.sqrt(z * z + 4 * x * (1 - x / n))
    scale = 2 * (n + z * z)
    return Interval(max(0.0, (centre - half) / scale), min(1.0, (centre + half) / scale), level)


def compare_with_benchmark(
    numerator: int, denominator: int, benchmark_proportion: float, level: float = 0.95
) -> Comparison | None:
    """Compare with a benchmark as Fingertips does: lower/higher when outside the interval."""
    interval = wilson_interval(numerator, denominator, level)
    if interval is None:
        return None
    if interval.upper < benchmark_proportion:
        return "lower"
    if interval.lower > benchmark_proportion:
        return "higher"
    return "similar"


# --- Rank -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rank:
    """A place among `of` values (1 = highest) and its fifth (quintile 1 = highest fifth)."""

    position: int
    of: int
    quintile: int


def rank_among(values_by_key: Mapping[K, float]) -> dict[K, Rank]:
    """Rank values from the highest down, ties sharing the best place (competition ranking)."""
    ordered = sorted(values_by_key.values(), reverse=True)
    first_place: dict[float, int] = {}
    for index, value in enumerate(ordered, start=1):
        first_place.setdefault(value, index)
    total = len(ordered)
    return {
        key: Rank(first_place[value], total, math.ceil(5 * first_place[value] / total))
        for key, value in values_by_key.items()
    }


@dataclass(frozen=True, slots=True)
class Placing:
    """Where a unit stands among `of` units when some values are known only within a range.

    `best` and `worst` are the highest and lowest places it could hold (1 = highest; ties
    share the best place, as `rank_among`); `tied` counts the others that share its place
    for certain (an exact value equal to its own). A placing is `settled` when every value
    the ranges allow gives one place.
    """

    best: int
    worst: int
    of: int
    tied: int = 0

    @property
    def settled(self) -> bool:
        return self.best == self.worst

    @property
    def last(self) -> int:
        """The last place it could share: the bottom of its tie group, or `worst`."""
        return self.worst + self.tied

    @property
    def quintile(self) -> int | None:
        """Its fifth (1 = highest), or None when its places span more than one fifth or
        fewer than five are placed (a fifth of them would be less than one)."""
        if self.of < 5:
            return None
        first, last = quintile_of(self.best, self.of), quintile_of(self.last, self.of)
        return first if first == last else None

    @property
    def lowest(self) -> bool:
        """Whether it is certainly last (alone or joint)."""
        return self.settled and self.last == self.of


def quintile_of(position: int, of: int) -> int:
    """The fifth a place falls in (1 = the highest fifth), as `rank_among` gives it."""
    return math.ceil(5 * position / of)


def place_among(ranges_by_key: Mapping[K, tuple[float, float]]) -> dict[K, Placing]:
    """Place units whose values are known only within (low, high) ranges (an exact value is
    a range of one point): a unit's best place counts the others certainly above its highest
    value, its worst those possibly above its lowest (competition ranking, 1 = highest)."""
    total = len(ranges_by_key)
    lows = sorted(low for low, _ in ranges_by_key.values())
    highs = sorted(high for _, high in ranges_by_key.values())
    exact = Counter(low for low, high in ranges_by_key.values() if low == high)
    placed: dict[K, Placing] = {}
    for key, (low, high) in ranges_by_key.items():
        # Others certainly above its highest value; itself never counts (its low ≤ high).
        above_surely = total - bisect_right(lows, high)
        # Others possibly above its lowest value, less itself when its own high is above it.
        above_maybe = total - bisect_right(highs, low) - (1 if high > low else 0)
        tied = exact[low] - 1 if low == high else 0
        placed[key] = Placing(above_surely + 1, above_maybe + 1, total, tied)
    return placed


# --- Funnels ----------------------------------------------------------------------------


def _transform(proportion: float, scale: Scale) -> float:
    """Put a proportion on the funnel's scale."""
    return proportion if scale == "proportion" else math.asin(math.sqrt(proportion))


def _back(value: float, scale: Scale) -> float:
    """Bring a value on the funnel's scale back to a proportion, within 0–1."""
    if scale == "proportion":
        return min(1.0, max(0.0, value))
    return math.sin(min(math.pi / 2, max(0.0, value))) ** 2


def _standard_error(denominator: int, target_proportion: float, scale: Scale) -> float:
    """Return the within-unit standard error on the funnel's scale."""
    if scale == "proportion":
        return math.sqrt(target_proportion * (1 - target_proportion) / denominator)
    return 1 / (2 * math.sqrt(denominator))


@dataclass(frozen=True, slots=True)
class FunnelLimits:
    """A funnel's lower and upper control limits, as proportions, at one denominator."""

    lower: float
    upper: float
    level: float


def funnel_limits(
    denominator: int,
    target_proportion: float,
    level: float = 0.998,
    *,
    tau2: float = 0.0,
    scale: Scale = "proportion",
) -> FunnelLimits:
    """Return funnel limits θ ± z·√(s² + τ²) (Spiegelhalter 2005; τ² = 0 for plain limits)."""
    if denominator <= 0:
        raise ValueError("funnel limits need a denominator above 0")
    centre = _transform(target_proportion, scale)
    spread = z_for(level) * math.sqrt(
        _standard_error(denominator, target_proportion, scale) ** 2 + tau2
    )
    return FunnelLimits(_back(centre - spread, scale), _back(centre + spread, scale), level)


@dataclass(frozen=True, slots=True)
class Overdispersion:
    """Spiegelhalter's over-dispersion estimate: φ, and τ² on the funnel's `scale`."""

    phi: float
    tau2: float
    units: int
    scale: Scale


def z_score(count: Count, target_proportion: float, scale: Scale = "proportion") -> float:
    """Return a unit's unadjusted z-score (y − θ)/s on the funnel's scale (Spiegelhalter 2005)."""
    proportion = count.proportion
    if proportion is None:
        raise ValueError("a z-score needs a denominator above 0")
    if not 0 < target_proportion < 1:
        raise ValueError(
            f"a funnel's target lies strictly between 0 and 1, not {target_proportion}"
        )
    return (_transform(proportion, scale) - _transform(target_proportion, scale)) / (
        _standard_error(count.denominator, target_proportion, scale)
    )


def _quantile(ordered: Sequence[float], q: float) -> float:
    """Return the q-quantile of sorted values, interpolated (R's type 7, as FunnelPlotR)."""
    h = (len(ordered) - 1) * q
    below = math.floor(h)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (h - below) * (ordered[above] - ordered[below])


# Over-dispersion is a spread between units: it needs two of them at least.
MIN_DISPERSION_UNITS = 2


def overdispersion(
    counts: Sequence[Count],
    target_proportion: float,
    *,
    scale: Scale = "proportion",
    winsorise: float = WINSORISE,
) -> Overdispersion:
    """Estimate φ and τ² from winsorised z-scores (Spiegelhalter 2005, as FunnelPlotR does)."""
    units = [count for count in counts if count.denominator > 0]
    if len(units) < MIN_DISPERSION_UNITS:
        raise ValueError("over-dispersion needs at least two units with a denominator")
    z = [z_score(count, target_proportion, scale) for count in units]
    ordered = sorted(z)
    low, high = _quantile(ordered, winsorise), _quantile(ordered, 1 - winsorise)
    phi = sum(min(high, max(low, value)) ** 2 for value in z) / len(z)
    weights = [1 / _standard_error(c.denominator, target_proportion, scale) ** 2 for c in units]
    total = sum(weights)
    spread = total - sum(w * w for w in weights) / total
    tau2 = max(0.0, (len(z) * phi - (len(z) - 1)) / spread)
    return Overdispersion(phi, tau2, len(z), scale)


def _zone(z: float) -> FunnelZone:
    """Place a z-score against the two-sided 95% and 99.8% limits."""
    if abs(z) > z_for(0.998):
        return "above_99.8" if z > 0 else "below_99.8"
    if abs(z) > z_for(0.95):
        return "above_95" if z > 0 else "below_95"
    return "within"


@dataclass(frozen=True, slots=True)
class FunnelPlacement:
    """Where a unit falls on the plain and the over-dispersion-adjusted funnels."""

    plain: FunnelZone
    adjusted: FunnelZone

    @property
    def exceptional(self) -> bool:
        """Beyond the adjusted 99.8% limit: the only place SPEC §4.1 calls exceptional."""
        return self.adjusted in ("above_99.8", "below_99.8")


def classify_funnel(
    numerator: int, denominator: int, target_proportion: float, dispersion: Overdispersion
) -> FunnelPlacement | None:
    """Place a unit inside or beyond the plain and adjusted 95%/99.8% funnel limits."""
    count = Count(numerator, denominator)
    if count.denominator == 0:
        return None
    scale = dispersion.scale
    s = _standard_error(denominator, target_proportion, scale)
    z = z_score(count, target_proportion, scale)
    adjusted = z * s / math.sqrt(s * s + dispersion.tau2)
    return FunnelPlacement(_zone(z), _zone(adjusted))


# --- Two proportions --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TwoProportionTest:
    """A test of p1 = p2: the difference p1 − p2, its p-value and the method used."""

    difference: float
    z: float | None  # None for Fisher's exact test
    p_value: float
    method: TestMethod
    level: float

    @property
    def significant(self) -> bool:
        """Whether the difference is found at the test's level (p below 1 − level)."""
        return self.p_value < 1 - self.level


def fisher_exact_p(x1: int, n1: int, x2: int, n2: int) -> float:
    """Return Fisher's exact two-sided p-value (sum of tables no likelier than the observed)."""
    successes = x1 + x2
    low, high = max(0, successes - n2), min(n1, successes)
    # Exact integers: hypergeometric weights comb(n1, k)·comb(n2, m − k) share one divisor.
    weights = [math.comb(n1, k) * math.comb(n2, successes - k) for k in range(low, high + 1)]
    observed = weights[x1 - low]
    return min(1.0, sum(w for w in weights if w <= observed) / sum(weights))


def two_proportion_test(
    x1: int, n1: int, x2: int, n2: int, *, level: float = 0.95
) -> TwoProportionTest | None:
    """Test p1 = p2 with the pooled z-test, or Fisher's exact test if an expected cell is < 5."""
    first, second = Count(x1, n1), Count(x2, n2)
    if first.denominator == 0 or second.denominator == 0:
        return None
    z_for(level)  # validates the level
    difference = x1 / n1 - x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    expected = (n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled))
    if min(expected) < EXPECTED_CELL_MINIMUM:
        return TwoProportionTest(
            difference, None, fisher_exact_p(x1, n1, x2, n2), "fisher_exact", level
        )
    z = difference / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    p_value = 2 * NormalDist().cdf(-abs(z))
    return TwoProportionTest(difference, z, p_value, "two_proportion_z_test", level)
