"""The finding rules: the transparency duties `check` looks at, one `Rule` each (SPEC §4).

Pure: the standard library and ``cocwatch.core`` only. A rule is a code, a severity, a short
label, a sentence on why it matters (for readers of the report) and a check: a function of
one Trust's `Facts` that says what is wrong in words, or None when the duty is met. `RULES`
lists them in the order findings are reported; everything else (the assessment, the
report's words, the codes a letter's `--only` accepts, the findings reference in the docs)
is derived from it.

Adding a rule: a member of `FindingCode` (in `cocwatch.core.kinds`, where the command line
reads the codes without loading the rules), a check function and a `Rule` in `RULES` here; a
test in ``tests/core``; a line under the finding's heading in the docs (`reference_markdown`
writes the reference table from the rules).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from cocwatch.core.bodies import TRUST, BodyKind, icb_code
from cocwatch.core.comparison import EquityGap
from cocwatch.core.comparison_words import quality_words
from cocwatch.core.correspondence import TrackedLetter
from cocwatch.core.kinds import Cohort, FindingCode, Severity
from cocwatch.core.measures import NOTHING_DECLARED, Declared
from cocwatch.core.models import Figure, Thresholds, Trust
from cocwatch.core.official import Observation
from cocwatch.core.selection import TARGETED, latest_failures
from cocwatch.core.wording import COHORT, figure_percent, long_date


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules may look at for one Trust on one date."""

    trust: Trust
    as_of: date
    thresholds: Thresholds
    figures: Mapping[Cohort, Sequence[Figure]]  # up to as_of, per cohort, latest last
    letters: Sequence[TrackedLetter] = ()  # the Trust's letters in the correspondence log
    # From the statistics folder, each in the month of its measure's latest figure:
    equity: Sequence[EquityGap] = ()  # targeted groups against their comparison groups
    no_women: frozenset[str] = frozenset()  # targeted cohorts with no women that month
    dq: Sequence[Observation] = ()  # the data-quality measures that govern the measures
    compared: bool = False  # whether the statistics folder was read at all
    declared: Declared = NOTHING_DECLARED  # the official sources' measures and publishers
    kind: BodyKind = TRUST  # a Trust, or an ICB's LMNS: which duties apply, and its words

    @property
    def the(self) -> str:
        """'The Trust', 'The LMNS': how a message names the body."""
        return f"The {self.kind.noun}"

    @property
    def ask_plan(self) -> str:
        """The command that drafts a request for its plan, with its id filled in."""
        return self.kind.ask_plan.format(id=self.trust.id, code=icb_code(self.trust.id) or "")


@dataclass(frozen=True, slots=True)
class Found:
    """What a rule says when its duty is not met."""

    message: str  # for campaigners at a terminal: may name a cocwatch command
    public: str | None = None  # the same for a public page, when it must differ


@dataclass(frozen=True, slots=True)
class Rule:
    """One transparency duty and how to tell that it is not met."""

    code: FindingCode
    severity: Severity
    label: str  # a short title: "Board review overdue"
    why: str  # why it matters, for readers of the report
    check: Callable[[Facts], Found | None]
    # its message lists each item (each overdue letter): a new message while it stays open
    # is news to `watch`
    lists_items: bool = False
    action: str = ""  # what to do about it, in a few words, for the check table


@dataclass(frozen=True, slots=True)
class Finding:
    """A transparency duty that is not being met."""

    code: FindingCode
    severity: Severity
    message: str  # for campaigners at a terminal: may name a cocwatch command
    public: str | None = None  # the same for a public page: what a reader can do, in words

    @property
    def rule(self) -> Rule:
        """The rule that found it."""
        return RULE[self.code]

    @property
    def label(self) -> str:
        """A short title, e.g. 'Board review overdue'."""
        return RULE[self.code].label

    @property
    def public_message(self) -> str:
        """The message for readers of the published report: no command syntax."""
        return self.public or self.message


# ------------------------------------------------------------------ the plan


def _no_plan(facts: Facts) -> Found | None:
    plan = facts.trust.plan
    if plan is None or plan.status != "none":
        return None
    return Found(
        f"{facts.the} is recorded as having no Continuity of Carer plan. Ask the Board to "
        "adopt one, with milestones for all women and first for the groups with the poorest "
        "outcomes."
    )


