"""The true figures of one agency's legacy 统计表 (to 2018), under the legacy canonical keys.

Drawn from the agency's own model (demo/figures.py): its requests, size and review rate.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from demo.draws import multinomial, poisson
from etl.fields import LEGACY_ANSWER_PARTS, LEGACY_DENIED_REASONS, LEGACY_ITEMS, legacy_key

if TYPE_CHECKING:
    from demo.figures import AgencyModel


def legacy_figures(model: AgencyModel, year: int, year_factor: float) -> dict[str, float]:
    """One year's 统计表 (the legacy template, to 2018) of `model`'s agency, drawn from its rng."""
    rng, v = model.rng, {}
    n = model.requests(year)
    total = round(model.legacy_base * year_factor * math.exp(rng.gauss(0, 0.2))) + 5

    def put(name, x):
        v[legacy_key(name)] = x

    put("proactive_total", total)
    norm = rng.randint(0, 15 if model.gov else 5)
    put("normative_published", norm)
    put("normative_issued", norm + (rng.randint(0, 2) if rng.random() < 0.2 else 0))
    put("by_gazette", rng.randint(0, total // 5) if model.gov else 0)
    put("by_website", total)
    put("by_weibo", rng.randint(0, total) if rng.random() < 0.5 else 0)
    put("by_wechat", rng.randint(0, total) if rng.random() < 0.6 else 0)
    put("by_other", rng.randint(0, 50) if rng.random() < 0.3 else 0)
    put("responses_hotspots", rng.randint(0, 120))
    put("press_conferences", rng.randint(0, 12))
    put("interviews", rng.randint(0, 6))
    put("interpretations", rng.randint(0, 30))
    put("requests", n)
    for name, k in zip(
        ("requests_in_person", "requests_fax", "requests_online", "requests_letter"),
        multinomial(rng, n, [0.25, 0.02, 0.55, 0.18]),
    ):
        put(name, k)
    late = sum(1 for _ in range(min(n, 300)) if rng.random() < 0.03)
    put("completed", n)
    put("completed_on_time", n - late)
    put("completed_late", late)
    put("answers", n)
    ans = multinomial(rng, n, [0.15, 0.35, 0.08, 0.05, 0.15, 0.14, 0.05, 0.03])
    names = LEGACY_ANSWER_PARTS
    for name, k in zip(names, ans):
        put(name, k)
    for name, k in zip(
        LEGACY_DENIED_REASONS,
        multinomial(rng, ans[3], [0.1, 0.15, 0.3, 0.1, 0.2, 0.15]),
    ):
        put(name, k)
    for grp, lam in (("review", n * model.review_rate), ("suit", n * model.review_rate * 0.4)):
        t = poisson(rng, lam)
        up, co, ot = multinomial(rng, t, [0.7, 0.15, 0.15])
        put(f"{grp}_total", t)
        put(f"{grp}_upheld", up)
        put(f"{grp}_corrected", co)
        put(f"{grp}_other", ot)
    put("complaints", rng.randint(0, 3) if rng.random() < 0.2 else 0)
    put("fees_wan", 0)
    put("units", 1)
    put("reading_points", rng.randint(1, 6))
    ft, pt = rng.randint(0, 3), rng.randint(1, 8)
    put("staff", ft + pt)
    put("staff_fulltime", ft)
    put("staff_parttime", pt)
    put("budget_wan", round(rng.uniform(0, 30), 1) if rng.random() < 0.5 else 0)
    put("meetings", rng.randint(0, 8))
    put("trainings", rng.randint(0, 6))
    put("trainees", rng.randint(0, 300))
    known = {legacy_key(n) for n, _, _ in LEGACY_ITEMS}
    assert set(v) <= known, set(v) - known
    return v
