"""Reading data/roles.toml: every problem is one line `roles.toml:LINE: 问题。怎么改。`.

The file is edited by hand by an office administrator, so a wrong type (a number where a role
should be), an unknown role or setting, or two names that are the same person after Unicode
compatibility folding and case folding (`Kelvin` with the Kelvin sign K U+212A and `kelvin`;
`Zhang` and `zhang`) are refused with the line to fix, never guessed at or half-applied: the
later of two such entries would otherwise silently decide the person's role.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata

from etl.gongkai_error import BAD_INPUT, GongkaiError

ROLES = ("leader", "analyst", "admin")
SIGNIN_KEYS = {"header", "secret_header", "default_role"}
_TOML_AT = re.compile(r"\(at line (\d+), column \d+\)")
_TYPE_NAMES = {
    int: "数字",
    float: "数字",
    bool: "真假值",
    list: "列表",
    dict: "表",
    str: "文字",
}


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
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_AT.search(str(exc))
        line = int(found.group(1)) if found else len(text.splitlines()) or 1
        problem = str(exc).split(" (at ")[0]
        raise RolesFileError(
            f"{file}:{line}: 角色文件无法读取（TOML 语法错误：{problem}）。"
            "请检查该行的引号、等号和方括号，用户名须写在英文双引号中。"
        ) from None
    lines = text.splitlines()
    for table in raw:
        if table not in ("signin", "users"):
            raise RolesFileError(
                f"{file}:{_header_line(lines, table)}: 不认识的节“[{table}]”。"
                "角色文件只有 [signin] 和 [users] 两节，请删去或改正。"
            )
    signin, users = raw.get("signin", {}), raw.get("users", {})
    for table, value in (("signin", signin), ("users", users)):
        if not isinstance(value, dict):
            raise RolesFileError(
                f"{file}:{_key_line(lines, None, table)}: “{table}”应是一节（[{table}]），"
                f"现在是{_type_name(value)}。请改为 [{table}] 开头的一节。"
            )
    settings = _signin(signin, lines, file)
    return settings, *_users(users, lines, file)


def _signin(signin: dict, lines: list[str], file: str) -> dict:
    for key, value in signin.items():
        where = f"{file}:{_key_line(lines, 'signin', key)}"
        if key not in SIGNIN_KEYS:
            raise RolesFileError(
                f"{where}: [signin] 中不认识的设置“{key}”。"
                "可用的设置：header、secret_header、default_role，请删去或改正。"
            )
        if not isinstance(value, str) or not value.strip():
            raise RolesFileError(
                f"{where}: [signin] {key} 应是带英文双引号的文字，现在是{_type_name(value)}。"
                f'请写成 {key} = "…" 的形式。'
            )
    default = signin.get("default_role", "leader")
    if default not in ROLES:
        raise RolesFileError(
            f"{file}:{_key_line(lines, 'signin', 'default_role')}: 默认角色“{default}”无效。"
            "角色只能是 leader、analyst 或 admin。"
        )
    for key in ("header", "secret_header"):
        if key in signin and not re.fullmatch(r"[A-Za-z0-9-]+", signin[key].strip()):
            raise RolesFileError(
                f"{file}:{_key_line(lines, 'signin', key)}: 请求头名称“{signin[key]}”无效。"
                "只能用英文字母、数字和连字符，例如 X-Forwarded-User。"
            )
    return {k: v.strip() for k, v in signin.items()}


def _users(users: dict, lines: list[str], file: str) -> tuple[dict[str, str], dict[str, str]]:
    roles: dict[str, str] = {}
    written: dict[str, str] = {}
    for name, role in users.items():
        where = f"{file}:{_key_line(lines, 'users', name)}"
        if not fold(name):
            raise RolesFileError(f"{where}: 用户名为空。请填写登录代理传入的用户名或邮箱。")
        if not isinstance(role, str):
            raise RolesFileError(
                f"{where}: 用户“{name}”的角色应是带英文双引号的文字，现在是{_type_name(role)}。"
                f'请写成 "{name}" = "analyst" 这样的形式（角色只能是 leader、analyst 或 admin）。'
            )
        if role not in ROLES:
            raise RolesFileError(
                f"{where}: 用户“{name}”的角色“{role}”无效。角色只能是 leader、analyst 或 admin。"
            )
        key = fold(name)
        if key in written:
            first = _key_line(lines, "users", written[key])
            raise RolesFileError(
                f"{where}: 用户“{name}”与第 {first} 行的“{written[key]}”只差大小写或全角、"
                "兼容字符（如开尔文符号 K），会被当作同一个人。请删去其中一条，或改正用户名。"
            )
        roles[key], written[key] = role, name
    return roles, written


def _type_name(value) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _header_line(lines: list[str], table: str) -> int:
    pattern = re.compile(rf"^\s*\[\s*\"?{re.escape(table)}\"?\s*\]")
    return next((n for n, line in enumerate(lines, 1) if pattern.match(line)), 1)


def _key_line(lines: list[str], table: str | None, key: str) -> int:
    """The line where `key` is set inside `[table]` (or at the top when table is None); the
    table's header line when the key is written some other way (dotted, inline)."""
    current = None
    quoted = re.escape(key.replace("\\", "\\\\").replace('"', '\\"'))
    pattern = re.compile(rf"^\s*(\"{quoted}\"|'{re.escape(key)}'|{re.escape(key)})\s*=")
    for n, line in enumerate(lines, 1):
        header = re.match(r"^\s*\[\s*\"?([^\]\"]+)\"?\s*\]", line)
        if header:
            current = header.group(1).strip()
            continue
        if current == table and pattern.match(line):
            return n
    return _header_line(lines, table) if table else 1
