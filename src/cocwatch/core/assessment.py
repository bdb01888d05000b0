"""Assessment of Trusts against targets and transparency duties (SPEC §4).

Pure: registry models, an as-of date and thresholds in, frozen result objects out. No clock,
no I/O; imports only the standard library and ``cocwatch.core``. The result types below are
the contract used by `check`, `letter`, `watch` and `report`, and the label tables
(`STATUS_LABELS`, `STATUS_SYMBOLS`, `FINDING_LABELS`, ...) give them their words.

How `assess_trust` decides, in brief (the README's "How check decides" has the details):

- only figures dated on or before the as-of date D count;
- each cohort gets a benchmark (``cocwatch.core.targets``): chosen, local, national or
  reference; F is its latest figure (same date: measure preference, then final over
  provisional, then the one listed last);
- status, first that applies: no_target, no_data, met, missed, behind, on_track;
- findings are the transparency duties the Trust is not meeting, one per code;
- a trend is the least-squares line through the last 365 days of F's measure.

Numbers in the results are rounded for people: `expected` and `gap` to one decimal place
(`gap` is the latest percent minus the rounded `expected`, so the two always add up),
`points_per_year` to two. Statuses are decided on the unrounded values.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from cocwatch.core import wording
from cocwatch.core.correspondence import TrackedLetter
from cocwatch.core.models import (
    COHORTS,
    MEASURE_PREFERENCE,
    Cohort,
    Figure,
    Registry,
    Target,
    Thresholds,
    Trust,
)
from cocwatch.core.targets import Benchmark as Benchmark
from cocwatch.core.targets import (
    Benchmarks,
    NationalChoice,
    choose_benchmarks,
    expected_level,
    highest,
    latest_due,
    national_benchmarks,
    next_due,
)
from cocwatch.core.targets import Origin as Origin
from cocwatch.core.targets import Step as Step
from cocwatch.core.wording import MONTHS as MONTHS
from cocwatch.core.wording import long_date as long_date


class Severity(StrEnum):
    """How bad something is; compare with `rank`."""

    OK = "ok"
    WARN = "warn"
    FAIL = "fail"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.OK: 0, Severity.WARN: 1, Severity.FAIL: 2}


def worst(severities: Iterable[Severity]) -> Severity:
    """Return the worst of some severities (ok when there are none)."""
    return max(severities, key=lambda s: s.rank, default=Severity.OK)


class Status(StrEnum):
    """A cohort's progress against its benchmark."""

    NO_TARGET = "no_target"
    NO_DATA = "no_data"
    MET = "met"
    MISSED = "missed"
    BEHIND = "behind"
    ON_TRACK = "on_track"


STATUS_SEVERITY: dict[Status, Severity] = {
    Status.NO_TARGET: Severity.OK,
    Status.NO_DATA: Severity.WARN,
    Status.MET: Severity.OK,
    Status.MISSED: Severity.FAIL,
    Status.BEHIND: Severity.WARN,
    Status.ON_TRACK: Severity.OK,
}

# ------------------------------------------------------------------ words for people

