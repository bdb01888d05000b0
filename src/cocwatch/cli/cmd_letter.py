"""`cocwatch letter` and `cocwatch templates`: draft campaign letters (SPEC §6).

Letters are drafts: nothing is sent. One Trust prints to stdout; several need ``--out DIR``
(one file per Trust, ``NAME-TRUSTID.EXT``; national letters ``NAME.EXT``). Existing files
are never replaced without ``--overwrite`` (refusing is a usage error, exit 2). Every letter
is rendered before anything is written, so ``--strict`` (placeholders are an error, exit 3)
and a failing template leave no half-written batch behind.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cocwatch.cli.app import app
from cocwatch.cli.common import (
    DEFAULT_FORMAT,
    FORMAT,
    REGION,
    emit,
    parse_date,
    select_trusts,
    session,
    today,
)
from cocwatch.errors import InputError, UsageError

if TYPE_CHECKING:
    from cocwatch.cli.common import Session
    from cocwatch.core.assessment import TrustAssessment
    from cocwatch.core.letters import CorrespondenceView, Placeholder
    from cocwatch.core.models import Sender
    from cocwatch.templating.rendering import Letters, RenderedLetter
    from cocwatch.templating.templates import TemplateSpec

LETTER_FORMATS = ("md", "txt", "docx", "eml")
SEVERITY_WORDS = ("ok", "warn", "fail")
STATUS_WORDS = ("no_target", "no_data", "met", "missed", "behind", "on_track")
MAX_LISTED = 8

TEMPLATE_DIR_OPTION = typer.Option(
    None,
    "--template-dir",
    metavar="DIR",
    help="Folder of your own templates (NAME.md.j2); they replace built-ins of the same name. "
    "Default: templates_dir in the config file, then the user config folder's templates/.",
)


@app.command()
def letter(
    ctx: typer.Context,
    template: str = typer.Argument(
        ..., metavar="TEMPLATE", help="board, mnvp, minister, foi, or one of yours."
    ),
    names: list[str] | None = typer.Argument(
        None, metavar="[TRUST]...", help="Trust ids, ODS codes or unique parts of names."
    ),
    all_trusts: bool = typer.Option(False, "--all", help="Every open Trust."),
    region: REGION = None,
    status: str | None = typer.Option(
        None,
        "--status",
        metavar="S,…",
        help="Only Trusts with any of these (comma-separated): a severity (ok, warn, fail), a "
        "cohort status (missed, behind, on_track, met, no_data, no_target) or a finding "
        "(no_plan, plan_unknown, board_review_overdue, …).",
    ),
    out: str | None = typer.Option(
        None,
        "--out",
        "-o",
        metavar="PATH",
        help="A folder for one file per Trust (NAME-TRUSTID.EXT), or a file for one letter. "
        "Default: stdout (one letter only).",
    ),
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        metavar="md|txt|docx|eml",
        help="Markdown (default), plain text, a Word document, or an unsent email draft. "
        "Default: from the --out file's extension, else md.",
    ),
    template_dir: str | None = TEMPLATE_DIR_OPTION,
    as_of: str | None = typer.Option(
        None, "--as-of", metavar="YYYY-MM-DD", help="The letter's date (default: today)."
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace existing files."),
    strict: bool = typer.Option(
        False, "--strict", help="Treat any [placeholder] left in a letter as an error (exit 3)."
    ),
    sender_name: str | None = typer.Option(None, "--sender-name", help="Who signs."),
    sender_organisation: str | None = typer.Option(
        None, "--sender-organisation", help="Their group or organisation."
    ),
    sender_email: str | None = typer.Option(None, "--sender-email", help="Their email."),
    sender_address: str | None = typer.Option(
        None,
        "--sender-address",
        help="Their postal address: lines separated by commas or \\n.",
    ),
    experience: str | None = typer.Option(
        None,
        "--experience",
        metavar="FILE",
        help="A text file with your own paragraph, for letters that invite one (board, mnvp).",
    ),
) -> None:
    """Draft letters that carry each Trust's own figures, benchmarks and sources.

    Sender details come from the config file (sender:) or the --sender-* options; anything
    missing appears as a [placeholder] and is listed in a warning. Nothing is ever sent.
    """
    s = session(ctx)
    day = parse_date(as_of, "--as-of") or today()
    letters = _letters(s, template_dir)
    spec = _template(letters, template)
    output = _output_plan(fmt, out)
    sender = _sender(
        s.config.sender, sender_name, sender_organisation, sender_email, sender_address
    )
    assessed, chosen = _assess(s, spec, names, all_trusts, region, status, day)
    if spec.scope == "trust" and not chosen:
        s.info(f"No Trust matches --status {status}: no letters drafted.")
        return
    rendered = _render_all(
        letters,
        spec,
        s,
        assessed,
        chosen,
        day=day,
        sender=sender,
        fmt=output.fmt,
        experience=_read_experience(experience),
    )
    _check_placeholders(s, rendered, output.fmt, strict=strict)
    _warn_without_figures(s, rendered)
    _write(s, rendered, output, overwrite=overwrite)


@app.command()
def templates(
    ctx: typer.Context,
    template_dir: str | None = TEMPLATE_DIR_OPTION,
    fmt: FORMAT = DEFAULT_FORMAT,
    fields: bool = typer.Option(
        False, "--fields", help="Print every variable and field a template can use (Markdown)."
    ),
) -> None:
    """List the letter templates: name, recipient, scope, description and where each comes from."""
    from cocwatch.core.letters import describe_context
    from cocwatch.render.formats import RowListing, render
    from cocwatch.render.tabular import Column

    if fields:
        emit(describe_context())
        return
    s = session(ctx)
    found = _letters(s, template_dir).templates
    rows = [
        {
            "name": t.name,
            "recipient": t.recipient,
            "scope": t.scope,
            "description": t.description,
            "origin": t.origin + (" (replaces the built-in)" if t.overrides else ""),
        }
        for t in found.values()
    ]
    data = [
        {
            "name": t.name,
            "title": t.title,
            "recipient": t.recipient,
            "cc": list(t.cc),
            "follows": list(t.follows),
            "scope": t.scope,
            "description": t.description,
            "builtin": t.builtin,
            "overrides_builtin": t.overrides,
            "path": str(t.path),
        }
        for t in found.values()
    ]
    columns = [
        Column("name", "Name", no_wrap=True),
        Column("recipient", "Recipient", no_wrap=True),
        Column("scope", "Scope", no_wrap=True),
        Column("description", "Description", max_width=50),
        Column("origin", "From", max_width=30),
    ]
    emit(render(fmt, RowListing(rows, columns, json=data)))


# ---------------------------------------------------------------------------------------
# Steps of `letter`


@dataclass(frozen=True, slots=True)
class _Output:
    fmt: str
    path: Path | None  # None: stdout
    is_dir: bool


def _letters(s: Session, option: str | None) -> Letters:
    from cocwatch.locations import builtin_templates_dir, resolve_templates_dir
    from cocwatch.templating.rendering import Letters

    located = resolve_templates_dir(option, s.config.templates_dir)
    user_dir = Path(located.value).expanduser() if located else None
    return Letters(builtin_templates_dir(), user_dir)


def _template(letters: Letters, name: str) -> TemplateSpec:
    found = letters.templates
    if name not in found:
        import difflib

        close = difflib.get_close_matches(name, list(found), n=3)
        hint = f" Did you mean {' or '.join(close)}?" if close else ""
        raise UsageError(
            f"There is no letter template called '{name}'.{hint} Templates: "
            f"{', '.join(found) or 'none'} (`cocwatch templates` describes them)."
        )
    return found[name]


def _output_plan(fmt: str | None, out: str | None) -> _Output:
    chosen = fmt.lower().lstrip(".") if fmt else None
    if chosen is not None and chosen not in LETTER_FORMATS:
        raise UsageError(f"--format {fmt!r} is not one of {', '.join(LETTER_FORMATS)}.")
    if out is None:
        return _Output(chosen or "md", None, False)
    path = Path(out).expanduser()
    suffix = path.suffix.lower().lstrip(".")
    if suffix in LETTER_FORMATS and not path.is_dir():
        if chosen and chosen != suffix:
            raise UsageError(
                f"--out {out} ends in .{suffix} but --format is {chosen}: make them agree."
            )
        return _Output(suffix, path, False)
    return _Output(chosen or "md", path, True)


def _sender(
    base: Sender,
    name: str | None,
    organisation: str | None,
    email: str | None,
    address: str | None,
) -> Sender:
    updates = {
        key: value.replace("\\n", "\n").strip()
        for key, value in (
            ("name", name),
            ("organisation", organisation),
            ("email", email),
            ("address", address),
        )
        if value and value.strip()
    }
    return base.model_copy(update=updates)


def _read_experience(path: str | None) -> str | None:
    if path is None:
        return None
    from cocwatch.registry import read_text

    return read_text(Path(path).expanduser(), what="experience file")


def _assess(
    s: Session,
    spec: TemplateSpec,
    names: list[str] | None,
    all_trusts: bool,
    region: str | None,
    status: str | None,
    day: date,
) -> tuple[list[TrustAssessment], list[TrustAssessment]]:
    """Assess every open Trust (for the national picture) and pick the letters' Trusts."""
    from cocwatch.core.assessment import assess

    registry = s.registry
    if spec.scope == "national":
        if names or all_trusts or region or status:
            raise UsageError(
                f"The '{spec.name}' letter is national: it takes no Trust, --all, --region "
                "or --status."
            )
        chosen_trusts = []
    else:
        chosen_trusts = select_trusts(
            registry,
            names,
            all_trusts=all_trusts,
            region=region,
            as_of=day,
            filtered=status is not None,
        )
    wanted = _status_words(status)
    pool = {t.id: t for t in registry.trusts if t.is_open(day)}
    pool.update({t.id: t for t in chosen_trusts})
    result = assess(
        registry,
        list(pool.values()),
        as_of=day,
        thresholds=s.config.thresholds,
        letters=s.open_letters(day),
    )
    open_ones = [a for a in result.trusts if a.trust.is_open(day)]
    ids = {t.id for t in chosen_trusts}
    chosen = [a for a in result.trusts if a.trust.id in ids and _matches(a, wanted)]
    return open_ones, chosen


