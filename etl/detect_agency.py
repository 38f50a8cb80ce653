"""The agency a report is from, as printed (never a suffix added): the 发布机构/填报单位 line,
the title, the signature block, or the full name the text repeats most."""

from __future__ import annotations

import re
from collections import Counter

from etl.agency_names import AGENCY_SUFFIX, PLACE_ONLY
from etl.detect_dates import parse_date
from etl.document import RawDocument
from etl.normalize import squash

AGENCY_LABELS = ("发布机构", "发布单位", "填报单位", "来源单位", "发文机关", "发布部门", "所属机构")
FULL_AGENCY = re.compile(
    r"([\u4e00-\u9fff]{2,8}?(?:省|市|县|区|自治州|旗))([\u4e00-\u9fff]{2,14}?(?:局|厅|委员会|委|办公室|人民政府))"
)


def agency_like(s: str) -> bool:
    return bool(AGENCY_SUFFIX.search(s)) and len(s) <= 20


def _clean_agency(name: str) -> str:
    """The name as printed, trimmed. A bare place ("平潭综合实验区", "沭阳县") stays bare: the
    registry knows which government it is; adding 人民政府 would invent a body (a 管委会 is not one)."""
    name = re.sub(r"^(关于|正文|附件\d*[:：]?)", "", name)
    return name.strip(":：,，。·- 《》()（）")


def _names_agency(cand: str) -> bool:
    return bool(cand) and (
        agency_like(cand) or cand.endswith("人民政府") or bool(PLACE_ONLY.match(cand))
    )


def _office_of(office: str, title_agency: str | None) -> bool:
    """发布机构 is often the office that publishes for the body the title names."""
    return (
        bool(title_agency)
        and office != title_agency
        and office.startswith(title_agency)
        and bool(re.search(r"(办公室|办公厅|管委会办公室)$", office))
    )


def agency_of(doc: RawDocument, title: str, head: str, full: str) -> str | None:
    published_by = _publisher(doc)
    from_title = _title_agency(title)
    if published_by and not _office_of(published_by, from_title):
        return published_by
    if from_title:
        return from_title
    signature = _signature_agency(doc)
    if signature:
        return signature
    names = Counter(a + b for a, b in FULL_AGENCY.findall(full))
    if names:
        return names.most_common(1)[0][0]
    return None


def _publisher(doc: RawDocument) -> str | None:
    """The 发布机构/填报单位 line near the top."""
    for block in doc.blocks[:30]:
        cells = [squash(c) for c in block.cells]
        text = squash(block.text)
        for label in AGENCY_LABELS:
            if label in text:
                if len(cells) > 1:
                    for i, c in enumerate(cells[:-1]):
                        if c.startswith(label) and cells[i + 1] and agency_like(cells[i + 1]):
                            return _clean_agency(cells[i + 1])
                m = re.search(
                    label + r"[(（]?[盖章]*[)）]?[:：]([\u4e00-\u9fff()（）]{2,30})", text
                )
                if m and agency_like(_clean_agency(m.group(1))):
                    return _clean_agency(m.group(1))
    return None


def _title_agency(title: str) -> str | None:
    sq = squash(title)
    for rx in (
        r"^(.{2,30}?)(?:20\d{2}|19\d{2}|[二〇○零一三四五六七八九]{4})年度?",
        r"(?:20\d{2}|19\d{2})年度?(.{2,30}?)(?:政府信息公开|政务公开|信息公开)",
        r"^(.{2,30}?)(?:政府信息公开|政务公开|信息公开)",
    ):
        m = re.search(rx, sq)
        if m:
            cand = _clean_agency(m.group(1))
            if _names_agency(cand):
                return cand
    return None


def _signature_agency(doc: RawDocument) -> str | None:
    tail = [squash(b.text) for b in doc.blocks[-8:]]
    for i, line in enumerate(tail):
        if 3 <= len(line) <= 25 and agency_like(line) and not re.search(r"[,，。:：]", line):
            nxt = tail[i + 1] if i + 1 < len(tail) else ""
            if parse_date(nxt) or i >= len(tail) - 3:
                return _clean_agency(line)
    return None
