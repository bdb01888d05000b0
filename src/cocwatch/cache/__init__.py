"""Everything cocwatch keeps in its cache folder, in one place.

The cache folder (``COCWATCH_CACHE_DIR``, else the user cache folder; `locations.cache_dir`)
holds copies that only save time or downloads, so deleting it at any time is safe:

- ``registries/``: the last good copy of each registry given as a URL, used offline
  (`cocwatch.cache.downloads`, through `cocwatch.registry.remote`);
- ``<source>/`` (``msds/``, say): an official source's release pages and files
  (`cocwatch.cache.downloads`, for `import SOURCE --latest/--month/--since`);
- ``statistics/``: an index of each statistics folder's kept files (`cocwatch.statistics.store`);
- ``help.txt``: the text of `cocwatch --help` (`cocwatch.launch`).

Every file is written atomically, so a run that is stopped half-way, or two runs at once,
leave the old copy or the new one. Imports the standard library and cocwatch's locations.
"""

from __future__ import annotations

from pathlib import Path

from cocwatch.locations import cache_dir

REGISTRIES = "registries"
STATISTICS = "statistics"


def folder(name: str) -> Path:
    """The cache folder `name` (`REGISTRIES`, `STATISTICS`, a source's name); may not exist."""
    return cache_dir() / name