STATUS_LABELS: dict[Status, str] = {
    Status.NO_TARGET: "No target",
    Status.NO_DATA: "No data",
    Status.MET: "Met",
    Status.MISSED: "Missed",
    Status.BEHIND: "Behind",
    Status.ON_TRACK: "On track",
}
# Symbols carry the meaning without colour; all are one terminal cell wide.
STATUS_SYMBOLS: dict[Status, str] = {
    Status.NO_TARGET: "–",
    Status.NO_DATA: "?",
    Status.MET: "✓",
    Status.MISSED: "✗",
    Status.BEHIND: "▼",
    Status.ON_TRACK: "▲",
}
STATUS_DESCRIPTIONS: dict[Status, str] = {
    Status.NO_TARGET: "No target applies: neither the Trust's plan nor a national target "
    "sets a level for this group.",
    Status.NO_DATA: "There is a target, but no figure has been recorded.",
    Status.MET: "The latest figure reaches the highest milestone.",
    Status.MISSED: "A milestone has passed and the latest figure is below it.",
    Status.BEHIND: "The latest figure is below the level expected on its date, by more "
    "than the tolerance.",
    Status.ON_TRACK: "The latest figure is at, above or close to the level expected on its date.",
}
SEVERITY_LABELS: dict[Severity, str] = {
    Severity.OK: "OK",
    Severity.WARN: "Needs attention",
    Severity.FAIL: "Failing",
}
SEVERITY_SYMBOLS: dict[Severity, str] = {
    Severity.OK: "✓",
    Severity.WARN: "!",
    Severity.FAIL: "✗",
}
COHORT_LABELS: dict[str, str] = {
    "all": "all women",
    "ethnic_minority": "women from ethnic-minority groups",
    "most_deprived": "women from the most deprived areas",
}
MEASURE_LABELS: dict[str, str] = {
    "placed_by_28_weeks": "placed on a continuity of carer pathway by 28 weeks",
    "receiving_ongoing": "receiving continuity of carer",
    "offered": "offered continuity of carer",
    "other": "continuity of carer (other measure)",
}
# Short forms for narrow table cells (the labels above are for sentences).
COHORT_SHORT: dict[str, str] = {
    "all": "all women",
    "ethnic_minority": "ethnic minority",
    "most_deprived": "most deprived",
}
MEASURE_SHORT: dict[str, str] = {
    "placed_by_28_weeks": "placed by 28 wks",
    "receiving_ongoing": "receiving",
    "offered": "offered",
    "other": "other",
}
SMALL_NUMBERS_CAUTION = (
    "small numbers: NHS England publishes any count from 1 to 7 as 5, so this percentage "
    "is not precise"
)
ORIGIN_LABELS: dict[str, str] = {
    "chosen": "the chosen national target",
    "local": "the Trust's own plan",
    "national": "the national target",
    "reference": "a withdrawn national target, for reference",
}
FINDING_CODES: tuple[str, ...] = (
    "no_plan",
    "plan_unknown",
    "plan_paused",
    "plan_unpublished",
    "not_coproduced",
    "board_review_overdue",
    "stale_data",
    "data_quality_failed",
    "targeted_data_missing",
    "targeted_gap",
    "foi_overdue",
)
FINDING_LABELS: dict[str, str] = {
    "no_plan": "No plan",
    "plan_unknown": "Plan not known",
    "plan_paused": "Plan paused",
    "plan_unpublished": "Plan not published",
    "not_coproduced": "Plan not co-produced",
    "board_review_overdue": "Board review overdue",
    "stale_data": "Figures out of date",
    "data_quality_failed": "Data quality failed",
    "targeted_data_missing": "No figures for targeted groups",
    "targeted_gap": "Targeted group behind",
    "foi_overdue": "FOI reply overdue",
}


def percent_text(value: float) -> str:
    """A level for a sentence: 51%, 17.5% (see ``cocwatch.core.wording.percent``)."""
    return wording.percent(value)


def figure_text(value: float) -> str:
    """A published figure for a sentence, to one decimal place: 12.0%."""
    return wording.percent(value, fixed=True)


# ------------------------------------------------------------------ result types


@dataclass(frozen=True, slots=True)
class Trend:
    """Least-squares line through the cohort's recent figures."""

    points_per_year: float
    projected_date: date | None
    points: int = 0  # how many figures (one per date) the line goes through


@dataclass(frozen=True, slots=True)
class CohortAssessment:
    """The status of one cohort of one Trust."""

    cohort: Cohort
    status: Status
    severity: Severity
    latest: Figure | None
    benchmark: Benchmark | None
    deciding_step: Step | None  # the milestone that decided the status ("benchmark" in JSON)
    expected: float | None
    gap: float | None
    trend: Trend | None

    @property
    def label(self) -> str:
        """The status in words, e.g. 'Behind'."""
        return STATUS_LABELS[self.status]

    @property
    def symbol(self) -> str:
        """The status as one symbol, e.g. '▼'."""
        return STATUS_SYMBOLS[self.status]


