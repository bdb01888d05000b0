"""The typed context every letter template receives (SPEC §6), built from plain values.

Pure: registry models, assessment results and dates in; frozen views out. No Jinja, no I/O,
no clock. The views carry the raw values (dates, numbers, ``None`` when unknown) and
ready-made British English wording beside them (``*_long`` dates, ``*_text`` numbers), so a
template can quote a fact without formatting it. Each field is documented with `Doc`;
`describe_context()` turns those notes into the README's table of fields.

Citations: `LetterState.cite` numbers each source the first time a letter quotes it and
returns the marker (``[1]``); `LetterState.references` is the numbered list to print at the
end. Placeholders (``[Your name]``) stand in for details nobody has recorded yet; the
renderer warns about every one that appears in a letter.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import statistics
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields, is_dataclass, replace
from datetime import date
from typing import Annotated, Any, Literal

from cocwatch.core import wording
from cocwatch.core.assessment import (
    Benchmark,
    CohortAssessment,
    Finding,
    Severity,
    Status,
    Step,
    TrustAssessment,
    quality_failures,
)
from cocwatch.core.correspondence import Reply, TrackedLetter
from cocwatch.core.models import (
    COHORTS,
    CONTACT_ROLES,
    BoardReview,
    Contact,
    Figure,
    Inspection,
    Plan,
    Registry,
    Sender,
    Source,
    Target,
    Thresholds,
    Trust,
)
from cocwatch.core.targets import in_force as target_in_force
from cocwatch.core.targets import superseded_on

Scope = Literal["trust", "national"]
LetterFormat = Literal["md", "txt", "docx", "eml"]
SCOPES: tuple[Scope, ...] = ("trust", "national")
FORMATS: tuple[LetterFormat, ...] = ("md", "txt", "docx", "eml")

# NHS England renamed Maternity Voices Partnerships on 2023-11-28 (DOMAIN §5).
MNVP_RENAMED_ON = date(2023, 11, 28)

# Roles whose letters go to the Trust itself, so the Trust's address is theirs by default.
TRUST_ROLES = frozenset(
    {"chief_executive", "chair", "director_of_midwifery", "board_safety_champion", "foi", "pals"}
)
RECIPIENT_ROLES: tuple[str, ...] = (*CONTACT_ROLES, "followed")
# Roles found in the registry's `national.contacts`, whatever the letter's scope.
NATIONAL_ROLES = frozenset({"secretary_of_state", "minister", "ico"})


@dataclass(frozen=True, slots=True)
class Doc:
    """The documentation of one context field (read by `describe_context`)."""

    text: str


# ---------------------------------------------------------------------------------------
# Wording


COHORT_LABELS = {
    "all": "All women",
    "ethnic_minority": "Women from Black, Asian and other ethnic-minority groups",
    "most_deprived": "Women from the most deprived 10% of neighbourhoods",
}
COHORT_WHO = {
    "all": "women",
    "ethnic_minority": "women from Black, Asian and other ethnic-minority groups",
    "most_deprived": "women from the most deprived 10% of neighbourhoods",
}
STATUS_TEXT = {
    "no_target": "no target",
    "no_data": "no figures",
    "met": "met",
    "missed": "missed",
    "behind": "behind",
    "on_track": "on track",
}
ORIGIN_TEXT = {
    "chosen": "the national target",
    "local": "the Trust's own plan",
    "national": "the national target",
    "reference": "the withdrawn national target (for reference)",
}
PLAN_STATUS_TEXT = {
    "active": "active",
    "paused": "paused",
    "none": "no plan",
    "unknown": "not known",
}
RATING_TEXT = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
    "not_rated": "Not rated",
}
SOURCE_KIND_TEXT = {
    "msds": "Maternity Services Data Set (MSDS)",
    "board_paper": "Trust Board paper",
    "foi": "Freedom of Information response",
    "cqc": "Care Quality Commission",
    "news": "News report",
    "other": "Source",
}
ROLE_TITLES = {
    "chief_executive": "Chief Executive",
    "chair": "Chair",
    "director_of_midwifery": "Director of Midwifery",
    "board_safety_champion": "Board Maternity Safety Champion",
    "foi": "Freedom of Information Officer",
    "pals": "Patient Advice and Liaison Service (PALS)",
    "other": "Recipient",
    "secretary_of_state": "Secretary of State for Health and Social Care",
    "minister": "Minister",
    "ico": "Information Commissioner's Office",
}

_HONORIFICS = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "doctor",
    "prof",
    "professor",
    "rev",
    "revd",
    "reverend",
    "cllr",
    "councillor",
    "lord",
    "lady",
    "baroness",
    "baron",
}
_KNIGHTLY = {"sir", "dame"}
_NAME_PREFIXES = ("the rt hon ", "the right honourable ", "rt hon ", "right honourable ")
_POST_NOMINAL = re.compile(r"^(?:[A-Z]{2,6}|PhD|DPhil|MSc|BSc|MA|BA|MBA|MD|FRCOG|FRCM)$")


@functools.lru_cache(maxsize=4096)  # a letter writes the same few dates many times
def uk_date(value: date) -> str:
    """Write a date the British way: 23 November 2026."""
    return wording.long_date(value)


month_year = wording.month_year
round_half_up = wording.round_half_up


def number_text(value: float) -> str:
    """A number to one decimal place, without a trailing .0: 51, 17.2."""
    return wording.number(value)


def percent_text(value: float) -> str:
    """A percentage for a letter: 51%, 17.2%."""
    return wording.percent(value)


def points_text(value: float) -> str:
    """A difference in percentage points, without its sign: 1 percentage point, 2.5 ..."""
    return wording.points(value)


def join_and(items: Iterable[str], conjunction: str = "and") -> str:
    """Join words the British way: 'a', 'a and b', 'a, b and c' (no Oxford comma)."""
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    """'1 Trust', '3 Trusts' (pass `many` for irregular plurals)."""
    return f"{count} {singular if count == 1 else (many or singular + 's')}"


def salutation_name(name: str) -> str | None:
    """The 'Ms Smith' part of 'Dear Ms Smith', or None when the name has no honorific."""
    text = " ".join(name.replace(",", " , ").split())
    lowered = text.lower()
    for prefix in _NAME_PREFIXES:
        if lowered.startswith(prefix):
            text = text[len(prefix) :]
            break
    words = text.split(" , ")[0].split()
    while len(words) > 1 and _POST_NOMINAL.match(words[-1]):
        words.pop()
    if len(words) < 2:
        return None
    bare = [w.lower().rstrip(".") for w in words]
    for i, word in enumerate(bare):
        if word in _KNIGHTLY and i + 1 < len(words):
            # Knights and dames are addressed by their first name: Dear Sir John.
            return f"{words[i].rstrip('.')} {words[i + 1]}"
    if bare[0] in _HONORIFICS:
        titles = []
        for word, low in zip(words, bare, strict=True):
            if low not in _HONORIFICS:
                break
            titles.append(word.rstrip("."))
        if len(titles) == len(words):
            return None
        return f"{' '.join(titles)} {words[-1]}"
    return None


def salutation_for(role: str, name: str | None) -> tuple[str, str]:
    """Return the salutation and the matching valediction (UK convention)."""
    if name:
        formal = salutation_name(name)
        return f"Dear {formal or name.strip()}", "Yours sincerely"
    if role == "secretary_of_state":
        return "Dear Secretary of State", "Yours sincerely"
    if role == "minister":
        return "Dear Minister", "Yours sincerely"
    return "Dear Sir or Madam", "Yours faithfully"


def address_lines(address: str | None) -> tuple[str, ...]:
    """Split a postal address into lines (newlines or commas), dropping empty parts."""
    if not address:
        return ()
    parts = address.splitlines() if "\n" in address.strip() else address.split(",")
    return tuple(p.strip() for p in parts if p.strip())


# ---------------------------------------------------------------------------------------
# Placeholders and citations


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A detail nobody has recorded yet: shown as `text` in a letter until filled in."""

    label: Annotated[str, Doc("What is missing, e.g. 'Your name'.")]
    text: Annotated[str, Doc("What the letter shows instead, e.g. '[Your name]'.")]

    def __str__(self) -> str:
        return self.text


def placeholder(label: str, hint: str | None = None) -> Placeholder:
    """A visible placeholder: '[Label]' or '[Label: hint]'."""
    return Placeholder(label, f"[{label}: {hint}]" if hint else f"[{label}]")


@dataclass(frozen=True, slots=True)
class SourceView:
    """Where a fact comes from."""

    title: Annotated[str | None, Doc("The document's title, if recorded.")]
    url: Annotated[str | None, Doc("Its web address, if recorded.")]
    kind: Annotated[str, Doc("msds, board_paper, foi, cqc, news, other (or plan, review).")]
    kind_text: Annotated[str, Doc("The kind in words, e.g. 'Trust Board paper'.")]
    retrieved: Annotated[date | None, Doc("When it was retrieved, if recorded.")]
    retrieved_long: Annotated[str | None, Doc("That date in words.")]
    note: Annotated[str | None, Doc("A caveat, e.g. 'no source recorded in the registry'.")]
    text: Annotated[str, Doc("The whole citation on one line, as the reference list shows it.")]


@functools.lru_cache(maxsize=4096)  # many figures cite the same document; views are frozen
def _source_view(
    *,
    title: str | None,
    url: str | None,
    kind: str = "other",
    retrieved: date | None = None,
    note: str | None = None,
) -> SourceView:
    kind_text = SOURCE_KIND_TEXT.get(kind, "Source")
    text = title.strip().rstrip(".") if title else kind_text
    if url:
        text += f". {url}"
    extras = [f"retrieved {uk_date(retrieved)}"] if retrieved else []
    extras += [note] if note else []
    if extras:
        text += f" ({'; '.join(extras)})"
    if not url:
        text += "."
    return SourceView(
        title=title,
        url=url,
        kind=kind,
        kind_text=kind_text,
        retrieved=retrieved,
        retrieved_long=uk_date(retrieved) if retrieved else None,
        note=note,
        text=" ".join(text.split()),
    )


