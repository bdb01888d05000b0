"""The import contract that keeps commands apart names every command module there is."""

from __future__ import annotations

import tomllib

from tests.support.paths import ROOT


def test_every_command_module_is_in_the_independence_contract() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    independent = next(c for c in contracts if c["name"].startswith("Commands do not import"))
    commands = sorted(
        f"cocwatch.cli.{path.stem}" for path in (ROOT / "src/cocwatch/cli").glob("cmd_*.py")
    )
    assert len(commands) >= 10
    assert sorted(independent["modules"]) == commands