@dataclass(frozen=True, slots=True)
class Finding:
    """A transparency duty that is not being met."""

    code: str
    severity: Severity
    message: str  # for campaigners at a terminal: may name a cocwatch command
    public: str | None = None  # the same for a public page: what a reader can do, in words

    @property
    def label(self) -> str:
        """A short title, e.g. 'Board review overdue'."""
        return FINDING_LABELS.get(self.code, self.code.replace("_", " ").capitalize())

    @property
    def public_message(self) -> str:
        """The message for readers of the published report: no command syntax."""
        return self.public or self.message


@dataclass(frozen=True, slots=True)
class TrustAssessment:
    """Everything `check` says about one Trust."""

    trust: Trust
    severity: Severity
    cohorts: tuple[CohortAssessment, ...]
    findings: tuple[Finding, ...]
    # Letters to the Trust in the correspondence log still awaiting a reply, oldest due first.
    open_letters: tuple[TrackedLetter, ...] = ()

    def cohort(self, cohort: str) -> CohortAssessment:
        """The assessment of one cohort ('all', 'ethnic_minority', 'most_deprived')."""
        return next(c for c in self.cohorts if c.cohort == cohort)

    def finding(self, code: str) -> Finding | None:
        """The finding with this code, if the Trust has it."""
        return next((f for f in self.findings if f.code == code), None)


@dataclass(frozen=True, slots=True)
class Assessment:
    """The result of assessing a set of Trusts on one date."""

    as_of: date
    trusts: tuple[TrustAssessment, ...]
    target_id: str | None = None  # the national target chosen with --target, if any
    thresholds: Thresholds | None = None

    def summary(self) -> dict[str, int]:
        """Count the assessed Trusts by severity."""
        counts = {s.value: 0 for s in Severity}
        for t in self.trusts:
            counts[t.severity.value] += 1
        return counts

    @property
    def severity(self) -> Severity:
        """The worst severity of any assessed Trust (ok when none)."""
        return worst(t.severity for t in self.trusts)


# ------------------------------------------------------------------ the rules

# Statuses are decided on exact values; this absorbs floating-point noise in the
# interpolation, so a figure exactly `tolerance_points` below expected is not behind.
_EPSILON = 1e-9
_DAYS_PER_YEAR = 365.25
_TREND_WINDOW = timedelta(days=365)
_MEASURE_RANK = {m: i for i, m in enumerate(MEASURE_PREFERENCE)}
_TARGETED: tuple[Cohort, ...] = ("ethnic_minority", "most_deprived")


@dataclass(frozen=True, slots=True)
class _Context:
    """What stays the same for every Trust in one run."""

    as_of: date
    thresholds: Thresholds
    national: dict[Cohort, NationalChoice]
    letters: Mapping[str, Sequence[TrackedLetter]]


def _context(
    registry: Registry,
    *,
    as_of: date,
    thresholds: Thresholds,
    target_id: str | None,
    letters: Mapping[str, Sequence[TrackedLetter]] | None = None,
) -> _Context:
    chosen: Target | None = None
    if target_id is not None:
        chosen = registry.national.target(target_id)
        if chosen is None:
            known = ", ".join(t.id for t in registry.national.targets) or "none"
            raise ValueError(f"no national target has the id {target_id!r} (known: {known})")
    national = national_benchmarks(registry.national.targets, as_of=as_of, chosen=chosen)
    return _Context(as_of=as_of, thresholds=thresholds, national=national, letters=letters or {})


def _preference(indexed: tuple[int, Figure]) -> tuple[date, int, bool, int]:
    """Sort key: the last figure in this order is the one F (SPEC §4) picks."""
    index, figure = indexed
    return (figure.as_of, -_MEASURE_RANK[figure.measure], not figure.provisional, index)


def _by_cohort(figures: Sequence[Figure], as_of: date) -> dict[Cohort, list[Figure]]:
    """The figures recorded up to `as_of`, per cohort, sorted once so the last is the latest.

    This includes figures without a percentage (data that failed quality); `_measured`
    keeps only those with one, from which F is chosen.
    """
    grouped: dict[Cohort, list[tuple[int, Figure]]] = {c: [] for c in COHORTS}
    for index, figure in enumerate(figures):
        if figure.as_of <= as_of:
            grouped[figure.cohort].append((index, figure))
    return {
        cohort: [f for _, f in sorted(items, key=_preference)] for cohort, items in grouped.items()
    }


