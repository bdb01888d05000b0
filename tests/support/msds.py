"""Helpers for the record and import tests: synthetic MSDS CSVs, a local HTTP server, diffs.

Every CSV written here is SYNTHETIC test data in the exact layout of the MSDS measures file
(``Org_Code, Org_Name, Org_Level, RPStartDate, RPEndDate, IndicatorFamily, Indicator,
Currency, Value``); the codes XX1, XX2 and XX9 and every value are made up.
"""

from __future__ import annotations

import contextlib
import difflib
import http.server
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

HEADER = (
    "Org_Code,Org_Name,Org_Level,RPStartDate,RPEndDate,IndicatorFamily,Indicator,Currency,Value"
)
NAMES = {
    "XX1": "EXAMPLE NORTH NHS TRUST (SYNTHETIC)",
    "XX2": "EXAMPLE SOUTH NHS FOUNDATION TRUST (SYNTHETIC)",
    "XX9": "NOT IN THE REGISTRY NHS TRUST (SYNTHETIC)",
}


@dataclass(frozen=True)
class Row:
    """One row of a synthetic measures CSV."""

    ods: str
    indicator: str
    currency: str
    value: str
    end: str = "2025-10-31"
    level: str = "Provider"
    family: str = "COC_Rate"
    start: str = "2025-10-01"

    def line(self) -> str:
        name = NAMES.get(self.ods, "SYNTHETIC ORGANISATION")
        return ",".join(
            [self.ods, name, self.level, self.start, self.end, self.family, self.indicator,
             self.currency, self.value]
        )  # fmt: skip


def figure_rows(
    ods: str,
    indicator: str,
    *,
    rate: str | None = None,
    numerator: str | None = None,
    denominator: str | None = None,
    result: str | None = None,
    end: str = "2025-10-31",
) -> list[Row]:
    """The rows of one figure: rate, counts and data-quality result as given."""
    rows = []
    for currency, value in (
        ("Numerator", numerator),
        ("Denominator", denominator),
        ("Rate", rate),
        ("Result", result),
    ):
        if value is not None:
            family = "COC_DQ_Measure" if currency == "Result" else "COC_Rate"
            rows.append(Row(ods, indicator, currency, value, end=end, family=family))
    return rows


def measures_csv(rows: Iterable[Row | str], *, header: str = HEADER, newline: str = "\n") -> str:
    """A synthetic measures CSV: the header, then each row (a Row or a raw line)."""
    lines = [header] + [r.line() if isinstance(r, Row) else r for r in rows]
    return newline.join(lines) + newline


# A small, typical month: a national row (England's figure), a regional row (ignored), two
# registry Trusts, one provider the registry does not know, other breakdowns (ignored).
OCTOBER = [
    Row("ALL", "COC_by_28weeks", "Rate", "12.3", level="National"),
    Row("Y63", "COC_by_28weeks", "Rate", "11.0", level="NHS England (Region)"),
    *figure_rows("XX1", "COC_by_28weeks", numerator="45", denominator="250", rate="18.0"),
    *figure_rows("XX1", "COC_by_28weeks_Ethnicity_BAME", rate="9.5"),
    *figure_rows("XX1", "COC_by_28weeks_Ethnicity_White", rate="20.0"),
    *figure_rows("XX1", "COC_by_28weeks_IMD_01_Most_deprived", rate="7.1"),
    *figure_rows("XX1", "COC_by_28weeks_IMD_02", rate="8.0"),
    *figure_rows("XX1", "COC_receiving_ongoing", rate="5.0"),
    Row("XX1", "COC_DQ04", "Result", "Pass", family="COC_DQ_Measure"),
    Row("XX1", "COC_DQ05", "Result", "Pass", family="COC_DQ_Measure"),
    *figure_rows("XX2", "COC_by_28weeks", rate="3.5", result="Fail"),
    *figure_rows("XX9", "COC_by_28weeks", rate="40.0"),
]


def inserted_only(before: str, after: str) -> str:
    """Return the text added to `before` to make `after`; fail if anything else changed."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    added = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        assert op == "insert", f"{op} of {before[i1:i2]!r} → {after[j1:j2]!r}: not an insertion"
        added.append(after[j1:j2])
    return "".join(added)


def inserted_lines(before: str, after: str) -> list[str]:
    """Whole lines added to `before` to make `after`; fail if any line changed or moved."""
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    added: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        assert op == "insert", f"{op}: {old[i1:i2]!r} → {new[j1:j2]!r}"
        added += new[j1:j2]
    return added


class Server:
    """A real HTTP server on 127.0.0.1 with a route per behaviour.

    ``/ok/NAME`` serves `body`; ``/slow/NAME`` waits `delay` seconds first; ``/status/CODE``
    answers that code; ``/chunked/NAME`` streams `body` without a Content-Length.
    """

    def __init__(self, body: bytes = b"", *, delay: float = 2.0) -> None:
        self.body = body
        self.delay = delay
        self.paths: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.paths.append(self.path)
                with contextlib.suppress(OSError):  # the client gave up (timeouts are tested)
                    self._answer()

            def _answer(self) -> None:
                kind = self.path.strip("/").split("/")[0]
                if kind == "status":
                    code = int(self.path.rstrip("/").rsplit("/", 1)[1])
                    self.send_response(code)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if kind == "slow":
                    time.sleep(server.delay)
                self.send_response(200)
                self.send_header("Content-Type", "text/csv")
                if kind != "chunked":
                    self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                for start in range(0, len(server.body), 4096):
                    self.wfile.write(server.body[start : start + 4096])

            def log_message(self, *args: object) -> None:
                pass

        class Quiet(http.server.ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request: object, client_address: object) -> None:
                pass

        self.httpd = Quiet(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
