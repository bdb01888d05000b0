"""Loading registries: every kind of bad input exits 3 with file and line, never a traceback.

All registries here are synthetic test data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.core.models import Figure, Plan, Registry
from cocwatch.errors import RegistryError
from cocwatch.registry import parse_registry
from tests.support.registries import MINIMAL_REGISTRY

TODAY = date(2026, 11, 23)

TRUST = """\
version: 1
trusts:
  - id: example-north
    ods: XX1
    name: Example North NHS Trust (synthetic)
    region: North
"""


def _with_figure(lines: str) -> str:
    return (
        TRUST + "    figures:\n" + "\n".join("      " + line for line in lines.splitlines()) + "\n"
    )


# (name, registry text, expected line, words expected in the message)
BAD_REGISTRIES: list[tuple[str, str, int, str]] = [
    ("yaml syntax", TRUST + "    notes: [unclosed\n", 8, "starts on line 7"),
    ("tab indentation", TRUST.replace("    region: North", "\tregion: North"), 6, "tab"),
    ("duplicate key", TRUST + "    name: Again\n", 7, "appears twice"),
    ("unknown key", TRUST + "    regoin: North\n", 7, "Did you mean 'region'"),
    ("wrong type", TRUST + "    figures: 12\n", 7, "must be a list"),
    (
        "impossible date",
        _with_figure("- percent: 10\n  as_of: 2024-02-30\n  source: {url: https://example.org/a}"),
        9,
        "not a real date",
    ),
    (
        "percent above 100",
        _with_figure("- percent: 120\n  as_of: 2024-02-01\n  source: {url: https://example.org/a}"),
        8,
        "at most 100",
    ),
    (
        "negative percent",
        _with_figure("- percent: -1\n  as_of: 2024-02-01\n  source: {url: https://example.org/a}"),
        8,
        "at least 0",
    ),
    (
        "duplicate id",
        TRUST + "  - id: example-north\n    ods: XX2\n    name: Other\n    region: North\n",
        7,
        "used twice",
    ),
    (
        "duplicate ODS code",
        TRUST + "  - id: other\n    ods: xx1\n    name: Other\n    region: North\n",
        8,
        "ODS code",
    ),
    (
        "unknown successor",
        TRUST + "    closed_on: 2024-01-01\n    successor: nowhere\n",
        8,
        "successor",
    ),
    (
        "numerator above denominator",
        _with_figure(
            "- numerator: 50\n  denominator: 10\n  as_of: 2024-02-01\n"
            "  source: {url: https://example.org/a}"
        ),
        8,
        "larger than denominator",
    ),
    ("figure without a source", _with_figure("- percent: 10\n  as_of: 2024-02-01"), 8, "source"),
    (
        "source without url or title",
        _with_figure("- percent: 10\n  as_of: 2024-02-01\n  source: {kind: msds}"),
        10,
        "url or a title",
    ),
    (
        "python tag",
        TRUST + "    notes: !!python/object/apply:os.system ['touch /tmp/cocwatch-pwned']\n",
        7,
        "not allowed",
    ),
    ("empty file", "", 1, "empty"),
    ("top-level list", "- id: a\n- id: b\n", 1, "a list"),
    (
        "figure far in the future",
        _with_figure("- percent: 10\n  as_of: 2099-01-01\n  source: {url: https://example.org/a}"),
        9,
        "future",
    ),
    (
        "figure before 2010",
        _with_figure("- percent: 10\n  as_of: 2001-01-01\n  source: {url: https://example.org/a}"),
        9,
        "before 2010",
    ),
    ("bad id", TRUST.replace("id: example-north", "id: Example North"), 3, "lowercase"),
    ("bad url", TRUST + "    website: www.example.org\n", 7, "http"),
    ("wrong version", TRUST.replace("version: 1", "version: 2"), 1, "version"),
]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [pytest.param(t, line, w, id=name) for name, t, line, w in BAD_REGISTRIES],
)
def test_bad_registry_exits_3_naming_file_and_line(
    run: Callable[..., Result],
    write_registry: Callable[[str], Path],
    text: str,
    line: int,
    words: str,
) -> None:
    path = write_registry(text)
    for command in (["validate"], ["trusts"], ["show", "example-north"]):
        result = run("--registry", str(path), *command)
        assert result.exit_code == 3, (command, result.stdout, result.stderr)
        output = result.stdout + result.stderr
        assert f"{path}:{line}" in output, output
        assert words.lower() in output.lower(), output
        assert "Traceback" not in output


def test_binary_file_exits_3(run: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "trusts.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    result = run("--registry", str(path), "validate")
    assert result.exit_code == 3
    assert f"{path}:1" in result.stdout
    assert "not a text file" in result.stdout


def test_python_tag_is_never_executed(
    run: Callable[..., Result], write_registry: Callable[[str], Path], tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    path = write_registry(
        TRUST + f"    notes: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    result = run("--registry", str(path), "validate")
    assert result.exit_code == 3
    assert not marker.exists()


def test_every_problem_is_reported_at_once(
    run: Callable[..., Result], write_registry: Callable[[str], Path]
) -> None:
    text = (
        TRUST
        + "    regoin: x\n"
        + "    figures:\n      - {percent: 200, as_of: 2024-01-01, source: {url: https://e.org}}\n"
        + "  - id: example-north\n    ods: XX9\n    name: Twin\n    region: North\n"
    )
    result = run("--registry", str(write_registry(text)), "validate", "--format", "json")
    assert result.exit_code == 3
    import json

    report = json.loads(result.stdout)
    messages = " | ".join(p["message"] for p in report["problems"])
    assert len(report["problems"]) == 3, messages
    assert "regoin" in messages and "at most 100" in messages and "used" in messages
    assert {p["trust"] for p in report["problems"]} == {"example-north"}


def test_missing_registry_file_exits_3(run: Callable[..., Result], tmp_path: Path) -> None:
    result = run("--registry", str(tmp_path / "nope.yaml"), "validate")
    assert result.exit_code == 3
    assert "does not exist" in result.stderr + result.stdout


def test_valid_registry_loads_with_defaults() -> None:
    registry = parse_registry(MINIMAL_REGISTRY, "test.yaml", today=TODAY)
    assert isinstance(registry, Registry)
    trust = registry.trusts[0]
    figure = trust.figures[0]
    assert figure.measure == "placed_by_28_weeks"
    assert figure.provisional is False
    assert figure.quality == "unknown"
    assert trust.plan is None
    assert registry.trusts[1].figures == ()


@pytest.mark.parametrize(
    ("value", "expected"), [(True, "yes"), (False, "no"), ("yes", "yes"), ("Unknown", "unknown")]
)
def test_coproduced_accepts_yaml_booleans(value: object, expected: str) -> None:
    assert Plan.model_validate({"status": "active", "coproduced": value}).coproduced == expected


def test_percent_is_derived_from_numerator_and_denominator() -> None:
    figure = Figure.model_validate(
        {
            "numerator": 45,
            "denominator": 300,
            "as_of": "2024-03-31",
            "source": {"title": "FOI reply"},
        }
    )
    assert figure.percent == 15.0


def test_numeric_ods_code_is_read_as_text() -> None:
    registry = parse_registry(
        "version: 1\ntrusts:\n  - {id: a, ods: 123, name: A, region: R}\n", "t.yaml", today=TODAY
    )
    assert registry.trusts[0].ods == "123"


def test_registry_error_lists_problems_in_line_order() -> None:
    text = TRUST + "    zzz: 1\n    aaa: 2\n"
    with pytest.raises(RegistryError) as caught:
        parse_registry(text, "t.yaml", today=TODAY)
    lines = [p.line for p in caught.value.problems]
    assert lines == sorted(lines) == [7, 8]


def test_ods_code_may_be_any_word_without_spaces() -> None:
    registry = parse_registry(
        "version: 1\ntrusts:\n  - {id: a, ods: X1, name: A, region: R}\n", "t.yaml", today=TODAY
    )
    assert registry.trusts[0].ods == "X1"
    with pytest.raises(RegistryError) as caught:
        parse_registry(
            "version: 1\ntrusts:\n  - {id: a, ods: X 1, name: A, region: R}\n",
            "t.yaml",
            today=TODAY,
        )
    assert "without spaces" in str(caught.value)


@pytest.mark.parametrize(
    "written", ["requires_improvement", "Requires improvement", "requires-improvement"]
)
def test_inspection_rating_accepts_the_words_as_written(written: str) -> None:
    text = (
        "version: 1\ntrusts:\n  - id: a\n    ods: X1\n    name: A\n    region: R\n"
        f"    inspections:\n      - {{date: 2023-05-01, rating: {written}}}\n"
    )
    registry = parse_registry(text, "t.yaml", today=TODAY)
    assert registry.trusts[0].inspections[0].rating == "requires_improvement"
