"""`cocwatch letter` and `cocwatch templates`: draft campaign letters (SPEC §6).

Letters are drafts: nothing is sent. One Trust prints to stdout; several need ``--out DIR``
(one file per Trust, ``NAME-TRUSTID.EXT``; national letters ``NAME.EXT``). Existing files
are never replaced without ``--overwrite`` (refusing is a usage error, exit 2). Every letter
is rendered before anything is written, so ``--strict`` (placeholders are an error, exit 3)
and a failing template leave no half-written batch behind.

The command resolves its options, calls `cocwatch.templating.drafting.draft_letters` (the
library does the assessing and rendering), shows the batch's notes and writes its letters.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, get_args

import typer

from cocwatch.cli.app import app
from cocwatch.cli.options import (
    ALL_TRUSTS,
    AS_OF,
    DEFAULT_FORMAT,
    FORMAT,
    ICB,
    REGION,
    TIMEOUT,
    date_option,
)
from cocwatch.cli.output import emit
from cocwatch.cli.selection import select_trusts
from cocwatch.cli.session import session
from cocwatch.cli.site_requests import check_site_request, print_site_links
from cocwatch.core.kinds import Style
from cocwatch.core.web import WEB_ADDRESS
from cocwatch.errors import InputError, UsageError
from cocwatch.locations import builtin_template_names
from cocwatch.sources.http import TIMEOUT_SECONDS
from cocwatch.templating.drafting import STATUS_FILTER_WORDS
from cocwatch.templating.formats import DEFAULT_LETTER_FORMAT, LETTER_FORMATS, LETTER_WRITERS

if TYPE_CHECKING:
    from cocwatch.cli.session import Session
    from cocwatch.core.models import Sender, Trust
    from cocwatch.core.representation import Representation
    from cocwatch.templating.drafting import AreaLetter, LetterBatch
    from cocwatch.templating.rendering import Letters
    from cocwatch.templating.templates import TemplateSpec

MAX_LISTED = 8


def _format_words() -> str:
    """The formats in words, from the writers: "Markdown (default), plain text, … or …"."""
    words = [
        w.description + (" (default)" if name == DEFAULT_LETTER_FORMAT else "")
        for name, w in LETTER_WRITERS.items()
    ]
    return ", ".join(words[:-1]) + ", or " + words[-1]


def _status_help() -> str:
    """--status's help, naming every word it takes (from `STATUS_FILTER_WORDS`)."""
    severities, statuses, findings = (", ".join(words) for words in STATUS_FILTER_WORDS)
    return (
        f"Only Trusts with any of these (comma-separated): a severity ({severities}), a cohort "
        f"status ({statuses}) or a finding ({findings})."
    )


def _letter_format(value: str) -> str:
    """--format's value: one of the letter formats (in any case; `.docx` means docx)."""
    chosen = value.lower().lstrip(".")
    if chosen not in LETTER_FORMATS:
        raise UsageError(f"--format {value!r} is not one of {', '.join(LETTER_FORMATS)}.")
    return chosen


TEMPLATE_DIR_OPTION = typer.Option(
    None,
    "--template-dir",
    metavar="DIR",
    help="Folder of your own templates (NAME.md.j2); they replace built-ins of the same name. "
    "Default: templates_dir in the config file, then the user config folder's templates/.",
)


STYLES: tuple[Style, ...] = get_args(Style)  # how a letter says its comparisons


def _letter_style(value: str) -> Style:
    """--style's value: plain or technical (in any case)."""
    chosen = value.lower()
    for style in STYLES:
        if chosen == style:
            return style
    raise UsageError(f"--style {value!r} is not one of {', '.join(STYLES)}.")


