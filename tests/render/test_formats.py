"""Output formats are one table of renderers, and every listing renders in every format.

Listings here are built from the synthetic demo registry (examples/demo.yaml).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from rich.console import Console
from typer.testing import Result

from cocwatch.render import formats
from cocwatch.render.formats import FORMATS, Format, Listing, RowListing, formats_help, render
from cocwatch.render.tabular import Column
from tests.support.paths import DEMO

AS_OF = date(2026, 11, 23)


def _listings() -> dict[str, Listing]:
    from cocwatch.core.assessment import assess
    from cocwatch.core.models import Thresholds
    from cocwatch.registry import load_registry
    from cocwatch.render.check import CheckListing
    from cocwatch.render.registry import target_listing, trust_listing, validation_listing
    from cocwatch.render.show import trust_detail

    registry = load_registry(DEMO, today=AS_OF).registry
    trusts = list(registry.trusts)
    assessment = assess(registry, trusts, as_of=AS_OF, thresholds=Thresholds())
    one = assess(registry, trusts[:1], as_of=AS_OF, thresholds=Thresholds())
    return {
        "check": CheckListing(assessment, "demo.yaml"),
        "check TRUST": CheckListing(one, "demo.yaml", registry=registry, detail=True),
        "trusts": trust_listing(trusts, as_of=AS_OF, source="demo.yaml"),
        "targets": target_listing(registry, as_of=AS_OF),
        "validate": validation_listing("demo.yaml", registry, [], as_of=AS_OF),
        "show": trust_detail(trusts[0], registry, as_of=AS_OF),
    }


LISTINGS = _listings()


def _drawn(output: Any) -> str:
    if isinstance(output, str):
        return output
    console = Console(width=100, record=True, file=io.StringIO(), color_system=None)
    console.print(output)
    return console.export_text()


@pytest.mark.parametrize("name", list(LISTINGS))
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_listing_renders_in_every_format(fmt: str, name: str) -> None:
    listing = LISTINGS[name]
    text = _drawn(render(fmt, listing))
    assert text.strip()
    if fmt == "json":
        assert json.loads(text) == json.loads(json.dumps(listing.data(), default=str))
    if fmt == "csv":
        table = list(csv.reader(io.StringIO(text)))
        assert table[0] == [c.key for c in listing.columns()]
        assert len(table) == len(listing.rows()) + 1


def test_check_json_is_the_contract_and_csv_one_row_per_trust_and_cohort() -> None:
    listing = LISTINGS["check"]
    data = json.loads(_drawn(render("json", listing)))
    assert list(data) == [
        "as_of", "registry", "target", "thresholds", "summary", "trusts", "notes", "licence"
    ]  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(_drawn(render("csv", listing)))))
    assert len(rows) == sum(len(t["cohorts"]) for t in data["trusts"])
    assert {r["id"] for r in rows} == {t["id"] for t in data["trusts"]}


def _tsv(listing: Listing) -> str:
    """A format written for this test alone: tab-separated values from the rows."""
    lines = ["\t".join(c.key for c in listing.columns())]
    lines += [
        "\t".join(str(row.get(c.key, "")) for c in listing.columns()) for row in listing.rows()
    ]
    return "\n".join(lines) + "\n"


def test_a_new_format_is_one_renderer_and_one_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """What adding a format takes: every listing renders in it with no change to the listings."""
    monkeypatch.setitem(formats.FORMATS, "tsv", Format("tsv", "tsv", _tsv))
    for name, listing in LISTINGS.items():
        lines = _drawn(render("tsv", listing)).splitlines()
        assert len(lines) == len(listing.rows()) + 1, name
        assert lines[0].split("\t") == [c.key for c in listing.columns()]
    assert formats_help().endswith(", markdown or tsv.")


def test_row_listing_text_and_table_columns_change_only_the_terminal_view() -> None:
    rows = [{"a": 1, "b": "x"}]
    listing = RowListing(
        rows,
        [Column("a", "A"), Column("b", "B")],
        table_columns=[Column("b", "Only B")],
    )
    assert _drawn(render("csv", listing)) == "a,b\n1,x\n"
    assert json.loads(_drawn(render("json", listing))) == rows
    table = _drawn(render("table", listing))
    assert "Only B" in table and "A" not in table.split()
    said = RowListing(rows, [Column("a", "A")], text="Nothing to list.")
    assert render("table", said) == "Nothing to list."
    assert _drawn(render("markdown", said)) == "| A |\n| --- |\n| 1 |\n"


def test_format_help_and_choices_come_from_the_table(run: Callable[..., Result]) -> None:
    assert formats_help() == (
        "table (for people), json (the stable interface for scripts), csv or markdown."
    )
    for command in (["check"], ["trusts"], ["show"], ["targets"], ["due"], ["validate"]):
        result = run(*command, "--help", env={"COLUMNS": "200"})
        assert result.exit_code == 0
        assert "|".join(FORMATS) in result.stdout, command
        assert formats_help() in " ".join(result.stdout.split()), command
    refused = run("trusts", "--format", "yaml")
    assert refused.exit_code == 2
    assert "yaml" in refused.stderr and "table" in refused.stderr


def test_format_names_are_case_insensitive(run: Callable[..., Result]) -> None:
    result = run("-r", str(DEMO), "targets", "--format", "JSON")
    assert result.exit_code == 0
    assert "targets" in json.loads(result.stdout)
