"""The letter context and working-day arithmetic (pure core). All data here is synthetic."""

from __future__ import annotations

import re
import typing
from dataclasses import fields, is_dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cocwatch.core import letters as L
from cocwatch.core.models import Contact, Figure, Plan, Sender, Source, Target
from cocwatch.core.workdays import add_working_days, foi_reply_by, is_working_day
from cocwatch.statistics.sources import declared

# A few bank holidays, as the edge module would supply them (synthetic subset).
HOLIDAYS = frozenset(
    {
        date(2022, 9, 19),  # state funeral
        date(2023, 5, 8),  # coronation
        date(2026, 11, 30),  # a synthetic non-working day
        date(2026, 12, 25),
        date(2026, 12, 28),
    }
)


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 11, 23), "23 November 2026"),
        (date(2027, 1, 1), "1 January 2027"),
        (date(2024, 2, 29), "29 February 2024"),
    ],
)
def test_uk_date(day: date, text: str) -> None:
    assert L.uk_date(day) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (51, "51%"),
        (51.0, "51%"),
        (17.25, "17.3%"),
        (0.05, "0.1%"),
        (40.53, "40.5%"),
        (99.95, "100%"),
    ],
)
def test_percent_text_rounds_half_up(value: float, text: str) -> None:
    assert L.percent_text(value) == text


@pytest.mark.parametrize(
    ("value", "text"), [(1.0, "1 percentage point"), (-2.5, "2.5 percentage points")]
)
def test_points_text(value: float, text: str) -> None:
    assert L.points_text(value) == text


@pytest.mark.parametrize(
    ("role", "name", "salutation", "valediction"),
    [
        ("chief_executive", "Ms Jane Smith", "Dear Ms Smith", "Yours sincerely"),
        ("chief_executive", "Dr. Raj Patel", "Dear Dr Patel", "Yours sincerely"),
        ("chief_executive", "Professor Ann Lee, OBE", "Dear Professor Lee", "Yours sincerely"),
        ("chair", "Sir John Doe", "Dear Sir John", "Yours sincerely"),
        ("chair", "Dame Ann Roe DBE", "Dear Dame Ann", "Yours sincerely"),
        ("chair", "Sam Jones", "Dear Sam Jones", "Yours sincerely"),
        ("chair", "The Rt Hon Ms Kim Park MP", "Dear Ms Park", "Yours sincerely"),
        ("mnvp", None, "Dear Sir or Madam", "Yours faithfully"),
        ("foi", None, "Dear Sir or Madam", "Yours faithfully"),
        ("secretary_of_state", None, "Dear Secretary of State", "Yours sincerely"),
        ("minister", None, "Dear Minister", "Yours sincerely"),
    ],
)
def test_salutation_follows_uk_convention(
    role: str, name: str | None, salutation: str, valediction: str
) -> None:
    assert L.salutation_for(role, name) == (salutation, valediction)


def test_reply_by_is_the_twentieth_working_day_after_the_letter() -> None:
    # Monday 23 November 2026: day 1 is Tuesday 24th; the synthetic holiday (30th) is skipped.
    assert foi_reply_by(date(2026, 11, 23), HOLIDAYS) == date(2026, 12, 22)
    assert foi_reply_by(date(2026, 11, 23), frozenset()) == date(2026, 12, 21)


def test_reply_by_skips_the_2022_state_funeral_and_the_2023_coronation() -> None:
    # 1 September 2022 (Thursday): 20 working days, one of them lost to 19 September.
    assert foi_reply_by(date(2022, 9, 1), HOLIDAYS) == date(2022, 9, 30)
    assert foi_reply_by(date(2022, 9, 1), frozenset()) == date(2022, 9, 29)
    assert foi_reply_by(date(2023, 5, 1), HOLIDAYS) - foi_reply_by(
        date(2023, 5, 1), frozenset()
    ) == timedelta(days=1)


