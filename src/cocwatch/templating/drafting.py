"""Draft a batch of letters: the library entry point behind `cocwatch letter`.

`draft_letters` takes plain values (the registry, the Trusts chosen, the letter's date, the
sender, the correspondence log's letters) and returns a `LetterBatch`: the letters rendered
to Markdown, and what the person drafting them should hear (placeholders left to fill in,
Trusts skipped, letters with no figures) as `Note`s. It writes nothing and prints nothing;
the caller writes each letter (`LetterBatch.file_name`, `LetterBatch.data`) and shows the
notes. Every letter is rendered before the batch is returned, so a failing template leaves
nothing half-written.

May import the pure core, `cocwatch.errors` and the other `cocwatch.templating` modules;
never Typer, rich or the CLI (an import-linter contract).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from cocwatch.core.kinds import TRUST_SEVERITIES, FindingCode, Status
from cocwatch.errors import UsageError
from cocwatch.templating.formats import DEFAULT_LETTER_FORMAT, LETTER_WRITERS, letter_bytes

if TYPE_CHECKING:
    from cocwatch.core.assessment import TrustAssessment
    from cocwatch.core.comparison import OfficialContext
    from cocwatch.core.correspondence import TrackedLetter
    from cocwatch.core.kinds import Style
    from cocwatch.core.letters import CorrespondenceView, Placeholder
    from cocwatch.core.letters.area import AreaRequest, ConstituencyView
    from cocwatch.core.models import Contact, Icb, Registry, Sender, Thresholds, Trust
    from cocwatch.templating.rendered import RenderedLetter
    from cocwatch.templating.rendering import Letters
    from cocwatch.templating.templates import TemplateSpec

MAX_LISTED = 8  # Trusts named in one note before "and N more"
PLACEHOLDER_ADVICE = (
    "Record the missing details in the registry's contacts or the config file's sender: "
    "(or use --sender-* and --experience FILE), or fill them in by hand before sending."
)

# The words `letter --status` takes: a Trust's severities, the cohort statuses, the findings.
STATUS_FILTER_WORDS: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = (
    tuple(map(str, TRUST_SEVERITIES)),
    tuple(map(str, Status)),
    tuple(map(str, FindingCode)),
)


class NoteKind(StrEnum):
    """What a note is about, so a caller can act on some (``--strict``) and show the rest."""

    NOT_OVERDUE = "not_overdue"  # the letter followed up is still within its reply time
    SKIPPED = "skipped"  # a Trust left out: no logged letter for this one to follow up
    PLACEHOLDERS = "placeholders"  # [placeholders] left in the letters
    NO_FIGURES = "no_figures"  # letters that say no figures could be found
    CHOICE = "choice"  # a follow-up chose one of several overdue letters (--follows)
    OLD_CONTACT = "old_contact"  # a recipient not checked in the year before the letter


@dataclass(frozen=True, slots=True)
class Note:
    """One thing to tell the person drafting: a warning, or (not `warning`) a progress note."""

    kind: NoteKind
    text: str
    warning: bool = True


@dataclass(frozen=True, slots=True)
class PlaceholderUse:
    """One placeholder text and the letters it is left in (Trust ids; a national letter's name)."""

    text: str  # "[Your name]"
    letters: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LetterBatch:
    """The letters of one `draft_letters` call, rendered, with what to tell the drafter."""

    template: TemplateSpec
    format: str
    letters: tuple[RenderedLetter, ...]
    matched: int  # Trusts that passed the filter (`only`); 0 for a national letter
    placeholders: tuple[PlaceholderUse, ...]
    notes: tuple[Note, ...]

    @property
    def placeholder_summary(self) -> str:
        """The placeholders left, in words: "[Your name] in every letter; [X] in 2 of 5 …"."""
        parts = []
        for use in self.placeholders:
            if len(self.letters) == 1:
                parts.append(use.text)
            elif len(use.letters) == len(self.letters):
                parts.append(f"{use.text} in every letter")
            else:
                listed = _listed(use.letters)
                parts.append(
                    f"{use.text} in {len(use.letters)} of {len(self.letters)} letters ({listed})"
                )
        return "; ".join(parts)

    def file_name(self, letter: RenderedLetter) -> str:
        """The letter's file name in a folder: NAME-TRUSTID.EXT, NAME-ICBCODE.EXT (an ICB's
        letter), or NAME.EXT (national)."""
        area, trust = letter.context.area, letter.context.trust
        name = letter.spec.name
        if area is not None:
            return f"{name}-{area.code}.{self.format}"
        return f"{name}-{trust.id}.{self.format}" if trust else f"{name}.{self.format}"

    def data(self, letter: RenderedLetter) -> bytes:
        """The letter in the batch's format, as the bytes of its file."""
        return letter_bytes(letter, self.format)


def status_words(status: str) -> frozenset[str]:
    """The words of a `--status` filter (comma-separated severities, statuses or findings)."""
    severities, statuses, findings = STATUS_FILTER_WORDS
    words = {w.strip().lower().replace("-", "_") for w in status.split(",") if w.strip()}
    unknown = sorted(words - {*severities, *statuses, *findings})
    if unknown or not words:
        raise UsageError(
            f"--status {status!r}: {', '.join(unknown) or 'nothing given'} is not a severity, "
            f"status or finding. Use any of: {', '.join(severities)}; "
            f"{', '.join(statuses)}; {', '.join(findings)}."
        )
    return frozenset(words)


def find_template(letters: Letters, name: str) -> TemplateSpec:
    """The template called `name`; a usage error suggesting close names when there is none."""
    found = letters.templates
    if name not in found and name.lower() in found:
        name = name.lower()  # template names are lower case: `letter FOI` means foi
    if name not in found:
        import difflib

        close = difflib.get_close_matches(name, list(found), n=3)
        hint = f" Did you mean {' or '.join(close)}?" if close else ""
        raise UsageError(
            f"There is no letter template called '{name}'.{hint} Templates: "
            f"{', '.join(found) or 'none'} (`cocwatch templates` describes them)."
        )
    return found[name]


@dataclass(frozen=True, slots=True)
class AreaLetter:
    """What an ICB's letter (scope icb: `lmns`, `mp`) is about: the ICB that exists on the
    letter's date, its LMNS bodies (`cocwatch.core.icbs.lmns_body`) and its Trusts; for an
    MP, the constituency and the MP as a contact."""

    icb: Icb
    bodies: tuple[Trust, ...]
    trusts: tuple[Trust, ...]
    predecessors: tuple[Icb, ...] = ()
    split: bool = False
    constituency: ConstituencyView | None = None
    contacts: tuple[Contact, ...] = ()


def draft_letters(
    letters: Letters,
    template: TemplateSpec | str,
    registry: Registry,
    trusts: Sequence[Trust] = (),
    *,
    as_of: date,
    sender: Sender,
    thresholds: Thresholds | None = None,
    fmt: str = DEFAULT_LETTER_FORMAT,
    only: Collection[str] = (),
    tracked: Sequence[TrackedLetter] = (),
    log_location: str | None = None,
    experience: str | None = None,
    follows: str | None = None,
    official: OfficialContext | None = None,
    area: AreaLetter | None = None,
    style: Style = "plain",
    publish_on: date | None = None,
) -> LetterBatch:
    """Render `template` for each of `trusts` (none for a national letter) as of `as_of`.

    `official` is what the statistics folder compares the Trusts' official figures with
    (England, regions, the other Trusts; SPEC §4.1): with it, each letter's assessment
    carries its comparisons, and the national picture counts every passing Trust; without
    it, the letters still say official figures as the built-in sources declare them.

    `only` keeps the Trusts with any of those severities, statuses or findings
    (`status_words`); `tracked` is the correspondence log's letters sent by `as_of` (for the
    assessment's overdue replies and for follow-ups); `log_location` names the log in notes;
    `follows` (a follow-up only) names the kind of logged letter it follows up;
    `publish_on` the day a right of reply says the report is published (default: the first
    working day after the 10 working days it gives). A follow-up
    for one Trust with nothing logged to follow up is a `UsageError`; for several,
    those Trusts are skipped with a note. Nothing is written.
    """
    from cocwatch.core.assessment import assess
    from cocwatch.core.correspondence import UNCHASED_KINDS, not_chased, open_by_trust
    from cocwatch.core.models import Thresholds

    spec = template if not isinstance(template, str) else find_template(letters, template)
    if fmt not in LETTER_WRITERS:
        raise ValueError(f"unknown letter format {fmt!r}")
    if follows is not None and not spec.follows:
        raise UsageError(
            f"The '{spec.name}' letter follows up no other letter, so --follows does not apply "
            "to it: leave it out, or choose a follow-up letter (chaser, foi-review, "
            "ico-complaint)."
        )
    if follows is not None and follows in UNCHASED_KINDS:
        raise UsageError(not_chased(follows))
    if spec.scope == "national" and trusts:
        raise ValueError(f"the '{spec.name}' letter is national: it takes no Trust")
    if spec.scope == "icb" and area is None:
        raise ValueError(f"the '{spec.name}' letter is about an ICB: give its area")
    if official is None:
        from cocwatch.core.comparison import OfficialContext
        from cocwatch.statistics.sources import declared

        official = OfficialContext(declared())
    thresholds = thresholds or Thresholds()
    wanted = set(only)
    if unknown := wanted.difference(*STATUS_FILTER_WORDS):
        raise ValueError(f"not a severity, status or finding: {', '.join(sorted(unknown))}")
    pool = {t.id: t for t in registry.trusts if t.is_open(as_of)}
    pool.update({t.id: t for t in trusts})
    if area is not None:
        pool.update({t.id: t for t in (*area.bodies, *area.trusts)})
    result = assess(
        registry,
        list(pool.values()),
        as_of=as_of,
        thresholds=thresholds,
        letters=open_by_trust(tracked),
        official=official,
    )
    # The national picture counts Trusts only (an ICB's LMNS is a body of its own kind).
    assessed_open = [a for a in result.trusts if a.trust.is_open(as_of) and a.kind.own_quality]
    ids = {t.id for t in trusts}
    chosen = [a for a in result.trusts if a.trust.id in ids and _matches(a, wanted)]
    empty = LetterBatch(spec, fmt, (), 0, (), ())
    if spec.scope == "trust" and not chosen:
        return empty
    if publish_on is not None and spec.scope != "trust":
        raise UsageError(
            f"--publish-on is for a right of reply to a Trust; the '{spec.name}' letter is "
            "national: leave it out."
        )
    drafting = _Drafting(
        letters,
        spec,
        fmt,
        as_of,
        tracked,
        log_location,
        experience,
        follows,
        official,
        style,
        publish_on,
    )
    if area is not None:
        by_id = {a.trust.id: a for a in result.trusts}
        drafting.area = area
        drafting.area_request = _area_request(area, by_id, as_of)
    rendered = drafting.render_all(registry, assessed_open, chosen, thresholds, sender)
    placeholders = _placeholders(rendered, fmt)
    batch = LetterBatch(spec, fmt, tuple(rendered), len(chosen), placeholders, ())
    notes = list(drafting.notes)
    if placeholders:
        notes.append(
            Note(
                NoteKind.PLACEHOLDERS,
                "placeholders to fill in before sending: "
                f"{batch.placeholder_summary}. {PLACEHOLDER_ADVICE}",
            )
        )
    notes += _without_figures(rendered)
    notes += _old_contacts(rendered)
    return LetterBatch(spec, fmt, tuple(rendered), len(chosen), placeholders, tuple(notes))


def _area_request(area: AreaLetter, by_id: dict[str, TrustAssessment], as_of: date) -> AreaRequest:
    from cocwatch.core.letters.area import AreaRequest

    return AreaRequest(
        icb=area.icb,
        bodies=tuple(by_id[b.id] for b in area.bodies if b.id in by_id),
        trusts=tuple(by_id[t.id] for t in area.trusts if t.id in by_id),
        predecessors=area.predecessors,
        split=area.split,
        day=as_of,
    )


def _old_contacts(rendered: Sequence[RenderedLetter]) -> list[Note]:
    """A note for each recipient whose details were not checked in the year before the
    letter (or were never said to be checked): check them before sending."""
    said: dict[str, Note] = {}
    for letter in rendered:
        context = letter.context
        where = (
            f"icb:{context.area.code}"
            if context.area
            else (context.trust.id if context.trust else "national")
        )
        for who in (context.recipient, *context.copies):
            if not who.stale:
                continue
            when = f"was last checked on {who.checked}, over a year before the letter"
            found = f" at {who.source_url}" if who.source_url else ""
            key = f"{where}:{who.role}"
            said.setdefault(
                key,
                Note(
                    NoteKind.OLD_CONTACT,
                    f"the {who.role} contact ({who.name or who.role_title}) of {where} {when}. "
                    f"Check it{found} before sending, then record it again: cocwatch record "
                    f"contact {where} --role {who.role} … --replace.",
                ),
            )
    return list(said.values())


def _matches(assessed: TrustAssessment, wanted: Collection[str]) -> bool:
    if not wanted:
        return True
    have = {str(assessed.severity)}
    have.update(str(c.status) for c in assessed.cohorts)
    have.update(str(f.code) for f in assessed.findings)
    return bool(have & set(wanted))


@dataclass
class _Drafting:
    """One batch being rendered, and the notes it gathers on the way."""

    letters: Letters
    spec: TemplateSpec
    fmt: str
    as_of: date
    tracked: Sequence[TrackedLetter]
    log_location: str | None
    experience: str | None
    chosen_follows: str | None = None
    official: OfficialContext | None = None
    style: Style = "plain"
    publish_on: date | None = None
    notes: list[Note] = field(default_factory=list)
    area: AreaLetter | None = None
    area_request: AreaRequest | None = None

    def note(self, kind: NoteKind, text: str, *, warning: bool = True) -> None:
        self.notes.append(Note(kind, text, warning))

    def render_all(
        self,
        registry: Registry,
        assessed_open: Sequence[TrustAssessment],
        chosen: Sequence[TrustAssessment],
        thresholds: Thresholds,
        sender: Sender,
    ) -> list[RenderedLetter]:
        """Render every letter to Markdown (nothing is written)."""
        from cocwatch.core.letters import (
            LetterInfo,
            letter_context,
            publication_view,
            right_of_reply_dates,
            run_facts,
        )
        from cocwatch.core.workdays import foi_non_working_days, foi_reply_by

        spec, day = self.spec, self.as_of
        years = {day.year, day.year + 1, *([self.publish_on.year] if self.publish_on else [])}
        try:
            publishing = right_of_reply_dates(day, foi_non_working_days(years), self.publish_on)
        except ValueError as error:
            raise UsageError(
                f"--publish-on {self.publish_on}: {error}. Choose a later day."
            ) from None
        compiled = self.letters.compile(spec.name)
        facts = run_facts(
            registry,
            assessed_open,
            as_of=day,
            reply_by=foi_reply_by(day, foi_non_working_days([day.year, day.year + 1])),
            thresholds=thresholds,
            sender=sender,
            experience=self.experience,
            official=self.official,
            style=self.style,
        )
        email = LETTER_WRITERS[self.fmt].email
        info = LetterInfo(spec.name, spec.title, spec.description, spec.scope, self.fmt, email)
        subjects: Sequence[TrustAssessment | None] = chosen if spec.scope == "trust" else [None]
        followups = self.followups(chosen)
        rendered = []
        for a in subjects:
            view = followups.get(a.trust.id) if a is not None else None
            if a is not None and spec.follows and view is None:
                continue  # logged nothing to follow up (noted by `followups`)
            context = letter_context(
                facts,
                letter=info,
                recipient_role=self.recipient_role(view),
                cc_roles=spec.cc,
                assessed=a,
                correspondence=view,
                area=self.area_request,
                constituency=self.area.constituency if self.area else None,
                contacts=self.area.contacts if self.area else (),
                publication=(
                    publication_view(a, reply_by=publishing[0], publish_on=publishing[1])
                    if a is not None
                    else None
                ),
            )
            rendered.append(self.letters.render(compiled, context))
        return rendered

    def followups(self, chosen: Sequence[TrustAssessment]) -> dict[str, CorrespondenceView]:
        """Each Trust's correspondence view; a follow-up skips Trusts lacking its letter."""
        from cocwatch.core.letters import (
            FOLLOWS_ANY,
            correspondence_view,
            effective_follows,
            followed_state,
            missing_followed,
        )

        spec = self.spec
        if spec.scope != "trust":
            return {}
        follows = effective_follows(spec.follows, self.chosen_follows)
        titles = {name: t.title for name, t in self.letters.templates.items()}
        views: dict[str, CorrespondenceView] = {}
        lacking: list[tuple[TrustAssessment, str]] = []
        stale: list[tuple[TrustAssessment, str, date, str]] = []
        for a in chosen:
            mine = [t for t in self.tracked if t.letter.trust == a.trust.id]
            view = correspondence_view(mine, titles, follows, grounds=self.experience)
            missing = missing_followed(view, follows)
            if missing is not None:
                lacking.append((a, missing))
                continue
            followed = view.followed
            if (
                spec.follows[-1:] == (FOLLOWS_ANY,)
                and followed is not None
                and followed.status not in ("awaiting", "overdue")
            ):
                # A reminder says no reply is on record: never of a letter answered or closed.
                stale.append((a, followed.kind, followed.sent_on, followed.status))
                continue
            views[a.trust.id] = view
            _, others = followed_state(mine, follows)
            if followed is not None and others:
                listed = "; ".join(
                    f"'{o.letter.kind}' sent {o.sent_on} (reply due by {o.reply_by})"
                    for o in others
                )
                self.note(
                    NoteKind.CHOICE,
                    f"Several letters to {a.trust.name} are overdue. The '{spec.name}' letter "
                    f"follows up the one overdue longest, the '{followed.kind}' letter sent on "
                    f"{followed.sent_on} (reply due by {followed.reply_by}). Also overdue: "
                    f"{listed}. To follow up another, add --follows KIND (e.g. --follows "
                    f"{others[0].letter.kind}), and log it the same way: cocwatch sent "
                    f"{spec.name} {a.trust.id} --follows KIND.",
                    warning=False,
                )
            if followed is not None and followed.status == "awaiting":
                self.note(
                    NoteKind.NOT_OVERDUE,
                    f"The '{followed.kind}' letter to {a.trust.name} sent on {followed.sent_on} "
                    f"is not overdue yet: a reply is due by {followed.reply_by}. The "
                    f"'{spec.name}' letter is meant for after that date, or after an "
                    "unsatisfactory reply.",
                )
        log = (
            f"the correspondence log ({self.log_location})"
            if self.log_location
            else ("the correspondence log")
        )
        for a, kind, sent_on, status in stale:
            message = (
                f"The '{kind}' letter to {a.trust.name} sent on {sent_on} is {status} in "
                f"{log}, so the '{spec.name}' letter, which says no reply is on record, does "
                "not apply to it: `cocwatch due` lists the letters still awaiting a reply."
            )
            if len(chosen) == 1:
                raise UsageError(message)
            self.note(NoteKind.SKIPPED, f"Skipped: {message}", warning=False)
        for a, missing in lacking:
            what = (
                "a letter still awaiting a reply"
                if missing == FOLLOWS_ANY
                else f"a '{missing}' letter"
            )
            how = (
                "`cocwatch due` lists what is open"
                if missing == FOLLOWS_ANY
                else f"log it first: cocwatch sent {missing} {a.trust.id} --on YYYY-MM-DD"
            )
            message = (
                f"The '{spec.name}' letter follows up {what}, and {log} has none to "
                f"{a.trust.name} on or before {self.as_of}: {how}."
            )
            if len(chosen) == 1:
                raise UsageError(message)
            self.note(NoteKind.SKIPPED, f"Skipped: {message}", warning=False)
        return views

    def recipient_role(self, view: CorrespondenceView | None) -> str:
        """The template's recipient; for `followed`, whoever the followed letter went to."""
        from cocwatch.core.models import CONTACT_ROLES

        if self.spec.recipient != "followed":
            return self.spec.recipient
        followed = view.followed if view is not None else None
        if followed is None:
            return "chief_executive"
        if followed.to in CONTACT_ROLES:
            return str(followed.to)
        original = self.letters.templates.get(followed.kind)
        if original is not None and original.recipient in CONTACT_ROLES:
            return original.recipient
        return "chief_executive"


def _placeholders(rendered: Sequence[RenderedLetter], fmt: str) -> tuple[PlaceholderUse, ...]:
    """Each placeholder left in the letters (and any the format needs), with its letters."""
    missing_for_format = LETTER_WRITERS[fmt].missing
    where: dict[str, list[str]] = {}
    for letter in rendered:
        who = letter.context.trust.id if letter.context.trust else letter.spec.name
        found: list[Placeholder] = [*letter.placeholders, *missing_for_format(letter)]
        for p in found:
            where.setdefault(f"[{p.label}]", []).append(who)
    return tuple(PlaceholderUse(text, tuple(who)) for text, who in where.items())


def _without_figures(rendered: Sequence[RenderedLetter]) -> list[Note]:
    """A note when letters will tell their reader that no figures could be found."""
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
        from cocwatch.core.bodies import kind_of

        count = "1 letter says" if len(bare) == 1 else f"{len(bare)} letters say"
        nouns = sorted({kind_of(body).noun for body in bare}, reverse=True)  # Trust, LMNS
        whose = f"the {' or '.join(nouns)}"
        return [
            Note(
                NoteKind.NO_FIGURES,
                f"{count} no figures could be found for {whose} ({_listed(bare)}). If MSDS "
                "or Board papers publish some, record them first (`cocwatch import msds`, "
                "`cocwatch record figure`) so the letters do not understate what is published.",
            )
        ]
    if national is not None and not rendered[0].context.trust and national.with_figures == 0:
        return [
            Note(
                NoteKind.NO_FIGURES,
                "the registry holds no Trust figures, so the letter says none could be found. "
                "Import the latest MSDS figures first (`cocwatch import msds`).",
            )
        ]
    return []


def _listed(items: Sequence[str]) -> str:
    more = f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else ""
    return ", ".join(items[:MAX_LISTED]) + more
