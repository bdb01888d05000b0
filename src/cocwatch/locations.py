"""Where the registry, config, templates, state and cache live (SPEC §2).

Every path cocwatch uses is resolved here, with the same precedence everywhere:
command-line option, environment variable, config file, platform default. Imports only the
standard library and platformdirs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from platformdirs import PlatformDirs

    from cocwatch.core.web import WebAddress

APP_NAME = "cocwatch"
ENV_REGISTRY = "COCWATCH_REGISTRY"
ENV_CONFIG = "COCWATCH_CONFIG"
ENV_STATE = "COCWATCH_STATE"
ENV_CACHE = "COCWATCH_CACHE_DIR"
ENV_CORRESPONDENCE = "COCWATCH_CORRESPONDENCE"
CORRESPONDENCE_FILE = "correspondence.yaml"
# Official statistics, beside the registry (`cocwatch.statistics.store`).
STATISTICS_FOLDER = "statistics"


@dataclass(frozen=True, slots=True)
class Located:
    """A resolved location and where the choice came from (for `config show`)."""

    value: str
    origin: str  # "option", "environment", "config file", "default", "shipped"


def _dirs() -> PlatformDirs:
    from platformdirs import PlatformDirs

    return PlatformDirs(APP_NAME, appauthor=False)


def user_config_dir() -> Path:
    """The per-user config folder, e.g. ~/.config/cocwatch."""
    return Path(_dirs().user_config_dir)


def default_config_path() -> Path:
    return user_config_dir() / "config.yaml"


def default_registry_copy_path() -> Path:
    """Where `cocwatch init` puts a user's own registry, e.g. ~/.local/share/cocwatch."""
    return Path(_dirs().user_data_dir) / "trusts.yaml"


def default_templates_dir() -> Path:
    return user_config_dir() / "templates"


def default_state_path() -> Path:
    return Path(_dirs().user_state_dir) / "state.sqlite3"


def cache_dir() -> Path:
    """The cache folder for remote registries and downloads."""
    override = os.environ.get(ENV_CACHE)
    return Path(override) if override else Path(_dirs().user_cache_dir)


def _shipped(*parts: str) -> Path:
    """Find a file shipped with cocwatch, installed or in a source checkout."""
    packaged = resources.files("cocwatch").joinpath("_shipped", *parts)
    if packaged.is_file() or packaged.is_dir():
        return Path(str(packaged))
    # An editable install or a checkout: the file sits at the top of the repository.
    return Path(__file__).resolve().parents[2].joinpath(*parts)


def shipped_registry() -> Path:
    """The registry shipped with cocwatch."""
    return _shipped("data", "trusts.yaml")


def shipped_statistics() -> Path:
    """The statistics folder shipped with cocwatch (beside its registry)."""
    return _shipped("data", STATISTICS_FOLDER)


def builtin_templates_dir() -> Path:
    """The built-in letter templates."""
    return _shipped("templates", "letters")


TEMPLATE_SUFFIX = ".md.j2"  # a letter template is NAME.md.j2; _NAME.md.j2 is a partial


def builtin_template_names() -> list[str]:
    """The names of the built-in letter templates (for help texts: no template is read)."""
    try:
        files = [p.name for p in builtin_templates_dir().iterdir()]
    except OSError:
        return []
    return sorted(
        name.removesuffix(TEMPLATE_SUFFIX)
        for name in files
        if name.endswith(TEMPLATE_SUFFIX) and not name.startswith("_")
    )


def resolve_config(option: str | None) -> Located | None:
    """Return the config file to read, or None when there is none (absent is fine)."""
    if option:
        return Located(option, "option")
    if env := os.environ.get(ENV_CONFIG):
        return Located(env, "environment")
    path = default_config_path()
    return Located(str(path), "default") if path.is_file() else None


def resolve_registry(option: str | None, from_config: str | None) -> Located:
    """Return the registry path or URL to load."""
    if option:
        return Located(option, "option")
    if env := os.environ.get(ENV_REGISTRY):
        return Located(env, "environment")
    if from_config:
        return Located(from_config, "config file")
    return Located(str(shipped_registry()), "shipped")


