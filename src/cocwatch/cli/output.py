"""`emit`, the one way a command writes its output to stdout, and what a closed or full
stdout becomes (exit 4 with a word on stderr, not a traceback or an exit 0 with nothing).

May import Typer, `cocwatch.errors` and `core.safe_text` (the one neutraliser); rich inside
`emit`, when a renderable is drawn.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from cocwatch.core.safe_text import for_terminal, has_unsafe
from cocwatch.errors import ExternalError

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType
    from rich.segment import Segment


def emit(output: str | bytes | RenderableType) -> None:
    """Write a command's output to stdout: text as is, bytes as they are, a renderable drawn.

    The one way the commands print. Text gets a final newline if it lacks one; a renderable
    is drawn at the terminal's width (or $COLUMNS), in colour only on a terminal and never
    with NO_COLOR, and with no rich markup or emoji codes read in it (registry text is
    shown as written). Text and renderables pass through the one neutraliser
    (`core.safe_text.for_terminal`): a control character or direction mark from outside
    data is shown as an escape, never acted on. Bytes (a letter's file) are written as they
    are.
    """
    with writing_stdout():
        if isinstance(output, bytes):
            sys.stdout.buffer.write(output)
            return
        if isinstance(output, str):
            text = for_terminal(output)
            sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
            return
        from rich.console import Console

        plain = bool(os.environ.get("NO_COLOR"))
        console = Console(
            highlight=False,
            soft_wrap=False,
            emoji=False,
            markup=False,
            color_system=None if plain else "auto",
        )
        # crop=False: a word wider than the terminal is kept whole (the terminal folds it)
        console.print(_Neutralised(output), crop=False)


class _Neutralised:
    """A renderable drawn with the text of each of its pieces neutralised (colours kept)."""

    def __init__(self, inner: RenderableType) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        from rich.segment import Segment

        for piece in console.render(self.inner, options):
            if piece.control or not has_unsafe(piece.text):
                yield piece
            else:
                yield Segment(for_terminal(piece.text), piece.style)


@contextmanager
def writing_stdout() -> Iterator[None]:
    """Write to standard output in this block; a closed or failing one is exit 4, not lost.

    Output that was asked for and cannot be delivered is a failure: a full disk behind
    ``> file`` or a closed stdout (``>&-``) exits 4 with a message on stderr instead of
    exiting 0 with nothing written (or 70). A reader that went away (``| head``) is not
    told about it: that exit is 4 too, but silent.
    """
    if sys.stdout is None:
        raise ExternalError(
            "Standard output is closed, so the output has nowhere to go. Run the command "
            "without closing it (>&-), or send it to a file (> FILE) or to /dev/null."
        )
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        _discard_stdout()
        if isinstance(exc, BrokenPipeError):
            raise typer.Exit(int(ExternalError.exit_code)) from None
        raise ExternalError(
            f"Cannot write the output: {exc.strerror or exc}. If it goes to a file, check "
            "that the disk is not full and the file is writable, or send it elsewhere."
        ) from None


def _discard_stdout() -> None:
    """Point stdout at the null device, so the unwritten rest does not fail again at exit."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass  # not a real file (tests capture stdout): nothing is flushed at exit
