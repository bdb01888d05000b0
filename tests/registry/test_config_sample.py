"""The sample config a new user fills in: every sender field offered, addresses as blocks."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import Result

from cocwatch.config import SAMPLE_CONFIG
from tests.support.paths import DEMO

Run = Callable[..., Result]


def test_the_sample_offers_every_setting_config_show_lists(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    assert run("config", "init", str(path)).exit_code == 0
    shown = run("--config", str(path), "config", "show", "--format", "json")
    assert shown.exit_code == 0, shown.output
    settings = [row["setting"] for row in json.loads(shown.stdout)]
    senders = [s.removeprefix("sender.") for s in settings if s.startswith("sender.")]
    assert "phone" in senders
    sample = path.read_text(encoding="utf-8")
    for key in senders:
        assert re.search(rf"^ *#? *{key}:", sample, re.M), f"the sample does not offer {key}"


def test_the_sample_shows_the_address_as_a_block(tmp_path: Path, run: Run) -> None:
    assert "\\n" not in SAMPLE_CONFIG  # no literal \n for anyone to copy
    example = re.search(r"^  # address: \|\n((?:  #   .*\n)+)", SAMPLE_CONFIG, re.M)
    assert example is not None
    # Following the sample's instructions (remove the #s) gives a multi-line address.
    filled = SAMPLE_CONFIG.replace(example.group(0), example.group(0).replace("  # ", "  "))
    filled = filled.replace("  name:            # e.g. Jo Bloggs", "  name: Jo Bloggs")
    path = tmp_path / "config.yaml"
    path.write_text(filled, encoding="utf-8")
    result = run(
        "--config", str(path), "-r", str(DEMO), "letter", "board", "example-coast",
        "--format", "txt",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "1 High Street\nAnytown AN1 1AA" in result.stdout
    assert "Warning: sender.address" not in result.stderr


def test_a_literal_backslash_n_in_the_sender_is_warned_about(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("sender:\n  address: 1 High Street\\nAnytown AN1 1AA\n", encoding="utf-8")
    result = run("--config", str(path), "-r", str(DEMO), "letter", "board", "example-coast")
    assert result.exit_code == 0, result.output
    assert f"sender.address in the config file {path} contains \\n" in result.stderr
    assert "  address: |\n    1 High Street\n    Anytown AN1 1AA" in result.stderr


def test_every_base_address_is_a_setting_with_its_variable_shown_and_in_help(
    run: Run, tmp_path: Path
) -> None:
    """SPEC §2.1: each online service's base address is a config key with an environment
    variable, shown by `config show` (with where it came from) and in the help."""
    from cocwatch.core.web import WEB_ADDRESSES

    assert {w.key for w in WEB_ADDRESSES} >= {"whatdotheyknow_url", "statistics_url"}
    path = tmp_path / "config.yaml"
    assert run("config", "init", str(path)).exit_code == 0
    sample = path.read_text(encoding="utf-8")
    helps = " ".join(
        " ".join(run(*command, "--help", env={"COLUMNS": "300"}).stdout.split())
        for command in (["requests"], ["report"], ["letter"], ["import", "msds"], ["mp"])
    )
    for web in WEB_ADDRESSES:
        assert f"# {web.key}: {web.default}" in sample
        assert f"{web.key} in the config file or ${web.env}" in helps

        def shown(config: str, env: dict[str, str] | None = None, key: str = web.key) -> Any:
            path.write_text(config, encoding="utf-8")
            result = run("--config", str(path), "config", "show", "--format", "json", env=env)
            assert result.exit_code == 0, result.output
            return next(r for r in json.loads(result.stdout) if r["setting"] == key)

        assert shown("") == {"setting": web.key, "value": web.default, "origin": "default"}
        mine = f"{shown('')['value']}/mirror"
        assert shown(f"{web.key}: {mine}\n")["origin"] == "config file"
        from_env = shown(f"{web.key}: {mine}\n", {web.env: "https://example.org/env"})
        assert (from_env["value"], from_env["origin"]) == ("https://example.org/env", "environment")
        path.write_text(f"{web.key}: not an address\n", encoding="utf-8")
        refused = run("--config", str(path), "config", "show")
        assert refused.exit_code == 2 and f"{web.key}: in the config file" in refused.stderr