def source_view(source: Source) -> SourceView:
    """The view of a registry `Source`."""
    return _source_view(
        title=source.title, url=source.url, kind=source.kind, retrieved=source.retrieved
    )


@dataclass(frozen=True, slots=True)
class Reference:
    """One entry of a letter's numbered reference list."""

    number: Annotated[int, Doc("Its number, as cited in the text: [1].")]
    source: Annotated[SourceView, Doc("The source cited.")]
    text: Annotated[str, Doc("The citation on one line (same as source.text).")]


class LetterState:
    """The per-letter bookkeeping a template updates while it renders: citations, placeholders.

    Pure and deterministic: numbers follow the order in which the letter first cites each
    source; citing the same source again reuses its number.
    """

    def __init__(self) -> None:
        self.references: list[Reference] = []
        self.extra_placeholders: list[Placeholder] = []
        self._numbers: dict[tuple[str, str], int] = {}

    def cite(self, *things: Any, title: str | None = None, url: str | None = None) -> str:
        """Number the sources of `things` (figures, targets, plans...) and return '[1, 2]'."""
        sources = [_citation_of(thing) for thing in things]
        if title or url:
            sources.append(_source_view(title=title, url=url))
        if not sources:
            raise ValueError("cite() needs something to cite: a figure, target, plan or title=")
        numbers: list[int] = []
        for src in sources:
            # One document, one number: a web address identifies it; else its title.
            key = ("url", src.url) if src.url else ("title", src.title or src.text)
            number = self._numbers.get(key)
            if number is None:
                number = len(self.references) + 1
                self._numbers[key] = number
                self.references.append(Reference(number, src, src.text))
            if number not in numbers:
                numbers.append(number)
        return "[" + ", ".join(str(n) for n in numbers) + "]"

    def placeholder(self, label: str, hint: str | None = None) -> str:
        """A placeholder the template writes itself; it is reported like the built-in ones."""
        made = placeholder(str(label), str(hint) if hint is not None else None)
        self.extra_placeholders.append(made)
        return made.text


def _citation_of(thing: Any) -> SourceView:
    if isinstance(thing, SourceView):
        return thing
    citation = getattr(thing, "citation", None)
    if isinstance(citation, SourceView):
        return citation
    what = "nothing (the value is not known)" if thing is None else type(thing).__name__
    raise ValueError(
        f"cite() cannot cite {what}: pass a figure, target, plan, Board review, "
        "inspection or source, or title='...'"
    )


# ---------------------------------------------------------------------------------------
# Registry facts


@dataclass(frozen=True, slots=True)
class FigureView:
    """One published figure for one cohort."""

    cohort: Annotated[str, Doc("all, ethnic_minority or most_deprived.")]
    who: Annotated[str, Doc("The cohort in a sentence: 'women from ...'.")]
    measure: Annotated[str, Doc("placed_by_28_weeks, receiving_ongoing, offered or other.")]
    percent: Annotated[
        float | None, Doc("The percentage (0-100); None when the data failed quality checks.")
    ]
    percent_text: Annotated[str, Doc("It in words: '17.2%', or 'no percentage'.")]
    numerator: Annotated[int | None, Doc("Women counted, if published.")]
    denominator: Annotated[int | None, Doc("Out of how many, if published.")]
    as_of: Annotated[date, Doc("End of the period the figure describes.")]
    as_of_long: Annotated[str, Doc("That date in words.")]
    provisional: Annotated[bool, Doc("Whether the figure is provisional.")]
    quality: Annotated[str, Doc("MSDS data-quality result: pass, fail or unknown.")]
    small_numbers: Annotated[
        bool, Doc("Whether an MSDS count of 5 (standing for 1 to 7) underlies it: not precise.")
    ]
    caveats: Annotated[tuple[str, ...], Doc("Caveats in words (provisional, failed quality).")]
    statement: Annotated[
        str,
        Doc(
            "The figure as a clause naming its measure and month: '17.1% of women reaching "
            "29 weeks of pregnancy in April 2025 were placed on a continuity of carer pathway'; "
            "counts instead of a rate for small numbers."
        ),
    ]
    summary: Annotated[str, Doc("statement + caveats (provisional, quality, small numbers).")]
    source: Annotated[SourceView, Doc("Where it was published.")]
    citation: Annotated[SourceView, Doc("What cite() cites for it (its source).")]


# What a measure counts, after "women …".
MEASURE_TEXT = {
    "placed_by_28_weeks": "placed on a continuity of carer pathway by 28 weeks",
    "receiving_ongoing": "receiving continuity of carer through pregnancy and birth",
    "offered": "offered continuity of carer",
    "other": "having continuity of carer (on another measure)",
}
# What a measure's data is about, for "the Trust's data on … failed quality checks".
MEASURE_DATA = {
    "placed_by_28_weeks": "placements on a continuity of carer pathway",
    "receiving_ongoing": "continuity of carer received through pregnancy and birth",
    "offered": "offers of continuity of carer",
    "other": "continuity of carer",
}


def _month_before(day: date, months: int) -> date:
    """The first day of the month `months` before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _period(as_of: date) -> str:
    """'in April 2025' for a figure of a calendar month, else 'in the period ending …'."""
    if (as_of + dt.timedelta(days=1)).day == 1:
        return f"in {month_year(as_of)}"
    return f"in the period ending {uk_date(as_of)}"


def _statement(figure: Figure, who: str, amount: str) -> str:
    """The figure as a clause that names what was measured (DOMAIN §3, SPEC §6)."""
    period = _period(figure.as_of)
    if figure.source.kind != "msds":
        # MSDS's own definitions (women reaching 29 weeks; four months earlier) are not
        # assumed for a Board paper or an FOI reply: name the measure, not its denominator.
        figures_for = f"in figures for {period.removeprefix('in ')}"
        if figure.measure == "placed_by_28_weeks":
            return (
                f"{amount} {who} were placed on a continuity of carer pathway by 28 weeks "
                f"of pregnancy, {figures_for}"
            )
        if figure.measure == "receiving_ongoing":
            return f"{amount} {who} received continuity of carer, {figures_for}"
    if figure.measure == "placed_by_28_weeks":
        return (
            f"{amount} {who} reaching 29 weeks of pregnancy {period} were placed on a "
            "continuity of carer pathway"
        )
    if figure.measure == "receiving_ongoing":
        if (figure.as_of + dt.timedelta(days=1)).day == 1:
            when = f"in {month_year(_month_before(figure.as_of, 4))}"
        else:
            when = f"four months before the period ending {uk_date(figure.as_of)}"
        share = amount if amount.endswith(" of") else amount.replace(" of ", " of the ", 1)
        everyone = "all " if amount.endswith(" of") else ""
        return (
            f"{share} {everyone}{who} who reached 29 weeks of pregnancy {when} received "
            "continuity of carer through pregnancy and birth"
        )
    if figure.measure == "offered":
        return f"{amount} {who} could be offered continuity of carer {period}"
    return f"{amount} {who} had continuity of carer {period}, on the measure the source uses"


def figure_view(figure: Figure) -> FigureView:
    """The view of a registry `Figure`."""
    who = COHORT_WHO[figure.cohort]
    caveats: list[str] = []
    if figure.provisional:
        caveats.append("provisional")
    if figure.percent is None:
        pct = "no percentage"
        statement = (
            f"the Trust's data on {MEASURE_DATA[figure.measure]} for {who} "
            f"{_period(figure.as_of)} failed NHS England's data-quality checks, so no "
            "percentage was published"
        )
    else:
        pct = wording.percent(figure.percent, fixed=True)  # as published: one decimal place
        if figure.quality == "fail":
            caveats.append(
                "the Trust's data failed NHS England's data-quality checks, so it may not "
                "show the care women received"
            )
        if figure.small_numbers:
            # A count of 5 stands for anything from 1 to 7: give the counts, not a rate.
            amount = f"{figure.numerator} of {figure.denominator}"
            caveats.append(
                "NHS England publishes any count from 1 to 7 as 5, so these small numbers "
                "do not give a precise rate"
            )
        else:
            amount = f"{pct} of"
        statement = _statement(figure, who, amount)
    summary = f"{statement} ({'; '.join(caveats)})" if caveats else statement
    src = source_view(figure.source)
    return FigureView(
        cohort=figure.cohort,
        who=who,
        measure=figure.measure,
        percent=figure.percent,
        percent_text=pct,
        numerator=figure.numerator,
        denominator=figure.denominator,
        as_of=figure.as_of,
        as_of_long=uk_date(figure.as_of),
        provisional=figure.provisional,
        quality=figure.quality,
        small_numbers=figure.small_numbers,
        caveats=tuple(caveats),
        statement=statement,
        summary=summary,
        source=src,
        citation=src,
    )


@dataclass(frozen=True, slots=True)
class TargetView:
    """A national target, as it stood on the letter's date."""

    id: Annotated[str, Doc("Its id in the registry.")]
    title: Annotated[str, Doc("What it asked for, in words.")]
    cohort: Annotated[str, Doc("The cohort it covers.")]
    who: Annotated[str, Doc("That cohort in a sentence.")]
    measure: Annotated[str, Doc("What it is judged on: placed_by_28_weeks, receiving_ongoing, …")]
    percent: Annotated[float | None, Doc("Its percentage (None for a qualitative target).")]
    percent_text: Annotated[str | None, Doc("'51%', or None.")]
    due: Annotated[date, Doc("When it was due (the last day of the period the source gives).")]
    due_long: Annotated[
        str, Doc("That date as precisely as the source gives it: '2024', 'March 2021'.")
    ]
    set_on: Annotated[date | None, Doc("When it was announced, if recorded.")]
    set_on_long: Annotated[str | None, Doc("That date in words, at the source's precision.")]
    withdrawn_on: Annotated[date | None, Doc("When it was withdrawn, if it was.")]
    withdrawn_on_long: Annotated[str | None, Doc("That date in words.")]
    superseded_by: Annotated[str | None, Doc("The id of the target that replaced it, if any.")]
    successor: Annotated[
        TargetView | None, Doc("That target (replaced by its successor, not withdrawn).")
    ]
    announced: Annotated[bool, Doc("Announced on or before the letter's date.")]
    withdrawn: Annotated[bool, Doc("Withdrawn on or before the letter's date.")]
    superseded: Annotated[bool, Doc("Replaced by its successor on or before the letter's date.")]
    ended: Annotated[
        str | None, Doc("How it ended by the letter's date: 'withdrawn', 'superseded' or None.")
    ]
    in_force: Annotated[
        bool, Doc("Announced, not withdrawn and not replaced on the letter's date.")
    ]
    unverified: Annotated[bool, Doc("The registry notes call some of it unverified.")]
    source: Annotated[SourceView | None, Doc("Its source, if recorded.")]
    citation: Annotated[SourceView, Doc("What cite() cites (its source, or a caveat).")]


