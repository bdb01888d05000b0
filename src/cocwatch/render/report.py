"""The static HTML report (SPEC §9): a national overview and one page per Trust.

`build_report` turns a registry and its assessment into ``DIR/index.html`` and
``DIR/trusts/ID.html``. Every page is self-contained: its CSS, script and SVG charts are
inline, and a Content-Security-Policy forbids the page to fetch anything at all, so the
report can be published on any web server, opened from a disk or e-mailed as single pages.

Registry text reaches the pages only through Jinja2 with autoescaping (and the charts
through `cocwatch.render.svg`, whose XML serialiser escapes), never by string building.
The site is built in a temporary folder beside DIR, then moved into place, so a reader or a
web server never sees half a report. The move (and the check that DIR holds a report of ours)
happens under a lock beside DIR (``.DIR.lock``), so two runs at once take turns; the lock
holder also removes staging folders left by runs that were killed. Imports jinja2 and
filelock; no Typer (the CLI prints).
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cocwatch import __version__
from cocwatch.core import findings, wording
from cocwatch.core.reference_list import ReferenceList
from cocwatch.errors import ExternalError, UsageError
from cocwatch.render import svg

if TYPE_CHECKING:
    import jinja2

    from cocwatch.core.assessment import (
        Assessment,
        CohortAssessment,
        Finding,
        TrustAssessment,
    )
    from cocwatch.core.models import Figure, Registry, Source, Target, Trust

DEFAULT_TITLE = "Midwifery Continuity of Carer: progress by NHS Trust"
GENERATOR = f"cocwatch {__version__}"
TRUSTS_DIR = "trusts"

# Content-Security-Policy of every page: nothing may be fetched, only inline CSS and script.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

STATUS_ORDER = ("missed", "behind", "no_data", "on_track", "met", "no_target")
SEVERITY_ORDER = ("fail", "warn", "ok")
BAR_COLOURS = {
    "missed": "#b3261e",
    "behind": "#b35c00",
    "no_data": "#6b6b6b",
    "on_track": "#0060a8",
    "met": "#1e7a36",
    "no_target": "#8a8a8a",
}

# Words for people come from `cocwatch.core.wording` and the finding rules, so that check,
# letters and the report agree; the templates read the same tables.
WORDS: dict[str, Any] = {
    "COHORT": wording.COHORT,
    "MEASURE": wording.MEASURE,
    "STATUS": wording.STATUS,
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


def points(value: float | None) -> str:
    """A signed gap in percentage points: −23.3 pts, +4 pts; empty for None."""
    return "" if value is None else wording.signed_points_short(value)


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
        return self.main.status.value if self.main else "no_target"

    def no_latest(self, ca: CohortAssessment, as_of: date) -> str:
        """What to say when a cohort has no latest figure to judge."""
        from cocwatch.core.assessment import unmatched_measure

        measure = unmatched_measure(ca, self.figures, as_of)
        return "none recorded" if measure is None else wording.no_figure_of_measure(measure)


def _views(assessment: Assessment) -> list[TrustView]:
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


def _count(items: Iterable[str], order: Iterable[str]) -> list[tuple[str, int]]:
    counts = dict.fromkeys(order, 0)
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return list(counts.items())


def _figure_label(figure: Figure) -> str:
    extra = []
    if figure.provisional:
        extra.append("provisional")
    if figure.quality == "fail":
        extra.append("failed data quality")
    if figure.small_numbers:
        extra.append(f"small numbers: {figure.numerator} of {figure.denominator}")
    note = f" ({', '.join(extra)})" if extra else ""
    who = wording.COHORT[figure.cohort].sentence
    if not figure.measured:
        return f"{short_date(figure.as_of)}: no figure, data quality failed, {who}"
    return f"{short_date(figure.as_of)}: {percent(figure.value)} {who}{note}"


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG chart and what its key must explain."""

    svg: Any  # markupsafe.Markup
    series: tuple[str, ...]  # the cohorts drawn
    milestones: bool
    targets: bool


