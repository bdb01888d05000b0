"""`record`: one new entry, everything else byte for byte; validated, atomic, locked.

Every registry here is synthetic test data (the shipped registry is copied, never changed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from cocwatch.core.edits import Append, Replace
from cocwatch.locations import shipped_registry
from cocwatch.registry import load_registry
from cocwatch.registry.text_edit import EditError, edit_text
from tests.support.msds import inserted_lines, inserted_only
from tests.support.paths import SRC
from tests.support.registries import MINIMAL_REGISTRY, TODAY

DAY = date.fromisoformat(TODAY)

# Synthetic, and deliberately awkward: comments everywhere, blank lines, odd quoting, flow
# mappings, a block scalar kept with its trailing blank line, keys out of the usual order.
TRICKY = (
    "# A synthetic registry written to be awkward to edit.   \n"
    + """\
version: 1   # trailing comment

national:
  targets:
    - {id: t-2021, title: "Synthetic target: \\"quoted\\"", cohort: all, percent: 51,
       due: 2021-03-31, set_on: 2019-01-07}
trusts:

  # --- first trust --- (non-ASCII before the edits: é ’ – 🙂)
  - id: alpha
    ods: 'XA1'
    name: "Alpha – St John’s NHS Trust (synthetic) 🙂"
    region: 'North West'   # region
    figures:
      - cohort: all
        percent: 10.0
        as_of: 2024-03-31
        source: {url: "https://example.org/a", kind: msds}   # the first one
        # a comment about this figure, kept in place
    notes: |+
      Kept blank line follows.


  - {id: beta, ods: XB2, name: Beta NHS Trust (synthetic), region: South West}

  - id: gamma
    name: Gamma NHS Trust (synthetic)
    ods: XG3
    region: London
    figures: []   # none yet
    plan: {status: active, url: 'https://example.org/plan'}
  - id: delta
    ods: XD4
    name: Delta NHS Trust (synthetic)
    region: London
    inspections:
    - {date: 2022-01-01, rating: good}
    contacts:
      - role: chair
        name: >-
          A folded
          name
