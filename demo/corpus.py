"""Plan the demo corpus: per (agency, year) a template, a format, dates, figures and quirks.

The printed document of one plan is demo/report_blocks.py; demo/generate.py writes the files
and manifest.json.

Deterministic from the seed: every random draw comes from random.Random seeded with strings
built from (seed, agency code, year); no clock, no unordered iteration. The manifest records,
per file, what the ETL should read back: agency (registry name and the name as printed), year,
template, format, publication and signing dates, every printed value, blank cells, and the
planted quirks (late, copied, typo, totals that do not add up, broken carry-over); plus the
reports that are missing.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from demo.agencies import Agency
from demo.figures import AgencyModel
from etl.fields import LEGACY, STD2019, STD2021, T3_PARTY_COLUMNS, legacy_key, t3_key

FORMATS_STD = (
    ("html", 40),
    ("text", 17),
    ("markdown", 18),
    ("docx", 17),
    ("pdf", 3.5),
    ("xlsx", 3),
)
FORMATS_LEGACY = (
    ("pipe", 25),
    ("html", 30),
    ("text", 20),
    ("docx", 12),
    ("markdown", 5),
    ("pdf", 3.5),
    ("xlsx", 3),
)
EXT = {
    "html": ".html",
    "text": ".txt",
    "pipe": ".txt",
    "markdown": ".md",
    "docx": ".docx",
    "pdf": ".pdf",
    "xlsx": ".xlsx",
}


@dataclass
class Plan:
    agency: Agency
    year: int
    template: str
    fmt: str
    values: dict
    prose_only: bool = False
    copied_from: int | None = None
    quirks: list = field(default_factory=list)
    doc_seed: str = ""


def base_template(year: int) -> str:
    return LEGACY if year <= 2018 else (STD2019 if year <= 2020 else STD2021)


def _pick(rng: random.Random, table) -> str:
    total = sum(w for _, w in table)
    x = rng.uniform(0, total)
    for name, w in table:
        x -= w
        if x <= 0:
            return name
    return table[-1][0]


def deadline(agency: Agency, year: int) -> dt.date:
    if year >= 2019 and agency.kind == "department":
        return dt.date(year + 1, 1, 31)
    return dt.date(year + 1, 3, 31)


def plan_agency(agency: Agency, years: list[int], seed: int) -> tuple[list[Plan], list[int]]:
    rng = random.Random(f"{seed}/{agency.code}/plan")
    model = AgencyModel(agency, random.Random(f"{seed}/{agency.code}/figures"))
    plans: list[Plan] = []
    missing: list[int] = []
    prev: Plan | None = None
    for year in years:
        tpl = base_template(year)
        quirks = []
        if year in (2019, 2020, 2021) and rng.random() < 0.05:
            tpl = {2019: LEGACY, 2020: STD2021, 2021: STD2019}[year]
            quirks.append({"type": "template_off_year", "expected": base_template(year)})
        if (
            prev is not None
            and prev.template == tpl
            and not prev.copied_from
            and rng.random() < 0.025
        ):
            values = dict(prev.values)
            model.carried = (
                [values.get(t3_key("carried_out", c), 0) for c in T3_PARTY_COLUMNS]
                if tpl != LEGACY
                else None
            )
            plan = Plan(
                agency,
                year,
                tpl,
                prev.fmt,
                values,
                prev.prose_only,
                prev.year,
                quirks + [{"type": "copied_from_previous_year", "source_year": prev.year}],
                prev.doc_seed,
            )
        else:
            brk = (
                tpl != LEGACY
                and prev is not None
                and prev.template != LEGACY
                and rng.random() < 0.03
            )
            values = model.year(year, tpl, break_carry=brk)
            if brk:
                quirks.append({"type": "carry_over_break"})
            prose_only = tpl == LEGACY and rng.random() < (0.35 if year <= 2016 else 0.1)
            fmt = _pick(rng, FORMATS_LEGACY if tpl == LEGACY else FORMATS_STD)
            if prose_only:
                fmt = rng.choice(("html", "text", "text"))
            plan = Plan(
                agency,
                year,
                tpl,
                fmt,
                values,
                prose_only,
                None,
                quirks,
                f"{seed}/{agency.code}/{year}",
            )
        if prev is not None and rng.random() < 0.03:
            missing.append(
                year
            )  # the figures were drawn (carry-over runs on), the report never published
            continue
        plans.append(plan)
        prev = plan
    return plans, missing


def publication_dates(
    agency: Agency, year: int, rng: random.Random
) -> tuple[dt.date, dt.date, bool]:
    dl = deadline(agency, year)
    late = rng.random() < 0.08
    if late:
        pub = dl + dt.timedelta(days=rng.randint(1, 120))
    else:
        start = dt.date(year + 1, 1, 6)
        pub = start + dt.timedelta(days=rng.randint(0, (dl - start).days))
    signed = pub - dt.timedelta(days=rng.randint(0, 6))
    return pub, signed, late


def plant_errors(plan: Plan, rng: random.Random) -> None:
    """Totals that do not add up, in the printed copy (quirk recorded)."""
    v = plan.values
    if plan.template == LEGACY:
        if plan.prose_only or rng.random() > 0.04:
            return
        k = legacy_key(rng.choice(("requests", "completed", "review_total", "staff")))
    else:
        if rng.random() > 0.05:
            return
        cands = sorted(k for k in v if k.startswith("t3.") and k.endswith(".total") and v[k] > 0)
        cands += sorted(k for k in v if k.startswith("t4.") and k.endswith(".total") and v[k] > 0)
        if not cands:
            return
        k = rng.choice(cands)
    d = rng.choice((1, 1, 2, 3, 10, -1))
    if v[k] + d < 0:
        d = 1
    plan.values = dict(v)
    plan.values[k] = v[k] + d
    plan.quirks.append({"type": "total_mismatch", "key": k, "true": v[k], "printed": v[k] + d})
