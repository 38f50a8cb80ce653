"""One of the two processes of test_concurrency: `python -m tests.workflow.concurrent_worker DB ME GO`.

Waits for the file GO (so both start together), then contests every finding (process 0 confirms,
process 1 dismisses, in opposite orders) and adds its own corrections; prints JSON
{"won": [...], "refused": n}.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

from workflow import corrections
from workflow.findings import list_findings, move
from workflow.states import CONFIRMED, DISMISSED, PENDING, WorkflowError
from workflow.store import opened, store_path

AGENCY = "310000-KW"
KEYS = [
    f"t3.{row}.{col}"
    for row in ("new", "carried_in", "granted", "processed")
    for col in ("natural", "commercial", "research", "social", "legal", "other_org")
]


def main(db: str, me: int, go: Path) -> None:
    target = CONFIRMED if me == 0 else DISMISSED
    won, refused = [], 0
    rcon = duckdb.connect(db, read_only=True)
    with opened(store_path(db)) as con:
        fkeys = [f["fkey"] for f in list_findings(con)]
        deadline = time.monotonic() + 60
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        for i, key in enumerate(KEYS):
            if i % 2 == me:
                corrections.add_correction(
                    con,
                    rcon,
                    agency_id=AGENCY,
                    year=2024,
                    key=key,
                    value=99,
                    reason=f"进程 {me}",
                    evidence="测试",
                    actor=f"user{me}",
                )
            if i < len(fkeys):
                fkey = fkeys[i if me == 0 else len(fkeys) - 1 - i]
                try:
                    move(con, fkey, target, f"user{me}", "并发测试", expected=PENDING)
                    won.append(fkey)
                except WorkflowError:
                    refused += 1
    rcon.close()
    print(json.dumps({"won": won, "refused": refused}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
