#!/usr/bin/env python3
"""Generate the shipped registry, ``data/trusts.yaml``, from two official lists.

This script documents how the shipped registry was first made and can make it again.
Once generated, ``data/trusts.yaml`` is the hand-edited source of truth: re-running the
script overwrites every hand edit, so do that only on purpose (and review the diff).

Inputs (both kept beside the project brief, not in this repository):

* the providers list: the 123 providers that submitted maternity data for 2022-23
  (NHS Maternity Statistics 2022-23, via
  github.com/nhsengland/opensource_maternity_dashboard_project), a CSV with the header
  ``ods_code,name,region_code,region,icb_code_2025,icb_code_2026,deliveries_2022_23,closed_on``;
* the NHS ODS "etr" extract of all Trusts (no header; columns 1 code, 2 name, 3 region code,
  4 ICB code, 5-9 address lines, 10 postcode, 11 opened, 12 closed). ODS data is
  © NHS England, published under the Open Government Licence v3.0.

Usage, as first run::

    python scripts/build_registry.py \\
        --providers /work/shared/data/maternity_providers_england.csv \\
        --ods /work/shared/data/ods_etr_nhs_trusts_england_2026-07.csv \\
        --out data/trusts.yaml

What it does, deterministically (same inputs, same bytes out):

* ``national``: the national targets, figures and contact below, transcribed by hand from the
  project's domain brief (DOMAIN.md §2 and §5). Items the brief marks unverified say so in
  their ``notes``.
* ``trusts``: one entry per provider, in alphabetical order of name (a leading "The" ignored):

  - ``name``: the providers list's name, unless the ODS extract (more recent) has a different
    current name; then the ODS name in normal capitalisation, with the former name in
    ``notes``.
  - ``id``: a slug of that name: "NHS Foundation Trust" / "NHS Trust" and a leading "The"
    dropped, "&" read as "and", apostrophes dropped, every other run of non-alphanumerics a
    hyphen. A collision stops the script (choose an id by hand rather than number them).
  - ``region`` and ``closed_on`` from the providers list; ``icb`` its 2026 code, else 2025.
  - ``address``: the Trust's headquarters from the ODS extract, one line per address line,
    empty lines dropped, in normal capitalisation (postcode in capitals), with the lines
    that ODS cut short or abbreviated written out (``ADDRESS_FIXES``). Omitted when the code
    is not in the extract.
  - ``successor`` and ``notes`` from ``TRUST_EXTRAS`` (closures and mergers named in the
    brief).

Nothing is invented: no per-Trust figures, plans, contacts or web addresses. Standard
library and PyYAML only. The output is checked to load back (with PyYAML) to exactly the
data it was written from.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import textwrap
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import yaml

WIDTH = 100  # longest YAML line we aim for (URLs are never broken)
INDENT = 2
WITHDRAWAL_URL = "https://www.rcm.org.uk/news-views/news/2022/rcm-welcomes-removal-of-continuity-of-carer-targets/"
WITHDRAWN_NOTE = (
    "Withdrawn on 2022-09-21, while still in force: NHS England told Trusts that day that it "
    "would remove all continuity of carer target dates, as reported by the Royal College of "
    f"Midwives (news item, 2022-09-21: {WITHDRAWAL_URL})."
)
WRITTEN_ANSWER_MIRROR = (
    "Parliament's own record of this written answer was not confirmed here, so the source is "
    "the Parallel Parliament copy, named as a mirror."
)

# --- national (DOMAIN.md §2 and §5) -------------------------------------------------------
#
# Each target is cited to the source of its own wording. Dates are written at the precision of
# that source ("by March 2021" is 2021-03, "by 2024" is 2024). A target ends either superseded
# (replaced by a later target: superseded_by) or withdrawn (still in force on 2022-09-21).

TARGETS: list[dict[str, Any]] = [
    {
        "id": "ibb-2019",
        "title": "20% of women booking placed on a continuity of carer pathway by March 2019",
        "cohort": "all",
        "percent": 20,
        "measure": "placed_by_28_weeks",
        "due": "2019-03",
        "set_on": date(2017, 12, 22),
        "superseded_by": "ltp-2021",
        "source": {
            "url": (
                "https://www.england.nhs.uk/mat-transformation/implementing-better-births/"
                "continuity-of-carer/"
            ),
            "title": "NHS England, Implementing Better Births: Continuity of Carer (2017-12-22)",
        },
        "notes": (
            "The NHS Long Term Plan (para 3.13, https://www.longtermplan.nhs.uk/) restates it: "
            '"in 2019, 20% of pregnant women will be offered" continuity of carer; its own '
            "target for 2021 (ltp-2021) replaced it. The target counts women at booking; MSDS's "
            "nearest published measure counts women placed by 28 weeks."
        ),
    },
    {
        "id": "ltp-2021",
        "title": (
            "By March 2021, most women receive continuity of the person caring for them during "
            "pregnancy, birth and postnatally"
        ),
        "cohort": "all",
        "measure": "receiving_ongoing",
        "due": "2021-03",
        "set_on": date(2019, 1, 7),
        "superseded_by": "default-2023",
        "source": {
            "url": "https://www.longtermplan.nhs.uk/",
            "title": "NHS Long Term Plan (2019-01-07), para 3.13",
        },
        "notes": (
            'The Long Term Plan says "most women" and gives no percentage, so none is recorded '
            "(the 51% of 2020 is the Maternity Incentive Scheme's: mis3-51)."
        ),
    },
    {
        "id": "mis3-51",
        "title": (
            "Maternity Incentive Scheme year three: action plans to place a minimum of 51% of "
            "women on a continuity of carer pathway by March 2021"
        ),
        "cohort": "all",
        "percent": 51,
        "measure": "placed_by_28_weeks",
        "due": "2021-03",
        "set_on": "2020-02",
        "superseded_by": "mis3-relaunch-35",
        "source": {
            "url": (
                "https://resolution.nhs.uk/wp-content/uploads/2019/12/"
                "Maternity-Incentive-Scheme-Year-three.pdf"
            ),
            "title": "NHS Resolution, Maternity Incentive Scheme: year three",
        },
        "notes": (
            'The scheme asked for written action plans "to ensure that a minimum of 51% of women '
            'are placed onto a Continuity of Carer pathway by March 2021", shared with the '
            "Board safety champions by 2020-02-28, with progress overseen by the Board at least "
            "monthly; wording as quoted in AIMS Journal 2020, vol 32 no 2, which cites this "
            "document. The scheme was paused on 2020-03-26 "
            "(https://resolution.nhs.uk/2020/03/26/pause-in-reporting-procedure-for-the-"
            "maternity-incentive-scheme/) and relaunched in the autumn with 35% (mis3-relaunch-35)."
        ),
    },
    {
        "id": "mis3-relaunch-35",
        "title": (
            "Maternity Incentive Scheme year three, relaunched: at least 35% of women booking "
            "placed onto continuity of carer pathways"
        ),
        "cohort": "all",
        "percent": 35,
        "measure": "placed_by_28_weeks",
        "due": "2021-03",
        "set_on": "2020-10",
        "superseded_by": "default-2023",
        "source": {
            "url": "https://www.aims.org.uk/campaigning/item/continuity-birth-activists",
            "title": "AIMS campaigning page on continuity of carer, for birth activists",
        },
        "notes": (
            "Unverified: the due date (March 2021) and the month it was set (October 2020) were "
            "not confirmed against NHS Resolution's own documents; the relaunch was reported on "
            "2020-11-12 (https://dacbeachcroft.com/en/What-we-think/"
            "NHS-Resolution-relaunches-Maternity-Incentive-Scheme-Year-3)."
        ),
    },
    {
        "id": "default-2023",
        "title": "Continuity of carer the default model of care for women by March 2023",
        "cohort": "all",
        "measure": "receiving_ongoing",
        "due": "2023-03",
        "set_on": date(2021, 7, 9),
        "withdrawn_on": date(2022, 9, 21),
        "source": {
            "url": "https://www.parallelparliament.co.uk/question/19714/maternity-services",
            "title": (
                "UK Parliament written question 19714, answered 2021-07-09 "
                "(mirror: Parallel Parliament)"
            ),
        },
        "notes": (
            'The answer: "NHS England and NHS Improvement have committed to midwifery-led '
            "continuity of carer, so that it becomes the default model of care for women using "
            'maternity services across England by March 2023". No percentage. set_on is the date '
            "of that answer; the commitment may be older. "
            f"{WRITTEN_ANSWER_MIRROR} {WITHDRAWN_NOTE}"
        ),
    },
    {
        "id": "interim-2022",
        "title": (
            "Most pregnant women from Black, Asian and mixed ethnicity backgrounds placed on a "
            "continuity of carer pathway in 2022"
        ),
        "cohort": "ethnic_minority",
        "measure": "placed_by_28_weeks",
        "due": 2022,
        "set_on": date(2022, 3, 9),
        "withdrawn_on": date(2022, 9, 21),
        "source": {
            "url": "https://www.parallelparliament.co.uk/question/134080",
            "title": (
                "UK Parliament written question 134080, answered 2022-03-09 "
                "(mirror: Parallel Parliament)"
            ),
        },
        "notes": (
            'The answer: "most pregnant women from black, Asian and mixed ethnicity backgrounds '
            "and also from the most deprived areas will be placed on a continuity of carer "
            'pathway in 2022". "Most", no percentage; the same commitment for the most deprived '
            "areas is interim-2022-dep. set_on is the date of that answer. "
            f"{WRITTEN_ANSWER_MIRROR} {WITHDRAWN_NOTE}"
        ),
    },
    {
        "id": "interim-2022-dep",
        "title": (
            "Most pregnant women from the most deprived areas placed on a continuity of carer "
            "pathway in 2022"
        ),
        "cohort": "most_deprived",
        "measure": "placed_by_28_weeks",
        "due": 2022,
        "set_on": date(2022, 3, 9),
        "withdrawn_on": date(2022, 9, 21),
        "source": {
            "url": "https://www.parallelparliament.co.uk/question/134080",
            "title": (
                "UK Parliament written question 134080, answered 2022-03-09 "
                "(mirror: Parallel Parliament)"
            ),
        },
        "notes": (
            "The most-deprived half of the interim commitment quoted under interim-2022. "
            f"{WRITTEN_ANSWER_MIRROR} {WITHDRAWN_NOTE}"
        ),
    },
    {
        "id": "targeted-2024-em",
        "title": (
            "By 2024, 75% of women from a Black or Black British and Asian or Asian British "
            "ethnic background receive continuity of carer"
        ),
        "cohort": "ethnic_minority",
        "percent": 75,
        "measure": "receiving_ongoing",
        "due": 2024,
        "set_on": date(2019, 1, 7),
        "withdrawn_on": date(2022, 9, 21),
        "source": {
            "url": "https://www.parallelparliament.co.uk/question/134080",
            "title": (
                "UK Parliament written question 134080, answered 2022-03-09 "
                "(mirror: Parallel Parliament)"
            ),
        },
        "notes": (
            'The answer: "by 2024, 75% of women from a black/black British and Asian/Asian '
            "British ethnic background and women from the 10% of neighbourhoods that are most "
            'deprived nationally will receive continuity of carer". First set in the NHS Long '
            "Term Plan (2019-01-07, https://www.longtermplan.nhs.uk/). MSDS's ethnic-minority "
            "breakdown (BAME) also counts mixed ethnicity. "
            f"{WRITTEN_ANSWER_MIRROR} {WITHDRAWN_NOTE}"
        ),
    },
    {
        "id": "targeted-2024-dep",
        "title": (
            "By 2024, 75% of women from the 10% of neighbourhoods that are most deprived "
            "receive continuity of carer"
        ),
        "cohort": "most_deprived",
        "percent": 75,
        "measure": "receiving_ongoing",
        "due": 2024,
        "set_on": date(2019, 1, 7),
        "withdrawn_on": date(2022, 9, 21),
        "source": {
            "url": "https://www.parallelparliament.co.uk/question/134080",
            "title": (
                "UK Parliament written question 134080, answered 2022-03-09 "
                "(mirror: Parallel Parliament)"
            ),
        },
        "notes": (
            "Quoted under targeted-2024-em. First set in the NHS Long Term Plan (2019-01-07, "
            f"https://www.longtermplan.nhs.uk/). {WRITTEN_ANSWER_MIRROR} {WITHDRAWN_NOTE}"
        ),
    },
]

NATIONAL_FIGURES: list[dict[str, Any]] = [
    {
        "cohort": "all",
        "measure": "offered",
        "percent": 15.9,
        "as_of": date(2020, 10, 31),
        "source": {
            "url": "https://streetguide.co.uk/parliament/written/1307207/4676",
            "title": (
                "UK Parliament written answer of 2021-04-28 (NHS England and NHS Improvement "
                "survey of 108 Trusts; mirror: StreetGuide)"
            ),
            "kind": "other",
        },
        "notes": "Share of women who could be offered continuity of carer in October 2020.",
    },
]

# National counts that are not percentages, kept as a comment only.
NATIONAL_COUNTS_COMMENT = """\
Counts, not percentages, so not recorded as figures:
- 86 Trusts recorded continuity of carer pathways in MSDS for October 2020:
  https://digital.nhs.uk/data-and-information/publications/statistical/maternity-services-monthly-statistics/october-2020/policy-specific-analysis
