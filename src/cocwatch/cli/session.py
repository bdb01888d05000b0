"""What a command needs from the global options: the config, the registry, the statistics
folder and the correspondence log, each loaded lazily and once (`Session`), and the files a
command may change.

May import Typer, `cocwatch.cli.global_options`, `.dates`, `errors`, `locations` and
`core.safe_text`; everything else inside the methods that need it, so --help stays quick.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cocwatch.cli.dates import today
from cocwatch.cli.global_options import State
from cocwatch.core.safe_text import for_terminal
from cocwatch.errors import UsageError
from cocwatch.locations import Located, resolve_config, resolve_registry

if TYPE_CHECKING:
    from cocwatch.core.assessment import Assessment
    from cocwatch.core.comparison import OfficialContext
    from cocwatch.core.correspondence import TrackedLetter
    from cocwatch.core.models import Config, Icb, Registry, Trust
    from cocwatch.registry import LoadedRegistry
    from cocwatch.registry.correspondence import KnownBodies
    from cocwatch.statistics.store import StatisticsStore


class Session:
    """What a command needs from the global options, loaded lazily and once."""

    def __init__(self, state: State) -> None:
        self.state = state

    @cached_property
    def config_location(self) -> Located | None:
        return resolve_config(self.state.config)

    @cached_property
    def config(self) -> Config:
        from cocwatch.config import load_config, sender_warnings

        config = load_config(self.config_location)
        if self.config_location is not None:
            for warning in sender_warnings(config, self.config_location.value):
                self.warn(warning.rstrip("\n"))
        return config

    @cached_property
    def registry_location(self) -> Located:
        return resolve_registry(self.state.registry, self.config.registry)

    @cached_property
    def loaded(self) -> LoadedRegistry:
        from cocwatch.collector import long_lived
        from cocwatch.registry import load_registry

        location = self.registry_location.value
        with long_lived():  # the parsed registry lives as long as the command
            return load_registry(location, today=today(), warn=self.warn)

    @cached_property
    def statistics_location(self) -> Located:
        from cocwatch.locations import resolve_statistics

        return resolve_statistics(self.config.statistics, self.registry_location)

    @cached_property
    def statistics(self) -> StatisticsStore:
        """The statistics folder beside the registry (official figures as published)."""
        from cocwatch.statistics.merging import open_statistics

        return open_statistics(self.statistics_location.value, warn=self.warn)

    @property
    def curated(self) -> Registry:
        """The registry file as people wrote it, without the statistics folder's figures."""
        return self.loaded.registry

    @cached_property
    def registry(self) -> Registry:
        """The registry with every Trust's official figures from the statistics folder."""
        from cocwatch.collector import long_lived
        from cocwatch.statistics.merging import with_statistics

        curated, store = self.curated, self.statistics
        with long_lived():
            return with_statistics(curated, store)

    def registry_for(self, trust_ids: Collection[str]) -> Registry:
        """The registry with official figures for these Trusts (and England) only: quicker
        for a command about one Trust."""
        from cocwatch.collector import long_lived
        from cocwatch.statistics.merging import with_statistics

        if "registry" in self.__dict__:
            return self.registry
        curated, store = self.curated, self.statistics
        with long_lived():
            return with_statistics(curated, store, only=trust_ids)

    def lmns_bodies(self, icb: Icb, as_of: date) -> list[Trust]:
        """The ICB's LMNS as bodies to assess, with their own figures from the statistics
        folder (its predecessors' LMNSs for an ICB made after the latest figures)."""
        from cocwatch.statistics.merging import lmns_bodies

        return lmns_bodies(self.curated, self.statistics, icb, as_of=as_of)

    def comparisons(self, trusts: Iterable[Trust], as_of: date) -> OfficialContext | None:
        """What these Trusts' official figures are compared with (England, regions, peers)."""
        from cocwatch.statistics.merging import comparison_context

        return comparison_context(self.statistics, trusts, as_of=as_of)

    def web_address(self, key: str) -> str:
        """The base address of an online service (`cocwatch.core.web`: whatdotheyknow_url,
        statistics_url, postcodes_url, parliament_url) without a final slash: its environment
        variable, the config file, else its default."""
        from cocwatch.locations import resolve_web_address

        return resolve_web_address(key, self.config).value.strip().rstrip("/")

    def correspondence_location(self, option: str | None = None) -> Located:
        """The correspondence log: --log, $COCWATCH_CORRESPONDENCE, config, beside the registry."""
        from cocwatch.locations import resolve_correspondence

        return resolve_correspondence(option, self.config.correspondence, self.registry_location)

    def known_bodies(self) -> KnownBodies:
        """The bodies a logged letter may name (`load_log`'s keywords): the registry's Trust
        ids and ICB codes."""
        registry = self.registry
        return {
            "trust_ids": [t.id for t in registry.trusts],
            "icb_codes": [i.code for i in registry.icbs],
        }

    def tracked_letters(self, as_of: date, option: str | None = None) -> list[TrackedLetter]:
        """Every letter in the correspondence log sent by `as_of`, and where it stands."""
        from pathlib import Path

        path = Path(self.correspondence_location(option).value).expanduser()
        if not path.is_file():
            return []  # no log yet: nothing to load (and no holidays to compute)
        from cocwatch.core.correspondence import letter_states
        from cocwatch.registry.correspondence import load_log, reply_rules

        loaded = load_log(path, **self.known_bodies())
        if not loaded.log.letters:
            return []
        rules = reply_rules(
            loaded.log, as_of=as_of, other_working_days=self.config.reply_working_days
        )
        return letter_states(loaded.log, as_of=as_of, rules=rules)

    def assess(
        self,
        registry: Registry,
        trusts: Sequence[Trust],
        as_of: date,
        *,
        target_id: str | None = None,
    ) -> Assessment:
        """The one assessment `check` and `watch` make (SPEC §4, §4.1): the Trusts with the
        correspondence log's open letters and their official figures' comparisons."""
        from cocwatch.core.assessment import assess

        return assess(
            registry,
            list(trusts),
            as_of=as_of,
            thresholds=self.config.thresholds,
            target_id=target_id,
            letters=self.open_letters(as_of),
            official=self.comparisons(trusts, as_of),
        )

    def open_letters(self, as_of: date) -> dict[str, tuple[TrackedLetter, ...]]:
        """Each Trust's letters awaiting a reply, by Trust id (for the assessment)."""
        from cocwatch.core.correspondence import open_by_trust

        return open_by_trust(self.tracked_letters(as_of))

    def warn(self, message: str) -> None:
        """Print a warning to stderr (even with --quiet: warnings matter), neutralised."""
        typer.echo(f"Warning: {for_terminal(message)}", err=True)

    def info(self, message: str) -> None:
        """Print a progress note to stderr unless --quiet, neutralised."""
        if not self.state.quiet:
            typer.echo(for_terminal(message), err=True)


