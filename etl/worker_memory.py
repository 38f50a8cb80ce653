"""Each parse worker has a memory cap (LIMITS.worker_memory_bytes, or lone_worker_memory_bytes
for a worker alone); past it the file is refused.

Two hostile files on two parse workers took the loading machine down at 2-10 GB each. The cap
is set in the pool initializer with RLIMIT_DATA (the heap and every private writable mapping:
what a decoded picture, an inflated stream or a numpy array costs; not the shared libraries'
code, which RLIMIT_AS would also count). Past it an allocation fails: in Python a MemoryError,
refused here as too_much_memory; in pdfium or another library a crash of the worker, which
etl.stuck_workers sees and refuses the same way.
"""

from __future__ import annotations

import resource

from etl.errors import ReportError
from etl.limits import LIMITS

_alone = False  # the pool started last has one worker (set before forking: workers inherit it)


def set_pool_size(workers: int) -> None:
    """Parent side, before forking a pool: a worker alone gets LIMITS.lone_worker_memory_bytes."""
    global _alone
    _alone = workers == 1


def cap_bytes() -> int:
    """The memory one worker of the current pool may take beyond what it inherits."""
    return LIMITS.lone_worker_memory_bytes if _alone else LIMITS.worker_memory_bytes


def cap_worker_memory() -> None:
    """Worker side, in the pool initializer: the cap counts from what the fork inherited."""
    inherited = _data_bytes()
    if not inherited:  # no /proc (not Linux): a cap counted from nothing would starve the worker
        return
    limit = inherited + cap_bytes()
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def _data_bytes() -> int:
    """This process's data segment now (VmData of /proc/self/status), 0 where unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def too_much_memory(origin: str) -> ReportError:
    return ReportError(
        origin,
        f"reading it needed more than the limit of {cap_bytes() >> 20:,} MB "
        "of memory and the reader was stopped",
        "no annual report needs this much; check that this is the right file, or load another "
        "copy of the report (PDF with a text layer, HTML or DOCX)",
        "too_much_memory",
    )
