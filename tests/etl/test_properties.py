"""Property-based tests of the number normaliser and a fuzz run of the parser over mutated real reports.

Properties: any integer printed the ways reports print it (ASCII, full-width, thousands
separators, a unit suffix) reads back as itself; blank markers read as blank; text never raises.
Fuzz: byte- and line-level mutations of the real reports never let an exception other than
ReportError escape parse_file.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.errors import ReportError
from etl.normalize import BLANK_MARKERS, parse_cell
from etl.numerals import chinese_to_int
from etl.parse import parse_file
from tests.conftest import REAL, SEEDS

FULLWIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")


@given(
    st.integers(min_value=0, max_value=10**9),
    st.sampled_from(["", "件", "条", "万元"]),
    st.booleans(),
    st.booleans(),
)
def test_printed_integers_read_back(n, unit, fullwidth, separators):
    text = f"{n:,}" if separators else str(n)
    if fullwidth:
        text = text.translate(FULLWIDTH)
    cell = parse_cell(text + unit)
    assert cell.numeric and cell.value == n


@given(st.sampled_from(sorted(BLANK_MARKERS)), st.sampled_from(["", " ", "\u3000"]))
def test_blank_markers_are_blank(marker, pad):
    cell = parse_cell(pad + marker + pad)
    assert cell.blank and not cell.numeric and cell.value is None


@given(st.text(max_size=30))
def test_any_text_is_read_without_raising(text):
    cell = parse_cell(text)
    assert cell.numeric == (cell.value is not None)
    assert not (cell.numeric and cell.blank)


@given(st.integers(min_value=0, max_value=99999))
def test_chinese_numerals_round_trip(n):
    digits = "零一二三四五六七八九"
    units = [(10000, "万"), (1000, "千"), (100, "百"), (10, "十")]
    out, rest, zero = "", n, False
    for value, name in units:
        q, rest = divmod(rest, value)
        if q:
            if zero:
                out += "零"
                zero = False
            out += digits[q] + name
        elif out:
            zero = True
    if rest:
        if zero and out:
            out += "零"
        out += digits[rest]
    out = out or "零"
    assert chinese_to_int(out) == n


def test_malformed_numbers_are_flagged_not_guessed():
    for text in ("1,2,3", "约20", "二十余", "100多"):
        cell = parse_cell(text)
        assert cell.malformed and cell.value is None, text


REAL_FILES = sorted(
    p for p in list(REAL.glob("*")) + list(SEEDS.glob("*.txt")) if not p.name.endswith(".json")
)


def _mutate(data: bytes, rng: random.Random) -> bytes:
    kind = rng.randrange(4)
    if kind == 0:  # flip bytes
        b = bytearray(data)
        for _ in range(rng.randint(1, 40)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    if kind == 1:  # truncate
        return data[: rng.randrange(1, len(data))]
    if kind == 2:  # shuffle or drop lines (text only; PDFs get corrupted)
        lines = data.split(b"\n")
        rng.shuffle(lines)
        return b"\n".join(lines[: rng.randint(1, len(lines))])
    cut = rng.randrange(len(data))  # duplicate a chunk
    return data[:cut] + data[cut : cut + rng.randint(1, 5000)] * 3 + data[cut:]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.integers(min_value=0, max_value=len(REAL_FILES) - 1),
    st.integers(min_value=0, max_value=2**32),
)
@pytest.mark.slow  # Hypothesis mutates and parses whole real reports, many examples
def test_mutated_real_reports_give_findings_or_errors_never_exceptions(
    tmp_path_factory, index, seed
):
    src = REAL_FILES[index]
    data = _mutate(src.read_bytes(), random.Random(seed))
    path = tmp_path_factory.mktemp("fuzz") / src.name
    path.write_bytes(data)
    try:
        report = parse_file(path)
    except ReportError as exc:
        assert str(path) in exc.message and exc.problem
        return
    assert report.template in ("std2021", "std2019", "legacy", "not_a_report")
    for v in report.values.values():
        assert v.value == v.value  # not NaN
