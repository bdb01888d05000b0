"""A letter template cannot hold a run for ever or fill the memory: a render deadline and an
output cap end it with exit 3 naming the template. Registries and templates are synthetic."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from cocwatch.templating import sandbox
from tests.letters.test_letters_templating import render, write_template

Run = Callable[..., Result]
REST = "recipient: chief_executive\nscope: trust\ndescription: D\n---\n"


@pytest.mark.parametrize(
    "body",
    [
        "{{ 'a' * 10**9 }}",
        "{{ 10**9 * 'a' }}",
        "{% set x = ['a'] * 10**9 %}{{ x|length }}",
        "{{ 2 ** 99999999 }}",
        "{{ 'a'.center(10**9) }}",
        "{{ 'a'|center(10**9) }}",
        "{{ 'a'.zfill(10**9) }}",
        "{{ '%999999999s' % 'a' }}",
        "{{ '{:>999999999}'.format('a') }}",
        "{{ '%999999999s'|format('a') }}",
        "{% for i in range(99999) %}{% for j in range(99999) %}{{ 'ab' * 50 }}{% endfor %}"
        "{% endfor %}",
    ],
)
def test_templates_asking_for_too_much_text_exit_3_naming_the_template(
    run: Run, registry: Path, user_dir: Path, body: str
) -> None:
    path = write_template(user_dir, "greedy", body + "\n")
    started = time.monotonic()
    result = render(run, registry, user_dir, "greedy")
    assert result.exit_code == 3, result.stderr
    assert str(path) in result.stderr
    assert "too much text" in result.stderr or "too large" in result.stderr
    assert time.monotonic() - started < 30


def test_a_loop_that_runs_for_ever_meets_the_render_deadline(
    run: Run, registry: Path, user_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "RENDER_DEADLINE_SECONDS", 1.0)
    path = write_template(
        user_dir,
        "forever",
        "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}\n",
    )
    started = time.monotonic()
    result = render(run, registry, user_dir, "forever")
    elapsed = time.monotonic() - started
    assert result.exit_code == 3, result.stderr
    assert f"The letter template {path} was still rendering after 1 s" in result.stderr
    assert elapsed < 10


def test_ordinary_arithmetic_and_padding_still_work(
    run: Run, registry: Path, user_dir: Path
) -> None:
    write_template(
        user_dir,
        "modest",
        "{{ 'ab' * 3 }} {{ 2 ** 10 }} {{ '%5s' % 'x' }} {{ 'y'.center(5) }}|"
        "{{ 'z'|center(3) }}|{{ '{:>4}'.format('w') }} {{ 3 * 4 }} {{ 7 % 3 }}\n",
    )
    result = render(run, registry, user_dir, "modest")
    assert result.exit_code == 0, result.stderr
    assert "ababab 1024     x   y  | z |   w 12 1" in result.stdout


def test_the_built_in_letters_render_within_the_limits(run: Run, registry: Path) -> None:
    for name in ("board", "mnvp", "foi"):
        result = run("-r", str(registry), "letter", name, "synth-alpha")
        assert result.exit_code == 0, (name, result.stderr)


@pytest.mark.parametrize(
    "front",
    [
        f"---\ntitle: {'9' * 5000}\n{REST}",
        f"---\n? [a]\n: 1\ntitle: T\n{REST}",
    ],
    ids=["huge-number", "complex-key"],
)
def test_hostile_front_matter_is_bad_input(
    run: Run, registry: Path, user_dir: Path, front: str
) -> None:
    path = write_template(user_dir, "odd", "Hello\n", front=front)
    result = render(run, registry, user_dir, "odd")
    assert result.exit_code == 3, result.stderr
    assert f"The letter template {path}" in result.stderr
    assert "front matter" in result.stderr


@pytest.mark.parametrize(
    "body",
    [
        "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}",
        "{% for x in [1] %}" * 500 + "x" + "{% endfor %}" * 500,
        "{% if true %}" * 2000 + "x" + "{% endif %}" * 2000,
    ],
    ids=["parentheses", "for", "if"],
)
def test_a_template_nested_thousands_deep_is_bad_input(
    run: Run, registry: Path, user_dir: Path, body: str
) -> None:
    path = write_template(user_dir, "deep", body + "\n")
    result = render(run, registry, user_dir, "deep")
    assert result.exit_code == 3, result.stderr
    assert f"The letter template {path} nests" in result.stderr


def test_a_tagged_date_in_front_matter_is_text_not_a_crash(
    run: Run, registry: Path, user_dir: Path
) -> None:
    write_template(user_dir, "odd", "Hello\n", front=f"---\ntitle: !!timestamp nope\n{REST}")
    result = render(run, registry, user_dir, "odd")
    assert result.exit_code == 0, result.stderr


def test_aliases_in_front_matter_are_bounded(run: Run, registry: Path, user_dir: Path) -> None:
    laughs = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n" for n in range(1, 10)
    )
    path = write_template(user_dir, "laughs", "Hello\n", front=f"---\n{laughs}title: T\n{REST}")
    result = render(run, registry, user_dir, "laughs")
    assert result.exit_code == 3, result.stderr
    assert f"The letter template {path}" in result.stderr


def test_a_filter_over_a_huge_text_is_refused_quickly(
    run: Run, registry: Path, user_dir: Path
) -> None:
    write_template(user_dir, "wrap", "{{ ('a ' * 2000000)|wordwrap(1) }}\n")
    started = time.process_time()  # CPU time: holds however busy the machine is
    result = render(run, registry, user_dir, "wrap")
    assert result.exit_code == 3, result.stderr
    assert "wrapping 4,000,000 characters" in result.stderr
    assert time.process_time() - started < 5


def test_a_loop_doubling_a_text_stops_at_the_memory_cap(
    run: Run, registry: Path, user_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    monkeypatch.setattr(sandbox, "RENDER_MEMORY_BYTES", 64 * 1024 * 1024)  # 1 GB, scaled down
    body = (
        "{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"
    )
    write_template(user_dir, "doubling", body + "\n")
    result = render(run, registry, user_dir, "doubling")
    assert result.exit_code == 3, result.stderr
    assert "more memory than any letter needs" in result.stderr
    assert resource.getrlimit(resource.RLIMIT_AS) == before  # the cap is lifted after


@pytest.mark.parametrize(
    "body",
    [
        "{{ '{:>999999999}'.format('a') }}",
        "{{ '{0:>9999999}'.format_map({}) }}",
        "{{ '{}{}'.format('%99999999s', 'a') }}",
    ],
)
def test_a_huge_format_width_is_refused_before_any_text_is_made(tmp_path: Path, body: str) -> None:
    """The width in a format string is seen before the string is made: a memory cap far
    below the text asked for still gives the template's own error, never MemoryError."""
    env = sandbox.make_environment(tmp_path, None)
    template = env.from_string(body)
    with sandbox.render_memory_cap(64 * 1024 * 1024), pytest.raises(sandbox.TooBig):
        template.render()
