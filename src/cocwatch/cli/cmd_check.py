"""`cocwatch check`: progress against targets and transparency duties (SPEC §4, §5)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

import typer

from cocwatch.cli.app import app
from cocwatch.cli.options import ALL_TRUSTS, AS_OF, DEFAULT_FORMAT, FORMAT, ICB, REGION
from cocwatch.cli.output import emit
from cocwatch.cli.selection import select_trusts, split_icb_names
from cocwatch.cli.session import Session, session
from cocwatch.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from cocwatch.core.assessment import Assessment
    from cocwatch.core.models import Icb, Registry, Trust


class FailOn(StrEnum):
    """The severity from which `check` exits with 1."""

    warn = "warn"
    fail = "fail"
    never = "never"


def exit_code(assessment: Assessment, fail_on: FailOn) -> int:
    """1 when a Trust is at or above `fail_on`, else 0 (always 0 with `never`)."""
    if fail_on is FailOn.never or not assessment.trusts:
        return ExitCode.OK
    threshold = {FailOn.warn: 1, FailOn.fail: 2}[fail_on]
    return ExitCode.FINDINGS if assessment.severity.rank >= threshold else ExitCode.OK


def _check_target(registry: Registry, target_id: str) -> None:
    """Refuse a --target that is unknown or sets no percentage (a usage error, exit 2)."""
    usable = [t.id for t in registry.national.targets if t.percent is not None]
    listed = ", ".join(usable) or "none"
    target = registry.national.target(target_id)
    if target is None:
        raise UsageError(
            f"--target {target_id!r} is not a national target in the registry. "
            f"Target ids: {listed}. `cocwatch targets` shows them with their titles."
        )
    if target.percent is None:
        raise UsageError(
            f"--target {target_id!r} sets no percentage, so no figure can be measured "
            f"against it. Targets with a percentage: {listed}."
        )


@app.command()
def check(
    ctx: typer.Context,
    *,
    names: list[str] | None = typer.Argument(
        None,
        metavar="[TRUST|icb:CODE]...",
        help="Trust ids, ODS codes, unique parts of names, hospitals, towns or postcodes; "
        "icb:CODE for an ICB's LMNS and its Trusts. None: every open Trust.",
    ),
    all_trusts: ALL_TRUSTS = False,
    region: REGION = None,
    icb: ICB = None,
    as_of: AS_OF,
    target: str | None = typer.Option(
        None,
        "--target",
        metavar="ID",
        help="Judge the target's cohort against this national target alone, at full "
        "severity even if withdrawn.",
    ),
    fail_on: FailOn = typer.Option(
        FailOn.fail,
        "--fail-on",
        case_sensitive=False,
        help="Exit with 1 when a Trust is at or above this severity (never: always 0).",
    ),
    fmt: FORMAT = DEFAULT_FORMAT,
    brief: bool = typer.Option(
        False,
        "--brief",
        help="Print only the one-line summary (for the table). The global --quiet/-q does the "
        "same and also leaves out progress notes.",
    ),
) -> None:
    """Check Trusts against their targets and transparency duties.

    For each Trust: each cohort's status (met, missed, behind, on track, no data, no
    target) against its plan or the national targets, and the duties not met (no plan,
    no Board review, old figures...). Closed Trusts are skipped unless named. One named
    Trust is shown in detail. icb:CODE shows the ICB's LMNS in detail (its own official
    figures against England and its region, assessed as a Trust is), then its Trusts.
    Exit codes: 0 fine, 1 a Trust (or LMNS) at or above --fail-on.
    """
    from cocwatch.cli.whatdotheyknow_sync import sync_logged_requests
    from cocwatch.render.check import CheckListing
    from cocwatch.render.formats import render

    s = session(ctx)
    sync_logged_requests(s, as_of)  # replies to requests made on WhatDoTheyKnow, into the log
    if target is not None:
        _check_target(s.curated, target)
    areas, trust_names = split_icb_names(
        s.curated, names or [], as_of, lambda i: s.lmns_bodies(i, as_of)
    )
    chosen = (
        []
        if areas and not trust_names
        else _select(s, trust_names, all_trusts=all_trusts, region=region, icb=icb, day=as_of)
    )
    chosen = list({t.id: t for t in [*chosen, *(t for _, _, ts in areas for t in ts)]}.values())
    bodies = [b for _, lmns, _ in areas for b in lmns]
    for icb_named, lmns, _ in areas:
        _say_whose_rows(s, icb_named, lmns)
    registry = s.registry_for({t.id for t in chosen}) if names else s.registry
    chosen = [t for t in registry.trusts if t.id in {c.id for c in chosen}]
    assessment = s.assess(registry, [*bodies, *chosen], as_of, target_id=target)
    listing = CheckListing(
        assessment,
        s.loaded.source,
        registry=registry,
        detail=bool(trust_names) and not areas and len(chosen) == 1,
        quiet=brief or s.state.quiet,
        focus=tuple(b.id for b in bodies),
    )
    emit(render(fmt, listing))
    raise typer.Exit(exit_code(assessment, fail_on))


def _say_whose_rows(s: Session, icb: Icb, bodies: list[Trust]) -> None:
    """Say when an ICB's area is published under other codes (an ICB made in 2026, whose
    area's latest figures are its predecessors' LMNSs', each shown on its own)."""
    others = [b.ods for b in bodies if b.ods != icb.code]
    if others:
        s.info(
            f"{icb.title} began on {icb.from_}; the statistics held publish its area's figures "
            f"under the codes of the ICBs it took over ({', '.join(others)}): each LMNS is shown "
            "on its own, none is summed into another."
        )


def _select(
    s: Session,
    names: list[str] | None,
    *,
    all_trusts: bool,
    region: str | None,
    icb: str | None,
    day: date,
) -> list[Trust]:
    """The named Trusts (closed ones too), else every open one, optionally in a region or
    an ICB; a postcode names the Trusts of the ICB that covers it."""
    from cocwatch.cli.lookups import postcode_trusts
    from cocwatch.sources.http import TIMEOUT_SECONDS

    return select_trusts(
        s.curated,
        names,
        all_trusts=all_trusts or not names,
        region=region,
        icb=icb,
        as_of=day,
        by_postcode=postcode_trusts(s, day, timeout=TIMEOUT_SECONDS),
    )
