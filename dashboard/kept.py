"""The frames of the pages' default views, kept beside the scoring runs (assess.stored), so a
page's first view after a load reads them instead of querying (issue 25: < 0.3 s at 100,000
agency-years, where the ranking, the 排名总览 summary, the 复议诉讼 pivots and the peer medians
took 0.4–0.7 s each).

The load's step (dashboard/default_views.py, run by `gongkai load`/`build` right after the
scores are stored) computes them through the very functions the pages call and writes each to
`<db folder>/.<db stem>.cache/pages-<key>/`; pages only read. Key = sha256 over
assess.stored.inputs_key (the build, the corrections and 误报 in force, the province, the
scorer's code), the code that computes the frames (code_fingerprint), the frame's name and
its parameters (year, scheme content hash, agency, peer group, sort...). So a correction, an
edited or another scheme, another year or group, or a new build or version of gongkai never
reads a frame stored for something else: the key misses and the page computes (and caches in
memory) as before.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from pathlib import Path

import polars as pl

from assess import stored

PREFIX = "pages"
# "frame" (one DataFrame), "tuple N" (N DataFrames, in order) or "dict" ({str: int} as one
# frame of `key`, `value`: queries.finding_tally)
SHAPE_FILE = "shape"
ROOT = Path(__file__).resolve().parents[1]


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of what turns the database into these frames beyond the scorer (whose code
    stored.inputs_key covers): the query layer, the figures' key declarations (etl), the
    overlay's reading of the workflow store, the runs built on them here, and the versions of
    polars and DuckDB that compute them."""
    import duckdb

    digest = hashlib.sha256(f"{pl.__version__}\0{duckdb.__version__}".encode())
    files = [
        *sorted((ROOT / "queries").glob("*.py")),
        *sorted((ROOT / "etl").glob("*.py")),
        *sorted((ROOT / "workflow").glob("*.py")),
        ROOT / "dashboard" / "runs.py",
        ROOT / "dashboard" / "default_views.py",
        Path(__file__),
    ]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def key(inputs: str, name: str, params: tuple) -> str:
    """The key of frame `name` with `params` on a connection whose inputs_key is `inputs`."""
    parts = (inputs, code_fingerprint(), name, params)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:24]


def query_params(fn, params: dict) -> tuple:
    """`params` of query `fn(con, **params)` with its defaults filled in, as sorted pairs: a
    page passing year=None and the load's step leaving it out key the same frame."""
    bound = inspect.signature(fn).bind(None, **params)
    bound.apply_defaults()
    return tuple(sorted((k, v) for k, v in bound.arguments.items() if k != "con"))


def query_key(inputs: str, fn, params: dict) -> str:
    return key(inputs, f"{fn.__module__}.{fn.__name__}", query_params(fn, params))


def _folder(db_path: str | Path, key_: str) -> Path:
    return stored.cache_dir(db_path) / f"{PREFIX}-{key_}"


def read(db_path: str | Path, key_: str):
    """The frame (tuple of frames, dict) stored under `key_`, or None."""
    folder = _folder(db_path, key_)
    try:
        shape = (folder / SHAPE_FILE).read_text(encoding="utf-8").split()
        count = int(shape[1]) if shape[0] == "tuple" else 1
        frames = tuple(pl.read_parquet(folder / f"{i}.parquet") for i in range(count))
    except (OSError, IndexError, ValueError, pl.exceptions.PolarsError):
        return None
    if shape[0] == "dict":
        return {k: int(n) for k, n in frames[0].iter_rows()}
    return frames[0] if shape[0] == "frame" else frames


def write(db_path: str | Path, key_: str, value, build: str | None) -> bool:
    """Store a DataFrame, a tuple of DataFrames or a {str: int} under `key_` (written aside,
    renamed into place); False when it cannot be written (the pages then compute it)."""
    if isinstance(value, dict):
        shape, frames = "dict", (pl.DataFrame({"key": list(value), "value": list(value.values())}),)
    elif isinstance(value, pl.DataFrame):
        shape, frames = "frame", (value,)
    else:
        shape, frames = f"tuple {len(value)}", tuple(value)
    return stored.write_folder(
        _folder(db_path, key_),
        {str(i): frame for i, frame in enumerate(frames)},
        build,
        texts={SHAPE_FILE: shape},
        errors=(OSError, pl.exceptions.PolarsError),  # a column parquet cannot hold: not stored
    )


def read_or(db_path: str | Path, key_: str, compute):
    """The frame stored under `key_`, else `compute()` (not stored: only the load's step
    writes, so a page view never pays for writing)."""
    found = read(db_path, key_)
    return compute() if found is None else found
