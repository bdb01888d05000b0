"""Official figures from the statistics store, beside the figures people curate.

The registry file holds what people curate; the statistics store (`store`) holds the official
release files. `with_statistics` gives the registry that every command assesses: each
Trust's curated figures and its official figures from the store, each cited to its own source
(the release page that links the file, the file's name and month). An official figure still
in an old registry file (imported before the store existed) gives way to the store's figure
for the same cohort, measure and month, so a registry that has not moved its figures yet keeps
working, and one that has shows each figure once.

Imports the models, the store and the core's import values; never the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cocwatch.core.imports import month_title
from cocwatch.core.official import ENGLAND

if TYPE_CHECKING:
    from cocwatch.core.comparison import OfficialContext
    from cocwatch.core.imports import OfficialFigure
    from cocwatch.core.kinds import SourceKind
    from cocwatch.core.measures import OfficialMeasure
    from cocwatch.core.models import Figure, Icb, Registry, Source, Trust
    from cocwatch.core.official import StoredFile
    from cocwatch.statistics.store import StatisticsStore


def cited(file: StoredFile, as_of: date) -> Source:
    """The citation of a figure from a kept file: its release page (else the file's address,
    else the series' index), the publication, the month and the file's name; for a file of
    moved figures, the registry's own citation."""
    from cocwatch.core.models import Source
    from cocwatch.core.wording import long_date
    from cocwatch.statistics.sources import official_source

    source = official_source(file.source)
    # An official source's kind need not be one the registry file may hold (a plug-in's).
    kind = cast("SourceKind", source.kind)
    if file.moved:  # as the registry file cited it, word for word
        return Source.model_construct(
            url=file.release_page, title=file.title or None, kind=kind, retrieved=file.retrieved
        )
    url = file.release_page or file.file_url or source.index_url
    name = file.source_file if url != file.file_url else None
    retrieved = file.retrieved
    if file.title:  # a citation recorded with the file
        title = file.title
    else:
        title = month_title(
            as_of,
            provisional=file.provisional,
            publication=source.publication,
            file_name=name,
            release=source.declared.publisher.release_of(as_of, provisional=file.provisional),
        )
        if url == source.index_url:
            title += "; cited at the series' index, as the release's own page is not confirmed"
        if not file.file_url and file.notes and retrieved is not None:
            # The published file itself was not fetched, and the manifest says what the kept
            # rows came from: the citation says so rather than "retrieved" alone.
            title += (
                f"; its rows were kept from a copy retrieved {long_date(retrieved)}, as the "
                "statistics manifest's notes say"
            )
            retrieved = None
    return Source.model_construct(url=url, title=title, kind=kind, retrieved=retrieved)


# One set for every such figure: pydantic copies it before any change (model_copy).
_FIELDS_SET = {
    "cohort", "measure", "percent", "numerator", "denominator", "as_of", "provisional",
    "quality", "source",
}  # fmt: skip


def as_figure(figure: OfficialFigure, source: Source) -> Figure:
    """A registry figure (already valid: the reader checked it) for an official figure.

    Made as pydantic's `model_construct` makes a model, without its per-call bookkeeping:
    years of monthly statistics are tens of thousands of figures, and that bookkeeping was
    most of `check --all`'s time (tests/statistics compares the two). The model's four slots are
    set through their descriptors, as `object.__setattr__` would, at half its cost.
    """
    figure_class, fields_set, extra, private = _model_parts()
    made = object.__new__(figure_class)
    object.__setattr__(
        made,
        "__dict__",
        {
            "cohort": figure.cohort,
            "measure": figure.measure,
            "percent": figure.value,
            "numerator": figure.numerator,
            "denominator": figure.denominator,
            "as_of": figure.as_of,
            "provisional": figure.provisional,
            "quality": figure.quality,
            "source": source,
            "notes": None,
        },
    )
    fields_set.__set__(made, _FIELDS_SET)
    extra.__set__(made, None)
    private.__set__(made, None)
    return made


@cache
def _model_parts() -> tuple[type[Figure], Any, Any, Any]:
    """The Figure class and pydantic's slot descriptors for a model's other three slots."""
    from pydantic import BaseModel

    from cocwatch.core.models import Figure

    slots = BaseModel.__dict__
    return (
        Figure,
        slots["__pydantic_fields_set__"],
        slots["__pydantic_extra__"],
        slots["__pydantic_private__"],
    )


def with_statistics(
    registry: Registry,
    store: StatisticsStore,
    *,
    only: Collection[str] | None = None,
    periods: Collection[date] | None = None,
) -> Registry:
    """The registry with each Trust's official figures from `store` beside its curated ones.

    `only` limits the work to some Trusts (by id; England's figures always come): the others
    keep just their curated figures, which is all a command about one Trust needs. `periods`
    limits the official figures to some months (by their last day).
    """
    if not store.files():
        return registry
    chosen = [t for t in registry.trusts if only is None or t.id in only]
    codes = None if only is None else {t.ods.upper() for t in chosen} | {ENGLAND}
    sources: dict[tuple[str, date], Source] = {}
    by_code: dict[str, list[Figure]] = {}
    for file, found in store.official_figures(codes, periods=periods):
        key = (file.path, found.as_of)
        source = sources.get(key)
        if source is None:
            source = sources[key] = cited(file, found.as_of)
        code = found.ods.upper()
        held = by_code.get(code)
        if held is None:
            held = by_code[code] = []
        held.append(as_figure(found, source))
    trusts = tuple(_with(t, by_code.get(t.ods.upper(), [])) for t in registry.trusts)
    national = registry.national.model_copy(
        update={"figures": merged(registry.national.figures, by_code.get(ENGLAND, []))}
    )
    return registry.model_copy(update={"trusts": trusts, "national": national})


def _with(trust: Trust, official: list[Figure]) -> Trust:
    if not official:
        return trust
    return trust.model_copy(update={"figures": merged(trust.figures, official)})


def merged(curated: Iterable[Figure], official: list[Figure]) -> tuple[Figure, ...]:
    """Curated figures, then official ones; an old copy of an official figure gives way."""
    kept = list(curated)
    if any(f.source.official for f in kept):  # a registry from before the statistics folder
        held = {(f.cohort, f.measure, f.as_of) for f in official}
        kept = [
            f for f in kept if not (f.source.official and (f.cohort, f.measure, f.as_of) in held)
        ]
    return (*kept, *sorted(official, key=lambda f: (f.as_of, f.cohort, f.measure)))


def lmns_bodies(
    registry: Registry, store: StatisticsStore, icb: Icb, *, as_of: date
) -> list[Trust]:
    """The ICB's LMNS as bodies to assess (`cocwatch.core.icbs.lmns_body`), each with its own
    official figures from the statistics folder's LMNS rows.

    NHS England publishes an LMNS's figures under the code its ICB had that month, so the
    bodies are those whose rows cover the ICB's area in the latest month up to `as_of` that
    has any: the ICB itself, or, for an ICB made later, the ICBs it took over (each its own
    body, named as such, never summed into one).
    """
    from cocwatch.core.icbs import areas_in_month, current, lmns_body

    codes = _with_predecessors(registry, icb)
    by_code: dict[str, list[Figure]] = {}
    sources: dict[tuple[str, date], Source] = {}
    for file, found in store.official_figures(codes, levels=("lms",)):
        key = (file.path, found.as_of)
        source = sources.get(key)
        if source is None:
            source = sources[key] = cited(file, found.as_of)
        by_code.setdefault(found.ods.upper(), []).append(as_figure(found, source))
    months = [f.as_of for figures in by_code.values() for f in figures if f.as_of <= as_of]
    areas = areas_in_month(registry, icb, max(months)) if months else []
    if not areas:
        return [lmns_body(icb, by_code.get(icb.code, []))]
    bodies = []
    for area in areas:
        later = [i for i in current(registry, area.icb, as_of) if i.code != area.icb.code]
        figures = sorted(by_code.get(area.icb.code, []), key=lambda f: (f.as_of, f.cohort))
        bodies.append(lmns_body(area.icb, figures, successor=later[0] if later else None))
    return bodies


def _with_predecessors(registry: Registry, icb: Icb) -> list[str]:
    codes = [icb.code]
    for taken in icb.took_over:
        earlier = registry.icb(taken.icb)
        if earlier is not None and earlier.code not in codes:
            codes += [c for c in _with_predecessors(registry, earlier) if c not in codes]
    return codes


def open_statistics(location: str, *, warn: Callable[[str], None]) -> StatisticsStore:
    """The statistics folder at `location`: a folder, or the address of one on the web.

    A folder on the web (beside a registry given by URL) is copied into the cache folder,
    file by file, with conditional GETs; when the network fails the last copy is used with
    a warning, and with no copy the registry's own figures are used alone.
    """
    from cocwatch.locations import is_url
    from cocwatch.statistics.store import StatisticsStore

    if not is_url(location):
        return StatisticsStore(Path(location).expanduser())
    return _mirrored(location, warn)


def _mirrored(base: str, warn: Callable[[str], None]) -> StatisticsStore:
    import hashlib

    from cocwatch import cache
    from cocwatch.cache.downloads import DownloadCache, FetchFailed
    from cocwatch.errors import CocwatchError
    from cocwatch.sources.http import STATISTICS_MAX_MB, DownloadError
    from cocwatch.statistics import kept, manifest
    from cocwatch.statistics.store import MANIFEST, StatisticsStore

    base = base if base.endswith("/") else base + "/"
    key = hashlib.sha256(base.encode()).hexdigest()[:24]
    folder = cache.folder(cache.STATISTICS) / "web" / key
    downloads = DownloadCache(folder / ".downloads", key_chars=24, what="statistics copy")
    store = StatisticsStore(folder, label=base)
    cap = STATISTICS_MAX_MB * 1024 * 1024
    try:
        listed = downloads.get(None, base + MANIFEST, max_bytes=cap)
        if not _is_manifest(listed.path):
            # The address answers, but not with a statistics manifest (a web site that
            # answers every address with a page, say): no statistics beside this registry.
            return StatisticsStore(folder / ".none", label=base)
        # The kept files first, the manifest last: what it lists is in place.
        for file in manifest.read(listed.path):
            got = downloads.get(None, base + file.path, max_bytes=cap)
            _copy_if_changed(got.path, kept.inside(folder, file.path))
        _copy_if_changed(listed.path, kept.inside(folder, MANIFEST))
        return StatisticsStore(folder, label=base)
    except (FetchFailed, DownloadError) as exc:
        reason = str(getattr(exc, "reason", exc)).rstrip(".")
        if " 404" in reason and not store.exists():
            return store  # no statistics beside this registry: its own figures only
        if store.exists():
            warn(f"{reason}; using the statistics copied from {base} before.")
        else:
            warn(
                f"{reason}, so the official statistics beside the registry ({base}) cannot be "
                "read; only the figures in the registry file itself are used."
            )
        return store
    except CocwatchError as exc:
        warn(f"{exc.message} Only the figures in the registry file itself are used.")
        return StatisticsStore(folder / ".none", label=base)


def _copy_if_changed(downloaded: Path, target: Path) -> None:
    """Copy a downloaded kept file into the local copy of the folder, unless it is the same,
    byte for byte (a file republished at the same size is copied too)."""
    import filecmp

    from cocwatch.files import atomic_write, default_file_mode

    if target.is_file() and filecmp.cmp(downloaded, target, shallow=False):
        return
    atomic_write(target, downloaded.read_bytes(), what="statistics copy", mode=default_file_mode())


def _is_manifest(path: Path) -> bool:
    """Whether a downloaded file starts like a statistics manifest (its header row)."""
    from cocwatch.statistics.store import MANIFEST_COLUMNS

    try:
        with path.open(encoding="utf-8-sig", errors="replace") as f:
            header = f.readline()
    except OSError:
        return False
    return header.strip().split(",")[:3] == list(MANIFEST_COLUMNS[:3])


def comparison_context(
    store: StatisticsStore, trusts: Iterable[Trust], *, as_of: date
) -> OfficialContext:
    """What the assessment compares these Trusts' latest official figures with (SPEC §4.1):
    every known source's declaration, and the months of the Trusts' latest figures of each
    declared measure, read from the statistics folder (nothing to compare without one)."""
    from cocwatch.core.comparison import OfficialContext, official_context
    from cocwatch.statistics.sources import declared, official_source

    known = declared()
    # Only whole published files are compared with: a file of figures moved out of a registry
    # holds just the rows behind them, which is no population to rank or compare a Trust in.
    whole = [f for f in store.files() if not f.moved]
    if not whole:
        return OfficialContext(known)
    in_use = tuple(dict.fromkeys(official_source(f.source).name for f in whole))
    sources = [s for s in known.sources if s.name in in_use]
    months: set[tuple[OfficialMeasure, date]] = set()
    for source in sources:
        for measure in source.measures:
            for trust in trusts:
                dates = [
                    f.as_of
                    for f in trust.figures
                    if f.cohort == "all" and f.measure == measure.code
                    and f.source.kind == source.kind and f.as_of <= as_of
                ]  # fmt: skip
                if dates:
                    months.add((measure, max(dates)))
    found = store.observations(
        levels=("provider", "national", "region", "lms"),
        measures={m for s in sources for m in s.read_measures},
        groups={g for s in sources for m in s.measures for g in m.groups_compared},
        periods={month for _, month in months},
        whole_files_only=True,
    )
    latest = max((f.period_end for f in whole if f.period_end is not None), default=None)
    return official_context(
        known, (o for _, o in found), months, latest_month=latest, in_use=in_use
    )
