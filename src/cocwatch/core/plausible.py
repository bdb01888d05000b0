"""What a figure's numbers can be: counts no maternity service comes near are mistakes, and a
rate must agree with its counts. Pure; shared by the registry's model and the MSDS reader.
"""

from __future__ import annotations

# More women than give birth in England in ten years: a count this large is a mistake.
MAX_COUNT = 10_000_000
# MSDS publishes counts rounded to the nearest 5 (1-7 as 5) and rates to one decimal place.
_COUNT_SLACK = 2.5
_RATE_SLACK = 0.6


def rate_range(numerator: int, denominator: int) -> tuple[float, float]:
    """The rates (in %) counts of `numerator` of `denominator` allow, rounding included."""
    low_num = max(0.0, numerator - _COUNT_SLACK)
    high_num = numerator + _COUNT_SLACK
    low_den = max(1.0, denominator - _COUNT_SLACK)
    high_den = denominator + _COUNT_SLACK
    low = 100 * low_num / high_den - _RATE_SLACK
    high = min(100.0, 100 * high_num / low_den) + _RATE_SLACK
    return max(0.0, low), min(100.0, high)


def rate_agrees(percent: float, numerator: int, denominator: int) -> bool:
    """Whether `percent` can be `numerator` of `denominator` (exact or MSDS-rounded counts)."""
    if denominator <= 0:
        return True
    low, high = rate_range(numerator, denominator)
    return low <= percent <= high


def disagreement(percent: float, numerator: int, denominator: int) -> str:
    """The mismatch in words, for an error message."""
    share = 100 * numerator / denominator if denominator else 0.0
    return (
        f"the percentage {percent:g} does not agree with its counts, {numerator:,} of "
        f"{denominator:,} ({share:.1f}%); correct whichever is wrong"
    )
