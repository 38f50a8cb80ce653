"""Scheme files: the default loads; every error names the file, the line and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess import SchemeError, load_scheme
from assess.scheme import key_lines

ROOT = Path(__file__).resolve().parents[2]


def _line_of(text: str, needle: str, nth: int = 1) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1) if line.strip().startswith(needle)]
    return hits[nth - 1]


def _broken(scheme_path: Path, old: str, new: str, count: int = 1) -> tuple[Path, str]:
    text = scheme_path.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, count)
    p = scheme_path.with_name("broken.toml")
    p.write_text(text, encoding="utf-8")
    return p, text


def test_default_scheme_loads_and_weights_sum_to_100():
    s = load_scheme(ROOT / "data" / "schemes" / "default.toml")
    assert s.performance_share >= 0.04 and s.min_cases == 5
    assert sum(i.weight for i in s.indicators if i.weighted) == 100
    assert {i.kind for i in s.indicators} == {"linear", "rank", "deduction", "bonus", "veto"}
    assert {i.missing for i in s.indicators if i.weighted} == {"reweight", "peer_median", "zero"}
    assert any(i.source == "manual" for i in s.indicators) and s.manual


def test_weights_not_summing_to_100_says_the_sum_and_which_to_change(scheme_path):
    p, text = _broken(scheme_path, "weight = 40", "weight = 35")
    with pytest.raises(SchemeError) as e:
        load_scheme(p)
    msg = str(e.value)
    assert msg.startswith(f"{p}:{_line_of(text, 'weight =', 5)}: ")  # the last weight
    assert "之和是 95，不是 100" in msg and "completion 35" in msg
    assert "把“inspection”的权重改为 15" in msg


def test_unknown_metric_names_line(scheme_path):
    p, text = _broken(scheme_path, 'metric = "disclosure_rate"', 'metric = "openness"')
    with pytest.raises(SchemeError) as e:
        load_scheme(p)
    assert e.value.line == _line_of(text, 'metric = "openness"')
    assert "metric 'openness' 不存在" in str(e.value) and "disclosure_rate" in str(e.value)


def test_unknown_rule_kind_names_line(scheme_path):
    p, text = _broken(scheme_path, 'kind = "rank"', 'kind = "ranking"')
    with pytest.raises(SchemeError) as e:
        load_scheme(p)
    assert e.value.line == _line_of(text, 'kind = "ranking"')
    assert "'ranking' 不是 linear, rank, deduction, bonus, veto 之一" in str(e.value)


def test_bad_missing_policy_names_line(scheme_path):
    p, text = _broken(scheme_path, 'missing = "peer_median"', 'missing = "average"')
    with pytest.raises(SchemeError) as e:
        load_scheme(p)
    assert e.value.line == _line_of(text, 'missing = "average"')
    assert "reweight, peer_median, zero" in str(e.value)


def test_missing_policy_must_be_explicit(scheme_path):
    p, text = _broken(scheme_path, 'missing = "peer_median"\n', "")
    with pytest.raises(SchemeError, match="没有写缺数据时的处理办法") as e:
        load_scheme(p)
    assert e.value.line == _line_of(text, "[[indicators]]", 2)


def test_performance_share_below_4_percent_is_refused_with_the_policy(scheme_path):
    p, text = _broken(scheme_path, "performance_share = 0.05", "performance_share = 0.03")
    with pytest.raises(SchemeError) as e:
        load_scheme(p)
    assert e.value.line == 2 == _line_of(text, "performance_share")
    assert "国办发〔2016〕80号" in str(e.value) and "不低于 4%" in str(e.value)
    assert "请把 performance_share 设为 0.04 或更大" in str(e.value)


def test_linear_thresholds_against_direction(scheme_path):
    p, text = _broken(scheme_path, "full = 100\nzero = 50", "full = 50\nzero = 100")
    with pytest.raises(SchemeError, match="请对调 `full` 和 `zero`") as e:
        load_scheme(p)
    assert e.value.line == _line_of(text, "full = 50")


def test_unknown_setting_and_deduction_cap_above_weight(scheme_path):
    p, text = _broken(scheme_path, "points = 4\ncap = 10", "points = 4\ncap = 30")
    with pytest.raises(SchemeError, match="`cap` = 30") as e:
        load_scheme(p)
    assert e.value.line == _line_of(text, "cap = 30")
    p, text = _broken(scheme_path, "min_cases = 5", "min_cases = 5\nminimum = 3")
    with pytest.raises(SchemeError, match="不认识的设置 `minimum`") as e:
        load_scheme(p)
    assert e.value.line == 4


def test_toml_syntax_error_names_line(scheme_path):
    p, text = _broken(scheme_path, "weight = 40", "weight = = 40")
    with pytest.raises(SchemeError, match="TOML 语法错误") as e:
        load_scheme(p)
    assert e.value.line == _line_of(text, "weight = = 40")


def test_manual_inputs_errors_name_the_csv_and_line(scheme_path):
    csv = scheme_path.with_name("manual.csv")
    csv.write_text(
        "agency_id,year,indicator,value\nA,2024,inspection,80\nA,2024,openness,1\n",
        encoding="utf-8",
    )
    with pytest.raises(SchemeError) as e:
        load_scheme(scheme_path)
    assert str(e.value).startswith(f"{csv}:3: 指标 'openness' 不是 scheme.toml 的人工录入指标")
    assert "inspection, innovation" in str(e.value) or "innovation, inspection" in str(e.value)
    csv.unlink()
    with pytest.raises(SchemeError, match="不存在") as e:
        load_scheme(scheme_path)
    assert e.value.line == 4


def test_key_lines_maps_each_indicator_table():
    text = 'a = 1\n[[indicators]]\nid = "x"\n\n[[indicators]]\nid = "y"\nkind = "z"\n'
    assert key_lines(text) == {
        (None, "a"): 1,
        (0, "[[indicators]]"): 2,
        (0, "id"): 3,
        (1, "[[indicators]]"): 5,
        (1, "id"): 6,
        (1, "kind"): 7,
    }