def target_view(target: Target, as_of: date, by_id: dict[str, Target] | None = None) -> TargetView:
    """The view of a national `Target` on the date `as_of` (its successor not filled in)."""
    by_id = by_id or {}
    src = source_view(target.source) if target.source else None
    withdrawn = target.withdrawn_on is not None and target.withdrawn_on <= as_of
    replaced = superseded_on(target, by_id)
    superseded = replaced is not None and replaced <= as_of
    return TargetView(
        id=target.id,
        title=target.title,
        cohort=target.cohort,
        who=COHORT_WHO[target.cohort],
        measure=target.measure,
        percent=target.percent,
        percent_text=percent_text(target.percent) if target.percent is not None else None,
        due=target.due,
        due_long=wording.period(target.due, target.due_precision),
        set_on=target.set_on,
        set_on_long=(
            wording.period(target.set_on, target.set_on_precision) if target.set_on else None
        ),
        withdrawn_on=target.withdrawn_on,
        withdrawn_on_long=uk_date(target.withdrawn_on) if target.withdrawn_on else None,
        superseded_by=target.superseded_by,
        successor=None,
        announced=target.was_set(as_of),
        withdrawn=withdrawn,
        superseded=superseded,
        ended="withdrawn" if withdrawn else "superseded" if superseded else None,
        in_force=target_in_force(target, as_of, by_id),
        unverified="unverified" in (target.notes or "").lower(),
        source=src,
        citation=_target_citation(target, src),
    )


def _target_citation(target: Target, src: SourceView | None) -> SourceView:
    unverified = "unverified" in (target.notes or "").lower()
    note = "some details not confirmed against the original document" if unverified else None
    if src is None:
        return _source_view(
            title=target.title,
            url=None,
            note=join_and(x for x in ("no source recorded in the registry", note) if x),
        )
    if note is None:
        return src
    return _source_view(
        title=src.title, url=src.url, kind=src.kind, retrieved=src.retrieved, note=note
    )


@dataclass(frozen=True, slots=True)
class MilestoneView:
    """A milestone of the Trust's own plan."""

    cohort: Annotated[str, Doc("The cohort.")]
    who: Annotated[str, Doc("The cohort in a sentence.")]
    percent: Annotated[float, Doc("The percentage promised.")]
    percent_text: Annotated[str, Doc("It in words.")]
    due: Annotated[date, Doc("By when.")]
    due_long: Annotated[str, Doc("That date in words.")]


@dataclass(frozen=True, slots=True)
class BoardReviewView:
    """A Board meeting that reviewed continuity of carer."""

    date: Annotated[dt.date, Doc("The meeting date.")]
    date_long: Annotated[str, Doc("That date in words.")]
    url: Annotated[str | None, Doc("The papers, if recorded.")]
    note: Annotated[str | None, Doc("A note, if recorded.")]
    citation: Annotated[SourceView, Doc("What cite() cites.")]


@dataclass(frozen=True, slots=True)
class PlanView:
    """The Trust's continuity of carer plan, as far as the registry knows it."""

    recorded: Annotated[bool, Doc("Whether the registry has a plan entry at all.")]
    status: Annotated[str, Doc("active, paused, none (known to have none) or unknown.")]
    status_text: Annotated[str, Doc("The status in words.")]
    published: Annotated[date | None, Doc("When it was published, if known.")]
    published_long: Annotated[str | None, Doc("That date in words.")]
    url: Annotated[str | None, Doc("Where it is published, if it is.")]
    coproduced: Annotated[str, Doc("yes, no or unknown: co-produced with service users.")]
    milestones: Annotated[tuple[MilestoneView, ...], Doc("Its milestones, by due date.")]
    board_reviews: Annotated[
        tuple[BoardReviewView, ...], Doc("Board reviews up to the letter's date, oldest first.")
    ]
    last_review: Annotated[BoardReviewView | None, Doc("The latest of those, if any.")]
    citation: Annotated[SourceView, Doc("What cite() cites (the published plan).")]
    source: Annotated[
        SourceView | None, Doc("Where the plan's status is known from (e.g. an FOI reply).")
    ] = None
    none_confirmed: Annotated[
        bool,
        Doc(
            "status 'none' with a source: only this supports 'the Trust has no plan' "
            "(without a source, a letter asks instead)."
        ),
    ] = False


def plan_view(plan: Plan | None, trust_name: str, as_of: date) -> PlanView:
    """The view of a Trust's `Plan` (status unknown when there is none)."""
    if plan is None:
        plan = Plan(status="unknown")
        recorded = False
    else:
        recorded = True
    reviews = tuple(
        _review_view(r, trust_name)
        for r in sorted(plan.board_reviews, key=lambda r: r.date)
        if r.date <= as_of
    )
    title = f"{trust_name}: continuity of carer plan"
    if plan.published:
        title += f" ({'published' if plan.url else 'dated'} {uk_date(plan.published)})"
    return PlanView(
        recorded=recorded,
        status=plan.status,
        status_text=PLAN_STATUS_TEXT[plan.status],
        published=plan.published,
        published_long=uk_date(plan.published) if plan.published else None,
        url=plan.url,
        coproduced=plan.coproduced,
        milestones=tuple(
            MilestoneView(
                cohort=m.cohort,
                who=COHORT_WHO[m.cohort],
                percent=m.percent,
                percent_text=percent_text(m.percent),
                due=m.due,
                due_long=uk_date(m.due),
            )
            for m in sorted(plan.milestones, key=lambda m: (m.due, m.cohort))
        ),
        board_reviews=reviews,
        last_review=reviews[-1] if reviews else None,
        citation=_source_view(
            title=title,
            url=plan.url,
            kind="plan",
            note=None if plan.url else "no published copy recorded",
        ),
        source=source_view(plan.source) if plan.source else None,
        none_confirmed=plan.status == "none" and plan.source is not None,
    )


def _review_view(review: BoardReview, trust_name: str) -> BoardReviewView:
    return BoardReviewView(
        date=review.date,
        date_long=uk_date(review.date),
        url=review.url,
        note=review.note,
        citation=_source_view(
            title=f"{trust_name}: Board meeting of {uk_date(review.date)}",
            url=review.url,
            kind="board_paper",
            note=None if review.url else "papers not linked in the registry",
        ),
    )


@dataclass(frozen=True, slots=True)
class InspectionView:
    """An inspection of the Trust's maternity service."""

    date: Annotated[dt.date, Doc("The inspection (or report) date.")]
    date_long: Annotated[str, Doc("That date in words.")]
    body: Annotated[str, Doc("Who inspected, e.g. CQC.")]
    service: Annotated[str, Doc("The service inspected, e.g. maternity.")]
    rating: Annotated[str | None, Doc("outstanding, good, requires_improvement, ... or None.")]
    rating_text: Annotated[str | None, Doc("The rating in words: 'Requires improvement'.")]
    url: Annotated[str | None, Doc("The report, if recorded.")]
    citation: Annotated[SourceView, Doc("What cite() cites.")]


def inspection_view(inspection: Inspection, trust_name: str) -> InspectionView:
    """The view of an `Inspection`."""
    title = (
        f"{inspection.body}: inspection of {inspection.service} services, {trust_name}, "
        f"{uk_date(inspection.date)}"
    )
    return InspectionView(
        date=inspection.date,
        date_long=uk_date(inspection.date),
        body=inspection.body,
        service=inspection.service,
        rating=inspection.rating,
        rating_text=RATING_TEXT.get(inspection.rating) if inspection.rating else None,
        url=inspection.url,
        citation=_source_view(
            title=title, url=inspection.url, kind="cqc" if inspection.body == "CQC" else "other"
        ),
    )


@dataclass(frozen=True, slots=True)
class ContactView:
    """A contact recorded for the Trust or nationally."""

    role: Annotated[str, Doc("chief_executive, chair, director_of_midwifery, mnvp, foi, ...")]
    name: Annotated[str | None, Doc("Their name, if recorded.")]
    title: Annotated[str | None, Doc("Their job title, if recorded.")]
    organisation: Annotated[str | None, Doc("Their organisation, if recorded.")]
    email: Annotated[str | None, Doc("Their email address, if recorded.")]
    address_lines: Annotated[tuple[str, ...], Doc("Their postal address, line by line.")]


def contact_view(contact: Contact) -> ContactView:
    return ContactView(
        role=contact.role,
        name=contact.name,
        title=contact.title,
        organisation=contact.organisation,
        email=contact.email,
        address_lines=address_lines(contact.address),
    )


@dataclass(frozen=True, slots=True)
class TrustView:
    """The Trust a letter is about (figures, inspections and reviews up to the letter's date)."""

    id: Annotated[str, Doc("Its id in the registry.")]
    ods: Annotated[str, Doc("Its NHS ODS code.")]
    name: Annotated[str, Doc("Its full name.")]
    region: Annotated[str, Doc("Its NHS region.")]
    icb: Annotated[str | None, Doc("Its ICB code, if recorded.")]
    lmns: Annotated[str | None, Doc("Its Local Maternity and Neonatal System, if recorded.")]
    website: Annotated[str | None, Doc("Its website, if recorded.")]
    board_papers_url: Annotated[str | None, Doc("Where its Board papers appear, if recorded.")]
    address_lines: Annotated[tuple[str, ...], Doc("Its headquarters address, line by line.")]
    closed_on: Annotated[date | None, Doc("When it closed, if it has.")]
    closed_on_long: Annotated[str | None, Doc("That date in words.")]
    plan: Annotated[PlanView, Doc("Its plan (status 'unknown' when none is recorded).")]
    figures: Annotated[tuple[FigureView, ...], Doc("Every figure up to the date, oldest first.")]
    inspections: Annotated[tuple[InspectionView, ...], Doc("Inspections, oldest first.")]
    latest_inspection: Annotated[InspectionView | None, Doc("The latest inspection, if any.")]
    contacts: Annotated[tuple[ContactView, ...], Doc("Everyone recorded for it.")]