def _status_words(status: str | None) -> set[str]:
    if status is None:
        return set()
    from cocwatch.core.assessment import FINDING_CODES

    words = {w.strip().lower().replace("-", "_") for w in status.split(",") if w.strip()}
    known = set(SEVERITY_WORDS) | set(STATUS_WORDS) | set(FINDING_CODES)
    unknown = sorted(words - known)
    if unknown or not words:
        raise UsageError(
            f"--status {status!r}: {', '.join(unknown) or 'nothing given'} is not a severity, "
            f"status or finding. Use any of: {', '.join(SEVERITY_WORDS)}; "
            f"{', '.join(STATUS_WORDS)}; {', '.join(FINDING_CODES)}."
        )
    return words


def _matches(assessed: TrustAssessment, wanted: set[str]) -> bool:
    if not wanted:
        return True
    have = {str(assessed.severity)}
    have.update(str(c.status) for c in assessed.cohorts)
    have.update(f.code for f in assessed.findings)
    return bool(have & wanted)


def _render_all(
    letters: Letters,
    spec: TemplateSpec,
    s: Session,
    assessed_open: Sequence[TrustAssessment],
    chosen: Sequence[TrustAssessment],
    *,
    day: date,
    sender: Sender,
    fmt: str,
    experience: str | None,
) -> list[RenderedLetter]:
    """Render every letter to Markdown (nothing is written yet)."""
    from cocwatch.core.letters import LetterInfo, letter_context, run_facts
    from cocwatch.core.workdays import foi_non_working_days, foi_reply_by

    compiled = letters.compile(spec.name)
    facts = run_facts(
        s.registry,
        assessed_open,
        as_of=day,
        reply_by=foi_reply_by(day, foi_non_working_days([day.year, day.year + 1])),
        thresholds=s.config.thresholds,
        sender=sender,
        experience=experience,
    )
    info = LetterInfo(spec.name, spec.title, spec.description, spec.scope, fmt, fmt == "eml")
    subjects: Sequence[TrustAssessment | None] = chosen if spec.scope == "trust" else [None]
    followups = _followups(letters, spec, s, chosen, day=day, experience=experience)
    rendered = []
    for a in subjects:
        view = followups.get(a.trust.id) if a is not None else None
        if a is not None and spec.follows and view is None:
            continue  # logged nothing to follow up (reported by _followups)
        rendered.append(
            letters.render(
                compiled,
                letter_context(
                    facts,
                    letter=info,
                    recipient_role=_recipient_role(letters, spec, view),
                    cc_roles=spec.cc,
                    assessed=a,
                    correspondence=view,
                ),
            )
        )
    return rendered


