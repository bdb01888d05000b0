"""Output for the registry commands: validation report, schema, Trust and target listings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from cocwatch.core import wording
from cocwatch.core.assessment import COHORT_SHORT, MEASURE_SHORT
from cocwatch.render.correspondence import due_json, standing
from cocwatch.render.tabular import Column, md_inline, plain, render_listing, to_json

if TYPE_CHECKING:
    from rich.console import RenderableType

    from cocwatch.core.correspondence import TrackedLetter
    from cocwatch.core.models import Figure, Registry, Source, Target, Trust
    from cocwatch.errors import Problem


def validation_report(
    fmt: str, source: str, registry: Registry | None, problems: Sequence[Problem], *, as_of: date
) -> str:
    """Say whether the registry is valid, and list every problem."""
    counts = _counts(registry, as_of) if registry is not None else None
    if fmt == "json":
        return to_json(
            {
                "registry": source,
                "valid": not problems,
                "counts": counts,
                "problems": [
                    {
                        "line": p.line,
                        "column": p.column,
                        "trust": p.trust_id,
                        "message": p.message,
                    }
                    for p in problems
                ],
            }
        )
    rows = [
        {"line": p.line, "column": p.column, "trust": p.trust_id, "message": p.message}
        for p in problems
    ]
    columns = [
        Column("line", "Line", "right"),
        Column("column", "Col", "right"),
        Column("trust", "Trust"),
        Column("message", "Problem"),
    ]
    if fmt in {"csv", "markdown"}:
        return str(render_listing(fmt, rows, columns))
    if not problems and counts is not None:
        return (
            f"✓ {source} is valid: {_count(counts['trusts'], 'trust')} "
            f"({counts['open_trusts']} open), {_count(counts['targets'], 'national target')}, "
            f"{_count(counts['figures'], 'figure')}.\n"
        )
    lines = [f"✗ {source} has {len(problems)} problem{'s' if len(problems) != 1 else ''}:"]
    lines += [f"  {p.describe(source)}" for p in problems]
    lines.append("Fix these in a text editor, then run `cocwatch validate` again.")
    return "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _counts(registry: Registry, as_of: date) -> dict[str, int]:
    return {
        "trusts": len(registry.trusts),
        "open_trusts": sum(1 for t in registry.trusts if t.is_open(as_of)),
        "targets": len(registry.national.targets),
        "figures": sum(len(t.figures) for t in registry.trusts) + len(registry.national.figures),
    }


def registry_schema() -> dict[str, Any]:
    """The JSON Schema of the registry format."""
    from cocwatch.core.models import Registry

    schema = Registry.model_json_schema(mode="validation")
    _accept_what_validate_accepts(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cocwatch registry"
    schema["description"] = (
        "Registry of NHS Trusts' Continuity of Carer plans, figures and sources "
        "(data/trusts.yaml). See the cocwatch README, 'Registry format'."
    )
    return schema


def _accept_what_validate_accepts(schema: dict[str, Any]) -> None:
    """Widen the schema where the loader is lenient, so that other validators agree with it.

    The loader reads a bare YAML `yes` (a boolean) as the word, words in any case and with
    spaces around them, `Requires improvement` as `requires_improvement`, and a bare number
    as text; the schema generated from the models knows only the canonical forms.
    """
    from cocwatch.core import models

    definitions = schema.get("$defs", {})
    for name, definition in definitions.items():
        model = getattr(models, name, None)
        properties = definition.get("properties", {})
        if model is None or not hasattr(model, "model_fields"):
            continue
        for field_name, field in model.model_fields.items():
            lenient = _lenient_readers(field.annotation, field.metadata)
            key = field.alias or field_name
            if lenient and key in properties:
                properties[key] = _widened(properties[key], lenient)


def _lenient_readers(annotation: Any, metadata: list[Any]) -> set[str]:
    """The names of the loader's lenient readers (`_yes_no`, `_lower`…) applied to a field."""
    from typing import get_args

    from pydantic.functional_validators import BeforeValidator

    found = {m.func.__name__ for m in metadata if isinstance(m, BeforeValidator)}
    for arg in get_args(annotation):
        if isinstance(arg, BeforeValidator):
            found.add(arg.func.__name__)
        else:
            found |= _lenient_readers(arg, [])
    return found


