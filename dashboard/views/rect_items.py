"""整改跟踪 · 问题清单: filters, a table whose rows can be selected for bulk triage (确认所选 /
标记误报 with one reason), and one item's evidence, history and move form.

A failed action keeps what the user chose and says why right at the control: a dismissal
(误报) without a reason is refused and never becomes a confirmation.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard import data
from dashboard.safe_text import md
from dashboard.views import widgets
from workflow import findings, triage
from workflow.evidence import evidence_lines
from workflow.states import CONFIRMED, DISMISSED, OPEN_STATES, RECTIFIED, STATES, WorkflowError
from workflow.store import StoreError, opened, store_path

ALL_RULES, ALL_AGENCIES = "全部问题类型", "全部单位"


def _filtered(items: list[dict], overdue) -> list[dict]:
    f1, f2, f3, f4 = st.columns([2, 2, 2, 1])
    states = f1.multiselect(
        "状态", STATES, default=list(OPEN_STATES) + [RECTIFIED], key="rect_states"
    )
    rules = sorted({f["rule_label"] for f in items})
    rule = f2.selectbox("问题类型", [ALL_RULES, *rules], key="rect_rule")
    names = sorted({f["agency_name"] or f["agency_id"] for f in items})
    who = f3.selectbox("单位", [ALL_AGENCIES, *names], key="rect_agency")
    only_late = f4.toggle("只看逾期", key="rect_overdue")
    return [
        f
        for f in items
        if f["state"] in states
        and (rule == ALL_RULES or f["rule_label"] == rule)
        and (who == ALL_AGENCIES or (f["agency_name"] or f["agency_id"]) == who)
        and (not only_late or overdue(f))
    ]


def _frame(chosen: list[dict], overdue) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "编号": [str(f["number"]) for f in chosen],  # as `gongkai findings list` prints it
            "单位": [f["agency_name"] or f["agency_id"] for f in chosen],
            "对标组": [f["peer_group"] or "未分组" for f in chosen],
            "问题": [f["rule_label"] for f in chosen],
            "状态": [findings.state_text(f) for f in chosen],
            "新版本仍存在": ["是" if f["repeated"] else "" for f in chosen],
            "整改期限": [f["deadline"] or "" for f in chosen],
            "逾期": ["逾期" if overdue(f) else "" for f in chosen],
            "证据（报告所印）": ["；".join(evidence_lines(f["evidence"])) for f in chosen],
            "首次发现": [f["first_seen"][:10] for f in chosen],
        },
        schema={
            c: pl.String
            for c in (
                "编号",
                "单位",
                "对标组",
                "问题",
                "状态",
                "新版本仍存在",
                "整改期限",
                "逾期",
                "证据（报告所印）",
                "首次发现",
            )
        },
    )


def _bulk(selected: list[dict], actor) -> None:
    """确认所选 / 标记误报 for the selected rows; the outcome is shown right below the buttons."""
    rnd = st.session_state.get("rect_round", 0)
    with st.container(border=True):
        st.markdown(f"**批量处理**　已选 {len(selected)} 条（在上表左侧勾选；表头勾选框可全选）")
        reason = st.text_input(
            "原因（标记误报时必填；确认可不填，记为“核实属实”）", key=f"bulk_reason_{rnd}"
        )
        b1, b2, _ = st.columns([1, 1, 3])
        confirm = b1.button("确认所选", disabled=not selected, key="bulk_confirm", type="primary")
        dismiss = b2.button("标记误报", disabled=not selected, key="bulk_dismiss")
        done = st.session_state.pop("rect_done", None)
        if done:
            st.success(md(done))  # it quotes a workflow message about the rows
        if confirm or dismiss:
            target = CONFIRMED if confirm else DISMISSED
            try:
                with opened(store_path(data.db_path())) as store:
                    moved, skipped = triage.apply(store, selected, target, actor.name, reason)
            except (WorkflowError, StoreError) as exc:  # StoreReadOnly: says so, nothing lost
                st.error(md(exc))  # the selection and the reason stay as they were
                return
            note = f"已将 {len(moved)} 条改为“{target}”"
            if skipped:
                note += f"；{len(skipped)} 条未改动（{skipped[0][1]}）"
            st.session_state["rect_done"] = note
            st.session_state["rect_round"] = rnd + 1  # a fresh selection, same filters
            st.rerun()


def _one(item: dict, actor) -> None:
    """One finding: evidence, history and the move form (keeps the choice when refused)."""
    st.markdown("**报告所印**")
    for line in evidence_lines(item["evidence"]):
        st.text(line)
    st.caption(md(item["message"]))  # a finding message quotes the report: never Markdown
    with opened(store_path(data.db_path())) as store:
        log = findings.history(store, item["fkey"])
    st.markdown("**处理记录**")
    widgets.table(
        pl.DataFrame(
            {
                "时间": [e["at"].replace("T", " ") for e in log],
                "操作人": [e["actor"] for e in log],
                "原状态": [e["from_state"] or "—" for e in log],
                "新状态": [e["to_state"] for e in log],
                "原因": [e["reason"] for e in log],
            }
        )
    )
    if not (actor.can("move") and item["moves"]):
        return
    state_key = f"{item['fkey']}|{item['state']}"  # a new state gets a fresh form
    keys = (f"rect_target|{state_key}", f"rect_reason|{state_key}")
    with st.form(f"rect_move|{state_key}"):
        target = st.radio("改为", item["moves"], horizontal=True, index=None, key=keys[0])
        reason = st.text_input("原因（标记误报时必填；确认可不填）", key=keys[1])
        slot = st.empty()
        if st.form_submit_button("保存"):
            if target is None:
                slot.error("请先选择要改为的状态")
                return
            try:
                with opened(store_path(data.db_path())) as store:
                    findings.move(
                        store, item["fkey"], target, actor.name, reason, expected=item["state"]
                    )
            except (WorkflowError, StoreError) as exc:  # StoreReadOnly: says so, nothing lost
                slot.error(md(exc))  # what was chosen stays chosen
            else:
                st.toast(f"已改为“{target}”")
                st.rerun()


def render(items: list[dict], actor, overdue) -> None:
    chosen = _filtered(items, overdue)
    rnd = st.session_state.get("rect_round", 0)
    st.caption(f"共 {len(chosen)} 条")
    event = st.dataframe(
        _frame(chosen, overdue),
        key=f"rect_table_{rnd}",
        on_select="rerun" if actor.can("move") else "ignore",
        selection_mode="multi-row",
        hide_index=True,
        width="stretch",
    )
    if actor.can("move"):
        rows = event.selection.rows if event is not None and hasattr(event, "selection") else []
        _bulk([chosen[i] for i in rows if i < len(chosen)], actor)
    if chosen:
        labels = {f["fkey"]: f"{f['agency_name']} · {f['rule_label']}" for f in chosen}
        fkey = st.selectbox(
            "查看或处理一条问题", list(labels), format_func=labels.get, key="rect_item"
        )
        _one(next(f for f in chosen if f["fkey"] == fkey), actor)
