"""Every listing at 60, 80 and 120 columns: no id, ODS code, date, file name or web address in
its data is ever split across lines or cut short, and `check --all` takes two lines a Trust
at 80 columns, with every action.

The registry is the shipped one (its own copy, with `cocwatch init`); the correspondence log,
the WhatDoTheyKnow answers and the measures file's name are SYNTHETIC.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.correspondence.test_whatdotheyknow import feed_event
from tests.support.paths import SHIPPED_APRIL_2025
from tests.support.web import PageServer, Route

Run = Callable[..., Result]
WIDTHS = (60, 80, 120)
LONG_ID = "barking-havering-and-redbridge-university-hospitals"
RELEASE = (
    "https://digital.nhs.uk/data-and-information/publications/statistical/"
    "maternity-services-monthly-statistics/april-2025"
)


@pytest.fixture
def campaign(run: Run, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A registry of one's own with a correspondence log, and a synthetic WhatDoTheyKnow."""
    registry = tmp_path / "trusts.yaml"
    assert run("init", str(registry)).exit_code == 0
    site = PageServer()
    long_title = "Continuity of carer teams, pathways and Board papers 2025 to 2026 (synthetic)"
    site.routes["/feed/body/barking_synthetic.json"] = Route(
        json.dumps([feed_event("coc_teams_synthetic", long_title, "successful", "2026-05-01", [])]),
        content_type="application/json",
    )
    site.routes["/feed/search/tag%3Aods%3ARF4.json"] = Route("[]", content_type="application/json")
    env = {"COCWATCH_WHATDOTHEYKNOW": site.base}
    for trust, kind, on in ((LONG_ID, "board", "2026-09-01"), ("stockport", "foi", "2026-10-01")):
        sent = run("-r", str(registry), "sent", kind, trust, "--on", on, env=env)
        assert sent.exit_code == 0, sent.stderr
    measures = tmp_path / "msds-apr2025Provisional-exp-measures.csv"
    shutil.copyfile(SHIPPED_APRIL_2025, measures)
    yield {"registry": str(registry), "measures": str(measures), **env}
    site.close()


LISTINGS: list[tuple[str, ...]] = [
    ("trusts",),
    ("trusts", "bristol"),
    ("targets",),
    ("validate",),
    ("templates",),
    ("config", "show"),
    ("statistics",),
    ("show", LONG_ID),
    ("show", "north-bristol"),
    ("check", "--all"),
    ("check", LONG_ID),
    ("due", "--offline"),
    ("requests", LONG_ID, "--body", "barking_synthetic"),
    ("import", "msds", "{measures}", "--source-url", RELEASE),
]


def tokens(value: Any) -> set[str]:
    """Every id, ODS code, date, address and file name among the data's text values."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "ods" and isinstance(item, str):
                found.add(item)
            found |= tokens(item)
    elif isinstance(value, list):
        for item in value:
            found |= tokens(item)
    elif isinstance(value, str) and re.fullmatch(
        r"https?://\S+"  # web addresses
        r"|\d{4}-\d{2}-\d{2}"  # dates
        r"|[a-z0-9]+(?:-[a-z0-9]+)+"  # ids
        r"|/\S+"  # paths
        r"|[\w.-]+\.(?:csv|yaml|md|j2|sqlite3)",  # file names
        value,
    ):
        found.add(value)
    return found


def broken(tokens: set[str], output: str) -> dict[str, list[str]]:
    """The tokens of which `output` holds a beginning that ends a line or a table cell, or
    ends in an ellipsis: where a token was broken or cut. Only a cut inside a run of letters
    and digits, or after a hyphen or a slash, counts (a month `2025-04` is not a broken
    `2025-04-30`)."""
    ends: dict[str, set[str]] = {}  # the words that end a line or a cell, by how they end
    for found in re.finditer(r"(\S+?)(…|[ \t]*\n|[ \t]{2,}|[ \t]*$)", output):
        word = found.group(1).lstrip("([\"'")
        ends.setdefault(word[:2], set()).add(word + ("…" if found.group(2) == "…" else ""))
    found_broken: dict[str, list[str]] = {}
    for token in tokens:
        for end in ends.get(token[:2], ()):
            piece = end.removesuffix("…")
            k = len(piece)
            if k < max(2, len(token) // 3) or k >= len(token) or not token.startswith(piece):
                continue
            inside = token[k - 1].isalnum() and token[k].isalnum()
            if end.endswith("…") or inside or piece[-1] in "-/":
                found_broken.setdefault(token, []).append(end)
    return found_broken


@pytest.mark.parametrize("command", LISTINGS, ids=" ".join)
def test_no_token_of_the_data_is_split_at_any_width(
    run: Run, campaign: dict[str, str], command: tuple[str, ...]
) -> None:
    args = ["-r", campaign["registry"], *(a.format(**campaign) for a in command)]
    env = {"COCWATCH_WHATDOTHEYKNOW": campaign["COCWATCH_WHATDOTHEYKNOW"]}
    data = run(*args, "--format", "json", env=env)
    assert data.exit_code in (0, 1), data.stderr
    wanted = tokens(json.loads(data.stdout))
    assert wanted, "the data holds ids, dates or addresses to look for"
    for width in WIDTHS:
        shown = run(*args, env={**env, "COLUMNS": str(width)})
        assert shown.exit_code in (0, 1), shown.stderr
        out = shown.stdout
        split = broken(wanted, out)
        assert not split, f"{' '.join(command)} at {width} columns splits {split}:\n{out}"
        for line in out.splitlines():
            if len(line) > width:  # only a word too long for any line may run over
                assert max(len(word) for word in line.split()) > width // 2, (width, line)


def test_check_all_at_80_columns_takes_two_lines_a_trust_with_every_action(
    run: Run, campaign: dict[str, str]
) -> None:
    from cocwatch.render.check.compact import KEYS

    out = run("-r", campaign["registry"], "check", "--all", env={"COLUMNS": "80"}).stdout
    lines = out.splitlines()
    trusts = json.loads(
        run("-r", campaign["registry"], "check", "--all", "--format", "json").stdout
    )["trusts"]
    rows = [i for i, line in enumerate(lines) if line[:1] in ("✗", "!", "✓")]
    assert len(rows) == len(trusts) > 100
    # each Trust: its line, then one line of its ODS code and what to do, then the next Trust
    assert all(b - a == 2 for a, b in itertools.pairwise(rows))
    seconds = [lines[i + 1].split(" · ") for i in rows]
    assert sorted(s[0].strip() for s in seconds) == sorted(t["ods"] for t in trusts)
    legend = dict(re.findall(r"^  ([A-Z]+)  (.+)$", out, re.M))
    every = re.search(r"^Every Trust listed: (.+)\.$", out, re.M)
    shared = every.group(1).split("; ") if every else []
    from cocwatch.core.findings import RULE

    for trust, second in zip(sorted(trusts, key=lambda t: t["ods"]), sorted(seconds), strict=True):
        said = {legend.get(word, word) for word in second[1:]} | set(shared)
        for finding in trust["findings"]:
            action = RULE[finding["code"]].action
            if action:
                assert action in said, (trust["id"], action, second)
    assert set(legend) <= set(KEYS)
