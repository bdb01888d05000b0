"""A cache of parsed, validated registries, so that an unchanged registry loads fast.

Parsing YAML dominates every command on a large registry, and the registry rarely changes
between runs (``check`` and ``watch`` from cron). Once a registry has loaded without a single
problem, the data the YAML loader produced is kept as JSON in ``<cache dir>/parsed/``, under
the SHA-256 of the file's bytes, cocwatch's version and `FORMAT`. The next load of the same
bytes validates that JSON with pydantic-core through the same models (parsing JSON in Rust is
much faster than parsing YAML), then checks the invariants again, since some depend on today.

The cache is an optimisation only. An entry that cannot be read, does not validate, or
breaks an invariant today is ignored and the caller takes the full YAML path, so every message
is exactly what it would be without a cache; writing and pruning fail silently. Data that JSON
cannot carry faithfully (a time of day, a set, binary data, a number that is not finite, text
that is not valid Unicode) is not cached. ``COCWATCH_NO_CACHE=1`` bypasses the cache.

Imports the standard library and cocwatch's files and locations; the models only when used.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cocwatch import __version__
from cocwatch.cache import PARSED, folder
from cocwatch.errors import ExternalError
from cocwatch.files import atomic_write

if TYPE_CHECKING:
    from cocwatch.core.models import Registry

# Bump when the YAML loader's output or the JSON written here changes meaning, so that no
# entry written before is read after (a new cocwatch version does the same).
FORMAT = 1
MAX_ENTRIES = 8
ENV_NO_CACHE = "COCWATCH_NO_CACHE"

# Temporary files left by a crash while writing an entry are deleted once this old.
_STALE_TEMP_SECONDS = 24 * 3600


def enabled() -> bool:
    """Return whether the cache may be used (``COCWATCH_NO_CACHE`` unset, empty or 0)."""
    return os.environ.get(ENV_NO_CACHE, "").strip() in {"", "0"}


@dataclass(frozen=True, slots=True)
class Entry:
    """The cache entry for one registry's bytes (it may not exist yet)."""

    path: Path

    def load(self, *, today: date) -> Registry | None:
        """Return the cached registry, or None unless it validates and breaks no invariant."""
        from cocwatch.core.invariants import check_invariants
        from cocwatch.core.models import Registry

        try:
            blob = self.path.read_bytes()
        except OSError:
            return None
        # Whatever goes wrong here, the YAML path that follows reports it properly (or
        # succeeds): an optimisation must never be the reason a load fails.
        try:
            registry = Registry.model_validate_json(blob)
            if check_invariants(registry, today=today):
                return None
        except Exception:
            return None
        with contextlib.suppress(OSError):
            os.utime(self.path)  # pruning keeps the most recently used entries
        return registry

    def store(self, raw: Any) -> None:
        """Keep the YAML loader's data (text keys only) for the next load, if JSON can carry it."""
        blob = to_json(raw)
        if blob is None:
            return
        try:
            atomic_write(self.path, blob, what="registry cache entry")
        except (ExternalError, OSError):
            return
        prune(self.path.parent)


def entry_for(data: bytes) -> Entry | None:
    """Return the cache entry for a registry file's bytes, or None when the cache is off."""
    if not enabled():
        return None
    digest = hashlib.sha256(f"cocwatch {__version__} parsed registry {FORMAT}\n".encode())
    digest.update(data)
    return Entry(folder(PARSED) / f"{digest.hexdigest()}.json")


def to_json(raw: Any) -> bytes | None:
    """Encode the loader's data as JSON; None when JSON cannot carry it faithfully.

    Dates become ISO text, which pydantic reads back as the same dates. Mapping keys must
    already be text: JSON would silently turn the key 1 into "1" (the loader checks keys).
    """
    try:
        text = json.dumps(
            raw,
            default=_iso_date,
            allow_nan=False,  # NaN and infinity are not JSON
            ensure_ascii=False,
            separators=(",", ":"),
        )
        return text.encode("utf-8")  # fails on unpaired surrogates, which JSON cannot carry
    except (TypeError, ValueError, RecursionError):
        return None


def _iso_date(value: object) -> str:
    # Exactly a date: a datetime is a date too, but its time of day would be lost.
    if type(value) is date:
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not cached")


def prune(folder: Path, *, keep: int = MAX_ENTRIES) -> None:
    """Delete all but the `keep` most recently used entries, and stale temporary files."""
    try:
        names = list(folder.iterdir())
    except OSError:
        return
    now = time.time()
    entries: list[tuple[float, Path]] = []
    for path in names:
        try:
            modified = path.stat().st_mtime
        except OSError:
            continue
        if path.name.startswith("."):
            if path.name.endswith(".tmp") and now - modified > _STALE_TEMP_SECONDS:
                with contextlib.suppress(OSError):
                    path.unlink()
        elif path.suffix == ".json":
            entries.append((modified, path))
    entries.sort(reverse=True)
    for _, path in entries[keep:]:
        with contextlib.suppress(OSError):
            path.unlink()
