"""Write the corpus: plan every (agency, year), render each report in its format, write manifest.json."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from demo import office, pdf, writers
from demo.agencies import agencies, ocr_typo, registry_csv
from demo.corpus import EXT, Plan, deadline, plan_agency, plant_errors, publication_dates
from demo.layout import Style
from demo.report_blocks import build_blocks
from etl.fields import STD2021

MANIFEST = "manifest.json"


def _style(plan: Plan) -> tuple[Style, dict]:
    r = random.Random(plan.doc_seed + "/style")
    st = Style()
    if r.random() < 0.3:
        st.zero_prob = 0.7
        st.zero_token = r.choice(("", "/", "-", "—", "无", ""))
    st.fullwidth = r.random() < 0.05
    st.thousands = r.random() < 0.15
    st.collapse_other = plan.template == STD2021 and r.random() < 0.06
    opts = {
        "text_enc": "gbk" if r.random() < 0.5 else "utf-8",
        "html_charset": r.choice(("utf-8", "utf-8", "utf-8", "utf-8", "gbk", "gbk", "gb2312")),
        "word_style": r.random() < 0.3,
        "md_split": r.random() < 0.5,
        "tab": r.random() < 0.3,
        "crlf": r.random() < 0.2,
    }
    return st, opts


def _portal(plan: Plan, name: str, pub) -> list[tuple[str, str]]:
    return [
        ("索引号", f"{plan.agency.code}/{plan.year + 1}-{int(plan.agency.code[2:]) % 97:05d}"),
        ("发布机构", name),
        ("发布日期", pub.isoformat()),
    ]


def generate(
    out: str | Path,
    seed: int = 2026,
    n_agencies: int = 150,
    years: tuple[int, int] = (2014, 2025),
    formats: tuple[str, ...] | None = None,
    lean: bool = False,
    part: tuple[int, int] | None = None,
) -> dict:
    """Generate the corpus into `out`; return the manifest. `formats` restricts (and cycles) formats.

    `lean` (benchmarks at scale): the manifest lists the files without their printed values,
    blank and NULL keys, so that 100,000 reports do not need gigabytes of memory and JSON.
    `part=(i, k)` writes only the i-th of k interleaved shares of the agencies (generate a big
    corpus in k processes, into k folders; each folder's registry.csv lists its share).
    """
    t0 = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    ys = list(range(years[0], years[1] + 1))
    entries, missing, pdf_jobs = [], [], []
    chosen = agencies(n_agencies)
    if part is not None:
        chosen = chosen[part[0] :: part[1]]
    for ai, ag in enumerate(chosen):
        plans, miss = plan_agency(ag, ys, seed)
        missing += [_missing_entry(ag, y) for y in miss]
        for pi, plan in enumerate(plans):
            if formats:
                plan.fmt = formats[(ai + pi) % len(formats)]
                if plan.prose_only and plan.fmt not in ("html", "text"):
                    plan.prose_only = False
            entries.append(_write_report(out, seed, ag, plan, lean, pdf_jobs))
    _write_pdfs(pdf_jobs)
    manifest = {
        "generator": "gongkai demo",
        "province": "示范省（虚构，演示数据）",
        "seed": seed,
        "agencies": len(chosen),
        "years": [ys[0], ys[-1]],
        "files": entries,
        "missing": missing,
    }
    (out / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8"
    )
    (out / "registry.csv").write_text(registry_csv(chosen), encoding="utf-8")
    manifest["_seconds"] = time.perf_counter() - t0
    return manifest


def _missing_entry(ag, year: int) -> dict:
    """A report the agency never published: the manifest's `missing` row."""
    return {
        "agency": ag.name,
        "agency_code": ag.code,
        "year": year,
        "deadline": deadline(ag, year).isoformat(),
    }


def _write_report(out: Path, seed: int, ag, plan: Plan, lean: bool, pdf_jobs: list) -> dict:
    """Print one planned report (a PDF is queued in `pdf_jobs`: they share one font subset);
    its manifest entry. The draws of `rng` are in a fixed order: the corpus depends on it."""
    rng = random.Random(f"{seed}/{ag.code}/{plan.year}/print")
    if plan.fmt == "pipe" and plan.template != "legacy":
        plan.fmt = "text"
    if plan.copied_from is None:
        plant_errors(plan, rng)
    name = ag.name
    if rng.random() < 0.025:
        name = ocr_typo(ag.name, rng.randrange(8))
        plan.quirks.append({"type": "name_typo", "printed": name})
    pub, signed, late = publication_dates(ag, plan.year, rng)
    style, opts = _style(plan)
    blocks, values, blank, nulls = build_blocks(plan, name, pub, signed, rng, style)
    rel = f"{plan.year}/{ag.code}_{plan.year}{EXT[plan.fmt]}"
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    enc = None
    if plan.fmt == "pdf":
        pdf_jobs.append((path, blocks, pub.isoformat()))
    else:
        data, enc = _render(plan, blocks, opts, name, pub)
        path.write_bytes(data)
    dl = deadline(ag, plan.year)
    printed = (
        {}
        if lean
        else {
            "values": dict(sorted(values.items())),
            "blank_keys": sorted(set(blank)),
            "null_keys": sorted(nulls),
        }
    )
    return {
        "file": rel,
        "agency": ag.name,
        "agency_code": ag.code,
        "agency_printed": name,
        "level": ag.level,
        "kind": ag.kind,
        "year": plan.year,
        "template": plan.template,
        "format": plan.fmt,
        "encoding": enc,
        "published": pub.isoformat(),
        "signed": signed.isoformat(),
        "deadline": dl.isoformat(),
        "late": late,
        "days_late": max(0, (pub - dl).days),
        "prose_only": plan.prose_only,
        **printed,
        "quirks": plan.quirks,
        "style": {
            "zero_token": style.zero_token if style.zero_prob else None,
            "fullwidth": style.fullwidth,
            "thousands": style.thousands,
            "collapse_other": style.collapse_other,
        },
    }


def _write_pdfs(pdf_jobs: list) -> None:
    """Every queued PDF with one font subset holding all their characters."""
    if not pdf_jobs:
        return
    chars = set()
    for _, blocks, _ in pdf_jobs:
        chars |= pdf.pdf_chars(blocks)
    font = pdf.PdfFont(chars)
    try:
        for path, blocks, date in pdf_jobs:
            path.write_bytes(pdf.write_pdf(blocks, font, date))
    finally:
        font.close()


def _render(plan: Plan, blocks, opts: dict, name: str, pub) -> tuple[bytes, str | None]:
    f = plan.fmt
    if f == "text":
        enc = opts["text_enc"]
        return writers.write_text(blocks, enc, "\t" if opts["tab"] else " ", opts["crlf"]), enc
    if f == "pipe":
        header = [
            f"发布单位 | {name} | 来源 | 办公室 |",
            f"公开日期 | {pub.isoformat()} 00:00 | 公开方式 | 主动公开 |",
        ]
        return writers.write_pipe(blocks, header), "utf-8"
    if f == "markdown":
        return writers.write_markdown(blocks, opts["md_split"]), "utf-8"
    if f == "html":
        cs = opts["html_charset"]
        return writers.write_html(blocks, cs, opts["word_style"], _portal(plan, name, pub)), cs
    if f == "docx":
        return office.write_docx(blocks, pub.isoformat()), None
    if f == "xlsx":
        return office.write_xlsx(blocks, pub.isoformat()), None
    raise ValueError(f)