"""
)


@pytest.fixture
def tricky(tmp_path: Path) -> Path:
    path = tmp_path / "tricky.yaml"
    path.write_bytes(TRICKY.encode())
    load_registry(str(path), today=DAY)  # the fixture itself is a valid registry
    return path


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    path = tmp_path / "trusts.yaml"
    shutil.copyfile(shipped_registry(), path)
    return path


def figure(reg: Path, trust: str, *extra: str, percent: str = "20.5") -> list[str]:
    return [
        "-r", str(reg), "record", "figure", trust, "--percent", percent,
        "--as-of", "2025-03-31", "--source-url", "https://example.org/board-paper.pdf",
        "--source-title", "Board paper: May 2025, item 7", "--source-kind", "board_paper",
        *extra,
    ]  # fmt: skip


def figures_of(path: Path, trust_id: str) -> list[dict[str, object]]:
    data = yaml.safe_load(path.read_text("utf-8"))
    trust = next(t for t in data["trusts"] if t["id"] == trust_id)
    return list(trust.get("figures") or [])


# --- byte for byte outside the new entry ---------------------------------------------------


def test_figure_added_after_last_figure_keeping_every_other_byte(
    run: Callable[..., Result], tricky: Path
) -> None:
    before = tricky.read_text("utf-8")
    result = run(*figure(tricky, "alpha"))
    assert result.exit_code == 0, result.stderr
    after = tricky.read_text("utf-8")
    added = inserted_lines(before, after)
    assert added[0] == "      - cohort: all\n"
    assert all(line.startswith("        ") for line in added[1:])
    # after the comment that belongs to the previous figure, before the notes
    assert after.index("# a comment about this figure") < after.index("percent: 20.5")
    assert after.index("percent: 20.5") < after.index("notes: |+")
    assert [f["percent"] for f in figures_of(tricky, "alpha")] == [10.0, 20.5]
    # the kept trailing blank lines still belong to the block scalar
    data = yaml.safe_load(after)
    assert data["trusts"][0]["notes"] == "Kept blank line follows.\n\n\n"
    assert "Recorded a figure for Alpha – St John’s NHS Trust (synthetic) 🙂" in result.stderr


def test_new_entry_copies_the_style_of_its_neighbour(
    run: Callable[..., Result], tricky: Path
) -> None:
    before = tricky.read_text("utf-8")
    assert run(*figure(tricky, "alpha")).exit_code == 0
    added = "".join(inserted_lines(before, tricky.read_text("utf-8")))
    # the neighbour has `source: {…}` on one line, so the new figure does too
    assert "        source: {url: https://example.org/board-paper.pdf, " in added
    assert "'Board paper: May 2025, item 7'" in added  # quoted: it holds ': ' and ','


def test_figure_on_a_one_line_trust_changes_only_that_line(
    run: Callable[..., Result], tricky: Path
) -> None:
    before = tricky.read_text("utf-8")
    result = run(*figure(tricky, "beta"))
    assert result.exit_code == 0, result.stderr
    after = tricky.read_text("utf-8")
    added = inserted_only(before, after)
    assert added.startswith(", figures: [{cohort: all, measure: placed_by_28_weeks")
    assert "\n" not in added
    assert figures_of(tricky, "beta")[0]["percent"] == 20.5


def test_empty_flow_list_becomes_a_block_and_the_comment_stays(
    run: Callable[..., Result], tricky: Path
) -> None:
    result = run(*figure(tricky, "gamma"))
    assert result.exit_code == 0, result.stderr
    after = tricky.read_text("utf-8")
    assert "    figures:   # none yet\n      - cohort: all\n" in after
    # apart from the " []" that went, the change is an insertion of whole lines
    emptied = TRICKY.replace("figures: []   # none yet", "figures:   # none yet")
    added = inserted_lines(emptied, after)
    assert added[0] == "      - cohort: all\n"
    assert figures_of(tricky, "gamma")[0]["percent"] == 20.5


def test_review_added_to_a_one_line_plan(run: Callable[..., Result], tricky: Path) -> None:
    before = tricky.read_text("utf-8")
    url = "https://example.org/board/2026-10"
    args = ["record", "review", "gamma", "--date", "2026-10-01", "--url", url]
    result = run("-r", str(tricky), *args, "--note", "CoC update: paused")
    assert result.exit_code == 0, result.stderr
    added = inserted_only(before, tricky.read_text("utf-8"))
    assert added == (
        ", board_reviews: [{date: 2026-10-01, url: https://example.org/board/2026-10, "
        "note: 'CoC update: paused'}]"
    )
    registry = load_registry(str(tricky), today=DAY).registry
    plan = registry.trusts[2].plan
    assert plan is not None and plan.status == "active"
    assert plan.board_reviews[0].date == date(2026, 10, 1)


def test_inspection_follows_an_indentless_list(run: Callable[..., Result], tricky: Path) -> None:
    before = tricky.read_text("utf-8")
    args = ["inspection", "delta", "--date", "2024-06-01", "--rating", "requires_improvement"]
    result = run("-r", str(tricky), "record", *args, "--url", "https://example.org/cqc")
    assert result.exit_code == 0, result.stderr
    added = inserted_lines(before, tricky.read_text("utf-8"))
    assert added == [
        "    - {date: 2024-06-01, body: CQC, service: maternity, rating: requires_improvement, "
        "url: https://example.org/cqc}\n"
    ]


def test_shipped_registry_keeps_every_byte(run: Callable[..., Result], shipped_copy: Path) -> None:
    before = shipped_copy.read_text("utf-8")
    trusts = load_registry(str(shipped_copy), today=DAY).registry.trusts
    at = next(i for i, t in enumerate(trusts) if not t.figures)  # one without MSDS figures
    trust = trusts[at]
    assert run(*figure(shipped_copy, trust.id)).exit_code == 0
    assert run("-r", str(shipped_copy), "record", "review", trust.id,
               "--date", "2026-09-15").exit_code == 0  # fmt: skip
    assert run("-r", str(shipped_copy), "record", "inspection", trust.ods, "--date",
               "2023-05-01", "--rating", "good").exit_code == 0  # fmt: skip
    after = shipped_copy.read_text("utf-8")
    added = inserted_lines(before, after)
    assert "    figures:\n" in added
    assert "    plan:\n" in added and "      status: unknown\n" in added
    assert "    inspections:\n" in added
    reloaded = load_registry(str(shipped_copy), today=DAY).registry.trusts[at]
    assert reloaded.figures[0].percent == 20.5
    assert reloaded.plan is not None and reloaded.plan.status == "unknown"
    assert reloaded.inspections[0].rating == "good"
    # the Trust that follows is untouched and still separated by its blank line
    following = load_registry(str(shipped_copy), today=DAY).registry.trusts[at + 1]
    assert f"\n\n  - id: {following.id}\n" in after


def test_byte_order_mark_and_windows_line_endings_survive(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    path = tmp_path / "crlf.yaml"
    original = b"\xef\xbb\xbf" + MINIMAL_REGISTRY.replace("\n", "\r\n").encode()
    path.write_bytes(original)
    assert run(*figure(path, "example-south")).exit_code == 0
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line still ends with CRLF
    inserted_lines(original.decode("utf-8-sig"), data.decode("utf-8-sig"))
    assert figures_of(path, "example-south")[0]["percent"] == 20.5


# --- dry run, duplicates, replacement ------------------------------------------------------


def test_dry_run_prints_the_diff_and_writes_nothing(
    run: Callable[..., Result], minimal_registry: Path
) -> None:
    before = minimal_registry.read_bytes()
    result = run(*figure(minimal_registry, "example-north", "--dry-run"))
    assert result.exit_code == 0, result.stderr
    assert minimal_registry.read_bytes() == before
    assert result.stdout.startswith(f"--- {minimal_registry}\n+++ {minimal_registry} (after)\n")
    assert "+      - cohort: all\n" in result.stdout
    assert "+        percent: 20.5\n" in result.stdout
    assert "was not changed" in result.stderr


def test_duplicate_figure_is_refused_then_replaced_with_replace(
    run: Callable[..., Result], minimal_registry: Path
) -> None:
    args = figure(minimal_registry, "example-north")
    assert run(*args).exit_code == 0
    before = minimal_registry.read_bytes()
    again = run(*figure(minimal_registry, "example-north", percent="21.0"))
    assert again.exit_code == 2
    assert "already has a figure for cohort all" in again.stderr
    assert "--replace" in again.stderr
    assert minimal_registry.read_bytes() == before
    replaced = run(*figure(minimal_registry, "example-north", "--replace", percent="21.0"))
    assert replaced.exit_code == 0, replaced.stderr
    assert [f["percent"] for f in figures_of(minimal_registry, "example-north")] == [17.2, 21.0]


def test_counts_instead_of_percent(run: Callable[..., Result], minimal_registry: Path) -> None:
    result = run("-r", str(minimal_registry), "record", "figure", "XX2", "--numerator", "30",
                 "--denominator", "120", "--as-of", "2025-06-30", "--cohort", "most_deprived",
                 "--provisional", "--quality", "pass",
                 "--source-url", "https://example.org/foi-reply")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    trust = load_registry(str(minimal_registry), today=DAY).registry.trusts[1]
    assert trust.figures[0].percent == 25.0
    assert trust.figures[0].provisional is True
    assert trust.figures[0].cohort == "most_deprived"
    assert trust.figures[0].source.retrieved == DAY


# --- errors leave the file alone -------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--percent", "150"], "percent: must be at most 100"),
        (["--source-url", "example.org/no-scheme"], "must be a full web address"),
        (["--as-of", "2003-03-31"], "before 2010"),
    ],
)
def test_invalid_entry_exits_3_and_leaves_the_file_untouched(
    run: Callable[..., Result], tricky: Path, extra: list[str], message: str
) -> None:
    before = tricky.read_bytes()
    result = run(*figure(tricky, "alpha"), *extra)
    assert result.exit_code == 3, result.stderr
    assert message in result.stderr
    assert "was left unchanged" in result.stderr
    assert tricky.read_bytes() == before
    assert [p.name for p in tricky.parent.iterdir() if p.name != "tricky.yaml.lock"] == [
        "tricky.yaml"
    ]


def test_unknown_trust_is_a_usage_error(run: Callable[..., Result], tricky: Path) -> None:
    before = tricky.read_bytes()
    result = run(*figure(tricky, "alhpa"))
    assert result.exit_code == 2
    assert "No trust is called 'alhpa'" in result.stderr
    assert "alpha" in result.stderr  # the closest match is suggested
    assert tricky.read_bytes() == before


def test_missing_value_is_a_usage_error(run: Callable[..., Result], tricky: Path) -> None:
    result = run("-r", str(tricky), "record", "figure", "alpha", "--numerator", "3",
                 "--as-of", "2025-01-31", "--source-url", "https://example.org/x")  # fmt: skip
    assert result.exit_code == 2
    assert "--percent" in result.stderr


def test_url_registry_cannot_be_recorded_into(run: Callable[..., Result]) -> None:
    url = "https://example.org/trusts.yaml"
    result = run("-r", url, "record", "review", "alpha", "--date", "2025-01-01")
    assert result.exit_code == 2
    assert "can only change a file on this computer" in result.stderr


def test_invalid_registry_is_reported_not_edited(
    run: Callable[..., Result], write_registry: Callable[[str], Path]
) -> None:
    path = write_registry(MINIMAL_REGISTRY.replace("percent: 17.2", "percent: 117.2"))
    before = path.read_bytes()
    result = run(*figure(path, "example-north"))
    assert result.exit_code == 3
    assert "must be at most 100" in result.stderr
    assert path.read_bytes() == before


def test_layout_that_cannot_be_edited_safely_is_refused(tmp_path: Path) -> None:
    text = (
        MINIMAL_REGISTRY.replace("    region: South West\n", "    region: &r South West\n")
        + "  - id: epsilon\n    ods: XE5\n    name: Epsilon (synthetic)\n    region: *r\n"
    )
    with pytest.raises(EditError, match="by hand"):
        edit_text(text, [Append("epsilon", ("figures",), ({"as_of": DAY, "percent": 1.0},))])


def test_replace_keeps_neighbours(tricky: Path) -> None:
    text = tricky.read_text("utf-8")
    entry = {"cohort": "all", "percent": 11.0, "as_of": date(2024, 3, 31),
             "source": {"url": "https://example.org/b", "kind": "msds"}}  # fmt: skip
    after = edit_text(text, [Replace("alpha", ("figures",), 0, entry)])
    assert "        percent: 11.0\n" in after
    assert "# the first one\n        # a comment about this figure" in after
    assert (
        after.replace("percent: 11.0", "percent: 10.0").replace(
            "{url: https://example.org/b, kind: msds}", '{url: "https://example.org/a", kind: msds}'
        )
        == text
    )


# --- concurrency and crashes ----------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_concurrent_processes_all_land(minimal_registry: Path) -> None:
    days = [f"2025-0{m}-28" for m in range(1, 7)]
    command = [sys.executable, "-m", "cocwatch", "-r", str(minimal_registry), "record", "figure"]
    source = ["--source-url", "https://example.org/synthetic"]
    procs = [
        subprocess.Popen(
            [*command, "example-south", "--percent", str(10 + i), "--as-of", day, *source],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for i, day in enumerate(days)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    landed = sorted(str(f["as_of"]) for f in figures_of(minimal_registry, "example-south"))
    assert landed == days
    load_registry(str(minimal_registry), today=DAY)
    inserted_lines(MINIMAL_REGISTRY, minimal_registry.read_text("utf-8"))


def test_crash_during_write_leaves_the_original_readable(minimal_registry: Path) -> None:
    before = minimal_registry.read_bytes()
    # The process dies after the new text is in the temporary file, before the rename.
    crash = (
        "import os, sys\n"
        "import cocwatch.files as files\n"
        "files.os.fsync = lambda fd: os._exit(9)\n"
        "from cocwatch.cli import main\n"
        f"sys.argv = ['cocwatch', '-r', {str(minimal_registry)!r}, 'record', 'figure',\n"
        "    'example-south', '--percent', '12', '--as-of', '2025-01-31',\n"
        "    '--source-url', 'https://example.org/synthetic']\n"
        "main()\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", crash], env=_env(), capture_output=True, timeout=120, check=False
    )
    assert proc.returncode == 9, proc.stderr.decode()
    leftovers = [p for p in minimal_registry.parent.iterdir() if p.suffix == ".tmp"]
    assert leftovers, "the crash happened mid-write, leaving the temporary file"
    assert minimal_registry.read_bytes() == before
    load_registry(str(minimal_registry), today=DAY)


def test_failed_rename_reports_exit_4_and_cleans_up(
    run: Callable[..., Result], minimal_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = minimal_registry.read_bytes()

    def refuse(self: Path, target: object) -> Path:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", refuse)
    result = run(*figure(minimal_registry, "example-south"))
    assert result.exit_code == 4
    assert f"Cannot write the registry {minimal_registry}" in result.stderr
    assert minimal_registry.read_bytes() == before
    assert not [p for p in minimal_registry.parent.iterdir() if p.suffix == ".tmp"]


def test_missing_registry_file_exits_3_and_creates_nothing(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    missing = tmp_path / "no" / "such" / "trusts.yaml"
    result = run(*figure(missing, "alpha"))
    assert result.exit_code == 3
    assert f"The registry {missing} does not exist" in result.stderr
    assert not (tmp_path / "no").exists()