def trust_chart(view: TrustView, registry: Registry, as_of: date) -> Chart:
    """The chart of a Trust's figures over time against its milestones and national targets."""
    series: list[svg.Series] = []
    for cohort in view.ta.cohorts:
        measure = cohort.latest.measure if cohort.latest else "placed_by_28_weeks"
        pts = tuple(
            svg.Point(f.as_of, f.value, _figure_label(f), hollow=f.provisional)
            for f in view.figures
            if f.measured and f.cohort == cohort.cohort and f.measure == measure
        )
        if pts:
            series.append(svg.Series(cohort.cohort, wording.COHORT[cohort.cohort].label, pts))
    trajectories: list[svg.Trajectory] = []
    plan = view.trust.plan
    if plan is not None:
        for cohort_key in wording.COHORT:
            milestones = sorted(
                (m for m in plan.milestones if m.cohort == cohort_key), key=lambda m: m.due
            )
            if milestones:
                trajectories.append(
                    svg.Trajectory(
                        cohort_key,
                        f"Plan milestones, {wording.COHORT[cohort_key].sentence}",
                        plan.published,
                        tuple(
                            svg.Point(
                                m.due,
                                m.percent,
                                f"Plan: {percent(m.percent)} by {short_date(m.due)}",
                            )
                            for m in milestones
                        ),
                    )
                )
    # The time axis covers the Trust's own story (figures, plan, milestones) up to D; national
    # targets due before it are listed under the chart instead of squeezing the figures.
    own = [p.when for one in series for p in one.points]
    own += [m.when for t in trajectories for m in t.milestones]
    own += [t.start for t in trajectories if t.start is not None]
    targets = _chart_targets(registry, as_of)
    if not own:
        own = [t.due for t in targets] + [t.set_on for t in targets if t.set_on is not None]
    start, end = svg.time_range([*own, as_of], at_least_days=730)
    references = [_reference(t, as_of) for t in targets if t.due >= start]
    with_figures = {s.key for s in series}
    cohorts_with_data = [wording.COHORT[c].sentence for c in wording.COHORT if c in with_figures]
    if series:
        latest = view.main.latest if view.main else None
        latest_text = (
            f"; latest for all women {percent(latest.value)} on {short_date(latest.as_of)}"
            if latest
            else ""
        )
        desc = (
            f"Figures for {', '.join(cohorts_with_data)}{latest_text}"
            + f". {len(trajectories)} plan milestone line(s) and {len(references)} national "
            "target line(s) are drawn for comparison. The same data is in the table below."
        )
    else:
        desc = (
            "No figures are recorded for this Trust up to this date; only its milestones and "
            "the national targets are drawn."
        )
    drawn = svg.time_chart(
        chart_id=f"chart-{view.trust.id}",
        title=f"Continuity of carer at {view.trust.name}, as a percentage of women",
        desc=desc,
        series=series,
        trajectories=trajectories,
        references=references,
        as_of=as_of,
        start=start,
        end=end,
    )
    return Chart(
        svg=_markup(drawn),
        series=tuple(s.key for s in series),
        milestones=bool(trajectories),
        targets=bool(references),
    )


def _chart_targets(registry: Registry, as_of: date) -> list[Target]:
    return [t for t in registry.national.targets if t.percent is not None and t.was_set(as_of)]


def _reference(target: Target, as_of: date) -> svg.Reference:
    assert target.percent is not None
    withdrawn = target.withdrawn_on is not None and target.withdrawn_on <= as_of
    cohort = "" if target.cohort == "all" else f", {wording.COHORT[target.cohort].sentence}"
    return svg.Reference(
        key=target.cohort,
        label=percent(target.percent),
        name=(
            f"National target{cohort}: {target.title} — {percent(target.percent)} by "
            f"{target_due(target)}" + (" (withdrawn)" if withdrawn else "")
        ),
        percent=target.percent,
        due=target.due,
        start=target.set_on,
        withdrawn=withdrawn,
    )


def national_chart(registry: Registry, as_of: date) -> str | None:
    """National figures over time against the national targets, when there are any."""
    # The national targets are about placing women on a pathway: only that measure is drawn.
    figures = [
        f
        for f in registry.national.figures
        if f.as_of <= as_of and f.measured and f.measure == "placed_by_28_weeks"
    ]
    if not figures:
        return None
    series = [
        svg.Series(
            cohort,
            wording.COHORT[cohort].label,
            tuple(
                svg.Point(f.as_of, f.value, _figure_label(f), hollow=f.provisional)
                for f in figures
                if f.cohort == cohort
            ),
        )
        for cohort in wording.COHORT
        if any(f.cohort == cohort for f in figures)
    ]
    references = [_reference(t, as_of) for t in _chart_targets(registry, as_of)]
    return svg.time_chart(
        chart_id="chart-national",
        title="National continuity of carer figures against the national targets",
        desc=(
            f"{len(figures)} national figure(s) and {len(references)} national target(s); "
            "the same data is listed in the tables below."
        ),
        series=series,
        references=references,
        as_of=as_of,
    )


def status_chart(counts: list[tuple[str, int]]) -> str:
    """Bar chart: how many Trusts have each status (all women)."""
    described = "; ".join(f"{_status_label(s)}: {n}" for s, n in counts)
    return svg.bar_chart(
        chart_id="chart-status",
        title="Trusts by status for all women",
        desc=f"Number of Trusts with each status. {described}.",
        bars=[svg.Bar(_status_label(s), n, BAR_COLOURS.get(s, "#444")) for s, n in counts],
    )


