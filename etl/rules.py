"""Every data-quality finding rule the ETL can raise, with the Chinese label officials see.

Declared once: the dashboard, the exports and the tests read this table; a test checks that
every rule the code emits is here.
"""

from __future__ import annotations

RULES: dict[str, str] = {
    # spec identities (std2019/std2021)
    "t3.row_total": "表三：各类申请人之和 ≠ 总计列",
    "t3.processed_sum": "表三：各办理结果之和 ≠（七）总计",
    "t3.balance": "表三：新收 + 上年结转 ≠ 办理总计 + 结转下年度",
    "t4.total": "表四：维持 + 纠正 + 其他 + 尚未审结 ≠ 总计",
    "crossyear.carry_over": "跨年：本年“上年结转” ≠ 上年“结转下年度”",
    # legacy 统计表 identities
    "legacy.completed_sum": "统计表：按时 + 延期 ≠ 办结数",
    "legacy.requests_channels": "统计表：各渠道申请之和 ≠ 收到申请数",
    "legacy.review_sum": "统计表：复议分项之和 ≠ 复议数量",
    "legacy.suit_sum": "统计表：诉讼分项之和 ≠ 诉讼数量",
    "legacy.answers_sum": "统计表：各类答复之和 ≠ 答复数",
    "legacy.denied_sum": "统计表：不同意公开各理由之和 ≠ 不同意公开数",
    "legacy.staff_sum": "统计表：专职 + 兼职 ≠ 工作人员数",
    # reading the tables
    "t3.missing": "未找到表三",
    "t3.empty": "表三没有数字行",
    "t3.missing_row": "表三缺少某一行",
    "t3.unplaced_row": "表三有无法对应的行",
    "t3.short_row": "表三某行少一个数（总计列视为未填）",
    "t3.row_width": "表三某行数字个数不对",
    "t4.missing": "未找到表四",
    "t4.incomplete": "表四数字不全",
    "t4.extra_numbers": "表四区域数字过多",
    "t4.missing_group": "表四缺少一组",
    "t2.missing": "未找到表二",
    "t2.row_width": "表二某行数字个数不对",
    "glued.ambiguous": "数字连在一起，拆分有歧义（未入库）",
    "glued.unsplit": "数字连在一起，无法拆成符合合计的数",
    "glued.capped": "数字连在一起，可能的拆法过多",
    "glued.relaxed": "数字连在一起，且拆分无法满足全部勾稽关系",
    "glued.set_aside": "数字连在一起，表中一行与勾稽关系不符，按其余关系拆分",
    "number.malformed": "数字无法识别（约数或格式错误）",
    "ocr.low_confidence": "扫描件文字识别把握不大，请对照原件核对",
    # the report as a whole
    "document.not_a_report": "不是年度报告",
    "agency.fuzzy_match": "单位名称为模糊匹配",
    "agency.unknown": "单位不在名录中",
    "published.before_year_end": "年报在年度结束前发布",
    "report.duplicate_claim": "同一单位同一年度有两份不同文件",
    "report.implausible_year": "报告年度不可能（晚于今年或早于 2008 年）",
    "report.worse_version": "新版本不如当前版本完整，未采用（保留原版本）",
    # seen only by the collector (etl/collect), recorded by `gongkai load` of a collected folder
    "portal.no_report": "门户网站上未找到年报",
    "portal.conflicting_versions": "同一年报在不同网址发布的内容不同",
    "portal.broken_link": "年报页面或附件无法下载",
    # the annual quality check (年报质量检查): content, template, prose against tables
    "section.missing": "缺少国家格式规定的章节",
    "section.thin": "章节内容空泛或缺少规定内容",
    "template.nonstandard": "未按国家规定格式编制",
    "text_table.mismatch": "正文数字与表格不一致",
    "text_table.scope_note": "正文与表格统计口径不同（本机关与全辖区）",
    "table.all_blank": "规定表格整表空白或全为“/”",
    # across reports, computed in the database step (etl/validate/cross_report.py)
    "t2.stock_flow": "表二：现行有效件数 ≠ 上年现行有效 + 本年制发 − 本年废止",
    "report.copied": "正文与其他年报高度重复",
    "report.changed_after_publication": "发布后又出现内容不同的新版本",
    "t4.ledger_mismatch": "表四与法制部门复议诉讼台账不一致",
}


def rule_label(rule: str) -> str:
    return RULES.get(rule, rule)


# The categories of the annual quality check (年报质量检查), as supervising offices name them
# (国办公开办函〔2021〕30号: 不按时发布、发布内容不准确不全面或者内容雷同): the 数据质量 page groups
# findings by these. A rule not listed here is a reading or identity problem (数据不一致).
QUALITY_CATEGORIES: dict[str, str] = {
    "section.missing": "内容不全面",
    "section.thin": "内容不全面",
    "table.all_blank": "内容不全面",
    "template.nonstandard": "格式不规范",
    "text_table.mismatch": "数据不准确",
    "t2.stock_flow": "数据不准确",
    "t4.ledger_mismatch": "与法制部门台账不符",
    "report.copied": "内容雷同",
    "report.changed_after_publication": "发布后改动",
    "text_table.scope_note": "统计口径说明",
}


def rule_category(rule: str) -> str:
    return QUALITY_CATEGORIES.get(rule, "数据不一致")
