"""`check --all` on a terminal narrower than `tables.WIDE`: two lines a Trust.

The first line says where the Trust stands (result, name, the latest figure of its leading
measure, against England, rank); the second its ODS code and everything there is to do about
it, in the words of the wide table, or, when those do not fit one line, as short keys
explained in a legend beneath the table. An action that every Trust listed shares is said
once, beneath the table. A long name is shortened with an ellipsis (`check TRUST`,
`--format` and wider terminals show it whole); an ODS code, a figure or a rank is never cut.
Below 80 columns the name has a line of its own.

May import: `cocwatch.core`, `cocwatch.render.check.tables`, `cocwatch.render.layout`; rich
only inside functions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from cocwatch.core.assessment import Assessment, TrustAssessment
from cocwatch.render.check.tables import (
    STYLE,
    actions,
    attention_order,
    england_cell,
    figure_cell,
    leading,
    rank_cell,
    severity_text,
)
from cocwatch.render.layout import GAP, fold, shorten

if TYPE_CHECKING:
    from rich.text import Text

NAME_ROOM = 18  # below this, the name takes a line of its own
SEPARATOR = " · "
KEYS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def figure_month(ta: TrustAssessment) -> date | None:
    """The month of the figure in the figure column (None without one)."""
    if ta.headline is not None:
        return ta.headline.month
    latest = ta.cohort("all").latest
    return latest.as_of if latest is not None else None


def _figure(ta: TrustAssessment, usual: tuple[int, int] | None) -> str:
    """The figure without its month when it is the usual month (named in the header)."""
    cell = figure_cell(ta, wide=True)
    month = figure_month(ta)
    if month is not None and usual is not None and (month.year, month.month) == usual:
        cell = cell.removesuffix(f" {month:%b %Y}")
    return cell


def compact_lines(assessment: Assessment, width: int) -> Iterator[Text]:
    """The listing of `check --all` in two lines a Trust (three below 80 columns)."""
    from rich.text import Text

    trusts = attention_order(assessment)
    months = Counter(
        (m.year, m.month) for m in (figure_month(ta) for ta in trusts) if m is not None
    )
    usual = months.most_common(1)[0][0] if months else None
    todo = {ta.trust.id: actions(ta) for ta in trusts}
    shared = (
        [a for a in todo[trusts[0].trust.id] if all(a in todo[t.trust.id] for t in trusts)]
        if len(trusts) > 1
        else []
    )
    todo = {key: [a for a in found if a not in shared] for key, found in todo.items()}

    measures = leading(assessment)
    heading = measures[0].heading if len(measures) == 1 else "Figure"
    figure_header = heading if usual is None else f"{heading} {date(*usual, 1):%b %Y}"
    cells = {
        ta.trust.id: (
            severity_text(ta.severity),
            _figure(ta, usual),
            england_cell(ta),
            rank_cell(ta),
        )
        for ta in trusts
    }
    headers = ("Result", figure_header, "vs England", "Rank")
    widths = [max(len(h), *(len(c[i]) for c in cells.values())) for i, h in enumerate(headers)]
    fixed = sum(widths) + GAP * 4
    name_width = width - fixed
    own_line = name_width < NAME_ROOM
    indent = " " * (widths[0] + GAP)

    def second_line(ta: TrustAssessment, keyed: dict[str, str] | None) -> str:
        found = todo[ta.trust.id]
        words = sorted(keyed[a] for a in found) if keyed is not None else found
        return indent + SEPARATOR.join([ta.trust.ods, *words])

    keyed: dict[str, str] | None = None
    if any(len(second_line(ta, None)) > width for ta in trusts):
        ordered = Counter(a for found in todo.values() for a in found).most_common()
        keyed = {
            action: KEYS[i % len(KEYS)] * (1 + i // len(KEYS))
            for i, (action, _) in enumerate(ordered)
        }

    def row(first: str, figure: str, england: str, rank: str, name: str) -> str:
        parts = [first.ljust(widths[0])]
        if not own_line:
            parts.append(name.ljust(name_width))
        parts += [figure.rjust(widths[1]), england.ljust(widths[2]), rank.rjust(widths[3])]
        return (" " * GAP).join(parts).rstrip()

    header = row(headers[0], headers[1], headers[2], headers[3], "Trust")
    yield _line(("Trust\n" if own_line else "") + header, "bold")
    yield _line(indent + f"ODS code{SEPARATOR}what to do", "bold")
    yield _line("─" * min(width, max(len(header), 40)), "")
    for ta in trusts:
        severity, figure, england, rank = cells[ta.trust.id]
        if own_line:
            yield _line(shorten(ta.trust.name, width)[0], "bold")
            name = ""
        else:
            name = shorten(ta.trust.name, name_width)[0]
        line = Text(no_wrap=True, overflow="ignore")
        line.append(severity.ljust(widths[0]), style=STYLE[ta.severity])
        line.append(row("", figure, england, rank, name)[widths[0] :])
        yield line
        yield _line(second_line(ta, keyed), "")
    if shared:
        every = "Every Trust listed: " + "; ".join(shared) + "."
        yield from (_line(text, "") for text in fold(every, width))
    if keyed is not None:
        yield _line("What to do:", "bold")
        key_width = max(len(key) for key in keyed.values())
        for action, key in keyed.items():
            lead = f"  {key.ljust(key_width)}  "
            lines = fold(action, width, first=lead, indent=" " * len(lead))
            yield from (_line(text, "") for text in lines)


def _line(text: str, style: str) -> Text:
    from rich.text import Text

    return Text(text, style=style, no_wrap=True, overflow="ignore")