def _counted(trust: Trust, as_of: date) -> list[Figure]:
    """The Trust's figures up to `as_of`, oldest first (the order of `TrustView.figures`)."""
    return sorted(
        (f for f in trust.figures if f.as_of <= as_of),
        key=lambda f: (f.as_of, f.cohort, f.measure),
    )


def trust_view(trust: Trust, as_of: date) -> TrustView:
    """The view of a `Trust` on the date `as_of`."""
    figures = tuple(figure_view(f) for f in _counted(trust, as_of))
    inspections = tuple(
        inspection_view(i, trust.name)
        for i in sorted(trust.inspections, key=lambda i: i.date)
        if i.date <= as_of
    )
    return TrustView(
        id=trust.id,
        ods=trust.ods,
        name=trust.name,
        region=trust.region,
        icb=trust.icb,
        lmns=trust.lmns,
        website=trust.website,
        board_papers_url=trust.board_papers_url,
        address_lines=address_lines(trust.address),
        closed_on=trust.closed_on,
        closed_on_long=uk_date(trust.closed_on) if trust.closed_on else None,
        plan=plan_view(trust.plan, trust.name, as_of),
        figures=figures,
        inspections=inspections,
        latest_inspection=inspections[-1] if inspections else None,
        contacts=tuple(contact_view(c) for c in trust.contacts),
    )


# ---------------------------------------------------------------------------------------
# Assessment


@dataclass(frozen=True, slots=True)
class StepView:
    """One milestone of a benchmark."""

    due: Annotated[date, Doc("When it is (was) due.")]
    due_long: Annotated[str, Doc("That date in words.")]
    percent: Annotated[float, Doc("The percentage due.")]
    percent_text: Annotated[str, Doc("It in words.")]
    target: Annotated[TargetView | None, Doc("The national target behind it, if any.")]
    withdrawn_on: Annotated[date | None, Doc("When that target was withdrawn, if it was.")]
    withdrawn_on_long: Annotated[str | None, Doc("That date in words.")]
    withdrawn: Annotated[bool, Doc("Withdrawn on or before the letter's date.")]
    superseded: Annotated[
        bool, Doc("Its target was replaced by a later one on or before the letter's date.")
    ]
    successor: Annotated[TargetView | None, Doc("The target that replaced it, if any.")]
    citation: Annotated[SourceView, Doc("What cite() cites (the target or the Trust's plan).")]


@dataclass(frozen=True, slots=True)
class BenchmarkView:
    """What a cohort is judged against."""

    origin: Annotated[str, Doc("local, national, reference (withdrawn targets) or chosen.")]
    origin_text: Annotated[str, Doc("The origin in words: 'the Trust's own plan'.")]
    steps: Annotated[tuple[StepView, ...], Doc("Its milestones, by due date.")]
    highest: Annotated[StepView, Doc("The milestone with the highest percentage.")]
    start: Annotated[date | None, Doc("Where the path starts from 0%.")]
    start_long: Annotated[str | None, Doc("That date in words.")]
    measure: Annotated[str, Doc("What its milestones measure: placed_by_28_weeks, ….")] = (
        "placed_by_28_weeks"
    )
    measure_text: Annotated[
        str, Doc("That in words: 'placed on a continuity of carer pathway by 28 weeks'.")
    ] = "placed on a continuity of carer pathway by 28 weeks"


@dataclass(frozen=True, slots=True)
class TrendView:
    """The straight line through a cohort's figures of the past year."""

    points_per_year: Annotated[float, Doc("Its slope, in percentage points a year.")]
    direction: Annotated[str, Doc("rising, falling or flat.")]
    rate_text: Annotated[str, Doc("'2.1 percentage points a year'.")]
    projected_date: Annotated[date | None, Doc("When it would reach the highest milestone.")]
    projected_long: Annotated[str | None, Doc("That month in words: 'June 2031'.")]


@dataclass(frozen=True, slots=True)
class CohortView:
    """The status of one cohort (SPEC §4)."""

    cohort: Annotated[str, Doc("all, ethnic_minority or most_deprived.")]
    label: Annotated[str, Doc("The cohort as a heading: 'All women'.")]
    who: Annotated[str, Doc("The cohort in a sentence: 'women from ...'.")]
    targeted: Annotated[bool, Doc("True for the two targeted cohorts.")]
    status: Annotated[str, Doc("no_target, no_data, met, missed, behind or on_track.")]
    status_text: Annotated[str, Doc("The status in words: 'on track'.")]
    severity: Annotated[str, Doc("ok, warn or fail.")]
    latest: Annotated[FigureView | None, Doc("The latest figure (None when there is none).")]
    figures: Annotated[tuple[FigureView, ...], Doc("All its figures up to the date.")]
    benchmark: Annotated[BenchmarkView | None, Doc("What it is judged against, if anything.")]
    step: Annotated[
        StepView | None, Doc("The milestone that decided the status ('benchmark' in JSON).")
    ]
    expected: Annotated[float | None, Doc("The level expected at the latest figure's date.")]
    expected_text: Annotated[str | None, Doc("It in words: '40.5%'.")]
    gap: Annotated[float | None, Doc("latest − expected, in points (negative: below).")]
    gap_text: Annotated[
        str | None,
        Doc("'3.2 percentage points below', '... above'; None on small numbers (not precise)."),
    ]
    shortfall: Annotated[
        float | None, Doc("How far the latest figure is below the deciding milestone.")
    ]
    shortfall_text: Annotated[
        str | None, Doc("That in words, e.g. '33.8 percentage points'; None on small numbers.")
    ]
    trend: Annotated[TrendView | None, Doc("The recent trend, if there are enough figures.")]


def _step_view(
    step: Step,
    targets: dict[str, TargetView],
    plan_citation: SourceView,
    as_of: date,
) -> StepView:
    target = targets.get(step.target_id) if step.target_id else None
    withdrawn_on = step.withdrawn_on or (target.withdrawn_on if target else None)
    return StepView(
        due=step.due,
        due_long=wording.period(step.due, step.due_precision),
        percent=step.percent,
        percent_text=percent_text(step.percent),
        target=target,
        withdrawn_on=withdrawn_on,
        withdrawn_on_long=uk_date(withdrawn_on) if withdrawn_on else None,
        withdrawn=withdrawn_on is not None and withdrawn_on <= as_of,
        superseded=target.superseded if target else False,
        successor=target.successor if target else None,
        citation=target.citation if target else plan_citation,
    )


def _benchmark_view(
    bench: Benchmark, targets: dict[str, TargetView], plan_citation: SourceView, as_of: date
) -> BenchmarkView:
    steps = tuple(_step_view(s, targets, plan_citation, as_of) for s in bench.steps)
    highest = max(steps, key=lambda s: s.percent)
    return BenchmarkView(
        origin=bench.origin,
        origin_text=ORIGIN_TEXT[bench.origin],
        steps=steps,
        highest=highest,
        start=bench.start,
        start_long=uk_date(bench.start) if bench.start else None,
        measure=bench.measure,
        measure_text=MEASURE_TEXT[bench.measure],
    )


def cohort_view(
    cohort: CohortAssessment,
    figures: Sequence[FigureView],
    targets: dict[str, TargetView],
    plan_citation: SourceView,
    as_of: date,
    known: dict[int, FigureView] | None = None,
) -> CohortView:
    """The view of one `CohortAssessment` (`known`: views already made, by id of the figure)."""
    bench = (
        _benchmark_view(cohort.benchmark, targets, plan_citation, as_of)
        if cohort.benchmark and cohort.benchmark.steps
        else None
    )
    step = (
        _step_view(cohort.deciding_step, targets, plan_citation, as_of)
        if cohort.deciding_step
        else None
    )
    latest = None
    if cohort.latest is not None:
        latest = (known or {}).get(id(cohort.latest)) or figure_view(cohort.latest)
    gap_text = None
    if cohort.gap is not None and not (latest is not None and latest.small_numbers):
        gap_text = (
            "exactly as expected"
            if round_half_up(cohort.gap) == 0
            else f"{points_text(cohort.gap)} {'below' if cohort.gap < 0 else 'above'}"
        )
    shortfall = None
    if (
        latest is not None
        and latest.percent is not None
        and not latest.small_numbers  # a gap from counts of 1 to 7 is not a measurement
        and step is not None
        and latest.percent < step.percent
    ):
        shortfall = step.percent - latest.percent
    trend = None
    if cohort.trend is not None:
        slope = cohort.trend.points_per_year
        direction = "flat" if round_half_up(slope) == 0 else ("rising" if slope > 0 else "falling")
        projected = cohort.trend.projected_date
        trend = TrendView(
            points_per_year=slope,
            direction=direction,
            rate_text=f"{points_text(slope)} a year",
            projected_date=projected,
            projected_long=month_year(projected) if projected else None,
        )
    return CohortView(
        cohort=cohort.cohort,
        label=COHORT_LABELS[cohort.cohort],
        who=COHORT_WHO[cohort.cohort],
        targeted=cohort.cohort != "all",
        status=str(cohort.status),
        status_text=STATUS_TEXT[str(cohort.status)],
        severity=str(cohort.severity),
        latest=latest,
        figures=tuple(f for f in figures if f.cohort == cohort.cohort),
        benchmark=bench,
        step=step,
        expected=cohort.expected,
        expected_text=percent_text(cohort.expected) if cohort.expected is not None else None,
        gap=cohort.gap,
        gap_text=gap_text,
        shortfall=shortfall,
        shortfall_text=points_text(shortfall) if shortfall is not None else None,
        trend=trend,
    )


