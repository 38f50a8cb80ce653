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
from dataclasses import dataclass
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


def as_refusal(exc: GongkaiError) -> GongkaiError:
    """The same one line ending with exit code 1 (the command's own refusal): a command that
    chose not to go on (an export name planted as a link, a version choice without a reason)
    although the library raised it as bad input (2)."""
    return GongkaiError(exc.message, exit_code=REFUSED)


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
    failure = _Failure(exc, " ".join(str(exc).split()), params or {})  # one line, whatever
    for recognise in _RECOGNISERS:  # the library put in its message; the first that knows it
        found = recognise(failure)
        if found is not None:
            return found
    summary = f"{type(exc).__name__}: {failure.text}" if failure.text else type(exc).__name__
    return (
        f"unexpected internal error ({summary[:300]}). This is a bug in gongkai: please report "
        "it with the log file named here",
        BUG,
    )


@dataclass(frozen=True)
class _Failure:
    exc: BaseException
    text: str  # the message on one line
    params: dict  # the command's options: --db / --out name the file when the error does not

    @property
    def low(self) -> str:
        return self.text.lower()

    def file(self) -> str | None:
        return _file_of(self.exc, self.text, self.params)


Explained = tuple[str, int] | None


def _disk_full(f: _Failure) -> Explained:
    # Text as well as errno: DuckDB raises its IOException (no errno) with the OS's words.
    if not (isinstance(f.exc, OSError) and f.exc.errno == errno.ENOSPC) and not any(
        s in f.low for s in DISK_FULL
    ):
        return None
    where = f.file()
    folder = Path(where).parent if where else Path.cwd()
    return (
        f"{where or folder}: the disk is full (no space left on device). Free some space "
        f"on the disk holding {folder} (see `df -h {folder}`) and run the command again; "
        "a database is only replaced when a load finishes",
        ENVIRONMENT,
    )


def _foreign_database(f: _Failure) -> Explained:
    # Text: DuckDB says it with an IOException, a type shared with every other I/O failure.
    if "not a valid duckdb database file" not in f.low:
        return None
    return NotADatabase(f.file() or "?").message, BAD_INPUT


def _locked_database(f: _Failure) -> Explained:
    # Text: DuckDB's IOException again; the holder's program and PID are only in the message.
    if "could not set lock on file" not in f.low:
        return None
    holder = re.search(r"held in (.+?) \(PID (\d+)\)", f.text)
    by = f" ({holder.group(1)}, PID {holder.group(2)})" if holder else ""
    return (
        f"{f.file()}: another program has this database open{by}. Close it or wait for it "
        "to finish, then run the command again",
        ENVIRONMENT,
    )


def _missing_program(f: _Failure) -> Explained:
    if not (isinstance(f.exc, FileNotFoundError) and _from_subprocess(f.exc)):
        return None
    tool = Path(str(f.exc.filename or "?")).name
    package = _package_providing(tool)
    how = (
        f"sudo apt-get install -y {package}" if package else "install the package that provides it"
    )
    return (
        f"{tool}: this system program is needed and is not installed. Install it with: "
        f"{how} (or run scripts/setup as root)",
        ENVIRONMENT,
    )


def _out_of_memory(f: _Failure) -> Explained:
    if not isinstance(f.exc, MemoryError):
        return None
    return (
        "out of memory. Close other programs, or give fewer files to one command, and run it again",
        ENVIRONMENT,
    )


def _file_refused(f: _Failure) -> Explained:
    """Permission denied, a read-only disk, or any other OSError naming its file."""
    exc = f.exc
    if isinstance(exc, PermissionError):
        where = f.file() or "a file"
        return (
            f"{where}: permission denied. Check the owner and permissions (`ls -l {where}`), "
            "or choose a path you can write",
            ENVIRONMENT,
        )
    if isinstance(exc, OSError) and exc.errno == errno.EROFS:
        where = f.file() or "a file"
        return (
            f"{where}: the disk is read-only here. Choose a path on a writable disk (e.g. "
            "--db in your home folder)",
            ENVIRONMENT,
        )
    if isinstance(exc, OSError) and exc.filename:
        return (
            f"{f.file()}: {exc.strerror or f.text}. Check the path and run the command again",
            ENVIRONMENT,
        )
    return None


def _unreadable_input(f: _Failure) -> Explained:
    if isinstance(f.exc, RecursionError):
        return (
            "an input is nested too deeply to read (more than a thousand levels). Check the "
            "files given to this command",
            BAD_INPUT,
        )
    if isinstance(f.exc, UnicodeDecodeError):
        return (
            f"a file given is not UTF-8 text ({f.exc.encoding}: {f.exc.reason}). Save it as "
            "UTF-8 and run the command again",
            BAD_INPUT,
        )
    return None


# In order: the disk-full and DuckDB checks come before the generic OSError one.
_RECOGNISERS = (
    _disk_full,
    _foreign_database,
    _locked_database,
    _missing_program,
    _out_of_memory,
    _file_refused,
    _unreadable_input,
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