def _measured(by_cohort: dict[Cohort, list[Figure]]) -> dict[Cohort, list[Figure]]:
    """Only the figures with a percentage: a figure without one is never F (SPEC §4)."""
    return {cohort: [f for f in figs if f.measured] for cohort, figs in by_cohort.items()}


def _rounded(value: float, places: int) -> float:
    return round(value, places) + 0.0  # + 0.0 turns -0.0 into 0.0


def trend_line(
    figures: Sequence[Figure], latest: Figure | None, benchmark: Benchmark | None, as_of: date
) -> Trend | None:
    """The least-squares line through the last year of F's measure (SPEC §4, "Trend").

    `figures` are one cohort's figures sorted by `_preference`. One point per date: where a
    provisional and a final figure share a date, the final one.
    """
    if latest is None:
        return None
    since = as_of - _TREND_WINDOW
    points: dict[date, float] = {}
    for figure in figures:
        if figure.measure == latest.measure and since <= figure.as_of <= as_of:
            points[figure.as_of] = figure.value  # later in the order = preferred
    n = len(points)
    if n < 3:
        return None
    xs = [d.toordinal() for d in points]
    ys = list(points.values())
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx  # points per day; sxx > 0 as the dates are distinct
    projected: date | None = None
    if slope > 0 and benchmark is not None:
        goal = highest(benchmark).percent
        if latest.value < goal:
            day = math.ceil(mean_x + (goal - mean_y) / slope)
            if 1 <= day <= date.max.toordinal():
                projected = date.fromordinal(day)
    return Trend(
        points_per_year=_rounded(slope * _DAYS_PER_YEAR, 2), projected_date=projected, points=n
    )


def assess_cohort(
    cohort: Cohort,
    figures: Sequence[Figure],
    benchmark: Benchmark | None,
    *,
    as_of: date,
    thresholds: Thresholds,
) -> CohortAssessment:
    """Assess one cohort: `figures` are its figures up to `as_of`, sorted by preference."""
    latest = figures[-1] if figures else None
    trend = trend_line(figures, latest, benchmark, as_of)
    expected: float | None = None
    gap: float | None = None
    step: Step | None = None
    if benchmark is None:
        status = Status.NO_TARGET
    elif latest is None:
        status = Status.NO_DATA
        step = next_due(benchmark, as_of) or latest_due(benchmark, as_of)
    else:
        value = latest.value
        exact = expected_level(benchmark, latest.as_of)
        expected = _rounded(exact, 1)
        gap = _rounded(value - expected, 1)
        top = highest(benchmark)
        due = latest_due(benchmark, as_of)
        if value >= top.percent:
            status, step = Status.MET, top
        elif due is not None and value < due.percent:
            status, step = Status.MISSED, due
        else:
            behind = value < exact - thresholds.tolerance_points - _EPSILON
            status = Status.BEHIND if behind else Status.ON_TRACK
            step = next_due(benchmark, latest.as_of) or benchmark.steps[-1]
    severity = STATUS_SEVERITY[status]
    if benchmark is not None and benchmark.origin == "reference" and severity is Severity.FAIL:
        severity = Severity.WARN  # withdrawn targets are context, not a failure
    return CohortAssessment(
        cohort=cohort,
        status=status,
        severity=severity,
        latest=latest,
        benchmark=benchmark,
        deciding_step=step,
        expected=expected,
        gap=gap,
        trend=trend,
    )


