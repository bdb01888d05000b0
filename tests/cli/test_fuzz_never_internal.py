"""Fuzzing for "never exit 70": templates, registry scalars and MSDS rows generated at random
(synthetic) either work or fail as cocwatch's own errors (exit 2, 3 or 4), never as anything
else. Each part runs in process, with a bounded number of examples, to stay quick.
"""

from __future__ import annotations

import contextlib
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cocwatch.core import letters as L
from cocwatch.core.assessment import assess
from cocwatch.core.models import National, Registry, Sender, Source, Thresholds, Trust
from cocwatch.errors import CocwatchError
from cocwatch.locations import builtin_templates_dir
from cocwatch.registry.load import parse_registry
from cocwatch.statistics.msds.reading import parse_measures
from cocwatch.templating.rendering import Letters
from tests.support.msds import HEADER, Row, measures_csv
from tests.support.registries import MINIMAL_REGISTRY

AS_OF = date(2026, 11, 23)


def fast(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )


# --- registry scalars ---------------------------------------------------------------------

SCALARS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "!!timestamp nope", '!!timestamp ""', "!!float x", "!!int 1e9", "!!bool maybe",
            "!!binary ???", "!!str", "!!null x", "-0", "1e309", "nan", ".inf", "true", "~",
            "0x" + "f" * 80, "9" * 70, "&a [*a]", "*nowhere", "[", "{", "'", '"\\e[31m"',
            '"\\u202e"', "2024-02-30", "2024-13-01", "0001-01-01", "|\n  a", ">-", "? a",
        ]
    ),
    st.from_regex(r"-?[0-9]{1,40}(\.[0-9]{0,5})?(e-?[0-9]{1,4})?", fullmatch=True),
)  # fmt: skip
KEYS = st.sampled_from(
    ["percent: 17.2", "as_of: 2024-03-31", "ods: XX1", "region: South West", "cohort: all",
     "name: Example North NHS Trust (synthetic)", "percent: 51", "due: 2021-03-31"]
)  # fmt: skip


@fast(800)
@given(key=KEYS, value=SCALARS)
def test_registry_scalars_never_fail_unexpectedly(key: str, value: str) -> None:
    name = key.split(":", 1)[0]
    text = MINIMAL_REGISTRY.replace(key, f"{name}: {value}", 1)
    with contextlib.suppress(CocwatchError):
        parse_registry(text, "fuzz.yaml", today=AS_OF)


# --- MSDS rows ------------------------------------------------------------------------------

CELLS = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12),
    st.sampled_from(["", "*", "Low DQ", "Pass", "Fail", "-0", "1e30", "nan", "inf", "5",
                     "1,410.0", "45000", "2025-04-30", "30/04/2025", "04/30/2025", "100.1"]),
)  # fmt: skip
INDICATORS = st.sampled_from(
    ["COC_by_28weeks", "COC_receiving_ongoing", "COC_by_28weeks_Ethnicity_BAME",
     "COC_receiving_ongoing_IMD_01_Most_deprived", "COC_DQ06", "Other"]
)  # fmt: skip
CURRENCIES = st.sampled_from(["Rate", "Numerator", "Denominator", "Result", "Count"])


@st.composite
def rows(draw: st.DrawFn) -> Row:
    return Row(
        ods=draw(st.sampled_from(["XX1", "XX2", "", "xx1", "X,Y"])),
        indicator=draw(INDICATORS),
        currency=draw(CURRENCIES),
        value=draw(CELLS),
        end=draw(st.one_of(st.just("2025-04-30"), CELLS)),
        level=draw(st.sampled_from(["Provider", "National", "provider", "Region"])),
    )


@fast(600)
@given(table=st.lists(rows(), max_size=12), header=st.sampled_from([HEADER, HEADER.lower(), "a,b"]))
def test_msds_rows_never_fail_unexpectedly(table: list[Row], header: str) -> None:
    with contextlib.suppress(CocwatchError):
        parse_measures(measures_csv(table, header=header), "fuzz.csv", provisional=False)


# --- templates ------------------------------------------------------------------------------

PIECES = st.sampled_from(
    ["{{ ", " }}", "{% ", " %}", "{% for x in range(3) %}", "{% endfor %}", "{% if x %}",
     "{% endif %}", "(", ")", "[", "]", "trust.name", "trust", "|wordwrap(1)", "|upper",
     "|center(99999999)", "'a' * 10", " ~ ", "cite(", "placeholder('x')", "x", "1", "**",
     "{# ", " #}", "{% set ns = namespace(s='a') %}", "ns.s", "{% macro m() %}", "{% endmacro %}",
     "m()", "loop.index", "none", "''.__class__", "range(10**9)", "|join", "\n", "# ", "- "]
)  # fmt: skip
FRONT = "---\ntitle: T\nrecipient: chief_executive\nscope: trust\ndescription: D\n---\n"
_TRUST = Trust(
    id="fuzz", ods="XX1", name="Fuzz NHS Trust (synthetic)", region="South West",
    contacts=(), figures=(),
)  # fmt: skip
_REGISTRY = Registry(national=National(targets=()), trusts=(_TRUST,))
_ASSESSED = assess(_REGISTRY, [_TRUST], as_of=AS_OF, thresholds=Thresholds())
_FACTS = L.run_facts(
    _REGISTRY, _ASSESSED.trusts, as_of=AS_OF, reply_by=AS_OF, thresholds=Thresholds(),
    sender=Sender(name="Jo Tester", address="1 Test Street"),
)  # fmt: skip
_ = Source  # the registry above has no sources: none is needed to draft a letter


@fast(400)
@given(body=st.lists(PIECES, max_size=14).map("".join))
def test_templates_never_fail_unexpectedly(body: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "fuzz.md.j2").write_text(FRONT + body + "\n", encoding="utf-8")
        letters = Letters(builtin_templates_dir(), Path(folder))
        try:
            compiled = letters.compile("fuzz")
            spec = compiled.spec
            info = L.LetterInfo("fuzz", spec.title, spec.description, spec.scope, "md", False)
            context = L.letter_context(
                _FACTS, letter=info, recipient_role=spec.recipient, cc_roles=spec.cc,
                assessed=_ASSESSED.trusts[0],
            )  # fmt: skip
            letters.render(compiled, context)
        except CocwatchError:
            pass
