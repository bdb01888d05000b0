"""The output of `cocwatch mp`: a postcode's constituency and MP, where to write to them, the
ICB that covers the postcode and its Trusts with their latest figures (as `check` shows
them), and the sources, Parliament's under the Open Parliament Licence.

Builds text or rich renderables; the CLI prints them. May import: `cocwatch.core`,
`cocwatch.render` (`formats`, `tabular`, `check`); rich only inside functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cocwatch.core.representation import TRUSTS_NOTE, Representation
from cocwatch.render.check import assessment_to_json
from cocwatch.render.check.tables import CSV, csv_rows, summary_line, to_markdown, to_table
from cocwatch.render.formats import Listing, Row
from cocwatch.render.tabular import md_inline

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cocwatch.core.assessment import Assessment
    from cocwatch.core.models import Icb
    from cocwatch.render.tabular import Column


@dataclass(frozen=True, slots=True)
class MpListing(Listing):
    """A postcode's MP and the Trusts of the ICB that covers it, for any format."""

    found: Representation
    icb: Icb | None
    assessment: Assessment
    registry_source: str
    title: str | None = None

    def facts(self) -> list[tuple[str, str]]:
        """The header: (heading, words) pairs."""
        f = self.found
        mp = f.mp or "not known"
        if f.party:
            mp += f" ({f.party})"
        lines = [
            ("Postcode", f.postcode or "not given"),
            ("Constituency", f.constituency),
            ("MP", mp),
            ("Write to", ", ".join(f.address)),
        ]
        if f.email:
            lines.append(("Email", f.email))
        lines.append(("ICB", self.icb.title if self.icb is not None else "not known"))
        lines.append(("How", f.icb_said))
        return lines

    def data(self) -> Any:
        f = self.found
        checked = assessment_to_json(self.assessment, self.registry_source)
        return {
            "postcode": f.postcode,
            "constituency": f.constituency,
            "mp": {"name": f.mp, "party": f.party, "address": list(f.address), "email": f.email},
            "icb": None
            if self.icb is None
            else {"code": self.icb.code, "name": self.icb.name, "found": f.icb_said},
            "trusts_note": TRUSTS_NOTE,
            "as_of": checked["as_of"],
            "trusts": checked["trusts"],
            "sources": [{"url": s.url, "title": s.title} for s in f.sources],
        }

    def rows(self) -> Sequence[Row]:
        return csv_rows(self.assessment)

    def columns(self) -> Sequence[Column]:
        return CSV

    def terminal(self) -> str | RenderableType:
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(overflow="fold")
        for key, value in self.facts():
            grid.add_row(key, value)
        parts: list[RenderableType] = [grid, Text("")]
        if self.assessment.trusts:
            parts += [Text(TRUSTS_NOTE), to_table(self.assessment), Text("")]
        parts += [Text(f"Source: {s.title}, {s.url}", style="dim") for s in self.found.sources]
        return Group(*parts)

    def markdown(self) -> str:
        lines = [f"- **{key}:** {md_inline(value)}" for key, value in self.facts()]
        body = "\n".join(lines) + "\n\n" + TRUSTS_NOTE + "\n\n"
        if self.assessment.trusts:
            body += to_markdown(self.assessment, self.registry_source)
        sources = "".join(f"\n- {md_inline(s.title or '')}: <{s.url}>" for s in self.found.sources)
        return body + ("\n\nSources:" + sources if sources else "") + "\n"

    def summary(self) -> str:
        return summary_line(self.assessment)
