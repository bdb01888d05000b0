"""The static HTML report (SPEC §9): a national overview and one page per Trust.

`build_report` turns a registry and its assessment into ``DIR/index.html`` and
``DIR/trusts/ID.html``. Every page is self-contained: its CSS, script and SVG charts are
inline, and a Content-Security-Policy forbids the page to fetch anything at all, so the
report can be published on any web server, opened from a disk or e-mailed as single pages.

Registry text reaches the pages only through Jinja2 with autoescaping (and the charts
through `cocwatch.render.svg`, whose XML serialiser escapes), never by string building.
This module holds the pages' formatting and the Jinja environment; `report_views` holds the
views of each Trust and their words, `report_charts` and `report_funnel` draw the charts,
and `report_site` publishes the folder all at once. Imports jinja2 lazily;
no Typer (the CLI prints).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cocwatch.core import findings, wording
from cocwatch.core.kinds import FindingCode, Names
from cocwatch.core.measures import DEFAULT_MEASURE, NO_PUBLISHER, OfficialMeasure, Publisher
from cocwatch.core.safe_text import web_address
from cocwatch.render import svg
from cocwatch.render.attribution import COVERS, OGL_URL, republishes
from cocwatch.render.report_charts import (
    chart_targets,
    figure_text,
    figure_words,
    markup,
    national_chart,
    status_chart,
    trust_chart,
)
from cocwatch.render.report_funnel import Funnel, funnel
from cocwatch.render.report_replies import (
    ANSWERS_PAGE,
    AnswersReport,
    PublishedReply,
    answer_charts,
    reply_copies,
)
from cocwatch.render.report_site import GENERATOR, TRUSTS_DIR, publish
from cocwatch.render.report_site import source_label as source_label
from cocwatch.render.report_tables import MonthTable, monthly_table, recorded
from cocwatch.render.report_views import (
    TrustView,
    because,
    cohort_words,
    comparison_lines,
    count_in_order,
    needs_counts_note,
    small_counts_note,
    trust_sources,
    trust_views,
)

if TYPE_CHECKING:
    import jinja2

    from cocwatch.core.assessment import (
        Assessment,
        Finding,
    )
    from cocwatch.core.models import Figure, Registry, Target

DEFAULT_TITLE = "Midwifery Continuity of Carer: progress by NHS Trust"

# Content-Security-Policy of every page: nothing may be fetched, only inline CSS and script.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

STATUS_ORDER = ("missed", "behind", "no_data", "on_track", "met", "not_in_force", "no_target")
SEVERITY_ORDER = ("fail", "warn", "ok")

# Words for people come from `cocwatch.core.wording` and the finding rules, so that check,
# letters and the report agree; the templates read the same tables.
WORDS: dict[str, Any] = {
    "COHORT": wording.COHORT,
    "MEASURE": wording.MEASURE,
    "DEFAULT_MEASURE": DEFAULT_MEASURE,
    "STATUS": {**wording.STATUS, "not_in_force": wording.NOT_IN_FORCE},
    "SEVERITY": wording.SEVERITY,
    "ORIGIN": wording.ORIGIN,
    "PLAN_STATUS": wording.PLAN_STATUS,
    "FINDING": findings.RULE,
}


@dataclass(frozen=True, slots=True)
class ReportResult:
    """What `build_report` wrote."""

    out_dir: Path
    index: Path
    trust_pages: int


# ---------------------------------------------------------------- formatting helpers


def long_date(value: date | None) -> str:
    """23 November 2026; empty for None."""
    return "" if value is None else wording.long_date(value)


def short_date(value: date | None) -> str:
    """23 Nov 2026; empty for None."""
    return "" if value is None else wording.short_date(value)


def percent(value: float | None) -> str:
    """17.3% (no trailing .0); empty for None."""
    return "" if value is None else wording.percent(value)


def rate(value: float | None) -> str:
    """A rate, to one decimal place as MSDS publishes them: 17.3%, 51.0%; empty for None."""
    return "" if value is None else wording.figure_percent(value)


def points(value: float | None) -> str:
    """A signed gap in percentage points, one decimal: −23.3 pts, +4.0 pts; empty for None."""
    if value is None:
        return ""
    text = wording.number(abs(value), fixed=True)
    sign = "" if text == "0.0" else "−" if value < 0 else "+"
    return f"{sign}{text}\u00a0pts"


# ---------------------------------------------------------------- Jinja environment


@cache
def environment() -> jinja2.Environment:
    """The report's Jinja environment: autoescaping, strict undefined, compiled once."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cocwatch.render", "report_templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        long_date=long_date,
        short_date=short_date,
        percent=percent,
        rate=rate,
        points=points,
        figure_text=figure_text,
        month_rows=month_rows,
        count_words=_count_words,
        prose=prose,
        humanise=wording.humanise,
        target_due=target_due,
        due_text=wording.short_period,
        web_address=web_address,
    )
    env.globals.update(
        **WORDS,
        STATUS_ORDER=STATUS_ORDER,
        finding=Names("finding code", FindingCode),  # `finding.stale_data`, as letters have
        CSP=CSP,
        GENERATOR=GENERATOR,
        SERIES_STYLE=svg.style,
        CSS=markup(_asset("report.css")),
        SCRIPT=markup(_asset("report.js")),
    )
    return env


