"""Reading data/roles.toml: every problem is one line `roles.toml:LINE: 问题。怎么改。`.

The file is edited by hand by an office administrator, so a wrong type (a number where a role
should be), an unknown role or setting, or two names that are the same person after Unicode
compatibility folding and case folding (`Kelvin` with the Kelvin sign K U+212A and `kelvin`;
`Zhang` and `zhang`) are refused with the line to fix, never guessed at or half-applied: the
later of two such entries would otherwise silently decide the person's role.
"""

from __future__ import annotations

import re
import unicodedata

from etl.gongkai_error import BAD_INPUT, GongkaiError
from etl.toml_file import TomlFile, parse_toml, type_name

ROLES = ("leader", "analyst", "admin")
SIGNIN_KEYS = {"header", "secret_header", "default_role"}


class RolesFileError(GongkaiError):
    """One line: the file, the line, the problem and what to do."""

    exit_code = BAD_INPUT


def fold(name: str) -> str:
    """The form user names are compared in: NFKC (full-width letters, the Kelvin sign and other
    compatibility characters become their plain letters), then case folding, outer spaces off."""
    return unicodedata.normalize("NFKC", str(name)).casefold().strip()


def parse_roles(text: str, file: str) -> tuple[dict, dict[str, str], dict[str, str]]:
    """(signin settings, {folded name: role}, {folded name: name as written}) of a roles file's
    text; RolesFileError names the line and the fix."""

    def fail_with(line: int | None, problem: str, hint: str) -> RolesFileError:
        # a syntax error tomllib cannot place is at the end of the text (an unclosed table)
        return RolesFileError(
            f"{file}:{line or len(text.splitlines()) or 1}: 角色{problem}。{hint}。"
        )

    toml = parse_toml(text, file, fail_with)
    raw = toml.data
    for table in raw:
        if table not in ("signin", "users"):
            raise RolesFileError(
                f"{file}:{toml.line(table) or 1}: 不认识的节“[{table}]”。"
                "角色文件只有 [signin] 和 [users] 两节，请删去或改正。"
            )
    signin, users = raw.get("signin", {}), raw.get("users", {})
    for table, value in (("signin", signin), ("users", users)):
        if not isinstance(value, dict):
            raise RolesFileError(
                f"{file}:{toml.line(table) or 1}: “{table}”应是一节（[{table}]），"
                f"现在是{type_name(value)}。请改为 [{table}] 开头的一节。"
            )
    settings = _signin(signin, toml, file)
    return settings, *_users(users, toml, file)


def _signin(signin: dict, toml: TomlFile, file: str) -> dict:
    for key, value in signin.items():
        where = f"{file}:{toml.line('signin', key)}"
        if key not in SIGNIN_KEYS:
            raise RolesFileError(
                f"{where}: [signin] 中不认识的设置“{key}”。"
                "可用的设置：header、secret_header、default_role，请删去或改正。"
            )
        if not isinstance(value, str) or not value.strip():
            raise RolesFileError(
                f"{where}: [signin] {key} 应是带英文双引号的文字，现在是{type_name(value)}。"
                f'请写成 {key} = "…" 的形式。'
            )
    default = signin.get("default_role", "leader")
    if default not in ROLES:
        raise RolesFileError(
            f"{file}:{toml.line('signin', 'default_role') or 1}: 默认角色“{default}”无效。"
            "角色只能是 leader、analyst 或 admin。"
        )
    for key in ("header", "secret_header"):
        if key in signin and not re.fullmatch(r"[A-Za-z0-9-]+", signin[key].strip()):
            raise RolesFileError(
                f"{file}:{toml.line('signin', key)}: 请求头名称“{signin[key]}”无效。"
                "只能用英文字母、数字和连字符，例如 X-Forwarded-User。"
            )
    return {k: v.strip() for k, v in signin.items()}


def _users(users: dict, toml: TomlFile, file: str) -> tuple[dict[str, str], dict[str, str]]:
    roles: dict[str, str] = {}
    written: dict[str, str] = {}
    for name, role in users.items():
        where = f"{file}:{toml.line('users', name)}"
        if not fold(name):
            raise RolesFileError(f"{where}: 用户名为空。请填写登录代理传入的用户名或邮箱。")
        if not isinstance(role, str):
            raise RolesFileError(
                f"{where}: 用户“{name}”的角色应是带英文双引号的文字，现在是{type_name(role)}。"
                f'请写成 "{name}" = "analyst" 这样的形式（角色只能是 leader、analyst 或 admin）。'
            )
        if role not in ROLES:
            raise RolesFileError(
                f"{where}: 用户“{name}”的角色“{role}”无效。角色只能是 leader、analyst 或 admin。"
            )
        key = fold(name)
        if key in written:
            first = toml.line("users", written[key])
            raise RolesFileError(
                f"{where}: 用户“{name}”与第 {first} 行的“{written[key]}”只差大小写或全角、"
                "兼容字符（如开尔文符号 K），会被当作同一个人。请删去其中一条，或改正用户名。"
            )
        roles[key], written[key] = role, name
    return roles, written