- 25 Trusts recorded pathways for 4,805 women in June 2019: the June 2019 analysis page
  of the same series (.../maternity-services-monthly-statistics/june-2019/analysis)."""

NATIONAL_CONTACTS: list[dict[str, Any]] = [
    {
        "role": "secretary_of_state",
        "title": "Secretary of State for Health and Social Care",
        "address": "Department of Health and Social Care\n39 Victoria Street\nLondon\nSW1H 0EU",
    },
]

# --- per-Trust additions (DOMAIN.md §4), keyed by ODS code --------------------------------

TRUST_EXTRAS: dict[str, dict[str, str]] = {
    "RA4": {
        "successor": "RH5",
        "notes": "Merged into Somerset NHS Foundation Trust (RH5) when it closed on 2023-03-31.",
    },
    "RVY": {
        "successor": "RBN",
        "notes": (
            "Merged with St Helens and Knowsley Teaching Hospitals NHS Trust (RBN), now Mersey "
            "and West Lancashire Teaching Hospitals NHS Trust, when it closed on 2023-06-30."
        ),
    },
    "RAP": {
        "successor": "RAL",
        "notes": (
            "Unverified: said to have joined Royal Free London NHS Foundation Trust (RAL) when "
            "it closed on 2024-12-31; not confirmed against a primary document."
        ),
    },
    "RVJ": {
        "notes": (
            "Closes on 2026-06-30 (shown as closed in the ODS extract of 2026-07). Its successor "
            "is not confirmed (unverified), so none is recorded; add a successor: line once it is."
        ),
    },
    "RY2": {
        "notes": (
            "A community Trust without births: listed among maternity providers for 2022-23 "
            "with no deliveries recorded."
        ),
    },
    "RBN": {
        "notes": (
            "Southport and Ormskirk Hospital NHS Trust (RVY) merged with this Trust when it "
            "closed on 2023-06-30."
        ),
    },
}

# ODS address lines hold at most 35 characters, so some are cut short or abbreviated; these
# are written out in full (only where the missing letters are unambiguous).
ADDRESS_FIXES: dict[str, str] = {
    "BASINGSTOKE AND NORTH HAMPSHIRE HOS": "BASINGSTOKE AND NORTH HAMPSHIRE HOSPITAL",
    "MIDLAND METROPOLITAN UNIVERSITY HOS": "MIDLAND METROPOLITAN UNIVERSITY HOSPITAL",
    "COLCHESTER DIST GENERAL HOSPITAL": "COLCHESTER DISTRICT GENERAL HOSPITAL",
}

# --- normal capitalisation ------------------------------------------------------------------

KEEP_UPPER = frozenset({"NHS", "FT", "UK", "HQ", "ICB"})
SMALL_WORDS = frozenset({"and", "of", "upon", "on", "in", "under", "by"})
HYPHEN_SMALL_WORDS = SMALL_WORDS | {"the", "le", "la", "super", "en", "sur"}
ORDINAL = re.compile(r"^\d+(st|nd|rd|th)$", re.IGNORECASE)


def _case_word(word: str, *, first: bool, small: frozenset[str]) -> str:
    """Return one upper-case word in normal capitalisation."""
    match = re.fullmatch(r"([^A-Za-z0-9]*)(.*?)([,;:)]*)", word)
    assert match  # the pattern matches any string
    lead, core, tail = match.groups()
    if core.upper() in {"ST", "ST."}:
        return lead + "St" + tail
    if core.upper() in KEEP_UPPER:
        return lead + core.upper() + tail
    if core[:1].isdigit():
        return lead + (core.lower() if ORDINAL.match(core) else core.upper()) + tail
    if not first and core.lower() in small:
        return lead + core.lower() + tail
    return lead + core[:1].upper() + core[1:].lower() + tail


def normal_case(text: str) -> str:
    """Return an all-capitals ODS name or address line in normal capitalisation.

    "ST. JAMES'S UNIVERSITY HOSPITAL" -> "St James's University Hospital",
    "4TH FLOOR" -> "4th Floor", "STOKE-ON-TRENT" -> "Stoke-on-Trent",
    "KINGSTON UPON THAMES" -> "Kingston upon Thames".
    """
    words = []
    for index, word in enumerate(text.split()):
        parts = word.split("-")
        words.append(
            "-".join(
                _case_word(
                    part,
                    first=index == 0 and position == 0,
                    small=HYPHEN_SMALL_WORDS if position else SMALL_WORDS,
                )
                for position, part in enumerate(parts)
            )
        )
    return " ".join(words)


def slugify(name: str) -> str:
    """Return a readable id for a Trust name ("The Leeds ... NHS Trust" -> "leeds-...")."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = re.sub(
        r",?\s+(NHS|National Health Service)(\s+Foundation)?\s+Trust$|,?\s+NHS\s+FT$",
        "",
        text,
        flags=re.IGNORECASE,
    )
    text = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    text = text.replace("&", " and ").replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def sort_key(name: str) -> str:
    """Return the key that orders Trusts by name, a leading "The" ignored."""
    return re.sub(r"^the\s+", "", name, flags=re.IGNORECASE).casefold()


