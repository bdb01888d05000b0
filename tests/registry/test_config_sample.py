"""The sample config a new user fills in: every sender field offered, addresses as blocks."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

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
