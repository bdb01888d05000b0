"""Move official figures imported into an old registry file into the statistics store.

Before the store existed, `import msds` wrote each official figure into the registry file.
`move_official_figures` takes them out, losing nothing:

1. a figure the store already keeps (same Trust, cohort, measure, month and values) only
   leaves the registry file;
2. the others are written to the store as one file per month and kind (provisional or
   final), in the publication's own columns, holding just the rows those figures stand for;
   the manifest says they were moved from the registry file. Each such file is read back
   before anything is written, and a figure that would not come back the same stays in the
   registry file (and is reported);
3. then the registry file loses the moved figures in one validated, atomic edit that keeps
   every comment and every other byte (`cocwatch.registry.edit`).

A dry run (the default) shows what would move. Imports the models, the store, the MSDS reader
and the package's editing; never the CLI.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cocwatch.core.edits import Change
    from cocwatch.core.models import Figure, Registry
    from cocwatch.core.official import StoredFile
    from cocwatch.statistics.msds.table import MsdsFile
    from cocwatch.statistics.store import StatisticsStore

_INDICATORS = {"placed_by_28_weeks": "COC_by_28weeks", "receiving_ongoing": "COC_receiving_ongoing"}
_BREAKDOWNS = {
    "all": "",
    "ethnic_minority": "_Ethnicity_BAME",
    "most_deprived": "_IMD_01_Most_deprived",
}
_FILE_NAME = re.compile(r"file (\S+\.(?:csv|xlsx))", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Held:
    """One official figure in the registry file: where it is, and what it is."""

    trust_id: str | None  # None: national.figures
    index: int
    figure: Figure
    ods: str
    name: str


@dataclass(slots=True)
class Move:
    """What moving does, or would do."""

    already_kept: list[Held] = field(default_factory=list)  # the store has them: only removed
    moved: list[Held] = field(default_factory=list)  # written to the store, then removed
    stay: list[tuple[Held, str]] = field(default_factory=list)  # cannot move, and why
    files: list[StoredFile] = field(default_factory=list)  # files the store gains
    written: bool = False

    @property
    def removed(self) -> int:
        return len(self.already_kept) + len(self.moved)


def official_in_registry(registry: Registry) -> list[Held]:
    """Every figure in the registry file that came from NHS England's statistics."""
    from cocwatch.statistics.msds.table import NATIONAL

    found = [
        Held(None, i, f, NATIONAL, "All Submitters")
        for i, f in enumerate(registry.national.figures)
        if f.source.official and f.measure in _INDICATORS
    ]
    for trust in registry.trusts:
        found += [
            Held(trust.id, i, f, trust.ods.upper(), trust.name.upper())
            for i, f in enumerate(trust.figures)
            if f.source.official and f.measure in _INDICATORS
        ]
    return found


def move_official_figures(
    path: Path, store: StatisticsStore, *, today: date, commit: bool
) -> tuple[Move, bool]:
    """Move the registry file's official figures into the store (with `commit`).

    Returns what moves, and whether the registry file was written. The store is written
    first: were the registry edit to fail, each figure would still be shown once.
    """
    from cocwatch.registry.edit import change_registry

    def plan(current: Registry) -> tuple[list[Change], Move]:
        move = Move()
        kept = _kept_keys(store)
        pending: list[Held] = []
        for h in official_in_registry(current):
            if h.figure.notes:  # words people wrote have no place in the publication's rows
                move.stay.append((h, "it carries a note written by hand, kept with it"))
                continue
            (move.already_kept if _key(h) in kept else pending).append(h)
        # One file per month, kind and citation, so each figure keeps its own citation.
        groups: dict[tuple[date, bool, str, str, str], list[Held]] = {}
        for h in pending:
            f, src = h.figure, h.figure.source
            key = (f.as_of, f.provisional, src.url or "", src.title or "", str(src.retrieved or ""))
            groups.setdefault(key, []).append(h)
        for (_, _, url, _, _), members in sorted(groups.items()):
            file, parsed, good, bad = _rebuild(members, store, today=today, url=url)
            move.moved += good
            move.stay += bad
            if good:
                move.files.append(file)
                if commit:
                    store.add(parsed, file)
                    move.written = True
        return _removals([*move.already_kept, *move.moved]), move

    result, moved = change_registry(path, plan, today=today, dry_run=not commit)
    return moved, result.written


