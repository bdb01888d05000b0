"""Output of the registry commands: the validation report, the JSON Schema, and the Trust
and national-target listings (`show`'s one Trust is in `cocwatch.render.show`).

May import: `cocwatch.core`, `cocwatch.render` (`formats`, `tabular`); pydantic inside
`registry_schema`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from cocwatch.core import wording
from cocwatch.render.formats import RowListing
from cocwatch.render.tabular import Column, plain

if TYPE_CHECKING:
    from cocwatch.core.models import Figure, Icb, Registry, Target, Trust
    from cocwatch.errors import Problem


def validation_listing(
    source: str,
    registry: Registry | None,
    problems: Sequence[Problem],
    *,
    as_of: date,
    official: Registry | None = None,
) -> RowListing:
    """Whether the registry is valid, and every problem; at a terminal, in sentences.

    `official` is the registry with the statistics folder's figures beside the recorded ones
    (as `show` lists them), to count those too.
    """
    counts = _counts(registry, as_of, official) if registry is not None else None
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
    data = {"registry": source, "valid": not problems, "counts": counts, "problems": rows}
    return RowListing(rows, columns, json=data, text=_verdict(source, problems, counts))


def _verdict(source: str, problems: Sequence[Problem], counts: dict[str, int] | None) -> str:
    if not problems and counts is not None:
        return (
            f"✓ {source} is valid: {_count(counts['trusts'], 'trust')} "
            f"({counts['open_trusts']} open), {_count(counts['targets'], 'national target')}, "
            f"{_count(counts['official_figures'], 'official figure')} (NHS England's "
            f"statistics) and {_count(counts['recorded_figures'], 'figure')} recorded from "
            "other sources (Board papers, FOI answers…).\n"
        )
    lines = [f"✗ {source} has {len(problems)} problem{'s' if len(problems) != 1 else ''}:"]
    lines += [f"  {p.describe(source)}" for p in problems]
    lines.append("Fix these in a text editor, then run `cocwatch validate` again.")
    return "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def figure_counts(figures: Sequence[Figure]) -> tuple[int, int]:
    """(recorded, official): figures people recorded from Board papers, FOI answers and the
    like, and NHS England's official statistics (as `show` marks them)."""
    official = sum(1 for f in figures if f.source.official)
    return len(figures) - official, official


def _counts(registry: Registry, as_of: date, official: Registry | None) -> dict[str, int]:
    merged = official or registry
    figures = [f for t in merged.trusts for f in t.figures] + list(merged.national.figures)
    recorded, from_statistics = figure_counts(figures)
    return {
        "trusts": len(registry.trusts),
        "open_trusts": sum(1 for t in registry.trusts if t.is_open(as_of)),
        "targets": len(registry.national.targets),
        "figures": recorded + from_statistics,
        "recorded_figures": recorded,
        "official_figures": from_statistics,
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
        "(data/trusts.yaml). See the cocwatch guide 'The registry file' (docs/guides/registry.md)."
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
    """The names of the loader's lenient readers (`as_text`, `lowercased`…) applied to a field."""
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
        if "enum" in arm and readers & {"lowercased", "yes_no_as_word", "as_one_word"}:
            words = "|".join(_any_case(str(w), words="as_one_word" in readers) for w in arm["enum"])
            widened.append({"type": "string", "pattern": f"^\\s*({words})\\s*$"})
        if "yes_no_as_word" in readers and "enum" in arm:
            widened.append({"type": "boolean"})
        if "as_text" in readers and arm.get("type") == "string":
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
    recorded, official = figure_counts(trust.figures)
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
        "recorded_figures": recorded,
        "official_figures": official,
        "latest_figure_as_of": latest.as_of if latest else None,
    }


def trust_listing(
    trusts: Sequence[Trust],
    *,
    as_of: date,
    source: str,
    why: Mapping[str, str] | None = None,
) -> RowListing:
    """The Trusts, a row each; the terminal shows fewer columns, the id under the name.
    `why` says why each matched a search (by id), shown in a column of its own.

    Give the Trusts with their official figures beside the recorded ones (as `show` lists
    them): the listing counts both, apart."""
    rows = [_trust_row(t, as_of) for t in trusts]
    if why is not None:
        rows = [{**row, "matched": why.get(row["id"])} for row in rows]
    shown = [
        {
            **row,
            "plan": row["plan_status"] or "not known",
            "state": "open" if row["open"] else f"closed {plain(row['closed_on'])}",
            "trust": f"{row['name']}\n({row['id']})",
        }
        for row in rows
    ]
    table_columns = [
        Column("trust", "Trust (and its id)", min_width=20),
        Column("ods", "ODS", no_wrap=True),
        Column("region", "Region", max_width=12),
        Column("plan", "Plan", max_width=9),
        Column("recorded_figures", "Recorded", "right", no_wrap=True),
        Column("official_figures", "Official", "right", no_wrap=True),
        Column("state", "State", max_width=8),
    ]
    if why is not None:
        table_columns.append(Column("matched", "Why it matched", max_width=30))
    keys = (
        "id", "ods", "name", "region", "icb", "plan_status", "figures", "recorded_figures",
        "official_figures", "closed_on",
    )  # fmt: skip
    columns = [Column(key, key) for key in (*keys, "successor")]
    if why is not None:
        columns.append(Column("matched", "matched"))
    return RowListing(
        rows,
        columns,
        json={"registry": source, "count": len(rows), "trusts": rows},
        title=f"{len(rows)} {'Trust' if len(rows) == 1 else 'Trusts'} in {source}",
        table_rows=shown,
        table_columns=table_columns,
    )


