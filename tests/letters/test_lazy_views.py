"""Lazy letter views: a template pays only for the fields it reads, and reads what it did.

The contexts are built from the fictional demo registry (examples/demo.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass
from datetime import date
from typing import Any

import jinja2
import pytest
from jinja2.exceptions import SecurityError

from cocwatch.core import letters as L
from cocwatch.core.assessment import assess
from cocwatch.core.models import Sender, Thresholds
from cocwatch.locations import builtin_templates_dir
from cocwatch.registry import load_registry
from cocwatch.templating.rendering import Letters
from cocwatch.templating.sandbox import make_environment
from tests.support.paths import DEMO

AS_OF = date(2026, 11, 23)
INFO = L.LetterInfo("board", "Letter", "d", "trust", "md", False)


def _contexts() -> list[L.LetterContext]:
    registry = load_registry(str(DEMO), today=AS_OF).registry
    assessed = assess(registry, list(registry.trusts), as_of=AS_OF, thresholds=Thresholds())
    facts = L.run_facts(
        registry,
        assessed.trusts,
        as_of=AS_OF,
        reply_by=AS_OF,
        thresholds=Thresholds(),
        sender=Sender(name="A. Writer"),
    )
    return [
        L.letter_context(
            facts,
            letter=INFO,
            recipient_role="chief_executive",
            cc_roles=("chair",),
            assessed=a,
        )
        for a in assessed.trusts
    ]


def _walk(value: Any, *, backwards: bool, seen: set[int]) -> list[Any]:
    """Every value reachable from `value`, reading each view's fields in one order."""
    if is_dataclass(value) and not isinstance(value, type):
        if id(value) in seen:  # a view shared by two fields is read once
            return []
        seen.add(id(value))
        names = [f.name for f in fields(value)]
        out: list[Any] = []
        for name in reversed(names) if backwards else names:
            out += [name, *_walk(getattr(value, name), backwards=backwards, seen=seen)]
        return out
    if isinstance(value, dict):
        return [x for k, v in value.items() for x in (k, *_walk(v, backwards=backwards, seen=seen))]
    if isinstance(value, tuple | list):
        return [x for v in value for x in _walk(v, backwards=backwards, seen=seen)]
    return [value]


def test_views_read_in_any_order_hold_the_same_values() -> None:
    forwards, backwards = _contexts(), _contexts()
    assert len(forwards) == 6  # the demo registry's Trusts
    for one, other in zip(forwards, backwards, strict=True):
        read_forwards = _walk(one, backwards=False, seen=set())
        read_backwards = _walk(other, backwards=True, seen=set())
        assert sorted(map(repr, read_forwards)) == sorted(map(repr, read_backwards))
        assert one == other
        assert one.trust is not None and one.assessment is not None
        assert L.made_fields(one.trust) == {f.name for f in fields(L.TrustView)}


def test_a_letter_shares_one_view_per_figure() -> None:
    for context in _contexts():
        assert context.trust is not None and context.assessment is not None
        for cohort in context.assessment.cohorts:
            if cohort.latest is not None:
                assert any(cohort.latest is f for f in context.trust.figures)
                assert all(f in context.trust.figures for f in cohort.figures)


def _render(source: str, context: L.LetterContext) -> str:
    env = make_environment(builtin_templates_dir(), None)
    return env.from_string(source).render(context.variables())


def test_a_template_that_reads_the_name_makes_no_other_view() -> None:
    context = next(c for c in _contexts() if c.trust and c.trust.id == "example-moor")
    assert context.trust is not None and context.assessment is not None
    eager_trust = L.made_fields(context.trust)
    eager_assessment = L.made_fields(context.assessment)
    assert not {"figures", "plan", "inspections", "contacts"} & eager_trust
    assert not {"cohorts", "cohort", "quality_failures"} & eager_assessment

    assert _render("{{ trust.name }}", context) == context.trust.name
    assert L.made_fields(context.trust) == eager_trust
    assert L.made_fields(context.assessment) == eager_assessment

    _render("{{ assessment.cohorts[0].label }}", context)
    assert {"cohorts", "cohort"} <= L.made_fields(context.assessment)
    assert "figures" not in L.made_fields(context.trust)
    first = context.assessment.cohorts[0]
    assert not {"latest", "figures", "benchmark", "step", "trend"} & L.made_fields(first)

    _render("{{ trust.figures | length }}", context)
    assert "figures" in L.made_fields(context.trust)
    assert "plan" not in L.made_fields(context.trust)


def test_the_board_letter_leaves_unread_views_unmade() -> None:
    context = next(c for c in _contexts() if c.trust and c.trust.id == "example-valley")
    letters = Letters(builtin_templates_dir(), None)
    letters.render(letters.compile("board"), context)
    assert context.trust is not None
    assert not {"inspections", "latest_inspection", "contacts"} & L.made_fields(context.trust)


@pytest.mark.parametrize("name", ["_inputs", "_makers", "_eager", "__class__", "__slots__"])
def test_templates_cannot_read_how_a_view_is_made(name: str) -> None:
    context = _contexts()[0]
    with pytest.raises(SecurityError):
        _render("{{ trust." + name + " }}", context)


def test_an_unknown_field_is_undefined_not_made() -> None:
    context = _contexts()[0]
    with pytest.raises(jinja2.UndefinedError, match="nmae"):
        _render("{{ trust.nmae }}", context)


def test_a_lazy_view_is_built_with_exactly_its_eager_fields() -> None:
    @L.made_later(double=lambda view: view.number * 2)
    @dataclass(frozen=True, slots=True)
    class Doubled(L.LazyView):
        number: int
        double: int

    view = L.lazy_view(Doubled, None, number=21)
    assert L.made_fields(view) == {"number"}
    assert view.double == 42
    assert L.made_fields(view) == {"number", "double"}
    assert view == L.lazy_view(Doubled, None, number=21)
    with pytest.raises(TypeError, match="built with"):
        L.lazy_view(Doubled, None)
    with pytest.raises(TypeError, match="built with"):
        L.lazy_view(Doubled, None, number=1, double=2)
    with pytest.raises(AttributeError, match="nothing"):
        getattr(view, "nothing")  # noqa: B009
    with pytest.raises(TypeError, match="its fields"):
        L.made_later(triple=lambda view: 3)(Doubled)
