"""A registry given as an http(s) URL: fetched, cached, and used offline when it must be.

The download cache (`cocwatch.cache.downloads`, folder ``registries/``) keeps the last good
copy with its ETag and Last-Modified, so a second run sends a conditional GET. When the
network fails, the cached copy is used with a warning naming its age; with no cached copy the
command fails with exit code 4. `load_registry` opens a URL through `fetch_cached`. Imports
the cache package and cocwatch's download helpers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cocwatch import cache
from cocwatch.cache.downloads import DownloadCache, FetchFailed
from cocwatch.errors import ExternalError
from cocwatch.registry.reading import max_file_bytes
from cocwatch.sources.http import DownloadError

if TYPE_CHECKING:
    import httpx


def _cache() -> DownloadCache:
    """The download cache of registries (file names as cocwatch has always given them)."""
    return DownloadCache(
        cache.folder(cache.REGISTRIES), suffix=".yaml", key_chars=24, what="cached registry"
    )


def cached_copy_path(url: str) -> Path:
    """Where the last good copy of the registry at `url` is kept."""
    return _cache().body_path(url)


def fetch_cached(
    url: str,
    *,
    warn: Callable[[str], None],
    http: httpx.Client | None = None,
    max_bytes: int | None = None,
) -> Path:
    """Return a local copy of `url`, refreshed with a conditional GET when possible."""
    registries = _cache()
    cap = max_file_bytes() if max_bytes is None else max_bytes
    try:
        return registries.get(http, url, max_bytes=cap).path
    except (DownloadError, FetchFailed) as exc:
        reason = exc.reason if isinstance(exc, DownloadError) else exc.reason.rstrip(".")
        stored = registries.stored(url)
        if stored is not None:
            warn(f"{reason}; using the copy downloaded {_age(stored)}.")
            return stored
        raise ExternalError(
            f"Cannot fetch the registry: {reason}, and there is no cached copy. "
            "Check the address and your connection, or use a local file with --registry."
        ) from None


def _age(path: Path) -> str:
    seconds = max(0.0, time.time() - path.stat().st_mtime)
    if seconds < 3600:
        return f"{int(seconds // 60)} minutes ago"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} hours ago"
    return f"{int(seconds // 86400)} days ago"
