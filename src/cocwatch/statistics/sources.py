"""The official statistics sources cocwatch knows: an explicit list, and one for plug-ins.

A source of official per-Trust figures is one package or module that defines an
`OfficialSource` (`cocwatch.statistics.source`). The ones built in are listed in
`DEFAULT_SOURCES`, as datasette lists its default plugins; another (a plug-in, or a test's
synthetic source) is added with `register` and taken out with `unregister`. The store, the
merging of figures and the import ask `official_source(name)` by the manifest's `source`;
nothing else names a source.

Imports the built-in sources' declarations (their readers load lazily) and cocwatch's errors.
"""

from __future__ import annotations

from cocwatch.core.measures import Declared
from cocwatch.errors import InputError
from cocwatch.statistics import msds
from cocwatch.statistics.source import OfficialSource

DEFAULT_SOURCES: tuple[OfficialSource, ...] = (msds.SOURCE,)
_registered: dict[str, OfficialSource] = {}


def official_sources() -> dict[str, OfficialSource]:
    """Every known source by name: the built-in ones first, then those registered."""
    return {**{s.name: s for s in DEFAULT_SOURCES}, **_registered}


def by_kind(kind: str) -> OfficialSource | None:
    """The source whose figures have this registry `source.kind`, if cocwatch knows it."""
    return next((s for s in official_sources().values() if s.kind == kind), None)


def declared() -> Declared:
    """What the core knows of every known source: its measures, groups and publisher."""
    return Declared(tuple(s.declared for s in official_sources().values()))


def register(source: OfficialSource) -> None:
    """Add a source (a plug-in's): its files can then be imported, kept and read."""
    if source.name in official_sources():
        raise ValueError(f"a source named {source.name!r} is known already")
    _registered[source.name] = source


def unregister(name: str) -> None:
    """Take out a source added with `register` (the built-in ones stay)."""
    _registered.pop(name, None)


def official_source(name: str) -> OfficialSource:
    """The source called `name`; a kept file of an unknown source is an input error."""
    source = official_sources().get(name)
    if source is None:
        known = ", ".join(sorted(official_sources())) or "none"
        raise InputError(
            f"The statistics folder holds a file of the source {name!r}, which this version "
            f"of cocwatch does not know (it knows: {known}). Upgrade cocwatch, or remove that "
            "line from the folder's manifest.csv."
        )
    return source