@app.command()
def letter(
    ctx: typer.Context,
    *,
    template: str = typer.Argument(
        ...,
        metavar="TEMPLATE",
        help=f"A built-in template ({', '.join(builtin_template_names())}) or one of yours; "
        "`cocwatch templates` says what each is for.",
    ),
    names: list[str] | None = typer.Argument(
        None,
        metavar="[TRUST]...",
        help="Trust ids, ODS codes, unique parts of names, hospitals, towns or postcodes; for "
        "an ICB's letter (lmns), the ICB's code or words of its name.",
    ),
    all_trusts: ALL_TRUSTS = False,
    region: REGION = None,
    icb: ICB = None,
    postcode: str | None = typer.Option(
        None,
        "--postcode",
        metavar="POSTCODE",
        help="For the mp letter: your postcode, which finds your MP and the ICB that covers it. "
        f"Looked up on {WEB_ADDRESS['postcodes_url'].help()}; the MP on "
        f"{WEB_ADDRESS['parliament_url'].help()}.",
    ),
    constituency: str | None = typer.Option(
        None,
        "--constituency",
        metavar="NAME",
        help="For the mp letter: your constituency, instead of looking it up.",
    ),
    mp_name: str | None = typer.Option(
        None, "--mp-name", metavar="NAME", help="For the mp letter: your MP, instead of looking up."
    ),
    offline: bool = typer.Option(
        False, "--offline", help="For the mp letter: use only answers kept from earlier lookups."
    ),
    timeout: TIMEOUT,
    status: str | None = typer.Option(
        None,
        "--status",
        metavar="S,…",
        help=_status_help(),
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
        metavar="|".join(LETTER_FORMATS),
        parser=_letter_format,
        help=f"{_format_words()}. Default: from the --out file's extension, else "
        f"{DEFAULT_LETTER_FORMAT}.",
    ),
    template_dir: str | None = TEMPLATE_DIR_OPTION,
    as_of: AS_OF,
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
    whatdotheyknow: bool = typer.Option(
        False,
        "--whatdotheyknow",
        help="For an FOI request: print the link that opens it on WhatDoTheyKnow, with the "
        "title, the letter and tags (the Trust's ODS code, the campaign) filled in, ready to "
        "review and send there, in public. Your email and address are left out. The site: "
        f"{WEB_ADDRESS['whatdotheyknow_url'].help()}.",
    ),
    body: str | None = typer.Option(
        None,
        "--body",
        metavar="NAME",
        help="With --whatdotheyknow: the Trust's name on the site, the end of its page's "
        "address (https://www.whatdotheyknow.com/body/NAME). Default: `whatdotheyknow` in the "
        "registry.",
    ),
    style: Style = typer.Option(
        "plain",
        "--style",
        metavar="|".join(STYLES),
        parser=_letter_style,
        help="How comparisons are said: plain (everyday words; methods, intervals and funnel "
        "limits in the reference list) or technical (levels, limits and data-quality measure "
        "codes in the body).",
    ),
    follows: str | None = typer.Option(
        None,
        "--follows",
        metavar="KIND",
        help="For a follow-up (chaser, foi-review, ico-complaint): the kind of logged letter "
        "it follows up (foi, board, ...). Default: the template's own; a chaser follows the "
        "letter overdue longest.",
    ),
    publish_on: Annotated[
        date | None,
        date_option(
            "--publish-on",
            help="For a right of reply: the day the campaign will publish its report. "
            "Default: the first working day after the 10 working days the Trust is given to "
            "point out an error (counted as for FOI).",
        ),
    ] = None,
) -> None:
    """Draft letters that carry each Trust's own figures, benchmarks and sources.

    Sender details come from the config file (sender:) or the --sender-* options; anything
    missing appears as a [placeholder] and is listed in a warning. Nothing is ever sent.
    """
    from cocwatch.cli.area_letters import check_writer_address, sent_hint
    from cocwatch.templating.drafting import (
        PLACEHOLDER_ADVICE,
        NoteKind,
        draft_letters,
        find_template,
    )

    s = session(ctx)
    letters = _letters(s, template_dir)
    spec = find_template(letters, template)
    if body is not None and not whatdotheyknow:
        raise UsageError("--body names the Trust on WhatDoTheyKnow: add --whatdotheyknow too.")
    if whatdotheyknow:
        check_site_request(spec, out, fmt)
        fmt, out = "txt", None
    output = _output_plan(fmt, out)
    sender = _sender(
        s.config.sender, sender_name, sender_organisation, sender_email, sender_address
    )
    if whatdotheyknow:
        # The site is public and replies come through it: no email or address in the text.
        sender = sender.model_copy(update={"email": None, "address": None})
    if publish_on is not None and not _reads_publication(spec):
        raise UsageError(
            f"--publish-on is for a right of reply (letter right-of-reply TRUST); the "
            f"'{spec.name}' letter says no publication date: leave it out."
        )
    area = None
    if spec.scope == "icb":
        area = _area(s, spec, names, icb, postcode, constituency, mp_name, offline, timeout, as_of)
        check_scope_options(spec, all_trusts=all_trusts, region=region, status=status)
        if area[1] is not None:
            check_writer_address(s, sender.address, area[1], timeout=timeout)
        trusts: list[Trust] = []
        only: frozenset[str] = frozenset()
    else:
        if postcode or constituency or mp_name:
            raise UsageError(
                f"--postcode, --constituency and --mp-name are for a letter to an MP (`letter mp "
                f"--postcode POSTCODE`); the '{spec.name}' letter does not take them."
            )
        trusts, only = _trusts(s, spec, names, all_trusts, region, status, as_of, icb)
    if spec.follows:  # a follow-up reads the log: first, replies to requests on WhatDoTheyKnow
        from cocwatch.cli.whatdotheyknow_sync import sync_logged_requests

        sync_logged_requests(s, as_of)
    batch = draft_letters(
        letters,
        spec,
        s.registry,
        trusts,
        as_of=as_of,
        sender=sender,
        thresholds=s.config.thresholds,
        fmt=output.fmt,
        only=only,
        tracked=s.tracked_letters(as_of),
        log_location=s.correspondence_location().value,
        experience=_read_experience(experience),
        follows=follows.strip().lower() if follows else None,
        official=s.comparisons(
            [*s.registry.trusts, *trusts, *(area[0].bodies if area else ())], as_of
        ),
        area=area[0] if area else None,
        style=style,
        publish_on=publish_on,
    )
    if spec.scope == "trust" and not batch.matched:
        s.info(f"No Trust matches --status {status}: no letters drafted.")
        return
    for note in batch.notes:
        if whatdotheyknow and note.kind is NoteKind.PLACEHOLDERS:
            continue  # the site signs the request itself; placeholders in the text are said below
        if strict and note.kind is NoteKind.PLACEHOLDERS:
            raise InputError(
                "--strict: the letters still have placeholders, so nothing was written: "
                f"{batch.placeholder_summary}. {PLACEHOLDER_ADVICE}"
            )
        (s.warn if note.warning else s.info)(note.text)
    if whatdotheyknow:
        print_site_links(s, batch, body)
        return
    _write(s, batch, output, overwrite=overwrite)
    if area is not None and batch.letters:
        s.info(sent_hint(batch, area[0].icb, output.path, into_folder=output.is_dir))


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
        Column("description", "Description", below=True),
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
    from cocwatch.templating.rendering import Letters

    return Letters.located(option, s.config.templates_dir)


