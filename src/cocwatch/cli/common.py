"""Helpers shared by the commands: their shared options, loading, naming Trusts, dates, and
`emit`, the one way a command writes its output to stdout.

Options that several commands take are declared once here as `Annotated` types (`FORMAT`,
`AS_OF`, `REGION`, `REGISTRY`, `DRY_RUN`); a command writes ``fmt: FORMAT = DEFAULT_FORMAT``.

May import: Typer, `cocwatch.cli.app`, `errors`, `locations`, `render.formats` (light, for the
--format choices); everything else inside the functions that need it, so --help stays quick.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cocwatch.cli.app import State
from cocwatch.errors import ExternalError, UsageError
from cocwatch.locations import Located, resolve_config, resolve_registry
from cocwatch.render.formats import FORMATS, formats_help

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.progress import Progress, TaskID

    from cocwatch.core.comparison import OfficialContext
    from cocwatch.core.correspondence import TrackedLetter
    from cocwatch.core.models import Config, Registry, Trust
    from cocwatch.registry import LoadedRegistry
    from cocwatch.store import StatisticsStore


# The choices of --format, one per renderer in `cocwatch.render.formats.FORMATS`.
OutputFormat = StrEnum("OutputFormat", [(name, name) for name in FORMATS])  # type: ignore[misc]
DEFAULT_FORMAT = OutputFormat("table")

FORMAT = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", case_sensitive=False, help=formats_help()),
]
AS_OF = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD", help="Assess as on this date (default today)."),
]
REGION = Annotated[
    str | None,
    typer.Option("--region", metavar="R", help="Only Trusts whose region contains R."),
]
REGISTRY = Annotated[
    str | None,
    typer.Option(
        "--registry",
        "-r",
        metavar="PATH",
        help="The registry file to change (default: the global --registry, $COCWATCH_REGISTRY, "
        "the config file, then the shipped registry).",
    ),
]
DRY_RUN = Annotated[
    bool, typer.Option("--dry-run", "-n", help="Show the change as a diff; write nothing.")
]


def seconds_option(value: float) -> float:
    """Typer callback for an option in seconds (--timeout): above 0, finite, at most an hour."""
    from cocwatch.sources.http import check_seconds

    try:
        return check_seconds(value)
    except UsageError as exc:
        raise typer.BadParameter(exc.message) from None


def web_address_option(value: str | None) -> str | None:
    """Typer callback for an option that is a web address (--index): http(s), with a host."""
    if value is None:
        return None
    from cocwatch.sources.http import check_web_address

    try:
        return check_web_address(value, "The address")
    except UsageError as exc:
        raise typer.BadParameter(exc.message) from None


def one_line_option(value: str | None) -> str | None:
    """Typer callback for an option that is one line of text (a reference, a summary): no
    line break, control character (an escape sequence) or direction mark, which would reach
    a terminal or a letter as they are."""
    if value is None:
        return None
    from cocwatch.core.models import ONE_LINE_PATTERN

    if not re.match(ONE_LINE_PATTERN, value):
        raise typer.BadParameter(
            "must be one line of plain text: remove the line break, control character "
            "(such as an escape sequence) or direction mark."
        )
    return value


# Dates a command accepts: wide enough for any campaign, far enough from date.min and
# date.max that reply-by dates, chart axes and holiday calendars cannot overflow.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2999, 12, 31)


def today() -> date:
    """Today's date; COCWATCH_TODAY (YYYY-MM-DD) pins it, for tests and reproducible runs."""
    pinned = os.environ.get("COCWATCH_TODAY")
    if pinned:
        try:
            day = date.fromisoformat(pinned)
        except ValueError:
            raise UsageError(
                f"COCWATCH_TODAY is set to {pinned!r}, which is not a date; use YYYY-MM-DD."
            ) from None
        return _in_range(day, "COCWATCH_TODAY")
    return date.today()


