"""A registry given as an http(s) URL: fetched, cached, and used offline when it must be.

The cache keeps the last good copy with its ETag and Last-Modified, so a second run sends
a conditional GET. When the network fails, the cached copy is used with a warning naming
its age; with no cached copy the command fails with exit code 4. `load_registry` opens a URL
through `fetch_cached`. Imports httpx (lazily) and cocwatch's download and file helpers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cocwatch.errors import ExternalError
from cocwatch.files import atomic_write
from cocwatch.locations import cache_dir
from cocwatch.registry.reading import max_file_bytes
from cocwatch.sources.http import DownloadError, describe_http_error, download

if TYPE_CHECKING:
    import httpx


def _cache_paths(url: str) -> tuple[Path, Path]:
    key = hashlib.sha256(url.encode()).hexdigest()[:24]
    folder = cache_dir() / "registries"
    return folder / f"{key}.yaml", folder / f"{key}.json"


def fetch_cached(
    url: str,
    *,
    warn: Callable[[str], None],
    http: httpx.Client | None = None,
    max_bytes: int | None = None,
) -> Path:
    """Return a local copy of `url`, refreshed with a conditional GET when possible."""
    import httpx

    body_path, meta_path = _cache_paths(url)
    meta: dict[str, str] = {}
    if body_path.exists() and meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
        except (OSError, ValueError):
            meta = {}
    headers = {}
    if body_path.exists():
        if etag := meta.get("etag"):
            headers["If-None-Match"] = etag
        if modified := meta.get("last_modified"):
            headers["If-Modified-Since"] = modified
    try:
        cap = max_file_bytes() if max_bytes is None else max_bytes
        response = download(url, http=http, headers=headers, max_bytes=cap)
        if response.status_code == 304 and body_path.exists():
            _touch(body_path)
            return body_path
        if not 200 <= response.status_code < 300:
            raise ExternalError(
                f"{url} answered {response.status_code} {response.reason_phrase}".rstrip()
            )
    except (httpx.HTTPError, ExternalError) as exc:
        reason = describe_http_error(url, exc) if isinstance(exc, httpx.HTTPError) else str(exc)
        reason = exc.reason if isinstance(exc, DownloadError) else reason.rstrip(".")
        if body_path.exists():
            warn(f"{reason}; using the copy downloaded {_age(body_path)}.")
            return body_path
        raise ExternalError(
            f"Cannot fetch the registry: {reason}, and there is no cached copy. "
            "Check the address and your connection, or use a local file with --registry."
        ) from None
    body = response.body
    new_meta = {
        "url": url,
        "etag": response.headers.get("etag", ""),
        "last_modified": response.headers.get("last-modified", ""),
    }
    atomic_write(body_path, body, what="cached registry")
    atomic_write(meta_path, json.dumps(new_meta).encode(), what="cache file")
    return body_path


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(path)


def _age(path: Path) -> str:
    seconds = max(0.0, time.time() - path.stat().st_mtime)
    if seconds < 3600:
        return f"{int(seconds // 60)} minutes ago"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} hours ago"
    return f"{int(seconds // 86400)} days ago"