def icb_listing(registry: Registry, icbs: Sequence[Icb], *, as_of: date, source: str) -> RowListing:
    """The ICBs, a row each: code, name (where a source gives it), region, dates, the ICBs
    that hold its area on `as_of`, and its Trusts then (on its last day, for one that ended)."""
    from cocwatch.core.icbs import current, trusts_in

    rows: list[dict[str, Any]] = []
    shown: list[dict[str, Any]] = []
    for icb in icbs:
        day = as_of if icb.exists_on(as_of) or icb.to is None else icb.to
        now = [i.code for i in current(registry, icb, as_of) if i.code != icb.code]
        members = [t.id for t in trusts_in(registry, icb.code, day)]
        took = [t.icb for t in icb.took_over]
        rows.append(
            {
                "code": icb.code,
                "name": icb.name,
                "region": icb.region,
                "from": icb.from_,
                "to": icb.to,
                "took_over": took,
                "now_in": now,
                "trusts": members,
            }
        )
        dates = [
            f"from {plain(icb.from_)}" if icb.from_ else "",
            f"to {plain(icb.to)}" if icb.to else "",
        ]
        shown.append(
            {
                "icb": f"{icb.name or '(name not recorded)'}\n{icb.code}",
                "region": icb.region,
                "dates": " ".join(d for d in dates if d),
                "held": ("now in " + ", ".join(now))
                if now
                else (("took over " + ", ".join(took)) if took else ""),
                "count": len(members),
            }
        )
    table_columns = [
        Column("icb", "ICB (and its code)", min_width=24),
        Column("region", "Region", max_width=14),
        Column("dates", "Dates", max_width=12),
        Column("held", "Now in / took over", max_width=18),
        Column("count", "Trusts", "right", no_wrap=True),
    ]
    flat = [
        {
            **row,
            "took_over": " ".join(row["took_over"]),
            "now_in": " ".join(row["now_in"]),
            "trusts": " ".join(row["trusts"]),
        }
        for row in rows
    ]
    keys = ("code", "name", "region", "from", "to", "took_over", "now_in", "trusts")
    return RowListing(
        flat,
        [Column(k, k) for k in keys],
        json={"registry": source, "count": len(rows), "icbs": rows},
        title=f"{len(rows)} {'ICB' if len(rows) == 1 else 'ICBs'} in {source}",
        table_rows=shown,
        table_columns=table_columns,
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


def target_listing(registry: Registry, *, as_of: date) -> RowListing:
    """The national targets timeline: each target's level, measure, due date and how it ended."""
    targets = registry.national.targets
    ordered = sorted(targets, key=lambda t: (t.due, t.id))
    rows: list[dict[str, Any]] = []
    shown: list[dict[str, Any]] = []
    for t in ordered:
        status = target_status(t, as_of, targets)
        # Parentheses, not brackets: "[most deprived]" reads as a footnote mark.
        about = [w.replace("_", " ") for w in (t.cohort, t.measure)]
        about = [w for w in about if w not in ("all", "placed by 28 weeks")]
        qualifier = f" ({'; '.join(about)})" if about else ""
        ended = ""
        if status == "withdrawn" and t.withdrawn_on:
            ended = f"\n{t.withdrawn_on.isoformat()}"
        elif status == "superseded" and t.superseded_by:
            ended = f"\nby {t.superseded_by}"
        row = {
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
        }
        rows.append(row)
        shown.append(
            {
                **row,
                "percent_text": wording.percent(t.percent) if t.percent is not None else "—",
                "due_text": due_text(t),
                "state": status + ended,
                "target": t.title + qualifier,
            }
        )
    table_columns = [
        Column("id", "Id", max_width=17),
        Column("target", "Target", min_width=16),
        Column("percent_text", "Level", "right", no_wrap=True),
        Column("due_text", "Due", no_wrap=True),
        Column("state", "Status", no_wrap=True),
    ]
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
    return RowListing(
        rows,
        columns,
        json={"as_of": as_of, "targets": rows},
        title=f"National targets on {as_of}",
        table_rows=shown,
        table_columns=table_columns,
    )