def _plan_findings(trust: Trust, as_of: date, thresholds: Thresholds) -> list[Finding]:
    plan = trust.plan
    found: list[Finding] = []
    if plan is not None and plan.status == "none":
        found.append(
            Finding(
                "no_plan",
                Severity.FAIL,
                "The Trust is recorded as having no Continuity of Carer plan. Ask the Board "
                "to adopt one, with milestones for all women and first for the groups with "
                "the poorest outcomes.",
            )
        )
    if plan is None or plan.status == "unknown":
        found.append(
            Finding(
                "plan_unknown",
                Severity.WARN,
                "Nobody has recorded this Trust's Continuity of Carer plan yet. Ask for it: "
                f"`cocwatch letter foi {trust.id}` drafts a Freedom of Information request "
                "for the plan, Board papers and figures; then record the answer in the "
                "registry.",
                public="Nobody has recorded this Trust's Continuity of Carer plan yet. Anyone "
                "can ask the Trust for it, its Board papers and its figures with a Freedom of "
                "Information request; if you know where the plan is published, tell the "
                "people who keep this report.",
            )
        )
    if plan is None:
        return found
    if plan.status == "paused":
        found.append(
            Finding(
                "plan_paused",
                Severity.WARN,
                "The Trust's Continuity of Carer plan is paused. Ask the Board why, what "
                "it needs to restart, and when it will report progress again.",
            )
        )
    if plan.status in ("active", "paused") and not plan.url:
        found.append(
            Finding(
                "plan_unpublished",
                Severity.WARN,
                f"The Trust has a plan ({plan.status}), but no published copy is recorded. "
                "Ask the Trust to publish it, or record its web address in the registry.",
            )
        )
    if plan.coproduced == "no":
        found.append(
            Finding(
                "not_coproduced",
                Severity.WARN,
                "The plan was not co-produced with the women who use the service. Ask the "
                "Trust to review it with the Maternity and Neonatal Voices Partnership "
                "(MNVP).",
            )
        )
    if plan.status in ("active", "paused"):
        days = thresholds.board_review_days
        reviews = [r.date for r in plan.board_reviews if r.date <= as_of]
        last = max(reviews, default=None)
        if last is None or (as_of - last).days > days:
            since = (
                f"the last one recorded was on {long_date(last)}"
                if last
                else "none is recorded at all"
            )
            found.append(
                Finding(
                    "board_review_overdue",
                    Severity.WARN,
                    "No Board review of Continuity of Carer progress is recorded in the "
                    f"{days} days up to {long_date(as_of)} ({since}). Check the latest "
                    "public Board papers and record any review with "
                    f"`cocwatch record review {trust.id}`.",
                    public="No Board review of Continuity of Carer progress is recorded in "
                    f"the {days} days up to {long_date(as_of)} ({since}). The Trust's public "
                    "Board papers should show whether the Board has discussed it since; you "
                    "can ask the Trust, or raise it at a public Board meeting.",
                )
            )
    return found


def _data_findings(
    trust: Trust,
    by_cohort: dict[Cohort, list[Figure]],
    as_of: date,
    thresholds: Thresholds,
) -> list[Finding]:
    found: list[Finding] = []
    latest = {c: figs[-1] for c, figs in by_cohort.items() if figs}
    stale = [
        (c, f) for c, f in latest.items() if (as_of - f.as_of).days > thresholds.stale_after_days
    ]
    if stale:
        listed = "; ".join(
            f"{COHORT_LABELS[c]}, {long_date(f.as_of)} ({(as_of - f.as_of).days} days old)"
            for c, f in stale
        )
        found.append(
            Finding(
                "stale_data",
                Severity.WARN,
                f"The latest figures are more than {thresholds.stale_after_days} days old "
                f"on {long_date(as_of)}: {listed}. Look for newer figures in the NHS "
                "Maternity Services Monthly Statistics or the Board papers, and record them.",
            )
        )
    failed = _quality_failures(by_cohort["all"])
    if failed:
        found.append(Finding("data_quality_failed", Severity.WARN, _quality_message(failed)))
    if latest:
        missing = [c for c in _TARGETED if c not in latest]
        if missing:
            who = " or ".join(COHORT_LABELS[c] for c in missing)
            found.append(
                Finding(
                    "targeted_data_missing",
                    Severity.WARN,
                    f"The Trust has figures, but none for {who}: the groups with the poorest "
                    "outcomes, whom the rollout was meant to reach first. Ask for figures "
                    "by ethnicity and deprivation.",
                )
            )
    measured = _measured(by_cohort)
    all_by_key: dict[tuple[date, str], Figure] = {}
    for figure in measured["all"]:
        all_by_key[(figure.as_of, figure.measure)] = figure  # later = preferred
    gaps = []
    for cohort in _TARGETED:
        own = measured[cohort][-1] if measured[cohort] else None
        if own is None or own.small_numbers:
            continue  # a gap computed from counts of 1 to 7 is not evidence
        peer = all_by_key.get((own.as_of, own.measure))
        if peer is not None and not peer.small_numbers and own.value < peer.value:
            gaps.append(
                f"{COHORT_LABELS[cohort]} {figure_text(own.value)} against "
                f"{figure_text(peer.value)} for all women on {long_date(own.as_of)}"
            )
    if gaps:
        found.append(
            Finding(
                "targeted_gap",
                Severity.WARN,
                f"Groups meant to be reached first are behind: {'; '.join(gaps)}. Ask "
                "the Trust how it will prioritise them.",
            )
        )
    return found