def writable_registry(s: Session, *, dry_run: bool = False) -> Path:
    """The local registry file a command may change: never a URL, never the shipped copy.

    The registry shipped inside the installed package is read-only (a reinstall would replace
    it and lose the change), so writing it is refused, naming `cocwatch init`; a dry run may
    still read it.
    """
    from cocwatch.locations import default_registry_copy_path, is_shipped, is_url

    location = s.registry_location
    if is_url(location.value):
        raise UsageError(
            f"The registry is the web address {location.value}, and cocwatch can only change "
            "a file on this computer. Download it, then pass the file with --registry PATH."
        )
    if is_shipped(location) and not dry_run:
        raise UsageError(
            f"cocwatch will not change the registry shipped inside the program "
            f"({location.value}): the next upgrade or reinstall would replace it, and your "
            "change with it. Make a registry of your own first: `cocwatch init` copies it to "
            f"{default_registry_copy_path()} and names it in your config file, so every later "
            "command uses it. Then run this command again (or name another file with -r PATH)."
        )
    return Path(location.value).expanduser()


def writable_statistics(s: Session, *, dry_run: bool = False) -> StatisticsStore:
    """The statistics folder an import may write: beside a registry of one's own (or the
    config's `statistics:`), never inside the installed package or on the web."""
    from cocwatch.locations import resolve_statistics
    from cocwatch.statistics.store import StatisticsStore

    path = writable_registry(s, dry_run=dry_run)
    beside = Located(str(path), s.registry_location.origin)
    located = resolve_statistics(s.config.statistics, beside)
    return StatisticsStore(Path(located.value).expanduser())


def session(ctx: typer.Context) -> Session:
    """Return the command's session (global options, config and registry)."""
    return Session(ctx.find_object(State) or State())  # none: invoked alone, in a unit test
