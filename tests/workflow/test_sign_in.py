"""The sign-in cannot be spoofed from the machine, and roles.toml cannot be misread.

- A user-name header counts only with the proxy's shared secret (none, wrong, too short: the
  user is nobody, with one Chinese line saying the sign-in could not be verified).
- Names are compared after NFKC + case folding: two roles.toml entries equal after that (the
  Kelvin sign K U+212A, a case duplicate) are refused naming both; a signed-in look-alike name
  is nobody.
- Every roles.toml problem is one line `roles.toml:LINE: …`; `gongkai serve` exits 2 with it.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from gongkai.cli import cli
from workflow import roles

SECRET = "k3Jq9-proxy-shared-secret-Zt7"
KELVIN = "\u212a"  # KELVIN SIGN, NFKC -> "K"
ROLES_TEXT = (
    '[signin]\nheader = "X-Forwarded-User"\ndefault_role = "leader"\n'
    '[users]\n"kelvin.wu@example.gov.cn" = "admin"\n"li.si@example.gov.cn" = "analyst"\n'
)
REAL_RESOLVE = roles.resolve_actor  # before any test replaces it
ONE_LINE = re.compile(r"^roles\.toml:(\d+): [^\n]+。$")


def _roles(tmp_path, text: str) -> roles.Roles:
    path = tmp_path / "roles.toml"
    path.write_text(text, encoding="utf-8")
    return roles.load_roles(path)


def _refused(tmp_path, text: str) -> tuple[int, str]:
    with pytest.raises(roles.RolesError) as caught:
        _roles(tmp_path, text)
    message = str(caught.value)
    found = ONE_LINE.match(message)
    assert found, message
    return int(found.group(1)), message


def _headers(user: str, secret: str | None) -> dict:
    sent = {"X-Forwarded-User": user}
    if secret is not None:
        sent["X-Gongkai-Proxy-Secret"] = secret
    return sent


def test_the_header_counts_only_with_the_right_secret(tmp_path):
    r = _roles(tmp_path, ROLES_TEXT)
    admin = "kelvin.wu@example.gov.cn"
    right = roles.resolve_actor(_headers(admin, SECRET), None, r, SECRET)
    assert (right.name, right.role, right.via, right.problem) == (admin, "admin", "登录代理", "")
    assert right.can("settings")
    for sent in (None, "", "k3Jq9-proxy-shared-secret-Zt8", SECRET + " ", SECRET[:-1]):
        spoofed = roles.resolve_actor(_headers(admin, sent), None, r, SECRET)
        assert (spoofed.name, spoofed.role) == ("", None), sent
        assert not spoofed.can("view") and spoofed.problem == roles.UNVERIFIED
    # a server without a secret takes no header at all, and says why
    unset = roles.resolve_actor(_headers(admin, SECRET), None, r, None)
    assert unset.name == "" and unset.problem == roles.NO_SECRET
    # no header at all: simply not signed in, nothing to explain
    assert roles.resolve_actor({}, None, r, SECRET).problem == ""


def test_the_secret_comes_from_the_environment_and_must_be_long(tmp_path, monkeypatch):
    r = _roles(tmp_path, ROLES_TEXT)
    sent = _headers("li.si@example.gov.cn", SECRET)
    monkeypatch.setenv(roles.SECRET_ENV, SECRET)
    assert roles.resolve_actor(sent, None, r).role == "analyst"
    monkeypatch.setenv(roles.SECRET_ENV, "short")  # guessable: as good as none
    assert roles.resolve_actor(_headers("li.si@example.gov.cn", "short"), None, r).name == ""
    monkeypatch.delenv(roles.SECRET_ENV)
    assert roles.resolve_actor(sent, None, r).problem == roles.NO_SECRET


def test_names_compare_after_nfkc_and_case_folding(tmp_path):
    r = _roles(tmp_path, ROLES_TEXT + '"ＷＡＮＧ.WU" = "analyst"\n')
    assert (
        roles.resolve_actor(_headers("KELVIN.WU@EXAMPLE.GOV.CN", SECRET), None, r, SECRET).role
        == "admin"
    )
    assert roles.resolve_actor(_headers("wang.wu", SECRET), None, r, SECRET).role == "analyst"
    # a look-alike of the admin (the Kelvin sign) is nobody, not the admin and not a leader
    fake = roles.resolve_actor(
        _headers(f"{KELVIN}elvin.wu@example.gov.cn", SECRET), None, r, SECRET
    )
    assert (fake.name, fake.role, fake.problem) == ("", None, roles.LOOK_ALIKE)
    oidc = roles.resolve_actor(
        {}, {"is_logged_in": True, "email": f"{KELVIN}ELVIN.wu@example.gov.cn"}, r
    )
    assert oidc.name == "" and not oidc.can("view")


def test_two_entries_equal_after_folding_are_refused_naming_both(tmp_path):
    line, message = _refused(
        tmp_path, ROLES_TEXT + f'"{KELVIN}elvin.wu@example.gov.cn" = "leader"\n'
    )
    assert line == 7
    assert "kelvin.wu@example.gov.cn" in message and f"{KELVIN}elvin.wu@example.gov.cn" in message
    assert "第 5 行" in message
    line, message = _refused(tmp_path, ROLES_TEXT + '"Li.Si@Example.gov.cn" = "admin"\n')
    assert line == 7 and "li.si@example.gov.cn" in message and "Li.Si@Example.gov.cn" in message


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[users]\n"a" = "analyst"\n"b" = 3\n', 3, ("“b”", "数字", '"analyst"')),
        ('[users]\n"a" = true\n', 2, ("“a”", "真假值")),
        ('[users]\n"x" = "superuser"\n', 2, ("superuser", "leader、analyst 或 admin")),
        ("[signin]\nheader = 5\n", 2, ("header", "数字")),
        ('[signin]\ndefault_role = "boss"\n', 2, ("boss", "leader、analyst 或 admin")),
        ('[signin]\ndefualt_role = "leader"\n', 2, ("defualt_role", "不认识")),
        ('[signin]\nheader = "X User"\n', 2, ("X User", "连字符")),
        ('users = "admin"\n', 1, ("users", "一节")),
        ('[roles]\n"a" = "admin"\n', 1, ("[roles]", "[signin] 和 [users]")),
        ('[users]\n"a" = "admin"\n\n"b = "leader"\n', 4, ("无法读取", "TOML")),
        ('[users]\n"" = "admin"\n', 2, ("用户名为空",)),
    ],
)
def test_every_roles_file_problem_is_one_line_naming_the_line(tmp_path, text, line, words):
    found, message = _refused(tmp_path, text)
    assert found == line, message
    for word in words:
        assert word in message, message


def test_a_roles_file_not_in_utf8_names_the_line(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_bytes('[users]\n"张三" = "admin"\n'.encode("gbk"))
    with pytest.raises(roles.RolesError, match=r"^roles\.toml:2: .*UTF-8"):
        roles.load_roles(path)


def test_serve_refuses_a_bad_roles_file_or_a_short_secret_with_exit_2(tmp_path, monkeypatch):
    import duckdb

    from etl.schema import ensure_schema

    db = tmp_path / "empty.duckdb"
    con = duckdb.connect(str(db))
    ensure_schema(con)
    con.close()
    bad = tmp_path / "roles.toml"
    bad.write_text('[users]\n"a" = "analyst"\n"b" = 3\n', encoding="utf-8")
    monkeypatch.setenv(roles.ROLES_ENV, str(bad))
    monkeypatch.delenv(roles.SECRET_ENV, raising=False)
    result = CliRunner().invoke(cli, ["serve", "--db", str(db), "--port", "1"])
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"Error: {bad}:3: 用户“b”的角色应是带英文双引号的文字"), line
    monkeypatch.delenv(roles.ROLES_ENV)
    monkeypatch.setenv(roles.SECRET_ENV, "short")
    result = CliRunner().invoke(cli, ["serve", "--db", str(db), "--port", "1"])
    assert result.exit_code == 2 and "shorter than 16 characters" in result.output


def _page(db, monkeypatch, headers: dict | None = None):
    """整改跟踪 with these request headers (AppTest sends none; the real resolve_actor reads them)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.conftest import ROOT

    monkeypatch.setenv("GONGKAI_DB", str(db))
    if headers is not None:
        monkeypatch.setattr(
            roles, "resolve_actor", lambda _h, oidc=None: REAL_RESOLVE(headers, oidc)
        )
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params["year"] = "2024"
    return at.run().switch_page("views/rectification.py").run()


