"""Property tests for the commands that change or read user files (synthetic data).

- `record figure` then loading gives back exactly what was recorded, and the file only gains
  text: nothing outside the new entry changes or moves;
- any CSV given to `import msds` exits 0 or 3, never a traceback.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from cocwatch.cli import app
from cocwatch.registry import load_registry
from tests.registry.test_record import TRICKY
from tests.support.msds import HEADER

RUNNER = CliRunner(env={"COCWATCH_TODAY": "2026-11-23", "NO_COLOR": "1"})
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TODAY = date(2026, 11, 23)

# Titles a volunteer might type: quotes, colons, hashes, non-ASCII, leading dashes.
titles = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029"
    ),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "")


@SETTINGS
@given(
    trust=st.sampled_from(["alpha", "beta", "gamma", "delta"]),
    percent=st.floats(0, 100, allow_nan=False).map(lambda p: round(p, 1)),
    as_of=st.dates(date(2010, 1, 1), date(2026, 11, 23)),
    cohort=st.sampled_from(["all", "ethnic_minority", "most_deprived"]),
    measure=st.sampled_from(["placed_by_28_weeks", "receiving_ongoing", "offered", "other"]),
    title=titles,
    provisional=st.booleans(),
)
def test_record_round_trips_and_changes_nothing_else(
    trust: str,
    percent: float,
    as_of: date,
    cohort: str,
    measure: str,
    title: str,
    provisional: bool,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tricky.yaml"
        path.write_bytes(TRICKY.encode())
        args = [
            "-r", str(path), "record", "figure", trust, "--percent", str(percent),
            "--as-of", as_of.isoformat(), "--cohort", cohort, "--measure", measure,
            "--source-url", "https://example.org/synthetic-source", "--source-title", title,
        ]  # fmt: skip
        if provisional:
            args.append("--provisional")
        result = RUNNER.invoke(app, args)
        assert result.exit_code in (0, 2), (result.stdout, result.stderr)
        after = path.read_text("utf-8")
        if result.exit_code == 2:  # a duplicate entry is refused, and nothing changes
            assert after == TRICKY
            return
        assert _only_added(TRICKY, after)
        registry = load_registry(str(path), today=TODAY).registry
        recorded = next(t for t in registry.trusts if t.id == trust).figures
        match = [
            f
            for f in recorded
            if f.as_of == as_of and f.cohort == cohort and f.measure == measure
            and f.source.url == "https://example.org/synthetic-source"
        ]  # fmt: skip
        assert len(match) == 1
        assert match[0].percent == percent
        assert match[0].source.title == title.strip() or match[0].source.title == title
        assert match[0].provisional is provisional


def _only_added(before: str, after: str) -> bool:
    """True when `after` is `before` with text added; an empty `[]` may become a block list."""
    import difflib

    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    added = False
    for op, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if op != "insert" and before[i1:i2].strip() not in ("[]", "[", "]", ""):
            raise AssertionError(f"{op} of {before[i1:i2]!r}: only additions are allowed")
        added = True
    return added


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
rows = st.lists(st.lists(cells, min_size=0, max_size=11), max_size=8)


@SETTINGS
@given(header=st.sampled_from([HEADER, "", "a,b,c", HEADER.lower()]), body=rows)
def test_any_csv_imports_or_exits_3(header: str, body: list[list[str]]) -> None:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows(body)
    text = (header + "\n" if header else "") + out.getvalue()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "measures.csv"
        path.write_text(text, encoding="utf-8")
        registry = Path(folder) / "trusts.yaml"
        registry.write_bytes(TRICKY.encode())
        result = RUNNER.invoke(
            app,
            ["-r", str(registry), "import", "msds", str(path), "--source-url",
             "https://example.org/synthetic-msds"],
        )  # fmt: skip
        output = result.stdout + result.stderr
        assert result.exit_code in (0, 3), output
        assert "Traceback" not in output and "internal error" not in output
        assert registry.read_bytes() == TRICKY.encode()  # a dry run writes nothing


@SETTINGS
@given(data=st.binary(max_size=300))
def test_any_bytes_import_or_exit_3(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "measures.csv"
        path.write_bytes(data)
        registry = Path(folder) / "trusts.yaml"
        registry.write_bytes(TRICKY.encode())
        result = RUNNER.invoke(
            app,
            ["-r", str(registry), "import", "msds", str(path), "--source-url",
             "https://example.org/synthetic-msds"],
        )  # fmt: skip
        assert result.exit_code in (0, 3), result.stdout + result.stderr