# --- reading the inputs ---------------------------------------------------------------------


def read_providers(path: Path) -> list[dict[str, str]]:
    """Return the providers list's rows, checking the header."""
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        expected = {"ods_code", "name", "region", "icb_code_2025", "icb_code_2026", "closed_on"}
        missing = expected - set(reader.fieldnames or ())
        if missing:
            sys.exit(f"{path}: missing columns {', '.join(sorted(missing))}")
        return [{k: (v or "").strip() for k, v in row.items()} for row in reader]


def read_ods(path: Path) -> dict[str, list[str]]:
    """Return the ODS extract's rows by ODS code."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = [[cell.strip() for cell in row] for row in csv.reader(handle) if row]
    short = [row[0] for row in rows if len(row) < 12]
    if short:
        sys.exit(f"{path}: rows with fewer than 12 columns: {', '.join(short[:5])}")
    return {row[0].upper(): row for row in rows}


def ods_address(row: list[str]) -> str | None:
    """Return the headquarters address of an ODS row, one line per address line."""
    lines = [normal_case(ADDRESS_FIXES.get(line, line)) for line in row[4:9] if line]
    postcode = " ".join(row[9].upper().split())
    if postcode:
        lines.append(postcode)
    return "\n".join(lines) or None


# --- building the data ----------------------------------------------------------------------


def build_trusts(
    providers: list[dict[str, str]], ods: dict[str, list[str]], *, extract: str
) -> list[dict[str, Any]]:
    """Return the registry's Trust entries, in order, with successors resolved to ids."""
    trusts: list[dict[str, Any]] = []
    for row in providers:
        code = row["ods_code"].upper()
        ods_row = ods.get(code)
        name, former = row["name"], None
        if ods_row and ods_row[1].casefold() != name.casefold():
            name, former = normal_case(ods_row[1]), name
        notes = []
        if former:
            notes.append(
                f"Named {former} in NHS Maternity Statistics 2022-23; current name from the "
                f"ODS extract of {extract}."
            )
        extras = TRUST_EXTRAS.get(code, {})
        if "notes" in extras:
            notes.append(extras["notes"])
        trusts.append(
            {
                "id": slugify(name),
                "ods": code,
                "name": name,
                "region": row["region"],
                "icb": row["icb_code_2026"] or row["icb_code_2025"] or None,
                "address": ods_address(ods_row) if ods_row else None,
                "closed_on": date.fromisoformat(row["closed_on"]) if row["closed_on"] else None,
                "successor": extras.get("successor"),  # an ODS code until resolved below
                "notes": " ".join(notes) or None,
            }
        )
    ids = [t["id"] for t in trusts]
    clashes = sorted({i for i in ids if ids.count(i) > 1})
    if clashes:
        sys.exit(f"Trust ids clash: {', '.join(clashes)}; give them ids by hand")
    by_code = {t["ods"]: t["id"] for t in trusts}
    for trust in trusts:
        if trust["successor"]:
            trust["successor"] = by_code[trust["successor"]]
    unused = set(TRUST_EXTRAS) - set(by_code)
    if unused:
        sys.exit(f"TRUST_EXTRAS names codes not in the providers list: {sorted(unused)}")
    return sorted(trusts, key=lambda t: (sort_key(t["name"]), t["ods"]))


