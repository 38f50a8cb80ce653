"""A printed agency name matched to the registry (etl/registry.py): exact, alias, fuzzy or unknown.

Resolution never merges silently: exact name, then alias, then a careful fuzzy match (one
character replaced, same length, same ending, a single candidate agency, the same place and
level) that always carries a finding; anything else becomes an unconfirmed agency 'U-<hash>'
with its own finding. To teach the loader that a printed name is a known agency, add it to
`aliases`; to stop a fuzzy match, add the other agency as its own line.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from etl.agency_names import GOVERNMENT_NAME, PLACE_ONLY
from etl.agency_places import other_place
from etl.registry import Agency, Registry, normalize_name
from etl.report import Finding

MIN_FUZZY_LENGTH = 5  # shorter names differ by one character too easily
MIN_SHARED_ENDING = 3  # e.g. 人民政府, 交通运输局: the kind of agency must agree


@dataclass(frozen=True)
class Resolution:
    agency_id: str
    method: str  # exact | alias | fuzzy | unknown
    score: float  # 100 for exact/alias, the rapidfuzz ratio for fuzzy, 0 for unknown
    finding: Finding | None
    agency: Agency


def resolve_agency(name: str, registry: Registry) -> Resolution:
    """Map a printed agency name to a registry entry (exact, alias, fuzzy) or an unknown one."""
    key = normalize_name(name)
    code = registry.by_name.get(key)
    if code is not None:
        method = "alias" if registry.is_alias.get(key) else "exact"
        return Resolution(code, method, 100.0, None, registry.get(code))
    hits = _fuzzy_hits(key, registry)
    elsewhere = {c: h for c, h in hits.items() if other_place(key, h[0], _level(registry, c))}
    hits = {c: h for c, h in hits.items() if c not in elsewhere}
    if len(hits) == 1:  # a single agency one character away; several: never guess
        code, (candidate, score) = next(iter(hits.items()))
        agency = registry.get(code)
        finding = Finding(
            "agency.fuzzy_match",
            (),
            None,
            None,
            f"报告中的单位名称“{name}”与单位名录中的“{candidate}”只差一个字，已按 {agency.name}"
            f"（{code}）载入。如确为另一单位，请在单位名录中单独添加一行",
            "warning",
        )
        return Resolution(code, "fuzzy", score, finding, agency)
    agency = unknown_agency(key or name)
    names = "、".join(f"“{c}”" for c, _ in hits.values())
    close = f"它与{names}都只差一个字，因此未自动匹配。" if hits else ""
    for code, (candidate, _) in elsewhere.items():
        close += (
            f"它与名录中的“{candidate}”只差一个字，但{other_place(key, candidate, _level(registry, code))}，"
            "不是同一单位，未自动匹配。"
        )
    finding = Finding(
        "agency.unknown",
        (),
        None,
        None,
        f"“{name}”不在单位名录中，已作为待确认单位 {agency.code} 载入。{close}"
        f"请把它加入单位名录，或作为已有单位的别名登记",
        "warning",
    )
    return Resolution(agency.code, "unknown", 0.0, finding, agency)


def _fuzzy_hits(key: str, registry: Registry) -> dict[str, tuple[str, float]]:
    """Agencies with a name one replaced character away from `key`, with the same ending."""
    hits: dict[str, tuple[str, float]] = {}
    if len(key) < MIN_FUZZY_LENGTH:
        return hits
    for candidate, code in registry.by_name.items():
        # same length: an OCR misread swaps a character; a dropped or added one is as likely
        # to be another place (泗县 / 泗洪县), so it is not matched
        if len(candidate) != len(key) or Levenshtein.distance(key, candidate) != 1:
            continue
        if _shared_ending(key, candidate) < MIN_SHARED_ENDING:
            continue
        hits.setdefault(code, (candidate, fuzz.ratio(key, candidate)))
    return hits


def _shared_ending(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def unknown_agency(name: str) -> Agency:
    """An unconfirmed agency for a name the registry does not know; id stable per name."""
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return Agency(f"U-{digest}", name, (), None, guess_kind(name), None, None, confirmed=False)


def guess_kind(name: str) -> str:
    """government for 人民政府 / 管理委员会 / 管委会 (and 公署) and for a bare place name (a report
    titled "沭阳县2024年度…" is the county's own), else department."""
    name = name or ""
    return "government" if GOVERNMENT_NAME.search(name) or PLACE_ONLY.match(name) else "department"


def _level(registry: Registry, code: str) -> str | None:
    agency = registry.get(code)
    return agency.level if agency else None
