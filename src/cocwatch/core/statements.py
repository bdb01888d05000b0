"""What is said about a Trust, once, for every screen: why its severity is what it is, and
the sentences the report publishes about it (a right-of-reply letter quotes them exactly).

Pure: the assessment and the words of its comparisons (`cocwatch.core.comparison_words`).
"""

from __future__ import annotations

from collections.abc import Mapping

from cocwatch.core import wording
from cocwatch.core.assessment import TrustAssessment
from cocwatch.core.compared import comparison_severity
from cocwatch.core.comparison_sentences import comparison_lines
from cocwatch.core.comparison_words import rank_words, versus_words
from cocwatch.core.kinds import Severity, Style

HEADINGS = {"region": "Region", "funnel": "Funnel", "equity": "Equity", "over_time": "Over time"}


def severity_reasons(ta: TrustAssessment, style: Style = "technical") -> tuple[str, ...]:
    """The rules that set the Trust's severity, in words (none for an OK Trust): a figure
    below England's (with the Trust's place among the Trusts), a milestone in force missed or
    behind, a finding. Only rules at the Trust's own severity are named."""
    if ta.severity is Severity.OK:
        return ()
    said: list[str] = []
    for c in ta.comparisons.values():
        if not c.measure.decides_severity or comparison_severity(c) is not ta.severity:
            continue
        assert c.england is not None  # a severity from a comparison needs one
        text = f"its {c.measure.rate} is {versus_words(c.england, style)}"
        ranked = rank_words(c, style)
        said.append(f"{text}; {ranked}" if ranked else text)
    for ca in ta.cohorts:
        if ca.severity is ta.severity and ca.in_force and ca.deciding_step is not None:
            step = ca.deciding_step
            due = wording.period(step.due, step.due_precision)
            origin = wording.ORIGIN[ca.benchmark.origin].sentence if ca.benchmark else ""
            said.append(
                f"{wording.COHORT[ca.cohort].sentence}: {ca.label.lower()} against "
                f"{wording.percent(step.percent)} by {due} ({origin})"
            )
    said += [f.label[:1].lower() + f.label[1:] for f in ta.findings if f.severity is ta.severity]
    return tuple(dict.fromkeys(said))


def because(ta: TrustAssessment) -> str | None:
    """Why the Trust's severity is what it is, as a sentence: 'Because its placement rate is
    lower than England's …; 73rd of 103 Trusts …'; None for an OK Trust."""
    reasons = severity_reasons(ta)
    if not reasons:
        return None
    said = "; and ".join(reasons)
    text = f"Because {said[:1].lower()}{said[1:]}."
    led = ta.headline
    if led is not None:
        ranked = rank_words(led)
        if ranked and ranked not in said:  # the Trust's place, where no comparison gave it
            text += f" Its {led.measure.rate} ranks {ranked}."
    return text


def published_lines(
    ta: TrustAssessment,
    *,
    headings: Mapping[str, str] = HEADINGS,
    long_headings: bool = False,
    style: Style = "technical",
) -> list[tuple[str, str]]:
    """The comparisons `check TRUST` shows and the report publishes, as (heading, sentence):
    each measure against England, its region and the other Trusts, the equity comparisons,
    the changes over time (headed by each measure's caption with `long_headings`)."""
    return comparison_lines(
        ta.comparisons.values(),
        ta.equity,
        ta.over_time,
        headings=headings,
        long_headings=long_headings,
        style=style,
    )


def published_sentences(ta: TrustAssessment, style: Style = "technical") -> tuple[str, ...]:
    """The sentences the report publishes about the Trust's figures, in order. One function,
    so that what is published can be quoted exactly elsewhere (a right-of-reply letter)."""
    return tuple(text for _, text in published_lines(ta, style=style))
