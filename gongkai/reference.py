"""The command reference (docs/COMMANDS.md), made from the commands' own `--help`.

Written by hand, a reference drifts from the code it describes; made from click's help text it
cannot, and `tests/test_docs.py` fails when the file in the repository is not what this module
makes (run `python -m gongkai.reference > docs/COMMANDS.md` after changing a command).
"""

from __future__ import annotations

import click

from gongkai.cli import cli

WIDTH = 100  # fixed, so the file does not depend on the terminal it was made in


def _help(command: click.Command, path: list[str], parent: click.Context | None):
    settings = dict(command.context_settings)  # the top group's -h/--help, inherited below
    settings.update(terminal_width=WIDTH, max_content_width=WIDTH)
    ctx = click.Context(command, info_name=path[-1], parent=parent, **settings)
    return command.get_help(ctx), ctx


def _sections(command: click.Command, path: list[str], parent, depth: int) -> list[str]:
    text, ctx = _help(command, path, parent)
    out = [f"{'#' * depth} `{' '.join(path)}`", "", "```text", text.rstrip(), "```", ""]
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(ctx)):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                out += _sections(sub, [*path, name], ctx, min(depth + 1, 4))
    return out


def render() -> str:
    head = [
        "# Command reference",
        "",
        "Made from each command's `--help` by `python -m gongkai.reference > docs/COMMANDS.md`;",
        "the test suite fails when this file and the commands disagree.",
        "",
    ]
    return "\n".join(head + _sections(cli, ["gongkai"], None, 2))


if __name__ == "__main__":
    print(render(), end="")
