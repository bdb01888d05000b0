"""`cocwatch report`: the static HTML report, a national overview and a page per Trust (SPEC §9)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from cocwatch.cli.app import app
from cocwatch.cli.options import AS_OF, ICB
from cocwatch.cli.output import emit
from cocwatch.cli.session import session
from cocwatch.core.web import WEB_ADDRESS

if TYPE_CHECKING:
    from cocwatch.cli.session import Session
    from cocwatch.core.correspondence import TrackedLetter
    from cocwatch.core.models import Trust
    from cocwatch.render.report_replies import AnswersReport


@app.command()
def report(
    ctx: typer.Context,
    *,
    out: Path = typer.Option(
        ...,
        "--out",
        "-o",
        metavar="DIR",
        file_okay=True,
        dir_okay=True,
        help="Folder to write the report into (created when missing; a previous report "
        "there is replaced).",
    ),
    as_of: AS_OF,
    icb: ICB = None,
    title: str | None = typer.Option(
        None, "--title", metavar="TEXT", help="Heading of the report's front page."
    ),
    correspondence: bool = typer.Option(
        False,
        "--correspondence",
        help="Show on each Trust's page the letters in your correspondence log still awaiting "
        "a reply (and count overdue FOI replies as findings), and its answer to a right of "
        "reply (or 'no reply by DATE'). Off by default: the log is yours, and the report is "
        "often published.",
    ),
    requests: bool = typer.Option(
        False,
        "--requests",
        help="Show on each Trust's page the public FOI requests about continuity of carer "
        "made to it on WhatDoTheyKnow (read from the site now, for the Trusts whose "
        "`whatdotheyknow` name is recorded; see `cocwatch requests`). The site: "
        f"{WEB_ADDRESS['whatdotheyknow_url'].help()}.",
    ),
) -> None:
    """Write a static HTML report: index.html (every open Trust, or those of one ICB with
    --icb) and trusts/ID.html.

    The pages need no server and fetch nothing: publish the folder on any website, open it
    from a disk, or send one Trust's page on its own.
    """
    from cocwatch.core.assessment import assess
    from cocwatch.core.correspondence import open_by_trust
    from cocwatch.render.report import DEFAULT_TITLE, build_report, source_label
    from cocwatch.render.report_replies import published_replies

    s = session(ctx)
    registry = s.registry
    trusts = [t for t in registry.trusts if t.is_open(as_of)]
    bodies: set[str] | None = None  # the letters' bodies shown: all, or one ICB's
    if icb is not None:  # the Trusts of one ICB, by today's codes
        from cocwatch.cli.selection import icb_today
        from cocwatch.core.bodies import icb_body_id
        from cocwatch.core.icbs import trusts_in

        chosen = icb_today(s.curated, icb, as_of)
        ids = {t.id for t in trusts_in(s.curated, chosen.code, as_of)}
        trusts = [t for t in trusts if t.id in ids]
        bodies = ids | {icb_body_id(chosen.code)}
    shown = {t.id for t in trusts}
    tracked = [
        t
        for t in (s.tracked_letters(as_of) if correspondence else [])
        if t.letter.body in (shown if bodies is None else bodies)
        or (bodies is None and t.letter.trust is None)  # national, or to an ICB
    ]
    assessment = assess(
        registry,
        trusts,
        as_of=as_of,
        thresholds=s.config.thresholds,
        letters=open_by_trust(tracked),
        official=s.comparisons(trusts, as_of),
    )
    replies, warnings = published_replies(
        tracked, Path(s.correspondence_location().value).expanduser().parent
    )
    for warning in warnings:
        s.warn(warning)
    answered = _answers(s, as_of, tracked, bodies) if correspondence else None
    found = _public_requests(s, trusts) if requests else None
    result = build_report(
        registry,
        assessment,
        out,
        public_requests=found,
        replies=replies,
        answers=answered,
        title=title or DEFAULT_TITLE,
        source_label=source_label(s.loaded.source),
    )
    s.info(f"Wrote {result.trust_pages} Trust pages and the index to {result.out_dir}.")
    if not s.state.quiet:
        emit(str(result.index))


def _answers(
    s: Session, as_of: date, tracked: list[TrackedLetter], only: set[str] | None
) -> AnswersReport:
    """How each Trust and ICB answered the letters in the log (`answers`), for the report's
    page (`only`: the Trusts and the ICB of the report when it is about one ICB)."""
    from cocwatch.core.answers import answer_rows, grouped
    from cocwatch.core.correspondence import undated
    from cocwatch.registry.correspondence import load_log, reply_rules
    from cocwatch.render.report_replies import AnswersReport

    path = Path(s.correspondence_location().value).expanduser()
    log = load_log(path, **s.known_bodies()).log
    rules = reply_rules(log, as_of=as_of, other_working_days=s.config.reply_working_days)
    body_of, names = grouped("trust", s.registry, as_of)
    rows = answer_rows(tracked, body_of, as_of=as_of, non_working=rules.non_working)
    return AnswersReport(rows, names, undated=len(undated(log, body_ids=only)))


def _public_requests(s: Session, trusts: list[Trust]) -> dict[str, list[dict[str, Any]]]:
    """The public requests to each Trust with a recorded name on the site (plain values).

    A site that cannot be read is said once, and the report is written without them.
    """
    from cocwatch.cli.whatdotheyknow_sync import json_cache
    from cocwatch.sources.whatdotheyknow import (
        RequestReadError,
        about_continuity_of_carer,
        fetch_requests,
    )
    from cocwatch.sources.whatdotheyknow_links import machine_tag

    home = s.web_address("whatdotheyknow_url")
    found: dict[str, list[dict[str, Any]]] = {}
    named = [t for t in trusts if t.whatdotheyknow]
    if not named:
        s.warn(
            "--requests: no Trust in the registry has its WhatDoTheyKnow name recorded "
            "(`whatdotheyknow:`), so the report shows no requests. `cocwatch requests TRUST "
            "--body NAME` lists them for one Trust."
        )
        return found
    for trust in named:
        try:
            listed = fetch_requests(
                trust.whatdotheyknow,
                [machine_tag("ods", trust.ods)],
                site=home,
                cache=json_cache(),
                keep=about_continuity_of_carer,
            )
        except RequestReadError as error:
            s.warn(f"--requests: {error} The report is written without the requests.")
            return {}
        found[trust.id] = [
            {"title": r.title, "url": r.url, "state": r.state_words, "created_on": r.created_on}
            for r in listed
        ]
    return found
