"""The true figures of the fictional agencies, year by year, under the canonical keys.

Per agency there is a size (requests a year spanning orders of magnitude by kind) and a
profile (who applies, how requests end); per year the std tables are drawn column by column so
that every spec identity holds, and this year's 上年结转 is last year's 结转下年度. Planted errors
are applied later, to the printed copy (demo/corpus.py), never here.
"""

from __future__ import annotations

import math
import random

from etl.fields import (
    LEGACY_ANSWER_PARTS,
    LEGACY_DENIED_REASONS,
    LEGACY_ITEMS,
    STD2019,
    STD2021,
    T2_LAYOUT,
    T3_PARTY_COLUMNS,
    T3_ROWS,
    T4_GROUPS,
    T4_OUTCOMES,
    legacy_key,
    t2_key,
    t3_key,
    t4_key,
)

# median requests a year (2021 level) by size class
SCALE = {
    "prov_gov": 900,
    "prov_dept": 70,
    "city_gov": 600,
    "city_dept": 25,
    "county_gov": 120,
    "county_dept": 4,
}
YEAR_FACTOR = {
    2014: 0.35,
    2015: 0.4,
    2016: 0.45,
    2017: 0.55,
    2018: 0.65,
    2019: 0.8,
    2020: 0.9,
    2021: 1.0,
    2022: 1.1,
    2023: 1.15,
    2024: 1.2,
    2025: 1.25,
}
GOV = ("prov_gov", "city_gov", "county_gov")

_OUTCOME_BASE = {
    "granted": 0.38,
    "partial": 0.08,
    "denied.state_secret": 0.002,
    "denied.law_forbidden": 0.004,
    "denied.security_stability": 0.004,
    "denied.third_party": 0.008,
    "denied.internal_affairs": 0.008,
    "denied.process_info": 0.008,
    "denied.enforcement_file": 0.004,
    "denied.admin_query": 0.004,
    "unable.not_held": 0.22,
    "unable.needs_creation": 0.04,
    "unable.unclear": 0.015,
    "rejected.petition": 0.03,
    "rejected.duplicate": 0.025,
    "rejected.publication": 0.003,
    "rejected.excessive": 0.008,
    "rejected.confirmation": 0.004,
    "other.no_correction": 0.07,
    "other.no_fee": 0.006,
    "other.other": 0.08,
}
_STD_OUTCOMES = tuple(r for r, _, _ in T3_ROWS if r in _OUTCOME_BASE)


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def multinomial(rng: random.Random, n: int, probs: list[float]) -> list[int]:
    """Split n into len(probs) parts (sequential binomials, normal approximation when large)."""
    out, rest, mass = [], n, sum(probs)
    for p in probs[:-1]:
        q = p / mass if mass > 0 else 0
        if rest <= 0 or q <= 0:
            k = 0
        elif rest > 200:
            sd = math.sqrt(rest * q * (1 - q))
            k = min(rest, max(0, round(rng.gauss(rest * q, sd))))
        else:
            k = sum(1 for _ in range(rest) if rng.random() < q)
        out.append(k)
        rest -= k
        mass -= p
    out.append(rest)
    return out


