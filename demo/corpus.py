"""Generate the demo corpus: one source document per (agency, year) plus manifest.json.

Deterministic from the seed: every random draw comes from random.Random seeded with strings
built from (seed, agency code, year); no clock, no unordered iteration. The manifest records,
per file, what the ETL should read back: agency (registry name and the name as printed), year,
template, format, publication and signing dates, every printed value, blank cells, and the
planted quirks (late, copied, typo, totals that do not add up, broken carry-over); plus the
reports that are missing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from demo.agencies import Agency
from demo.figures import AgencyModel
from demo.layout import Block, Printer, Style, t2_table, t3_table, t4_table
from demo.legacy_table import OLD_LEGACY_DROPPED, legacy_table
from demo.prose import legacy_sections, std_sections
from etl.fields import LEGACY, STD2019, STD2021, T3_PARTY_COLUMNS, legacy_key, t3_key

FORMATS_STD = (
    ("html", 40),
    ("text", 17),
    ("markdown", 18),
    ("docx", 17),
    ("pdf", 3.5),
    ("xlsx", 3),
)
FORMATS_LEGACY = (
    ("pipe", 25),
    ("html", 30),
    ("text", 20),
    ("docx", 12),
    ("markdown", 5),
    ("pdf", 3.5),
    ("xlsx", 3),
)
EXT = {
    "html": ".html",
    "text": ".txt",
    "pipe": ".txt",
    "markdown": ".md",
    "docx": ".docx",
    "pdf": ".pdf",
    "xlsx": ".xlsx",
}


@dataclass
class Plan:
    agency: Agency
    year: int
    template: str
    fmt: str
    values: dict
    prose_only: bool = False
    copied_from: int | None = None
    quirks: list = field(default_factory=list)
    doc_seed: str = ""


def base_template(year: int) -> str:
    return LEGACY if year <= 2018 else (STD2019 if year <= 2020 else STD2021)


def _pick(rng: random.Random, table) -> str:
    total = sum(w for _, w in table)
    x = rng.uniform(0, total)
    for name, w in table:
        x -= w
        if x <= 0:
            return name
    return table[-1][0]


def deadline(agency: Agency, year: int) -> dt.date:
    if year >= 2019 and agency.kind == "department":
        return dt.date(year + 1, 1, 31)
    return dt.date(year + 1, 3, 31)


def plan_agency(agency: Agency, years: list[int], seed: int) -> tuple[list[Plan], list[int]]:
    rng = random.Random(f"{seed}/{agency.code}/plan")
    model = AgencyModel(agency, random.Random(f"{seed}/{agency.code}/figures"))
    plans: list[Plan] = []
    missing: list[int] = []
    prev: Plan | None = None
    for year in years:
        tpl = base_template(year)
        quirks = []
        if year in (2019, 2020, 2021) and rng.random() < 0.05:
            tpl = {2019: LEGACY, 2020: STD2021, 2021: STD2019}[year]
            quirks.append({"type": "template_off_year", "expected": base_template(year)})
        if (
            prev is not None
            and prev.template == tpl
            and not prev.copied_from
            and rng.random() < 0.025
        ):
            values = dict(prev.values)
            model.carried = (
                [values.get(t3_key("carried_out", c), 0) for c in T3_PARTY_COLUMNS]
                if tpl != LEGACY
                else None
            )
            plan = Plan(
                agency,
                year,
                tpl,
                prev.fmt,
                values,
                prev.prose_only,
                prev.year,
                quirks + [{"type": "copied_from_previous_year", "source_year": prev.year}],
                prev.doc_seed,
            )
        else:
            brk = (
                tpl != LEGACY
                and prev is not None
                and prev.template != LEGACY
                and rng.random() < 0.03
            )
            values = model.year(year, tpl, break_carry=brk)
            if brk:
                quirks.append({"type": "carry_over_break"})
            prose_only = tpl == LEGACY and rng.random() < (0.35 if year <= 2016 else 0.1)
            fmt = _pick(rng, FORMATS_LEGACY if tpl == LEGACY else FORMATS_STD)
            if prose_only:
                fmt = rng.choice(("html", "text", "text"))
            plan = Plan(
                agency,
                year,
                tpl,
                fmt,
                values,
                prose_only,
                None,
                quirks,
                f"{seed}/{agency.code}/{year}",
            )
        if prev is not None and rng.random() < 0.03:
            missing.append(
                year
            )  # the figures were drawn (carry-over runs on), the report never published
            continue
        plans.append(plan)
        prev = plan
    return plans, missing


def _dates(agency: Agency, year: int, rng: random.Random) -> tuple[dt.date, dt.date, bool]:
    dl = deadline(agency, year)
    late = rng.random() < 0.08
    if late:
        pub = dl + dt.timedelta(days=rng.randint(1, 120))
    else:
        start = dt.date(year + 1, 1, 6)
        pub = start + dt.timedelta(days=rng.randint(0, (dl - start).days))
    signed = pub - dt.timedelta(days=rng.randint(0, 6))
    return pub, signed, late


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


def plant_errors(plan: Plan, rng: random.Random) -> None:
    """Totals that do not add up, in the printed copy (quirk recorded)."""
    v = plan.values
    if plan.template == LEGACY:
        if plan.prose_only or rng.random() > 0.04:
            return
        k = legacy_key(rng.choice(("requests", "completed", "review_total", "staff")))
    else:
        if rng.random() > 0.05:
            return
        cands = sorted(k for k in v if k.startswith("t3.") and k.endswith(".total") and v[k] > 0)
        cands += sorted(k for k in v if k.startswith("t4.") and k.endswith(".total") and v[k] > 0)
        if not cands:
            return
        k = rng.choice(cands)
    d = rng.choice((1, 1, 2, 3, 10, -1))
    if v[k] + d < 0:
        d = 1
    plan.values = dict(v)
    plan.values[k] = v[k] + d
    plan.quirks.append({"type": "total_mismatch", "key": k, "true": v[k], "printed": v[k] + d})
