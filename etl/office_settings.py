"""The office's own settings (office.toml in the data folder): issuing office, letterhead,
signatures, notes, the notice deadline and the office's province.

One typed object read from one file: the province bounds every official figure (etl.scope),
the rest goes on every sheet an office files (exports). It lives in etl, the bottom layer, so
both read it the same way. Each problem is one Chinese line `office.toml:LINE: 问题。怎么改。`
naming the line of the offending key: a wrong type, a misspelt key or table, a deadline that
is not a whole number of days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from etl.gongkai_error import GongkaiError
from etl.safe_text import xml_text
from etl.settings import Settings
from etl.toml_file import TomlFile, read_toml, type_name

TEXT_KEYS = {
    "office": ("name", "letterhead", "short_name", "address", "phone", "province"),
    "notices": ("contact",),
}
LIST_KEYS = {"signatures": ("labels", "names"), "notes": ("method",)}
MAX_DEADLINE_DAYS = 365  # a 整改 deadline of more than a year is a typing slip, not a policy
_TABLES = ("office", "signatures", "notes", "notices")


class OfficeSettingsError(GongkaiError):
    """The office settings file cannot be used; the message names the file and the fix."""


@dataclass(frozen=True)
class OfficeSettings:
    name: str = "政务公开办公室"
    letterhead: str = ""
    short_name: str = ""
    address: str = ""
    phone: str = ""
    province: str | None = None  # the office's province: the scope of every official figure
    signature_labels: tuple[str, ...] = ("制表人", "审核人", "负责人")
    signature_names: tuple[str, ...] = ("", "", "")
    method_notes: tuple[str, ...] = ()
    notice_deadline_days: int = 30
    notice_contact: str = ""
    source: Path | None = field(default=None, compare=False)

    def signatures(self) -> list[tuple[str, str]]:
        """(label, name) pairs; a missing name is "" so the line is left for a hand signature."""
        names = list(self.signature_names) + [""] * len(self.signature_labels)
        return list(zip(self.signature_labels, names))


def office_file(env: Mapping[str, str] | None = None) -> Path:
    """The office settings file: $GONGKAI_OFFICE, else office.toml in the data folder."""
    return Settings.from_env(env).office_path


def _fail_with(path: Path):
    def make(line: int | None, problem: str, hint: str) -> OfficeSettingsError:
        where = f"{path.name}:{line}" if line else path.name
        return OfficeSettingsError(f"{where}: 办公室设置{problem}。{hint}。")

    return make


def _checked(toml: TomlFile) -> dict[str, dict]:
    """The tables of the file, each key's type checked; the first wrong one is refused."""
    tables: dict[str, dict] = {}
    for table, content in toml.data.items():
        if table not in _TABLES:
            toml.fail(
                (table,), f"中没有“{table}”这一节", f"只能有 [{']、['.join(_TABLES)}]，请删去或改正"
            )
        if not isinstance(content, dict):
            toml.fail(
                (table,),
                f"的“{table}”应是一节，现在是{type_name(content)}",
                f"请写成 [{table}] 开头的一节",
            )
        known = (*TEXT_KEYS.get(table, ()), *LIST_KEYS.get(table, ()))
        known += ("deadline_days",) if table == "notices" else ()
        for key, value in content.items():
            if key not in known:
                toml.fail(
                    (table, key), f" [{table}] 中没有“{key}”这一项", f"可写：{'、'.join(known)}"
                )
            if key in TEXT_KEYS.get(table, ()) and (
                isinstance(value, bool) or not isinstance(value, str | int | float)
            ):
                toml.fail(
                    (table, key),
                    f" [{table}] {key} 应是文字，现在是{type_name(value)}",
                    f'请写成 {key} = "…"',
                )
            if key in LIST_KEYS.get(table, ()) and not (
                isinstance(value, list) and all(isinstance(x, str) for x in value)
            ):
                toml.fail(
                    (table, key), f" [{table}] {key} 应是文字的列表", f'请写成 {key} = ["…", "…"]'
                )
        tables[table] = content
    days = tables.get("notices", {}).get("deadline_days", 30)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DEADLINE_DAYS:
        toml.fail(
            ("notices", "deadline_days"),
            f" [notices] deadline_days = {days!r} 不是 1 到 {MAX_DEADLINE_DAYS} 之间的整数（天数）",
            "请写整改期限的天数，例如 deadline_days = 30",
        )
    return tables


def load_office(path: Path | None = None) -> OfficeSettings:
    """Read the office file; absent file -> neutral defaults, unusable file -> one-line error."""
    path = Path(path) if path else office_file()
    if not path.exists():
        return OfficeSettings()
    tables = _checked(read_toml(path, _fail_with(path)))
    office, sig = tables.get("office", {}), tables.get("signatures", {})
    notes, notices = tables.get("notes", {}), tables.get("notices", {})
    province = str(office.get("province", "")).strip()
    return OfficeSettings(
        name=_text(office.get("name", OfficeSettings.name)),
        letterhead=_text(office.get("letterhead", "")),
        short_name=_text(office.get("short_name", "")),
        address=_text(office.get("address", "")),
        phone=_text(office.get("phone", "")),
        province=province or None,
        signature_labels=tuple(
            _text(x) for x in sig.get("labels", OfficeSettings.signature_labels)
        ),
        signature_names=tuple(_text(x) for x in sig.get("names", ())),
        method_notes=tuple(_text(x) for x in notes.get("method", ())),
        notice_deadline_days=notices.get("deadline_days", 30),
        notice_contact=_text(notices.get("contact", "")),
        source=path,
    )


def _text(value: object) -> str:
    """A setting as text a document can hold (TOML's \\u0001 escapes allow control characters)."""
    return xml_text(str(value))
