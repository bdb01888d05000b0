"""`sent`, `replied` and `due`: follow each letter from the day it is sent to its answer.

The commands read and append to the correspondence log (`cocwatch.registry.correspondence`); the
reply-by dates and what is overdue come from `cocwatch.core.correspondence`.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cocwatch.cli.app import app
from cocwatch.cli.lookups import by_postcode
from cocwatch.cli.options import (
    AS_OF,
    DEFAULT_FORMAT,
    DRY_RUN,
    FORMAT,
    date_option,
    one_line_option,
)
from cocwatch.cli.output import emit
from cocwatch.cli.selection import find_addressee, sent_to
from cocwatch.cli.session import Session, session
from cocwatch.core.kinds import Outcome, Via
from cocwatch.errors import ExitCode, UsageError
from cocwatch.locations import builtin_template_names

if TYPE_CHECKING:
    from cocwatch.core.correspondence import (
        CorrespondenceLog,
        LoggedLetter,
        ReplyRules,
        TrackedLetter,
    )
    from cocwatch.registry.correspondence import LoadedLog


class DueFailOn(StrEnum):
    overdue = "overdue"
    never = "never"


# Recipients a letter about a Trust goes to who are not the Trust: said so when it is logged.
OUTSIDE_THE_BODY = {
    "mnvp": "the Maternity and Neonatal Voices Partnership of",
    "ico": "the Information Commissioner's Office, about",
}

LOG_OPTION = typer.Option(
    None,
    "--log",
    metavar="PATH",
    help="The correspondence log. Default: $COCWATCH_CORRESPONDENCE, `correspondence:` in the "
    "config file, then correspondence.yaml beside your registry.",
)

OFFLINE_OPTION = typer.Option(
    False,
    "--offline",
    help="Do not read the requests logged with --url on WhatDoTheyKnow; use the log as it is.",
)


def _log_path(s: Session, option: str | None) -> Path:
    return Path(s.correspondence_location(option).value).expanduser()


def _load(s: Session, option: str | None) -> LoadedLog:
    from cocwatch.registry.correspondence import load_log

    return load_log(_log_path(s, option), **s.known_bodies())


@app.command()
def sent(
    ctx: typer.Context,
    *,
    template: str = typer.Argument(
        ...,
        metavar="TEMPLATE",
        help=f"The letter's template (kind): a built-in one ({', '.join(builtin_template_names())})"
        " or one of yours.",
    ),
    trust: str | None = typer.Argument(
        None,
        metavar="[TRUST|icb:CODE]",
        help="Trust id, ODS code or unique part of its name; or an ICB as icb:CODE (for `lmns`, "
        "its code or name alone).",
    ),
    sent_on: Annotated[
        date, date_option("--on", default_today=True, help="The day it was sent (default: today).")
    ],
    file: Path | None = typer.Option(
        None, "--file", metavar="PATH", help="The draft you sent (kept in the log as a path)."
    ),
    via: Via | None = typer.Option(None, "--via", case_sensitive=False, help="How it was sent."),
    to: str | None = typer.Option(
        None, "--to", metavar="WHO", help="Who it went to (default: the template's recipient)."
    ),
    reply_by: Annotated[
        date | None,
        date_option(
            "--reply-by",
            help="Reply-by date, if not the usual one (FOI: 20 working days; others: "
            "`reply_working_days` in the config, default 20).",
        ),
    ] = None,
    reference: str | None = typer.Option(
        None,
        "--reference",
        metavar="TEXT",
        callback=one_line_option,
        help="A reference, e.g. the Trust's FOI number.",
    ),
    note: str | None = typer.Option(None, "--note", metavar="TEXT", help="A note to keep."),
    follows: str | None = typer.Option(
        None,
        "--follows",
        metavar="KIND",
        help="For a follow-up (chaser, foi-review, ico-complaint): the kind of letter it "
        "follows up, as given to `letter --follows`. Default: the one `letter` chose. The log "
        "records which letter (its kind and date).",
    ),
    url: str | None = typer.Option(
        None,
        "--url",
        metavar="URL",
        help="A request made on WhatDoTheyKnow: its address. `due`, `check` and `watch` then "
        "read the request there and log its reply.",
    ),
    log: str | None = LOG_OPTION,
    dry_run: DRY_RUN = False,
) -> None:
    """Log a letter as sent, with the date a reply is due."""
    from cocwatch.core.correspondence import UNCHASED_KINDS, reply_by_for
    from cocwatch.core.edits import AppendAt
    from cocwatch.registry.correspondence import change_log, entry, reply_rules
    from cocwatch.templating.drafting import find_template
    from cocwatch.templating.rendering import Letters

    s = session(ctx)
    spec = find_template(Letters.located(None, s.config.templates_dir), template)
    found = sent_to(
        s.registry, spec.name, spec.logged_to, trust, sent_on, by_postcode=by_postcode(s)
    )
    path = _log_path(s, log)
    draft = _draft_path(file, path.parent) if file else None
    if follows is not None and not spec.follows:
        raise UsageError(
            f"The '{spec.name}' letter follows up no other letter, so --follows does not apply "
            "to it: leave it out."
        )
    request_url = _request_url(url, s) if url else None

    def plan(current: CorrespondenceLog) -> tuple[list[Any], date]:
        for letter in current.letters:
            if (letter.body, letter.kind, letter.sent_on) == (
                found.id if found else None,
                spec.name,
                sent_on,
            ):
                raise UsageError(
                    f"The log already has a '{spec.name}' letter to "
                    f"{found.name if found else 'national recipients'} sent on {sent_on}. "
                    "Edit the log by hand to change it."
                )
        rules = reply_rules(current, as_of=sent_on, other_working_days=s.config.reply_working_days)
        due_by = reply_by or reply_by_for(spec.name, sent_on, rules)
        followed = (
            _followed(current, spec.follows, follows, found.id, sent_on, rules)
            if spec.follows and found
            else None
        )
        recipient = spec.recipient
        if recipient == "followed":
            recipient = (followed.to if followed else None) or "chief_executive"
        item = entry(
            {
                **(found.logged_as if found else {}),
                "kind": spec.name,
                "sent_on": sent_on,
                "to": to or recipient,
                "follows": followed.kind if followed else None,
                "follows_sent_on": followed.sent_on if followed else None,
                "request_url": request_url,
                "via": via or ("web" if request_url else None),
                "draft": draft,
                "reply_by": due_by,
                "reference": reference,
                "notes": note,
            }
        )
        return [AppendAt(("letters",), (item,))], due_by

    result, due_by = change_log(path, plan, **s.known_bodies(), dry_run=dry_run)
    if not result.written:
        emit(result.diff())
        s.info(f"Dry run: {path} was not changed. Run again without --dry-run to write.")
        return
    who = f"{found.name} ({found.id})" if found else "national recipients"
    if found and spec.recipient in OUTSIDE_THE_BODY:
        who = f"{OUTSIDE_THE_BODY[spec.recipient]} {who}"  # not to the Trust itself
    if spec.recipient == "mp":
        who = "your MP (logged as a national letter: no Trust or ICB)"
    unchased = " (nothing chases it: you publish either way)" if spec.name in UNCHASED_KINDS else ""
    s.info(
        f"Logged the '{spec.name}' letter to {who}, sent {sent_on}, in {path}. "
        f"A reply is due by {due_by}{unchased}; `cocwatch due` will show it."
    )
    if url and request_url != url.strip():
        s.info(f"The request's address is logged as {request_url} (the address of its page).")


def _followed(
    log: CorrespondenceLog,
    template_follows: tuple[str, ...],
    chosen: str | None,
    body_id: str,
    sent_on: date,
    rules: ReplyRules,
) -> LoggedLetter:
    """The logged letter a follow-up sent on `sent_on` follows (as `letter` chose it)."""
    from cocwatch.core.correspondence import UNCHASED_KINDS, letter_states, not_chased
    from cocwatch.core.letters import FOLLOWS_ANY, effective_follows, followed_state

    kinds = effective_follows(template_follows, chosen.strip().lower() if chosen else None)
    if kinds[-1] in UNCHASED_KINDS:
        raise UsageError(not_chased(kinds[-1]))
    states = letter_states(log, as_of=sent_on, rules=rules, body_ids=[body_id])
    pick, _ = followed_state(states, kinds)
    if pick is None:
        what = (
            "a letter still awaiting a reply"
            if kinds[-1] == FOLLOWS_ANY
            else f"a '{kinds[-1]}' letter"
        )
        raise UsageError(
            f"A follow-up names the letter it follows, and the log has no {what} to "
            f"{body_id} sent by {sent_on}. Log that letter first (cocwatch sent KIND "
            f"{body_id} --on DATE), or name another with --follows KIND."
        )
    return pick.letter


def _request_url(url: str, s: Session) -> str:
    """A request's address on the WhatDoTheyKnow site in use, checked for shape (nothing is
    fetched here)."""
    from cocwatch.sources.whatdotheyknow import request_page_url

    try:
        return request_page_url(url, home=s.web_address("whatdotheyknow_url"))
    except ValueError as error:
        raise UsageError(f"--url {url}: {error}") from None


def _draft_path(file: Path, log_folder: Path) -> str:
    """The draft's path as stored: relative to the log's folder when it is inside it."""
    resolved = file.expanduser().resolve()
    if not resolved.is_file():
        raise UsageError(f"--file {file}: there is no such file. Give the draft you sent.")
    try:
        return str(resolved.relative_to(log_folder.expanduser().resolve()))
    except ValueError:
        return str(resolved)


@app.command()
def replied(
    ctx: typer.Context,
    *,
    first: str = typer.Argument(
        ...,
        metavar="KIND",
        help="Which letter was answered (foi, board, lmns, ...), as for `sent`. Alone, the "
        "Trust or ICB (icb:CODE) when one letter is open to it, or a national letter (minister, "
        "mp).",
    ),
    second: str | None = typer.Argument(
        None,
        metavar="[TRUST|icb:CODE]",
        help="Trust id, ODS code or unique part of its name; or an ICB as icb:CODE.",
    ),
    received_on: Annotated[
        date,
        date_option("--on", default_today=True, help="The day the reply came (default: today)."),
    ],
    outcome: Outcome = typer.Option(
        "answered",
        "--outcome",
        case_sensitive=False,
        help="answered, partial (some withheld or missing), refused, or acknowledged (the "
        "letter is still awaited).",
    ),
    summary: str | None = typer.Option(
        None,
        "--summary",
        metavar="TEXT",
        callback=one_line_option,
        help="What the reply said, in a line.",
    ),
    url: str | None = typer.Option(
        None, "--url", metavar="URL", help="Where the reply is, e.g. on WhatDoTheyKnow."
    ),
    file: Path | None = typer.Option(
        None,
        "--file",
        metavar="PATH",
        help="The reply, saved (kept in the log as a path; `report --correspondence` publishes "
        "the answer to a right of reply).",
    ),
    reference: str | None = typer.Option(
        None, "--reference", metavar="TEXT", callback=one_line_option, help="The Trust's reference."
    ),
    letter_sent_on: Annotated[
        date | None,
        date_option(
            "--sent-on",
            help="Which letter, by the day it was sent (when several of the same kind are logged).",
        ),
    ] = None,
    log: str | None = LOG_OPTION,
    dry_run: DRY_RUN = False,
) -> None:
    """Log a reply to a letter; for an FOI reply, show how to record what it gave."""
    from cocwatch.core.correspondence import RIGHT_OF_REPLY
    from cocwatch.core.edits import AppendAt
    from cocwatch.registry.correspondence import change_log, entry
    from cocwatch.templating.rendering import Letters

    s = session(ctx)
    letters = Letters.located(None, s.config.templates_dir)
    national = {n for n, t in letters.templates.items() if t.logged_to == "national"}
    kind: str | None
    if second is None:
        # `replied TRUST` or, for a national letter, `replied minister`.
        trust, kind = first, None
    elif first.lower() in letters.templates:
        kind, trust = first.lower(), second  # as `sent` takes them: replied foi leeds
    else:
        trust, kind = first, second.lower()
        s.info(
            f"(Read as `replied {kind} {trust}`: the kind comes first, as for `sent`. The old "
            "order still works.)"
        )
    # A national letter (`minister`, `mp`) has no body: `replied minister --on DATE`.
    spec = letters.templates.get(kind) if kind else None
    found = (
        None
        if trust in national and kind is None
        else find_addressee(
            s.registry,
            trust,
            icb_letter=spec is not None and spec.logged_to == "icb",
            by_postcode=by_postcode(s),
        )
    )
    kind = trust if found is None else kind
    body_id, who = (found.id, found.name) if found else (None, "national recipients")
    path = _log_path(s, log)
    reply_file = _draft_path(file, path.parent) if file else None

    def plan(current: CorrespondenceLog) -> tuple[list[Any], LoggedLetter]:
        index = _answered_letter(current, body_id, who, kind, letter_sent_on, received_on)
        answered = current.letters[index]
        if answered.kind == RIGHT_OF_REPLY and outcome != "acknowledged" and not (file or url):
            raise UsageError(
                "The answer to a right of reply is published beside the figures (`report "
                "--correspondence`), so keep the answer itself: add --file REPLY.txt (the "
                "reply, saved) or --url ADDRESS (where it can be read), and --summary to say it "
                "in a line."
            )
        item = entry(
            {
                "received_on": received_on,
                "outcome": outcome if outcome != "answered" else None,
                "summary": summary,
                "url": url,
                "file": reply_file,
                "reference": reference,
            }
        )
        return [AppendAt(("letters", index, "replies"), (item,))], current.letters[index]

    if not path.exists():
        raise UsageError(
            f"The correspondence log {path} does not exist yet: log the letter first with "
            f"`cocwatch sent TEMPLATE {body_id or ''} --on DATE`."
        )
    result, letter = change_log(path, plan, **s.known_bodies(), dry_run=dry_run)
    if not result.written:
        emit(result.diff())
        s.info(f"Dry run: {path} was not changed. Run again without --dry-run to write.")
        return
    s.info(
        f"Logged a reply ({outcome}) received {received_on} to the '{letter.kind}' letter "
        f"sent to {who} on {letter.sent_on or 'a day not recorded'}, in {path}."
    )
    if found and found.trust and letter.kind == "foi" and outcome in ("answered", "partial"):
        s.info(_record_hint(found.id, received_on, url))


def _answered_letter(
    log: CorrespondenceLog,
    body_id: str | None,
    body_name: str,
    kind: str | None,
    sent_on: date | None,
    received_on: date,
) -> int:
    """The entry number (from 0) of the letter a reply answers; explain when it is unclear."""
    candidates = [
        (i, letter)
        for i, letter in enumerate(log.letters)
        if letter.body == body_id
        and (kind is None or letter.kind == kind)
        and (sent_on is None or letter.sent_on == sent_on)
        and (letter.sent_on is None or letter.sent_on <= received_on)
    ]
    what = f"'{kind}' letter" if kind else "letter"
    if not candidates:
        raise UsageError(
            f"The log has no {what} to {body_name} sent on or before {received_on}"
            f"{f' (sent on {sent_on})' if sent_on else ''}. Log the letter first with "
            f"`cocwatch sent TEMPLATE {body_id or ''} --on DATE`, or check the dates."
        )
    unanswered = [
        (i, letter)
        for i, letter in candidates
        if not any(r.outcome != "acknowledged" for r in letter.replies)
    ]
    pool = unanswered or candidates
    kinds = {letter.kind for _, letter in pool}
    if kind is None and len(kinds) > 1:
        raise UsageError(
            f"Several letters to {body_name} could be answered by this reply "
            f"({', '.join(sorted(kinds))}). Name the kind: replied KIND {body_id} --on ..."
        )
    return max(pool, key=lambda pair: (pair[1].sent_on or date.min, pair[0]))[0]


def _record_hint(trust_id: str, received_on: date, url: str | None) -> str:
    source = f"--source-url {url}" if url else '--source-title "FOI reply"'
    return (
        "If the reply gave figures, record each one with its source, e.g.\n"
        f"  cocwatch record figure {trust_id} --percent P --as-of YYYY-MM-DD "
        f"--source-kind foi {source} --retrieved {received_on}\n"
        "(`cocwatch record figure --help` lists the cohorts and measures). If it sent or "
        "named the Trust's plan, add it under `plan:` in the registry (with `url`, "
        "`published` and `status`), then run `cocwatch validate`."
    )


@app.command()
def due(
    ctx: typer.Context,
    *,
    names: list[str] | None = typer.Argument(
        None,
        metavar="[TRUST|icb:CODE]...",
        help="Only letters to these Trusts (or ICBs, as icb:CODE).",
    ),
    all_letters: bool = typer.Option(
        False, "--all", help="Every logged letter, answered and closed ones too."
    ),
    as_of: AS_OF,
    fail_on: DueFailOn = typer.Option(
        DueFailOn.never,
        "--fail-on",
        case_sensitive=False,
        help="Exit 1 when a reply is overdue (for cron), or never.",
    ),
    fmt: FORMAT = DEFAULT_FORMAT,
    log: str | None = LOG_OPTION,
    offline: bool = OFFLINE_OPTION,
) -> None:
    """List the letters awaiting a reply, and the overdue ones, oldest reply-by date first.

    Letters logged with `sent --url` (requests made on WhatDoTheyKnow) are read there first,
    and any reply or change of state is added to the log, once, with its date.
    """
    from cocwatch.cli.whatdotheyknow_sync import sync_requests
    from cocwatch.core.correspondence import letter_states, open_letters, undated
    from cocwatch.core.icbs import body_names
    from cocwatch.registry.correspondence import reply_rules
    from cocwatch.render.correspondence import due_listing
    from cocwatch.render.formats import render

    s = session(ctx)
    if not offline:
        sync_requests(s, _log_path(s, log), as_of=as_of)
    loaded = _load(s, log)
    body_ids = (
        [find_addressee(s.registry, n, by_postcode=by_postcode(s)).id for n in names]
        if names
        else None
    )
    rules = reply_rules(loaded.log, as_of=as_of, other_working_days=s.config.reply_working_days)
    states = letter_states(loaded.log, as_of=as_of, rules=rules, body_ids=body_ids)
    shown = states if all_letters else open_letters(states)
    listing = due_listing(
        shown,
        body_names(s.registry),
        as_of=as_of,
        log=loaded.path,
        log_exists=loaded.exists,
        all_letters=all_letters,
        undated=undated(loaded.log, body_ids=body_ids),
    )
    if s.state.quiet and fmt == DEFAULT_FORMAT:
        # --quiet: the summary alone, and nothing at all when no reply is awaited (for cron).
        if summary := _due_summary(states):
            emit(summary)
    else:
        emit(render(fmt, listing))
    raise typer.Exit(_due_exit_code(states, fail_on))


def _due_summary(states: list[TrackedLetter]) -> str:
    """One line for `due --quiet`: how many letters await a reply, and how many are overdue."""
    waiting = [state for state in states if state.open]
    if not waiting:
        return ""
    late = sum(state.status == "overdue" for state in waiting)
    if len(waiting) == 1:
        return f"1 letter is awaiting a reply; it is {'overdue' if late else 'not overdue yet'}."
    return f"{len(waiting)} letters are awaiting a reply, {late} of them overdue."


def _due_exit_code(states: list[TrackedLetter], fail_on: DueFailOn) -> int:
    overdue = any(state.status == "overdue" for state in states)
    return ExitCode.FINDINGS if fail_on is DueFailOn.overdue and overdue else ExitCode.OK


class AnswersBy(StrEnum):
    trust = "trust"
    icb = "icb"
    region = "region"


@app.command()
def answers(
    ctx: typer.Context,
    *,
    by: AnswersBy = typer.Option(
        AnswersBy.trust,
        "--by",
        case_sensitive=False,
        help="One row per Trust and ICB (default), per ICB (its own letters with those to "
        "the Trusts in it on the --as-of date) or per region (all its Trusts and ICBs "
        "together), and kind of letter.",
    ),
    as_of: AS_OF,
    fmt: FORMAT = DEFAULT_FORMAT,
    log: str | None = LOG_OPTION,
    offline: bool = OFFLINE_OPTION,
) -> None:
    """How each body answered your letters: sent, answered, in time, median working days.

    From the correspondence log, with the replies to requests made on WhatDoTheyKnow read
    there first (as `due` does). Letters logged with no sent date are left out and counted.
    """
    from cocwatch.cli.whatdotheyknow_sync import sync_requests
    from cocwatch.core.answers import answer_rows, grouped
    from cocwatch.core.correspondence import letter_states, undated
    from cocwatch.core.icbs import body_names
    from cocwatch.registry.correspondence import reply_rules
    from cocwatch.render.correspondence import answers_listing
    from cocwatch.render.formats import render

    s = session(ctx)
    if not offline:
        sync_requests(s, _log_path(s, log), as_of=as_of)
    loaded = _load(s, log)
    rules = reply_rules(loaded.log, as_of=as_of, other_working_days=s.config.reply_working_days)
    states = letter_states(loaded.log, as_of=as_of, rules=rules)
    body_of, names = grouped(by.value, s.registry, as_of)
    rows = answer_rows(states, body_of, as_of=as_of, non_working=rules.non_working)
    listing = answers_listing(
        rows,
        names,
        by=by.value,
        as_of=as_of,
        log=loaded.path,
        log_exists=loaded.exists,
        undated=undated(loaded.log),
        trust_names=body_names(s.registry),
    )
    emit(render(fmt, listing))
