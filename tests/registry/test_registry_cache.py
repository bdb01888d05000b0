"""The parsed-registry cache: hits, misses, equivalence with the YAML path, robustness.

Every registry here is synthetic test data (example.org sources, invented Trusts), apart
from the shipped registry and the fictional demo, which are only read.
"""

from __future__ import annotations

import json
import os
import textwrap
import types
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from typer.testing import Result

from cocwatch.cache import parsed as registry_cache
from cocwatch.core import models
from cocwatch.core.models import Registry
from cocwatch.errors import RegistryError
from cocwatch.locations import shipped_registry
from cocwatch.registry import load as registry_module
from cocwatch.registry import load_registry, parse_registry, parse_yaml
from tests.support.paths import ROOT
from tests.support.registries import MINIMAL_REGISTRY

TODAY = date(2026, 11, 23)
REPO = ROOT
DEMO = REPO / "examples" / "demo.yaml"


class YamlCalls:
    """Counts the YAML parses behind registry loads; can forbid them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self.forbidden = False
        original = registry_module.load_yaml

        def counting(text: str, source: str) -> tuple[Any, list[Any], bool]:
            if self.forbidden:
                raise AssertionError("the YAML was parsed, but the cache should have served it")
            self.count += 1
            return original(text, source)

        monkeypatch.setattr(registry_module, "load_yaml", counting)


@pytest.fixture
def yaml_calls(monkeypatch: pytest.MonkeyPatch) -> YamlCalls:
    return YamlCalls(monkeypatch)


def parsed_dir() -> Path:
    return Path(os.environ["COCWATCH_CACHE_DIR"]) / "parsed"


def entries() -> list[Path]:
    folder = parsed_dir()
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def entry_path(path: Path) -> Path:
    entry = registry_cache.entry_for(path.read_bytes())
    assert entry is not None
    return entry.path


def load_twice(
    path: Path, yaml_calls: YamlCalls, *, today: date = TODAY
) -> tuple[Registry, Registry]:
    """Load cold (storing), then warm with YAML parsing forbidden; return both registries."""
    cold = load_registry(str(path), today=today).registry
    assert entry_path(path).is_file(), "the first load should have stored a cache entry"
    yaml_calls.forbidden = True
    try:
        warm = load_registry(str(path), today=today).registry
    finally:
        yaml_calls.forbidden = False
    return cold, warm


# --- hits and misses -------------------------------------------------------------------------


def test_second_load_is_served_from_the_cache(
    minimal_registry: Path, yaml_calls: YamlCalls
) -> None:
    cold, warm = load_twice(minimal_registry, yaml_calls)
    assert yaml_calls.count == 1
    assert warm == cold
    assert warm.trusts[0].figures[0].percent == 17.2
    assert len(entries()) == 1


def test_cli_commands_use_the_cache_and_print_nothing_about_it(
    run: Callable[..., Result], minimal_registry: Path, yaml_calls: YamlCalls
) -> None:
    first = run("-r", str(minimal_registry), "trusts", "--format", "json")
    assert first.exit_code == 0, first.stderr
    yaml_calls.forbidden = True
    second = run("-r", str(minimal_registry), "trusts", "--format", "json")
    assert second.exit_code == 0, second.stderr
    assert second.stdout == first.stdout
    assert second.stderr == first.stderr == ""


def test_editing_one_byte_misses_the_cache(minimal_registry: Path, yaml_calls: YamlCalls) -> None:
    load_registry(str(minimal_registry), today=TODAY)
    text = minimal_registry.read_text("utf-8")
    minimal_registry.write_text(text.replace("percent: 17.2", "percent: 17.3"), "utf-8")
    edited = load_registry(str(minimal_registry), today=TODAY).registry
    assert yaml_calls.count == 2
    assert edited.trusts[0].figures[0].percent == 17.3
    assert len(entries()) == 2


def test_a_changed_comment_alone_misses_the_cache(
    minimal_registry: Path, yaml_calls: YamlCalls
) -> None:
    load_registry(str(minimal_registry), today=TODAY)
    minimal_registry.write_bytes(minimal_registry.read_bytes() + b"# x\n")
    load_registry(str(minimal_registry), today=TODAY)
    assert yaml_calls.count == 2


def test_the_key_covers_cocwatch_version_and_cache_format(
    minimal_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = minimal_registry.read_bytes()
    before = registry_cache.entry_for(data)
    monkeypatch.setattr(registry_cache, "FORMAT", registry_cache.FORMAT + 1)
    new_format = registry_cache.entry_for(data)
    monkeypatch.setattr(registry_cache, "__version__", "999.0")
    new_version = registry_cache.entry_for(data)
    assert before and new_format and new_version
    assert len({before.path, new_format.path, new_version.path}) == 3
    assert before.path.parent == parsed_dir()


def test_no_cache_switch_bypasses_the_cache(
    minimal_registry: Path, yaml_calls: YamlCalls, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COCWATCH_NO_CACHE", "1")
    load_registry(str(minimal_registry), today=TODAY)
    load_registry(str(minimal_registry), today=TODAY)
    assert yaml_calls.count == 2
    assert not parsed_dir().exists()
    monkeypatch.setenv("COCWATCH_NO_CACHE", "0")
    load_registry(str(minimal_registry), today=TODAY)
    load_registry(str(minimal_registry), today=TODAY)
    assert yaml_calls.count == 3


def test_no_cache_switch_ignores_an_existing_entry(
    minimal_registry: Path, yaml_calls: YamlCalls, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_registry(str(minimal_registry), today=TODAY)
    monkeypatch.setenv("COCWATCH_NO_CACHE", "1")
    load_registry(str(minimal_registry), today=TODAY)
    assert yaml_calls.count == 2


def test_url_registry_is_served_from_the_cache(yaml_calls: YamlCalls) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=MINIMAL_REGISTRY.encode())

    url = "https://example.org/synthetic/trusts.yaml"
    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        cold = load_registry(url, today=TODAY, warn=pytest.fail, http=client)
        yaml_calls.forbidden = True
        warm = load_registry(url, today=TODAY, warn=pytest.fail, http=client)
    assert warm.registry == cold.registry
    assert (warm.source, warm.path) == (cold.source, cold.path)
    assert len(entries()) == 1


def test_a_local_copy_of_a_url_registry_shares_its_entry(
    minimal_registry: Path, yaml_calls: YamlCalls
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=minimal_registry.read_bytes())

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        load_registry("https://example.org/t.yaml", today=TODAY, warn=pytest.fail, http=client)
    yaml_calls.forbidden = True
    load_registry(str(minimal_registry), today=TODAY)


# --- only good registries are stored; messages are the same with or without the cache --------


def test_a_registry_with_problems_is_not_stored(
    write_registry: Callable[..., Path], yaml_calls: YamlCalls
) -> None:
    path = write_registry(MINIMAL_REGISTRY.replace("percent: 17.2", "percent: 117.2"))
    for _ in range(2):
        with pytest.raises(RegistryError, match="percentages run from 0 to 100"):
            load_registry(str(path), today=TODAY)
    assert yaml_calls.count == 2
    assert entries() == []


def test_duplicate_keys_are_never_stored(write_registry: Callable[..., Path]) -> None:
    path = write_registry(
        MINIMAL_REGISTRY.replace("    ods: XX2\n", "    ods: XX2\n    ods: XX3\n")
    )
    with pytest.raises(RegistryError, match="appears twice"):
        load_registry(str(path), today=TODAY)
    assert entries() == []


FUTURE_FIGURE = (
    MINIMAL_REGISTRY
    + """\
    figures:
      - {cohort: all, percent: 20.5, as_of: 2027-06-01, source: {title: Synthetic board paper}}
