"""A loader message as the agency reads it in a notice: no file names, paths or registry codes,
and dates written as a Chinese document writes them."""

from __future__ import annotations

import pytest

from workflow.problems import for_agency


@pytest.mark.parametrize(
    ("message", "read"),
    [
        (
            "2024 年度报告发布于 2025-06-08，法定期限为 2025-03-31，逾期 69 天",
            "2024 年度报告发布于 2025年6月8日，法定期限为 2025年3月31日，逾期 69 天",
        ),
        ("与上年相同（2023 年报：SF421_2023.html）", "与上年相同"),
        ("见 /srv/gongkai/data/demo/2024/SF421_2024.md 第 3 行", "见 第 3 行"),
        ("编号 2025-03-311 不是日期", "编号 2025-03-311 不是日期"),
    ],
)
def test_messages_read_as_the_agency_reads_them(message, read):
    assert for_agency(message) == read
