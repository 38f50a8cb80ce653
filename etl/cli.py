"""The `gongkai` command: a thin click group; each command lives in etl/commands/<name>.py."""

from __future__ import annotations

import importlib

import click

from etl import __version__

# (module under etl.commands, attribute) — a command whose module is missing is simply absent,
# so each command can be developed and tested on its own.
COMMANDS = (
    ("parse", "parse"),
    ("load", "load"),
    ("build", "build"),
    ("serve", "serve"),
    ("score", "score"),
    ("export", "export"),
    ("demo", "demo"),
    ("accuracy", "accuracy"),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gongkai")
def cli() -> None:
    """gongkai (公开): disclosure annual reports -> DuckDB -> assessment and dashboard."""


for module_name, attr in COMMANDS:
    try:
        module = importlib.import_module(f"etl.commands.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"etl.commands.{module_name}":
            raise
        continue
    cli.add_command(getattr(module, attr))
