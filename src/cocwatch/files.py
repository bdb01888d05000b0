"""Safe file writing: atomic replacement and locks, so a crash or a second run loses nothing.

`atomic_write` writes to a temporary file in the same folder, fsyncs it, then renames it
over the target, so readers see the old file or the new one, never half of one. `locked`
holds an exclusive lock beside the target (``NAME.lock``) for read-modify-write cycles.
Both follow symbolic links first (`resolve_target`): a registry kept as a link to a file in a
git checkout or a synced folder is changed where it really lives, the link stays a link, and
writers through either name share one lock.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from cocwatch.errors import ExternalError, InputError

LOCK_TIMEOUT_SECONDS = 30.0
# A temporary file (.NAME.XXXX.tmp) older than this was left by a write that was interrupted
# (the process killed, the machine stopped): no write takes this long, so the next write of
# the same file removes it.
STALE_TEMP_SECONDS = 600.0


def remove_stale_temps(path: Path, *, now: float | None = None) -> list[Path]:
    """Remove the temporary files an interrupted write of `path` left beside it; return them."""
    import time

    prefix, removed = f".{path.name}.", list[Path]()
    cutoff = (time.time() if now is None else now) - STALE_TEMP_SECONDS
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(prefix) and entry.name.endswith(".tmp")):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                Path(entry.path).unlink()
                removed.append(Path(entry.path))
        except OSError:
            continue  # another run removed it, or it is not ours to remove
    return removed


def resolve_target(path: Path) -> Path:
    """The file a write to `path` should change: `path` itself, or where its links lead.

    A path without symbolic links comes back unchanged (relative paths stay relative, so
    messages name the file as the user typed it). A link that points nowhere yet resolves to
    the file it names, which a write then creates.
    """
    path = Path(path)
    try:
        real = path.resolve()
    except (RuntimeError, OSError):  # RuntimeError: a symlink loop on Python < 3.13
        raise InputError(
            f"{path} is a symbolic link that leads back to itself, so there is no file to "
            "change. Point the link at the real file (ln -sfn TARGET LINK) or use the file's "
            "own path."
        ) from None
    if real == path.absolute():
        return path
    return real


def default_file_mode() -> int:
    """The permissions a new file gets under the user's umask (0o666 less it), as `open`
    gives; a temporary file is made with 0o600 instead."""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            mask = next(int(line.split()[1], 8) for line in status if line.startswith("Umask:"))
    except (OSError, StopIteration, ValueError, IndexError):
        mask = os.umask(0o022)
        os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, data: bytes, *, what: str = "file", mode: int | None = None) -> None:
    """Replace `path` (or the file its links lead to) with `data` atomically, keeping modes;
    a new file gets `mode` (default: 0o600, only its owner may read it)."""
    path = resolve_target(path)
    tmp_name: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(path)
        if path.exists():
            mode = path.stat().st_mode & 0o7777
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            Path(tmp_name).chmod(mode)
        Path(tmp_name).replace(path)
        tmp_name = None
        _fsync_dir(path.parent)
    except OSError as exc:
        raise ExternalError(
            f"Cannot write the {what} {path}: {exc.strerror or exc}. "
            "Check that the folder exists and is writable, and that the disk is not full."
        ) from None
    finally:
        if tmp_name is not None:
            Path(tmp_name).unlink(missing_ok=True)


def atomic_write_many(files: Sequence[tuple[Path, bytes]], *, what: str = "file") -> None:
    """Replace several files atomically, paying for durability once rather than per file.

    Each file is written to a temporary file beside it, as `atomic_write` does; then one
    ``os.sync()`` flushes them all (one fsync per file where the platform has no sync),
    they are renamed over their targets, and each folder is fsynced once. Readers still see
    each file old or new, never half-written; batches (letters, report pages) stay fast. A new
    file gets the user's usual permissions (`default_file_mode`); a replaced one keeps its own.
    """
    pending: list[tuple[str, Path]] = []
    current = Path()
    new_mode = default_file_mode()
    try:
        for target, data in files:
            current = resolve_target(target)
            current.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temps(current)
            # A new file gets the permissions `open` would give it (a letter is the user's
            # own document, not a secret); a replaced file keeps its own.
            mode = current.stat().st_mode & 0o7777 if current.exists() else new_mode
            fd, tmp_name = tempfile.mkstemp(
                dir=current.parent, prefix=f".{current.name}.", suffix=".tmp"
            )
            pending.append((tmp_name, current))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                if not hasattr(os, "sync"):
                    handle.flush()
                    os.fsync(handle.fileno())
            Path(tmp_name).chmod(mode)
        if hasattr(os, "sync"):
            os.sync()
        while pending:
            tmp_name, current = pending[0]
            Path(tmp_name).replace(current)
            pending.pop(0)
        for folder in dict.fromkeys(resolve_target(t).parent for t, _ in files):
            _fsync_dir(folder)
    except OSError as exc:
        raise ExternalError(
            f"Cannot write the {what} {current}: {exc.strerror or exc}. "
            "Check that the folder exists and is writable, and that the disk is not full."
        ) from None
    finally:
        for tmp_name, _ in pending:
            Path(tmp_name).unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def locked(
    path: Path, *, timeout: float = LOCK_TIMEOUT_SECONDS, what: str = "file"
) -> Iterator[None]:
    """Hold an exclusive lock for `path` (a ``.lock`` file beside the real file) meanwhile."""
    from filelock import FileLock, Timeout

    path = resolve_target(path)
    lock_path = Path(f"{path}.lock")
    lock = FileLock(str(lock_path), timeout=timeout)
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock.acquire()
    except Timeout:
        raise ExternalError(
            f"Another cocwatch is still changing the {what} {path} (waited {timeout:.0f} s). "
            f"Try again when it has finished; if none is running, delete {lock_path}."
        ) from None
    except OSError as exc:
        raise ExternalError(
            f"Cannot lock the {what} {path}: {exc.strerror or exc}. Check that the folder "
            "exists and is writable."
        ) from None
    try:
        yield
    finally:
        lock.release()