def test_a_letter_dated_on_a_weekend_starts_counting_on_monday() -> None:
    assert add_working_days(date(2026, 11, 21), 1, frozenset()) == date(2026, 11, 23)
    assert add_working_days(date(2026, 11, 22), 1, frozenset()) == date(2026, 11, 23)


def test_add_working_days_needs_a_positive_count() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        add_working_days(date(2026, 1, 1), 0, frozenset())


@given(
    start=st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31)),
    count=st.integers(min_value=1, max_value=40),
    holidays=st.frozensets(st.dates(min_value=date(2015, 1, 1), max_value=date(2036, 3, 31))),
)
def test_add_working_days_counts_exactly_count_working_days(
    start: date, count: int, holidays: frozenset[date]
) -> None:
    end = add_working_days(start, count, holidays)
    assert is_working_day(end, holidays)
    days = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(is_working_day(d, holidays) for d in days) == count


def test_cite_numbers_sources_in_order_and_reuses_numbers() -> None:
    state = L.LetterState()
    msds = L.figure_view(_figure(12.0, "https://example.org/msds-1"))
    same_doc = L.figure_view(_figure(13.0, "https://example.org/msds-1"))
    other = L.figure_view(_figure(14.0, "https://example.org/msds-2"))
    assert state.cite(msds) == "[1]"
    assert state.cite(other) == "[2]"
    assert state.cite(same_doc, other) == "[1, 2]"
    assert state.cite(title="A synthetic report", url="https://example.org/r") == "[3]"
    assert [r.number for r in state.references] == [1, 2, 3]
    assert state.references[0].text == "Synthetic source. https://example.org/msds-1"


def test_cite_refuses_something_without_a_source() -> None:
    with pytest.raises(ValueError, match="cannot cite nothing"):
        L.LetterState().cite(None)


def test_a_target_without_a_source_is_cited_with_a_caveat() -> None:
    target = Target(id="t", title="Synthetic target", percent=50, due=date(2025, 3, 31))
    view = L.target_view(target, date(2026, 11, 23))
    state = L.LetterState()
    state.cite(view)
    assert state.references[0].text == ("Synthetic target (no source recorded in the registry).")


def test_an_unverified_target_is_flagged_in_its_reference() -> None:
    target = Target(
        id="t",
        title="Synthetic target",
        percent=35,
        due=date(2021, 3, 31),
        notes="Unverified: the due date.",
        source=Source(url="https://example.org/t", title="Synthetic source"),
    )
    view = L.target_view(target, date(2026, 11, 23))
    assert view.unverified
    assert "not confirmed against the original document" in view.citation.text


def test_target_view_knows_whether_it_was_withdrawn_by_the_letter_date() -> None:
    target = Target(
        id="t",
        title="Synthetic",
        percent=51,
        due=date(2021, 3, 31),
        set_on=date(2019, 1, 7),
        withdrawn_on=date(2022, 9, 21),
    )
    before = L.target_view(target, date(2022, 9, 20))
    after = L.target_view(target, date(2022, 9, 21))
    assert (before.in_force, before.withdrawn) == (True, False)
    assert (after.in_force, after.withdrawn) == (False, True)
    assert after.withdrawn_on_long == "21 September 2022"


def test_figure_view_words_the_measure_and_its_caveats() -> None:
    figure = Figure(
        cohort="most_deprived",
        measure="receiving_ongoing",
        percent=7,
        as_of=date(2026, 3, 31),
        provisional=True,
        quality="fail",
        source=Source(url="https://example.org/x", kind="msds"),
    )
    view = L.figure_view(figure, declared())
    # Receiving continuity is a share of ALL women who reached 29 weeks four months earlier.
    assert view.summary == (
        "7.0% of all women from the most deprived 10% of neighbourhoods who reached 29 weeks "
        "of pregnancy in November 2025 received continuity of carer through pregnancy and "
        "birth (provisional; the Trust's data failed NHS England's data-quality checks, so it "
        "may not show the care women received)"
    )


