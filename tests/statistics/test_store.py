"""The statistics store: files kept as published, imports that cost a month, final over
provisional, the move out of an old registry file, and a registry on the web finding its
statistics beside it. Every registry and CSV written here is SYNTHETIC, except the real April
2025 file the shipped registry keeps in data/statistics/."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from tests.support.msds import OCTOBER, figure_rows, measures_csv
from tests.support.paths import ROOT, SHIPPED_APRIL_2025
from tests.support.web import PageServer, Route

REAL = SHIPPED_APRIL_2025
PAGE = "https://example.org/msds/october-2025"

REGISTRY = """\
version: 1
# A comment people wrote: it must survive every change.
trusts:
  - id: north
    ods: XX1
    name: Example North NHS Trust
    region: North East and Yorkshire
  - id: south
    ods: XX2
    name: Example South NHS Foundation Trust
    region: London
    plan:
      status: active
      url: https://example.org/south/plan
      board_reviews:
        - {date: 2025-10-01, url: https://example.org/south/board}
"""


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "campaign" / "trusts.yaml"
    path.parent.mkdir()
    path.write_text(REGISTRY, encoding="utf-8")
    return path


def _write(tmp_path: Path, name: str, rows: list[object]) -> Path:
    path = tmp_path / name
    path.write_text(measures_csv(rows), encoding="utf-8")  # type: ignore[arg-type]
    return path


def _import(run: Callable[..., Result], registry: Path, source: Path, *more: str) -> Result:
    return run("-r", str(registry), "import", "msds", str(source), "--source-url", PAGE, *more)


def _check_json(run: Callable[..., Result], registry: Path, *names: str) -> dict[str, object]:
    result = run("-r", str(registry), "check", *names, "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.stdout)
    return data


def _manifest(registry: Path) -> list[dict[str, str]]:
    with (registry.parent / "statistics" / "manifest.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_the_real_april_2025_file_is_kept_as_published(
    run: Callable[..., Result], tmp_path: Path
) -> None:
    """init + import msds of the real file: the store holds exactly the file's CoC rows."""
    mine = tmp_path / "mine" / "trusts.yaml"
    assert run("init", str(mine)).exit_code == 0
    (mine.parent / "statistics").rename(tmp_path / "shipped-statistics")
    result = _import(run, mine, REAL, "--commit")
    assert result.exit_code == 0, result.output
    entry = _manifest(mine)[0]
    kept = mine.parent / "statistics" / entry["file"]
    with REAL.open(encoding="utf-8") as f:
        published = list(csv.reader(f))
    with kept.open(encoding="utf-8") as f:
        stored = list(csv.reader(f))
    assert stored == published
    assert entry["rows"] == str(len(published) - 1) == "19654"
    assert entry["period_end"] == "2025-04-30"
    assert entry["status"] == "provisional"
    assert entry["release_page"] == PAGE
    assert len(entry["sha256"]) == 64
    # The registry file itself is not changed by an import.
    assert "kind: msds" not in mine.read_text(encoding="utf-8")


def test_the_shipped_registry_keeps_its_statistics_beside_it(
    run: Callable[..., Result],
) -> None:
    """The shipped YAML holds no official figures; its statistics folder holds April 2025."""
    shipped = ROOT / "data" / "trusts.yaml"
    assert "kind: msds" not in shipped.read_text(encoding="utf-8")
    assert shipped.stat().st_size < 80_000
    with (ROOT / "data" / "statistics" / "msds" / REAL.name).open(encoding="utf-8") as f:
        kept = list(csv.reader(f))
    with REAL.open(encoding="utf-8") as f:
        assert kept == list(csv.reader(f))
    data = _check_json(run, shipped, "rj1")
    (rj1,) = data["trusts"]  # type: ignore[misc]
    latest = rj1["cohorts"][0]["latest"]
    assert (latest["percent"], latest["as_of"], latest["source"]["kind"]) == (
        2.8,
        "2025-04-30",
        "msds",
    )


def test_import_keeps_the_file_and_check_reads_it(
    run: Callable[..., Result], registry: Path, tmp_path: Path
) -> None:
    before = registry.read_text(encoding="utf-8")
    source = _write(tmp_path, "msds-oct2025-exp-measures.csv", OCTOBER)
    dry = _import(run, registry, source)
    assert dry.exit_code == 0, dry.output
    assert not (registry.parent / "statistics").exists()
    assert "Dry run" in dry.stderr
    done = _import(run, registry, source, "--commit")
    assert done.exit_code == 0, done.output
    assert registry.read_text(encoding="utf-8") == before
    data = _check_json(run, registry, "north")
    latest = data["trusts"][0]["cohorts"][0]["latest"]  # type: ignore[index]
    assert latest["percent"] == 18.0
    assert latest["source"]["url"] == PAGE


def test_a_rerun_with_the_same_file_changes_nothing(
    run: Callable[..., Result], registry: Path, tmp_path: Path
) -> None:
    source = _write(tmp_path, "msds-oct2025-exp-measures.csv", OCTOBER)
    assert _import(run, registry, source, "--commit").exit_code == 0
    folder = registry.parent / "statistics"
    snapshot = {p: p.read_bytes() for p in folder.rglob("*.csv")}
    again = _import(run, registry, source, "--commit")
    assert again.exit_code == 0, again.output
    assert "Nothing new" in again.stderr
    assert {p: p.read_bytes() for p in folder.rglob("*.csv")} == snapshot
    assert len(_manifest(registry)) == 1


def test_a_final_file_supersedes_the_provisional_one_for_its_month(
    run: Callable[..., Result], registry: Path, tmp_path: Path
) -> None:
    provisional = _write(
        tmp_path,
        "msds-oct2025Provisional-exp-measures.csv",
        figure_rows("XX1", "COC_by_28weeks", numerator="45", denominator="250", rate="18.0"),
    )
    final = _write(
        tmp_path,
        "msds-oct2025-exp-measures.csv",
        figure_rows("XX1", "COC_by_28weeks", numerator="50", denominator="250", rate="20.0"),
    )
    assert _import(run, registry, provisional, "--commit").exit_code == 0
    latest = _check_json(run, registry, "north")["trusts"][0]["cohorts"][0]["latest"]  # type: ignore[index]
    assert (latest["percent"], latest["provisional"]) == (18.0, True)
    assert _import(run, registry, final, "--commit").exit_code == 0
    latest = _check_json(run, registry, "north")["trusts"][0]["cohorts"][0]["latest"]  # type: ignore[index]
    assert (latest["percent"], latest["provisional"]) == (20.0, False)
    # Both files stay: nothing imported is lost.
    assert {e["status"] for e in _manifest(registry)} == {"provisional", "final"}
    listing = run("-r", str(registry), "statistics", "--format", "json")
    assert listing.exit_code == 0, listing.output
    assert len(json.loads(listing.stdout)["files"]) == 2


def test_show_says_which_figures_are_official(
    run: Callable[..., Result], registry: Path, tmp_path: Path
) -> None:
    source = _write(tmp_path, "msds-oct2025-exp-measures.csv", OCTOBER)
    assert _import(run, registry, source, "--commit").exit_code == 0
    recorded = run(
        "-r", str(registry), "record", "figure", "north", "--percent", "21",
        "--as-of", "2025-11-30", "--source-url", "https://example.org/board-paper",
        "--source-kind", "board_paper",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    shown = run("-r", str(registry), "show", "north")
    assert shown.exit_code == 0, shown.output
    assert "18.0%" in shown.stdout and "21.0%" in shown.stdout
    assert "statistics folder" in shown.stdout.lower() or "official" in shown.stdout.lower()


def test_a_damaged_manifest_is_reported_in_words(
    run: Callable[..., Result], registry: Path, tmp_path: Path
) -> None:
    folder = registry.parent / "statistics"
    folder.mkdir()
    (folder / "manifest.csv").write_text("file,source\nx.csv,msds\n", encoding="utf-8")
    result = run("-r", str(registry), "check", "north")
    assert result.exit_code == 3
    assert "manifest" in result.stderr and "Traceback" not in result.output


def test_a_deleted_index_is_rebuilt(
    run: Callable[..., Result], registry: Path, tmp_path: Path, isolated_env: Path
) -> None:
    source = _write(tmp_path, "msds-oct2025-exp-measures.csv", OCTOBER)
    assert _import(run, registry, source, "--commit").exit_code == 0
    first = _check_json(run, registry)
    for index in (isolated_env / ".cache" / "cocwatch" / "statistics").glob("*.sqlite3"):
        index.unlink()  # (the shipped statistics' index is shared with other tests: replace it)
        index.write_bytes(b"not a database")
    assert _check_json(run, registry) == first


OCTOBER_TITLE = (
    "NHS England, Maternity Services Monthly Statistics, October 2025 (final), "
    "file msds-oct2025-exp-measures.csv"
)
LEGACY = """\
version: 1
national:
  figures:
    - cohort: all
      measure: placed_by_28_weeks
      percent: 12.3
      as_of: 2025-10-31
      source:
        url: https://example.org/msds/october-2025
        title: OCTOBER_TITLE
        kind: msds
        retrieved: 2025-12-01
trusts:
  # Imported before the statistics folder existed (synthetic).
  - id: north
    ods: XX1
    name: Example North NHS Trust
    region: North East and Yorkshire
    figures:
      - cohort: all
        measure: placed_by_28_weeks
        percent: 18.0
        numerator: 45
        denominator: 250
        as_of: 2025-10-31
        quality: pass
        source:
          url: https://example.org/msds/october-2025
          title: OCTOBER_TITLE
          kind: msds
          retrieved: 2025-12-01
      - cohort: most_deprived
        measure: placed_by_28_weeks
        percent: 7.1
        as_of: 2025-10-31
        quality: pass
        notes: Checked by phone with the Trust's analyst (synthetic).
        source:
          url: https://example.org/msds/october-2025
          kind: msds
      - cohort: ethnic_minority
        measure: placed_by_28_weeks
        as_of: 2025-10-31
        quality: fail
        source:
          url: https://example.org/msds/october-2025
          title: OCTOBER_TITLE
          kind: msds
          retrieved: 2025-12-01
      - cohort: all
        measure: placed_by_28_weeks
        percent: 25.0
        as_of: 2025-11-30
        source: {url: https://example.org/board-paper, kind: board_paper}
        notes: From the November Board paper (kept where it is).
  - id: south
    ods: XX2
    name: Example South NHS Foundation Trust
    region: London
""".replace("OCTOBER_TITLE", OCTOBER_TITLE)


def test_moving_an_old_registry_loses_nothing(run: Callable[..., Result], tmp_path: Path) -> None:
    registry = tmp_path / "old" / "trusts.yaml"
    registry.parent.mkdir()
    registry.write_text(LEGACY, encoding="utf-8")
    before = _check_json(run, registry)
    dry = run("-r", str(registry), "statistics", "move")
    assert dry.exit_code == 0, dry.output
    assert "3 figures to move" in dry.stderr and "note written by hand" in dry.stderr
    assert registry.read_text(encoding="utf-8") == LEGACY
    moved = run("-r", str(registry), "statistics", "move", "--commit")
    assert moved.exit_code == 0, moved.output
    text = registry.read_text(encoding="utf-8")
    assert text.count("kind: msds") == 1  # only the figure with a note written by hand
    assert "# Imported before the statistics folder existed (synthetic)." in text
    assert "Checked by phone with the Trust's analyst (synthetic)." in text  # a note stays
    assert "note written by hand" in moved.stderr
    assert "From the November Board paper (kept where it is)." in text
    after = _check_json(run, registry)

    def judged(data: dict[str, object]) -> list[object]:
        """Each Trust's cohorts and findings: the assessment of the figures themselves."""
        return [(t["cohorts"], t["findings"]) for t in data["trusts"]]  # type: ignore[attr-defined]

    assert judged(after) == judged(before)
    # Each moved figure keeps its own citation: title, address and date retrieved.
    shown = json.loads(run("-r", str(registry), "show", "north", "--format", "json").stdout)
    moved = [
        row
        for row in shown["figure_history"]
        if row["origin"] == "official" and row["cohort"] != "most_deprived"  # that one stayed
    ]
    assert moved and {row["source_title"] for row in moved} == {OCTOBER_TITLE}
    assert {row["source_url"] for row in moved} == {"https://example.org/msds/october-2025"}
    again = run("-r", str(registry), "statistics", "move", "--commit")
    assert "to move" not in again.stderr and "moved" not in again.stderr
    assert "Left in the registry file" in again.stderr  # the figure with a note, each time


@pytest.fixture
def server() -> Iterator[PageServer]:
    served = PageServer()
    yield served
    served.close()


def test_a_registry_on_the_web_finds_its_statistics_beside_it(
    run: Callable[..., Result], registry: Path, tmp_path: Path, server: PageServer
) -> None:
    source = _write(tmp_path, "msds-oct2025-exp-measures.csv", OCTOBER)
    assert _import(run, registry, source, "--commit").exit_code == 0
    folder = registry.parent / "statistics"
    server.routes["/campaign/trusts.yaml"] = Route(REGISTRY, content_type="text/yaml")
    for path in folder.rglob("*.csv"):
        relative = path.relative_to(folder).as_posix()
        server.routes[f"/campaign/statistics/{relative}"] = Route(
            path.read_text(encoding="utf-8"), content_type="text/csv"
        )
    url = server.url("/campaign/trusts.yaml")
    latest = _check_json(run, url, "north")["trusts"][0]["cohorts"][0]["latest"]  # type: ignore[index]
    assert latest["percent"] == 18.0
    # Offline afterwards: the copy is used, with a warning.
    for route in server.routes.values():
        route.status = 503
    offline = run("-r", url, "check", "north", "--format", "json", "--fail-on", "never")
    assert offline.exit_code == 0, offline.output
    assert json.loads(offline.stdout)["trusts"][0]["cohorts"][0]["latest"]["percent"] == 18.0


def test_watch_reports_a_new_month_once(run: Callable[..., Result], tmp_path: Path) -> None:
    mine = tmp_path / "mine" / "trusts.yaml"
    assert run("init", str(mine)).exit_code == 0
    (mine.parent / "statistics").rename(tmp_path / "shipped-statistics")
    state = str(tmp_path / "state.sqlite3")
    watch = ("-r", str(mine), "watch", "--no-pages", "--state", state)
    assert "baseline" in run(*watch).stdout
    assert _import(run, mine, REAL, "--commit").exit_code == 0
    news = run(*watch)
    assert news.exit_code == 0, news.output
    said = r"New figures for April 2025: \d{3}, for 118 Trusts and England\."
    assert re.search(said, news.stdout)
    assert "new figure" not in news.stdout  # one line for the month, not 700
    assert run(*watch).stdout == ""  # said once


def test_from_cron_the_same_failure_is_told_once(
    run: Callable[..., Result], registry: Path
) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on: the index cannot be reached
        sock.bind(("127.0.0.1", 0))
        index = f"http://127.0.0.1:{sock.getsockname()[1]}/maternity-services-monthly-statistics"
    args = ("-r", str(registry), "import", "msds", "--latest", "--commit", "--index", index)
    first = run(*args)
    assert first.exit_code == 4
    assert index in first.stderr
    again = run(*args)
    assert again.exit_code == 4  # still a failure for scripts…
    assert again.stdout == "" and again.stderr == ""  # …but cron mails nothing new


def test_sources_are_registered_and_an_unknown_one_is_explained(
    run: Callable[..., Result], registry: Path, tmp_path: Path
) -> None:
    from cocwatch.statistics.sources import official_sources

    assert set(official_sources()) == {"msds"}
    source = _write(tmp_path, "msds-oct2025-exp-measures.csv", OCTOBER)
    assert _import(run, registry, source, "--commit").exit_code == 0
    manifest = registry.parent / "statistics" / "manifest.csv"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace(",msds,", ",survey,", 1), encoding="utf-8")
    result = run("-r", str(registry), "check", "north")
    assert result.exit_code == 3
    assert "'survey'" in result.stderr and "manifest.csv" in result.stderr


def test_an_official_figure_is_the_figure_pydantic_would_make() -> None:
    from cocwatch.core.imports import OfficialFigure
    from cocwatch.core.models import Figure, Source
    from cocwatch.statistics.merging import as_figure

    source = Source(url="https://example.org/synthetic", kind="msds")
    found = OfficialFigure(
        "XX1", "SYNTHETIC", "all", "placed_by_28_weeks", __import__("datetime").date(2025, 10, 31),
        18.0, 45, 250, "pass", True, 7,
    )  # fmt: skip
    made = as_figure(found, source)
    validated = Figure.model_validate(made.model_dump())
    assert made == validated
    assert made.model_dump() == validated.model_dump()
    assert made.model_copy(update={"notes": "x"}).notes == "x"
    assert made.small_numbers is False and made.value == 18.0


def test_a_republished_file_replaces_its_figures_and_never_doubles_them(
    run: Callable[..., Result], registry: Path, tmp_path: Path
) -> None:
    first = _write(tmp_path, "msds-oct2025-exp-measures.csv", OCTOBER)
    assert _import(run, registry, first, "--commit").exit_code == 0
    assert (
        _check_json(run, registry, "north")["trusts"][0]["cohorts"][0]["latest"]["percent"] == 18.0
    )  # type: ignore[index]
    (tmp_path / "again").mkdir()
    revised = _write(
        tmp_path / "again",
        "msds-oct2025-exp-measures.csv",
        [
            *figure_rows("XX1", "COC_by_28weeks", numerator="50", denominator="250", rate="20.0"),
            *OCTOBER[5:],
        ],
    )
    done = _import(run, registry, revised, "--commit")
    assert done.exit_code == 0, done.output
    latest = _check_json(run, registry, "north")["trusts"][0]["cohorts"][0]["latest"]  # type: ignore[index]
    assert latest["percent"] == 20.0
    shown = run("-r", str(registry), "show", "north", "--format", "json")
    assert shown.exit_code == 0, shown.output
    october = [
        f
        for f in json.loads(shown.stdout)["figure_history"]
        if f["as_of"] == "2025-10-31" and f["cohort"] == "all"
        and f["measure"] == "placed_by_28_weeks"
    ]  # fmt: skip
    assert [f["percent"] for f in october] == [20.0]