def _widened(prop: dict[str, Any], readers: set[str]) -> dict[str, Any]:
    """The property's schema, also accepting what `readers` turn into a valid value."""
    arms = prop.get("anyOf", [prop])
    widened: list[dict[str, Any]] = []
    for arm in arms:
        arm = {k: v for k, v in arm.items() if k not in ("default", "title", "description")}
        widened.append(arm)
        if "enum" in arm and readers & {"_lower", "_yes_no", "_word"}:
            words = "|".join(_any_case(str(w), words="_word" in readers) for w in arm["enum"])
            widened.append({"type": "string", "pattern": f"^\\s*({words})\\s*$"})
        if "_yes_no" in readers and "enum" in arm:
            widened.append({"type": "boolean"})
        if "_text" in readers and arm.get("type") == "string":
            widened.append({"type": "number"})
    kept = {k: v for k, v in prop.items() if k in ("default", "title", "description")}
    return {**kept, "anyOf": widened} if len(widened) > 1 else prop


def _any_case(word: str, *, words: bool) -> str:
    """A regular expression matching `word` in any case (and, for words, with - or spaces)."""
    out = ""
    for char in word:
        if char.isalpha():
            out += f"[{char.lower()}{char.upper()}]"
        elif char == "_" and words:
            out += "[ _-]+"
        else:
            out += re.escape(char)
    return out


def _trust_row(trust: Trust, as_of: date) -> dict[str, Any]:
    latest = max(trust.figures, key=lambda f: f.as_of, default=None)
    return {
        "id": trust.id,
        "ods": trust.ods,
        "name": trust.name,
        "region": trust.region,
        "icb": trust.icb,
        "lmns": trust.lmns,
        "open": trust.is_open(as_of),
        "closed_on": trust.closed_on,
        "successor": trust.successor,
        "plan_status": trust.plan.status if trust.plan else None,
        "figures": len(trust.figures),
        "latest_figure_as_of": latest.as_of if latest else None,
    }


def trust_listing(
    fmt: str, trusts: Sequence[Trust], *, as_of: date, source: str
) -> str | RenderableType:
    """List Trusts."""
    rows = [_trust_row(t, as_of) for t in trusts]
    for row in rows:
        row["plan"] = row["plan_status"] or "not known"
        row["state"] = "open" if row["open"] else f"closed {plain(row['closed_on'])}"
        row["trust"] = f"{row['name']}\n({row['id']})"
    columns = [
        Column("trust", "Trust (and its id)", min_width=20),
        Column("ods", "ODS", no_wrap=True),
        Column("region", "Region", max_width=12),
        Column("plan", "Plan", max_width=9),
        Column("figures", "Figs", "right", no_wrap=True),
        Column("state", "State", max_width=8),
    ]
    if fmt in {"csv", "markdown"}:
        columns = [
            Column(key, key)
            for key in (
                "id",
                "ods",
                "name",
                "region",
                "icb",
                "plan_status",
                "figures",
                "closed_on",
                "successor",
            )
        ]
    data = {"registry": source, "count": len(rows), "trusts": [_public(r) for r in rows]}
    return render_listing(
        fmt,
        rows,
        columns,
        json_data=data,
        title=f"{len(rows)} {'Trust' if len(rows) == 1 else 'Trusts'} in {source}",
    )


def target_status(target: Target, as_of: date, targets: Sequence[Target] = ()) -> str:
    """On `as_of`: not yet set, active, superseded (replaced by a later target) or withdrawn.

    `targets` are the registry's national targets, to date a supersession by its successor's
    `set_on`; without them, a superseded target counts as replaced once it is due.
    """
    from cocwatch.core.targets import superseded_on

    if not target.was_set(as_of):
        return "not yet set"
    if target.withdrawn_on is not None and target.withdrawn_on <= as_of:
        return "withdrawn"
    replaced = superseded_on(target, {t.id: t for t in targets})
    if replaced is not None and replaced <= as_of:
        return "superseded"
    return "active"


_PRECISION_FORMATS = {"year": "%Y", "month": "%Y-%m", "day": "%Y-%m-%d"}


def due_text(target: Target) -> str:
    """The due date at the precision of its source: 2024, 2021-03 or 2021-03-31."""
    return target.due.strftime(_PRECISION_FORMATS[target.due_precision])


