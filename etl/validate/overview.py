"""一、总体情况: its figures and its required parts (category overview_incomplete, place S1).

Rules: overview.no_figures (not one figure in the whole overview) and overview.incomplete (parts
of the overview's required content named nowhere in its text; for a government, also 工作考核、
社会评议和责任追究, 条例 第五十条第四项). The overview is read up to the statutory 二 (found by the
template's heading words), so sub-topics promoted to top-level sections still count as its text.
Whether an agency is a government comes from its name's ending (etl.agency_names), the same rule
as the registry's.
"""

from __future__ import annotations

import re

from etl.agency_names import GOVERNMENT_NAME, PLACE_ONLY
from etl.fields import STD_TEMPLATES
from etl.report import Finding, ParsedReport
from etl.validate.quality_settings import quality_settings
from etl.validate.sections import find_sections, prose_text, quote

_FIGURE = re.compile(r"\d")
_NOT_WORDS = re.compile(r"[\s\d\W_]+")


def is_government_agency(report: ParsedReport) -> bool:
    """The agency itself is a government: its name ends so (人民政府, 管委会, 公署), is the bare
    place, or the registry's kind says so. Not prose_figures.speaks_for_region, which also
    counts a government's office (its name holds 人民政府) for the scope of the figures."""
    name = (report.agency or "").strip()
    kind = str(report.meta.get("kind") or "")
    # a report that names its agency by the bare place (平潭综合实验区, 沭阳县) is the government's
    government = GOVERNMENT_NAME.search(name) or PLACE_ONLY.match(name)
    return bool(government) or "政府" in kind or "government" in kind


def overview_findings(report: ParsedReport, settings: dict | None = None) -> list[Finding]:
    if report.template not in STD_TEMPLATES or not report.prose:
        return []
    settings = settings or quality_settings()
    cfg = settings["overview"]
    one = next(s for s in find_sections(prose_text(report), settings) if s.number == "一")
    if not one.found:
        return []  # section.missing says so
    body = one.text.split("\n", 1)[1] if "\n" in one.text[:40] else one.text[6:]
    if len(_NOT_WORDS.sub("", body)) < cfg["min_chars"]:
        return []  # too short to judge its parts: section.thin's business
    out = []
    if len(_FIGURE.findall(body)) < cfg["min_figures"]:
        out.append(
            Finding(
                "overview.no_figures",
                (),
                float(cfg["min_figures"]),
                0.0,
                f"第一部分“总体情况”没有任何具体数字：「{quote(body)}」",
            )
        )
    missing = [p["name"] for p in cfg["parts"] if not any(k in body for k in p["keywords"])]
    gov = cfg["government"]
    no_accountability = is_government_agency(report) and (
        sum(1 for k in gov["keywords"] if k in body) < gov["min_hits"]
    )
    if len(missing) > cfg["max_missing_parts"] or no_accountability:
        parts = missing if len(missing) > cfg["max_missing_parts"] else []
        if no_accountability:
            parts.append("工作考核、社会评议和责任追究（条例第五十条第四项）")
        out.append(
            Finding(
                "overview.incomplete",
                (),
                None,
                float(len(parts)),
                f"第一部分“总体情况”未写{'、'.join(parts)}情况：「{quote(body)}」",
            )
        )
    return out
