"""Downloads kept in the cache folder and refreshed with conditional GETs.

Each address gets two files under ``<cache dir>/<folder>/``: the body, gzip-compressed (a
month's measures CSV shrinks about tenfold, which matters for a backfill of many months), and
a small JSON file with the ETag and Last-Modified the server sent. The next GET of the same
address sends them back; a ``304 Not Modified`` answer reuses the stored body without a
download. Both files are written atomically, so a run that is stopped half-way, or two runs at
once, leave either the old copy or the new one.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cocwatch.errors import ExternalError
from cocwatch.files import atomic_write
from cocwatch.sources.http import MAX_BYTES, describe_http_error, read_capped

if TYPE_CHECKING:
    import httpx

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True, slots=True)
class Fetched:
    """A body, and whether the server sent it now or confirmed the cached copy."""

    url: str
    body: bytes
    downloaded: bool  # False: the server answered 304 and the cached copy was used


class DownloadCache:
    """Conditional GETs of addresses, their bodies kept in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()[:32]
        return self.folder / f"{key}.gz", self.folder / f"{key}.json"

    def cached(self, url: str) -> tuple[bytes, dict[str, str]] | None:
        """The stored body and validators of `url`, or None (an unreadable copy is none)."""
        body_path, meta_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            body = gzip.decompress(body_path.read_bytes())
        except (OSError, ValueError, EOFError, zlib.error):
            return None
        if not isinstance(meta, dict) or meta.get("url") != url:
            return None
        return body, {k: str(v) for k, v in meta.items()}

    def get(
        self,
        http: httpx.Client,
        url: str,
        *,
        max_bytes: int = MAX_BYTES,
        progress: Progress | None = None,
    ) -> Fetched:
        """GET `url`, conditionally when a copy is stored; raise ExternalError on failure."""
        import httpx

        held = self.cached(url)
        headers: dict[str, str] = {}
        if held is not None:
            if etag := held[1].get("etag"):
                headers["If-None-Match"] = etag
            if modified := held[1].get("last_modified"):
                headers["If-Modified-Since"] = modified
        try:
            with http.stream("GET", url, headers=headers) as response:
                if response.status_code == 304 and held is not None:
                    return Fetched(url, held[0], downloaded=False)
                response.raise_for_status()
                body = _read(response, url, max_bytes=max_bytes, progress=progress)
                meta = {
                    "url": url,
                    "etag": response.headers.get("ETag", ""),
                    "last_modified": response.headers.get("Last-Modified", ""),
                }
        except httpx.HTTPError as exc:
            raise ExternalError(describe_http_error(url, exc)) from None
        if meta["etag"] or meta["last_modified"]:
            self._store(url, body, meta)
        return Fetched(url, body, downloaded=True)

    def _store(self, url: str, body: bytes, meta: dict[str, str]) -> None:
        body_path, meta_path = self._paths(url)
        # Body first: a copy whose validators are missing is simply fetched again.
        atomic_write(body_path, gzip.compress(body, compresslevel=6, mtime=0), what="download")
        atomic_write(meta_path, json.dumps(meta).encode(), what="cache file")


def _read(
    response: httpx.Response, url: str, *, max_bytes: int, progress: Progress | None
) -> bytes:
    """Read a streamed body under the size cap, telling `progress` as bytes arrive."""
    if progress is None:
        return read_capped(response, url, max_bytes=max_bytes)
    declared = response.headers.get("Content-Length", "")
    total = int(declared) if declared.isdigit() else None
    if total is not None and total > max_bytes:
        return read_capped(response, url, max_bytes=max_bytes)  # refuses with its message
    parts: list[bytes] = []
    done = 0
    for chunk in response.iter_bytes():
        done += len(chunk)
        if done > max_bytes:
            raise ExternalError(
                f"{url} is larger than the limit of {max_bytes // 1024 // 1024} MB, so it was "
                "not downloaded."
            )
        parts.append(chunk)
        progress(done, total)
    return b"".join(parts)
