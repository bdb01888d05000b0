"""Downloads kept in the cache folder and refreshed with conditional GETs.

Each address gets two files under its folder: the body as the server sent it, and a
small JSON file with the ETag and Last-Modified that came with it, as the exact bytes the
server sent (and the body's size). The next GET of the same address sends them back (a value
that cannot be sent safely is dropped: `sources.fetch_policy`); a ``304 Not Modified`` answer
reuses the stored body without a download. Both files are written atomically, so a run that
is stopped half-way, or two runs at once, leave the old copy or the new one; a body whose size
does not match its record is fetched again. `stored` gives the last copy for use offline.
Downloads go through `sources.http.download` (size cap, whole-download deadline). Deleting the
folder at any time is safe: it only costs downloads. Imports httpx (lazily), cocwatch's file helpers
and `sources.http`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cocwatch.errors import ExternalError
from cocwatch.files import atomic_write
from cocwatch.sources.http import MAX_BYTES, DownloadError, describe_http_error, download

if TYPE_CHECKING:
    import httpx

Progress = Callable[[int, int | None], None]


class FetchFailed(ExternalError):
    """The server could not be reached, or answered without the body; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Fetched:
    """A stored body, and whether the server sent it now or confirmed the stored copy."""

    url: str
    path: Path
    downloaded: bool  # False: the server answered 304 and the stored copy was used

    def read(self) -> bytes:
        return self.path.read_bytes()


class DownloadCache:
    """Conditional GETs of addresses, their bodies kept in one folder.

    A body's file is named by the SHA-256 of its address (`key_chars` hex digits) and
    `suffix`; the record beside it ends in ``.json``.
    """

    def __init__(
        self,
        folder: Path,
        *,
        suffix: str = ".body",
        key_chars: int = 32,
        what: str = "download cache",
    ) -> None:
        self.folder = folder
        self.suffix = suffix
        self.key_chars = key_chars
        self.what = what  # names the files in a message when they cannot be written

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode()).hexdigest()[: self.key_chars]
        return self.folder / f"{key}{self.suffix}", self.folder / f"{key}.json"

    def body_path(self, url: str) -> Path:
        """Where the body of `url` is (or would be) kept."""
        return self._paths(url)[0]

    def stored(self, url: str) -> Path | None:
        """The copy of `url` kept from an earlier download, if there is one."""
        body_path = self.body_path(url)
        return body_path if body_path.is_file() else None

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
        http: httpx.Client | None,
        url: str,
        *,
        max_bytes: int = MAX_BYTES,
        progress: Progress | None = None,
    ) -> Fetched:
        """GET `url`, conditionally when a copy is stored.

        The shared `download` helper applies the size cap and the whole-download deadline
        (raising `DownloadError`); a network failure or an answer other than success raises
        `FetchFailed`; a copy that cannot be stored raises `ExternalError`.
        """
        import httpx

        from cocwatch.sources.fetch_policy import conditional_headers, validator

        body_path, meta_path = self._paths(url)
        held = self._validators(url)
        headers = (
            {} if held is None else conditional_headers(held.get("etag"), held.get("last_modified"))
        )
        try:
            got = download(url, http=http, headers=headers, max_bytes=max_bytes, progress=progress)
        except DownloadError:
            raise
        except httpx.HTTPError as exc:
            raise FetchFailed(describe_http_error(url, exc)) from None
        if got.status_code == 304 and held is not None:
            with contextlib.suppress(OSError):
                os.utime(body_path)  # its age is the time the server last confirmed it
            return Fetched(url, body_path, downloaded=False)
        if not 200 <= got.status_code < 300:
            raise FetchFailed(f"{url} answered {got.status_code} {got.reason_phrase}".rstrip())
        meta = {
            "url": url,
            "etag": validator(got.headers, "ETag") or "",
            "last_modified": validator(got.headers, "Last-Modified") or "",
            "size": len(got.body),
        }
        # The body first: validators that describe a body not yet stored are never sent.
        atomic_write(body_path, got.body, what=self.what)
        atomic_write(meta_path, json.dumps(meta).encode(), what=self.what)
        return Fetched(url, body_path, downloaded=True)
