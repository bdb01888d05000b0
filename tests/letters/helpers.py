"""Shared test data for the letter tests: a synthetic registry and a sender (all invented)."""

from __future__ import annotations

SENDER_OPTIONS = (
    "--sender-name",
    "Jo Tester",
    "--sender-organisation",
    "Testville Birth Campaign (synthetic)",
    "--sender-address",
    "1 Test Street, Testville TT1 1TT",
    "--sender-email",
    "jo@example.org",
)

# Synthetic: no real Trust, person, figure or source. Dated for an as-of of 2026-11-23.
LETTERS_REGISTRY = """\
version: 1
national:
  targets:
    - id: synthetic-most-2021
      title: Most women on a pathway (synthetic test target)
      cohort: all
      percent: 51
      due: 2021-03-31
      set_on: 2019-01-07
      withdrawn_on: 2022-09-21
      source: {url: https://example.org/t/most, title: Synthetic national plan}
    - id: synthetic-em-2024
      title: 75% of ethnic-minority women (synthetic test target)
      cohort: ethnic_minority
      percent: 75
      due: 2024-03-31
      set_on: 2019-01-07
      withdrawn_on: 2022-09-21
      source: {url: https://example.org/t/em, title: Synthetic targeted letter}
  figures:
    - {cohort: all, measure: offered, percent: 15.9, as_of: 2020-10-31,
       source: {url: https://example.org/n/survey, title: Synthetic national survey}}
  contacts:
    - role: secretary_of_state
      title: Secretary of State for Synthetic Affairs
      address: "Synthetic Department\\n1 Test Street\\nTestville TT0 0TT"
trusts:
  - id: synth-alpha
    ods: ZZ1
    name: Synthetic Alpha NHS Trust
    region: Test North
    address: "Alpha Test Hospital\\n1 Alpha Road\\nTestville TA1 1AA"
    website: https://example.org/alpha
    contacts:
      - {role: chief_executive, name: Ms Jane Testcase, email: ceo@alpha.example.org}
      - {role: chair, name: Dr Raj Fixture, email: chair@alpha.example.org}
      - {role: mnvp, name: Sam Mock, organisation: Alpha MNVP (synthetic),
         email: mnvp@example.org, address: "2 Voice Lane, Testville TA2 2BB"}
      - {role: foi, email: foi@alpha.example.org}
    plan:
      status: active
      published: 2020-02-28
      url: https://example.org/alpha/plan
      coproduced: unknown
      milestones:
        - {cohort: all, percent: 35, due: 2025-03-31}
        - {cohort: all, percent: 60, due: 2027-03-31}
      board_reviews:
        - {date: 2025-05-01, url: https://example.org/alpha/board-2025-05}
    figures:
      - {cohort: all, percent: 17.3, as_of: 2026-09-30,
         source: {url: https://example.org/msds/2026-09, title: Synthetic MSDS September 2026,
                  kind: msds}}
      - {cohort: ethnic_minority, percent: 12.7, as_of: 2026-09-30,
         source: {url: https://example.org/msds/2026-09, title: Synthetic MSDS September 2026,
                  kind: msds}}
  - id: synth-beta
    ods: ZZ2
    name: Synthetic Beta NHS Foundation Trust
    region: Test South
  - id: synth-gamma
    ods: ZZ3
    name: Synthetic Gamma NHS Trust
    region: Test South
    address: "Gamma Test Hospital, 3 Gamma Road, Testville TG3 3CC"
    plan: {status: none}
    figures:
      - {cohort: all, percent: 44.4, as_of: 2026-10-31, quality: fail,
         source: {url: https://example.org/msds/2026-10, kind: msds}}
  - id: synth-closed
    ods: ZZ4
    name: Synthetic Closed NHS Trust
    region: Test North
    closed_on: 2024-12-31
"""
