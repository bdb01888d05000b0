"""The report's views of an assessment: one per Trust, its sources, and its comparisons in
the report's words (SPEC §9), for the templates of `cocwatch.render.report`.

The words of a comparison come from `cocwatch.core.comparison_words` (the same as `check`'s)
and its publisher's from its source's declaration. Imports the core only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from cocwatch.core import wording
from cocwatch.core.measures import Publisher
from cocwatch.core.reference_list import ReferenceList
from cocwatch.render.report_charts import figure_label
from cocwatch.render.report_site import TRUSTS_DIR

if TYPE_CHECKING:
    from cocwatch.core.assessment import Assessment, CohortAssessment, Finding, TrustAssessment
    from cocwatch.core.comparison import Versus
    from cocwatch.core.kinds import Cohort
    from cocwatch.core.measures import Declared
    from cocwatch.core.models import Figure, Registry, Source, Trust


# ---------------------------------------------------------------- comparisons in words

# How a verdict reads in a narrow table cell, and its place when sorting (lowest first).
VERDICT_CELL = {
    ("lower", "lower"): ("Lower (at 99.8%)", 0),
    ("lower", "similar"): ("Lower (at 95% only)", 1),
    ("similar", "similar"): ("Similar", 2),
    ("higher", "similar"): ("Higher (at 95% only)", 3),
    ("higher", "higher"): ("Higher (at 99.8%)", 4),
}


def small_counts_note(publisher: Publisher) -> str:
    """How counts are published, once for the report."""
    from cocwatch.core.comparison_words import suppression_words

    return (
        f"{suppression_words(publisher)}, so a count of 5 means \u2018a few\u2019 and every "
        "count is approximate; with fewer than 30 women the report gives counts, not a "
        "percentage."
    )


def verdict_cell(versus: Versus | None) -> tuple[str, str | int]:
    """(words, sort key) of a comparison with England or a region, for the index table."""
    if versus is None or versus.at_95 is None or versus.at_998 is None:
        return ("", "")
    return VERDICT_CELL.get((versus.at_95, versus.at_998), ("", ""))


_HEADINGS = {
    "region": "Against its region",
    "funnel": "On the funnel",
    "equity": "Within the Trust",
    "over_time": "Over time",
}


def comparison_lines(ta: TrustAssessment) -> list[tuple[str, str]]:
    """The comparisons of SPEC §4.1 as (heading, sentence) pairs: the sentences `check` says
    and a right-of-reply letter may quote (`cocwatch.core.statements.published_sentences`)."""
    from cocwatch.core.statements import published_lines

    return published_lines(ta, headings=_HEADINGS, long_headings=True)


def because(ta: TrustAssessment) -> str | None:
    """Why the Trust's severity is what it is, as check says it under its Overall line."""
    from cocwatch.core.statements import because as said

    return said(ta)


def cohort_words(declared: Declared) -> dict[Cohort, wording.CohortWords]:
    """Each group's words, named as the official statistics in use define it (MSDS's BAME
    group by its definition, not "ethnic-minority groups")."""
    found: dict[Cohort, wording.CohortWords] = {}
    for cohort, words in wording.COHORT.items():
        group = declared.group(cohort)
        found[cohort] = (
            wording.CohortWords(sentence=group.who, short=words.short, who=group.who)
            if group is not None
            else words
        )
    return found


def needs_counts_note(ta: TrustAssessment) -> bool:
    """Whether the Trust's comparisons rest on small or suppressed counts (say so once)."""
    counts = [c.own for c in ta.comparisons.values()]
    counts += [x for g in ta.equity for x in (g.group, g.comparison) if x is not None]
    return any(c.numerator == 5 or c.denominator == 5 or c.denominator < 30 for c in counts)


# ---------------------------------------------------------------- views for the templates


@dataclass(frozen=True, slots=True)
class SourceLink:
    """A source to list: a link when there is a web address, else its title."""

    label: str
    url: str | None
    kind: str
    context: str  # what it supports, e.g. "Figure, all women, 31 Mar 2024"


