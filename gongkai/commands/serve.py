"""`gongkai serve`: run the Streamlit dashboard on the built database (localhost only by default)."""

from __future__ import annotations

import os
import subprocess
import sys

import click

from etl.settings import ROOT, Settings


@click.command("serve")
@click.option("--db", type=click.Path(dir_okay=False),
              help="Database file (default: data/gongkai.duckdb or $GONGKAI_DB).")
@click.option("--port", default=8501, show_default=True, type=int)
@click.option("--address", default="127.0.0.1", show_default=True,
              help="Interface to listen on; 0.0.0.0 exposes the dashboard to the network.")
def serve(db: str | None, port: int, address: str) -> None:
    """Open the dashboard (Streamlit) on the database, read-only.

    Example:

        gongkai serve --db data/gongkai.duckdb --port 8501
    """
    settings = Settings.from_env(db_path=db)
    db_path = settings.db_path.resolve()
    if not db_path.exists():
        raise click.ClickException(f"{db_path}: no database here. Run `gongkai build` first "
                                   "(or pass --db)")
    env = dict(os.environ, GONGKAI_DB=str(db_path))
    cmd = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
           "--server.address", address, "--server.port", str(port),
           "--server.headless", "true"]
    click.echo(f"dashboard on http://{address}:{port}/ (database {db_path}); Ctrl+C stops it")
    try:
        sys.exit(subprocess.call(cmd, env=env, cwd=ROOT))
    except KeyboardInterrupt:
        sys.exit(0)
