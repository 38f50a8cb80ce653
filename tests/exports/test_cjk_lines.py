"""Lines of a notice PDF broken as a Chinese document is: no closing mark starts a line, no
opening mark ends one, a number is not cut in two (measured here one unit per character)."""

from __future__ import annotations

import pytest

from exports.cjk_lines import NO_LINE_END, NO_LINE_START, cjk_lines


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("甲乙丙丁，戊", 4, ["甲乙丙丁，", "戊"]),  # the comma hangs
        ("甲乙丙丁。”戊", 4, ["甲乙丙丁。”", "戊"]),  # two closing marks hang together
        ("甲乙丙（丁戊", 4, ["甲乙丙", "（丁戊"]),  # the bracket goes down with its word
        ("甲乙2027年", 4, ["甲乙", "2027", "年"]),  # the year stays whole
        ("甲abcdefghij", 4, ["甲abc", "defg", "hij"]),  # wider than a line: cut where it falls
        ("甲乙\n丙", 4, ["甲乙", "丙"]),  # a paragraph ends a line
        ("", 4, [""]),
    ],
)
def test_lines(text, width, lines):
    assert cjk_lines(text, width, len) == lines


def test_a_notice_paragraph_never_starts_a_line_with_a_closing_mark():
    text = (
        "　　整改期限：2027年1月6日前。逾期未整改或整改后仍存在的问题，将在年度考核中按考核方案"
        "扣分，并在年报质量通报中列明（部门1月31日前、政府3月31日前）。"
    )
    for width in range(8, 40):
        lines = cjk_lines(text, width, len)
        assert "".join(lines) == text
        assert all(line[0] not in NO_LINE_START for line in lines[1:])
        assert all(line[-1] not in NO_LINE_END for line in lines)
        assert all(len(line.rstrip("".join(NO_LINE_START))) <= width for line in lines)
