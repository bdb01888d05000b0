"""Years of monthly statistics: what importing them costs, and what they cost `check` and
`report` afterwards (SPEC §10). Run by hand; prints a Markdown table of times and ratios.

    python benchmarks/history.py [--months 60] [--rounds 3] [--shipped-csv PATH]

The months are SYNTHETIC: each is the real April 2025 measures file (19,654 CoC rows, from
shared/data/msds/) with its reporting period moved to another month and every count nudged
by a fixed, deterministic amount, so each file has exactly the real file's shape. Nothing
here describes a real month other than April 2025.

Measured, each side by side in one run (best of --rounds):
- `import msds FILE --commit` of one month (--rounds times, each into an empty campaign of
  its own) against a script that reads the same file with the `csv` module and writes its CoC
  rows out again;
- the last three months of the backfill (the best of them) against the 1st month, and the
  whole backfill against 60 times the 1st month's median;
- a second `import msds FILE --commit` of a month already kept (nothing new);
- `check TRUST`, `check --all` and `report` with one month and with all of them;
- the size of the registry file before and after the imports.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
REAL = (
    HERE.parent.parent / "shared" / "data" / "msds" / "msds-apr2025Provisional-exp-measures-coc.csv"
)
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# The alternative a user could write: read the file with csv, write its CoC rows out again.
REFERENCE_SCRIPT = """
import csv, sys
src = open(sys.argv[1], newline="", encoding="utf-8")
out = open(sys.argv[2], "w", newline="", encoding="utf-8")
with src, out:
    reader = csv.reader(src)
    writer = csv.writer(out)
    writer.writerow(next(reader))
    for row in reader:
        if row[5] in ("COC_Rate", "COC_DQ_Measure"):
            writer.writerow(row)
