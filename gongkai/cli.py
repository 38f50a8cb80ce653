"""The `gongkai` command: a thin click group; each command lives in gongkai/commands/<name>.py."""

from __future__ import annotations

import click

from etl import __version__
from gongkai.commands import accuracy, build, collect, demo, export, load, parse, score, serve


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gongkai")
def cli() -> None:
    """gongkai (公开): disclosure annual reports -> DuckDB -> assessment and dashboard."""


for _module in (collect, parse, load, build, serve, score, export, demo, accuracy):
    cli.add_command(getattr(_module, _module.__name__.rsplit(".", 1)[1]))
