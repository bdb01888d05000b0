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

Writing a figure's rows is its source's business (`OfficialSource.restore`: the MSDS source
writes the rows of its measures file). A dry run (the default) shows what would move.
Imports the models, the statistics sources and store, and the package's editing; never the
CLI.
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
    from cocwatch.statistics.source import OfficialSource, SourceFile
    from cocwatch.statistics.store import StatisticsStore

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


def _restorable(figure: Figure) -> bool:
    """An official figure whose source can write its rows back into the store."""
    from cocwatch.statistics.sources import by_kind

    if not figure.source.official:
        return False
    source = by_kind(figure.source.kind)
    return source is not None and source.restore is not None and source.restorable(figure)


def official_in_registry(registry: Registry) -> list[Held]:
    """Every figure in the registry file that came from official statistics."""
    from cocwatch.core.official import ENGLAND

    found = [
        Held(None, i, f, ENGLAND, "")
        for i, f in enumerate(registry.national.figures)
        if _restorable(f)
    ]
    for trust in registry.trusts:
        found += [
            Held(trust.id, i, f, trust.ods.upper(), trust.name.upper())
            for i, f in enumerate(trust.figures)
            if _restorable(f)
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
        # One file per source, month, kind and citation, so each keeps its own citation.
        groups: dict[tuple[str, date, bool, str, str, str], list[Held]] = {}
        for h in pending:
            f, src = h.figure, h.figure.source
            key = (
                src.kind, f.as_of, f.provisional, src.url or "", src.title or "",
                str(src.retrieved or ""),
            )  # fmt: skip
            groups.setdefault(key, []).append(h)
        for (_, _, _, url, _, _), members in sorted(groups.items()):
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
) -> tuple[StoredFile, SourceFile, list[Held], list[tuple[Held, str]]]:
    """The rows the figures stand for, as a file for the store, read back to check them."""
    from cocwatch.core.official import ENGLAND, StoredFile
    from cocwatch.statistics.sources import by_kind

    first = members[0].figure
    provisional = first.provisional
    source: OfficialSource | None = by_kind(first.source.kind)
    assert source is not None and source.restore is not None  # only such figures are held
    held = [(h.figure, h.ods, h.name, h.ods == ENGLAND) for h in members]
    text, parsed = source.restore(held, provisional)
    back = {
        (o.ods.upper(), o.cohort, o.measure, o.as_of, o.provisional, o.value, o.numerator,
         o.denominator, o.quality)
        for found in source.figures(parsed.observations, provisional)[:2]
        for o in found
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
        path=f"{source.name}/{stem}.csv",
        source=source.name,
        source_file=source_file,
        period_end=first.as_of,
        provisional=provisional,
        release_page=url or None,
        file_url=None,
        sha256=digest,
        rows=len(parsed.table),
        retrieved=first.source.retrieved,
        imported=today,
        notes=(
            f"Moved from the registry file on {today.isoformat()}: only the rows behind the "
            f"{len(good)} figures it held, not the whole published file."
        ),
        title=first.source.title or "",
    )
    return file, parsed, good, bad


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