# --- writing YAML ---------------------------------------------------------------------------


def _plain(value: Any) -> str:
    """Return a one-line YAML scalar, quoted only when PyYAML says it must be."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"unexpected scalar {value!r}")
    if isinstance(value, date):
        return value.isoformat()
    text = yaml.safe_dump(value, width=10**6, allow_unicode=True)
    return text.removesuffix("\n...\n").removesuffix("\n")


def _scalar_lines(key: str, value: Any, indent: int) -> list[str]:
    """Return the lines of `key: value`, with a block scalar for long or multi-line text."""
    pad = " " * indent
    inner = " " * (indent + INDENT)
    if isinstance(value, str) and "\n" in value:
        lines = value.split("\n")
        if any(not line or line != line.strip() for line in lines):
            raise ValueError(f"{key}: cannot write {value!r} as a literal block")
        return [f"{pad}{key}: |-"] + [inner + line for line in lines]
    line = f"{pad}{key}: {_plain(value)}"
    if isinstance(value, str) and len(line) > WIDTH and " " in value:
        wrapped = textwrap.wrap(
            value,
            width=WIDTH - len(inner),
            break_long_words=False,
            break_on_hyphens=False,
        )
        return [f"{pad}{key}: >-"] + [inner + part for part in wrapped]
    return [line]


def emit_mapping(mapping: dict[str, Any], indent: int) -> list[str]:
    """Return block-style YAML lines for a mapping (None values left out)."""
    pad = " " * indent
    lines: list[str] = []
    for key, value in mapping.items():
        if value is None:
            continue
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines += emit_mapping(value, indent + INDENT)
        elif isinstance(value, list):
            lines.append(f"{pad}{key}:" if value else f"{pad}{key}: []")
            lines += emit_list(value, indent + INDENT)
        else:
            lines += _scalar_lines(key, value, indent)
    return lines


def emit_list(items: list[dict[str, Any]], indent: int, *, spaced: bool = False) -> list[str]:
    """Return block-style YAML lines for a list of mappings (`- key: ...`)."""
    lines: list[str] = []
    for number, item in enumerate(items):
        body = emit_mapping(item, indent + INDENT)
        body[0] = " " * indent + "- " + body[0][indent + INDENT :]
        if spaced and number:
            lines.append("")
        lines += body
    return lines


def comment(text: str, indent: int = 0) -> list[str]:
    """Return text as YAML comment lines."""
    return [(" " * indent + "# " + line).rstrip() for line in text.splitlines()]


def header(ods_path: Path, extract: str) -> str:
    """Return the comment block at the top of the file."""
    return f"""\
