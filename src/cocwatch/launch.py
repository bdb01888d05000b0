"""The `cocwatch` program's entry point: `--version` and `--help` without building the CLI.

Importing Typer and registering every command takes longer than anyone should wait for
these two answers. `--version` is answered here. `--help` is Typer's own text: the first
time, the full application prints it and the text is kept in the cache folder (``help.txt``)
under a key of everything that shapes it: cocwatch's version, the command-line modules' files
(name, size, modification time), Typer's, Python's version, the program's name and the wrap
width. Later runs print the kept text while the key still matches; any change, an unreadable
or unwritable cache, a narrow terminal, ``COCWATCH_NO_CACHE=1`` or another program name all
lead to the full application. Everything else goes to `cocwatch.cli.main`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from cocwatch import __version__

HELP_FLAGS = (["--help"], ["-h"])
HELP_RECORD = "help.txt"
# Typer wraps help at min(terminal columns, 80) - 2; the record serves the full width only.
FULL_WIDTH = 80


def main() -> None:
    """Run the cocwatch command line."""
    args = sys.argv[1:]
    if args == ["--version"]:
        _print(f"cocwatch {__version__}\n")
        return
    if args in HELP_FLAGS:
        key = _help_key()
        if key is not None:
            _help(key)
            return
    from cocwatch.cli import main as full_main

    full_main()


def _help(key: str) -> None:
    """Print the kept help if its key matches; else Typer's, keeping it for next time."""
    record = _help_record()
    try:
        kept = record.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        kept = ""
    head, _, text = kept.partition("\n")
    if head == key and text:
        _print(text)
        return
    text = _typer_help()
    _print(text)
    if text:
        _keep(record, f"{key}\n{text}")


def _typer_help() -> str:
    """What the full application prints for --help (it exits 0 after printing)."""
    import contextlib
    import io

    from cocwatch.cli import main as full_main

    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            full_main()
    except SystemExit as stop:
        if stop.code not in (0, None):
            sys.stdout.write(out.getvalue())
            raise
    return out.getvalue()


def _help_key() -> str | None:
    """Everything that shapes Typer's help text, or None when the record must not be used."""
    import shutil

    called_as_program = getattr(sys.modules["__main__"], "__package__", None) in (None, "")
    if not called_as_program or Path(sys.argv[0]).name != "cocwatch":
        return None  # Typer names the program in the usage line
    if shutil.get_terminal_size().columns < FULL_WIDTH:
        return None
    if os.environ.get("COCWATCH_NO_CACHE", "").strip() not in ("", "0"):
        return None
    try:
        import importlib.util

        typer = importlib.util.find_spec("typer")
        typer_file = Path(typer.origin).stat() if typer and typer.origin else None
        cli = Path(__file__).with_name("cli")
        files = sorted(
            (entry.name, entry.stat().st_size, entry.stat().st_mtime_ns)
            for entry in os.scandir(cli)
            if entry.name.endswith(".py")
        )
    except (OSError, ImportError, ValueError):
        return None
    typer_stamp = (typer_file.st_size, typer_file.st_mtime_ns) if typer_file else None
    return repr((__version__, sys.version, FULL_WIDTH, files, typer_stamp))


def _help_record() -> Path:
    from cocwatch.locations import cache_dir

    return cache_dir() / HELP_RECORD


def _keep(record: Path, text: str) -> None:
    """Keep the help for next time; a cache that cannot be written only costs speed."""
    try:
        from cocwatch.files import atomic_write

        atomic_write(record, text.encode("utf-8"), what="help record")
    except Exception:  # an optimisation must never make --help fail
        return


def _print(text: str) -> None:
    """Print the answer; a closed or full stdout is exit 4 with a word on stderr, as elsewhere."""
    try:
        if sys.stdout is None:
            raise OSError("standard output is closed")
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        if sys.stderr is not None:
            sys.stderr.write(f"Error: Cannot write the output: {exc.strerror or exc}.\n")
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.close(null)
        except OSError:
            pass
        raise SystemExit(4) from None
