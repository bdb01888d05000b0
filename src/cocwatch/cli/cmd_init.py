"""`init [PATH]`: a registry of one's own, copied from the shipped one and named in the config."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from cocwatch.cli.app import app
from cocwatch.cli.dates import today
from cocwatch.cli.output import emit
from cocwatch.cli.session import Session, session
from cocwatch.locations import Located


@app.command("init")
def init(
    ctx: typer.Context,
    path: Path | None = typer.Argument(
        None,
        metavar="[PATH]",
        help="Where to put your registry. Default: trusts.yaml in your user data folder.",
    ),
) -> None:
    """Make a registry of your own: copy the shipped registry and point the config at it.

    The registry shipped with cocwatch is replaced by every upgrade, so `record` and
    `import msds --commit` will not change it. `init` copies it to PATH (never overwriting
    a file), with its statistics folder beside it, and sets `registry:` in your config file
    (creating the file if needed, keeping everything else in it), so every later command
    uses your copy.
    """
    from cocwatch.config import SAMPLE_CONFIG
    from cocwatch.locations import (
        ENV_REGISTRY,
        STATISTICS_FOLDER,
        default_config_path,
        default_registry_copy_path,
        shipped_registry,
    )
    from cocwatch.registry.own import (
        copy_new_file,
        copy_new_folder,
        point_config_at,
        refuse_existing,
    )

    s = session(ctx)
    target = (path or default_registry_copy_path()).expanduser().absolute()
    config_path = Path(
        s.config_location.value if s.config_location else default_config_path()
    ).expanduser()
    already = config_path.is_file() and s.config.registry  # a new config file is fine
    if already and Path(already) == target and target.is_file():
        s.info(f"{target} is already your registry, named in {config_path}. Nothing to do.")
        return
    refuse_existing(target, what="registry")
    log = _log_left_behind(s, target)
    # Check the config file can take the new line before copying anything.
    point_config_at(
        config_path, target, sample=SAMPLE_CONFIG, today=today(), dry_run=True, correspondence=log
    )
    copy_new_file(shipped_registry(), target, what="registry")
    s.info(f"Copied the shipped registry to {target}.")
    statistics = target.parent / STATISTICS_FOLDER
    if os.path.lexists(statistics):
        s.info(f"Kept the statistics folder {statistics} that was there already.")
    else:
        copy_new_folder(shipped_registry().parent / STATISTICS_FOLDER, statistics)
        s.info(f"Copied the shipped statistics (NHS England's official figures) to {statistics}.")
    change = point_config_at(
        config_path, target, sample=SAMPLE_CONFIG, today=today(), correspondence=log
    )
    if change.created:
        s.info(f"Wrote a config file {config_path} that names it; fill in the rest there.")
    else:
        previous = f" (it named {change.previous}; that line is kept as a comment)"
        s.info(f"Set `registry:` in {config_path}{previous if change.previous else ''}.")
    if change.correspondence:
        s.info(
            f"Your correspondence log stays at {change.correspondence}: `correspondence:` in "
            f"{config_path} now names it, so `due` and the follow-up letters still find it. To "
            f"keep it beside the new registry instead, move it to {target.parent} and delete "
            "that line."
        )
    if os.environ.get(ENV_REGISTRY):
        s.warn(
            f"${ENV_REGISTRY} names another registry, and it takes precedence over the "
            "config file: unset it to use your copy."
        )
    s.info(
        "From now on `record` and `import msds --commit` change your copy; "
        "`cocwatch config show` shows which registry is in use."
    )
    if not s.state.quiet:
        emit(str(target))


def _log_left_behind(s: Session, target: Path) -> Path | None:
    """The correspondence log in use now, when pointing at `target` would leave it behind.

    Only a log found by default (beside the current registry, or in the data folder) can be
    left behind: one named by the config file or the environment stays named.
    """
    from cocwatch.errors import CocwatchError
    from cocwatch.locations import resolve_correspondence

    try:
        current = s.correspondence_location()
    except CocwatchError:
        return None  # a config file named but not there yet: no log was found through it
    if current.origin not in ("beside the registry", "default"):
        return None
    old = Path(current.value).expanduser().absolute()
    new = Path(resolve_correspondence(None, None, Located(str(target), "config file")).value)
    if not old.is_file() or new.expanduser().absolute() == old:
        return None
    return old
