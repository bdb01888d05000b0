"""A registry of one's own (`cocwatch init`): copy the shipped registry, point the config at it.

The shipped registry lives inside the installed package, where a reinstall replaces it, so
commands that write refuse to change it. `copy_new_file` writes the copy without ever
replacing an existing file (not even one created a moment earlier by another program), and
`point_config_at` sets ``registry:`` in the config file by editing its text: every other line,
comment and blank line stays as the user wrote it, and a value it replaces is kept as a
comment. Imports PyYAML and cocwatch's file helpers; never the CLI.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from cocwatch.errors import ExternalError, InputError, UsageError
from cocwatch.files import atomic_write, locked

# A top-level `registry:` key on one line (not indented, not a comment).
_REGISTRY_LINE = re.compile(r"^registry[ \t]*:(?P<value>.*)$", re.M)
# The commented example in the sample config, under which the real line goes.
_SAMPLE_REGISTRY_COMMENT = re.compile(r"^#[ \t]*registry[ \t]*:.*$", re.M)


def copy_new_file(source: Path, target: Path, *, what: str = "file") -> None:
    """Copy `source` to `target`, which must not exist yet: never replaces anything.

    The data goes to a temporary file beside the target first; a hard link then gives it
    its name, which fails if the name exists (a file, a folder or a symbolic link), so a
    half-written copy is never visible and nothing is ever overwritten.
    """
    data = source.read_bytes()
    refuse_existing(target, what=what)
    tmp_name: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp_name).chmod(0o644)
        _link_or_create(Path(tmp_name), target, data)
    except FileExistsError:
        raise _exists(target, what) from None
    except OSError as exc:
        raise ExternalError(
            f"Cannot write the {what} {target}: {exc.strerror or exc}. "
            "Check that the folder is writable and the disk is not full, or give another path."
        ) from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                Path(tmp_name).unlink()


def copy_new_folder(source: Path, target: Path, *, what: str = "folder") -> int:
    """Copy every file under `source` to the same place under `target` (which must not exist
    yet), each with `copy_new_file`; return how many files were copied."""
    refuse_existing(target, what=what)
    copied = 0
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        if file.name.startswith(".") or file.suffix == ".lock":
            continue
        copy_new_file(file, target / file.relative_to(source), what=what)
        copied += 1
    return copied


def _link_or_create(tmp: Path, target: Path, data: bytes) -> None:
    """Give `tmp` the name `target`, failing if it exists (FileExistsError)."""
    try:
        os.link(tmp, target)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (e.g. a FAT memory stick)
        with target.open("xb") as handle:  # exclusive: still never replaces anything
            handle.write(data)


def refuse_existing(target: Path, *, what: str = "file") -> None:
    """Raise a usage error when `target` exists (a file, a folder or a symbolic link)."""
    if os.path.lexists(target):
        raise _exists(target, what)


def _exists(target: Path, what: str) -> UsageError:
    return UsageError(
        f"{target} already exists, and cocwatch never overwrites a {what}. To use that file, "
        f"run commands with `-r {target}` or set `registry: {target}` in your config file; "
        "or give `cocwatch init` another path."
    )


@dataclass(frozen=True, slots=True)
class ConfigChange:
    """What `point_config_at` did to the config file."""

    path: Path
    created: bool
    previous: str | None  # the registry the config named before, if any
    correspondence: str | None = None  # the log the config now names, if init set it


def point_config_at(
    config_path: Path,
    registry: Path,
    *,
    sample: str,
    today: date,
    dry_run: bool = False,
    correspondence: Path | None = None,
) -> ConfigChange:
    """Set ``registry:`` in the config file to `registry`, creating the file from `sample`.

    With `correspondence`, also set ``correspondence:`` (when the file has no such line), so
    that a log kept beside the old registry stays in use. With `dry_run`, only check that the
    change can be made (and raise if not).
    """
    value = _yaml_value(str(registry))
    extra = {} if correspondence is None else {"correspondence": str(correspondence)}
    with locked(config_path, what="config file"):
        if not config_path.exists():
            text = _set_registry("", value, sample=sample, today=today)
            text = _add_correspondence(text, extra, today)
            if not dry_run:
                atomic_write(config_path, text.encode("utf-8"), what="config file")
            return ConfigChange(config_path, created=True, previous=None)
        from cocwatch.registry.reading import read_text
        from cocwatch.registry.yaml_loader import parse_yaml

        old_text = read_text(config_path, what="config file")
        old_data, _ = parse_yaml(old_text, str(config_path))
        previous = old_data.get("registry") if isinstance(old_data, dict) else None
        if isinstance(old_data, dict) and old_data.get("correspondence"):
            extra = {}  # the config names a log already: it stays in use
        new_text = _set_registry(old_text, value, sample=None, today=today)
        new_text = _add_correspondence(new_text, extra, today)
        if not _only_registry_changed(old_data, new_text, {"registry": str(registry), **extra}):
            raise InputError(
                f"cocwatch could not add the registry to your config file {config_path} "
                "without changing anything else, so it left the file as it was. Open it in a "
                f"text editor and set this line at the left margin:\n  registry: {value}"
            )
        if not dry_run:
            atomic_write(config_path, new_text.encode("utf-8"), what="config file")
        return ConfigChange(
            config_path,
            created=False,
            previous=str(previous) if previous else None,
            correspondence=extra.get("correspondence"),
        )


def _add_correspondence(text: str, extra: dict[str, str], today: date) -> str:
    """`text` with a ``correspondence:`` line added at the end, when `extra` names a log."""
    if "correspondence" not in extra:
        return text
    dumped = yaml.safe_dump(extra, width=1_000_000, allow_unicode=True).strip()
    if text and not text.endswith("\n"):
        text += "\n"
    return (
        f"{text}# The correspondence log stays where it was (set by `cocwatch init` on "
        f"{today.isoformat()}).\n{dumped}\n"
    )


def _yaml_value(text: str) -> str:
    """`text` as a one-line YAML scalar, quoted only when YAML needs it."""
    dumped = yaml.safe_dump({"registry": text}, width=1_000_000, allow_unicode=True)
    return dumped.removeprefix("registry:").strip()


def _set_registry(text: str, value: str, *, sample: str | None, today: date) -> str:
    line = f"registry: {value}"
    if sample is not None:
        text = sample
    match = _REGISTRY_LINE.search(text)
    if match:
        old = match.group(0)
        kept = f"# {old.strip()}   (replaced by `cocwatch init` on {today.isoformat()})"
        return f"{text[: match.start()]}{kept}\n{line}{text[match.end() :]}"
    example = _SAMPLE_REGISTRY_COMMENT.search(text)
    if example:
        return f"{text[: example.end()]}\n{line}{text[example.end() :]}"
    if text and not text.endswith("\n"):
        text += "\n"
    return f"{text}{line}\n"


def _only_registry_changed(old_data: object, new_text: str, wanted: dict[str, str]) -> bool:
    """Whether the edited text reads as the old settings with just `wanted` set."""
    from cocwatch.registry.yaml_loader import parse_yaml

    try:
        new_data, _ = parse_yaml(new_text, "config")
    except Exception:  # any parse failure means the edit broke the file: refuse it
        return False
    if old_data is None:
        old_data = {}
    if not isinstance(old_data, dict) or not isinstance(new_data, dict):
        return False
    return new_data == {**old_data, **wanted}
