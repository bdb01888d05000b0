"""What the docs say about web addresses is what `record` and `validate` do."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.support.paths import ROOT
from tests.support.registries import MINIMAL_REGISTRY

Run = Callable[..., Result]
GUIDE = ROOT / "docs" / "guides" / "keeping-data-current.md"
README = GUIDE.read_text(encoding="utf-8")


def _record(run: Run, path: Path, url: str) -> Result:
    return run(
        "record", "figure", "example-north", "--percent", "20", "--as-of", "2024-06-30",
        "--source-url", url, "-r", str(path),
    )  # fmt: skip


@pytest.mark.parametrize("url", ["https://example.org/board", "http://example.org/board"])
def test_http_and_https_addresses_are_accepted(run: Run, tmp_path: Path, url: str) -> None:
    path = tmp_path / "trusts.yaml"
    path.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    result = _record(run, path, url)
    assert result.exit_code == 0, result.output
    assert url in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("url", ["www.example.org/board", "example.org", "ftp://example.org/x"])
def test_other_addresses_are_refused(run: Run, tmp_path: Path, url: str) -> None:
    path = tmp_path / "trusts.yaml"
    path.write_text(MINIMAL_REGISTRY, encoding="utf-8")
    result = _record(run, path, url)
    assert result.exit_code == 3
    assert "http:// or https://" in result.output
    assert path.read_text(encoding="utf-8") == MINIMAL_REGISTRY


def test_the_readme_says_so() -> None:
    text = " ".join(README.split())
    assert "without `https://`" not in text
    assert re.search(r"does not start with `http://` or `https://`", text)