"""
)


def test_date_invariants_are_checked_again_on_a_hit(
    write_registry: Callable[..., Path], yaml_calls: YamlCalls, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_registry(FUTURE_FIGURE)
    load_twice(path, yaml_calls, today=date(2026, 11, 23))  # within a year: fine, and stored
    with pytest.raises(RegistryError) as cached:
        load_registry(str(path), today=date(2026, 1, 1))
    assert entry_path(path).is_file(), "a failing day must not remove the entry"
    monkeypatch.setenv("COCWATCH_NO_CACHE", "1")
    with pytest.raises(RegistryError) as uncached:
        load_registry(str(path), today=date(2026, 1, 1))
    assert str(cached.value) == str(uncached.value)
    line = next(n for n, t in enumerate(FUTURE_FIGURE.splitlines(), 1) if "2027-06-01" in t)
    assert f"{path}:{line}:" in str(cached.value)
    assert "figure date 2027-06-01 is too far in the future" in str(cached.value)
    assert "example-south" in str(cached.value)


def test_date_invariants_on_a_hit_through_the_cli(
    run: Callable[..., Result], write_registry: Callable[..., Path]
) -> None:
    path = write_registry(FUTURE_FIGURE)
    assert run("-r", str(path), "validate").exit_code == 0
    assert entry_path(path).is_file()
    cached = run("-r", str(path), "validate", env={"COCWATCH_TODAY": "2026-01-01"})
    uncached = run(
        "-r", str(path), "validate", env={"COCWATCH_TODAY": "2026-01-01", "COCWATCH_NO_CACHE": "1"}
    )
    assert cached.exit_code == uncached.exit_code == 3
    assert (cached.stdout, cached.stderr) == (uncached.stdout, uncached.stderr)
    assert "figure date 2027-06-01 is too far in the future" in cached.stdout


# --- a broken cache is ignored, silently ----------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b'{"version": 1, "trusts": [{"id": "x"',  # cut short while being written
        b'{"version": 2}',  # valid JSON, not a valid registry
        b"[1, 2, 3]",
        b"\xff\xfe\x00binary",
    ],
    ids=["empty", "not-json", "truncated", "invalid-registry", "a-list", "binary"],
)
def test_a_corrupt_entry_is_ignored_and_replaced(
    minimal_registry: Path,
    yaml_calls: YamlCalls,
    content: bytes,
    capsys: pytest.CaptureFixture[str],
) -> None:
    expected = load_registry(str(minimal_registry), today=TODAY).registry
    entry = entry_path(minimal_registry)
    entry.write_bytes(content)
    assert load_registry(str(minimal_registry), today=TODAY).registry == expected
    assert yaml_calls.count == 2
    assert capsys.readouterr() == ("", "")
    yaml_calls.forbidden = True  # the entry was written again, and serves the next load
    assert load_registry(str(minimal_registry), today=TODAY).registry == expected


def test_an_entry_that_breaks_an_invariant_falls_back_to_the_yaml(
    minimal_registry: Path, yaml_calls: YamlCalls
) -> None:
    load_registry(str(minimal_registry), today=TODAY)
    entry = entry_path(minimal_registry)
    data = json.loads(entry.read_text("utf-8"))
    data["trusts"][1]["id"] = data["trusts"][0]["id"]  # as if tampered with: a duplicate id
    entry.write_text(json.dumps(data), "utf-8")
    registry = load_registry(str(minimal_registry), today=TODAY).registry
    assert [t.id for t in registry.trusts] == ["example-north", "example-south"]
    assert yaml_calls.count == 2


def test_an_unreadable_entry_is_ignored(minimal_registry: Path, yaml_calls: YamlCalls) -> None:
    load_registry(str(minimal_registry), today=TODAY)
    entry = entry_path(minimal_registry)
    entry.unlink()
    entry.mkdir()  # reading it now fails with an OSError, even for root
    assert load_registry(str(minimal_registry), today=TODAY).registry.trusts[0].id == (
        "example-north"
    )
    assert yaml_calls.count == 2


def test_an_unwritable_cache_folder_is_ignored(
    run: Callable[..., Result],
    minimal_registry: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    yaml_calls: YamlCalls,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", "utf-8")
    monkeypatch.setenv("COCWATCH_CACHE_DIR", str(blocker / "cache"))
    for _ in range(2):
        result = run("-r", str(minimal_registry), "validate")
        assert result.exit_code == 0
        assert result.stderr == ""
    assert yaml_calls.count == 2


def test_a_failed_write_is_ignored(
    minimal_registry: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def disk_full(path: Path, data: bytes, *, what: str = "file") -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(registry_cache, "atomic_write", disk_full)
    assert load_registry(str(minimal_registry), today=TODAY).registry.trusts
    assert entries() == []
    assert capsys.readouterr() == ("", "")


# --- pruning --------------------------------------------------------------------------------


def test_only_the_most_recently_used_entries_are_kept(
    write_registry: Callable[..., Path], yaml_calls: YamlCalls
) -> None:
    keep = registry_cache.MAX_ENTRIES
    paths = [
        write_registry(MINIMAL_REGISTRY.replace("17.2", f"{10 + i}.5"), f"r{i}.yaml")
        for i in range(keep + 3)
    ]
    for age, path in enumerate(paths[:keep]):
        load_registry(str(path), today=TODAY)
        old = 1_000_000 + age  # older than anything written now, in the order loaded
        os.utime(entry_path(path), (old, old))
    load_registry(str(paths[0]), today=TODAY)  # a hit: paths[0] is now the most recently used
    assert yaml_calls.count == keep
    for path in paths[keep:]:
        load_registry(str(path), today=TODAY)
    kept = set(entries())
    assert len(kept) == keep
    assert entry_path(paths[0]) in kept
    assert {entry_path(p) for p in paths[1:4]}.isdisjoint(kept)  # the three least recent
    assert {entry_path(p) for p in paths[keep:]} <= kept


def test_prune_removes_stale_temporary_files_only(tmp_path: Path) -> None:
    stale, fresh = tmp_path / ".a.json.x1.tmp", tmp_path / ".b.json.x2.tmp"
    other = tmp_path / "notes.txt"
    for path in (stale, fresh, other):
        path.write_text("x", "utf-8")
    os.utime(stale, (1_000_000, 1_000_000))
    os.utime(other, (1_000_000, 1_000_000))
    registry_cache.prune(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".b.json.x2.tmp", "notes.txt"]


def test_prune_of_a_missing_folder_does_nothing(tmp_path: Path) -> None:
    registry_cache.prune(tmp_path / "missing")


# --- the cached load equals the YAML load ----------------------------------------------------


def test_shipped_registry_loads_the_same_from_the_cache(yaml_calls: YamlCalls) -> None:
    expected = parse_registry(shipped_registry().read_text("utf-8-sig"), "shipped", today=TODAY)
    cold, warm = load_twice(shipped_registry(), yaml_calls)
    assert cold == expected
    assert warm == expected
    assert len(warm.trusts) > 100


def test_demo_registry_loads_the_same_from_the_cache(yaml_calls: YamlCalls) -> None:
    expected = parse_registry(DEMO.read_text("utf-8"), "demo", today=TODAY)
    cold, warm = load_twice(DEMO, yaml_calls)
    assert warm == cold == expected


def synthetic_registry(trusts: int) -> str:
    """A SYNTHETIC registry that uses every field of every model (invented data)."""
    out = [
        "# SYNTHETIC test registry: invented Trusts and figures.",
        "version: 1",
        "national:",
        "  targets:",
        "    - id: synthetic-most",
        "      title: Synthetic target",
        "      cohort: all",
        "      percent: 51",
        "      due: 2021-03-31",
        "      set_on: 2019-01-07",
        "      withdrawn_on: 2022-09-21",
        "      source: {url: 'https://example.org/t', title: Synthetic, kind: OTHER,"
        " retrieved: 2020-01-01}",
        "      notes: a qualitative note",
        "    - {id: synthetic-em, title: 2024, cohort: ethnic_minority, due: '2024-03-31'}",
        "  figures:",
        "    - {percent: 14, as_of: 2023-03-31, provisional: yes, quality: PASS,"
        " source: {title: National synthetic figure}}",
        "  contacts:",
        "    - {role: Secretary_of_State, title: Synthetic Secretary, address: 'A\\nB', phone: 0}",
        "trusts:",
    ]
    for i in range(trusts):
        closed = i % 7 == 6
        out += [
            f"  - id: synthetic-{i:04d}",
            f"    ods: {100 + i}" if i % 5 == 0 else f"    ods: sy{i:04d}",
            f"    name: {1.5 + i}" if i % 11 == 0 else f"    name: Synthetic Trust {i} — Ysbyty ✓",
            "    region: Synthetic North",
            f"    icb: {200 + i}",
            "    lmns: Synthetic LMNS",
            f"    website: ' https://example.org/{i} '",
            f"    board_papers_url: https://example.org/{i}/board",
            '    address: "1 Example Road\\nExampletown\\tEX1 1AA"',
        ]
        if closed:
            out += ["    closed_on: 2024-12-31", f"    successor: synthetic-{i - 1:04d}"]
        out += [
            "    contacts:",
            "      - {role: chief_executive, name: Synthetic Person, email: ce@example.org}",
            f"      - {{role: FOI, phone: {447700900000 + i}, url: https://example.org/foi}}",
            "      - {role: other, phone: 123456789012345678901234567890, notes: ~}",
            "    plan:",
            "      status: Active" if i % 2 else "      status: paused",
            "      published: 2021-01-15",
            "      url: https://example.org/plan",
            f"      coproduced: {('yes', 'no', 'true', 'false', 'unknown', 'Yes', 'on')[i % 7]}",
            "      milestones:",
            "        - {cohort: all, percent: 35, due: 2025-03-31}",
            "        - {cohort: most_deprived, percent: 60.25, due: 2035-03-31}",
            "      board_reviews:",
            "        - {date: 2026-10-01, url: 'https://example.org/b', note: 'reviewed: yes'}",
            "        - {date: '2025-10-01'}",
            "      notes: |",
            "        A plan with a multi-line note",
            "        and a second line.",
            "    figures:",
            f"      - &fig{i}",
            "        cohort: all",
            "        percent: 0",
            "        as_of: 2021-12-31",
            f"        source: &src{i} {{url: 'https://example.org/msds', kind: msds,"
            " retrieved: 2022-02-01}",
            f"      - {{<<: *fig{i}, percent: 17.25, provisional: true}}",
            "      - {cohort: ethnic_minority, numerator: 12, denominator: 70, as_of: 2022-03-31,"
            f" source: *src{i}, quality: fail}}",
            "      - {cohort: most_deprived, measure: offered, percent: -0.0, as_of: 2022-06-30,"
            f' provisional: 1, source: *src{i}, notes: "\\t and \\u00e9"}}',
            f"      - {{percent: '{i % 100}.5', as_of: 2022-09-30, source: {{title: Board}}}}",
            "      - {percent: 1e1, numerator: 3, denominator: 9, as_of: 2022-12-31,"
            " source: {title: x}}",
            "    inspections:",
            "      - {date: 2023-05-01, rating: Requires_Improvement, url: https://example.org/c}",
            "      - {date: 2024-05-01, body: Synthetic body, service: all, notes: '12'}",
            f"    notes: {'null' if i % 3 else 'note'}",
        ]
    return "\n".join(out) + "\n"


def test_synthetic_registry_with_every_field_loads_the_same_from_the_cache(
    write_registry: Callable[..., Path], yaml_calls: YamlCalls
) -> None:
    text = synthetic_registry(30)
    path = write_registry(text)
    expected = parse_registry(text, "synthetic", today=TODAY)
    cold, warm = load_twice(path, yaml_calls)
    assert warm == cold == expected
    # the YAML-versus-JSON differences this registry exercises, read back from the cache
    first, fifth = warm.trusts[0], warm.trusts[5]
    assert (first.ods, first.name, first.icb) == ("100", "1.5", "200")
    assert [t.plan.coproduced for t in warm.trusts[:7] if t.plan] == [
        "yes", "no", "yes", "no", "unknown", "yes", "yes",
    ]  # fmt: skip
    assert fifth.contacts[1].phone == "447700900005"
    assert first.contacts[2].phone == "123456789012345678901234567890"
    assert [f.percent for f in first.figures] == [0.0, 17.25, 17.1, -0.0, 0.5, 10.0]
    assert first.figures[1].source == first.figures[0].source  # merge key and alias
    assert first.figures[3].notes == "\t and é"
    assert first.plan and first.plan.board_reviews[1].date == date(2025, 10, 1)
    assert warm.national.targets[1].title == "2024"
    assert warm.national.contacts[0].phone == "0"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("icb", ".inf"),  # a float that JSON cannot carry, read as the text 'inf'
        ("icb", "-.inf"),
        ("icb", ".nan"),
        ("closed_on", "2030-01-01 00:00:00"),  # a datetime at midnight is a valid date
        ("closed_on", "2030-01-01T00:00:00Z"),
    ],
)
def test_data_json_cannot_carry_loads_the_same_and_is_not_stored(
    write_registry: Callable[..., Path], yaml_calls: YamlCalls, field: str, value: str
) -> None:
    text = MINIMAL_REGISTRY + f"    {field}: {value}\n"
    path = write_registry(text)
    expected = parse_registry(text, "synthetic", today=TODAY)
    assert load_registry(str(path), today=TODAY).registry == expected
    assert load_registry(str(path), today=TODAY).registry == expected
    assert yaml_calls.count == 3  # the expected value's parse, and both loads
    assert entries() == []


@pytest.mark.parametrize(
    ("raw", "cached"),
    [
        ({"d": date(2024, 2, 29)}, b'{"d":"2024-02-29"}'),
        ({"t": "é ✓ \0"}, '{"t":"é ✓ \\u0000"}'.encode()),
        ({"n": [1, 2.5, -0.0, True, None]}, b'{"n":[1,2.5,-0.0,true,null]}'),
        ({"big": 10**30}, b'{"big":1000000000000000000000000000000}'),
        ({"dt": datetime(2024, 1, 1)}, None),
        ({"s": {1, 2}}, None),
        ({"b": b"binary"}, None),
        ({"f": float("nan")}, None),
        ({"f": float("-inf")}, None),
        ({"u": "\ud800"}, None),
        ({date(2024, 1, 1): "a date as a key"}, None),
    ],
)  # fmt: skip
def test_to_json_refuses_what_it_cannot_carry(raw: Any, cached: bytes | None) -> None:
    assert registry_cache.to_json(raw) == cached


def test_to_json_refuses_a_cycle() -> None:
    cycle: list[Any] = []
    cycle.append(cycle)
    assert registry_cache.to_json({"trusts": cycle}) is None


@pytest.mark.parametrize("key", ["1", "yes", "null", "~", "2024-01-01", "1.5"])
def test_a_key_that_is_not_text_is_never_stored(
    write_registry: Callable[..., Path], key: str
) -> None:
    path = write_registry(MINIMAL_REGISTRY + f"    plan: {{status: active, {key}: x}}\n")
    with pytest.raises(RegistryError):
        load_registry(str(path), today=TODAY)
    assert entries() == []
    assert registry_module.load_yaml(f"{{a: 1, {key}: x}}", "t")[2] is False
    assert registry_module.load_yaml("{a: 1, '1': x, <<: {b: 2}}", "t")[2] is True


# --- every field: pydantic's JSON mode gives what its Python mode gives ----------------------
#
# The cache validates JSON where the YAML path validates Python objects. For any data the
# Python path accepts, the JSON path must accept it and give an equal model. Examples start
# from the entries of the synthetic registry above and change, add or remove a few fields;
# the values are drawn from each field's own annotation, so a new field is covered at once,
# and a field of a type not listed here fails the tests until its JSON equivalence is checked.

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.dates(),
    st.sampled_from(["yes", "No", "2024-03-31", "2024-02-30", "17.5", "12", " x ", ""]),
)
TEXT = st.one_of(
    st.sampled_from(["https://example.org/x", " https://example.org/y ", "synthetic-a", "RR8"]),
    st.text(min_size=1, max_size=12),
    # most registry text is one line: names and titles refuse line breaks and control codes
    st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=12),
    st.integers(-(10**25), 10**25),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["ftp://x", "2024-03-31", "yes", "", "a b"]),
)
DATES = st.one_of(
    st.dates(min_value=date(2009, 1, 1), max_value=date(2040, 12, 31)),
    st.dates().map(date.isoformat),
    st.sampled_from([0, 86400, "2024-3-1", "20240331"]),
)
NUMBERS = st.one_of(
    st.integers(-5, 120),
    st.floats(-5, 120, allow_nan=False),
    st.sampled_from(["17.5", "50", 1e1, 10**20, True]),
)
BOOLS = st.one_of(st.booleans(), st.sampled_from([0, 1, "yes", "no", "true", "off", "Y", 2]))

MODELS: list[type[BaseModel]] = [
    models.Source, models.Figure, models.Milestone, models.BoardReview, models.Plan,
    models.Inspection, models.Contact, models.Target, models.Trust, models.National,
    models.Registry,
]  # fmt: skip


def _scalars(annotation: Any) -> st.SearchStrategy[Any]:
    if annotation is str:
        return TEXT
    if annotation is bool:
        return BOOLS
    if annotation in (int, float):
        return NUMBERS
    if annotation is date:
        return DATES
    raise AssertionError(
        f"no JSON-equivalence cases for fields of type {annotation!r}: add them here after "
        "checking that YAML data and its JSON (registry_cache.to_json) validate the same"
    )


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next(filter(None, map(_nested_model, get_args(annotation))), None)


def _entries_by_model() -> dict[type[BaseModel], list[dict[str, Any]]]:
    """Every block of the synthetic registry's data, by the model that reads it."""
    raw, _ = parse_yaml(synthetic_registry(7), "synthetic")
    found: dict[type[BaseModel], list[dict[str, Any]]] = {m: [] for m in MODELS}

    def visit(model: type[BaseModel], value: Any) -> None:
        found[model].append(value)
        for name, field in model.model_fields.items():
            nested = _nested_model(field.annotation)
            if nested is not None and name in value:
                items = value[name]
                for item in items if isinstance(items, list) else [items]:
                    visit(nested, item)

    visit(Registry, raw)
    return found


