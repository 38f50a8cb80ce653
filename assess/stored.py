"""The scoring runs kept beside the report database, so that no page pays for scoring.

`gongkai load` / `gongkai build` score every year under the office's default scheme right after
the load (`store_years`, run from the CLI layer) and write each run to
`<db folder>/.<db stem>.cache/assess-<key>/{scores,indicators,deductions}.parquet`; the
dashboard reads a run from there when its key matches and scores (once, then keeps it there)
only what is not stored: another scheme, an edited scheme file, a correction made since.

Why a derived file next to the database and not a table in it: a run depends on more than the
database's rows — the analysts' corrections and dismissals (the workflow store, changed without
any load), the scheme file (edited while the dashboard serves), the office's province and the
scorer's own code — so it is a cache keyed on all of them, not a fact of the report database.
The database is only written by building a copy aside and swapping it in (etl/building_copy.py); a table
there would mean scoring inside every writer's build (load, version choice, ledger import) or a
second copy-and-swap of the whole file after each, and it would still go stale on a correction.
Keyed on the build's stamp (etl.building_copy.stamp_build: a new id whenever any writer swaps a file in),
a run can never be read for other rows, and writers need not know about scores.

Key = sha256 over: the build stamp (the file identity for a database built before stamps), the
corrections and dismissals attached to the connection (workflow.overlay), the office's province
(etl.scope), the scorer's source (this package, etl/scope.py and etl/office_settings.py), the
year, the scheme's content hash (assess.scheme.scheme_fingerprint, with its manual inputs) and
what-if weights.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import threading
from pathlib import Path

import duckdb

PARTS = ("scores", "indicators", "deductions")
DISK_KEEP = 48  # runs kept on disk: every year of a database under a scheme or two
STAMP_FILE = "build"  # in each run's folder: the build it was scored from (for pruning)
OVERLAY_SQL = (  # what workflow.overlay attaches (assess.metric_sql.CORRECTIONS_TABLE's schema)
    "SELECT * FROM gongkai_workflow.value_corrections",
    "SELECT * FROM gongkai_workflow.dismissed_findings",
    "SELECT * FROM gongkai_workflow.resolved_findings",
)


def cache_dir(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.parent / f".{db_path.stem}.cache"


def build_stamp(con: duckdb.DuckDBPyConnection) -> str | None:
    """The id the loader gave this build of the database (etl.building_copy.stamp_build); None before."""
    from etl.schema import BUILD_STAMP

    try:
        row = con.execute("SELECT value FROM meta WHERE name = ?", [BUILD_STAMP]).fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


def _file_identity(db_path: str | Path) -> str:
    st = Path(db_path).stat()
    return f"file:{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


def overlay_fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    """A hash of the corrections in force and the findings dismissed as 误报 that the scorer
    reads on this connection (workflow.overlay), "none" when none are attached. Content, not
    the workflow store's revision: moving a 整改 item along changes no score."""
    from assess.metric_sql import values_relation

    if values_relation(con) == "current_values":
        return "none"
    digest = hashlib.sha256()
    for sql in OVERLAY_SQL:
        try:
            rows = con.execute(sql).fetchall()
        except duckdb.Error:
            rows = []
        digest.update(repr((sql, sorted(map(repr, rows)))).encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def scorer_fingerprint() -> str:
    """A hash of the scoring code, so a new version of gongkai never reads an older run."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    scope = [here.parent / "etl" / "scope.py", here.parent / "etl" / "office_settings.py"]
    for path in sorted(here.glob("*.py")) + scope:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def inputs_key(con: duckdb.DuckDBPyConnection, db_path: str | Path) -> str:
    """What every run on this connection shares: build, corrections, province, scorer."""
    from etl.scope import office_province

    build = build_stamp(con) or _file_identity(db_path)
    parts = (build, overlay_fingerprint(con), office_province(), scorer_fingerprint())
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def run_key(inputs: str, year: int, scheme_hash: str, weights=()) -> str:
    return hashlib.sha256(
        repr((inputs, int(year), scheme_hash, tuple(weights))).encode()
    ).hexdigest()[:24]


def read(db_path: str | Path, key: str):
    """The stored run of `key`, or None."""
    import polars as pl

    from assess.score import Assessment

    folder = cache_dir(db_path) / f"assess-{key}"
    try:
        frames = [pl.read_parquet(folder / f"{p}.parquet") for p in PARTS]
        os.utime(folder)  # recently used: kept by prune
    except (OSError, pl.exceptions.PolarsError):
        return None
    return Assessment(*frames)


def write(db_path: str | Path, key: str, run, build: str | None = None) -> bool:
    """Store `run` under `key` (written aside, renamed into place); False when the folder cannot
    be written (a read-only folder, a race with another writer): the run stays in memory only."""
    folder = cache_dir(db_path) / f"assess-{key}"
    return write_folder(folder, {p: getattr(run, p) for p in PARTS}, build)


def write_folder(
    folder: Path, frames: dict, build: str | None, texts: dict | None = None, errors=(OSError,)
) -> bool:
    """Write `frames` ({name: DataFrame}) as `name`.parquet and `texts` ({file: text}) with the
    build's stamp into a folder aside, then rename it over `folder`: a reader sees the old
    folder or the whole new one. False (nothing left behind) on one of `errors`."""
    tmp = folder.with_name(f"{folder.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.mkdir(parents=True, exist_ok=True)
        for name, frame in frames.items():
            frame.write_parquet(tmp / f"{name}.parquet")
        for name, text in (texts or {}).items():
            (tmp / name).write_text(text, encoding="utf-8")
        (tmp / STAMP_FILE).write_text(build or "", encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(tmp, folder)
    except errors:
        shutil.rmtree(tmp, ignore_errors=True)
        return False
    return True


def prune(db_path: str | Path, current_build: str | None = None, kind: str = "assess") -> None:
    """Remove runs scored from another build than `current_build` (when given), then all but the
    DISK_KEEP most recently used. `kind`: the folders' prefix (dashboard.kept keeps the pages'
    frames as "pages-<key>" under the same rule)."""
    root = cache_dir(db_path)
    entries = sorted(
        (p for p in root.glob(f"{kind}-*") if p.is_dir() and not p.name.endswith(".tmp")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    if current_build is not None:
        stale = [p for p in entries if _build_of(p) != current_build]
        for p in stale:
            shutil.rmtree(p, ignore_errors=True)
        entries = [p for p in entries if p not in stale]
    for old in entries[DISK_KEEP:]:
        shutil.rmtree(old, ignore_errors=True)


def _build_of(folder: Path) -> str | None:
    try:
        return (folder / STAMP_FILE).read_text(encoding="utf-8")
    except OSError:
        return None


def years_to_store(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Every year with a current report, and the year before the first (the first year's
    名次变化 reads it)."""
    years = [y for (y,) in con.execute("SELECT DISTINCT year FROM current_reports").fetchall()]
    return sorted(set(years) | ({min(years) - 1} if years else set()))


def store_years(con: duckdb.DuckDBPyConnection, db_path: str | Path, scheme) -> list[int]:
    """Score every year (years_to_store) under `scheme` (a path or an assess.scheme.Scheme) on
    `con` — the report database with the analysts' corrections attached, as the dashboard
    opens it — and store each run; runs of older builds are removed. Returns the years stored
    (none when the cache folder cannot be written)."""
    from assess.scheme import as_scheme, scheme_fingerprint
    from assess.score import assess_year

    loaded = as_scheme(scheme)
    scheme_hash = loaded.fingerprint or scheme_fingerprint(scheme)
    inputs = inputs_key(con, db_path)
    build = build_stamp(con)
    stored = []
    for year in years_to_store(con):
        run = assess_year(con, year, loaded)
        if not write(db_path, run_key(inputs, year, scheme_hash), run, build):
            return stored
        stored.append(year)
    prune(db_path, build)
    return stored
