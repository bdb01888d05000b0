"""Letter templates on disk: finding them, reading them, and checking their front matter.

A template is a file ``NAME.md.j2`` that starts with YAML front matter between ``---`` lines
(title, recipient, scope, description; optionally cc, subject and follows) and renders
Markdown. User templates (a folder) override the built-in ones by name; files starting with
``_`` are partials (macros) that templates import, e.g. ``{% import "_letter.md.j2" as l %}``.

Every YAML and file error is re-raised as `InputError` naming the template file (and line).
May import PyYAML (lazily), `cocwatch.core.letters` and `cocwatch.errors`; no Jinja here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cocwatch.core.letters import RECIPIENT_ROLES, SCOPES, join_and
from cocwatch.errors import InputError
from cocwatch.locations import TEMPLATE_SUFFIX

SUFFIX = TEMPLATE_SUFFIX
FRONT_MATTER_KEYS = ("title", "recipient", "scope", "description", "cc", "subject", "follows")
REQUIRED_KEYS = ("title", "recipient", "scope", "description")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class TemplateSpec:
    """A letter template found on disk, with its front matter."""

    name: str
    title: str
    recipient: str
    scope: str
    description: str
    cc: tuple[str, ...]
    subject: str | None
    path: Path
    builtin: bool
    overrides: bool = False  # a user template that replaces a built-in one of the same name
    # Kinds of logged letters this one follows up (`follows:`), the one followed last.
    follows: tuple[str, ...] = ()

    @property
    def origin(self) -> str:
        return "built-in" if self.builtin else str(self.path.parent)

    @property
    def logged_to(self) -> str:
        """The body the correspondence log names for this letter: "national" (none: the
        minister, or an MP, who is no body cocwatch follows), "icb" (an ICB and its LMNS), or
        "trust" (a Trust, or an ICB named as ``icb:CODE``)."""
        if self.scope == "national" or self.recipient == "mp":
            return "national"
        return "icb" if self.scope == "icb" else "trust"


def split_front_matter(text: str, source: str) -> tuple[dict[str, Any] | None, str]:
    """Return the front matter (None when absent) and the body, line numbers preserved.

    The front matter is replaced by a Jinja comment spanning the same lines, so an error
    at line 12 of the file is reported as line 12.
    """
    import yaml

    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return None, text
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise InputError(
            f"The letter template {source} starts a front-matter block with '---' on line 1 "
            "but never closes it: add a line with just '---' after the title, recipient, "
            "scope and description."
        )
    block = "\n".join(lines[1:end])
    try:
        meta = _front_matter(block) if block.strip() else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 2}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise InputError(
            f"The letter template {source}{where} has front matter that is not valid YAML "
            f"({problem}). Fix the block between the '---' lines at the top."
        ) from None
    except (ValueError, TypeError):  # a number too long to convert, a list or block as a key
        raise InputError(
            f"The letter template {source} has front matter that cannot be read (a number "
            "with thousands of digits, or a key that is a list or block). Fix the block "
            "between the '---' lines at the top: plain 'key: value' lines."
        ) from None
    if not isinstance(meta, dict):
        raise InputError(
            f"The letter template {source} has front matter that is not a set of keys: "
            f"write {', '.join(REQUIRED_KEYS)} as 'key: value' lines between the '---' lines."
        )
    # A comment as tall as the front matter keeps every later line at its own number.
    body = "{#" + "\n" * end + "-#}\n" + "\n".join(lines[end + 1 :])
    return meta, body


def _front_matter(block: str) -> Any:
    """The front matter's data, read by the registry's strict loader (aliases bounded, an
    impossible date kept as text for the checks that follow)."""
    from cocwatch.registry.yaml_loader import StrictLoader

    loader = StrictLoader(block)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _spec(path: Path, *, builtin: bool) -> TemplateSpec:
    name = path.name[: -len(SUFFIX)]
    source = str(path)
    if not _NAME.match(name):
        raise InputError(
            f"The letter template {source} has a name cocwatch cannot use: name it with "
            "lowercase letters, digits, hyphens or underscores, ending in .md.j2."
        )
    text = read_template(path)
    meta, _ = split_front_matter(text, source)
    if meta is None:
        raise InputError(
            f"The letter template {source} has no front matter. Start it with a block like\n"
            "---\ntitle: ...\nrecipient: chief_executive\nscope: trust\ndescription: ...\n---"
        )
    problems: list[str] = []
    unknown = sorted(str(k) for k in meta if k not in FRONT_MATTER_KEYS)
    if unknown:
        problems.append(
            f"unknown key {join_and(repr(k) for k in unknown)} "
            f"(allowed: {', '.join(FRONT_MATTER_KEYS)})"
        )
    missing = [k for k in REQUIRED_KEYS if meta.get(k) in (None, "")]
    if missing:
        problems.append(f"missing {join_and(missing)}")
    for key in ("title", "description", "subject"):
        if key in meta and meta[key] is not None and not isinstance(meta[key], str):
            problems.append(f"{key} must be text")
    recipient = meta.get("recipient")
    if recipient is not None and recipient not in RECIPIENT_ROLES:
        problems.append(f"recipient {recipient!r} is not one of {', '.join(RECIPIENT_ROLES)}")
    scope = meta.get("scope")
    if scope is not None and scope not in SCOPES:
        problems.append(f"scope {scope!r} must be {join_and((repr(s) for s in SCOPES), 'or')}")
    cc = meta.get("cc") or []
    if isinstance(cc, str):
        cc = [cc]
    if not isinstance(cc, list) or any(c not in RECIPIENT_ROLES for c in cc):
        problems.append(f"cc must be a list of contact roles ({', '.join(RECIPIENT_ROLES)})")
        cc = []
    follows = meta.get("follows") or []
    if isinstance(follows, str):
        follows = [follows]
    if not isinstance(follows, list) or not all(
        isinstance(k, str) and _NAME.match(k) for k in follows
    ):
        problems.append("follows must be a letter kind (foi, board, ...), a list of them, or any")
        follows = []
    if recipient == "followed" and not follows:
        problems.append("recipient 'followed' needs follows (the letter whose recipient to use)")
    if problems:
        raise InputError(
            f"The letter template {source} has bad front matter: {'; '.join(problems)}. "
            "Fix the block between the '---' lines at the top."
        )
    return TemplateSpec(
        name=name,
        title=str(meta["title"]).strip(),
        recipient=str(recipient),
        scope=str(scope),
        description=" ".join(str(meta["description"]).split()),
        cc=tuple(str(c) for c in cc),
        follows=tuple(follows),
        subject=str(meta["subject"]).strip() if meta.get("subject") else None,
        path=path,
        builtin=builtin,
    )


def read_template(path: Path) -> str:
    """The template file's text; a file that cannot be read is an `InputError` naming it."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(
            f"The letter template {path} is not UTF-8 text. Save it as UTF-8 in your editor."
        ) from None
    except OSError as exc:
        raise InputError(
            f"Cannot read the letter template {path}: {exc.strerror or exc}."
        ) from None


def _template_files(folder: Path) -> list[Path]:
    try:
        return sorted(
            p for p in folder.iterdir() if p.name.endswith(SUFFIX) and not p.name.startswith("_")
        )
    except OSError as exc:
        raise InputError(
            f"Cannot read the templates folder {folder}: {exc.strerror or exc}. Check "
            "--template-dir or templates_dir in the config file."
        ) from None


def discover(builtin_dir: Path, user_dir: Path | None) -> dict[str, TemplateSpec]:
    """Every template by name: built-in ones, replaced by user ones of the same name."""
    found = {s.name: s for s in (_spec(p, builtin=True) for p in _template_files(builtin_dir))}
    if user_dir is not None:
        if not user_dir.is_dir():
            raise InputError(
                f"The templates folder {user_dir} does not exist. Create it, or fix "
                "--template-dir or templates_dir in the config file."
            )
        for path in _template_files(user_dir):
            spec = _spec(path, builtin=False)
            if spec.name in found:
                spec = TemplateSpec(**{**_fields(spec), "overrides": True})
            found[spec.name] = spec
    return dict(sorted(found.items()))


def _fields(spec: TemplateSpec) -> dict[str, Any]:
    return {name: getattr(spec, name) for name in spec.__slots__}
