"""Rendering letters: compile each template once, render it with a letter's context, and
translate every Jinja failure into an `InputError` that names the template file and line.

`Letters` is the handle a caller keeps for a run (the templates found, the environment, the
compiled templates); it renders each letter as a `RenderedLetter` (`.rendered`: Markdown with
the references and placeholders the renderer found in it). Writing it out as txt, docx or eml
is `.formats`.

May import Jinja2, `cocwatch.core.letters`, `.templates`, `.sandbox`, `.rendered` and `.text`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from cocwatch.core.letters import (
    LetterContext,
    LetterState,
    placeholders_in,
)
from cocwatch.errors import InputError
from cocwatch.templating.rendered import RenderedLetter
from cocwatch.templating.sandbox import (
    NotKnown,
    RenderTimeout,
    TooBig,
    make_environment,
    render_capped,
    render_deadline,
    render_memory_cap,
)
from cocwatch.templating.templates import SUFFIX, TemplateSpec, discover
from cocwatch.templating.text import plain_inline

__all__ = ["CompiledTemplate", "Letters", "RenderedLetter", "tidy_markdown"]


@dataclass(frozen=True, slots=True)
class CompiledTemplate:
    """A template compiled once per run."""

    spec: TemplateSpec
    body: jinja2.Template
    subject: jinja2.Template | None


class Letters:
    """Compile templates once and render letters with them."""

    def __init__(self, builtin_dir: Path, user_dir: Path | None) -> None:
        self.builtin_dir = builtin_dir
        self.user_dir = user_dir
        self.env: ImmutableSandboxedEnvironment = make_environment(builtin_dir, user_dir)
        self._templates: dict[str, TemplateSpec] | None = None
        self._compiled: dict[str, CompiledTemplate] = {}

    @classmethod
    def located(cls, option: str | None, configured: str | None) -> Letters:
        """The built-in templates and the user's: `--template-dir`, else the config file's
        `templates_dir`, else the user config folder's templates/ when it exists."""
        from cocwatch.locations import builtin_templates_dir, resolve_templates_dir

        located = resolve_templates_dir(option, configured)
        user_dir = Path(located.value).expanduser() if located else None
        return cls(builtin_templates_dir(), user_dir)

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
        except (RecursionError, MemoryError, SyntaxError):
            # Thousands of nested brackets or blocks: Jinja's parser (or Python's compiler)
            # runs out of stack before it can say where.
            raise InputError(
                f"The letter template {spec.path} nests brackets or blocks ({{% for %}}, "
                "{% if %}, parentheses) far too deeply to be read. Fix the template: a letter "
                "needs a few levels at most."
            ) from None
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
            with render_deadline(), render_memory_cap():
                markdown = render_capped(compiled.body, variables)
                subject = render_capped(compiled.subject, variables) if compiled.subject else None
        except Exception as exc:
            raise _render_error(exc, compiled.spec) from exc
        markdown = tidy_markdown(markdown)
        if subject is None:
            subject = compiled.spec.title
            if context.trust is not None:
                subject += f": {context.trust.name}"
        subject = " ".join(plain_inline(subject).split())  # registry text is escaped
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
# "cocwatch.core.letters.TrustView object" (or a submodule's) is shown as "TrustView".
_VIEW_OBJECT = re.compile(r"^cocwatch\.core\.letters(?:\.\w+)*\.(\w+) object$")


def _render_error(exc: Exception, spec: TemplateSpec) -> InputError:
    where, line = _template_line(exc.__traceback__, spec)
    at = f"{where}:{line}" if line else where
    message = str(getattr(exc, "message", None) or exc)
    if isinstance(exc, RenderTimeout):
        return InputError(
            f"The letter template {spec.path} was still rendering after "
            f"{exc.seconds:g} s (stopped near {at}), so cocwatch gave up: a loop "
            "in it runs far too often. Fix the template's loops."
        )
    if isinstance(exc, MemoryError):
        return InputError(
            f"The letter template {at} asks for more memory than any letter needs (a loop "
            "that keeps doubling a text, say), so cocwatch stopped it. Fix that loop or "
            "expression in the template."
        )
    if isinstance(exc, TooBig):
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
            obj = _VIEW_OBJECT.sub(r"\1", attribute["obj"])
            what = f"'{attribute['name']}' is not a field of {obj}"
        else:
            what = message
        return InputError(
            f"The letter template {at} uses something that does not exist: {what}. "
            "`cocwatch templates --fields` lists every variable and field a letter can use."
        )
    if isinstance(exc, NotKnown):
        return InputError(f"The letter template {at} cannot be rendered: {message}.")
    if isinstance(exc, jinja2.TemplateError | TypeError | ValueError | LookupError):
        return InputError(f"The letter template {at} cannot be rendered: {message}.")
    return InputError(
        f"The letter template {at} failed while rendering ({type(exc).__name__}: {message}). "
        "Run again with --debug for details."
    )
