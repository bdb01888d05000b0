"""Registries built to break the loader end in a located error (exit 2 or 3), never exit 70 or
exhausted memory. Every registry here is synthetic test data."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.support.registries import MINIMAL_REGISTRY


def _output(result: Result) -> str:
    return result.stdout + result.stderr


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("version: 1\n? [a]\n: 1\ntrusts: []\n", ":2:3"),
        ("version: 1\ntrusts: []\n{a: 1}: 2\n", ":3:1"),
        ("version: 1\ntrusts:\n  - ? {id: x}\n    : 1\n", ":3:7"),
    ],
    ids=["list-key", "mapping-key", "nested"],
)
def test_a_complex_key_is_a_located_problem(
    run: Callable[..., Result], write_registry: Callable[[str], Path], text: str, where: str
) -> None:
    result = run("-r", str(write_registry(text)), "validate")
    assert result.exit_code == 3, _output(result)
    assert f"trusts.yaml{where}: a key must be a plain word" in _output(result)


@pytest.mark.parametrize(
    "number", ["9" * 5000, "-" + "9" * 5000, "0x" + "f" * 5000, "0b" + "1" * 20000, "9" * 61]
)
def test_a_number_with_thousands_of_digits_is_a_located_problem(
    run: Callable[..., Result], write_registry: Callable[[str], Path], number: str
) -> None:
    text = MINIMAL_REGISTRY.replace("percent: 17.2", f"percent: {number}")
    result = run("-r", str(write_registry(text)), "check", "--all")
    assert result.exit_code == 3, _output(result)
    assert "far too many digits" in _output(result)
    assert "internal error" not in _output(result)


def test_a_long_value_is_quoted_short_in_the_message(
    run: Callable[..., Result], write_registry: Callable[[str], Path]
) -> None:
    text = MINIMAL_REGISTRY.replace("percent: 17.2", f"percent: {'9' * 60}")
    text = text.replace("region: South West", f'region: "{"x" * 100_000}\\n"')
    result = run("-r", str(write_registry(text)), "validate")
    assert result.exit_code == 3
    assert "must be at most 100" in _output(result)
    assert len(_output(result)) < 2000
    assert "characters)" in _output(result)


def test_a_registry_over_the_size_cap_exits_3_naming_the_cap_and_how_to_raise_it(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:  # 200 MB, sparse: nothing is really written
        handle.truncate(200 * 1024 * 1024)
    result = run("-r", str(huge), "check", "--all")
    assert result.exit_code == 3, _output(result)
    assert "larger than 64 MB (200 MB)" in result.stderr
    assert "COCWATCH_MAX_REGISTRY_MB" in result.stderr


def test_the_cap_can_be_raised_and_lowered(
    run: Callable[..., Result], minimal_registry: Path
) -> None:
    assert run("-r", str(minimal_registry), "validate").exit_code == 0
    small = {"COCWATCH_MAX_REGISTRY_MB": "0.0001"}
    result = run("-r", str(minimal_registry), "validate", env=small)
    assert result.exit_code == 3
    assert "larger than 0 MB" in result.stderr
    raised = {"COCWATCH_MAX_REGISTRY_MB": "500"}
    assert run("-r", str(minimal_registry), "validate", env=raised).exit_code == 0
    bad = run("-r", str(minimal_registry), "validate", env={"COCWATCH_MAX_REGISTRY_MB": "lots"})
    assert bad.exit_code == 2
    assert "COCWATCH_MAX_REGISTRY_MB" in bad.stderr


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("option", ["-r", "--config"])
def test_an_endless_file_is_refused_at_the_cap(run: Callable[..., Result], option: str) -> None:
    result = run(option, "/dev/zero", "validate", env={"COCWATCH_MAX_REGISTRY_MB": "1"})
    assert result.exit_code == 3, _output(result)
    assert "larger than 1 MB" in result.stderr


def test_record_refuses_to_edit_a_registry_over_the_cap(
    run: Callable[..., Result], minimal_registry: Path
) -> None:
    before = minimal_registry.read_bytes()
    result = run(
        "-r", str(minimal_registry), "record", "figure", "example-south", "--percent", "20",
        "--as-of", "2025-03-31", "--source-url", "https://example.org/synthetic",
        env={"COCWATCH_MAX_REGISTRY_MB": "0.0001"},
    )  # fmt: skip
    assert result.exit_code == 3
    assert minimal_registry.read_bytes() == before


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf"])
def test_record_percent_that_is_not_a_number_is_a_usage_error(
    run: Callable[..., Result], minimal_registry: Path, value: str
) -> None:
    before = minimal_registry.read_bytes()
    result = run(
        "-r", str(minimal_registry), "record", "figure", "example-south", f"--percent={value}",
        "--as-of", "2025-03-31", "--source-url", "https://example.org/synthetic",
    )  # fmt: skip
    assert result.exit_code == 2, _output(result)
    assert "--percent must be a number from 0 to 100" in result.stderr
    assert "layout this tool does not edit" not in result.stderr
    assert minimal_registry.read_bytes() == before


def test_huge_registry_cap_message_uses_the_real_size(tmp_path: Path) -> None:
    from cocwatch.errors import InputError
    from cocwatch.registry import read_bytes

    path = tmp_path / "r.yaml"
    path.write_bytes(b"x" * 2048)
    os.environ["COCWATCH_MAX_REGISTRY_MB"] = "0.001"
    try:
        with pytest.raises(InputError, match="larger than 0 MB"):
            read_bytes(path, what="registry")
    finally:
        del os.environ["COCWATCH_MAX_REGISTRY_MB"]


@pytest.mark.parametrize("tagged", ["!!bool nope", "!!float nope", "!!int worse"])
def test_a_tagged_value_that_cannot_be_read_is_a_located_problem(
    run: Callable[..., Result], write_registry: Callable[[str], Path], tagged: str
) -> None:
    text = MINIMAL_REGISTRY.replace("region: South West", f"region: {tagged}")
    result = run("-r", str(write_registry(text)), "validate")
    assert result.exit_code == 3, _output(result)
    tag = tagged.split()[0]
    assert f"trusts.yaml:25:13: this value is marked with the tag {tag}" in _output(result)
    assert "far too many digits" not in _output(result)
    assert "internal error" not in _output(result)


@pytest.mark.parametrize("value", ["!!timestamp nope", '!!timestamp ""', "!!timestamp 2024-13-45x"])
def test_a_tagged_date_that_is_no_date_is_a_located_problem(
    run: Callable[..., Result], write_registry: Callable[[str], Path], value: str
) -> None:
    text = MINIMAL_REGISTRY.replace("as_of: 2024-03-31", f"as_of: {value}")
    result = run("-r", str(write_registry(text)), "validate")
    assert result.exit_code == 3, _output(result)
    assert "trusts.yaml:20:" in _output(result) and "not a real date" in _output(result)


def test_a_tagged_date_in_the_config_and_the_log_is_bad_input(
    run: Callable[..., Result], minimal_registry: Path, tmp_path: Path
) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("sender:\n  name: !!timestamp nope\n", encoding="utf-8")
    result = run("--config", str(config), "-r", str(minimal_registry), "config", "show")
    assert result.exit_code in (0, 3), _output(result)
    assert "internal error" not in _output(result)
    log = tmp_path / "log.yaml"
    log.write_text(
        "version: 1\nletters:\n  - {trust: example-north, kind: foi, sent_on: !!timestamp ''}\n",
        encoding="utf-8",
    )
    result = run("-r", str(minimal_registry), "due", "--log", str(log))
    assert result.exit_code == 3, _output(result)
    assert "log.yaml:3:" in _output(result) and "internal error" not in _output(result)


def _laughs(levels: int) -> str:
    """A "billion laughs": each level an alias list of nine of the level before."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("key", ["trusts", "national"])
