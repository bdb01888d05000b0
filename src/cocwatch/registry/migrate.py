"""Move official figures imported into an old registry file into the statistics store.

Before the store existed, `import msds` wrote each official figure into the registry file.
`move_official_figures` takes them out, losing nothing:

1. a figure the store already keeps (same Trust, cohort, measure, month and values) only
   leaves the registry file;
2. a figure the store holds another figure for (same Trust, cohort, measure and month, other
   values) stays, and is reported: `check` already shows the folder's, and which is right is
   for a person to say; so does a figure written where the file cannot be edited in place
   (a list on one line, an entry shared through a YAML alias) or carrying a note;
3. the others are made into one file per month, kind and citation, in the publication's own
   columns, holding just the rows those figures stand for, and read back as the store reads
   its files: a figure that would not come back the same (its quality included) stays;
4. the registry file loses the moved figures in one validated edit that keeps every comment
   outside the moved entries and every other byte (`cocwatch.registry.edit`); the store gains
   the files only once that edit is known to be valid, just before the registry is written,
   and loses them again if writing it fails.

Writing a figure's rows is its source's business (`OfficialSource.restore`: the MSDS source
writes the rows of its measures file). A dry run (the default) shows what would move.
Imports the models, the statistics sources and store, PyYAML (to find lists written in place)
and the package's editing; never the CLI.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cocwatch.core.official import MOVED_PREFIX

if TYPE_CHECKING:
    import yaml

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

    Returns what moves, and whether the registry file was written. Nothing is written unless
    both can be: the store gains its files once the registry edit is validated, and loses
    them again if the registry cannot be written.
    """
    from cocwatch.registry.edit import change_registry
    from cocwatch.registry.reading import decode_text, read_bytes

    fixed = fixed_in_place(decode_text(read_bytes(path), str(path)))
    gained: list[tuple[StoredFile, SourceFile]] = []

    def plan(current: Registry) -> tuple[list[Change], Move]:
        move = Move()
        kept = _kept_figures(store)
        pending: list[Held] = []
        for h in official_in_registry(current):
            why = fixed.get((h.trust_id, h.index)) or _why_it_stays(h, kept)
            if why is not None:
                move.stay.append((h, why))
            elif _key(h) in kept.get(_slot(h), ()):
                move.already_kept.append(h)
            else:
                pending.append(h)
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
            made, good, bad = _settled(members, store, today=today, url=url)
            move.moved += good
            move.stay += bad
            if made is not None:
                move.files.append(made[0])
                gained.append(made)
        return _removals([*move.already_kept, *move.moved]), move

    @contextmanager
    def store_first() -> Iterator[None]:
        """Keep the files for the time the registry is written; take them out if it fails."""
        added = [store.add(parsed, file) for file, parsed in gained]
        try:
            yield
        except BaseException:
            store.forget([a.file.path for a in added if a.written])
            raise

    result, moved = change_registry(
        path, plan, today=today, dry_run=not commit, around_write=store_first
    )
    moved.written = result.written
    return moved, result.written


def _why_it_stays(h: Held, kept: dict[_Slot, list[_Key]]) -> str | None:
    """Why a figure cannot move as it is, or None when it can."""
    if h.figure.notes:  # words people wrote have no place in the publication's rows
        return "it carries a note written by hand, kept with it"
    held = kept.get(_slot(h), [])
    if held and _key(h) not in held:
        other = held[0]
        said = f"{other[5]}%" if other[5] is not None else f"quality {other[8]}"
        kind = "provisional" if other[4] else "final"
        return (
            f"the statistics folder holds another figure for this Trust, measure and month "
            f"({said}, {kind}), which is the one `check` uses; see which is right (if it is "
            "the folder's, delete this entry from the registry file)"
        )
    return None