def _plan_unknown(facts: Facts) -> Found | None:
    plan = facts.trust.plan
    if plan is not None and plan.status != "unknown":
        return None
    noun = facts.kind.noun
    if facts.kind is TRUST:
        how = "drafts a Freedom of Information request for the plan, Board papers and figures"
    else:
        how = f"drafts a letter asking for the {noun}'s continuity of carer and equity plan"
    return Found(
        f"Nobody has recorded this {noun}'s Continuity of Carer plan yet. Ask for it: "
        f"`{facts.ask_plan}` {how}; then record the answer in the registry.",
        public=f"Nobody has recorded this {noun}'s Continuity of Carer plan yet. Anyone can "
        f"ask the {noun} for it, its Board papers and its figures with a Freedom of "
        "Information request; if you know where the plan is published, tell the people who "
        "keep this report.",
    )


def _plan_paused(facts: Facts) -> Found | None:
    plan = facts.trust.plan
    if plan is None or plan.status != "paused":
        return None
    return Found(
        f"{facts.the}'s Continuity of Carer plan is paused. Ask the Board why, what it needs "
        "to restart, and when it will report progress again."
    )


def _plan_unpublished(facts: Facts) -> Found | None:
    plan = facts.trust.plan
    if plan is None or plan.status not in ("active", "paused") or plan.url:
        return None
    return Found(
        f"{facts.the} has a plan ({plan.status}), but no published copy is recorded. Ask "
        f"the {facts.kind.noun} to publish it, or record its web address in the registry."
    )


def _not_coproduced(facts: Facts) -> Found | None:
    plan = facts.trust.plan
    if plan is None or plan.coproduced != "no":
        return None
    return Found(
        "The plan was not co-produced with the women who use the service. Ask the "
        f"{facts.kind.noun} to review it with the Maternity and Neonatal Voices Partnership "
        "(MNVP)."
    )


def _board_review_overdue(facts: Facts) -> Found | None:
    plan, as_of = facts.trust.plan, facts.as_of
    if plan is None or plan.status not in ("active", "paused"):
        return None
    days = facts.thresholds.board_review_days
    last = max((r.date for r in plan.board_reviews if r.date <= as_of), default=None)
    if last is not None and (as_of - last).days <= days:
        return None
    since = f"the last one recorded was on {long_date(last)}" if last else "none is recorded at all"
    gap = f"{days} days up to {long_date(as_of)} ({since})"
    return Found(
        f"No Board review of Continuity of Carer progress is recorded in the {gap}. Check the "
        "latest public Board papers and record any review with "
        f"`cocwatch record review {facts.trust.id}`.",
        public=f"No Board review of Continuity of Carer progress is recorded in the {gap}. "
        "The Trust's public Board papers should show whether the Board has discussed it "
        "since; you can ask the Trust, or raise it at a public Board meeting.",
    )


# ------------------------------------------------------------------ the figures


def _who(facts: Facts, cohort: Cohort) -> str:
    """A group of women as the official statistics in use define it, else the registry's."""
    group = facts.declared.group(cohort)
    return group.who if group is not None else COHORT[cohort].sentence


def _latest(facts: Facts) -> dict[Cohort, Figure]:
    return {c: figs[-1] for c, figs in facts.figures.items() if figs}


def _stale_data(facts: Facts) -> Found | None:
    as_of, days = facts.as_of, facts.thresholds.stale_after_days
    stale = [(c, f) for c, f in _latest(facts).items() if (as_of - f.as_of).days > days]
    if not stale:
        return None
    listed = "; ".join(
        f"{_who(facts, c)}, {long_date(f.as_of)} ({(as_of - f.as_of).days} days old)"
        for c, f in stale
    )
    where = [p.series for p in facts.declared.publishers()] + ["the Board papers"]
    return Found(
        f"The latest figures are more than {days} days old on {long_date(as_of)}: {listed}. "
        f"Look for newer figures in {' or '.join(where)}, and record them."
    )