def _status_label(code: str) -> str:
    known = wording.STATUS.get(code)  # type: ignore[call-overload]  # a StrEnum key is its str
    return known.label if known else wording.humanise(code)


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
                    f"Board review, {short_date(review.date)}",
                    review.url,
                    "board_paper",
                    "Board review",
                )
    for figure in view.figures:
        add(
            _source_title(figure.source),
            figure.source.url,
            figure.source.kind,
            f"Figure: {_figure_label(figure)}",
        )
    for inspection in sorted(trust.inspections, key=lambda i: i.date, reverse=True):
        if inspection.url:
            add(
                f"{inspection.body} inspection, {short_date(inspection.date)}",
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
        points=points,
        humanise=wording.humanise,
        target_due=target_due,
        due_text=wording.short_period,
    )
    env.globals.update(
        **WORDS,
        STATUS_ORDER=STATUS_ORDER,
        CSP=CSP,
        GENERATOR=GENERATOR,
        SERIES_STYLE=svg.style,
        CSS=_markup(_asset("report.css")),
        SCRIPT=_markup(_asset("report.js")),
    )
    return env


def _asset(name: str) -> str:
    return (
        resources.files("cocwatch.render")
        .joinpath("report_templates", name)
        .read_text(encoding="utf-8")
    )


def _markup(text: str) -> Any:
    """Mark SVG built (and escaped) by `cocwatch.render.svg` as safe for the templates."""
    from markupsafe import Markup

    return Markup(text)  # the XML serialiser escaped every piece of text


# ---------------------------------------------------------------- pages


def render_pages(
    registry: Registry,
    assessment: Assessment,
    *,
    title: str = DEFAULT_TITLE,
    source_label: str = "",
) -> Iterator[tuple[str, str]]:
    """Yield (relative path, HTML) for the index and every Trust page."""
    env = environment()
    as_of = assessment.as_of
    views = _views(assessment)
    status_counts = _count((v.status for v in views), STATUS_ORDER)
    severity_counts = _count((v.ta.severity.value for v in views), SEVERITY_ORDER)
    finding_counts = [
        (code, n)
        for code, n in _count(
            (f.code for v in views for f in _unique_codes(v.ta.findings)), findings.CODES
        )
        if n
    ]
    assessed = {v.trust.id for v in views}
    closed = sorted(
        (t for t in registry.trusts if not t.is_open(as_of) and t.id not in assessed),
        key=lambda t: t.name,
    )
    regions = sorted({v.trust.region for v in views})
    common: dict[str, Any] = {
        "title": title,
        "as_of": as_of,
        "source_label": source_label,
    }
    national = national_chart(registry, as_of)
    yield (
        "index.html",
        env.get_template("index.html.j2").render(
            **common,
            views=views,
            regions=regions,
            status_counts=status_counts,
            severity_counts=severity_counts,
            finding_counts=finding_counts,
            status_chart=_markup(status_chart(status_counts)),
            national_chart=_markup(national) if national else None,
            national_figures=sorted(
                (f for f in registry.national.figures if f.as_of <= as_of),
                key=lambda f: f.as_of,
                reverse=True,
            ),
            targets=sorted(registry.national.targets, key=lambda t: (t.due, t.id)),
            target_state=_target_state(registry.national.targets),
            target_titles={t.id: t.title for t in registry.national.targets},
            closed=closed,
            assessed=assessed,
            names={t.id: t.name for t in registry.trusts},
        ),
    )
    template = env.get_template("trust.html.j2")
    for view in views:
        yield (
            view.href,
            template.render(
                **common,
                view=view,
                chart=trust_chart(view, registry, as_of),
                sources=trust_sources(view, registry),
                targets=_chart_targets(registry, as_of),
                target_state=_target_state(registry.national.targets),
                names={t.id: t.name for t in registry.trusts} if view.trust.successor else {},
            ),
        )


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


# ---------------------------------------------------------------- writing


def source_label(source: str) -> str:
    """Name the registry in the footer: a URL as is, a local file by its name only.

    A published page should not reveal the folders of the computer it was made on.
    """
    if source.startswith(("http://", "https://")):
        return source
    return Path(source).name or source


MARKER = f'<meta name="generator" content="{GENERATOR.split()[0]}'