@dataclass(frozen=True, slots=True)
class TrustView:
    """One Trust's assessment with what its pages need precomputed."""

    ta: TrustAssessment
    trust: Trust
    href: str  # from the index
    main: CohortAssessment | None  # the `all` cohort
    figures: tuple[Figure, ...]  # up to the as-of date, newest first

    @property
    def status(self) -> str:
        return self.main.shown if self.main else "no_target"

    @property
    def problems(self) -> tuple[Finding, ...]:
        """Findings about the Trust (notes about the registry apart)."""
        from cocwatch.core.kinds import Severity

        return tuple(f for f in self.ta.findings if f.severity is not Severity.NOTE)

    @property
    def england(self) -> tuple[str, str | int]:
        c = self.ta.headline
        return verdict_cell(c.england if c else None)

    @property
    def region(self) -> tuple[str, str | int]:
        c = self.ta.headline
        return verdict_cell(c.region if c else None)

    def no_latest(self, ca: CohortAssessment, as_of: date) -> str:
        """What to say when a cohort has no latest figure to judge."""
        from cocwatch.core.assessment import unmatched_measure

        measure = unmatched_measure(ca, self.figures, as_of)
        return "none recorded" if measure is None else wording.no_figure_of_measure(measure)


def trust_views(assessment: Assessment) -> list[TrustView]:
    """A view of each assessed Trust, in the assessment's order."""
    views = []
    for ta in assessment.trusts:
        main = next((c for c in ta.cohorts if c.cohort == "all"), None)
        figures = tuple(
            sorted(
                (f for f in ta.trust.figures if f.as_of <= assessment.as_of),
                key=lambda f: (f.as_of, f.cohort, f.measure),
                reverse=True,
            )
        )
        views.append(
            TrustView(
                ta=ta,
                trust=ta.trust,
                href=f"{TRUSTS_DIR}/{ta.trust.id}.html",
                main=main,
                figures=figures,
            )
        )
    return views


def count_in_order(items: Iterable[str], order: Iterable[str]) -> list[tuple[str, int]]:
    """How many of each item, in `order` first (zero counts too), then any others."""
    counts = dict.fromkeys(order, 0)
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return list(counts.items())


def trust_sources(view: TrustView, registry: Registry) -> list[SourceLink]:
    """Every source behind a Trust's page, each once, in the order a reader meets them."""
    # one document, one entry: a web address identifies it, else its title
    found: ReferenceList[SourceLink] = ReferenceList(
        key=lambda s: (s.url, "" if s.url else s.label)
    )

    def add(label: str, url: str | None, kind: str, context: str) -> None:
        found.cite(SourceLink(label=label or url or "", url=url, kind=kind, context=context))

    trust = view.trust
    if trust.website:
        add("Trust website", trust.website, "website", "The Trust")
    if trust.board_papers_url:
        add("Board papers", trust.board_papers_url, "board_paper", "Trust Board papers")
    plan = trust.plan
    if plan is not None:
        if plan.url:
            add("Continuity of carer plan", plan.url, "plan", "The Trust's plan")
        for review in sorted(plan.board_reviews, key=lambda r: r.date, reverse=True):
            if review.url:
                add(
                    f"Board review, {wording.short_date(review.date)}",
                    review.url,
                    "board_paper",
                    "Board review",
                )
    cited: set[tuple[str | None, str]] = set()
    for figure in view.figures:  # a month's file backs hundreds of figures: cite it once
        title = _source_title(figure.source)
        key = (figure.source.url, "" if figure.source.url else title)
        if key not in cited:
            cited.add(key)
            add(title, figure.source.url, figure.source.kind, f"Figure: {figure_label(figure)}")
    for inspection in sorted(trust.inspections, key=lambda i: i.date, reverse=True):
        if inspection.url:
            add(
                f"{inspection.body} inspection, {wording.short_date(inspection.date)}",
                inspection.url,
                "inspection",
                "Inspection",
            )
    target_ids = {
        step.target_id
        for c in view.ta.cohorts
        if c.benchmark is not None
        for step in c.benchmark.steps
        if step.target_id
    }
    for target in registry.national.targets:
        if target.id in target_ids and target.source is not None:
            add(
                _source_title(target.source),
                target.source.url,
                target.source.kind,
                f"National target: {target.title}",
            )
    return found.items


def _source_title(source: Source) -> str:
    return source.title or source.url or ""
