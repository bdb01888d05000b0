"""The one Jinja environment every letter is rendered with: sandboxed, strict, and limited.

Templates may be shared between groups, so a template is untrusted code: it runs in Jinja's
immutable sandbox, printing an unknown value (None) is an error, and a letter cannot take
more than `RENDER_DEADLINE_SECONDS` or grow past `MAX_LETTER_CHARS`. The filters here
(uk_date, percent, points, number, lines, join_and, plural) write figures and dates exactly
as the rest of cocwatch does. ``builtin/NAME`` always names the built-in template, so a user
template can reuse its parts.

May import Jinja2, `cocwatch.core.letters` and `.templates`; never a file format library.
"""

from __future__ import annotations

import re
import signal
import threading
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.runtime import Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment

from cocwatch.core.kinds import FindingCode, Names
from cocwatch.core.letters import (
    LetterContext,
    Placeholder,
    join_and,
    month_year,
    number_text,
    percent_text,
    plural,
    points_text,
    uk_date,
    view_types,
)
from cocwatch.core.safe_text import markdown_literal
from cocwatch.templating.templates import SUFFIX, read_template, split_front_matter

# The context's frozen dataclasses (not LetterContext itself, which is never a variable).
VIEW_TYPES: frozenset[type] = frozenset(t for t in view_types() if t is not LetterContext)
BUILTIN_PREFIX = "builtin/"


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
                _, body = split_front_matter(read_template(path), str(path))
                return body, str(path), lambda: True
        raise jinja2.TemplateNotFound(template)


class NotKnown(jinja2.TemplateRuntimeError):
    """A template printed a value the registry does not have (None)."""


def _finalize(value: Any) -> Any:
    if value is None:
        raise NotKnown(
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


# The finding codes by name, as templates see them (`finding.stale_data`).
FINDING = Names("finding code", FindingCode)

# Resource limits of one letter: a template (perhaps a shared one) cannot hold a run for ever
# or fill the memory. A letter is a few kB; the national letter over a big registry, a few
# hundred kB.
RENDER_DEADLINE_SECONDS = 10.0
MAX_LETTER_CHARS = 5_000_000
MAX_WRAP_CHARS = 100_000  # the longest text `wordwrap` takes
# Memory a render may add to the process: a loop that doubles a string stops here with
# MemoryError (reported as a template problem) instead of taking the machine's memory.
RENDER_MEMORY_BYTES = 1024 * 1024 * 1024
_MAX_POWER_BITS = 4096
_BIG_WIDTH = re.compile(r"\d{7,}")  # a width or precision of a million or more
_PADDING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def _huge_power(base: Any, exponent: Any) -> bool:
    if not (isinstance(base, int) and isinstance(exponent, int)) or abs(base) < 2 or exponent < 1:
        return False
    return exponent * abs(base).bit_length() > _MAX_POWER_BITS


class TooBig(SecurityError):
    """A template asked for more text than a letter can hold."""


def _refuse_big(what: str) -> TooBig:
    return TooBig(
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
            raise TooBig("that power is too large a number for a letter")
        elif operator == "%" and isinstance(left, str) and _BIG_WIDTH.search(left):
            raise _refuse_big("that format width")
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if type(__obj) is Macro:  # the templates' own macros: safe, and they pad nothing
            return __context.call(__obj, *args, **kwargs)
        name = getattr(__obj, "__name__", "")
        if isinstance(getattr(__obj, "__self__", None), str) and name in _PADDING_METHODS:
            width = next((a for a in (*args, *kwargs.values()) if isinstance(a, int)), 0)
            if width > MAX_LETTER_CHARS:
                raise _refuse_big(f"padding to {width:,}")
        if name in {"format", "format_map"}:
            # The width is in the format string ('{:>999999999}'.format(x): the method's own
            # string, behind Jinja's wrapper) or in an argument ('{}'.format('%9999999s')).
            owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
            texts = (owner, *args)
            if any(isinstance(t, str) and _BIG_WIDTH.search(t) for t in texts):
                raise _refuse_big("that format width")
        return super().call(__context, __obj, *args, **kwargs)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if type(obj) in VIEW_TYPES:
            return not attr.startswith("_")
        return bool(super().is_safe_attribute(obj, attr, value))

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) in VIEW_TYPES and attribute[:1] != "_":
            # A view's public fields are plain data: no method to wrap, nothing unsafe.
            # Their text comes from the registry, so it is made literal for Markdown.
            try:
                value = getattr(obj, attribute)
            except AttributeError:
                return super().getattr(obj, attribute)  # then undefined
            return _literal(value)
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


def _literal(value: Any) -> Any:
    """A view's text (or tuple of texts, such as address lines) made literal for Markdown."""
    if type(value) is str:
        return markdown_literal(value)
    if type(value) is tuple and any(type(item) is str for item in value):
        return tuple(markdown_literal(item) if type(item) is str else item for item in value)
    return value


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
    # Names to compare with, from their one declaration: `finding.stale_data in
    # assessment.finding_codes` (a misspelt name is an error, not a quietly false test).
    env.globals["finding"] = FINDING
    return env


def _capped_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """Jinja's filters that take a width or a format, refusing sizes no letter needs."""
    original = {name: filters[name] for name in ("center", "indent", "format", "wordwrap")}

    def wordwrap(value: Any, width: int = 79, *args: Any, **kwargs: Any) -> Any:
        # Wrapping is slow in the length of the text, and a letter's paragraph is short.
        if isinstance(value, str) and len(value) > MAX_WRAP_CHARS:
            raise _refuse_big(f"wrapping {len(value):,} characters")
        return original["wordwrap"](value, width, *args, **kwargs)

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

    return {"center": center, "indent": indent, "format": format_, "wordwrap": wordwrap}


class RenderTimeout(Exception):
    """The render deadline passed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"still rendering after {seconds:g} s")
        self.seconds = seconds


@contextmanager
def render_deadline() -> Iterator[None]:
    """Interrupt the block after `RENDER_DEADLINE_SECONDS` (a timer signal; main thread on
    Unix only) with `RenderTimeout`."""
    seconds = RENDER_DEADLINE_SECONDS
    if (
        not hasattr(signal, "setitimer")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise RenderTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def render_memory_cap(extra: int | None = None) -> Iterator[None]:
    """Let the block add at most `extra` bytes (default `RENDER_MEMORY_BYTES`) to the
    process's address space (Linux; elsewhere no cap): more raises MemoryError inside it."""
    extra = RENDER_MEMORY_BYTES if extra is None else extra
    try:
        import resource

        pages = Path("/proc/self/statm").read_text(encoding="ascii").split()[0]
        size = int(pages) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError, IndexError):
        yield
        return
    cap = size + extra
    if soft != resource.RLIM_INFINITY and soft <= cap:
        yield  # a tighter limit is already set (prlimit, ulimit -v)
        return
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def render_capped(template: jinja2.Template, variables: dict[str, Any]) -> str:
    """Render, refusing output beyond `MAX_LETTER_CHARS` as soon as it is produced."""
    parts: list[str] = []
    size = 0
    for chunk in template.generate(variables):
        size += len(chunk)
        if size > MAX_LETTER_CHARS:
            raise _refuse_big("the letter")
        parts.append(chunk)
    return "".join(parts)
