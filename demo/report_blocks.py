"""The printed copy of one planned report (demo/corpus.py Plan): its blocks and printed values.

Title, publication-date line, the template's sections with their tables, signature; which
cells are printed blank or NULL is decided here, from the plan's own seeded draws.
"""

from __future__ import annotations

import datetime as dt
import random

from demo.corpus import Plan
from demo.layout import Block, Printer, Style, t2_table, t3_table, t4_table
from demo.legacy_table import OLD_LEGACY_DROPPED, legacy_table
from demo.prose import legacy_sections, std_sections
from etl.fields import LEGACY, STD2021, T3_PARTY_COLUMNS, legacy_key, t3_key


def _date_line(pub: dt.date, rng: random.Random) -> str:
    k = rng.randrange(4)
    if k == 0:
        return f"发布日期：{pub.isoformat()}"
    if k == 1:
        return f"发布时间：{pub.isoformat()} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"
    if k == 2:
        return f"发布日期：{pub.year}年{pub.month:02d}月{pub.day:02d}日"
    return f"发布时间：{pub.year}-{pub.month:02d}-{pub.day:02d}"


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def build_blocks(
    plan: Plan, printed_name: str, pub: dt.date, signed: dt.date, rng: random.Random, style: Style
) -> tuple[list[Block], dict, list[str], set[str]]:
    """Blocks of the report, the printed values, keys printed blank, keys printed as NULL."""
    doc_rng = random.Random(plan.doc_seed + "/doc")
    blocks = [
        Block("title", _title(plan.year, printed_name, doc_rng)),
        Block("meta", _date_line(pub, rng)),
    ]
    text_only = plan.fmt in ("text", "pipe", "pdf")
    printer = Printer(style, random.Random(plan.doc_seed + "/cells"), text_only)
    sign = Block("sign", f"{printed_name}\n{_cn_date(signed)}")
    if plan.template == LEGACY:
        v = _legacy_blocks(plan, printed_name, doc_rng, printer, blocks, sign)
        return blocks, v, printer.blank, set()
    v, nulls = _std_blocks(plan, printed_name, doc_rng, printer, style, blocks)
    blocks.append(sign)
    for k in nulls:
        v.pop(k, None)
    return blocks, v, printer.blank, nulls


def _title(y: int, printed_name: str, doc_rng: random.Random) -> str:
    """One of the titles portals print (the agency's name before or after the year)."""
    title_kind = doc_rng.randrange(5)
    if title_kind == 0:
        return f"{y}年{printed_name}政府信息公开工作年度报告"
    if title_kind == 1:
        return f"{printed_name}{y}年度政府信息公开工作年度报告"
    return f"{printed_name}{y}年政府信息公开工作年度报告"


def _legacy_blocks(
    plan: Plan,
    printed_name: str,
    doc_rng: random.Random,
    printer: Printer,
    blocks: list[Block],
    sign: Block,
) -> dict:
    """The pre-2019 report's sections, signature and 统计表 appended to `blocks`; the printed
    values (the prose's own when the report has no table)."""
    y, v = plan.year, dict(plan.values)
    if y <= 2015:
        for n in OLD_LEGACY_DROPPED:
            v.pop(legacy_key(n), None)
    secs, stated = legacy_sections(printed_name, y, plan.values, doc_rng, not plan.prose_only)
    for head, paras in secs:
        if head:
            blocks.append(Block("h", head))
        blocks += [Block("p", p) for p in paras]
    if plan.prose_only:
        v = stated
    else:
        blocks.append(Block("p", f"附件：{y}年政府信息公开情况统计表"))
    blocks.append(sign)
    if not plan.prose_only:
        extras = _legacy_extras(plan.values, doc_rng)
        blocks.append(Block("table", table=legacy_table(v, y, printed_name, printer, extras)))
    return v


def _std_blocks(
    plan: Plan,
    printed_name: str,
    doc_rng: random.Random,
    printer: Printer,
    style: Style,
    blocks: list[Block],
) -> tuple[dict, set[str]]:
    """The 2019/2021 template's sections with 表二/三/四 after their headings, appended to
    `blocks`; the printed values and the keys a department prints as NULL."""
    y, v, tpl = plan.year, dict(plan.values), plan.template
    nulls: set[str] = set()
    if style.collapse_other and tpl == STD2021:
        for c in T3_PARTY_COLUMNS + ("total",):
            v[t3_key("other", c)] = sum(
                v.pop(t3_key(f"other.{r}", c)) for r in ("no_correction", "no_fee", "other")
            )
    if plan.agency.kind == "department" and doc_rng.random() < 0.2:
        nulls = {k for k in v if k.startswith("t2.coercion.") or k.startswith("t2.rules.")}
    for head, paras in std_sections(printed_name, y, plan.values, doc_rng, tpl):
        if head:
            blocks.append(Block("h", head))
        blocks += [Block("p", p) for p in paras]
        if head.startswith("二、"):
            blocks.append(Block("table", table=t2_table(v, tpl, printer, nulls)))
        elif head.startswith("三、"):
            blocks.append(Block("table", table=t3_table(v, tpl, printer, style.collapse_other)))
        elif head.startswith("四、"):
            blocks.append(Block("table", table=t4_table(v, printer)))
    return v, nulls


def _legacy_extras(v: dict, rng: random.Random) -> dict:
    g = lambda n: v.get(legacy_key(n), 0)  # noqa: E731
    weibo, other = rng.randint(0, 10), rng.randint(0, 5)
    return {
        "respond_sum": g("press_conferences")
        + g("interviews")
        + g("interpretations")
        + weibo
        + other,
        "press_lead": min(g("press_conferences"), rng.randint(0, 3)),
        "interview_lead": min(g("interviews"), rng.randint(0, 3)),
        "weibo_resp": weibo,
        "other_resp": other,
    }