def for_readers(text: str | None) -> str | None:
    """A note without its sentences of command syntax (the report is for readers, not users
    of the command line)."""
    if text is None:
        return None
    kept = [one for one in re.split(r"(?<=\.) ", text) if "`" not in one]
    return " ".join(kept) or None


def month_rows(table: MonthTable) -> Any:
    """The monthly table's rows, newest month first.

    Written here rather than in the template: five years of monthly figures are hundreds of
    cells on every Trust's page, and a template loop took most of the report's time for them.
    Every piece of text is escaped as the template would escape it.
    """
    from markupsafe import Markup, escape

    labels = [str(escape(label)) for label in table.labels]
    out: list[str] = []
    for row in table.rows:
        month = escape(wording.short_period(row.as_of, "month"))
        note = ' <span class="small">(provisional)</span>' if row.provisional else ""
        out.append(
            f'    <tr>\n      <td class="lead" data-label="Month"><time datetime="'
            f'{row.as_of.isoformat()}">{month}</time>{note}</td>\n      '
        )
        out += [
            f'<td class="num" data-label="{label}">{table_cell(cell)}</td>'
            for label, cell in zip(labels, row.cells, strict=True)
        ]
        source = row.source
        said = escape(source.title or source.kind.upper())
        url = web_address(source.url)
        cited = f'<a href="{escape(url)}" rel="noopener noreferrer">{said}</a>' if url else said
        out.append(f'\n      <td data-label="Source">{cited}</td>\n    </tr>\n')
    return Markup("".join(out))


def table_cell(figures: Sequence[Figure]) -> str:
    """One cell of the monthly table, as HTML: its figure (rarely more than one; a published 5
    said as "a few"), marked when it failed NHS England's data-quality checks (the note under
    the table says what these mean), or "not recorded"."""
    if not figures:
        return _NOT_RECORDED
    said = []
    for figure in figures:
        if not figure.measured:
            said.append(_NO_FIGURE)
            continue
        text = _figure_html(figure.numerator, figure.denominator, figure.percent)
        if figure.quality == "fail":
            text += _FAILED_MARK
        said.append(text)
    return "; ".join(said)


@lru_cache(maxsize=4096)
def _figure_html(numerator: int | None, denominator: int | None, percent: float | None) -> str:
    """`figure_text` of these counts and percentage, escaped (months repeat them)."""
    from markupsafe import escape

    return str(escape(figure_words(numerator, denominator, percent)))


_NOT_RECORDED = '<span class="small">not recorded</span>'
_NO_FIGURE = '<strong class="dq-failed">No figure: data quality failed</strong>'
_FAILED_MARK = ' <strong class="dq-failed">failed data quality</strong>'


def prose(text: str) -> Any:
    """Words a source declares (its publisher's name, what a measure counts), escaped for a
    page's text; an apostrophe stays as written, as in the rest of the page's prose."""
    from markupsafe import Markup, escape

    return Markup(str(escape(text)).replace("&#39;", "'"))


