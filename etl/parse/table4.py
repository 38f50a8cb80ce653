"""表四: 15 numbers (复议, 直接起诉, 复议后起诉 × 维持, 纠正, 其他, 尚未审结, 总计), in one row or per group."""

from __future__ import annotations

from etl.document import Block
from etl.fields import T4_GROUPS, T4_OUTCOMES, t4_key
from etl.normalize import squash
from etl.parse.cell_findings import malformed_finding
from etl.parse.glued import solve
from etl.parse.relations import piece_value
from etl.parse.rows import Token, clean_label, merge_number_lines, split_block, value_tokens
from etl.parse.std_glued import (
    T4_WIDTH,
    is_glued,
    mark_unsure,
    outcome_findings,
    run_of,
    t4_cells,
    t4_relations,
)
from etl.report import Finding, ParsedReport, Value

T4_GROUP_LABELS = (
    ("suit_after_review", ("复议后起诉",)),
    ("suit_direct", ("未经复议", "直接起诉")),
    ("review", ("行政复议",)),
)


def is_t4_heading(block: Block) -> bool:
    sq = squash(block.text)
    return (
        len(sq) <= 60 and "复议" in sq and "行政诉讼" in sq
    )  # 复议 also when misprinted (行政法复议)


def parse_t4(blocks, report: ParsedReport) -> None:
    rows = _t4_rows(blocks)
    flat_tokens = [t for values, _, _ in rows for t in values]
    if len(flat_tokens) < T4_WIDTH and is_glued(flat_tokens, T4_WIDTH):
        _parse_glued_t4(flat_tokens, rows[0][1], report)
        return
    placed = _place_t4(rows, report)
    if placed:
        _add_t4_values(placed, report)


def _t4_rows(blocks) -> list[tuple[tuple[Token, ...], Block, str | None]]:
    """(numbers, block, group) of each row of 表四 that carries numbers; a group label printed on
    its own line is the group of the rows after it (a header row is never data)."""
    rows: list[tuple[tuple[Token, ...], Block, str | None]] = []
    group_hint: str | None = None
    for block in merge_number_lines(blocks[1:], 15):
        label, _ = split_block(block)
        values = value_tokens(block)
        cleaned = clean_label(label)
        row_group = next(
            (g for g, phrases in T4_GROUP_LABELS if any(p in cleaned for p in phrases)), None
        )
        if row_group and not values:
            group_hint = row_group
            continue
        numeric = sum(1 for t in values if t.cell.numeric)
        all_blank_ok = len(values) >= 5 and len(values) % 5 == 0 and (not cleaned or row_group)
        if numeric >= 3 or all_blank_ok or is_glued(values, T4_WIDTH):
            rows.append((values, block, row_group or group_hint))  # a header row is never data
    return rows


def _place_t4(rows, report: ParsedReport) -> dict[str, list[tuple[Token, Block]]]:
    """Group -> its five (token, block) cells: the first 15 numbers in group order, or one
    separate five-number table per group; {} (with the finding t4.incomplete) otherwise."""
    placed: dict[str, list[tuple[Token, Block]]] = {}
    flat = [(t, b) for values, b, _ in rows for t in values]
    if len(flat) >= 15:
        if len(flat) > 15:
            report.findings.append(
                Finding(
                    "t4.extra_numbers",
                    (),
                    15,
                    len(flat),
                    f"表四区域有 {len(flat)} 个数，取前 15 个",
                    "warning",
                )
            )
        for gi, (group, _) in enumerate(T4_GROUPS):
            placed[group] = flat[gi * 5 : (gi + 1) * 5]
    elif all(len(v) == 5 and g for v, _, g in rows) and len({g for _, _, g in rows}) == len(rows):
        placed = {g: [(t, b) for t in v] for v, b, g in rows}  # separate tables, one per group
    if not placed:
        report.findings.append(
            Finding(
                "t4.incomplete",
                (),
                15,
                len(flat),
                f"表四只读到 {len(flat)} 个数（应为 15 个），表四未入库",
                "warning",
            )
        )
    return placed


def _add_t4_values(placed: dict[str, list[tuple[Token, Block]]], report: ParsedReport) -> None:
    """Each placed cell as a Value (blank as 0 with its flag); a malformed cell is a finding,
    never a guess; a group not placed is the finding t4.missing_group."""
    for group, name in T4_GROUPS:
        if group not in placed:
            report.findings.append(
                Finding(
                    "t4.missing_group",
                    (t4_key(group, "total"),),
                    None,
                    None,
                    f"表四缺少「{name}」",
                    "warning",
                )
            )
            continue
        for (outcome, _), (tok, block) in zip(T4_OUTCOMES, placed[group]):
            k = t4_key(group, outcome)
            loc = dict(block.loc.as_dict())
            if tok.col is not None:
                loc["col"] = tok.col
            finding = malformed_finding(k, tok)
            if finding is not None:  # no value (never a guess)
                report.findings.append(finding)
                continue
            report.add(
                Value(
                    k,
                    tok.cell.value if tok.cell.numeric else 0.0,
                    tok.raw,
                    loc,
                    blank=not tok.cell.numeric,
                )
            )


def _parse_glued_t4(tokens, block: Block, report: ParsedReport) -> None:
    """表四 printed as digit runs ("110024001510102"): split by identity 4 (etl.parse.glued)."""
    run = run_of("t4", tokens, t4_cells())
    outcome = solve([run], t4_relations(), {})
    for cell in run.cells:
        if cell in outcome.pieces:
            report.add(
                Value(
                    cell,
                    piece_value(outcome.pieces[cell]),
                    " ".join(run.tokens),
                    dict(block.loc.as_dict()),
                )
            )
    report.findings.extend(outcome_findings(outcome, [run], "表四", lambda _: "行政复议、行政诉讼"))
    mark_unsure(report, outcome, [run])
