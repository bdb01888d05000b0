"""Downloads kept in the cache folder and refreshed with conditional GETs.

Each address gets two files under the cache folder: the body as the server sent it, and a
small JSON file with the ETag and Last-Modified that came with it (and the body's size). The
next GET of the same address sends them back; a ``304 Not Modified`` answer reuses the stored
body without a download. Both files are written atomically, so a run that is stopped
half-way, or two runs at once, leave the old copy or the new one; a body whose size does not
match its record is fetched again. Downloads go through `sources.http.download` (size cap,
whole-download deadline). Deleting the folder at any time is safe: it only costs downloads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cocwatch.errors import ExternalError
from cocwatch.files import atomic_write
from cocwatch.sources.http import MAX_BYTES, describe_http_error, download

if TYPE_CHECKING:
    import httpx

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True, slots=True)
class Fetched:
    """A stored body, and whether the server sent it now or confirmed the stored copy."""

    url: str
    path: Path
    downloaded: bool  # False: the server answered 304 and the stored copy was used

    def read(self) -> bytes:
        return self.path.read_bytes()


class DownloadCache:
    """Conditional GETs of addresses, their bodies kept in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()[:32]
        return self.folder / f"{key}.body", self.folder / f"{key}.json"

    def _validators(self, url: str) -> dict[str, str] | None:
        """The stored ETag and Last-Modified of `url`, when a whole copy is stored."""
        body_path, meta_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            size = body_path.stat().st_size
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("url") != url or meta.get("size") != size:
            return None
        return {k: str(v) for k, v in meta.items()}

    def get(
        self,
        http: httpx.Client,
        url: str,
        *,
        max_bytes: int = MAX_BYTES,
        progress: Progress | None = None,
    ) -> Fetched:
        """GET `url`, conditionally when a copy is stored; raise ExternalError on failure.

        The shared `download` helper applies the size cap and the whole-download deadline.
        """
        import httpx

        body_path, meta_path = self._paths(url)
        held = self._validators(url)
        headers: dict[str, str] = {}
        if held is not None:
            if etag := held.get("etag"):
                headers["If-None-Match"] = etag
            if modified := held.get("last_modified"):
                headers["If-Modified-Since"] = modified
        try:
            got = download(url, http=http, headers=headers, max_bytes=max_bytes, progress=progress)
        except httpx.HTTPError as exc:
            raise ExternalError(describe_http_error(url, exc)) from None
        if got.status_code == 304 and held is not None:
            return Fetched(url, body_path, downloaded=False)
        if not 200 <= got.status_code < 300:
            raise ExternalError(f"{url} answered {got.status_code} {got.reason_phrase}")
        meta = {
            "url": url,
            "etag": got.headers.get("ETag", ""),
            "last_modified": got.headers.get("Last-Modified", ""),
            "size": len(got.body),
        }
        # The body first: validators that describe a body not yet stored are never sent.
        atomic_write(body_path, got.body, what="download cache")
        atomic_write(meta_path, json.dumps(meta).encode(), what="download cache")
        return Fetched(url, body_path, downloaded=True)
