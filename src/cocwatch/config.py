"""Read the user's config file (SPEC §2) into a `Config`, with located errors.

Relative paths in the config file are taken relative to the file itself, and ``~`` is
expanded, so a config can travel with a campaign folder. The file is read and validated as
every hand-written YAML file is (`cocwatch.registry.validate_document`). Imports the registry
package's reading and validation; never the CLI.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cocwatch.errors import InputError, Problem
from cocwatch.locations import Located, is_url

if TYPE_CHECKING:
    from cocwatch.core.models import Config


def load_config(located: Located | None) -> Config:
    """Load the config file, or the defaults when there is none."""
    from cocwatch.core.models import Config
    from cocwatch.registry import read_text, validate_document

    if located is None:
        return Config()
    path = Path(located.value).expanduser()
    if located.origin == "default" and not path.exists():
        return Config()
    source = str(path)
    document = validate_document(
        read_text(path, what="config file"),
        source,
        Config,
        fail=lambda problems: _config_error(source, problems),
        not_a_mapping="the config file must be a set of keys",
    )
    if document.problems or document.value is None:
        raise _config_error(source, document.problems)
    return _resolve_paths(document.value, path.parent)


def sender_warnings(config: Config, source: str) -> list[str]:
    """Warnings about sender details that would print wrongly in letters.

    A `\\n` typed into a value that is not in double quotes stays the two characters
    backslash and n, and would appear as such in every letter.
    """
    warnings = []
    for key, value in config.sender.model_dump().items():
        if isinstance(value, str) and "\\n" in value:
            warnings.append(
                f"sender.{key} in the config file {source} contains \\n, which YAML keeps as "
                "the two characters \\ and n (letters would print them). Write the "
                f"{key} as a block instead, one line per line:\n  {key}: |\n"
                + "".join(f"    {line.strip()}\n" for line in value.split("\\n"))
            )
    return warnings


def _resolve_paths(config: Config, base: Path) -> Config:
    updates: dict[str, str] = {}
    for key in ("registry", "templates_dir", "correspondence", "statistics"):
        value = getattr(config, key)
        if value and not is_url(value):
            resolved = Path(value).expanduser()
            if not resolved.is_absolute():
                resolved = base / resolved
            updates[key] = str(resolved)
    resolved_config: Config = config.model_copy(update=updates)
    return resolved_config


def _config_error(source: str, problems: list[Problem]) -> InputError:
    lines = [f"The config file {source} cannot be used:"]
    lines += [f"  {p.describe(source)}" for p in problems]
    lines.append("Fix it in a text editor; `cocwatch config show` shows what is in effect.")
    return InputError("\n".join(lines))


_SAMPLE = """\
# cocwatch configuration. Every key is optional: delete what you do not need.
# Paths may start with ~ (your home folder); relative paths are relative to this file.

# The registry to use instead of the one shipped with cocwatch (a file or an https:// URL).
# registry: ~/campaign/trusts.yaml

# A folder of your own letter templates; a template with the same name as a built-in one
# replaces it (`cocwatch templates` lists them).
# templates_dir: ~/campaign/letters

# The correspondence log of `cocwatch sent`, `replied` and `due`. Default: correspondence.yaml
# beside your registry (or in the user data folder while you use the shipped registry).
# correspondence: ~/campaign/correspondence.yaml

# The statistics folder, where `cocwatch import msds` keeps NHS England's files as published.
# Default: the folder "statistics" beside your registry.
# statistics: ~/campaign/statistics

# Working days a Trust is given to reply to a letter other than an FOI request (whose
# reply-by date the Act sets: 20 working days).
# reply_working_days: 20

{web_addresses}
# Who signs the letters. Anything left out appears in letters as a [placeholder].
sender:
  name:            # e.g. Jo Bloggs
  organisation:    # e.g. Anytown MNVP
  email:           # e.g. jo@example.org
  phone:           # e.g. 01632 960123
  # Your postal address, one line of the address per line, after "address: |" like this
  # (remove the # at the start of each line; keep the two spaces before each address line):
  # address: |
  #   1 High Street
  #   Anytown AN1 1AA

# Limits used by `cocwatch check` (these are the defaults).
thresholds:
  tolerance_points: 2.0     # how far below the expected level counts as "behind"
  board_review_days: 35     # a Board should review progress at least this often
  stale_after_days: 120     # figures older than this are out of date
"""


def _web_address_lines() -> str:
    """The sample's lines for each online service's base address (`WEB_ADDRESSES`)."""
    import textwrap

    from cocwatch.core.web import WEB_ADDRESSES

    return "".join(
        textwrap.fill(
            f"The base address of {w.what} (this is the default; ${w.env} overrides it).",
            width=92,
            initial_indent="# ",
            subsequent_indent="# ",
        )
        + f"\n# {w.key}: {w.default}\n\n"
        for w in WEB_ADDRESSES
    )


SAMPLE_CONFIG = _SAMPLE.replace("{web_addresses}\n", _web_address_lines())
