"""Shared httpx settings and a size-capped download into memory."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cocwatch import __version__
from cocwatch.errors import ExternalError

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"cocwatch/{__version__} (+https://pypi.org/project/cocwatch/)"
TIMEOUT_SECONDS = 30.0
MAX_BYTES = 50 * 1024 * 1024


def client(*, timeout: float = TIMEOUT_SECONDS) -> httpx.Client:
    """An httpx client with cocwatch's defaults: TLS verified, redirects followed, a timeout."""
    import httpx

    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT},
    )


def describe_http_error(url: str, exc: Exception) -> str:
    """One sentence on what went wrong fetching `url`, for a person."""
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return f"{url} did not answer in time"
    if isinstance(exc, httpx.HTTPStatusError):
        code = exc.response.status_code
        return f"{url} answered {code} {exc.response.reason_phrase}"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect to {url} (check the address and your internet connection)"
    return f"fetching {url} failed ({type(exc).__name__}: {exc})"


def read_capped(response: httpx.Response, url: str, *, max_bytes: int = MAX_BYTES) -> bytes:
    """Read a streamed response body, refusing anything larger than `max_bytes`."""
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ExternalError(
            f"{url} is {int(declared) // 1024 // 1024} MB, more than the limit of "
            f"{max_bytes // 1024 // 1024} MB; download it yourself and pass the file instead."
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise ExternalError(
                f"{url} is larger than the limit of {max_bytes // 1024 // 1024} MB; "
                "download it yourself and pass the file instead."
            )
        chunks.append(chunk)
    return b"".join(chunks)
