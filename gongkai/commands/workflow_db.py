"""What the 整改跟踪 commands (findings, notices) need before they start: the report database
with its workflow store, the office's own agencies (etl.scope), and their filters resolved the
one way both commands take them (a rule by id or label, an agency by code, name or alias, a
peer group), each one that names nothing said on one line with exit 1, never a silent 「0 条」."""

from __future__ import annotations

from pathlib import Path

from etl.gongkai_error import GongkaiError


def require_store(db_path: Path) -> Path:
    """The workflow store beside `db_path`; one line and exit 1 when either is missing."""
    from workflow.store import store_path

    if not db_path.is_file():
        raise GongkaiError(
            f"{db_path}: no database. Build it first with `gongkai build`, or pass --db."
        )
    path = store_path(db_path)
    if not path.exists():
        raise GongkaiError(
            f"{path.name}: 还没有整改跟踪记录。请先加载年报（gongkai load / gongkai build）。"
        )
    return path


def require_writable(path: Path, what: str, instead: str) -> None:
    """One line and exit 1 when the store at `path` may only be read (before anything is written)."""
    from workflow.store import is_writable

    if not is_writable(path):
        raise GongkaiError(
            f"{path.name}：整改跟踪记录文件（或其所在文件夹）是只读的，无法{what}。"
            f"请让它可写后重试，或{instead}"
        )


def office_agencies(db_path: Path, province: str | None = None) -> list[str] | None:
    """The office's own agency ids (None: no filter); reference agencies are not among them."""
    from etl.scope import home_list
    from gongkai.failures import check_database
    from workflow.reports_db import open_reports

    check_database(db_path)
    con = open_reports(db_path, corrections=False)  # the registry: no correction touches it
    try:
        return home_list(con, province)
    finally:
        con.close()


def resolve_rule(text: str) -> str:
    """The rule id `text` names: its id (t3.balance) or its Chinese label."""
    import difflib

    from etl.rules import RULES

    wanted = text.strip()
    if wanted in RULES:
        return wanted
    by_label = [r.id for r in RULES.values() if r.label == wanted]
    if by_label:
        return by_label[0]
    close = difflib.get_close_matches(wanted, list(RULES), n=1, cutoff=0.8)
    raise GongkaiError(
        f"没有“{wanted}”这条规则"
        + (f"（是否为 {'、'.join(close)}？）" if close else "")
        + "：请用规则编号（如 t3.balance）或其中文名称"
    )


_AGENCIES_SQL = "SELECT agency_id, name, aliases, confirmed, peer_group FROM agencies"


def _registry_rows(db_path: Path) -> list[tuple]:
    from workflow.reports_db import open_reports

    con = open_reports(db_path, corrections=False)  # the registry: no correction touches it
    try:
        return con.execute(_AGENCIES_SQL).fetchall()
    finally:
        con.close()


def agency_name(db_path: Path, agency_id: str) -> str:
    """The registry's standard name of `agency_id` (the id itself when the registry has none)."""
    return next((r[1] for r in _registry_rows(db_path) if r[0] == agency_id), agency_id)


def resolve_agency(db_path: Path, text: str, home: list[str] | None) -> str:
    """The agency id `text` names: a registry code, standard name or alias of one of the
    office's own agencies (`home`; None = every agency)."""
    from etl.registry import normalize_name

    rows = _registry_rows(db_path)
    wanted, key = text.strip(), normalize_name(text)

    def names(row) -> set[str]:
        aliases = (row[2] or "").replace(";", "|").split("|")
        return {normalize_name(n) for n in [row[1], *aliases] if n}

    hits = [r for r in rows if r[0] == wanted] or [r for r in rows if key and key in names(r)]
    if not hits:
        raise GongkaiError(
            f"单位名录中没有“{wanted}”：请用单位名录中的单位代码、标准名称或登记的别名"
        )
    if len(hits) > 1:
        listed = "、".join(f"{r[1]}（{r[0]}）" for r in hits)
        raise GongkaiError(f"“{wanted}”对应多个单位：{listed}；请改用单位代码")
    code, name, _, confirmed, _ = hits[0]
    if not confirmed:
        raise GongkaiError(f"“{name}”尚未登记到单位名录（待确认单位）：请先在单位名录中登记")
    if home is not None and code not in home:
        raise GongkaiError(f"{name}（{code}）不是本省单位，仅作参照：不跟踪其问题，也不发整改通知")
    return code


def check_peer_group(db_path: Path, group: str, home: list[str] | None) -> None:
    """One line and exit 1 when no agency of the office's is in peer group `group`."""
    mine = {r[4] or "未分组" for r in _registry_rows(db_path) if home is None or r[0] in home}
    if group not in mine:
        raise GongkaiError(f"没有“{group}”这个对标组：本省的对标组为 {'、'.join(sorted(mine))}")


def check_year(db_path: Path, year: int, home: list[str] | None) -> None:
    """One line and exit 1 when no report of `year` of the office's agencies is loaded: 2099
    is a typo or a year not loaded yet, not a year without problems."""
    from workflow.reports_db import open_reports

    con = open_reports(db_path, corrections=False)  # which years are loaded: no correction counts
    try:
        rows = con.execute("SELECT DISTINCT agency_id, year FROM reports").fetchall()
    finally:
        con.close()
    years = sorted({y for a, y in rows if home is None or a in home})
    if year in years:
        return
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]) if years else ""
    loaded = f"已加载的年度为 {span}" if years else "还没有加载任何年报"
    raise GongkaiError(f"没有已加载的 {year} 年度年报：{loaded}。请检查 --year。")
