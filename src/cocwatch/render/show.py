"""`show TRUST`: everything known about one Trust, as a listing of its figures over time.

The rows are the Trust's figures, oldest first, each with the number of its source in the
list of sources (each source listed once); the terminal and Markdown views put the Trust's
facts (ids, plan, milestones, inspections, contacts, letters) above them.

Official figures are named as their sources declare them (`cocwatch.statistics.sources`).
May import: `cocwatch.core`, `cocwatch.render` (`formats`, `tabular`, `correspondence`), the
declared sources; rich only inside functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from cocwatch.core import wording
from cocwatch.core.bodies import LMNS, kind_of
from cocwatch.core.reference_list import ReferenceList
from cocwatch.render.attribution import OGL_STATEMENT, licence_json, licence_line, republishes
from cocwatch.render.correspondence import due_json, standing
from cocwatch.render.formats import Listing, Row
from cocwatch.render.registry import figure_counts
from cocwatch.render.tabular import Column, md_inline, to_markdown

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cocwatch.core.correspondence import TrackedLetter
    from cocwatch.core.measures import Declared
    from cocwatch.core.models import Contact, Figure, Icb, Registry, Source, Trust

FIGURE_COLUMNS = (
    Column("as_of", "As of", no_wrap=True),
    Column("cohort_text", "Cohort"),
    Column("measure_text", "Measure"),
    Column("percent_text", "Percent", "right"),
    Column("counts", "Count", no_wrap=True),
    Column("flags", "Flags", min_width=11),
    Column("origin", "From"),
    Column("ref", "Src", "right"),
)
# In a terminal, "official" is a flag: a column of its own does not fit in 80 columns.
TERMINAL_COLUMNS = tuple(c for c in FIGURE_COLUMNS if c.key != "origin")
CSV_COLUMNS = tuple(
    Column(key, key)
    for key in (
        "as_of",
        "cohort",
        "measure",
        "percent",
        "provisional",
        "quality",
        "origin",
        "source_url",
        "source_title",
        "licence",  # the attribution NHS England's licence asks for, on official figures
    )
)


def _figure_row(figure: Figure, refs: ReferenceList[Source]) -> dict[str, Any]:
    counts = (
        f"{figure.numerator} of {figure.denominator}"
        if figure.numerator is not None and figure.denominator is not None
        else ""
    )
    return {
        "as_of": figure.as_of,
        "cohort": figure.cohort,
        "measure": figure.measure,
        "percent": figure.percent,
        "counts": counts,
        "provisional": figure.provisional,
        "quality": figure.quality,
        "small_numbers": figure.small_numbers,
        # Official statistics are kept as published in the statistics folder; the others
        # were recorded by people in the registry file (from Board papers, FOI answers…).
        "origin": "official" if figure.source.official else "recorded",
        "ref": refs.cite(figure.source),
        "source_url": figure.source.url,
        "source_title": figure.source.title,
        "licence": OGL_STATEMENT if figure.source.official else "",
    }


def _origin(source: Source) -> str:
    """Which figures are official statistics (kept in the statistics folder) and which were
    recorded by people in the registry file."""
    return "official statistics: " if source.official else "recorded: "


def _declared() -> Declared:
    """What the official sources cocwatch knows declare (their measures' words)."""
    from cocwatch.statistics.sources import declared

    return declared()


def _shown(row: Row) -> dict[str, Any]:
    """A figure row with the words the views show: cohort, measure, percentage, flags."""
    flags = []
    if row["provisional"]:
        flags.append("provisional")
    if row["quality"] == "fail":
        flags.append("data quality failed")
    if row["small_numbers"]:
        flags.append("small numbers")
    percent = row["percent"]
    return {
        **row,
        "cohort_text": wording.COHORT[row["cohort"]].short,
        "measure_text": _declared().words(row["measure"]).short,
        "percent_text": (
            wording.percent(percent, fixed=True) if percent is not None else "none published"
        ),
        "flag_list": flags,
        "flags": ", ".join(flags),
    }


@dataclass(frozen=True, slots=True)
class TrustDetail(Listing):
    """One Trust: its facts, its figures over time (the rows) and their sources."""

    trust: Trust
    registry: Registry
    as_of: date
    letters: Sequence[TrackedLetter]
    figures: list[dict[str, Any]]
    sources: list[Source]
    title: str | None = field(default=None)

    def data(self) -> Any:
        data = {
            "trust": self.trust.model_dump(mode="json"),
            "open": self.trust.is_open(self.as_of),
            "figure_history": self.figures,
            "correspondence": due_json(self.letters, {}, as_of=self.as_of.isoformat(), log="")[
                "letters"
            ],
        }
        data["licence"] = licence_json() if republishes(self.trust.figures) else None
        return data

    def rows(self) -> Sequence[Row]:
        return self.figures

    def columns(self) -> Sequence[Column]:
        return CSV_COLUMNS

    def facts(self) -> list[tuple[str, str]]:
        """The Trust's facts, one (label, text) pair a line, then the letters to it."""
        return _facts(self.trust, self.registry, self.as_of) + _letter_facts(self.letters)

    def markdown(self) -> str:
        rows = [_shown(row) for row in self.figures]
        out = [f"# {md_inline(self.trust.name)}", ""]
        out += [f"- **{k}:** {md_inline(v)}" for k, v in self.facts()]
        out += ["", "## Figures", ""]
        out.append(to_markdown(rows, FIGURE_COLUMNS) if rows else "No figures recorded.")
        out += ["", "## Sources", ""]
        out += [f"{i}. {md_inline(s.label())}" for i, s in enumerate(self.sources, 1)] or ["None."]
        if republishes(self.trust.figures):
            out += ["", md_inline(licence_line())]
        return "\n".join(out) + "\n"

    def terminal(self) -> RenderableType:
        return _detail_renderable(
            self.trust, self.facts(), [_shown(row) for row in self.figures], self.sources
        )


def trust_detail(
    trust: Trust, registry: Registry, *, as_of: date, letters: Sequence[TrackedLetter] = ()
) -> TrustDetail:
    """Everything known about one Trust (and the letters to it in the correspondence log)."""
    refs: ReferenceList[Source] = ReferenceList()
    history = sorted(trust.figures, key=lambda f: (f.as_of, f.cohort, f.measure))
    rows = [_figure_row(f, refs) for f in history]
    return TrustDetail(trust, registry, as_of, letters, rows, refs.items)


def _letter_facts(letters: Sequence[TrackedLetter]) -> list[tuple[str, str]]:
    """One line per logged letter: what, when, and where it stands."""
    return [
        (
            f"Letter ({t.letter.kind})",
            f"sent {t.sent_on.isoformat()}, reply by {t.reply_by.isoformat()}: {standing(t)}",
        )
        for t in sorted(letters, key=lambda t: (t.sent_on, t.index))
    ]


def _facts(trust: Trust, registry: Registry, as_of: date) -> list[tuple[str, str]]:
    icb = registry.icb(trust.ods) if kind_of(trust.id) is LMNS else None
    facts: list[tuple[str, str]] = [
        ("Id", trust.id),
        ("ICB code" if icb else "ODS code", trust.ods),
        ("Region", trust.region),
    ]
    if icb is not None:
        facts += _icb_facts(icb, registry, as_of)
    elif trust.icb:
        facts.append(("ICB", _icb_words(trust, registry, as_of)))
    if trust.lmns:
        facts.append(("LMNS", trust.lmns))
    if trust.address:
        facts.append(("Address", trust.address.replace("\n", ", ")))
    if trust.website:
        facts.append(("Website", trust.website))
    if trust.board_papers_url:
        facts.append(("Board papers", trust.board_papers_url))
    if trust.closed_on:
        state = "closed" if not trust.is_open(as_of) else "closes"
        text = f"{state} {trust.closed_on.isoformat()}"
        if trust.successor:
            successor = next((t for t in registry.trusts if t.id == trust.successor), None)
            text += f"; succeeded by {successor.name if successor else trust.successor}"
        facts.append(("Status", text))
    recorded, official = figure_counts(trust.figures)
    facts.append(
        (
            "Figures",
            f"{official} official (NHS England's statistics), {recorded} recorded from other "
            "sources",
        )
    )
    plan = trust.plan
    if plan is None or plan.status == "unknown":
        facts.append(("Plan", "not known: nobody has recorded one yet"))
    else:
        text = plan.status
        if plan.published:
            text += f", published {plan.published.isoformat()}"
        text += f", co-produced: {plan.coproduced}"
        facts.append(("Plan", text))
        if plan.url:
            facts.append(("Plan document", plan.url))
        for m in sorted(plan.milestones, key=lambda m: m.due):
            level = wording.percent(m.percent)
            facts.append(("Milestone", f"{level} of {m.cohort} by {m.due.isoformat()}"))
        for r in sorted(plan.board_reviews, key=lambda r: r.date):
            text = (
                r.date.isoformat()
                + (f" — {r.note}" if r.note else "")
                + (f" ({r.url})" if r.url else "")
            )
            facts.append(("Board review", text))
    for i in sorted(trust.inspections, key=lambda i: i.date):
        rating = (i.rating or "no rating").replace("_", " ")
        facts.append(
            (
                "Inspection",
                f"{i.date.isoformat()} {i.body} {i.service}: {rating}"
                + (f" ({i.url})" if i.url else ""),
            )
        )
    for c in trust.contacts:
        facts.append((f"Contact ({c.role.replace('_', ' ')})", contact_words(c, as_of)))
    if trust.notes:
        facts.append(("Notes", trust.notes.strip()))
    return facts


def contact_words(contact: Contact, as_of: date) -> str:
    """A contact in one line: who, how to reach them, where that was found and when it was
    last checked, flagged when that was over a year ago (check it before writing)."""
    from cocwatch.core.letters.people import contact_stale

    who = [x for x in (contact.name, contact.title, contact.email) if x]
    if contact.address:
        who.append(contact.address.replace("\n", ", "))
    text = ", ".join(who) or "(no name recorded)"
    found = [f"source {contact.source_url}"] if contact.source_url else []
    found.append(
        f"checked {contact.checked.isoformat()}"
        if contact.checked
        else "when checked: not recorded"
    )
    text += f" ({'; '.join(found)})"
    if contact_stale(contact, as_of):
        text += ": not checked for over a year, check it before a letter uses it"
    return text


def _icb_words(trust: Trust, registry: Registry, as_of: date) -> str:
    """A Trust's ICB today, by name where known, and the ICBs it was in before."""
    icb = registry.icb(trust.icb or "")
    text = icb.title if icb is not None else str(trust.icb)
    earlier = [
        f"{p.icb} until {p.to.isoformat()}{' (date unverified)' if p.unverified else ''}"
        for p in trust.icb_history
    ]
    return text + (f"; before: {', '.join(earlier)}" if earlier else "")


def _icb_facts(icb: Icb, registry: Registry, as_of: date) -> list[tuple[str, str]]:
    """An ICB's own facts: its name, dates, what it took over or went to, its Trusts."""
    from cocwatch.core.icbs import current, trusts_in

    facts = [("ICB", icb.title)]
    if icb.from_ or icb.to:
        dates = " ".join(
            x
            for x in (
                f"from {icb.from_.isoformat()}" if icb.from_ else "",
                f"until {icb.to.isoformat()}" if icb.to else "",
            )
            if x
        )
        facts.append(("Dates", dates + (" (unverified)" if icb.unverified else "")))
    if icb.took_over:
        taken = [f"{t.icb}{' (part)' if t.part else ''}" for t in icb.took_over]
        facts.append(("Took over", ", ".join(taken)))
    later = [i.title for i in current(registry, icb, as_of) if i is not icb]
    if later:
        facts.append(("Now in", ", ".join(later)))
    day = as_of if icb.exists_on(as_of) or icb.to is None else icb.to
    members = trusts_in(registry, icb.code, day)
    facts.append(("Trusts", ", ".join(t.id for t in members) or "none in the registry"))
    if icb.source is not None:
        facts.append(("Source", icb.source.label()))
    return facts


def _detail_renderable(
    trust: Trust,
    facts: list[tuple[str, str]],
    rows: list[dict[str, Any]],
    refs: list[Source],
) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    from cocwatch.render.layout import Prose, key_values
    from cocwatch.render.tabular import to_table

    parts: list[RenderableType] = [Prose(trust.name, style="bold"), key_values(facts), Text("")]
    if rows:
        # One flag a line: in a narrow terminal "provisional, data quality failed" breaks badly.
        lines = [
            {
                **row,
                "flags": "\n".join(
                    (["official"] if row["origin"] == "official" else []) + row["flag_list"]
                ),
                "percent_text": "none" if row["percent"] is None else row["percent_text"],
            }
            for row in rows
        ]
        parts.append(to_table(lines, TERMINAL_COLUMNS, title="Figures over time"))
        publishers = _declared().publishers(s.kind for s in refs if s.official)
        names = " and ".join(p.name for p in publishers) or "the publisher"
        checks = " and ".join(p.quality_checks for p in publishers) or "data-quality checks"
        notes = []
        if any(row["percent"] is None for row in rows):
            notes.append(
                f"none: the Trust's data failed {checks} that month, so no percentage was "
                "published."
            )
        suppression = [p.suppression for p in publishers if p.suppression]
        if any(row["small_numbers"] for row in rows) and suppression:
            notes.append(
                f"small numbers: {'; '.join(suppression)}, so that percentage is not precise."
            )
        if any(row["origin"] == "official" for row in rows):
            notes.append(
                f"official: {names}'s published statistics, kept as published in the "
                "statistics folder; the other figures were recorded in the registry file by "
                "people (from a Board paper, an FOI answer…)."
            )
        parts += [Prose(note, style="dim") for note in notes]
    else:
        parts.append(Prose("No figures recorded yet. Add one with `cocwatch record figure`."))
    if refs:
        parts.append(Text("Sources", style="bold"))
        for i, source in enumerate(refs, 1):
            mark = f"  [{i}] "
            parts.append(Prose(f"{_origin(source)}{source.label()}", first=mark))
    return Group(*parts)
