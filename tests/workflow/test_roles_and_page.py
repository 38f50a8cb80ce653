"""Who is acting (proxy header, OIDC, roles file) and the 整改跟踪 page under AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from workflow import roles
from workflow.findings import list_findings
from workflow.states import CONFIRMED, PENDING
from workflow.store import opened, store_path

APP = str(ROOT / "dashboard" / "app.py")
PAGE = "views/rectification.py"


def _roles(tmp_path, text: str) -> roles.Roles:
    path = tmp_path / "roles.toml"
    path.write_text(text, encoding="utf-8")
    return roles.load_roles(path)


def test_actor_from_header_oidc_or_nobody(tmp_path):
    r = _roles(
        tmp_path,
        '[signin]\nheader = "X-Remote-User"\ndefault_role = "leader"\n'
        '[users]\n"Li.Si@example.gov.cn" = "analyst"\n"boss" = "admin"\n',
    )
    secret = "a-shared-secret-of-the-proxy"

    def proxy(user: str) -> dict:  # the sign-in proxy proves itself with the shared secret
        return {"X-Remote-User": user, "X-Gongkai-Proxy-Secret": secret}

    analyst = roles.resolve_actor(proxy("li.si@example.gov.cn"), None, r, secret)
    assert (analyst.role, analyst.via) == ("analyst", "登录代理")
    assert analyst.can("correct") and analyst.can("move") and not analyst.can("settings")
    assert roles.resolve_actor(proxy("boss"), None, r, secret).can("settings")
    stranger = roles.resolve_actor(proxy("someone"), None, r, secret)
    assert stranger.role == "leader" and stranger.can("view") and not stranger.can("move")
    oidc = roles.resolve_actor({}, {"is_logged_in": True, "email": "boss"}, r)
    assert (oidc.role, oidc.via) == ("admin", "OIDC 登录")
    nobody = roles.resolve_actor({"X-Forwarded-User": "boss"}, {"is_logged_in": False}, r)
    assert nobody.name == "" and not nobody.can("view") and nobody.label == "未登录（只读）"


def test_a_bad_roles_file_is_one_chinese_line(tmp_path):
    with pytest.raises(roles.RolesError, match="角色只能是 leader、analyst 或 admin"):
        _roles(tmp_path, '[users]\n"x" = "superuser"\n')
    with pytest.raises(roles.RolesError, match="无法读取"):
        _roles(tmp_path, "[users\n")
    assert roles.load_roles(ROOT / "data" / "roles.toml").header == "X-Forwarded-User"


def _page(db: Path, monkeypatch, actor: roles.Actor | None) -> AppTest:
    monkeypatch.setenv("GONGKAI_DB", str(db))
    if actor is not None:
        monkeypatch.setattr(roles, "resolve_actor", lambda *a, **k: actor)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["year"] = "2024"
    return at.run().switch_page(PAGE).run()


@pytest.mark.slow  # `gongkai load` of a real report first
def test_page_is_read_only_without_sign_in(loaded, monkeypatch):
    _, db = loaded
    at = _page(db, monkeypatch, None)
    assert not at.exception and at.title[0].value == "2024 年度整改跟踪"
    assert any("只读" in i.value for i in at.info)
    assert not at.get("form")
    # shanghai: t3.row_total, t3.balance and 「均已办理完成」 beside a carry-over (the inspector's P2)
    assert {m.label: m.value for m in at.metric}["待核实"] == "3"


@pytest.mark.slow  # `gongkai load` of a real report first
def test_an_analyst_confirms_a_finding_on_the_page(loaded, monkeypatch):
    _, db = loaded
    analyst = roles.Actor("analyst@example.gov.cn", roles.ANALYST, "登录代理")
    at = _page(db, monkeypatch, analyst)
    assert not at.exception
    item = at.selectbox(key="rect_item").value
    at.radio[0].set_value(CONFIRMED)
    at.text_input[0].input("核对原文属实")
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    with opened(store_path(db)) as con:
        states = {f["fkey"]: f["state"] for f in list_findings(con)}
    assert states[item] == CONFIRMED and list(states.values()).count(PENDING) == 2
    assert {m.label: m.value for m in at.metric}["已确认 / 已通知"] == "1"
    # the 编号 the page shows are those `gongkai findings list` prints and `--id` takes
    with opened(store_path(db)) as con:
        rowids = {str(n) for (n,) in con.execute("SELECT rowid FROM tracked_findings")}
    assert set(at.dataframe[0].value["编号"]) == rowids and len(rowids) == 3


@pytest.mark.slow  # `gongkai load` of a real report first
def test_an_analyst_enters_a_correction_on_the_page(loaded, monkeypatch):
    from workflow import corrections

    _, db = loaded
    analyst = roles.Actor("analyst@example.gov.cn", roles.ANALYST, "登录代理")
    at = _page(db, monkeypatch, analyst)
    at.selectbox(key="fix_agency").set_value("310000-KW").run()
    # the fixture's misprinted cell: 自然人 received 32 + 2, processed 33, so 1 carried out
    next(s for s in at.selectbox if s.label == "字段").set_value("t3.carried_out.natural")
    next(n for n in at.number_input if n.label == "正确数值").set_value(1.0)
    next(t for t in at.text_input if t.label == "修正原因（必填）").input("自然人列误印为 2")
    next(t for t in at.text_input if t.label.startswith("依据")).input(
        "原文第 102、103、177 行：自然人 32 + 2 − 33 = 1"
    )
    next(b for b in at.button if b.label == "保存修正").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with opened(store_path(db)) as con:
        (fix,) = corrections.list_corrections(con)
    assert (fix["key"], fix["value"], fix["printed_raw"], fix["created_by"]) == (
        "t3.carried_out.natural",
        1.0,
        "2",
        "analyst@example.gov.cn",
    )
    shown = at.dataframe[-1].value
    assert list(shown["修正值"]) == ["1（修正）"] and list(shown["报告所印"]) == ["2"]
    # the two identities the misprinted cell broke hold on the corrected value: shown resolved
    resolved = f"待核实（修正后已消除，修正编号 {fix['id']}）"
    assert sorted(at.dataframe[0].value["状态"]) == ["待核实", resolved, resolved]
    assert list(shown["修正后已消除的问题"]) == [
        "表三：新收 + 上年结转 ≠ 办理总计 + 结转下年度、表三：各类申请人之和 ≠ 总计列"
    ]
    assert list(shown["修正后出现的问题"]) == [""]  # 1 breaks no check that held


@pytest.mark.slow  # `gongkai load` of a real report first
def test_overdue_rectifications_are_counted_and_listed(loaded, monkeypatch, tmp_path):
    from tests.workflow.conftest import gongkai
    from workflow.findings import move

    _, db = loaded
    with opened(store_path(db)) as con:
        for f in list_findings(con):
            move(con, f["fkey"], CONFIRMED, "analyst", "属实")
    gongkai(
        "notices", "--year", 2024, "--db", db, "--out", tmp_path / "n", "--deadline", "2025-01-15"
    )
    at = _page(db, monkeypatch, None)
    assert {m.label: m.value for m in at.metric}["逾期未整改"] == "3"
    at.toggle(key="rect_overdue").set_value(True).run()
    listed = at.dataframe[0].value
    assert list(listed["逾期"]) == ["逾期", "逾期", "逾期"] and set(listed["整改期限"]) == {
        "2025-01-15"
    }


@pytest.mark.slow  # `gongkai load` of a real report first
def test_with_oidc_configured_a_signed_out_user_gets_a_login_button(loaded, monkeypatch):
    _, db = loaded
    monkeypatch.setenv("GONGKAI_DB", str(db))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "gongkai",
        "client_secret": "s",
        "server_metadata_url": "http://127.0.0.1:1/.well-known",
    }
    at.query_params["year"] = "2024"
    at = at.run().switch_page(PAGE).run()
    assert not at.exception
    assert [b.label for b in at.button] == ["登录"]


def _analyst_page(db, monkeypatch) -> AppTest:
    analyst = roles.Actor("analyst@example.gov.cn", roles.ANALYST, "登录代理")
    return _page(db, monkeypatch, analyst)


@pytest.mark.slow  # `gongkai load` of a real report first
def test_a_dismissal_without_reason_is_refused_and_keeps_the_choice(loaded, monkeypatch):
    """误报 with an empty reason: refused at the form (not at the page's foot), the radio still
    says 误报, and pressing 保存 again does not confirm it; with a reason it is dismissed."""
    _, db = loaded
    at = _analyst_page(db, monkeypatch)
    item = at.selectbox(key="rect_item").value
    target = next(r for r in at.radio if r.label == "改为")
    assert target.value is None  # nothing pre-chosen: no accidental confirmation
    target.set_value("误报")
    save = next(b for b in at.button if b.label == "保存")
    save.click()
    at.run()
    assert [e.value for e in at.error] == ["标记误报须填写原因（将记入处理记录）"]
    assert next(r for r in at.radio if r.label == "改为").value == "误报"
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    with opened(store_path(db)) as con:
        assert {f["fkey"]: f["state"] for f in list_findings(con)}[item] == PENDING
    next(t for t in at.text_input if t.label == "原因（标记误报时必填；确认可不填）").input(
        "模板合并单元格，非报告错误"
    )
    next(b for b in at.button if b.label == "保存").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    with opened(store_path(db)) as con:
        assert {f["fkey"]: f["state"] for f in list_findings(con)}[item] == "误报"


@pytest.mark.slow  # `gongkai load` of a real report first
def test_bulk_triage_of_selected_rows(loaded, monkeypatch):
    """Every finding selected in the table (kewei's two 表三 identities and its 「均已办理完成」
    beside a carry-over): 标记误报 without a reason is refused right at the buttons and moves
    nothing; 确认所选 confirms them all, recorded with the user."""
    _, db = loaded
    at = _analyst_page(db, monkeypatch)
    at.session_state["rect_table_0"] = {"selection": {"rows": [0, 1, 2], "columns": []}}
    at.run()
    assert any("已选 3 条" in m.value for m in at.markdown)
    at.button(key="bulk_dismiss").click()
    at.run()
    assert [e.value for e in at.error] == ["标记误报须填写原因（将记入处理记录）"]
    with opened(store_path(db)) as con:
        assert {f["state"] for f in list_findings(con)} == {PENDING}
    at.button(key="bulk_confirm").click()
    at.run()
    assert not at.error, [e.value for e in at.error]
    with opened(store_path(db)) as con:
        found = list_findings(con)
        assert {f["state"] for f in found} == {CONFIRMED}
        from workflow.findings import history

        assert {history(con, f["fkey"])[-1]["actor"] for f in found} == {"analyst@example.gov.cn"}
    assert any("已将 3 条改为“已确认”" in s.value for s in at.success)