def target_listing(fmt: str, registry: Registry, *, as_of: date) -> str | RenderableType:
    """The national targets timeline: each target's level, measure, due date and how it ended."""
    targets = registry.national.targets
    ordered = sorted(targets, key=lambda t: (t.due, t.id))
    rows: list[dict[str, Any]] = []
    for t in ordered:
        status = target_status(t, as_of, targets)
        # Parentheses, not brackets: rich would read "[most deprived]" as markup and drop it.
        about = [w.replace("_", " ") for w in (t.cohort, t.measure)]
        about = [w for w in about if w not in ("all", "placed by 28 weeks")]
        qualifier = f" ({'; '.join(about)})" if about else ""
        ended = ""
        if status == "withdrawn" and t.withdrawn_on:
            ended = f"\n{t.withdrawn_on.isoformat()}"
        elif status == "superseded" and t.superseded_by:
            ended = f"\nby {t.superseded_by}"
        rows.append(
            {
                "id": t.id,
                "title": t.title,
                "cohort": t.cohort,
                "measure": t.measure,
                "percent": t.percent,
                "set_on": t.set_on,
                "set_on_precision": t.set_on_precision,
                "due": t.due,
                "due_precision": t.due_precision,
                "withdrawn_on": t.withdrawn_on,
                "superseded_by": t.superseded_by,
                "status": status,
                "source_url": t.source.url if t.source else None,
                "source_title": t.source.title if t.source else None,
                "notes": t.notes,
                "percent_text": wording.percent(t.percent) if t.percent is not None else "—",
                "due_text": due_text(t),
                "state": status + ended,
                "target": t.title + qualifier,
            }
        )
    columns = [
        Column("id", "Id", max_width=17),
        Column("target", "Target", min_width=16),
        Column("percent_text", "Level", "right", no_wrap=True),
        Column("due_text", "Due", no_wrap=True),
        Column("state", "Status", no_wrap=True),
    ]
    data = {"as_of": as_of, "targets": [_public(r) for r in rows]}
    if fmt in {"csv", "markdown"}:
        columns = [
            Column("id", "Id"),
            Column("title", "Target"),
            Column("cohort", "Cohort"),
            Column("percent", "Percent", "right"),
            Column("set_on", "Set on"),
            Column("due", "Due"),
            Column("due_precision", "Due precision"),
            Column("status", "Status"),
            Column("withdrawn_on", "Withdrawn on"),
            Column("superseded_by", "Superseded by"),
            Column("source_url", "Source"),
        ]
    return render_listing(fmt, rows, columns, json_data=data, title=f"National targets on {as_of}")


def _cite(source: Source, refs: list[Source]) -> int:
    if source not in refs:
        refs.append(source)
    return refs.index(source) + 1


def _figure_row(figure: Figure, refs: list[Source]) -> dict[str, Any]:
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
        "ref": _cite(figure.source, refs),
        "source_url": figure.source.url,
        "source_title": figure.source.title,
    }