@pytest.mark.slow  # `gongkai load` of a real report first
def test_the_page_says_an_unverified_sign_in_and_stays_read_only(loaded, monkeypatch, tmp_path):
    _, db = loaded
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_TEXT, encoding="utf-8")
    monkeypatch.setenv(roles.ROLES_ENV, str(path))
    monkeypatch.setenv(roles.SECRET_ENV, SECRET)
    user = "li.si@example.gov.cn"
    at = _page(db, monkeypatch, _headers(user, "guessed-secret-of-someone"))
    assert not at.exception
    assert [w.value for w in at.warning] == [roles.UNVERIFIED]
    assert at.text[0].value == "当前用户：未登录（只读）" and not at.get("form")
    at = _page(db, monkeypatch, _headers(user, SECRET))
    assert not at.warning and at.text[0].value == f"当前用户：{user} · 分析人员（登录代理）"
    assert at.get("form")  # the analyst's move form


@pytest.mark.slow  # `gongkai load` of a real report first
def test_the_page_shows_a_bad_roles_file_as_one_line(loaded, monkeypatch, tmp_path):
    _, db = loaded
    path = tmp_path / "roles.toml"
    path.write_text('[users]\n"a" = "analyst"\n"b" = 3\n', encoding="utf-8")
    monkeypatch.setenv(roles.ROLES_ENV, str(path))
    monkeypatch.setenv(roles.SECRET_ENV, SECRET)
    at = _page(db, monkeypatch, _headers("a", SECRET))
    assert not at.exception
    (error,) = at.error
    shown = re.sub(r"\\(.)", r"\1", error.value).replace("\u2060", "")  # as the reader sees it
    assert shown.startswith("roles.toml:3: 用户“b”的角色应是带英文双引号的文字"), shown
    assert at.text[0].value == "当前用户：未登录（只读）" and not at.get("form")
