"""整改跟踪: findings by agency and state, overdue rectifications, each item's history;
signed-in analysts move items through the workflow and enter corrections. Without sign-in the
page is read-only (workflow.roles)."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from dashboard import data
from dashboard.safe_text import md
from dashboard.views import rect_items, widgets
from workflow import corrections, findings, roles
from workflow.states import NOTIFIED, RECTIFIED, STATES, WorkflowError
from workflow.store import StoreError, opened, store_path

v, year, peer = data.selection()
st.title(f"{year} 年度整改跟踪")


def _actor() -> roles.Actor:
    try:
        oidc = st.user.to_dict()
    except StreamlitSecretNotFoundError:  # secrets.toml unreadable: only the proxy header counts
        oidc = None
    try:
        actor = roles.resolve_actor(st.context.headers, oidc)
    except roles.RolesError as exc:  # one line naming the line of roles.toml to fix
        st.error(md(exc), icon="⚠️")
        return roles.Actor("", None, "未登录")
    if actor.problem:  # a sign-in was offered but could not be verified: said, not taken
        st.warning(actor.problem, icon="🔒")
    return actor


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except StreamlitSecretNotFoundError:  # no (or no readable) secrets file: no login set up
        return False


actor = _actor()
st.text(f"当前用户：{actor.label}")  # plain text: a user name is never read as markdown
if not actor.name and _oidc_configured():
    st.button("登录", on_click=st.login, help="使用单位统一身份认证（OIDC）登录。")
elif actor.via == "OIDC 登录":
    st.button("退出登录", on_click=st.logout)
if not actor.can("move"):
    st.info(
        "只读：通过单位登录入口登录、且被设为分析人员或管理员时，才能确认问题、标记误报和录入修正。",
        icon="🔒",
    )

try:
    with opened(store_path(data.db_path())) as store:
        home = data.home_agencies(v)  # the office's own agencies only (etl.scope)
        items = [
            f
            for f in findings.list_findings(store, year=year)
            if (peer is None or (f["peer_group"] or "未分组") == peer)
            and (home is None or f["agency_id"] in home)
        ]
        fixes = corrections.list_corrections(store, year=year)
except StoreError as exc:
    st.error(md(exc))
    st.stop()
today = date.today().isoformat()


def _resolved_by(cid: int, column: str = "resolved_by") -> str:
    """The problems correction `cid` resolves (or, column raised_by, raises: the corrected
    figures break a check that held; workflow.corrected_findings), 、-joined."""
    return "、".join(
        f["rule_label"] for f in items if f.get(column) and str(cid) in f[column].split(",")
    )


def _overdue(f: dict) -> bool:
    return f["state"] == NOTIFIED and bool(f["deadline"]) and f["deadline"] < today


c = st.columns(5)
# 待核实 counts what is still to check: not a finding an analyst's correction already resolves
counts = {s: sum(f["state"] == s for f in items) for s in STATES}
counts["待核实"] = sum(f["state"] == "待核实" and findings.stands(f) for f in items)
c[0].metric("待核实", counts["待核实"], border=True, help="加载时检出、尚未核实的问题。")
c[1].metric(
    "已确认 / 已通知",
    sum(f["state"] in ("已确认", "已通知") and findings.stands(f) for f in items),
    border=True,
    help="已核实属实的问题；发出整改通知后为“已通知”。修正后已消除的问题不计入。",
)
c[2].metric(
    "逾期未整改",
    sum(_overdue(f) for f in items),
    border=True,
    help="已通知且已过整改期限、新版本年报仍未整改的问题。",
)
c[3].metric(
    "已整改待复核",
    sum(f["state"] == RECTIFIED and bool(f["needs_review"]) for f in items),
    border=True,
    help="重新加载的新版本年报中不再出现，等待分析人员复核。",
)
c[4].metric(
    "分析人员修正",
    sum(x["status"] != corrections.UNDONE for x in fixes),
    border=True,
    help="误读数值的人工修正；评分、排名和导出使用修正值。",
)

tab_items, tab_fix = st.tabs(["问题清单", "数值修正"])

with tab_items:
    if not items:
        st.success(f"{year} 年度没有需要跟踪的问题。")
    else:
        rect_items.render(items, actor, _overdue)

with tab_fix:
    if fixes:
        widgets.table(
            pl.DataFrame(
                {
                    "编号": [x["id"] for x in fixes],
                    "单位编码": [x["agency_id"] for x in fixes],
                    "字段名称": [x["label"] for x in fixes],
                    "报告所印": [x["printed_raw"] for x in fixes],
                    "修正值": [f"{x['value']:g}（修正）" for x in fixes],
                    "状态": [x["status_label"] for x in fixes],
                    "修正后已消除的问题": [_resolved_by(x["id"]) for x in fixes],
                    "修正后出现的问题": [_resolved_by(x["id"], "raised_by") for x in fixes],
                    "原因": [x["reason"] for x in fixes],
                    "依据": [x["evidence"] for x in fixes],
                    "录入人": [x["created_by"] for x in fixes],
                }
            )
        )
    else:
        st.caption("还没有数值修正。")
    if actor.can("correct"):
        live = [x for x in fixes if x["status"] != corrections.UNDONE]
        if live:
            with st.form("rect_undo", clear_on_submit=True):
                st.markdown("**撤销或复核一条修正**")
                pick = st.selectbox(
                    "修正",
                    [x["id"] for x in live],
                    format_func=lambda i: next(
                        f"{i} · {x['agency_id']} · {x['label']} · {x['status_label']}"
                        for x in live
                        if x["id"] == i
                    ),
                )
                action = st.radio(
                    "操作", ["撤销（恢复报告所印数值）", "复核后继续采用"], horizontal=True
                )
                reason = st.text_input("原因（必填）", key="undo_reason")
                if st.form_submit_button("确定"):
                    cur = data.cursor()
                    try:
                        with opened(store_path(data.db_path())) as store:
                            if action.startswith("撤销"):
                                corrections.undo_correction(
                                    store, pick, actor=actor.name, reason=reason, report_con=cur
                                )
                            else:
                                corrections.keep_correction(
                                    store, cur, pick, actor=actor.name, reason=reason
                                )
                    except (WorkflowError, StoreError) as exc:  # read-only store
                        st.error(md(exc))
                    else:
                        st.rerun()
                    finally:
                        cur.close()
        # only the office's own units: a correction changes its scores, rankings and notices
        agencies = data.own_agencies(v)
        ids = dict(zip(agencies["agency_id"], agencies["name"]))
        st.markdown("**录入修正**（报告数值被误读时使用；评分、排名和导出将使用修正值）")
        st.caption("只列本省已确认的单位；其他省份的参照单位和待确认的单位名称不在此修正。")
        aid = st.selectbox(
            "单位", list(ids), format_func=lambda a: f"{ids[a]}（{a}）", key="fix_agency"
        )
        values = data.agency_values(v, aid).filter(pl.col("year") == year)
        if values.is_empty():
            st.caption(f"该单位没有 {year} 年度年报。")
        else:
            keys = dict(zip(values["key"], values["label"]))
            printed = dict(zip(values["key"], values["raw"]))
            with st.form("rect_fix", clear_on_submit=True):
                key = st.selectbox(
                    "字段",
                    list(keys),
                    format_func=lambda k: f"{keys[k]}（报告所印：{printed[k] or '空白'}）",
                )
                value = st.number_input("正确数值", min_value=0.0, step=1.0)
                reason = st.text_input("修正原因（必填）")
                evidence = st.text_input("依据（必填，如原文页码、表格行列）")
                if st.form_submit_button("保存修正"):
                    cur = data.cursor()
                    try:
                        with opened(store_path(data.db_path())) as store:
                            corrections.add_correction(
                                store,
                                cur,
                                agency_id=aid,
                                year=year,
                                key=key,
                                value=value,
                                reason=reason,
                                evidence=evidence,
                                actor=actor.name,
                            )
                    except (WorkflowError, StoreError) as exc:  # read-only store
                        st.error(md(exc))
                    else:
                        st.rerun()
                    finally:
                        cur.close()
