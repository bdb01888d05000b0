"""The output of `check`: one `CheckListing` that every format renders.

- `contract`: the JSON contract (SPEC §5), also the data other tools read;
- `tables`: the words the views share, the CSV rows, the Markdown and the terminal table;
- `detail`: one Trust in detail (`check TRUST`).

Nothing here reads files or the clock. May import: `cocwatch.core`, `cocwatch.render`
(`formats`, `tabular`); rich only inside functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cocwatch.render.check.contract import assessment_to_json
from cocwatch.render.check.tables import CSV, csv_rows, summary_line, to_markdown, to_table
from cocwatch.render.formats import Listing, Row

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cocwatch.core.assessment import Assessment
    from cocwatch.core.models import Registry
    from cocwatch.render.tabular import Column

__all__ = ["CheckListing", "assessment_to_json"]


@dataclass(frozen=True, slots=True)
class CheckListing(Listing):
    """An assessment as `check` shows it; `detail` shows its single Trust in full.

    `quiet` shortens the terminal view to the one-line summary; the files (JSON, CSV,
    Markdown) are whole whatever it says.
    """

    assessment: Assessment
    registry_source: str
    registry: Registry | None = None
    detail: bool = False
    quiet: bool = False
    title: str | None = None
    # Bodies shown in detail, by id, before the table of the others (`check icb:QOP`: the
    # LMNS in detail, then its Trusts).
    focus: tuple[str, ...] = ()

    def data(self) -> Any:
        return assessment_to_json(self.assessment, self.registry_source)

    def rows(self) -> Sequence[Row]:
        return csv_rows(self.assessment)

    def columns(self) -> Sequence[Column]:
        return CSV

    def terminal(self) -> str | RenderableType:
        if self.quiet:
            return summary_line(self.assessment)
        trusts = self.assessment.trusts
        focused = [t for t in trusts if t.trust.id in self.focus]
        if self.detail and len(trusts) == 1:
            focused = list(trusts)
        if not focused:
            return to_table(self.assessment)
        from dataclasses import replace

        from rich.console import Group
        from rich.text import Text

        from cocwatch.render.check.detail import to_detail

        parts: list[RenderableType] = []
        for ta in focused:
            if parts:
                parts.append(Text(""))
            parts.append(
                to_detail(
                    ta,
                    as_of=self.assessment.as_of,
                    registry=self.registry,
                    declared=self.assessment.declared,
                )
            )
        rest = tuple(t for t in trusts if t not in focused)
        if rest:
            noun = rest[0].kind.plural
            parts += [Text(""), Text(f"Its {noun}", style="bold")]
            parts.append(to_table(replace(self.assessment, trusts=rest)))
        return Group(*parts)

    def markdown(self) -> str:
        return to_markdown(self.assessment, self.registry_source)