def fixed_in_place(text: str) -> dict[tuple[str | None, int], str]:
    """The figures (by holder and place) that cannot be taken out of the text one by one:
    in a list written on one line, or shared with another place through a YAML alias."""
    import yaml

    from cocwatch.registry.yaml_loader import FAST_SAFE_LOADER

    try:
        root = yaml.compose(text, Loader=FAST_SAFE_LOADER)
    except yaml.YAMLError:
        return {}  # the registry's own reading says what is wrong with it
    seen = _occurrences(root)
    fixed: dict[tuple[str | None, int], str] = {}
    for holder, seq in _figure_lists(root):
        for i, item in enumerate(seq.value):
            if seq.flow_style:
                fixed[(holder, i)] = (
                    "its list is written on one line, which cocwatch does not edit: write "
                    "the list one entry per line, then move again"
                )
            elif seen[id(seq)] > 1 or seen[id(item)] > 1:
                fixed[(holder, i)] = (
                    "it is shared with another place through a YAML alias (& and *), so "
                    "taking it out would change that place too"
                )
    return fixed


def _occurrences(root: yaml.Node | None) -> dict[int, int]:
    """How many places each node of a composed document is reached from (aliases: > 1)."""
    import yaml

    counts: dict[int, int] = {}
    pending: list[yaml.Node] = [root] if root is not None else []
    while pending:
        node = pending.pop()
        counts[id(node)] = counts.get(id(node), 0) + 1
        if counts[id(node)] > 1:
            continue  # reached again through an alias: its insides were counted once
        if isinstance(node, yaml.MappingNode):
            pending += [part for pair in node.value for part in pair]
        elif isinstance(node, yaml.SequenceNode):
            pending += node.value
    return counts


def _figure_lists(root: yaml.Node | None) -> Iterator[tuple[str | None, yaml.SequenceNode]]:
    """Each holder's `figures` list: national's (None), then each Trust's (by id)."""
    import yaml

    def value(mapping: yaml.Node, key: str) -> yaml.Node | None:
        if not isinstance(mapping, yaml.MappingNode):
            return None
        return next((v for k, v in mapping.value if getattr(k, "value", None) == key), None)

    if root is None:
        return
    national = value(root, "national")
    if isinstance(found := value(national, "figures") if national else None, yaml.SequenceNode):
        yield None, found
    trusts = value(root, "trusts")
    for trust in trusts.value if isinstance(trusts, yaml.SequenceNode) else ():
        ident = value(trust, "id")
        figures = value(trust, "figures")
        if isinstance(ident, yaml.ScalarNode) and isinstance(figures, yaml.SequenceNode):
            yield str(ident.value), figures


def _settled(
    members: list[Held], store: StatisticsStore, *, today: date, url: str
) -> tuple[tuple[StoredFile, SourceFile] | None, list[Held], list[tuple[Held, str]]]:
    """The file of the figures that read back the same, made of their rows alone: a figure
    that does not is left out and the file made again (without it, another may read back
    otherwise: a breakdown shares its headline's quality)."""
    stayed: list[tuple[Held, str]] = []
    while members:
        file, parsed, good, bad = _rebuild(members, store, today=today, url=url)
        stayed += bad
        if not bad:
            return (file, parsed), good, stayed
        members = good
    return None, [], stayed


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
    # Read back as the store will read the kept file: by the source's own figures.
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
    source_file = named.group(1) if named else ""  # none known: the manifest names the kept file
    digest = hashlib.sha256(text.encode()).hexdigest()
    stem = f"{MOVED_PREFIX}{first.as_of:%Y-%m}-{kind}-{digest[:8]}"
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


_Slot = tuple[str, str, str, date]  # a figure's Trust (ODS code), cohort, measure and month


def _slot(h: Held) -> _Slot:
    return (h.ods, h.figure.cohort, h.figure.measure, h.figure.as_of)


def _kept_figures(store: StatisticsStore) -> dict[_Slot, list[_Key]]:
    """The store's figures by their slot (Trust, cohort, measure and month)."""
    found: dict[_Slot, list[_Key]] = {}
    for _, o in store.official_figures():
        key: _Key = (
            o.ods.upper(), o.cohort, o.measure, o.as_of, o.provisional, o.value, o.numerator,
            o.denominator, o.quality,
        )  # fmt: skip
        found.setdefault(key[:4], []).append(key)
    return found


def _removals(held: Sequence[Held]) -> list[Change]:
    from cocwatch.core.edits import Remove

    by_holder: dict[str | None, list[int]] = {}
    for h in held:
        by_holder.setdefault(h.trust_id, []).append(h.index)
    return [Remove(holder, ("figures",), tuple(sorted(i))) for holder, i in by_holder.items()]