@dataclass(frozen=True, slots=True)
class FindingView:
    """A transparency duty not being met."""

    code: Annotated[str, Doc("no_plan, plan_unknown, board_review_overdue, stale_data, ...")]
    severity: Annotated[str, Doc("warn or fail.")]
    message: Annotated[str, Doc("check's message (written for campaigners, not for letters).")]


@dataclass(frozen=True, slots=True)
class TargetedGap:
    """A targeted cohort doing worse than women overall (same date and measure)."""

    cohort: Annotated[CohortView, Doc("The targeted cohort.")]
    overall: Annotated[FigureView, Doc("The all-women figure it is compared with.")]
    difference: Annotated[float, Doc("How many points lower the targeted figure is.")]
    difference_text: Annotated[str, Doc("That in words: '6.1 percentage points'.")]


@dataclass(frozen=True, slots=True)
class AssessmentView:
    """What `check` says about the Trust on the letter's date."""

    severity: Annotated[str, Doc("The Trust's overall severity: ok, warn or fail.")]
    cohorts: Annotated[tuple[CohortView, ...], Doc("all, ethnic_minority, most_deprived.")]
    cohort: Annotated[dict[str, CohortView], Doc("The same, by name: assessment.cohort['all'].")]
    findings: Annotated[tuple[FindingView, ...], Doc("The findings, in check's order.")]
    finding_codes: Annotated[tuple[str, ...], Doc("Their codes: 'no_plan' in ....")]
    statuses: Annotated[tuple[str, ...], Doc("The cohort statuses, in cohort order.")]
    has_figures: Annotated[bool, Doc("Whether any cohort has a figure.")]
    latest_figure: Annotated[
        FigureView | None, Doc("The most recent of the cohorts' latest figures, if any.")
    ]
    missing_targeted: Annotated[
        tuple[CohortView, ...], Doc("Targeted cohorts with no figure (when the Trust has some).")
    ]
    targeted_gaps: Annotated[
        tuple[TargetedGap, ...],
        Doc("Targeted cohorts below the all-women figure of the same date and measure."),
    ]
    quality_failures: Annotated[
        tuple[FigureView, ...],
        Doc(
            "The all-women figures behind data_quality_failed: the latest of each measure "
            "that failed NHS England's data-quality checks (often without a percentage)."
        ),
    ] = ()


def assessment_view(
    assessed: TrustAssessment,
    trust: TrustView,
    targets: dict[str, TargetView],
    as_of: date,
) -> AssessmentView:
    """The view of a `TrustAssessment` made on `as_of`."""
    known = {id(f): v for f, v in zip(_counted(assessed.trust, as_of), trust.figures, strict=True)}
    cohorts = tuple(
        cohort_view(c, trust.figures, targets, trust.plan.citation, as_of, known)
        for c in assessed.cohorts
    )
    by_name = {c.cohort: c for c in cohorts}
    ordered = tuple(by_name[c] for c in COHORTS if c in by_name)
    findings = tuple(
        FindingView(code=f.code, severity=str(f.severity), message=f.message)
        for f in assessed.findings
    )
    latests = [c.latest for c in ordered if c.latest is not None]
    has_figures = bool(latests)
    return AssessmentView(
        severity=str(assessed.severity),
        cohorts=ordered,
        cohort=by_name,
        findings=findings,
        finding_codes=tuple(f.code for f in findings),
        statuses=tuple(c.status for c in ordered),
        has_figures=has_figures,
        latest_figure=max(latests, key=lambda f: f.as_of) if latests else None,
        missing_targeted=tuple(c for c in ordered if c.targeted and c.latest is None)
        if has_figures
        else (),
        targeted_gaps=_targeted_gaps(ordered),
        quality_failures=tuple(
            known.get(id(f)) or figure_view(f)
            for f in quality_failures(assessed.trust.figures, as_of)
        ),
    )


def _targeted_gaps(cohorts: Sequence[CohortView]) -> tuple[TargetedGap, ...]:
    overall = next((c.latest for c in cohorts if c.cohort == "all"), None)
    if overall is None:
        return ()
    gaps = []
    for c in cohorts:
        f = c.latest
        if (
            c.targeted
            and f is not None
            and f.as_of == overall.as_of
            and f.measure == overall.measure
            and f.percent is not None
            and overall.percent is not None
            and not (f.small_numbers or overall.small_numbers)
            and f.percent < overall.percent
        ):
            diff = overall.percent - f.percent
            gaps.append(TargetedGap(c, overall, diff, points_text(diff)))
    return tuple(gaps)


# ---------------------------------------------------------------------------------------
# People


@dataclass(frozen=True, slots=True)
class SenderView:
    """Who signs the letter (config file `sender:` or --sender-* options)."""

    name: Annotated[str | None, Doc("Their name, if given.")]
    organisation: Annotated[str | None, Doc("Their group or organisation, if given.")]
    address_lines: Annotated[tuple[str, ...], Doc("Their postal address, line by line.")]
    email: Annotated[str | None, Doc("Their email address, if given.")]
    phone: Annotated[str | None, Doc("Their phone number, if given.")]
    signature: Annotated[str, Doc("Their name, or the placeholder '[Your name]'.")]
    block: Annotated[
        tuple[str, ...],
        Doc("Letterhead lines: address, email, phone (or a placeholder when none is known)."),
    ]
    contact: Annotated[
        tuple[str, ...], Doc("Email and phone lines only (for emails), or a placeholder.")
    ]


def sender_view(sender: Sender) -> SenderView:
    """The view of the configured `Sender`, with placeholders for what is missing."""
    lines = address_lines(sender.address)
    extras = tuple(x for x in (sender.email, sender.phone) if x)
    reach = PLACEHOLDER_SENDER_CONTACT.text
    return SenderView(
        name=sender.name,
        organisation=sender.organisation,
        address_lines=lines,
        email=sender.email,
        phone=sender.phone,
        signature=sender.name or PLACEHOLDER_SENDER_NAME.text,
        block=(lines + extras) or (reach,),
        contact=extras or lines or (reach,),
    )


PLACEHOLDER_SENDER_NAME = placeholder("Your name")
PLACEHOLDER_SENDER_CONTACT = placeholder("Your postal address or email address")
PLACEHOLDER_EXPERIENCE = placeholder(
    "Your own experience",
    "in two or three sentences of your own, say why continuity of carer matters to you and to "
    "families here. Letters in the writer's own words carry far more weight than identical ones.",
)


@dataclass(frozen=True, slots=True)
class RecipientView:
    """Who the letter is addressed to (from the registry's contacts)."""

    role: Annotated[str, Doc("The contact role the template asks for.")]
    role_title: Annotated[str, Doc("Their job title: the contact's title, or the role's.")]
    known: Annotated[bool, Doc("Whether the registry has a contact for the role.")]
    named: Annotated[bool, Doc("Whether their name is known.")]
    name: Annotated[str | None, Doc("Their name, if known.")]
    organisation: Annotated[str | None, Doc("Their organisation (the Trust for Trust roles).")]
    email: Annotated[str | None, Doc("Their email address, if known (the .eml To:).")]
    address_lines: Annotated[
        tuple[str, ...], Doc("Their postal address (the Trust's for Trust roles), or ().")
    ]
    address_placeholder: Annotated[str, Doc("What the letter shows when no address is known.")]
    label: Annotated[str, Doc("Their role in a sentence: 'the Chair'.")]
    cc_label: Annotated[str, Doc("For a cc line: 'Dr Raj Patel, Chair' or 'Chair'.")]
    salutation: Annotated[
        str, Doc("'Dear Ms Smith', 'Dear Secretary of State' or 'Dear Sir or Madam'.")
    ]
    valediction: Annotated[str, Doc("'Yours sincerely' (named) or 'Yours faithfully'.")]
    block: Annotated[
        tuple[str, ...],
        Doc("The address block: name, title, organisation, address (or a placeholder)."),
    ]


def _the(title: str, *, capital: bool = False) -> str:
    """Put 'the' before a job title, unless it already starts with one."""
    article = "The" if capital else "the"
    return title if title.lower().startswith("the ") else f"{article} {title}"


def recipient_view(
    role: str,
    contact: Contact | None,
    *,
    trust: TrustView | None,
    terms: TermsView,
) -> RecipientView:
    """Address a letter to `role`, falling back to the Trust's address for Trust roles."""
    name = contact.name.strip() if contact and contact.name and contact.name.strip() else None
    role_title = (contact.title if contact and contact.title else None) or (
        f"{terms.mnvp} Chair" if role == "mnvp" else ROLE_TITLES.get(role, "Recipient")
    )
    organisation = contact.organisation if contact else None
    lines = address_lines(contact.address) if contact else ()
    if trust is not None and role in TRUST_ROLES:
        organisation = organisation or trust.name
        lines = lines or trust.address_lines
    salutation, valediction = salutation_for(role, name)
    missing = placeholder(f"Postal address of the {role_title}")
    block: list[str] = []
    if name:
        block += [name, role_title]
    elif role in ("secretary_of_state", "minister"):
        block.append(role_title)
    else:
        block.append(_the(role_title, capital=True))
    if organisation and organisation not in lines:
        block.append(organisation)
    block += list(lines) if lines else [missing.text]
    return RecipientView(
        role=role,
        role_title=role_title,
        known=contact is not None,
        named=name is not None,
        name=name,
        organisation=organisation,
        email=contact.email if contact and contact.email else None,
        address_lines=lines,
        address_placeholder=missing.text,
        label=_the(role_title),
        cc_label=f"{name}, {role_title}" if name else role_title,
        salutation=salutation,
        valediction=valediction,
        block=tuple(block),
    )


@dataclass(frozen=True, slots=True)
class TermsView:
    """Words whose right form depends on the letter's date."""

    mnvp: Annotated[str, Doc("'MNVP' (from 28 November 2023) or 'MVP' before.")]
    mnvp_long: Annotated[
        str, Doc("'Maternity and Neonatal Voices Partnership' or 'Maternity Voices Partnership'.")
    ]


