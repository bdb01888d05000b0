"""The import contract that keeps the command line in layers names every command module there
is, each in the top layer of independent modules (no command imports another)."""

from __future__ import annotations

import tomllib

from tests.support.paths import ROOT


def test_every_command_module_is_in_the_independent_top_layer() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layered = next(c for c in contracts if c["name"].startswith("The command line in layers"))
    assert layered["containers"] == ["cocwatch.cli"] and layered["exhaustive"] is True
    top = layered["layers"][0]
    assert ":" not in top  # `|`: the modules of the layer may not import each other
    commands = sorted(path.stem for path in (ROOT / "src/cocwatch/cli").glob("cmd_*.py"))
    assert len(commands) >= 10
    assert sorted(name.strip() for name in top.split("|")) == commands
