"""`emit` is the one way commands print; `download_bars` the one download progress display."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.text import Text
from typer.testing import Result

from cocwatch.cli.output import emit
from cocwatch.cli.progress import download_bars
from tests.support.paths import SRC


def test_text_gets_one_final_newline_and_bytes_are_written_as_they_are(
    capfdbinary: pytest.CaptureFixture[bytes],
) -> None:
    emit("one line")
    emit("two\nlines\n")
    emit("")
    sys.stdout.flush()
    emit("café ✓ ".encode() + b"\x00\xff")
    assert capfdbinary.readouterr().out == b"one line\ntwo\nlines\n" + "café ✓ ".encode() + (
        b"\x00\xff"
    )


def test_a_renderable_is_drawn_without_reading_markup_or_emoji_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    emit(Text("[bold]Trust[/bold] :warning: [1]"))
    assert capsys.readouterr().out == "[bold]Trust[/bold] :warning: [1]\n"


def test_registry_text_that_looks_like_markup_is_shown_as_written(
    run: Callable[..., Result], write_registry: Callable[[str], Path]
) -> None:
    registry = write_registry(
        """\
        version: 1
        trusts:
          - id: example-odd
            ods: XX9
            name: "Example [bold]Odd[/bold] :warning: NHS Trust (synthetic)"
            region: "London [red]"
        """
    )
    result = run("-r", str(registry), "trusts", env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    assert "Example [bold]Odd[/bold] :warning: NHS Trust (synthetic)" in result.stdout
    assert "London [red]" in result.stdout


def _bars(enabled: bool) -> subprocess.CompletedProcess[str]:
    code = textwrap.dedent(
        f"""
        from cocwatch.cli.progress import download_bars
        with download_bars(enabled={enabled}) as bars:
            if bars is None:
                print("no bars")
            else:
                bars.update("https://a", 5, 10, description="March 2025 (final)")
                bars.update("https://b", 1, None, description="April 2025 (provisional)")
                bars.update("https://a", 10, 10, description="March 2025 (final)")
                bars.one("Downloading")(3, 4)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(SRC), "TTY_COMPATIBLE": "1", "COLUMNS": "120"}
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )


def test_download_bars_show_each_download_on_stderr_at_a_terminal() -> None:
    done = _bars(enabled=True)
    assert done.stdout == ""
    for shown in ("March 2025 (final)", "10/10 bytes", "April 2025 (provisional)", "3/4 bytes"):
        assert shown in done.stderr


def test_no_download_bars_when_not_enabled() -> None:
    done = _bars(enabled=False)
    assert done.stdout == "no bars\n" and done.stderr == ""
    with download_bars(enabled=False) as bars:
        assert bars is None