def _count_words(count: Any) -> str:
    from cocwatch.core.comparison_words import count_words

    return count_words(count)


def _asset(name: str) -> str:
    return (
        resources.files("cocwatch.render")
        .joinpath("report_templates", name)
        .read_text(encoding="utf-8")
    )


# ---------------------------------------------------------------- pages


def render_pages(
    registry: Registry,
    assessment: Assessment,
    *,
    title: str = DEFAULT_TITLE,
    source_label: str = "",
    public_requests: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    replies: Mapping[str, PublishedReply] | None = None,
    answers: AnswersReport | None = None,
) -> Iterator[tuple[str, str | bytes]]:
    """Yield (relative path, HTML) for the index and every Trust page, and (relative path,
    bytes) for the files the pages link to (the replies' copies).

    `public_requests` gives, by Trust id, the public FOI requests to show on its page (plain
    values: title, url, state, created_on), as `cocwatch report --requests` read them;
    `replies` each Trust's right of reply and `answers` how each answered our letters
    (`report --correspondence`; the answers page is linked from the index).
    """
    env = environment()
    as_of = assessment.as_of
    views = trust_views(assessment)
    status_counts = count_in_order((v.status for v in views), STATUS_ORDER)
    severity_counts = count_in_order((v.ta.severity.value for v in views), SEVERITY_ORDER)
    found = count_in_order(
        (f.code for v in views for f in _unique_codes(v.problems)), findings.CODES
    )
    noted = count_in_order(
        (f.code for v in views for f in _unique_codes(v.ta.notes)), findings.CODES
    )
    finding_counts = [(code, n) for code, n in found if n]
    note_counts = [(code, n) for code, n in noted if n]
    assessed = {v.trust.id for v in views}
    closed = sorted(
        (t for t in registry.trusts if not t.is_open(as_of) and t.id not in assessed),
        key=lambda t: t.name,
    )
    regions = sorted({v.trust.region for v in views})
    lead, publisher = _lead(assessment)
    words = assessment.declared.words
    common: dict[str, Any] = {
        "title": title,
        "as_of": as_of,
        "source_label": source_label,
        "SMALL_COUNTS_NOTE": small_counts_note(publisher),
        "publisher": publisher,
        "lead": lead,
        "measure_words": assessment.declared.words,
        "licensed": republishes(
            [*registry.national.figures, *(f for t in registry.trusts for f in t.figures)]
        ),
        "OGL_URL": OGL_URL,
        "OGL_COVERS": COVERS,
        "targets_by_id": {t.id: t for t in registry.national.targets},
        "target_state": _target_state(registry.national.targets),
        "COHORT": cohort_words(assessment.declared),
    }
    plot = funnel(assessment.official, registry.trusts, pages=assessed)
    national = national_chart(registry, as_of)
    from cocwatch.core.comparison_words import statistics_note

    yield (
        "index.html",
        env.get_template("index.html.j2").render(
            **common,
            views=views,
            regions=regions,
            status_counts=status_counts,
            severity_counts=severity_counts,
            finding_counts=finding_counts,
            note_counts=note_counts,
            status_chart=markup(status_chart(status_counts)),
            national=national,
            funnel=plot,
            funnel_svg=plot.svg() if plot else None,
            statistics_note=for_readers(statistics_note(assessment.official, as_of)),
            small_counts=any(needs_counts_note(v.ta) for v in views),
            national_figures=sorted(
                (f for f in registry.national.figures if f.as_of <= as_of),
                key=lambda f: f.as_of,
                reverse=True,
            ),
            targets=sorted(registry.national.targets, key=lambda t: (t.due, t.id)),
            target_titles={t.id: t.title for t in registry.national.targets},
            closed=closed,
            assessed=assessed,
            names={t.id: t.name for t in registry.trusts},
            answers_page=f"{TRUSTS_DIR}/{ANSWERS_PAGE}" if answers is not None else None,
        ),
    )
    if answers is not None:
        from cocwatch.render.correspondence import ANSWERS_METHOD, answers_rows

        yield (
            f"{TRUSTS_DIR}/{ANSWERS_PAGE}",
            env.get_template("answers.html.j2").render(
                **common,
                rows=answers_rows(answers.rows, answers.names),
                charts=[replace(c, svg=markup(c.svg)) for c in answer_charts(answers.rows)],
                pages={v.trust.id for v in views},
                undated=answers.undated,
                method=ANSWERS_METHOD,
            ),
        )
    template = env.get_template("trust.html.j2")
    for view in views:
        own = _own_funnel(plot, view, registry, assessment)
        yield (
            view.href,
            template.render(
                **common,
                view=view,
                charts=trust_chart(view.ta, view.figures, registry, as_of, words, common["COHORT"]),
                official=monthly_table(view.figures, words),
                recorded=recorded(view.figures),
                comparisons=comparison_lines(view.ta),
                because=because(view.ta),
                counts_note=needs_counts_note(view.ta),
                funnel=own,
                funnel_svg=own.svg(view.trust) if own else None,
                sources=trust_sources(view, registry),
                targets=chart_targets(registry, as_of),
                names={t.id: t.name for t in registry.trusts} if view.trust.successor else {},
                public_requests=(public_requests or {}).get(view.trust.id, ()),
                right_of_reply=(replies or {}).get(view.trust.id),
            ),
        )
    for relative, content in reply_copies(replies or {}):
        yield f"{TRUSTS_DIR}/{relative}", content


