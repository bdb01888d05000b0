"""The registry commands: validate, schema, trusts, show, targets, config (synthetic data)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

Run = Callable[..., Result]


def test_validate_ok(run: Run, minimal_registry: Path) -> None:
    result = run("-r", str(minimal_registry), "validate")
    assert result.exit_code == 0
    assert "is valid: 2 trusts" in result.stdout


def test_validate_json_shape(run: Run, minimal_registry: Path) -> None:
    result = run("-r", str(minimal_registry), "validate", "--format", "json")
    report = json.loads(result.stdout)
    assert report["valid"] is True
    assert report["problems"] == []
    assert report["counts"] == {
        "trusts": 2,
        "open_trusts": 2,
        "targets": 1,
        "figures": 1,
        "recorded_figures": 0,
        "official_figures": 1,  # from the MSDS, though kept in the file (as show marks it)
    }


def test_schema_is_json_schema_accepting_the_registry(run: Run, minimal_registry: Path) -> None:
    import jsonschema
    import yaml

    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["title"] == "cocwatch registry"
    data = json.loads(json.dumps(yaml.safe_load(minimal_registry.read_text()), default=str))
    jsonschema.validate(data, schema)
    data["trusts"][0]["regoin"] = "x"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_trusts_json_lists_every_trust(run: Run, minimal_registry: Path) -> None:
    result = run("-r", str(minimal_registry), "trusts", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["count"] == 2
    assert [t["id"] for t in data["trusts"]] == ["example-north", "example-south"]
    first = data["trusts"][0]
    assert first["ods"] == "XX1" and first["open"] is True and first["figures"] == 1


def test_trusts_search_and_region(run: Run, minimal_registry: Path) -> None:
    by_name = run("-r", str(minimal_registry), "trusts", "south", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(by_name.stdout)))
    assert [r["id"] for r in rows] == ["example-south"]
    by_region = run("-r", str(minimal_registry), "trusts", "--region", "north east", "-f", "csv")
    assert [r["id"] for r in csv.DictReader(io.StringIO(by_region.stdout))] == ["example-north"]


def test_trusts_markdown_table(run: Run, minimal_registry: Path) -> None:
    result = run("-r", str(minimal_registry), "trusts", "--format", "markdown")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("| id | ods | name |")
    assert len(lines) == 4


@pytest.mark.parametrize("name", ["example-north", "xx1", "XX1", "north nhs"])
def test_show_finds_trust_by_id_ods_or_name(run: Run, minimal_registry: Path, name: str) -> None:
    result = run("-r", str(minimal_registry), "show", name, "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["trust"]["id"] == "example-north"
    assert data["figure_history"][0]["percent"] == 17.2
    assert data["figure_history"][0]["source_url"] == "https://example.org/msds"


def test_show_table_lists_figures_and_sources(run: Run, minimal_registry: Path) -> None:
    result = run("-r", str(minimal_registry), "show", "example-north")
    assert result.exit_code == 0
    assert "17.2%" in result.stdout
    assert "[1] official statistics: https://example.org/msds" in result.stdout
    assert "\x1b[" not in result.stdout


def test_unknown_trust_is_usage_error_with_suggestions(run: Run, minimal_registry: Path) -> None:
    result = run("-r", str(minimal_registry), "show", "exampel-north")
    assert result.exit_code == 2
    assert "Did you mean" in result.stderr and "example-north" in result.stderr


def test_ambiguous_trust_is_usage_error_listing_matches(run: Run, minimal_registry: Path) -> None:
    result = run("-r", str(minimal_registry), "show", "example")
    assert result.exit_code == 2
    assert "matches 2 trusts" in result.stderr


def test_targets_json_and_status(run: Run, minimal_registry: Path) -> None:
    result = run("-r", str(minimal_registry), "targets", "--format", "json")
    data = json.loads(result.stdout)
    assert data["targets"][0]["id"] == "ltp-2021"
    assert data["targets"][0]["status"] == "withdrawn"
    assert data["targets"][0]["withdrawn_on"] == "2022-09-21"


def test_registry_from_environment(
    run: Run, minimal_registry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COCWATCH_REGISTRY", str(minimal_registry))
    result = run("trusts", "--format", "json")
    assert json.loads(result.stdout)["count"] == 2


def test_registry_from_config_relative_to_config_file(run: Run, minimal_registry: Path) -> None:
    config = minimal_registry.parent / "config.yaml"
    config.write_text(f"registry: {minimal_registry.name}\n")
    result = run("--config", str(config), "trusts", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["registry"] == str(minimal_registry)


def test_option_beats_environment(
    run: Run, minimal_registry: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COCWATCH_REGISTRY", str(tmp_path / "missing.yaml"))
    result = run("-r", str(minimal_registry), "validate")
    assert result.exit_code == 0


def test_bad_config_exits_3_with_line(run: Run, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("sender:\n  nmae: Jo\n")
    result = run("--config", str(config), "config", "show")
    assert result.exit_code == 3
    assert f"{config}:2" in result.stderr and "Did you mean 'name'" in result.stderr


def test_config_init_writes_sample_and_never_overwrites(run: Run, tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    first = run("--config", str(config), "config", "init")
    assert first.exit_code == 0
    assert "thresholds:" in config.read_text()
    config.write_text("# mine\n")
    second = run("--config", str(config), "config", "init")
    assert second.exit_code == 2
    assert config.read_text() == "# mine\n"


def test_config_show_reports_origins(run: Run, tmp_path: Path, minimal_registry: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"registry: {minimal_registry}\nsender: {{name: Jo Bloggs}}\n"
        "thresholds: {tolerance_points: 5}\n"
    )
    result = run("--config", str(config), "config", "show", "--format", "json")
    rows = {r["setting"]: r for r in json.loads(result.stdout)}
    assert rows["registry"]["origin"] == "config file"
    assert rows["sender.name"]["value"] == "Jo Bloggs"
    assert rows["thresholds.tolerance_points"]["value"] == 5.0
    assert rows["thresholds.tolerance_points"]["origin"] == "config file"
    assert rows["thresholds.stale_after_days"]["origin"] == "default"


def test_bad_format_is_usage_error(run: Run, minimal_registry: Path) -> None:
    result = run("-r", str(minimal_registry), "trusts", "--format", "yaml")
    assert result.exit_code == 2


def test_version(run: Run) -> None:
    from cocwatch import __version__

    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"cocwatch {__version__}"


def test_validate_counts_a_trust_closing_later_as_open(
    run: Run, write_registry: Callable[[str], Path]
) -> None:
    path = write_registry(
        "version: 1\ntrusts:\n"
        "  - {id: a, ods: XA1, name: A (synthetic), region: R, closed_on: 2027-06-30}\n"
        "  - {id: b, ods: XB1, name: B (synthetic), region: R, closed_on: 2024-06-30}\n"
    )
    result = run("-r", str(path), "validate")
    assert result.exit_code == 0
    assert "2 trusts (1 open), 0 national targets, 0 official figures" in result.stdout


def test_trusts_validate_and_show_count_recorded_and_official_figures_apart(run: Run) -> None:
    """The shipped registry records no figure of Stockport's in the file; its statistics
    folder holds six official ones for April 2025, which `show` lists: every count says so."""
    shown = json.loads(run("show", "stockport", "--format", "json").stdout)["figure_history"]
    official = [f for f in shown if f["origin"] == "official"]
    assert len(official) == 6 and len(shown) == 6
    listed = json.loads(run("trusts", "stockport", "--format", "json").stdout)["trusts"][0]
    assert (listed["recorded_figures"], listed["official_figures"], listed["figures"]) == (0, 6, 6)
    table = run("trusts", "stockport", env={"COLUMNS": "100"}).stdout
    assert "Recorded" in table and "Official" in table
    row = next(line for line in table.splitlines() if line.startswith("Stockport")).split()
    assert row[row.index("open") - 2 : row.index("open")] == ["0", "6"]  # before its state
    assert "Figures   6 official (NHS England's statistics), 0 recorded from other sources" in (
        run("show", "stockport").stdout
    )
    counts = json.loads(run("validate", "--format", "json").stdout)["counts"]
    every = json.loads(run("trusts", "--format", "json").stdout)["trusts"]
    assert counts["official_figures"] >= sum(t["official_figures"] for t in every) > 600
    assert counts["recorded_figures"] == sum(t["recorded_figures"] for t in every) + 1  # England
    said = run("validate").stdout
    assert (
        f"{counts['official_figures']} official figures (NHS England's statistics) and 1 " in said
    )
