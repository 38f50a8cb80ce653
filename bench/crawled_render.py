"""A std report rendered as a portal crawler saves it: a header, then the body on one line with
the tables' cells run together (the layout of ../shared/crawled/pingtan_2023.txt).

Used by the glued-digit tests and bench/glued.py to flatten the real reports' hand-checked
values; blank cells (absent from the truth) vanish, as they do in crawler text.
"""

from __future__ import annotations

from etl.fields import T3_COLUMNS, T4_GROUPS, T4_OUTCOMES, t3_key, t4_key

T3_LINES = (
    ("new", "一、本年新收政府信息公开申请数量"),
    ("carried_in", "二、上年结转政府信息公开申请数量"),
    (None, "三、本年度办理结果"),
    ("granted", "（一）予以公开"),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    (None, "（三）不予公开"),
    ("denied.state_secret", "1.属于国家秘密"),
    ("denied.law_forbidden", "2.其他法律行政法规禁止公开"),
    ("denied.security_stability", "3.危及“三安全一稳定”"),
    ("denied.third_party", "4.保护第三方合法权益"),
    ("denied.internal_affairs", "5.属于三类内部事务信息"),
    ("denied.process_info", "6.属于四类过程性信息"),
    ("denied.enforcement_file", "7.属于行政执法案卷"),
    ("denied.admin_query", "8.属于行政查询事项"),
    (None, "（四）无法提供"),
    ("unable.not_held", "1.本机关不掌握相关政府信息"),
    ("unable.needs_creation", "2.没有现成信息需要另行制作"),
    ("unable.unclear", "3.补正后申请内容仍不明确"),
    (None, "（五）不予处理"),
    ("rejected.petition", "1.信访举报投诉类申请"),
    ("rejected.duplicate", "2.重复申请"),
    ("rejected.publication", "3.要求提供公开出版物"),
    ("rejected.excessive", "4.无正当理由大量反复申请"),
    ("rejected.confirmation", "5.要求行政机关确认或重新出具已获取信息"),
    (None, "（六）其他处理"),
    ("other.no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other.no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other.other", "3.其他"),
    ("processed", "（七）总计"),
    ("carried_out", "四、结转下年度继续办理"),
)
T4_HEADER = (
    "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
    "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
)


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _cells(values: dict, keys) -> str:
    return "".join(_num(values[k]) for k in keys if k in values)


# std2019's 表二 (signed 本年增/减, 采购 with a decimal amount), printed as crawlers glue it
T2_STD2019 = (
    "二、主动公开政府信息情况第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量规章000"
    "规范性文件6632第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可120+35176"
    "其他对外管理服务事项10-240行政处罚300-56939行政强制20021第二十条第（六）项信息内容上一年项目数量"
    "本年增/减行政事业性收费12-1第二十条第（八）项信息内容采购项目数量采购总金额政府集中采购151234.5"
)


def render_crawled(
    values: dict,
    agency: str,
    year: int,
    *,
    t4_spaced: bool = False,
    t2_std2019: bool = False,
    prose: str = "",
) -> str:
    """One-line crawler text of a std report holding `values` (canonical keys); with
    t2_std2019, 表二 is T2_STD2019 instead of one built from the values."""
    cols = [c for c, _ in T3_COLUMNS]
    body = [
        f"本报告根据《中华人民共和国政府信息公开条例》编制。本报告所列数据的统计期限自{year}年1月1日起至"
        f"{year}年12月31日止。 一、总体情况 {year}年，{agency}持续推进政务公开。{prose}",
        "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数",
        "规章" + _cells(values, [f"t2.rules.{m}" for m in ("issued", "repealed", "in_force")]),
        "行政规范性文件"
        + _cells(values, [f"t2.normative.{m}" for m in ("issued", "repealed", "in_force")]),
        "第二十条第（五）项信息内容本年处理决定数量行政许可"
        + _cells(values, ["t2.licensing.decisions"]),
        "第二十条第（六）项信息内容本年处理决定数量行政处罚"
        + _cells(values, ["t2.penalty.decisions"]),
        "行政强制" + _cells(values, ["t2.coercion.decisions"]),
        "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费"
        + _cells(values, ["t2.fees.amount_wan"]),
        "三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
        "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他",
    ]
    if t2_std2019:
        body[1:8] = [T2_STD2019]
    single_other = t3_key("other", "total") in values
    for row, label in T3_LINES:
        if single_other and row and row.startswith("other."):
            continue
        if single_other and label == "（六）其他处理":
            row = "other"
        body.append(label + (_cells(values, [t3_key(row, c) for c in cols]) if row else ""))
    t4 = [_num(values[t4_key(g, o)]) for g, _ in T4_GROUPS for o, _ in T4_OUTCOMES]
    if t4_spaced:  # another crawler keeps the cells apart, after a header with a misprint
        body.append(
            "四、政府信息公开行政复议、行政诉讼情况"
            + T4_HEADER.replace("行政复议", "行政法复议", 1)
            + " "
            + " ".join(t4)
        )
    else:
        body.append("四、政府信息公开行政复议、行政诉讼情况" + T4_HEADER + "".join(t4))
    body.append("五、存在的主要问题及改进情况一是解读形式还不够丰富。六、其他需要报告的事项无。")
    header = [
        f"标题: {agency}{year}年度政府信息公开工作年度报告",
        f"发布时间: {year + 1}-01-20 10:00",
        "文号: ",
        f"发布机构: {agency}",
        "栏目: 政府信息公开年报",
        "==================== 正文 ====================",
    ]
    return "\n".join(header) + "\n" + "".join(body)