def _followups(
    letters: Letters,
    spec: TemplateSpec,
    s: Session,
    chosen: Sequence[TrustAssessment],
    *,
    day: date,
    experience: str | None,
) -> dict[str, CorrespondenceView]:
    """Each Trust's correspondence view; a follow-up skips Trusts lacking the letter it needs."""
    from cocwatch.core.letters import FOLLOWS_ANY, correspondence_view, missing_followed

    if spec.scope != "trust":
        return {}
    tracked = s.tracked_letters(day)
    titles = {name: t.title for name, t in letters.templates.items()}
    views: dict[str, CorrespondenceView] = {}
    lacking: list[tuple[TrustAssessment, str]] = []
    for a in chosen:
        mine = [t for t in tracked if t.letter.trust == a.trust.id]
        view = correspondence_view(mine, titles, spec.follows, grounds=experience)
        missing = missing_followed(view, spec.follows)
        if missing is not None:
            lacking.append((a, missing))
            continue
        views[a.trust.id] = view
        followed = view.followed
        if followed is not None and followed.status == "awaiting":
            s.warn(
                f"The '{followed.kind}' letter to {a.trust.name} sent on {followed.sent_on} is "
                f"not overdue yet: a reply is due by {followed.reply_by}. The '{spec.name}' "
                "letter is meant for after that date, or after an unsatisfactory reply."
            )
    for a, missing in lacking:
        what = (
            "a letter still awaiting a reply" if missing == FOLLOWS_ANY else f"a '{missing}' letter"
        )
        how = (
            "`cocwatch due` lists what is open"
            if missing == FOLLOWS_ANY
            else f"log it first: cocwatch sent {missing} {a.trust.id} --on YYYY-MM-DD"
        )
        message = (
            f"The '{spec.name}' letter follows up {what}, and the correspondence log "
            f"({s.correspondence_location().value}) has none to {a.trust.name} on or before "
            f"{day}: {how}."
        )
        if len(chosen) == 1:
            raise UsageError(message)
        s.info(f"Skipped: {message}")
    return views


