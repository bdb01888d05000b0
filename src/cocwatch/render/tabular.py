"""The building blocks of the listing formats: columns, plain cells, JSON, CSV, Markdown, tables.

Rows are flat mappings of plain values; `Column` says which to show and how. The formats
themselves, and which listing gets which, are in `cocwatch.render.formats`.

May import: the standard library and `core.safe_text` only; `cocwatch.render.layout` inside
`to_table`.

Every CSV cocwatch writes goes through `csv_text`, which neutralises spreadsheet formulas
(OWASP's rule for CSV injection): a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading apostrophe, so a registry cannot plant ``=HYPERLINK(…)`` that
Excel or LibreOffice would run. Plain numbers such as ``-3.5`` are left as numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from cocwatch.core.safe_text import for_json

if TYPE_CHECKING:
    from rich.console import RenderableType


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a listing."""

    key: str
    header: str
    justify: str = "left"  # left | right
    max_width: int | None = None  # at a terminal: fold the cells at spaces to this width
    no_wrap: bool = False  # at a terminal: never fold the cells
    min_width: int | None = None
    below: bool = False  # at a terminal: written beneath its row, across the whole width


def plain(value: Any) -> str:
    """Show a value as text: dates ISO, None empty, floats without noise."""
    if type(value) is str:  # most cells: the quickest test first
        return value
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, list | tuple):
        return "; ".join(plain(v) for v in value)
    return str(value)


def to_json(data: Any) -> str:
    """Serialise to stable, indented JSON (dates as ISO strings; control characters and
    direction marks as JSON escapes, so that printing it cannot act on a terminal)."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)
    return for_json(text) + "\n"


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=False)
    raise TypeError(f"cannot serialise {type(value).__name__}")


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def csv_cell(text: str) -> str:
    """`text` made safe for a spreadsheet: a would-be formula starts with an apostrophe."""
    if text.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """CSV with a header line, every cell passed through `csv_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_cell(h) for h in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> str:
    """Rows as CSV with a header line (keys as column names)."""
    keys = [c.key for c in columns]
    return csv_text(keys, ([plain(row.get(key)) for key in keys] for row in rows))


# Not "_": inside words (file names, ids) it never starts emphasis, and escaping it would
# litter every path; the rest can open HTML, links, code, emphasis or a table cell.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*~\[\]<>|&])")
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


def md_inline(text: str) -> str:
    """`text` as literal Markdown on one line: no raw HTML, links, emphasis or table breaks."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))


def md_code(text: str) -> str:
    """`text` as a Markdown code span, however many backticks it holds."""
    text = _LINE_BREAKS.sub(" ", text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _md_cell(value: Any) -> str:
    return md_inline(plain(value))


def to_markdown(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> str:
    """Rows as a GitHub-flavoured Markdown table."""
    head = "| " + " | ".join(c.header for c in columns) + " |"
    rule = "| " + " | ".join("---:" if c.justify == "right" else "---" for c in columns) + " |"
    body = ["| " + " | ".join(_md_cell(row.get(c.key)) for c in columns) + " |" for row in rows]
    return "\n".join([head, rule, *body]) + "\n"


def to_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[Column], *, title: str | None = None
) -> RenderableType:
    """Rows as a table for the terminal, laid out for its width without breaking a word
    (see `cocwatch.render.layout`)."""
    from cocwatch.render.layout import Table

    return Table(rows, columns, title=title)