def parse_date(value: str | None, option: str) -> date | None:
    """Parse an ISO date given on the command line."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{option} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2026-03-31."
        ) from None
    return _in_range(day, option)


def _in_range(day: date, option: str) -> date:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise UsageError(
            f"{option} {day.isoformat()} is outside the dates cocwatch works with "
            f"({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}); check the year."
        )
    return day


def parse_percent(value: str | None, option: str) -> float | None:
    """Parse a percentage as people write it: 17.2, 17.2% or 17.2 %."""
    if value is None:
        return None
    try:
        return float(value.strip().removesuffix("%").strip())
    except ValueError:
        raise UsageError(
            f"{option} {value!r} is not a percentage: write a number such as 17.2 (or 17.2%)."
        ) from None


class Session:
    """What a command needs from the global options, loaded lazily and once."""

    def __init__(self, state: State) -> None:
        self.state = state

    @cached_property
    def config_location(self) -> Located | None:
        return resolve_config(self.state.config_option)

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
        return resolve_registry(self.state.registry_option, self.config.registry)

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
        from cocwatch.registry.official import open_statistics

        return open_statistics(self.statistics_location.value, warn=self.warn)

    @property
    def curated(self) -> Registry:
        """The registry file as people wrote it, without the statistics folder's figures."""
        return self.loaded.registry

    def loaded_at(self, option: str | None) -> LoadedRegistry:
        """The registry a command's own ``--registry`` names (else the session's), as written."""
        if not option:
            return self.loaded
        from cocwatch.registry import load_registry

        return load_registry(option, today=today(), warn=self.warn)

    @cached_property
    def registry(self) -> Registry:
        """The registry with every Trust's official figures from the statistics folder."""
        from cocwatch.collector import long_lived
        from cocwatch.registry.official import with_statistics

        curated, store = self.curated, self.statistics
        with long_lived():
            return with_statistics(curated, store)

    def registry_for(self, trust_ids: Collection[str]) -> Registry:
        """The registry with official figures for these Trusts (and England) only: quicker
        for a command about one Trust."""
        from cocwatch.collector import long_lived
        from cocwatch.registry.official import with_statistics

        if "registry" in self.__dict__:
            return self.registry
        curated, store = self.curated, self.statistics
        with long_lived():
            return with_statistics(curated, store, only=trust_ids)

    def comparisons(self, trusts: Iterable[Trust], as_of: date) -> OfficialContext | None:
        """What these Trusts' official figures are compared with (England, regions, peers)."""
        from cocwatch.registry.official import comparison_context

        return comparison_context(self.statistics, trusts, as_of=as_of)

    def correspondence_location(self, option: str | None = None) -> Located:
        """The correspondence log: --log, $COCWATCH_CORRESPONDENCE, config, beside the registry."""
        from cocwatch.locations import resolve_correspondence

        return resolve_correspondence(option, self.config.correspondence, self.registry_location)

    def tracked_letters(self, as_of: date, option: str | None = None) -> list[TrackedLetter]:
        """Every letter in the correspondence log sent by `as_of`, and where it stands."""
        from pathlib import Path

        path = Path(self.correspondence_location(option).value).expanduser()
        if not path.is_file():
            return []  # no log yet: nothing to load (and no holidays to compute)
        from cocwatch.core.correspondence import letter_states
        from cocwatch.registry.correspondence import load_log, reply_rules

        loaded = load_log(path, trust_ids=[t.id for t in self.registry.trusts])
        if not loaded.log.letters:
            return []
        rules = reply_rules(
            loaded.log, as_of=as_of, other_working_days=self.config.reply_working_days
        )
        return letter_states(loaded.log, as_of=as_of, rules=rules)

    def open_letters(self, as_of: date) -> dict[str, tuple[TrackedLetter, ...]]:
        """Each Trust's letters awaiting a reply, by Trust id (for the assessment)."""
        from cocwatch.core.correspondence import open_by_trust

        return open_by_trust(self.tracked_letters(as_of))

    def warn(self, message: str) -> None:
        """Print a warning to stderr (even with --quiet: warnings matter)."""
        typer.echo(f"Warning: {message}", err=True)

    def info(self, message: str) -> None:
        """Print a progress note to stderr unless --quiet."""
        if not self.state.quiet:
            typer.echo(message, err=True)


