"""Letter templates: the one strict, sandboxed Jinja environment, and letters as md/txt/docx/eml.

A template is a file ``NAME.md.j2`` that starts with YAML front matter between ``---`` lines
(title, recipient, scope, description; optionally cc and subject) and renders Markdown.
User templates (a folder) override the built-in ones by name; files starting with ``_`` are
partials (macros) that templates import, e.g. ``{% import "_letter.md.j2" as l %}``, and
``builtin/NAME`` always names the built-in file, so a user template can reuse its parts.

Every Jinja, YAML and python-docx failure is re-raised here as `InputError` naming the
template file, the line and, for undefined variables, the name. Imports Jinja2 and PyYAML;
python-docx and holidays only when needed.
"""

from __future__ import annotations

import io
import re
import signal
import threading
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import default as email_policy
from email.utils import format_datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from cocwatch.core.letters import (
    FORMATS,
    RECIPIENT_ROLES,
    SCOPES,
    LetterContext,
    LetterState,
    Placeholder,
    Reference,
    join_and,
    month_year,
    number_text,
    percent_text,
    placeholders_in,
    plural,
    points_text,
    uk_date,
    view_types,
)
from cocwatch.errors import InputError

# The context's frozen dataclasses (not LetterContext itself, which is never a variable).
VIEW_TYPES: frozenset[type] = frozenset(t for t in view_types() if t is not LetterContext)
SUFFIX = ".md.j2"
BUILTIN_PREFIX = "builtin/"
FRONT_MATTER_KEYS = ("title", "recipient", "scope", "description", "cc", "subject", "follows")
REQUIRED_KEYS = ("title", "recipient", "scope", "description")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# FOIA s.10(6): a bank holiday "in any part of the United Kingdom" is not a working day, so
# the FOI clock skips the holidays of England and Wales, Scotland and Northern Ireland alike.
FOI_SUBDIVISIONS = ("ENG", "NIR", "SCT", "WLS")


# ---------------------------------------------------------------------------------------
# Front matter and discovery


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
        meta = yaml.safe_load(block) if block.strip() else None
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


def _spec(path: Path, *, builtin: bool) -> TemplateSpec:
    name = path.name[: -len(SUFFIX)]
    source = str(path)
    if not _NAME.match(name):
        raise InputError(
            f"The letter template {source} has a name cocwatch cannot use: name it with "
            "lowercase letters, digits, hyphens or underscores, ending in .md.j2."
        )
    text = _read(path)
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
        problems.append(f"scope {scope!r} must be 'trust' or 'national'")
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


def _read(path: Path) -> str:
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


# ---------------------------------------------------------------------------------------
# The environment


class _Loader(jinja2.BaseLoader):
    """Loads ``NAME.md.j2`` files from the user folder, then the built-in one."""

    def __init__(self, builtin_dir: Path, user_dir: Path | None) -> None:
        self.builtin_dir = builtin_dir
        self.user_dir = user_dir

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        name = template
        folders = [self.builtin_dir] if name.startswith(BUILTIN_PREFIX) else []
        name = name.removeprefix(BUILTIN_PREFIX)
        if not folders:
            folders = [d for d in (self.user_dir, self.builtin_dir) if d is not None]
        if "/" in name or "\\" in name or name.startswith("."):
            raise jinja2.TemplateNotFound(template)
        filename = name if name.endswith(SUFFIX) else name + SUFFIX
        for folder in folders:
            path = folder / filename
            if path.is_file():
                _, body = split_front_matter(_read(path), str(path))
                return body, str(path), lambda: True
        raise jinja2.TemplateNotFound(template)


class _NotKnown(jinja2.TemplateRuntimeError):
    """A template printed a value the registry does not have (None)."""


def _finalize(value: Any) -> Any:
    if value is None:
        raise _NotKnown(
            "it printed a value that is not known (None); test it first, e.g. "
            "{% if trust.website %}…{% endif %}"
        )
    if isinstance(value, Placeholder):
        return value.text
    return value


def _uk_date(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        raise TypeError(f"uk_date needs a date, not {type(value).__name__}")
    return uk_date(value)


def _month_year(value: Any) -> str:
    if not isinstance(value, date):
        raise TypeError(f"month_year needs a date, not {type(value).__name__}")
    return month_year(value)


def _percent(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"percent needs a number, not {type(value).__name__}")
    return percent_text(float(value))


def _points(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"points needs a number, not {type(value).__name__}")
    return points_text(float(value))


def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"number needs a number, not {type(value).__name__}")
    return number_text(float(value))


