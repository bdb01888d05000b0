"""The JSON contract of `check --format json` (SPEC §5): field names, order and rounding.

Keys are a stable contract: fields may be added, never removed or renamed. Dates are ISO
strings and absent values None, so `json.dumps` needs no help. Rounding: percentages as
recorded; `expected` and `gap` to one decimal place (from the core); `trend.points_per_year`
to two.

May import: `cocwatch.core` only (no rich, no other render modules).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from cocwatch.core import comparison as cmp
from cocwatch.core import comparison_words as words
from cocwatch.core.assessment import Assessment, Finding, TrustAssessment
from cocwatch.core.cohort_status import CohortAssessment, Trend, explain
from cocwatch.core.comparison_over_time import OverTime
from cocwatch.core.comparison_sentences import comparison_sentence
from cocwatch.core.measures import NOTHING_DECLARED, Declared

if TYPE_CHECKING:
    from cocwatch.core.models import Figure, Source
    from cocwatch.core.targets import Benchmark, Step


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _source_json(source: Source) -> dict[str, Any]:
    return {
        "url": source.url,
        "kind": source.kind,
        "title": source.title,
        "retrieved": _iso(source.retrieved),
    }


def _latest_json(figure: Figure | None) -> dict[str, Any] | None:
    if figure is None:
        return None
    return {
        "percent": figure.percent,
        "as_of": figure.as_of.isoformat(),
        "measure": figure.measure,
        "provisional": figure.provisional,
        "quality": figure.quality,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "small_numbers": figure.small_numbers,
        "source": _source_json(figure.source),
    }


def _benchmark_json(benchmark: Benchmark | None, step: Step | None) -> dict[str, Any] | None:
    if benchmark is None or step is None:
        return None
    return {
        "origin": benchmark.origin,
        "target_id": step.target_id,
        "percent": step.percent,
        "due": step.due.isoformat(),
        "withdrawn_on": _iso(step.withdrawn_on),
        "superseded_by": step.superseded_by,
        "due_precision": step.due_precision,
        "measure": benchmark.measure,
        "title": step.title,
        "milestones": [
            {"due": s.due.isoformat(), "percent": s.percent, "target_id": s.target_id}
            for s in benchmark.steps
        ],
        "in_force": benchmark.origin != "reference",
        "kind": step.kind,
    }


def _trend_json(trend: Trend | None) -> dict[str, Any] | None:
    if trend is None:
        return None
    return {
        "points_per_year": trend.points_per_year,
        "projected_date": _iso(trend.projected_date),
        "points": trend.points,
    }


def cohort_to_json(ca: CohortAssessment, declared: Declared = NOTHING_DECLARED) -> dict[str, Any]:
    """One cohort of one Trust, as in `check --format json`."""
    return {
        "cohort": ca.cohort,
        "status": ca.status.value,
        "severity": ca.severity.value,
        "latest": _latest_json(ca.latest),
        "benchmark": _benchmark_json(ca.benchmark, ca.deciding_step),
        "expected": ca.expected,
        "gap": ca.gap,
        "trend": _trend_json(ca.trend),
        "explanation": explain(ca, declared),
        # Whether its benchmark is in force (a past national target is history: never judged).
        "in_force": ca.in_force,
    }


def finding_to_json(finding: Finding) -> dict[str, Any]:
    """One finding, as in `check --format json`."""
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "title": finding.label,
    }


def _count(c: Any) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "numerator": c.numerator,
        "denominator": c.denominator,
        "percent": round(100 * c.numerator / c.denominator, 1),
    }


def _versus_json(v: cmp.Versus | None) -> dict[str, Any] | None:
    if v is None:
        return None
    return {
        "name": v.name,
        **(_count(v.benchmark) or {}),
        "at_95": v.at_95,
        "at_99_8": v.at_998,
        # What each count a published 5 may stand for (1 to 7) gives; a verdict above is
        # null when they disagree.
        "possible_95": list(v.possible_95),
        "possible_99_8": list(v.possible_998),
    }


def comparison_to_json(c: cmp.Comparison | None) -> dict[str, Any] | None:
    """One official figure against England, its region and the other Trusts (SPEC §4.1)."""
    if c is None:
        return None
    funnel = c.funnel
    return {
        "measure": c.measure.code,
        "month": c.month.isoformat(),
        **(_count(c.own) or {}),
        "small_numbers": c.small,
        "passed_quality": c.passed,
        "own_quality_result": words.kind_compared(c).own_quality,
        "interval_95": [round(100 * c.interval_95.lower, 2), round(100 * c.interval_95.upper, 2)],
        "interval_99_8": [
            round(100 * c.interval_998.lower, 2),
            round(100 * c.interval_998.upper, 2),
        ],
        "england": _versus_json(c.england),
        "region": _versus_json(c.region),
        "rank": None
        if c.rank is None
        else {"position": c.rank.position, "of": c.rank.of, "quintile": c.rank.quintile},
        # The place with every published 5 (the Trust's and the others') standing for any
        # count from 1 to 7: what the words say.
        "placing": None
        if c.placing is None
        else {
            "best": c.placing.best,
            "worst": c.placing.worst,
            "of": c.placing.of,
            "tied_with": c.placing.tied,
            "settled": c.placing.settled,
            "quintile": c.placing.quintile,
        },
        "funnel": None
        if funnel is None
        else {
            "plain": funnel.plain,
            "adjusted": funnel.adjusted,
            "exceptional": funnel.exceptional,
        },
        "funnel_unsettled": c.funnel_unsettled,
        "methods": {
            "england": words.METHOD_ENGLAND,
            "region": words.METHOD_ENGLAND.replace("England's", "the region's"),
            "rank": words.method_rank(c.measure.publisher, words.kind_compared(c)),
            "funnel": words.METHOD_FUNNEL,
        },
        "sentence": comparison_sentence(c),
        "key": c.measure.key,
        "source": c.measure.source,
        "label": c.measure.words.label,
    }


def _equity_json(gap: cmp.EquityGap) -> dict[str, Any]:
    test = gap.test
    return {
        "cohort": gap.cohort,
        "group": _count(gap.group),
        "comparison_group": gap.pair.comparison.code,
        "comparison": _count(gap.comparison),
        "test": None
        if test is None
        else {
            "method": test.method,
            "difference_points": round(100 * test.difference, 1),
            "p_value": round(test.p_value, 4),
            "significant": test.significant,
        },
        "gap": gap.significant_gap,
        "too_small": gap.too_small,
        "method": words.METHOD_EQUITY,
        "measure": gap.measure.code,
        "month": gap.month.isoformat(),
    }


def _over_time_json(ot: OverTime | None) -> dict[str, Any] | None:
    if ot is None:
        return None
    yoy = ot.year_on_year
    chart = ot.chart
    return {
        "measure": ot.measure.code,
        "months": [m.isoformat() for m in ot.months],
        "year_on_year": None
        if yoy is None
        else {
            "month": yoy.month.isoformat(),
            "current": _count(yoy.current),
            "year_earlier": _count(yoy.year_earlier),
            "change_points": round(yoy.change_points, 1),
            "significant": yoy.test.significant,
            "method": yoy.test.method,
        },
        "chart": None
        if chart is None
        else {
            "kind": chart.kind,
            "points": len(chart.values),
            "centre_percent": round(100 * chart.centre, 2),
            "signals": [
                {"rule": s.rule, "points": list(s.points), "direction": s.direction}
                for s in chart.signals
            ],
            "method": words.METHOD_SPC,
            "months": [m.isoformat() for m in ot.chart_months],
            "improvement": ot.measure.improvement,
            "trial": chart.trial,
            "segments": [
                {
                    "from": ot.chart_months[start].isoformat(),
                    "centre_percent": round(100 * chart.centres[start], 2),
                    "lower_percent": round(100 * chart.lower[start], 2),
                    "upper_percent": round(100 * chart.upper[start], 2),
                    "trial": start in chart.trial_segments,
                }
                for start in chart.segments
            ],
            "shifts": [
                {"rule": s.rule, "points": list(s.points), "direction": s.direction}
                for s in chart.shifts
            ],
        },
    }


def comparisons_to_json(ta: TrustAssessment, declared: Declared) -> dict[str, Any]:
    """A Trust's comparisons (SPEC §4.1): each declared measure's under its key (null when
    the Trust has none), the equity gaps (each names its measure and month), the series of
    the first measure charted over time (`over_time`, as the first version had it) and
    every such series (`series`)."""
    return {
        **{m.key: comparison_to_json(ta.comparisons.get(m.code)) for m in declared.measures},
        "equity": [_equity_json(g) for g in ta.equity],
        "over_time": _over_time_json(ta.over_time[0] if ta.over_time else None),
        "series": [_over_time_json(o) for o in ta.over_time],
    }


def trust_to_json(ta: TrustAssessment, declared: Declared = NOTHING_DECLARED) -> dict[str, Any]:
    """One Trust's assessment, as in `check --format json`."""
    trust = ta.trust
    return {
        "id": trust.id,
        "kind": ta.kind.name,
        "ods": trust.ods,
        "name": trust.name,
        "region": trust.region,
        "severity": ta.severity.value,
        "closed_on": _iso(trust.closed_on),
        "successor": trust.successor,
        "cohorts": [cohort_to_json(c, declared) for c in ta.cohorts],
        "findings": [finding_to_json(f) for f in ta.findings],
        "open_letters": [
            {
                "kind": t.letter.kind,
                "sent_on": _iso(t.sent_on),
                "reply_by": _iso(t.reply_by),
                "status": t.status,
                "working_days_overdue": t.working_days_overdue,
            }
            for t in ta.open_letters
        ],
        "comparisons": comparisons_to_json(ta, declared),
    }


def assessment_to_json(assessment: Assessment, registry_source: str) -> dict[str, Any]:
    """The whole assessment as the plain dict `check --format json` prints (SPEC §5).

    Dates are ISO strings and absent values None, so `json.dumps` needs no help. Keys are
    a stable contract: fields may be added, never removed or renamed.
    """
    from cocwatch.render.attribution import licence_json, republishes

    thresholds = assessment.thresholds
    data = {
        "as_of": assessment.as_of.isoformat(),
        "registry": registry_source,
        "target": assessment.target_id,
        "thresholds": thresholds.model_dump(mode="json") if thresholds is not None else None,
        "summary": assessment.summary(),
        "trusts": [trust_to_json(t, assessment.declared) for t in assessment.trusts],
        "notes": [n for n in [words.statistics_note(assessment.official, assessment.as_of)] if n],
    }
    # The attribution NHS England's licence asks for, when an official figure is republished.
    official = republishes(f for ta in assessment.trusts for f in ta.trust.figures)
    data["licence"] = licence_json() if official else None
    return data