def _rebuild(
    members: list[Held], store: StatisticsStore, *, today: date, url: str
) -> tuple[StoredFile, MsdsFile, list[Held], list[tuple[Held, str]]]:
    """The rows the figures stand for, as a file for the store, read back to check them."""
    import csv
    import io

    from cocwatch.core.official import StoredFile
    from cocwatch.statistics.msds.reading import parse_measures
    from cocwatch.statistics.sources import official_source

    first = members[0].figure
    provisional = first.provisional
    rows: list[list[str]] = []
    for h in members:
        rows += _rows(h)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(official_source("msds").columns)
    writer.writerows(rows)
    text = out.getvalue()
    parsed = parse_measures(text, "the registry's figures", provisional=provisional)
    back = {
        (o.ods.upper(), o.cohort, o.measure, o.as_of, o.provisional, o.value, o.numerator,
         o.denominator, o.quality)
        for o in (*parsed.figures, *parsed.national)
    }  # fmt: skip
    good = [h for h in members if _key(h) in back]
    bad = [
        (h, "it would not read back the same from the publication's rows (edit it by hand)")
        for h in members
        if _key(h) not in back
    ]
    named = _FILE_NAME.search(first.source.title or "")
    kind = "provisional" if provisional else "final"
    source_file = named.group(1) if named else f"figures for {first.as_of:%B %Y} ({kind})"
    digest = hashlib.sha256(text.encode()).hexdigest()
    stem = f"registry-{first.as_of:%Y-%m}-{kind}-{digest[:8]}"
    file = StoredFile(
        path=f"msds/{stem}.csv",
        source="msds",
        source_file=source_file,
        period_end=first.as_of,
        provisional=provisional,
        release_page=url or None,
        file_url=None,
        sha256=digest,
        rows=len(rows),
        retrieved=first.source.retrieved,
        imported=today,
        notes=(
            f"Moved from the registry file on {today.isoformat()}: only the rows behind the "
            f"{len(good)} figures it held, not the whole published file."
        ),
        title=first.source.title or "",
    )
    return file, parsed, good, bad


def _rows(h: Held) -> list[list[str]]:
    """The publication's rows behind one figure: counts, rate and (for a headline) result."""
    f = h.figure
    start = f.as_of.replace(day=1).strftime("%d/%m/%Y")
    end = f.as_of.strftime("%d/%m/%Y")
    national = h.trust_id is None
    code, name, level = (
        ("National", "All Submitters", "National") if national else (h.ods, h.name, "Provider")
    )
    indicator = _INDICATORS[f.measure] + _BREAKDOWNS[f.cohort]

    def row(currency: str, value: str) -> list[str]:
        return [code, name, level, start, end, "COC_Rate", indicator, currency, value]

    out: list[list[str]] = []
    if f.numerator is not None and f.denominator is not None:
        out += [row("Denominator", str(f.denominator)), row("Numerator", str(f.numerator))]
    if f.percent is not None:
        out.append(row("Rate", f"{f.percent:.1f}"))
    elif f.quality == "fail":
        out.append(row("Rate", "Low DQ"))
    if f.cohort == "all" and f.quality in ("pass", "fail") and not national:
        out.append(row("Result", f.quality.capitalize()))
    return out


def _key(h: Held) -> _Key:
    f = h.figure
    return (
        h.ods,
        f.cohort,
        f.measure,
        f.as_of,
        f.provisional,
        f.percent,
        f.numerator,
        f.denominator,
        f.quality,
    )


_Key = tuple[str, str, str, date, bool, float | None, int | None, int | None, str]


def _kept_keys(store: StatisticsStore) -> set[_Key]:
    return {
        (
            o.ods.upper(),
            o.cohort,
            o.measure,
            o.as_of,
            o.provisional,
            o.value,
            o.numerator,
            o.denominator,
            o.quality,
        )
        for _, o in store.official_figures()
    }


def _removals(held: Sequence[Held]) -> list[Change]:
    from cocwatch.core.edits import Remove

    by_holder: dict[str | None, list[int]] = {}
    for h in held:
        by_holder.setdefault(h.trust_id, []).append(h.index)
    return [Remove(holder, ("figures",), tuple(sorted(i))) for holder, i in by_holder.items()]
