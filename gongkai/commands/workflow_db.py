"""What the 整改跟踪 commands (findings, notices) need before they start: the report database
with its workflow store, and the office's own agencies (etl.scope)."""

from __future__ import annotations

from pathlib import Path

from etl.gongkai_error import GongkaiError


def require_store(db_path: Path) -> Path:
    """The workflow store beside `db_path`; one line and exit 1 when either is missing."""
    from workflow.store import store_path

    if not db_path.is_file():
        raise GongkaiError(
            f"{db_path}: no database. Build it first with `gongkai build`, or pass --db."
        )
    path = store_path(db_path)
    if not path.exists():
        raise GongkaiError(
            f"{path.name}: 还没有整改跟踪记录。请先加载年报（gongkai load / gongkai build）。"
        )
    return path


def require_writable(path: Path, what: str, instead: str) -> None:
    """One line and exit 1 when the store at `path` may only be read (before anything is written)."""
    from workflow.store import is_writable

    if not is_writable(path):
        raise GongkaiError(
            f"{path.name}：整改跟踪记录文件（或其所在文件夹）是只读的，无法{what}。"
            f"请让它可写后重试，或{instead}"
        )


def office_agencies(db_path: Path, province: str | None = None) -> list[str] | None:
    """The office's own agency ids (None: no filter); reference agencies are not among them."""
    from etl.scope import home_list
    from gongkai.failures import check_database
    from workflow.reports_db import open_reports

    check_database(db_path)
    con = open_reports(db_path, corrections=False)  # the registry: no correction touches it
    try:
        return home_list(con, province)
    finally:
        con.close()
