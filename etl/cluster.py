"""Parse and OCR on an existing Dask distributed cluster (`gongkai load --cluster ADDRESS`).

The loader stays what it is without a cluster: it discovers and reads every file itself (so the
workers need no access to the files, only the same gongkai installed), hashes it, skips bytes
seen before, and remains the single writer of the database. Only the per-file parse/OCR, chunks
of files at a time, runs on the cluster's workers; results come back in input order.

On a worker the per-file limits of etl.limits still apply: a Dask task runs in a thread, where
there is no alarm, so the readers' loops check the deadline (etl.limits.check_time), and a
watchdog ends the worker process when a file is still being read HARD_STOP_AFTER past its
deadline (stuck in a C call). The cluster's nanny restarts the worker; the scheduler gives up on
the task (KilledWorker), the chunk is sent again one file per task, and the file that kills its
worker again is refused alone (code worker_died). If the cluster itself is lost mid-load, the
remaining files are parsed by a local pool of capped workers (etl.parse_worker), as when a local
parse worker dies.

Dask's `distributed` is an optional extra (pip install -e ".[cluster]"); it is imported only here
and only when --cluster is given.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures.process import BrokenProcessPool

import etl
from etl.errors import ReportError, one_line_message
from etl.limits import deadline_of
from etl.stuck_workers import HARD_STOP_AFTER, POLL_SECONDS

INSTALL = 'pip install -e ".[cluster]"'
CONNECT_SECONDS = 10  # reaching the scheduler
WORKERS_SECONDS = 30  # a scheduler with no worker yet


class ClusterLost(BrokenProcessPool):
    """The scheduler went away mid-load: the pipeline parses the rest in a local pool."""


def engine_installed() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def connect(address: str) -> ClusterPool:
    """A pool sending parse tasks to the scheduler at `address`, or a one-line ReportError."""
    if not engine_installed():
        raise _refused(
            address,
            "--cluster needs the optional cluster engine (Dask distributed), which is not installed",
            f"install it with {INSTALL}",
            "no_cluster_engine",
        )
    from distributed import Client
    from distributed.comm.addressing import parse_address, parse_host_port

    try:  # checked first: a Client built on a malformed address prints a traceback when collected
        scheme, location = parse_address(address)
        parse_host_port(location)
        if scheme not in ("tcp", "tls"):
            raise ValueError(f"{scheme}:// is not a scheduler's network address")
    except ValueError as exc:
        raise _refused(
            address,
            f"not a Dask scheduler address ({one_line_message(str(exc))})",
            "give it as `dask scheduler` prints it, e.g. tcp://10.0.0.5:8786; nothing was loaded",
        ) from None
    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, ValueError) as exc:  # refused, timed out (TimeoutError), a bad address
        raise _refused(
            address,
            f"cannot reach a Dask scheduler there ({type(exc).__name__}: {one_line_message(str(exc))})",
            "check the address (tcp://HOST:PORT, as `dask scheduler` prints it) and that the "
            "scheduler is running; nothing was loaded",
        ) from None
    try:
        client.wait_for_workers(1, timeout=WORKERS_SECONDS)
        versions = set(client.run(_parser_version).values())
    # the remote boundary: client.run raises here whatever a worker raised (no gongkai there:
    # an import error, or anything its environment raises), besides the wait's TimeoutError
    except Exception as exc:  # noqa: BLE001 -- a worker's own exception, of any type
        client.close()
        raise _refused(
            address,
            f"the cluster's workers cannot parse ({type(exc).__name__}: {one_line_message(str(exc))})",
            "start at least one `dask worker` where gongkai is installed; nothing was loaded",
        ) from None
    if versions != {etl.PARSER_VERSION}:
        client.close()
        raise _refused(
            address,
            f"the cluster's workers run another parser version ({', '.join(sorted(versions))}, "
            f"this loader {etl.PARSER_VERSION})",
            "install the same gongkai on every worker and restart them; nothing was loaded",
        )
    return ClusterPool(client, address)


def _refused(address: str, problem: str, hint: str, code: str = "cluster") -> ReportError:
    return ReportError(f"--cluster {address}", problem, hint, code)


def _parser_version() -> str:
    return etl.PARSER_VERSION


class ClusterPool:
    """What etl.pipeline needs of a process pool: submit(fn, jobs).result(), and shutdown()."""

    def __init__(self, client, address: str):
        self.client = client
        self.address = address
        self.lost: str | None = None  # why the cluster was given up, when it was

    def submit(self, fn, jobs: list):
        from distributed.client import ClosedClientError

        if self.lost is not None:
            raise ClusterLost(self.lost)
        try:
            return _Pending(self, fn, jobs, self.client.submit(on_worker, fn, jobs, pure=False))
        except (ClosedClientError, OSError) as exc:  # the client is closed or its link broken
            raise self._lose(exc) from None

    def shutdown(self, wait: bool = True, cancel_futures: bool = True) -> None:
        try:
            self.client.close()
        # called from the load's `finally`: whatever closing a lost client raises must not
        # replace the failure that is on its way out, and there is nothing left to keep
        except Exception:  # noqa: BLE001 -- cleanup of a lost remote client
            pass

    def _lose(self, exc: BaseException) -> ClusterLost:
        self.lost = self.lost or f"{type(exc).__name__}: {one_line_message(str(exc))}"
        return ClusterLost(self.lost)


class _Pending:
    def __init__(self, pool: ClusterPool, fn, jobs: list, future):
        self.pool, self.fn, self.jobs, self.future = pool, fn, jobs, future

    def result(self) -> list:
        from distributed import KilledWorker

        try:
            return self.future.result()
        except KilledWorker:  # a file in this chunk kept ending its worker: find which, alone
            # one at a time: a file waiting on the worker that a stuck file ends is blamed too
            return [self._alone(job) for job in self.jobs]
        # the remote boundary: result() raises the task's exception as the worker raised it, or
        # the link's (scheduler gone, connection lost, cancelled): the files go back to this host
        except Exception as exc:  # noqa: BLE001 -- remote boundary, any type
            raise self.pool._lose(exc) from None

    def _alone(self, job: tuple[str, bytes]) -> tuple:
        from distributed import KilledWorker

        try:
            return self.pool.client.submit(on_worker, self.fn, [job], pure=False).result()[0]
        except KilledWorker:
            return ("error", *_worker_died(job[0]))
        # the remote boundary: result() raises the task's exception as the worker raised it, or
        # the link's (scheduler gone, connection lost, cancelled): the files go back to this host
        except Exception as exc:  # noqa: BLE001 -- remote boundary, any type
            raise self.pool._lose(exc) from None


def _worker_died(origin: str) -> tuple[str, str, str, str]:
    return (
        origin,
        "the cluster's workers stopped each time they read it (stuck past the time limit or "
        "out of memory)",
        "check that this is the right file, or load another copy of the report (PDF with a "
        "text layer, HTML or DOCX)",
        "worker_died",
    )


def on_worker(fn, jobs: list) -> list:
    """Worker side: fn(jobs) under a watchdog that ends this worker process when the file being
    read is stuck HARD_STOP_AFTER past its deadline (a C call the deadline checks cannot reach)."""
    task = threading.get_ident()
    done = threading.Event()

    def watch() -> None:
        while not done.wait(POLL_SECONDS):
            deadline = deadline_of(task)
            if deadline is not None and time.monotonic() > deadline + HARD_STOP_AFTER:
                os._exit(75)

    watchdog = threading.Thread(target=watch, daemon=True, name="gongkai-watchdog")
    watchdog.start()
    try:
        return fn(jobs)
    finally:
        done.set()
        watchdog.join()