def terms_for(as_of: date) -> TermsView:
    if as_of >= MNVP_RENAMED_ON:
        return TermsView("MNVP", "Maternity and Neonatal Voices Partnership")
    return TermsView("MVP", "Maternity Voices Partnership")


# ---------------------------------------------------------------------------------------
# The national picture


@dataclass(frozen=True, slots=True)
class TrustRef:
    """A Trust named in the national summary."""

    id: Annotated[str, Doc("Its id.")]
    ods: Annotated[str, Doc("Its ODS code.")]
    name: Annotated[str, Doc("Its name.")]
    region: Annotated[str, Doc("Its region.")]


@dataclass(frozen=True, slots=True)
class GapRow:
    """A Trust cohort far below where its benchmark says it should be."""

    trust: Annotated[TrustRef, Doc("The Trust.")]
    cohort: Annotated[CohortView, Doc("The cohort, with its latest figure and benchmark.")]


@dataclass(frozen=True, slots=True)
class StatusCount:
    """How many Trusts have one status (for the `all` cohort)."""

    status: Annotated[str, Doc("The status.")]
    status_text: Annotated[str, Doc("It in words.")]
    count: Annotated[int, Doc("How many open Trusts have it.")]


@dataclass(frozen=True, slots=True)
class NationalView:
    """The national picture on the letter's date, over the registry's open Trusts."""

    as_of: Annotated[date, Doc("The date it describes.")]
    trusts: Annotated[int, Doc("How many open Trusts the registry holds.")]
    by_severity: Annotated[dict[str, int], Doc("Open Trusts by severity: {'ok','warn','fail'}.")]
    by_status: Annotated[
        dict[str, dict[str, int]], Doc("Open Trusts by cohort, then status: ['all']['missed'].")
    ]
    status_counts: Annotated[
        tuple[StatusCount, ...], Doc("The `all` cohort's counts in a fixed order (all statuses).")
    ]
    with_figures: Annotated[int, Doc("Open Trusts with at least one figure.")]
    with_targeted_figures: Annotated[int, Doc("Open Trusts with a figure for a targeted cohort.")]
    plans: Annotated[
        dict[str, int], Doc("Open Trusts by plan status: active, paused, none, unknown.")
    ]
    no_plan: Annotated[tuple[TrustRef, ...], Doc("Open Trusts recorded as having no plan.")]
    no_plan_confirmed: Annotated[
        tuple[TrustRef, ...], Doc("Of those, the ones whose plan entry cites a source.")
    ]
    no_plan_sources: Annotated[
        tuple[SourceView, ...], Doc("Those sources (e.g. FOI replies), to cite.")
    ]
    plan_unknown: Annotated[tuple[TrustRef, ...], Doc("Open Trusts whose plan is not known.")]
    plan_paused: Annotated[tuple[TrustRef, ...], Doc("Open Trusts whose plan is paused.")]
    worst_gaps: Annotated[
        tuple[GapRow, ...], Doc("Up to 10 missed or behind cohorts, furthest below expected first.")
    ]
    targets: Annotated[tuple[TargetView, ...], Doc("Every national target, by date announced.")]
    targets_in_force: Annotated[tuple[TargetView, ...], Doc("Those in force on the date.")]
    targets_withdrawn: Annotated[tuple[TargetView, ...], Doc("Those withdrawn by the date.")]
    withdrawn_on: Annotated[
        date | None,
        Doc(
            "The last withdrawal date, when every target announced has ended (withdrawn or "
            "replaced) and at least one was withdrawn."
        ),
    ]
    withdrawn_on_long: Annotated[str | None, Doc("That date in words.")]
    figures: Annotated[tuple[FigureView, ...], Doc("National figures up to the date.")]
    status_counts_in_force: Annotated[
        tuple[StatusCount, ...],
        Doc(
            "Like status_counts, but only Trusts judged against their own plan or a national "
            "target in force (not a withdrawn or replaced one kept for reference)."
        ),
    ] = ()
    msds_month: Annotated[
        date | None, Doc("The latest month of national MSDS figures (its last day), if any.")
    ] = None
    msds_month_text: Annotated[str | None, Doc("That month in words: 'April 2025'.")] = None
    placed: Annotated[
        FigureView | None,
        Doc("The national figure placed on a pathway by 28 weeks (all women) for that month."),
    ] = None
    receiving: Annotated[
        FigureView | None,
        Doc("The national figure receiving continuity (all women) for that month."),
    ] = None
    reporting: Annotated[
        int, Doc("Open Trusts with an all-women MSDS figure (or failed result) for that month.")
    ] = 0
    quality_failed: Annotated[
        int,
        Doc("Of those, how many Trusts' data failed NHS England's data-quality checks."),
    ] = 0
    quality_failed_placed: Annotated[
        int, Doc("How many failed them for the placed-by-28-weeks measure.")
    ] = 0
    quality_failed_receiving: Annotated[
        int, Doc("How many failed them for the receiving-continuity measure.")
    ] = 0
    spread: Annotated[
        SpreadView | None,
        Doc("How the Trusts' placed-by-28-weeks figures for that month spread, if any."),
    ] = None


@dataclass(frozen=True, slots=True)
class SpreadView:
    """How one month's Trust figures spread (passed quality, not small numbers)."""

    trusts: Annotated[int, Doc("How many Trusts' figures it covers.")]
    lowest: Annotated[float, Doc("The lowest percentage.")]
    lowest_text: Annotated[str, Doc("It in words.")]
    median: Annotated[float, Doc("The median percentage.")]
    median_text: Annotated[str, Doc("It in words.")]
    highest: Annotated[float, Doc("The highest percentage.")]
    highest_text: Annotated[str, Doc("It in words.")]
    excluded_small: Annotated[int, Doc("Trusts left out because their counts were small.")]
    citation: Annotated[SourceView, Doc("What cite() cites: the publication of those figures.")]


WORST_GAPS = 10
_MSDS_MEASURES = ("placed_by_28_weeks", "receiving_ongoing")


def _month_figure(figures: Iterable[Figure], measure: str, month: date) -> Figure | None:
    """The all-women figure of one measure for one month: the final one over a provisional."""
    found = [f for f in figures if f.cohort == "all" and f.measure == measure and f.as_of == month]
    return max(found, key=lambda f: not f.provisional, default=None)


def _msds_picture(registry: Registry, open_trusts: Sequence[Trust], as_of: date) -> dict[str, Any]:
    """The national MSDS figures of the latest month and what the Trusts' data show for it."""
    national = [
        f
        for f in registry.national.figures
        if f.as_of <= as_of and f.source.kind == "msds" and f.measure in _MSDS_MEASURES
    ]
    if not national:
        return {}
    month = max(f.as_of for f in national)
    picture: dict[str, Any] = {"msds_month": month, "msds_month_text": month_year(month)}
    for measure, key in zip(_MSDS_MEASURES, ("placed", "receiving"), strict=True):
        figure = _month_figure(national, measure, month)
        picture[key] = figure_view(figure) if figure else None
    reporting = failed = failed_placed = failed_receiving = excluded = 0
    rates: list[float] = []
    sources: list[Source] = []
    for trust in open_trusts:
        placed = _month_figure(trust.figures, "placed_by_28_weeks", month)
        receiving = _month_figure(trust.figures, "receiving_ongoing", month)
        if placed is None and receiving is None:
            continue
        reporting += 1
        placed_failed = placed is not None and placed.quality == "fail"
        receiving_failed = receiving is not None and receiving.quality == "fail"
        failed += placed_failed or receiving_failed
        failed_placed += placed_failed
        failed_receiving += receiving_failed
        if placed is not None and placed.percent is not None and not placed_failed:
            if placed.small_numbers:
                excluded += 1
            elif placed.source.kind == "msds":
                rates.append(placed.percent)
                sources.append(placed.source)
    picture.update(
        reporting=reporting,
        quality_failed=failed,
        quality_failed_placed=failed_placed,
        quality_failed_receiving=failed_receiving,
    )
    if rates:
        low, mid, high = min(rates), statistics.median(rates), max(rates)
        picture["spread"] = SpreadView(
            trusts=len(rates),
            lowest=low,
            lowest_text=wording.percent(low, fixed=True),
            median=mid,
            median_text=wording.percent(mid, fixed=True),
            highest=high,
            highest_text=wording.percent(high, fixed=True),
            excluded_small=excluded,
            citation=source_view(max(set(sources), key=sources.count)),
        )
    return picture


def target_views(registry: Registry, as_of: date) -> dict[str, TargetView]:
    """Every national target's view on `as_of`, by id, each with its successor's view."""
    by_id = {t.id: t for t in registry.national.targets}
    views = {t.id: target_view(t, as_of, by_id) for t in registry.national.targets}
    return {
        tid: replace(v, successor=views.get(v.superseded_by)) if v.superseded_by else v
        for tid, v in views.items()
    }


