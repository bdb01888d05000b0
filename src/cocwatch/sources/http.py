"""Shared httpx settings and `download`: one size-capped GET with a whole-download deadline.

Every download cocwatch makes (a registry given as a URL, an MSDS file) goes through
`download`, so each has the same limits: `timeout` for connecting and for each read, `max_bytes`
for the body, and a `deadline` for the whole transfer, so that a server trickling one byte a
second cannot hold a cron job for ever. The deadline defaults to `DEADLINE_SECONDS` and can be
raised with the environment variable ``COCWATCH_DOWNLOAD_DEADLINE`` (seconds).
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cocwatch import __version__
from cocwatch.errors import ExternalError, UsageError

if TYPE_CHECKING:
    import httpx

USER_AGENT = f"cocwatch/{__version__} (+https://pypi.org/project/cocwatch/)"
TIMEOUT_SECONDS = 30.0
MAX_BYTES = 50 * 1024 * 1024
DEADLINE_SECONDS = 300.0
ENV_DEADLINE = "COCWATCH_DOWNLOAD_DEADLINE"
MSDS_MAX_MB = 200  # a month's whole MSDS measures file is tens of MB; local files too

Progress = Callable[[int, int | None], None]


MAX_TIMEOUT_SECONDS = 3600.0


def check_seconds(value: float, option: str = "--timeout") -> float:
    """`value` if it is a usable number of seconds (above 0, at most an hour), else a usage
    error naming `option`: -1, nan and 1e309 would each fail deep inside the HTTP library."""
    if not (isinstance(value, int | float) and math.isfinite(value)) or not (
        0 < value <= MAX_TIMEOUT_SECONDS
    ):
        raise UsageError(
            f"{option} must be a number of seconds above 0 and at most "
            f"{MAX_TIMEOUT_SECONDS:g} (found {value!r}), such as 30."
        )
    return float(value)


def check_web_address(url: str, what: str = "The address", *, usage: bool = True) -> str:
    """`url` if it is an http(s) address with a host, else an error in words (a usage error
    for an option, bad input for an address read from a file)."""
    import httpx

    problem = ""
    try:
        parsed = httpx.URL(url)
        if parsed.scheme not in ("http", "https"):
            problem = "it does not start with http:// or https://"
        elif not parsed.host:
            problem = "it names no web server"
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        problem = f"it is not a valid web address ({exc})"
    if problem:
        from cocwatch.errors import InputError

        error = UsageError if usage else InputError
        raise error(
            f"{what} {url!r} cannot be used: {problem}. Check it for a missing bracket, "
            "port or typing mistake; copy it from the browser's address bar."
        )
    return url


def client(*, timeout: float = TIMEOUT_SECONDS) -> httpx.Client:
    """An httpx client with cocwatch's defaults: TLS verified, redirects followed, a timeout."""
    import httpx

    timeout = check_seconds(timeout)

    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT},
    )


def download_deadline() -> float:
    """Seconds a whole download may take: ``COCWATCH_DOWNLOAD_DEADLINE``, else the default."""
    value = os.environ.get(ENV_DEADLINE, "").strip()
    if not value:
        return DEADLINE_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = float("nan")
    if not seconds > 0 or seconds == float("inf"):
        raise UsageError(
            f"{ENV_DEADLINE} is set to {value!r}; it must be a number of seconds above 0, "
            f"such as 600. Unset it to use the default of {DEADLINE_SECONDS:g} s."
        )
    return seconds


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


class DownloadError(ExternalError):
    """A download stopped by one of its limits; `reason` is one clause for a longer sentence."""

    def __init__(self, reason: str, advice: str) -> None:
        super().__init__(f"{reason}. {advice}")
        self.reason = reason


class DownloadTooLarge(DownloadError):
    """The body is larger than the download's size cap."""

    def __init__(self, url: str, cap: int, size: int | None = None) -> None:
        said = f" ({_megabytes(size)})" if size is not None else ""
        super().__init__(
            f"{url} is larger than the limit of {_megabytes(cap)}{said}",
            "Check the address, or download the file yourself and pass its path instead.",
        )


class DownloadTooSlow(DownloadError):
    """The download did not finish within its deadline."""

    def __init__(self, url: str, seconds: float) -> None:
        super().__init__(
            f"{url} was still downloading after {seconds:g} s",
            "The server may be overloaded: try again later, raise the limit with "
            f"{ENV_DEADLINE}=SECONDS, or download the file yourself and pass its path.",
        )


@dataclass(frozen=True, slots=True)
class Downloaded:
    """The outcome of one GET: its status, headers and (for a 2xx answer) its body."""

    url: str
    status_code: int
    reason_phrase: str
    headers: Mapping[str, str]
    body: bytes


def download(
    url: str,
    *,
    http: httpx.Client | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT_SECONDS,
    deadline: float | None = None,
    max_bytes: int = MAX_BYTES,
    progress: Progress | None = None,
) -> Downloaded:
    """GET `url` within `deadline` seconds in all, reading at most `max_bytes` of body.

    The body is read only for a 2xx answer. Network failures raise `httpx.HTTPError` (callers
    word them for their own context); the size cap raises `DownloadTooLarge` and the deadline
    `DownloadTooSlow`, both `ExternalError` (exit 4). The transfer runs in a worker thread so
    that the deadline holds even while a read is blocked; a late worker is told to stop and,
    being a daemon, never keeps the process alive.
    """
    check_web_address(url, usage=False)
    check_seconds(timeout)
    seconds = download_deadline() if deadline is None else deadline
    stop = threading.Event()
    outcome: list[Downloaded | BaseException] = []

    def work() -> None:
        try:
            outcome.append(_get(url, http, headers, timeout, max_bytes, progress, stop))
        except BaseException as exc:  # handed to the waiting thread, which raises it
            outcome.append(exc)

    worker = threading.Thread(target=work, name="cocwatch-download", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive() or not outcome:
        stop.set()
        raise DownloadTooSlow(url, seconds)
    result = outcome[0]
    if isinstance(result, BaseException):
        raise result
    return result


def _get(
    url: str,
    http: httpx.Client | None,
    headers: Mapping[str, str] | None,
    timeout: float,
    max_bytes: int,
    progress: Progress | None,
    stop: threading.Event,
) -> Downloaded:
    owned = http is None
    http = http or client(timeout=timeout)
    try:
        with http.stream("GET", url, headers=dict(headers or {})) as response:
            body = b""
            if 200 <= response.status_code < 300:
                body = read_capped(response, url, max_bytes=max_bytes, progress=progress, stop=stop)
            return Downloaded(
                url,
                response.status_code,
                response.reason_phrase,
                response.headers,
                body,
            )
    finally:
        if owned:
            http.close()


def read_capped(
    response: httpx.Response,
    url: str,
    *,
    max_bytes: int = MAX_BYTES,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> bytes:
    """Read a streamed response body, refusing anything larger than `max_bytes`."""
    declared = response.headers.get("Content-Length", "")
    total = int(declared) if declared.isdigit() else None
    if total is not None and total > max_bytes:
        raise DownloadTooLarge(url, max_bytes, total)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        if stop is not None and stop.is_set():
            raise DownloadTooSlow(url, 0)  # nobody is waiting for this any more
        size += len(chunk)
        if size > max_bytes:
            raise DownloadTooLarge(url, max_bytes)
        chunks.append(chunk)
        if progress is not None:
            progress(size, total)
    return b"".join(chunks)


def _megabytes(count: int) -> str:
    return f"{count / 1024 / 1024:.0f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} kB"