def test_recipient_falls_back_to_the_trust_address_for_trust_roles() -> None:
    trust = _trust_view(address="1 Synthetic Road\nTestville TT1 1TT")
    terms = L.terms_for(date(2026, 11, 23))
    chief = L.recipient_view("chief_executive", None, trust=trust, terms=terms)
    assert chief.block == (
        "The Chief Executive",
        "Synthetic NHS Trust",
        "1 Synthetic Road",
        "Testville TT1 1TT",
    )
    assert chief.salutation == "Dear Sir or Madam"
    mnvp = L.recipient_view(
        "mnvp", Contact(role="mnvp", name="Ms Lee Roe"), trust=trust, terms=terms
    )
    assert mnvp.block == ("Ms Lee Roe", "MNVP Chair", "[Postal address of the MNVP Chair]")
    assert mnvp.salutation == "Dear Ms Roe"


def test_the_mnvp_was_an_mvp_before_november_2023() -> None:
    assert L.terms_for(date(2023, 11, 27)).mnvp == "MVP"
    assert L.terms_for(date(2023, 11, 28)).mnvp == "MNVP"


def test_sender_placeholders_only_for_what_is_missing() -> None:
    empty = L.sender_view(Sender())
    assert empty.signature == "[Your name]"
    assert empty.block == ("[Your postal address or email address]",)
    known = L.sender_view(Sender(name="Jo Test", email="jo@example.org"))
    assert (known.signature, known.block) == ("Jo Test", ("jo@example.org",))


def test_placeholders_in_reports_only_those_shown() -> None:
    shown = L.placeholder("Your name")
    hidden = L.placeholder("Your address")
    assert L.placeholders_in("Signed: [Your name]", [shown, hidden, shown]) == [shown]


def test_plan_view_when_no_plan_is_recorded() -> None:
    view = L.plan_view(None, "Synthetic NHS Trust", date(2026, 11, 23))
    assert (view.recorded, view.status, view.url) == (False, "unknown", None)
    paused = L.plan_view(
        Plan(status="paused", published=date(2023, 2, 1)), "Synthetic NHS Trust", date(2026, 1, 1)
    )
    assert paused.citation.text == (
        "Synthetic NHS Trust: continuity of carer plan (dated 1 February 2023) "
        "(no published copy recorded)."
    )


def test_every_context_field_is_documented() -> None:
    undocumented = []
    seen: set[type] = set()
    queue: list[type] = [L.LetterContext]
    while queue:
        cls = queue.pop()
        if cls in seen:
            continue
        seen.add(cls)
        hints = typing.get_type_hints(cls, include_extras=True)
        for f in fields(cls):
            meta = getattr(hints[f.name], "__metadata__", ())
            if not any(isinstance(m, L.Doc) and m.text for m in meta):
                undocumented.append(f"{cls.__name__}.{f.name}")
            queue += [t for t in _types(hints[f.name]) if is_dataclass(t)]
    assert undocumented == []
    described = L.describe_context()
    for cls in seen:
        assert f"**{cls.__name__}**" in described or cls is L.LetterContext


def _types(hint: object) -> list[type]:
    found = [hint] if isinstance(hint, type) else []
    for arg in typing.get_args(hint):
        found += _types(arg)
    return found


def test_describe_context_is_a_markdown_table() -> None:
    text = L.describe_context()
    assert "| `reply_by` | date |" in text
    assert re.search(r"\| `percent_text` \| str \|", text)


# --- helpers -------------------------------------------------------------------------


def _figure(percent: float, url: str) -> Figure:
    return Figure(
        percent=percent,
        as_of=date(2026, 3, 31),
        source=Source(url=url, title="Synthetic source", kind="msds"),
    )


def _trust_view(*, address: str | None) -> L.TrustView:
    from cocwatch.core.models import Trust

    trust = Trust(
        id="synthetic", ods="XS1", name="Synthetic NHS Trust", region="Test", address=address
    )
    return L.trust_view(trust, date(2026, 11, 23))
