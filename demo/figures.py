"""The true figures of the fictional agencies, year by year, under the canonical keys.

Per agency there is a size (requests a year spanning orders of magnitude by kind) and a
profile (who applies, how requests end); per year the std tables are drawn column by column so
that every spec identity holds, and this year's 上年结转 is last year's 结转下年度 (the legacy
统计表's figures: demo/legacy_figures.py; the random draws: demo/draws.py). Planted errors
are applied later, to the printed copy (demo/corpus.py), never here.
"""

from __future__ import annotations

import math
import random

from demo.draws import multinomial, poisson
from demo.legacy_figures import legacy_figures
from etl.fields import (
    STD2019,
    STD2021,
    T2_LAYOUT,
    T3_PARTY_COLUMNS,
    T3_ROWS,
    T4_GROUPS,
    T4_OUTCOMES,
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
        return legacy_figures(self, year, YEAR_FACTOR[year])

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
