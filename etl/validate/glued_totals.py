"""What a 表三 total read from a glued digit run can be, however the run is split.

A crawled page may print a 表三 row as one run of digits (「801000081」: 80, 1, 0, 0, 0, 0, 81).
The reader splits it by the row's identity, and a prose figure compared with such a split is the
reader's doubt (需人工核对). But the 总计 is the run's last cell: whatever the split, its digits
end the run and leave at least one digit for every other cell. A prose figure no such ending
gives (82 against 「…081」) differs from the table however the run is read, and is the report's.
"""

from __future__ import annotations

import itertools
import re

from etl.report import ParsedReport


def possible_values(report: ParsedReport, key: str) -> set[int] | None:
    """Every value the cell can have (None: not bounded by what is printed)."""
    v = report.values.get(key)
    if v is None or v.source != "table" or v.blank or not float(v.value).is_integer():
        return None
    digits = re.sub(r"\D", "", v.raw)
    if digits == str(int(v.value)):
        return {int(v.value)}  # printed on its own
    run = [
        k
        for k, w in report.values.items()
        if w.raw == v.raw and w.loc.get("offset") == v.loc.get("offset")
    ]
    if not key.endswith(".total") or not run or run[-1] != key or len(digits) < len(run):
        return None  # only the run's last cell, the row's 总计, is bounded by its digits
    return {
        int(digits[i:])
        for i in range(len(run) - 1, len(digits))
        if digits[i] != "0" or i == len(digits) - 1  # no cell is printed with a leading 0
    }


def no_reading_gives(
    report: ParsedReport, candidates: list[tuple[float, list[str]]], said: float
) -> bool:
    """No reading of the table's cells gives the prose figure, for any of the candidates."""
    if not candidates:
        return False
    for _, keys in candidates:
        sets = [possible_values(report, k) for k in keys]
        if any(s is None for s in sets):
            return False
        if any(abs(sum(c) - said) < 1e-9 for c in itertools.product(*sets)):
            return False
    return True
