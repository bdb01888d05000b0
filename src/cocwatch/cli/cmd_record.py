"""`record figure|review|inspection|contact`: add one entry to the registry file.

Everything outside the new entry stays byte for byte as it was (comments, blank lines,
quoting); the result is validated before it replaces the file, atomically and under a lock.
The closed choices (--cohort, --measure, ...) are the registry format's own `Literal` types
from ``cocwatch.core.kinds``, so a new member is offered here without another edit.
"""

from __future__ import annotations

import math
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cocwatch.cli.app import app
from cocwatch.cli.dates import today
from cocwatch.cli.lookups import by_postcode
from cocwatch.cli.options import DRY_RUN, date_option, parse_percent
from cocwatch.cli.output import emit
from cocwatch.cli.selection import find_icb, find_trust
from cocwatch.cli.session import Session, session, writable_registry
from cocwatch.core.kinds import CONTACT_ROLES, Cohort, Quality, Rating, SourceKind
from cocwatch.core.measures import DEFAULT_MEASURE, Measure
from cocwatch.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from cocwatch.core.edits import Change
    from cocwatch.core.models import Registry, Trust
    from cocwatch.registry.edit import EditResult

record_app = typer.Typer(
    help="Add one entry (a figure, a Board review, an inspection, a contact) to the registry "
    "file, keeping every comment and all formatting.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(record_app, name="record")


TRUST_ARGUMENT = typer.Argument(
    ..., metavar="TRUST", help="Trust id, ODS code or words of its name."
)
REPLACE_OPTION = typer.Option(
    False, "--replace", help="Replace an entry for the same date instead of refusing."
)


def record(
    s: Session,
    path: Path,
    name: str,
    build: Callable[[Trust], tuple[Change, str]],
    *,
    dry_run: bool,
    what: str,
) -> None:
    """Find the Trust, build the change from the latest registry, apply it and report."""
    from cocwatch.registry.edit import change_registry

    def plan(registry: Registry) -> tuple[list[Change], tuple[Trust, str]]:
        trust = find_trust(registry, name, by_postcode=by_postcode(s))
        change, note = build(trust)
        return [change], (trust, note)

    result, (trust, note) = change_registry(path, plan, today=today(), dry_run=dry_run)
    _report(s, result, trust, what=what, note=note)


def _report(s: Session, result: EditResult, trust: Trust, *, what: str, note: str) -> None:
    if not result.written:
        emit(result.diff())
        s.info(f"Dry run: {result.path} was not changed. Run again without --dry-run to write.")
        return
    s.info(f"Recorded {what} for {trust.name} ({trust.id}) in {result.path}.")
    if note:
        s.info(note)


def _same_date_index(entries: tuple[Any, ...], match: Any) -> int | None:
    return next((i for i, entry in enumerate(entries) if match(entry)), None)


def _duplicate(trust: Trust, what: str, index: int | None, *, replace: bool) -> None:
    if index is not None and not replace:
        raise UsageError(
            f"{trust.name} ({trust.id}) already has {what}. Use --replace to replace it, or "
            "change it by hand in the registry file, then run `cocwatch validate`."
        )


@record_app.command("figure")
def record_figure(
    ctx: typer.Context,
    *,
    trust: list[str] = TRUST_ARGUMENT,
    percent_text: str | None = typer.Option(
        None,
        "--percent",
        "-p",
        metavar="PERCENT",
        help="The percentage (0 to 100), as published: 17.2 or 17.2%.",
    ),
    numerator: int | None = typer.Option(
        None,
        "--numerator",
        help="Women on the pathway (with --denominator, instead of or as well as --percent).",
    ),
    denominator: int | None = typer.Option(None, "--denominator", help="Women in the cohort."),
    day: Annotated[date, date_option("--as-of", help="End of the period the figure describes.")],
    source_url: str = typer.Option(
        ..., "--source-url", metavar="URL", help="Web address where the figure was published."
    ),
    source_title: str | None = typer.Option(
        None, "--source-title", metavar="TEXT", help="Title of the document, e.g. a Board paper."
    ),
    source_kind: SourceKind = typer.Option(
        "other", "--source-kind", case_sensitive=False, help="What kind of document the source is."
    ),
    retrieved: Annotated[
        date,
        date_option(
            "--retrieved", default_today=True, help="When you read the source (default: today)."
        ),
    ],
    cohort: Cohort = typer.Option("all", "--cohort", case_sensitive=False, help="Which women."),
    measure: Measure = typer.Option(
        DEFAULT_MEASURE, "--measure", case_sensitive=False, help="What was counted."
    ),
    provisional: bool = typer.Option(
        False, "--provisional", help="The figure is provisional (to be revised)."
    ),
    quality: Quality = typer.Option(
        "unknown", "--quality", case_sensitive=False, help="The MSDS data-quality result, if known."
    ),
    note: str | None = typer.Option(None, "--note", help="A note kept with the figure."),
    replace: bool = REPLACE_OPTION,
    dry_run: DRY_RUN = False,
) -> None:
    """Add a figure (a percentage of a cohort at a date, with its source) to a Trust."""
    from cocwatch.core.edits import Append, Replace

    s = session(ctx)
    path = writable_registry(s, dry_run=dry_run)
    percent = parse_percent(percent_text, "--percent")
    if percent is None and (numerator is None or denominator is None):
        raise UsageError(
            "Give the figure as --percent P, or as --numerator N --denominator D (or both)."
        )
    if (numerator is None) != (denominator is None):
        raise UsageError("Give --numerator and --denominator together.")
    if percent is not None and not math.isfinite(percent):  # 0-100 is checked with the entry
        raise UsageError(
            f"--percent must be a number from 0 to 100, as published (found {percent:g})."
        )
    entry: dict[str, Any] = {"cohort": cohort, "measure": measure}
    if percent is not None:
        entry["percent"] = percent
    if numerator is not None:
        entry |= {"numerator": numerator, "denominator": denominator}
    entry["as_of"] = day
    if provisional:
        entry["provisional"] = True
    if quality != "unknown":
        entry["quality"] = quality
    source: dict[str, Any] = {"url": source_url}
    if source_title:
        source["title"] = source_title
    source["kind"] = source_kind
    source["retrieved"] = retrieved
    entry["source"] = source
    if note:
        entry["notes"] = note

    def build(found: Trust) -> tuple[Change, str]:
        index = _same_date_index(
            found.figures,
            lambda f: (f.cohort, f.measure, f.as_of) == (cohort, measure, day),
        )
        if index is not None:
            old = found.figures[index]
            _duplicate(
                found,
                f"a figure for cohort {cohort}, measure {measure}, as of "
                f"{day.isoformat()} ({old.value:g}%)",
                index,
                replace=replace,
            )
            return Replace(found.id, ("figures",), index, entry), ""
        return Append(found.id, ("figures",), (entry,)), ""

    record(s, path, " ".join(trust), build, dry_run=dry_run, what="a figure")


@record_app.command("review")
def record_review(
    ctx: typer.Context,
    *,
    trust: list[str] = TRUST_ARGUMENT,
    day: Annotated[date, date_option("--date", help="Date of the Board meeting.")],
    url: str | None = typer.Option(None, "--url", help="Web address of the Board papers."),
    note: str | None = typer.Option(None, "--note", help="What the Board reviewed or decided."),
    replace: bool = REPLACE_OPTION,
    dry_run: DRY_RUN = False,
) -> None:
    """Add a Board review of Continuity of Carer progress to a Trust's plan.

    A Trust with no plan recorded gets `plan: {status: unknown}` to hold the review: a
    review does not show that a plan exists. Set the status by hand when you know it.
    """
    from cocwatch.core.edits import Append, Replace

    s = session(ctx)
    path = writable_registry(s, dry_run=dry_run)
    entry: dict[str, Any] = {"date": day}
    if url:
        entry["url"] = url
    if note:
        entry["note"] = note

    def build(found: Trust) -> tuple[Change, str]:
        key = ("plan", "board_reviews")
        if found.plan is None:
            note = (
                "No plan was recorded for this Trust, so 'plan:' was added with "
                "'status: unknown'; set the status when you know it."
            )
            return Append(found.id, key, (entry,), {"status": "unknown"}), note
        index = _same_date_index(found.plan.board_reviews, lambda r: r.date == day)
        _duplicate(found, f"a Board review on {day.isoformat()}", index, replace=replace)
        if index is not None:
            return Replace(found.id, key, index, entry), ""
        return Append(found.id, key, (entry,)), ""

    record(s, path, " ".join(trust), build, dry_run=dry_run, what="a Board review")


@record_app.command("inspection")
def record_inspection(
    ctx: typer.Context,
    *,
    trust: list[str] = TRUST_ARGUMENT,
    day: Annotated[date, date_option("--date", help="Date of the inspection report.")],
    rating: Rating = typer.Option(..., "--rating", case_sensitive=False, help="The rating given."),
    body: str = typer.Option("CQC", "--body", help="Who inspected."),
    service: str = typer.Option("maternity", "--service", help="The service inspected."),
    url: str | None = typer.Option(None, "--url", help="Web address of the report."),
    note: str | None = typer.Option(None, "--note", help="A note kept with the inspection."),
    replace: bool = REPLACE_OPTION,
    dry_run: DRY_RUN = False,
) -> None:
    """Add an inspection of a Trust's maternity service (usually by the CQC)."""
    from cocwatch.core.edits import Append, Replace

    s = session(ctx)
    path = writable_registry(s, dry_run=dry_run)
    entry: dict[str, Any] = {
        "date": day,
        "body": body,
        "service": service,
        "rating": rating,
    }
    if url:
        entry["url"] = url
    if note:
        entry["notes"] = note

    def build(found: Trust) -> tuple[Change, str]:
        index = _same_date_index(
            found.inspections,
            lambda i: (
                (i.date, i.body.lower(), i.service.lower()) == (day, body.lower(), service.lower())
            ),
        )
        _duplicate(
            found, f"a {body} inspection of {service} on {day.isoformat()}", index, replace=replace
        )
        if index is not None:
            return Replace(found.id, ("inspections",), index, entry), ""
        return Append(found.id, ("inspections",), (entry,)), ""

    record(s, path, " ".join(trust), build, dry_run=dry_run, what="an inspection")


# The roles a contact is recorded under (the letter templates' recipients); the MP is found
# online by `cocwatch mp`, and the national roles belong to `national:`.
RECORDED_ROLES = tuple(
    r for r in CONTACT_ROLES if r not in ("mp", "secretary_of_state", "minister", "ico")
)
ContactRoleChoice = StrEnum("ContactRoleChoice", [(r, r) for r in RECORDED_ROLES])  # type: ignore[misc]


@record_app.command("contact")
def record_contact(
    ctx: typer.Context,
    *,
    body: list[str] = typer.Argument(
        ...,
        metavar="TRUST|icb:CODE",
        help="A Trust (id, ODS code or words of its name), or an ICB as icb:CODE.",
    ),
    role: ContactRoleChoice = typer.Option(
        ...,
        "--role",
        metavar="ROLE",
        case_sensitive=False,
        help=f"Their role, which letters to it reach: {', '.join(RECORDED_ROLES)}.",
    ),
    name: str | None = typer.Option(
        None, "--name", help="Their name as they write it, e.g. 'Pat Example' or 'Dr Pat Example'."
    ),
    honorific: str | None = typer.Option(
        None, "--honorific", help="How to greet them, when the name has no title: Ms, Dr, Mr…"
    ),
    title: str | None = typer.Option(
        None, "--title", help="Their job title, when it is not the role's own words."
    ),
    email: str | None = typer.Option(None, "--email", help="Their email address."),
    address: str | None = typer.Option(
        None,
        "--address",
        help="Their postal address: lines separated by commas or \\n (default: the Trust's).",
    ),
    source_url: str | None = typer.Option(
        None, "--source-url", metavar="URL", help="The page where you found these details."
    ),
    checked: Annotated[
        date,
        date_option(
            "--checked",
            default_today=True,
            help="When you last saw the details there (default: today).",
        ),
    ],
    replace: bool = REPLACE_OPTION,
    dry_run: DRY_RUN = False,
) -> None:
    """Add a contact (a named person, a role's address) to a Trust or an ICB.

    Letters to that role then greet them by name ("Dear Ms Example"), carry their address,
    and an email draft is addressed to them. A contact not checked for a year is flagged
    before a letter uses it: record it again with --replace when you have checked it.
    """
    from cocwatch.core.bodies import icb_body_id, icb_code
    from cocwatch.core.edits import Append, Replace
    from cocwatch.registry.edit import change_registry

    s = session(ctx)
    path = writable_registry(s, dry_run=dry_run)
    if not any(v and v.strip() for v in (name, email, address)):
        raise UsageError(
            "Give at least one of --name, --email or --address: who the letters to the role "
            "reach, or where."
        )
    if email is not None and not _looks_like_email(email):
        raise UsageError(f"--email {email!r} is not an email address (name@example.org).")
    entry: dict[str, Any] = {"role": str(role)}
    for key, value in (
        ("name", name),
        ("honorific", honorific),
        ("title", title),
        ("email", email),
    ):
        if value and value.strip():
            entry[key] = value.strip()
    if address and address.strip():
        lines = address.replace("\\n", "\n").split(
            "\n" if "\n" in address.replace("\\n", "\n") else ","
        )
        entry["address"] = "\n".join(line.strip() for line in lines if line.strip())
    if source_url:
        entry["source_url"] = source_url
    entry["checked"] = checked
    typed = " ".join(body)

    def plan(registry: Registry) -> tuple[list[Change], tuple[str, str]]:
        if icb_code(typed) is not None:
            icb = find_icb(registry, typed)
            body_id, label, contacts = icb_body_id(icb.code), icb.title, icb.contacts
        else:
            trust = find_trust(registry, typed, by_postcode=by_postcode(s))
            body_id, label, contacts = trust.id, f"{trust.name} ({trust.id})", trust.contacts
        index = _same_date_index(contacts, lambda c: c.role == str(role))
        if index is not None and not replace:
            held = contacts[index]
            who = f" ({held.name})" if held.name else ""
            raise UsageError(
                f"{label} already has a contact for the role {role}{who}. Use --replace to "
                "replace it, or change it by hand in the registry file, then run "
                "`cocwatch validate`."
            )
        if index is not None:
            return [Replace(body_id, ("contacts",), index, entry)], (label, "replaced")
        return [Append(body_id, ("contacts",), (entry,))], (label, "added")

    result, (label, done) = change_registry(path, plan, today=today(), dry_run=dry_run)
    if not result.written:
        emit(result.diff())
        s.info(f"Dry run: {result.path} was not changed. Run again without --dry-run to write.")
        return
    s.info(f"Recorded the {role} contact for {label} in {result.path} ({done}).")


def _looks_like_email(value: str) -> bool:
    local, _, domain = value.strip().partition("@")
    return bool(local) and "." in domain and " " not in value.strip()