def _recipient_role(letters: Letters, spec: TemplateSpec, view: CorrespondenceView | None) -> str:
    """The template's recipient; for `followed`, whoever the followed letter went to."""
    from cocwatch.core.models import CONTACT_ROLES

    if spec.recipient != "followed":
        return spec.recipient
    followed = view.followed if view is not None else None
    if followed is None:
        return "chief_executive"
    if followed.to in CONTACT_ROLES:
        return str(followed.to)
    original = letters.templates.get(followed.kind)
    if original is not None and original.recipient in CONTACT_ROLES:
        return original.recipient
    return "chief_executive"


def _missing(letter: RenderedLetter, fmt: str) -> list[Placeholder]:
    """The letter's placeholders, plus a missing To: address for an email draft."""
    from cocwatch.core.letters import placeholder
    from cocwatch.templating.eml import usable_email

    found = list(letter.placeholders)
    recipient = letter.context.recipient
    if fmt == "eml" and usable_email(recipient.email) is None:
        found.append(placeholder(f"Email address of the {recipient.role_title}"))
    return found


def _check_placeholders(
    s: Session, rendered: Sequence[RenderedLetter], fmt: str, *, strict: bool
) -> None:
    """Warn about the placeholders left in the letters (an error with --strict)."""
    where: dict[str, list[str]] = {}
    for letter in rendered:
        who = letter.context.trust.id if letter.context.trust else letter.spec.name
        for p in _missing(letter, fmt):
            where.setdefault(f"[{p.label}]", []).append(who)
    if not where:
        return
    parts = []
    for text, letters_with in where.items():
        if len(rendered) == 1:
            parts.append(text)
            continue
        if len(letters_with) == len(rendered):
            parts.append(f"{text} in every letter")
            continue
        listed = ", ".join(letters_with[:MAX_LISTED])
        if len(letters_with) > MAX_LISTED:
            listed += f" and {len(letters_with) - MAX_LISTED} more"
        parts.append(f"{text} in {len(letters_with)} of {len(rendered)} letters ({listed})")
    summary = "; ".join(parts)
    advice = (
        "Record the missing details in the registry's contacts or the config file's sender: "
        "(or use --sender-* and --experience FILE), or fill them in by hand before sending."
    )
    if strict:
        raise InputError(
            f"--strict: the letters still have placeholders, so nothing was written: {summary}. "
            + advice
        )
    s.warn(f"placeholders to fill in before sending: {summary}. {advice}")