def national_view(
    registry: Registry,
    assessed: Sequence[TrustAssessment],
    *,
    as_of: date,
    targets: dict[str, TargetView] | None = None,
) -> NationalView:
    """Summarise the open Trusts' assessments (compute once per run, not per letter)."""
    targets = targets if targets is not None else target_views(registry, as_of)
    open_ones = [a for a in assessed if a.trust.is_open(as_of)]
    by_severity = {s.value: 0 for s in Severity}
    by_status: dict[str, dict[str, int]] = {c: {s.value: 0 for s in Status} for c in COHORTS}
    plans = {"active": 0, "paused": 0, "none": 0, "unknown": 0}
    no_plan: list[TrustRef] = []
    unknown: list[TrustRef] = []
    paused: list[TrustRef] = []
    gaps: list[tuple[float, str, int, TrustAssessment, CohortAssessment]] = []
    with_figures = with_targeted = 0
    in_force_counts = {st.value: 0 for st in Status}
    confirmed: list[tuple[TrustRef, SourceView]] = []
    for a in open_ones:
        trust = a.trust
        ref = TrustRef(trust.id, trust.ods, trust.name, trust.region)
        by_severity[str(a.severity)] += 1
        for c in a.cohorts:
            by_status[c.cohort][str(c.status)] += 1
            behind = c.status in (Status.MISSED, Status.BEHIND)
            # A gap counts only against a level still asked of the Trust (its plan or a
            # target in force), and only when the figure is not made of small numbers.
            asked = c.benchmark is not None and c.benchmark.origin != "reference"
            if (
                behind
                and asked
                and c.gap is not None
                and c.gap < 0
                and c.latest is not None
                and not c.latest.small_numbers
                and c.latest.quality != "fail"
            ):
                gaps.append((c.gap, trust.name, COHORTS.index(c.cohort), a, c))
            if c.cohort == "all" and asked:
                in_force_counts[str(c.status)] += 1
        figures = [f for f in trust.figures if f.as_of <= as_of]
        with_figures += bool(figures)
        with_targeted += any(f.cohort != "all" for f in figures)
        status = trust.plan.status if trust.plan else "unknown"
        plans[status] += 1
        {"none": no_plan, "unknown": unknown, "paused": paused}.get(status, []).append(ref)
        if status == "none" and trust.plan is not None and trust.plan.source is not None:
            confirmed.append((ref, source_view(trust.plan.source)))
    gaps.sort(key=lambda g: (g[0], g[1], g[2]))
    worst = tuple(
        GapRow(
            trust=TrustRef(a.trust.id, a.trust.ods, a.trust.name, a.trust.region),
            cohort=cohort_view(
                c,
                (),
                targets,
                plan_view(a.trust.plan, a.trust.name, as_of).citation,
                as_of,
            ),
        )
        for _, _, _, a, c in gaps[:WORST_GAPS]
    )
    all_targets = tuple(sorted(targets.values(), key=lambda t: (t.set_on or t.due, t.due, t.id)))
    announced = [t for t in all_targets if t.announced]
    withdrawn = tuple(t for t in announced if t.withdrawn)
    # Every target has ended, the last of them withdrawn: the date national targets ended.
    last_withdrawal = (
        max(t.withdrawn_on for t in withdrawn if t.withdrawn_on)
        if withdrawn and all(t.ended for t in announced)
        else None
    )
    order = (
        Status.MISSED,
        Status.BEHIND,
        Status.ON_TRACK,
        Status.MET,
        Status.NO_DATA,
        Status.NO_TARGET,
    )
    status_counts = tuple(
        StatusCount(st.value, STATUS_TEXT[st.value], by_status["all"][st.value]) for st in order
    )
    status_counts_in_force = tuple(
        StatusCount(st.value, STATUS_TEXT[st.value], in_force_counts[st.value]) for st in order
    )
    return NationalView(
        as_of=as_of,
        trusts=len(open_ones),
        by_severity=by_severity,
        by_status=by_status,
        status_counts=status_counts,
        with_figures=with_figures,
        with_targeted_figures=with_targeted,
        plans=plans,
        no_plan=tuple(sorted(no_plan, key=lambda r: r.name)),
        no_plan_confirmed=tuple(r for r, _ in sorted(confirmed, key=lambda c: c[0].name)),
        no_plan_sources=tuple(v for _, v in sorted(confirmed, key=lambda c: c[0].name)),
        plan_unknown=tuple(sorted(unknown, key=lambda r: r.name)),
        plan_paused=tuple(sorted(paused, key=lambda r: r.name)),
        worst_gaps=worst,
        targets=all_targets,
        targets_in_force=tuple(t for t in all_targets if t.in_force),
        targets_withdrawn=withdrawn,
        withdrawn_on=last_withdrawal,
        withdrawn_on_long=uk_date(last_withdrawal) if last_withdrawal else None,
        figures=tuple(
            figure_view(f)
            for f in sorted(registry.national.figures, key=lambda f: (f.as_of, f.cohort))
            if f.as_of <= as_of
        ),
        status_counts_in_force=status_counts_in_force,
        **_msds_picture(registry, [a.trust for a in open_ones], as_of),
    )


# ---------------------------------------------------------------------------------------
# The letter


@dataclass(frozen=True, slots=True)
class LetterInfo:
    """The template and the output being drafted."""

    name: Annotated[str, Doc("The template's name, e.g. board.")]
    title: Annotated[str, Doc("Its front-matter title.")]
    description: Annotated[str, Doc("Its front-matter description.")]
    scope: Annotated[str, Doc("trust or national.")]
    format: Annotated[str, Doc("md, txt, docx or eml: what is being written.")]
    email: Annotated[bool, Doc("True for an email draft (.eml): leave out postal blocks.")]


@dataclass(frozen=True, slots=True)
class ThresholdsView:
    """The assessment thresholds in effect (config file `thresholds:`)."""

    tolerance_points: Annotated[float, Doc("How far below expected counts as behind.")]
    board_review_days: Annotated[int, Doc("How often a Board should review progress.")]
    stale_after_days: Annotated[int, Doc("When figures count as out of date.")]


# ---------------------------------------------------------------------------------------
# Follow-up letters: what the correspondence log says about the letters they follow

FOLLOWS_ANY = "any"  # front matter `follows: any`: the longest-overdue open letter, any kind
PLACEHOLDER_GROUNDS = placeholder(
    "Your grounds",
    "say what was missing from the reply, or which refusal you dispute and why (give it with "
    "--experience FILE)",
)


@dataclass(frozen=True, slots=True)
class ReplyView:
    """One reply logged to a letter (`cocwatch replied`)."""

    received_on: Annotated[date, Doc("When it arrived.")]
    received_on_long: Annotated[str, Doc("That date in words.")]
    outcome: Annotated[str, Doc("answered, partial, refused or acknowledged.")]
    summary: Annotated[str | None, Doc("What it said, as logged.")]
    url: Annotated[str | None, Doc("Where it is, if logged.")]
    reference: Annotated[str | None, Doc("The Trust's reference, if logged.")]


@dataclass(frozen=True, slots=True)
class LoggedLetterView:
    """A letter in the correspondence log, and where it stands on the letter's date."""

    kind: Annotated[str, Doc("Its template: foi, board, foi-review, ...")]
    title: Annotated[str, Doc("What it was, in words: 'Freedom of Information request'.")]
    sent_on: Annotated[date, Doc("When it was sent.")]
    sent_on_long: Annotated[str, Doc("That date in words.")]
    reply_by: Annotated[date, Doc("When a reply was due.")]
    reply_by_long: Annotated[str, Doc("That date in words.")]
    to: Annotated[str | None, Doc("Who it went to, as logged (a contact role or a name).")]
    via: Annotated[str | None, Doc("email, post, web or other, if logged.")]
    reference: Annotated[str | None, Doc("Its reference (e.g. the Trust's FOI number), if any.")]
    status: Annotated[str, Doc("awaiting, overdue, answered or closed on the letter's date.")]
    overdue: Annotated[bool, Doc("No answer logged and the reply-by date has passed.")]
    working_days_overdue: Annotated[int, Doc("How many working days past it (0 if not).")]
    answer: Annotated[
        ReplyView | None, Doc("The first reply that answered it (not an acknowledgement).")
    ]
    acknowledged: Annotated[ReplyView | None, Doc("The latest acknowledgement, if any.")]
    replies: Annotated[tuple[ReplyView, ...], Doc("Every reply logged, oldest first.")]


@dataclass(frozen=True, slots=True)
class CorrespondenceView:
    """The correspondence log's letters to this Trust (empty for national letters)."""

    followed: Annotated[
        LoggedLetterView | None,
        Doc("The letter this one follows up (front matter `follows`), or None."),
    ] = None
    latest: Annotated[
        dict[str, LoggedLetterView],
        Doc("The latest letter of each kind sent by the letter's date: latest['foi']."),
    ] = field(default_factory=dict)
    letters: Annotated[
        tuple[LoggedLetterView, ...], Doc("Every letter logged to the Trust, oldest first.")
    ] = ()
    grounds: Annotated[
        str, Doc("Why the writer follows up: --experience FILE, or a placeholder.")
    ] = PLACEHOLDER_GROUNDS.text


def logged_letter_view(state: TrackedLetter, title: str) -> LoggedLetterView:
    """The view of one logged letter, as it stands on the as-of date of `state`."""
    letter = state.letter
    replies = tuple(_reply_view(r) for r in sorted(letter.replies, key=lambda r: r.received_on))
    acknowledgements = [r for r in replies if r.outcome == "acknowledged"]
    return LoggedLetterView(
        kind=letter.kind,
        title=title,
        sent_on=letter.sent_on,
        sent_on_long=uk_date(letter.sent_on),
        reply_by=state.reply_by,
        reply_by_long=uk_date(state.reply_by),
        to=letter.to,
        via=letter.via,
        reference=letter.reference,
        status=state.status,
        overdue=state.status == "overdue",
        working_days_overdue=state.working_days_overdue,
        answer=_reply_view(state.answer) if state.answer else None,
        acknowledged=acknowledgements[-1] if acknowledgements else None,
        replies=replies,
    )


def _reply_view(reply: Reply) -> ReplyView:
    return ReplyView(
        received_on=reply.received_on,
        received_on_long=uk_date(reply.received_on),
        outcome=reply.outcome,
        summary=reply.summary,
        url=reply.url,
        reference=reply.reference,
    )


def correspondence_view(
    states: Sequence[TrackedLetter],
    titles: dict[str, str],
    follows: Sequence[str],
    *,
    grounds: str | None = None,
) -> CorrespondenceView:
    """The view of a Trust's logged letters; `follows` picks the one being followed up.

    `states` are the Trust's letters sent by the letter's date. The followed letter is the
    latest of the last kind in `follows` (``any``: the longest-overdue open letter, else the
    latest open one). Returns a view with `followed` None when there is no such letter.
    """
    ordered = sorted(states, key=lambda s: (s.letter.sent_on, s.index))
    views = [logged_letter_view(s, titles.get(s.letter.kind, s.letter.kind)) for s in ordered]
    latest = {v.kind: v for v in views}
    followed: LoggedLetterView | None = None
    if follows:
        wanted = follows[-1]
        if wanted == FOLLOWS_ANY:
            open_ones = [(s, v) for s, v in zip(ordered, views, strict=True) if s.open]
            overdue = [pair for pair in open_ones if pair[0].status == "overdue"]
            pick = min(overdue, key=lambda p: p[0].reply_by) if overdue else None
            pick = pick or (open_ones[-1] if open_ones else None)
            followed = pick[1] if pick else None
        else:
            followed = latest.get(wanted)
    return CorrespondenceView(
        followed=followed,
        latest=latest,
        letters=tuple(views),
        grounds=grounds.strip() if grounds and grounds.strip() else PLACEHOLDER_GROUNDS.text,
    )


