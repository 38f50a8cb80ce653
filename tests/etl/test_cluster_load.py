"""`gongkai load --cluster ADDRESS`: parse on a Dask cluster, write the same rows as a local load.

Inputs: the shared seeds and real reports (text, Markdown, a PDF with a text layer), plus an
empty file (refused) and a byte-copy of a seed (loaded once, noted) made in the test. The cluster
is a distributed.LocalCluster of 2 worker processes started by the test, on 127.0.0.1 only.
Without the optional extra the cluster tests skip, except under CI=true, where scripts/setup test
installs it and a skip would hide a broken install.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import sys

import duckdb
import pytest
from click.testing import CliRunner

import etl.cluster
from etl.errors import ReportError
from etl.pipeline import run_load
from gongkai.cli import cli
from tests.conftest import REAL, SEEDS
from tests.gongkai.conftest import gongkai


def engine():
    """The distributed module; skip without the extra, except under CI=true (setup installs it)."""
    if etl.cluster.engine_installed():
        import distributed

        return distributed
    if os.environ.get("CI") == "true":
        pytest.fail('CI=true but the cluster extra is missing: pip install -e ".[cluster]"')
    pytest.skip('the optional cluster engine is not installed (pip install -e ".[cluster]")')


# What differs between two loads of the same files by nature: when each load happened (these
# timestamp columns) and the random stamp each build of the database gets (meta's build_stamp).
# Every other column and row, ids included (both loads number reports in input order), is equal.
WHEN = {"loaded_at", "at", "started_at", "finished_at", "imported_at", "chosen_at"}
BUILD_STAMP = ("meta", "build_stamp")


def inputs(folder):
    files = sorted(p for p in [*SEEDS.iterdir(), *REAL.iterdir()] if not p.name.endswith(".json"))
    assert len(files) >= 8, files  # enough for two chunks of work, one per worker
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    shutil.copy(files[0], folder / f"copy_of_{files[0].name}")
    return [*map(str, files), str(folder / "empty.txt"), str(folder / f"copy_of_{files[0].name}")]


def every_table(db) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        tables = [
            r[0]
            for r in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()
        ]
        out = {}
        for table in tables:
            cols = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                    "ORDER BY column_index",
                    [table],
                ).fetchall()
                if r[0] not in WHEN
            ]
            select = ", ".join(f'"{c}"' for c in cols)  # names from the catalogue, not users
            got = con.execute(f'SELECT {select} FROM "{table}" ORDER BY ALL').fetchall()
            out[table] = [r for r in got if (table, r[0]) != BUILD_STAMP]
    return out


# The test process's own __main__, as imported at collection. Streamlit's AppTest (other test
# modules, same worker) makes the page script __main__, and Dask's worker processes are spawned:
# they re-import __main__, so each would run dashboard/app.py and die starting up.
_MAIN = sys.modules["__main__"]


@pytest.fixture(autouse=True)
def own_main(monkeypatch):
    """Every test here (and the worker restarts it causes) spawns from the real __main__."""
    monkeypatch.setitem(sys.modules, "__main__", _MAIN)


@pytest.fixture(scope="module")
def cluster():
    distributed = engine()
    sys.modules["__main__"] = _MAIN  # the module fixture starts before the autouse one
    with distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        yield local


def who_parsed():
    """A scheduler plugin noting the workers that finished a parse task, and its set of them."""
    from distributed.diagnostics.plugin import SchedulerPlugin

    workers: set = set()

    class WhoParsed(SchedulerPlugin):
        def transition(self, key, start, finish, *args, **kwargs):
            if start == "processing" and finish == "memory" and "on_worker" in str(key):
                workers.add(kwargs.get("worker"))

    return WhoParsed(), workers


@pytest.mark.slow  # two worker processes start and warm up their readers (≈10 s on a quiet machine)
def test_cluster_load_writes_every_row_a_local_load_writes(tmp_path, cluster):
    files = inputs(tmp_path / "made")
    local = run_load(files, tmp_path / "local.duckdb", workers=1)
    plugin, parsed_by = who_parsed()
    cluster.scheduler.add_plugin(plugin, name="who-parsed")  # the scheduler runs in-process
    remote = run_load(files, tmp_path / "cluster.duckdb", cluster=cluster.scheduler_address)

    assert dataclasses.asdict(remote) == dataclasses.asdict(local)
    assert len(local.loaded) == len(files) - 3
    assert len(local.not_reports) == 1  # the seed that is an implementing rule, not a report
    assert [p for p, _ in local.failed] == [files[-2]]  # the empty file, refused on a worker
    assert local.unchanged == [files[-1]]  # the byte-copy: same bytes, loaded once
    a, b = every_table(tmp_path / "local.duckdb"), every_table(tmp_path / "cluster.duckdb")
    assert a.keys() == b.keys() and {"reports", "report_values", "findings"} <= a.keys()
    for table in a:
        assert b[table] == a[table], table
    assert len(a["reports"]) == len(files) - 3 and len(a["report_values"]) > 500
    assert len(parsed_by) == 2 and None not in parsed_by  # both workers parsed files


@pytest.mark.slow  # starts a Dask scheduler or the real command in a subprocess
def test_an_unreachable_scheduler_is_one_line_and_the_database_is_untouched(tmp_path, monkeypatch):
    engine()
    db = tmp_path / "g.duckdb"
    (tmp_path / "empty.txt").write_bytes(
        b""
    )  # a database with a load in it, and no parse to wait for
    first = run_load([str(tmp_path / "empty.txt")], db, workers=1)
    assert len(first.failed) == 1 and db.is_file()
    before = db.read_bytes()
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(etl.cluster, "CONNECT_SECONDS", 1)
    with pytest.raises(ReportError) as caught:
        run_load([str(p) for p in SEEDS.glob("*.txt")], db, cluster=f"tcp://127.0.0.1:{port}")
    assert caught.value.code == "cluster"
    assert caught.value.message.startswith(f"--cluster tcp://127.0.0.1:{port}: cannot reach")
    assert "\n" not in caught.value.message
    assert db.read_bytes() == before

    result = CliRunner().invoke(
        cli,
        ["load", str(sorted(SEEDS.glob("*.txt"))[1]), "--db", str(db)]
        + ["--cluster", f"tcp://127.0.0.1:{port}"],
    )
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "cannot reach a Dask scheduler" in result.output
    assert "Traceback" not in result.output
    assert db.read_bytes() == before


def test_without_the_engine_cluster_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setattr(etl.cluster, "engine_installed", lambda: False)
    db = tmp_path / "g.duckdb"
    seed = str(sorted(SEEDS.glob("*.txt"))[0])
    result = CliRunner().invoke(cli, ["load", seed, "--db", str(db), "--cluster", "tcp://x:1"])
    assert result.exit_code == 1
    assert result.output == (
        'Error: --cluster needs the optional cluster engine (Dask distributed): pip install -e ".[cluster]"\n'  # noqa: E501
    )
    assert not db.exists()
    with pytest.raises(ReportError) as caught:  # the library refuses the same way
        run_load([seed], db, cluster="tcp://x:1")
    assert caught.value.code == "no_cluster_engine" and not db.exists()


@pytest.mark.slow  # starts a Dask scheduler or the real command in a subprocess
def test_a_malformed_address_is_one_line_from_the_real_command(tmp_path):
    engine()
    db = tmp_path / "g.duckdb"
    seed = str(sorted(SEEDS.glob("*.txt"))[0])
    for address in ("tcp://[::1", "inproc://x:1", "tcp://host:port"):  # the library, in-process
        with pytest.raises(ReportError) as caught:
            run_load([seed], db, cluster=address)
        assert caught.value.problem.startswith("not a Dask scheduler address"), address
    done = gongkai("load", seed, "--db", db, "--cluster", "nonsense", timeout=60)
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("Error: --cluster nonsense: not a Dask scheduler address")
    assert done.stderr.count("\n") == 1, done.stderr  # no traceback, at exit either
    assert not db.exists()


def parse_or_die(jobs: list) -> list:
    """Runs on a worker in place of the parser: a file named *stuck* ends the worker process, as
    the watchdog does with a file stuck in a C call past its deadline."""
    if any("stuck" in origin for origin, _ in jobs):
        os._exit(75)
    return [("ok", origin, len(data)) for origin, data in jobs]


@pytest.mark.slow  # two worker processes are ended and restarted by their nannies
def test_a_file_that_ends_its_worker_is_refused_alone_and_the_others_come_back(cluster):
    pool = etl.cluster.connect(cluster.scheduler_address)
    before = cluster.scheduler.allowed_failures
    cluster.scheduler.allowed_failures = 0  # give up on a task at its first dead worker
    try:
        jobs = [("a.txt", b"1"), ("stuck.pdf", b"22"), ("c.txt", b"333")]
        got = pool.submit(parse_or_die, jobs).result()
        assert got[0] == ("ok", "a.txt", 1) and got[2] == ("ok", "c.txt", 3)
        assert got[1][0] == "error" and got[1][1] == "stuck.pdf" and got[1][4] == "worker_died"
        assert pool.lost is None  # the cluster itself is still there
    finally:
        cluster.scheduler.allowed_failures = before
        pool.shutdown()