def writable_registry(s: Session, option: str | None = None, *, dry_run: bool = False) -> Path:
    """The local registry file a command may change: never a URL, never the shipped copy.

    `option` is the command's own ``--registry`` value, if it has one. The registry shipped
    inside the installed package is read-only (a reinstall would replace it and lose the
    change), so writing it is refused, naming `cocwatch init`; a dry run may still read it.
    """
    from cocwatch.locations import default_registry_copy_path, is_shipped, is_url

    location = Located(option, "option") if option else s.registry_location
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


def writable_statistics(
    s: Session, option: str | None = None, *, dry_run: bool = False
) -> StatisticsStore:
    """The statistics folder an import may write: beside a registry of one's own (or the
    config's `statistics:`), never inside the installed package or on the web."""
    from cocwatch.locations import resolve_statistics
    from cocwatch.store import StatisticsStore

    path = writable_registry(s, option, dry_run=dry_run)
    origin = s.registry_location.origin if not option else "option"
    located = resolve_statistics(s.config.statistics, Located(str(path), origin))
    return StatisticsStore(Path(located.value).expanduser())


def session(ctx: typer.Context) -> Session:
    """Return the command's session (global options, config and registry)."""
    state = ctx.find_object(State)
    if state is None:  # invoked without the group callback, e.g. in a unit test
        state = State(registry=None, config=None, quiet=False, debug=False)
    return Session(state)


class DownloadBars:
    """Progress bars on stderr, one per download, keyed by the caller (e.g. the file's URL)."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def update(self, key: str, done: int, total: int | None, *, description: str) -> None:
        """Show `done` of `total` bytes (total None: not known) on the bar for `key`."""
        task = self._tasks.get(key)
        if task is None:
            task = self._tasks[key] = self._progress.add_task(description, total=total)
        self._progress.update(task, completed=done, total=total)

    def one(self, description: str) -> Callable[[int, int | None], None]:
        """The update function of a single download's bar."""
        return lambda done, total: self.update(description, done, total, description=description)


@contextmanager
def download_bars(*, enabled: bool) -> Iterator[DownloadBars | None]:
    """Download progress bars on stderr while the block runs (None when not `enabled`).

    Pass ``enabled=stderr_is_terminal() and not quiet``: cron and pipes get no bars.
    """
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        yield DownloadBars(progress)


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def find_trust(registry: Registry, name: str) -> Trust:
    """Find a Trust by id, ODS code (any case) or words of its name (see `trust_names`)."""
    from cocwatch.core.trust_names import match_trust

    matches = match_trust(registry.trusts, name)
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        listed = "; ".join(f"{t.id} ({t.name})" for t in matches[:8])
        more = f" and {len(matches) - 8} more" if len(matches) > 8 else ""
        raise UsageError(
            f"'{name}' matches {len(matches)} trusts: {listed}{more}. "
            "Name one by its id or ODS code, or by more words of its name in quotes."
        )
    raise UsageError(f"No trust is called '{name}'. {_suggest(registry, name.strip().lower())}")


def find_trusts(registry: Registry, names: list[str]) -> list[Trust]:
    """Find each named Trust; words that only make sense together are read as one name.

    The shell splits `letter board st thomas` into "st" and "thomas": where a word alone
    names no single Trust, it is tried with the words after it as one name.
    """
    from cocwatch.core.trust_names import match_trust

    found: list[Trust] = []
    start = 0
    while start < len(names):
        end = start + 1
        if len(match_trust(registry.trusts, names[start])) != 1:
            for stop in range(len(names), start + 1, -1):
                if len(match_trust(registry.trusts, " ".join(names[start:stop]))) == 1:
                    end = stop
                    break
        name = " ".join(names[start:end])
        try:
            found.append(find_trust(registry, name))
        except UsageError as error:
            if end == start + 1 and len(names) > 1:
                raise UsageError(
                    f"{error.message} If '{' '.join(names)}' is one name, put it in quotes: "
                    f'"{" ".join(names)}".'
                ) from None
            raise
        start = end
    return found