def _data_quality_failed(facts: Facts) -> Found | None:
    failed = latest_failures(facts.figures["all"])
    if not failed:
        return None
    declared = facts.declared
    whats, results = [], []
    for figure in failed:
        whats.append(declared.words(figure.measure).data)
        if figure.measured:
            results.append(
                f"the published {figure_percent(figure.value)} may not show the true picture"
            )
    if len(results) < len(failed):
        results.insert(
            0,
            "no percentage was published"
            if len(failed) == 1
            else "no percentage was published for some",
        )
    publishers = declared.publishers(f.source.kind for f in failed)
    checks = " and ".join(p.quality_checks for p in publishers) or "its data-quality checks"
    reasons, ask = _dq_reasons(facts, failed)
    if ask:
        close = (
            " This may be no continuity at all rather than a fault in recording: ask the Trust "
            "which."
        )
    else:
        close = (
            " This is a failure of the Trust's recording, not a measured rate. Ask the Trust "
            "how it is fixing its recording."
        )
    return Found(
        f"In the period ending {long_date(failed[0].as_of)}, the Trust's data on "
        f"{' and on '.join(whats)} failed {checks}, so {'; '.join(results)}.{reasons}{close}"
    )


def _dq_reasons(facts: Facts, failed: Sequence[Figure]) -> tuple[str, bool]:
    """Which data-quality measures failed, in words, from the file's own DQ rows; and whether
    what they show may be no continuity at all (a question for the Trust)."""
    measures = {f.measure for f in failed}
    said: dict[str, list[str]] = {}
    ask = False
    for measure in facts.declared.measures:
        if measure.code in measures:
            found = quality_words(facts.dq, measure)
            said.setdefault(measure.publisher.possessive, []).extend(found.technical)
            ask = ask or found.ask is not None
    text = "".join(
        f" In {whose} data-quality measures, {'; '.join(reasons)}."
        for whose, reasons in said.items()
        if reasons
    )
    return text, ask


def _targeted_data_missing(facts: Facts) -> Found | None:
    latest = _latest(facts)
    # A group with no women that month (a denominator of 0) has nothing to publish.
    missing = [c for c in TARGETED if c not in latest and c not in facts.no_women]
    if not latest or not missing:
        return None
    who = " or ".join(_who(facts, c) for c in missing)
    return Found(
        f"{facts.the} has figures, but none for {who}: the groups with the poorest outcomes, "
        "whom the rollout was meant to reach first. Ask for figures by ethnicity and "
        "deprivation."
    )


def _targeted_gap(facts: Facts) -> Found | None:
    gaps = [g for g in facts.equity if g.significant_gap]
    if not gaps:
        return None
    parts = []
    for gap in gaps:
        assert gap.group is not None and gap.comparison is not None and gap.test is not None
        group, other = gap.group, gap.comparison
        parts.append(
            f"{gap.pair.group.who}: {group.numerator} of {group.denominator} "
            f"({figure_percent(100 * group.numerator / group.denominator)}) against "
            f"{other.numerator} of {other.denominator} "
            f"({figure_percent(100 * other.numerator / other.denominator)}) for "
            f"{gap.pair.comparison.who}"
        )
    return Found(
        f"Groups meant to be reached first are behind, by more than chance would explain "
        f"(a test of two proportions at 95%): {'; '.join(parts)}. Ask the {facts.kind.noun} "
        "how it will prioritise them."
    )


# ------------------------------------------------------------------ the correspondence log

# Letters whose reply time the FOI Act (a request) or its Code of Practice (a review) sets.
_FOI_LETTERS = {
    "foi": "Freedom of Information request",
    "foi-review": "request for an internal review",
}


