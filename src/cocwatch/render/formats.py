"""Output formats: one renderer per format, in one table; listings say what there is to show.

A listing command builds a `Listing`, plain values (the JSON form, flat rows and their
columns, a title), and `render(name, listing)` looks the format up in `FORMATS` and returns
text or a rich renderable; the CLI prints it. The CLI's ``--format`` choices and their help
are built from `FORMATS`, so adding a format is one renderer and one entry here.

A listing whose table or Markdown is more than a grid of its rows (`check`, `show`)
overrides `Listing.terminal` or `Listing.markdown`; a new format that works from rows and
columns (as CSV does) needs nothing from the listings.

May import: `cocwatch.render.tabular` and the standard library; rich only inside functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cocwatch.render.tabular import Column, md_inline, to_csv, to_json, to_markdown, to_table

if TYPE_CHECKING:
    from rich.console import RenderableType

Row = Mapping[str, Any]


class Listing:
    """What a listing command found, as plain values, for any format to render.

    Subclasses give `data` (the JSON value, a stable contract), `rows` and `columns` (the
    flat form of CSV and other row formats); `terminal` and `markdown` default to a grid of
    those rows, titled `title`.
    """

    title: str | None

    def data(self) -> Any:
        """The JSON value: the stable interface for scripts."""
        raise NotImplementedError

    def rows(self) -> Sequence[Row]:
        """The rows, one flat mapping of plain values each (dates, numbers, text)."""
        raise NotImplementedError

    def columns(self) -> Sequence[Column]:
        """The columns of `rows` that row formats write, in order."""
        raise NotImplementedError

    def terminal(self) -> str | RenderableType:
        """The view for people at a terminal (default: a table of the rows)."""
        return to_table(self.rows(), self.columns(), title=self.title)

    def markdown(self) -> str:
        """The listing as Markdown (default: a table of the rows)."""
        return to_markdown(self.rows(), self.columns())


@dataclass(frozen=True, slots=True)
class RowListing(Listing):
    """A listing that is a list of rows: the common case.

    `json` is the JSON value when it is richer than the rows (default: the rows). The
    terminal table may show other rows or columns than the files (`table_rows`,
    `table_columns`), or a sentence instead (`text`, e.g. "No letter is awaiting a reply.").
    `notes` are sentences said below the table (at a terminal and in Markdown), such as what
    was left out of it; the JSON says the same in its own fields, and CSV is rows alone.
    """

    row_list: Sequence[Row]
    column_list: Sequence[Column]
    json: Any = None
    title: str | None = None
    table_rows: Sequence[Row] | None = None
    table_columns: Sequence[Column] | None = None
    text: str | None = None
    notes: Sequence[str] = ()

    def data(self) -> Any:
        return self.json if self.json is not None else list(self.row_list)

    def rows(self) -> Sequence[Row]:
        return self.row_list

    def columns(self) -> Sequence[Column]:
        return self.column_list

    def terminal(self) -> str | RenderableType:
        shown: str | RenderableType = (
            self.text
            if self.text is not None
            else to_table(
                self.row_list if self.table_rows is None else self.table_rows,
                self.column_list if self.table_columns is None else self.table_columns,
                title=self.title,
            )
        )
        if not self.notes:
            return shown
        from rich.console import Group

        from cocwatch.render.layout import Prose

        first = Prose(shown) if isinstance(shown, str) else shown
        return Group(first, *(Prose(note) for note in self.notes))

    def markdown(self) -> str:
        table = to_markdown(self.row_list, self.column_list)
        return "\n".join([table, *(md_inline(note) + "\n" for note in self.notes)])


@dataclass(frozen=True, slots=True)
class Format:
    """An output format: its name, its words in `--help`, and its renderer."""

    name: str
    help: str
    render: Callable[[Listing], str | RenderableType]


def _table(listing: Listing) -> str | RenderableType:
    return listing.terminal()


def _markdown(listing: Listing) -> str:
    return listing.markdown()


def _json(listing: Listing) -> str:
    return to_json(listing.data())


def _csv(listing: Listing) -> str:
    return to_csv(listing.rows(), listing.columns())


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("table", "table (for people)", _table),
        Format("json", "json (the stable interface for scripts)", _json),
        Format("csv", "csv", _csv),
        Format("markdown", "markdown", _markdown),
    )
}


def formats_help() -> str:
    """The formats in words, for `--format`'s help: 'table (for people), …, csv or markdown.'"""
    words = [f.help for f in FORMATS.values()]
    return ", ".join(words[:-1]) + f" or {words[-1]}." if len(words) > 1 else f"{words[0]}."


def render(name: str, listing: Listing) -> str | RenderableType:
    """`listing` in the format called `name` (one of `FORMATS`)."""
    return FORMATS[str(name)].render(listing)
