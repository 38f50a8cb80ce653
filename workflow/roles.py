"""Who is acting and what they may do: the user from the sign-in proxy's header or Streamlit's
OIDC login, the role from data/roles.toml. No sign-in → nobody: the dashboard is read-only.

Kept free of streamlit: the page passes in the request headers and st.user's fields.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_ROLES_FILE = Path(__file__).resolve().parents[1] / "data" / "roles.toml"

LEADER, ANALYST, ADMIN = "leader", "analyst", "admin"
ROLE_LABELS = {LEADER: "领导（查看）", ANALYST: "分析人员", ADMIN: "管理员"}
# action -> roles allowed
PERMISSIONS: dict[str, tuple[str, ...]] = {
    "view": (LEADER, ANALYST, ADMIN),
    "move": (ANALYST, ADMIN),  # confirm, dismiss, notify, verify
    "correct": (ANALYST, ADMIN),
    "settings": (ADMIN,),  # schemes, office settings, roles
}


class RolesError(ValueError):
    """The roles file cannot be used; the message names the file and the fix."""


@dataclass(frozen=True)
class Roles:
    header: str = "X-Forwarded-User"
    default_role: str = LEADER
    users: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Actor:
    name: str  # "" = not signed in
    role: str | None
    via: str  # 登录代理 | OIDC 登录 | 未登录

    def can(self, action: str) -> bool:
        return bool(self.name) and self.role in PERMISSIONS.get(action, ())

    @property
    def label(self) -> str:
        if not self.name:
            return "未登录（只读）"
        return f"{self.name} · {ROLE_LABELS.get(self.role or '', '无角色')}（{self.via}）"


def load_roles(path: Path | None = None) -> Roles:
    path = Path(path) if path else DEFAULT_ROLES_FILE
    if not path.exists():
        return Roles()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RolesError(
            f"{path.name}: 角色文件无法读取（{type(exc).__name__}）。"
            "请用 UTF-8 保存并检查 TOML 语法。"
        ) from None
    signin, users = raw.get("signin", {}), raw.get("users", {})
    bad = sorted(f"{u} = {r}" for u, r in users.items() if r not in ROLE_LABELS)
    default = signin.get("default_role", LEADER)
    if default not in ROLE_LABELS or bad:
        raise RolesError(
            f"{path.name}: 角色只能是 leader、analyst 或 admin（有误：{'；'.join(bad) or default}）"
        )
    return Roles(
        str(signin.get("header", Roles.header)),
        default,
        {str(u).strip().lower(): r for u, r in users.items()},
    )


def resolve_actor(headers, oidc_user: dict | None = None, roles: Roles | None = None) -> Actor:
    """The acting user: OIDC login when signed in there, else the proxy header, else nobody.

    `headers`: the request headers (case-insensitive mapping such as st.context.headers);
    `oidc_user`: st.user as a dict when Streamlit's login is configured (is_logged_in, email…).
    """
    roles = roles or load_roles()
    name, via = "", "未登录"
    if oidc_user and oidc_user.get("is_logged_in"):
        name = str(oidc_user.get("email") or oidc_user.get("name") or "").strip()
        via = "OIDC 登录"
    if not name and headers is not None:
        name = str(headers.get(roles.header) or "").strip()
        via = "登录代理" if name else via
    if not name:
        return Actor("", None, "未登录")
    return Actor(name, roles.users.get(name.lower(), roles.default_role), via)
