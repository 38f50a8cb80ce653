"""Peak resident memory of one command, measured in a small launcher process.

Why a launcher: on Linux a child's ru_maxrss (from wait4 or RUSAGE_CHILDREN) starts at the
memory of the process it was forked or vforked from, because exec records the old address
space's high-water mark. A 1.2 GB pytest worker therefore "measures" 1.2 GB for any child it
starts. The launcher is a bare Python of ~10 MB: the command it starts inherits that instead,
so the figure is the command's own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Runs the command, kills it after the timeout, and writes its peak RSS (KB) to a file.
_LAUNCHER = """
import os, resource, subprocess, sys
timeout = float(os.environ.pop("PEAK_RSS_TIMEOUT")) or None
report = os.environ.pop("PEAK_RSS_REPORT")
limit = int(os.environ.pop("PEAK_RSS_LIMIT"))
if limit:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
try:
    code = subprocess.run(sys.argv[1:], timeout=timeout).returncode
    killed = 0
except subprocess.TimeoutExpired:
    code, killed = -9, 1
with open(report, "w") as out:
    out.write(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} {code} {killed}")
"""


@dataclass(frozen=True)
class Measured:
    returncode: int
    seconds: float
    peak_kb: int
    timed_out: bool
    stderr: str


def measure(
    argv: list[str],
    *,
    cwd: Path,
    timeout: float = 0,
    address_space_bytes: int = 0,
) -> Measured:
    """Run `argv` (stdout discarded) and return its exit code, seconds, own peak RSS and stderr.
    `address_space_bytes` caps the command's address space (RLIMIT_AS); 0 leaves it uncapped."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "peak"
        env = dict(
            os.environ,
            PEAK_RSS_TIMEOUT=str(timeout),
            PEAK_RSS_REPORT=str(report),
            PEAK_RSS_LIMIT=str(address_space_bytes),
        )
        started = time.monotonic()
        with tempfile.TemporaryFile() as err:
            subprocess.run(
                [sys.executable, "-c", _LAUNCHER, *argv],
                cwd=cwd,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=err,
                check=True,
            )
            seconds = time.monotonic() - started
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
        peak, code, killed = (int(n) for n in report.read_text().split())
    return Measured(code, seconds, peak, bool(killed), stderr)


def descendants_rss_mb(root: int) -> int:
    """Summed RSS (MB) of the live descendants of process `root` (Linux /proc)."""
    parent, rss = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            parent[int(entry)] = int(fields[1])  # field 4 of stat: the parent
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")  # field 24: rss pages
        except (OSError, ValueError, IndexError):
            continue
    total = 0
    for pid in rss:
        ancestor = parent.get(pid)
        while ancestor not in (None, 0, 1, root):
            ancestor = parent.get(ancestor)
        if ancestor == root:
            total += rss[pid]
    return total // (1 << 20)


def group_rss_mb(pgid: int) -> int:
    """Summed RSS (MB) of the live processes of process group `pgid` (Linux /proc)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:  # field 5 of stat: the process group
                total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")  # field 24: rss pages
        except (OSError, ValueError, IndexError):
            continue
    return total // (1 << 20)
