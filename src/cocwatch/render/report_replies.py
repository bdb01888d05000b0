"""What `report --correspondence` publishes from the correspondence log: on each Trust's page,
its right of reply (when the Trust was sent the figures, and its reply, with a link to the
reply itself, or "no reply by"); and a page of how each Trust answered (`answers`), with a
chart per kind of letter.

A reply kept as a file is copied into the site (``trusts/_replies/``) so the link works
wherever the folder is published; only document and image types a browser shows safely are
copied (never HTML or SVG, which could run script on the campaign's site).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from cocwatch.core.answers import Answers
from cocwatch.core.correspondence import RIGHT_OF_REPLY, TrackedLetter, latest_by_trust

REPLIES_DIR = "_replies"  # inside trusts/: a Trust id never starts with "_"
# A reply's copy keeps its own type when a browser shows it without running anything.
SAFE_SUFFIXES = frozenset(
    {".txt", ".pdf", ".md", ".eml", ".doc", ".docx", ".odt", ".rtf", ".png", ".jpg", ".jpeg"}
)


@dataclass(frozen=True, slots=True)
class PublishedReply:
    """What a Trust page says about its right of reply."""

    state: TrackedLetter  # the latest right-of-reply letter to the Trust
    # The reply's copy to write: (its path inside trusts/, which the page links to; content).
    # Without one, the page links to the reply's address (`state.answer.url`), if any.
    copy: tuple[str, bytes] | None


def published_replies(
    states: Sequence[TrackedLetter], log_folder: Path
) -> tuple[dict[str, PublishedReply], list[str]]:
    """Each Trust's right of reply as its page shows it, and warnings (a reply's file that
    cannot be read or is not of a type that is safe to publish)."""
    found: dict[str, PublishedReply] = {}
    warnings: list[str] = []
    for trust_id, state in latest_by_trust(states, RIGHT_OF_REPLY).items():
        answer = state.answer
        copy: tuple[str, bytes] | None = None
        if answer is not None and answer.file:
            path = Path(answer.file).expanduser()
            path = path if path.is_absolute() else log_folder / path
            suffix = path.suffix.lower()
            name = f"{trust_id}-{answer.received_on.isoformat()}{suffix}"
            if suffix not in SAFE_SUFFIXES:
                warnings.append(
                    f"The reply from {trust_id} ({path}) is a {suffix or 'typeless'} file, which "
                    "the report does not publish (a web page could run script on your site): "
                    "save it as .txt or .pdf and log that, or give its address with --url."
                )
            else:
                try:
                    copy = (f"{REPLIES_DIR}/{name}", path.read_bytes())
                except OSError as error:
                    warnings.append(
                        f"The reply from {trust_id} cannot be read at {path} "
                        f"({error.strerror or error}); its page shows the summary without the "
                        "reply. Put the file back, or log the reply's address with --url."
                    )
        found[trust_id] = PublishedReply(state, copy)
    return found, warnings


def reply_copies(replies: Mapping[str, PublishedReply]) -> list[tuple[str, bytes]]:
    """The replies' copies to write into trusts/, as (path, content)."""
    return [r.copy for r in replies.values() if r.copy is not None]


ANSWERS_PAGE = "_answers.html"  # inside trusts/, beside the Trust pages
ANSWER_BARS = (
    ("Answered in time", "#1e7a36"),
    ("Answered late", "#b35c00"),
    # A letter whose reply-by date has not come is not a failure to answer: not red.
    ("Awaited, not yet due", "#4a6d8c"),
    ("Not answered by its date", "#b3261e"),
    ("Closed, no answer", "#8a8a8a"),
)


@dataclass(frozen=True, slots=True)
class AnswerChart:
    """One kind of letter, all bodies together: how its letters were answered."""

    kind: str
    title: str
    svg: str


def answer_charts(rows: Sequence[Answers]) -> list[AnswerChart]:
    """A bar chart per kind of letter: answered in time, late, awaited and not yet due, not
    answered by the reply-by date, closed."""
    from cocwatch.render import svg

    totals: dict[str, list[int]] = {}
    for r in rows:
        counts = totals.setdefault(r.kind, [0] * len(ANSWER_BARS))
        for i, n in enumerate((r.in_time, r.late, r.not_yet_due, r.past_due, r.closed)):
            counts[i] += n
    charts = []
    for kind, counts in sorted(totals.items()):
        sent = sum(counts)
        title = f"'{kind}' letters: {sent} sent"
        said = "; ".join(f"{label}: {n}" for (label, _), n in zip(ANSWER_BARS, counts, strict=True))
        charts.append(
            AnswerChart(
                kind,
                title,
                svg.bar_chart(
                    chart_id=f"chart-answers-{kind}",
                    title=title,
                    desc=f"How the {sent} '{kind}' letters were answered. {said}.",
                    bars=[
                        svg.Bar(label, n, colour)
                        for (label, colour), n in zip(ANSWER_BARS, counts, strict=True)
                    ],
                    width=360,
                ),
            )
        )
    return charts


@dataclass(frozen=True, slots=True)
class AnswersReport:
    """The answers page's contents: a row per Trust and kind, and the letters left out."""

    rows: Sequence[Answers]
    names: Mapping[str, str]  # each body's name, by id
    undated: int = 0  # letters logged with no sent date
