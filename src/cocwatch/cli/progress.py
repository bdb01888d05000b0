"""Download progress bars on stderr (rich), shown only on a terminal.

May import the standard library; rich inside `download_bars`, when bars are shown.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID


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
