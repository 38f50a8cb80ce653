"""Two processes updating the workflow store at once: nothing lost, no decision overwritten."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.workflow.concurrent_worker import KEYS
from workflow import corrections
from workflow.findings import history, list_findings
from workflow.states import CONFIRMED, DISMISSED
from workflow.store import opened, revision, store_path

# slow: each test (or the module's fixture) runs a whole `gongkai load` of real reports
pytestmark = pytest.mark.slow


def test_two_processes_update_at_once(all_real, tmp_path):
    with opened(store_path(all_real)) as con:
        fkeys = [f["fkey"] for f in list_findings(con)]
    assert len(fkeys) >= 3  # both processes contest the middle one
    start_rev = revision(store_path(all_real))
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.workflow.concurrent_worker",
                str(all_real),
                str(me),
                str(go),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for me in (0, 1)
    ]
    go.touch()
    outcome = {}
    for me, p in enumerate(procs):
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
        outcome[me] = json.loads(out.strip().splitlines()[-1])
    won = outcome[0]["won"] + outcome[1]["won"]
    assert sorted(won) == sorted(fkeys)  # every finding decided exactly once
    assert outcome[0]["refused"] + outcome[1]["refused"] == len(fkeys)  # the other was refused
    with opened(store_path(all_real)) as con:
        states = {f["fkey"]: f["state"] for f in list_findings(con)}
        for me, target in ((0, CONFIRMED), (1, DISMISSED)):
            assert all(states[k] == target for k in outcome[me]["won"])
        for k in fkeys:
            assert [e["to_state"] for e in history(con, k)][1:] in ([CONFIRMED], [DISMISSED])
        fixes = corrections.list_corrections(con, live_only=True)
    assert sorted(f["key"] for f in fixes) == sorted(KEYS)
    assert {f["reason"] for f in fixes if KEYS.index(f["key"]) % 2} == {"进程 1"}
    assert revision(store_path(all_real)) == start_rev + len(KEYS) + len(fkeys)