cocwatch registry: NHS maternity providers in England and the national targets for
midwifery Continuity of Carer. This file is the source of truth, edited by hand.

How to edit it (no programming needed):
- Indent with spaces, never tabs, and keep each line lined up with its neighbours.
- Dates are written YYYY-MM-DD, e.g. 2024-03-31.
- Percentages are numbers from 0 to 100, without a % sign, e.g. 17.2.
- Every figure needs a source with the web address (url:) where it was published.
- Leave out what you do not know (no plan: means "not known yet"); never guess.
- Lines starting with # are comments: cocwatch ignores them.
- To add a figure safely, let cocwatch write it: cocwatch record figure TRUST ...
  (see cocwatch record figure --help); likewise record review and record inspection.
- After every edit, run: cocwatch validate   (it lists each problem with its line number).
- The format is documented in the guide "The registry file" (docs/guides/registry.md).

Sources:
- Providers: the 123 providers that submitted maternity data for 2022-23 (NHS Maternity
  Statistics 2022-23, via github.com/nhsengland/opensource_maternity_dashboard_project).
- Current names (where changed since 2022-23), ICB codes and headquarters addresses: the NHS
  ODS "etr" extract of all Trusts, file {ods_path.name}.
  ODS data © NHS England, Open Government Licence v3.0 (extract of {extract}).