def _lines(value: Any) -> str:
    """Join lines with Markdown hard line breaks (a backslash at the end of each line)."""
    if isinstance(value, str):
        value = value.splitlines()
    return "\\\n".join(str(v) for v in value)


def _plural(count: int, singular: str, many: str | None = None) -> str:
    return plural(int(count), singular, many)


# Resource limits of one letter: a template (perhaps a shared one) cannot hold a run for ever
# or fill the memory. A letter is a few kB; the national letter over a big registry, a few
# hundred kB.
RENDER_DEADLINE_SECONDS = 10.0
MAX_LETTER_CHARS = 5_000_000
_MAX_POWER_BITS = 4096
_BIG_WIDTH = re.compile(r"\d{7,}")  # a width or precision of a million or more
_PADDING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def _huge_power(base: Any, exponent: Any) -> bool:
    if not (isinstance(base, int) and isinstance(exponent, int)) or abs(base) < 2 or exponent < 1:
        return False
    return exponent * abs(base).bit_length() > _MAX_POWER_BITS


class _TooBig(SecurityError):
    """A template asked for more text than a letter can hold."""


def _refuse_big(what: str) -> _TooBig:
    return _TooBig(
        f"{what} would make more than {MAX_LETTER_CHARS:,} characters, far more than any letter"
    )


class LetterEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with a fast path for the context's own frozen views.

    Their public fields are plain data, so reading one needs none of the checks the sandbox
    makes for arbitrary objects; anything starting with an underscore is still refused.
    Everything else (strings, lists, dicts, dates) goes through the full checks.

    Whether an attribute is safe depends only on the object's type and the attribute's name
    (Jinja's rules and ours), so `getattr` remembers each decision per (type, name) instead of
    making it again for each of thousands of reads; what it returns is exactly what the
    sandbox returns, `str.format` wrapped and unsafe attributes refused as before.
    """

    # Repetition, powers and %-formatting are checked before they run (and never folded at
    # compile time), so `'a' * 10**9` is refused instead of taking gigabytes.
    intercepted_binops = frozenset({"*", "**", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._safe_attributes: dict[tuple[type, str], bool] = {}

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                if (
                    isinstance(seq, str | list | tuple)
                    and isinstance(count, int)
                    and len(seq) * count > MAX_LETTER_CHARS
                ):
                    raise _refuse_big(f"repeating a value {count:,} times")
        elif operator == "**" and _huge_power(left, right):
            raise _TooBig("that power is too large a number for a letter")
        elif operator == "%" and isinstance(left, str) and _BIG_WIDTH.search(left):
            raise _refuse_big("that format width")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str) and name in _PADDING_METHODS:
            width = next((a for a in (*args, *kwargs.values()) if isinstance(a, int)), 0)
            if width > MAX_LETTER_CHARS:
                raise _refuse_big(f"padding to {width:,}")
        if any(isinstance(a, str) and _BIG_WIDTH.search(a) for a in args) and name in {
            "format",
            "format_map",
        }:
            raise _refuse_big("that format width")
        return super().call(__context, __obj, *args, **kwargs)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if type(obj) in VIEW_TYPES:
            return not attr.startswith("_")
        return bool(super().is_safe_attribute(obj, attr, value))

    def getattr(self, obj: Any, attribute: str) -> Any:
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            return super().getattr(obj, attribute)  # tries obj[attribute], then undefined
        if isinstance(value, _METHOD_TYPES):
            wrapped = self.wrap_str_format(value)
            if wrapped is not None:
                return wrapped
        key = (type(obj), attribute)
        safe = self._safe_attributes.get(key)
        if safe is None:
            safe = self._safe_attributes[key] = self.is_safe_attribute(obj, attribute, value)
        return value if safe else self.unsafe_undefined(obj, attribute)


# What `wrap_str_format` looks at: only a bound method can be `str.format`.
_METHOD_TYPES = (types.MethodType, types.BuiltinMethodType)


def make_environment(builtin_dir: Path, user_dir: Path | None) -> LetterEnvironment:
    """The one environment every letter is rendered with: sandboxed, strict, no escaping."""
    env = LetterEnvironment(
        loader=_Loader(builtin_dir, user_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
        auto_reload=False,
    )
    env.filters.update(_capped_filters(env.filters))
    env.filters.update(
        uk_date=_uk_date,
        month_year=_month_year,
        percent=_percent,
        points=_points,
        number=_number,
        lines=_lines,
        join_and=join_and,
        plural=_plural,
    )
    return env


def _capped_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """Jinja's filters that take a width or a format, refusing sizes no letter needs."""
    original = {name: filters[name] for name in ("center", "indent", "format")}

    def center(value: Any, width: int = 80) -> Any:
        if isinstance(width, int) and width > MAX_LETTER_CHARS:
            raise _refuse_big(f"centring to {width:,}")
        return original["center"](value, width)

    def indent(value: Any, width: Any = 4, *args: Any, **kwargs: Any) -> Any:
        if (isinstance(width, int) and width > MAX_LETTER_CHARS // 100) or (
            isinstance(width, str) and len(width) > MAX_LETTER_CHARS // 100
        ):
            raise _refuse_big("that indentation")
        return original["indent"](value, width, *args, **kwargs)

    def format_(value: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and _BIG_WIDTH.search(value):
            raise _refuse_big("that format width")
        return original["format"](value, *args, **kwargs)

    return {"center": center, "indent": indent, "format": format_}


class _RenderTimeout(Exception):
    """The render deadline passed."""


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block after `seconds` (a timer signal; main thread on Unix only)."""
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise _RenderTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _render_capped(template: jinja2.Template, variables: dict[str, Any]) -> str:
    """Render, refusing output beyond `MAX_LETTER_CHARS` as soon as it is produced."""
    parts: list[str] = []
    size = 0
    for chunk in template.generate(variables):
        size += len(chunk)
        if size > MAX_LETTER_CHARS:
            raise _refuse_big("the letter")
        parts.append(chunk)
    return "".join(parts)


# ---------------------------------------------------------------------------------------
# Rendering


@dataclass(frozen=True, slots=True)
class CompiledTemplate:
    """A template compiled once per run."""

    spec: TemplateSpec
    body: jinja2.Template
    subject: jinja2.Template | None


@dataclass(frozen=True, slots=True)
class RenderedLetter:
    """One letter, rendered to Markdown, with what the renderer learnt along the way."""

    spec: TemplateSpec
    context: LetterContext
    markdown: str
    subject: str
    references: tuple[Reference, ...]
    placeholders: tuple[Placeholder, ...] = field(default=())


class Letters:
    """Compile templates once and render letters with them."""

    def __init__(self, builtin_dir: Path, user_dir: Path | None) -> None:
        self.builtin_dir = builtin_dir
        self.user_dir = user_dir
        self.env: ImmutableSandboxedEnvironment = make_environment(builtin_dir, user_dir)
        self._templates: dict[str, TemplateSpec] | None = None
        self._compiled: dict[str, CompiledTemplate] = {}

    @property
    def templates(self) -> dict[str, TemplateSpec]:
        if self._templates is None:
            self._templates = discover(self.builtin_dir, self.user_dir)
        return self._templates

    def compile(self, name: str) -> CompiledTemplate:
        """Compile the template called `name` (once)."""
        if name in self._compiled:
            return self._compiled[name]
        spec = self.templates[name]
        try:
            body = self.env.get_template(spec.path.name if not spec.builtin else name)
            subject = self.env.from_string(spec.subject) if spec.subject else None
        except jinja2.TemplateSyntaxError as exc:
            raise _syntax_error(exc, spec) from None
        except jinja2.TemplateNotFound as exc:
            raise InputError(
                f"The letter template {spec.path} refers to a template that does not exist "
                f"({exc.name}). Check the names in its import, include or extends tags."
            ) from None
        compiled = CompiledTemplate(spec, body, subject)
        self._compiled[name] = compiled
        return compiled

    def render(self, compiled: CompiledTemplate, context: LetterContext) -> RenderedLetter:
        """Render one letter to Markdown; record its references and placeholders."""
        state = LetterState()
        variables = context.variables()
        variables.update(cite=state.cite, references=state.references)
        variables["placeholder"] = state.placeholder
        try:
            with _deadline(RENDER_DEADLINE_SECONDS):
                markdown = _render_capped(compiled.body, variables)
                subject = _render_capped(compiled.subject, variables) if compiled.subject else None
        except Exception as exc:
            raise _render_error(exc, compiled.spec) from exc
        markdown = tidy_markdown(markdown)
        if subject is None:
            subject = compiled.spec.title
            if context.trust is not None:
                subject += f": {context.trust.name}"
        subject = " ".join(subject.split())
        candidates = list(context.placeholders) + state.extra_placeholders
        found = placeholders_in(markdown + "\n" + subject, candidates)
        return RenderedLetter(
            spec=compiled.spec,
            context=context,
            markdown=markdown,
            subject=subject,
            references=tuple(state.references),
            placeholders=tuple(found),
        )


def tidy_markdown(text: str) -> str:
    """Trim trailing spaces, collapse runs of blank lines, end with one newline."""
    lines = [line.rstrip(" \t") for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def _syntax_error(exc: jinja2.TemplateSyntaxError, spec: TemplateSpec) -> InputError:
    where = exc.filename or str(spec.path)
    line = f":{exc.lineno}" if exc.lineno else ""
    return InputError(
        f"The letter template {where}{line} has a syntax error: {exc.message}. "
        "Check the {{ }} and {% %} tags on that line."
    )


def _template_line(tb: TracebackType | None, spec: TemplateSpec) -> tuple[str, int | None]:
    """The template file and line where rendering stopped (from Jinja's rewritten frames)."""
    where, line = str(spec.path), None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(SUFFIX):
            where, line = filename, tb.tb_lineno
        tb = tb.tb_next
    return where, line


_UNDEFINED = re.compile(r"^'(?P<name>[^']+)' is undefined$")
_NO_ATTRIBUTE = re.compile(r"^'(?P<obj>.+)' has no attribute '(?P<name>[^']+)'$")


def _render_error(exc: Exception, spec: TemplateSpec) -> InputError:
    where, line = _template_line(exc.__traceback__, spec)
    at = f"{where}:{line}" if line else where
    message = str(getattr(exc, "message", None) or exc)
    if isinstance(exc, _RenderTimeout):
        return InputError(
            f"The letter template {spec.path} was still rendering after "
            f"{RENDER_DEADLINE_SECONDS:g} s (stopped near {at}), so cocwatch gave up: a loop "
            "in it runs far too often. Fix the template's loops."
        )
    if isinstance(exc, _TooBig):
        return InputError(
            f"The letter template {at} asks for too much text: {message}. "
            "Fix that expression or loop in the template."
        )
    if isinstance(exc, SecurityError):
        return InputError(
            f"The letter template {at} tried something the sandbox forbids ({message}). "
            "Templates may use the letter's context, filters and cite(); they cannot reach "
            "Python internals. Remove that expression."
        )
    if isinstance(exc, jinja2.UndefinedError):
        undefined = _UNDEFINED.match(message)
        attribute = _NO_ATTRIBUTE.match(message)
        if undefined:
            what = f"the variable '{undefined['name']}' is not defined"
        elif attribute:
            obj = re.sub(r"^cocwatch\.core\.letters\.(\w+) object$", r"\1", attribute["obj"])
            what = f"'{attribute['name']}' is not a field of {obj}"
        else:
            what = message
        return InputError(
            f"The letter template {at} uses something that does not exist: {what}. "
            "`cocwatch templates --fields` lists every variable and field a letter can use."
        )
    if isinstance(exc, _NotKnown):
        return InputError(f"The letter template {at} cannot be rendered: {message}.")
    if isinstance(exc, jinja2.TemplateError | TypeError | ValueError | LookupError):
        return InputError(f"The letter template {at} cannot be rendered: {message}.")
    return InputError(
        f"The letter template {at} failed while rendering ({type(exc).__name__}: {message}). "
        "Run again with --debug for details."
    )


# ---------------------------------------------------------------------------------------
# Markdown to text and Word


@dataclass(frozen=True, slots=True)
class Block:
    """A Markdown block: heading, paragraph, bullet, numbered item or rule."""

    kind: str  # heading | para | bullet | number | rule
    lines: tuple[str, ...]  # after hard breaks; inline markup still in place
    level: int = 0  # heading level
    number: str = ""  # numbered item's number


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^[-*+]\s+(.*)$")
_NUMBER = re.compile(r"^(\d{1,4})[.)]\s+(.*)$")
_RULE = re.compile(r"^(?:-{3,}|\*{3,}|_{3,})\s*$")


def parse_blocks(markdown: str) -> list[Block]:
    """Split the Markdown subset the letters use into blocks."""
    blocks: list[Block] = []
    kind, level, number = "", 0, ""
    raw: list[str] = []

    def flush() -> None:
        nonlocal raw, kind
        if raw:
            blocks.append(Block(kind or "para", _join(raw), level, number))
        raw, kind = [], ""

    for line in markdown.splitlines():
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        if m := _HEADING.match(stripped):
            flush()
            blocks.append(Block("heading", (m[2],), len(m[1])))
            continue
        if _RULE.match(stripped) and not raw:
            blocks.append(Block("rule", ()))
            continue
        is_item = (m_b := _BULLET.match(line)) or (m_n := _NUMBER.match(line))
        if is_item:
            flush()
            if m_b:
                kind, level, number, raw = "bullet", 0, "", [m_b[1]]
            else:
                kind, level, number, raw = "number", 0, m_n[1], [m_n[2]]  # type: ignore[index]
            continue
        if not raw:
            kind, level, number = "para", 0, ""
        raw.append(stripped if kind != "para" else line.strip())
    flush()
    return blocks


def _join(raw: list[str]) -> tuple[str, ...]:
    lines: list[str] = []
    current = ""
    for part in raw:
        hard = part.endswith("\\") and not part.endswith("\\\\")
        text = part[:-1].rstrip() if hard else part
        current = f"{current} {text}" if current else text
        if hard:
            lines.append(current)
            current = ""
    if current:
        lines.append(current)
    return tuple(lines)


_INLINE = re.compile(
    r"(?P<bold>\*\*(?P<b>.+?)\*\*)"
    r"|(?P<link>\[(?P<lt>[^\]\n]+)\]\((?P<lu>[^)\s]+)\))"
    r"|(?P<em>(?<![\w*])\*(?P<e>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*]))"
    r"|(?P<esc>\\(?P<ec>[\\`*_{}\[\]()#+\-.!]))"
)


def inline_runs(text: str) -> list[tuple[str, bool, bool]]:
    """Split inline Markdown into (text, bold, italic) runs; links become 'text (url)'."""
    runs: list[tuple[str, bool, bool]] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            runs.append((text[pos : m.start()], False, False))
        if m["bold"]:
            runs += [(t, True, i) for t, _, i in inline_runs(m["b"])]
        elif m["link"]:
            label, url = m["lt"], m["lu"]
            runs.append((url if label == url else f"{label} ({url})", False, False))
        elif m["em"]:
            runs += [(t, b, True) for t, b, _ in inline_runs(m["e"])]
        else:
            runs.append((m["ec"], False, False))
        pos = m.end()
    if pos < len(text):
        runs.append((text[pos:], False, False))
    return runs


def plain_inline(text: str) -> str:
    return "".join(t for t, _, _ in inline_runs(text))


def to_text(markdown: str) -> str:
    """The letter as plain text: no markup, one line per paragraph (for pasting and email)."""
    text = ""
    previous = ""
    for block in parse_blocks(markdown):
        if block.kind == "rule":
            continue
        lines = [plain_inline(line) for line in block.lines]
        if block.kind == "bullet":
            lines = ["- " + lines[0]] + ["  " + x for x in lines[1:]]
        elif block.kind == "number":
            indent = " " * (len(block.number) + 2)
            lines = [f"{block.number}. {lines[0]}"] + [indent + x for x in lines[1:]]
        if text:
            # Items of one list stay together; other blocks are separated by a blank line.
            same_list = block.kind in ("bullet", "number") and block.kind == previous
            text += "\n" if same_list else "\n\n"
        text += "\n".join(lines)
        previous = block.kind
    return text + "\n"


DOCX_FONT = "Arial"  # one family for headings and body; LibreOffice's Liberation Sans matches it
DOCX_LANGUAGE = "en-GB"  # so Word and LibreOffice spell-check in British English
_URL = re.compile(r"https?://[^\s<>()]*[^\s<>().,;:!?'\"]")


def to_docx(
    markdown: str, *, title: str, author: str | None, on: date, subject: str | None = None
) -> bytes:
    """The letter as a Word document for a UK office: A4, British English, one font family,
    headings, paragraphs, lists, and every web address a real hyperlink."""
    from docx import Document
    from docx.shared import Cm, Mm, Pt

    try:
        doc = Document()
        for section in doc.sections:
            section.page_width, section.page_height = Mm(210), Mm(297)
            section.left_margin = section.right_margin = Cm(2.5)
            section.top_margin = section.bottom_margin = Cm(2.5)
        _docx_one_font_and_language(doc)
        style = doc.styles["Normal"]
        style.font.size = Pt(11)
        props = doc.core_properties
        props.title = title
        props.subject = subject or title
        props.author = author or ""
        props.last_modified_by = author or ""
        props.language = DOCX_LANGUAGE
        moment = datetime(on.year, on.month, on.day)
        props.created = moment
        props.modified = moment
        props.revision = 1
        for block in parse_blocks(markdown):
            if block.kind == "rule":
                continue
            if block.kind == "heading":
                doc.add_heading(plain_inline(block.lines[0]), level=min(block.level, 4))
                continue
            if block.kind == "bullet":
                para = doc.add_paragraph(style="List Bullet")
            else:
                para = doc.add_paragraph()
            if block.kind == "number":
                para.paragraph_format.left_indent = Cm(0.9)
                para.paragraph_format.first_line_indent = Cm(-0.9)
                para.add_run(f"{block.number}.\t")
            for i, line in enumerate(block.lines):
                run = None
                for text, bold, italic in inline_runs(line):
                    run = _docx_add_text(para, text, bold=bold, italic=italic)
                if i < len(block.lines) - 1:
                    (run or para.add_run()).add_break()
        buffer = io.BytesIO()
        doc.save(buffer)
    except Exception as exc:  # python-docx raises assorted errors; none is the user's doing
        raise InputError(f"Could not build the Word document '{title}': {exc}.") from exc
    return buffer.getvalue()


def _docx_one_font_and_language(doc: Any) -> None:
    """Every style in `DOCX_FONT` (no theme fonts) and `DOCX_LANGUAGE`; headings in black."""
    from docx.oxml.ns import qn

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    if run_defaults.find(qn("w:lang")) is None:
        run_defaults.append(run_defaults.makeelement(qn("w:lang"), {}))
    for fonts in styles.iter(qn("w:rFonts")):
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), DOCX_FONT)
    for lang in styles.iter(qn("w:lang")):
        for slot in ("w:val", "w:eastAsia"):
            lang.set(qn(slot), DOCX_LANGUAGE)
    for color in styles.iter(qn("w:color")):
        for theme in ("w:themeColor", "w:themeShade", "w:themeTint"):
            color.attrib.pop(qn(theme), None)
        color.set(qn("w:val"), "000000")
    # List bullets: the template draws them from the Symbol font; a plain "•" needs no other.
    for level in doc.part.numbering_part.element.iter(qn("w:lvl")):
        number_format = level.find(qn("w:numFmt"))
        if number_format is None or number_format.get(qn("w:val")) != "bullet":
            continue
        level.find(qn("w:lvlText")).set(qn("w:val"), "•")
        for fonts in level.iter(qn("w:rFonts")):
            fonts.attrib.clear()
            for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
                fonts.set(qn(slot), DOCX_FONT)


def _docx_add_text(para: Any, text: str, *, bold: bool, italic: bool) -> Any:
    """Add `text` to the paragraph, its web addresses as hyperlinks; return the last run."""
    run = None
    pos = 0
    for m in _URL.finditer(text):
        if m.start() > pos:
            run = _docx_run(para, text[pos : m.start()], bold=bold, italic=italic)
        run = _docx_hyperlink(para, m.group(0), bold=bold, italic=italic)
        pos = m.end()
    if pos < len(text) or run is None:
        run = _docx_run(para, text[pos:], bold=bold, italic=italic)
    return run


def _docx_run(para: Any, text: str, *, bold: bool, italic: bool) -> Any:
    run = para.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    return run


def _docx_hyperlink(para: Any, url: str, *, bold: bool, italic: bool) -> Any:
    """A clickable link showing the address itself, blue and underlined as Word shows one."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml.ns import qn
    from docx.shared import RGBColor
    from docx.text.run import Run

    rel_id = para.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = para._p.makeelement(qn("w:hyperlink"), {qn("r:id"): rel_id, qn("w:history"): "1"})
    para._p.append(link)
    run = Run(link.makeelement(qn("w:r"), {}), para)
    link.append(run._r)
    run.text = url
    run.bold = bold or None
    run.italic = italic or None
    run.underline = True
    run.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)
    return run


def to_eml(
    text: str,
    *,
    subject: str,
    to: Sequence[tuple[str | None, str]],
    cc: Sequence[tuple[str | None, str]] = (),
    sender: tuple[str | None, str] | None = None,
    on: date | None = None,
) -> bytes:
    """An unsent email draft (X-Unsent: 1) that mail clients open ready to edit and send."""
    msg = EmailMessage(policy=email_policy)
    if on is not None:
        # The letter's date; a mail client stamps the real one when the draft is sent.
        msg["Date"] = format_datetime(datetime(on.year, on.month, on.day, 9, 0, tzinfo=UTC))
    if to:
        msg["To"] = [_address(n, e) for n, e in to]
    if cc:
        msg["Cc"] = [_address(n, e) for n, e in cc]
    if sender:
        msg["From"] = _address(*sender)
    msg["Subject"] = subject
    msg["X-Unsent"] = "1"
    msg.set_content(text, subtype="plain", charset="utf-8")
    # Folded at 78 characters, a subject that fits a line of its own but not after "Subject: "
    # moves to the next line whole, and mail programs then show it with a leading space.
    # Headers may run to 998 characters (RFC 5322), so they are left unfolded; the body was
    # encoded by set_content above and is written as it is.
    return msg.as_bytes(policy=msg.policy.clone(max_line_length=998))


def _address(name: str | None, email: str) -> Address:
    return Address(display_name=name or "", addr_spec=email)


def usable_email(value: str | None) -> str | None:
    """The address, if it is one an email header can carry; else None."""
    if not value:
        return None
    value = value.strip()
    try:
        Address(addr_spec=value)
    except Exception:  # email raises several error types for a malformed address
        return None
    return value if "@" in value else None


def letter_bytes(letter: RenderedLetter, fmt: str) -> bytes:
    """The letter in its output format: md, txt, docx or eml."""
    if fmt == "md":
        return letter.markdown.encode("utf-8")
    if fmt == "txt":
        return to_text(letter.markdown).encode("utf-8")
    ctx = letter.context
    if fmt == "docx":
        return to_docx(
            letter.markdown,
            title=letter.subject,
            author=ctx.sender.name,
            on=ctx.date,
        )
    if fmt == "eml":
        to = usable_email(ctx.recipient.email)
        cc = [(c.name, e) for c in ctx.copies if (e := usable_email(c.email))]
        sender = usable_email(ctx.sender.email)
        return to_eml(
            to_text(letter.markdown),
            subject=letter.subject,
            to=[(ctx.recipient.name, to)] if to else [],
            cc=cc,
            sender=(ctx.sender.name, sender) if sender else None,
            on=ctx.date,
        )
    raise ValueError(f"unknown letter format {fmt!r}")


# ---------------------------------------------------------------------------------------
# Bank holidays (the edge for core.workdays)


def foi_non_working_days(years: Iterable[int]) -> frozenset[date]:
    """The UK's bank holidays in `years`, every part of it (FOIA s.10(6)), from `holidays`."""
    import holidays

    days: set[date] = set()
    wanted = sorted(set(years))
    for subdiv in FOI_SUBDIVISIONS:
        days.update(holidays.country_holidays("GB", subdiv=subdiv, years=wanted).keys())
    return frozenset(days)


__all__ = [
    "FORMATS",
    "CompiledTemplate",
    "Letters",
    "RenderedLetter",
    "TemplateSpec",
    "discover",
    "foi_non_working_days",
    "letter_bytes",
    "make_environment",
    "parse_blocks",
    "split_front_matter",
    "tidy_markdown",
    "to_docx",
    "to_eml",
    "to_text",
    "usable_email",
]
