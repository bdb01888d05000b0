"""Synthetic registries and the pinned "today" shared by tests in every folder."""

TODAY = "2026-11-23"

# A small, valid, synthetic registry used across tests.
MINIMAL_REGISTRY = """\
version: 1
national:
  targets:
    - id: ltp-2021
      title: Most women on a CoC pathway (synthetic test target)
      cohort: all
      percent: 51
      due: 2021-03-31
      set_on: 2019-01-07
      withdrawn_on: 2022-09-21
      source: {url: https://example.org/ltp, title: Synthetic test source}
trusts:
  - id: example-north
    ods: XX1
    name: Example North NHS Trust (synthetic)
    region: North East and Yorkshire
    figures:
      - cohort: all
        percent: 17.2
        as_of: 2024-03-31
        source: {url: https://example.org/msds, kind: msds}
  - id: example-south
    ods: XX2
    name: Example South NHS Foundation Trust (synthetic)
    region: South West
"""
