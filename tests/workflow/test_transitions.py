"""The finding state machine on the store (workflow/findings.py, workflow/triage.py), fast: the
small province's two findings of 甲县 2024 (tests/small_province.py), tracked by the re-check
(fixture `small_store`). Each move is checked against the state it leaves and recorded in the
finding's history with who and why; the bulk actions move what they apply to and name the rest.
"""

from __future__ import annotations

import pytest

from workflow.findings import get, history, list_findings, move, move_many
from workflow.states import CONFIRMED, DISMISSED, NOTIFIED, PENDING, WorkflowError
from workflow.triage import apply, pick

ROW_TOTAL = "GA|2024|t3.row_total|t3.new.total"
COPIED = "GA|2024|report.copied|"


def _state(con, fkey: str) -> str:
    return get(con, fkey)["state"]


def _last_move(con, fkey: str) -> tuple:
    event = history(con, fkey)[-1]
    return event["actor"], event["from_state"], event["to_state"], event["reason"]


def test_the_recheck_leaves_each_finding_pending_with_its_first_event(small_store):
    found = list_findings(small_store, year=2024)
    assert [(f["fkey"], f["state"], f["moves"]) for f in found] == [
        (COPIED, PENDING, [CONFIRMED, DISMISSED]),
        (ROW_TOTAL, PENDING, [CONFIRMED, DISMISSED]),
    ]
    assert _last_move(small_store, ROW_TOTAL) == (
        "系统（加载后复查）",
        None,
        PENDING,
        "加载年报时检出",
    )


def test_confirming_records_who_and_the_default_reason(small_store):
    assert move(small_store, ROW_TOTAL, CONFIRMED, "张三", "") == PENDING
    assert _state(small_store, ROW_TOTAL) == CONFIRMED
    assert _last_move(small_store, ROW_TOTAL) == ("张三", PENDING, CONFIRMED, "核实属实")
    assert _state(small_store, COPIED) == PENDING  # the other finding untouched


def test_dismissing_needs_a_reason_and_records_it(small_store):
    with pytest.raises(WorkflowError, match="标记误报须填写原因"):
        move(small_store, ROW_TOTAL, DISMISSED, "张三", "  ")
    assert _state(small_store, ROW_TOTAL) == PENDING  # refused: nothing changed
    move(small_store, ROW_TOTAL, DISMISSED, "张三", "表格合并单元格，属误报")
    assert _state(small_store, ROW_TOTAL) == DISMISSED
    assert _last_move(small_store, ROW_TOTAL) == (
        "张三",
        PENDING,
        DISMISSED,
        "表格合并单元格，属误报",
    )


def test_a_dismissed_or_confirmed_finding_can_be_reopened(small_store):
    move(small_store, ROW_TOTAL, DISMISSED, "张三", "误判")
    assert move(small_store, ROW_TOTAL, PENDING, "李四", "重新核实") == DISMISSED
    move(small_store, COPIED, CONFIRMED, "张三", "")
    assert move(small_store, COPIED, PENDING, "李四", "") == CONFIRMED
    assert [_state(small_store, k) for k in (ROW_TOTAL, COPIED)] == [PENDING, PENDING]
    assert _last_move(small_store, COPIED) == ("李四", CONFIRMED, PENDING, "未填写原因")
    assert len(history(small_store, ROW_TOTAL)) == 3  # detected, dismissed, reopened


def test_a_move_the_state_machine_does_not_allow_names_the_allowed_ones(small_store):
    with pytest.raises(WorkflowError) as refused:
        move(small_store, ROW_TOTAL, NOTIFIED, "张三", "")
    assert str(refused.value) == "当前状态为“待核实”，不能改为“已通知”（可改为：已确认、误报）"
    with pytest.raises(WorkflowError, match="未知状态“已关闭”"):
        move(small_store, ROW_TOTAL, "已关闭", "张三", "")
    with pytest.raises(WorkflowError, match="未登录"):
        move(small_store, ROW_TOTAL, CONFIRMED, "", "")
    with pytest.raises(WorkflowError, match="没有这条问题"):
        move(small_store, "GA|2024|t3.balance|", CONFIRMED, "张三", "")


def test_a_move_made_meanwhile_by_someone_else_is_not_overwritten(small_store):
    move(small_store, ROW_TOTAL, CONFIRMED, "李四", "")
    with pytest.raises(WorkflowError, match="这条问题已被他人改为“已确认”，请刷新后再操作"):
        move(small_store, ROW_TOTAL, DISMISSED, "张三", "误报", expected=PENDING)
    assert _state(small_store, ROW_TOTAL) == CONFIRMED


def test_bulk_confirm_moves_the_queue_and_names_what_it_skips(small_store):
    found = pick(small_store, 2024, agency="甲县人民政府")
    assert [f["fkey"] for f in found] == [COPIED, ROW_TOTAL]
    assert apply(small_store, found, CONFIRMED, "张三", None) == ([COPIED, ROW_TOTAL], [])
    assert [_state(small_store, k) for k in (COPIED, ROW_TOTAL)] == [CONFIRMED, CONFIRMED]
    again = pick(small_store, 2024)
    moved, skipped = apply(small_store, again, CONFIRMED, "张三", None)
    assert moved == [] and skipped == [
        (COPIED, "状态为“已确认”，不能确认"),
        (ROW_TOTAL, "状态为“已确认”，不能确认"),
    ]


def test_bulk_dismiss_takes_pending_and_confirmed_and_needs_a_reason(small_store):
    move(small_store, ROW_TOTAL, CONFIRMED, "李四", "")
    found = pick(small_store, 2024)
    with pytest.raises(WorkflowError, match="标记误报须填写原因"):
        apply(small_store, found, DISMISSED, "张三", "")
    assert apply(small_store, found, DISMISSED, "张三", "台账核对无误") == ([COPIED, ROW_TOTAL], [])
    assert _last_move(small_store, ROW_TOTAL) == ("张三", CONFIRMED, DISMISSED, "台账核对无误")
    assert _last_move(small_store, COPIED) == ("张三", PENDING, DISMISSED, "台账核对无误")


def test_pick_filters_by_rule_label_and_keeps_to_the_offices_agencies(small_store):
    assert [f["fkey"] for f in pick(small_store, 2024, rule="t3.row_total")] == [ROW_TOTAL]
    by_label = pick(small_store, 2024, rule="正文与其他年报高度重复")
    assert [f["fkey"] for f in by_label] == [COPIED]
    assert pick(small_store, 2024, peer_group="县级政府", agency_ids=["GB", "DC"]) == []
    assert pick(small_store, 2023) == []


def test_move_many_skips_a_finding_that_cannot_move_and_moves_the_rest(small_store):
    move(small_store, COPIED, DISMISSED, "李四", "雷同属实为模板")
    moved, skipped = move_many(small_store, [COPIED, ROW_TOTAL, ROW_TOTAL], CONFIRMED, "张三", "")
    assert moved == [ROW_TOTAL]  # each finding once
    assert skipped == [(COPIED, "当前状态为“误报”，不能改为“已确认”（可改为：待核实）")]