def _warn_without_figures(s: Session, rendered: Sequence[RenderedLetter]) -> None:
    """Say so when letters will tell their reader that no figures could be found."""
    bare = [
        r.context.trust.id
        for r in rendered
        if r.context.trust
        and r.context.assessment
        and not r.context.assessment.has_figures
        and r.context.correspondence.followed is None  # follow-ups quote no figures
    ]
    national = rendered[0].context.national if rendered else None
    if bare:
        listed = ", ".join(bare[:MAX_LISTED]) + (
            f" and {len(bare) - MAX_LISTED} more" if len(bare) > MAX_LISTED else ""
        )
        count = "1 letter says" if len(bare) == 1 else f"{len(bare)} letters say"
        s.warn(
            f"{count} no figures could be found for the Trust ({listed}). If MSDS or Board "
            "papers publish some, record them first (`cocwatch import msds`, `cocwatch record "
            "figure`) so the letters do not understate what is published."
        )
    elif national is not None and not rendered[0].context.trust and national.with_figures == 0:
        s.warn(
            "the registry holds no Trust figures, so the letter says none could be found. "
            "Import the latest MSDS figures first (`cocwatch import msds`)."
        )


def _file_name(letter: RenderedLetter, fmt: str) -> str:
    trust = letter.context.trust
    return f"{letter.spec.name}-{trust.id}.{fmt}" if trust else f"{letter.spec.name}.{fmt}"


def _write(
    s: Session, rendered: Sequence[RenderedLetter], output: _Output, *, overwrite: bool
) -> None:
    """Print one letter, or write each to its file (never replacing one without --overwrite)."""
    from cocwatch.files import atomic_write_many
    from cocwatch.templating.formats import letter_bytes

    if output.path is None:
        if len(rendered) > 1:
            raise UsageError(
                f"{len(rendered)} letters: give --out DIR to write one file per Trust."
            )
        if output.fmt == "docx" and sys.stdout.isatty():
            raise UsageError(
                "A Word document cannot be shown in the terminal: add --out FILE.docx "
                "(or redirect the output to a file)."
            )
        emit(letter_bytes(rendered[0], output.fmt))
        return
    if output.is_dir:
        targets = [output.path / _file_name(r, output.fmt) for r in rendered]
    elif len(rendered) == 1:
        targets = [output.path]
    else:
        raise UsageError(
            f"--out {output.path} is a file, but there are {len(rendered)} letters: "
            "give a folder instead."
        )
    if output.is_dir and output.path.exists() and not output.path.is_dir():
        raise UsageError(f"--out {output.path} exists and is not a folder.")
    existing = [t for t in targets if t.exists()]
    if existing and not overwrite:
        listed = ", ".join(str(t) for t in existing[:MAX_LISTED])
        more = f" and {len(existing) - MAX_LISTED} more" if len(existing) > MAX_LISTED else ""
        raise UsageError(
            f"{plural_files(len(existing))} already exist: {listed}{more}. Nothing was "
            "written. Add --overwrite to replace them, or choose another --out."
        )
    atomic_write_many(
        [(t, letter_bytes(r, output.fmt)) for r, t in zip(rendered, targets, strict=True)],
        what="letter",
    )
    where = output.path if output.is_dir else targets[0]
    s.info(f"Wrote {plural_letters(len(targets))} to {where}.")


def plural_files(count: int) -> str:
    return "1 file" if count == 1 else f"{count} files"


def plural_letters(count: int) -> str:
    return "1 letter" if count == 1 else f"{count} letters"