def _reads_publication(spec: TemplateSpec) -> bool:
    """Whether a template says when the report is published (reads `publication`)."""
    from cocwatch.core.correspondence import RIGHT_OF_REPLY

    if spec.name == RIGHT_OF_REPLY:
        return True
    try:
        return "publication" in spec.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def _output_plan(fmt: str | None, out: str | None) -> _Output:
    chosen = fmt  # one of LETTER_FORMATS (`_letter_format`), or None
    if out is None:
        return _Output(chosen or DEFAULT_LETTER_FORMAT, None, False)
    path = Path(out).expanduser()
    suffix = path.suffix.lower().lstrip(".")
    if suffix in LETTER_FORMATS and not path.is_dir():
        if chosen and chosen != suffix:
            raise UsageError(
                f"--out {out} ends in .{suffix} but --format is {chosen}: make them agree."
            )
        return _Output(suffix, path, False)
    if suffix and not path.is_dir() and re.fullmatch(r"[a-z][a-z0-9]{0,4}", suffix):
        # "x.pdf": a file in a format cocwatch does not write (not a folder to make).
        formats = ", ".join(f".{name}" for name in LETTER_FORMATS)
        raise UsageError(
            f"--out {out}: cocwatch does not write .{suffix} files; it writes {formats}. For a "
            f"PDF or another format, write a .docx (--out {path.with_suffix('.docx')}) and "
            "convert it in your word processor (File, Save as or Export). To write into a "
            "folder of that name, create the folder first."
        )
    return _Output(chosen or DEFAULT_LETTER_FORMAT, path, True)


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


