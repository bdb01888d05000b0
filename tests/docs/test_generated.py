"""The reference pages are what the code says now, and the site builds without a warning."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .conftest import DOCS, ROOT


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()


@pytest.mark.parametrize("name", sorted(GEN.PAGES))
def test_generated_page_is_current(name: str) -> None:
    expected = GEN.PAGES[name]()
    path = DOCS / name
    actual = path.read_text(encoding="utf-8") if path.exists() else ""
    assert actual == expected, f"docs/{name} is out of date: run `python scripts/gen_docs.py`"


def test_every_command_and_subcommand_has_its_help_in_the_reference() -> None:
    page = (DOCS / "reference" / "commands.md").read_text(encoding="utf-8")
    for path in GEN.command_paths():
        usage = f"Usage: cocwatch {' '.join(path)} [OPTIONS]"
        assert usage in page, f"docs/reference/commands.md lacks `cocwatch {' '.join(path)}`"


def test_help_used_for_the_reference_is_plain_and_80_columns_wide() -> None:
    page = GEN.commands_page()
    assert "\x1b[" not in page
    blocks = page.split("```text\n")[1:]
    widths = [len(line) for block in blocks for line in block.split("```", 1)[0].splitlines()]
    assert max(widths) <= GEN.HELP_WIDTH


def test_every_finding_and_exit_code_is_in_the_reference() -> None:
    from cocwatch.core.findings import RULES
    from cocwatch.errors import ExitCode

    findings = (DOCS / "reference" / "findings.md").read_text(encoding="utf-8")
    exit_codes = (DOCS / "reference" / "exit-codes.md").read_text(encoding="utf-8")
    assert all(f"| `{rule.code}` | {rule.label} |" in findings for rule in RULES)
    assert all(f"| {int(code)} | `{code.name}` |" in exit_codes for code in ExitCode)


def test_the_generator_check_mode_names_a_stale_page_and_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(GEN, "DOCS", tmp_path)  # an empty docs folder: every page is stale
    assert GEN.main(["--check"]) == 1
    stale = capsys.readouterr().err
    assert "docs/reference/commands.md is out of date: run `python scripts/gen_docs.py`" in stale
    assert not any(tmp_path.iterdir()), "--check must write nothing"
    assert GEN.main([]) == 0
    assert (tmp_path / "reference" / "exit-codes.md").exists()
    assert GEN.main(["--check"]) == 0


def test_the_site_builds_strictly(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "index.html").exists()
    assert (tmp_path / "site" / "reference" / "commands" / "index.html").exists()
    for path in DOCS.rglob("*.md"):
        page = path.relative_to(DOCS).with_suffix("")
        built = tmp_path / "site" / (page.parent if page.name == "index" else page) / "index.html"
        assert built.exists(), f"docs/{path.relative_to(DOCS)} was not built"
