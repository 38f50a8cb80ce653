"""The `gongkai` command: a thin click group; each command lives in gongkai/commands/<name>.py.

One top-level handler (`_guarded`) wraps every command. An expected failure is a GongkaiError
(etl/gongkai_error.py): its one line on stderr and its exit code. Anything else a command does not
handle is a bug or the environment: one line (what, which file, what to do; gongkai/failures.py),
a non-zero exit code, and the full traceback in a log file whose path that line names. With
--debug (or GONGKAI_DEBUG=1) the traceback is printed too.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import sys
import tempfile
import traceback
from pathlib import Path

import click

from etl import __version__
from etl.collect.safe_files import PlantedLink, write_in
from etl.settings import Settings, current
from gongkai import failures
from gongkai.commands import (
    accuracy,
    build,
    bulletin,
    collect,
    demo,
    export,
    findings,
    ledger,
    load,
    notices,
    parse,
    score,
    serve,
    versions,
)

LOGS_KEPT = 30  # older traceback logs are deleted


class Failure(click.ClickException):
    """A failure explained in one line, with its exit code."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gongkai")
@click.option(
    "--debug",
    is_flag=True,
    default=lambda: current().debug or False,  # GONGKAI_DEBUG, read by the one settings reader
    help="Print the full traceback of a failure (it is always saved to a log file).",
)
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """gongkai (公开): disclosure annual reports -> DuckDB -> assessment and dashboard."""
    ctx.meta["gongkai.debug"] = debug


def _guarded(command: click.Command) -> click.Command:
    callback = command.callback

    @functools.wraps(callback)
    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except failures.GongkaiError as exc:  # expected: its own line and exit code
            if click.get_current_context().meta.get("gongkai.debug"):
                traceback.print_exception(exc, file=sys.stderr)
            if not exc.keep_traceback:
                raise Failure(exc.message, exc.exit_code) from None
            raise Failure(
                f"{exc.message} [traceback: {save_traceback(exc)}]", exc.exit_code
            ) from None
        except BrokenPipeError:  # `gongkai score | head`: the reader left; not a failure to report
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("stopped (Ctrl+C).", err=True)
            sys.exit(failures.INTERRUPTED)
        # the CLI's top: the one place every other failure ends, explained by type, with a traceback
        except Exception as exc:  # noqa: BLE001 -- CLI top-level boundary
            line, code = failures.explain(exc, kwargs)
            where = save_traceback(exc)
            if click.get_current_context().meta.get("gongkai.debug"):
                traceback.print_exception(exc, file=sys.stderr)
            raise Failure(f"{line} [traceback: {where}]", code) from None

    command.callback = run
    return command


def log_dir() -> Path:
    """$GONGKAI_LOG_DIR, else gongkai/logs under $XDG_STATE_HOME (etl.settings)."""
    return Settings.from_env().log_dir


def save_traceback(exc: BaseException) -> str:
    """Write the traceback to a new log file; returns its path (or why it could not be saved)."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    body = (
        f"gongkai {__version__}, Python {sys.version.split()[0]}\n"
        f"command: {' '.join(sys.argv)}\ncwd: {os.getcwd()}\n\n"
        + "".join(traceback.format_exception(exc))
    )
    problem = None
    for folder in (log_dir(), Path(tempfile.gettempdir())):
        path = folder / f"gongkai-{stamp}-{os.getpid()}.log"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # a shared temporary folder: a link planted at the name is refused, not followed
            write_in(folder, [], path.name, body.encode("utf-8"))
        except PlantedLink as err:
            problem = str(err)
            continue
        except OSError as err:
            problem = err.strerror or str(err)
            path.unlink(missing_ok=True)
            continue
        _prune(folder)
        return str(path)
    return f"not saved ({problem}); run again with --debug to see it"


def _prune(folder: Path) -> None:
    logs = sorted(folder.glob("gongkai-*.log"), key=lambda p: p.stat().st_mtime)
    for old in logs[:-LOGS_KEPT]:
        old.unlink(missing_ok=True)


for _module in (
    collect,
    parse,
    load,
    versions,
    build,
    serve,
    score,
    export,
    demo,
    accuracy,
    notices,
    bulletin,
    ledger,
    findings,
):
    _command = _guarded(getattr(_module, _module.__name__.rsplit(".", 1)[1]))
    for _sub in getattr(_command, "commands", {}).values():  # a group: guard each subcommand
        _guarded(_sub)
    cli.add_command(_command)
