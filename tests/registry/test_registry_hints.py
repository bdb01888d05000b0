"""Registry mistakes explained in words a volunteer can act on: misspelt keys, tabs, UTF-16."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.errors import RegistryError
from cocwatch.registry import parse_registry, parse_registry_bytes
from tests.support.registries import MINIMAL_REGISTRY

Run = Callable[..., Result]


def _problems(text: str) -> list[str]:
    from datetime import date

    with pytest.raises(RegistryError) as caught:
        parse_registry(textwrap.dedent(text), "trusts.yaml", today=date(2026, 11, 23))
    return [p.describe("trusts.yaml") for p in caught.value.problems]


def test_a_misspelt_required_key_gets_did_you_mean() -> None:
    problems = _problems(
        """\
        version: 1
        trusts:
          - id: example-north
            ods: XX1
            name: Example North NHS Trust (synthetic)
            region: North East and Yorkshire
            figures:
              - cohort: all
                percnt: 17.2
                as_of: 2024-03-31
                source: {url: https://example.org/msds, kind: msds}
        """
    )
    assert any(
        "trusts.yaml:9:9" in p and "unknown key 'percnt'. Did you mean 'percent'?" in p
        for p in problems
    ), problems
    assert any("a figure needs a percent" in p for p in problems)


@pytest.mark.parametrize(
    ("wrong", "right", "line"),
    [("nmae", "name", 5), ("regoin", "region", 6), ("as_off", "as_of", 10)],
)
def test_every_unknown_key_near_a_known_one_gets_the_hint(
    wrong: str, right: str, line: int
) -> None:
    text = """\
        version: 1
        trusts:
          - id: example-north
            ods: XX1
            name: Example North NHS Trust (synthetic)
            region: North East and Yorkshire
            figures:
              - cohort: all
                percent: 17.2
                as_of: 2024-03-31
                source: {url: https://example.org/msds, kind: msds}
        """
    broken = textwrap.dedent(text).splitlines()
    broken[line - 1] = broken[line - 1].replace(f"{right}:", f"{wrong}:")
    problems = _problems("\n".join(broken) + "\n")
    assert any(
        f"trusts.yaml:{line}:" in p and f"unknown key '{wrong}'. Did you mean '{right}'?" in p
        for p in problems
    ), problems


def test_an_unknown_key_is_reported_once() -> None:
    problems = _problems(
        MINIMAL_REGISTRY.replace("    region: South West", "    regoin: South West")
    )
    assert sum("unknown key 'regoin'" in p for p in problems) == 1


@pytest.mark.parametrize(
    "text",
    [
        "version: 1\ntrusts:\n  - id: a\n\tods: XX1\n",  # a tab among the spaces
        "version: 1\ntrusts:\n\t- id: a\n",  # a tab alone (PyYAML: "cannot start any token")
    ],
)
def test_a_tab_is_called_a_tab(text: str) -> None:
    (problem,) = _problems(text)
    assert "a tab character" in problem and "spaces" in problem
    assert problem.startswith(f"trusts.yaml:{text.count(chr(10), 0, text.index(chr(9))) + 1}:1")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_file_is_named_as_such(run: Run, tmp_path: Path, encoding: str) -> None:
    from datetime import date

    data = MINIMAL_REGISTRY.encode(encoding)
    with pytest.raises(RegistryError) as caught:
        parse_registry_bytes(data, "trusts.yaml", today=date(2026, 11, 23))
    assert "UTF-16" in caught.value.problems[0].message
    path = tmp_path / "trusts.yaml"
    path.write_bytes(data)
    result = run("validate", "-r", str(path))
    assert result.exit_code == 3
    assert "saved as UTF-16" in result.output and "UTF-8" in result.output
    assert "binary" not in result.output


def test_real_binary_data_is_still_called_binary(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "trusts.yaml"
    path.write_bytes(bytes(range(256)) * 4)
    result = run("validate", "-r", str(path))
    assert result.exit_code == 3
    assert "binary data" in result.output


def _broken(line_number: int, replacement: str) -> str:
    """The minimal registry with one line replaced."""
    lines = MINIMAL_REGISTRY.splitlines()
    lines[line_number - 1] = replacement
    return "\n".join(lines) + "\n"


def _line_of(text: str, starts: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith(starts))


def test_an_unquoted_colon_in_a_value_is_explained_at_its_line() -> None:
    n = _line_of(MINIMAL_REGISTRY, "name: Example South")
    text = _broken(n, MINIMAL_REGISTRY.splitlines()[n - 1] + ": the south")
    (problem,) = _problems(text)
    assert problem.startswith(f"trusts.yaml:{n}:")
    assert "contains ': '" in problem and "Put the whole value in double quotes" in problem
    assert 'name: "Example South' in problem and "mapping values" not in problem


def test_an_indentation_mistake_is_reported_at_its_own_line() -> None:
    text = MINIMAL_REGISTRY
    n = _line_of(text, "region:")
    lines = text.splitlines()
    lines[n - 1] = lines[n - 1][1:]  # one space less than the keys around it
    (problem,) = _problems("\n".join(lines) + "\n")
    assert problem.startswith(f"trusts.yaml:{n}:")
    assert "part that starts" not in problem
    assert "matches no block above it" in problem