def _suggest(registry: Registry, wanted: str) -> str:
    keys: dict[str, Trust] = {}
    for trust in registry.trusts:
        keys[trust.id] = trust
        keys[trust.ods.lower()] = trust
        keys[trust.name.lower()] = trust
        for word in trust.name.lower().split():
            if len(word) > 3:
                keys.setdefault(word, trust)
    close = difflib.get_close_matches(wanted, list(keys), n=8, cutoff=0.6)
    seen: list[Trust] = []
    for key in close:
        if keys[key] not in seen:
            seen.append(keys[key])
    if not seen:
        return "Run `cocwatch trusts` to list them, or `cocwatch trusts WORD` to search."
    listed = "; ".join(f"{t.id} ({t.name})" for t in seen[:5])
    return f"Did you mean: {listed}?"


def select_trusts(
    registry: Registry,
    names: list[str] | None,
    *,
    all_trusts: bool,
    region: str | None,
    as_of: date,
    filtered: bool = False,
) -> list[Trust]:
    """The Trusts a command works on: those named, or all open ones (optionally by region).

    `filtered` says another filter (such as `letter --status`) was given: with no Trust
    named, it means every open Trust that matches it, as `--region` does.
    """
    if names:
        chosen = find_trusts(registry, names)
        unique = list({t.id: t for t in chosen}.values())
        if region:
            unique = [t for t in unique if _region_matches(t, region)]
        return unique
    if not all_trusts and not region and not filtered:
        raise UsageError("Name one or more trusts, or use --all (or a filter such as --region R).")
    trusts = [t for t in registry.trusts if t.is_open(as_of)]
    if region:
        trusts = [t for t in trusts if _region_matches(t, region)]
        if not trusts:
            regions = sorted({t.region for t in registry.trusts})
            raise UsageError(
                f"No open trust is in region '{region}'. Regions: {', '.join(regions)}."
            )
    return trusts


def _region_matches(trust: Trust, region: str) -> bool:
    return region.strip().lower() in trust.region.lower()


def emit(output: str | bytes | RenderableType) -> None:
    """Write a command's output to stdout: text as is, bytes as they are, a renderable drawn.

    The one way the commands print. Text gets a final newline if it lacks one; a renderable
    is drawn at the terminal's width (or $COLUMNS), in colour only on a terminal and never
    with NO_COLOR, and with no rich markup or emoji codes read in it (registry text is
    shown as written).
    """
    with writing_stdout():
        if isinstance(output, bytes):
            sys.stdout.buffer.write(output)
            return
        if isinstance(output, str):
            sys.stdout.write(output if output.endswith("\n") or not output else output + "\n")
            return
        from rich.console import Console

        plain = bool(os.environ.get("NO_COLOR"))
        console = Console(
            highlight=False,
            soft_wrap=False,
            emoji=False,
            markup=False,
            color_system=None if plain else "auto",
        )
        console.print(output, crop=False)  # a word wider than the terminal is kept whole


@contextmanager
def writing_stdout() -> Iterator[None]:
    """Write to standard output in this block; a closed or failing one is exit 4, not lost.

    Output that was asked for and cannot be delivered is a failure: a full disk behind
    ``> file`` or a closed stdout (``>&-``) exits 4 with a message on stderr instead of
    exiting 0 with nothing written (or 70). A reader that went away (``| head``) is not
    told about it: that exit is 4 too, but silent.
    """
    if sys.stdout is None:
        raise ExternalError(
            "Standard output is closed, so the output has nowhere to go. Run the command "
            "without closing it (>&-), or send it to a file (> FILE) or to /dev/null."
        )
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        _discard_stdout()
        if isinstance(exc, BrokenPipeError):
            raise typer.Exit(int(ExternalError.exit_code)) from None
        raise ExternalError(
            f"Cannot write the output: {exc.strerror or exc}. If it goes to a file, check "
            "that the disk is not full and the file is writable, or send it elsewhere."
        ) from None


def _discard_stdout() -> None:
    """Point stdout at the null device, so the unwritten rest does not fail again at exit."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass  # not a real file (tests capture stdout): nothing is flushed at exit
