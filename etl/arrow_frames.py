"""How the load stage hands many rows to DuckDB: Arrow tables registered under a name for one
block, read by `INSERT ... SELECT` / `UPDATE ... FROM`. Values travel as data, never as SQL text,
so nothing a document says is ever formatted into a statement.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import pyarrow as pa


def arrow_table(columns: list, types: tuple, names: tuple[str, ...] | None = None) -> pa.Table:
    """Columns (lists of equal length; none for an empty table) as an Arrow table of `types`."""
    names = names or tuple(f"c{i}" for i in range(len(types)))
    if not columns:
        columns = [[] for _ in types]
    return pa.table([pa.array(list(c), type=t) for c, t in zip(columns, types)], names=list(names))


@contextmanager
def registered(con, **tables: pa.Table) -> Iterator[None]:
    """Register Arrow tables under the given names for the block (never user text in SQL)."""
    for name, table in tables.items():
        con.register(name, table)
    failed = True
    try:
        yield
        failed = False
    finally:
        for name in tables:
            try:
                con.unregister(name)
            except duckdb.Error:  # an aborted transaction refuses it; keep the first error
                if not failed:
                    raise
