"""One way to show rows in every listing format: table, json, csv, markdown.

A listing is a list of flat rows (dicts of plain values) and the columns to show. JSON
output may carry richer data than the table; pass it as `json_data`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.table import Table


@dataclass(frozen=True, slots=True)
class Column:
    """A column of a listing."""

    key: str
    header: str
    justify: str = "left"  # left | right
    max_width: int | None = None
    no_wrap: bool = False
    min_width: int | None = None


def plain(value: Any) -> str:
    """Show a value as text: dates ISO, None empty, floats without noise."""
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
    """Serialise to stable, indented JSON (dates as ISO strings)."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"


def _json_default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", exclude_none=False)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """Rows as CSV with a header line (keys as column names)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.key for c in columns])
    for row in rows:
        writer.writerow([plain(row.get(c.key)) for c in columns])
    return out.getvalue()


def _md_cell(value: Any) -> str:
    return plain(value).replace("|", "\\|").replace("\n", "<br>")


def to_markdown(rows: Sequence[dict[str, Any]], columns: Sequence[Column]) -> str:
    """Rows as a GitHub-flavoured Markdown table."""
    head = "| " + " | ".join(c.header for c in columns) + " |"
    rule = "| " + " | ".join("---:" if c.justify == "right" else "---" for c in columns) + " |"
    body = ["| " + " | ".join(_md_cell(row.get(c.key)) for c in columns) + " |" for row in rows]
    return "\n".join([head, rule, *body]) + "\n"


def to_table(
    rows: Sequence[dict[str, Any]], columns: Sequence[Column], *, title: str | None = None
) -> Table:
    """Rows as a rich Table for the terminal."""
    from rich import box
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
    for c in columns:
        table.add_column(
            c.header,
            justify=c.justify,  # type: ignore[arg-type]
            max_width=c.max_width,
            min_width=c.min_width,
            no_wrap=c.no_wrap,
            overflow="fold",
        )
    for row in rows:
        table.add_row(*(plain(row.get(c.key)) for c in columns))
    return table


def render_listing(
    fmt: str,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[Column],
    *,
    json_data: Any = None,
    title: str | None = None,
) -> str | Table:
    """Return text (json/csv/markdown) or a rich Table (table) for a listing."""
    if fmt == "json":
        return to_json(json_data if json_data is not None else list(rows))
    if fmt == "csv":
        return to_csv(rows, columns)
    if fmt == "markdown":
        return to_markdown(rows, columns)
    return to_table(rows, columns, title=title)
