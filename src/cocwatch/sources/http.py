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
import zlib
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cocwatch import __version__
from cocwatch.core.safe_text import for_terminal
from cocwatch.errors import UsageError
from cocwatch.sources.fetch_policy import (
    DownloadError as DownloadError,  # raised by the limits here too; importable from here
)
from cocwatch.sources.fetch_policy import (
    address_problem,
    async_redirect_hook,
    header_pairs,
    redirect_hook,
)

if TYPE_CHECKING:
    import httpx

# Who is asking, said plainly: a program, its version, what it is for and where to read
# about it (sites that serve a thin page to non-browsers can tell it is not a person).
USER_AGENT = (
    f"cocwatch/{__version__} (Continuity of Carer campaign tool; reads public NHS pages "
    "and statistics; +https://pypi.org/project/cocwatch/)"
)
ACCEPT_PAGES = "text/html,application/xhtml+xml;q=0.9,text/csv;q=0.8,*/*;q=0.5"
ACCEPT_LANGUAGE = "en-GB,en;q=0.8"
TIMEOUT_SECONDS = 30.0
MAX_BYTES = 50 * 1024 * 1024
DEADLINE_SECONDS = 300.0
ENV_DEADLINE = "COCWATCH_DOWNLOAD_DEADLINE"
# A file of official statistics (a month's whole MSDS measures file is tens of MB); local too.
STATISTICS_MAX_MB = 200

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

    problem = address_problem(url) if isinstance(url, str) else "it is not text"
    if problem is None:
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
            f"{what} {for_terminal(str(url), one_line=True)!r} cannot be used: {problem}. "
            "Check it for a missing bracket, port or typing mistake, or a stray character; "
            "copy it from the browser's address bar."
        )
    return url


def request_headers() -> dict[str, str]:
    """The headers every request cocwatch makes carries."""
    return {
        "User-Agent": USER_AGENT,
        "Accept": ACCEPT_PAGES,
        "Accept-Language": ACCEPT_LANGUAGE,
        "Accept-Encoding": ACCEPT_ENCODING,
    }


def client(
    *,
    timeout: float = TIMEOUT_SECONDS,
    hosts: Collection[str] | None = None,
    transport: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """An httpx client with cocwatch's defaults: TLS verified, a timeout, and redirects
    followed as the fetch policy allows (`hosts`: the only hosts they may lead to)."""
    import httpx

    timeout = check_seconds(timeout)

    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        headers=request_headers(),
        event_hooks={"response": [redirect_hook(hosts)]},
        transport=transport,
    )


