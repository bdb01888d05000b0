"""`config init` writes a commented sample config; `config show` shows what is in effect."""

from __future__ import annotations

from pathlib import Path

import typer

from cocwatch.cli.app import app
from cocwatch.cli.options import DEFAULT_FORMAT, FORMAT
from cocwatch.cli.output import emit
from cocwatch.cli.session import session
from cocwatch.errors import UsageError

config_app = typer.Typer(
    help="Create or inspect the config file.", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(config_app, name="config")


@config_app.command("init")
def config_init(
    ctx: typer.Context,
    path: Path | None = typer.Argument(
        None, help="Where to write it. Default: --config, $COCWATCH_CONFIG, or the user folder."
    ),
) -> None:
    """Write a commented sample config file (never overwrites an existing one)."""
    from cocwatch.config import SAMPLE_CONFIG
    from cocwatch.files import atomic_write
    from cocwatch.locations import default_config_path, resolve_config

    s = session(ctx)
    located = resolve_config(s.state.config)
    target = path or (Path(located.value) if located else default_config_path())
    target = target.expanduser()
    if target.exists():
        raise UsageError(
            f"{target} already exists, and cocwatch never overwrites a config file. "
            "Edit it in a text editor, or give another path."
        )
    atomic_write(target, SAMPLE_CONFIG.encode("utf-8"), what="config file")
    s.info(f"Wrote a sample config to {target}. Open it in a text editor to fill it in.")
    if s.state.quiet:
        return
    emit(str(target))


@config_app.command("show")
def config_show(ctx: typer.Context, fmt: FORMAT = DEFAULT_FORMAT) -> None:
    """Show the settings in effect and where each one comes from."""
    from cocwatch.core.web import WEB_ADDRESSES
    from cocwatch.locations import resolve_state, resolve_templates_dir, resolve_web_address
    from cocwatch.render.formats import RowListing, render
    from cocwatch.render.tabular import Column

    s = session(ctx)
    config = s.config
    config_origin = s.config_location
    rows: list[dict[str, object]] = [
        {
            "setting": "config file",
            "value": config_origin.value if config_origin else "(none)",
            "origin": config_origin.origin if config_origin else "default",
        },
        {
            "setting": "registry",
            "value": s.registry_location.value,
            "origin": s.registry_location.origin,
        },
    ]
    templates = resolve_templates_dir(None, config.templates_dir)
    rows.append(
        {
            "setting": "templates_dir",
            "value": templates.value if templates else "(built-in templates only)",
            "origin": templates.origin if templates else "default",
        }
    )
    state = resolve_state(None)
    rows.append({"setting": "state", "value": state.value, "origin": state.origin})
    log = s.correspondence_location()
    rows.append({"setting": "correspondence", "value": log.value, "origin": log.origin})
    rows.append(
        {
            "setting": "reply_working_days",
            "value": config.reply_working_days,
            "origin": "config file"
            if "reply_working_days" in config.model_fields_set
            else "default",
        }
    )
    for web in WEB_ADDRESSES:
        address = resolve_web_address(web.key, config)
        rows.append({"setting": web.key, "value": address.value, "origin": address.origin})
    from_file = "config file" if config_origin else "default"
    for key, value in config.sender.model_dump().items():
        rows.append(
            {
                "setting": f"sender.{key}",
                "value": value if value is not None else "(not set)",
                "origin": from_file if value is not None else "default",
            }
        )
    explicit = config.thresholds.model_fields_set
    for key, value in config.thresholds.model_dump().items():
        rows.append(
            {
                "setting": f"thresholds.{key}",
                "value": value,
                "origin": "config file" if key in explicit else "default",
            }
        )
    columns = [Column("setting", "Setting"), Column("value", "Value"), Column("origin", "From")]
    emit(render(fmt, RowListing(rows, columns, title="Settings in effect")))