- National targets and figures: each entry's source and notes.

First generated by scripts/build_registry.py; maintained by hand since (running the script
again would discard hand edits)."""


def render(trusts: list[dict[str, Any]], *, ods_path: Path, extract: str) -> str:
    """Return the whole registry file."""
    lines = comment(header(ods_path, extract))
    lines += ["", "version: 1", "", "national:", "  targets:"]
    lines += emit_list(TARGETS, 4, spaced=True)
    lines += ["", *comment(NATIONAL_COUNTS_COMMENT, 2), "  figures:"]
    lines += emit_list(NATIONAL_FIGURES, 4)
    lines += ["", "  contacts:"]
    lines += emit_list(NATIONAL_CONTACTS, 4)
    lines += ["", *comment('Trusts in alphabetical order of name (a leading "The" ignored).')]
    lines += ["trusts:"]
    lines += emit_list(trusts, 2, spaced=True)
    return "\n".join(lines) + "\n"


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    """Build the registry file from the command-line arguments."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--providers", type=Path, required=True, help="providers list (CSV)")
    parser.add_argument("--ods", type=Path, required=True, help="ODS etr extract (CSV)")
    parser.add_argument("--out", type=Path, default=Path("data/trusts.yaml"), help="output")
    parser.add_argument(
        "--extract-date",
        help="month of the ODS extract, YYYY-MM (default: read from the file name)",
    )
    args = parser.parse_args(argv)

    extract = args.extract_date
    if not extract:
        match = re.search(r"(\d{4}-\d{2})\.csv$", args.ods.name)
        if not match:
            parser.error("cannot read the extract month from the ODS file name: --extract-date")
        extract = match.group(1)

    trusts = build_trusts(read_providers(args.providers), read_ods(args.ods), extract=extract)
    text = render(trusts, ods_path=args.ods, extract=extract)

    expected = _drop_none(
        {
            "version": 1,
            "national": {
                "targets": TARGETS,
                "figures": NATIONAL_FIGURES,
                "contacts": NATIONAL_CONTACTS,
            },
            "trusts": trusts,
        }
    )
    if "\t" in text or yaml.safe_load(text) != expected:
        sys.exit("internal error: the YAML written does not load back to the data")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {len(trusts)} Trusts, {len(TARGETS)} national targets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
