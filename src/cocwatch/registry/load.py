"""Open a registry: read, parse strictly, validate against the models, check the invariants.

The fast path parses with the strict loader (`cocwatch.registry.yaml_loader`) and validates
with pydantic. Only when something is wrong is the document composed a second time, to turn
each problem's path (``trusts[3].figures[0].percent``) into a line and column
(`cocwatch.registry.locate`). Duplicate keys are found while parsing; impossible dates are kept
as text so pydantic reports them with the rest. (Official statistics are not in the registry
file but beside it, `cocwatch.statistics.store`, so the file stays small and loads in milliseconds.)
Imports PyYAML, pydantic (lazily), the models and cocwatch's errors; never the CLI.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cocwatch.errors import Problem, RegistryError
from cocwatch.locations import is_url
from cocwatch.registry.locate import Locator, inner_model, ordered, validation_problems
from cocwatch.registry.reading import decode_text, read_bytes
from cocwatch.registry.yaml_loader import load_yaml

if TYPE_CHECKING:
    import httpx

    from cocwatch.core.models import Registry


@dataclass(frozen=True, slots=True)
class LoadedRegistry:
    """A validated registry and where it came from."""

    registry: Registry
    source: str  # what to call it in messages: a path or a URL
    path: Path | None  # the local file (a cached copy for a URL)


def load_registry(
    location: str | Path,
    *,
    today: date,
    warn: Callable[[str], None] | None = None,
    http: httpx.Client | None = None,
) -> LoadedRegistry:
    """Open the registry at `location`, a local path or an http(s) URL: the one way to open one.

    A URL is fetched through the download cache (`cocwatch.registry.remote`), and its last good
    copy is used, with a warning through `warn` (default: printed to stderr), when the network
    fails.
    """
    if isinstance(location, str) and is_url(location):
        from cocwatch.registry.remote import fetch_cached

        path = fetch_cached(location, warn=warn or _print_warning, http=http)
        registry = parse_registry_bytes(path.read_bytes(), location, today=today)
        return LoadedRegistry(registry, location, path)
    path = Path(location).expanduser()
    data = read_bytes(path, what="registry")
    return LoadedRegistry(parse_registry_bytes(data, str(path), today=today), str(path), path)


def _print_warning(message: str) -> None:
    from cocwatch.core.safe_text import for_terminal

    print(f"Warning: {for_terminal(message)}", file=sys.stderr)


def parse_registry_bytes(data: bytes, source: str, *, today: date) -> Registry:
    """Validate a registry file's bytes as `parse_registry` does."""
    return parse_registry(decode_text(data, source, what="registry"), source, today=today)


def parse_registry(text: str, source: str, *, today: date) -> Registry:
    """Validate registry text; raise `RegistryError` listing every problem."""
    from pydantic import ValidationError

    from cocwatch.core.invariants import check_invariants
    from cocwatch.core.models import Registry

    data, problems, _ = load_yaml(text, source)
    if data is None:
        raise RegistryError(
            source,
            [
                Problem(
                    "the file is empty; a registry starts with 'version: 1' and 'trusts:'", line=1
                )
            ],
        )
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single value ({type(data).__name__})"
        raise RegistryError(
            source,
            [
                Problem(
                    f"the file holds {kind}, but a registry is a set of keys: "
                    "'version: 1', 'national:' and 'trusts:'",
                    line=1,
                )
            ],
        )
    locator = Locator(text, data)
    try:
        registry = Registry.model_validate(data)
    except ValidationError as exc:
        problems += validation_problems(exc, locator)
        problems += _raw_duplicates(data, locator)
        problems += _raw_unknown_keys(data, locator, problems)
        raise RegistryError(source, ordered(problems)) from None
    problems += [
        locator.at(v.path, v.message, v.trust_id) for v in check_invariants(registry, today=today)
    ]
    if problems:
        raise RegistryError(source, ordered(problems))
    return registry


def _raw_duplicates(data: dict[str, Any], locator: Locator) -> list[Problem]:
    """Find reused Trust ids and ODS codes even when other problems stop full validation."""
    trusts = data.get("trusts")
    if not isinstance(trusts, list):
        return []
    found: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(trusts):
        if not isinstance(entry, dict):
            continue
        for key in ("id", "ods"):
            value = entry.get(key)
            if not isinstance(value, str | int):
                continue
            norm = (key, str(value).upper())
            if norm in seen:
                what = "trust id" if key == "id" else "ODS code"
                found.append(
                    locator.at(
                        ("trusts", i, key),
                        f"{what} '{value}' is also used by trust #{seen[norm] + 1}; "
                        f"each {what} must be unique",
                    )
                )
            seen.setdefault(norm, i)
    return found


def _raw_unknown_keys(
    data: dict[str, Any], locator: Locator, reported: list[Problem]
) -> list[Problem]:
    """Unknown keys pydantic did not get to report (an entry that failed a whole-entry check,
    such as a figure whose `percnt` hides its `percent`), each with its "did you mean"."""
    from cocwatch.core.models import Registry

    seen = {p.path for p in reported if p.path and p.message.startswith("unknown key")}
    found: list[Problem] = []

    def walk(value: Any, model: Any, path: tuple[Any, ...]) -> None:
        if isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, model, (*path, i))
            return
        if not isinstance(value, dict) or not hasattr(model, "model_fields"):
            return
        # A field is written under its alias where it has one (an ICB's `from`).
        fields = {f.alias or name: f for name, f in model.model_fields.items()}
        for key, item in value.items():
            if key in fields:
                walk(item, inner_model(fields[key].annotation), (*path, key))
            elif (*path, key) not in seen:
                err = {"loc": (*path, key), "type": "extra_forbidden"}
                found.append(locator.problem(err))

    walk(data, Registry, ())
    return found
