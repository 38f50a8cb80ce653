"""表二: item rows (规章, 规范性文件, 行政许可, …) with the measures of the report's template."""

from __future__ import annotations

import re

from etl.fields import STD2019, T2_LAYOUT, t2_key
from etl.fields import T2_ITEMS as T2_ITEM_NAMES
from etl.normalize import UNIT_PATTERN, squash
from etl.numerals import yuan_to_wan
from etl.parse.cell_findings import malformed_finding
from etl.parse.glued import solve
from etl.parse.relations import piece_value
from etl.parse.rows import clean_label, split_block
from etl.parse.std_glued import is_glued, outcome_findings, run_of
from etl.report import Finding, ParsedReport, Value

_UNIT_SUFFIX = re.compile(f"(单位)?({UNIT_PATTERN})$")
T2_ITEM_LABELS = {
    "rules": ("规章",),
    "normative": ("规范性文件", "行政规范性文件"),
    "licensing": ("行政许可",),
    "other_services": ("其他对外管理服务事项",),
    "penalty": ("行政处罚",),
    "coercion": ("行政强制",),
    "fees": ("行政事业性收费",),
    "procurement": ("政府集中采购",),
}
# the last two characters of every item name, and the unit line: a block without any is skipped
_T2_HINT = re.compile(
    "|".join(
        sorted(
            {n[-2:] for names in T2_ITEM_LABELS.values() for n in names} | {"单位", "金额", "元"}
        )
    )
)


# a flattened page glues the column headings to the first item: "…现行有效件数规章"
_FLAT_HEADER = re.compile(r"信息内容|件数|数量|金额")
# what a report's prose says of its 表二 figures, in a sentence naming the item: a glued run's
# split must agree when one split does
_PROSE_T2 = (
    (
        "issued",
        re.compile(r"(?:制发|印发|出台|制定)(?:了|的)?(?:行政)?(?:规范性文件|规章)?(\d+)件"),
    ),
    ("repealed", re.compile(r"废止(?:了|的)?(?:行政)?(?:规范性文件|规章)?(\d+)件")),
    ("in_force", re.compile(r"现行有效(?:的)?(?:行政)?(?:规范性文件|规章)?(\d+)件")),
)
_SENTENCE = re.compile(r"[^。；;!?！？]+")


def _item(cleaned: str) -> str | None:
    return next((it for it, names in T2_ITEM_LABELS.items() if cleaned in names), None)


def _item_after_header(cleaned: str) -> str | None:
    """The item a flattened header row ends with (longest name first)."""
    if not _FLAT_HEADER.search(cleaned):
        return None
    names = sorted(
        ((n, it) for it, ns in T2_ITEM_LABELS.items() for n in ns), key=lambda x: -len(x[0])
    )
    return next((it for n, it in names if cleaned.endswith(n)), None)


def _prose_evidence(blocks) -> dict[str, float]:
    """Figures the prose states once for 规范性文件 / 规章 (a figure stated twice differently: none)."""
    text = squash(" ".join(b.text for b in blocks if not b.is_table_row))
    found: dict[str, set[int]] = {}
    for sentence in _SENTENCE.findall(text):
        item = "normative" if "规范性文件" in sentence else "rules" if "规章" in sentence else None
        if item is None:
            continue
        for measure, rx in _PROSE_T2:
            for m in rx.findall(sentence):
                found.setdefault(t2_key(item, measure), set()).add(int(m))
    return {k: float(next(iter(v))) for k, v in found.items() if len(v) == 1}


def parse_t2(blocks, report: ParsedReport) -> None:  # noqa: C901 (one case per document layout; see docstring)
    layout = T2_LAYOUT[report.template]
    unit_hint = "万元"
    evidence: dict[str, float] | None = None
    for idx, block in enumerate(blocks):
        if not _T2_HINT.search(block.text.replace(" ", "")):
            continue  # cheap pre-check: most blocks before 表三 are prose
        label, values = split_block(block)
        sq = squash(block.text)
        if "单位" in sq or "金额" in sq:
            if "万元" in sq:
                unit_hint = "万元"
            elif "元" in sq:
                unit_hint = "元"
        cleaned = clean_label(label)
        item = _item(cleaned) or _item(_UNIT_SUFFIX.sub("", cleaned)) or _item_after_header(cleaned)
        if item is None or item not in layout or not values:
            continue
        measures = layout[item]
        values = list(values)
        if len(values) < len(measures) and is_glued(values, len(measures)):
            evidence = _prose_evidence(blocks) if evidence is None else evidence
            _add_glued(item, measures, values, block, evidence, unit_hint, report)
            continue
        while (
            len(values) > len(measures)
            and not values[-1].cell.numeric
            and not values[-1].raw.strip()
        ):
            values.pop()  # empty cells padding a spreadsheet row to the sheet's width
        if len(values) != len(measures):
            report.findings.append(
                Finding(
                    "t2.row_width",
                    (),
                    len(measures),
                    len(values),
                    f"表二「{T2_ITEM_NAMES[item]}」有 {len(values)} 个数（应为 {len(measures)} 个）",
                    "warning",
                )
            )
            if len(values) < len(measures):
                continue
            values = values[: len(measures)]
        for measure, tok in zip(measures, values):
            k = t2_key(item, measure)
            if not tok.cell.numeric:
                finding = malformed_finding(k, tok) if tok.cell.malformed else None
                if finding is not None:  # a figure that cannot be read: said so, never a value
                    report.findings.append(finding)
                continue  # "/" or blank in 表二 means not applicable: NULL, never 0
            value = tok.cell.value
            if measure == "amount_wan":
                value = yuan_to_wan(value, unit_hint)
            loc = dict(block.loc.as_dict())
            if tok.col is not None:
                loc["col"] = tok.col
            if measure == "amount_wan":
                loc["unit"] = unit_hint
            report.add(Value(k, value, tok.raw, loc))
    if report.template == STD2019 and not any(k.startswith("t2.") for k in report.values):
        report.findings.append(Finding("t2.missing", (), None, None, "未找到表二", "info"))


def _add_glued(
    item: str,
    measures,
    values,
    block,
    evidence: dict[str, float],
    unit_hint: str,
    report: ParsedReport,
) -> None:
    """A 表二 row printed as one digit run: 表二 has no identities, so only a run with one split,
    or a split the report's prose confirms, decides a cell (etl.parse.glued)."""
    run = run_of(item, values, [t2_key(item, m) for m in measures])
    outcome = solve([run], [], {}, evidence)
    for measure, cell in zip(measures, run.cells):
        if cell in outcome.pieces:
            value, loc = piece_value(outcome.pieces[cell]), dict(block.loc.as_dict())
            if measure == "amount_wan":
                value, loc["unit"] = yuan_to_wan(value, unit_hint), unit_hint
            report.add(Value(cell, value, " ".join(run.tokens), loc))
    report.findings.extend(outcome_findings(outcome, [run], "表二", lambda r: T2_ITEM_NAMES[r]))
    for cell in run.cells:
        report.doubt(
            cell,
            f"表二「{T2_ITEM_NAMES[item]}」的数字连在一起印刷（“{' '.join(run.tokens)}”），是拆开读的",
        )