def async_client(
    *,
    timeout: float,
    connections: int,
    transport: httpx.AsyncBaseTransport | None = None,
) -> httpx.AsyncClient:
    """`client` for concurrent fetching (watched pages): the same defaults and policy."""
    import httpx

    return httpx.AsyncClient(
        timeout=httpx.Timeout(check_seconds(timeout)),
        follow_redirects=True,
        headers=request_headers(),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        event_hooks={"response": [async_redirect_hook()]},
        transport=transport,
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


def reason_of(response: httpx.Response) -> str:
    """The server's reason phrase ("Not Found"), any control character in it made visible."""
    return for_terminal(response.reason_phrase, one_line=True)


def describe_http_error(url: str, exc: Exception) -> str:
    """One sentence on what went wrong fetching `url`, for a person."""
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return f"{url} did not answer in time"
    if isinstance(exc, httpx.HTTPStatusError):
        code = exc.response.status_code
        return f"{url} answered {code} {reason_of(exc.response)}"
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect to {url} (check the address and your internet connection)"
    return f"fetching {url} failed ({type(exc).__name__}: {exc})"


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
    headers: Mapping[str, str | bytes] | None = None,
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
    headers: Mapping[str, str | bytes] | None,
    timeout: float,
    max_bytes: int,
    progress: Progress | None,
    stop: threading.Event,
) -> Downloaded:
    owned = http is None
    http = http or client(timeout=timeout)
    try:
        sent = header_pairs({**request_headers(), **(headers or {})})
        with http.stream("GET", url, headers=sent) as response:
            body = b""
            if 200 <= response.status_code < 300:
                body = read_capped(response, url, max_bytes=max_bytes, progress=progress, stop=stop)
            return Downloaded(
                url,
                response.status_code,
                reason_of(response),
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
    """Read a streamed response body, refusing anything larger than `max_bytes`, before or
    after decompression (`BodyDecoder`)."""
    declared = response.headers.get("Content-Length", "")
    total = int(declared) if declared.isdigit() else None
    if total is not None and total > max_bytes:
        raise DownloadTooLarge(url, max_bytes, total)
    # A response built in memory (a test's mock) is already read, and already decoded.
    in_memory = response.is_stream_consumed and hasattr(response, "_content")
    encoding = "" if in_memory else response.headers.get("Content-Encoding", "")
    decoder = BodyDecoder(encoding, url, max_bytes)
    received = 0
    for chunk in response.iter_bytes() if in_memory else response.iter_raw():
        if stop is not None and stop.is_set():
            raise DownloadTooSlow(url, 0)  # nobody is waiting for this any more
        received += len(chunk)
        if received > max_bytes:
            raise DownloadTooLarge(url, max_bytes)
        decoder.feed(chunk)
        if progress is not None:
            progress(received, total)
    return decoder.finish()


# Headers every request sends: who is asking, and what it can read. Only the encodings
# `BodyDecoder` undoes are offered; a server that uses another anyway is refused in words.
ACCEPT_ENCODING = "gzip, deflate"
_PIECE = 256 * 1024  # the most one decompression step may produce


class DownloadUnreadable(DownloadError):
    """A body compressed in a way cocwatch cannot or will not undo."""

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(
            f"{url} cannot be read: {problem}",
            "Open the address in a browser to check it, or download the file yourself and "
            "pass its path instead.",
        )


class _Inflate:
    """One gzip or deflate layer, undone a bounded piece at a time."""

    def __init__(self, encoding: str) -> None:
        self.gzip = encoding in ("gzip", "x-gzip")
        self.wbits = 31 if self.gzip else 15  # deflate: zlib-wrapped, else raw (below)
        self.started = False
        self.engine = zlib.decompressobj(self.wbits)

    def pieces(self, data: bytes) -> Iterator[bytes]:
        while data:
            if self.engine.eof:  # a gzip stream of several members: the next one starts
                if not self.gzip:
                    return  # anything after a deflate stream's end is ignored, as browsers do
                self.engine = zlib.decompressobj(self.wbits)
            try:
                out = self.engine.decompress(data, _PIECE)
            except zlib.error:
                if self.gzip or self.started:
                    raise
                # "deflate" sent raw, without zlib's header, as some servers do.
                self.wbits = -zlib.MAX_WBITS
                self.engine = zlib.decompressobj(self.wbits)
                out = self.engine.decompress(data, _PIECE)
            self.started = True
            data = self.engine.unconsumed_tail or (
                self.engine.unused_data if self.engine.eof else b""
            )
            if out:
                yield out

    def flush(self) -> Iterator[bytes]:
        out = self.engine.flush(_PIECE) if not self.engine.eof else b""
        if out:
            yield out


class BodyDecoder:
    """Undoes a response's Content-Encoding (any number of gzip and deflate layers, such as
    ``gzip, gzip``) a bounded piece at a time, and stops as soon as the decoded body would pass
    `max_bytes`: a few kilobytes that unpack to gigabytes never reach the memory.

    Every download and page fetch reads its raw bytes through one of these.
    """

    def __init__(self, content_encoding: str, url: str, max_bytes: int) -> None:
        self.url = url
        self.max_bytes = max_bytes
        self.size = 0
        self.parts: list[bytes] = []
        names = [n.strip().lower() for n in content_encoding.split(",") if n.strip()]
        names = [n for n in names if n != "identity"]
        unknown = [n for n in names if n not in ("gzip", "x-gzip", "deflate")]
        if unknown:
            raise DownloadUnreadable(
                url,
                f"the server compressed it as {', '.join(unknown)}, which cocwatch does not read",
            )
        if len(names) > 4:
            raise DownloadUnreadable(url, f"the server compressed it {len(names)} times over")
        # Listed in the order applied: undone from the last.
        self.layers = [_Inflate(name) for name in reversed(names)]

    def feed(self, data: bytes) -> None:
        """Decode one raw chunk."""
        try:
            for piece in self._through(0, data):
                self._keep(piece)
        except zlib.error as exc:
            raise DownloadUnreadable(self.url, f"its compressed data is damaged ({exc})") from None

    def finish(self) -> bytes:
        """The whole decoded body."""
        try:
            for level, layer in enumerate(self.layers):
                for piece in layer.flush():
                    for out in self._through(level + 1, piece):
                        self._keep(out)
        except zlib.error as exc:
            raise DownloadUnreadable(self.url, f"its compressed data is damaged ({exc})") from None
        body = b"".join(self.parts)
        self.parts = [body]
        return body

    def _through(self, level: int, data: bytes) -> Iterator[bytes]:
        if level == len(self.layers):
            yield data
            return
        for piece in self.layers[level].pieces(data):
            yield from self._through(level + 1, piece)

    def _keep(self, piece: bytes) -> None:
        self.size += len(piece)
        if self.size > self.max_bytes:
            raise DownloadTooLarge(self.url, self.max_bytes)
        self.parts.append(piece)


def _megabytes(count: int) -> str:
    return f"{count / 1024 / 1024:.0f} MB" if count >= 1024 * 1024 else f"{count / 1024:.0f} kB"
