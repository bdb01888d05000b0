"""The shipped ICB history agrees with NHS England's own file: the providers whose data passed
quality, grouped by the ICB each was in in April 2025 (`Trust.icb_on`), sum to every one of
the 40 Local Maternity System placement rows of that month, within the file's rounding.

NHS England rounds each published count to the nearest 5 (1 to 7 shown as 5), so a sum of n
provider counts may differ from the LMS row's own rounded count by up to about 2.5 n (DOMAIN
§5). Read here with the csv module, independently of cocwatch's reader.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date

from cocwatch.locations import shipped_registry
from cocwatch.registry import load_registry
from tests.support.paths import SHIPPED_APRIL_2025

APRIL_2025 = date(2025, 4, 30)


def _rows() -> tuple[dict[str, dict[str, str]], dict[str, dict[str, int]]]:
    """Providers' placement counts and results, and the LMS rows' counts, from the file."""
    providers: dict[str, dict[str, str]] = defaultdict(dict)
    areas: dict[str, dict[str, int]] = defaultdict(dict)
    with SHIPPED_APRIL_2025.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["Indicator"] != "COC_by_28weeks":
                continue
            if row["Org_Level"] == "Provider":
                providers[row["Org_Code"]][row["Currency"]] = row["Value"]
            elif row["Org_Level"] == "Local Maternity System" and row["Currency"] in (
                "Numerator",
                "Denominator",
            ):
                areas[row["Org_Code"]][row["Currency"]] = int(row["Value"])
    return providers, areas


def test_passing_providers_sum_to_every_lms_placement_row_within_rounding() -> None:
    registry = load_registry(str(shipped_registry()), today=date(2026, 11, 23)).registry
    icb_of = {t.ods: t.icb_on(APRIL_2025) for t in registry.trusts}
    providers, areas = _rows()
    sums: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for code, values in providers.items():
        if values.get("Result") == "Pass" and values.get("Denominator", "0") != "0":
            sums[str(icb_of[code])].append((int(values["Numerator"]), int(values["Denominator"])))
    assert len(areas) == 40  # QNC has receiving rows only
    for code, lms in areas.items():
        members = sums[code]
        assert members, f"no passing provider of {code} in April 2025"
        slack = 2.5 * len(members)
        assert abs(sum(n for n, _ in members) - lms["Numerator"]) <= slack, code
        assert abs(sum(d for _, d in members) - lms["Denominator"]) <= slack, code


def test_by_todays_icb_codes_only_26_lms_rows_are_reproduced() -> None:
    """Why the history is kept: grouped by the 2026 codes, the merged and moved areas miss."""
    registry = load_registry(str(shipped_registry()), today=date(2026, 11, 23)).registry
    today_of = {t.ods: t.icb for t in registry.trusts}
    providers, areas = _rows()
    sums: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for code, values in providers.items():
        if values.get("Result") == "Pass" and values.get("Denominator", "0") != "0":
            sums[str(today_of[code])].append((int(values["Numerator"]), int(values["Denominator"])))
    reproduced = [
        code
        for code, lms in areas.items()
        if sums[code]
        and abs(sum(n for n, _ in sums[code]) - lms["Numerator"]) <= 2.5 * len(sums[code])
        and abs(sum(d for _, d in sums[code]) - lms["Denominator"]) <= 2.5 * len(sums[code])
    ]
    assert len(reproduced) == 26
