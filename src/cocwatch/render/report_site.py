"""Publishing the report's folder: all at once, under a lock, never over files not ours.

The site is built in a temporary folder beside DIR, then moved into place, so a reader or a
web server never sees half a report. The move (and the check that DIR holds a report of ours)
happens under a lock beside DIR (``.DIR.lock``), so two runs at once take turns; the lock
holder also removes staging folders left by runs that were killed. Imports filelock (through
`cocwatch.files`) and the standard library; knows nothing of the pages' contents.
"""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from cocwatch import __version__
from cocwatch.errors import ExternalError, UsageError

GENERATOR = f"cocwatch {__version__}"
TRUSTS_DIR = "trusts"
MARKER = f'<meta name="generator" content="{GENERATOR.split()[0]}'


def source_label(source: str) -> str:
    """Name the registry in the footer: a URL as is, a local file by its name only.

    A published page should not reveal the folders of the computer it was made on.
    """
    if source.startswith(("http://", "https://")):
        return source
    return Path(source).name or source


def publish(out_dir: Path, pages: Iterable[tuple[str, str | bytes]]) -> int:
    """Write (relative path, HTML) pages as the report in `out_dir`; return how many pages.
    Content given as bytes (a file the pages link to, under trusts/) is written as it is and
    not counted.

    `out_dir` is checked first, so a folder that is not a report of ours is refused before
    any page is rendered (`pages` may be a generator).
    """
    from cocwatch.files import locked

    resolved = out_dir.resolve()
    if resolved.parent == resolved or resolved == Path.home().resolve():
        raise UsageError(
            f"--out {out_dir} is the root or your home folder; the report needs a folder of "
            "its own. Give a new or empty folder, such as --out report."
        )
    parent = resolved.parent
    lock = parent / f".{out_dir.name}"
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(out_dir, exc) from None
    with locked(lock, what="report folder"):  # fail early, before the pages are rendered
        _check_target(out_dir)
    try:
        staging = Path(
            tempfile.mkdtemp(prefix=f".{out_dir.name}.{os.getpid()}.", suffix=".tmp", dir=parent)
        )
        # mkdtemp makes a private folder; a published report must be readable as usual.
        staging.chmod(0o777 & ~_umask())
    except OSError as exc:
        raise _unwritable(out_dir, exc) from None
    count = 0
    try:
        (staging / TRUSTS_DIR).mkdir()
        for relative, content in pages:
            target = staging / relative
            if isinstance(content, bytes):
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)
                continue
            target.write_text(content, encoding="utf-8")
            count += 1
        with locked(lock, what="report folder"):
            _check_target(out_dir)  # again: another run may have changed it meanwhile
            _remove_stale(out_dir, keep=staging)
            _move_into_place(staging, out_dir)
    except OSError as exc:
        raise _unwritable(out_dir, exc) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return count


STALE_AFTER_SECONDS = 3600.0  # a staging folder without a process id, left this long, is stale


def _remove_stale(out_dir: Path, *, keep: Path) -> None:
    """Remove what killed runs left: staging folders beside DIR, old pages inside it.

    A staging folder is named ``.DIR.PID.XXXX.tmp``; it is stale when that process is no
    longer running (or, for a name without a process id, after an hour). The caller holds
    the report lock, so no other run is between its renames.
    """
    for folder in out_dir.resolve().parent.glob(f".{glob.escape(out_dir.name)}.*.tmp"):
        if folder != keep and folder.is_dir() and _abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)
    if out_dir.is_dir():
        for folder in out_dir.glob(f".{TRUSTS_DIR}.old.*"):
            shutil.rmtree(folder, ignore_errors=True)


def _abandoned(folder: Path) -> bool:
    import time

    pid_text = folder.name.split(".")[-3] if folder.name.count(".") >= 4 else ""
    if pid_text.isdigit():
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            return True
        except (PermissionError, OverflowError):
            return False
        return False
    try:
        return time.time() - folder.stat().st_mtime > STALE_AFTER_SECONDS
    except OSError:
        return False


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_target(out_dir: Path) -> None:
    """Refuse to replace an index.html or trusts/ folder that cocwatch did not write."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(
            f"--out {out_dir} is a file, not a folder. Give a folder for the report "
            "(it is created when missing)."
        )
    index = out_dir / "index.html"
    if out_dir.is_dir() and not index.exists():
        try:
            others = sorted(entry.name for entry in os.scandir(out_dir))[:3]
        except OSError:
            others = []
        if others:
            raise UsageError(
                f"--out {out_dir} already holds other files ({', '.join(others)}…) and no "
                "cocwatch report, so the report will not be written there. Choose an empty or "
                "new folder, or the folder of a previous report."
            )
    if index.exists() and not _is_ours(index):
        raise UsageError(
            f"{index} exists and was not written by cocwatch, so the report will not replace "
            "it. Choose an empty or new folder for --out."
        )
    trusts = out_dir / TRUSTS_DIR
    if trusts.exists() and not (index.exists() and trusts.is_dir()):
        raise UsageError(
            f"{trusts} exists but is not part of a cocwatch report, so the report will not "
            "replace it. Choose an empty or new folder for --out."
        )


def _is_ours(index: Path) -> bool:
    try:
        with index.open(encoding="utf-8", errors="replace") as handle:
            head = handle.read(2048)
    except OSError:
        return False
    return MARKER in head


def _move_into_place(staging: Path, out_dir: Path) -> None:
    """Swap the staged site in: trusts/ by renames, index.html last (each step atomic)."""
    if not out_dir.exists():
        staging.rename(out_dir)  # the whole site at once (a rename within one folder)
        return
    current = out_dir / TRUSTS_DIR
    # A folder of its own for the old pages, so that two runs at once cannot collide.
    old = Path(tempfile.mkdtemp(prefix=f".{TRUSTS_DIR}.old.", dir=out_dir))
    try:
        if current.exists():
            current.rename(old / TRUSTS_DIR)
        try:
            (staging / TRUSTS_DIR).rename(current)
        except OSError:
            if (old / TRUSTS_DIR).exists() and not current.exists():
                (old / TRUSTS_DIR).rename(current)  # put the previous report back
            raise
        (staging / "index.html").replace(out_dir / "index.html")
    finally:
        shutil.rmtree(old, ignore_errors=True)


def _unwritable(out_dir: Path, exc: OSError) -> ExternalError:
    return ExternalError(
        f"Cannot write the report to {out_dir}: {exc.strerror or exc}. Check that the folder "
        "(or its parent) is writable and that the disk is not full, or choose another --out."
    )
