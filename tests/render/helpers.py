"""Synthetic registries for the report tests. Every Trust, figure and source here is invented."""

from __future__ import annotations

from datetime import date, timedelta

# A Trust whose name and notes carry HTML and script: the report must show them as text.
HOSTILE_NAME = "Example <script>window.__xss=1</script> & <b>Bold</b> NHS Trust (synthetic)"
HOSTILE_NOTES = (
    'Notes with <b>bold</b>, <script>alert(1)</script> and <img src=x onerror="window.__xss=2">'
)

REPORT_REGISTRY = f"""\
# SYNTHETIC registry for report tests: invented Trusts, figures and sources.
version: 1
national:
  targets:
    - id: synthetic-20
      title: 20% of women on a pathway (synthetic)
      cohort: all
      percent: 20
      due: 2019-03-31
      set_on: 2017-12-22
      withdrawn_on: 2022-09-21
      source: {{url: "https://example.org/targets/20", title: Synthetic target source 20}}
    - id: synthetic-51
      title: Most women on a pathway (synthetic)
      cohort: all
      percent: 51
      due: 2021-03-31
      set_on: 2019-01-07
      withdrawn_on: 2022-09-21
      source: {{url: "https://example.org/targets/51", title: Synthetic target source 51}}
    - id: synthetic-em
      title: 75% of ethnic-minority women (synthetic)
      cohort: ethnic_minority
      percent: 75
      due: 2024-03-31
      set_on: 2019-01-07
      source: {{url: "https://example.org/targets/em", title: Synthetic target source EM}}
  figures:
    - {{cohort: all, percent: 15.9, as_of: 2020-10-31,
       source: {{url: "https://example.org/national/survey", title: Synthetic national survey}}}}
trusts:
  - id: north
    ods: XN1
    name: Example North NHS Trust (synthetic)
    region: North East and Yorkshire
    website: https://example.org/north
    board_papers_url: https://example.org/north/board
    plan:
      status: active
      published: 2020-02-28
      url: https://example.org/north/plan
      coproduced: yes
      milestones:
        - {{cohort: all, percent: 35, due: 2021-03-31}}
        - {{cohort: all, percent: 51, due: 2027-03-31}}
      board_reviews:
        - {{date: 2026-10-15, url: "https://example.org/north/review-2026-10", note: Item 7}}
        - {{date: 2026-05-10, url: "https://example.org/north/review-2026-05"}}
    figures:
      - {{cohort: all, percent: 12.0, as_of: 2021-03-31,
         source: {{url: "https://example.org/msds/2021-03", kind: msds, title: MSDS March 2021}}}}
      - {{cohort: all, percent: 21.5, as_of: 2023-03-31,
         source: {{url: "https://example.org/msds/2023-03", kind: msds, title: MSDS March 2023}}}}
      - {{cohort: all, percent: 33.0, as_of: 2026-06-30, provisional: true,
         source: {{url: "https://example.org/msds/2026-06", kind: msds, title: MSDS June 2026}}}}
      - {{cohort: ethnic_minority, percent: 14.0, as_of: 2026-06-30,
         source: {{url: "https://example.org/msds/2026-06-em", kind: msds}}}}
      - {{cohort: all, percent: 99.0, as_of: 2026-11-30,
         source: {{url: "https://example.org/msds/after-as-of", kind: msds, title: Later figure}}}}
    inspections:
      - {{date: 2023-05-01, body: CQC, rating: requires_improvement,
         url: "https://example.org/cqc/north"}}
  - id: hostile
    ods: XH1
    name: "{HOSTILE_NAME}"
    region: South West
    notes: '{HOSTILE_NOTES}'
    plan:
      status: active
      notes: "<i>plan notes</i>"
      board_reviews:
        - {{date: 2026-11-01, note: "<u>review note</u>"}}
    figures:
      - {{cohort: all, percent: 40, as_of: 2026-03-31,
         source: {{url: "https://example.org/hostile/foi?a=1&b=<2>", kind: foi,
                   title: "<em>FOI</em> reply"}}}}
      - {{cohort: all, percent: 38, as_of: 2025-09-30,
         source: {{url: "https://example.org/hostile/foi?a=1&b=<2>", kind: foi,
                   title: "<em>FOI</em> reply"}}}}
  - id: east
    ods: XE1
    name: Example East NHS Trust (synthetic)
    region: East of England
    plan: {{status: none}}
    figures:
      - {{cohort: all, percent: 55, as_of: 2025-03-31,
         source: {{title: FOI reply (synthetic), kind: foi}}}}
  - id: quiet
    ods: XQ1
    name: Example Quiet NHS Trust (synthetic, nothing recorded)
    region: London
  - id: closed-west
    ods: XW1
    name: Example West NHS Trust (synthetic, closed)
    region: South West
    closed_on: 2024-12-31
    successor: north
"""

OPEN_TRUSTS = ("north", "hostile", "east", "quiet")


def many_trusts_registry(count: int, *, figures: int = 4) -> str:
    """A SYNTHETIC registry of `count` invented Trusts with a few figures each."""
    lines = [
        "# SYNTHETIC registry: invented Trusts for scale tests.",
        "version: 1",
        "national:",
        "  targets:",
        "    - {id: synthetic-51, title: Synthetic target, cohort: all, percent: 51,",
        "       due: 2021-03-31, set_on: 2019-01-07,",
        "       source: {url: 'https://example.org/synthetic/target'}}",
        "trusts:",
    ]
    start = date(2024, 3, 31)
    for i in range(count):
        lines += [
            f"  - id: synthetic-{i:05d}",
            f"    ods: SY{i:05d}",
            f"    name: Synthetic Example NHS Trust {i:05d}",
            f"    region: Synthetic Region {i % 7}",
        ]
        if figures:
            lines.append("    figures:")
        for j in range(figures):
            percent = (i * 7 + j * 3) % 100
            as_of = start + timedelta(days=91 * j)
            lines.append(
                f"      - {{percent: {percent}, as_of: {as_of.isoformat()},"
                f" source: {{url: 'https://example.org/synthetic/{i}/{j}', kind: msds}}}}"
            )
    return "\n".join(lines) + "\n"
