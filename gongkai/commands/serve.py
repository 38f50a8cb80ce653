"""`gongkai serve`: run the Streamlit dashboard on the built database (localhost only by default).

Streamlit runs as a child process in its own process group. When `gongkai serve` is stopped
(SIGTERM, SIGINT/Ctrl+C, SIGHUP) it stops that whole group — SIGTERM, then SIGKILL after
STOP_GRACE seconds — and waits for it, so nothing is left listening on the port. If gongkai
itself is killed outright, the kernel sends the child SIGTERM (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import click

from etl.settings import ROOT, Settings
from gongkai.failures import BAD_INPUT, GongkaiError, check_database
from gongkai.options import db_option

STOP_GRACE = 10.0  # seconds Streamlit gets to exit after SIGTERM
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
READY_SAY_S = 120.0  # how long to wait for the server's health check before saying nothing


class _Stop(Exception):
    def __init__(self, signum: int):
        self.signum = signum


@click.command("serve")
@db_option()
@click.option("--port", default=8501, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--address",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on; 0.0.0.0 exposes the dashboard to the network.",
)
def serve(db: str | None, port: int, address: str) -> None:
    """Open the dashboard (Streamlit) on the database, read-only.

    Example:

    \b
        gongkai serve --db data/gongkai.duckdb --port 8501
    """
    settings = Settings.from_env(db_path=db)
    db_path = settings.db_path.resolve()
    if not db_path.exists():
        raise GongkaiError(f"{db_path}: no database here. Run `gongkai build` first (or pass --db)")
    check_database(db_path)
    _check_sign_in()
    _check_port_free(address, port)
    env = dict(os.environ, GONGKAI_DB=str(db_path))
    cmd = [  # Streamlit with a warm-up thread (dashboard/server.py)
        sys.executable,
        "-m",
        "dashboard.server",
        "run",
        str(ROOT / "dashboard" / "app.py"),
        "--server.address",
        address,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
    ]
    url = f"http://{address}:{port}/"
    click.echo(f"dashboard on {url} (database {db_path}); Ctrl+C stops it")
    click.echo("warming up: the default views are read before the first visitor comes …")
    threading.Thread(target=_say_when_ready, args=(address, port, url), daemon=True).start()
    sys.exit(run_until_stopped(cmd, env=env, cwd=ROOT))


def _say_when_ready(address: str, port: int, url: str, longest: float = READY_SAY_S) -> None:
    """One line once the server's health check says ok (dashboard/server.py holds it at 503
    until the first warm-up is done), so whoever started it knows when to open the page."""
    started = time.monotonic()
    host = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(address, address)
    host = f"[{host}]" if ":" in host and not host.startswith("[") else host
    health = f"http://{host}:{port}/_stcore/health"
    while time.monotonic() - started < longest:
        try:
            with urllib.request.urlopen(health, timeout=2):  # noqa: S310 -- our own server
                click.echo(f"ready after {time.monotonic() - started:.1f} s: open {url}")
                return
        except OSError:  # not listening yet, or 503 while warming up
            time.sleep(0.2)


def run_until_stopped(cmd: list[str], **popen) -> int:
    """Run `cmd` in its own process group; on a stop signal, stop the group and wait for it."""

    def stop(signum, _frame):
        raise _Stop(signum)

    previous = {s: signal.signal(s, stop) for s in STOP_SIGNALS}
    child = None
    try:
        child = subprocess.Popen(cmd, start_new_session=True, preexec_fn=_die_with_parent, **popen)
        return child.wait()
    except _Stop:
        return 0
    finally:
        for s in STOP_SIGNALS:  # a second Ctrl+C must not interrupt the clean-up below
            signal.signal(s, signal.SIG_IGN)
        if child is not None:
            _stop_group(child)
        for s, handler in previous.items():
            signal.signal(s, handler)


def _stop_group(child: subprocess.Popen) -> None:
    for sig, wait in ((signal.SIGTERM, STOP_GRACE), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(child.pid, sig)  # the group: whatever Streamlit started goes too
        except ProcessLookupError:
            pass
        try:
            child.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        try:  # the group may outlive its leader
            os.killpg(child.pid, 0)
        except ProcessLookupError:
            return


def _die_with_parent() -> None:
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _check_sign_in() -> None:
    """Refuse to start on a roles file the page could not use, or a proxy secret too short to
    trust, with the line to fix (the page would only say it to the first user)."""
    from workflow import roles

    path = roles.roles_file()
    try:
        roles.load_roles(path)
    except roles.RolesError as exc:  # "roles.toml:LINE: …": the full path, for the terminal
        raise GongkaiError(f"{path.parent / str(exc)}", exit_code=BAD_INPUT) from None
    secret = Settings.from_env().proxy_secret
    if secret and roles.proxy_secret() is None:
        raise GongkaiError(
            f"{roles.SECRET_ENV}: the sign-in proxy's shared secret is shorter than "
            f"{roles.MIN_SECRET} characters. Set a long random one, e.g. "
            "`python3 -c 'import secrets; print(secrets.token_urlsafe(32))'`, in both the "
            "proxy and this environment (README: Running behind the office's sign-in)",
            exit_code=BAD_INPUT,
        )


def _check_port_free(address: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Streamlit binds
        try:
            probe.bind((address, port))
        except OSError as exc:
            raise GongkaiError(
                f"{address}:{port}: cannot listen there ({exc.strerror}); another program (an "
                f"earlier `gongkai serve`?) may be using the port. Stop it, or pass --port "
                f"{port + 1 if port < 65535 else 8501}"
            ) from None