def quality_failures(figures: Sequence[Figure], as_of: date) -> list[Figure]:
    """The all-women figures behind `data_quality_failed` on `as_of` (may be none)."""
    return _quality_failures(_by_cohort(figures, as_of)["all"])


def _quality_failures(figures: Sequence[Figure]) -> list[Figure]:
    """The latest figure of each measure, on the cohort's latest date, that failed quality."""
    if not figures:
        return []
    newest = figures[-1].as_of
    latest: dict[str, Figure] = {}
    for figure in figures:
        if figure.as_of == newest:
            latest[figure.measure] = figure  # later in the order = preferred
    return [f for f in sorted(latest.values(), key=lambda f: _MEASURE_RANK[f.measure])
            if f.quality == "fail"]  # fmt: skip


def _quality_message(failed: Sequence[Figure]) -> str:
    """Say which measures of which month failed, without treating them as low rates."""
    parts = []
    for figure in failed:
        what = MEASURE_LABELS[figure.measure]
        if figure.measured:
            parts.append(
                f"{what}: the published {figure_text(figure.value)} may not show the true picture"
            )
        else:
            parts.append(f"{what}: no percentage was published")
    when = long_date(failed[0].as_of)
    return (
        f"The Trust's data for all women in the period ending {when} failed NHS England's "
        f"data-quality checks ({'; '.join(parts)}). This is a failure of the Trust's "
        "recording, not a measured rate. Ask the Trust how it is fixing its recording."
    )


# Letters whose reply time the FOI Act (a request) or its Code of Practice (a review) sets.
_FOI_LETTERS = {
    "foi": "Freedom of Information request",
    "foi-review": "request for an internal review",
}


