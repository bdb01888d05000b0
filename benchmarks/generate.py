"""Write a deterministic SYNTHETIC registry for benchmarks: N fictional Trusts x M figures.

Every Trust, figure and source here is invented for measuring speed; nothing describes a real
Trust. The same arguments always give the same file.

    python benchmarks/generate.py --trusts 5000 --figures 60 --out /tmp/synthetic.yaml
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

REGIONS = ("Synthetic North", "Synthetic Midlands", "Synthetic South", "Synthetic London")
COHORTS = ("all", "ethnic_minority", "most_deprived")


def generate(trusts: int, figures: int, *, seed: int = 2026, pages_base: str | None = None) -> str:
    """Return the YAML text of a synthetic registry."""
    rng = random.Random(seed)
    out = [
        "# SYNTHETIC benchmark registry: invented Trusts and figures, for measuring speed only.",
        "version: 1",
        "national:",
        "  targets:",
        "    - {id: synthetic-most, title: Synthetic target, cohort: all, percent: 51,"
        " due: 2021-03-31, set_on: 2019-01-07, withdrawn_on: 2022-09-21,"
        " source: {url: 'https://example.org/synthetic/target'}}",
        "    - {id: synthetic-em, title: Synthetic targeted, cohort: ethnic_minority,"
        " percent: 75, due: 2024-03-31, set_on: 2019-01-07,"
        " source: {url: 'https://example.org/synthetic/target-em'}}",
        "trusts:",
    ]
    start = date(2021, 12, 31)
    for i in range(trusts):
        out += [
            f"  - id: synthetic-{i:05d}",
            f"    ods: SY{i:05d}",
            f"    name: Synthetic Example NHS Trust {i:05d}",
            f"    region: {REGIONS[i % len(REGIONS)]}",
            '    address: "1 Example Road\\nExampletown\\nEX1 1AA"',
        ]
        if pages_base:
            out.append(f"    board_papers_url: {pages_base}/board/{i}")
        if i % 3:
            out += [
                "    plan:",
                f"      status: {'active' if i % 3 == 1 else 'paused'}",
                "      published: 2021-01-15",
                f"      url: {pages_base or 'https://example.org/synthetic'}/plan/{i}",
                "      coproduced: yes",
                "      milestones:",
                "        - {cohort: all, percent: 35, due: 2025-03-31}",
                "        - {cohort: all, percent: 60, due: 2027-03-31}",
                "      board_reviews:",
                "        - {date: 2026-10-01, url: 'https://example.org/synthetic/board'}",
            ]
        out.append("    figures:")
        for j in range(figures):
            cohort = COHORTS[j % 3]
            as_of = start + timedelta(days=30 * (j // 3))
            percent = round(min(100.0, max(0.0, 10 + j * 0.4 + rng.uniform(-5, 5))), 1)
            out.append(
                f"      - {{cohort: {cohort}, percent: {percent}, as_of: {as_of.isoformat()},"
                " quality: pass, source: {url: 'https://example.org/synthetic/msds', kind: msds}}"
            )
    return "\n".join(out) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trusts", type=int, default=5000)
    parser.add_argument("--figures", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--pages-base", default=None, help="board_papers_url prefix (watch)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.write_text(
        generate(args.trusts, args.figures, seed=args.seed, pages_base=args.pages_base),
        encoding="utf-8",
    )
    print(args.out)


if __name__ == "__main__":
    main()
