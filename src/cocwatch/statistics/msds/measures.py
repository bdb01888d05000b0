"""NHS England's Maternity Services Monthly Statistics: its measures, groups and publisher.

The declaration every other layer reads (`cocwatch.core.measures`): the two Continuity of
Carer measures, as NHS England's own pipeline builds them (DOMAIN §3), with the words for
each; the breakdowns that are registry cohorts and the groups they are compared with within
a Trust; the data-quality measures that govern each, with their units where the pipeline
confirms them; and what NHS England's checks, publication and disclosure control are.

This module is the one wording table of MSDS's groups: letters, templates, `check` and the
report read them from here (a test looks for them anywhere else). Pure: the core's types,
and the series page's address from `cocwatch.core.web` (the config's `statistics_url:`
default).
"""

from __future__ import annotations

from datetime import date

from cocwatch.core.measures import (
    MEASURE,
    EquityPair,
    Group,
    OfficialMeasure,
    Publisher,
    QualityCheck,
    SourceDeclaration,
    Unit,
)
from cocwatch.core.official import Observation
from cocwatch.core.web import WEB_ADDRESS

NAME = "msds"  # the statistics folder's name for its files, and the registry's source kind
PLACED, RECEIVING = "placed_by_28_weeks", "receiving_ongoing"
# The series page: the default of the config's `statistics_url` (`cocwatch.core.web`).
INDEX_URL = WEB_ADDRESS["statistics_url"].default
WOMEN = Unit("woman", "women")
# The measures file's columns, in order (DOMAIN §3): what a kept file has.
COLUMNS = (
    "Org_Code", "Org_Name", "Org_Level", "RPStartDate", "RPEndDate",
    "IndicatorFamily", "Indicator", "Currency", "Value",
)  # fmt: skip


