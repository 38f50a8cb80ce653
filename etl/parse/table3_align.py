"""表三's rows aligned to the template's row order (etl/parse/table3.py).

The candidate sequences are the template with each subtotal group printed split or as one
row; the alignment is monotone and scores label agreement, so unlabelled rows still align by
order.
"""

from __future__ import annotations

from itertools import product

from etl.fields import T3_ROWS
from etl.parse.table3_rows import GROUP_ROWS, DataRow


def _templates() -> list[list[str]]:
    """Candidate row sequences: each subtotal group printed split (rows) or as one subtotal row."""
    out = []
    groups = list(GROUP_ROWS)
    for choice in product((False, True), repeat=len(groups)):
        seq: list[str] = []
        collapsed = dict(zip(groups, choice))
        emitted: set[str] = set()
        for row, _, _ in T3_ROWS:
            group = row.split(".")[0] if "." in row else None
            if group in collapsed and collapsed[group]:
                if group not in emitted:
                    seq.append(group)
                    emitted.add(group)
                continue
            seq.append(row)
        out.append(seq)
    return out


TEMPLATE_SEQUENCES = _templates()


def candidate_sequences(keys: set[str]) -> list[list[str]]:
    """Drop row sequences the labels rule out (a printed sub-row means the group is split)."""
    out = []
    for seq in TEMPLATE_SEQUENCES:
        ok = True
        for group, subrows in GROUP_ROWS.items():
            collapsed = group in seq
            if collapsed and keys & set(subrows):
                ok = False
            if not collapsed and group in keys:
                ok = False
        if ok:
            out.append(seq)
    return out or TEMPLATE_SEQUENCES


# Scores of the alignment of a report's numeric rows to the template's rows. A row whose label
# names the template row is strong evidence (+3); a row labelled as *another* row must not be
# placed here (-6: worse than skipping it and the template row, -2.5 - 2). An unlabelled row
# costs nothing, so floating labels (PDF text layers, OCR) still align by order. A row with a
# cell count no template row has (not 1 total, 6 parties, 7 with total) is probably not a 表三
# row (-3). Skipping a template row (absent or merged) costs less than skipping a data row
# (-2 vs -2.5): reports omit rows more often than they print stray numeric rows.
MATCH_GAIN = 3.0
OTHER_ROW_PENALTY = -6.0
ODD_WIDTH_PENALTY = -3.0
SKIP_TEMPLATE_ROW = -2.0
SKIP_DATA_ROW = -2.5


def align_rows(rows: list[DataRow], seq: list[str]) -> tuple[float, list[tuple[int, int]]]:
    """Monotone alignment of data rows to template rows maximising label agreement."""
    n, m = len(rows), len(seq)
    skip_t, skip_d = SKIP_TEMPLATE_ROW, SKIP_DATA_ROW
    neg = float("-inf")
    score = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    score[0][0] = 0.0
    keys = [row.key for row in rows] + [None]
    # per row, not per cell of the table: whether its width is one no template row has
    odd = [len(row.values) not in (1, 6, 7) and not row.glued for row in rows] + [False]
    for i in range(n + 1):
        key, odd_width = keys[i], odd[i]
        for j in range(m + 1):
            s = score[i][j]
            if s == neg:
                continue
            if i < n and j < m:
                gain = MATCH_GAIN if key == seq[j] else (OTHER_ROW_PENALTY if key else 0.0)
                if odd_width:
                    gain += ODD_WIDTH_PENALTY
                if s + gain > score[i + 1][j + 1]:
                    score[i + 1][j + 1], back[i + 1][j + 1] = s + gain, (i, j)
            if j < m and s + skip_t > score[i][j + 1]:
                score[i][j + 1], back[i][j + 1] = s + skip_t, (i, j)
            if i < n and s + skip_d > score[i + 1][j]:
                score[i + 1][j], back[i + 1][j] = s + skip_d, (i, j)
    pairs: list[tuple[int, int]] = []
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj = back[i][j]
        if pi == i - 1 and pj == j - 1:
            pairs.append((pi, pj))
        i, j = pi, pj
    return score[n][m], pairs[::-1]
