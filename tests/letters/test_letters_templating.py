"""The template environment: sandbox, strictness, front matter, user templates, conversions."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.core.workdays import foi_non_working_days
from cocwatch.errors import InputError
from cocwatch.locations import builtin_templates_dir
from cocwatch.templating.eml import to_eml
from cocwatch.templating.templates import discover, split_front_matter
from cocwatch.templating.text import parse_blocks, to_text
from tests.letters.helpers import SENDER_OPTIONS

Run = Callable[..., Result]
FRONT = "---\ntitle: T\nrecipient: chief_executive\nscope: trust\ndescription: D.\n---\n"


def write_template(folder: Path, name: str, body: str, front: str = FRONT) -> Path:
    path = folder / f"{name}.md.j2"
    path.write_text(front + textwrap.dedent(body), encoding="utf-8")
    return path


def render(run: Run, registry: Path, folder: Path, name: str, *args: str) -> Result:
    return run(
        "-r", str(registry), "letter", name, "synth-alpha", "--template-dir", str(folder), *args
    )


def test_the_sandbox_stops_templates_reaching_python_internals(
    run: Run, registry: Path, user_dir: Path
) -> None:
    write_template(user_dir, "evil", "Hello\n{{ ''.__class__.__mro__ }}\n")
    result = render(run, registry, user_dir, "evil")
    assert result.exit_code == 3
    assert f"{user_dir / 'evil.md.j2'}:8" in result.stderr
    assert "sandbox" in result.stderr and "Traceback" not in result.stderr
    write_template(user_dir, "evil2", "{{ trust.__class__.__init__.__globals__ }}\n")
    assert render(run, registry, user_dir, "evil2").exit_code == 3


def test_templates_compare_finding_codes_by_name(run: Run, registry: Path, user_dir: Path) -> None:
    from cocwatch.core.kinds import FindingCode

    body = "{% for code in finding %}{{ code }}={{ code in assessment.finding_codes }} {% endfor %}"
    write_template(user_dir, "codes", body + "\n")
    result = render(run, registry, user_dir, "codes")
    assert result.exit_code == 0, result.stderr
    assert [pair.split("=")[0] for pair in result.stdout.split()] == list(FindingCode)
    write_template(user_dir, "misspelt", "{% if finding.stale_dta in () %}x{% endif %}\n")
    wrong = render(run, registry, user_dir, "misspelt")
    assert wrong.exit_code == 3
    assert f"{user_dir / 'misspelt.md.j2'}:7" in wrong.stderr
    assert "'stale_dta' is not a finding code; the finding codes are no_plan, " in wrong.stderr


def test_templates_cannot_mutate_the_context(run: Run, registry: Path, user_dir: Path) -> None:
    write_template(user_dir, "mutate", "{{ references.append(1) }}\n")
    result = render(run, registry, user_dir, "mutate")
    assert result.exit_code == 3
    assert "sandbox" in result.stderr


def test_an_undefined_variable_names_the_template_line_and_variable(
    run: Run, registry: Path, user_dir: Path
) -> None:
    write_template(user_dir, "typo", "Dear {{ recipient.salutation }}\n\n{{ trust.nmae }}\n")
    result = render(run, registry, user_dir, "typo")
    assert result.exit_code == 3
    assert f"{user_dir / 'typo.md.j2'}:9" in result.stderr
    assert "'nmae' is not a field of TrustView" in result.stderr
    write_template(user_dir, "typo2", "{{ sendr.name }}\n")
    other = render(run, registry, user_dir, "typo2")
    assert other.exit_code == 3
    assert f"{user_dir / 'typo2.md.j2'}:7" in other.stderr
    assert "the variable 'sendr' is not defined" in other.stderr


def test_a_syntax_error_names_the_line(run: Run, registry: Path, user_dir: Path) -> None:
    write_template(user_dir, "broken", "Fine\n{% if trust.name %}\nno end\n")
    result = render(run, registry, user_dir, "broken")
    assert result.exit_code == 3
    assert "broken.md.j2:" in result.stderr and "syntax error" in result.stderr


def test_printing_an_unknown_value_is_an_error_not_the_word_none(
    run: Run, registry: Path, user_dir: Path
) -> None:
    write_template(user_dir, "none", "Board papers: {{ trust.board_papers_url }}\n")
    result = render(run, registry, user_dir, "none")
    assert result.exit_code == 3
    assert "none.md.j2:7" in result.stderr and "not known (None)" in result.stderr


def test_cite_of_nothing_is_a_located_error(run: Run, registry: Path, user_dir: Path) -> None:
    write_template(user_dir, "cite", "{{ cite(assessment.cohort['most_deprived'].latest) }}\n")
    result = render(run, registry, user_dir, "cite")
    assert result.exit_code == 3
    assert "cite.md.j2:7" in result.stderr and "cannot cite nothing" in result.stderr


@pytest.mark.parametrize(
    ("front", "message"),
    [
        ("", "has no front matter"),
        ("---\ntitle: T\n", "never closes it"),
        ("---\ntitle: [unclosed\n---\n", "not valid YAML"),
        ("---\n- a list\n---\n", "not a set of keys"),
        ("---\ntitle: T\nrecipient: ceo\nscope: trust\ndescription: D\n---\n", "recipient 'ceo'"),
        ("---\ntitle: T\nrecipient: chair\nscope: region\ndescription: D\n---\n", "scope 'region'"),
        ("---\ntitle: T\nrecipient: chair\nscope: trust\n---\n", "missing description"),
        (
            "---\ntitle: T\nrecipient: chair\nscope: trust\ndescription: D\ncolour: red\n---\n",
            "unknown key 'colour'",
        ),
    ],
)
def test_bad_front_matter_is_reported_with_the_file(
    user_dir: Path, front: str, message: str
) -> None:
    path = write_template(user_dir, "bad", "Hello\n", front=front)
    with pytest.raises(InputError) as caught:
        discover(builtin_templates_dir(), user_dir)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)


def test_front_matter_keeps_line_numbers(user_dir: Path) -> None:
    meta, body = split_front_matter(FRONT + "line 7\n", "x")
    assert meta is not None and meta["title"] == "T"
    assert body.count("\n") == (FRONT + "line 7\n").count("\n")


def test_a_missing_template_dir_is_bad_input(run: Run, registry: Path, tmp_path: Path) -> None:
    result = render(run, registry, tmp_path / "nope", "board")
    assert result.exit_code == 3
    assert "does not exist" in result.stderr


def test_user_templates_can_reuse_builtin_parts(run: Run, registry: Path, user_dir: Path) -> None:
    write_template(
        user_dir,
        "short",
        """\
        {% import "builtin/_letter.md.j2" as l with context %}
        {{ recipient.salutation }}

        {% for c in assessment.cohorts %}
        - {{ l.cohort(c) }}
        {% endfor %}
        {{ l.signoff() }}
        {{ l.reference_list() }}
        """,
    )
    result = render(run, registry, user_dir, "short", *SENDER_OPTIONS)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Dear Ms Testcase\n")
    assert "17.3% of women" in result.stdout and "## References" in result.stdout


def test_a_user_template_overrides_the_builtin(run: Run, registry: Path, user_dir: Path) -> None:
    write_template(
        user_dir, "board", "Custom letter to {{ trust.name }} dated {{ date | uk_date }}\n"
    )
    result = render(run, registry, user_dir, "board")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "Custom letter to Synthetic Alpha NHS Trust dated 23 November 2026\n"


def test_filters(run: Run, registry: Path, user_dir: Path) -> None:
    write_template(
        user_dir,
        "filters",
        "{{ 17.25 | percent }} {{ -3 | points }} {{ 2 | plural('Trust') }} "
        "{{ ['a', 'b', 'c'] | join_and }} {{ date | month_year }} "
        "{{ placeholder('Your phone number') }}\n",
    )
    result = render(run, registry, user_dir, "filters")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "17.3% 3 percentage points 2 Trusts a, b and c November 2026 [Your phone number]\n"
    )
    assert "[Your phone number]" in result.stderr


def test_bank_holidays_come_from_a_maintained_source() -> None:
    days = foi_non_working_days([2022, 2023, 2026])
    assert date(2022, 9, 19) in days  # state funeral of Queen Elizabeth II
    assert date(2023, 5, 8) in days  # coronation of King Charles III
    assert date(2026, 12, 25) in days and date(2026, 8, 31) in days
    # Every part of the United Kingdom (FOIA s.10(6), SPEC §6).
    assert date(2026, 11, 30) in days  # St Andrew's Day, Scotland
    assert date(2026, 3, 17) in days  # St Patrick's Day, Northern Ireland
    assert date(2026, 4, 6) in days  # Easter Monday, England, Wales and Northern Ireland


def test_markdown_blocks_and_plain_text() -> None:
    markdown = (
        "Line one\\\nLine two\n\n**Bold** and *italic* and [a link](https://example.org/a_b)\n"
        "continues here.\n\n- item one\n- item two\n\n1. first\n2. second\n\n## Heading\n"
    )
    kinds = [b.kind for b in parse_blocks(markdown)]
    assert kinds == ["para", "para", "bullet", "bullet", "number", "number", "heading"]
    assert to_text(markdown) == (
        "Line one\nLine two\n\nBold and italic and a link (https://example.org/a_b) "
        "continues here.\n\n- item one\n- item two\n\n1. first\n2. second\n\nHeading\n"
    )


def test_eml_round_trip_keeps_non_ascii_text() -> None:
    import email
    from email import policy

    data = to_eml(
        "Dear Ms Ødegård\n\n“Quoted” text – with an en dash.\n",
        subject="Continuity of carer – a request",
        to=[("Ms Ødegård", "o@example.org")],
    )
    message = email.message_from_bytes(data, policy=policy.default)
    assert message["Subject"] == "Continuity of carer – a request"
    assert message["To"] == "Ms Ødegård <o@example.org>"
    body = message.get_body()
    assert body is not None and "“Quoted” text – with an en dash." in body.get_content()
