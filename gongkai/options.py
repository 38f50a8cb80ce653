"""The options several commands share, declared once (as sqlite-utils does): one flag, one type,
one help text, wherever a command takes it. A command keeps its own parameter name and whether
the file must exist, since its body (and its own one-line refusal) depends on them.
"""

from __future__ import annotations

from pathlib import Path

import click

DB_HELP = "Database file (default: data/gongkai.duckdb or $GONGKAI_DB)."
SCHEME_HELP = "Assessment scheme TOML (default: data/schemes/default.toml or $GONGKAI_SCHEME)."
OFFICE_HELP = "Office settings TOML (default: data/office.toml or $GONGKAI_OFFICE)."
REGISTRY_HELP = "Agency registry CSV (default: data/registry.csv)"
_REGISTRY_FILE = click.Path(exists=True, dir_okay=False)


def db_option(name: str = "db", path_type: type | None = None):
    """`--db FILE`: the report database a command reads or writes."""
    return click.option(
        "--db", name, type=click.Path(dir_okay=False, path_type=path_type), help=DB_HELP
    )


def scheme_option(must_exist: bool = True, path_type: type | None = None):
    """`--scheme FILE`, into the parameter `scheme_path`."""
    return click.option(
        "--scheme",
        "scheme_path",
        type=click.Path(exists=must_exist, dir_okay=False, path_type=path_type),
        help=SCHEME_HELP,
    )


office_option = click.option(
    "--office",
    "office_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=OFFICE_HELP,
)
"""`--office FILE`, into the parameter `office_file` (a Path)."""

registry_option = click.option("--registry", type=_REGISTRY_FILE, help=REGISTRY_HELP + ".")
"""`--registry FILE`, one registry, into the parameter `registry` (gongkai build)."""

registries_option = click.option(
    "--registry",
    type=_REGISTRY_FILE,
    multiple=True,
    help=REGISTRY_HELP + "; repeat to add more agencies.",
)
"""`--registry FILE`, repeatable, into the parameter `registry` (a tuple; gongkai load)."""
