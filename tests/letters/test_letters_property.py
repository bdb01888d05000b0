"""Letters for Trusts nobody has seen: random synthetic Trusts through every built-in template.

Each generated Trust is invented (example.org sources, made-up names). Whatever its data,
every letter must render, quote each latest figure and its benchmark, cite every source it
quotes, address the recipient, carry the date and give the right FOI deadline.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocwatch.core import letters as L
from cocwatch.core.assessment import assess
from cocwatch.core.models import (
    COHORTS,
    BoardReview,
    Contact,
    Figure,
    Milestone,
    National,
    Plan,
    Registry,
    Sender,
    Source,
    Target,
    Thresholds,
    Trust,
)
from cocwatch.core.workdays import foi_non_working_days, foi_reply_by
from cocwatch.locations import builtin_templates_dir
from cocwatch.templating.rendering import Letters
from cocwatch.templating.text import to_text

AS_OF = date(2026, 11, 23)
HOLIDAYS = foi_non_working_days([2026, 2027])
LETTERS = Letters(builtin_templates_dir(), None)
TARGETS = (
    Target(
        id="synthetic-most",
        title="Most women (synthetic)",
        percent=51,
        due=date(2021, 3, 31),
        set_on=date(2019, 1, 7),
        withdrawn_on=date(2022, 9, 21),
        source=Source(url="https://example.org/t/most", title="Synthetic plan"),
    ),
    Target(
        id="synthetic-em",
        title="Targeted (synthetic)",
        cohort="ethnic_minority",
        percent=75,
        due=date(2024, 3, 31),
        set_on=date(2019, 1, 7),
        withdrawn_on=date(2022, 9, 21),
        source=Source(url="https://example.org/t/em", title="Synthetic letter"),
    ),
    Target(
        id="synthetic-future",
        title="Future (synthetic)",
        percent=40,
        due=date(2028, 3, 31),
        set_on=date(2025, 4, 1),
    ),
)
NAMES = ["Ms Ann Test", "Dr Bo Sample", "Sam Mock", "Sir Cy Fixture", "Prof Di Stub"]

days = st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 11, 23))
percents = st.integers(min_value=0, max_value=1000).map(lambda n: n / 10)


@st.composite
def figures(draw: st.DrawFn) -> Figure:
    n = draw(st.integers(min_value=0, max_value=30))
    return Figure(
        cohort=draw(st.sampled_from(COHORTS)),
        measure=draw(st.sampled_from(["placed_by_28_weeks", "receiving_ongoing", "offered"])),
        percent=draw(percents),
        as_of=draw(days),
        provisional=draw(st.booleans()),
        quality=draw(st.sampled_from(["pass", "fail", "unknown"])),
        source=Source(
            url=f"https://example.org/src/{n}",
            title=draw(st.sampled_from([None, f"Synthetic source {n}"])),
            kind=draw(st.sampled_from(["msds", "board_paper", "foi"])),
        ),
    )


@st.composite
def plans(draw: st.DrawFn) -> Plan | None:
    status = draw(st.sampled_from([None, "active", "paused", "none", "unknown"]))
    if status is None:
        return None
    return Plan(
        status=status,
        published=draw(st.none() | days),
        url=draw(st.sampled_from([None, "https://example.org/plan"])),
        coproduced=draw(st.sampled_from(["yes", "no", "unknown"])),
        milestones=tuple(
            draw(
                st.lists(
                    st.builds(
                        Milestone,
                        cohort=st.sampled_from(COHORTS),
                        percent=percents,
                        due=st.dates(min_value=date(2020, 1, 1), max_value=date(2029, 1, 1)),
                    ),
                    max_size=4,
                )
            )
        ),
        board_reviews=tuple(
            BoardReview(date=d, url=f"https://example.org/board/{i}")
            for i, d in enumerate(draw(st.lists(days, max_size=3)))
        ),
    )


@st.composite
def trusts(draw: st.DrawFn) -> Trust:
    roles = draw(st.sets(st.sampled_from(["chief_executive", "chair", "mnvp", "foi"])))
    return Trust(
        id="synthetic-trust",
        ods="ZY9",
        name=draw(st.sampled_from(["Synthetic Vale NHS Trust", "Synthetic Dene NHS FT"])),
        region="Test",
        address=draw(st.sampled_from([None, "1 Test Road\nTestville TT1 1TT"])),
        contacts=tuple(
            Contact(
                role=role,
                name=draw(st.sampled_from([None, *NAMES])),
                email=draw(st.sampled_from([None, f"{role}@example.org"])),
            )
            for role in sorted(roles)
        ),
        plan=draw(plans()),
        figures=tuple(draw(st.lists(figures(), max_size=8))),
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(trust=trusts(), fmt=st.sampled_from(["md", "txt", "eml"]))
def test_every_builtin_letter_carries_the_trusts_own_evidence(trust: Trust, fmt: str) -> None:
    registry = Registry(national=National(targets=TARGETS), trusts=(trust,))
    assessed = assess(registry, [trust], as_of=AS_OF, thresholds=Thresholds())
    facts = L.run_facts(
        registry,
        assessed.trusts,
        as_of=AS_OF,
        reply_by=foi_reply_by(AS_OF, HOLIDAYS),
        thresholds=Thresholds(),
        sender=Sender(name="Jo Tester", address="1 Test Street, Testville"),
    )
    for name in ("board", "mnvp", "foi", "minister"):
        compiled = LETTERS.compile(name)
        spec = compiled.spec
        info = L.LetterInfo(name, spec.title, spec.description, spec.scope, fmt, fmt == "eml")
        letter = LETTERS.render(
            compiled,
            L.letter_context(
                facts,
                letter=info,
                recipient_role=spec.recipient,
                cc_roles=spec.cc,
                assessed=assessed.trusts[0] if spec.scope == "trust" else None,
            ),
        )
        text = letter.markdown
        context = letter.context
        assert "None" not in text
        assert context.recipient.salutation in text
        if fmt != "eml":
            assert "23 November 2026" in text  # the letter's date
            for line in context.recipient.block:
                assert line in text
        if name == "foi":
            # Monday 23 November 2026 + 20 working days, St Andrew's Day (30th) skipped.
            assert "that is 22 December 2026." in text
        if name in ("board", "mnvp") and context.assessment and context.assessment.has_figures:
            for cohort in context.assessment.cohorts:
                if cohort.latest is not None:
                    assert cohort.latest.summary in text
                if cohort.latest is not None and cohort.step is not None:
                    assert cohort.step.percent_text in text
        _citations_are_consistent(text)
        for reference in letter.references:
            if reference.source.url:
                assert reference.source.url in text
        assert to_text(text).strip()


def _citations_are_consistent(text: str) -> None:
    body, _, refs = text.partition("## References")
    cited = {
        int(n) for group in re.findall(r"\[(\d+(?:, \d+)*)\]", body) for n in group.split(", ")
    }
    listed = [int(n) for n in re.findall(r"^(\d+)\. ", refs, flags=re.M)]
    assert listed == list(range(1, len(listed) + 1))
    assert cited == set(listed)


def test_reply_by_dates_over_a_year_of_letter_dates() -> None:
    """Independent recount: 20 days after the letter, each a weekday and no UK bank holiday."""
    day = date(2026, 1, 1)
    while day.year == 2026:
        expected, counted, probe = None, 0, day
        while counted < 20:
            probe += timedelta(days=1)
            if probe.weekday() < 5 and probe not in HOLIDAYS:
                counted += 1
        expected = probe
        assert foi_reply_by(day, HOLIDAYS) == expected
        day += timedelta(days=1)
