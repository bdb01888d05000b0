"""The licence file says what pyproject.toml declares, and ships in the source package."""

from __future__ import annotations

import tomllib

from tests.support.paths import ROOT


def test_the_licence_file_matches_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert project["project"]["license"] == "MIT" and text.startswith("MIT License\n")
    (author,) = project["project"]["authors"]
    assert f"Copyright (c) 2026 {author['name']}\n" in text
    assert "Permission is hereby granted, free of charge" in text
    sdist = project["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]
    assert "LICENSE" in sdist