# Since April 2023 each monthly release holds the final figures of one month and the
# provisional figures of the next, and is titled by both (DOMAIN §3).
FIRST_TWO_FILE_RELEASE = date(2023, 3, 31)  # "Final March 2023, Provisional April 2023"
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def release(month: date, provisional: bool) -> str | None:
    """The release a month's file belongs to: the provisional April 2025 file to "Final March
    2025, Provisional April 2025", the final April 2025 file to "Final April 2025,
    Provisional May 2025"; None before the releases were named so."""
    index = month.year * 12 + month.month - 1 - (1 if provisional else 0)
    final = date(index // 12, index % 12 + 1, 1)
    if final < FIRST_TWO_FILE_RELEASE.replace(day=1):
        return None
    following = index + 1
    later = (following // 12, following % 12)
    return (
        f"Final {_MONTH_NAMES[final.month - 1]} {final.year}, "
        f"Provisional {_MONTH_NAMES[later[1]]} {later[0]}"
    )


PUBLISHER = Publisher(
    name="NHS England",
    publication="NHS England, Maternity Services Monthly Statistics",
    title="Maternity Services Monthly Statistics",
    index_url=INDEX_URL,
    series="the NHS Maternity Services Monthly Statistics",
    cadence="NHS England publishes each month about two months after it ends",
    suppression="NHS England publishes any count from 1 to 7 as 5",
    rounding="rounds other counts to the nearest 5",
    withheld="Low DQ",
    release=release,
)

# The groups, as NHS England's statistics define them (DOMAIN §3). MSDS's "BAME" breakdown is
# Black, Asian and White-and-Black or White-and-Asian mixed backgrounds; Chinese, "any other
# mixed" and "any other" are a separate breakdown (`_Ethnicity_Other`), so no letter says
# "other groups". A targeted group is compared with White women, or with the least deprived
# decile: never with all women.
GROUPS: dict[str, Group] = {
    group.code: group
    for group in (
        Group(
            "ethnicity_bame",
            "women from Black, Asian and White-and-Black or White-and-Asian mixed backgrounds",
            cohort="ethnic_minority",
            published_as="BAME",
        ),
        Group("ethnicity_white", "White women"),
        Group(
            "imd_01", "women from the most deprived 10% of neighbourhoods", cohort="most_deprived"
        ),
        Group("imd_10", "women from the least deprived 10% of neighbourhoods"),
    )
}
COHORT_GROUPS = (GROUPS["ethnicity_bame"], GROUPS["imd_01"])
EQUITY = (
    EquityPair(GROUPS["ethnicity_bame"], GROUPS["ethnicity_white"]),
    EquityPair(GROUPS["imd_01"], GROUPS["imd_10"]),
)

# The data-quality measures that govern each headline (NHS England's pipeline; DOMAIN §3). A
# count is given, with its unit, only where the pipeline confirms what it counts: COC_DQ05
# counts women reaching 29 weeks recorded as on a pathway, COC_DQ08 antenatal contacts. Its
# 0 of 0 is no proof of a recording fault: a Trust may record every woman's pathway status
# and none as on a pathway, so it is said as a question.
CHECKS = {
    PLACED: (
        QualityCheck("coc_dq04", "COC_DQ04"),
        QualityCheck(
            "coc_dq05",
            "COC_DQ05",
            unit=WOMEN,
            when_empty="no woman reaching 29 weeks that month was recorded as on a continuity "
            "of carer pathway: either none was placed, or placements are not recorded",
            ask_when_empty="please say which",
        ),
    ),
    RECEIVING: (
        QualityCheck("coc_dq06", "COC_DQ06"),
        QualityCheck("coc_dq07", "COC_DQ07"),
        QualityCheck("coc_dq08", "COC_DQ08", unit=Unit("antenatal contact", "antenatal contacts")),
        QualityCheck("coc_dq09", "COC_DQ09"),
    ),
}


def headline_passed(observation: Observation) -> bool:
    """A provider's headline passed NHS England's checks when its own Result is Pass (its
    breakdowns share it); national and regional rows aggregate passing providers only."""
    return observation.result == "pass"


MEASURES = (
    OfficialMeasure(
        code=PLACED,
        indicator="COC_by_28weeks",
        source=NAME,
        publisher=PUBLISHER,
        key="placement",
        heading="Placed",
        caption="Placed on a pathway",
        name="placement on a continuity of carer pathway by 28 weeks",
        words=MEASURE[PLACED],
        unit=WOMEN,
        counted="reaching 29 weeks",
        counted_long="reaching 29 weeks of pregnancy",
        outcome="were placed on a continuity of carer pathway",
        counted_past="reached 29 weeks",
        achieved="placed on a continuity of carer pathway",
        passed=headline_passed,
        groups=COHORT_GROUPS,
        equity=EQUITY,
        checks=CHECKS[PLACED],
        decides_severity=True,
        over_time=True,
        table_note="the latest official share of women reaching 29 weeks who were placed on "
        "a continuity of carer pathway, with its count",
        rate="placement rate",
    ),
    OfficialMeasure(
        code=RECEIVING,
        indicator="COC_receiving_ongoing",
        source=NAME,
        publisher=PUBLISHER,
        key="receiving",
        heading="Receiving",
        caption="Receiving",
        name="continuity of carer received through pregnancy and birth",
        words=MEASURE[RECEIVING],
        unit=WOMEN,
        # Counted from all women who reached 29 weeks four months before the month it is
        # published for, not only those placed on a pathway (DOMAIN §3).
        counted="who reached 29 weeks",
        counted_long="who reached 29 weeks of pregnancy",
        outcome="received continuity of carer through pregnancy and birth",
        counted_past="reached 29 weeks four months earlier",
        achieved="who received continuity of carer through pregnancy and birth",
        passed=headline_passed,
        lag_months=4,
        everyone=True,
        groups=COHORT_GROUPS,
        checks=CHECKS[RECEIVING],
        table_note="the latest official share of all women who reached 29 weeks four months "
        "before who received continuity of carer through pregnancy and birth, with its count",
        rate="receiving rate",
    ),
)

DECLARATION = SourceDeclaration(
    name=NAME,
    kind=NAME,
    title="Maternity Services Data Set (MSDS)",
    publisher=PUBLISHER,
    measures=MEASURES,
    update=f"cocwatch import {NAME} --latest --commit",
    read_measures=(PLACED, RECEIVING, *(c.code for m in MEASURES for c in m.checks)),
)
