"""Everything cocwatch keeps in its cache folder, in one place.

The cache folder (``COCWATCH_CACHE_DIR``, else the user cache folder; `locations.cache_dir`)
holds copies that only save time or downloads, so deleting it at any time is safe:

- ``registries/``: the last good copy of each registry given as a URL, used offline
  (`cocwatch.cache.downloads`, through `cocwatch.registry.remote`);
- ``msds/``: NHS England's MSDS release pages and measures files (`cocwatch.cache.downloads`,
  for `import msds --latest/--month/--since`);
- ``statistics/``: an index of each statistics folder's kept files (`cocwatch.statistics.store`);
- ``help.txt``: the text of `cocwatch --help` (`cocwatch.launch`).

Every file is written atomically, so a run that is stopped half-way, or two runs at once,
leave the old copy or the new one. Imports the standard library and cocwatch's locations.
"""

from __future__ import annotations

from pathlib import Path

from cocwatch.locations import cache_dir

REGISTRIES = "registries"
MSDS = "msds"
STATISTICS = "statistics"


def folder(name: str) -> Path:
    """The cache folder `name` (`REGISTRIES`, `MSDS`, `STATISTICS`); may not exist."""
    return cache_dir() / name
