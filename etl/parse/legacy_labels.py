"""The row labels of the legacy 统计表 (etl.parse.legacy): a synonym list per key, since labels
differ between provinces, and the matches of those labels in the document's stream, overlapping
matches going to the longest."""

from __future__ import annotations

import re
from dataclasses import dataclass

from etl.fields import LEGACY_ITEMS

LEGACY_NAMES = tuple(name for name, _, _ in LEGACY_ITEMS)
MONEY_NAMES = frozenset(name for name, _, unit in LEGACY_ITEMS if unit == "万元")

# Targets other than a legacy name: None = a known row that is not stored (it only stops a
# shorter synonym from matching inside it); "@review"/"@suit" = a section header;
# "~upheld" etc. = an outcome row whose key depends on the section.
SECTION_OF_TOTAL = {"review_total": "review", "suit_total": "suit"}

# (target, regex on the squashed stream). Order does not matter: the longest match wins.
SYNONYMS: tuple[tuple[str | None, str], ...] = (
    # 一、主动公开
    ("proactive_total", r"主动公开(?:政府)?(?:信息|文件)(?:总)?数(?:量)?"),
    ("normative_published", r"主动公开(?:的)?规范性文件(?:总)?数"),
    ("normative_issued", r"制发(?:的)?规范性文件(?:总)?数"),
    # 2011–2012 tables print the channel rows without 数: "网站公开", "政府公报公开"
    ("by_gazette", r"(?:政府)?公报公开(?:政府)?(?:信息)?(?:数)?"),
    ("by_website", r"(?:政府)?网站公开(?:政府)?(?:信息)?(?:数)?"),
    ("by_weibo", r"政务微博公开(?:政府)?(?:信息)?数"),
    ("by_wechat", r"政务微信公开(?:政府)?(?:信息)?数"),
    ("by_other", r"其他(?:方式|途径|渠道)公开(?:政府)?(?:信息)?数"),
    # 二、回应解读
    ("responses_hotspots", r"回应(?:公众|社会)关注热点(?:或|和|及)?(?:重大)?舆情(?:总)?数"),
    ("press_conferences", r"(?:参加或)?举办(?:的)?新闻发布会(?:总)?次数"),
    ("interviews", r"(?:政府网站)?在线访谈(?:总)?次数"),
    ("interpretations", r"政策解读稿件(?:发布)?数"),
    (None, r"主要负责同志参加[^|\n]{0,20}?次数"),
    (None, r"(?:微博微信|其他方式)回应事件数"),
    # 三、依申请公开
    ("requests", r"收到(?:的)?(?:政府信息公开)?申请(?:总)?数"),
    ("requests", r"受理(?:的)?(?:依申请公开|政府信息公开)(?:信息|申请)?(?:总)?数(?:量)?"),
    ("requests", r"依申请公开(?:信息|申请)?(?:总)?数(?:量)?"),
    ("requests_in_person", r"当面(?:提出)?申请数"),
    ("requests_fax", r"传真申请数"),
    ("requests_online", r"(?:网络|网上|互联网|电子邮件)申请数"),
    ("requests_letter", r"信函申请数"),
    (None, r"信函、?(?:和|及|或)?传真申请数"),
    (None, r"其他(?:形式|方式)申请数"),
    ("completed", r"(?:申请)?办结(?:总)?数"),
    ("completed_on_time", r"按(?:时|期)办结数"),
    ("completed_late", r"延期办结数"),
    ("answers", r"(?:对)?申请(?:的)?答复(?:总)?数"),
    ("answer_already_public", r"(?:属于)?已主动公开(?:范围)?(?:的)?数"),
    ("answer_granted", r"(?:同意|予以)公开(?:答复)?数"),
    ("answer_partial", r"(?:同意)?部分公开(?:答复)?数"),
    ("answer_denied", r"(?:不同意|不予|否决)公开(?:答复)?数"),  # 否决公开答复数 (2011–2012)
    ("answer_denied.state_secret", r"涉及国家秘密(?:数)?"),
    ("answer_denied.commercial_secret", r"涉及商业秘密(?:数)?"),
    ("answer_denied.privacy", r"涉及个人隐私(?:数)?"),
    ("answer_denied.security_stability", r"危及国家安全[^|\n]{0,20}?社会稳定(?:数)?"),
    ("answer_denied.not_gov_info", r"不是[《<]?条例[》>]?所指(?:的)?政府信息(?:数)?"),
    ("answer_denied.other_law", r"法律(?:、)?法规规定的其他情形(?:数)?"),
    ("answer_not_this_agency", r"不属于本(?:行政)?机关(?:公开|职责)?(?:范围)?(?:的)?数"),
    ("answer_not_exist", r"(?:申请)?信息不存在(?:的)?数"),
    ("answer_needs_change", r"告知(?:申请人)?作出更改(?:、)?补充(?:的)?数"),
    ("answer_other_channel", r"告知(?:申请人)?通过其他途径办理(?:的)?数"),
    (None, r"其他类型答复数"),
    # 四、行政复议 / 五、行政诉讼
    ("review_total", r"行政复议(?:案件)?(?:总)?数(?:量)?"),
    ("suit_total", r"行政诉讼(?:案件)?(?:总)?数(?:量)?"),
    ("@review", r"行政复议"),
    ("@suit", r"行政诉讼"),
    (None, r"接受行政诉讼、?举报数"),
    ("~upheld", r"维持具体行政行为(?:或者?驳回原告诉讼请求)?(?:的)?数"),
    ("~upheld", r"驳回原告诉讼请求(?:的)?数"),
    ("~corrected", r"(?:被)?依法纠错(?:的)?数"),
    ("~other", r"其他情形(?:的)?数"),
    ("~pending", r"(?:尚)?未审结(?:的)?(?:案件)?数(?:量)?"),
    # 六、七
    ("complaints", r"(?:举报投诉|投诉举报)(?:总)?数(?:量)?"),
    ("fees_wan", r"依申请公开(?:政府)?信息收取的费用"),
    ("fees_wan", r"(?:政府信息公开)?收费(?:及|和)?减免金额"),
    ("fees_wan", r"收取(?:的)?费用(?:总额|金额|数)?"),
    # 八、机构建设和保障经费
    ("units", r"(?:政府信息公开工作)?专门机构数"),
    ("reading_points", r"(?:设置)?(?:政府信息公开)?查阅(?:点|场所)数"),
    ("staff", r"从事政府信息公开工作(?:的)?人(?:员)?数(?:员)?"),
    ("staff_fulltime", r"专职人员数"),
    ("staff_parttime", r"兼职人员数"),
    ("budget_wan", r"(?:政府信息公开)?专项经费"),
    # 九、会议和培训
    ("meetings", r"召开(?:政府信息公开)?工作会议(?:或专题会议)?(?:次)?数"),
    ("trainings", r"举办(?:各类)?培训班(?:次)?数"),
    ("trainees", r"接受培训(?:人员|人)(?:次)?数"),
)
_COMPILED = tuple((target, re.compile(rx)) for target, rx in SYNONYMS)


@dataclass
class LabelMatch:
    start: int
    end: int
    target: str | None


def label_matches(text: str) -> list[LabelMatch]:
    found = [
        LabelMatch(m.start(), m.end(), target)
        for target, rx in _COMPILED
        for m in rx.finditer(text)
    ]
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[LabelMatch] = []
    last_end = -1
    for m in found:
        if m.start >= last_end:
            kept.append(m)
            last_end = m.end
    return kept