"""


def month_file(source: Path, folder: Path, index: int) -> Path:
    """The real file moved to month `index` (0 = May 2020), counts nudged deterministically."""
    year, month = divmod(2020 * 12 + 4 + index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    start, end = f"01/{month:02d}/{year}", f"{last:02d}/{month:02d}/{year}"
    name = f"msds-{MONTHS[month - 1]}{year}-exp-measures.csv"  # final files
    path = folder / name
    with (
        source.open(newline="", encoding="utf-8") as f,
        path.open("w", newline="", encoding="utf-8") as out,
    ):
        reader = csv.reader(f)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(next(reader))
        counts: dict[tuple[str, str, str], int] = {}  # (org, indicator, currency) -> count
        for row in reader:
            row[3], row[4] = start, end
            org, indicator, currency = row[0], row[6], row[7]
            if currency == "Numerator" and row[8].isdigit() and int(row[8]) >= 10:
                row[8] = str(
                    int(row[8]) - 5 * (index % 2)
                )  # stays a multiple of 5, below its denominator
            if currency in ("Numerator", "Denominator") and row[8].isdigit():
                counts[(org, indicator, currency)] = int(row[8])
            numerator = counts.get((org, indicator, "Numerator"))
            denominator = counts.get((org, indicator, "Denominator"))
            if currency == "Rate" and numerator is not None and denominator:
                # the published rate of the nudged counts, written as the file writes it
                row[8] = f"{100 * numerator / denominator:.1f}".removesuffix(".0")
            writer.writerow(row)
    return path


def timed(call: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def run(*args: str, env: dict[str, str]) -> Callable[[], None]:
    def call() -> None:
        done = subprocess.run(args, env=env, capture_output=True, text=True)
        if done.returncode not in (0, 1):
            sys.exit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")

    return call


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shipped-csv", type=Path, default=REAL)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cocwatch-history-"))
    env = {**os.environ, "HOME": str(work / "home"), "COCWATCH_CACHE_DIR": str(work / "cache"),
           "COCWATCH_TODAY": "2026-12-04", "NO_COLOR": "1"}  # fmt: skip
    cocwatch = [sys.executable, "-m", "cocwatch"]
    files = work / "files"
    files.mkdir()
    months = [month_file(args.shipped_csv, files, i) for i in range(args.months)]
    registry = work / "campaign" / "trusts.yaml"
    subprocess.run([*cocwatch, "init", str(registry)], env=env, check=True, capture_output=True)
    shutil.rmtree(registry.parent / "statistics")  # start from no statistics at all
    size_before = registry.stat().st_size
    page = "https://example.org/synthetic-release"

    def do_import(path: Path, into: Path = registry) -> Callable[[], None]:
        return run(*cocwatch, "-r", str(into), "import", "msds", str(path),
                   "--source-url", page, "--commit", "-q", env=env)  # fmt: skip

    rows: list[tuple[str, float, float | None, str]] = []
    reference = timed(run(sys.executable, "-c", REFERENCE_SCRIPT, str(months[0]),
                          str(work / "out.csv"), env=env), args.rounds)  # fmt: skip
    # The 1st month, --rounds times, each into a copy of the empty campaign of its own.
    singles: list[float] = []
    for i in range(args.rounds):
        copy = work / f"first-{i}" / "trusts.yaml"
        shutil.copytree(registry.parent, copy.parent)
        singles.append(timed(do_import(months[0], copy), 1))
    first, typical = min(singles), statistics.median(singles)
    rows.append(("import msds, 1st month", first, reference, "≤ 1.5× the csv script"))
    do_import(months[0])()
    one_check = timed(run(*cocwatch, "-r", str(registry), "check", "rj1", env=env), args.rounds)
    all_check = timed(run(*cocwatch, "-r", str(registry), "check", "--all", env=env), args.rounds)
    one_report = timed(run(*cocwatch, "-r", str(registry), "report", "--out",
                           str(work / "report1"), env=env), args.rounds)  # fmt: skip
    # The backfill: every month, one after another; the last three are timed one by one.
    backfill = typical  # the 1st month's median
    lasts: list[float] = []
    for n, path in enumerate(months[1:], start=2):
        took = timed(do_import(path), 1)
        backfill += took
        if n > args.months - 3:
            lasts.append(took)
    rows.append((f"import msds, months {args.months - 2}–{args.months} (best)", min(lasts),
                 first, "≈ 1× the 1st"))  # fmt: skip
    rows.append(
        (
            f"backfill of {args.months} months",
            backfill,
            typical * args.months,
            f"≤ {args.months}× one (the 1st month's median)",
        )
    )
    rerun = timed(do_import(months[-1]), args.rounds)
    rows.append(("import msds again, nothing new", rerun, None, "< 2 s"))
    many_check = timed(run(*cocwatch, "-r", str(registry), "check", "rj1", env=env), args.rounds)
    many_all = timed(run(*cocwatch, "-r", str(registry), "check", "--all", env=env), args.rounds)
    many_report = timed(run(*cocwatch, "-r", str(registry), "report", "--out",
                            str(work / f"report{args.months}"), env=env), args.rounds)  # fmt: skip
    rows.append((f"check rj1, {args.months} months", many_check, one_check, "≤ 1.2× 1 month"))
    rows.append((f"check --all, {args.months} months", many_all, all_check, "≤ 2× 1 month"))
    rows.append((f"report, {args.months} months", many_report, one_report, "≤ 2× 1 month"))
    size_after = registry.stat().st_size
    print(f"| measured ({args.months} synthetic months) | seconds | against | ratio | goal |")
    print("| --- | ---: | ---: | ---: | --- |")
    for name, value, base, goal in rows:
        ratio = f"{value / base:.2f}×" if base else ""
        print(f"| {name} | {value:.3f} | {base:.3f} | {ratio} | {goal} |" if base else
              f"| {name} | {value:.3f} | | | {goal} |")  # fmt: skip
    print(f"\nRegistry file: {size_before:,} bytes before the imports, {size_after:,} after.")
    kept = sum(p.stat().st_size for p in (registry.parent / "statistics").rglob("*") if p.is_file())
    print(f"Statistics folder: {kept / 1e6:.0f} MB for {args.months} months.")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
