"""The finding state machine, declared once: states, allowed moves, who may make them.

待核实 → 已确认 / 误报 → 已通知 → 已整改 → 已复核. An analyst may also step back (已确认 → 待核实,
误报 → 待核实) to undo a mistake, send a rectification back (已整改 → 已通知) when the fix does not
hold, and the re-check after a load moves open findings to 已整改 or reopens a fixed one.
"""

from __future__ import annotations

from etl.gongkai_error import GongkaiError

PENDING = "待核实"
CONFIRMED = "已确认"
DISMISSED = "误报"
NOTIFIED = "已通知"
RECTIFIED = "已整改"
VERIFIED = "已复核"

STATES: tuple[str, ...] = (PENDING, CONFIRMED, DISMISSED, NOTIFIED, RECTIFIED, VERIFIED)
# Still waiting for the agency or the office to act.
OPEN_STATES: tuple[str, ...] = (PENDING, CONFIRMED, NOTIFIED)
# Problems the office stands behind: listed in notices and counted in the bulletin as confirmed.
CONFIRMED_STATES: tuple[str, ...] = (CONFIRMED, NOTIFIED)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    PENDING: (CONFIRMED, DISMISSED),
    CONFIRMED: (NOTIFIED, DISMISSED, PENDING),
    DISMISSED: (PENDING,),
    NOTIFIED: (RECTIFIED, CONFIRMED),
    RECTIFIED: (VERIFIED, NOTIFIED),
    VERIFIED: (NOTIFIED,),
}

# The system's own moves after a load (not offered to users).
SYSTEM = "系统（加载后复查）"


class WorkflowError(GongkaiError):
    """A workflow action that cannot be done; the message says why in Chinese."""


def check_move(current: str, target: str) -> None:
    if target not in STATES:
        raise WorkflowError(f"未知状态“{target}”。可选：{'、'.join(STATES)}")
    if target not in TRANSITIONS.get(current, ()):
        allowed = "、".join(TRANSITIONS.get(current, ())) or "无"
        raise WorkflowError(f"当前状态为“{current}”，不能改为“{target}”（可改为：{allowed}）")
