"""The rule catalogue: every finding gongkai can raise, declared once as data.

Each rule has its Chinese label, the inspector's category (``shared/inspection/README.md``, or
``reader`` / ``registry`` / ``portal`` for what is not the report's fault), the place it sits in a
report, a default severity, what the agency (or, for a reading difficulty, the analyst) must do,
and the assessment indicator it may cost. Findings are built from it (``etl.report.Finding``), the
loader stores category, place and responsibility beside each one, and the scores, flags, notices
and the bulletin count only ``responsibility = "report"``. A test checks that every rule the code
emits is declared here and that nothing stale is. The terms a rule is declared in (categories,
places, responsibilities, indicators, the Rule record) are etl/rule_vocabulary.py.
"""

from __future__ import annotations

from etl.rule_vocabulary import COPYING, IDENTITY, LEDGER, QUALITY, TIMING, Rule

_FIX_T3 = "核对表三相关各格，更正后重新发布年度报告"
_FIX_T4 = "核对表四行政复议、行政诉讼各项与总计，更正后重新发布年度报告"
_FIX_LEG = "核对统计表各分项与合计，更正后重新发布年度报告"
_CHECK_READ = "请对照原件核对该处数字，必要时在“数据修正”中录入正确值"
_CHECK_AGENCY = "请在单位名录中核实该报告所属单位"