class AgencyModel:
    """Draws one agency's figures; call `year(y, template)` in increasing year order."""

    def __init__(self, agency, rng: random.Random):
        self.a, self.rng = agency, rng
        cls = agency.cls
        self.scale = SCALE[cls] * math.exp(rng.gauss(0, 0.6))
        self.gov = cls in GOV
        nat = rng.uniform(0.82, 0.99) if cls != "county_dept" else rng.uniform(0.93, 1.0)
        others = [rng.random() * w for w in (5, 0.6, 0.5, 2.5, 0.8)]
        s = sum(others)
        self.parties = [nat] + [(1 - nat) * x / s for x in others]
        self.outcomes = {k: v * math.exp(rng.gauss(0, 0.35)) for k, v in _OUTCOME_BASE.items()}
        self.carry_rate = rng.uniform(0, 0.07)
        self.review_rate = (0.035 if self.gov else 0.02) * math.exp(rng.gauss(0, 0.4))
        self.carried: list[int] | None = None  # last year's 结转下年度 per party column
        self.normative_in_force = (
            rng.randint(8, 60) if self.gov or cls == "prov_dept" else rng.randint(0, 15)
        )
        self.rules_in_force = rng.randint(20, 90) if cls in ("prov_gov", "city_gov") else 0
        self.t2_items = {
            k: rng.randint(20, 400) if self.gov else rng.randint(0, 60)
            for k in ("licensing", "other_services", "penalty", "coercion", "fees")
        }
        self.legacy_base = rng.randint(300, 9000) if self.gov else rng.randint(40, 1500)

    def requests(self, year: int) -> int:
        mean = self.scale * YEAR_FACTOR[year] * math.exp(self.rng.gauss(0, 0.25))
        return poisson(self.rng, mean)

    def year(self, year: int, template: str, break_carry: bool = False) -> dict[str, float]:
        if template == STD2021 or template == STD2019:
            return self._std(year, template, break_carry)
        self.carried = None
        return self._legacy(year)

    # ---------------------------------------------------------------- std2019 / std2021
    def _std(self, year: int, template: str, break_carry: bool) -> dict[str, float]:
        rng, v = self.rng, {}
        n = self.requests(year)
        new = multinomial(rng, n, self.parties)
        if self.carried is None or break_carry:
            cin = [poisson(rng, x * self.carry_rate) for x in new]
            if break_carry and self.carried is not None and cin == self.carried:
                cin[0] += 1 + rng.randint(0, 3)
        else:
            cin = list(self.carried)
        rows = [r for r, _, t in T3_ROWS if template in t]
        outcome_rows = [r for r in _STD_OUTCOMES if r in rows]
        probs = [self.outcomes[r] for r in outcome_rows]
        if template == STD2019:
            outcome_rows.append("other")
            probs.append(sum(self.outcomes[r] for r in _OUTCOME_BASE if r.startswith("other.")))
        cout = []
        for ci, col in enumerate(T3_PARTY_COLUMNS):
            flow = new[ci] + cin[ci]
            out = (
                sum(1 for _ in range(min(flow, 400)) if rng.random() < self.carry_rate)
                if flow <= 400
                else round(flow * self.carry_rate)
            )
            cout.append(out)
            split = multinomial(rng, flow - out, probs)
            v[t3_key("new", col)] = new[ci]
            v[t3_key("carried_in", col)] = cin[ci]
            for r, k in zip(outcome_rows, split):
                v[t3_key(r, col)] = k
            v[t3_key("processed", col)] = flow - out
            v[t3_key("carried_out", col)] = out
        for r in rows + (["other"] if template == STD2019 else []):
            if r.startswith("other.") and template == STD2019:
                continue
            v[t3_key(r, "total")] = sum(v[t3_key(r, c)] for c in T3_PARTY_COLUMNS)
        self.carried = cout
        v.update(self._t4(n))
        v.update(self._t2(template))
        return v

    def _t4(self, n: int) -> dict[str, float]:
        rng, v = self.rng, {}
        lam = {
            "review": n * self.review_rate,
            "suit_direct": n * self.review_rate * 0.25,
            "suit_after_review": n * self.review_rate * 0.2,
        }
        mix = {
            "review": [0.6, 0.12, 0.15, 0.13],
            "suit_direct": [0.7, 0.05, 0.15, 0.1],
            "suit_after_review": [0.7, 0.05, 0.15, 0.1],
        }
        for g, _ in T4_GROUPS:
            total = poisson(rng, lam[g])
            parts = multinomial(rng, total, mix[g])
            for (o, _), k in zip(T4_OUTCOMES[:4], parts):
                v[t4_key(g, o)] = k
            v[t4_key(g, "total")] = total
        return v

    def _t2(self, template: str) -> dict[str, float]:
        rng, v, gov = self.rng, {}, self.gov
        issued = rng.randint(0, 12 if gov else 4)
        repealed = rng.randint(0, min(issued + 2, self.normative_in_force))
        self.normative_in_force += issued - repealed
        r_issued = rng.randint(0, 4) if self.rules_in_force else 0
        r_rep = rng.randint(0, min(2, self.rules_in_force)) if self.rules_in_force else 0
        self.rules_in_force += r_issued - r_rep
        big = (
            10 ** rng.uniform(3, 5.5)
            if gov
            else (10 ** rng.uniform(0, 3.5) if rng.random() < 0.7 else 0)
        )
        decisions = {
            "licensing": round(big),
            "penalty": round(big * rng.uniform(0.05, 1.5)),
            "coercion": round(big * rng.uniform(0, 0.05)),
            "other_services": round(big * rng.uniform(0, 0.3)),
        }
        fees = (
            round(10 ** rng.uniform(1, 4), rng.choice((0, 2, 4)))
            if gov
            else (
                round(10 ** rng.uniform(-1, 2.5), rng.choice((2, 4))) if rng.random() < 0.4 else 0
            )
        )
        for item, measures in T2_LAYOUT[template].items():
            for m in measures:
                if m in ("issued", "made"):
                    x = r_issued if item == "rules" else issued
                elif m == "published":
                    x = r_issued if item == "rules" else issued
                elif m == "repealed":
                    x = r_rep if item == "rules" else repealed
                elif m in ("in_force", "total_public"):
                    x = self.rules_in_force if item == "rules" else self.normative_in_force
                elif m == "decisions":
                    x = decisions[item]
                elif m == "prior_items":
                    x = self.t2_items[item]
                elif m == "change":
                    x = rng.choice((0, 0, 1, 2, 3, -1, -2, -5, 4, -12))
                    self.t2_items[item] = max(0, self.t2_items[item] + x)
                elif m == "count":
                    x = rng.randint(0, 40 if gov else 8)
                elif m == "amount_wan":
                    x = fees if item == "fees" else round(10 ** rng.uniform(1, 4.5), 2)
                else:
                    raise KeyError(m)
                v[t2_key(item, m)] = x
        return v

    # ---------------------------------------------------------------- legacy 统计表
    def _legacy(self, year: int) -> dict[str, float]:
        rng, v = self.rng, {}
        n = self.requests(year)
        total = round(self.legacy_base * YEAR_FACTOR[year] * math.exp(rng.gauss(0, 0.2))) + 5

        def put(name, x):
            v[legacy_key(name)] = x

        put("proactive_total", total)
        norm = rng.randint(0, 15 if self.gov else 5)
        put("normative_published", norm)
        put("normative_issued", norm + (rng.randint(0, 2) if rng.random() < 0.2 else 0))
        put("by_gazette", rng.randint(0, total // 5) if self.gov else 0)
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
        for grp, lam in (("review", n * self.review_rate), ("suit", n * self.review_rate * 0.4)):
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
