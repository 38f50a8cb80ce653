"""Who is acting and what they may do: the user from the sign-in proxy's header or Streamlit's
OIDC login, the role from data/roles.toml. No sign-in → nobody: the dashboard is read-only.

The proxy proves itself: a user-name header counts only when the request also carries the
shared secret (`X-Gongkai-Proxy-Secret` by default) equal to $GONGKAI_PROXY_SECRET, compared in
constant time. Without it any process on the machine could connect to 127.0.0.1 and name
itself an admin; so a header without the right secret (or a server without a secret) is
ignored, and the page says the sign-in could not be verified. User names are compared after
NFKC and case folding (workflow.roles_file.fold); a name that is not already in NFKC form
(a look-alike such as the Kelvin sign K) is not taken as anyone.

Kept free of streamlit: the page passes in the request headers and st.user's fields.
"""

from __future__ import annotations

import hmac
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from etl.settings import DATA_FILES, DEFAULT_DATA, Settings
from workflow.roles_file import RolesFileError, fold, parse_roles

DEFAULT_ROLES_FILE = DEFAULT_DATA / DATA_FILES["roles_path"]
ROLES_ENV = "GONGKAI_ROLES"  # another roles file (tests, a second office on one machine)
SECRET_ENV = "GONGKAI_PROXY_SECRET"
MIN_SECRET = 16  # characters: a shorter shared secret can be guessed
FROM_ENV = object()  # resolve_actor's default: read the secret from the environment

LEADER, ANALYST, ADMIN = "leader", "analyst", "admin"
ROLE_LABELS = {LEADER: "领导（查看）", ANALYST: "分析人员", ADMIN: "管理员"}
# action -> roles allowed
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "view": (LEADER, ANALYST, ADMIN),
    "move": (ANALYST, ADMIN),  # confirm, dismiss, notify, verify
    "correct": (ANALYST, ADMIN),
    "settings": (ADMIN,),  # schemes, office settings, roles
}
UNVERIFIED = "登录信息无法验证（请求不是经单位登录入口转来的），本页按未登录只读显示。"
NO_SECRET = "登录信息无法验证：服务器未设置登录代理的共享密钥，本页按未登录只读显示。请联系管理员。"
LOOK_ALIKE = "登录用户名含有全角或兼容字符（如开尔文符号 K），无法确认身份，本页按未登录只读显示。"


class RolesError(RolesFileError):
    """The roles file cannot be used; one line `roles.toml:LINE: problem. what to do`."""


@dataclass(frozen=True)
class Roles:
    header: str = "X-Forwarded-User"
    default_role: str = LEADER
    users: dict[str, str] = field(default_factory=dict)  # folded name -> role
    secret_header: str = "X-Gongkai-Proxy-Secret"

    def role_of(self, name: str) -> str:
        return self.users.get(fold(name), self.default_role)


@dataclass(frozen=True)
class Actor:
    name: str  # "" = not signed in
    role: str | None
    via: str  # 登录代理 | OIDC 登录 | 未登录
    problem: str = ""  # why a sign-in that was offered was not taken (one Chinese line)

    def can(self, action: str) -> bool:
        return bool(self.name) and self.role in PERMISSIONS.get(action, ())

    @property
    def label(self) -> str:
        if not self.name:
            return "未登录（只读）"
        return f"{self.name} · {ROLE_LABELS.get(self.role or '', '无角色')}（{self.via}）"


def roles_file(env: Mapping[str, str] | None = None) -> Path:
    """$GONGKAI_ROLES, else roles.toml in the data folder (etl.settings)."""
    return Settings.from_env(env).roles_path


def load_roles(path: Path | None = None) -> Roles:
    path = Path(path) if path else roles_file()
    if not path.exists():
        return Roles()
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RolesError(
            f"{path.name}:{line}: 角色文件无法读取（不是 UTF-8 文本）。请用 UTF-8 编码保存。"
        ) from None
    try:
        signin, users, _ = parse_roles(text, path.name)
    except RolesFileError as exc:
        raise RolesError(str(exc)) from None
    return Roles(
        header=signin.get("header", Roles.header),
        default_role=signin.get("default_role", LEADER),
        users=users,
        secret_header=signin.get("secret_header", Roles.secret_header),
    )


def proxy_secret(env: Mapping[str, str] | None = None) -> str | None:
    """The shared secret the sign-in proxy must send; None when unset or too short to trust."""
    secret = Settings.from_env(env).proxy_secret
    return secret if len(secret) >= MIN_SECRET else None


def proxy_verified(headers, roles: Roles, secret: str | None) -> bool:
    """The request carries the shared secret (constant-time comparison, bytes of UTF-8)."""
    sent = str(headers.get(roles.secret_header) or "") if headers is not None else ""
    return bool(secret) and hmac.compare_digest(sent.encode(), secret.encode())


def resolve_actor(
    headers,
    oidc_user: dict | None = None,
    roles: Roles | None = None,
    secret: str | None | object = FROM_ENV,
) -> Actor:
    """The acting user: OIDC login when signed in there, else the proxy header when the proxy
    proved itself with the shared secret, else nobody (with the reason when a header was sent).

    `headers`: the request headers (case-insensitive mapping such as st.context.headers);
    `oidc_user`: st.user as a dict when Streamlit's login is configured (is_logged_in, email…);
    `secret`: the shared secret (default FROM_ENV: $GONGKAI_PROXY_SECRET; None: no secret).
    """
    roles = roles or load_roles()
    if oidc_user and oidc_user.get("is_logged_in"):
        name = str(oidc_user.get("email") or oidc_user.get("name") or "").strip()
        if name:
            return _named(name, "OIDC 登录", roles)
    claimed = str(headers.get(roles.header) or "").strip() if headers is not None else ""
    if not claimed:
        return Actor("", None, "未登录")
    secret = proxy_secret() if secret is FROM_ENV else secret
    if not secret:
        return Actor("", None, "未登录", NO_SECRET)
    if not proxy_verified(headers, roles, secret):
        return Actor("", None, "未登录", UNVERIFIED)
    return _named(claimed, "登录代理", roles)


def _named(name: str, via: str, roles: Roles) -> Actor:
    if unicodedata.normalize("NFKC", name) != name:  # a look-alike of someone else's name
        return Actor("", None, "未登录", LOOK_ALIKE)
    return Actor(name, roles.role_of(name), via)