def _correspondence_findings(letters: Sequence[TrackedLetter]) -> list[Finding]:
    """`foi_overdue`: FOI letters in the correspondence log with no reply by their date."""
    late = [s for s in letters if s.status == "overdue" and s.letter.kind in _FOI_LETTERS]
    if not late:
        return []
    parts = [
        f"the {_FOI_LETTERS[s.letter.kind]} sent on {long_date(s.letter.sent_on)} "
        f"(reply due by {long_date(s.reply_by)})"
        for s in late
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return [
        Finding(
            "foi_overdue",
            Severity.WARN,
            f"No reply is logged to {listed}. Check for a reply and log it with "
            "`cocwatch replied`; if none came, `cocwatch letter chaser` drafts a reminder and "
            "`cocwatch letter foi-review` a request for an internal review.",
            public=f"No reply is recorded to {listed}. The Freedom of Information Act gives "
            "20 working days; after that, the requester can ask the Trust for an internal "
            "review and then complain to the Information Commissioner's Office.",
        )
    ]


def like_for_like(
    figures: Sequence[Figure], benchmarks: Benchmarks
) -> tuple[list[Figure], Benchmark | None]:
    """Pair a cohort's figures with the benchmark of their own measure (SPEC §4).

    `figures` are sorted by `_preference`. F is the latest figure of a measure that has a
    benchmark; the figures returned are those of F's measure. With benchmarks but no figure
    of their measures, no figures (no_data, against the preferred measure's benchmark); with
    no benchmark at all, every figure (no_target, F the latest of any measure).
    """
    if not benchmarks:
        return list(figures), None
    compared = [f for f in figures if f.measure in benchmarks]
    if not compared:
        return [], next(iter(benchmarks.values()))
    measure = compared[-1].measure
    return [f for f in compared if f.measure == measure], benchmarks[measure]


def _assess(trust: Trust, ctx: _Context) -> TrustAssessment:
    by_cohort = _by_cohort(trust.figures, ctx.as_of)
    measured = _measured(by_cohort)
    cohorts = tuple(
        assess_cohort(
            cohort,
            *like_for_like(measured[cohort], choose_benchmarks(cohort, trust.plan, ctx.national)),
            as_of=ctx.as_of,
            thresholds=ctx.thresholds,
        )
        for cohort in COHORTS
    )
    findings = _plan_findings(trust, ctx.as_of, ctx.thresholds)
    findings += _data_findings(trust, by_cohort, ctx.as_of, ctx.thresholds)
    letters = ctx.letters.get(trust.id, ())
    findings += _correspondence_findings(letters)
    severity = worst([*(c.severity for c in cohorts), *(f.severity for f in findings)])
    return TrustAssessment(
        trust=trust,
        severity=severity,
        cohorts=cohorts,
        findings=tuple(findings),
        open_letters=tuple(t for t in letters if t.open),
    )


def assess_trust(
    trust: Trust,
    registry: Registry,
    *,
    as_of: date,
    thresholds: Thresholds,
    target_id: str | None = None,
    letters: Mapping[str, Sequence[TrackedLetter]] | None = None,
) -> TrustAssessment:
    """Assess one Trust on `as_of` (SPEC §4).

    `target_id` names a national target to judge its cohort against (origin ``chosen``);
    an unknown id raises ValueError (the CLI checks it first and reports a usage error).
    `letters` holds each Trust's open letters from the correspondence log, by Trust id.
    """
    ctx = _context(
        registry, as_of=as_of, thresholds=thresholds, target_id=target_id, letters=letters
    )
    return _assess(trust, ctx)


def assess(
    registry: Registry,
    trusts: list[Trust] | tuple[Trust, ...],
    *,
    as_of: date,
    thresholds: Thresholds,
    target_id: str | None = None,
    letters: Mapping[str, Sequence[TrackedLetter]] | None = None,
) -> Assessment:
    """Assess the given Trusts, ordered by region then name (then id).

    `letters` holds each Trust's open letters from the correspondence log, by Trust id.
    """
    ctx = _context(
        registry, as_of=as_of, thresholds=thresholds, target_id=target_id, letters=letters
    )
    ordered = sorted(trusts, key=lambda t: (t.region, t.name, t.id))
    return Assessment(
        as_of=as_of,
        trusts=tuple(_assess(t, ctx) for t in ordered),
        target_id=target_id,
        thresholds=thresholds,
    )


def explain(ca: CohortAssessment) -> str:
    """One sentence on a cohort's status, for people: figure, benchmark, expected level."""
    who = COHORT_LABELS[ca.cohort].capitalize()
    step = ca.deciding_step
    bench = ""
    if step is not None and ca.benchmark is not None:
        bench = (
            f"{percent_text(step.percent)} due by {wording.period(step.due, step.due_precision)} "
            f"({ORIGIN_LABELS[ca.benchmark.origin]})"
        )
    latest = ca.latest
    if ca.status is Status.NO_TARGET:
        if latest is None:
            return f"{who}: no target applies and no figure is recorded."
        return (
            f"{who}: {figure_text(latest.value)} on {long_date(latest.as_of)}; no target applies."
        )
    if latest is None:
        return f"{who}: no figure is recorded to compare with {bench}."
    figure = f"{figure_text(latest.value)} on {long_date(latest.as_of)}"
    if latest.small_numbers:
        figure += f" ({latest.numerator} of {latest.denominator} women; {SMALL_NUMBERS_CAUTION})"
    if ca.status is Status.MET:
        return f"{who}: {figure} reaches the highest milestone, {bench}."
    if ca.status is Status.MISSED:
        return f"{who}: {figure} is below {bench}, which has passed."
    expected = figure_text(ca.expected) if ca.expected is not None else "?"
    gap = wording.signed_points(ca.gap) if ca.gap is not None else "?"
    verdict = "behind" if ca.status is Status.BEHIND else "on track"
    return (
        f"{who}: {figure} is {verdict}, against {expected} expected by then "
        f"({gap} points), on the way to {bench}."
    )