def _area(
    s: Session,
    spec: TemplateSpec,
    names: list[str] | None,
    icb: str | None,
    postcode: str | None,
    constituency: str | None,
    mp_name: str | None,
    offline: bool,
    timeout: float,
    day: date,
) -> tuple[AreaLetter, Representation | None]:
    """An ICB's letter: the ICB named (or, for an MP, the one that covers the postcode), on
    the letter's date, and the MP when the letter is to one."""
    from cocwatch.cli.area_letters import area_letter, icb_on_letter_date
    from cocwatch.cli.lookups import postcode_option, representation
    from cocwatch.core.trust_names import postcode as as_postcode

    found = None
    if spec.recipient == "mp":
        if postcode and names and as_postcode(" ".join([postcode, *names])):
            postcode, names = " ".join([postcode, *names]), []  # --postcode M13 9WL, unquoted
        if names:
            raise UsageError(
                f"The '{spec.name}' letter finds the ICB from your postcode: give --postcode "
                "POSTCODE (and --icb CODE to choose the ICB yourself), not a name."
            )
        if postcode is None and constituency is None:
            raise UsageError(
                f"The '{spec.name}' letter needs your postcode: --postcode \"SW1A 1AA\" (or, "
                "offline, --constituency NAME --mp-name NAME --icb CODE)."
            )
        found = representation(
            s,
            postcode=postcode_option(postcode),
            constituency=constituency,
            mp_name=mp_name,
            icb=icb,
            on=day,
            timeout=timeout,
            offline=offline,
        )
        if found.icb_code is None:
            raise UsageError(found.icb_said)
        typed = found.icb_code
    else:
        given = " ".join(names or []) or icb
        if not given:
            raise UsageError(
                f"The '{spec.name}' letter is about an ICB: name it by its code "
                f"(cocwatch letter {spec.name} QOP; `cocwatch icbs` lists them)."
            )
        typed = given
    chosen = icb_on_letter_date(s, typed, day)
    return area_letter(s, chosen, day, representation=found), found


def check_scope_options(
    spec: TemplateSpec, *, all_trusts: bool, region: str | None, status: str | None
) -> None:
    """An ICB's letter is one letter about one ICB: no --all, --region or --status."""
    if all_trusts or region or status:
        raise UsageError(
            f"The '{spec.name}' letter is about one ICB: it takes no --all, --region or --status."
        )


def _trusts(
    s: Session,
    spec: TemplateSpec,
    names: list[str] | None,
    all_trusts: bool,
    region: str | None,
    status: str | None,
    day: date,
    icb: str | None = None,
) -> tuple[list[Trust], frozenset[str]]:
    """The Trusts named or selected, and the --status words that filter them."""
    from cocwatch.templating.drafting import status_words

    registry = s.registry
    if spec.scope == "national":
        if names or all_trusts or region or status or icb:
            raise UsageError(
                f"The '{spec.name}' letter is national: it takes no Trust, --all, --region, "
                "--icb or --status."
            )
        return [], frozenset()
    from cocwatch.cli.lookups import postcode_trusts

    trusts = select_trusts(
        registry,
        names,
        all_trusts=all_trusts,
        region=region,
        as_of=day,
        filtered=status is not None,
        icb=icb,
        by_postcode=postcode_trusts(s, day, timeout=TIMEOUT_SECONDS),
    )
    return trusts, status_words(status) if status is not None else frozenset()


def _write(s: Session, batch: LetterBatch, output: _Output, *, overwrite: bool) -> None:
    """Print one letter, or write each to its file (never replacing one without --overwrite)."""
    from cocwatch.files import atomic_write_many

    rendered = batch.letters
    if output.path is None:
        if len(rendered) > 1:
            raise UsageError(
                f"{len(rendered)} letters: give --out DIR to write one file per Trust."
            )
        if not rendered:
            s.info("No letters drafted.")  # every Trust was skipped, and the notes said why
            return
        if not LETTER_WRITERS[output.fmt].printable and sys.stdout.isatty():
            raise UsageError(
                "A Word document cannot be shown in the terminal: add --out FILE.docx "
                "(or redirect the output to a file)."
            )
        emit(batch.data(rendered[0]))
        return
    if output.is_dir:
        targets = [output.path / batch.file_name(r) for r in rendered]
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
            f"{plural_files(len(existing))} already "
            f"{'exists' if len(existing) == 1 else 'exist'}: {listed}{more}. Nothing was "
            "written. Add --overwrite to replace them, or choose another --out."
        )
    atomic_write_many(
        [(t, batch.data(r)) for r, t in zip(rendered, targets, strict=True)], what="letter"
    )
    where = output.path if output.is_dir else targets[0]
    s.info(f"Wrote {plural_letters(len(targets))} to {where}.")


def plural_files(count: int) -> str:
    return "1 file" if count == 1 else f"{count} files"


def plural_letters(count: int) -> str:
    return "1 letter" if count == 1 else f"{count} letters"