def trust_detail(
    fmt: str,
    trust: Trust,
    registry: Registry,
    *,
    as_of: date,
    letters: Sequence[TrackedLetter] = (),
) -> str | RenderableType:
    """Everything known about one Trust (and the letters to it in the correspondence log)."""
    refs: list[Source] = []
    history = sorted(trust.figures, key=lambda f: (f.as_of, f.cohort, f.measure))
    rows = [_figure_row(f, refs) for f in history]
    if fmt == "json":
        return to_json(
            {
                "trust": trust.model_dump(mode="json"),
                "open": trust.is_open(as_of),
                "figure_history": rows,
                "correspondence": due_json(letters, {}, as_of=as_of.isoformat(), log="")["letters"],
            }
        )
    fig_columns = [
        Column("as_of", "As of", no_wrap=True),
        Column("cohort_text", "Cohort"),
        Column("measure_text", "Measure"),
        Column("percent_text", "Percent", "right"),
        Column("counts", "Count"),
        Column("flags", "Flags", min_width=11),
        Column("ref", "Src", "right"),
    ]
    for row in rows:
        row["cohort_text"] = COHORT_SHORT[row["cohort"]]
        row["measure_text"] = MEASURE_SHORT[row["measure"]]
        row["percent_text"] = (
            wording.percent(row["percent"], fixed=True)
            if row["percent"] is not None
            else "none published"
        )
        flags = []
        if row["provisional"]:
            flags.append("provisional")
        if row["quality"] == "fail":
            flags.append("data quality failed")
        if row["small_numbers"]:
            flags.append("small numbers")
        row["flag_list"] = flags
        row["flags"] = ", ".join(flags)
    if fmt == "csv":
        return str(
            render_listing(
                "csv",
                rows,
                [
                    Column("as_of", ""),
                    Column("cohort", ""),
                    Column("measure", ""),
                    Column("percent", ""),
                    Column("provisional", ""),
                    Column("quality", ""),
                    Column("source_url", ""),
                    Column("source_title", ""),
                ],
            )
        )
    facts = _facts(trust, registry, as_of) + _letter_facts(letters)
    if fmt == "markdown":
        out = [f"# {md_inline(trust.name)}", ""]
        out += [f"- **{k}:** {md_inline(v)}" for k, v in facts]
        out += ["", "## Figures", ""]
        out.append(
            str(render_listing("markdown", rows, fig_columns)) if rows else "No figures recorded."
        )
        out += ["", "## Sources", ""]
        out += [f"{i}. {md_inline(s.label())}" for i, s in enumerate(refs, 1)] or ["None."]
        return "\n".join(out) + "\n"
    return _detail_renderable(trust, facts, rows, fig_columns, refs)


def _letter_facts(letters: Sequence[TrackedLetter]) -> list[tuple[str, str]]:
    """One line per logged letter: what, when, and where it stands."""
    return [
        (
            f"Letter ({t.letter.kind})",
            f"sent {t.letter.sent_on.isoformat()}, reply by {t.reply_by.isoformat()}: "
            f"{standing(t)}",
        )
        for t in sorted(letters, key=lambda t: (t.letter.sent_on, t.index))
    ]


def _facts(trust: Trust, registry: Registry, as_of: date) -> list[tuple[str, str]]:
    facts: list[tuple[str, str]] = [
        ("Id", trust.id),
        ("ODS code", trust.ods),
        ("Region", trust.region),
    ]
    if trust.icb:
        facts.append(("ICB", trust.icb))
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
        who = ", ".join(x for x in (c.name, c.title, c.email) if x) or "(no name recorded)"
        facts.append((f"Contact ({c.role.replace('_', ' ')})", who))
    if trust.notes:
        facts.append(("Notes", trust.notes.strip()))
    return facts


def _detail_renderable(
    trust: Trust,
    facts: list[tuple[str, str]],
    rows: list[dict[str, Any]],
    fig_columns: list[Column],
    refs: list[Source],
) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    from cocwatch.render.tabular import to_table

    info = Table.grid(padding=(0, 2))
    info.add_column(style="bold", no_wrap=True)
    info.add_column(overflow="fold")
    for key, value in facts:
        info.add_row(key, value)
    parts: list[RenderableType] = [Text(trust.name, style="bold"), info, Text("")]
    if rows:
        # One flag a line: in a narrow terminal "provisional, data quality failed" breaks badly.
        lines = [
            {
                **row,
                "flags": "\n".join(row["flag_list"]),
                "percent_text": "none" if row["percent"] is None else row["percent_text"],
            }
            for row in rows
        ]
        parts.append(to_table(lines, fig_columns, title="Figures over time"))
        notes = []
        if any(row["percent"] is None for row in rows):
            notes.append(
                "none: the Trust's data failed NHS England's data-quality checks that month, "
                "so no percentage was published."
            )
        if any(row["small_numbers"] for row in rows):
            notes.append(
                "small numbers: NHS England publishes any count from 1 to 7 as 5, so that "
                "percentage is not precise."
            )
        parts += [Text(note, style="dim") for note in notes]
    else:
        parts.append(Text("No figures recorded yet. Add one with `cocwatch record figure`."))
    if refs:
        parts.append(Text("Sources", style="bold"))
        parts += [Text(f"  [{i}] {s.label()}") for i, s in enumerate(refs, 1)]
    return Group(*parts)


_DISPLAY_ONLY = {"percent_text", "due_text", "state", "target", "trust", "plan"}


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """Drop the columns that exist only for the terminal table."""
    return {k: v for k, v in row.items() if k not in _DISPLAY_ONLY}
