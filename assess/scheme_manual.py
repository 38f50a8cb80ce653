"""The manual inputs of a scheme: the CSV (agency_id, year, indicator, value) it names under
`manual_inputs`, each row checked against the scheme's manual indicators."""

from __future__ import annotations

import csv
from pathlib import Path

from assess.scheme_model import MANUAL_HEADER, SchemeContext, SchemeError


def manual_inputs(ctx: SchemeContext, file: Path, manual_ids: set[str]) -> tuple:
    if not file.is_file():
        ctx.fail(
            None,
            "manual_inputs",
            f"人工录入文件 {file} 不存在",
            "请创建该文件（列为 agency_id,year,indicator,value），或改正路径（相对于方案文件）",
        )
    rows, seen = [], set()
    with file.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = [h.strip() for h in next(reader, [])]
        if header != MANUAL_HEADER:
            raise SchemeError(
                file, 1, f"表头是 {','.join(header)!r}", f"请改为 {','.join(MANUAL_HEADER)}"
            )
        for n, row in enumerate(reader, 2):
            if not any(c.strip() for c in row):
                continue
            if len(row) != 4:
                raise SchemeError(
                    file, n, f"这一行有 {len(row)} 列", "请写四列：agency_id,year,indicator,value"
                )
            agency, year, ind, value = (c.strip() for c in row)
            if ind not in manual_ids:
                raise SchemeError(
                    file,
                    n,
                    f"指标 {ind!r} 不是 {ctx.path.name} 的人工录入指标",
                    f"可用：{', '.join(sorted(manual_ids)) or '（方案中没有人工录入指标）'}",
                )
            try:
                rec = (agency, int(year), ind, float(value))
            except ValueError:
                raise SchemeError(
                    file,
                    n,
                    f"年份 {year!r} 或数值 {value!r} 不是数字",
                    "请写数字，例如 2024,3",
                ) from None
            if rec[:3] in seen:
                raise SchemeError(file, n, f"{agency} {year} {ind} 录入了两次", "请只保留一行")
            seen.add(rec[:3])
            rows.append(rec)
    return tuple(rows)
