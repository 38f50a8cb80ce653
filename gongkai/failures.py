"""Every failure of a `gongkai` command as one line: what went wrong, which file, what to do.

`explain(exc, params)` names the failure; the CLI (gongkai/cli.py) prints it with the path of the
log file holding the full traceback. An expected failure is a `GongkaiError`
(etl/gongkai_error.py) that carries its own line and exit code; `explain` recognises the rest
by type, and by message text only for library errors whose type cannot say it (DuckDB's
IOException for a locked or foreign file, a full disk). Exit codes: etl/gongkai_error.py.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

from etl.gongkai_error import BAD_INPUT, BUG, ENVIRONMENT, INTERRUPTED, REFUSED, GongkaiError
from etl.settings import ROOT

__all__ = ["BAD_INPUT", "BUG", "ENVIRONMENT", "INTERRUPTED", "REFUSED", "GongkaiError"]
DUCKDB_MAGIC = b"DUCK"  # bytes 8..12 of every DuckDB database file
SIDE_FILES = (".building", ".wal", ".tmp")  # the loader's copies of the user's --db
DISK_FULL = ("no space left on device", "disk is full", "disk full")


class NotADatabase(GongkaiError):
    """A --db that exists but is not a DuckDB file: refused before anything copies or opens it."""

    exit_code = BAD_INPUT

    def __init__(self, path: str | Path):
        super().__init__(
            "not a DuckDB database file (gongkai's database is the file "
            "`gongkai build`/`gongkai load` writes)",
            path=path,
            hint="Pass --db with that file, or a new file name to start a new database",
        )


def check_database(path: str | Path) -> None:
    """Raise NotADatabase when `path` exists but is not a DuckDB file (before anything copies it)."""
    p = Path(path)
    if not p.is_file():
        return
    with open(p, "rb") as fh:
        head = fh.read(12)
    if head[8:12] != DUCKDB_MAGIC:
        raise NotADatabase(p)


def explain(exc: BaseException, params: dict | None = None) -> tuple[str, int]:
    """(one line without the log reference, exit code) for an exception a command did not handle."""
    if isinstance(exc, GongkaiError):  # raised on purpose: it says what and ends how
        return exc.message, exc.exit_code
    params = params or {}
    text = " ".join(str(exc).split())  # one line, whatever the library put in its message
    low = text.lower()
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC or any(s in low for s in DISK_FULL):
        where = _file_of(exc, text, params)
        folder = Path(where).parent if where else Path.cwd()
        return (
            f"{where or folder}: the disk is full (no space left on device). Free some space "
            f"on the disk holding {folder} (see `df -h {folder}`) and run the command again; "
            "a database is only replaced when a load finishes",
            ENVIRONMENT,
        )
    if "not a valid duckdb database file" in low:
        where = _file_of(exc, text, params)
        return NotADatabase(where or "?").message, BAD_INPUT
    if "could not set lock on file" in low:  # another program holds DuckDB's write lock
        where = _file_of(exc, text, params)
        holder = re.search(r"held in (.+?) \(PID (\d+)\)", text)
        by = f" ({holder.group(1)}, PID {holder.group(2)})" if holder else ""
        return (
            f"{where}: another program has this database open{by}. Close it or wait for it "
            "to finish, then run the command again",
            ENVIRONMENT,
        )
    if isinstance(exc, FileNotFoundError) and _from_subprocess(exc):
        tool = Path(str(exc.filename or "?")).name
        package = _package_providing(tool)
        how = (
            f"sudo apt-get install -y {package}"
            if package
            else "install the package that provides it"
        )
        return (
            f"{tool}: this system program is needed and is not installed. Install it with: "
            f"{how} (or run scripts/setup as root)",
            ENVIRONMENT,
        )
    if isinstance(exc, MemoryError):
        return (
            "out of memory. Close other programs, or give fewer files to one command, and "
            "run it again",
            ENVIRONMENT,
        )
    if isinstance(exc, PermissionError):
        where = _file_of(exc, text, params) or "a file"
        return (
            f"{where}: permission denied. Check the owner and permissions (`ls -l {where}`), "
            "or choose a path you can write",
            ENVIRONMENT,
        )
    if isinstance(exc, OSError) and exc.errno == errno.EROFS:
        where = _file_of(exc, text, params) or "a file"
        return (
            f"{where}: the disk is read-only here. Choose a path on a writable disk (e.g. "
            "--db in your home folder)",
            ENVIRONMENT,
        )
    if isinstance(exc, OSError) and exc.filename:
        return (
            f"{_file_of(exc, text, params)}: {exc.strerror or text}. Check the path and run "
            "the command again",
            ENVIRONMENT,
        )
    if isinstance(exc, RecursionError):
        return (
            "an input is nested too deeply to read (more than a thousand levels). Check the "
            "files given to this command",
            BAD_INPUT,
        )
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"a file given is not UTF-8 text ({exc.encoding}: {exc.reason}). Save it as UTF-8 "
            "and run the command again",
            BAD_INPUT,
        )
    summary = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return (
        f"unexpected internal error ({summary[:300]}). This is a bug in gongkai: please report "
        "it with the log file named here",
        BUG,
    )


def _file_of(exc: BaseException, text: str, params: dict) -> str | None:
    """The user's file behind a failure: the exception's, a quoted path in the message, or --db/--out."""
    name = getattr(exc, "filename", None)
    if not name:
        m = re.search(r'"(/[^"]+)"', text) or re.search(r"'(/[^']+)'", text)
        name = m.group(1) if m else None
    if not name:
        for key in ("db", "db_path", "out"):
            if params.get(key):
                return str(params[key])
        return None
    name = str(name)
    for suffix in SIDE_FILES:  # name the user's --db, not the loader's copy of it
        if suffix in name:
            name = name[: name.index(suffix)]
    return name


def _from_subprocess(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).name == "subprocess.py":
            return True
        tb = tb.tb_next
    return False


def _package_providing(tool: str) -> str | None:
    """The Debian package scripts/system-packages lists for a program (`cmd:TOOL`)."""
    listing = ROOT / "scripts" / "system-packages"
    try:
        lines = listing.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        if len(parts) >= 3 and not parts[0].startswith("#"):
            if f"cmd:{tool}" in parts[2].split("|"):
                return parts[0]
    return None