def build_report(
    registry: Registry,
    assessment: Assessment,
    out_dir: Path,
    *,
    title: str = DEFAULT_TITLE,
    source_label: str = "",
) -> ReportResult:
    """Write the report into `out_dir`, replacing a previous report there as a whole."""
    from cocwatch.files import locked

    out_dir = Path(out_dir)
    parent = out_dir.resolve().parent
    lock = parent / f".{out_dir.name}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(out_dir, exc) from None
    with locked(lock, what="report folder"):  # fail early, before the pages are rendered
        _check_target(out_dir)
    try:
        staging = Path(
            tempfile.mkdtemp(prefix=f".{out_dir.name}.{os.getpid()}.", suffix=".tmp", dir=parent)
        )
        # mkdtemp makes a private folder; a published report must be readable as usual.
        staging.chmod(0o777 & ~_umask())
    except OSError as exc:
        raise _unwritable(out_dir, exc) from None
    pages = 0
    try:
        (staging / TRUSTS_DIR).mkdir()
        for relative, html in render_pages(
            registry, assessment, title=title, source_label=source_label
        ):
            (staging / relative).write_text(html, encoding="utf-8")
            pages += 1
        with locked(lock, what="report folder"):
            _check_target(out_dir)  # again: another run may have changed it meanwhile
            _remove_stale(out_dir, keep=staging)
            _move_into_place(staging, out_dir)
    except OSError as exc:
        raise _unwritable(out_dir, exc) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ReportResult(out_dir=out_dir, index=out_dir / "index.html", trust_pages=pages - 1)


STALE_AFTER_SECONDS = 3600.0  # a staging folder without a process id, left this long, is stale


def _remove_stale(out_dir: Path, *, keep: Path) -> None:
    """Remove what killed runs left: staging folders beside DIR, old pages inside it.

    A staging folder is named ``.DIR.PID.XXXX.tmp``; it is stale when that process is no
    longer running (or, for a name without a process id, after an hour). The caller holds
    the report lock, so no other run is between its renames.
    """
    for folder in out_dir.resolve().parent.glob(f".{glob.escape(out_dir.name)}.*.tmp"):
        if folder != keep and folder.is_dir() and _abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)
    if out_dir.is_dir():
        for folder in out_dir.glob(f".{TRUSTS_DIR}.old.*"):
            shutil.rmtree(folder, ignore_errors=True)


def _abandoned(folder: Path) -> bool:
    import time

    pid_text = folder.name.split(".")[-3] if folder.name.count(".") >= 4 else ""
    if pid_text.isdigit():
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            return True
        except (PermissionError, OverflowError):
            return False
        return False
    try:
        return time.time() - folder.stat().st_mtime > STALE_AFTER_SECONDS
    except OSError:
        return False


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_target(out_dir: Path) -> None:
    """Refuse to replace an index.html or trusts/ folder that cocwatch did not write."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(
            f"--out {out_dir} is a file, not a folder. Give a folder for the report "
            "(it is created when missing)."
        )
    index = out_dir / "index.html"
    if index.exists() and not _is_ours(index):
        raise UsageError(
            f"{index} exists and was not written by cocwatch, so the report will not replace "
            "it. Choose an empty or new folder for --out."
        )
    trusts = out_dir / TRUSTS_DIR
    if trusts.exists() and not (index.exists() and trusts.is_dir()):
        raise UsageError(
            f"{trusts} exists but is not part of a cocwatch report, so the report will not "
            "replace it. Choose an empty or new folder for --out."
        )


def _is_ours(index: Path) -> bool:
    try:
        with index.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(2048)
    except OSError:
        return False
    return MARKER in head


def _move_into_place(staging: Path, out_dir: Path) -> None:
    """Swap the staged site in: trusts/ by renames, index.html last (each step atomic)."""
    if not out_dir.exists():
        staging.rename(out_dir)  # the whole site at once (a rename within one folder)
        return
    current = out_dir / TRUSTS_DIR
    # A folder of its own for the old pages, so that two runs at once cannot collide.
    old = Path(tempfile.mkdtemp(prefix=f".{TRUSTS_DIR}.old.", dir=out_dir))
    try:
        if current.exists():
            current.rename(old / TRUSTS_DIR)
        try:
            (staging / TRUSTS_DIR).rename(current)
        except OSError:
            if (old / TRUSTS_DIR).exists() and not current.exists():
                (old / TRUSTS_DIR).rename(current)  # put the previous report back
            raise
        (staging / "index.html").replace(out_dir / "index.html")
    finally:
        shutil.rmtree(old, ignore_errors=True)


def _unwritable(out_dir: Path, exc: OSError) -> ExternalError:
    return ExternalError(
        f"Cannot write the report to {out_dir}: {exc.strerror or exc}. Check that the folder "
        "(or its parent) is writable and that the disk is not full, or choose another --out."
    )