def _own_funnel(
    plot: Funnel | None, view: TrustView, registry: Registry, assessment: Assessment
) -> Funnel | None:
    """The funnel of the month of the Trust's own figure of the funnel's measure (the latest
    by default)."""
    own = view.ta.comparisons.get(plot.measure.code) if plot is not None else None
    if plot is None or own is None or own.month == plot.month:
        return plot
    pages = {ta.trust.id for ta in assessment.trusts}
    return funnel(assessment.official, registry.trusts, own.month, pages=pages)


def _lead(assessment: Assessment) -> tuple[OfficialMeasure | None, Publisher]:
    """The measure that leads the report's tables (the first deciding severity that a Trust
    leads with), and the publisher its general words name."""
    leads = {ta.lead.code for ta in assessment.trusts if ta.lead is not None}
    declared = assessment.declared
    lead = next((m for m in declared.measures if m.code in leads), None)
    lead = lead or next((m for m in declared.measures if m.decides_severity), None)
    return lead, lead.publisher if lead is not None else NO_PUBLISHER


def _unique_codes(findings: tuple[Finding, ...]) -> list[Finding]:
    seen: dict[str, Finding] = {}
    for f in findings:
        seen.setdefault(f.code, f)
    return list(seen.values())


def _target_state(targets: Sequence[Target]) -> Callable[[Target, date], str]:
    """`target_state(t, as_of)` for the templates: active, superseded, withdrawn..."""
    from cocwatch.render.registry import target_status

    def state(target: Target, as_of: date) -> str:
        return target_status(target, as_of, targets)

    return state


def target_due(target: Target) -> str:
    """A target's due date at the precision of its source: 2024, Mar 2021, 31 Mar 2021."""
    return wording.short_period(target.due, target.due_precision)


def build_report(
    registry: Registry,
    assessment: Assessment,
    out_dir: Path,
    *,
    title: str = DEFAULT_TITLE,
    source_label: str = "",
    public_requests: Mapping[str, Sequence[Mapping[str, Any]]] | None = None,
    replies: Mapping[str, PublishedReply] | None = None,
    answers: AnswersReport | None = None,
) -> ReportResult:
    """Write the report into `out_dir`, replacing a previous report there as a whole."""
    out_dir = Path(out_dir)
    pages = render_pages(
        registry,
        assessment,
        title=title,
        source_label=source_label,
        public_requests=public_requests,
        replies=replies,
        answers=answers,
    )
    count = publish(out_dir, pages)
    others = 1 + (answers is not None)  # the index, and the answers page
    return ReportResult(out_dir=out_dir, index=out_dir / "index.html", trust_pages=count - others)
