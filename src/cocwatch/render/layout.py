"""Laying text out for a terminal of any width without ever breaking a word.

What people copy from a terminal (a Trust's id, an ODS code, a date, a file name, a web
address) must come out whole, so text here is folded only at spaces: a word wider than the
room it has is never cut in two. A table gives each column at least the width of its longest
word; when that does not fit, the widest columns leave the grid for lines of their own beneath
each row, and when even that does not fit, each row is written as a short list of "Header:
value" lines. A line may then be longer than the terminal, which shows it folded, but the
word is still one word when copied.

May import: the standard library, `cocwatch.render.tabular` (for `Column` and `plain`); rich
only inside functions.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cocwatch.render.tabular import Column, plain

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions
    from rich.text import Text

GAP = 2  # spaces between two columns
ELLIPSIS = "…"
DETAIL_INDENT = 2


_NUMBER = re.compile(r"[\d.,%£+-]+")


def breaks(line: str, width: int, *, first_width: int | None = None) -> list[int]:
    """Where to start each line when folding `line` (no line breaks in it) at spaces into lines
    of at most `width` (the first line `first_width`): the offsets of the words that start a
    new line. A word longer than the room stands whole on a line of its own, and a number
    stays with the word after it ("28 weeks", "30 April") where the line allows."""
    starts: list[int] = []
    words = list(re.finditer(r"\S+", line))
    line_start: int | None = None  # where the current line's first word starts
    room = width if first_width is None else first_width
    for i, word in enumerate(words):
        if line_start is None:
            line_start = word.start()
            continue
        if word.end() - line_start <= room:
            continue
        start = word.start()
        before = words[i - 1]
        if _NUMBER.fullmatch(before.group()) and before.start() > line_start:
            start = before.start()  # take the number to the next line with its word
        starts.append(start)
        line_start, room = start, width
    return starts


def fold(text: str, width: int, *, indent: str = "", first: str = "") -> list[str]:
    """`text` folded at spaces into lines of at most `width` characters where it can be: a
    word longer than that stands whole on a line of its own. Line breaks in `text` are kept.

    `first` starts the first line and `indent` the others (a hanging indent).
    """
    lines: list[str] = []
    for number, paragraph in enumerate(text.split("\n")):
        lead = first if number == 0 and first else indent
        room, first_room = max(1, width - len(indent)), max(1, width - len(lead))
        offsets = [0, *breaks(paragraph, room, first_width=first_room), len(paragraph)]
        for i, (a, b) in enumerate(itertools.pairwise(offsets)):
            lines.append(((lead if i == 0 else indent) + paragraph[a:b].strip()).rstrip())
    return lines


def fold_text(text: Text, width: int) -> list[Text]:
    """A rich `Text` folded as `fold` folds plain text, keeping its styles."""
    out: list[Text] = []
    for paragraph in text.split("\n"):
        offsets = breaks(paragraph.plain, max(1, width))
        for line in paragraph.divide(offsets) if offsets else [paragraph]:
            line.rstrip()
            out.append(line)
    return out


def longest_word(text: str) -> int:
    """The length of the longest word in `text` (0 for no text)."""
    return max((len(word) for word in text.split()), default=0)


def shorten(text: str, width: int, *, lines: int = 1) -> list[str]:
    """`text` folded at spaces into at most `lines` lines of `width`: what does not fit is cut
    at a word's end, where it can be, and marked with an ellipsis. For names only: never for
    an id, code, date or address, which must be shown whole."""
    folded = textwrap.wrap(
        " ".join(text.split()), width=max(width, 2), break_long_words=True, break_on_hyphens=False
    )
    if len(folded) <= lines and all(len(line) <= width for line in folded):
        return folded
    kept = folded[:lines]
    last = kept[-1]
    if len(last) >= width:
        last = last[: width - 1].rstrip()
    kept[-1] = last.rstrip(" ,;:-") + ELLIPSIS
    return kept


@dataclass(frozen=True, slots=True)
class _Plan:
    """How a table fits a width: the columns in the grid and their widths, and the columns
    written beneath each row instead; `stacked` when every cell gets a line of its own.

    A cell whose longest word is wider than its column is written beneath its row too."""

    grid: tuple[Column, ...]
    widths: tuple[int, ...]
    beneath: tuple[Column, ...]
    stacked: bool = False
    gap: int = GAP


def _cells(rows: Sequence[Mapping[str, Any]], column: Column) -> list[str]:
    return [plain(row.get(column.key)) for row in rows]


def _lines(texts: Sequence[str]) -> list[str]:
    return [line for text in texts for line in text.split("\n")]


def _natural(column: Column, cells: Sequence[str]) -> int:
    """The width the column would like: its widest line (at most `max_width`, if words allow)."""
    widest = max(len(line) for line in _lines([column.header, *cells]))
    if column.max_width is not None:
        widest = min(widest, max(column.max_width, _minimum(column, cells)))
    return max(widest, column.min_width or 0)


def _minimum(column: Column, cells: Sequence[str]) -> int:
    """The narrowest the column may be: its longest word (a whole cell when it must not wrap)."""
    if column.no_wrap:
        return max(len(line) for line in _lines([column.header, *cells]))
    return max(longest_word(text) for text in [column.header, *cells])


def _fits(column: Column, text: str, width: int) -> bool:
    """Whether the cell can be shown in a column `width` wide without breaking a word."""
    if column.no_wrap:
        return all(len(line) <= width for line in text.split("\n"))
    return longest_word(text) <= width


NARROWEST = 8  # a column narrower than this is no use: its cells go beneath the rows
ROOMY = 16  # a column given up room keeps this much, if the others can do with theirs


def plan_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column], width: int) -> _Plan:
    """Fit the columns into `width`: widths from each column's minimum up towards its natural
    width. When the minimums do not fit, the column with the widest word gives up room (its
    cells that no longer fit are written on a line of their own), or, but for the first,
    leaves the grid altogether; when even two columns cannot share a line, every row is
    stacked. Columns marked `below` are always written beneath their row."""
    cells = {c.key: _cells(rows, c) for c in columns}
    grid = [c for c in columns if not c.below]
    beneath: list[Column] = [c for c in columns if c.below]
    capped: dict[str, int] = {}
    while True:
        minimum = [capped.get(c.key, _minimum(c, cells[c.key])) for c in grid]
        natural = [
            min(max(n, m), capped.get(c.key, n))
            for c, n, m in zip(
                grid, [_natural(c, cells[c.key]) for c in grid], minimum, strict=True
            )
        ]
        room = width - GAP * (len(grid) - 1)
        if sum(minimum) <= room:
            return _Plan(tuple(grid), _share(minimum, natural, room), tuple(beneath))
        if sum(minimum) <= width - (len(grid) - 1):  # one space between columns will do
            return _Plan(tuple(grid), tuple(minimum), tuple(beneath), gap=1)
        widest = max(range(len(grid)), key=lambda i: (minimum[i], -i))
        column = grid[widest]
        header = longest_word(column.header) if not column.no_wrap else len(column.header)
        # room to spare when the others take what they would like, else their least
        generous = room - (sum(natural) - natural[widest])
        left = generous if generous >= ROOMY else room - (sum(minimum) - minimum[widest])
        if column.key not in capped and left >= max(header, NARROWEST):
            capped[column.key] = left
        elif len(grid) > 2:
            widest = max(range(1, len(grid)), key=lambda i: minimum[i])
            beneath.insert(0, grid.pop(widest))
        else:
            return _Plan(tuple(columns), (), (), stacked=True)


def _share(minimum: list[int], natural: list[int], room: int) -> tuple[int, ...]:
    """Widths between the minimums and the natural widths, the spare room shared in proportion
    to what each column still wants."""
    widths = list(minimum)
    spare = room - sum(widths)
    while spare > 0:
        wanting = [i for i, w in enumerate(widths) if w < natural[i]]
        if not wanting:
            break
        total = sum(natural[i] - widths[i] for i in wanting)
        given = 0
        for i in wanting:
            share = max(1, (natural[i] - widths[i]) * spare // total)
            share = min(share, natural[i] - widths[i], spare - given)
            widths[i] += share
            given += share
            if given >= spare:
                break
        spare -= given
    return tuple(widths)


def table_lines(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    width: int,
    *,
    title: str | None = None,
) -> list[tuple[str, str]]:
    """The table as (style, line) pairs for a terminal `width` wide: a header, a rule, the rows.

    No word of a cell is ever cut; see `plan_table` for what happens when the columns do not
    fit side by side.
    """
    out: list[tuple[str, str]] = []
    if title:
        out += [("bold", line) for line in fold(title, width)]
    plan = plan_table(rows, columns, width)
    if plan.stacked:
        return out + _stacked(rows, columns, width)
    header = _grid_row({c.key: c.header for c in plan.grid}, plan)
    below = [c.header for c in plan.beneath if c.below]
    header += [" " * DETAIL_INDENT + ", ".join(below)] if below else []
    rule = "─" * min(width, sum(plan.widths) + plan.gap * (len(plan.widths) - 1))
    out += [("bold", line) for line in header] + [("", rule)]
    for row in rows:
        cells = {c.key: plain(row.get(c.key)) for c in plan.grid}
        left_out = [
            c for c, w in zip(plan.grid, plan.widths, strict=True) if not _fits(c, cells[c.key], w)
        ]
        if plan.grid[0] in left_out:  # what the row is about, on a line of its own
            out += [("", line) for line in fold(cells[plan.grid[0].key], width)]
        out += [("", line) for line in _grid_row(cells, plan, left_out)]
        later = [c for c in left_out if c is not plan.grid[0]]
        for column in [*later, *plan.beneath]:
            value = plain(row.get(column.key))
            if value:
                lead = " " * DETAIL_INDENT + ("" if column.below else f"{column.header}: ")
                out += [("", line) for line in fold(value, width, first=lead, indent=lead_of(lead))]
    return out


def lead_of(lead: str) -> str:
    """The hanging indent that lines up under the text after `lead`."""
    return " " * len(lead)


def _grid_row(cells: Mapping[str, str], plan: _Plan, left_out: Sequence[Column] = ()) -> list[str]:
    folded = [
        [""]
        if c in left_out
        else fold(cells.get(c.key, ""), w)
        if not c.no_wrap
        else cells.get(c.key, "").split("\n")
        for c, w in zip(plan.grid, plan.widths, strict=True)
    ]
    height = max((len(f) for f in folded), default=1)
    lines = []
    for i in range(height):
        parts = []
        for column, w, part in zip(plan.grid, plan.widths, folded, strict=True):
            text = part[i] if i < len(part) else ""
            parts.append(text.rjust(w) if column.justify == "right" else text.ljust(w))
        lines.append((" " * plan.gap).join(parts).rstrip())
    return lines


def _stacked(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[Column], width: int
) -> list[tuple[str, str]]:
    """Each row as its first cell, then a "Header: value" line for each other cell."""
    out: list[tuple[str, str]] = []
    first, rest = columns[0], columns[1:]
    for row in rows:
        out.append(("", ""))
        out += [("bold", line) for line in fold(plain(row.get(first.key)), width)]
        for column in rest:
            value = plain(row.get(column.key))
            if value:
                lead = " " * DETAIL_INDENT + f"{column.header}: "
                out += [("", line) for line in fold(value, width, first=lead, indent=lead_of(lead))]
    return out


def _texts(lines: Sequence[tuple[str, str]]) -> Iterator[Text]:
    from rich.text import Text

    for style, line in lines:
        yield Text(line, style=style, no_wrap=True, overflow="ignore", end="\n")


class Table:
    """A table laid out for the width of the terminal it is drawn on (see `table_lines`)."""

    def __init__(
        self,
        rows: Sequence[Mapping[str, Any]],
        columns: Sequence[Column],
        *,
        title: str | None = None,
    ) -> None:
        self.rows, self.columns, self.title = rows, columns, title

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        yield from _texts(table_lines(self.rows, self.columns, options.max_width, title=self.title))


class Prose:
    """Text folded at spaces for the terminal's width, words never cut: an address wider than
    the terminal stands whole on a line of its own. `first` leads the first line and the
    others are indented as far (a hanging indent, as in a numbered list)."""

    def __init__(self, text: str | Text, *, style: str = "", first: str | Text = "") -> None:
        self.text, self.style, self.first = text, style, first

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        from rich.text import Text

        text = Text(self.text, style=self.style) if isinstance(self.text, str) else self.text
        first = Text(self.first) if isinstance(self.first, str) else self.first
        hang = Text(" " * len(first.plain))
        for number, line in enumerate(fold_text(text, options.max_width - len(hang))):
            shown = (first if number == 0 else hang).copy() + line if len(hang) else line
            shown.no_wrap, shown.overflow, shown.end = True, "ignore", "\n"
            yield shown


def key_values(pairs: Sequence[tuple[str, str | Text]], *, key_style: str = "bold") -> KeyValues:
    """`Key  value` lines, each value folded at spaces under its first line."""
    return KeyValues(pairs, key_style=key_style)


class KeyValues:
    """`Key  value` lines (see `key_values`); on a narrow terminal each value under its key."""

    def __init__(self, pairs: Sequence[tuple[str, str | Text]], *, key_style: str) -> None:
        self.pairs, self.key_style = pairs, key_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Prose]:
        from rich.text import Text

        width = options.max_width
        key_width = max((len(k) for k, _ in self.pairs), default=0) + GAP
        for key, value in self.pairs:
            if key_width > width // 2:  # a narrow terminal: each value under its key
                yield Prose(Text(key, style=self.key_style))
                yield Prose(value, first="  ")
            else:
                yield Prose(value, first=Text(key.ljust(key_width), style=self.key_style))