def _foi_overdue(facts: Facts) -> Found | None:
    late = [s for s in facts.letters if s.status == "overdue" and s.letter.kind in _FOI_LETTERS]
    if not late:
        return None
    parts = [
        f"the {_FOI_LETTERS[s.letter.kind]} sent on {long_date(s.sent_on)} "
        f"(reply due by {long_date(s.reply_by)})"
        for s in late
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return Found(
        f"No reply is logged to {listed}. Check for a reply and log it with "
        f"`cocwatch replied {late[0].letter.kind} {facts.trust.id}`; if none came, "
        f"`cocwatch letter chaser {facts.trust.id}` drafts a reminder and "
        f"`cocwatch letter foi-review {facts.trust.id}` a request for an internal review.",
        public=f"No reply is recorded to {listed}. The Freedom of Information Act gives 20 "
        "working days; after that, the requester can ask the Trust for an internal review "
        "and then complain to the Information Commissioner's Office.",
    )


# ------------------------------------------------------------------ the rules, in order

RULES: tuple[Rule, ...] = (
    Rule(
        FindingCode.NO_PLAN,
        Severity.FAIL,
        "No plan",
        "Without a written plan there is nothing to hold the Board to.",
        _no_plan,
        action="ask for a plan",
    ),
    Rule(
        FindingCode.PLAN_UNKNOWN,
        Severity.NOTE,
        "Plan not known",
        "Nobody has recorded this Trust's plan yet: it may exist but not be public.",
        _plan_unknown,
        action="find its plan (FOI)",
    ),
    Rule(
        FindingCode.PLAN_PAUSED,
        Severity.WARN,
        "Plan paused",
        "A paused plan means continuity of carer is not currently growing.",
        _plan_paused,
        action="ask why paused",
    ),
    Rule(
        FindingCode.PLAN_UNPUBLISHED,
        Severity.WARN,
        "Plan not published",
        "A plan that is not published cannot be checked by the public.",
        _plan_unpublished,
        action="ask to publish plan",
    ),
    Rule(
        FindingCode.NOT_COPRODUCED,
        Severity.WARN,
        "Plan not co-produced",
        "Plans should be made with the people who use the service (the MNVP).",
        _not_coproduced,
        action="ask to co-produce",
    ),
    Rule(
        FindingCode.BOARD_REVIEW_OVERDUE,
        Severity.WARN,
        "Board review overdue",
        "Progress was to be overseen by the Trust Board at least monthly.",
        _board_review_overdue,
        action="ask for Board review",
    ),
    Rule(
        FindingCode.STALE_DATA,
        Severity.NOTE,
        "Figures out of date",
        "Old figures say little about where the Trust is now.",
        _stale_data,
        action="import new figures",
    ),
    Rule(
        FindingCode.DATA_QUALITY_FAILED,
        Severity.WARN,
        "Data quality failed",
        "A low figure that fails data quality may not be a true picture.",
        _data_quality_failed,
        action="ask about recording",
    ),
    Rule(
        FindingCode.TARGETED_DATA_MISSING,
        Severity.WARN,
        "No figures for targeted groups",
        "The rollout was to reach ethnic-minority women and the most deprived areas first.",
        _targeted_data_missing,
        action="ask for group figures",
    ),
    Rule(
        FindingCode.TARGETED_GAP,
        Severity.WARN,
        "Targeted group behind",
        "The groups with the poorest outcomes were to be reached first, not last; a gap is "
        "called one only when a test of two proportions finds it at the 95% level.",
        _targeted_gap,
        action="ask about groups behind",
    ),
    Rule(
        FindingCode.FOI_OVERDUE,
        Severity.WARN,
        "FOI reply overdue",
        "The Freedom of Information Act gives a public authority 20 working days to reply "
        "to a request.",
        _foi_overdue,
        lists_items=True,
        action="chase the FOI reply",
    ),
)
RULE: Mapping[FindingCode, Rule] = {rule.code: rule for rule in RULES}
CODES: tuple[FindingCode, ...] = tuple(rule.code for rule in RULES)


def find(facts: Facts, rules: Sequence[Rule] = RULES) -> list[Finding]:
    """Every finding of one body, in the order of `rules` (at most one per rule); only the
    duties that apply to its kind (`cocwatch.core.bodies`)."""
    found = []
    for rule in rules:
        if rule.code not in facts.kind.findings:
            continue
        said = rule.check(facts)
        if said is not None:
            found.append(Finding(rule.code, rule.severity, said.message, said.public))
    return found


def reference_markdown(rules: Sequence[Rule] = RULES) -> str:
    """A Markdown table of every finding, generated from the rules, for the docs."""
    lines = ["| Code | Finding | Severity | Why it matters |", "| --- | --- | --- | --- |"]
    lines += [f"| `{rule.code}` | {rule.label} | {rule.severity} | {rule.why} |" for rule in rules]
    return "\n".join(lines) + "\n"


__all__ = [
    "CODES",
    "RULE",
    "RULES",
    "Facts",
    "Finding",
    "FindingCode",
    "Found",
    "Rule",
    "find",
    "reference_markdown",
]
