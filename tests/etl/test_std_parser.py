"""std2019/std2021 parsing on real reports first, then on layouts generated from their numbers.

Real inputs:
- hongze_2024.pdf: PDF text layer, 表三 over a page break, labels detached from numbers,
  （六）其他处理 printed as one row although 表二 is std2021.
- shanghai_kewei_2024.md: Markdown from PDF, numeric rows without labels, floating labels,
  an empty 总计 cell in 结转下年度 (identity findings expected).
- shuyang_2025.md: OCR'd Markdown, 表三 split into many tables with a header repeated inside (六).
Generated (from shuyang's checked numbers): PDF-like text, std2019 layout, totals-only, full-width
digits and "/" blanks, a broken total.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from etl.fields import T3_COLUMNS, T3_ROWS, T4_GROUPS, T4_OUTCOMES, t3_key, t4_key
from etl.parse import parse_file
from gongkai.cli import cli
from tests.conftest import truth_for

STD_FILES = ["hongze_2024.pdf", "shanghai_kewei_2024.md", "shuyang_2025.md"]


@pytest.mark.parametrize("name", STD_FILES)
def test_every_checked_value_of_real_std_reports(name):
    path, truth = truth_for(name)
    report = parse_file(path)
    assert report.template == truth["template"]
    assert report.year == truth["year"]
    got = {k: v.value for k, v in report.values.items()}
    wrong = {k: (e, got.get(k)) for k, e in truth["values"].items() if got.get(k) != e}
    assert wrong == {}


def test_hongze_single_other_row_is_stored_as_subtotal():
    path, _ = truth_for("hongze_2024.pdf")
    report = parse_file(path)
    assert report.values["t3.other.total"].value == 0
    assert not any(k.startswith("t3.other.no_correction") for k in report.values)
    assert report.values["t3.processed.total"].value == 95
    assert report.values["t3.new.total"].loc["page"] == 3


def test_shanghai_blank_total_is_stored_as_printed_and_flagged():
    path, _ = truth_for("shanghai_kewei_2024.md")
    report = parse_file(path)
    carried_out = report.values["t3.carried_out.total"]
    assert carried_out.value == 0 and carried_out.blank
    rules = {(f.rule, f.cells[-1]): (f.expected, f.actual) for f in report.findings if f.cells}
    assert rules[("t3.row_total", "t3.carried_out.total")] == (1, 0)
    assert rules[("t3.balance", "t3.carried_out.total")] == (36, 35)


def test_provenance_points_at_the_printed_cell():
    path, _ = truth_for("shuyang_2025.md")
    report = parse_file(path)
    v = report.values["t3.granted.total"]
    assert v.raw == "294" and v.source == "table"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert "予以公开" in lines[v.loc["line"]] and "294" in lines[v.loc["line"]]


# ---- generated layouts ----------------------------------------------------------------------


def _shuyang_values() -> dict[str, float]:
    return truth_for("shuyang_2025.md")[1]["values"]


def _row_numbers(values, row, cols=None, fmt=str):
    cols = cols or [c for c, _ in T3_COLUMNS]
    return [fmt(int(values[t3_key(row, c)])) if t3_key(row, c) in values else "" for c in cols]


def render_text_report(
    values,
    *,
    template="std2021",
    detach_every=3,
    fmt=str,
    agency="示例县人民政府",
    year=2025,
    other_single=False,
) -> str:
    """A report as a PDF text layer prints it: label lines, numbers on lines of their own."""
    out = [
        f"{agency}",
        f"{year}年政府信息公开工作年度报告",
        "一、总体情况",
        f"{year}年，我县持续推进政务公开。",
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
    ]
    if template == "std2021":
        out += [
            "信息内容 本年制发件数 本年废止件数 现行有效件数",
            "规章 0 0 0",
            "行政规范性文件 6 1 32",
            "第二十条第（五）项",
            "信息内容 本年处理决定数量",
            "行政许可 517645",
            "信息内容 本年收费金额（单位：万元）",
            "行政事业性收费 4068.208",
        ]
    else:
        out += [
            "信息内容 本年新制作数量 本年新公开数量 对外公开总数量",
            "规章 0 0 0",
            "规范性文件 6 6 32",
            "第二十条第（五）项",
            "信息内容 上一年项目数量 本年增/减 处理决定数量",
            "行政许可 120 +3 5176",
            "其他对外管理服务事项 10 --2 40",
            "行政处罚 300 -5 6939",
            "行政强制 20 0 21",
            "信息内容 上一年项目数量 本年增/减",
            "行政事业性收费 12 -1",
            "信息内容 采购项目数量 采购总金额",
            "政府集中采购 15 1234.5",
        ]
    out += ["三、收到和处理政府信息公开申请情况", "申请人情况 自然人 法人或其他组织 总计"]
    labels = dict((r, lab) for r, lab, _ in T3_ROWS)
    rows = [r for r, _, _ in T3_ROWS]
    if other_single:
        i = rows.index("other.no_correction")
        rows[i : i + 3] = ["other"]
        labels["other"] = "（六）其他处理"
    for n, row in enumerate(rows):
        if row == "other":
            nums = [
                fmt(
                    int(
                        sum(
                            values[t3_key(r, c)]
                            for r in ("other.no_correction", "other.no_fee", "other.other")
                        )
                    )
                )
                for c, _ in T3_COLUMNS
            ]
        else:
            nums = _row_numbers(values, row, fmt=fmt)
        line = " ".join(x if x != "" else "/" for x in nums)
        label = labels[row].split(" ")[-1]
        if detach_every and n % detach_every == 1:
            out += [line, label]  # label printed after its numbers, as PDF text layers do
        else:
            out.append(f"{label} {line}")
        if n == 12:
            out.append("- 3 -")  # page footer inside the table
    out += [
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计",
        " ".join(fmt(int(values[t4_key(g, o)])) for g, _ in T4_GROUPS for o, _ in T4_OUTCOMES),
        "五、存在的主要问题及改进情况",
        "一是解读形式单一。",
        agency,
        f"{year + 1}年1月20日",
    ]
    return "\n".join(out)


def _write(tmp_path, text, name="report.txt", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_pdf_like_text_with_detached_labels_round_trips(tmp_path):
    values = _shuyang_values()
    report = parse_file(_write(tmp_path, render_text_report(values)))
    assert (
        report.template == "std2021" and report.year == 2025 and report.agency == "示例县人民政府"
    )
    for key, expected in values.items():
        if key.startswith(("t3.", "t4.")):
            assert report.values[key].value == expected, key


def test_gbk_text_with_fullwidth_digits(tmp_path):
    values = _shuyang_values()
    fullwidth = str.maketrans("0123456789", "０１２３４５６７８９")
    text = render_text_report(values, fmt=lambda n: str(n).translate(fullwidth))
    report = parse_file(_write(tmp_path, text, encoding="gbk"))
    assert report.values["t3.new.total"].value == 713
    assert report.values["t3.new.total"].raw == "７１３"
    assert report.values["t4.review.total"].value == 61


def test_std2019_layout_is_detected_and_mapped(tmp_path):
    values = _shuyang_values()
    report = parse_file(
        _write(
            tmp_path, render_text_report(values, template="std2019", other_single=True, year=2020)
        )
    )
    assert report.template == "std2019"
    assert report.values["t3.other.total"].value == 9 + 7 + 143
    assert "t3.other.other.total" not in report.values
    got = {k: v.value for k, v in report.values.items() if k.startswith("t2.")}
    assert got["t2.licensing.change"] == 3
    assert got["t2.other_services.change"] == -2
    assert got["t2.penalty.change"] == -5
    assert got["t2.fees.prior_items"] == 12
    assert got["t2.procurement.amount_wan"] == 1234.5
    assert [f for f in report.findings if f.rule.startswith("t3.")] == []


def test_totals_only_report_leaves_party_columns_absent(tmp_path):
    values = {
        k: v
        for k, v in _shuyang_values().items()
        if k.endswith(".total") or k.startswith(("t2", "t4"))
    }
    report = parse_file(_write(tmp_path, render_text_report(values, detach_every=0)))
    t3 = {k for k in report.values if k.startswith("t3.")}
    assert t3 and all(k.endswith(".total") for k in t3)
    assert report.values["t3.processed.total"].value == 718


def test_broken_total_is_kept_as_printed_with_a_finding(tmp_path):
    values = dict(_shuyang_values())
    values["t3.processed.total"] = 720  # printed two too many
    report = parse_file(_write(tmp_path, render_text_report(values)))
    assert report.values["t3.processed.total"].value == 720
    by_rule = {
        f.rule: f for f in report.findings if f.cells and f.cells[-1] == "t3.processed.total"
    }
    assert by_rule["t3.row_total"].expected == 718 and by_rule["t3.row_total"].actual == 720
    assert by_rule["t3.processed_sum"].expected == 718
    assert "t3.processed.total" in by_rule["t3.processed_sum"].cells


def test_slash_cells_are_zero_and_marked_blank(tmp_path):
    values = dict(_shuyang_values())
    del values["t3.new.research"]  # printed as "/"
    report = parse_file(_write(tmp_path, render_text_report(values, detach_every=0)))
    v = report.values["t3.new.research"]
    assert v.value == 0 and v.blank and v.raw == "/"


# ---- the CLI --------------------------------------------------------------------------------


def test_parse_json_has_the_contract_keys():
    path, truth = truth_for("hongze_2024.pdf")
    result = CliRunner().invoke(cli, ["parse", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"agency", "year", "template", "published", "values", "findings", "provenance"} <= set(
        data
    )
    assert data["values"]["t3.new.total"] == truth["values"]["t3.new.total"]
    assert data["provenance"]["t3.new.total"]["raw"] == "95"
    assert data["provenance"]["t3.new.total"]["page"] == 3


@pytest.mark.parametrize(
    "content,needle",
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03" * 500, "binary"),
        (b"%PDF-1.7\n1 0 obj\n<<", "PDF"),
    ],
)
def test_parse_bad_file_exits_2_with_one_line(tmp_path, content, needle):
    p = tmp_path / "bad.pdf"
    p.write_bytes(content)
    result = CliRunner().invoke(cli, ["parse", str(p), "--json"])
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and str(p) in lines[0] and needle in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "label,key",
    [
        (
            "（六）其他处理 3.其他",
            "other.other",
        ),  # group heading glued to the sub-row (rowspan / PDF)
        ("（六）其他处理", "other"),
        ("（三）不予公开 1.属于国家秘密", "denied.state_secret"),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"),
        ("三、本年度办理结果 （一）予以公开", "granted"),
        ("2.其他法律行政止公开", "denied.law_forbidden"),  # hongze's text layer drops 法规禁
        ("（五）不予处理 4.无正当理由大量反复 申请", "rejected.excessive"),
        ("（四）无法提供", "unable"),
        ("四、结转下年度继续办理", "carried_out"),
        ("信息内容", None),
    ],
)
def test_t3_row_labels(label, key):
    from etl.parse.table3_rows import t3_label_key

    assert t3_label_key(label.replace(" ", "")) == key


def test_one_cell_per_line_text_layer(tmp_path):
    """Some PDF text layers print every table cell on its own line."""
    values = _shuyang_values()
    lines = []
    for line in render_text_report(values, detach_every=0).splitlines():
        tokens = line.split()
        if len(tokens) == 15:  # 表四
            lines += tokens
        elif len(tokens) >= 7 and all(t.isdigit() or t == "/" for t in tokens[-7:]):
            label = " ".join(tokens[:-7]) if len(tokens) > 7 else ""
            lines += ([label] if label else []) + tokens[-7:]
        else:
            lines.append(line)
    report = parse_file(_write(tmp_path, "\n".join(lines)))
    for key, expected in values.items():
        if key.startswith(("t3.", "t4.")):
            assert report.values[key].value == expected, key


def test_t2_labels_with_units_and_year_from_the_statistics_period(tmp_path):
    """Some reports print units in the 表二 labels and name the year only in the 统计周期 line."""
    values = _shuyang_values()
    text = render_text_report(values, detach_every=0).replace(
        "行政规范性文件 6 1 32", "行政规范性文件（件） 6 1 32"
    )
    text = text.replace("行政事业性收费 4068.208", "行政事业性收费（万元） 4068.208")
    text = text.replace("2025年政府信息公开工作年度报告", "政府信息公开工作年度报告")
    text = text.replace(
        "一、总体情况", "本报告所列数据的统计周期为 2025 年 1 月 1 日至 12 月 31 日。\n一、总体情况"
    )
    report = parse_file(_write(tmp_path, text))
    assert report.year == 2025
    assert report.values["t2.normative.in_force"].value == 32
    assert report.values["t2.fees.amount_wan"].value == 4068.208


# ---- agency names as printed ----------------------------------------------------------------


def test_agency_is_the_printed_name_never_a_guessed_suffix(tmp_path):
    """A bare place in the title stays bare (平潭综合实验区 is a 管委会, not a 人民政府); the registry,
    not the parser, says which body it is. A 发布机构 that is the office publishing for the body
    the title names gives way to the title."""
    from etl.agency_match import resolve_agency
    from etl.registry import load_registry
    from etl.settings import Settings

    registry = load_registry(Settings.from_env().registry_path)
    path, _ = truth_for("pingtan_2015.txt")
    report = parse_file(path)
    assert report.agency == "平潭综合实验区"
    assert report.agency in path.read_text(encoding="utf-8")
    assert resolve_agency(report.agency, registry).agency.name == "平潭综合实验区管理委员会"
    text = render_text_report(_shuyang_values(), agency="")
    text = text.replace(
        "2025年政府信息公开工作年度报告",
        "标题: 沭阳县2025年度政府信息公开工作年度报告\n发布机构: 沭阳县人民政府办公室",
        1,
    )
    report = parse_file(_write(tmp_path, text))
    assert report.agency == "沭阳县"
    resolved = resolve_agency(report.agency, registry)
    assert resolved.agency.name == "沭阳县人民政府" and resolved.agency.kind == "government"
    text = text.replace("发布机构: 沭阳县人民政府办公室", "发布机构: 沭阳县交通运输局")
    assert (
        parse_file(_write(tmp_path, text)).agency == "沭阳县交通运输局"
    )  # another body: as printed


def test_unknown_bare_place_is_taken_for_its_government():
    from etl.agency_match import guess_kind

    assert guess_kind("示例县") == "government" and guess_kind("示例县交通运输局") == "department"