ENTRIES = _entries_by_model()


def _values(annotation: Any, depth: int) -> st.SearchStrategy[Any]:
    origin = get_origin(annotation)
    if origin is Annotated:
        return _values(get_args(annotation)[0], depth)
    if origin in (Union, types.UnionType):
        args = get_args(annotation)
        choices = [_values(a, depth) for a in args if a is not type(None)]
        # None is one choice when allowed, but a rarer one
        return st.one_of(*choices * 3, *[st.none()] * (type(None) in args))
    if origin is tuple:
        item, ellipsis = get_args(annotation)
        assert ellipsis is Ellipsis, annotation
        return st.lists(_values(item, depth), max_size=2)
    if origin is Literal:
        variants: list[Any] = [a.upper() for a in get_args(annotation) if isinstance(a, str)]
        return st.one_of(
            *[st.sampled_from(get_args(annotation))] * 4,
            st.sampled_from(variants or [1.0]),
            st.booleans(),
        )
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _dicts(annotation, depth + 1)
    return _scalars(annotation)


def _dicts(model: type[BaseModel], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """A block of the synthetic registry for `model`, with a few fields changed or removed."""
    names = list(model.model_fields)
    if depth > 2:  # deep enough: blocks as they are in the synthetic registry
        return st.sampled_from(ENTRIES[model])
    values = {
        name: st.one_of(*[_values(field.annotation, depth)] * 3, JUNK)
        for name, field in model.model_fields.items()
    }

    def changed(entry: dict[str, Any], change: list[str], remove: list[str]) -> Any:
        drawn = st.fixed_dictionaries({name: values[name] for name in change})
        return drawn.map(lambda new: {k: v for k, v in {**entry, **new}.items() if k not in remove})

    return st.tuples(
        st.sampled_from(ENTRIES[model]),
        st.lists(st.sampled_from(names), max_size=3, unique=True),
        st.lists(st.sampled_from(names), max_size=1),
    ).flatmap(lambda drawn: changed(*drawn))


def _python_and_json_agree(model: type[BaseModel], raw: dict[str, Any]) -> bool:
    try:
        expected = model.model_validate(raw)
    except ValidationError:
        return False  # never stored: nothing to compare
    blob = registry_cache.to_json(raw)
    if blob is None:
        return False  # never stored (a time of day, say)
    assert model.model_validate_json(blob) == expected, raw
    return True


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_json_validation_equals_python_validation(model: type[BaseModel], data: Any) -> None:
    _python_and_json_agree(model, data.draw(_dicts(model)))


def test_the_examples_are_often_valid_and_reach_every_field() -> None:
    """Guard the property test above against comparing nothing, or leaving a model out."""
    valid = dict.fromkeys(MODELS, 0)

    @settings(max_examples=60, deadline=None, database=None, derandomize=True)
    @given(data=st.data())
    def sample(data: Any) -> None:
        for model in MODELS:
            valid[model] += _python_and_json_agree(model, data.draw(_dicts(model)))

    sample()
    assert all(count >= 10 for count in valid.values()), valid
    seen: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel]) -> None:
        seen.add(model)
        for field in model.model_fields.values():
            nested = _nested_model(field.annotation)
            if nested is not None and nested not in seen:
                visit(nested)

    visit(Registry)
    assert seen == set(MODELS)
    assert all(ENTRIES[model] for model in MODELS)


def test_yaml_scalars_the_registry_may_hold_round_trip(tmp_path: Path) -> None:
    """YAML 1.1 spellings (yes, 0x1F, 1_000, 1:30, ~) reach JSON as the same values."""
    text = textwrap.dedent(
        """\
        a: [yes, No, on, OFF, 0x1F, 0o17, 017, 1_000, '1:30', 1:30, ~, null, -.5, -0.5, 1.0e+3]
        b: [2024-02-29, '2024-02-29', 2024-02-30, "multi\\nline", !!str 12, !!float 12]
        """
    )
    data, problems = parse_yaml(text, "t")
    assert problems == []
    blob = registry_cache.to_json(data)
    assert blob is not None
    assert json.loads(blob) == {
        "a": [
            True,
            False,
            True,
            False,
            31,
            "0o17",
            15,
            1000,
            "1:30",
            90,
            None,
            None,
            "-.5",
            -0.5,
            1000.0,
        ],
        "b": ["2024-02-29", "2024-02-29", "2024-02-30", "multi\nline", "12", 12.0],
    }