# fmt: off
_DECLARED = (
    # ── the spec's identities as printed (std2019/std2021) ──
    Rule("t3.row_total", "表三：各类申请人之和 ≠ 总计列", "table_identity", "T3",
         "核对表三该行各类申请人的数字与总计，更正后重新发布年度报告", IDENTITY),
    Rule("t3.processed_sum", "表三：各办理结果之和 ≠（七）总计", "table_identity", "T3",
         "核对表三各办理结果与“（七）总计”，更正后重新发布年度报告", IDENTITY),
    Rule("t3.balance", "表三：新收 + 上年结转 ≠ 办理总计 + 结转下年度", "table_identity", "T3",
         "核对本年新收、上年结转、办理总计、结转下年度四项，使“新收＋上年结转＝办结＋结转”成立，更正后重新发布",
         IDENTITY),
    Rule("t4.total", "表四：维持 + 纠正 + 其他 + 尚未审结 ≠ 总计", "review_suit_inconsistent", "T4",
         _FIX_T4, IDENTITY),
    Rule("crossyear.carry_over", "跨年：本年“上年结转” ≠ 上年“结转下年度”", "crossyear_inconsistent",
         "T3", "核对本年“上年结转”与上年年报“结转下年度”，不一致的应在报告中说明原因", IDENTITY),
    # ── the legacy 统计表's identities ──
    Rule("legacy.completed_sum", "统计表：按时 + 延期 ≠ 办结数", "table_identity", "LEG.requests",
         _FIX_LEG, IDENTITY),
    Rule("legacy.requests_channels", "统计表：各渠道申请之和 ≠ 收到申请数", "table_identity",
         "LEG.requests", _FIX_LEG, IDENTITY),
    Rule("legacy.review_sum", "统计表：复议分项之和 ≠ 复议数量", "review_suit_inconsistent",
         "LEG.review", _FIX_LEG, IDENTITY),
    Rule("legacy.suit_sum", "统计表：诉讼分项之和 ≠ 诉讼数量", "review_suit_inconsistent",
         "LEG.review", _FIX_LEG, IDENTITY),
    Rule("legacy.answers_sum", "统计表：各类答复之和 ≠ 答复数", "table_identity", "LEG.answers",
         _FIX_LEG, IDENTITY),
    Rule("legacy.denied_sum", "统计表：不同意公开各理由之和 ≠ 不同意公开数", "table_identity",
         "LEG.answers", _FIX_LEG, IDENTITY),
    Rule("legacy.staff_sum", "统计表：专职 + 兼职 ≠ 工作人员数", "table_identity", "LEG.staff",
         _FIX_LEG, IDENTITY),
    # ── what gongkai could not read (never the agency's fault: 需人工核对) ──
    Rule("t3.missing", "未能读出表三", "reader", "T3", _CHECK_READ),
    Rule("t3.empty", "表三标题下未读出数字行", "reader", "T3", _CHECK_READ),
    Rule("t3.missing_row", "表三有一行未读出", "reader", "T3", _CHECK_READ),
    Rule("t3.unplaced_row", "表三有无法对应的行", "reader", "T3", _CHECK_READ),
    Rule("t3.short_row", "表三某行少读出一个数（总计列未入库）", "reader", "T3", _CHECK_READ),
    Rule("t3.row_width", "表三某行读出的数字个数不对", "reader", "T3", _CHECK_READ),
    Rule("t4.missing", "未能读出表四", "reader", "T4", _CHECK_READ),
    Rule("t4.incomplete", "表四数字未读全", "reader", "T4", _CHECK_READ),
    Rule("t4.extra_numbers", "表四区域读出的数字过多", "reader", "T4", _CHECK_READ),
    Rule("t4.missing_group", "表四有一组未读出", "reader", "T4", _CHECK_READ),
    Rule("t2.missing", "未能读出表二", "reader", "T2", _CHECK_READ),
    Rule("t2.row_width", "表二某行读出的数字个数不对", "reader", "T2", _CHECK_READ),
    Rule("glued.ambiguous", "数字连在一起，拆分有歧义（未入库）", "reader", "T3", _CHECK_READ),
    Rule("glued.unsplit", "数字连在一起，无法拆成符合合计的数", "reader", "T3", _CHECK_READ),
    Rule("glued.capped", "数字连在一起，可能的拆法过多", "reader", "T3", _CHECK_READ),
    Rule("glued.relaxed", "数字连在一起，且拆分无法满足全部勾稽关系", "reader", "T3", _CHECK_READ),
    Rule("glued.set_aside", "数字连在一起，表中一行与勾稽关系不符，按其余关系拆分", "reader", "T3",
         _CHECK_READ),
    Rule("number.malformed", "数字无法识别（约数或格式错误，未入库）", "reader", "DOC", _CHECK_READ),
    Rule("ocr.low_confidence", "扫描件文字识别把握不大", "reader", "DOC", _CHECK_READ),
    Rule("document.not_a_report", "不是年度报告", "reader", "DOC", "请核实该文件是否为年度报告"),
    Rule("published.before_year_end", "发布日期早于年度结束（可能读错日期）", "reader", "DOC",
         "请对照原件核实发布日期"),
    Rule("report.implausible_year", "报告年度不可能（晚于今年或早于 2008 年）", "reader", "DOC",
         "请对照原件核实报告年度"),
    Rule("report.worse_version", "新版本不如当前版本完整，未采用（保留原版本）", "reader", "DOC",
         "请比较两个版本，在“版本”中选定当前版本"),
    # ── matching the printed agency to the roster ──
    Rule("agency.fuzzy_match", "单位名称近似匹配，待核实", "registry", "PRE", _CHECK_AGENCY),
    Rule("agency.unknown", "单位不在名录中", "registry", "PRE", _CHECK_AGENCY),
    Rule("report.duplicate_claim", "同一单位同一年度有两份不同文件", "registry", "DOC",
         "请核实哪一份是该单位本年度的年报"),
    # ── seen by the collector (etl/collect) ──
    Rule("portal.no_report", "门户网站上未找到年报", "portal", "DOC", "请核实该单位是否已发布年报"),
    Rule("portal.conflicting_versions", "同一年报在不同网址发布的内容不同", "portal", "DOC",
         "请核实哪一个网址的版本为正式发布版本"),
    Rule("portal.broken_link", "年报页面或附件无法下载", "portal", "DOC", "请稍后重新采集或人工下载"),
    # ── timeliness ──
    Rule("published.late", "未在法定期限内发布年度报告", "late_publication", "DOC",
         # the deadline itself depends on the year: workflow.problems.remedy adds the one rule
         # that applies (an agency reading its 2024 notice has no use for the pre-2019 one)
         "书面说明本年度逾期发布的原因，今后在法定期限内发布年度报告", TIMING),
    # ── the annual quality check: content, structure, prose against tables ──
    Rule("section.missing", "缺少国家格式规定的章节", "missing_section", "DOC",
         "按国家规定格式补全缺少的章节，重新发布", QUALITY),
    Rule("section.fee_missing", "未说明信息处理费收取情况", "missing_section", "S6",
         "在“其他需要报告的事项”中写明依据《政府信息公开信息处理费管理办法》收取信息处理费的情况", QUALITY),
    Rule("section.thin", "章节内容空泛", "perfunctory", "DOC",
         "该章节应结合本单位实际写明具体情况和措施，不得以一句套话代替", QUALITY),
    Rule("overview.incomplete", "总体情况缺少规定内容", "overview_incomplete", "S1",
         "总体情况应分别写明主动公开、依申请公开、政府信息管理、平台建设、监督保障等情况", QUALITY),
    Rule("template.nonstandard", "未按国家规定格式编制", "nonstandard_structure", "DOC",
         "按国办公开办函〔2021〕30号规定的格式重新编制年度报告", QUALITY),
    Rule("text_table.mismatch", "正文数字与表格不一致", "text_table_mismatch", "T3",
         "核对正文所述数字与表格，更正不一致之处后重新发布", QUALITY),
    Rule("text_table.scope_note", "正文与表格统计口径不同且未说明", "text_table_mismatch", "T3",
         "在正文中写明所述数字的统计范围（本机关或全辖区），与表格口径一致或加以说明", QUALITY),
    Rule("table.all_blank", "规定表格整表空白或全为“/”", "table_blank", "T3",
         "规定表格不得整表空白，无数据的格填 0，重新发布", QUALITY),
    # ── across reports (etl/validate/cross_report.py) ──
    Rule("t2.stock_flow", "表二：现行有效件数 ≠ 上年现行有效 + 本年制发 − 本年废止",
         "crossyear_inconsistent", "T2",
         "核对表二现行有效件数与上年现行有效、本年制发、本年废止，更正或在报告中说明原因", QUALITY),
    Rule("report.copied", "正文与其他年报高度重复", "copied", "DOC:copy:own",
         "年度报告应如实反映本单位本年度工作，请重写与上年或其他单位雷同的部分后重新发布", COPYING),
    Rule("report.changed_after_publication", "发布后又出现内容不同的新版本",
         "changed_after_publication", "DOC",
         "年度报告发布后如需更正，应同时发布更正说明，写明修改的内容和原因", QUALITY),
    Rule("t4.ledger_mismatch", "表四与法制部门复议诉讼台账不一致", "review_suit_inconsistent", "T4",
         "与法制部门核对行政复议、行政诉讼件数，更正表四后重新发布", LEDGER),
    # ── prose against tables and prose against itself (etl/validate/text_table.py,
    #    prose_checks.py): review/suit counts and outcomes, blank totals, completion, breakdowns ──
    Rule("text_table.review_suit", "正文复议诉讼件数与表四不一致", "review_suit_inconsistent", "T4",
         "核对正文所述行政复议、行政诉讼件数与表四总计，更正不一致之处后重新发布", QUALITY),
    Rule("text_table.blank_total", "正文有数字而表三对应总计栏空白", "table_blank", "T3",
         "表三总计栏不得空白，按正文所述核实后填写总计，重新发布", QUALITY),
    Rule("prose.outcome_vs_t4", "正文称复议诉讼均获维持（未被纠错），表四却有纠正或其他结果",
         "review_suit_inconsistent", "T4",
         "核对正文对复议诉讼结果的表述与表四各项，更正不一致之处后重新发布", QUALITY),
    Rule("prose.completion_vs_carry_over", "正文称申请均已办结，但有申请结转下年度",
         "prose_figures_inconsistent", "S1",
         "有结转下年度继续办理的申请时，不应表述为“均已办结”，请如实表述后重新发布", QUALITY),
    Rule("prose.parts_sum", "正文分项之和与所述总数不符", "prose_figures_inconsistent", "S1",
         "核对正文所述总数及各分项，使分项之和与总数一致后重新发布", QUALITY),
    Rule("prose.percentage", "正文百分比与所述件数不符", "prose_figures_inconsistent", "S1",
         "按所述件数重新计算正文中的百分比，更正后重新发布", QUALITY),
    # ── structure, wording, overview and substance of std2019/std2021 reports
    #    (etl/validate/structure.py, wording.py, overview.py, substance.py) ──
    Rule("structure.renumbered", "章节编号与国家规定格式不一致", "nonstandard_structure", "DOC",
         "按国家规定格式使用“一、总体情况”至“六、其他需要报告的事项”六个一级标题，"
         "总体情况的分项作为其下的二级标题，重新发布", QUALITY, "error"),
    Rule("t3.layout_2019", "表三仍使用 2019 年版“（六）其他处理”单行", "nonstandard_structure", "T3",
         "按 2021 年版格式将表三“（六）其他处理”分为三行填报，重新发布", QUALITY, "warning"),
    Rule("wording.doubled_word", "正文有重复的词语", "typo_wording", "DOC",
         "删去重复的词语，校对全文后重新发布", QUALITY),
    Rule("wording.report_misnamed", "报告名称与规定名称不符", "typo_wording", "DOC",
         "报告应称“政府信息公开工作年度报告”，更正后重新发布", QUALITY),
    Rule("wording.year_mismatch", "标题年度与统计期限不一致", "typo_wording", "DOC",
         "核对标题中的年度与“统计期限”，更正后重新发布", QUALITY),
    Rule("wording.template_blank", "模板语句中留有空白或占位符", "typo_wording", "DOC",
         "补全模板语句中留空的内容（年份、件数、金额等），更正后重新发布", QUALITY),
    Rule("wording.label_misprinted", "表格项目名称印错", "typo_wording", "DOC",
         "表格项目名称应与国家规定格式一字不差，更正后重新发布", QUALITY),
    Rule("overview.no_figures", "总体情况没有任何数据", "overview_incomplete", "S1",
         "总体情况应用具体数据说明本年度主动公开、依申请公开等工作情况", QUALITY),
    Rule("section.one_sentence", "存在的主要问题及改进情况只有一句话", "perfunctory", "S5",
         "分别写明本单位存在的具体问题和有针对性的改进措施，不得以一句套话代替", QUALITY),
    Rule("section.fee_amount_missing", "未写明信息处理费收取金额", "core_data_missing", "S6",
         "写明本年度收取信息处理费的金额（未收取的写明未收取）", QUALITY),
    Rule("section.empty_subheading", "小标题下没有内容", "perfunctory", "DOC",
         "在该小标题下写明具体情况，或删去空的小标题", QUALITY),
    # ── the legacy 统计表 era (2008–2018): channels, the 条例 2008 第三十二条 parts, prose against
    #    the 统计表, the 累计 chain (identities declared in etl/identities_legacy.py) ──
    Rule("legacy.proactive_channels", "统计表：公开渠道与主动公开总数不符", "table_identity",
         "LEG.proactive", "核对统计表主动公开政府信息数及其下列各公开渠道的数字，更正后重新发布年度报告",
         IDENTITY),
    Rule("legacy.part_missing", "年报缺少条例规定的内容", "missing_section", "S.other",
         "按《政府信息公开条例》（2008 年）第三十二条补写该部分内容（如本年度无此类情况，也应写明“无”），"
         "重新发布年度报告", QUALITY),
    Rule("legacy.text_table", "正文数字与统计表不一致", "text_table_mismatch", "LEG.requests",
         "核对正文所述数字与统计表本年数，更正不一致之处后重新发布年度报告", QUALITY),
    Rule("legacy.review_prose", "正文所述复议诉讼件数与统计表不一致", "review_suit_inconsistent",
         "LEG.review", "核对正文与统计表中的行政复议、行政诉讼件数，更正后重新发布年度报告", QUALITY),
    Rule("legacy.cumulative_chain", "跨年：本年“累计”≠ 上年“累计”＋本年数", "crossyear_inconsistent",
         "LEG.proactive", "核对统计表“历年累计”数与上年年报的累计数及本年数，更正或在报告中说明原因",
         QUALITY),
    # ── issue 23: what a reader sees is what is scored (cells a file does not hold, files cut
    #    short); never the agency's fault ──
    Rule("xlsx.formula_uncached", "Excel 公式没有保存计算结果（该格未入库）", "reader", "DOC",
         "用 Excel 或 WPS 打开该文件并重新保存（保存时会算出公式结果），再重新载入；或对照原件在“数据修正”中录入"),
    Rule("report.truncated", "文件在统计表中途中断（可能下载不完整）", "reader", "DOC",
         "请重新下载或向发布单位索取完整文件后重新载入；核实前不要据此扣分"),

    # ── scanned tables read by two OCR engines, cells decided by the identities (issue #24) ──
    Rule("ocr.unsettled", "扫描件两种识别结果不一致，勾稽关系无法判定（未入库）", "reader", "DOC",
         _CHECK_READ),
    Rule("ocr.contradicted", "扫描件识别结果与表内勾稽关系矛盾（未入库）", "reader", "DOC",
         _CHECK_READ),

    # ── h21r · issue #21, the quality check an inspector would sign: dates that cut the year
    #    short, numbering and wording slips (all templates), a 工作总结 published instead of the
    #    report, a legacy core figure printed as 「无」 (etl/validate/timing.py, numbering.py,
    #    slips.py, document_kind.py, legacy_core.py) ──
    Rule("report.dated_before_year_end", "报告落款和发布日期均早于年度结束，未覆盖全年",
         "scope_error", "DOC",
         "年度报告应在年度结束后按全年（1 月 1 日至 12 月 31 日）数据编制，请按全年数据重新编制并发布",
         QUALITY, "warning"),
    Rule("wording.numbering_slip", "序号错漏或重复", "typo_wording", "DOC",
         "核对正文中的序号（一是、二是……；一、二、三……；（一）（二）……），更正错漏后重新发布", QUALITY),
    Rule("wording.conjunction_pair", "连词重叠（如“及和”）", "typo_wording", "DOC",
         "删去多余的连词，校对全文后重新发布", QUALITY),
    Rule("wording.stray_comma", "介词与宾语之间多了顿号", "typo_wording", "DOC",
         "删去多余的顿号，校对全文后重新发布", QUALITY),
    Rule("wording.not_annual_report", "发布的是工作总结或要点，不是政府信息公开工作年度报告",
         "nonstandard_structure", "DOC",
         "按《政府信息公开条例》规定的内容和格式编制“政府信息公开工作年度报告”并重新发布", QUALITY),
    Rule("wording.title_without_agency", "报告标题未写明机关名称", "typo_wording", "PRE",
         "标题应为“××（机关名称）××年政府信息公开工作年度报告”，补全后重新发布", QUALITY),
    Rule("wording.regulation_misnamed", "法规名称写错", "typo_wording", "DOC",
         "法规名称应与正式名称一字不差（如《中华人民共和国政府信息公开条例》），更正后重新发布",
         QUALITY),
    Rule("text_table.t2_mismatch", "正文所述规章、规范性文件件数与表二不一致", "text_table_mismatch",
         "T2", "核对正文所述规章、行政规范性文件的制发、废止、现行有效件数与表二，更正不一致之处后重新发布",
         QUALITY),
    Rule("legacy.core_figure_none", "核心数据写“无”，未公开具体数字", "core_data_missing",
         "LEG.proactive", "写明本年度主动公开政府信息的条数（及各公开渠道的数字），更正后重新发布年度报告",
         QUALITY),

    # ── h24s · issue #24: every figure a scanned table should print is stored or named
    #    (etl/parse/ocr_missing.py) ──
    Rule("ocr.cell_missing", "扫描件表格中有数字未能识别（未入库）", "reader", "DOC",
         _CHECK_READ),

    # ── h21w · issue #21: wrong or cut-off words from jieba's dictionary
    #    (etl/validate/word_slips.py) ──
    Rule("wording.cut_word", "段落在词语中间中断（字词缺漏）", "typo_wording", "DOC",
         "补全中断的词语和语句，校对全文后重新发布", QUALITY),
    Rule("wording.transposed_word", "字词顺序颠倒", "typo_wording", "DOC",
         "更正顺序颠倒的字词，校对全文后重新发布", QUALITY),

    # ── h23h · issue #23, fourth round: OCR stopped on pages of noise (etl/extract/ocr_noise.py) ──
    Rule("ocr.pages_unread", "扫描件多页无法识别，其后页面未读取", "reader", "DOC",
         _CHECK_READ),

    # ── h21l · issue #21 (legacy 统计表, blank cells): a required 表三/表四 cell printed blank
    #    (etl/validate/blank_cells.py); legacy prose figures read by structure against the 统计表
    #    (etl/validate/legacy_report.py) ──
    Rule("table.blank_cell", "表格必填栏印为空白", "table_blank", "T3",
         "表格中的必填栏不得空白，按实际数字填写（无数据的填 0），重新发布年度报告", QUALITY),
)
# fmt: on

RULES: dict[str, Rule] = {r.id: r for r in _DECLARED}
UNKNOWN = Rule("?", "其他问题", "reader", "DOC", "请核实")


def rule(rule_id: str) -> Rule:
    """The declared rule (an undeclared id, e.g. from an older database, reads as a reader note)."""
    return RULES.get(rule_id, UNKNOWN)


def rule_label(rule_id: str) -> str:
    r = RULES.get(rule_id)
    return r.label if r else rule_id


def rules_costing(indicator: str) -> tuple[str, ...]:
    """Rule ids whose report findings count in `indicator` (declared data, safe in SQL lists)."""
    return tuple(r.id for r in _DECLARED if r.indicator == indicator)
