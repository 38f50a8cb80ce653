"""Wrong and cut-off words (etl/validate/word_slips.py) on real reports: each mutation changes one
printed word the way a report gets it wrong and expects exactly that finding, report-blaming and
typo_wording; the unmutated reports raise none; what a conversion does to words (a PDF line or
page that wraps inside a word) and a paragraph that only lacks its full stop raise none.
Reports from shared/ (tests/conftest.py SHARED)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from etl.inspection import report_findings
from etl.parse import parse_file
from tests.conftest import SHARED

SHUYANG = "real-reports/shuyang_2025.md"  # std2021, clean
KEWEI = "real-reports/shanghai_kewei_2024.md"  # std2021, PDF→Markdown (lines wrap mid-word)
HUNAN = "seeds/004_a0ca8ba4d3202da2.txt"  # legacy, numbered paragraphs
PT2015 = "real-reports/pingtan_2015.txt"  # legacy, crawler one-line
RULES = ("wording.cut_word", "wording.transposed_word")


def _text(source: str) -> str:
    return (SHARED / source).read_text(encoding="utf-8")


@lru_cache(maxsize=32)
def _findings(source: str, text: str) -> tuple:
    return tuple(report_findings(parse_file(Path(source).name, text.encode("utf-8"))))


def _word_slips(source: str, text: str) -> list:
    return [f for f in _findings(source, text) if f.rule in RULES]


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


PLANTED = [
    # (id, source, printed, changed to, rule, words the message quotes)
    # a paragraph that stops inside its last word, the next heading right after it
    ("cut_preamble_before_section_one", SHUYANG, "年度报告向社会公布。", "年度报告向社会公",
     "wording.cut_word", "向社会公"),
    ("cut_item_before_sub_heading", SHUYANG, "公开及时高效。", "公开及时高",
     "wording.cut_word", "公开及时高"),
    ("cut_wrapped_pdf_paragraph", KEWEI, "在门户网站进行公开。", "在门户网站进行公",
     "wording.cut_word", "进行公"),
    ("cut_legacy_numbered_item", HUNAN, "数据上报工作。", "数据上报工",
     "wording.cut_word", "上报工"),
    # characters printed in swapped order, the right word printed elsewhere in the report next to
    # the same character
    ("swapped_two_characters", SHUYANG, "健全考核机制", "全健考核机制",
     "wording.transposed_word", "“全健”应为“健全”"),
    ("swapped_in_a_list", SHUYANG, "、规范化办理依申请", "、范规化办理依申请",
     "wording.transposed_word", "“范规”应为“规范”"),
    ("swapped_pdf_conversion", KEWEI, "促进科技成果转移", "促进科技果成转移",
     "wording.transposed_word", "“果成”应为“成果”"),
    ("swapped_pdf_conversion_list", KEWEI, "改进情况以及其他需要", "改进情况以及他其需要",
     "wording.transposed_word", "“他其”应为“其他”"),
    ("swapped_legacy", HUNAN, "做好重要政策", "做好要重政策",
     "wording.transposed_word", "“要重”应为“重要”"),
    ("swapped_legacy_training", HUNAN, "办理业务培训", "办理务业培训",
     "wording.transposed_word", "“务业”应为“业务”"),
]  # fmt: skip


@pytest.mark.parametrize(
    "source, old, new, rule, quoted", [pytest.param(*p[1:], id=p[0]) for p in PLANTED]
)
def test_a_planted_wrong_word_is_found_and_the_real_report_is_spared(
    source, old, new, rule, quoted
):
    assert _word_slips(source, _text(source)) == []
    [finding] = _word_slips(source, _replace(_text(source), old, new))
    assert (finding.rule, finding.category, finding.place) == (rule, "typo_wording", "DOC")
    assert finding.blames_report
    assert quoted in finding.message


def test_the_transposed_word_the_inspector_wrote_up_is_found():
    # pingtan 2015: 「重点推进社会度关注较高的招生信息工作」 (社会关注度), 关注度 printed elsewhere
    [finding] = _word_slips(PT2015, _text(PT2015))
    assert (finding.rule, finding.blames_report) == ("wording.transposed_word", True)
    assert "“度关注”应为“关注度”" in finding.message


@pytest.mark.parametrize(
    "source, old, new",
    [
        # only the full stop is missing: the last word is whole
        pytest.param(SHUYANG, "年度报告向社会公布。", "年度报告向社会公布", id="no_full_stop"),
        pytest.param(HUNAN, "数据上报工作。", "数据上报工作", id="legacy_no_full_stop"),
        # a PDF page break inside a word: the page number between the halves, the word goes on
        pytest.param(KEWEI, "在门户网站进行公开。", "在门户网站进行公\n\n- 3 -\n\n开。", id="page_break"),
        # a line wrapped inside a word before a numbered item that continues it (第 + 二)
        pytest.param(HUNAN, "数据上报工作。", "数据上报工作，第\n二、三季度按时报送。", id="wrap_into_numeral"),
        # a swap the report never confirms (红利 printed nowhere else) is not judged
        pytest.param(SHUYANG, "享受政策红利", "享受政策利红", id="swap_unconfirmed"),
    ],
)  # fmt: skip
def test_what_a_conversion_does_to_words_is_no_wrong_word(source, old, new):
    assert _word_slips(source, _replace(_text(source), old, new)) == []


@pytest.mark.parametrize("source", ["seeds/000_f86b4e0c857e9ae7.txt", "crawled/pingtan_2023.txt"])
def test_other_real_reports_raise_no_wrong_or_cut_word(source):
    assert _word_slips(source, _text(source)) == []
