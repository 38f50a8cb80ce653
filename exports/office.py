"""The office's own settings (data/office.toml): issuing office, letterhead, signatures, notes.

Every sheet an office files (assessment tables, rectification notices, the bulletin) takes
these from one file the office edits, so no office name is ever written in code.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from etl.gongkai_error import GongkaiError
from etl.safe_text import xml_text
from etl.scope import DEFAULT_OFFICE_FILE, office_file  # noqa: F401 (re-exported)


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


def load_office(path: Path | None = None) -> OfficeSettings:
    """Read the office file; absent file -> neutral defaults, unreadable file -> one-line error."""
    path = Path(path) if path else office_file()
    if not path.exists():
        return OfficeSettings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as exc:
        raise OfficeSettingsError(
            f"{path.name}: 办公室设置文件无法读取（{type(exc).__name__}）。"
            "请用 UTF-8 保存并检查 TOML 语法。"
        ) from None
    office, sig = raw.get("office", {}), raw.get("signatures", {})
    notes, notices = raw.get("notes", {}), raw.get("notices", {})
    try:
        return OfficeSettings(
            name=_text(office.get("name", OfficeSettings.name)),
            letterhead=_text(office.get("letterhead", "")),
            short_name=_text(office.get("short_name", "")),
            address=_text(office.get("address", "")),
            phone=_text(office.get("phone", "")),
            province=str(office["province"]).strip() or None if office.get("province") else None,
            signature_labels=tuple(
                _text(x) for x in sig.get("labels", OfficeSettings.signature_labels)
            ),
            signature_names=tuple(_text(x) for x in sig.get("names", ())),
            method_notes=tuple(_text(x) for x in notes.get("method", ())),
            notice_deadline_days=int(notices.get("deadline_days", 30)),
            notice_contact=_text(notices.get("contact", "")),
            source=path,
        )
    except (TypeError, ValueError) as exc:
        raise OfficeSettingsError(
            f"{path.name}: 办公室设置的取值不对（{exc}）。请按文件中的注释填写。"
        ) from None


def _text(value: object) -> str:
    """A setting as text a document can hold (TOML's \\u0001 escapes allow control characters)."""
    return xml_text(str(value))