def test_a_billion_laughs_fails_fast_with_exit_3(
    run: Callable[..., Result], write_registry: Callable[[str], Path], key: str
) -> None:
    text = "version: 1\n" + _laughs(9) + f"{key}: *a9\n"
    started = time.process_time()  # CPU time: holds however busy the machine is
    result = run("-r", str(write_registry(text)), "validate")
    assert time.process_time() - started < 5
    assert result.exit_code == 3, _output(result)
    assert "anchors and aliases" in _output(result)
    assert "trusts.yaml:8:" in _output(result)  # a6, the first level past the limit


def test_a_few_aliases_still_load(
    run: Callable[..., Result], write_registry: Callable[[str], Path]
) -> None:
    text = MINIMAL_REGISTRY.replace(
        "source: {url: https://example.org/msds, kind: msds}",
        "source: &msds {url: https://example.org/msds, kind: msds}",
    ).replace("region: South West", "region: South West\n    figures:\n      - {cohort: all, "
              "percent: 3, as_of: 2024-03-31, source: *msds}")  # fmt: skip
    result = run("-r", str(write_registry(text)), "validate")
    assert result.exit_code == 0, _output(result)


@pytest.mark.parametrize(
    ("error", "words"), [(MemoryError, "out of memory"), (RecursionError, "nests")]
)
def test_running_out_of_memory_or_stack_is_bad_input_in_words(
    run: Callable[..., Result],
    minimal_registry: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: type[Exception],
    words: str,
) -> None:
    def exhausted(*args: object, **kwargs: object) -> object:
        raise error()

    monkeypatch.setattr("cocwatch.registry.load.load_yaml", exhausted)
    result = run("-r", str(minimal_registry), "validate")
    assert result.exit_code == 3, _output(result)
    assert words in result.stderr and "internal error" not in result.stderr


def test_a_block_that_contains_itself_is_a_located_problem(
    run: Callable[..., Result], write_registry: Callable[[str], Path]
) -> None:
    text = MINIMAL_REGISTRY.replace("region: South West", "region: South West\n    x: &a [*a]")
    result = run("-r", str(write_registry(text)), "validate")
    assert result.exit_code == 3, _output(result)
    assert "put a block inside itself" in _output(result)
