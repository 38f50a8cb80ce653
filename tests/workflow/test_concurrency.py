"""Two processes updating the workflow store at once: nothing lost, no decision overwritten."""

from __future__ import annotations

import multiprocessing as mp

from tests.workflow.conftest import AGENCY
from workflow.states import CONFIRMED, DISMISSED, PENDING

KEYS = [f"t3.{row}.{col}" for row in ("new", "carried_in", "granted", "processed")
        for col in ("natural", "commercial", "research", "social", "legal", "other_org")]


def _worker(db: str, me: int, start, results) -> None:
    """Each process: contest every finding (confirm or dismiss) and add its own corrections."""
    import duckdb

    from workflow import corrections
    from workflow.findings import list_findings, move
    from workflow.states import WorkflowError
    from workflow.store import opened, store_path

    target = CONFIRMED if me == 0 else DISMISSED
    won, refused = [], 0
    rcon = duckdb.connect(db, read_only=True)
    with opened(store_path(db)) as con:
        fkeys = [f["fkey"] for f in list_findings(con)]
        start.wait()
        for i, key in enumerate(KEYS):
            if i % 2 == me:
                corrections.add_correction(con, rcon, agency_id=AGENCY, year=2024, key=key,
                                           value=99, reason=f"进程 {me}", evidence="测试",
                                           actor=f"user{me}")
            if i < len(fkeys):
                fkey = fkeys[i if me == 0 else len(fkeys) - 1 - i]
                try:
                    move(con, fkey, target, f"user{me}", "并发测试", expected=PENDING)
                    won.append(fkey)
                except WorkflowError:
                    refused += 1
    rcon.close()
    results.put((me, won, refused))


def test_two_processes_update_at_once(all_real):
    from workflow import corrections
    from workflow.findings import history, list_findings
    from workflow.store import opened, revision, store_path

    with opened(store_path(all_real)) as con:
        fkeys = [f["fkey"] for f in list_findings(con)]
    assert len(fkeys) >= 4
    start_rev = revision(store_path(all_real))
    ctx = mp.get_context("spawn")
    start, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(str(all_real), me, start, results)) for me in (0, 1)]
    for p in procs:
        p.start()
    outcome = {me: (won, refused) for me, won, refused in (results.get(timeout=120) for _ in procs)}
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    won = outcome[0][0] + outcome[1][0]
    assert sorted(won) == sorted(fkeys)  # every finding decided exactly once
    assert outcome[0][1] + outcome[1][1] == len(fkeys)  # the other process was refused each time
    with opened(store_path(all_real)) as con:
        states = {f["fkey"]: f["state"] for f in list_findings(con)}
        for me, target in ((0, CONFIRMED), (1, DISMISSED)):
            assert all(states[k] == target for k in outcome[me][0])
        for k in fkeys:
            assert [e["to_state"] for e in history(con, k)][1:] in ([CONFIRMED], [DISMISSED])
        fixes = corrections.list_corrections(con, live_only=True)
    assert sorted(f["key"] for f in fixes) == sorted(KEYS)
    assert {f["reason"] for f in fixes if KEYS.index(f["key"]) % 2} == {"进程 1"}
    assert revision(store_path(all_real)) == start_rev + len(KEYS) + len(fkeys)