def is_shipped(location: Located) -> bool:
    """Whether the registry in use is the copy inside the installed package (read-only)."""
    return location.origin == "shipped"


def resolve_templates_dir(option: str | None, from_config: str | None) -> Located | None:
    """Return the folder of user letter templates, if there is one."""
    if option:
        return Located(option, "option")
    if from_config:
        return Located(str(Path(from_config).expanduser()), "config file")
    path = default_templates_dir()
    return Located(str(path), "default") if path.is_dir() else None


def resolve_state(option: str | None) -> Located:
    """Return the SQLite state file used by `watch`."""
    if option:
        return Located(option, "option")
    if env := os.environ.get(ENV_STATE):
        return Located(env, "environment")
    return Located(str(default_state_path()), "default")


def resolve_correspondence(
    option: str | None, from_config: str | None, registry: Located
) -> Located:
    """Return the correspondence log: beside a registry of one's own, else in the data folder."""
    if option:
        return Located(option, "option")
    if env := os.environ.get(ENV_CORRESPONDENCE):
        return Located(env, "environment")
    if from_config:
        return Located(from_config, "config file")
    if registry.origin != "shipped" and not is_url(registry.value):
        beside = Path(registry.value).expanduser().parent / CORRESPONDENCE_FILE
        return Located(str(beside), "beside the registry")
    return Located(str(Path(_dirs().user_data_dir) / CORRESPONDENCE_FILE), "default")


def resolve_statistics(from_config: str | None, registry: Located) -> Located:
    """The statistics folder: the config's, else ``statistics/`` beside the registry.

    For a registry on the web it is the address of ``statistics/`` beside it; for a symbolic
    link, the folder beside the file it leads to (where `record` writes, too).
    """
    if from_config:
        return Located(from_config, "config file")
    if is_url(registry.value):
        base = registry.value.rsplit("/", 1)[0]
        return Located(f"{base}/{STATISTICS_FOLDER}/", "beside the registry")
    if registry.origin == "shipped":
        return Located(str(shipped_statistics()), "shipped")
    path = Path(registry.value).expanduser()
    if path.is_symlink():  # a link into a checkout: the statistics live beside the real file
        path = Path(os.path.realpath(path))
    beside = path.parent / STATISTICS_FOLDER
    return Located(str(beside), "beside the registry")


def resolve_web_address(key: str, config: object, option: str | None = None) -> Located:
    """The base address of an online service (`cocwatch.core.web.WEB_ADDRESSES`): the
    command's option, the environment variable, the config file's key (each also under its
    earlier name), else the default. Refuses anything but an http(s) address."""
    from cocwatch.core.web import WEB_ADDRESS

    return _resolve_address(WEB_ADDRESS[key], config, option)


def resolve_index(source: str, option: str | None, config: object, default: str) -> Located:
    """The series page listing a source's releases: --index, then the environment variable,
    then the config file's key, then the source's own default. A source whose page is a
    declared web address (MSDS's: `statistics_url`, `cocwatch.core.web`) is read under its
    names; any other under $COCWATCH_<SOURCE>_INDEX and `<source>_index:`."""
    from cocwatch.core.web import WebAddress, series_page

    web = series_page(source) or WebAddress(
        f"{source}_index",
        f"COCWATCH_{source.upper()}_INDEX",
        default,
        f"the series page of {source}'s releases",
    )
    return _resolve_address(web, config, option)


def _resolve_address(web: WebAddress, config: object, option: str | None) -> Located:
    from cocwatch.errors import UsageError

    located, where = None, ""
    if option:
        located, where = Located(option, "option"), "The address given"
    for env in (web.env, web.old_env):
        if located is None and env and (value := os.environ.get(env)):
            located, where = Located(value, "environment"), f"${env}"
    for name in (web.key, web.old_key):
        if located is None and name and (value := getattr(config, name, None)):
            located, where = Located(value, "config file"), f"{name}: in the config file"
    if located is None:
        return Located(web.default, "default")
    if not is_url(located.value.strip()):
        raise UsageError(
            f"{where} is {located.value!r}, which is not a web address; give the address of "
            f"{web.what} (https://…), e.g. {web.default}."
        )
    return Located(located.value.strip(), located.origin)


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))
