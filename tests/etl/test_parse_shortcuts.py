"""The shortcuts the parse takes for speed (issue 25) give what the long way gives, on real
reports from shared/ (tests/conftest.py SHARED): swapped-word candidates from Han windows only,
the sections of a text found once for several checks, the control-byte count of binary sniffing,
a block's text and a location's provenance."""

from __future__ import annotations

import pytest

from etl.document import Block, Location
from etl.extract.encoding import looks_binary
from etl.parse import parse_file
from etl.validate.quality_settings import quality_settings
from etl.validate.sections import find_sections, prose_text
from etl.validate.word_slips import _HAN_RUN, _WINDOWS, _swapped_forms
from tests.conftest import SHARED

SHUYANG = "real-reports/shuyang_2025.md"  # std2021
PT2015 = "real-reports/pingtan_2015.txt"  # legacy, crawler one-line


def _report(source: str):
    return parse_file(SHARED / source)


def test_swapped_forms_are_han_only():
    # _transposed_words lists only the Han windows of the text: right only while every form
    # (and so every word it stands for) is Han characters only
    forms = _swapped_forms()
    assert len(forms) > 50_000
    assert all(_HAN_RUN.match(form) and _HAN_RUN.match(word) for form, word in forms.items())


@pytest.mark.parametrize("source", [SHUYANG, PT2015])
def test_han_windows_find_the_candidates_every_window_finds(source):
    text = "".join(_report(source).prose)
    forms = _swapped_forms()
    every = {text[i : i + n] for n in (2, 3, 4) for i in range(len(text) - n + 1)}
    han: set[str] = set()
    for window in _WINDOWS:
        han.update(window.findall(text))
    assert han < every  # figures, spaces and punctuation are left out …
    assert {p for p in every if p in forms and forms[p] in every} == {  # … and nothing else
        p for p in forms.keys() & han if forms[p] in han
    }


def test_sections_found_once_per_text_and_settings():
    report = _report(SHUYANG)
    text, settings = prose_text(report), quality_settings()
    first = find_sections(text, settings)
    assert [s.number for s in first if s.found] == ["一", "二", "三", "四", "五", "六"]
    first.clear()  # a caller's list is its own
    again = find_sections(text, settings)
    assert [s.number for s in again if s.found] == ["一", "二", "三", "四", "五", "六"]
    # other settings (a new object, as a test or the office's edited file gives) are read afresh
    other = {
        **settings,
        "sections": [dict(s, names=[], keywords=["没有的词"]) for s in settings["sections"]],
    }
    assert not any(s.found for s in find_sections(text, other))
    assert find_sections(text, settings) == again


def test_binary_sniffing_counts_control_bytes_only():
    text_bytes = b"\t\n\r\x0c\x1b" * 200  # tab, newlines, form feed, ESC: text
    assert not looks_binary(text_bytes + b"a" * 7000)
    # 1% of the first 8 KiB is the line: 82 of 8192 is past it, 81 is not
    assert looks_binary(b"\x00\x08\x0e\x1f" * 20 + b"\x1a\x1c" + b"a" * 8110)
    assert not looks_binary(b"\x00\x08\x0e\x1f" * 20 + b"\x1a" + b"a" * 8111)
    assert not looks_binary(b"\xef\xbb\xbf" + b"\x00" * 500)  # a byte-order mark: text


def test_block_text_and_location_provenance():
    block = Block(
        ("主动公开", "", "12"), ("主动公开", "", "12"), Location(table=2, row=0, offset=9)
    )
    assert block.text == "主动公开 12" and block.text is block.text
    assert list(block.loc.as_dict().items()) == [("table", 2), ("row", 0), ("offset", 9)]
    assert Location().as_dict() == {}
    assert block == Block(block.cells, block.raw, block.loc)  # the cached text is no field