def missing_followed(view: CorrespondenceView, follows: Sequence[str]) -> str | None:
    """The kind of letter a follow-up needs but the log lacks (``any``: an open one), or None."""
    for kind in follows:
        if kind == FOLLOWS_ANY:
            if view.followed is None:
                return FOLLOWS_ANY
        elif kind not in view.latest:
            return kind
    return None


@dataclass(frozen=True, slots=True)
class LetterContext:
    """Everything a template sees (each field is a top-level variable)."""

    letter: Annotated[LetterInfo, Doc("The template and output format.")]
    date: Annotated[dt.date, Doc("The letter's date (--as-of, default today).")]
    date_long: Annotated[str, Doc("That date in words: '23 November 2026'.")]
    reply_by: Annotated[
        dt.date,
        Doc(
            "20 working days after the letter's date (FOIA s.10), skipping weekends, "
            "Christmas Day, Good Friday and the bank holidays of every part of the United "
            "Kingdom (s.10(6)); the day after the letter is day 1."
        ),
    ]
    reply_by_long: Annotated[str, Doc("That date in words.")]
    sender: Annotated[SenderView, Doc("Who signs.")]
    recipient: Annotated[RecipientView, Doc("Who it is addressed to.")]
    copies: Annotated[tuple[RecipientView, ...], Doc("Who gets a copy (front matter `cc`).")]
    trust: Annotated[TrustView | None, Doc("The Trust (None for national letters).")]
    assessment: Annotated[AssessmentView | None, Doc("Its assessment (None for national).")]
    national: Annotated[NationalView, Doc("The national picture.")]
    terms: Annotated[TermsView, Doc("Date-dependent words (MNVP or MVP).")]
    thresholds: Annotated[ThresholdsView, Doc("The assessment thresholds in effect.")]
    experience: Annotated[
        str, Doc("The writer's own paragraph (--experience FILE), or a placeholder.")
    ]
    experience_given: Annotated[bool, Doc("Whether the writer supplied that paragraph.")]
    placeholders: Annotated[
        tuple[Placeholder, ...], Doc("Every placeholder this context may show.")
    ]
    correspondence: Annotated[
        CorrespondenceView,
        Doc("The correspondence log's letters to the Trust, for follow-up letters."),
    ] = field(default_factory=CorrespondenceView)

    def variables(self) -> dict[str, Any]:
        """The fields as a dict of template variables (shallow: the views are shared)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What every letter of one run shares: computed once, not per Trust."""

    registry: Registry
    as_of: date
    reply_by: date
    thresholds: Thresholds
    targets: dict[str, TargetView]
    national: NationalView
    sender: SenderView
    terms: TermsView
    experience: str | None


def run_facts(
    registry: Registry,
    assessed_open: Sequence[TrustAssessment],
    *,
    as_of: date,
    reply_by: date,
    thresholds: Thresholds,
    sender: Sender,
    experience: str | None = None,
) -> RunFacts:
    """Prepare the shared part of every letter's context."""
    targets = target_views(registry, as_of)
    return RunFacts(
        registry=registry,
        as_of=as_of,
        reply_by=reply_by,
        thresholds=thresholds,
        targets=targets,
        national=national_view(registry, assessed_open, as_of=as_of, targets=targets),
        sender=sender_view(sender),
        terms=terms_for(as_of),
        experience=experience.strip() if experience and experience.strip() else None,
    )


def letter_context(
    facts: RunFacts,
    *,
    letter: LetterInfo,
    recipient_role: str,
    cc_roles: Sequence[str] = (),
    assessed: TrustAssessment | None = None,
    correspondence: CorrespondenceView | None = None,
) -> LetterContext:
    """Build the context of one letter (about `assessed`'s Trust, or national when None).

    `correspondence` is what the correspondence log holds for the Trust (follow-up letters).
    """
    trust = trust_view(assessed.trust, facts.as_of) if assessed else None
    assessment = (
        assessment_view(assessed, trust, facts.targets, facts.as_of) if assessed and trust else None
    )

    def contact(role: str) -> Contact | None:
        if role in NATIONAL_ROLES or assessed is None:
            found = next((c for c in facts.registry.national.contacts if c.role == role), None)
            if found or assessed is None:
                return found
        return assessed.trust.contact(role)

    recipient = recipient_view(
        recipient_role, contact(recipient_role), trust=trust, terms=facts.terms
    )
    copies = tuple(recipient_view(r, contact(r), trust=trust, terms=facts.terms) for r in cc_roles)
    experience = facts.experience or PLACEHOLDER_EXPERIENCE.text
    candidates = [PLACEHOLDER_SENDER_NAME, PLACEHOLDER_SENDER_CONTACT, PLACEHOLDER_EXPERIENCE]
    candidates += [placeholder(f"Postal address of the {r.role_title}") for r in (recipient,)]
    candidates += [placeholder(f"Postal address of the {r.role_title}") for r in copies]
    if correspondence is not None:
        candidates.append(PLACEHOLDER_GROUNDS)
    return LetterContext(
        letter=letter,
        date=facts.as_of,
        date_long=uk_date(facts.as_of),
        reply_by=facts.reply_by,
        reply_by_long=uk_date(facts.reply_by),
        sender=facts.sender,
        recipient=recipient,
        copies=copies,
        trust=trust,
        assessment=assessment,
        national=facts.national,
        terms=facts.terms,
        thresholds=ThresholdsView(
            tolerance_points=facts.thresholds.tolerance_points,
            board_review_days=facts.thresholds.board_review_days,
            stale_after_days=facts.thresholds.stale_after_days,
        ),
        experience=experience,
        experience_given=facts.experience is not None,
        placeholders=tuple(dict.fromkeys(candidates)),
        correspondence=correspondence or CorrespondenceView(),
    )


def placeholders_in(text: str, candidates: Iterable[Placeholder]) -> list[Placeholder]:
    """The placeholders that actually appear in a rendered letter, in order, once each."""
    return [p for p in dict.fromkeys(candidates) if p.text in text]


# ---------------------------------------------------------------------------------------
# Documentation of the context


def describe_context() -> str:
    """The context's fields as Markdown (for the README and `cocwatch templates --fields`)."""
    out = [
        "| variable | type | meaning |",
        "| --- | --- | --- |",
        "| `cite(x, …, title=, url=)` | function → str | Number the sources of figures, "
        "targets, plans, reviews, inspections (or a title/url) and return `[1, 2]`. |",
        "| `references` | list of Reference | The numbered reference list, in citation order "
        "(print it last). |",
        "| `placeholder(label, hint=None)` | function → str | Write a visible `[label: hint]` "
        "that is reported like the built-in placeholders. |",
    ]
    seen: set[type] = set()
    queue: list[tuple[str, type]] = []
    for name, hint, doc in _documented_fields(LetterContext):
        out.append(f"| `{name}` | {_type_name(hint)} | {doc} |")
        queue += [(name, t) for t in _view_types(hint)]
    queue.append(("references[]", Reference))
    while queue:
        prefix, cls = queue.pop(0)
        if cls in seen:
            continue
        seen.add(cls)
        out += ["", f"**{cls.__name__}** ({prefix}): {(cls.__doc__ or '').strip()}", ""]
        out += ["| field | type | meaning |", "| --- | --- | --- |"]
        for name, hint, doc in _documented_fields(cls):
            out.append(f"| `{name}` | {_type_name(hint)} | {doc} |")
            queue += [(f"{prefix}.{name}", t) for t in _view_types(hint)]
    return "\n".join(out) + "\n"


def view_types() -> list[type]:
    """Every dataclass reachable from `LetterContext` (the types templates can see)."""
    seen: list[type] = []
    queue: list[type] = [LetterContext, Reference]
    while queue:
        cls = queue.pop()
        if cls in seen:
            continue
        seen.append(cls)
        for _, hint, _ in _documented_fields(cls):
            queue += _view_types(hint)
    return seen


def _documented_fields(cls: type) -> list[tuple[str, Any, str]]:
    hints = typing.get_type_hints(cls, include_extras=True)
    result = []
    for f in fields(cls):
        hint = hints[f.name]
        doc = next((m.text for m in getattr(hint, "__metadata__", ()) if isinstance(m, Doc)), "")
        bare = typing.get_args(hint)[0] if getattr(hint, "__metadata__", None) else hint
        result.append((f.name, bare, doc))
    return result


def _view_types(hint: Any) -> list[type]:
    found: list[type] = []
    if isinstance(hint, type) and is_dataclass(hint):
        found.append(hint)
    for arg in typing.get_args(hint):
        found += _view_types(arg)
    return found


def _type_name(hint: Any) -> str:
    text = str(hint) if not isinstance(hint, type) else hint.__name__
    text = re.sub(r"\b(?:typing|datetime|cocwatch\.core\.\w+)\.", "", text)
    text = text.replace("NoneType", "None").replace("<class '", "").replace("'>", "")
    return text.replace("|", "or")


__all__ = [
    "FORMATS",
    "SCOPES",
    "AssessmentView",
    "CohortView",
    "CorrespondenceView",
    "FigureView",
    "Finding",
    "LetterContext",
    "LetterInfo",
    "LetterState",
    "NationalView",
    "Placeholder",
    "RecipientView",
    "RunFacts",
    "SenderView",
    "TargetView",
    "TrustView",
    "correspondence_view",
    "describe_context",
    "letter_context",
    "missing_followed",
    "placeholders_in",
    "run_facts",
    "uk_date",
]
